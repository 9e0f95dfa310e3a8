//! Evaluation and ranking (đánh giá, xếp loại) of people and organisations, yearly or by
//! quarter, on scales that are data: the four levels of Quy định 124-QĐ/TW, older scales
//! ("tốt"), and the 100-point score of Quy định 366-QĐ/TW mapped to a level by thresholds.
use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RatingLevel {
    pub scale: String,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// 1 is the best.
    pub rank: i32,
    /// Counts in "rated good or better".
    pub good_or_better: bool,
    /// The top level, limited by the "at most 20% of those rated good" rule.
    pub excellent: bool,
    /// On a scored scale, the lowest score that reaches this level.
    pub min_score: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Person,
    Unit,
}

impl Subject {
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Person => "person",
            Subject::Unit => "unit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Evaluation {
    pub subject: Subject,
    pub subject_id: Id,
    #[schemars(range(min = *crate::period::YEARS.start(), max = *crate::period::YEARS.end()))]
    pub year: i32,
    #[schemars(range(min = 0, max = 4))]
    /// 1–4 for a quarterly assessment, 0 for the year.
    #[serde(default)]
    pub quarter: i32,
    #[schemars(schema_with = "crate::text::schema::code")]
    pub scale: String,
    #[schemars(schema_with = "crate::text::schema::code_or_empty")]
    /// The level; on a scored scale it may be left empty and follows from `score`.
    #[serde(default)]
    pub level_code: String,
    #[serde(default)]
    #[schemars(range(min = 0, max = 100))]
    pub score: Option<i32>,
    #[schemars(schema_with = "crate::text::schema::free_or_empty")]
    #[serde(default)]
    pub note: String,
}

/// A scale's name for people, by its code: the regulation it comes from. A scale added as
/// data under another code is shown by its code.
pub fn scale_label(code: &str) -> (String, String) {
    match code {
        "qd124" => ("Quy định 124-QĐ/TW (4 mức)".into(), "Regulation 124-QĐ/TW (4 levels)".into()),
        "qd366" => ("Quy định 366-QĐ/TW (chấm điểm 100)".into(), "Regulation 366-QĐ/TW (100-point score)".into()),
        other => (other.to_string(), other.to_string()),
    }
}

/// The level a score reaches on a scored scale: the highest threshold not above it.
pub fn level_for_score<'a>(levels: &'a [RatingLevel], scale: &str, score: i32) -> Option<&'a RatingLevel> {
    levels.iter().filter(|l| l.scale == scale && l.min_score.is_some_and(|m| m <= score)).max_by_key(|l| l.min_score)
}

/// The rule "excellent at most `share_percent`% of those rated good or better": returns the
/// most that may be excellent, to compare with how many are.
pub fn excellent_allowance(good_or_better: u64, share_percent: u64) -> u64 {
    good_or_better * share_percent / 100
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(code: &str, min: i32) -> RatingLevel {
        RatingLevel {
            scale: "qd366".into(),
            code: code.into(),
            name_vi: code.into(),
            name_en: code.into(),
            rank: 0,
            good_or_better: false,
            excellent: false,
            min_score: Some(min),
        }
    }

    #[test]
    fn scores_map_to_levels_by_threshold() {
        let levels =
            vec![level("xuat_sac", 90), level("tot", 70), level("hoan_thanh", 50), level("khong_hoan_thanh", 0)];
        let at = |s| level_for_score(&levels, "qd366", s).map(|l| l.code.as_str());
        assert_eq!(
            (at(90), at(89), at(70), at(69), at(50), at(49), at(0)),
            (
                Some("xuat_sac"),
                Some("tot"),
                Some("tot"),
                Some("hoan_thanh"),
                Some("hoan_thanh"),
                Some("khong_hoan_thanh"),
                Some("khong_hoan_thanh")
            )
        );
        assert_eq!(level_for_score(&levels, "other", 95), None);
        assert_eq!(excellent_allowance(667, 20), 133);
    }
}
