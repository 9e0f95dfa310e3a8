//! The history of imports (see migration 0020): one row per file imported, rejected or failed.
use chrono::{DateTime, Utc};
use lamtheo_domain::{Id, Result};
use serde::Serialize;
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store};

/// How an import ended, as the history keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Written (possibly changing nothing, for a file imported again).
    Imported,
    /// Refused for what the file holds (bad rows, too large): nothing was written.
    Rejected,
    /// Refused for another reason (a locked period, an internal error): nothing was written.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Imported => "imported",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Outcome {
        match s {
            "imported" => Outcome::Imported,
            "rejected" => Outcome::Rejected,
            _ => Outcome::Failed,
        }
    }
}

/// One past import.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ImportRecord {
    pub id: Id,
    pub user_id: Id,
    pub username: String,
    /// The kind's slug (`Kind::from_slug`).
    pub kind: String,
    pub file_name: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: Outcome,
    /// Rows in the file, and what became of them (all 0 unless imported).
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    /// Problems found (the rows of a rejected file), 0 for an import.
    pub error_count: i64,
    /// The error's headline ("The file has 250 errors…"), empty for an import.
    pub message_vi: String,
    pub message_en: String,
    /// The first problem, as the job page lists it.
    pub first_error: Option<String>,
}

/// Records an import once it has ended. Its own small transaction: a rejected import has no
/// other to join, and an imported one has committed already.
pub async fn insert(store: &Store, r: &ImportRecord) -> Result<Id> {
    let mut tx = store.begin().await?;
    let id: Id = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO import_history (user_id, username, kind, file_name, started_at, finished_at, outcome,
             row_count, created, updated, unchanged, error_count, message_vi, message_en, first_error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id")
        .bind(r.user_id).bind(&r.username).bind(&r.kind).bind(&r.file_name).bind(r.started_at).bind(r.finished_at)
        .bind(r.outcome.as_str()).bind(r.rows).bind(r.created).bind(r.updated).bind(r.unchanged)
        .bind(r.error_count).bind(&r.message_vi).bind(&r.message_en).bind(r.first_error.as_deref())
        .fetch_one(c).await.map_err(db_err))?;
    tx.commit().await?;
    Ok(id)
}

/// Newest first, `limit` from `offset`: every account's (`user` None) or one account's.
pub async fn list(store: &Store, user: Option<Id>, offset: i64, limit: i64) -> Result<Vec<ImportRecord>> {
    on_pool!(store.read(), p => Ok(sqlx::query(
        "SELECT id, user_id, username, kind, file_name, started_at, finished_at, outcome, row_count, created, updated,
                unchanged, error_count, message_vi, message_en, first_error
         FROM import_history WHERE ($1 IS NULL OR user_id = $1) ORDER BY id DESC LIMIT $2 OFFSET $3")
        .bind(user).bind(limit).bind(offset).fetch_all(p).await.map_err(db_err)?.iter().map(|r| ImportRecord {
            id: r.get(0), user_id: r.get(1), username: r.get(2), kind: r.get(3), file_name: r.get(4),
            started_at: r.get(5), finished_at: r.get(6), outcome: Outcome::parse(r.get(7)), rows: r.get(8),
            created: r.get(9), updated: r.get(10), unchanged: r.get(11), error_count: r.get(12),
            message_vi: r.get(13), message_en: r.get(14), first_error: r.get(15),
        }).collect()))
}
