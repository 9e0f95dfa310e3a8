//! The PDF read as a person would read it: through poppler-utils (`pdftotext`, `pdfinfo`,
//! `pdftoppm`), which must be installed (`apt-get install poppler-utils`); without them the
//! tests fail rather than pass unseen.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lamtheo_report::{pdf, sample, Block, Document, Table};

/// A file in the temporary directory that no other test (or test run) writes.
fn temp_path(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("lamtheo-pdf-{}-{n}-{name}", std::process::id()))
}

fn write_pdf(name: &str, doc: &Document) -> PathBuf {
    let bytes = pdf::render(doc);
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = temp_path(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs a poppler tool, its stdout as text; fails loudly when the tool is missing or fails.
fn poppler(tool: &str, args: &[&str], file: &Path) -> String {
    let output = Command::new(tool).args(args).arg(file).arg("-").output().unwrap_or_else(|e| {
        panic!("cannot run `{tool}` ({e}): install poppler-utils (apt-get install -y poppler-utils)")
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{tool} {args:?} failed: {stderr}");
    // Poppler says "Syntax Error" and carries on when a font or a stream is broken.
    assert!(!stderr.contains("Error"), "{tool} complained: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

fn pdf_text(file: &Path, pages: Option<(u32, u32)>) -> String {
    let mut args = vec!["-layout".to_owned()];
    if let Some((first, last)) = pages {
        args.extend(["-f".into(), first.to_string(), "-l".into(), last.to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    poppler("pdftotext", &args, file)
}

fn page_count(file: &Path) -> usize {
    let output = Command::new("pdfinfo")
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `pdfinfo` ({e}): install poppler-utils"));
    assert!(output.status.success(), "pdfinfo failed: {}", String::from_utf8_lossy(&output.stderr));
    let info = String::from_utf8(output.stdout).unwrap();
    let line = info.lines().find(|l| l.starts_with("Pages:")).expect("pdfinfo gives the page count");
    line["Pages:".len()..].trim().parse().unwrap()
}

/// Runs of whitespace as one space: justification widens the spaces pdftotext sees.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Renders one page as a PNG at 50 dpi, its path.
fn png(file: &Path, page: usize) -> PathBuf {
    let prefix = temp_path(&format!("page{page}"));
    let page = page.to_string();
    let output = Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-singlefile", "-f", &page, "-l", &page])
        .arg(file)
        .arg(&prefix)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `pdftoppm` ({e}): install poppler-utils"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success() && !stderr.contains("Error"), "pdftoppm failed: {stderr}");
    prefix.with_extension("png")
}

/// A word box from `pdftotext -bbox-layout`.
#[derive(Debug, Clone)]
struct Word {
    x_min: f32,
    y_min: f32,
    x_max: f32,
    text: String,
}

fn attribute(tag: &str, name: &str) -> f32 {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

/// The words of page 1 with their boxes, and the page's width.
fn words(file: &Path) -> (Vec<Word>, f32) {
    let html = poppler("pdftotext", &["-bbox-layout", "-f", "1", "-l", "1"], file);
    let page = &html[html.find("<page ").unwrap()..];
    let width = attribute(&page[..page.find('>').unwrap()], "width");
    let mut words = Vec::new();
    for part in page.split("<word ").skip(1) {
        let (tag, rest) = part.split_once('>').unwrap();
        let text = &rest[..rest.find("</word>").unwrap()];
        words.push(Word {
            x_min: attribute(tag, "xMin"),
            y_min: attribute(tag, "yMin"),
            x_max: attribute(tag, "xMax"),
            text: text.to_owned(),
        });
    }
    (words, width)
}

/// The words of `phrase` found one after the other.
fn phrase<'w>(words: &'w [Word], phrase: &str) -> &'w [Word] {
    let wanted: Vec<&str> = phrase.split(' ').collect();
    let at = words
        .windows(wanted.len())
        .position(|w| w.iter().zip(&wanted).all(|(word, want)| word.text == *want))
        .unwrap_or_else(|| panic!("{phrase:?} not on page 1"));
    &words[at..at + wanted.len()]
}

#[test]
fn the_sample_reads_back_exactly() {
    let file = write_pdf("sample.pdf", &sample());
    let text = pdf_text(&file, None);
    let flat = squash(&text);
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "HUYỆN ỦY NẬM NHÙN",
        "ĐẢNG BỘ TỈNH LAI CHÂU",
        "Số 499-BC/HU",
        "Nậm Nhùn, ngày 08 tháng 01 năm 2026",
        "BÁO CÁO",
        "98.835 lượt cán bộ",
        "Đồng bào các dân tộc Hà Nhì, Mông, Dao, Thái, Cống sinh sống xen kẽ",
        "T/M BAN THƯỜNG VỤ",
        "BÍ THƯ",
        "Lò Văn Thượng",
        "Nơi nhận:",
        "- Lưu Văn phòng Huyện ủy.",
        "PHỤ LỤC",
        "Kết quả học tập, quán triệt theo đơn vị",
        "Toàn huyện",
        "98.835",
        "96,0%",
    ] {
        assert!(flat.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert!(!text.contains("Số:"), "the number has no colon");
    std::fs::remove_file(file).ok();
}

#[test]
fn the_header_has_two_columns() {
    let file = write_pdf("header.pdf", &sample());
    let (words, width) = words(&file);
    let motto = phrase(&words, "ĐẢNG CỘNG SẢN VIỆT NAM");
    let issuer = phrase(&words, "HUYỆN ỦY NẬM NHÙN");
    assert!(motto[0].x_min > issuer[3].x_max, "the party's name is right of the issuer: {motto:?} {issuer:?}");
    let date = phrase(&words, "Nậm Nhùn, ngày 08 tháng 01 năm 2026");
    assert!(date[0].x_min > width / 2.0, "the place and date are in the right half: {date:?}");
    let number = phrase(&words, "Số 499-BC/HU");
    assert!(number[1].x_max < width / 2.0, "the number is in the left half: {number:?}");
    assert!((number[0].y_min - date[0].y_min).abs() < 3.0, "the date is level with the number");
    assert!(motto[0].y_min < number[0].y_min, "the party's name is on the first line");
    std::fs::remove_file(file).ok();
}

#[test]
fn pages_are_numbered_from_the_second() {
    let file = write_pdf("pages.pdf", &sample());
    assert!(page_count(&file) >= 2, "the annex is on a page of its own");
    let first_line = |text: String| text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_owned();
    assert_eq!(first_line(pdf_text(&file, Some((2, 2)))), "2");
    let page1 = pdf_text(&file, Some((1, 1)));
    assert!(page1.lines().all(|l| l.trim() != "1"), "page 1 has no number:\n{page1}");
    assert!(first_line(page1).contains("ĐẢNG BỘ TỈNH LAI CHÂU"));
    let annex = pdf_text(&file, Some((2, 2)));
    assert!(squash(&annex).contains("PHỤ LỤC 1 Kết quả học tập"), "{annex}");
    std::fs::remove_file(file).ok();
}

#[test]
fn pages_render_as_images() {
    let file = write_pdf("render.pdf", &sample());
    let page1 = png(&file, 1);
    let size = std::fs::metadata(&page1).unwrap().len();
    assert!(size > 8_000, "page 1 is nearly blank: {size} bytes");
    let annex = png(&file, page_count(&file));
    // Left for the reviewer's eyes; nothing depends on it.
    std::fs::copy(&page1, "/tmp/report-page1.png").ok();
    std::fs::copy(&annex, "/tmp/report-annex.png").ok();
    std::fs::copy(&file, "/tmp/report-sample.pdf").ok();
    for path in [file, page1, annex] {
        std::fs::remove_file(path).ok();
    }
}

fn long_document() -> Document {
    let mut doc = sample();
    doc.draft = true;
    doc.number = "Số      -BC/HU".into();
    doc.body = (1..=60)
        .flat_map(|i| {
            let heading =
                (i % 10 == 1).then(|| Block::Heading { level: 1 + (i / 10 % 3) as u8, text: format!("Mục {i}") });
            let paragraph = Block::Paragraph(format!(
                "Đoạn {i}: các cấp ủy, tổ chức đảng đã lãnh đạo, chỉ đạo việc học tập và làm theo tư tưởng, đạo \
                 đức, phong cách Hồ Chí Minh gắn với nhiệm vụ chính trị của địa phương, cơ quan, đơn vị; kịp thời \
                 biểu dương, nhân rộng các điển hình tiên tiến, tạo sự chuyển biến rõ nét trong nhận thức và hành \
                 động của cán bộ, đảng viên và nhân dân."
            ));
            heading.into_iter().chain([paragraph])
        })
        .collect();
    let columns =
        ["Đơn vị", "Số hội nghị", "Lượt tham gia", "Tỷ lệ", "Chuyên đề", "Điển hình", "Khen thưởng", "Ghi chú"];
    doc.annexes.push(Table {
        title: "Kết quả theo từng xã, thị trấn".into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: (1..=300)
            .map(|i| {
                let mut row = vec![format!("Xã số {i}"), format!("{i}"), format!("{}.{:03}", i, i % 1000)];
                row.extend((0..5).map(|j| format!("{},{}%", 90 + j, i % 10)));
                row
            })
            .collect(),
        total: Some(vec!["Toàn huyện".into(), "45.150".into()]),
    });
    doc
}

#[test]
fn a_long_document_breaks_pages_and_repeats_the_table_header() {
    let doc = long_document();
    let start = Instant::now();
    let bytes = pdf::render(&doc);
    let elapsed = start.elapsed();
    eprintln!("60 paragraphs and 300 rows × 8 columns: {elapsed:?}, {} bytes", bytes.len());
    assert!(elapsed < Duration::from_secs(2), "too slow: {elapsed:?}");
    let file = temp_path("long.pdf");
    std::fs::write(&file, bytes).unwrap();
    std::fs::copy(&file, "/tmp/report-long.pdf").ok();
    let pages = page_count(&file);
    assert!(pages >= 6, "{pages} pages");
    let text = pdf_text(&file, None);
    let flat = squash(&text);
    assert!(flat.contains("DỰ THẢO"));
    assert!(flat.contains("Đoạn 60: các cấp ủy"));
    assert!(flat.contains("Xã số 300 300 300.300 90,0% 91,0%"), "the last row");
    assert!(flat.contains("Toàn huyện 45.150"));
    let table_pages = text.matches("Khen").count();
    assert!(table_pages >= 3, "the header row is repeated on each page of the table");
    // A draft's number keeps its blank to fill in.
    let number = text.lines().find(|l| l.contains("-BC/HU")).unwrap();
    assert!(number.contains("Số   "), "{number}");
    // Every page from the second carries its number on its first line.
    let last = pdf_text(&file, Some((pages as u32, pages as u32)));
    assert_eq!(last.lines().map(str::trim).find(|l| !l.is_empty()), Some(pages.to_string().as_str()));
    std::fs::remove_file(file).ok();
}

#[test]
fn odd_input_does_not_break_the_renderer() {
    let long_word = "Ngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằngoằng";
    let mut doc = sample();
    doc.summary = long_word.into();
    doc.body.push(Block::Paragraph(format!("Trước {long_word} sau")));
    doc.annexes[0].rows.push(vec![long_word.into(), long_word.into()]);
    doc.annexes.push(Table::default());
    let file = write_pdf("odd.pdf", &doc);
    let flat: String = pdf_text(&file, None).split_whitespace().collect();
    let start: String = long_word.chars().take(20).collect();
    assert!(flat.contains(&start), "the long word is there, cut");
    assert!(flat.contains("PHỤLỤC2"));
    std::fs::remove_file(file).ok();

    let file = write_pdf("empty.pdf", &Document::default());
    assert_eq!(page_count(&file), 1);
    assert!(pdf_text(&file, None).contains("ĐẢNG CỘNG SẢN VIỆT NAM"));
    std::fs::remove_file(file).ok();
}

#[test]
fn every_vietnamese_letter_comes_back_even_from_decomposed_input() {
    // In short words, so that the lines wrap between them.
    let letters = "aàáảãạ ăằắẳẵặ âầấẩẫậ bcdđ eèéẻẽẹ êềếểễệ ghiìíỉĩị klm noòóỏõọ ôồốổỗộ ơờớởỡợ pqrst uùúủũụ \
                   ưừứửữự vx yỳýỷỹỵ";
    let upper = letters.to_uppercase();
    // The same letters decomposed (base letter and combining marks), as some keyboards type them.
    let decomposed: String = unicode_normalization::UnicodeNormalization::nfd(letters).collect();
    assert_ne!(decomposed, letters);
    let doc = Document {
        body: vec![
            Block::Paragraph(letters.into()),
            Block::Paragraph(upper.clone()),
            Block::Heading { level: 3, text: decomposed },
        ],
        ..Document::default()
    };
    let file = write_pdf("letters.pdf", &doc);
    let text = squash(&pdf_text(&file, None));
    assert_eq!(text.matches(letters).count(), 2, "{text}");
    assert!(text.contains(&upper), "{text}");
    std::fs::remove_file(file).ok();
}
