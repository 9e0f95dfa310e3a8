//! The audit log: one row per write, inserted in the same transaction as the write.
use chrono::{DateTime, Utc};
use lamtheo_domain::{Id, Result};
use serde::Serialize;
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: Id,
    pub at: DateTime<Utc>,
    pub user_id: Id,
    pub username: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Id>,
    pub scope_unit_id: Option<Id>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: String,
}

pub struct NewAudit<'a> {
    pub user_id: Id,
    pub username: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<Id>,
    /// The unit the change belongs to, so scoped auditors see only their branch.
    pub scope_unit_id: Option<Id>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: &'a str,
}

pub async fn insert(tx: &mut Tx, a: NewAudit<'_>) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, action, entity, entity_id, scope_unit_id, before_json, after_json, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(Utc::now()).bind(a.user_id).bind(a.username).bind(a.action).bind(a.entity).bind(a.entity_id)
        .bind(a.scope_unit_id).bind(a.before).bind(a.after).bind(a.request_id)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// Newest entries first, optionally only those whose unit is in `unit_ids`.
pub async fn list(
    store: &Store,
    unit_ids: Option<&[Id]>,
    before_id: Option<Id>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    let units_json = unit_ids.map(|u| serde_json::to_string(u).expect("ids serialise"));
    let unit_filter = match units_json {
        None => "1 = 1 OR $1 IS NULL".to_string(),
        Some(_) => format!("scope_unit_id IN {}", crate::units_in(store.engine, 1)),
    };
    let sql = format!(
        "SELECT id, at, user_id, username, action, entity, entity_id, scope_unit_id, before_json, after_json, request_id FROM audit_log
         WHERE ({unit_filter}) AND id < $2 ORDER BY id DESC LIMIT $3"
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(units_json).bind(before_id.unwrap_or(i64::MAX)).bind(limit)
        .fetch_all(p).await.map_err(db_err)?.iter().map(|r| AuditEntry {
            id: r.get(0), at: r.get(1), user_id: r.get(2), username: r.get(3), action: r.get(4), entity: r.get(5),
            entity_id: r.get(6), scope_unit_id: r.get(7), before: r.get(8), after: r.get(9), request_id: r.get(10),
        }).collect()))
}

pub async fn count(store: &Store) -> Result<i64> {
    on_pool!(store.read(), p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(p).await.map_err(db_err))
}
