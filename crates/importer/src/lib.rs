//! Turns uploaded spreadsheets (.csv or .xlsx) into typed records: units, people, conferences,
//! attendance, connection points and the campaign activities (plans, emulation, evaluation,
//! covenants, breakthrough tasks); and writes the same columns back out as .xlsx exports. No database work happens here; the caller checks the
//! records against the database and reports problems with each record's `row`.
//!
//! Every parse function reads the whole file and returns either all its records or every
//! error found in it, each naming file, row and column in Vietnamese and English.
//!
//! ```
//! use lamtheo_importer::{parse_units, template_csv, Kind};
//!
//! let csv = template_csv(Kind::Units);
//! let units = parse_units("units.csv", &csv, &mut |_, _| {}).unwrap();
//! assert_eq!(units[0].code, "CB-VP01");
//! ```
mod activity_columns;
mod activity_records;
mod columns;
mod doc;
mod error;
mod fields;
mod records;
mod table;
mod template;

pub use activity_records::{
    parse_covenant_scores, parse_covenant_units, parse_evaluations, parse_plans, parse_registrations, parse_reviews,
    parse_tasks, EvaluationRow, MonthlyReviewRow, PlanRow, RegistrationRow, ScoreRow, SignatoryRow, TaskRow,
};
pub use columns::{Column, Format, Kind};
pub use doc::columns_markdown;
pub use error::{ParseFailure, RowError, TemplateError};
pub use lamtheo_domain::conference::AttendanceStatus;
pub use lamtheo_domain::people::Gender;
pub use records::{
    parse_attendance, parse_conferences, parse_people, parse_points, parse_units, AttendanceRow, ConferenceRow,
    PersonRow, PointRow, UnitRow,
};
pub use template::{template_csv, template_xlsx, write_xlsx};

#[cfg(test)]
mod tests;
