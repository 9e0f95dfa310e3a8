//! People and their memberships: search, records, adding, editing and transfers.
use chrono::NaiveDate;
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource, Role};
use lamtheo_domain::people::{Membership, Person, Post};
use lamtheo_domain::text::{self, Text};
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_store::people as store;
use serde::{Deserialize, Serialize};

use crate::audit::{snapshot, Change, Written};
use crate::App;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonView {
    pub person: Person,
    /// Memberships with the unit's current name, oldest first.
    pub memberships: Vec<(Membership, String)>,
    /// The person's posts (position, key-cadre and head-of-unit marks) over time, oldest
    /// first; the last is the current one, whose marks are the person's own fields.
    pub posts: Vec<Post>,
}

/// A person's details (`PUT /api/v1/people/{id}`, the person's form) with the day a change of
/// their post takes effect.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct PersonUpdate {
    #[serde(flatten)]
    pub person: Person,
    /// Có hiệu lực từ ngày: the day a change of position, key-cadre or head-of-unit mark
    /// takes effect (not before the current post began); empty: today. Not used when the
    /// post does not change.
    #[serde(default, deserialize_with = "lamtheo_domain::vn::de_opt_date")]
    pub post_from: Option<NaiveDate>,
}

/// A change of post from a day (`POST /api/v1/people/{id}/posts`): the position and marks
/// held from `post_from` on.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct PostChange {
    /// Có hiệu lực từ ngày (not before the current post began); empty: today.
    #[serde(default, deserialize_with = "lamtheo_domain::vn::de_opt_date")]
    pub post_from: Option<NaiveDate>,
    #[serde(default)]
    #[schemars(schema_with = "lamtheo_domain::text::schema::optional_name")]
    pub position: Option<String>,
    #[serde(default)]
    pub key_cadre: bool,
    #[serde(default)]
    pub head_of_unit: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewPerson {
    #[serde(flatten)]
    pub person: Person,
    pub unit_id: Id,
    #[serde(deserialize_with = "lamtheo_domain::vn::de_date")]
    pub since: NaiveDate,
}

/// Checks the fields a person types; names the first bad field.
pub fn validate(p: &Person) -> Result<()> {
    if p.full_name.trim().is_empty() {
        return Err(Error::field("full_name", "Cần nhập họ và tên", "The full name is required"));
    }
    for (field, v) in [("card_no", &p.card_no), ("person_code", &p.person_code)] {
        if v.as_deref()
            .is_some_and(|s| s.trim().is_empty() || s.chars().any(char::is_whitespace) || s.chars().count() > 64)
        {
            return Err(Error::field(
                field,
                "Mã không được trống hay chứa dấu cách",
                "The identifier must not be blank or contain spaces",
            ));
        }
    }
    text::check_all([
        ("full_name", p.full_name.as_str(), Text::Name),
        ("ethnicity", p.ethnicity.as_deref().unwrap_or(""), Text::Name),
        ("position", p.position.as_deref().unwrap_or(""), Text::Name),
    ])?;
    if p.card_no.is_none() && p.person_code.is_none() {
        return Err(Error::field(
            "person_code",
            "Cần số thẻ đảng viên hoặc mã định danh",
            "A party card number or a person ID is required",
        ));
    }
    if let (Some(a), Some(o)) = (p.admitted_on, p.official_on) {
        if o < a {
            return Err(Error::field(
                "official_on",
                "Ngày chính thức không thể trước ngày vào Đảng",
                "The official membership date cannot precede the admission date",
            ));
        }
    }
    Ok(())
}

/// The open membership, or else the last one, of one person's memberships in date order.
pub(crate) fn current_membership(ms: &[Membership]) -> Option<&Membership> {
    ms.iter().rev().find(|m| m.valid_to.is_none()).or(ms.last())
}

/// The unit a person belonged to on a day, of their memberships.
pub(crate) fn unit_on(ms: &[Membership], day: NaiveDate) -> Option<Id> {
    ms.iter().find(|m| m.valid_on(day)).map(|m| m.unit_id)
}

impl App {
    /// The unit a person belongs to now (or last belonged to): their records are in its scope.
    /// The person whose card number or identifier is `key`, when the actor may read them.
    pub async fn person_by_key(&self, actor: &Actor, key: &str) -> Result<Option<Person>> {
        let mut read = self.store.snapshot().await?;
        let Some(person) = store::find_by_key(&mut read, key.trim()).await? else { return Ok(None) };
        drop(read);
        let unit = self.current_unit(person.id).await?;
        Ok(self.may(actor, unit, Resource::Person, false).then_some(person))
    }

    pub(crate) async fn current_unit(&self, person: Id) -> Result<Id> {
        let ms = store::memberships_of(&self.store, person).await?;
        current_membership(&ms).map(|m| m.unit_id).ok_or_else(Error::not_found)
    }

    /// The unit a person belonged to on `day` (a record of that day is checked against it),
    /// else their current one.
    pub(crate) async fn unit_then(&self, person: Id, day: NaiveDate) -> Result<Id> {
        let ms = store::memberships_of(&self.store, person).await?;
        unit_on(&ms, day).or_else(|| current_membership(&ms).map(|m| m.unit_id)).ok_or_else(Error::not_found)
    }

    /// May the actor see this person? Members see only themselves; others need one of the
    /// person's units in scope.
    async fn check_person(&self, actor: &Actor, id: Id, write: bool) -> Result<Vec<Membership>> {
        self.check_role(actor, Resource::Person, write)?;
        if actor.role == Role::Member && actor.person_id != Some(id) {
            return Err(Error::not_found());
        }
        let ms = store::memberships_of(&self.store, id).await?;
        match current_membership(&ms) {
            // Writes need the current unit in scope; reads accept any unit the person belonged to.
            Some(m) if write => self.check(actor, m.unit_id, Resource::Person, true)?,
            Some(_) if ms.iter().any(|m| self.in_scope(actor, m.unit_id)) => {}
            _ => return Err(Error::not_found()),
        }
        Ok(ms)
    }

    pub async fn person(&self, actor: &Actor, id: Id) -> Result<PersonView> {
        let ms = self.check_person(actor, id, false).await?;
        let person = store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        let posts = store::posts_of(&self.store, id).await?;
        let ix = self.index();
        let memberships = ms.into_iter().map(|m| {
            let name = ix.tree().name_on(m.unit_id, m.valid_from).unwrap_or_default().to_string();
            (m, name)
        });
        Ok(PersonView { person, memberships: memberships.collect(), posts })
    }

    /// People of the actor's scope (or of one unit's subtree) whose name matches, ignoring
    /// accents and đ/d, sorted the Vietnamese way (given name first).
    pub async fn search_people(
        &self,
        actor: &Actor,
        query: &str,
        within: Option<Id>,
        limit: usize,
    ) -> Result<Vec<Person>> {
        self.check_role(actor, Resource::Person, false)?;
        if let Some(u) = within {
            self.check(actor, u, Resource::Person, false)?;
        }
        if actor.role == Role::Member {
            let own = match actor.person_id {
                Some(id) => store::get(&self.store, id).await?.into_iter().collect(),
                None => vec![],
            };
            return Ok(own);
        }
        let units = match within {
            Some(u) => self.index().tree().subtree_on(u, self.today()),
            None => self.scope_units(actor),
        };
        let mut found = store::search(&self.store, &units, &vn::fold(query), limit as i64).await?;
        found.sort_by_cached_key(|p| vn::name_sort_key(&p.full_name));
        Ok(found)
    }

    /// Members of one unit on a date (for attendance taking and the unit's roster).
    pub async fn members_on(&self, actor: &Actor, unit: Id, on: NaiveDate) -> Result<Vec<Person>> {
        self.check(actor, unit, Resource::Person, false)?;
        let mut people = store::members_on(&self.store, unit, on).await?;
        if actor.role == Role::Member {
            people.retain(|p| Some(p.id) == actor.person_id);
        }
        people.sort_by_cached_key(|p| vn::name_sort_key(&p.full_name));
        Ok(people)
    }

    pub async fn add_person(&self, actor: &Actor, new: NewPerson) -> Result<Id> {
        self.check(actor, new.unit_id, Resource::Person, true)?;
        validate(&new.person)?;
        // A membership starts while its unit is open (the import checks the same).
        self.membership_unit(new.unit_id, new.since, "since")?;
        self.write(actor, async |tx| {
            // Their post (position and marks) holds from the day they start in the unit.
            let id = store::insert(tx, &new.person, new.since).await?;
            let mid = store::insert_membership(tx, id, new.unit_id, new.since).await?;
            let change = Change {
                action: "create",
                entity: "person",
                entity_id: Some(id),
                unit: Some(new.unit_id),
                before: None,
                after: snapshot(&new),
            };
            let membership =
                Membership { id: mid, person_id: id, unit_id: new.unit_id, valid_from: new.since, valid_to: None };
            let member = Delta::Member { person_id: id, member: new.person.is_member };
            let posts = key_posts(tx, id).await?;
            Ok(Written::new(id, change, vec![Delta::AddMembership { membership }, member, posts]))
        })
        .await
    }

    /// Changes a person's details; a change of post takes effect today (`update_person_from`).
    pub async fn update_person(&self, actor: &Actor, person: Person) -> Result<()> {
        self.update_person_from(actor, PersonUpdate { person, post_from: None }).await
    }

    /// Changes a person's details and, when their position or marks change, records the new
    /// post from `post_from` (today when none): the open post ends that day and the new one
    /// starts, so figures of earlier dates keep the post as it was. One audited transaction.
    pub async fn update_person_from(&self, actor: &Actor, update: PersonUpdate) -> Result<()> {
        let PersonUpdate { person, post_from } = update;
        let ms = self.check_person(actor, person.id, true).await?;
        validate(&person)?;
        let before = store::get(&self.store, person.id).await?.ok_or_else(Error::not_found)?;
        let unit = current_membership(&ms).map(|m| m.unit_id);
        self.write(actor, async |tx| {
            store::update(tx, &person).await?;
            let mut changes = vec![Change {
                action: "update",
                entity: "person",
                entity_id: Some(person.id),
                unit,
                before: snapshot(&before),
                after: snapshot(&person),
            }];
            let mut deltas = vec![Delta::Member { person_id: person.id, member: person.is_member }];
            if person.post_differs(&before) {
                changes.push(write_post(tx, &person, post_from.unwrap_or_else(|| self.today()), unit).await?);
                deltas.push(key_posts(tx, person.id).await?);
            }
            Ok(Written { value: (), changes, deltas })
        })
        .await
    }

    /// Records a change of a person's post (position and marks) from a day (today when none);
    /// the same post as the current one changes nothing.
    pub async fn change_post(&self, actor: &Actor, id: Id, change: PostChange) -> Result<()> {
        let ms = self.check_person(actor, id, true).await?;
        let current = store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        let person = Person {
            position: change.position.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()),
            key_cadre: change.key_cadre,
            head_of_unit: change.head_of_unit,
            ..current.clone()
        };
        validate(&person)?;
        if !person.post_differs(&current) {
            return Ok(());
        }
        let unit = current_membership(&ms).map(|m| m.unit_id);
        self.write(actor, async |tx| {
            let post = write_post(tx, &person, change.post_from.unwrap_or_else(|| self.today()), unit).await?;
            let posts = key_posts(tx, id).await?;
            Ok(Written::new((), post, vec![posts]))
        })
        .await
    }

    /// Ends the person's current membership on `on` and starts one in `to`.
    pub async fn transfer_person(&self, actor: &Actor, id: Id, to: Id, on: NaiveDate) -> Result<()> {
        let ms = self.check_person(actor, id, true).await?;
        self.check(actor, to, Resource::Person, true)?;
        let current = ms.iter().find(|m| m.valid_to.is_none()).cloned();
        self.membership_unit(to, on, "unit_id")?;
        if let Some(c) = &current {
            if on <= c.valid_from {
                return Err(Error::conflict(
                    "on",
                    "Ngày chuyển phải sau ngày bắt đầu sinh hoạt hiện tại",
                    "The transfer date must be after the current membership began",
                ));
            }
            if c.unit_id == to {
                return Err(Error::conflict(
                    "unit_id",
                    "Người này đang sinh hoạt ở đơn vị đó",
                    "The person already belongs to that unit",
                ));
            }
        }
        self.write_logged(actor, async |tx| {
            let ended = store::end_memberships(tx, id, on).await?;
            let mid = store::insert_membership(tx, id, to, on).await?;
            let change = Change {
                action: "transfer",
                entity: "person",
                entity_id: Some(id),
                unit: Some(to),
                before: snapshot(&current),
                after: snapshot(&(to, on)),
            };
            let mut deltas = Delta::end_memberships(&ended, on);
            let membership = Membership { id: mid, person_id: id, unit_id: to, valid_from: on, valid_to: None };
            deltas.push(Delta::AddMembership { membership });
            Ok(Written::new((), change, deltas))
        })
        .await
    }
}

/// Writes a change of post in the caller's transaction and returns its audit record (the
/// open post before, the new one after) under the person's current unit.
async fn write_post(
    tx: &mut lamtheo_store::Tx,
    person: &Person,
    from: NaiveDate,
    unit: Option<Id>,
) -> Result<Change<'static>> {
    let (before, after) = store::record_post(tx, person, from).await?;
    Ok(Change {
        action: "post",
        entity: "person",
        entity_id: Some(person.id),
        unit,
        before: before.as_ref().and_then(snapshot),
        after: snapshot(&after),
    })
}

/// The days a person held a key-cadre post, as the index keeps them (read in the write's
/// transaction, after its change).
async fn key_posts(tx: &mut lamtheo_store::Tx, person_id: Id) -> Result<Delta> {
    let posts = store::posts_in(tx, person_id).await?;
    let posts = posts.iter().filter(|p| p.is_key_cadre()).map(|p| (p.valid_from, p.valid_to)).collect();
    Ok(Delta::KeyPosts { person_id, posts })
}
