//! The audit log: one row per write, inserted in the same transaction as the write.
use chrono::{DateTime, Utc};
use lamtheo_domain::{Id, Result};
use serde::Serialize;
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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

/// Who wrote a batch of entries (`insert_many`): the same for all of them.
pub struct Author<'a> {
    pub user_id: Id,
    pub username: &'a str,
    pub action: &'a str,
    pub request_id: &'a str,
}

/// One entry of a batch.
pub struct AuditRow<'a> {
    pub entity: &'a str,
    pub entity_id: Option<Id>,
    pub scope_unit_id: Option<Id>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Many entries in one go (an import's rows): a few hundred rows per statement, the columns
/// they share bound once, so that auditing each row of a large import costs a fraction of
/// writing the rows themselves.
pub async fn insert_many(tx: &mut Tx, by: &Author<'_>, rows: &[AuditRow<'_>]) -> Result<()> {
    const SHARED: usize = 5;
    const OWN: usize = 5;
    let at = Utc::now();
    for chunk in rows.chunks(500) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                let own: Vec<String> = (1..=OWN).map(|j| format!("${}", SHARED + i * OWN + j)).collect();
                format!("($1, $2, $3, $4, $5, {})", own.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log (at, user_id, username, action, request_id, entity, entity_id, scope_unit_id, before_json, after_json) VALUES {}",
            values.join(", ")
        );
        on_tx!(tx, c => {
            let mut q = sqlx::query(&sql).bind(at).bind(by.user_id).bind(by.username).bind(by.action).bind(by.request_id);
            for r in chunk {
                q = q.bind(r.entity).bind(r.entity_id).bind(r.scope_unit_id).bind(r.before.as_deref()).bind(r.after.as_deref());
            }
            q.execute(c).await.map(|r| r.rows_affected()).map_err(db_err)
        })?;
    }
    Ok(())
}

/// Which entries to list: every filter given must hold.
#[derive(Debug, Default)]
pub struct AuditFilter<'a> {
    /// Only entries whose unit is one of these.
    pub units: Option<&'a [Id]>,
    pub username: Option<&'a str>,
    pub entity: Option<&'a str>,
    pub entity_id: Option<Id>,
    /// From this instant on…
    pub from: Option<DateTime<Utc>>,
    /// …and before this one.
    pub until: Option<DateTime<Utc>>,
    /// Older than this entry (the next page).
    pub before_id: Option<Id>,
    pub limit: i64,
}

/// Newest entries first, filtered and paged in SQL.
pub async fn search(store: &Store, f: &AuditFilter<'_>) -> Result<Vec<AuditEntry>> {
    let units_json = f.units.map(|u| serde_json::to_string(u).expect("ids serialise"));
    let unit_filter = match units_json {
        None => "1 = 1 OR $1 IS NULL".to_string(),
        Some(_) => format!("scope_unit_id IN {}", crate::units_in(store.engine, 1)),
    };
    let sql = format!(
        "SELECT id, at, user_id, username, action, entity, entity_id, scope_unit_id, before_json, after_json, request_id FROM audit_log
         WHERE ({unit_filter}) AND ($2 IS NULL OR username = $2) AND ($3 IS NULL OR entity = $3)
           AND ($4 IS NULL OR entity_id = $4) AND ($5 IS NULL OR at >= $5) AND ($6 IS NULL OR at < $6)
           AND id < $7 ORDER BY id DESC LIMIT $8"
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(units_json).bind(f.username).bind(f.entity).bind(f.entity_id)
        .bind(f.from).bind(f.until).bind(f.before_id.unwrap_or(i64::MAX)).bind(f.limit)
        .fetch_all(p).await.map_err(db_err)?.iter().map(|r| AuditEntry {
            id: r.get(0), at: r.get(1), user_id: r.get(2), username: r.get(3), action: r.get(4), entity: r.get(5),
            entity_id: r.get(6), scope_unit_id: r.get(7), before: r.get(8), after: r.get(9), request_id: r.get(10),
        }).collect()))
}

/// Newest entries first, optionally only those whose unit is in `unit_ids`.
pub async fn list(
    store: &Store,
    unit_ids: Option<&[Id]>,
    before_id: Option<Id>,
    limit: i64,
) -> Result<Vec<AuditEntry>> {
    search(store, &AuditFilter { units: unit_ids, before_id, limit, ..Default::default() }).await
}

pub async fn count(store: &Store) -> Result<i64> {
    on_pool!(store.read(), p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(p).await.map_err(db_err))
}
