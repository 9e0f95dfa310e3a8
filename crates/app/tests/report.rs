//! The report as a person reads it: drafted from the figures, rendered to PDF and read back
//! with poppler's `pdftotext` (and to a picture with `pdftoppm`), and as .docx read by
//! pandoc; the sentences and the annex totals say what the figures API says.
mod common;

use std::process::Command;

use common::{apps, d, province};
use lamtheo_app::report::{built_in_outline, render, Format};
use lamtheo_domain::access::Actor;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::vn;

/// The text of a file read by `program args… file`, with runs of whitespace as one space
/// (a justified line or a table's columns are spaced out).
fn read_with(program: &str, args: &[&str], bytes: &[u8], ext: &str) -> String {
    let path = std::env::temp_dir().join(format!("lamtheo-report-{}-{}.{ext}", std::process::id(), rand_suffix()));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(program)
        .args(args)
        .arg(&path)
        .args(if program == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed by this test (poppler-utils, pandoc): {e}"));
    assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_file(&path);
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64
}

fn n(x: u64) -> String {
    vn::fmt_int(x as i64)
}

#[tokio::test]
async fn the_report_says_what_the_figures_say() {
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        let period = Period::new(Month::new(2025, 1), Month::new(2025, 12));
        let as_of = d(2025, 12, 31);
        let draft = app.report_draft(&sys, pv.p, period, as_of, &built_in_outline()).await.unwrap();
        let f = app.unit_report(&sys, pv.p, period, as_of).await.unwrap().figures;
        assert!(f.conferences > 0 && f.member_attendances > 0, "{engine}: the province has figures");
        let document = draft.document(d(2026, 1, 8), Some("12"), ("Bí thư", "Lò Văn Thượng"));

        let pdf = render(document.clone(), Format::Pdf).await.unwrap();
        let text = read_with("pdftotext", &["-layout"], &pdf, "pdf");
        for part in [
            "TỈNH ỦY LAI CHÂU",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Số 12-BC/TU",
            "Lai Châu, ngày 08 tháng 01 năm 2026",
            "BÁO CÁO",
            "T/M BAN THƯỜNG VỤ",
            "Lò Văn Thượng",
            "Nơi nhận:",
            "PHỤ LỤC",
        ] {
            assert!(text.contains(part), "{engine}: «{part}» in {text}");
        }
        assert!(!text.contains("Số:"), "{engine}: the number has no colon");
        let sentence = format!(
            "Trong năm 2025, toàn tỉnh đã tổ chức {} hội nghị học tập, quán triệt với {} lượt cán bộ, đảng viên",
            n(f.conferences),
            n(f.member_attendances)
        );
        assert!(text.contains(&sentence), "{engine}: «{sentence}» in {text}");
        let rate = format!(
            "{}/{} cán bộ, đảng viên đã dự ít nhất một hội nghị, đạt {}",
            n(f.participants),
            n(f.eligible),
            f.rate_label()
        );
        assert!(text.contains(&rate), "{engine}: «{rate}»");
        // The annex's total row is the province's figures, and each district has its row.
        let total = format!(
            "Toàn tỉnh {} {} {}/{} {} {} {}",
            n(f.conferences),
            n(f.member_attendances),
            n(f.participants),
            n(f.eligible),
            f.rate_label(),
            n(f.meetings),
            n(f.meetings_with_study)
        );
        assert!(text.contains(&total), "{engine}: «{total}» in {text}");
        assert!(text.contains("Huyện ủy Tam Đường") && text.contains("Huyện ủy Phong Thổ"), "{engine}: by district");

        // A commune's report names its parent's party organisation above it.
        let commune = app.report_draft(&sys, pv.communes[0], period, as_of, &built_in_outline()).await.unwrap();
        assert_eq!(
            (commune.issuer.parent_body.as_str(), commune.issuer.name.as_str(), commune.issuer.symbol.as_str()),
            ("ĐẢNG BỘ HUYỆN TAM ĐƯỜNG", "ĐẢNG ỦY XÃ BÌNH LƯ", "ĐU"),
            "{engine}"
        );
        let draft_doc = commune.document(d(2026, 3, 2), None, ("Bí thư", ""));
        assert!(draft_doc.draft && draft_doc.number.starts_with("Số ") && draft_doc.number.ends_with("-BC/ĐU"));
        assert_eq!(draft_doc.place_date, "Bình Lư, ngày 02 tháng 3 năm 2026", "{engine}");

        // The first page as a picture: it renders and is not blank.
        let path = std::env::temp_dir().join(format!("lamtheo-report-{}.pdf", rand_suffix()));
        std::fs::write(&path, &pdf).unwrap();
        let out =
            Command::new("pdftoppm").args(["-r", "40", "-png", "-f", "1", "-l", "1"]).arg(&path).output().unwrap();
        assert!(out.status.success() && out.stdout.len() > 2_000, "{engine}: page 1 as a picture");
        let _ = std::fs::remove_file(&path);

        // The same document as .docx, read by pandoc.
        let docx = render(document, Format::Docx).await.unwrap();
        let text = read_with("pandoc", &["-f", "docx", "-t", "plain", "--wrap=none"], &docx, "docx");
        assert!(text.contains(&sentence) && text.contains("Số 12-BC/TU"), "{engine}: the .docx says the same: {text}");
    }
}
