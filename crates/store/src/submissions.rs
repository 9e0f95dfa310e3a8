//! One-time keys of create forms and API calls (see migration 0012).
use chrono::{DateTime, Duration, Utc};
use lamtheo_domain::{Id, Result};

use crate::{db_err, on_pool, on_tx, Store};

/// What a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The first submission: go on, then `finish` or `release`.
    New,
    /// The first submission is still being handled.
    Pending,
    /// Already answered: (status, location, body).
    Done(u16, Option<String>, Option<String>),
    /// Another account's key: not this one's to answer.
    Foreign,
    /// The same key with another request: a client error, not a repeat.
    Mismatch,
}

/// How long a key is remembered.
const KEPT: Duration = Duration::hours(24);

/// Claims `key` for a request whose digest is `request`.
pub async fn claim(store: &Store, key: &str, user: Id, request: &str, now: DateTime<Utc>) -> Result<Claim> {
    let mut tx = store.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM submissions WHERE created_at < $1").bind(now - KEPT).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    let inserted = on_tx!(&mut tx, c => sqlx::query("INSERT INTO submissions (key, user_id, request, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING")
        .bind(key).bind(user).bind(request).bind(now).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    let claim = if inserted == 1 {
        Claim::New
    } else {
        let row: (Id, String, Option<i32>, Option<String>, Option<String>) = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT user_id, request, status, location, body FROM submissions WHERE key = $1")
            .bind(key).fetch_one(c).await.map_err(db_err))?;
        match row {
            (owner, ..) if owner != user => Claim::Foreign,
            (_, first, ..) if first != request => Claim::Mismatch,
            (_, _, None, _, _) => Claim::Pending,
            (_, _, Some(status), location, body) => Claim::Done(status as u16, location, body),
        }
    };
    tx.commit().await?;
    Ok(claim)
}

pub async fn finish(store: &Store, key: &str, status: u16, location: Option<&str>, body: Option<&str>) -> Result<()> {
    let mut tx = store.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE submissions SET status = $2, location = $3, body = $4 WHERE key = $1")
        .bind(key).bind(i32::from(status)).bind(location).bind(body).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    tx.commit().await
}

/// Forgets a key whose submission failed, so that the corrected form can be sent again.
pub async fn release(store: &Store, key: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM submissions WHERE key = $1").bind(key).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    tx.commit().await
}

/// How many keys are remembered (tests).
pub async fn count(store: &Store) -> Result<i64> {
    on_pool!(store.read(), p => sqlx::query_scalar("SELECT COUNT(*) FROM submissions").fetch_one(p).await.map_err(db_err))
}
