//! The periodic report's tables: requests from an upper level, each unit's report with its
//! saved versions, the register of issued documents, and the periods locked by approval.
//! Dates and times are ISO text (the same on both engines); drafts and outlines are JSON.
use chrono::NaiveDate;
use lamtheo_domain::{Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: Id,
    /// The unit that asks.
    pub unit_id: Id,
    pub title: String,
    /// Months as `Month.0`.
    pub period_from: i32,
    pub period_to: i32,
    /// ISO date.
    pub deadline: String,
    /// The outline (sections with guidance, annexes), JSON.
    pub outline: serde_json::Value,
    /// The units asked, JSON array of ids.
    pub recipients: Vec<Id>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: Id,
    pub request_id: Option<Id>,
    pub unit_id: Id,
    /// drafting, submitted, returned, approved.
    pub state: String,
    /// The draft, JSON.
    pub body: serde_json::Value,
    pub version: i32,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    /// The upper level's comment when it returned the report.
    pub comment: String,
    pub reminded_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub version: i32,
    pub body: serde_json::Value,
    pub saved_at: String,
    pub saved_by: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Issued {
    pub id: Id,
    pub unit_id: Id,
    pub doc_type: String,
    pub term: String,
    pub number: i32,
    /// "499-BC/TU".
    pub symbol: String,
    pub report_id: Option<Id>,
    pub issued_on: String,
    /// The summary (trích yếu) as issued.
    pub summary: String,
    /// The files as issued (kept as base64 text, as images are); empty where a listing read
    /// the document without them.
    pub pdf: Vec<u8>,
    pub docx: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lock {
    pub id: Id,
    pub unit_id: Id,
    pub period_from: i32,
    pub period_to: i32,
    /// The tree's date the locked figures were read on (ISO).
    pub as_of: String,
    pub report_id: Option<Id>,
    pub locked_at: String,
    pub unlocked_at: Option<String>,
    pub unlocked_by: Option<String>,
    pub reason: Option<String>,
}

fn unbase64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap_or_default()
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_default()
}

const REQUEST_COLS: &str = "id, unit_id, title, period_from, period_to, deadline, outline, recipients, created_at";

macro_rules! request_from_row {
    ($r:expr) => {{
        let r = $r;
        Request {
            id: r.get(0),
            unit_id: r.get(1),
            title: r.get(2),
            period_from: r.get(3),
            period_to: r.get(4),
            deadline: r.get(5),
            outline: json(r.get(6)),
            recipients: serde_json::from_str(r.get::<&str, _>(7)).unwrap_or_default(),
            created_at: r.get(8),
        }
    }};
}

const REPORT_COLS: &str =
    "id, request_id, unit_id, state, body, version, submitted_at, decided_at, comment, reminded_at";

macro_rules! report_from_row {
    ($r:expr) => {{
        let r = $r;
        Report {
            id: r.get(0),
            request_id: r.get(1),
            unit_id: r.get(2),
            state: r.get(3),
            body: json(r.get(4)),
            version: r.get(5),
            submitted_at: r.get(6),
            decided_at: r.get(7),
            comment: r.get(8),
            reminded_at: r.get(9),
        }
    }};
}

const ISSUED_COLS: &str = "id, unit_id, doc_type, term, number, symbol, report_id, issued_on, summary, pdf, docx";
/// The same columns with the files left out (a listing).
const ISSUED_LISTED: &str =
    "id, unit_id, doc_type, term, number, symbol, report_id, issued_on, summary, '' AS pdf, '' AS docx";

macro_rules! issued_from_row {
    ($r:expr) => {{
        let r = $r;
        Issued {
            id: r.get(0),
            unit_id: r.get(1),
            doc_type: r.get(2),
            term: r.get(3),
            number: r.get(4),
            symbol: r.get(5),
            report_id: r.get(6),
            issued_on: r.get(7),
            summary: r.get(8),
            pdf: unbase64(r.get(9)),
            docx: unbase64(r.get(10)),
        }
    }};
}

const LOCK_COLS: &str =
    "id, unit_id, period_from, period_to, as_of, report_id, locked_at, unlocked_at, unlocked_by, reason";

macro_rules! lock_from_row {
    ($r:expr) => {{
        let r = $r;
        Lock {
            id: r.get(0),
            unit_id: r.get(1),
            period_from: r.get(2),
            period_to: r.get(3),
            as_of: r.get(4),
            report_id: r.get(5),
            locked_at: r.get(6),
            unlocked_at: r.get(7),
            unlocked_by: r.get(8),
            reason: r.get(9),
        }
    }};
}

pub async fn insert_request(tx: &mut Tx, r: &Request) -> Result<Id> {
    let recipients = serde_json::to_string(&r.recipients).expect("ids serialise");
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO report_requests (unit_id, title, period_from, period_to, deadline, outline, recipients, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(r.unit_id).bind(&r.title).bind(r.period_from).bind(r.period_to).bind(&r.deadline)
        .bind(r.outline.to_string()).bind(recipients).bind(&r.created_at)
        .fetch_one(c).await.map_err(db_err))
}

pub async fn request(store: &Store, id: Id) -> Result<Option<Request>> {
    let sql = format!("SELECT {REQUEST_COLS} FROM report_requests WHERE id = $1");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?.map(|r| request_from_row!(&r))))
}

/// Every request, newest first (a few a year per unit: the callers filter by scope).
pub async fn requests(store: &Store) -> Result<Vec<Request>> {
    let sql = format!("SELECT {REQUEST_COLS} FROM report_requests ORDER BY id DESC");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?.iter().map(|r| request_from_row!(r)).collect()))
}

pub async fn insert_report(tx: &mut Tx, r: &Report) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO reports (request_id, unit_id, state, body, version, comment) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(r.request_id).bind(r.unit_id).bind(&r.state).bind(r.body.to_string()).bind(r.version).bind(&r.comment)
        .fetch_one(c).await.map_err(db_err))
}

pub async fn update_report(tx: &mut Tx, r: &Report) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE reports SET state = $2, body = $3, version = $4, submitted_at = $5, decided_at = $6, comment = $7, \
         reminded_at = $8 WHERE id = $1")
        .bind(r.id).bind(&r.state).bind(r.body.to_string()).bind(r.version).bind(&r.submitted_at)
        .bind(&r.decided_at).bind(&r.comment).bind(&r.reminded_at)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn report(store: &Store, id: Id) -> Result<Option<Report>> {
    let sql = format!("SELECT {REPORT_COLS} FROM reports WHERE id = $1");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?.map(|r| report_from_row!(&r))))
}

/// A report read in the writer's transaction (what a change is made over).
pub async fn report_in(tx: &mut Tx, id: Id) -> Result<Option<Report>> {
    let sql = format!("SELECT {REPORT_COLS} FROM reports WHERE id = $1");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(id).fetch_optional(c).await.map_err(db_err)?.map(|r| report_from_row!(&r))))
}

/// The reports made for a request.
pub async fn reports_of_request(store: &Store, request: Id) -> Result<Vec<Report>> {
    let sql = format!("SELECT {REPORT_COLS} FROM reports WHERE request_id = $1 ORDER BY id");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(request).fetch_all(p).await.map_err(db_err)?.iter().map(|r| report_from_row!(r)).collect()))
}

/// A unit's report for a request, read in the writer's transaction.
pub async fn report_for_in(tx: &mut Tx, request: Id, unit: Id) -> Result<Option<Report>> {
    let sql = format!("SELECT {REPORT_COLS} FROM reports WHERE request_id = $1 AND unit_id = $2");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(request).bind(unit).fetch_optional(c).await.map_err(db_err)?.map(|r| report_from_row!(&r))))
}

pub async fn insert_version(tx: &mut Tx, report: Id, v: &Version) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO report_versions (report_id, version, body, saved_at, saved_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(report).bind(v.version).bind(v.body.to_string()).bind(&v.saved_at).bind(&v.saved_by)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// A report's saved versions, newest first: (version, saved at, by), without their bodies
/// (a draft saved as it is typed has many, each the whole draft).
pub async fn versions(store: &Store, report: Id) -> Result<Vec<(i32, String, String)>> {
    on_pool!(store.read(), p => Ok(sqlx::query_as(
        "SELECT version, saved_at, saved_by FROM report_versions WHERE report_id = $1 ORDER BY version DESC")
        .bind(report).fetch_all(p).await.map_err(db_err)?))
}

/// One saved version of a report, with its body.
pub async fn version(store: &Store, report: Id, version: i32) -> Result<Option<Version>> {
    on_pool!(store.read(), p => Ok(sqlx::query(
        "SELECT version, body, saved_at, saved_by FROM report_versions WHERE report_id = $1 AND version = $2")
        .bind(report).bind(version).fetch_optional(p).await.map_err(db_err)?
        .map(|r| Version { version: r.get(0), body: json(r.get(1)), saved_at: r.get(2), saved_by: r.get(3) })))
}

/// The next number in the register of `unit`'s documents of a type in a term.
pub async fn next_number(tx: &mut Tx, unit: Id, doc_type: &str, term: &str) -> Result<i32> {
    let max: Option<i32> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MAX(number) FROM issued_documents WHERE unit_id = $1 AND doc_type = $2 AND term = $3")
        .bind(unit).bind(doc_type).bind(term).fetch_one(c).await.map_err(db_err))?;
    Ok(max.unwrap_or(0) + 1)
}

pub async fn insert_issued(tx: &mut Tx, d: &Issued) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO issued_documents (unit_id, doc_type, term, number, symbol, report_id, issued_on, summary, pdf, docx) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(d.unit_id).bind(&d.doc_type).bind(&d.term).bind(d.number).bind(&d.symbol).bind(d.report_id)
        .bind(&d.issued_on).bind(&d.summary).bind(base64(&d.pdf)).bind(base64(&d.docx))
        .fetch_one(c).await.map_err(db_err))
}

/// The documents issued for a report, newest first, without their files.
pub async fn issued_of_report(store: &Store, report: Id) -> Result<Vec<Issued>> {
    let sql = format!("SELECT {ISSUED_LISTED} FROM issued_documents WHERE report_id = $1 ORDER BY id DESC");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(report).fetch_all(p).await.map_err(db_err)?.iter().map(|r| issued_from_row!(r)).collect()))
}

pub async fn issued(store: &Store, id: Id) -> Result<Option<Issued>> {
    let sql = format!("SELECT {ISSUED_COLS} FROM issued_documents WHERE id = $1");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?.map(|r| issued_from_row!(&r))))
}

/// A unit's register of outgoing documents, newest first, without their files.
pub async fn register(store: &Store, unit: Id) -> Result<Vec<Issued>> {
    let sql =
        format!("SELECT {ISSUED_LISTED} FROM issued_documents WHERE unit_id = $1 ORDER BY issued_on DESC, id DESC");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(unit).fetch_all(p).await.map_err(db_err)?.iter().map(|r| issued_from_row!(r)).collect()))
}

/// The days of a unit's congresses, earliest first, read in the writer's transaction (the
/// register's term at issue).
pub async fn congresses_in(tx: &mut Tx, unit: Id) -> Result<Vec<NaiveDate>> {
    let days: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT held_on FROM congresses WHERE unit_id = $1 ORDER BY held_on")
        .bind(unit).fetch_all(c).await.map_err(db_err))?;
    Ok(days.iter().filter_map(|d| d.parse().ok()).collect())
}

/// Records a congress of a unit; false when it was already recorded.
pub async fn insert_congress(tx: &mut Tx, unit: Id, held_on: NaiveDate) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO congresses (unit_id, held_on) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(unit).bind(held_on.to_string()).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(n > 0)
}

pub async fn insert_lock(tx: &mut Tx, l: &Lock) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO period_locks (unit_id, period_from, period_to, as_of, report_id, locked_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(l.unit_id).bind(l.period_from).bind(l.period_to).bind(&l.as_of).bind(l.report_id).bind(&l.locked_at)
        .fetch_one(c).await.map_err(db_err))
}

/// The locks in force, read in the writer's transaction (every write checks them).
pub async fn active_locks_in(tx: &mut Tx) -> Result<Vec<Lock>> {
    let sql = format!("SELECT {LOCK_COLS} FROM period_locks WHERE unlocked_at IS NULL ORDER BY id");
    on_tx!(tx, c => Ok(sqlx::query(&sql).fetch_all(c).await.map_err(db_err)?.iter().map(|r| lock_from_row!(r)).collect()))
}

/// Every lock, in force or lifted, newest first.
pub async fn locks(store: &Store) -> Result<Vec<Lock>> {
    let sql = format!("SELECT {LOCK_COLS} FROM period_locks ORDER BY id DESC");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?.iter().map(|r| lock_from_row!(r)).collect()))
}

pub async fn lock_in(tx: &mut Tx, id: Id) -> Result<Option<Lock>> {
    let sql = format!("SELECT {LOCK_COLS} FROM period_locks WHERE id = $1");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(id).fetch_optional(c).await.map_err(db_err)?.map(|r| lock_from_row!(&r))))
}

pub async fn unlock(tx: &mut Tx, id: Id, at: &str, by: &str, reason: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE period_locks SET unlocked_at = $2, unlocked_by = $3, reason = $4 WHERE id = $1")
        .bind(id).bind(at).bind(by).bind(reason)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// A unit's reports of its own (made without a request), newest first.
pub async fn own_reports(store: &Store, unit: Id) -> Result<Vec<Report>> {
    let sql = format!("SELECT {REPORT_COLS} FROM reports WHERE unit_id = $1 AND request_id IS NULL ORDER BY id DESC");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(unit).fetch_all(p).await.map_err(db_err)?.iter().map(|r| report_from_row!(r)).collect()))
}
