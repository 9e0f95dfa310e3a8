//! The change log (migration 0013): what each write changed, in the order the writes
//! committed, for every server's in-memory index to follow. The store keeps entries as
//! opaque JSON; what they mean is the index's business.
use chrono::{DateTime, Utc};
use lamtheo_domain::Result;
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

/// Serialises appends on PostgreSQL until commit, so that entries commit in the order of
/// their sequence numbers: a follower that has read entry n can never later find an entry
/// below n committed behind it. SQLite has a single writer and needs nothing.
const APPEND_LOCK: i64 = 0x006c_616d_7468_656f; // "lamtheo"

/// One entry: its place in the log, when it was made and what it says.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: i64,
    pub made_at: DateTime<Utc>,
    pub body: String,
}

/// Takes the log's lock until the transaction ends (PostgreSQL; SQLite's single writer is
/// lock enough). A write that reads what it is about to change (a conference's attendance
/// before moving it) takes it first, so that no other logging write commits in between.
pub async fn lock(tx: &mut Tx) -> Result<()> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(APPEND_LOCK).execute(&mut **t).await.map_err(db_err)?;
    }
    Ok(())
}

/// Appends entries in the caller's transaction, under the log's lock (see `lock`): call it
/// just before the commit if it was not taken earlier.
pub async fn append(tx: &mut Tx, bodies: &[String]) -> Result<()> {
    if bodies.is_empty() {
        return Ok(());
    }
    lock(tx).await?;
    let now = Utc::now();
    for body in bodies {
        on_tx!(tx, c => sqlx::query("INSERT INTO change_log (made_at, body) VALUES ($1, $2)")
            .bind(now).bind(body).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    Ok(())
}

/// Entries after `seq`, oldest first, at most `limit`.
pub async fn after(store: &Store, seq: i64, limit: i64) -> Result<Vec<Entry>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT seq, made_at, body FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2")
        .bind(seq).bind(limit).fetch_all(p).await.map_err(db_err)?
        .iter().map(|r| Entry { seq: r.get(0), made_at: r.get(1), body: r.get(2) }).collect()))
}

/// The last entry's number as seen by a transaction (0 for an empty log): a snapshot read in
/// the same transaction holds exactly the entries up to it.
pub async fn last(tx: &mut Tx) -> Result<i64> {
    on_tx!(tx, c => sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM change_log").fetch_one(c).await.map_err(db_err))
}

/// Forgets the entries made before `before`, but the last of them, whose body becomes
/// `marker` (the index's "rebuild"): a follower that had not read them all meets the marker
/// and reads a fresh snapshot instead, while one that had read them never sees it. Sequence
/// numbers may have gaps (PostgreSQL skips those of rolled-back appends), so a gap could not
/// tell a follower what it missed; the marker does. Returns how many entries went.
pub async fn prune(store: &Store, before: DateTime<Utc>, marker: &str) -> Result<u64> {
    let mut tx = store.begin().await?;
    // No append is under way while the lock is held, so none can commit below the cut.
    lock(&mut tx).await?;
    let cut: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT MAX(seq) FROM change_log WHERE made_at < $1")
        .bind(before).fetch_one(c).await.map_err(db_err))?;
    let Some(cut) = cut else {
        return Ok(0);
    };
    let gone = on_tx!(&mut tx, c => sqlx::query("DELETE FROM change_log WHERE seq < $1")
        .bind(cut).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE change_log SET body = $1 WHERE seq = $2")
        .bind(marker).bind(cut).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    tx.commit().await?;
    Ok(gone)
}
