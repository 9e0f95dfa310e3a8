//! Figures for a unit, a period and an as-of date, through the scope check.
use chrono::NaiveDate;
use lamtheo_analytics::{MonthFigures, UnitReport};
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::period::Period;
use lamtheo_domain::{Error, Id, Result};

use crate::App;

impl App {
    pub async fn unit_report(&self, actor: &Actor, unit: Id, period: Period, as_of: NaiveDate) -> Result<UnitReport> {
        self.check(actor, unit, Resource::Unit, false)?;
        if period.to < period.from {
            return Err(Error::field("to", "Tháng kết thúc trước tháng bắt đầu", "The period ends before it starts"));
        }
        let mut report =
            self.remembered(format!("report {unit} {period:?} {as_of}"), |ix| ix.report(unit, period, as_of));
        // Only party organisations are expected to study the topics ("10/12 huyện ủy"); the
        // Fatherland Front and the unions beside them are not counted. Kinds are data that
        // administrators add to, read here each time (a dozen rows).
        let party_kinds: Vec<String> =
            lamtheo_store::units::kinds(&self.store).await?.into_iter().filter(|k| k.party).map(|k| k.code).collect();
        let ix = self.index();
        let party = |id: &Id| ix.tree().unit(*id).is_some_and(|u| party_kinds.contains(&u.kind));
        for t in &mut report.topics {
            t.expected.retain(party);
            t.completed.retain(party);
        }
        Ok(report)
    }

    /// The unit's conferences, meetings and attendances month by month over the period (the
    /// unit page's monthly trend); each month as the figures over that month alone.
    pub async fn monthly_figures(
        &self,
        actor: &Actor,
        unit: Id,
        period: Period,
        as_of: NaiveDate,
    ) -> Result<Vec<MonthFigures>> {
        self.check(actor, unit, Resource::Unit, false)?;
        Ok(self.remembered(format!("monthly {unit} {period:?} {as_of}"), |ix| ix.monthly(unit, period, as_of)))
    }
}
