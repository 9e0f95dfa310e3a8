//! Storage: one API over two engines, SQLite (the embedded default) and PostgreSQL.
//!
//! Every query is written once with `$1` parameters and compiled for each engine through the
//! `on_tx!`/`on_pool!` macros, so what differs between engines stays in this crate: the two
//! migration folders, connection set-up, and the odd engine-specific statement.
//!
//! SQLite gets two pools: many readers and exactly one writer connection, so write
//! transactions queue in-process instead of failing with "database is locked".
use std::str::FromStr;
use std::time::Duration;

use lamtheo_domain::{Error, ErrorCode, Result};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Postgres, Sqlite, Transaction};

pub mod audit;
pub mod backup;
pub mod bulk;
pub mod changelog;
pub mod conferences;
pub mod covenants;
pub mod emulation;
pub mod evaluations;
pub mod facts;
pub mod images;
pub mod import_history;
pub mod people;
pub mod plans;
pub mod records;
pub mod reports;
pub mod settings;
pub mod submissions;
pub mod tasks;
pub mod testing;
pub mod units;
pub mod users;

#[derive(Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }
}

/// Runs `$body` with `$c` bound to the transaction's connection, once per engine.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Runs `$body` with `$c` bound to a pool (for reads outside a transaction).
#[macro_export]
macro_rules! on_pool {
    ($pool:expr, $c:ident => $body:expr) => {
        match $pool {
            $crate::Pool::Sqlite($c) => $body,
            $crate::Pool::Postgres($c) => $body,
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The file of a SQLite database URL (`sqlite://path.db`, `sqlite:path.db` or a bare path);
/// `None` for PostgreSQL.
pub fn sqlite_path(url: &str) -> Option<&str> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    Some(url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url))
}

#[derive(Clone)]
pub struct Store {
    pub engine: Engine,
    read: Pool,
    write: Pool,
}

impl Store {
    /// Opens (creating if needed) the database named by `url` and runs its migrations.
    /// `sqlite://path.db`, a bare file path, or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await
                .map_err(|e| {
                    Error::msg(
                        ErrorCode::Internal,
                        format!("Không kết nối được PostgreSQL: {e}"),
                        format!("Cannot connect to PostgreSQL: {e}"),
                    )
                })?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await.map_err(Error::internal)?;
            Store { engine: Engine::Postgres, read: Pool::Postgres(pool.clone()), write: Pool::Postgres(pool) }
        } else {
            let path = sqlite_path(url).unwrap_or(url);
            let opts = SqliteConnectOptions::from_str(&format!("sqlite:{path}"))
                .map_err(Error::internal)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                .pragma("cache_size", "-65536");
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(opts.clone())
                .await
                .map_err(|e| {
                    Error::msg(
                        ErrorCode::Internal,
                        format!("Không mở được tệp cơ sở dữ liệu {path}: {e}"),
                        format!("Cannot open database file {path}: {e}"),
                    )
                })?;
            sqlx::migrate!("./migrations/sqlite").run(&write).await.map_err(Error::internal)?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts.read_only(true))
                .await
                .map_err(Error::internal)?;
            Store { engine: Engine::Sqlite, read: Pool::Sqlite(read), write: Pool::Sqlite(write) }
        };
        units::seed_kinds(&store).await?;
        evaluations::seed_levels(&store).await?;
        Ok(store)
    }

    /// Starts a write transaction. On SQLite it waits for the single writer connection, then
    /// for the file's write lock (`BEGIN IMMEDIATE`): another process (a second server, the
    /// command line) may hold it, and a transaction that read first and took the lock only at
    /// its first write would fail at once instead of waiting its turn.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.write {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?),
            Pool::Postgres(p) => Tx::Postgres(p.begin().await.map_err(db_err)?),
        })
    }

    /// A read-only transaction on a reader in which every read sees the database as of one
    /// moment (SQLite in WAL mode: from its first read; PostgreSQL: `REPEATABLE READ`). It
    /// never waits for the writer. Dropping it ends it.
    pub async fn snapshot(&self) -> Result<Tx> {
        Ok(match &self.read {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin().await.map_err(db_err)?),
            Pool::Postgres(p) => {
                let mut t = p.begin().await.map_err(db_err)?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .execute(&mut *t)
                    .await
                    .map_err(db_err)?;
                Tx::Postgres(t)
            }
        })
    }

    pub fn read(&self) -> &Pool {
        &self.read
    }

    pub async fn close(&self) {
        on_pool!(&self.read, p => p.close().await);
        on_pool!(&self.write, p => p.close().await);
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await.map_err(db_err),
            Tx::Postgres(t) => t.commit().await.map_err(db_err),
        }
    }
}

/// SQL that lists the ids (units, people) passed as a JSON array in parameter `$n`. Unit lists can be
/// long (a province has thousands of cells): one JSON parameter instead of thousands.
pub(crate) fn units_in(engine: Engine, n: usize) -> String {
    match engine {
        Engine::Sqlite => format!("(SELECT value FROM json_each(${n}))"),
        Engine::Postgres => format!("(SELECT jsonb_array_elements_text(${n}::jsonb)::bigint)"),
    }
}

/// Like `units_in`, for a JSON array of strings (natural keys).
pub(crate) fn texts_in(engine: Engine, n: usize) -> String {
    match engine {
        Engine::Sqlite => format!("(SELECT value FROM json_each(${n}))"),
        Engine::Postgres => format!("(SELECT jsonb_array_elements_text(${n}::jsonb))"),
    }
}

/// Maps a database error to the application's: unique keys become a clear "already exists"
/// naming the field; everything else is internal (logged, never shown).
pub fn db_err(e: sqlx::Error) -> Error {
    if let sqlx::Error::Database(d) = &e {
        let msg = d.message().to_string();
        let constraint = d.constraint().map(str::to_string).unwrap_or_default();
        let hit = |key: &str, sqlite_cols: &str| constraint == key || msg.contains(sqlite_cols);
        let conflicts: [(&str, &str, &str, &str, &str); 7] = [
            ("units_code_key", "units.code", "code", "Mã đơn vị đã tồn tại", "This unit code already exists"),
            (
                "people_card_no_key",
                "people.card_no",
                "card_no",
                "Số thẻ đảng viên đã tồn tại",
                "This party card number already exists",
            ),
            (
                "people_person_code_key",
                "people.person_code",
                "person_code",
                "Mã định danh đã tồn tại",
                "This person ID already exists",
            ),
            (
                "conferences_code_key",
                "conferences.code",
                "code",
                "Mã hội nghị đã tồn tại",
                "This conference code already exists",
            ),
            ("topics_code_key", "topics.code", "code", "Mã chuyên đề đã tồn tại", "This topic code already exists"),
            (
                "users_username_key",
                "users.username",
                "username",
                "Tên đăng nhập đã tồn tại",
                "This username already exists",
            ),
            (
                "campaign_docs_code_key",
                "campaign_docs.code",
                "code",
                "Số hiệu văn bản đã tồn tại",
                "This document number already exists",
            ),
        ];
        for (key, cols, field, vi, en) in conflicts {
            if hit(key, cols) {
                return Error { field: Some(field.into()), ..Error::msg(ErrorCode::Conflict, vi, en) };
            }
        }
        if d.is_unique_violation() {
            return Error::new(ErrorCode::Conflict);
        }
        // A reference to a record that is not stored: a conflict with the records, like a
        // duplicate, not a malformed request.
        if d.is_foreign_key_violation() {
            return Error::msg(
                ErrorCode::Conflict,
                "Tham chiếu tới dữ liệu không tồn tại",
                "Reference to something that does not exist",
            );
        }
    }
    Error::internal(e)
}
