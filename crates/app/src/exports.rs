//! Exports of the campaign activities as rows in the columns of the matching import kind,
//! so that a downloaded file can be corrected and imported back. Every export reads through
//! the same scope checks as the pages.
use std::collections::HashMap;

use chrono::NaiveDate;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::people::Person;
use lamtheo_domain::period::{check_year, Month, Period};
use lamtheo_domain::plans::{PlanKind, PlanStatus};
use lamtheo_domain::{vn, Error, ErrorCode, Id, Result};
use lamtheo_importer::Kind;
use lamtheo_store::{
    evaluations as evaluation_store, people as people_store, plans as plan_store, tasks as task_store,
};

use crate::App;

/// What to export: a unit's subtree for a year (plans, ratings, tasks), or one movement (as
/// seen from `unit`, by default the launching unit) or covenant: `of`, its number.
#[derive(Debug, Clone, Copy)]
pub struct ExportQuery {
    pub unit: Option<Id>,
    pub year: i32,
    pub of: Option<Id>,
}

/// The words the importer reads back (`activity_records.rs`).
fn plan_kind_word(k: PlanKind) -> &'static str {
    match k {
        PlanKind::TermPlan => "Kế hoạch nhiệm kỳ",
        PlanKind::YearPlan => "Kế hoạch năm",
        PlanKind::Commitment => "Cam kết",
    }
}

fn plan_status_word(s: PlanStatus) -> &'static str {
    match s {
        PlanStatus::Draft => "Bản nháp",
        PlanStatus::Submitted => "Đã gửi",
        PlanStatus::Acknowledged => "Đã xác nhận",
        PlanStatus::Returned => "Trả lại",
    }
}

fn key(p: &Person) -> String {
    p.natural_key().unwrap_or_default().to_string()
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(vn::fmt_date).unwrap_or_default()
}

impl App {
    /// The rows of an export (without the header row), in the columns of `kind`.
    pub async fn export(&self, actor: &Actor, kind: Kind, q: ExportQuery) -> Result<Vec<Vec<String>>> {
        // Without a unit: the caller's own, or the one root of the tree for an account that
        // sees it all.
        let tree_root = || match self.index().tree().roots_on(self.today())[..] {
            [root] => Some(root),
            _ => None,
        };
        let unit = q.unit.or(actor.scope).or_else(tree_root);
        let need_unit = || unit.ok_or_else(|| Error::field("unit", "Cần chọn đơn vị", "Choose the unit"));
        let need_of = || {
            q.of.ok_or_else(|| {
                Error::field("of", "Cần chọn phong trào hoặc giao ước", "Choose the movement or covenant")
            })
        };
        match kind {
            Kind::Plans | Kind::Evaluations | Kind::Tasks => {
                let unit = need_unit()?;
                check_year("year", q.year)?;
                match kind {
                    Kind::Plans => self.export_plans(actor, unit, q.year).await,
                    Kind::Evaluations => self.export_evaluations(actor, unit, q.year).await,
                    _ => self.export_tasks(actor, unit, q.year).await,
                }
            }
            Kind::Registrations | Kind::Reviews => {
                // A file of people's pledges and results: not for accounts that see nobody's.
                self.check_role(actor, Resource::Person, false)?;
                let movement = self.movement(actor, need_of()?).await?;
                let unit = q.unit.unwrap_or(movement.unit_id);
                // The movement's units as they were on its last day (or today, while it runs):
                // a unit merged or closed since still exports what its people recorded.
                let as_of = movement.to_date.min(crate::scope::today());
                let number = movement.id.to_string();
                let mut rows = Vec::new();
                for r in &self.movement_pledges(actor, &movement, unit, as_of).await? {
                    let Some(reg) = &r.registration else { continue };
                    if kind == Kind::Registrations {
                        rows.push(vec![
                            number.clone(),
                            key(&r.person),
                            reg.content.clone(),
                            vn::fmt_date(reg.registered_on),
                        ]);
                        continue;
                    }
                    for review in &r.reviews {
                        let m = Month(review.month);
                        rows.push(vec![
                            number.clone(),
                            key(&r.person),
                            format!("{}/{}", m.month(), m.year()),
                            if review.met { "Đạt" } else { "Không đạt" }.to_string(),
                            review.comment.clone(),
                        ]);
                    }
                }
                Ok(rows)
            }
            Kind::CovenantUnits | Kind::CovenantScores => {
                let report = self.covenant_report(actor, need_of()?).await?;
                let number = report.campaign.id.to_string();
                let code = |id: Id| self.unit_code(id);
                let mut rows = Vec::new();
                for r in &report.rows {
                    if kind == Kind::CovenantUnits {
                        let pilot = if r.pilot { "Có" } else { "Không" };
                        rows.push(vec![number.clone(), code(r.unit_id), date(r.signed_on), pilot.to_string()]);
                        continue;
                    }
                    for (group, score) in r.scores.iter().enumerate() {
                        if let Some(score) = score {
                            rows.push(vec![
                                number.clone(),
                                code(r.unit_id),
                                (group + 1).to_string(),
                                score.to_string(),
                            ]);
                        }
                    }
                }
                Ok(rows)
            }
            Kind::Record(spec) => self.export_records(actor, spec, need_unit()?).await,
            Kind::Units | Kind::People | Kind::Conferences | Kind::Attendance | Kind::Points => Err(Error::msg(
                ErrorCode::InvalidInput,
                "Loại dữ liệu này chưa xuất ra tệp được",
                "This kind of data cannot be exported yet",
            )),
        }
    }

    fn unit_code(&self, id: Id) -> String {
        self.index().tree().unit(id).map(|u| u.code.clone()).unwrap_or_default()
    }

    /// The people who belonged to the subtree of `unit` during `year` (a checked year).
    async fn people_of_year(&self, actor: &Actor, unit: Id, year: i32) -> Result<Vec<Person>> {
        self.check(actor, unit, Resource::Person, false)?;
        let (first, last) = (Period::year(year).first_day(), Period::year(year).last_day());
        let units = self.index().tree().subtree_on(unit, last);
        let mut people = people_store::in_units_during(&self.store, &units, first, last).await?;
        if actor.role == lamtheo_domain::access::Role::Member {
            people.retain(|p| Some(p.id) == actor.person_id);
        }
        people.sort_by_cached_key(|p| vn::name_sort_key(&p.full_name));
        Ok(people)
    }

    async fn export_plans(&self, actor: &Actor, unit: Id, year: i32) -> Result<Vec<Vec<String>>> {
        let people = self.people_of_year(actor, unit, year).await?;
        let ids: Vec<Id> = people.iter().map(|p| p.id).collect();
        let by_id: HashMap<Id, &Person> = people.iter().map(|p| (p.id, p)).collect();
        let mut rows = Vec::new();
        for kind in PlanKind::ALL {
            for plan in plan_store::covering(&self.store, &ids, kind, year).await? {
                let person = by_id[&plan.person_id];
                rows.push((
                    vn::name_sort_key(&person.full_name),
                    vec![
                        key(person),
                        plan_kind_word(kind).to_string(),
                        plan.from_year.max(year.min(plan.to_year)).to_string(),
                        plan.content,
                        plan_status_word(plan.status).to_string(),
                        plan.comment,
                        date(plan.submitted_on),
                        date(plan.reviewed_on),
                    ],
                ));
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    }

    async fn export_evaluations(&self, actor: &Actor, unit: Id, year: i32) -> Result<Vec<Vec<String>>> {
        let levels = self.rating_levels().await?;
        let level_name = |e: &Evaluation| {
            levels
                .iter()
                .find(|l| l.scale == e.scale && l.code == e.level_code)
                .map_or_else(|| e.level_code.clone(), |l| l.name_vi.clone())
        };
        let row = |person: String, unit: String, e: &Evaluation| {
            vec![
                person,
                unit,
                e.year.to_string(),
                if e.quarter == 0 { String::new() } else { e.quarter.to_string() },
                e.scale.clone(),
                level_name(e),
                e.score.map(|s| s.to_string()).unwrap_or_default(),
                e.note.clone(),
            ]
        };
        let people = self.people_of_year(actor, unit, year).await?;
        let ids: Vec<Id> = people.iter().map(|p| p.id).collect();
        let mut rows = Vec::new();
        let mut ratings: HashMap<Id, Vec<Evaluation>> = HashMap::new();
        for e in evaluation_store::of_subjects(&self.store, Subject::Person, &ids, year).await? {
            ratings.entry(e.subject_id).or_default().push(e);
        }
        for p in &people {
            for e in ratings.get(&p.id).into_iter().flatten() {
                rows.push(row(key(p), String::new(), e));
            }
        }
        if actor.role != lamtheo_domain::access::Role::Member {
            let units = self.index().tree().subtree_on(unit, Period::year(year).last_day());
            for e in evaluation_store::of_subjects(&self.store, Subject::Unit, &units, year).await? {
                rows.push(row(String::new(), self.unit_code(e.subject_id), &e));
            }
        }
        Ok(rows)
    }

    async fn export_tasks(&self, actor: &Actor, unit: Id, year: i32) -> Result<Vec<Vec<String>>> {
        self.check(actor, unit, Resource::Activity, false)?;
        let units = self.index().tree().subtree_on(unit, Period::year(year).last_day());
        let tasks = task_store::of_units(&self.store, &units, year, year).await?;
        Ok(tasks
            .into_iter()
            .map(|t| {
                vec![
                    self.unit_code(t.unit_id),
                    t.from_year.to_string(),
                    t.to_year.to_string(),
                    t.title,
                    t.field,
                    t.responsible,
                    t.status.label_vi().to_string(),
                    t.result,
                ]
            })
            .collect())
    }
}
