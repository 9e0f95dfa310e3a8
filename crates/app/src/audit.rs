//! Writing the audit record inside the caller's transaction.
use std::collections::HashMap;

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::{Error, Id, Result};
use lamtheo_store::audit::{self, NewAudit};
use lamtheo_store::{conferences as conf_store, covenants as covenant_store, people as people_store, users, Tx};
use serde::Serialize;
use serde_json::Value;

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

/// What a write did inside its transaction: the value to return, its audit records and the
/// index's deltas. `App::write` writes the rest in the same transaction.
pub(crate) struct Written<'a, T> {
    pub value: T,
    pub changes: Vec<Change<'a>>,
    pub deltas: Vec<lamtheo_analytics::Delta>,
}

impl<'a, T> Written<'a, T> {
    /// A write with one audit record and the deltas it logs.
    pub fn new(value: T, change: Change<'a>, deltas: Vec<lamtheo_analytics::Delta>) -> Written<'a, T> {
        Written { value, changes: vec![change], deltas }
    }
}

impl crate::App {
    /// The one way a user's change is written: `work` runs in a transaction, then its audit
    /// records (before and after) and its change-log entry go into the same transaction,
    /// which commits; the index then follows. A failure anywhere changes nothing.
    pub(crate) async fn write<'a, T>(
        &self,
        actor: &Actor,
        work: impl AsyncFnOnce(&mut Tx) -> Result<Written<'a, T>>,
    ) -> Result<T> {
        let tx = self.store.begin().await?;
        self.write_in(tx, actor, work).await
    }

    /// `write` for a change whose deltas come from what it reads of the records it changes
    /// (a conference's attendance before moving it): the transaction holds the change log's
    /// lock from the start (`begin_logged`), so that what it reads stays as read until it
    /// commits.
    pub(crate) async fn write_logged<'a, T>(
        &self,
        actor: &Actor,
        work: impl AsyncFnOnce(&mut Tx) -> Result<Written<'a, T>>,
    ) -> Result<T> {
        let tx = self.begin_logged().await?;
        self.write_in(tx, actor, work).await
    }

    async fn write_in<'a, T>(
        &self,
        mut tx: Tx,
        actor: &Actor,
        work: impl AsyncFnOnce(&mut Tx) -> Result<Written<'a, T>>,
    ) -> Result<T> {
        let written = work(&mut tx).await?;
        self.check_locks(&mut tx, &written.deltas).await?;
        for change in written.changes {
            record(&mut tx, actor, change).await?;
        }
        if !written.deltas.is_empty() {
            self.log(&mut tx, &written.deltas).await?;
        }
        self.commit(tx).await?;
        Ok(written.value)
    }
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

/// One imported record's change, for `record_rows`.
pub(crate) struct RowChange {
    pub entity: &'static str,
    pub entity_id: Option<Id>,
    pub unit: Option<Id>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A value as an imported row's audit keeps it (see `compact`).
pub(crate) fn value(v: &impl Serialize) -> Option<Value> {
    serde_json::to_value(v).ok()
}

/// Keeps an imported row's audit small, as a large import writes hundreds of thousands: a
/// new record without its empty fields; a changed one with only the fields that changed, on
/// both sides. Ids (`id`, `…_id`) always stay, so the row still says whose record it is.
fn compact(before: Option<Value>, after: Option<Value>) -> (Option<String>, Option<String>) {
    let kept = |k: &str| k == "id" || k.ends_with("_id");
    match (before, after) {
        (Some(Value::Object(mut b)), Some(Value::Object(mut a))) => {
            let changed: Vec<String> = a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).cloned().collect();
            b.retain(|k, _| kept(k) || changed.contains(k));
            a.retain(|k, _| kept(k) || changed.contains(k));
            (Some(Value::Object(b).to_string()), Some(Value::Object(a).to_string()))
        }
        (None, Some(Value::Object(mut a))) => {
            let empty = |v: &Value| match v {
                Value::Null | Value::Bool(false) => true,
                Value::String(s) => s.is_empty(),
                Value::Array(x) => x.is_empty(),
                _ => false,
            };
            a.retain(|k, v| kept(k) || !empty(v));
            (None, Some(Value::Object(a).to_string()))
        }
        (b, a) => (b.map(|v| v.to_string()), a.map(|v| v.to_string())),
    }
}

/// Audits each record an import created or changed, one audit row per record (so a person's
/// or unit's history shows the imports that touched it), compact and written in multi-row
/// batches: an import of 300,000 rows adds 600 statements, not 300,000.
pub(crate) async fn record_rows(tx: &mut Tx, actor: &Actor, action: &str, rows: Vec<RowChange>) -> Result<()> {
    let rows: Vec<audit::AuditRow> = rows
        .into_iter()
        .map(|r| {
            let (before, after) = compact(r.before, r.after);
            audit::AuditRow { entity: r.entity, entity_id: r.entity_id, scope_unit_id: r.unit, before, after }
        })
        .collect();
    let by = audit::Author { user_id: actor.user_id, username: &actor.username, action, request_id: &actor.request_id };
    audit::insert_many(tx, &by, &rows).await
}

/// What the audit page asks for; every field given must hold.
#[derive(Debug, Default, Clone)]
pub struct AuditQuery {
    /// The account's username.
    pub who: Option<String>,
    /// Only changes that belong to this unit's subtree.
    pub unit: Option<Id>,
    pub entity: Option<String>,
    pub entity_id: Option<Id>,
    /// First and last day, in local time.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Older than this entry (the next page).
    pub before: Option<Id>,
    pub limit: i64,
}

/// Names for the ids that audit entries mention, as far as the reader may see them.
#[derive(Debug, Default)]
pub struct AuditNames {
    pub units: HashMap<Id, String>,
    pub people: HashMap<Id, String>,
    pub users: HashMap<Id, String>,
    pub conferences: HashMap<Id, String>,
    pub covenants: HashMap<Id, String>,
}

/// The ids an audit value mentions, by the key they sit under.
fn collect_ids(v: &Value, key: &str, out: &mut Vec<(String, Id)>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| collect_ids(v, k, out)),
        Value::Array(a) => a.iter().for_each(|v| collect_ids(v, key, out)),
        Value::Number(n) => {
            if let Some(id) = n.as_i64() {
                out.push((key.to_string(), id));
            }
        }
        _ => {}
    }
}

fn local_start(d: NaiveDate) -> DateTime<Utc> {
    let t = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    Local.from_local_datetime(&t).earliest().map_or_else(|| t.and_utc(), |l| l.with_timezone(&Utc))
}

impl crate::App {
    /// The audit log, newest first, limited to the actor's scope.
    pub async fn audit_log(&self, actor: &Actor, before: Option<Id>, limit: i64) -> Result<Vec<audit::AuditEntry>> {
        self.audit_search(actor, &AuditQuery { before, limit, ..Default::default() }).await
    }

    /// The audit log filtered (who, unit subtree, kind of record, days) and paged, newest
    /// first, within the actor's scope.
    pub async fn audit_search(&self, actor: &Actor, q: &AuditQuery) -> Result<Vec<audit::AuditEntry>> {
        self.check_role(actor, Resource::Audit, false)?;
        let units = match q.unit {
            Some(u) => {
                self.check(actor, u, Resource::Audit, false)?;
                Some(self.index().tree().subtree_on(u, crate::scope::today()))
            }
            None => actor.scope.map(|_| self.scope_units(actor)),
        };
        if let (Some(from), Some(to)) = (q.from, q.to) {
            if from > to {
                return Err(Error::field("to", "Ngày cuối trước ngày đầu", "The last day is before the first"));
            }
        }
        let filter = audit::AuditFilter {
            units: units.as_deref(),
            username: q.who.as_deref().map(str::trim).filter(|w| !w.is_empty()),
            entity: q.entity.as_deref().filter(|e| !e.is_empty()),
            entity_id: q.entity_id,
            from: q.from.map(local_start),
            until: q.to.and_then(|d| d.succ_opt()).map(local_start),
            before_id: q.before,
            limit: q.limit.clamp(1, 1000),
        };
        audit::search(&self.store, &filter).await
    }

    /// Names of the units, people, accounts, conferences and covenants the entries mention
    /// (as entity or inside before/after), so the page can show names instead of ids. Units
    /// outside the actor's scope stay unnamed.
    pub async fn audit_names(&self, actor: &Actor, entries: &[audit::AuditEntry]) -> Result<AuditNames> {
        self.check_role(actor, Resource::Audit, false)?;
        let mut ids: Vec<(String, Id)> = Vec::new();
        for e in entries {
            if let Some(id) = e.entity_id {
                ids.push((format!("{}_id", e.entity), id));
            }
            if let Some(u) = e.scope_unit_id {
                ids.push(("unit_id".into(), u));
            }
            for json in [&e.before, &e.after].into_iter().flatten() {
                if let Ok(v) = serde_json::from_str::<Value>(json) {
                    collect_ids(&v, "", &mut ids);
                }
            }
        }
        ids.sort();
        ids.dedup();
        let mut names = AuditNames::default();
        let today = crate::scope::today();
        let all_users = if ids.iter().any(|(k, _)| k == "user_id") { users::list(&self.store).await? } else { vec![] };
        let covenants = if ids.iter().any(|(k, _)| k == "covenant_id" || k == "campaign_id") {
            covenant_store::all(&self.store).await?
        } else {
            vec![]
        };
        let people: Vec<Id> = ids.iter().filter(|(k, _)| k == "person_id").map(|(_, id)| *id).collect();
        names.people = people_store::names_of(&self.store, &people).await?.into_iter().collect();
        for (key, id) in ids {
            match key.as_str() {
                k if (k.ends_with("unit_id") || k == "parent_id") && self.in_scope(actor, id) => {
                    if let Some(n) = self.index().tree().name_on(id, today) {
                        names.units.insert(id, n.to_string());
                    }
                }
                "user_id" => {
                    if let Some(u) = all_users.iter().find(|u| u.id == id) {
                        names.users.insert(id, u.username.clone());
                    }
                }
                "conference_id" => {
                    if let Some(c) = conf_store::get(&self.store, id).await? {
                        names.conferences.insert(id, c.title);
                    }
                }
                "covenant_id" | "campaign_id" => {
                    if let Some(c) = covenants.iter().find(|c| c.id == id) {
                        names.covenants.insert(id, c.title.clone());
                    }
                }
                _ => {}
            }
        }
        Ok(names)
    }
}
