//! Rating scales and evaluations.
use lamtheo_domain::evaluation::{Evaluation, RatingLevel, Subject};
use lamtheo_domain::{Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, units_in, Store, Tx};

/// (scale, code, name_vi, name_en, rank, good_or_better, excellent, min_score)
type Seed = (&'static str, &'static str, &'static str, &'static str, i32, bool, bool, Option<i32>);

/// The scales every deployment starts with. Scales change with regulations: more are rows.
const SEED_LEVELS: [Seed; 12] = [
    ("qd124", "xuat_sac", "Hoàn thành xuất sắc nhiệm vụ", "Excellent", 1, true, true, None),
    ("qd124", "tot", "Hoàn thành tốt nhiệm vụ", "Good", 2, true, false, None),
    ("qd124", "hoan_thanh", "Hoàn thành nhiệm vụ", "Completed", 3, false, false, None),
    ("qd124", "khong_hoan_thanh", "Không hoàn thành nhiệm vụ", "Not completed", 4, false, false, None),
    ("qd366", "xuat_sac", "Hoàn thành xuất sắc nhiệm vụ (từ 90 điểm)", "Excellent (90+)", 1, true, true, Some(90)),
    ("qd366", "tot", "Hoàn thành tốt nhiệm vụ (70 đến dưới 90 điểm)", "Good (70–89)", 2, true, false, Some(70)),
    (
        "qd366",
        "hoan_thanh",
        "Hoàn thành nhiệm vụ (50 đến dưới 70 điểm)",
        "Completed (50–69)",
        3,
        false,
        false,
        Some(50),
    ),
    (
        "qd366",
        "khong_hoan_thanh",
        "Không hoàn thành nhiệm vụ (dưới 50 điểm)",
        "Not completed (<50)",
        4,
        false,
        false,
        Some(0),
    ),
    ("cu", "tot", "Tốt", "Good", 1, true, false, None),
    ("cu", "kha", "Khá", "Fair", 2, false, false, None),
    ("cu", "trung_binh", "Trung bình", "Average", 3, false, false, None),
    ("cu", "yeu", "Yếu", "Weak", 4, false, false, None),
];

pub async fn seed_levels(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    for (scale, code, vi, en, rank, good, excellent, min) in SEED_LEVELS {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO rating_levels (scale, code, name_vi, name_en, rank, good_or_better, excellent, min_score) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (scale, code) DO NOTHING")
            .bind(scale).bind(code).bind(vi).bind(en).bind(rank).bind(good).bind(excellent).bind(min)
            .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    tx.commit().await
}

pub async fn levels(store: &Store) -> Result<Vec<RatingLevel>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT scale, code, name_vi, name_en, rank, good_or_better, excellent, min_score FROM rating_levels ORDER BY scale, rank")
        .fetch_all(p).await.map_err(db_err)?.iter().map(|r| RatingLevel {
            scale: r.get(0), code: r.get(1), name_vi: r.get(2), name_en: r.get(3), rank: r.get(4), good_or_better: r.get(5), excellent: r.get(6), min_score: r.get(7),
        }).collect()))
}

pub async fn upsert(tx: &mut Tx, e: &Evaluation) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO evaluations (subject, subject_id, year, quarter, scale, level_code, score, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (subject, subject_id, year, quarter) DO UPDATE SET scale = excluded.scale, level_code = excluded.level_code, score = excluded.score, note = excluded.note")
        .bind(e.subject.as_str()).bind(e.subject_id).bind(e.year).bind(e.quarter).bind(&e.scale).bind(&e.level_code).bind(e.score).bind(&e.note)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// One subject's rating for a year (quarter 0) or a quarter.
pub async fn get(
    store: &Store,
    subject: Subject,
    subject_id: Id,
    year: i32,
    quarter: i32,
) -> Result<Option<Evaluation>> {
    on_pool!(store.read(), p => Ok(sqlx::query(
        "SELECT scale, level_code, score, note FROM evaluations WHERE subject = $1 AND subject_id = $2 AND year = $3 AND quarter = $4")
        .bind(subject.as_str()).bind(subject_id).bind(year).bind(quarter).fetch_optional(p).await.map_err(db_err)?
        .map(|r| Evaluation { subject, subject_id, year, quarter, scale: r.get(0), level_code: r.get(1), score: r.get(2), note: r.get(3) })))
}

/// Every rating of one person or unit, newest first.
pub async fn history(store: &Store, subject: Subject, subject_id: Id) -> Result<Vec<Evaluation>> {
    on_pool!(store.read(), p => Ok(sqlx::query(
        "SELECT year, quarter, scale, level_code, score, note FROM evaluations WHERE subject = $1 AND subject_id = $2 ORDER BY year DESC, quarter DESC")
        .bind(subject.as_str()).bind(subject_id).fetch_all(p).await.map_err(db_err)?.iter().map(|r| Evaluation {
            subject, subject_id, year: r.get(0), quarter: r.get(1), scale: r.get(2), level_code: r.get(3), score: r.get(4), note: r.get(5),
        }).collect()))
}

/// The evaluations of some people (for the entry page).
pub async fn of_people(store: &Store, people: &[Id], year: i32, quarter: i32) -> Result<Vec<Evaluation>> {
    let mut all = of_subjects(store, Subject::Person, people, year).await?;
    all.retain(|e| e.quarter == quarter);
    Ok(all)
}

/// Every rating of some people (or units) for a year and its quarters.
pub async fn of_subjects(store: &Store, subject: Subject, ids: &[Id], year: i32) -> Result<Vec<Evaluation>> {
    let ids = serde_json::to_string(ids).expect("ids serialise");
    let sql = format!(
        "SELECT subject_id, quarter, scale, level_code, score, note FROM evaluations WHERE subject = $2 AND subject_id IN {} AND year = $3 ORDER BY subject_id, quarter",
        units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(ids).bind(subject.as_str()).bind(year).fetch_all(p).await.map_err(db_err)?.iter().map(|r| Evaluation {
        subject, subject_id: r.get(0), year, quarter: r.get(1), scale: r.get(2), level_code: r.get(3), score: r.get(4), note: r.get(5),
    }).collect()))
}
