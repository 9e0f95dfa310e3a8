//! Breakthrough tasks (nhiệm vụ đột phá): what a unit chooses to push hardest on in a period.
use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Planned,
    InProgress,
    Done,
    Dropped,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] =
        [TaskStatus::Planned, TaskStatus::InProgress, TaskStatus::Done, TaskStatus::Dropped];
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Planned => "planned",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::Dropped => "dropped",
        }
    }
    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            TaskStatus::Planned => "Đã xác định",
            TaskStatus::InProgress => "Đang thực hiện",
            TaskStatus::Done => "Hoàn thành",
            TaskStatus::Dropped => "Dừng",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            TaskStatus::Planned => "Chosen",
            TaskStatus::InProgress => "In progress",
            TaskStatus::Done => "Done",
            TaskStatus::Dropped => "Dropped",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BreakthroughTask {
    #[serde(default)]
    pub id: Id,
    pub unit_id: Id,
    #[schemars(range(min = *crate::period::YEARS.start(), max = *crate::period::YEARS.end()))]
    pub from_year: i32,
    #[schemars(range(min = *crate::period::YEARS.start(), max = *crate::period::YEARS.end()))]
    pub to_year: i32,
    #[schemars(schema_with = "crate::text::schema::name")]
    pub title: String,
    #[schemars(schema_with = "crate::text::schema::name_or_empty")]
    /// The field it belongs to, e.g. "Kinh tế", "Chuyển đổi số".
    #[serde(default)]
    pub field: String,
    #[schemars(schema_with = "crate::text::schema::name_or_empty")]
    /// Who answers for it (a name or a position).
    #[serde(default)]
    pub responsible: String,
    pub status: TaskStatus,
    #[schemars(schema_with = "crate::text::schema::free_or_empty")]
    #[serde(default)]
    pub result: String,
}
