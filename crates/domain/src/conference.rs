//! Campaign documents, study topics, study conferences and attendance.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Id;

/// A campaign document such as Chỉ thị 05-CT/TW or Kết luận 01-KL/TW.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct CampaignDoc {
    #[serde(default)]
    pub id: Id,
    #[schemars(schema_with = "crate::text::schema::number")]
    pub code: String,
    #[schemars(schema_with = "crate::text::schema::name")]
    pub title: String,
    #[serde(default, deserialize_with = "crate::vn::de_opt_date")]
    pub issued_on: Option<NaiveDate>,
}

/// A study topic (chuyên đề): term-wide or annual, with an optional completion deadline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Topic {
    #[serde(default)]
    pub id: Id,
    #[schemars(schema_with = "crate::text::schema::code")]
    pub code: String,
    #[schemars(schema_with = "crate::text::schema::name")]
    pub title: String,
    #[schemars(range(min = *crate::period::YEARS.start(), max = *crate::period::YEARS.end()))]
    pub year: i32,
    #[serde(default)]
    pub term_wide: bool,
    #[serde(default, deserialize_with = "crate::vn::de_opt_date")]
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    pub doc_id: Option<Id>,
    /// The unit that issued it: the topic applies to that unit's subtree only (its completion
    /// is counted for reports of that unit and the units under it). None: issued for the
    /// whole tree, by an administrator or an account of the root.
    #[serde(default)]
    pub unit_id: Option<Id>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Conference {
    pub id: Id,
    /// External key used by imports; generated when entered through a form.
    pub code: String,
    pub unit_id: Id,
    pub held_on: NaiveDate,
    pub title: String,
    pub level: String,
    pub online: bool,
    /// Attendances (lượt) of union members and the public at the organising unit.
    pub others_count: i64,
    /// Attendances of cadres and members not on a roster (counted, not named).
    pub unlisted_members: i64,
    pub topic_ids: Vec<Id>,
    /// A party cell's regular meeting (sinh hoạt chi bộ thường kỳ) rather than a conference.
    #[serde(default)]
    pub regular_meeting: bool,
    /// The meeting included studying and following Uncle Ho's example (its topic in
    /// `topic_ids` when there is one).
    #[serde(default)]
    pub study_content: bool,
}

/// A connection point (điểm cầu) of an online conference, at another unit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ConnectionPoint {
    pub conference_id: Id,
    pub unit_id: Id,
    pub others_count: i64,
    pub unlisted_members: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    Present,
    Excused,
    Absent,
}

impl AttendanceStatus {
    pub const ALL: [AttendanceStatus; 3] = [Self::Present, Self::Excused, Self::Absent];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Excused => "excused",
            Self::Absent => "absent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Present => "Có mặt",
            Self::Excused => "Vắng có lý do",
            Self::Absent => "Vắng",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Present => "Present",
            Self::Excused => "Excused",
            Self::Absent => "Absent",
        }
    }
}

/// One roster person's attendance at a conference, at the organising unit or at a point.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Attendance {
    pub conference_id: Id,
    pub person_id: Id,
    /// The connection point's unit; None when at the organising unit itself.
    pub point_unit_id: Option<Id>,
    pub status: AttendanceStatus,
}
