//! What a unit's page and the API show: figures and the table by child unit.
use chrono::NaiveDate;
use lamtheo_domain::{vn, Id};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Figures {
    /// Study conferences (hội nghị học tập, quán triệt) organised in the subtree in the
    /// period; regular cell meetings are counted apart (`meetings`).
    pub conferences: u64,
    /// Attendances (lượt) of cadres and members at those conferences: named present
    /// attendances plus counted ones.
    pub member_attendances: u64,
    /// Attendances (lượt) of union members and the public at those conferences.
    pub other_attendances: u64,
    /// Regular cell meetings (sinh hoạt chi bộ thường kỳ) held in the subtree in the period…
    pub meetings: u64,
    /// …those of them that included studying and following Uncle Ho…
    pub meetings_with_study: u64,
    /// …and their attendances (lượt), of cadres and members and of others.
    pub meeting_member_attendances: u64,
    pub meeting_other_attendances: u64,
    /// Distinct people of the subtree present at a study conference at least once while they
    /// belonged to it.
    pub participants: u64,
    /// Distinct people who belonged to the subtree at some time in the period.
    pub eligible: u64,
    /// Party cells of the subtree open at some time in the period…
    pub cells: u64,
    /// …and those whose regular meetings included study content in at least the configured
    /// share of them ("176/251 chi bộ").
    pub cells_with_study: u64,
}

impl Figures {
    pub fn rate_permille(&self) -> Option<u64> {
        vn::rate_permille(self.participants, self.eligible)
    }
    /// "70,1%"
    pub fn rate_label(&self) -> String {
        vn::fmt_rate(self.participants, self.eligible)
    }
    /// "176/251 chi bộ" as numbers: "176/251".
    pub fn cells_label(&self) -> String {
        format!("{}/{}", vn::fmt_int(self.cells_with_study as i64), vn::fmt_int(self.cells as i64))
    }
    pub fn cells_rate_label(&self) -> String {
        vn::fmt_rate(self.cells_with_study, self.cells)
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChildRow {
    pub unit_id: Id,
    /// The child no longer operates and hangs here carrying its history.
    pub historic: bool,
    pub figures: Figures,
}

/// The additive figures of one month (a point of the monthly trend): conferences, meetings
/// and their attendances. The distinct-person figures have no monthly sum and are not here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: lamtheo_domain::period::Month,
    pub conferences: u64,
    pub member_attendances: u64,
    pub other_attendances: u64,
    pub meetings: u64,
    pub meetings_with_study: u64,
    pub meeting_member_attendances: u64,
    pub meeting_other_attendances: u64,
}

/// "10/12 units completed the topic by its deadline".
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TopicCompletion {
    pub topic_id: Id,
    pub deadline: Option<NaiveDate>,
    /// Child units whose subtree held a conference on the topic by its deadline, of those
    /// expected to.
    pub completed: Vec<Id>,
    pub expected: Vec<Id>,
    /// People of the subtree in the deadline's month (`eligible`), and those of them present
    /// at a conference on the topic by the deadline (`studied`).
    pub studied: u64,
    pub eligible: u64,
}

impl TopicCompletion {
    pub fn label(&self) -> String {
        format!("{}/{}", vn::fmt_int(self.completed.len() as i64), vn::fmt_int(self.expected.len() as i64))
    }
    /// "2.210/2.372"
    pub fn people_label(&self) -> String {
        format!("{}/{}", vn::fmt_int(self.studied as i64), vn::fmt_int(self.eligible as i64))
    }
    /// "93,2%"
    pub fn people_rate(&self) -> String {
        vn::fmt_rate(self.studied, self.eligible)
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitReport {
    pub unit_id: Id,
    pub figures: Figures,
    pub children: Vec<ChildRow>,
    pub topics: Vec<TopicCompletion>,
}
