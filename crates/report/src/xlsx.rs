//! The document's annex tables as an .xlsx workbook, one sheet an annex, so the figures can
//! be summed and charted. Figures written the Vietnamese way ("198.835", "70,1%") become
//! numbers with a number format; Excel then shows them in the reader's locale.
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::{Document, Table};

/// The most characters Excel keeps in a cell; a longer string is an error for the writer.
const MAX_CELL_CHARS: usize = 32_767;

/// The annexes as the bytes of an .xlsx file.
pub fn render(doc: &Document) -> Vec<u8> {
    // The inputs are plain strings, truncated to Excel's cell limit and placed on sheets with
    // fixed valid names, so the writer's errors (a row past 1,048,576 or a column past 16,384)
    // need an annex no report has. The signature is infallible, so such a file comes out empty.
    workbook(doc).unwrap_or_default()
}

fn workbook(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    if doc.annexes.is_empty() {
        workbook.add_worksheet().set_name("Phụ lục")?;
    }
    for (index, annex) in doc.annexes.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(format!("Phụ lục {}", index + 1))?;
        write_annex(sheet, index + 1, annex)?;
    }
    workbook.save_to_buffer()
}

fn write_annex(sheet: &mut Worksheet, number: usize, annex: &Table) -> Result<(), XlsxError> {
    let columns =
        annex.rows.iter().chain(annex.total.as_ref()).map(Vec::len).chain([annex.columns.len()]).max().unwrap_or(0);

    let title = if annex.title.is_empty() {
        format!("PHỤ LỤC {number}")
    } else {
        format!("PHỤ LỤC {number}. {}", annex.title)
    };
    let title_format = base().set_bold().set_align(FormatAlign::Center);
    if columns > 1 {
        let last = u16::try_from(columns - 1).unwrap_or(u16::MAX);
        sheet.merge_range(0, 0, 0, last, cell_text(&title), &title_format)?;
    } else {
        // A merge of one cell is an error.
        sheet.write_string_with_format(0, 0, cell_text(&title), &title_format)?;
    }

    let header = base()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    for (column, text) in annex.columns.iter().enumerate() {
        sheet.write_string_with_format(1, col(column), cell_text(text), &header)?;
    }

    let body = annex.rows.iter().map(|row| (row, false));
    let total = annex.total.iter().map(|row| (row, true));
    for (index, (cells, bold)) in body.chain(total).enumerate() {
        let row = u32::try_from(index + 2).unwrap_or(u32::MAX);
        for column in 0..columns {
            let text = cells.get(column).map_or("", String::as_str);
            let mut format = base().set_border(FormatBorder::Thin);
            if bold {
                format = format.set_bold();
            }
            // The first column names the row; a figure there ("2024") stays text.
            match parse_vn_number(text).filter(|_| column > 0) {
                Some(number) => {
                    let format = format.set_num_format(number.format());
                    sheet.write_number_with_format(row, col(column), number.value, &format)?;
                }
                None => {
                    if column > 0 {
                        format = format.set_align(FormatAlign::Right);
                    }
                    sheet.write_string_with_format(row, col(column), cell_text(text), &format)?;
                }
            }
        }
    }

    // Widths in characters: the names column as wide as its longest name (within reason),
    // the figures narrow; the header row wraps instead.
    let longest = |column: usize| {
        annex
            .rows
            .iter()
            .chain(annex.total.as_ref())
            .filter_map(|row| row.get(column))
            .map(|text| text.chars().count())
            .max()
            .unwrap_or(0)
    };
    for column in 0..columns {
        let (least, most) = if column == 0 { (20, 60) } else { (10, 18) };
        let width = (longest(column) + 2).clamp(least, most);
        sheet.set_column_width(col(column), width as f64)?;
    }
    // A4, as the report is printed.
    sheet.set_paper_size(9);
    if !annex.columns.is_empty() {
        sheet.set_freeze_panes(2, 0)?;
        sheet.set_repeat_rows(1, 1)?;
    }
    Ok(())
}

/// Every cell in the report's font.
fn base() -> Format {
    Format::new().set_font_name("Times New Roman").set_font_size(12)
}

/// A column index as the writer wants it; past its range the writer reports the error.
fn col(column: usize) -> u16 {
    u16::try_from(column).unwrap_or(u16::MAX)
}

fn cell_text(text: &str) -> &str {
    match text.char_indices().nth(MAX_CELL_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// A figure read from its Vietnamese spelling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// The value; a percentage as its fraction (70,1% is 0.701).
    pub value: f64,
    /// Digits after the decimal comma, kept so the cell shows as many.
    pub decimals: usize,
    pub percent: bool,
}

impl Number {
    /// The Excel number format showing the figure as it was written: "#,##0", "#,##0.0",
    /// "0.0%"… (Excel's format codes always use "." and ","; the reader's locale decides the
    /// characters shown).
    pub fn format(&self) -> String {
        let decimals = if self.decimals > 0 { format!(".{}", "0".repeat(self.decimals)) } else { String::new() };
        if self.percent {
            format!("0{decimals}%")
        } else {
            format!("#,##0{decimals}")
        }
    }
}

/// "198.835" → 198835, "3,5" → 3.5, "70,1%" → 0.701, "-1.234" → -1234. Anything else is
/// text: "gần 96%", "12/30", "3.5" (a dot groups thousands, three digits at a time), "012"
/// and "0.123" (codes, not counts).
pub fn parse_vn_number(text: &str) -> Option<Number> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (percent, text) = match text.strip_suffix('%') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match text.split_once(',') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };

    let mut groups = whole.split('.');
    let first = groups.next()?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let grouped = whole.contains('.');
    let leading_zero = first.starts_with('0') && (first.len() > 1 || grouped);
    if !digits(first) || (grouped && first.len() > 3) || leading_zero {
        return None;
    }
    let mut plain = String::from(if negative { "-" } else { "" });
    plain.push_str(first);
    for group in groups {
        if group.len() != 3 || !digits(group) {
            return None;
        }
        plain.push_str(group);
    }
    let decimals = match fraction {
        Some(fraction) if digits(fraction) => {
            plain.push('.');
            plain.push_str(fraction);
            fraction.len()
        }
        Some(_) => return None,
        None => 0,
    };
    // Shifting by the exponent, not dividing by 100, gives the closest float to the written
    // decimal: "70,1%" is exactly the double nearest 0.701.
    if percent {
        plain.push_str("e-2");
    }
    let value = plain.parse().ok()?;
    Some(Number { value, decimals, percent })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Option<f64> {
        parse_vn_number(text).map(|n| n.value)
    }

    #[test]
    fn reads_vietnamese_figures() {
        assert_eq!(value("198.835"), Some(198_835.0));
        assert_eq!(value("1.234"), Some(1234.0));
        assert_eq!(value("1.234.567"), Some(1_234_567.0));
        assert_eq!(value("412"), Some(412.0));
        assert_eq!(value("0"), Some(0.0));
        assert_eq!(value("3,5"), Some(3.5));
        assert_eq!(value("1.234,75"), Some(1234.75));
        assert_eq!(value("-1.234"), Some(-1234.0));
        assert_eq!(value(" 98.835 "), Some(98_835.0));
    }

    #[test]
    fn reads_percentages_as_fractions() {
        let n = parse_vn_number("70,1%").unwrap();
        assert_eq!(n.value, 0.701);
        assert_eq!((n.decimals, n.percent), (1, true));
        assert_eq!(n.format(), "0.0%");
        assert_eq!(value("96,0%"), Some(0.96));
        assert_eq!(value("100%"), Some(1.0));
        assert_eq!(parse_vn_number("100%").unwrap().format(), "0%");
        assert_eq!(value("-2,5%"), Some(-0.025));
    }

    #[test]
    fn formats_keep_the_written_decimals() {
        assert_eq!(parse_vn_number("198.835").unwrap().format(), "#,##0");
        assert_eq!(parse_vn_number("3,25").unwrap().format(), "#,##0.00");
    }

    #[test]
    fn leaves_text_as_text() {
        for text in [
            "",
            "-",
            "%",
            "gần 96%",
            "12/30",
            "3.5",
            "1.23",
            "1234.567",
            "1.2345",
            "012",
            "1,",
            ",5",
            "1,2,3",
            "0.123",
            "Toàn huyện",
            "96 %",
            "--1",
            "+5",
            "1.234.",
            ".234",
            "1e5",
            "NaN",
            "inf",
        ] {
            assert_eq!(parse_vn_number(text), None, "{text:?}");
        }
    }
}
