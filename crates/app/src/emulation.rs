//! Emulation movements: the people expected to register, their registrations and the
//! cell's monthly reviews ("820/820 đồng chí đăng ký, trong đó 710 là đảng viên, 110 không
//! phải đảng viên").
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use lamtheo_analytics::{Delta, MovementCounts};
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::emulation::{Expected, Movement, Registration, Review};
use lamtheo_domain::people::{Membership, Person};
use lamtheo_domain::period::Month;
use lamtheo_domain::text::Text;
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_store::{emulation as store, people as people_store};
use serde::Serialize;

use crate::audit::{snapshot, Change, Written};
use crate::people::{current_membership, unit_on};
use crate::scope::today;
use crate::App;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MovementRow {
    pub person: Person,
    pub registration: Option<Registration>,
    pub reviews: Vec<Review>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MovementReport {
    pub movement: Movement,
    pub expected: usize,
    pub registered: usize,
    pub registered_members: usize,
    pub registered_non_members: usize,
    /// (month, met, not met) over the registrations of the subtree.
    pub months: Vec<(Month, usize, usize)>,
    pub rows: Vec<MovementRow>,
}

/// A monthly review is for a month of its movement's period (the form, the API and the import).
pub(crate) fn check_review_month(m: &Movement, month: Month) -> Result<()> {
    if month.last_day() < m.from_date || month.first_day() > m.to_date {
        return Err(Error::conflict(
            "month",
            format!(
                "Tháng {}/{} nằm ngoài thời gian của phong trào ({} – {})",
                month.month(),
                month.year(),
                vn::fmt_date(m.from_date),
                vn::fmt_date(m.to_date)
            ),
            format!("Month {}/{} is outside the movement's dates", month.month(), month.year()),
        ));
    }
    Ok(())
}

impl App {
    /// A movement is visible to those whose scope covers the unit that launched it, and to
    /// those inside that unit's subtree (who are expected to take part).
    fn movement_visible(&self, actor: &Actor, m: &Movement) -> bool {
        self.in_scope(actor, m.unit_id)
            || actor.scope.is_some_and(|s| self.index().tree().is_within_on(s, m.unit_id, today()))
    }

    pub async fn movements(&self, actor: &Actor) -> Result<Vec<Movement>> {
        self.check_role(actor, Resource::Activity, false)?;
        Ok(store::movements(&self.store).await?.into_iter().filter(|m| self.movement_visible(actor, m)).collect())
    }

    pub(crate) async fn movement(&self, actor: &Actor, id: Id) -> Result<Movement> {
        let m = store::movements(&self.store).await?.into_iter().find(|m| m.id == id).ok_or_else(Error::not_found)?;
        if !self.movement_visible(actor, &m) {
            return Err(Error::not_found());
        }
        Ok(m)
    }

    pub async fn create_movement(&self, actor: &Actor, m: Movement) -> Result<Id> {
        self.check(actor, m.unit_id, Resource::Activity, true)?;
        if m.title.trim().is_empty() {
            return Err(Error::field("title", "Cần nhập tên phong trào", "The movement needs a title"));
        }
        Text::Name.check("title", &m.title)?;
        if m.to_date < m.from_date {
            return Err(Error::field("to_date", "Ngày kết thúc trước ngày bắt đầu", "It ends before it starts"));
        }
        self.write(actor, async |tx| {
            let id = store::insert_movement(tx, &m).await?;
            let change = Change {
                action: "create",
                entity: "emulation_movement",
                entity_id: Some(id),
                unit: Some(m.unit_id),
                before: None,
                after: snapshot(&m),
            };
            Ok(Written::new(id, change, vec![]))
        })
        .await
    }

    /// A registration of `person` (of `unit`) for `m`, checked: the person must be within the
    /// movement's units on the day, and say what they pledge.
    /// A registration checked as the form, the API and the import check it; `unit` is the
    /// person's unit on the day of the registration.
    pub(crate) fn registration_for(
        &self,
        m: &Movement,
        person: Id,
        unit: Id,
        content: &str,
        on: NaiveDate,
    ) -> Result<Registration> {
        if !self.index().tree().is_within_on(unit, m.unit_id, on) {
            return Err(Error::conflict(
                "person_id",
                "Người này không thuộc phạm vi của phong trào",
                "This person is outside the movement's units",
            ));
        }
        if content.trim().is_empty() {
            return Err(Error::field("content", "Cần ghi nội dung đăng ký", "Say what is pledged"));
        }
        Text::Free.check("content", content)?;
        Ok(Registration {
            id: 0,
            movement_id: m.id,
            person_id: person,
            content: content.trim().to_string(),
            registered_on: on,
        })
    }

    /// Registers `person` (oneself, or someone in the actor's scope) with what they pledge.
    pub async fn register(&self, actor: &Actor, movement: Id, person: Id, content: &str, on: NaiveDate) -> Result<Id> {
        let m = self.movement(actor, movement).await?;
        let unit = self.current_unit(person).await?;
        if actor.person_id != Some(person) {
            self.check(actor, unit, Resource::Person, true)?;
        }
        // Whether the person was among the movement's units is a matter of the day they
        // registered (an export taken after they moved imports back).
        let then = self.unit_then(person, on).await?;
        let r = self.registration_for(&m, person, then, content, on)?;
        let old = store::registrations(&self.store, movement, &[person]).await?.into_iter().next();
        self.write(actor, async |tx| {
            let id = store::upsert_registration(tx, &r).await?;
            let change = Change {
                action: "register",
                entity: "emulation_registration",
                entity_id: Some(id),
                unit: Some(unit),
                before: old.as_ref().and_then(snapshot),
                after: snapshot(&r),
            };
            let registration = Delta::Registration { id, movement_id: r.movement_id, person_id: r.person_id };
            Ok(Written::new(id, change, vec![registration]))
        })
        .await
    }

    /// The cell's monthly review of a registration.
    pub async fn review_registration(&self, actor: &Actor, review: Review) -> Result<()> {
        Text::Free.check("comment", &review.comment)?;
        let r = store::registration(&self.store, review.registration_id).await?.ok_or_else(Error::not_found)?;
        let unit = self.current_unit(r.person_id).await?;
        self.check(actor, unit, Resource::Person, true)?;
        let movement = store::movements(&self.store).await?.into_iter().find(|m| m.id == r.movement_id);
        check_review_month(&movement.ok_or_else(Error::not_found)?, Month(review.month))?;
        let old = store::reviews(&self.store, &[r.id]).await?.into_iter().find(|o| o.month == review.month);
        self.write(actor, async |tx| {
            store::upsert_review(tx, &review).await?;
            let change = Change {
                action: "review",
                entity: "emulation_registration",
                entity_id: Some(r.id),
                unit: Some(unit),
                before: old.as_ref().and_then(snapshot),
                after: snapshot(&review),
            };
            Ok(Written::new((), change, vec![review_delta(&review)]))
        })
        .await
    }

    /// Is `person` expected to register for `m` (a key cadre: on some day of the movement)?
    pub(crate) async fn expects(&self, m: &Movement, person: &Person) -> Result<bool> {
        let posts = match m.expected {
            Expected::KeyCadres => people_store::posts_of(&self.store, person.id).await?,
            Expected::Members | Expected::Everyone => Vec::new(),
        };
        Ok(m.expected.includes(person, &posts, m.from_date, m.to_date))
    }

    /// Registered / expected over the subtree of `unit`, split by membership, with the
    /// monthly review results; each person's line only to those who may see it (`sees_person`).
    pub async fn movement_report(
        &self,
        actor: &Actor,
        movement: Id,
        unit: Id,
        as_of: NaiveDate,
    ) -> Result<MovementReport> {
        let m = self.movement(actor, movement).await?;
        self.movement_report_of(actor, m, unit, as_of, true).await
    }

    /// The figures of a movement over each of `units` (the part of its subtree the movement
    /// reaches), without people's lines: a movement's page by child unit. The movement is
    /// read once, not once a unit.
    pub async fn movement_figures(
        &self,
        actor: &Actor,
        movement: Id,
        units: &[Id],
        as_of: NaiveDate,
    ) -> Result<Vec<MovementReport>> {
        let m = self.movement(actor, movement).await?;
        let mut out = Vec::with_capacity(units.len());
        for &unit in units {
            out.push(self.movement_report_of(actor, m.clone(), unit, as_of, false).await?);
        }
        Ok(out)
    }

    /// The figures of `m` over the part of `unit`'s subtree it reaches, and with `roster`
    /// each expected person's line.
    async fn movement_report_of(
        &self,
        actor: &Actor,
        m: Movement,
        unit: Id,
        as_of: NaiveDate,
        roster: bool,
    ) -> Result<MovementReport> {
        self.check(actor, unit, Resource::Activity, false)?;
        // Only the part of the subtree the movement reaches: seen from above the launching
        // unit, that is the launching unit's subtree; from a unit elsewhere, nobody.
        let root = {
            let ix = self.index();
            let tree = ix.tree();
            if tree.is_within_on(m.unit_id, unit, as_of) {
                Some(m.unit_id)
            } else if tree.is_within_on(unit, m.unit_id, as_of) {
                Some(unit)
            } else {
                None
            }
        };
        // Those in the units on some day of the movement; key cadres, those holding a
        // key-cadre post on such a day (a cadre who left the post later still counts). The
        // figures come from the index; the roster, when asked for, from the tables.
        let (first, last) = (m.from_date, m.to_date);
        let counts = match root {
            Some(root) => self
                .remembered(format!("movement {root} {as_of} {} {:?} {first} {last}", m.id, m.expected), |ix| {
                    ix.movement(root, as_of, m.id, m.expected, first, last)
                }),
            None => MovementCounts::default(),
        };
        let rows = match (roster, root) {
            (true, Some(root)) => self.movement_roster(actor, &m, root, as_of).await?,
            _ => Vec::new(),
        };
        Ok(MovementReport {
            expected: counts.expected,
            registered: counts.registered,
            registered_members: counts.registered_members,
            registered_non_members: counts.registered_non_members,
            months: counts.months,
            rows,
            movement: m,
        })
    }

    /// Each person expected in the subtree of `root` with their registration and reviews,
    /// for those the actor may see (`sees_person`), by name.
    async fn movement_roster(
        &self,
        actor: &Actor,
        m: &Movement,
        root: Id,
        as_of: NaiveDate,
    ) -> Result<Vec<MovementRow>> {
        let units = self.index().tree().subtree_on(root, as_of);
        let (first, last) = (m.from_date, m.to_date);
        let mut expected: Vec<Person> = match m.expected {
            Expected::KeyCadres => people_store::key_cadres_in_units_during(&self.store, &units, first, last).await?,
            Expected::Members | Expected::Everyone => {
                let mut people = people_store::in_units_during(&self.store, &units, first, last).await?;
                people.retain(|p| m.expected.includes(p, &[], first, last));
                people
            }
        };
        expected.retain(|p| self.sees_person(actor, p.id));
        expected.sort_by_cached_key(|p| lamtheo_domain::vn::name_sort_key(&p.full_name));
        let ids: Vec<Id> = expected.iter().map(|p| p.id).collect();
        let regs: HashMap<Id, Registration> =
            store::registrations(&self.store, m.id, &ids).await?.into_iter().map(|r| (r.person_id, r)).collect();
        let mut reviews_of = self.reviews_of(regs.values()).await?;
        Ok(expected
            .into_iter()
            .map(|person| {
                let registration = regs.get(&person.id).cloned();
                let reviews = registration.as_ref().and_then(|r| reviews_of.remove(&r.id)).unwrap_or_default();
                MovementRow { person, registration, reviews }
            })
            .collect())
    }

    /// Every pledge made to `m` in the part of `unit`'s subtree it reaches, as on `as_of`, for
    /// its export: the roster's registrations, then those of people the roster does not expect
    /// (someone who was not a key cadre registering for a movement of key cadres, or whose unit
    /// or post was corrected since), which would otherwise be lost from the file. Seen from
    /// the launching unit, every registration of the movement.
    pub(crate) async fn movement_pledges(
        &self,
        actor: &Actor,
        m: &Movement,
        unit: Id,
        as_of: NaiveDate,
    ) -> Result<Vec<MovementRow>> {
        let mut rows = self.movement_report_of(actor, m.clone(), unit, as_of, true).await?.rows;
        rows.retain(|r| r.registration.is_some());
        let listed: HashSet<Id> = rows.iter().map(|r| r.person.id).collect();
        let mut extra: Vec<Registration> = store::registrations_to(&self.store, m.id)
            .await?
            .into_iter()
            .filter(|r| !listed.contains(&r.person_id) && self.sees_person(actor, r.person_id))
            .collect();
        if extra.is_empty() {
            return Ok(rows);
        }
        // Seen from inside the movement's units: those whose unit on the day they registered
        // lies in `unit` (their memberships read at once, not one query each).
        if unit != m.unit_id {
            let ids: Vec<Id> = extra.iter().map(|r| r.person_id).collect();
            let mut memberships: HashMap<Id, Vec<Membership>> = HashMap::new();
            for ms in people_store::memberships_of_people(&self.store, &ids).await? {
                memberships.entry(ms.person_id).or_default().push(ms);
            }
            let ix = self.index();
            extra.retain(|r| {
                let ms = memberships.get(&r.person_id).map_or(&[][..], Vec::as_slice);
                let then = unit_on(ms, r.registered_on).or_else(|| current_membership(ms).map(|x| x.unit_id));
                then.is_some_and(|then| ix.tree().is_within_on(then, unit, r.registered_on))
            });
        }
        let ids: Vec<Id> = extra.iter().map(|r| r.person_id).collect();
        let mut people: HashMap<Id, Person> =
            people_store::get_many(&self.store, &ids).await?.into_iter().map(|p| (p.id, p)).collect();
        let mut reviews_of = self.reviews_of(extra.iter()).await?;
        for r in extra {
            let person = people.remove(&r.person_id).ok_or_else(Error::not_found)?;
            let reviews = reviews_of.remove(&r.id).unwrap_or_default();
            rows.push(MovementRow { person, registration: Some(r), reviews });
        }
        Ok(rows)
    }

    /// The monthly reviews of these registrations, by registration.
    async fn reviews_of(&self, regs: impl Iterator<Item = &Registration>) -> Result<HashMap<Id, Vec<Review>>> {
        let ids: Vec<Id> = regs.map(|r| r.id).collect();
        let mut reviews_of: HashMap<Id, Vec<Review>> = HashMap::new();
        for r in store::reviews(&self.store, &ids).await? {
            reviews_of.entry(r.registration_id).or_default().push(r);
        }
        Ok(reviews_of)
    }

    /// The movements that reach `unit` (launched at it, above it or inside its subtree) and
    /// run during the period, each with the figures of the unit's part (without the roster).
    pub async fn unit_movements(
        &self,
        actor: &Actor,
        unit: Id,
        period: lamtheo_domain::period::Period,
        as_of: NaiveDate,
    ) -> Result<Vec<MovementReport>> {
        self.check(actor, unit, Resource::Activity, false)?;
        let mut out = Vec::new();
        for m in self.movements(actor).await? {
            let reaches = {
                let ix = self.index();
                let tree = ix.tree();
                tree.is_within_on(unit, m.unit_id, as_of) || tree.is_within_on(m.unit_id, unit, as_of)
            };
            if !reaches || m.to_date < period.first_day() || m.from_date > period.last_day() {
                continue;
            }
            out.push(self.movement_report_of(actor, m, unit, as_of, false).await?);
        }
        Ok(out)
    }
}

/// A monthly review as the index keeps it.
pub(crate) fn review_delta(r: &Review) -> Delta {
    Delta::Review { registration_id: r.registration_id, month: Month(r.month), met: r.met }
}
