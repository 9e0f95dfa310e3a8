//! Errors reported to the person who uploaded a file: where (file, row, column) and what, in
//! Vietnamese first with an English translation.
use std::fmt;

use serde::Serialize;

/// One problem in an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub file: String,
    /// 1-based spreadsheet row; the header is row 1. Row 0 means the file as a whole
    /// (unsupported type, unreadable).
    pub row: usize,
    /// The Vietnamese header of the column, as in the column table; empty when the error
    /// concerns no single column.
    pub column: String,
    pub message_vi: String,
    pub message_en: String,
}

impl RowError {
    pub fn new(
        file: &str,
        row: usize,
        column: &str,
        message_vi: impl Into<String>,
        message_en: impl Into<String>,
    ) -> RowError {
        RowError {
            file: file.to_string(),
            row,
            column: column.to_string(),
            message_vi: message_vi.into(),
            message_en: message_en.into(),
        }
    }
}

/// A file that did not parse cleanly: every error, and the rows that had none, so that the
/// caller can check those against the database and report all problems in one go.
#[derive(Debug, Clone)]
pub struct ParseFailure<T> {
    pub errors: Vec<RowError>,
    pub valid: Vec<T>,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.row > 0 {
            write!(f, ", dòng {}", self.row)?;
        }
        if !self.column.is_empty() {
            write!(f, ", cột «{}»", self.column)?;
        }
        write!(f, ": {}", self.message_vi)
    }
}

impl std::error::Error for RowError {}

/// Building an xlsx template failed (only on an internal error of the xlsx writer).
#[derive(Debug, thiserror::Error)]
#[error("không tạo được tệp mẫu xlsx / could not build the xlsx template: {0}")]
pub struct TemplateError(#[from] rust_xlsxwriter::XlsxError);
