//! Campaign documents, topics, conferences, connection points and attendance.
use chrono::NaiveDate;
use lamtheo_domain::conference::{Attendance, AttendanceStatus, CampaignDoc, Conference, ConnectionPoint, Topic};
use lamtheo_domain::{Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

pub async fn insert_doc(tx: &mut Tx, code: &str, title: &str, issued_on: Option<NaiveDate>) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar("INSERT INTO campaign_docs (code, title, issued_on) VALUES ($1, $2, $3) RETURNING id")
        .bind(code).bind(title).bind(issued_on).fetch_one(c).await.map_err(db_err))
}

pub async fn docs(store: &Store) -> Result<Vec<CampaignDoc>> {
    on_pool!(store.read(), p => {
        let rows = sqlx::query("SELECT id, code, title, issued_on FROM campaign_docs ORDER BY issued_on, id").fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| CampaignDoc { id: r.get(0), code: r.get(1), title: r.get(2), issued_on: r.get(3) }).collect())
    })
}

pub async fn insert_topic(tx: &mut Tx, t: &Topic) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar("INSERT INTO topics (code, title, year, term_wide, deadline, doc_id, unit_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(&t.code).bind(&t.title).bind(t.year).bind(t.term_wide).bind(t.deadline).bind(t.doc_id).bind(t.unit_id).fetch_one(c).await.map_err(db_err))
}

pub async fn topics(snapshot: &mut Tx) -> Result<Vec<Topic>> {
    on_tx!(snapshot, p => {
        let rows = sqlx::query("SELECT id, code, title, year, term_wide, deadline, doc_id, unit_id FROM topics ORDER BY year DESC, code").fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| Topic { id: r.get(0), code: r.get(1), title: r.get(2), year: r.get(3), term_wide: r.get(4), deadline: r.get(5), doc_id: r.get(6), unit_id: r.get(7) }).collect())
    })
}

pub async fn insert(tx: &mut Tx, k: &Conference) -> Result<Id> {
    let id: Id = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO conferences (code, unit_id, held_on, title, level, online, others_count, unlisted_members, regular_meeting, study_content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(&k.code).bind(k.unit_id).bind(k.held_on).bind(&k.title).bind(&k.level).bind(k.online).bind(k.others_count).bind(k.unlisted_members).bind(k.regular_meeting).bind(k.study_content)
        .fetch_one(c).await.map_err(db_err))?;
    set_topics(tx, id, &k.topic_ids).await?;
    Ok(id)
}

pub async fn update(tx: &mut Tx, k: &Conference) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE conferences SET unit_id = $2, held_on = $3, title = $4, level = $5, online = $6, others_count = $7, unlisted_members = $8, regular_meeting = $9, study_content = $10 WHERE id = $1")
        .bind(k.id).bind(k.unit_id).bind(k.held_on).bind(&k.title).bind(&k.level).bind(k.online).bind(k.others_count).bind(k.unlisted_members).bind(k.regular_meeting).bind(k.study_content)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    set_topics(tx, k.id, &k.topic_ids).await
}

/// Deletes a conference with its attendance, connection points and topics.
pub async fn delete(tx: &mut Tx, id: Id) -> Result<()> {
    for table in ["attendances", "conference_points", "conference_topics"] {
        let sql = format!("DELETE FROM {table} WHERE conference_id = $1");
        on_tx!(tx, c => sqlx::query(&sql).bind(id).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    on_tx!(tx, c => sqlx::query("DELETE FROM conferences WHERE id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

async fn set_topics(tx: &mut Tx, id: Id, topic_ids: &[Id]) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM conference_topics WHERE conference_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    for t in topic_ids {
        on_tx!(tx, c => sqlx::query("INSERT INTO conference_topics (conference_id, topic_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id).bind(*t).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    Ok(())
}

const CONF_COLS: &str =
    "id, code, unit_id, held_on, title, level, online, others_count, unlisted_members, regular_meeting, study_content";

macro_rules! conf_from_row {
    ($r:expr) => {{
        let r = $r;
        Conference {
            id: r.get(0),
            code: r.get(1),
            unit_id: r.get(2),
            held_on: r.get(3),
            title: r.get(4),
            level: r.get(5),
            online: r.get(6),
            others_count: r.get(7),
            unlisted_members: r.get(8),
            topic_ids: vec![],
            regular_meeting: r.get(9),
            study_content: r.get(10),
        }
    }};
}

/// Every conference with its topics (for building the roll-up index).
pub async fn all(snapshot: &mut Tx) -> Result<Vec<Conference>> {
    let sql = format!("SELECT {CONF_COLS} FROM conferences ORDER BY id");
    let mut confs: Vec<Conference> = on_tx!(snapshot, p => sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?.iter().map(|r| conf_from_row!(r)).collect());
    let pairs: Vec<(Id, Id)> = on_tx!(snapshot, p => sqlx::query_as("SELECT conference_id, topic_id FROM conference_topics ORDER BY conference_id")
        .fetch_all(p).await.map_err(db_err))?;
    let index: std::collections::HashMap<Id, usize> = confs.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    for (c, t) in pairs {
        if let Some(&i) = index.get(&c) {
            confs[i].topic_ids.push(t);
        }
    }
    Ok(confs)
}

pub async fn get(store: &Store, id: Id) -> Result<Option<Conference>> {
    let sql = format!("SELECT {CONF_COLS} FROM conferences WHERE id = $1");
    let conf = on_pool!(store.read(), p => sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?.map(|r| conf_from_row!(&r)));
    let Some(mut conf) = conf else { return Ok(None) };
    conf.topic_ids = on_pool!(store.read(), p => sqlx::query_scalar("SELECT topic_id FROM conference_topics WHERE conference_id = $1 ORDER BY topic_id")
        .bind(id).fetch_all(p).await.map_err(db_err))?;
    Ok(Some(conf))
}

pub async fn find_by_code(tx: &mut Tx, code: &str) -> Result<Option<Conference>> {
    let sql = format!("SELECT {CONF_COLS} FROM conferences WHERE code = $1");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(code).fetch_optional(c).await.map_err(db_err)?.map(|r| conf_from_row!(&r))))
}

/// Conferences organised by one unit in a date range, newest first.
pub async fn list_by_unit(
    store: &Store,
    unit_id: Id,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<Conference>> {
    let sql = format!("SELECT {CONF_COLS} FROM conferences WHERE unit_id = $1 AND held_on >= $2 AND held_on <= $3 ORDER BY held_on DESC, id DESC LIMIT $4");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(unit_id).bind(from).bind(to).bind(limit).fetch_all(p).await.map_err(db_err)?
        .iter().map(|r| conf_from_row!(r)).collect()))
}

pub async fn points(tx: &mut Tx, conference_id: Id) -> Result<Vec<ConnectionPoint>> {
    on_tx!(tx, p => Ok(sqlx::query("SELECT conference_id, unit_id, others_count, unlisted_members FROM conference_points WHERE conference_id = $1 ORDER BY unit_id")
        .bind(conference_id).fetch_all(p).await.map_err(db_err)?
        .iter().map(|r| ConnectionPoint { conference_id: r.get(0), unit_id: r.get(1), others_count: r.get(2), unlisted_members: r.get(3) }).collect()))
}

pub async fn upsert_point(tx: &mut Tx, pt: &ConnectionPoint) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO conference_points (conference_id, unit_id, others_count, unlisted_members) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conference_id, unit_id) DO UPDATE SET others_count = excluded.others_count, unlisted_members = excluded.unlisted_members")
        .bind(pt.conference_id).bind(pt.unit_id).bind(pt.others_count).bind(pt.unlisted_members).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn attendance(tx: &mut Tx, conference_id: Id) -> Result<Vec<Attendance>> {
    on_tx!(tx, p => Ok(sqlx::query("SELECT conference_id, person_id, point_unit_id, status FROM attendances WHERE conference_id = $1")
        .bind(conference_id).fetch_all(p).await.map_err(db_err)?
        .iter().map(|r| Attendance { conference_id: r.get(0), person_id: r.get(1), point_unit_id: r.get(2),
            status: AttendanceStatus::parse(&r.get::<String, _>(3)).unwrap_or(AttendanceStatus::Absent) }).collect()))
}

pub async fn get_attendance(tx: &mut Tx, conference_id: Id, person_id: Id) -> Result<Option<Attendance>> {
    on_tx!(tx, c => Ok(sqlx::query("SELECT conference_id, person_id, point_unit_id, status FROM attendances WHERE conference_id = $1 AND person_id = $2")
        .bind(conference_id).bind(person_id).fetch_optional(c).await.map_err(db_err)?
        .map(|r| Attendance { conference_id: r.get(0), person_id: r.get(1), point_unit_id: r.get(2),
            status: AttendanceStatus::parse(&r.get::<String, _>(3)).unwrap_or(AttendanceStatus::Absent) })))
}

pub async fn upsert_attendance(tx: &mut Tx, a: &Attendance) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO attendances (conference_id, person_id, point_unit_id, status) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conference_id, person_id) DO UPDATE SET point_unit_id = excluded.point_unit_id, status = excluded.status")
        .bind(a.conference_id).bind(a.person_id).bind(a.point_unit_id).bind(a.status.as_str()).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// A person's attendance history: (conference, their status), newest first.
pub async fn attended_by(store: &Store, person_id: Id, limit: i64) -> Result<Vec<(Conference, AttendanceStatus)>> {
    let cols = CONF_COLS.split(", ").map(|c| format!("c.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {cols}, a.status FROM attendances a JOIN conferences c ON c.id = a.conference_id WHERE a.person_id = $1 ORDER BY c.held_on DESC, c.id DESC LIMIT $2"
    );
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(person_id).bind(limit).fetch_all(p).await.map_err(db_err)?.iter().map(|r| {
        let status = AttendanceStatus::parse(&r.get::<String, _>(11)).unwrap_or(AttendanceStatus::Absent);
        (conf_from_row!(r), status)
    }).collect()))
}
