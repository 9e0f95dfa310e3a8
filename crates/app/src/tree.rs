//! The organisation tree: browsing as of a date, and its changes (create, rename, move,
//! close, merge, split), each recorded as a lineage event and audited.
use chrono::NaiveDate;
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource, Role};
use lamtheo_domain::org::{LineageEvent, LineageKind, Unit, UnitKind, UnitLevel};
use lamtheo_domain::people::Membership;
use lamtheo_domain::text::{self, Text};
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_store::{people as people_store, units, Tx};
use serde::{Deserialize, Serialize};

use crate::audit::{snapshot, Change, Written};
use crate::scope::today;
use crate::App;

/// A unit as seen on a date: its name then, its place, and its children then.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct UnitView {
    pub unit: Unit,
    pub name_on: String,
    pub historic: bool,
    /// Root-first path of units with their names on the date, the unit itself last.
    pub path: Vec<PathStep>,
    pub children: Vec<ChildView>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PathStep {
    pub id: Id,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChildView {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub historic: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewUnit {
    #[schemars(schema_with = "lamtheo_domain::text::schema::code")]
    pub code: String,
    #[schemars(schema_with = "lamtheo_domain::text::schema::name")]
    pub name: String,
    #[schemars(schema_with = "lamtheo_domain::text::schema::code")]
    pub kind: String,
    pub parent_id: Option<Id>,
    #[serde(deserialize_with = "lamtheo_domain::vn::de_date")]
    pub opened_on: NaiveDate,
}

/// The unit a merge flows into.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MergeTarget {
    Existing(Id),
    New(NewUnit),
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct SplitPlan {
    pub source: Id,
    #[serde(deserialize_with = "lamtheo_domain::vn::de_date")]
    pub on: NaiveDate,
    /// The new units; each gets the source's parent unless it names one.
    #[schemars(length(min = 2))]
    pub targets: Vec<NewUnit>,
    /// Which target (by index into `targets`) each open member of the source goes to.
    pub members: Vec<(Id, usize)>,
    /// Which target each open child unit goes to; unnamed children go to the first target.
    #[serde(default)]
    pub children: Vec<(Id, usize)>,
}

/// A unit kind an administrator adds (ban cán sự đảng, đảng đoàn, …), with its level.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct NewKind {
    /// The kind's code ("ban_can_su"): 1–64 characters without spaces.
    #[schemars(schema_with = "lamtheo_domain::text::schema::code")]
    pub code: String,
    #[schemars(schema_with = "lamtheo_domain::text::schema::name")]
    pub name_vi: String,
    /// Left empty, the Vietnamese name is used.
    #[serde(default)]
    #[schemars(schema_with = "lamtheo_domain::text::schema::name_or_empty")]
    pub name_en: String,
    /// The code of one of the levels (`GET /api/v1/unit-levels`).
    #[schemars(schema_with = "lamtheo_domain::text::schema::code")]
    pub level: String,
    /// A party organisation (holds members and meetings, studies the topics); the Fatherland
    /// Front, unions and departments are not.
    #[serde(default)]
    pub party: bool,
}

impl App {
    pub async fn kinds(&self) -> Result<Vec<UnitKind>> {
        units::kinds(&self.store).await
    }

    /// The levels of the organisation, from the top down.
    pub async fn levels(&self) -> Result<Vec<UnitLevel>> {
        units::levels(&self.store).await
    }

    /// Adds a unit kind: for an administrator of the whole tree (kinds are shared by every
    /// unit). The code is checked as other codes are; the level must be one of the levels.
    pub async fn add_kind(&self, actor: &Actor, n: NewKind) -> Result<UnitKind> {
        self.check_everyone(actor, Resource::Users)?;
        let code = n.code.as_str();
        if code.is_empty() || code.chars().any(char::is_whitespace) {
            return Err(Error::field(
                "code",
                "Mã loại đơn vị không được trống hay chứa dấu cách (tối đa 64 ký tự)",
                "The kind's code must be 1–64 characters without spaces",
            ));
        }
        if n.name_vi.trim().is_empty() {
            return Err(Error::field("name_vi", "Cần nhập tên loại đơn vị", "The kind's Vietnamese name is required"));
        }
        text::check_all([
            ("code", code, Text::Code),
            ("name_vi", n.name_vi.as_str(), Text::Name),
            ("name_en", n.name_en.as_str(), Text::Name),
        ])?;
        let level = n.level.trim();
        let levels = self.levels().await?;
        if !levels.iter().any(|l| l.code == level) {
            let known = levels.iter().map(|l| l.code.as_str()).collect::<Vec<_>>().join(", ");
            return Err(Error::conflict(
                "level",
                format!("Cấp «{level}» không có trong danh mục; dùng một trong: {known}"),
                format!("Unknown level «{level}»; use one of: {known}"),
            ));
        }
        let name_vi = n.name_vi.trim().to_string();
        let name_en = match n.name_en.trim() {
            "" => name_vi.clone(),
            en => en.to_string(),
        };
        let kind = UnitKind { code: code.to_string(), name_vi, name_en, party: n.party, level: level.to_string() };
        self.write(actor, async |tx| {
            units::insert_kind(tx, &kind).await?;
            let change = Change {
                action: "create",
                entity: "unit_kind",
                entity_id: None,
                unit: None,
                before: None,
                after: snapshot(&kind),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await?;
        Ok(kind)
    }

    /// The units an actor starts browsing from, as of a date.
    pub fn top_units(&self, actor: &Actor, on: NaiveDate) -> Vec<Id> {
        match actor.scope {
            Some(s) => vec![s],
            None if actor.role == Role::Admin => self.index().tree().roots_on(on),
            None => vec![],
        }
    }

    pub fn unit_view(&self, actor: &Actor, id: Id, on: NaiveDate) -> Result<UnitView> {
        self.check(actor, id, Resource::Unit, false)?;
        let ix = self.index();
        let tree = ix.tree();
        let unit = tree.unit(id).ok_or_else(Error::not_found)?.clone();
        let name = |u: Id| tree.name_on(u, on).unwrap_or_default().to_string();
        let scope_path_start = actor.scope.and_then(|s| tree.path_on(id, on).iter().position(|p| *p == s)).unwrap_or(0);
        let path =
            tree.path_on(id, on)[scope_path_start..].iter().map(|u| PathStep { id: *u, name: name(*u) }).collect();
        let mut children: Vec<ChildView> = tree
            .children_on(id, on)
            .filter_map(|l| {
                let u = tree.unit(l.unit_id)?;
                Some(ChildView {
                    id: u.id,
                    code: u.code.clone(),
                    name: name(u.id),
                    kind: u.kind.clone(),
                    historic: l.historic,
                })
            })
            .collect();
        children.sort_by_cached_key(|c| (c.historic, vn::sort_key(&c.name)));
        let historic = tree.parent_link_on(id, on).is_some_and(|l| l.historic);
        Ok(UnitView { name_on: name(id), unit, historic, path, children })
    }

    pub fn unit_by_code(&self, actor: &Actor, code: &str) -> Result<Unit> {
        let unit = self.index().tree().by_code(code).cloned().ok_or_else(Error::not_found)?;
        self.check(actor, unit.id, Resource::Unit, false)?;
        Ok(unit)
    }

    /// Units in the actor's scope whose name or code matches the query (accents ignored).
    pub fn find_units(&self, actor: &Actor, query: &str, limit: usize) -> Vec<Unit> {
        let scope = self.scope_units(actor);
        let ix = self.index();
        let tree = ix.tree();
        let mut found: Vec<Unit> = scope
            .iter()
            .filter_map(|id| tree.unit(*id))
            .filter(|u| vn::matches(&u.name, query) || vn::matches(&u.code, query))
            .cloned()
            .collect();
        found.sort_by_key(|u| vn::sort_key(&u.name));
        found.truncate(limit);
        found
    }

    pub async fn lineage(&self, actor: &Actor, id: Id) -> Result<Vec<LineageEvent>> {
        self.check(actor, id, Resource::Unit, false)?;
        units::lineage_of(&self.store, id).await
    }

    fn validate_new_unit(&self, n: &NewUnit, kinds: &[UnitKind]) -> Result<()> {
        let code = n.code.trim();
        if code.is_empty() || code.chars().count() > 64 || code.chars().any(char::is_whitespace) {
            return Err(Error::field(
                "code",
                "Mã đơn vị không được trống hay chứa dấu cách (tối đa 64 ký tự)",
                "The unit code must be 1–64 characters without spaces",
            ));
        }
        if n.name.trim().is_empty() {
            return Err(Error::field("name", "Cần nhập tên đơn vị", "The unit name is required"));
        }
        Text::Name.check("name", &n.name)?;
        if !kinds.iter().any(|k| k.code == n.kind) {
            return Err(Error::conflict(
                "kind",
                format!("Loại đơn vị «{}» không có trong danh mục", n.kind),
                format!("Unknown unit kind «{}»", n.kind),
            ));
        }
        if let Some(p) = n.parent_id {
            let ix = self.index();
            let parent = ix.tree().unit(p).ok_or_else(|| {
                Error::conflict("parent_id", "Đơn vị cấp trên không tồn tại", "The parent unit does not exist")
            })?;
            if !parent.is_open_on(n.opened_on) {
                return Err(Error::conflict(
                    "parent_id",
                    "Đơn vị cấp trên không hoạt động vào ngày thành lập",
                    "The parent unit is not open on the founding date",
                ));
            }
        }
        Ok(())
    }

    /// Checks that the actor may restructure under `parent` (or create a root).
    fn check_tree_write(&self, actor: &Actor, parent: Option<Id>) -> Result<()> {
        match parent {
            Some(p) => self.check(actor, p, Resource::Tree, true),
            None if actor.role == Role::Admin && actor.scope.is_none() => Ok(()),
            None => Err(Error::forbidden()),
        }
    }

    async fn insert_unit(&self, tx: &mut Tx, n: &NewUnit) -> Result<Id> {
        let id = units::insert(tx, n.code.trim(), n.name.trim(), &n.kind, n.opened_on).await?;
        if let Some(p) = n.parent_id {
            units::insert_link(tx, id, p, n.opened_on, false).await?;
        }
        Ok(id)
    }

    pub async fn create_unit(&self, actor: &Actor, n: NewUnit) -> Result<Id> {
        self.check_tree_write(actor, n.parent_id)?;
        self.validate_new_unit(&n, &self.kinds().await?)?;
        self.write(actor, async |tx| {
            let id = self.insert_unit(tx, &n).await?;
            units::insert_lineage(tx, LineageKind::Create, n.opened_on, &[], &[id], "").await?;
            let change = Change {
                action: "create",
                entity: "unit",
                entity_id: Some(id),
                unit: Some(id),
                before: None,
                after: snapshot(&n),
            };
            Ok(Written::new(id, change, vec![Delta::Tree]))
        })
        .await
    }

    pub(crate) fn open_unit(&self, id: Id, on: NaiveDate, field: &str) -> Result<Unit> {
        let ix = self.index();
        let u = ix.tree().unit(id).cloned().ok_or_else(Error::not_found)?;
        if !u.is_open_on(on) {
            return Err(Error::conflict(
                field,
                format!("Đơn vị «{}» không hoạt động vào ngày {}", u.name, vn::fmt_date(on)),
                format!("Unit «{}» is not open on {}", u.name, vn::fmt_date(on)),
            ));
        }
        Ok(u)
    }

    /// A unit a membership may start in on `on`: open then, and not closed on a later day
    /// (a membership has no end, so it would outlive the unit). The form, the API, transfers
    /// and the people import check this.
    pub(crate) fn membership_unit(&self, id: Id, on: NaiveDate, field: &str) -> Result<Unit> {
        let u = self.open_unit(id, on, field)?;
        if let Some(closed) = u.closed_on {
            return Err(Error::conflict(
                field,
                format!("Đơn vị «{}» ngừng hoạt động từ ngày {}", u.name, vn::fmt_date(closed)),
                format!("Unit «{}» closed on {}", u.name, vn::fmt_date(closed)),
            ));
        }
        Ok(u)
    }

    /// Refuses a restructuring of `unit` on `on` while someone belonged to it after that day
    /// other than its present members (who move with the change): they would be left in a
    /// closed unit.
    async fn no_members_beyond(&self, tx: &mut Tx, unit: Id, on: NaiveDate) -> Result<()> {
        let later = people_store::memberships_beyond(tx, unit, on).await?;
        match later.iter().map(|m| m.valid_to.unwrap_or(m.valid_from)).max() {
            None => Ok(()),
            Some(last) => Err(Error::conflict(
                "on",
                format!(
                    "Có người vào hoặc rời đơn vị sau ngày {} (ngày {}): hãy chọn ngày từ đó trở đi",
                    vn::fmt_date(on),
                    vn::fmt_date(last)
                ),
                format!(
                    "Someone joined or left the unit after {} (on {}): choose that day or a later one",
                    vn::fmt_date(on),
                    vn::fmt_date(last)
                ),
            )),
        }
    }

    /// The open children of `unit` on `on`, which a merge or split moves that day, have no
    /// change of their own recorded for a later day (it would be rewritten).
    fn children_unchanged_after(&self, unit: Id, on: NaiveDate) -> Result<()> {
        self.open_children(unit, on).into_iter().try_for_each(|c| self.changeable_unit(c, on, "on").map(|_| ()))
    }

    /// The children of `unit` on `on` that are not historic (those a restructuring moves).
    fn open_children(&self, unit: Id, on: NaiveDate) -> Vec<Id> {
        self.index().tree().children_on(unit, on).filter(|l| !l.historic).map(|l| l.unit_id).collect()
    }

    /// A unit open on `on` whose place in the tree may change on that day: not before a
    /// closure, move or merge already recorded for a later day, which would be rewritten
    /// (members moved into a unit that closes later, a link that outlives the closure).
    fn changeable_unit(&self, id: Id, on: NaiveDate, field: &str) -> Result<Unit> {
        let u = self.open_unit(id, on, field)?;
        if let Some(last) = self.index().tree().last_change(id).filter(|last| *last > on) {
            return Err(Error::conflict(
                "on",
                format!(
                    "Ngày thay đổi sớm hơn thay đổi trước đó của đơn vị «{}» (ngày {})",
                    u.name,
                    vn::fmt_date(last)
                ),
                format!("The date is before the last change of unit «{}» ({})", u.name, vn::fmt_date(last)),
            ));
        }
        Ok(u)
    }

    pub async fn rename_unit(&self, actor: &Actor, id: Id, name: &str, on: NaiveDate) -> Result<()> {
        self.check(actor, id, Resource::Tree, true)?;
        let before = self.open_unit(id, on, "id")?;
        if name.trim().is_empty() {
            return Err(Error::field("name", "Cần nhập tên mới", "The new name is required"));
        }
        Text::Name.check("name", name)?;
        self.write(actor, async |tx| {
            units::insert_name(tx, id, name.trim(), on).await?;
            units::insert_lineage(tx, LineageKind::Rename, on, &[id], &[id], name.trim()).await?;
            let change = Change {
                action: "rename",
                entity: "unit",
                entity_id: Some(id),
                unit: Some(id),
                before: snapshot(&before.name),
                after: snapshot(&name.trim()),
            };
            Ok(Written::new((), change, vec![Delta::Tree]))
        })
        .await
    }

    pub async fn move_unit(&self, actor: &Actor, id: Id, new_parent: Id, on: NaiveDate) -> Result<()> {
        self.check(actor, id, Resource::Tree, true)?;
        self.check(actor, new_parent, Resource::Tree, true)?;
        self.changeable_unit(id, on, "id")?;
        self.changeable_unit(new_parent, on, "parent_id")?;
        if self.index().tree().would_cycle(id, new_parent, on) {
            return Err(Error::conflict(
                "parent_id",
                "Không thể chuyển đơn vị vào chính cấp dưới của nó",
                "A unit cannot move under its own descendant",
            ));
        }
        let before = self.index().tree().parent_link_on(id, on).map(|l| l.parent_id);
        self.write(actor, async |tx| {
            units::end_link(tx, id, on).await?;
            units::insert_link(tx, id, new_parent, on, false).await?;
            units::insert_lineage(tx, LineageKind::Move, on, &[id], &[new_parent], "").await?;
            let change = Change {
                action: "move",
                entity: "unit",
                entity_id: Some(id),
                unit: Some(new_parent),
                before: snapshot(&before),
                after: snapshot(&new_parent),
            };
            Ok(Written::new((), change, vec![Delta::Tree]))
        })
        .await
    }

    /// Closes a unit that has no open children or members left; it stays, historic, under
    /// its last parent so that its figures still count there.
    pub async fn close_unit(&self, actor: &Actor, id: Id, on: NaiveDate) -> Result<()> {
        self.check(actor, id, Resource::Tree, true)?;
        self.changeable_unit(id, on, "id")?;
        let open_children = self.open_children(id, on).len();
        if open_children > 0 {
            return Err(Error::conflict(
                "id",
                format!("Đơn vị còn {open_children} đơn vị trực thuộc đang hoạt động: hãy chuyển hoặc hợp nhất trước"),
                format!("The unit still has {open_children} open child units: move or merge them first"),
            ));
        }
        self.write(actor, async |tx| {
            if !people_store::open_memberships_in(tx, id).await?.is_empty() {
                return Err(Error::conflict(
                    "id",
                    "Đơn vị còn đảng viên đang sinh hoạt: hãy chuyển sinh hoạt trước",
                    "The unit still has members: transfer them first",
                ));
            }
            self.no_members_beyond(tx, id, on).await?;
            let parent = self.index().tree().parent_link_on(id, on).map(|l| l.parent_id);
            self.retire(tx, id, parent, on).await?;
            units::insert_lineage(tx, LineageKind::Close, on, &[id], &[], "").await?;
            let change = Change {
                action: "close",
                entity: "unit",
                entity_id: Some(id),
                unit: Some(id),
                before: None,
                after: snapshot(&on),
            };
            Ok(Written::new((), change, vec![Delta::Tree]))
        })
        .await
    }

    /// Closes `id` on `on` and hangs it, historic, under `keeper`.
    async fn retire(&self, tx: &mut Tx, id: Id, keeper: Option<Id>, on: NaiveDate) -> Result<()> {
        units::set_closed(tx, id, on).await?;
        units::end_link(tx, id, on).await?;
        if let Some(k) = keeper {
            units::insert_link(tx, id, k, on, true).await?;
        }
        Ok(())
    }

    /// Moves open members of `from` to `to` on `on` (in a transaction from `write_logged`);
    /// returns how many moved and the index changes.
    async fn transfer_members(
        &self,
        tx: &mut Tx,
        from: Id,
        to: Id,
        on: NaiveDate,
        only: Option<&[Id]>,
    ) -> Result<(usize, Vec<Delta>)> {
        let (mut moved, mut deltas) = (0, Vec::new());
        for m in people_store::open_memberships_in(tx, from).await? {
            if only.is_some_and(|ids| !ids.contains(&m.person_id)) {
                continue;
            }
            let ended = people_store::end_memberships(tx, m.person_id, on).await?;
            deltas.extend(Delta::end_memberships(&ended, on));
            let new_id = people_store::insert_membership(tx, m.person_id, to, on).await?;
            let membership =
                Membership { id: new_id, person_id: m.person_id, unit_id: to, valid_from: on, valid_to: None };
            deltas.push(Delta::AddMembership { membership });
            moved += 1;
        }
        Ok((moved, deltas))
    }

    /// Merges `sources` into a new or existing unit on `on`. Their open children and members
    /// move to the target; each source closes and hangs under the target as a historic child,
    /// so the target's figures over any period include the sources' history.
    pub async fn merge_units(
        &self,
        actor: &Actor,
        sources: &[Id],
        target: MergeTarget,
        on: NaiveDate,
        note: &str,
    ) -> Result<Id> {
        Text::Free.check("note", note)?;
        if sources.is_empty() {
            return Err(Error::field(
                "sources",
                "Chọn ít nhất một đơn vị để hợp nhất",
                "Choose at least one unit to merge",
            ));
        }
        for s in sources {
            self.check(actor, *s, Resource::Tree, true)?;
            self.changeable_unit(*s, on, "sources")?;
        }
        match &target {
            MergeTarget::Existing(t) => {
                self.check(actor, *t, Resource::Tree, true)?;
                self.changeable_unit(*t, on, "target")?;
                if sources.contains(t) {
                    return Err(Error::field(
                        "target",
                        "Đơn vị nhận không thể là đơn vị bị hợp nhất",
                        "The target cannot be one of the merged units",
                    ));
                }
                // The sources (and so their children) come under the target: never under
                // the target's own ancestors' descendants on a later day.
                if sources.iter().any(|s| self.index().tree().would_cycle(*s, *t, on)) {
                    return Err(Error::conflict(
                        "target",
                        "Không thể hợp nhất đơn vị vào chính cấp dưới của nó",
                        "A unit cannot merge into its own descendant",
                    ));
                }
            }
            MergeTarget::New(n) => {
                self.check_tree_write(actor, n.parent_id)?;
                if n.opened_on != on {
                    return Err(Error::field(
                        "opened_on",
                        "Đơn vị mới phải thành lập đúng ngày hợp nhất",
                        "The new unit must be founded on the merge date",
                    ));
                }
                self.validate_new_unit(n, &self.kinds().await?)?;
            }
        }
        self.write_logged(actor, async |tx| {
            let target_id = match &target {
                MergeTarget::Existing(t) => *t,
                MergeTarget::New(n) => self.insert_unit(tx, n).await?,
            };
            let (mut moved, mut deltas) = (0, vec![Delta::Tree]);
            for s in sources {
                self.no_members_beyond(tx, *s, on).await?;
                self.children_unchanged_after(*s, on)?;
                let children = self.open_children(*s, on);
                for c in children {
                    units::end_link(tx, c, on).await?;
                    units::insert_link(tx, c, target_id, on, false).await?;
                }
                let (n, transfers) = self.transfer_members(tx, *s, target_id, on, None).await?;
                moved += n;
                deltas.extend(transfers);
                self.retire(tx, *s, Some(target_id), on).await?;
            }
            units::insert_lineage(tx, LineageKind::Merge, on, sources, &[target_id], note).await?;
            let after = serde_json::json!({"sources": sources, "target": target_id, "on": on, "members_moved": moved});
            let change = Change {
                action: "merge",
                entity: "unit",
                entity_id: Some(target_id),
                unit: Some(target_id),
                before: None,
                after: snapshot(&after),
            };
            Ok(Written::new(target_id, change, deltas))
        })
        .await
    }

    /// Splits a unit into new ones, reassigning its members and children as the plan says.
    /// The source closes and stays, historic, under its parent.
    pub async fn split_unit(&self, actor: &Actor, plan: SplitPlan) -> Result<Vec<Id>> {
        let on = plan.on;
        self.check(actor, plan.source, Resource::Tree, true)?;
        self.changeable_unit(plan.source, on, "source")?;
        if plan.targets.len() < 2 {
            return Err(Error::field(
                "targets",
                "Chia tách cần ít nhất hai đơn vị mới",
                "A split needs at least two new units",
            ));
        }
        let parent = self.index().tree().parent_link_on(plan.source, on).map(|l| l.parent_id);
        let kinds = self.kinds().await?;
        for t in &plan.targets {
            self.check_tree_write(actor, t.parent_id.or(parent))?;
            self.validate_new_unit(&NewUnit { parent_id: t.parent_id.or(parent), ..t.clone() }, &kinds)?;
        }
        if plan.members.iter().chain(&plan.children).any(|(_, t)| *t >= plan.targets.len()) {
            return Err(Error::field(
                "members",
                "Phân công tới đơn vị mới không tồn tại",
                "An assignment names a target that does not exist",
            ));
        }
        self.write_logged(actor, async |tx| {
            self.no_members_beyond(tx, plan.source, on).await?;
            self.children_unchanged_after(plan.source, on)?;
            let open = people_store::open_memberships_in(tx, plan.source).await?;
            if let Some(m) = open.iter().find(|m| !plan.members.iter().any(|(p, _)| *p == m.person_id)) {
                return Err(Error::conflict(
                    "members",
                    format!("Chưa phân công đảng viên mã {} sang đơn vị mới", m.person_id),
                    format!("Member {} is not assigned to a new unit", m.person_id),
                ));
            }
            let mut ids = Vec::new();
            for t in &plan.targets {
                ids.push(
                    self.insert_unit(tx, &NewUnit { parent_id: t.parent_id.or(parent), opened_on: on, ..t.clone() })
                        .await?,
                );
            }
            let children = self.open_children(plan.source, on);
            for c in children {
                let to = plan.children.iter().find(|(id, _)| *id == c).map_or(0, |(_, t)| *t);
                units::end_link(tx, c, on).await?;
                units::insert_link(tx, c, ids[to], on, false).await?;
            }
            let mut deltas = vec![Delta::Tree];
            for (i, target) in ids.iter().enumerate() {
                let people: Vec<Id> = plan.members.iter().filter(|(_, t)| *t == i).map(|(p, _)| *p).collect();
                deltas.extend(self.transfer_members(tx, plan.source, *target, on, Some(&people)).await?.1);
            }
            self.retire(tx, plan.source, parent, on).await?;
            units::insert_lineage(tx, LineageKind::Split, on, &[plan.source], &ids, "").await?;
            let change = Change {
                action: "split",
                entity: "unit",
                entity_id: Some(plan.source),
                unit: parent.or(Some(plan.source)),
                before: None,
                after: snapshot(&plan),
            };
            Ok(Written::new(ids, change, deltas))
        })
        .await
    }

    /// Today's date as the scope check sees it (pages default their as-of date to it).
    pub fn today(&self) -> NaiveDate {
        today()
    }
}
