//! Downloadable templates: the header row of a kind and one example row, as CSV or xlsx.
use chrono::Datelike;
use lamtheo_domain::vn;
use rust_xlsxwriter::{Color, ExcelDateTime, Format as CellFormat, Workbook};

use crate::{Format, Kind, TemplateError};

/// CSV template: UTF-8 BOM (so that Excel opens it as UTF-8), header row, example row.
pub fn template_csv(kind: Kind) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let columns = kind.columns();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        // Writing to a Vec cannot fail.
        writer.write_record(columns.iter().map(|c| c.header_vi)).expect("write to memory");
        writer.write_record(columns.iter().map(|c| c.example)).expect("write to memory");
        writer.flush().expect("write to memory");
    }
    out
}

/// xlsx template: the header row and one example row (see `write_xlsx`).
pub fn template_xlsx(kind: Kind) -> Result<Vec<u8>, TemplateError> {
    let example: Vec<String> = kind.columns().iter().map(|c| c.example.to_string()).collect();
    write_xlsx(kind, &[example])
}

/// An .xlsx file of `kind`'s columns: bold header row frozen at the top, then `rows` (cells
/// in column order) with real date and number cells, widths fitted to the content and code
/// columns stored as text so that leading zeros survive. Exports use it, so an exported file
/// is also a valid import file.
pub fn write_xlsx(kind: Kind, rows: &[Vec<String>]) -> Result<Vec<u8>, TemplateError> {
    let header = CellFormat::new().set_bold().set_background_color(Color::RGB(0xDDEBF7));
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    let text = CellFormat::new().set_num_format("@");

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(kind.slug())?;
    for (col, column) in kind.columns().iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, column.header_vi, &header)?;
        if column.format == Format::Code {
            sheet.set_column_format(col, &text)?;
        }
        let mut widest = column.header_vi.chars().count();
        for (i, row) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            let value = row.get(col as usize).map(String::as_str).unwrap_or_default();
            widest = widest.max(value.chars().count());
            if value.is_empty() {
                continue;
            }
            match (column.format, vn::parse_date(value), vn::parse_int(value)) {
                (Format::Date, Some(d), _) => {
                    let cell = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    sheet.write_datetime_with_format(r, col, &cell, &date)?;
                }
                (Format::Count, _, Some(n)) => {
                    sheet.write_number(r, col, n as f64)?;
                }
                (Format::Code | Format::Month, _, _) => {
                    sheet.write_string_with_format(r, col, value, &text)?;
                }
                _ => {
                    sheet.write_string(r, col, value)?;
                }
            }
        }
        sheet.set_column_width(col, (widest + 2).min(60) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(workbook.save_to_buffer()?)
}
