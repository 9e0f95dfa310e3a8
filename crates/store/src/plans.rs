//! Personal plans and commitments.
use chrono::Utc;
use lamtheo_domain::plans::{PersonalPlan, PlanKind, PlanMade, PlanStatus};
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
/// Every plan that counts as made (submitted or acknowledged), by person: what the roll-up
/// index counts plans from (read in its snapshot).
pub async fn made(snapshot: &mut Tx) -> Result<Vec<(Id, PlanMade)>> {
    on_tx!(snapshot, c => Ok(sqlx::query("SELECT person_id, kind, from_year, to_year FROM personal_plans WHERE status IN ('submitted', 'acknowledged')")
        .fetch_all(c).await.map_err(db_err)?.iter().filter_map(|r| {
            let kind = PlanKind::parse(&r.get::<String, _>(1))?;
            Some((r.get(0), PlanMade { kind, from_year: r.get(2), to_year: r.get(3) }))
        }).collect()))
}
