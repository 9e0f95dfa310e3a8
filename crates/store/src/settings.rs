//! Settings kept as data (key, value), e.g. `regular_study_share_permille`.
use lamtheo_domain::Result;

use crate::{db_err, on_tx, Tx};

pub async fn get(snapshot: &mut Tx, key: &str) -> Result<Option<String>> {
    on_tx!(snapshot, p => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(p).await.map_err(db_err))
}

pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key).bind(value).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// The value of `key`, storing `value` first when there is none: the first writer's value
/// wins, so processes sharing a database agree on it.
pub async fn get_or_insert(tx: &mut Tx, key: &str, value: &str) -> Result<String> {
    on_tx!(tx, c => sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key).bind(value).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(get(tx, key).await?.unwrap_or_else(|| value.to_string()))
}
