//! Figures for a unit, a period and an as-of date, through the scope check.
use chrono::NaiveDate;
use lamtheo_analytics::UnitReport;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::period::Period;
use lamtheo_domain::{Error, Id, Result};

use crate::App;

impl App {
    pub fn unit_report(&self, actor: &Actor, unit: Id, period: Period, as_of: NaiveDate) -> Result<UnitReport> {
        self.check(actor, unit, Resource::Unit, false)?;
        if period.to < period.from {
            return Err(Error::field("to", "Tháng kết thúc trước tháng bắt đầu", "The period ends before it starts"));
        }
        let ix = self.index();
        let mut report = ix.report(unit, period, as_of);
        // Only party organisations are expected to study the topics ("10/12 huyện ủy"); the
        // Fatherland Front and the unions beside them are not counted.
        let party = |id: &Id| ix.tree().unit(*id).is_some_and(|u| self.party_kinds.contains(&u.kind));
        for t in &mut report.topics {
            t.expected.retain(party);
            t.completed.retain(party);
        }
        Ok(report)
    }
}
