//! Emulation covenants (giao ước thi đua): units sign a covenant whose content is grouped
//! (e.g. five groups), each group scored up to a maximum; the scores make a ranking.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContentGroup {
    #[schemars(schema_with = "crate::text::schema::name")]
    pub title: String,
    #[schemars(range(min = 1))]
    pub max_score: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Campaign {
    #[serde(default)]
    pub id: Id,
    /// The unit that organises it and scores the others.
    pub unit_id: Id,
    #[schemars(schema_with = "crate::text::schema::name")]
    pub title: String,
    #[schemars(range(min = *crate::period::YEARS.start(), max = *crate::period::YEARS.end()))]
    pub year: i32,
    #[schemars(length(min = 1))]
    pub groups: Vec<ContentGroup>,
}

impl Campaign {
    pub fn max_total(&self) -> i32 {
        self.groups.iter().map(|g| g.max_score).sum()
    }
}

/// A unit expected to sign, and whether and when it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Signatory {
    pub unit_id: Id,
    #[serde(default, deserialize_with = "crate::vn::de_opt_date")]
    pub signed_on: Option<NaiveDate>,
    #[serde(default)]
    pub pilot: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Score {
    pub unit_id: Id,
    #[schemars(range(min = 0))]
    /// Index of the content group (0-based).
    pub group: i32,
    #[schemars(range(min = 0))]
    pub score: i32,
}
