//! Personal plans and commitments: a member writes and submits their own (from a phone);
//! the cell's secretary acknowledges or returns them; figures count who has made one.
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::conference::{AttendanceStatus, Conference};
use lamtheo_domain::emulation::{Movement, Registration, Review};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::people::{Membership, Person};
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::plans::{MadeOf, PersonalPlan, PlanKind, PlanMade, PlanStatus};
use lamtheo_domain::text::Text;
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_store::{
    conferences as conf_store, emulation as emulation_store, evaluations as evaluation_store, people as people_store,
    plans as store,
};
use serde::Serialize;

use crate::audit::{snapshot, Change, Written};
use crate::App;

/// What a member sees on their own page.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MyPage {
    pub person: Person,
    pub memberships: Vec<Membership>,
    pub plans: Vec<PersonalPlan>,
    pub attendance: Vec<(Conference, AttendanceStatus)>,
    /// Movements the person is expected to register for (or did), newest first.
    pub movements: Vec<MyMovement>,
    /// Their ratings, newest first, with the level's name in Vietnamese and English.
    pub evaluations: Vec<(Evaluation, String, String)>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MyMovement {
    pub movement: Movement,
    pub registration: Option<Registration>,
    pub reviews: Vec<Review>,
}

/// "made / expected" for one kind of plan.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct PlanFigure {
    pub kind: PlanKind,
    pub from_year: i32,
    pub to_year: i32,
    /// Party members who belonged to the subtree in the plan's years, and those of them who
    /// made (submitted) the plan.
    pub made: i64,
    pub expected: i64,
    /// The same among everyone on the subtree's rolls, members or not.
    pub made_all: i64,
    pub expected_all: i64,
}

impl PlanFigure {
    pub fn label(&self) -> String {
        format!("{}/{}", vn::fmt_int(self.made), vn::fmt_int(self.expected))
    }
    pub fn rate(&self) -> String {
        vn::fmt_rate(self.made.max(0) as u64, self.expected.max(0) as u64)
    }
    /// "20.310/21.004", everyone on the rolls.
    pub fn label_all(&self) -> String {
        format!("{}/{}", vn::fmt_int(self.made_all), vn::fmt_int(self.expected_all))
    }
}

/// One roster line of a cell's review page.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReviewRow {
    pub person: Person,
    pub plans: Vec<PersonalPlan>,
}

/// The text of a plan or commitment, trimmed; refused when empty or too long.
pub(crate) fn plan_content(content: &str) -> Result<String> {
    let content = content.trim();
    if content.is_empty() {
        return Err(Error::field("content", "Cần viết nội dung", "Please write the content"));
    }
    Text::Free.check("content", content)?;
    Ok(content.to_string())
}

/// A unit's members' plans for a year as the review from above counts them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CellPlans {
    pub unit_id: Id,
    pub name: String,
    /// People on its rolls (members and the others who write plans).
    pub members: usize,
    /// Submitted, waiting for the cell's review.
    pub waiting: usize,
    pub acknowledged: usize,
    pub returned: usize,
}

impl App {
    fn own_person(&self, actor: &Actor) -> Result<Id> {
        actor.person_id.ok_or_else(|| {
            Error::msg(
                lamtheo_domain::ErrorCode::Forbidden,
                "Tài khoản này không gắn với đảng viên nào",
                "This account is not linked to a member",
            )
        })
    }

    /// The logged-in member's own record, plans and attendance. Nothing of anyone else's.
    pub async fn my_page(&self, actor: &Actor) -> Result<MyPage> {
        let id = self.own_person(actor)?;
        let person = people_store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        let mut movements = Vec::new();
        for movement in self.movements(actor).await? {
            let registration = emulation_store::registrations(&self.store, movement.id, &[id]).await?.pop();
            if registration.is_none() && !self.expects(&movement, &person).await? {
                continue;
            }
            let reviews = match &registration {
                Some(r) => emulation_store::reviews(&self.store, &[r.id]).await?,
                None => Vec::new(),
            };
            movements.push(MyMovement { movement, registration, reviews });
        }
        movements.sort_by_key(|m| std::cmp::Reverse(m.movement.from_date));
        let levels = self.rating_levels().await?;
        let evaluations = evaluation_store::history(&self.store, Subject::Person, id)
            .await?
            .into_iter()
            .map(|e| {
                let level = levels.iter().find(|l| l.scale == e.scale && l.code == e.level_code);
                let (vi, en) = level.map_or_else(
                    || (e.level_code.clone(), e.level_code.clone()),
                    |l| (l.name_vi.clone(), l.name_en.clone()),
                );
                (e, vi, en)
            })
            .collect();
        Ok(MyPage {
            memberships: people_store::memberships_of(&self.store, id).await?,
            plans: store::of_person(&self.store, id).await?,
            attendance: conf_store::attended_by(&self.store, id, 60).await?,
            movements,
            evaluations,
            person,
        })
    }

    /// Saves the actor's own plan of `kind` for the years around `year`; `submit` sends it to
    /// the cell. An acknowledged plan is final.
    pub async fn save_own_plan(
        &self,
        actor: &Actor,
        kind: PlanKind,
        year: i32,
        content: &str,
        submit: bool,
    ) -> Result<Id> {
        let person = self.own_person(actor)?;
        lamtheo_domain::period::check_year("year", year)?;
        let content = plan_content(content)?;
        let (from_year, to_year) = kind.years_for(year);
        let existing = store::of_person(&self.store, person)
            .await?
            .into_iter()
            .find(|p| p.kind == kind && p.from_year == from_year);
        if existing.as_ref().is_some_and(|p| p.status == PlanStatus::Acknowledged) {
            return Err(Error::conflict(
                "content",
                "Chi bộ đã xác nhận bản này; không sửa được nữa",
                "The cell has acknowledged it; it can no longer change",
            ));
        }
        let plan = PersonalPlan {
            id: 0,
            person_id: person,
            kind,
            from_year,
            to_year,
            content,
            status: if submit { PlanStatus::Submitted } else { PlanStatus::Draft },
            comment: existing.as_ref().map(|p| p.comment.clone()).unwrap_or_default(),
            submitted_on: submit.then(|| self.today()),
            reviewed_on: None,
            updated_at: chrono::Utc::now(),
        };
        let unit = self.current_unit(person).await.ok();
        self.write(actor, async |tx| {
            let id = store::upsert(tx, &plan).await?;
            let change = Change {
                action: if submit { "submit" } else { "save" },
                entity: "personal_plan",
                entity_id: Some(id),
                unit,
                before: existing.as_ref().and_then(snapshot),
                after: snapshot(&plan),
            };
            Ok(Written::new(id, change, vec![plan_delta(&plan)]))
        })
        .await
    }

    /// The cell acknowledges a submitted plan, or returns it with a comment.
    pub async fn review_plan(&self, actor: &Actor, plan_id: Id, acknowledge: bool, comment: &str) -> Result<()> {
        let plan = store::get(&self.store, plan_id).await?.ok_or_else(Error::not_found)?;
        let unit = self.current_unit(plan.person_id).await?;
        // Reviewing is a write on the person's record, in the reviewer's scope.
        self.check(actor, unit, Resource::Person, true)?;
        if plan.status != PlanStatus::Submitted {
            return Err(Error::conflict(
                "status",
                "Chỉ xem xét được bản đã gửi",
                "Only a submitted plan can be reviewed",
            ));
        }
        let status = if acknowledge { PlanStatus::Acknowledged } else { PlanStatus::Returned };
        let after = PersonalPlan {
            status,
            comment: lamtheo_domain::plans::checked_comment(status, comment)?,
            reviewed_on: Some(self.today()),
            ..plan.clone()
        };
        self.write(actor, async |tx| {
            store::upsert(tx, &after).await?;
            let change = Change {
                action: if acknowledge { "acknowledge" } else { "return" },
                entity: "personal_plan",
                entity_id: Some(plan_id),
                unit: Some(unit),
                before: snapshot(&plan),
                after: snapshot(&after),
            };
            Ok(Written::new((), change, vec![plan_delta(&after)]))
        })
        .await
    }

    /// A unit's members on `on` with their plans covering `year` (for the review page).
    pub async fn plans_of_unit(&self, actor: &Actor, unit: Id, year: i32, on: NaiveDate) -> Result<Vec<ReviewRow>> {
        let people = self.members_on(actor, unit, on).await?;
        let ids: Vec<Id> = people.iter().map(|p| p.id).collect();
        let mut plans = Vec::new();
        for kind in PlanKind::ALL {
            plans.extend(store::covering(&self.store, &ids, kind, year).await?);
        }
        Ok(people
            .into_iter()
            .map(|person| ReviewRow {
                plans: plans.iter().filter(|p| p.person_id == person.id).cloned().collect(),
                person,
            })
            .collect())
    }

    /// For a unit above the cells (a commune, a district): each unit of its subtree that has
    /// people on its rolls on `on`, with how many and how many of their plans covering
    /// `year` wait for the cell, were acknowledged and were returned; sorted by name.
    pub async fn plan_review_summary(
        &self,
        actor: &Actor,
        unit: Id,
        year: i32,
        on: NaiveDate,
    ) -> Result<Vec<CellPlans>> {
        self.check(actor, unit, Resource::Person, false)?;
        let units = self.index().tree().subtree_on(unit, on);
        let people = people_store::in_units_during(&self.store, &units, on, on).await?;
        let ids: Vec<Id> = people.iter().map(|p| p.id).collect();
        let memberships = people_store::memberships_of_people(&self.store, &ids).await?;
        let inside: HashSet<Id> = units.iter().copied().collect();
        let unit_of: HashMap<Id, Id> = memberships
            .iter()
            .filter(|m| m.valid_on(on) && inside.contains(&m.unit_id))
            .map(|m| (m.person_id, m.unit_id))
            .collect();
        let mut cells: HashMap<Id, CellPlans> = HashMap::new();
        for cell in unit_of.values() {
            let name = || self.index().tree().name_on(*cell, on).unwrap_or_default().to_string();
            let c =
                cells.entry(*cell).or_insert_with(|| CellPlans { unit_id: *cell, name: name(), ..Default::default() });
            c.members += 1;
        }
        for kind in PlanKind::ALL {
            for plan in store::covering(&self.store, &ids, kind, year).await? {
                let Some(c) = unit_of.get(&plan.person_id).and_then(|u| cells.get_mut(u)) else { continue };
                match plan.status {
                    PlanStatus::Submitted => c.waiting += 1,
                    PlanStatus::Acknowledged => c.acknowledged += 1,
                    PlanStatus::Returned => c.returned += 1,
                    PlanStatus::Draft => {}
                }
            }
        }
        let mut out: Vec<CellPlans> = cells.into_values().collect();
        out.sort_by_cached_key(|c| vn::sort_key(&c.name));
        Ok(out)
    }

    /// Plans made / people expected, for each kind, over the subtree of `unit` as of `as_of`,
    /// for the year (or term) that the period ends in: of the people who belonged to the
    /// subtree in some month of the plan's years, those who made it (from the index).
    pub async fn plan_figures(
        &self,
        actor: &Actor,
        unit: Id,
        period: Period,
        as_of: NaiveDate,
    ) -> Result<Vec<PlanFigure>> {
        self.check(actor, unit, Resource::Unit, false)?;
        Ok(PlanKind::ALL.into_iter().map(|kind| self.plan_figure_of(unit, period, as_of, kind)).collect())
    }

    /// The same figure for one kind of plan (a chart of year plans by child unit).
    pub async fn plan_figure(
        &self,
        actor: &Actor,
        unit: Id,
        period: Period,
        as_of: NaiveDate,
        kind: PlanKind,
    ) -> Result<PlanFigure> {
        self.check(actor, unit, Resource::Unit, false)?;
        Ok(self.plan_figure_of(unit, period, as_of, kind))
    }

    fn plan_figure_of(&self, unit: Id, period: Period, as_of: NaiveDate, kind: PlanKind) -> PlanFigure {
        let year = period.to.year();
        let (from_year, to_year) = kind.years_for(year);
        let (from, to) = (Month::new(from_year, 1), Month::new(to_year, 12));
        let key = format!("plans {unit} {as_of} {kind:?} {year}");
        let m = self.remembered(key, |ix| ix.plans_made(unit, as_of, from, to, &[kind], year));
        PlanFigure {
            kind,
            from_year,
            to_year,
            made: m.made,
            expected: m.expected,
            made_all: m.made_all,
            expected_all: m.expected_all,
        }
    }

    /// People of the subtree who made both the term plan covering the period's last year and
    /// that year's plan (members; everyone), of those who belonged to it during the year ("hơn
    /// 20.000 người xây dựng kế hoạch làm theo Bác giai đoạn 2021-2025 và năm 2022").
    pub async fn both_plans(&self, actor: &Actor, unit: Id, period: Period, as_of: NaiveDate) -> Result<MadeOf> {
        self.check(actor, unit, Resource::Unit, false)?;
        let year = period.to.year();
        let kinds = [PlanKind::TermPlan, PlanKind::YearPlan];
        let (from, to) = (Month::new(year, 1), Month::new(year, 12));
        Ok(self.remembered(format!("both plans {unit} {as_of} {year}"), |ix| {
            ix.plans_made(unit, as_of, from, to, &kinds, year)
        }))
    }
}

/// What the index keeps of a plan: whether it counts as made.
pub(crate) fn plan_delta(p: &PersonalPlan) -> Delta {
    let plan = PlanMade { kind: p.kind, from_year: p.from_year, to_year: p.to_year };
    Delta::Plan { person_id: p.person_id, plan, made: p.status.counts() }
}
