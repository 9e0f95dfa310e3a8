//! Turns uploaded spreadsheets (.csv or .xlsx) into typed records: units, people, conferences,
//! attendance, connection points and the campaign activities (plans, emulation, evaluation,
//! covenants, breakthrough tasks); and writes the same columns back out as .xlsx exports. No database work happens here; the caller checks the
//! records against the database and reports problems with each record's `row`.
//!
//! Every parse function reads the whole file and returns either all its records or every
//! error found in it, each naming file, row and column in Vietnamese and English.
//!
//! ```
//! use lamtheo_importer::{parse_units, template_csv, Kind, Reading};
//!
//! let csv = template_csv(Kind::Units);
//! let units = parse_units("units.csv", &csv, &mut Reading::default()).unwrap();
//! assert_eq!(units[0].code, "CB-VP01");
//! ```
mod activity_columns;
mod activity_records;
mod columns;
mod doc;
mod error;
mod fields;
mod limits;
mod record_rows;
mod records;
mod table;
mod template;

pub use activity_records::{
    parse_covenant_scores, parse_covenant_units, parse_evaluations, parse_plans, parse_registrations, parse_reviews,
    parse_tasks, EvaluationRow, MonthlyReviewRow, PlanRow, RegistrationRow, ScoreRow, SignatoryRow, TaskRow,
};
pub use columns::{Choice, Column, Format, Kind};
pub use doc::columns_markdown;
pub use error::{ParseFailure, RowError, TemplateError};
pub use lamtheo_domain::conference::AttendanceStatus;
pub use lamtheo_domain::people::Gender;
pub use limits::Limits;
pub use record_rows::{cell, parse_records, record_cells, record_from_fields, RecordRow};
pub use records::{
    parse_attendance, parse_conferences, parse_people, parse_points, parse_units, AttendanceRow, ConferenceRow,
    PersonRow, PointRow, UnitRow,
};
pub use template::{template_csv, template_xlsx, write_xlsx};

/// What a parse function returns: every record, or every error with the records that had none.
pub type Parsed<T> = Result<Vec<T>, ParseFailure<T>>;

/// How a file is read: the limits it must stay within, and whom to tell how far reading has
/// got (bytes or rows done, of the total).
pub struct Reading<'a> {
    pub limits: Limits,
    pub progress: Box<dyn FnMut(u64, u64) + Send + 'a>,
}

impl Default for Reading<'_> {
    fn default() -> Self {
        Reading::new(Limits::default())
    }
}

impl<'a> Reading<'a> {
    pub fn new(limits: Limits) -> Reading<'a> {
        Reading { limits, progress: Box::new(|_, _| {}) }
    }

    pub fn with_progress(mut self, progress: impl FnMut(u64, u64) + Send + 'a) -> Reading<'a> {
        self.progress = Box::new(progress);
        self
    }
}

#[cfg(test)]
mod tests;
