//! Emulation movements (phong trào thi đua): who is expected to register, their registration
//! and the cell's monthly review (met / not met).
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::people::{key_cadre_during, Person, Post};
use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// Key cadres and heads of units, members or not ("820/820 … 710 đảng viên, 110 không").
    KeyCadres,
    Members,
    Everyone,
}

impl Expected {
    pub const ALL: [Expected; 3] = [Expected::KeyCadres, Expected::Members, Expected::Everyone];
    pub fn as_str(self) -> &'static str {
        match self {
            Expected::KeyCadres => "key_cadres",
            Expected::Members => "members",
            Expected::Everyone => "everyone",
        }
    }
    pub fn parse(s: &str) -> Option<Expected> {
        Expected::ALL.into_iter().find(|e| e.as_str() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Expected::KeyCadres => "Cán bộ chủ chốt và người đứng đầu",
            Expected::Members => "Đảng viên",
            Expected::Everyone => "Mọi người trong danh sách",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Expected::KeyCadres => "Key cadres and heads of units",
            Expected::Members => "Party members",
            Expected::Everyone => "Everyone on the rolls",
        }
    }
    /// Is this person expected to register for a movement running over [first, last]?
    /// A key cadre is one on some day of it, of their `posts` (a cadre who left the post
    /// afterwards was still expected); membership of the party is as recorded.
    pub fn includes(self, p: &Person, posts: &[Post], first: NaiveDate, last: NaiveDate) -> bool {
        match self {
            Expected::KeyCadres => key_cadre_during(posts, first, last),
            Expected::Members => p.is_member,
            Expected::Everyone => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Movement {
    #[serde(default)]
    pub id: Id,
    /// The unit that launched it: people of its subtree are expected to register.
    pub unit_id: Id,
    #[schemars(schema_with = "crate::text::schema::name")]
    pub title: String,
    #[serde(deserialize_with = "crate::vn::de_date")]
    pub from_date: NaiveDate,
    #[serde(deserialize_with = "crate::vn::de_date")]
    pub to_date: NaiveDate,
    pub expected: Expected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Registration {
    pub id: Id,
    pub movement_id: Id,
    pub person_id: Id,
    pub content: String,
    pub registered_on: NaiveDate,
}

/// The cell's review of one registration for one month (`month` as in `period::Month`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Review {
    pub registration_id: Id,
    pub month: i32,
    pub met: bool,
    #[serde(default)]
    pub comment: String,
}
