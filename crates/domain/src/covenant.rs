//! Emulation covenants (giao ước thi đua): units sign a covenant whose content is grouped
//! (e.g. five groups), each group scored up to a maximum; the scores make a ranking.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentGroup {
    pub title: String,
    pub max_score: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    #[serde(default)]
    pub id: Id,
    /// The unit that organises it and scores the others.
    pub unit_id: Id,
    pub title: String,
    pub year: i32,
    pub groups: Vec<ContentGroup>,
}

impl Campaign {
    pub fn max_total(&self) -> i32 {
        self.groups.iter().map(|g| g.max_score).sum()
    }
}

/// A unit expected to sign, and whether and when it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signatory {
    pub unit_id: Id,
    #[serde(default, deserialize_with = "crate::vn::de_opt_date")]
    pub signed_on: Option<NaiveDate>,
    #[serde(default)]
    pub pilot: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub unit_id: Id,
    /// Index of the content group (0-based).
    pub group: i32,
    pub score: i32,
}
