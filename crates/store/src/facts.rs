//! Bulk reads of every fact the roll-up index is built from, all in one snapshot (see
//! `Store::snapshot`). Attendance is streamed: a large province holds millions of rows and
//! they are never all materialised as rows at once.
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use lamtheo_domain::conference::{Attendance, AttendanceStatus, ConnectionPoint};
use lamtheo_domain::people::Membership;
use lamtheo_domain::Result;
use sqlx::Row;

use crate::{db_err, on_tx, Tx};

pub async fn memberships(snapshot: &mut Tx) -> Result<Vec<Membership>> {
    on_tx!(snapshot, p => {
        let mut out = Vec::new();
        let mut rows = sqlx::query("SELECT id, person_id, unit_id, valid_from, valid_to FROM memberships").fetch(&mut *p);
        while let Some(r) = rows.try_next().await.map_err(db_err)? {
            out.push(Membership { id: r.get(0), person_id: r.get(1), unit_id: r.get(2), valid_from: r.get(3), valid_to: r.get(4) });
        }
        Ok(out)
    })
}

pub async fn points(snapshot: &mut Tx) -> Result<Vec<ConnectionPoint>> {
    on_tx!(snapshot, p => Ok(sqlx::query("SELECT conference_id, unit_id, others_count, unlisted_members FROM conference_points").fetch_all(&mut *p).await.map_err(db_err)?
        .iter().map(|r| ConnectionPoint { conference_id: r.get(0), unit_id: r.get(1), others_count: r.get(2), unlisted_members: r.get(3) }).collect()))
}

/// Calls `each` for every attendance row, streaming.
pub async fn for_each_attendance(snapshot: &mut Tx, mut each: impl FnMut(Attendance)) -> Result<()> {
    on_tx!(snapshot, p => {
        let mut rows = sqlx::query("SELECT conference_id, person_id, point_unit_id, status FROM attendances").fetch(&mut *p);
        while let Some(r) = rows.try_next().await.map_err(db_err)? {
            let status: &str = r.get(3);
            each(Attendance { conference_id: r.get(0), person_id: r.get(1), point_unit_id: r.get(2),
                status: AttendanceStatus::parse(status).unwrap_or(AttendanceStatus::Absent) });
        }
        Ok(())
    })
}

/// The people who are party members (`Person::is_member`).
pub async fn members(snapshot: &mut Tx) -> Result<Vec<lamtheo_domain::Id>> {
    on_tx!(snapshot, p => sqlx::query_scalar("SELECT id FROM people WHERE is_member").fetch_all(&mut *p).await.map_err(db_err))
}

/// Every rating: (subject, subject id, year, quarter, scale, level code).
pub async fn ratings(snapshot: &mut Tx) -> Result<Vec<(String, lamtheo_domain::Id, i32, i32, String, String)>> {
    on_tx!(snapshot, p => sqlx::query_as("SELECT subject, subject_id, year, quarter, scale, level_code FROM evaluations").fetch_all(&mut *p).await.map_err(db_err))
}

/// Every post a person held: (person, from, to, key cadre, head of unit).
pub async fn posts(snapshot: &mut Tx) -> Result<Vec<(lamtheo_domain::Id, NaiveDate, Option<NaiveDate>, bool, bool)>> {
    on_tx!(snapshot, p => sqlx::query_as("SELECT person_id, valid_from, valid_to, key_cadre, head_of_unit FROM person_posts").fetch_all(&mut *p).await.map_err(db_err))
}

/// Every registration for a movement: (registration, movement, person).
pub async fn registrations(
    snapshot: &mut Tx,
) -> Result<Vec<(lamtheo_domain::Id, lamtheo_domain::Id, lamtheo_domain::Id)>> {
    on_tx!(snapshot, p => sqlx::query_as("SELECT id, movement_id, person_id FROM emulation_registrations").fetch_all(&mut *p).await.map_err(db_err))
}

/// Every registration's monthly reviews, a row per year: (registration, year, months reviewed,
/// months met), the months as 12-bit masks (bit 0: January). Folded by the database, because
/// the country has some 50 million reviews and a row costs far more to read than to fold; the
/// key (registration, month) makes the sum of distinct bits their union.
pub async fn for_each_review_year(
    snapshot: &mut Tx,
    mut each: impl FnMut(lamtheo_domain::Id, i32, u16, u16),
) -> Result<()> {
    on_tx!(snapshot, p => {
        let mut rows = sqlx::query("SELECT registration_id, month / 12, SUM(1 << (month % 12)), \
            SUM(CASE WHEN met THEN 1 << (month % 12) ELSE 0 END) FROM emulation_reviews GROUP BY registration_id, month / 12").fetch(&mut *p);
        while let Some(r) = rows.try_next().await.map_err(db_err)? {
            let (reviewed, met): (i64, i64) = (r.get(2), r.get(3));
            each(r.get(0), r.get(1), reviewed as u16, met as u16);
        }
        Ok(())
    })
}

/// Every breakthrough task: (task, unit, first year, last year).
pub async fn tasks(snapshot: &mut Tx) -> Result<Vec<(lamtheo_domain::Id, lamtheo_domain::Id, i32, i32)>> {
    on_tx!(snapshot, p => sqlx::query_as("SELECT id, unit_id, from_year, to_year FROM breakthrough_tasks").fetch_all(&mut *p).await.map_err(db_err))
}
