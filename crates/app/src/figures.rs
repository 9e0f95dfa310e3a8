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
        Ok(self.index().report(unit, period, as_of))
    }
}
