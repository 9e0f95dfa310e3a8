//! The .docx read back by independent readers: pandoc for the text a person sees, Python's
//! XML parser for well-formedness. Both are required: without them these tests fail, they do
//! not skip (CI installs pandoc).
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use lamtheo_report::{docx, sample, xlsx, Block, Document, Table};

/// A file in the temp directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn with(bytes: &[u8], extension: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let name =
            format!("lamtheo-report-test-{}-{}.{extension}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The document's text as pandoc reads it, runs of whitespace collapsed to one space.
fn pandoc_text(doc: &Document) -> String {
    let file = TempFile::with(&docx::render(doc), "docx");
    // Wide lines, so that a table cell's text is not wrapped inside pandoc's text table.
    let output = Command::new("pandoc")
        .args(["-f", "docx", "-t", "plain", "--columns=400"])
        .arg(&file.0)
        .output()
        .unwrap_or_else(|e| panic!("pandoc is required for these tests (apt-get install pandoc): {e}"));
    assert!(output.status.success(), "pandoc could not read the .docx: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut part = archive.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut text = String::new();
    part.read_to_string(&mut text).unwrap();
    text
}

#[test]
fn pandoc_reads_the_sample_as_written() {
    let text = pandoc_text(&sample());
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "HUYỆN ỦY NẬM NHÙN",
        "ĐẢNG BỘ TỈNH LAI CHÂU",
        "Số 499-BC/HU",
        "Nậm Nhùn, ngày 08 tháng 01 năm 2026",
        "BÁO CÁO",
        "98.835 lượt cán bộ, đảng viên tham gia, đạt gần 96%",
        "T/M BAN THƯỜNG VỤ",
        "Lò Văn Thượng",
        "Nơi nhận:",
        "PHỤ LỤC 1",
        "Kết quả học tập, quán triệt theo đơn vị",
        "Toàn huyện",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert!(!text.contains("Số:"), "the number takes no colon:\n{text}");
}

#[test]
fn every_part_is_well_formed_and_the_page_is_hd36() {
    let bytes = docx::render(&sample());
    let archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let names: Vec<&str> = archive.file_names().collect();
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/_rels/document.xml.rels",
        "word/header1.xml",
        "word/header2.xml",
    ] {
        assert!(names.contains(&part), "{part} missing from {names:?}");
    }

    let file = TempFile::with(&bytes, "docx");
    let output = Command::new("python3")
        .args([
            "-c",
            "import zipfile,xml.dom.minidom,sys; z=zipfile.ZipFile(sys.argv[1]); \
             [xml.dom.minidom.parseString(z.read(n)) for n in z.namelist() if n.endswith('.xml') or n.endswith('.rels')]",
        ])
        .arg(&file.0)
        .output()
        .unwrap_or_else(|e| panic!("python3 is required for these tests: {e}"));
    assert!(output.status.success(), "a part is not well-formed XML: {}", String::from_utf8_lossy(&output.stderr));

    let document = zip_part(&bytes, "word/document.xml");
    for expected in [
        r#"<w:pgSz w:w="11906" w:h="16838"/>"#,
        r#"w:top="1134""#,
        r#"w:bottom="1134""#,
        r#"w:left="1701""#,
        r#"w:right="851""#,
        "<w:titlePg/>",
        r#"w:ascii="Times New Roman""#,
        "<w:tblHeader/>",
    ] {
        assert!(document.contains(expected), "{expected} missing from document.xml");
    }
    let styles = zip_part(&bytes, "word/styles.xml");
    assert!(styles.contains(r#"<w:sz w:val="28"/>"#) && styles.contains(r#"<w:lang w:val="vi-VN"/>"#));
    assert!(zip_part(&bytes, "word/header2.xml").contains(r#"w:instr=" PAGE ""#));
}

#[test]
fn xml_special_characters_round_trip() {
    let mut doc = sample();
    let tricky = r#"Chỉ tiêu <đạt> & "vượt" kế hoạch: 5 < 7 > 3"#;
    doc.body.push(Block::Paragraph(tricky.into()));
    doc.annexes[0].rows.push(vec![tricky.into(), "1".into()]);
    let text = pandoc_text(&doc);
    assert_eq!(text.matches(tricky).count(), 2, "{text}");
}

#[test]
fn an_empty_document_and_a_long_annex_render() {
    let empty = docx::render(&Document::default());
    assert!(!empty.is_empty());
    pandoc_text(&Document::default());

    let mut doc = sample();
    doc.draft = true;
    doc.annexes.push(Table {
        title: "Danh sách chi bộ".into(),
        columns: vec!["Chi bộ".into(), "Đảng viên".into()],
        rows: (1..=300).map(|n| vec![format!("Chi bộ số {n}"), n.to_string()]).collect(),
        total: None,
    });
    let text = pandoc_text(&doc);
    for expected in ["DỰ THẢO", "PHỤ LỤC 2", "Danh sách chi bộ", "Chi bộ số 300 300"] {
        assert!(text.contains(expected), "{expected:?} missing");
    }
}

#[test]
fn the_workbook_holds_the_figures_as_numbers() {
    let bytes = xlsx::render(&sample());
    let workbook = zip_part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains(r#"name="Phụ lục 1""#), "{workbook}");
    let sheet = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<v>98835</v>"), "{sheet}");
    assert!(sheet.contains("<v>0.96</v>"), "{sheet}");
    assert!(sheet.contains("<v>0.958</v>"), "{sheet}");
    let strings = zip_part(&bytes, "xl/sharedStrings.xml");
    assert!(strings.contains("Toàn huyện") && strings.contains("PHỤ LỤC 1. Kết quả"), "{strings}");

    let empty = xlsx::render(&Document::default());
    assert!(zip_part(&empty, "xl/workbook.xml").contains(r#"name="Phụ lục""#));
}
