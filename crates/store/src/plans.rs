//! Personal plans and commitments.
use chrono::{NaiveDate, Utc};
use lamtheo_domain::plans::{PersonalPlan, PlanKind, PlanStatus};
use lamtheo_domain::{Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, units_in, Store, Tx};

const COLS: &str =
    "id, person_id, kind, from_year, to_year, content, status, comment, updated_at, submitted_on, reviewed_on";

macro_rules! plan_from_row {
    ($r:expr) => {{
        let r = $r;
        PersonalPlan {
            id: r.get(0),
            person_id: r.get(1),
            kind: PlanKind::parse(&r.get::<String, _>(2)).unwrap_or(PlanKind::YearPlan),
            from_year: r.get(3),
            to_year: r.get(4),
            content: r.get(5),
            status: PlanStatus::parse(&r.get::<String, _>(6)).unwrap_or(PlanStatus::Draft),
            comment: r.get(7),
            updated_at: r.get(8),
            submitted_on: r.get(9),
            reviewed_on: r.get(10),
        }
    }};
}

/// Writes a person's plan of a kind and years (one per person, kind and years).
pub async fn upsert(tx: &mut Tx, p: &PersonalPlan) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO personal_plans (person_id, kind, from_year, to_year, content, status, comment, updated_at, submitted_on, reviewed_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (person_id, kind, from_year, to_year) DO UPDATE SET content = excluded.content, status = excluded.status, comment = excluded.comment, updated_at = excluded.updated_at,
           submitted_on = excluded.submitted_on, reviewed_on = excluded.reviewed_on
         RETURNING id")
        .bind(p.person_id).bind(p.kind.as_str()).bind(p.from_year).bind(p.to_year).bind(&p.content).bind(p.status.as_str()).bind(&p.comment).bind(Utc::now())
        .bind(p.submitted_on).bind(p.reviewed_on)
        .fetch_one(c).await.map_err(db_err))
}

pub async fn get(store: &Store, id: Id) -> Result<Option<PersonalPlan>> {
    let sql = format!("SELECT {COLS} FROM personal_plans WHERE id = $1");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?.map(|r| plan_from_row!(&r))))
}

pub async fn of_person(store: &Store, person_id: Id) -> Result<Vec<PersonalPlan>> {
    of_people(store, &[person_id]).await
}

/// Every plan of some people, newest years first.
pub async fn of_people(store: &Store, people: &[Id]) -> Result<Vec<PersonalPlan>> {
    let ids = serde_json::to_string(people).expect("ids serialise");
    let sql = format!(
        "SELECT {COLS} FROM personal_plans WHERE person_id IN {} ORDER BY person_id, from_year DESC, kind",
        units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(ids).fetch_all(p).await.map_err(db_err)?.iter().map(|r| plan_from_row!(r)).collect()))
}

/// Plans of a kind covering `year`, of the given people.
pub async fn covering(store: &Store, people: &[Id], kind: PlanKind, year: i32) -> Result<Vec<PersonalPlan>> {
    let ids = serde_json::to_string(people).expect("ids serialise");
    let sql = format!(
        "SELECT {COLS} FROM personal_plans WHERE person_id IN {} AND kind = $2 AND from_year <= $3 AND to_year >= $3",
        units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(ids).bind(kind.as_str()).bind(year).fetch_all(p).await.map_err(db_err)?.iter().map(|r| plan_from_row!(r)).collect()))
}

/// (people with a submitted plan of `kind` covering `year`, party members expected to have
/// one): members with a membership in `units` overlapping [first, last].
pub async fn figures(
    store: &Store,
    units: &[Id],
    kind: PlanKind,
    year: i32,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<(i64, i64)> {
    let ids = serde_json::to_string(units).expect("ids serialise");
    let sql = format!(
        "SELECT COUNT(DISTINCT p.id),
                COUNT(DISTINCT CASE WHEN EXISTS (SELECT 1 FROM personal_plans k WHERE k.person_id = p.id AND k.kind = $2
                    AND k.from_year <= $3 AND k.to_year >= $3 AND k.status IN ('submitted', 'acknowledged')) THEN p.id END)
         FROM people p JOIN memberships m ON m.person_id = p.id
         WHERE p.is_member AND m.unit_id IN {} AND m.valid_from <= $5 AND (m.valid_to IS NULL OR m.valid_to > $4)",
        units_in(store.engine, 1)
    );
    let (expected, made): (i64, i64) = on_pool!(store.read(), p => sqlx::query_as(&sql).bind(ids).bind(kind.as_str()).bind(year).bind(first).bind(last)
        .fetch_one(p).await.map_err(db_err))?;
    Ok((made, expected))
}
