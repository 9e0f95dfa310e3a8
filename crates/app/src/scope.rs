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
    pub(crate) fn check(&self, actor: &Actor, unit: Id, resource: Resource, write: bool) -> Result<()> {
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
