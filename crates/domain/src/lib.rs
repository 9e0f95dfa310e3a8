//! Domain types and rules of lamtheo: the organisation tree, people, study conferences,
//! roles and scope, periods, errors, and Vietnamese text. No I/O lives here.
pub mod access;
pub mod columns;
pub mod conference;
pub mod covenant;
pub mod emulation;
pub mod error;
pub mod evaluation;
pub mod org;
pub mod people;
pub mod period;
pub mod plans;
pub mod records;
pub mod tasks;
pub mod text;
pub mod vn;

pub use error::{Error, ErrorCode, Result};

/// Database identifiers are plain 64-bit integers on both engines.
pub type Id = i64;
