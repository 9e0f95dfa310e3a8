//! Reads an uploaded .csv or .xlsx file row by row, whatever the record kind: finds the header,
//! matches it against a column table and hands every non-empty row on with its cells in the
//! order of that table.
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use lamtheo_domain::vn;

use crate::{Column, Limits, Reading, RowError};

/// How often (in rows) the progress callback is called.
const PROGRESS_EVERY: usize = 1000;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One data row: its spreadsheet row number and one trimmed value per column of the table
/// ("" where the file has no such column or the cell is empty).
pub(crate) type OnRow<'a> = dyn FnMut(usize, Vec<String>, &mut Vec<RowError>) + 'a;

/// Reads every row of `bytes` and calls `on_row` for each non-empty data row. Problems with the
/// file as a whole (type, encoding, header, a limit of `reading`) are pushed to `errors`; after
/// a header problem or a limit no more rows are read, since every row would only repeat it.
pub(crate) fn read_rows(
    file: &str,
    bytes: &[u8],
    columns: &[Column],
    reading: &mut Reading<'_>,
    errors: &mut Vec<RowError>,
    on_row: &mut OnRow<'_>,
) {
    if let Err(e) = reading.limits.check_file(file, bytes) {
        errors.push(e);
        return;
    }
    let extension = Path::new(file).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("csv") => read_csv(file, bytes, columns, reading, errors, on_row),
        Some("xlsx") => {
            // calamine indexes some damaged parts without checking (a shared string that is
            // not there) and panics: that is a damaged file, not the server's fault.
            let read = std::panic::AssertUnwindSafe(|| read_xlsx(file, bytes, columns, reading, errors, on_row));
            if std::panic::catch_unwind(read).is_err() {
                errors.push(unreadable(file, 0, "damaged workbook"));
            }
        }
        _ => errors.push(RowError::new(
            file,
            0,
            "",
            "Loại tệp không được hỗ trợ: chỉ nhận tệp .csv hoặc .xlsx",
            "Unsupported file type: only .csv or .xlsx files are accepted",
        )),
    }
}

/// Counts rows and cells against the limits and checks each cell's length, for either format.
struct Budget<'a> {
    file: &'a str,
    limits: Limits,
    cells: u64,
}

impl Budget<'_> {
    /// Checks a row about to be handed on; `Err` stops reading.
    fn row(
        &mut self,
        row: usize,
        cells: &[String],
        header: Option<&HeaderMap>,
        columns: &[Column],
    ) -> Result<(), RowError> {
        if row as u64 > self.limits.rows {
            return Err(self.limits.too_many_rows(self.file, row));
        }
        if cells.len() as u64 > self.limits.columns {
            return Err(self.limits.too_many_columns(self.file, row));
        }
        self.cells += cells.iter().filter(|c| !c.is_empty()).count() as u64;
        if self.cells > self.limits.cells {
            return Err(self.limits.too_many_cells(self.file, row));
        }
        // Only a cell of more bytes than the limit has characters can be too long; its
        // column is looked up then, not for every cell of the file.
        for (position, cell) in cells.iter().enumerate().filter(|(_, c)| c.len() > self.limits.cell_chars) {
            let column = header.and_then(|h| h.column_at(position)).map_or("", |c| columns[c].header_vi);
            self.limits.check_cell(self.file, row, column, cell)?;
        }
        Ok(())
    }
}

fn read_csv(
    file: &str,
    bytes: &[u8],
    columns: &[Column],
    reading: &mut Reading<'_>,
    errors: &mut Vec<RowError>,
    on_row: &mut OnRow<'_>,
) {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        errors.push(RowError::new(
            file,
            1,
            "",
            "Tệp ở mã UTF-16: hãy lưu lại dưới dạng «CSV UTF-8» hoặc dùng tệp .xlsx",
            "The file is UTF-16: save it again as «CSV UTF-8» or use an .xlsx file",
        ));
        return;
    }
    let total = bytes.len() as u64;
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let skipped = (bytes.len() - body.len()) as u64;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(detect_delimiter(body, columns))
        .from_reader(body);

    let mut budget = Budget { file, limits: reading.limits, cells: 0 };
    let mut record = csv::ByteRecord::new();
    let mut header: Option<HeaderMap> = None;
    // The csv reader skips blank lines and a quoted cell may span lines, so neither the record
    // count nor the line number is the row a spreadsheet program shows. One row per record
    // plus one per blank line skipped before it is.
    let mut row = 0;
    let mut reported_encoding = false;
    let mut rows_read = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                errors.push(unreadable(file, row + 1, &e.to_string()));
                return;
            }
        }
        let start = record.position().map_or(0, |p| p.byte() as usize);
        row += 1 + blank_lines_at(body, start);

        let mut cells = Vec::with_capacity(record.len().min(budget.limits.columns as usize + 1));
        for field in record.iter().take(budget.limits.columns as usize + 1) {
            match std::str::from_utf8(field) {
                Ok(text) => cells.push(text.to_string()),
                Err(_) => {
                    // One message is enough: a file in another encoding fails on most rows.
                    if !reported_encoding {
                        reported_encoding = true;
                        errors.push(RowError::new(
                            file,
                            row,
                            "",
                            "Tệp không ở mã UTF-8: hãy lưu lại dưới dạng «CSV UTF-8» \
                             hoặc dùng tệp .xlsx",
                            "The file is not UTF-8: save it again as «CSV UTF-8» \
                             or use an .xlsx file",
                        ));
                    }
                    cells.push(String::from_utf8_lossy(field).into_owned());
                }
            }
        }
        if let Err(e) = budget.row(row, &cells, header.as_ref(), columns) {
            errors.push(e);
            return;
        }
        if !feed_row(file, row, cells, columns, &mut header, errors, on_row) {
            return;
        }
        rows_read += 1;
        if rows_read % PROGRESS_EVERY == 0 {
            (reading.progress)(skipped + reader.position().byte(), total);
        }
    }
    if header.is_none() {
        errors.push(empty_file(file));
    }
    (reading.progress)(total, total);
}

/// Counts the blank lines at `start`, where the csv reader says a record begins: that is just
/// after the previous record, before the blank lines it skipped.
fn blank_lines_at(body: &[u8], start: usize) -> usize {
    let mut rest = &body[start..];
    // The previous record's "\r\n" may have been consumed only up to its '\r'.
    if start > 0 && body[start - 1] == b'\r' {
        rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    }
    let mut lines = 0;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = match byte {
            b'\r' => tail.strip_prefix(b"\n").unwrap_or(tail),
            b'\n' => tail,
            _ => break,
        };
        lines += 1;
    }
    lines
}

/// Picks the delimiter, `,` or `;` (spreadsheet programs in locales with a decimal comma save
/// CSV with `;`), under which the first row names more known columns; when tied, the one that
/// occurs more often in that row. Counting characters alone is not enough: Vietnamese headers
/// such as "Số lượt đoàn viên, hội viên, nhân dân" hold commas themselves.
fn detect_delimiter(body: &[u8], columns: &[Column]) -> u8 {
    let score = |delimiter: u8| {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(body);
        let mut record = csv::ByteRecord::new();
        if !matches!(reader.read_byte_record(&mut record), Ok(true)) {
            return (0, 0);
        }
        let known = record
            .iter()
            .filter_map(|cell| std::str::from_utf8(cell).ok())
            .filter(|cell| column_named(cell, columns).is_some())
            .count();
        (known, record.len())
    };
    if score(b';') > score(b',') {
        b';'
    } else {
        b','
    }
}

fn read_xlsx(
    file: &str,
    bytes: &[u8],
    columns: &[Column],
    reading: &mut Reading<'_>,
    errors: &mut Vec<RowError>,
    on_row: &mut OnRow<'_>,
) {
    let limits = reading.limits;
    // Before calamine reads a byte: it keeps the shared strings in memory and its XML reader
    // buffers whole text nodes, so what the parts unpack to must be known to be bounded.
    if let Err(e) = limits.check_archive(file, bytes) {
        errors.push(e);
        return;
    }
    let mut workbook = match calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(e) => {
            errors.push(unreadable(file, 0, &e.to_string()));
            return;
        }
    };
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        errors.push(empty_file(file));
        return;
    };
    // Cell by cell: a sheet's rectangle (`worksheet_range`) is allocated whole, and two cells
    // at A1 and XFD1048576 claim 17 billion of them.
    let mut cells = match workbook.worksheet_cells_reader(&sheet) {
        Ok(cells) => cells,
        Err(e) => {
            errors.push(unreadable(file, 0, &e.to_string()));
            return;
        }
    };
    let claimed = cells.dimensions();
    if u64::from(claimed.end.0) + 1 > limits.rows {
        errors.push(limits.too_many_rows(file, 0));
        return;
    }
    if u64::from(claimed.end.1) + 1 > limits.columns {
        errors.push(limits.too_many_columns(file, 0));
        return;
    }
    let total = u64::from(claimed.end.0.saturating_sub(claimed.start.0)) + 1;
    let mut budget = Budget { file, limits, cells: 0 };
    let mut header: Option<HeaderMap> = None;
    // The row being gathered: its number, its texts by column, and its cells with formula errors.
    let mut row: Option<u32> = None;
    let mut texts: Vec<String> = Vec::new();
    let mut formula_errors: Vec<(usize, String)> = Vec::new();
    let mut rows_read = 0u64;
    let mut flush = |row: u32,
                     texts: Vec<String>,
                     formula_errors: &mut Vec<(usize, String)>,
                     header: &mut Option<HeaderMap>,
                     errors: &mut Vec<RowError>|
     -> bool {
        let row = row as usize + 1;
        if let Err(e) = budget.row(row, &texts, header.as_ref(), columns) {
            errors.push(e);
            return false;
        }
        for (position, e) in formula_errors.drain(..) {
            if let Some(column) = header.as_ref().and_then(|h| h.column_at(position)).map(|c| columns[c].header_vi) {
                errors.push(RowError::new(
                    file,
                    row,
                    column,
                    format!("Ô có lỗi công thức «{e}»"),
                    format!("The cell holds a formula error «{e}»"),
                ));
            }
        }
        feed_row(file, row, texts, columns, header, errors, on_row)
    };
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => {
                errors.push(unreadable(file, row.map_or(0, |r| r as usize + 1), &e.to_string()));
                return;
            }
        };
        let (r, c) = cell.get_position();
        if row != Some(r) {
            if let Some(done) = row {
                if !flush(done, std::mem::take(&mut texts), &mut formula_errors, &mut header, errors) {
                    return;
                }
                rows_read += 1;
                if rows_read.is_multiple_of(PROGRESS_EVERY as u64) {
                    (reading.progress)(rows_read.min(total), total);
                }
            }
            row = Some(r);
        }
        let c = c as usize;
        if c as u64 >= limits.columns {
            errors.push(limits.too_many_columns(file, r as usize + 1));
            return;
        }
        let value = Data::from(cell.get_value().clone());
        if let Data::Error(e) = &value {
            formula_errors.push((c, e.to_string()));
        }
        // Leading empty columns keep their place so that column letters stay meaningful.
        if texts.len() <= c {
            texts.resize(c + 1, String::new());
        }
        texts[c] = cell_text(&value);
    }
    if let Some(done) = row {
        if !flush(done, texts, &mut formula_errors, &mut header, errors) {
            return;
        }
    }
    if header.is_none() {
        errors.push(empty_file(file));
    }
    (reading.progress)(total, total);
}

/// The text a cell stands for, written the way a person would type it into a CSV file so that
/// both formats go through the same checks.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Codes and counts typed into Excel arrive as floats; 123 must not become "123.0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(true) => "true".to_string(),
        Data::Bool(false) => "false".to_string(),
        // Without calamine's "dates" feature durations look like dates; import files have none,
        // and a time of day alone (serial below 1) falls back to the number.
        Data::DateTime(dt) => match excel_serial_to_date(dt.as_f64()) {
            Some(date) => date.format("%d/%m/%Y").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
            Ok(date) => date.format("%d/%m/%Y").to_string(),
            Err(_) => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// Converts an Excel serial day number (1900 date system) to a date, dropping the time of day.
/// Serial 1 is 1900-01-01; Excel also counts a 29 February 1900 that never was (serial 60), so
/// from serial 61 on the epoch is 1899-12-30 and before it 1899-12-31.
fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let epoch =
        if days >= 61 { NaiveDate::from_ymd_opt(1899, 12, 30)? } else { NaiveDate::from_ymd_opt(1899, 12, 31)? };
    epoch.checked_add_signed(chrono::Duration::days(days))
}

/// Where each column of the table sits in the file.
struct HeaderMap {
    /// For each column of the table, its position in the file's rows.
    positions: Vec<Option<usize>>,
}

impl HeaderMap {
    /// The table column found at file position `position`, if any.
    fn column_at(&self, position: usize) -> Option<usize> {
        self.positions.iter().position(|&p| p == Some(position))
    }
}

/// The form in which headers are compared: folded (no case, no diacritics) and without
/// punctuation, so that "Số lượt cán bộ, đảng viên (ngoài danh sách)" also matches when
/// typed without the comma or brackets.
fn header_key(text: &str) -> String {
    let folded = vn::fold(text);
    let letters: String = folded.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    letters.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The column of the table whose Vietnamese or English header is `header`.
fn column_named(header: &str, columns: &[Column]) -> Option<usize> {
    let key = header_key(header);
    columns.iter().position(|c| header_key(c.header_vi) == key || header_key(c.header_en) == key)
}

/// Matches a header row against the table. Returns None (after pushing errors) when a column
/// is missing or appears twice.
fn match_header(
    file: &str,
    row: usize,
    cells: &[String],
    columns: &[Column],
    errors: &mut Vec<RowError>,
) -> Option<HeaderMap> {
    let mut positions = vec![None; columns.len()];
    let mut ok = true;
    for (position, cell) in cells.iter().enumerate() {
        let Some(column) = column_named(cell, columns) else {
            continue; // extra columns are allowed and ignored
        };
        if positions[column].is_some() {
            ok = false;
            errors.push(RowError::new(
                file,
                row,
                columns[column].header_vi,
                format!("Cột «{}» xuất hiện hai lần", cell.trim()),
                format!("Column «{}» appears twice", cell.trim()),
            ));
        } else {
            positions[column] = Some(position);
        }
    }
    for (column, position) in columns.iter().zip(&positions) {
        if column.required && position.is_none() {
            ok = false;
            errors.push(RowError::new(
                file,
                row,
                column.header_vi,
                format!("Thiếu cột bắt buộc «{}» (hoặc «{}») ở dòng tiêu đề", column.header_vi, column.header_en),
                format!(
                    "Required column «{}» (or «{}») is missing from the header row",
                    column.header_vi, column.header_en
                ),
            ));
        }
    }
    ok.then_some(HeaderMap { positions })
}

/// Handles one raw row: the first non-empty one is the header, later ones are data. Returns
/// false when reading should stop.
fn feed_row(
    file: &str,
    row: usize,
    cells: Vec<String>,
    columns: &[Column],
    header: &mut Option<HeaderMap>,
    errors: &mut Vec<RowError>,
    on_row: &mut OnRow<'_>,
) -> bool {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return true;
    }
    let Some(map) = header else {
        *header = match_header(file, row, &cells, columns, errors);
        return header.is_some();
    };
    let values = map
        .positions
        .iter()
        .map(|p| p.and_then(|p| cells.get(p)).map_or(String::new(), |c| c.trim().to_string()))
        .collect();
    on_row(row, values, errors);
    true
}

fn unreadable(file: &str, row: usize, detail: &str) -> RowError {
    RowError::new(
        file,
        row,
        "",
        format!("Không đọc được tệp ({detail})"),
        format!("The file could not be read ({detail})"),
    )
}

fn empty_file(file: &str) -> RowError {
    RowError::new(file, 1, "", "Tệp trống: không có dòng tiêu đề", "The file is empty: there is no header row")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Kind;

    #[test]
    fn excel_serials_become_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(excel_serial_to_date(1.0), d(1900, 1, 1));
        assert_eq!(excel_serial_to_date(59.0), d(1900, 2, 28));
        assert_eq!(excel_serial_to_date(61.0), d(1900, 3, 1));
        assert_eq!(excel_serial_to_date(45428.0), d(2024, 5, 16));
        assert_eq!(excel_serial_to_date(45428.75), d(2024, 5, 16));
        assert_eq!(excel_serial_to_date(0.0), None);
    }

    #[test]
    fn whole_numbers_lose_their_decimal_point() {
        assert_eq!(cell_text(&Data::Float(123.0)), "123");
        assert_eq!(cell_text(&Data::Float(1.5)), "1.5");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Float(1_012_345.0)), "1012345");
    }

    #[test]
    fn delimiter_comes_from_the_header_line_outside_quotes() {
        let points = Kind::Points.columns();
        // Two commas and two semicolons, but only `;` splits it into known headers.
        let header = "Mã hội nghị;Mã đơn vị điểm cầu;Số lượt đoàn viên, hội viên, nhân dân\n";
        assert_eq!(detect_delimiter(header.as_bytes(), points), b';');
        assert_eq!(detect_delimiter(b"Conference code,\"a;b;c\"\n;;;;", points), b',');
        // No known header: the delimiter that splits the row into more cells.
        assert_eq!(detect_delimiter(b"a;b;c\n1,2,3,4", points), b';');
        assert_eq!(detect_delimiter(b"a,b\n;;;;", points), b',');
    }

    #[test]
    fn header_keys_ignore_case_accents_and_punctuation() {
        assert_eq!(header_key("  Họ và TÊN "), "ho va ten");
        assert_eq!(
            header_key("Số lượt cán bộ, đảng viên (ngoài danh sách)"),
            header_key("so luot can bo dang vien ngoai danh sach")
        );
    }
}
