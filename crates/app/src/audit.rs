//! Writing the audit record inside the caller's transaction.
use lamtheo_domain::access::Actor;
use lamtheo_domain::{Id, Result};
use lamtheo_store::audit::{self, NewAudit};
use lamtheo_store::Tx;
use serde::Serialize;

/// What a write did, for its audit record.
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<Id>,
    /// The unit the change belongs to, so auditors scoped to a branch see it.
    pub unit: Option<Id>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A value as the audit log keeps it.
pub(crate) fn snapshot(v: &impl Serialize) -> Option<String> {
    serde_json::to_string(v).ok()
}

pub(crate) async fn record(tx: &mut Tx, actor: &Actor, c: Change<'_>) -> Result<()> {
    audit::insert(
        tx,
        NewAudit {
            user_id: actor.user_id,
            username: &actor.username,
            action: c.action,
            entity: c.entity,
            entity_id: c.entity_id,
            scope_unit_id: c.unit,
            before: c.before,
            after: c.after,
            request_id: &actor.request_id,
        },
    )
    .await
}

impl crate::App {
    /// The audit log, newest first, limited to the actor's scope.
    pub async fn audit_log(&self, actor: &Actor, before: Option<Id>, limit: i64) -> Result<Vec<audit::AuditEntry>> {
        self.check_role(actor, lamtheo_domain::access::Resource::Audit, false)?;
        let units = actor.scope.map(|_| self.scope_units(actor));
        audit::list(&self.store, units.as_deref(), before, limit).await
    }
}
