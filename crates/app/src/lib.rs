//! The application service: the one place where scope is checked and writes are audited.
//!
//! Handlers (web pages, the JSON API, the command line) call `App` methods with an `Actor`;
//! each method checks the actor's role and scope (`scope.rs`), does its work in one database
//! transaction that also writes the audit record (`audit.rs`) and, when it changes what the
//! in-memory roll-up index holds, the change log (`follower.rs`); the index follows the log.
//! Nothing outside this crate touches the store for a user's request.
use std::sync::{Arc, RwLock, RwLockReadGuard};

use chrono::{DateTime, Utc};
use lamtheo_analytics::Index;
use lamtheo_domain::Result;
use lamtheo_importer::Limits;
use lamtheo_store::Store;
use tokio::sync::Semaphore;

mod activity_imports;
pub mod audit;
pub mod auth;
pub mod column;
pub mod conferences;
pub mod covenants;
pub mod emulation;
pub mod evaluations;
pub mod exports;
pub mod figures;
mod follower;
pub mod imports;
pub mod indicators;
mod loader;
mod memo;
pub mod people;
pub mod plans;
pub mod records;
pub mod report;
mod scope;
pub mod submissions;
pub mod tasks;
pub mod tree;

pub use loader::load_index;

/// Import files parsed at once; more wait their turn.
const PARSERS: usize = 2;
/// Uploaded files held at once (being received, waiting to be parsed, or being imported);
/// more are refused until one is done.
const UPLOADS: usize = 8;

#[derive(Clone)]
pub struct App {
    pub store: Store,
    index: Arc<RwLock<Index>>,
    limiter: Arc<auth::RateLimiter>,
    /// What one import file may cost.
    limits: Limits,
    /// Turns to parse an import file: parsing is CPU-bound and runs off the async runtime,
    /// so that a few uploads at once cannot take every core from the pages.
    parsers: Arc<Semaphore>,
    /// Turns to hold an uploaded file: each may be as large as the file limit, so the number
    /// held in memory at once is bounded too (see `App::import_turn`).
    uploads: Arc<Semaphore>,
    /// Sessions whose idle clock is being refreshed in the background (see `App::session`).
    touching: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// One follower of the change log at a time (see `App::follow`).
    following: Arc<tokio::sync::Mutex<()>>,
    /// When the index was last found holding every change committed (see `App::current_to`).
    current_to: Arc<RwLock<DateTime<Utc>>>,
    /// The index's answers, remembered until it changes (see `memo.rs`).
    memo: Arc<memo::Memo>,
    /// Signs the public forms' robot checks (see `column.rs`); kept in the database, so a
    /// form shown before a restart, or by another server of the same database, still counts.
    secret: Arc<str>,
}

/// The secret that signs the public forms, made by the first start of a database.
async fn form_secret(store: &Store) -> Result<Arc<str>> {
    let mut tx = store.begin().await?;
    let secret = lamtheo_store::settings::get_or_insert(&mut tx, "form_secret", &auth::random_token()).await?;
    tx.commit().await?;
    Ok(secret.into())
}

impl App {
    /// Opens the database, runs migrations and builds the roll-up index from it.
    pub async fn open(url: &str) -> Result<App> {
        let store = Store::open(url).await?;
        App::with_store(store).await
    }

    pub async fn with_store(store: Store) -> Result<App> {
        let started = Utc::now();
        let secret = form_secret(&store).await?;
        let index = load_index(&store).await?;
        Ok(App {
            store,
            index: Arc::new(RwLock::new(index)),
            limiter: Arc::new(auth::RateLimiter::default()),
            limits: Limits::default(),
            parsers: Arc::new(Semaphore::new(PARSERS)),
            uploads: Arc::new(Semaphore::new(UPLOADS)),
            touching: Arc::default(),
            following: Arc::default(),
            current_to: Arc::new(RwLock::new(started)),
            memo: Arc::default(),
            secret,
        })
    }

    /// The same service with other bounds on import files.
    pub fn with_limits(mut self, limits: Limits) -> App {
        self.limits = limits;
        self
    }

    /// What one import file may cost (the upload routes bound their bodies by it).
    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub(crate) fn index(&self) -> RwLockReadGuard<'_, Index> {
        self.index.read().unwrap_or_else(|e| e.into_inner())
    }

    fn update_index(&self, f: impl FnOnce(&mut Index)) {
        let mut guard = self.index.write().unwrap_or_else(|e| e.into_inner());
        f(&mut guard);
    }
}
