//! Roll-ups over any subtree, period and as-of date.
//!
//! The database is the source of truth; `Index` is a compact in-memory copy of the facts that
//! figures are made of, built at start-up and kept current by following the change log (see
//! `Delta`), so that any unit's figures come out in well under a millisecond to a few
//! milliseconds:
//! - additive facts (conferences, attendances counted as lượt) are summed per (unit, month);
//! - distinct-person facts (participants, eligible people) are kept per membership and year as
//!   two 12-bit month masks, `eligible` and `took part`, and de-duplicated with a bitset over
//!   dense person numbers, because a person can appear twice in one subtree (a transfer inside
//!   it) or once per year of a long period.
//!
//! The tree walk itself honours the as-of date, so the same index answers for any version of
//! the tree. `reference` recomputes every figure the slow, obvious way from the raw facts;
//! property tests hold the two together.
mod counted;
mod delta;
mod figures;
mod index;
pub mod reference;

pub use delta::Delta;
pub use figures::{ChildRow, Figures, MonthFigures, TopicCompletion, UnitReport};
pub use index::{
    Facts, Index, MovementCounts, Rated, RatingCounts, Span, CELL_KIND, DEFAULT_STUDY_SHARE_PERMILLE,
    DEFAULT_SUMMARY_THRESHOLD,
};
