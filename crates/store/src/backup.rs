//! Backup and restore: a consistent copy of the whole database as one SQLite file, which
//! loads into an empty database of either engine (so a deployment that outgrows SQLite moves
//! to PostgreSQL with `lamtheo backup` then `lamtheo restore`).
//!
//! - A backup from SQLite is `VACUUM INTO`: one read transaction, so a consistent copy while
//!   the server keeps writing (a copy of the live file, or of it without its `-wal`, is not).
//! - A backup from PostgreSQL reads every table in one `REPEATABLE READ` snapshot into a new
//!   SQLite file made by the same migrations.
//! - A restore checks the file (`integrity_check`, the schema version), refuses a target that
//!   holds data or a stale journal, and copies every table in one transaction, in the order
//!   the tables were created (so every reference finds its row).
//!
//! Values are read and written with the Rust types the application stores (dates, booleans,
//! times), taken from PostgreSQL's catalogue when it is one of the two ends: each engine then
//! gets them in its own encoding. Between two SQLite files they are copied as they are.
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use lamtheo_domain::{Error, ErrorCode, Result};
use sqlx::postgres::PgRow;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions, SqliteRow};
use sqlx::{Row, SqlitePool, ValueRef};

use crate::bulk::{self, Value};
use crate::{db_err, on_tx, Engine, Pool, Store, Tx};

/// Tables the migrations fill at start: emptied before a restore loads the backup's (kinds
/// before the levels they refer to).
const SEEDED: [&str; 3] = ["unit_kinds", "unit_levels", "rating_levels"];
/// Not restored: the schema's own bookkeeping, logins (a restore signs everyone out), the
/// one-time keys of forms in flight, and the change log (servers on the restored database
/// build their index from its tables and follow a log that starts afresh).
const NOT_RESTORED: [&str; 4] = ["_sqlx_migrations", "sessions", "submissions", "change_log"];
/// Rows copied per statement batch.
const CHUNK: usize = 5_000;

/// How a column's values are read: as the type the application stores, or (between two
/// SQLite files) as they are.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    AsIs,
    Int,
    /// PostgreSQL's `integer`, read as what it is.
    Int32,
    Text,
    Date,
    Bool,
    Time,
}

struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
}

/// What a backup or a restore copied: rows per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Copied {
    pub tables: Vec<(String, u64)>,
}

impl Copied {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

fn failed(vi: impl Into<String>, en: impl Into<String>) -> Error {
    Error::msg(ErrorCode::InvalidInput, vi, en)
}

/// Writes a consistent copy of `store` to `file` (a new SQLite file) while the server keeps
/// serving and writing.
pub async fn backup(store: &Store, file: &Path) -> Result<Copied> {
    if file.exists() {
        return Err(failed(
            format!("Tệp {} đã có; hãy chọn tên khác", file.display()),
            format!("{} already exists; choose another name", file.display()),
        ));
    }
    match store.read() {
        Pool::Sqlite(pool) => {
            let path = file.to_str().ok_or_else(|| failed("Tên tệp không hợp lệ", "Invalid file name"))?;
            sqlx::query("VACUUM INTO $1").bind(path).execute(pool).await.map_err(db_err)?;
            let copy = open_file(file).await?;
            let counts = counts(&copy, &tables_of_file(&copy).await?).await;
            copy.close().await;
            counts
        }
        Pool::Postgres(pool) => {
            let mut order = sqlite_order().await?;
            order.retain(|t| !NOT_RESTORED.contains(&t.as_str()));
            let tables = postgres_tables(store, &order).await?;
            let copy = Store::open(&format!("sqlite://{}", file.display())).await?;
            let mut out = copy.begin().await?;
            empty_seeded(&mut out).await?;
            let mut snapshot = pool.begin().await.map_err(db_err)?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *snapshot)
                .await
                .map_err(db_err)?;
            let mut copied = Copied::default();
            for t in &tables {
                let sql = select(t);
                let rows = sqlx::query(&sql).fetch(&mut *snapshot);
                let n = copy_rows(rows, t, &mut out, postgres_values).await?;
                copied.tables.push((t.name.clone(), n));
            }
            snapshot.rollback().await.map_err(db_err)?;
            out.commit().await?;
            copy.close().await;
            Ok(copied)
        }
    }
}

/// Loads the backup `file` into the database at `url`, which must hold no data of its own
/// (a SQLite file is made if there is none, unless a journal of an earlier one is left).
pub async fn restore(url: &str, file: &Path) -> Result<Copied> {
    let source = open_file(file).await?;
    let damaged = |detail: String| {
        failed(
            format!("Tệp sao lưu {} bị hỏng: {detail}", file.display()),
            format!("The backup {} is damaged: {detail}", file.display()),
        )
    };
    let check: String = match sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&source).await {
        Ok(check) => check,
        Err(e) => {
            source.close().await;
            return Err(damaged(e.to_string()));
        }
    };
    if check != "ok" {
        source.close().await;
        return Err(damaged(check));
    }
    if let Some(path) = crate::sqlite_path(url) {
        if let Err(e) = check_sqlite_target(Path::new(path)) {
            source.close().await;
            return Err(e);
        }
    }
    let target = Store::open(url).await?;
    let result = restore_from(&target, &source).await;
    source.close().await;
    target.close().await;
    result
}

async fn restore_from(target: &Store, source: &SqlitePool) -> Result<Copied> {
    let version = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations";
    let theirs: i64 = sqlx::query_scalar(version)
        .fetch_one(source)
        .await
        .map_err(|_| failed("Tệp không phải bản sao lưu của lamtheo", "The file is not a lamtheo backup"))?;
    let ours: i64 =
        crate::on_pool!(target.read(), p => sqlx::query_scalar(version).fetch_one(p).await.map_err(db_err))?;
    if theirs != ours {
        return Err(failed(
            format!(
                "Bản sao lưu theo lược đồ {theirs}, cơ sở dữ liệu theo lược đồ {ours}: hãy dùng cùng phiên bản lamtheo"
            ),
            format!("The backup has schema {theirs} and the database {ours}: use the same lamtheo version"),
        ));
    }
    let mut tables = tables_of_file(source).await?;
    tables.retain(|t| !NOT_RESTORED.contains(&t.name.as_str()));
    if target.engine == Engine::Postgres {
        tables = postgres_tables(target, &tables.iter().map(|t| t.name.clone()).collect::<Vec<_>>()).await?;
    }
    for t in &tables {
        if !SEEDED.contains(&t.name.as_str()) && bulk::count(target, &t.name).await? > 0 {
            return Err(failed(
                format!("Cơ sở dữ liệu đích đã có dữ liệu (bảng {}): chỉ khôi phục vào cơ sở dữ liệu trống", t.name),
                format!("The target database holds data (table {}): restore only into an empty one", t.name),
            ));
        }
    }
    let mut tx = target.begin().await?;
    if target.engine == Engine::Sqlite {
        on_tx!(&mut tx, c => sqlx::query("PRAGMA defer_foreign_keys = ON").execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    empty_seeded(&mut tx).await?;
    let mut copied = Copied::default();
    for t in &tables {
        let sql = select(t);
        let n = copy_rows(sqlx::query(&sql).fetch(source), t, &mut tx, sqlite_values).await?;
        copied.tables.push((t.name.clone(), n));
    }
    for t in tables.iter().filter(|t| t.columns.iter().any(|(c, _)| c == "id")) {
        bulk::fix_sequence(target, &mut tx, &t.name).await?;
    }
    tx.commit().await?;
    Ok(copied)
}

/// Whether the SQLite database at `path` may be created for a restore: a journal left beside a
/// missing database file would be replayed into the new one.
fn check_sqlite_target(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    for suffix in ["-wal", "-journal", "-shm"] {
        let journal = Path::new(&format!("{}{suffix}", path.display())).to_path_buf();
        if journal.exists() {
            return Err(failed(
                format!(
                    "Còn tệp nhật ký {} của một cơ sở dữ liệu cũ: hãy xóa nó (hoặc chọn tên khác) rồi khôi phục",
                    journal.display()
                ),
                format!(
                    "A journal {} of an earlier database is left: remove it (or choose another name), then restore",
                    journal.display()
                ),
            ));
        }
    }
    Ok(())
}

/// A backup file opened read-only (a restore never changes it).
async fn open_file(file: &Path) -> Result<SqlitePool> {
    if !file.is_file() {
        return Err(failed(
            format!("Không có tệp sao lưu {}", file.display()),
            format!("No backup file {}", file.display()),
        ));
    }
    let opts = SqliteConnectOptions::new().filename(file).read_only(true);
    SqlitePoolOptions::new().max_connections(1).connect_with(opts).await.map_err(|e| {
        failed(
            format!("Không mở được tệp sao lưu {}: {e}", file.display()),
            format!("Cannot open the backup {}: {e}", file.display()),
        )
    })
}

/// A SQLite file's tables in the order they were created, their columns as they are.
async fn tables_of_file(pool: &SqlitePool) -> Result<Vec<Table>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let mut out = Vec::new();
    for name in names {
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
            .bind(&name)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
        out.push(Table { name, columns: columns.into_iter().map(|c| (c, Kind::AsIs)).collect() });
    }
    Ok(out)
}

/// The order of the tables as the SQLite migrations create them (the same tables as
/// PostgreSQL's), for copying PostgreSQL's into a new file.
async fn sqlite_order() -> Result<Vec<String>> {
    let scratch = Store::open("sqlite::memory:").await?;
    let order = match scratch.read() {
        Pool::Sqlite(p) => tables_of_file(p).await?.into_iter().map(|t| t.name).collect(),
        Pool::Postgres(_) => unreachable!("an in-memory database is SQLite"),
    };
    scratch.close().await;
    Ok(order)
}

/// PostgreSQL's tables named in `order`, with each column's type from its catalogue.
async fn postgres_tables(store: &Store, order: &[String]) -> Result<Vec<Table>> {
    let Pool::Postgres(pool) = store.read() else { return Err(Error::internal("not PostgreSQL")) };
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let mut out = Vec::new();
    for name in order {
        let columns = rows
            .iter()
            .filter(|(t, _, _)| t == name)
            .map(|(_, c, ty)| {
                let kind = match ty.as_str() {
                    "bigint" => Kind::Int,
                    "integer" => Kind::Int32,
                    "text" | "character varying" => Kind::Text,
                    "date" => Kind::Date,
                    "boolean" => Kind::Bool,
                    "timestamp with time zone" => Kind::Time,
                    other => return Err(Error::internal(format!("column {name}.{c} has type {other}"))),
                };
                Ok((c.clone(), kind))
            })
            .collect::<Result<Vec<_>>>()?;
        if columns.is_empty() {
            return Err(Error::internal(format!("no table {name} in PostgreSQL")));
        }
        out.push(Table { name: name.clone(), columns });
    }
    Ok(out)
}

fn select(t: &Table) -> String {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| c.as_str()).collect();
    format!("SELECT {} FROM {}", cols.join(", "), t.name)
}

async fn empty_seeded(tx: &mut Tx) -> Result<()> {
    for table in SEEDED {
        let sql = format!("DELETE FROM {table}");
        on_tx!(tx, c => sqlx::query(&sql).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    Ok(())
}

/// Copies a table's `rows` into `tx`, a chunk at a time, each row read by `values`; the
/// number of rows copied.
async fn copy_rows<R>(
    mut rows: impl futures_util::Stream<Item = std::result::Result<R, sqlx::Error>> + Unpin,
    t: &Table,
    tx: &mut Tx,
    values: fn(&R, &Table) -> Result<Vec<Value>>,
) -> Result<u64> {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| c.as_str()).collect();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut n = 0;
    while let Some(row) = rows.try_next().await.map_err(db_err)? {
        chunk.push(values(&row, t)?);
        if chunk.len() == CHUNK {
            bulk::insert(tx, &t.name, &cols, &chunk).await?;
            n += chunk.len() as u64;
            chunk.clear();
        }
    }
    bulk::insert(tx, &t.name, &cols, &chunk).await?;
    Ok(n + chunk.len() as u64)
}

fn sqlite_values(row: &SqliteRow, t: &Table) -> Result<Vec<Value>> {
    t.columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            let v = match kind {
                Kind::AsIs => {
                    let raw = row.try_get_raw(i).map_err(db_err)?;
                    if raw.is_null() {
                        Value::OptInt(None)
                    } else if raw.type_info().to_string() == "INTEGER" {
                        Value::Int(row.try_get(i).map_err(db_err)?)
                    } else {
                        Value::Text(row.try_get(i).map_err(db_err)?)
                    }
                }
                Kind::Int => Value::OptInt(row.try_get(i).map_err(db_err)?),
                Kind::Int32 => Value::OptInt(row.try_get::<Option<i32>, _>(i).map_err(db_err)?.map(i64::from)),
                Kind::Text => Value::OptText(row.try_get(i).map_err(db_err)?),
                Kind::Date => Value::OptDate(row.try_get(i).map_err(db_err)?),
                Kind::Bool => Value::OptBool(row.try_get(i).map_err(db_err)?),
                Kind::Time => Value::OptTime(row.try_get::<Option<DateTime<Utc>>, _>(i).map_err(db_err)?),
            };
            Ok(v)
        })
        .collect()
}

fn postgres_values(row: &PgRow, t: &Table) -> Result<Vec<Value>> {
    t.columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            Ok(match kind {
                Kind::Int => Value::OptInt(row.try_get(i).map_err(db_err)?),
                Kind::Int32 => Value::OptInt(row.try_get::<Option<i32>, _>(i).map_err(db_err)?.map(i64::from)),
                Kind::Text | Kind::AsIs => Value::OptText(row.try_get(i).map_err(db_err)?),
                Kind::Date => Value::OptDate(row.try_get::<Option<NaiveDate>, _>(i).map_err(db_err)?),
                Kind::Bool => Value::OptBool(row.try_get(i).map_err(db_err)?),
                Kind::Time => Value::OptTime(row.try_get(i).map_err(db_err)?),
            })
        })
        .collect()
}

async fn counts(pool: &SqlitePool, tables: &[Table]) -> Result<Copied> {
    let mut copied = Copied::default();
    for t in tables {
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", t.name)).fetch_one(pool).await.map_err(db_err)?;
        copied.tables.push((t.name.clone(), n as u64));
    }
    Ok(copied)
}
