//! The index follows the change log.
//!
//! The database is the only source of truth. A write that changes what the index holds
//! appends its `Delta`s to the change log in its own transaction (`App::log`) and commits
//! with `App::commit`, which brings this server's index up to date at once; every server also
//! polls the log (`App::follow_forever`), so a write made by another server or by the command
//! line reaches its figures within a second. A rebuild reads one snapshot and replays the log
//! from the snapshot's position, so no write is lost to a rebuild running beside it.
use std::time::Duration;

use chrono::{DateTime, Utc};
use lamtheo_analytics::Delta;
use lamtheo_domain::{Error, Result};
use lamtheo_store::{changelog, Tx};

use crate::loader::{load_index, load_tree};
use crate::App;

/// How often a server looks for changes made elsewhere.
pub const POLL: Duration = Duration::from_millis(250);
/// Entries applied under one hold of the index's write lock.
const BATCH: i64 = 1_000;
/// How long the change log keeps an entry: a server that falls further behind (stopped, or
/// cut off from the database) rebuilds its index when it catches up.
pub const LOG_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(7);
/// How often a server prunes the log (any server may; pruning twice does no harm).
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

impl App {
    /// Starts a write that will log its changes, holding the log's lock from the start (see
    /// `changelog::lock`): what it reads of the records it changes stays as read until it
    /// commits, so that its deltas say exactly what changed.
    pub(crate) async fn begin_logged(&self) -> Result<Tx> {
        let mut tx = self.store.begin().await?;
        changelog::lock(&mut tx).await?;
        Ok(tx)
    }

    /// Appends what a write changed to the change log, in the write's transaction (just
    /// before its commit: on PostgreSQL the append holds a lock until then).
    pub(crate) async fn log(&self, tx: &mut Tx, deltas: &[Delta]) -> Result<()> {
        let bodies = deltas.iter().map(serde_json::to_string).collect::<std::result::Result<Vec<_>, _>>();
        changelog::append(tx, &bodies.map_err(Error::internal)?).await
    }

    /// Commits a write that logged changes and brings the index up to them. The write is done
    /// once committed: if following fails here, the poll catches up, so that is only logged.
    /// It runs as a task of its own so that a caller who stops waiting cannot cut it short.
    pub(crate) async fn commit(&self, tx: Tx) -> Result<()> {
        tx.commit().await?;
        let app = self.clone();
        match tokio::spawn(async move { app.follow().await }).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the index could not follow the change log yet"),
            Err(e) => tracing::warn!(error = %e, "the index follower stopped"),
        }
        Ok(())
    }

    /// Builds the index again from the database (after data was written around the
    /// service, as the demo loader does), on every server following the log.
    pub async fn rebuild_index(&self) -> Result<()> {
        let mut tx = self.store.begin().await?;
        self.log(&mut tx, &[Delta::Rebuild]).await?;
        self.commit(tx).await
    }

    /// Applies every change-log entry the index does not hold yet.
    pub async fn follow(&self) -> Result<()> {
        let _turn = self.following.lock().await;
        loop {
            // Every entry committed before this moment is in what the query below reads.
            let asked_at = Utc::now();
            let position = self.index().position();
            let entries = changelog::after(&self.store, position, BATCH).await?;
            let Some(last) = entries.last().map(|e| e.seq) else {
                self.set_current_to(asked_at);
                return Ok(());
            };
            let full = entries.len() as i64 == BATCH;
            let deltas: Vec<Delta> = entries
                .iter()
                .map(|e| {
                    serde_json::from_str(&e.body).unwrap_or_else(|err| {
                        // An entry this version cannot read (written by a newer one): start over.
                        tracing::warn!(seq = e.seq, error = %err, "unreadable change-log entry; rebuilding");
                        Delta::Rebuild
                    })
                })
                .collect();
            if deltas.contains(&Delta::Rebuild) {
                // The snapshot is read after these entries committed, so it holds them all.
                let fresh = load_index(&self.store).await?;
                self.update_index(|ix| *ix = fresh);
                continue;
            }
            let tree = match deltas.contains(&Delta::Tree) {
                true => Some(load_tree(&mut self.store.snapshot().await?).await?),
                false => None,
            };
            let topics = match deltas.contains(&Delta::Topics) {
                true => Some(self.topics().await?),
                false => None,
            };
            self.update_index(|ix| {
                // Read now, the tree and topics may be newer than these entries: facts are keyed
                // by unit and topic, and the entries that made them newer come next.
                if let Some(tree) = tree {
                    ix.set_tree(tree);
                }
                if let Some(topics) = topics {
                    ix.set_topics(topics);
                }
                for d in &deltas {
                    ix.apply(d);
                }
                ix.set_position(last);
            });
            if !full {
                self.set_current_to(asked_at);
                return Ok(());
            }
        }
    }

    /// Forgets the change-log entries older than `kept`; a server that had not read them
    /// rebuilds its index (see `changelog::prune`). Returns how many entries went.
    pub async fn prune_log(&self, kept: chrono::TimeDelta) -> Result<u64> {
        let marker = serde_json::to_string(&Delta::Rebuild).map_err(Error::internal)?;
        changelog::prune(&self.store, Utc::now() - kept, &marker).await
    }

    /// Follows the change log for as long as the server runs, and prunes it now and then.
    pub fn follow_forever(&self) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(POLL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut pruned_at = tokio::time::Instant::now();
            loop {
                tick.tick().await;
                if let Err(e) = app.follow().await {
                    tracing::warn!(error = %e, "following the change log failed; trying again");
                }
                if pruned_at.elapsed() >= PRUNE_EVERY {
                    pruned_at = tokio::time::Instant::now();
                    match app.prune_log(LOG_KEPT).await {
                        Ok(n) => tracing::debug!(entries = n, "pruned the change log"),
                        Err(e) => tracing::warn!(error = %e, "pruning the change log failed"),
                    }
                }
            }
        })
    }

    /// The time the figures are current to: every change committed before it is in them.
    pub fn current_to(&self) -> DateTime<Utc> {
        *self.current_to.read().unwrap_or_else(|e| e.into_inner())
    }

    fn set_current_to(&self, at: DateTime<Utc>) {
        let mut t = self.current_to.write().unwrap_or_else(|e| e.into_inner());
        *t = at.max(*t);
    }
}
