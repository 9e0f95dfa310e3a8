//! Breakthrough tasks.
use lamtheo_domain::tasks::{BreakthroughTask, TaskStatus};
use lamtheo_domain::{Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, units_in, Store, Tx};

const COLS: &str = "id, unit_id, from_year, to_year, title, field, responsible, status, result";

macro_rules! task_from_row {
    ($r:expr) => {{
        let r = $r;
        BreakthroughTask {
            id: r.get(0),
            unit_id: r.get(1),
            from_year: r.get(2),
            to_year: r.get(3),
            title: r.get(4),
            field: r.get(5),
            responsible: r.get(6),
            status: TaskStatus::parse(&r.get::<String, _>(7)).unwrap_or(TaskStatus::Planned),
            result: r.get(8),
        }
    }};
}

pub async fn insert(tx: &mut Tx, t: &BreakthroughTask) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO breakthrough_tasks (unit_id, from_year, to_year, title, field, responsible, status, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(t.unit_id).bind(t.from_year).bind(t.to_year).bind(&t.title).bind(&t.field).bind(&t.responsible).bind(t.status.as_str()).bind(&t.result)
        .fetch_one(c).await.map_err(db_err))
}

pub async fn update(tx: &mut Tx, t: &BreakthroughTask) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE breakthrough_tasks SET from_year = $2, to_year = $3, title = $4, field = $5, responsible = $6, status = $7, result = $8 WHERE id = $1")
        .bind(t.id).bind(t.from_year).bind(t.to_year).bind(&t.title).bind(&t.field).bind(&t.responsible).bind(t.status.as_str()).bind(&t.result)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn get(store: &Store, id: Id) -> Result<Option<BreakthroughTask>> {
    let sql = format!("SELECT {COLS} FROM breakthrough_tasks WHERE id = $1");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?.map(|r| task_from_row!(&r))))
}

/// Tasks of the given units whose years overlap [from_year, to_year].
/// The tasks a unit chose that run in some year of [from_year, to_year]. (One unit by its
/// own index: the planner cannot see how short a JSON list of units is.)
pub async fn of_unit(store: &Store, unit: Id, from_year: i32, to_year: i32) -> Result<Vec<BreakthroughTask>> {
    let sql = format!(
        "SELECT {COLS} FROM breakthrough_tasks WHERE unit_id = $1 AND from_year <= $3 AND to_year >= $2 ORDER BY id"
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(unit).bind(from_year).bind(to_year).fetch_all(p).await.map_err(db_err)?.iter().map(|r| task_from_row!(r)).collect()))
}

pub async fn of_units(store: &Store, units: &[Id], from_year: i32, to_year: i32) -> Result<Vec<BreakthroughTask>> {
    let ids = serde_json::to_string(units).expect("ids serialise");
    let sql = format!(
        "SELECT {COLS} FROM breakthrough_tasks WHERE unit_id IN {} AND from_year <= $3 AND to_year >= $2 ORDER BY unit_id, id",
        units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(ids).bind(from_year).bind(to_year).fetch_all(p).await.map_err(db_err)?.iter().map(|r| task_from_row!(r)).collect()))
}
