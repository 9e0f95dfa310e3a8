//! What one import file may cost, and the checks that keep a hostile file within it.
//!
//! An .xlsx file is a zip archive of XML parts: a few kilobytes can claim a sheet of
//! 17 billion cells or expand to gigabytes. Every bound here is checked while reading, before
//! the cost is paid: the archive's parts are inflated once into a counter (nothing is kept)
//! before the spreadsheet reader sees them, and the sheet is read cell by cell, never as the
//! rectangle its dimensions claim.
use std::io::{Cursor, Read};

use lamtheo_domain::vn;

use crate::RowError;

/// The bounds on one import file. The defaults fit a province's real roster with room to
/// spare (302.372 people, about 1,8 million attendances a year) and keep one upload's memory
/// within a few hundred megabytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the file as uploaded.
    pub file_bytes: u64,
    /// Bytes of any one part of an .xlsx archive once inflated.
    pub part_bytes: u64,
    /// Bytes of all parts of an .xlsx archive once inflated.
    pub total_bytes: u64,
    /// Rows of a sheet, counting the header: as claimed by the sheet and as present.
    pub rows: u64,
    /// Columns of a sheet: as claimed by the sheet and as present.
    pub columns: u64,
    /// Non-empty cells present in the file.
    pub cells: u64,
    /// Characters in one cell; Excel's own limit, so that every export can hold it.
    pub cell_chars: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 64 << 20,
            part_bytes: 512 << 20,
            total_bytes: 1 << 30,
            rows: 2_000_000,
            columns: 200,
            cells: 30_000_000,
            cell_chars: 32_767,
        }
    }
}

/// The longest run of XML text or of one tag that a genuine part holds: a cell of
/// `cell_chars` characters with every character escaped as an 8-byte reference, with room.
/// Longer runs are only ever padding meant to make the XML reader buffer gigabytes.
fn longest_markup_run(limits: &Limits) -> u64 {
    (limits.cell_chars as u64 * 8).max(64 << 10) * 2
}

impl Limits {
    /// The error for a file larger than `file_bytes`, naming the limit.
    pub fn file_too_large(&self, file: &str) -> RowError {
        too_much(file, 0, "Tệp lớn hơn giới hạn", "The file is larger than the limit of", self.file_bytes).split_hint()
    }

    /// Checks the size of a file before anything else is read.
    pub(crate) fn check_file(&self, file: &str, bytes: &[u8]) -> Result<(), RowError> {
        if bytes.len() as u64 > self.file_bytes {
            return Err(self.file_too_large(file));
        }
        Ok(())
    }

    /// Inflates every part of an .xlsx archive into a counter and refuses the file when a part
    /// or the whole grows past its bound, or when a text or tag runs longer than any genuine
    /// one. Costs one pass of decompression and no memory beyond a small buffer.
    pub(crate) fn check_archive(&self, file: &str, bytes: &[u8]) -> Result<(), RowError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(file, &e.to_string()))?;
        let longest_run = longest_markup_run(self);
        let mut total = 0u64;
        let mut buf = vec![0u8; 64 << 10];
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).map_err(|e| unreadable(file, &e.to_string()))?;
            let name = part.name().to_string();
            let xml = name.ends_with(".xml") || name.ends_with(".rels");
            let (mut size, mut run) = (0u64, 0u64);
            loop {
                let n = match part.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) => return Err(unreadable(file, &format!("{name}: {e}"))),
                };
                size += n as u64;
                total += n as u64;
                if size > self.part_bytes {
                    return Err(too_much(
                        file,
                        0,
                        &format!("Phần «{name}» của tệp khi giải nén lớn hơn giới hạn"),
                        &format!("Part «{name}» of the file unpacks to more than the limit of"),
                        self.part_bytes,
                    )
                    .split_hint());
                }
                if total > self.total_bytes {
                    return Err(too_much(
                        file,
                        0,
                        "Tệp khi giải nén lớn hơn giới hạn",
                        "The file unpacks to more than the limit of",
                        self.total_bytes,
                    )
                    .split_hint());
                }
                if xml {
                    for &byte in &buf[..n] {
                        run = if byte == b'<' || byte == b'>' { 0 } else { run + 1 };
                    }
                    if run > longest_run {
                        return Err(RowError::new(
                            file,
                            0,
                            "",
                            format!("Phần «{name}» của tệp có một đoạn văn bản dài bất thường: tệp bị hỏng hoặc được tạo để gây hại"),
                            format!("Part «{name}» of the file holds an abnormally long run of text: the file is damaged or made to do harm"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The error for a sheet that claims or holds more rows than allowed.
    pub(crate) fn too_many_rows(&self, file: &str, row: usize) -> RowError {
        too_much(file, row, "Số dòng vượt quá giới hạn", "The number of rows exceeds the limit of", self.rows)
            .split_hint()
    }

    pub(crate) fn too_many_columns(&self, file: &str, row: usize) -> RowError {
        too_much(file, row, "Số cột vượt quá giới hạn", "The number of columns exceeds the limit of", self.columns)
    }

    pub(crate) fn too_many_cells(&self, file: &str, row: usize) -> RowError {
        too_much(
            file,
            row,
            "Số ô có dữ liệu vượt quá giới hạn",
            "The number of filled cells exceeds the limit of",
            self.cells,
        )
        .split_hint()
    }

    /// Checks one cell's length; `column` is the header of the column it sits in, if known.
    pub(crate) fn check_cell(&self, file: &str, row: usize, column: &str, text: &str) -> Result<(), RowError> {
        // Counting characters costs a pass; bytes bound characters from above.
        if text.len() <= self.cell_chars || text.chars().count() <= self.cell_chars {
            return Ok(());
        }
        let limit = vn::fmt_int(self.cell_chars as i64);
        Err(RowError::new(
            file,
            row,
            column,
            format!("Ô dài hơn giới hạn {limit} ký tự"),
            format!("The cell is longer than the limit of {} characters", self.cell_chars),
        ))
    }
}

fn too_much(file: &str, row: usize, vi: &str, en: &str, limit: u64) -> RowError {
    let (limit_vi, limit_en) = (vn::fmt_int(limit as i64), limit.to_string());
    let (limit_vi, limit_en) = if limit >= 1 << 20 && limit.is_multiple_of(1 << 20) {
        (format!("{} MB", vn::fmt_int((limit >> 20) as i64)), format!("{} MB", limit >> 20))
    } else {
        (limit_vi, limit_en)
    };
    RowError::new(file, row, "", format!("{vi} {limit_vi}"), format!("{en} {limit_en}"))
}

impl RowError {
    /// Adds the way out of a limit that a genuine file can reach.
    fn split_hint(mut self) -> RowError {
        self.message_vi.push_str("; hãy chia thành nhiều tệp nhỏ hơn");
        self.message_en.push_str("; split it into smaller files");
        self
    }
}

fn unreadable(file: &str, detail: &str) -> RowError {
    RowError::new(
        file,
        0,
        "",
        format!("Không đọc được tệp .xlsx: tệp bị hỏng hoặc không phải bảng tính ({detail})"),
        format!("The .xlsx file could not be read: it is damaged or not a spreadsheet ({detail})"),
    )
}
