//! Personal plans to follow Uncle Ho's example (kế hoạch làm theo Bác, per term and per year)
//! and annual self-cultivation commitments (bản cam kết tu dưỡng, rèn luyện). A member writes
//! and submits their own; the cell acknowledges it or returns it with a comment.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::text::Text;
use crate::{Error, Id, Result};

/// A cell's comment on a plan, as the review form, the API and the import check it: a plan
/// returned says why. The trimmed comment.
pub fn checked_comment(status: PlanStatus, comment: &str) -> Result<String> {
    Text::Free.check("comment", comment)?;
    if status == PlanStatus::Returned && comment.trim().is_empty() {
        return Err(Error::field("comment", "Khi trả lại cần ghi ý kiến", "Say why when returning it"));
    }
    Ok(comment.trim().to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    /// For a whole term, e.g. 2021–2025.
    TermPlan,
    YearPlan,
    /// The annual self-cultivation commitment.
    Commitment,
}

impl PlanKind {
    pub const ALL: [PlanKind; 3] = [PlanKind::TermPlan, PlanKind::YearPlan, PlanKind::Commitment];
    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::TermPlan => "term_plan",
            PlanKind::YearPlan => "year_plan",
            PlanKind::Commitment => "commitment",
        }
    }
    pub fn parse(s: &str) -> Option<PlanKind> {
        PlanKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            PlanKind::TermPlan => "Kế hoạch làm theo Bác cả nhiệm kỳ",
            PlanKind::YearPlan => "Kế hoạch làm theo Bác năm",
            PlanKind::Commitment => "Bản cam kết tu dưỡng, rèn luyện",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            PlanKind::TermPlan => "Personal plan for the term",
            PlanKind::YearPlan => "Personal plan for the year",
            PlanKind::Commitment => "Self-cultivation commitment",
        }
    }
    /// The years a plan of this kind covers when written in `year`: terms run 2021–2025,
    /// 2026–2030, …
    pub fn years_for(self, year: i32) -> (i32, i32) {
        match self {
            PlanKind::TermPlan => {
                let from = 2021 + (year - 2021).div_euclid(5) * 5;
                (from, from + 4)
            }
            PlanKind::YearPlan | PlanKind::Commitment => (year, year),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Submitted,
    Acknowledged,
    Returned,
}

impl PlanStatus {
    pub const ALL: [PlanStatus; 4] =
        [PlanStatus::Draft, PlanStatus::Submitted, PlanStatus::Acknowledged, PlanStatus::Returned];
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Submitted => "submitted",
            PlanStatus::Acknowledged => "acknowledged",
            PlanStatus::Returned => "returned",
        }
    }
    pub fn parse(s: &str) -> Option<PlanStatus> {
        PlanStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Bản nháp",
            PlanStatus::Submitted => "Đã gửi chi bộ",
            PlanStatus::Acknowledged => "Chi bộ đã xác nhận",
            PlanStatus::Returned => "Chi bộ trả lại",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::Submitted => "Submitted",
            PlanStatus::Acknowledged => "Acknowledged",
            PlanStatus::Returned => "Returned",
        }
    }
    /// Counts as "made" in the figures: submitted, whether acknowledged yet or not.
    pub fn counts(self) -> bool {
        matches!(self, PlanStatus::Submitted | PlanStatus::Acknowledged)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonalPlan {
    pub id: Id,
    pub person_id: Id,
    pub kind: PlanKind,
    pub from_year: i32,
    pub to_year: i32,
    pub content: String,
    pub status: PlanStatus,
    /// The cell's comment when it returned (or acknowledged) the plan.
    pub comment: String,
    /// The day it was (last) submitted to the cell.
    #[serde(default)]
    pub submitted_on: Option<NaiveDate>,
    /// The day the cell acknowledged or returned it.
    #[serde(default)]
    pub reviewed_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_run_in_fives_from_2021() {
        assert_eq!(PlanKind::TermPlan.years_for(2021), (2021, 2025));
        assert_eq!(PlanKind::TermPlan.years_for(2025), (2021, 2025));
        assert_eq!(PlanKind::TermPlan.years_for(2026), (2026, 2030));
        assert_eq!(PlanKind::TermPlan.years_for(2019), (2016, 2020));
        assert_eq!(PlanKind::Commitment.years_for(2025), (2025, 2025));
    }
}

/// People who made a plan (or every plan of several kinds) among those expected to: party
/// members, and everyone on the rolls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MadeOf {
    pub made: i64,
    pub expected: i64,
    pub made_all: i64,
    pub expected_all: i64,
}

/// A plan that counts as made (submitted or acknowledged): its kind and years. One per
/// person, kind and years (the table's key), so it names itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanMade {
    pub kind: PlanKind,
    pub from_year: i32,
    pub to_year: i32,
}

impl PlanMade {
    pub fn covers(&self, kind: PlanKind, year: i32) -> bool {
        self.kind == kind && self.from_year <= year && year <= self.to_year
    }
}
