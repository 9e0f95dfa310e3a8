//! Emulation movements, registrations and monthly reviews.
use lamtheo_domain::emulation::{Expected, Movement, Registration, Review};
use lamtheo_domain::{Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, units_in, Store, Tx};

pub async fn insert_movement(tx: &mut Tx, m: &Movement) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar("INSERT INTO emulation_movements (unit_id, title, from_date, to_date, expected) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(m.unit_id).bind(&m.title).bind(m.from_date).bind(m.to_date).bind(m.expected.as_str()).fetch_one(c).await.map_err(db_err))
}

pub async fn movements(store: &Store) -> Result<Vec<Movement>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT id, unit_id, title, from_date, to_date, expected FROM emulation_movements ORDER BY from_date DESC, id DESC")
        .fetch_all(p).await.map_err(db_err)?.iter().map(|r| Movement {
            id: r.get(0), unit_id: r.get(1), title: r.get(2), from_date: r.get(3), to_date: r.get(4),
            expected: Expected::parse(&r.get::<String, _>(5)).unwrap_or(Expected::Everyone),
        }).collect()))
}

pub async fn upsert_registration(tx: &mut Tx, r: &Registration) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO emulation_registrations (movement_id, person_id, content, registered_on) VALUES ($1, $2, $3, $4)
         ON CONFLICT (movement_id, person_id) DO UPDATE SET content = excluded.content, registered_on = excluded.registered_on RETURNING id")
        .bind(r.movement_id).bind(r.person_id).bind(&r.content).bind(r.registered_on).fetch_one(c).await.map_err(db_err))
}

pub async fn registration(store: &Store, id: Id) -> Result<Option<Registration>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT id, movement_id, person_id, content, registered_on FROM emulation_registrations WHERE id = $1")
        .bind(id).fetch_optional(p).await.map_err(db_err)?
        .map(|r| Registration { id: r.get(0), movement_id: r.get(1), person_id: r.get(2), content: r.get(3), registered_on: r.get(4) })))
}

/// Registrations to a movement by the given people.
pub async fn registrations(store: &Store, movement: Id, people: &[Id]) -> Result<Vec<Registration>> {
    let ids = serde_json::to_string(people).expect("ids serialise");
    let sql = format!(
        "SELECT id, movement_id, person_id, content, registered_on FROM emulation_registrations WHERE movement_id = $2 AND person_id IN {}",
        units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(ids).bind(movement).fetch_all(p).await.map_err(db_err)?.iter()
        .map(|r| Registration { id: r.get(0), movement_id: r.get(1), person_id: r.get(2), content: r.get(3), registered_on: r.get(4) }).collect()))
}

/// Every registration to a movement.
pub async fn registrations_to(store: &Store, movement: Id) -> Result<Vec<Registration>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT id, movement_id, person_id, content, registered_on FROM emulation_registrations WHERE movement_id = $1 ORDER BY id")
        .bind(movement).fetch_all(p).await.map_err(db_err)?.iter()
        .map(|r| Registration { id: r.get(0), movement_id: r.get(1), person_id: r.get(2), content: r.get(3), registered_on: r.get(4) }).collect()))
}

pub async fn upsert_review(tx: &mut Tx, r: &Review) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO emulation_reviews (registration_id, month, met, comment) VALUES ($1, $2, $3, $4)
         ON CONFLICT (registration_id, month) DO UPDATE SET met = excluded.met, comment = excluded.comment")
        .bind(r.registration_id).bind(r.month).bind(r.met).bind(&r.comment).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// Reviews of the given registrations.
pub async fn reviews(store: &Store, registrations: &[Id]) -> Result<Vec<Review>> {
    let ids = serde_json::to_string(registrations).expect("ids serialise");
    let sql = format!(
        "SELECT registration_id, month, met, comment FROM emulation_reviews WHERE registration_id IN {} ORDER BY month",
        units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(ids).fetch_all(p).await.map_err(db_err)?.iter()
        .map(|r| Review { registration_id: r.get(0), month: r.get(1), met: r.get(2), comment: r.get(3) }).collect()))
}
