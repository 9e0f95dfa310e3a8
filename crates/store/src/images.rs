//! Images of the public column's articles (the bytes as base64 text, see the migration).
use base64::Engine;
use lamtheo_domain::{Error, Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub async fn insert(tx: &mut Tx, unit_id: Id, content_type: &str, bytes: &[u8]) -> Result<Id> {
    let (size, data) = (bytes.len() as i64, B64.encode(bytes));
    on_tx!(tx, c => sqlx::query_scalar("INSERT INTO images (unit_id, content_type, size, data) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(unit_id).bind(content_type).bind(size).bind(&data).fetch_one(c).await.map_err(db_err))
}

/// An image: (unit, content type, bytes).
pub async fn get(store: &Store, id: Id) -> Result<Option<(Id, String, Vec<u8>)>> {
    let row: Option<(Id, String, String)> = on_pool!(store.read(), p => sqlx::query_as("SELECT unit_id, content_type, data FROM images WHERE id = $1").bind(id)
        .fetch_optional(p).await.map_err(db_err))?;
    row.map(|(unit, ty, data)| B64.decode(data).map(|b| (unit, ty, b)).map_err(Error::internal)).transpose()
}

/// A unit's images: (id, content type, size in bytes), newest first.
pub async fn of_unit(store: &Store, unit: Id) -> Result<Vec<(Id, String, i64)>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT id, content_type, size FROM images WHERE unit_id = $1 ORDER BY id DESC").bind(unit)
        .fetch_all(p).await.map_err(db_err)?.iter().map(|r| (r.get(0), r.get(1), r.get::<i64, _>(2))).collect()))
}
