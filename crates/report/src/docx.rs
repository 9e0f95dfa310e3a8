//! The document as a .docx (WordprocessingML) in the layout of Hướng dẫn 36-HD/VPTW: A4,
//! Times New Roman, the issuer's block and the party's name side by side, the type and
//! summary centred, the body in paragraph styles the drafter can edit, the signature and
//! recipients side by side, then each annex table on its own page.
//!
//! The XML is written by hand: the parts are few and fixed, and a hand-written part says
//! exactly what Word and LibreOffice receive. Writing into a `String` cannot fail, hence the
//! `write!(…).ok()`.
use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::{Block, Document, Table};

/// Twips (1/20 pt) in whole millimetres: 1 mm = 56.7 twips, rounded.
const fn mm(mm: u32) -> u32 {
    (mm * 567 + 5) / 10
}

const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_TOP: u32 = mm(20);
const MARGIN_BOTTOM: u32 = mm(20);
const MARGIN_LEFT: u32 = mm(30);
const MARGIN_RIGHT: u32 = mm(15);
const HEADER_DISTANCE: u32 = mm(10);
/// The width between the margins (165 mm): the tables fill it.
const TEXT_WIDTH: u32 = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/// The issuer's block and "Nơi nhận" column; the party's name and the signature take the rest.
const LEFT_COLUMN: u32 = mm(85);
/// "ĐẢNG CỘNG SẢN VIỆT NAM" in Times New Roman bold 15 pt is 73 mm wide.
const PARTY_NAME_WIDTH: u32 = mm(73);

const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const NAMESPACES: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
const FONT: &str = "Times New Roman";

/// The document as the bytes of a .docx file.
pub fn render(doc: &Document) -> Vec<u8> {
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELATIONSHIPS.to_string()),
        ("docProps/core.xml", core_properties(doc)),
        ("word/document.xml", document(doc)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELATIONSHIPS.to_string()),
        ("word/styles.xml", styles()),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/header1.xml", first_page_header()),
        ("word/header2.xml", page_number_header()),
    ];
    // Writing to memory cannot fail on I/O; the only failure left is an archive past 4 GiB,
    // which no report reaches. The signature is infallible, so such a file comes out empty.
    zip(&parts).unwrap_or_default()
}

fn zip(parts: &[(&str, String)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
    r#"<Default Extension="xml" ContentType="application/xml"/>"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
    r#"<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#,
    r#"<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
    r#"</Types>"#,
);

const ROOT_RELATIONSHIPS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
    r#"</Relationships>"#,
);

/// rId3 and rId4 are named by the section properties in `document`.
const DOCUMENT_RELATIONSHIPS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>"#,
    r#"</Relationships>"#,
);

const SETTINGS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:defaultTabStop w:val="720"/>"#,
    r#"<w:characterSpacingControl w:val="doNotCompress"/>"#,
    r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>"#,
    r#"<w:themeFontLang w:val="vi-VN"/>"#,
    r#"</w:settings>"#,
);

/// The paragraph styles the body uses, so that the drafter restyles every heading of a level
/// at once. The headings keep Word's built-in names (the navigation pane and the table of
/// contents know them) with Vietnamese aliases, which Word shows beside the name.
fn styles() -> String {
    let heading = |level: u8, alias: &str, italic: bool| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/><w:aliases w:val="{alias}"/><w:basedOn w:val="Normal"/><w:next w:val="BodyText"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="120" w:after="120" w:line="276" w:lineRule="auto"/><w:ind w:firstLine="{indent}"/><w:jc w:val="both"/><w:outlineLvl w:val="{outline}"/></w:pPr><w:rPr><w:b/><w:bCs/>{italic}</w:rPr></w:style>"#,
            indent = mm(10),
            outline = level - 1,
            italic = if italic { "<w:i/><w:iCs/>" } else { "" },
        )
    };
    format!(
        concat!(
            "{decl}",
            r#"<w:styles {ns}>"#,
            r#"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault>"#,
            r#"<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>"#,
            r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="Body Text"/><w:aliases w:val="Nội dung văn bản"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="120" w:line="276" w:lineRule="auto"/><w:ind w:firstLine="{indent}"/><w:jc w:val="both"/></w:pPr></w:style>"#,
            "{h1}{h2}{h3}",
            r#"<w:style w:type="paragraph" w:customStyle="1" w:styleId="TableText"><w:name w:val="Chữ trong bảng"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>"#,
            r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
            r#"</w:styles>"#,
        ),
        decl = XML_DECLARATION,
        ns = NAMESPACES,
        font = FONT,
        indent = mm(10),
        h1 = heading(1, "Đề mục cấp 1", false),
        h2 = heading(2, "Đề mục cấp 2", false),
        h3 = heading(3, "Đề mục cấp 3", true),
    )
}

fn core_properties(doc: &Document) -> String {
    let mut out = String::from(XML_DECLARATION);
    out.push_str(r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>"#);
    push_escaped(&mut out, format!("{} {}", doc.kind, doc.summary).trim());
    out.push_str("</dc:title><dc:creator>");
    push_escaped(&mut out, &doc.issuer);
    out.push_str("</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>");
    out
}

/// The first page carries no number (HD 36): its header is an empty paragraph.
fn first_page_header() -> String {
    format!("{XML_DECLARATION}<w:hdr {NAMESPACES}><w:p/></w:hdr>")
}

/// The pages from the second on: the page number, centred, 13 pt.
fn page_number_header() -> String {
    let mut out = format!("{XML_DECLARATION}<w:hdr {NAMESPACES}>");
    let font = Font::size(13);
    open_paragraph(&mut out, Para::CENTRED, font);
    out.push_str(r#"<w:fldSimple w:instr=" PAGE ">"#);
    run(&mut out, font, "2");
    out.push_str("</w:fldSimple></w:p></w:hdr>");
    out
}

fn document(doc: &Document) -> String {
    let mut out = format!("{XML_DECLARATION}<w:document {NAMESPACES}><w:body>");
    if doc.draft {
        // A narrow box at the right edge, above the header block.
        let para = Para { border: Border::Box, indent: (TEXT_WIDTH - mm(35), 0), spacing: (0, 120), ..Para::CENTRED };
        paragraph(&mut out, para, Font::size(13).bold(), "DỰ THẢO");
    }
    header_block(&mut out, doc);
    title(&mut out, doc);
    for block in &doc.body {
        match block {
            Block::Heading { level, text } => {
                let style = match level {
                    0 | 1 => "Heading1",
                    2 => "Heading2",
                    _ => "Heading3",
                };
                paragraph(&mut out, Para::styled(style), Font::default(), text);
            }
            Block::Paragraph(text) => paragraph(&mut out, Para::styled("BodyText"), Font::default(), text),
        }
    }
    signature_block(&mut out, doc);
    for (index, annex) in doc.annexes.iter().enumerate() {
        annex_table(&mut out, index + 1, annex);
    }
    // The body must end with a paragraph, not a table; a 1 pt one takes no room.
    paragraph(&mut out, Para::default(), Font::size(1), "");
    write!(
        out,
        concat!(
            r#"<w:sectPr><w:headerReference w:type="default" r:id="rId4"/><w:headerReference w:type="first" r:id="rId3"/>"#,
            r#"<w:pgSz w:w="{PAGE_WIDTH}" w:h="{PAGE_HEIGHT}"/>"#,
            r#"<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" w:left="{MARGIN_LEFT}" w:header="{HEADER_DISTANCE}" w:footer="{HEADER_DISTANCE}" w:gutter="0"/>"#,
            r#"<w:cols w:space="720"/><w:titlePg/></w:sectPr></w:body></w:document>"#,
        ),
        PAGE_WIDTH = PAGE_WIDTH,
        PAGE_HEIGHT = PAGE_HEIGHT,
        MARGIN_TOP = MARGIN_TOP,
        MARGIN_RIGHT = MARGIN_RIGHT,
        MARGIN_BOTTOM = MARGIN_BOTTOM,
        MARGIN_LEFT = MARGIN_LEFT,
        HEADER_DISTANCE = HEADER_DISTANCE,
    )
    .ok();
    out
}

/// The issuer's block beside the party's name, two rows so that the number and the place and
/// date stand level whether or not there is a parent body.
fn header_block(out: &mut String, doc: &Document) {
    let mut issuer = String::new();
    if !doc.parent_body.is_empty() {
        paragraph(&mut issuer, Para::CENTRED, Font::size(14).caps(), &doc.parent_body);
    }
    paragraph(&mut issuer, Para::CENTRED, Font::size(14).bold(), &doc.issuer);
    paragraph(&mut issuer, Para::CENTRED, Font::size(14), "*");

    let mut party = String::new();
    paragraph(&mut party, Para::CENTRED, Font::size(15).bold(), "ĐẢNG CỘNG SẢN VIỆT NAM");
    // The rule under it is as long as the name (HD 36): a 1 pt paragraph with a bottom
    // border, indented to the name's width. The name never changes, so neither does its width.
    let side = (TEXT_WIDTH - LEFT_COLUMN - PARTY_NAME_WIDTH) / 2;
    let rule = Para { border: Border::Bottom, indent: (side, side), ..Para::CENTRED };
    paragraph(&mut party, rule, Font::size(1), "");

    let mut number = String::new();
    paragraph(&mut number, Para::CENTRED, Font::size(14), &doc.number);
    let mut place_date = String::new();
    paragraph(&mut place_date, Para::CENTRED, Font::size(14).italic(), &doc.place_date);

    let rows = [Row::plain(vec![issuer, party]), Row::plain(vec![number, place_date])];
    table(out, &[LEFT_COLUMN, TEXT_WIDTH - LEFT_COLUMN], Grid::Layout, &rows);
}

/// The type, the summary and a short rule under them.
fn title(out: &mut String, doc: &Document) {
    if doc.kind.is_empty() && doc.summary.is_empty() {
        return;
    }
    if !doc.kind.is_empty() {
        let para = Para { spacing: (360, 0), ..Para::CENTRED };
        paragraph(out, para, Font::size(16).bold(), &doc.kind);
    }
    if !doc.summary.is_empty() {
        paragraph(out, Para::CENTRED, Font::size(14).bold(), &doc.summary);
    }
    // An empty paragraph 30 mm wide with a bottom border: the rule. Its text is 6 pt so the
    // rule sits close under the summary.
    let side = (TEXT_WIDTH - mm(30)) / 2;
    let rule = Para { border: Border::Bottom, indent: (side, side), spacing: (0, 360), ..Para::CENTRED };
    paragraph(out, rule, Font::size(6), "");
}

/// "Nơi nhận" and its lines on the left, the signature on the right.
fn signature_block(out: &mut String, doc: &Document) {
    let signature = &doc.signature;
    if doc.recipients.is_empty()
        && signature.on_behalf.is_empty()
        && signature.title.is_empty()
        && signature.name.is_empty()
    {
        return;
    }
    let top = Para { spacing: (240, 0), ..Para::default() };
    let mut recipients = String::new();
    if !doc.recipients.is_empty() {
        paragraph(&mut recipients, top, Font::size(12).bold().italic(), "Nơi nhận:");
        for line in &doc.recipients {
            paragraph(&mut recipients, Para::default(), Font::size(11), line);
        }
    }

    let mut signer = String::new();
    let bold = Font::size(14).bold();
    let top_centred = Para { spacing: (240, 0), ..Para::CENTRED };
    if !signature.on_behalf.is_empty() {
        paragraph(&mut signer, top_centred, bold, &signature.on_behalf);
        paragraph(&mut signer, Para::CENTRED, bold, &signature.title);
    } else {
        paragraph(&mut signer, top_centred, bold, &signature.title);
    }
    // Room for the signature and the seal.
    for _ in 0..3 {
        paragraph(&mut signer, Para::CENTRED, Font::size(14), "");
    }
    paragraph(&mut signer, Para::CENTRED, bold, &signature.name);

    let rows = [Row::plain(vec![recipients, signer])];
    table(out, &[LEFT_COLUMN, TEXT_WIDTH - LEFT_COLUMN], Grid::Layout, &rows);
}

/// "PHỤ LỤC n" on a new page, the annex's title, then its table across the text width.
fn annex_table(out: &mut String, number: usize, annex: &Table) {
    let heading = Para { page_break_before: true, ..Para::CENTRED };
    paragraph(out, heading, Font::size(14).bold(), &format!("PHỤ LỤC {number}"));
    let title = Para { spacing: (0, 240), ..Para::CENTRED };
    paragraph(out, title, Font::size(14).bold(), &annex.title);

    let columns =
        annex.rows.iter().chain(annex.total.as_ref()).map(Vec::len).chain([annex.columns.len()]).max().unwrap_or(0);
    if columns == 0 {
        return;
    }
    // The first column (the units' names) takes 38 %, the figures share the rest; the last
    // takes the rounding so the table is exactly the text width.
    let widths: Vec<u32> = if columns == 1 {
        vec![TEXT_WIDTH]
    } else {
        let first = TEXT_WIDTH * 38 / 100;
        let figure = (TEXT_WIDTH - first) / (columns as u32 - 1);
        let last = TEXT_WIDTH - first - figure * (columns as u32 - 2);
        std::iter::once(first).chain(std::iter::repeat_n(figure, columns - 2)).chain([last]).collect()
    };

    let cells = |texts: &[String], font: Font, header: bool| -> Vec<String> {
        (0..columns)
            .map(|column| {
                let align = match (header, column) {
                    (true, _) => "center",
                    (false, 0) => "left",
                    (false, _) => "right",
                };
                let para = Para { align: Some(align), ..Para::styled("TableText") };
                let text = texts.get(column).map_or("", String::as_str);
                let mut cell = String::new();
                paragraph(&mut cell, para, font, text);
                cell
            })
            .collect()
    };
    let mut rows = Vec::with_capacity(annex.rows.len() + 2);
    if !annex.columns.is_empty() {
        rows.push(Row { header: true, cells: cells(&annex.columns, Font::default().bold(), true) });
    }
    for row in &annex.rows {
        rows.push(Row::plain(cells(row, Font::default(), false)));
    }
    if let Some(total) = &annex.total {
        rows.push(Row::plain(cells(total, Font::default().bold(), false)));
    }
    table(out, &widths, Grid::Ruled, &rows);
}

/// A table row: its cells' paragraphs, already written.
struct Row {
    /// Repeated at the top of every page the table runs onto.
    header: bool,
    cells: Vec<String>,
}

impl Row {
    fn plain(cells: Vec<String>) -> Self {
        Row { header: false, cells }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Grid {
    /// No borders and no side padding: a table that only places blocks side by side.
    Layout,
    /// Single lines around every cell, cells centred vertically: a table of figures.
    Ruled,
}

fn table(out: &mut String, widths: &[u32], grid: Grid, rows: &[Row]) {
    let total: u32 = widths.iter().sum();
    let (line, padding) = match grid {
        Grid::Layout => ("none", 0),
        Grid::Ruled => ("single", 108),
    };
    write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>"#
    )
    .ok();
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        write!(out, r#"<w:{side} w:val="{line}" w:sz="4" w:space="0" w:color="auto"/>"#).ok();
    }
    write!(out, r#"</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="{padding}" w:type="dxa"/><w:right w:w="{padding}" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#).ok();
    for width in widths {
        write!(out, r#"<w:gridCol w:w="{width}"/>"#).ok();
    }
    out.push_str("</w:tblGrid>");
    for row in rows {
        out.push_str("<w:tr>");
        if row.header {
            out.push_str("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        }
        for (cell, width) in row.cells.iter().zip(widths) {
            write!(out, r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>"#).ok();
            if grid == Grid::Ruled {
                out.push_str(r#"<w:vAlign w:val="center"/>"#);
            }
            out.push_str("</w:tcPr>");
            // A cell must hold at least one paragraph.
            out.push_str(if cell.is_empty() { "<w:p/>" } else { cell });
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// Character formatting of a run. The paragraph mark gets it too, so an empty line is as tall
/// as the text around it.
#[derive(Clone, Copy, Default)]
struct Font {
    /// Points; 0 keeps the style's size.
    size: u8,
    bold: bool,
    italic: bool,
    caps: bool,
}

impl Font {
    const fn size(points: u8) -> Self {
        Font { size: points, bold: false, italic: false, caps: false }
    }

    const fn bold(self) -> Self {
        Font { bold: true, ..self }
    }

    const fn italic(self) -> Self {
        Font { italic: true, ..self }
    }

    const fn caps(self) -> Self {
        Font { caps: true, ..self }
    }
}

#[derive(Clone, Copy, PartialEq, Default)]
enum Border {
    #[default]
    None,
    /// A box around the paragraph ("DỰ THẢO").
    Box,
    /// A rule under the paragraph.
    Bottom,
}

/// Paragraph properties on top of the style.
#[derive(Clone, Copy, Default)]
struct Para {
    style: Option<&'static str>,
    page_break_before: bool,
    border: Border,
    /// Space before and after, in twips.
    spacing: (u32, u32),
    /// Left and right indent, in twips.
    indent: (u32, u32),
    /// w:jc: "left", "center", "right", "both".
    align: Option<&'static str>,
}

impl Para {
    const CENTRED: Para = Para {
        style: None,
        page_break_before: false,
        border: Border::None,
        spacing: (0, 0),
        indent: (0, 0),
        align: Some("center"),
    };

    fn styled(style: &'static str) -> Self {
        Para { style: Some(style), ..Para::default() }
    }
}

/// A paragraph of one run (none when `text` is empty).
fn paragraph(out: &mut String, para: Para, font: Font, text: &str) {
    open_paragraph(out, para, font);
    run(out, font, text);
    out.push_str("</w:p>");
}

/// `<w:p>` and its properties, in the order the schema requires (Word refuses others).
fn open_paragraph(out: &mut String, para: Para, font: Font) {
    out.push_str("<w:p><w:pPr>");
    if let Some(style) = para.style {
        write!(out, r#"<w:pStyle w:val="{style}"/>"#).ok();
    }
    if para.page_break_before {
        out.push_str("<w:pageBreakBefore/>");
    }
    let sides: &[&str] = match para.border {
        Border::None => &[],
        Border::Box => &["top", "left", "bottom", "right"],
        Border::Bottom => &["bottom"],
    };
    if !sides.is_empty() {
        out.push_str("<w:pBdr>");
        for side in sides {
            write!(out, r#"<w:{side} w:val="single" w:sz="6" w:space="1" w:color="auto"/>"#).ok();
        }
        out.push_str("</w:pBdr>");
    }
    if para.spacing != (0, 0) {
        let (before, after) = para.spacing;
        write!(out, r#"<w:spacing w:before="{before}" w:after="{after}"/>"#).ok();
    }
    if para.indent != (0, 0) {
        let (left, right) = para.indent;
        write!(out, r#"<w:ind w:left="{left}" w:right="{right}"/>"#).ok();
    }
    if let Some(align) = para.align {
        write!(out, r#"<w:jc w:val="{align}"/>"#).ok();
    }
    run_properties(out, font);
    out.push_str("</w:pPr>");
}

fn run(out: &mut String, font: Font, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    run_properties(out, font);
    // preserve: a draft's number keeps its blanks ("Số      -BC/HU").
    out.push_str(r#"<w:t xml:space="preserve">"#);
    push_escaped(out, text);
    out.push_str("</w:t></w:r>");
}

/// w:rPr in the schema's order. The font is named on every run, not only in the styles, so
/// a passage pasted into another document stays Times New Roman.
fn run_properties(out: &mut String, font: Font) {
    write!(out, r#"<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>"#).ok();
    if font.bold {
        out.push_str("<w:b/><w:bCs/>");
    }
    if font.italic {
        out.push_str("<w:i/><w:iCs/>");
    }
    if font.caps {
        out.push_str("<w:caps/>");
    }
    if font.size > 0 {
        let half_points = u32::from(font.size) * 2;
        write!(out, r#"<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>"#).ok();
    }
    out.push_str("</w:rPr>");
}

/// Text as XML character data or attribute value. Control characters other than tab and line
/// breaks are not allowed in XML 1.0 at all (a reader rejects the whole part), so they are
/// dropped rather than escaped.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}
