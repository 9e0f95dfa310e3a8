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

fn conference(
    unit: lamtheo_domain::Id,
    code: &str,
    held_on: chrono::NaiveDate,
) -> lamtheo_app::conferences::ConferenceInput {
    lamtheo_app::conferences::ConferenceInput {
        code: code.into(),
        unit_id: unit,
        held_on,
        title: "Hội nghị quán triệt".into(),
        level: "Xã".into(),
        online: false,
        others_count: 10,
        unlisted_members: 0,
        topic_ids: vec![],
        regular_meeting: false,
        study_content: false,
    }
}

/// A request from the province to its communes; one commune's report drafted, submitted
/// late, returned, corrected and approved; the approval locks the commune's facts for the
/// period until the upper level unlocks them.
#[tokio::test]
async fn a_report_goes_up_is_returned_approved_and_locks_its_period() {
    use lamtheo_app::report::workflow::{NewRequest, State};
    use lamtheo_domain::access::Role;
    use lamtheo_domain::ErrorCode;
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        let period = Period::new(Month::new(2025, 1), Month::new(2025, 12));
        let new = NewRequest {
            title: "Tổng kết năm 2025".into(),
            period,
            deadline: d(2026, 1, 15),
            recipients: ["C1", "C2", "C3", "C4"].map(String::from).to_vec(),
            outline: None,
            copy_of: None,
        };
        let e = app.create_request(&sys, pv.p, NewRequest { recipients: vec!["P".into()], ..new.clone() }).await;
        assert_eq!(e.unwrap_err().field.as_deref(), Some("recipients"), "{engine}: a unit cannot ask itself");
        let request = app.create_request(&sys, pv.p, new).await.unwrap();
        let states = app.request_status(&sys, request).await.unwrap();
        assert!(states.iter().all(|s| s.state == State::NotStarted), "{engine}");

        let secretary = Actor { role: Role::Secretary, scope: Some(pv.communes[0]), user_id: 7, ..Actor::system() };
        let report = app.open_report(&secretary, request, pv.communes[0]).await.unwrap();
        assert_eq!(report.state, "drafting");
        // Another commune's report is out of the secretary's reach.
        assert!(app.open_report(&secretary, request, pv.communes[1]).await.is_err(), "{engine}");
        let mut draft = lamtheo_app::report::workflow::DraftEdit::of(&report.draft);
        draft.sections[0].push(lamtheo_app::report::Paragraph {
            text: "Xã có 12 thôn, bản; đồng bào dân tộc Mông chiếm 80%.".into(),
            figures: vec![],
            edited: false,
        });
        let v2 = app.save_report(&secretary, report.id, draft.clone(), report.version).await.unwrap();
        // A save over a version someone else replaced is refused.
        let stale = app.save_report(&secretary, report.id, draft.clone(), report.version).await.unwrap_err();
        assert_eq!(stale.code, ErrorCode::Conflict, "{engine}");
        let issued = app.submit_report(&secretary, report.id, ("Bí thư", "Lò Văn An")).await.unwrap();
        assert_eq!(issued.symbol, "1-BC/ĐU", "{engine}: the first report of the term in the register");
        let states = app.request_status(&sys, request).await.unwrap();
        let c1 = states.iter().find(|s| s.unit_id == pv.communes[0]).unwrap();
        assert_eq!(c1.state, State::SubmittedLate, "{engine}: after the deadline");
        // The secretary cannot decide on their own report; the province can.
        assert!(app.decide_report(&secretary, report.id, true, "").await.is_err(), "{engine}");
        let e = app.decide_report(&sys, report.id, false, "").await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("comment"), "{engine}: a return says why");
        app.decide_report(&sys, report.id, false, "Bổ sung số liệu mô hình").await.unwrap();
        let returned = app.report(&secretary, report.id).await.unwrap();
        assert_eq!((returned.state.as_str(), returned.comment.as_str()), ("returned", "Bổ sung số liệu mô hình"));
        assert_eq!(app.notices(&secretary, pv.communes[0]).await.unwrap().len(), 1, "{engine}: a notice");
        let v3 = app.save_report(&secretary, report.id, draft, v2).await.unwrap();
        assert_eq!(v3, v2 + 1);
        let again = app.submit_report(&secretary, report.id, ("Bí thư", "Lò Văn An")).await.unwrap();
        assert_eq!(again.symbol, "2-BC/ĐU", "{engine}");
        let (pdf, _) = app.issued_file(&secretary, again.id, Format::Pdf).await.unwrap();
        let text = read_with("pdftotext", &["-layout"], &pdf, "pdf");
        assert!(text.contains("Số 2-BC/ĐU") && text.contains("Lò Văn An") && text.contains("Xã có 12 thôn, bản"));
        // A movement and a covenant of 2025 that reach the commune, before it is locked.
        use lamtheo_domain::covenant::{Campaign, ContentGroup, Score};
        use lamtheo_domain::emulation::{Expected, Movement, Review};
        let movement = Movement {
            id: 0,
            unit_id: pv.p,
            title: "Thi đua làm theo Bác 2025".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: Expected::Members,
        };
        let movement = app.create_movement(&sys, movement).await.unwrap();
        let registration = app.register(&sys, movement, pv.people[0][1], "Nêu gương", d(2025, 2, 1)).await.unwrap();
        let elsewhere = app.register(&sys, movement, pv.people[2][1], "Nêu gương", d(2025, 2, 1)).await.unwrap();
        let groups = vec![ContentGroup { title: "Học tập".into(), max_score: 20 }];
        let covenant =
            |title: &str| Campaign { id: 0, unit_id: pv.p, title: title.into(), year: 2025, groups: groups.clone() };
        let with_commune = app.create_covenant(&sys, covenant("Giao ước 1"), &pv.communes[..2]).await.unwrap();
        let without = app.create_covenant(&sys, covenant("Giao ước 2"), &pv.communes[2..]).await.unwrap();
        let rated = |subject_id, level: &str| lamtheo_domain::evaluation::Evaluation {
            subject: lamtheo_domain::evaluation::Subject::Person,
            subject_id,
            year: 2025,
            quarter: 0,
            scale: "qd124".into(),
            level_code: level.into(),
            score: None,
            note: String::new(),
        };
        app.record_evaluations(&sys, vec![rated(pv.people[0][0], "xuat_sac"), rated(pv.people[2][0], "tot")])
            .await
            .unwrap();
        // The province's draft has them in its annexes: the movement's registrations by
        // district and commune, and the covenant it organised with its signatories.
        let year =
            app.report_draft(&sys, pv.p, Period::year(2025), d(2025, 12, 31), &built_in_outline()).await.unwrap();
        let annex = |start: &str| year.annexes.iter().find(|a| a.title.starts_with(start)).cloned();
        let movements = annex("Đăng ký thi đua").expect("the movements' annex");
        assert_eq!(movements.total[1], "2/12 (16,7%)", "{engine}");
        let row = |a: &lamtheo_app::report::Annex, name: &str| a.rows.iter().find(|r| r[0] == name).cloned();
        assert_eq!(row(&movements, "Huyện ủy Tam Đường").unwrap()[1], "1/6 (16,7%)", "{engine}");
        assert_eq!(row(&movements, "— Đảng ủy xã Bình Lư").unwrap()[1], "1/3 (33,3%)", "{engine}");
        let signed = annex("Giao ước thi đua «Giao ước 1»").expect("the covenant's annex");
        assert_eq!(signed.rows.len(), 2, "{engine}: its two signatories");
        assert!(row(&signed, "Đảng ủy xã Bình Lư").is_some(), "{engine}: {signed:?}");
        let ratings = annex("Kết quả đánh giá, xếp loại").expect("the ratings' annex");
        assert_eq!(ratings.rows.len(), 6, "{engine}: two districts and their communes");
        assert_eq!(ratings.total[1..5], ["2", "2", "100%", "1"], "{engine}: {ratings:?}");
        assert_eq!(row(&ratings, "— Đảng ủy xã Bình Lư").unwrap()[1..5], ["1", "1", "100%", "1"], "{engine}");
        app.decide_report(&sys, report.id, true, "").await.unwrap();
        // The upper level reads the report's figures beside the same figures read now.
        let check = app.report_figures(&sys, report.id).await.unwrap();
        assert!(check.compared > 10 && !check.totals.is_empty(), "{engine}: {check:?}");
        assert!(check.totals.iter().all(|f| f.submitted == f.now) && check.changed.is_empty(), "{engine}: {check:?}");
        let states = app.request_status(&sys, request).await.unwrap();
        assert_eq!(states.iter().find(|s| s.unit_id == pv.communes[0]).unwrap().state, State::Approved);
        assert_eq!(app.report_versions(&sys, report.id).await.unwrap().len(), 3, "{engine}: every save kept");

        // The commune's 2025 is locked: a conference of its cell dated in 2025 is refused, one
        // in 2026 is not, and another commune is not locked.
        let e = app.create_conference(&sys, conference(pv.cells[0], "LOCK-1", d(2025, 6, 10))).await.unwrap_err();
        assert!(e.code == ErrorCode::Conflict && e.message_vi.contains("đã khóa"), "{engine}: {e:?}");
        app.create_conference(&sys, conference(pv.cells[0], "LOCK-2", d(2026, 2, 10))).await.unwrap();
        // A file is refused alike, and writes nothing.
        let file =
            "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị\nLOCK-F1,K2,05/03/2025,Mở\nLOCK-F2,K1,05/03/2025,Khóa\n";
        let e = app.import(&sys, lamtheo_importer::Kind::Conferences, "c.csv", file.as_bytes(), &|_, _, _| {}).await;
        assert_eq!(e.unwrap_err().code, ErrorCode::Conflict, "{engine}: a file's row in the locked period");
        let k2 = app.conferences_of(&sys, pv.cells[1], d(2025, 3, 1), d(2025, 3, 31)).await.unwrap();
        assert!(k2.iter().all(|c| c.code != "LOCK-F1"), "{engine}: nothing of the file was written");
        app.create_conference(&sys, conference(pv.cells[2], "LOCK-3", d(2025, 6, 10))).await.unwrap();
        let recognition = serde_json::json!({"subject": "tap_the", "recipient": "Chi bộ bản 1", "unit": "K1",
            "kind": "bieu_duong", "level": "xa", "on": "2025-09-02", "achievement": "Tiêu biểu"});
        let e = app
            .save_record(&sys, &lamtheo_domain::records::recognitions::RECOGNITIONS, &recognition)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict, "{engine}: a record dated in the period too");
        // A member of the commune's cell: their 2025 plan is in the locked period, their 2026
        // one is not.
        let member =
            Actor { role: Role::Member, scope: Some(pv.cells[0]), person_id: Some(pv.people[0][0]), ..sys.clone() };
        let plan = |year| app.save_own_plan(&member, lamtheo_domain::plans::PlanKind::YearPlan, year, "Kế hoạch", true);
        assert_eq!(plan(2025).await.unwrap_err().code, ErrorCode::Conflict, "{engine}: a plan of the locked year");
        plan(2026).await.unwrap();
        // A monthly review of 2025 of a member of the commune, and the scores of a 2025
        // covenant it signed (they move its rank), are refused; those elsewhere are not.
        let review = |registration_id, month| Review { registration_id, month, met: true, comment: String::new() };
        let e = app.review_registration(&sys, review(registration, Month::new(2025, 3).0)).await.unwrap_err();
        assert!(e.code == ErrorCode::Conflict && e.message_vi.contains("đã khóa"), "{engine}: {e:?}");
        app.review_registration(&sys, review(elsewhere, Month::new(2025, 3).0)).await.unwrap();
        let e = app.register(&sys, movement, pv.people[0][2], "Nêu gương", d(2025, 4, 1)).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict, "{engine}: a registration to a movement of the locked year");
        let score = |unit_id| [Score { unit_id, group: 0, score: 18 }];
        let e = app.score_covenant(&sys, with_commune, &score(pv.communes[1])).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict, "{engine}: a score of a covenant the locked commune signed");
        app.score_covenant(&sys, without, &score(pv.communes[2])).await.unwrap();
        // The approved report stays as it was approved when the tree changes after it.
        let approved = app.report(&sys, report.id).await.unwrap().draft;
        app.move_unit(&sys, pv.cells[3], pv.communes[0], d(2026, 3, 1)).await.unwrap();
        assert_eq!(app.report(&sys, report.id).await.unwrap().draft, approved, "{engine}");
        let locks = app.locks_of(&sys, pv.communes[0]).await.unwrap();
        let lock = locks.iter().find(|l| l.unlocked_at.is_none()).unwrap();
        assert!(app.unlock(&secretary, lock.id, "Sửa số liệu").await.is_err(), "{engine}: only the upper level");
        assert_eq!(app.unlock(&sys, lock.id, " ").await.unwrap_err().field.as_deref(), Some("reason"));
        app.unlock(&sys, lock.id, "Bổ sung hội nghị bị sót").await.unwrap();
        app.create_conference(&sys, conference(pv.cells[0], "LOCK-1", d(2025, 6, 10))).await.unwrap();
        // The approved figures stay as they were; the check shows what changed since.
        let check = app.report_figures(&sys, report.id).await.unwrap();
        let conferences = check.totals.iter().find(|f| f.column == "Hội nghị học tập, quán triệt").unwrap();
        let number = |s: &str| s.parse::<u64>().unwrap();
        assert_eq!(number(&conferences.now), number(&conferences.submitted) + 1, "{engine}: {conferences:?}");
        assert!(check.changed.iter().any(|f| f.row == "Chi bộ bản 1"), "{engine}: the cell's row: {check:?}");
    }
}

#[tokio::test]
async fn the_register_numbers_afresh_from_the_committees_congress() {
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        let today = app.today();
        let own = |year: i32| app.start_report(&sys, pv.districts[0], Period::year(year));
        let first = app.submit_report(&sys, own(2024).await.unwrap(), ("Bí thư", "Lò Văn An")).await.unwrap();
        let second = app.submit_report(&sys, own(2025).await.unwrap(), ("Bí thư", "Lò Văn An")).await.unwrap();
        assert_eq!((first.symbol.as_str(), second.symbol.as_str()), ("1-BC/HU", "2-BC/HU"), "{engine}");
        // A congress is a day that has passed, recorded once.
        let tomorrow = today.succ_opt().unwrap();
        let e = app.record_congress(&sys, pv.districts[0], tomorrow).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("held_on"), "{engine}");
        app.record_congress(&sys, pv.districts[0], today).await.unwrap();
        let e = app.record_congress(&sys, pv.districts[0], today).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("held_on"), "{engine}: recorded once");
        // From the congress, the numbers restart; another district's register is its own.
        let third = app.submit_report(&sys, own(2026).await.unwrap(), ("Bí thư", "Lò Văn An")).await.unwrap();
        assert_eq!(third.symbol, "1-BC/HU", "{engine}: a new term");
        let register = app.outgoing_register(&sys, pv.districts[0]).await.unwrap();
        let year = chrono::Datelike::year(&today);
        let terms: Vec<(&str, &str)> = register.iter().map(|d| (d.symbol.as_str(), d.term.as_str())).collect();
        let new_term = format!("{year}–{}", year + 5);
        assert_eq!(terms[0], ("1-BC/HU", new_term.as_str()), "{engine}: newest first: {terms:?}");
        assert_eq!(terms.len(), 3, "{engine}");
        assert!(register[0].summary.contains("năm 2026"), "{engine}: {:?}", register[0]);
        assert!(app.outgoing_register(&sys, pv.districts[1]).await.unwrap().is_empty(), "{engine}");
    }
}

#[tokio::test]
async fn a_saved_version_is_read_and_restored_as_a_new_version() {
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        let id = app.start_report(&sys, pv.districts[0], Period::year(2025)).await.unwrap();
        let first = app.report(&sys, id).await.unwrap();
        let mut edit = lamtheo_app::report::workflow::DraftEdit::of(&first.draft);
        edit.summary = "Báo cáo đã sửa".into();
        let v2 = app.save_report(&sys, id, edit, first.version).await.unwrap();
        assert_eq!(app.report_version(&sys, id, first.version).await.unwrap().summary, first.draft.summary, "{engine}");
        // A restore over a version read before the last save is refused; over the current
        // one, it is a new version with the old text, and the history keeps all three.
        let e = app.restore_version(&sys, id, first.version, first.version).await.unwrap_err();
        assert_eq!(e.code, lamtheo_domain::ErrorCode::Conflict, "{engine}");
        let v3 = app.restore_version(&sys, id, first.version, v2).await.unwrap();
        let now = app.report(&sys, id).await.unwrap();
        assert_eq!((now.version, now.draft.summary.as_str()), (v3, first.draft.summary.as_str()), "{engine}");
        assert_eq!(app.report_versions(&sys, id).await.unwrap().len(), 3, "{engine}");
        assert!(app.report_version(&sys, id, 99).await.is_err(), "{engine}: no such version");
        // Once issued, nothing is restored.
        app.submit_report(&sys, id, ("Bí thư", "Lò Văn An")).await.unwrap();
        assert!(app.restore_version(&sys, id, v2, v3).await.is_err(), "{engine}");
    }
}
