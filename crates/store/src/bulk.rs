//! Fast multi-row inserts with explicit ids, for the synthetic-data generator, the demo and
//! restoring a backup.
//! Rows go in chunks of many rows per statement; that is what makes millions of attendances
//! load in seconds on SQLite.
use chrono::NaiveDate;
use lamtheo_domain::Result;

use crate::{db_err, on_tx, Engine, Store, Tx};

#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Text(String),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    OptInt(Option<i64>),
    OptText(Option<String>),
    Bool(bool),
    Time(chrono::DateTime<chrono::Utc>),
    OptBool(Option<bool>),
    OptTime(Option<chrono::DateTime<chrono::Utc>>),
}

/// The tables the generator fills, with their columns in insertion order.
pub const TABLES: [(&str, &[&str]); 8] = [
    ("units", &["id", "code", "name", "kind", "opened_on", "closed_on"]),
    ("unit_links", &["unit_id", "parent_id", "valid_from", "valid_to", "historic"]),
    ("unit_names", &["unit_id", "name", "valid_from"]),
    (
        "people",
        &[
            "id",
            "person_code",
            "card_no",
            "full_name",
            "name_folded",
            "gender",
            "birth_date",
            "is_member",
            "admitted_on",
            "position",
            "key_cadre",
            "head_of_unit",
        ],
    ),
    ("memberships", &["person_id", "unit_id", "valid_from", "valid_to"]),
    (
        "conferences",
        &[
            "id",
            "code",
            "unit_id",
            "held_on",
            "title",
            "level",
            "online",
            "others_count",
            "unlisted_members",
            "regular_meeting",
            "study_content",
        ],
    ),
    ("conference_topics", &["conference_id", "topic_id"]),
    ("attendances", &["conference_id", "person_id", "point_unit_id", "status"]),
];

/// Parameters per statement on SQLite. SQLite finds each `$n` parameter by scanning the list
/// of all of them (`sqlite3_bind_parameter_name` is linear), so binding one statement costs
/// O(n²) in its parameters: 8,000-parameter statements spent over 80% of a large load
/// there. A few hundred per statement make it small (512 measured fastest: 2,7 s instead of
/// 40 s for 357.000 attendance rows); the extra statements are cheap.
const SQLITE_PARAMS: usize = 512;
/// PostgreSQL binds by position: bigger statements just mean fewer round trips (its limit
/// is 65.535 parameters).
const POSTGRES_PARAMS: usize = 30_000;

/// Inserts `rows` (each with one value per column) into `table`.
pub async fn insert(tx: &mut Tx, table: &str, cols: &[&str], rows: &[Vec<Value>]) -> Result<()> {
    let params = match tx {
        Tx::Sqlite(_) => SQLITE_PARAMS,
        Tx::Postgres(_) => POSTGRES_PARAMS,
    };
    let per_chunk = (params / cols.len().max(1)).max(1);
    for chunk in rows.chunks(per_chunk) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..cols.len() {
                if j > 0 {
                    sql.push(',');
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        on_tx!(tx, c => {
            let mut q = sqlx::query(&sql);
            for row in chunk {
                for v in row {
                    q = match v {
                        Value::Int(x) => q.bind(*x),
                        Value::Text(x) => q.bind(x.as_str()),
                        Value::Date(x) => q.bind(*x),
                        Value::OptDate(x) => q.bind(*x),
                        Value::OptInt(x) => q.bind(*x),
                        Value::OptText(x) => q.bind(x.as_deref()),
                        Value::Bool(x) => q.bind(*x),
                        Value::Time(x) => q.bind(*x),
                        Value::OptBool(x) => q.bind(*x),
                        Value::OptTime(x) => q.bind(*x),
                    };
                }
            }
            q.execute(c).await.map(|r| r.rows_affected()).map_err(db_err)
        })?;
    }
    Ok(())
}

/// After inserting explicit ids, PostgreSQL's identity sequences must move past them.
pub async fn fix_sequences(store: &Store, tx: &mut Tx) -> Result<()> {
    if store.engine != Engine::Postgres {
        return Ok(());
    }
    for table in [
        "units",
        "unit_links",
        "unit_names",
        "people",
        "memberships",
        "conferences",
        "topics",
        "campaign_docs",
        "lineage_events",
    ] {
        fix_sequence(store, tx, table).await?;
    }
    Ok(())
}

/// Moves `table`'s identity sequence past its largest id (PostgreSQL; nothing on SQLite, and
/// nothing for a table without one).
pub async fn fix_sequence(store: &Store, tx: &mut Tx, table: &str) -> Result<()> {
    if store.engine != Engine::Postgres {
        return Ok(());
    }
    let sql = format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
    );
    on_tx!(tx, c => sqlx::query(&sql).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// The largest id in a table (0 when empty), so generated ids continue after existing ones.
pub async fn max_id(tx: &mut Tx, table: &str) -> Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
    on_tx!(tx, c => sqlx::query_scalar::<_, i64>(&sql).fetch_one(c).await.map_err(db_err))
}

/// How many rows a table holds (for the demo's "never on a database with data" rule and stats).
pub async fn count(store: &Store, table: &str) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    crate::on_pool!(store.read(), p => sqlx::query_scalar::<_, i64>(&sql).fetch_one(p).await.map_err(db_err))
}
