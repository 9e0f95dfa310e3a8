//! Records of the record kinds, one table for all (see `lamtheo_domain::records`): the row as
//! JSON, with the unit whose scope it is in and its folded natural key.
use lamtheo_domain::{Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, units_in, Store, Tx};

/// A stored record.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub id: Id,
    pub kind: String,
    pub natural_key: String,
    pub unit_id: Id,
    pub parent_id: Option<Id>,
    pub body: serde_json::Value,
}

const COLS: &str = "id, kind, natural_key, unit_id, parent_id, body";

macro_rules! record_from_row {
    ($r:expr) => {{
        let r = $r;
        StoredRecord {
            id: r.get(0),
            kind: r.get(1),
            natural_key: r.get(2),
            unit_id: r.get(3),
            parent_id: r.get(4),
            body: serde_json::from_str(r.get::<&str, _>(5)).unwrap_or_default(),
        }
    }};
}

pub async fn insert(tx: &mut Tx, r: &StoredRecord) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO records (kind, natural_key, unit_id, parent_id, body) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(&r.kind).bind(&r.natural_key).bind(r.unit_id).bind(r.parent_id).bind(r.body.to_string())
        .fetch_one(c).await.map_err(db_err))
}

pub async fn update(tx: &mut Tx, r: &StoredRecord) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE records SET natural_key = $2, unit_id = $3, parent_id = $4, body = $5 WHERE id = $1")
        .bind(r.id).bind(&r.natural_key).bind(r.unit_id).bind(r.parent_id).bind(r.body.to_string())
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, id: Id) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM records WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn get(store: &Store, id: Id) -> Result<Option<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records WHERE id = $1");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?.map(|r| record_from_row!(&r))))
}

/// A record, read in the writer's transaction.
pub async fn get_in(tx: &mut Tx, id: Id) -> Result<Option<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records WHERE id = $1");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(id).fetch_optional(c).await.map_err(db_err)?.map(|r| record_from_row!(&r))))
}

/// The record of a kind with this (folded) key, read in the writer's transaction.
pub async fn by_key(tx: &mut Tx, kind: &str, natural_key: &str) -> Result<Option<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records WHERE kind = $1 AND natural_key = $2");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(kind).bind(natural_key).fetch_optional(c).await.map_err(db_err)?.map(|r| record_from_row!(&r))))
}

/// Records of a kind in the given units, in the order they were made.
pub async fn of_units(store: &Store, kind: &str, units: &[Id]) -> Result<Vec<StoredRecord>> {
    let ids = serde_json::to_string(units).expect("ids serialise");
    let sql =
        format!("SELECT {COLS} FROM records WHERE kind = $2 AND unit_id IN {} ORDER BY id", units_in(store.engine, 1));
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(ids).bind(kind).fetch_all(p).await.map_err(db_err)?.iter().map(|r| record_from_row!(r)).collect()))
}

/// Every record of a kind (a catalogue: the indicators), in the order they were made.
pub async fn of_kind(store: &Store, kind: &str) -> Result<Vec<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records WHERE kind = $1 ORDER BY id");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(kind).fetch_all(p).await.map_err(db_err)?.iter().map(|r| record_from_row!(r)).collect()))
}

/// Every record of a kind, read in the writer's transaction.
pub async fn of_kind_in(tx: &mut Tx, kind: &str) -> Result<Vec<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records WHERE kind = $1 ORDER BY id");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(kind).fetch_all(c).await.map_err(db_err)?.iter().map(|r| record_from_row!(r)).collect()))
}

/// The records of a kind of one unit, read in the writer's transaction.
pub async fn of_unit_in(tx: &mut Tx, kind: &str, unit: Id) -> Result<Vec<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records WHERE kind = $1 AND unit_id = $2 ORDER BY id");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(kind).bind(unit).fetch_all(c).await.map_err(db_err)?.iter().map(|r| record_from_row!(r)).collect()))
}

/// The records under a parent record.
pub async fn children(store: &Store, parent: Id) -> Result<Vec<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records WHERE parent_id = $1 ORDER BY id");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(parent).fetch_all(p).await.map_err(db_err)?.iter().map(|r| record_from_row!(r)).collect()))
}

/// The records under a parent record, read in the writer's transaction.
pub async fn children_in(tx: &mut Tx, parent: Id) -> Result<Vec<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records WHERE parent_id = $1 ORDER BY id");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(parent).fetch_all(c).await.map_err(db_err)?.iter().map(|r| record_from_row!(r)).collect()))
}

/// Every record, for building the index (in the snapshot's transaction).
pub async fn all(snapshot: &mut Tx) -> Result<Vec<StoredRecord>> {
    let sql = format!("SELECT {COLS} FROM records ORDER BY id");
    on_tx!(snapshot, c => Ok(sqlx::query(&sql).fetch_all(c).await.map_err(db_err)?.iter().map(|r| record_from_row!(r)).collect()))
}
