//! The scope check: the single gate every read and write passes.
use chrono::NaiveDate;
use lamtheo_domain::access::{Actor, Resource, Role};
use lamtheo_domain::{Error, Id, Result};

use crate::App;

/// Scope is judged on today's tree: a unit merged away hangs under its successor, so a user
/// scoped to the successor also sees its predecessors' history.
pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

impl App {
    /// Allows `actor` to read (or, with `write`, change) `resource` belonging to `unit`.
    /// Out-of-scope units answer "not found", so guessing ids reveals nothing.
    pub fn check(&self, actor: &Actor, unit: Id, resource: Resource, write: bool) -> Result<()> {
        self.check_role(actor, resource, write)?;
        if self.in_scope(actor, unit) {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    pub(crate) fn check_role(&self, actor: &Actor, resource: Resource, write: bool) -> Result<()> {
        let allowed = if write { actor.role.can_write(resource) } else { actor.role.can_read(resource) };
        if allowed {
            Ok(())
        } else {
            Err(Error::forbidden())
        }
    }

    /// Whether `check` lets the actor read (or change) this kind of thing at `unit`: what
    /// pages ask before showing a button or link.
    pub fn may(&self, actor: &Actor, unit: Id, resource: Resource, write: bool) -> bool {
        self.check(actor, unit, resource, write).is_ok()
    }

    /// Whether the actor may see the personal data (name, birth date, IDs, position, pledges,
    /// reviews, attendance, ratings) of `person`, someone inside the actor's scope: roles that
    /// read people may, except members, who see only themselves, as does any account linked
    /// to its own person. Read-only accounts see nobody's. Pages, API and exports all ask here.
    pub fn sees_person(&self, actor: &Actor, person: Id) -> bool {
        actor.person_id == Some(person) || (actor.role.can_read(Resource::Person) && actor.role != Role::Member)
    }

    /// Settings and catalogue entries that change every unit's figures (the study-share
    /// threshold, topics with deadlines) are for an administrator of the whole tree or an
    /// account scoped at a root unit; anyone else with the right is refused.
    pub fn check_everyone(&self, actor: &Actor, resource: Resource) -> Result<()> {
        self.check_role(actor, resource, true)?;
        let at_root = match actor.scope {
            None => actor.role == Role::Admin,
            Some(scope) => self.index().tree().parent_link_on(scope, today()).is_none(),
        };
        if at_root {
            Ok(())
        } else {
            Err(Error::msg(
                lamtheo_domain::ErrorCode::Forbidden,
                "Chỉ quản trị hoặc cán bộ cấp cao nhất mới thay đổi được thiết lập chung cho mọi đơn vị",
                "Only an administrator or an account of the top-level unit can change what applies to every unit",
            ))
        }
    }

    pub fn in_scope(&self, actor: &Actor, unit: Id) -> bool {
        let ix = self.index();
        let tree = ix.tree();
        if tree.unit(unit).is_none() {
            return false;
        }
        match actor.scope {
            None => actor.role == Role::Admin,
            Some(scope) => tree.is_within_on(unit, scope, today()),
        }
    }

    /// The units an actor may see (for list filters), as of today.
    pub(crate) fn scope_units(&self, actor: &Actor) -> Vec<Id> {
        let ix = self.index();
        let tree = ix.tree();
        match actor.scope {
            Some(s) => tree.subtree_on(s, today()),
            None if actor.role == Role::Admin => tree.units().map(|u| u.id).collect(),
            None => vec![],
        }
    }
}
