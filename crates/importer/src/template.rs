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

/// xlsx template: bold header row frozen at the top, an example row with real date and number
/// cells, widths fitted to the content and code columns stored as text so that leading zeros
/// survive when people type their own rows.
pub fn template_xlsx(kind: Kind) -> Result<Vec<u8>, TemplateError> {
    let header = CellFormat::new().set_bold().set_background_color(Color::RGB(0xDDEBF7));
    let date = CellFormat::new().set_num_format("dd/mm/yyyy");
    let text = CellFormat::new().set_num_format("@");

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(kind.slug())?;
    for (col, column) in kind.columns().iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, column.header_vi, &header)?;
        match column.format {
            Format::Date => {
                let d = vn::parse_date(column.example).expect("template example is a date");
                let cell = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                sheet.write_datetime_with_format(1, col, &cell, &date)?;
            }
            Format::Count => {
                let n = vn::parse_int(column.example).expect("template example is a number");
                sheet.write_number(1, col, n as f64)?;
            }
            Format::Code => {
                sheet.set_column_format(col, &text)?;
                sheet.write_string_with_format(1, col, column.example, &text)?;
            }
            _ => {
                sheet.write_string(1, col, column.example)?;
            }
        }
        let widest = column.header_vi.chars().count().max(column.example.chars().count());
        sheet.set_column_width(col, (widest + 2).min(60) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(workbook.save_to_buffer()?)
}
