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
/// Made / expected among the people who belonged to `units` during [first, last]: party
/// members, and everyone on the rolls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct MadeOf {
    pub made: i64,
    pub expected: i64,
    pub made_all: i64,
    pub expected_all: i64,
}

/// A plan of `kind` covering `year`, submitted or acknowledged, by person `p`.
fn made(kind_param: usize) -> String {
    format!(
        "EXISTS (SELECT 1 FROM personal_plans k WHERE k.person_id = p.id AND k.kind = ${kind_param}
            AND k.from_year <= $2 AND k.to_year >= $2 AND k.status IN ('submitted', 'acknowledged'))"
    )
}

/// People who made a plan of each of `kinds` covering `year` (one kind: that plan; two: both).
async fn made_of(
    store: &Store,
    units: &[Id],
    kinds: &[PlanKind],
    year: i32,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<MadeOf> {
    let ids = serde_json::to_string(units).expect("ids serialise");
    let all_made = (0..kinds.len()).map(|k| made(5 + k)).collect::<Vec<_>>().join(" AND ");
    let sql = format!(
        "SELECT COUNT(DISTINCT CASE WHEN p.is_member THEN p.id END),
                COUNT(DISTINCT CASE WHEN p.is_member AND {all_made} THEN p.id END),
                COUNT(DISTINCT p.id),
                COUNT(DISTINCT CASE WHEN {all_made} THEN p.id END)
         FROM people p JOIN memberships m ON m.person_id = p.id
         WHERE m.unit_id IN {} AND m.valid_from <= $4 AND (m.valid_to IS NULL OR m.valid_to > $3)",
        units_in(store.engine, 1)
    );
    let (expected, made, expected_all, made_all): (i64, i64, i64, i64) = on_pool!(store.read(), p => {
        let mut q = sqlx::query_as(&sql).bind(ids).bind(year).bind(first).bind(last);
        for k in kinds {
            q = q.bind(k.as_str());
        }
        q.fetch_one(p).await.map_err(db_err)
    })?;
    Ok(MadeOf { made, expected, made_all, expected_all })
}

/// Plans of `kind` covering `year` among the people who belonged to `units` in [first, last].
pub async fn figures(
    store: &Store,
    units: &[Id],
    kind: PlanKind,
    year: i32,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<MadeOf> {
    made_of(store, units, &[kind], year, first, last).await
}

/// People who made both the term plan covering `year` and the year's plan, among those who
/// belonged to `units` during the year ("hơn 20.000 người xây dựng kế hoạch làm theo Bác giai
/// đoạn 2021-2025 và năm 2022").
pub async fn both(store: &Store, units: &[Id], year: i32) -> Result<MadeOf> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    made_of(store, units, &[PlanKind::TermPlan, PlanKind::YearPlan], year, first, last).await
}
