//! Imports of whole lists from .xlsx/.csv: parse (every bad row at once), check against the
//! database and the actor's scope (again every bad row), then write everything in one
//! audited transaction — or nothing. Matching is by natural keys (unit code, card number or
//! person ID, conference code), so importing the same file twice changes nothing.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource, Role};
use lamtheo_domain::conference::{Attendance, ConnectionPoint, Topic};
use lamtheo_domain::people::{check_post_from, Person};
use lamtheo_domain::{Error, ErrorCode, Id, Result};
use lamtheo_importer::{self as importer, Kind, Limits, Parsed, Reading, RowError};
use lamtheo_store::import_history::{self as history, ImportRecord, Outcome};
use lamtheo_store::{conferences as conf_store, people as people_store, units, Tx};
use serde::Serialize;

use crate::audit::{self, snapshot, value, Change, RowChange};
use crate::App;

/// Progress of an import: (stage, done, total). The stages come in this order: "parse"
/// (reading the file; done/total in bytes or rows, as the reader counts), "check" (rows
/// checked against the database and the actor's scope) and "write" (rows written).
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Send + Sync);

/// Rows of the import history a page shows.
pub const HISTORY_PAGE: i64 = 50;

/// How often (in rows) a long loop reports its progress: often enough for the bar to move,
/// rarely enough that taking the job's lock costs nothing.
const EVERY: usize = 500;

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct ImportSummary {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl ImportSummary {
    /// Counts a record: `None` when it is new, else whether it changed.
    pub(crate) fn record(&mut self, changed: Option<bool>) {
        match changed {
            None => self.created += 1,
            Some(changed) => self.existing(changed),
        }
    }

    /// Counts a record that already existed as updated or unchanged.
    fn existing(&mut self, changed: bool) {
        if changed {
            self.updated += 1;
        } else {
            self.unchanged += 1;
        }
    }
}

/// See `App::import_turn`; the turn ends when this is dropped.
pub struct ImportTurn {
    _permit: tokio::sync::OwnedSemaphorePermit,
}

/// A rejected import: every problem, each naming file, row and column.
pub fn rejected(mut errors: Vec<RowError>) -> Error {
    errors.sort_by_key(|e| e.row);
    let n = errors.len();
    Error {
        details: errors.iter().map(|e| e.to_string()).collect(),
        ..Error::msg(
            ErrorCode::ImportRejected,
            format!("Tệp có {n} lỗi; chưa nhập dòng nào"),
            format!("The file has {n} errors; nothing was imported"),
        )
    }
}

/// An upload larger than the file limit (413), naming the limit; nothing of it was read past it.
pub fn too_large(file: &str, limits: &Limits) -> Error {
    Error { code: ErrorCode::TooLarge, ..rejected(vec![limits.file_too_large(file)]) }
}

/// Reports `done` of `total` rows of `stage`, on the first row and every `EVERY` after.
pub(crate) fn tick(progress: Progress<'_>, stage: &str, done: usize, total: usize) {
    if done.is_multiple_of(EVERY) {
        progress(stage, done as u64, total as u64);
    }
}

pub(crate) fn row_err(file: &str, row: usize, column: &str, vi: String, en: String) -> RowError {
    RowError { file: file.to_string(), row, column: column.to_string(), message_vi: vi, message_en: en }
}

/// A form check's error as a row error: its field names the column (`fields` maps one to
/// the other).
pub(crate) fn field_err(file: &str, row: usize, e: Error, fields: &[(&str, &str)]) -> RowError {
    let column = e.field.as_deref().and_then(|f| fields.iter().find(|(name, _)| *name == f)).map_or("", |(_, c)| c);
    row_err(file, row, column, e.message_vi, e.message_en)
}

/// The people file's column of the day a change of post takes effect.
const POST_FROM: &str = "Chức vụ có hiệu lực từ ngày";

/// A person key that names nobody the actor may write for: unknown and out of scope read
/// the same, so a file cannot probe who exists elsewhere.
pub(crate) fn no_person(file: &str, row: usize, key: &str) -> RowError {
    row_err(
        file,
        row,
        "Mã định danh hoặc số thẻ",
        format!("Không có người nào mang mã «{key}» trong phạm vi của bạn"),
        format!("No person with ID «{key}» in your scope"),
    )
}

impl App {
    /// Imports a file of any kind (see `Kind`). The role is checked before a byte of the file
    /// is read; the file is parsed off the async runtime, a few at a time, within `limits()`.
    /// Progress goes through the stages "parse", "check" and "write", each with done/total.
    /// Every import that got past the role check — imported, rejected or failed — leaves a
    /// row in the import history (`import_history`).
    pub async fn import(
        &self,
        actor: &Actor,
        kind: Kind,
        file: &str,
        bytes: &[u8],
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        self.check_import(actor, kind)?;
        let started_at = Utc::now();
        let result = self.import_kind(actor, kind, file, bytes, progress).await;
        self.remember_import(actor, kind, file, started_at, &result).await;
        result
    }

    /// Records how an import ended in the history. A failure to do so is logged, not returned:
    /// the import itself has committed (or was refused) by now, and saying otherwise would
    /// tell the person their data was not written when it was.
    async fn remember_import(
        &self,
        actor: &Actor,
        kind: Kind,
        file: &str,
        started_at: DateTime<Utc>,
        result: &Result<ImportSummary>,
    ) {
        let mut record = ImportRecord {
            id: 0,
            user_id: actor.user_id,
            username: actor.username.clone(),
            kind: kind.slug().to_string(),
            file_name: file.to_string(),
            started_at,
            finished_at: Utc::now(),
            outcome: Outcome::Imported,
            rows: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            error_count: 0,
            message_vi: String::new(),
            message_en: String::new(),
            first_error: None,
        };
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        match result {
            Ok(s) => {
                (record.rows, record.created, record.updated, record.unchanged) =
                    (count(s.rows), count(s.created), count(s.updated), count(s.unchanged));
            }
            Err(e) => {
                // What the file holds turned it away; anything else (a locked period, the
                // database) is a failure the file may not be to blame for.
                record.outcome = match e.code {
                    ErrorCode::ImportRejected | ErrorCode::TooLarge => Outcome::Rejected,
                    _ => Outcome::Failed,
                };
                record.error_count = count(e.details.len().max(1));
                record.message_vi = e.message_vi.clone();
                record.message_en = e.message_en.clone();
                record.first_error = e.details.first().cloned();
            }
        }
        if let Err(e) = history::insert(&self.store, &record).await {
            tracing::warn!(error = %e, file, "the import could not be recorded in its history");
        }
    }

    /// The import history an account may read, newest first, `HISTORY_PAGE` a page (`page`
    /// from 1), and whether there is a next page. A system-wide administrator reads every
    /// account's; anyone else their own, as the file names and errors speak of their data.
    pub async fn import_history(&self, actor: &Actor, page: u32) -> Result<(Vec<ImportRecord>, bool)> {
        let user = (actor.role != Role::Admin || actor.scope.is_some()).then_some(actor.user_id);
        let offset = i64::from(page.max(1) - 1) * HISTORY_PAGE;
        // One more than a page: whether there is a next one, without counting them all.
        let mut rows = history::list(&self.store, user, offset, HISTORY_PAGE + 1).await?;
        let more = rows.len() as i64 > HISTORY_PAGE;
        rows.truncate(HISTORY_PAGE as usize);
        Ok((rows, more))
    }

    async fn import_kind(
        &self,
        actor: &Actor,
        kind: Kind,
        file: &str,
        bytes: &[u8],
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        progress("parse", 0, bytes.len() as u64);
        let bytes: Arc<[u8]> = bytes.into();
        let summary = match kind {
            Kind::Units => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_units).await?;
                self.import_units(actor, file, rows, errors, progress).await?
            }
            Kind::People => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_people).await?;
                self.import_people(actor, file, rows, errors, progress).await?
            }
            Kind::Conferences => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_conferences).await?;
                self.import_conferences(actor, file, rows, errors, progress).await?
            }
            Kind::Attendance => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_attendance).await?;
                self.import_attendance(actor, file, rows, errors, progress).await?
            }
            Kind::Points => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_points).await?;
                self.import_points(actor, file, rows, errors, progress).await?
            }
            // The campaign activities are not in the in-memory index: nothing for it to follow.
            Kind::Plans => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_plans).await?;
                return self.import_plans(actor, file, rows, errors, progress).await;
            }
            Kind::Registrations => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_registrations).await?;
                return self.import_registrations(actor, file, rows, errors, progress).await;
            }
            Kind::Reviews => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_reviews).await?;
                return self.import_reviews(actor, file, rows, errors, progress).await;
            }
            Kind::Evaluations => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_evaluations).await?;
                return self.import_evaluations(actor, file, rows, errors, progress).await;
            }
            Kind::CovenantUnits => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_covenant_units).await?;
                return self.import_covenant_units(actor, file, rows, errors, progress).await;
            }
            Kind::CovenantScores => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_covenant_scores).await?;
                return self.import_covenant_scores(actor, file, rows, errors, progress).await;
            }
            Kind::Tasks => {
                let (rows, errors) = self.parse(file, &bytes, progress, importer::parse_tasks).await?;
                return self.import_tasks(actor, file, rows, errors, progress).await;
            }
            Kind::Record(spec) => {
                let parse =
                    move |file: &str, bytes: &[u8], r: &mut Reading<'_>| importer::parse_records(spec, file, bytes, r);
                let (rows, errors) = self.parse(file, &bytes, progress, parse).await?;
                return self.import_records(actor, spec, file, rows, errors, progress).await;
            }
        };
        Ok(summary)
    }

    /// A turn to receive and import one file, to hold until the import is done; refused while
    /// `UPLOADS` files are held, so that uploads cannot fill the memory.
    pub fn import_turn(&self) -> Result<ImportTurn> {
        self.uploads.clone().try_acquire_owned().map(|_permit| ImportTurn { _permit }).map_err(|_| {
            Error::msg(
                ErrorCode::RateLimited,
                "Đang có nhiều tệp được nhập cùng lúc; hãy thử lại sau ít phút",
                "Too many files are being imported at once; try again in a few minutes",
            )
        })
    }

    /// May `actor` import files of `kind` at all? Asked before an upload is read, so that an
    /// account that may not write such records cannot make the server parse anything.
    /// (Each row is checked against the actor's scope afterwards.)
    pub fn check_import(&self, actor: &Actor, kind: Kind) -> Result<()> {
        let resource = match kind {
            Kind::Units => Resource::Tree,
            Kind::People => Resource::Person,
            Kind::Conferences | Kind::Attendance | Kind::Points => Resource::Conference,
            Kind::Plans
            | Kind::Registrations
            | Kind::Reviews
            | Kind::Evaluations
            | Kind::CovenantUnits
            | Kind::CovenantScores
            | Kind::Tasks
            | Kind::Record(_) => Resource::Activity,
        };
        self.check_role(actor, resource, true)
    }

    /// Parses a file on the blocking pool, at most `PARSERS` at a time, reporting its progress
    /// as the "parse" stage. Rows that parsed come back with the errors of those that did not,
    /// so that they are still checked against the database and the person sees every problem
    /// of the file at once.
    async fn parse<T: Send + 'static>(
        &self,
        file: &str,
        bytes: &Arc<[u8]>,
        progress: Progress<'_>,
        parse: impl FnOnce(&str, &[u8], &mut Reading<'_>) -> Parsed<T> + Send + 'static,
    ) -> Result<(Vec<T>, Vec<RowError>)> {
        let _turn = self.parsers.acquire().await.map_err(Error::internal)?;
        let done = Arc::new((AtomicU64::new(0), AtomicU64::new(0)));
        let mut task = {
            let (file, bytes, done, limits) = (file.to_string(), bytes.clone(), done.clone(), self.limits);
            tokio::task::spawn_blocking(move || {
                let mut reading = Reading::new(limits).with_progress(move |d, t| {
                    done.0.store(d, Ordering::Relaxed);
                    done.1.store(t, Ordering::Relaxed);
                });
                parse(&file, &bytes, &mut reading)
            })
        };
        let parsed = loop {
            tokio::select! {
                parsed = &mut task => break parsed.map_err(Error::internal)?,
                _ = tokio::time::sleep(std::time::Duration::from_millis(200)) => {
                    progress("parse", done.0.load(Ordering::Relaxed), done.1.load(Ordering::Relaxed));
                }
            }
        };
        let (rows, errors) = parsed.map_or_else(|f| (f.valid, f.errors), |rows| (rows, Vec::new()));
        // The reading's last word, then the checks' first: a small file is read before the
        // first tick above, and its bar would otherwise jump from nothing to the write.
        let read = match done.1.load(Ordering::Relaxed) {
            0 => bytes.len() as u64,
            total => total,
        };
        progress("parse", read, read);
        progress("check", 0, rows.len() as u64);
        Ok((rows, errors))
    }

    /// A unit code from a file: it must exist and the actor must be allowed to write there.
    pub(crate) fn unit_for(
        &self,
        actor: &Actor,
        code: &str,
        resource: Resource,
        file: &str,
        row: usize,
        column: &str,
    ) -> std::result::Result<Id, RowError> {
        let id = self.index().tree().by_code(code).map(|u| u.id);
        // Unknown and out of scope read the same, as `check` answers "not found" for both.
        match id {
            Some(id) if self.check(actor, id, resource, true).is_ok() => Ok(id),
            _ => Err(row_err(
                file,
                row,
                column,
                format!("Không có đơn vị mã «{code}» trong phạm vi của bạn"),
                format!("No unit with code «{code}» in your scope"),
            )),
        }
    }

    /// Audits an import in its transaction: each created or changed record, then the import.
    pub(crate) async fn audit_import(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        kind: &str,
        file: &str,
        summary: &ImportSummary,
        rows: Vec<RowChange>,
    ) -> Result<()> {
        // Each created or changed record gets its own audit row (see `audit::record_rows`),
        // then one row sums the import up.
        audit::record_rows(tx, actor, "import_row", rows).await?;
        let after = serde_json::json!({"file": file, "summary": summary});
        audit::record(
            tx,
            actor,
            Change {
                action: "import",
                entity: kind,
                entity_id: None,
                unit: actor.scope,
                before: None,
                after: snapshot(&after),
            },
        )
        .await
    }

    async fn import_units(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::UnitRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let kinds = self.kinds().await?;
        let today = self.today();
        let in_file: HashMap<&str, &importer::UnitRow> = rows.iter().map(|r| (r.code.as_str(), r)).collect();
        for (i, r) in rows.iter().enumerate() {
            tick(progress, "check", i, rows.len());
            if !kinds.iter().any(|k| k.code == r.kind) {
                let known = kinds.iter().map(|k| k.code.as_str()).collect::<Vec<_>>().join(", ");
                errors.push(row_err(
                    file,
                    r.row,
                    "Loại đơn vị",
                    format!("Loại «{}» không có; dùng một trong: {known}", r.kind),
                    format!("Unknown kind «{}»; use one of: {known}", r.kind),
                ));
            }
            match &r.parent_code {
                Some(p) if in_file.contains_key(p.as_str()) => {}
                Some(p) => {
                    if let Err(e) = self.unit_for(actor, p, Resource::Tree, file, r.row, "Mã đơn vị cấp trên") {
                        errors.push(e);
                    }
                }
                None if self.check_role(actor, Resource::Tree, true).is_ok() && actor.scope.is_none() => {}
                None => errors.push(row_err(
                    file,
                    r.row,
                    "Mã đơn vị cấp trên",
                    "Chỉ quản trị toàn hệ thống mới tạo được đơn vị gốc".into(),
                    "Only a system-wide administrator can create a root unit".into(),
                )),
            }
            if let Some(u) = self.index().tree().by_code(&r.code) {
                if self.check(actor, u.id, Resource::Tree, true).is_err() {
                    errors.push(row_err(
                        file,
                        r.row,
                        "Mã đơn vị",
                        // What the form says creating that code (no word of whose it is).
                        format!("Mã đơn vị «{}» đã tồn tại", r.code),
                        format!("Unit code «{}» already exists", r.code),
                    ));
                }
            }
        }
        // Parents first: repeat passes until every row's parent is placed (or a cycle remains).
        let mut order: Vec<&importer::UnitRow> = Vec::new();
        let mut placed: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut left: Vec<&importer::UnitRow> = rows.iter().collect();
        while !left.is_empty() {
            let (ready, rest): (Vec<_>, Vec<_>) = left
                .into_iter()
                .partition(|r| r.parent_code.as_deref().is_none_or(|p| !in_file.contains_key(p) || placed.contains(p)));
            if ready.is_empty() {
                for r in &rest {
                    errors.push(row_err(
                        file,
                        r.row,
                        "Mã đơn vị cấp trên",
                        "Quan hệ cấp trên tạo thành vòng lặp".into(),
                        "The parent links form a cycle".into(),
                    ));
                }
                break;
            }
            for r in ready {
                placed.insert(r.code.as_str());
                order.push(r);
            }
            left = rest;
        }
        if !errors.is_empty() {
            return Err(rejected(errors));
        }
        let mut summary = ImportSummary { rows: rows.len(), ..Default::default() };
        let mut tx = self.store.begin().await?;
        let mut ids: HashMap<String, Id> = HashMap::new();
        let mut audited = Vec::new();
        let total = order.len() as u64;
        for (i, r) in order.into_iter().enumerate() {
            let opened = r.founded_on.unwrap_or(today);
            let parent = r.parent_code.as_ref().map(|p| {
                ids.get(p)
                    .copied()
                    .or_else(|| self.index().tree().by_code(p).map(|u| u.id))
                    .expect("parent checked above")
            });
            let existing = self.index().tree().by_code(&r.code).cloned();
            match existing {
                None => {
                    let id = units::insert(&mut tx, &r.code, &r.name, &r.kind, opened).await?;
                    if let Some(p) = parent {
                        units::insert_link(&mut tx, id, p, opened, false).await?;
                    }
                    units::insert_lineage(
                        &mut tx,
                        lamtheo_domain::org::LineageKind::Create,
                        opened,
                        &[],
                        &[id],
                        "import",
                    )
                    .await?;
                    ids.insert(r.code.clone(), id);
                    summary.created += 1;
                    let after = serde_json::json!({"code": r.code, "name": r.name, "kind": r.kind, "parent_id": parent, "opened_on": opened});
                    audited.push(RowChange {
                        entity: "unit",
                        entity_id: Some(id),
                        unit: Some(id),
                        before: None,
                        after: value(&after),
                    });
                }
                Some(u) => {
                    ids.insert(r.code.clone(), u.id);
                    let current_parent = self.index().tree().parent_link_on(u.id, today).map(|l| l.parent_id);
                    let mut changed = false;
                    if u.name != r.name {
                        units::insert_name(&mut tx, u.id, &r.name, today).await?;
                        changed = true;
                    }
                    if let Some(p) = parent.filter(|p| current_parent != Some(*p)) {
                        units::end_link(&mut tx, u.id, today).await?;
                        units::insert_link(&mut tx, u.id, p, today, false).await?;
                        changed = true;
                    }
                    summary.existing(changed);
                    if changed {
                        let before = serde_json::json!({"name": u.name, "parent_id": current_parent});
                        let after = serde_json::json!({"name": r.name, "parent_id": parent.or(current_parent)});
                        audited.push(RowChange {
                            entity: "unit",
                            entity_id: Some(u.id),
                            unit: Some(u.id),
                            before: value(&before),
                            after: value(&after),
                        });
                    }
                }
            }
            if i.is_multiple_of(EVERY) {
                progress("write", i as u64, total);
            }
        }
        progress("write", total, total);
        self.audit_import(&mut tx, actor, "units", file, &summary, audited).await?;
        // Too many rows to say one by one: every server's index is built again.
        self.log(&mut tx, &[Delta::Rebuild]).await?;
        self.commit(tx).await?;
        Ok(summary)
    }

    async fn import_people(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::PersonRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let today = self.today();
        let mut resolved = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            tick(progress, "check", i, rows.len());
            let unit = match self.unit_for(actor, &r.unit_code, Resource::Person, file, r.row, "Mã đơn vị") {
                Ok(u) => u,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let person = Person {
                id: 0,
                person_code: r.person_id.clone(),
                card_no: r.card_number.clone(),
                full_name: r.full_name.clone(),
                gender: r.gender,
                birth_date: r.birth_date,
                ethnicity: r.ethnicity.clone(),
                is_member: r.party_member,
                admitted_on: r.admitted_on,
                official_on: r.official_on,
                position: r.position.clone(),
                key_cadre: r.key_cadre,
                head_of_unit: r.head_of_unit,
            };
            if let Err(e) = crate::people::validate(&person) {
                errors.push(row_err(file, r.row, e.field.as_deref().unwrap_or(""), e.message_vi, e.message_en));
                continue;
            }
            resolved.push((r, unit, person));
        }
        if !errors.is_empty() {
            return Err(rejected(errors));
        }
        let mut summary = ImportSummary { rows: rows.len(), ..Default::default() };
        let mut tx = self.store.begin().await?;
        let mut audited = Vec::new();
        // A person as audited: the record and the unit they belong to.
        let person_in = |p: &Person, unit: Option<Id>| {
            let mut v = serde_json::to_value(p).unwrap_or_default();
            v["unit_id"] = serde_json::json!(unit);
            Some(v)
        };
        let total = resolved.len() as u64;
        // A membership starts while its unit is open, as the form checks; every row that
        // breaks it is reported, and nothing is written.
        let mut closed = Vec::new();
        // A change of post dated before the recorded post began, likewise.
        let mut early_posts = Vec::new();
        let mut open_on = |unit: Id, on: chrono::NaiveDate, row: usize| match self.membership_unit(unit, on, "since") {
            Ok(_) => true,
            Err(e) => {
                closed.push(row_err(file, row, "Ngày bắt đầu sinh hoạt", e.message_vi, e.message_en));
                false
            }
        };
        for (i, (r, unit, mut person)) in resolved.into_iter().enumerate() {
            let since = r.member_since.or(r.admitted_on).unwrap_or(today);
            let key = person.natural_key().expect("validated").to_string();
            match people_store::find_by_key(&mut tx, &key).await? {
                None if !open_on(unit, since, r.row) => continue,
                None => {
                    // Their post holds from the row's date, else from the day they start here.
                    let id = people_store::insert(&mut tx, &person, r.post_from.unwrap_or(since)).await?;
                    people_store::insert_membership(&mut tx, id, unit, since).await?;
                    summary.created += 1;
                    person.id = id;
                    let after = person_in(&person, Some(unit));
                    audited.push(RowChange {
                        entity: "person",
                        entity_id: Some(id),
                        unit: Some(unit),
                        before: None,
                        after,
                    });
                }
                Some(existing) => {
                    person.id = existing.id;
                    let ms = people_store::memberships_of(&self.store, existing.id).await?;
                    let current = ms.iter().find(|m| m.valid_to.is_none());
                    // The person must be ours to change, wherever they are now.
                    if let Some(c) = current {
                        if self.check(actor, c.unit_id, Resource::Person, true).is_err() {
                            return Err(rejected(vec![row_err(
                                file,
                                r.row,
                                "Số thẻ đảng viên",
                                // What the form says creating that key (no word of whose it is).
                                format!("«{key}» đã tồn tại"),
                                format!("«{key}» already exists"),
                            )]));
                        }
                    }
                    // The details, and the post (position and marks), which changes from a
                    // date: the row's, else today; checked against the open post as the form does.
                    let details = Person {
                        position: existing.position.clone(),
                        key_cadre: existing.key_cadre,
                        head_of_unit: existing.head_of_unit,
                        ..person.clone()
                    };
                    let mut changed = existing != details;
                    if changed {
                        people_store::update(&mut tx, &person).await?;
                    }
                    let mut post_from = None;
                    if person.post_differs(&existing) {
                        let from = r.post_from.unwrap_or(today);
                        let open = people_store::open_post(&mut tx, existing.id).await?;
                        if let Err(e) = check_post_from(open.as_ref(), from) {
                            early_posts.push(row_err(file, r.row, POST_FROM, e.message_vi, e.message_en));
                            continue;
                        }
                        people_store::record_post(&mut tx, &person, from).await?;
                        post_from = Some(from);
                        changed = true;
                    }
                    if current.map(|c| c.unit_id) != Some(unit) {
                        let on = r.member_since.unwrap_or(today);
                        if !open_on(unit, on, r.row) {
                            continue;
                        }
                        people_store::end_memberships(&mut tx, existing.id, on).await?;
                        people_store::insert_membership(&mut tx, existing.id, unit, on).await?;
                        changed = true;
                    }
                    summary.existing(changed);
                    if changed {
                        let mut after = person_in(&person, Some(unit));
                        if let (Some(after), Some(from)) = (after.as_mut(), post_from) {
                            after["post_from"] = serde_json::json!(from);
                        }
                        audited.push(RowChange {
                            entity: "person",
                            entity_id: Some(existing.id),
                            unit: Some(unit),
                            before: person_in(&existing, current.map(|c| c.unit_id)),
                            after,
                        });
                    }
                }
            }
            if i.is_multiple_of(EVERY) {
                progress("write", i as u64, total);
            }
        }
        closed.append(&mut early_posts);
        if !closed.is_empty() {
            return Err(rejected(closed));
        }
        progress("write", total, total);
        self.audit_import(&mut tx, actor, "people", file, &summary, audited).await?;
        // Too many rows to say one by one: every server's index is built again.
        self.log(&mut tx, &[Delta::Rebuild]).await?;
        self.commit(tx).await?;
        Ok(summary)
    }

    async fn import_conferences(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::ConferenceRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let topic_list = self.topics().await?;
        let topics: HashMap<String, Topic> = topic_list.iter().map(|t| (t.code.clone(), t.clone())).collect();
        // The form's checks, row by row, with their fields named by the file's columns.
        let columns = [
            ("code", "Mã hội nghị"),
            ("held_on", "Ngày"),
            ("title", "Tên hội nghị"),
            ("level", "Cấp"),
            ("others_count", "Số lượt đoàn viên hội viên nhân dân"),
            ("unlisted_members", "Số lượt cán bộ đảng viên ngoài danh sách"),
            ("topic_ids", "Mã chuyên đề"),
        ];
        let mut resolved = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            tick(progress, "check", i, rows.len());
            let unit = self.unit_for(actor, &r.unit_code, Resource::Conference, file, r.row, "Mã đơn vị tổ chức");
            let mut topic_ids = Vec::new();
            for t in &r.topic_codes {
                match topics.get(t) {
                    Some(t) => topic_ids.push(t.id),
                    None => errors.push(row_err(
                        file,
                        r.row,
                        "Mã chuyên đề",
                        format!("Không có chuyên đề mã «{t}»"),
                        format!("No topic has code «{t}»"),
                    )),
                }
            }
            match unit {
                Ok(unit_id) => {
                    let input = crate::conferences::ConferenceInput {
                        code: r.code.clone(),
                        unit_id,
                        held_on: r.held_on,
                        title: r.title.clone(),
                        level: r.level.clone().unwrap_or_default(),
                        online: r.online,
                        others_count: r.others_count,
                        unlisted_members: r.unlisted_members,
                        topic_ids,
                        regular_meeting: r.regular_meeting,
                        study_content: r.study_content,
                    };
                    match self.validate_conference(&input, &topic_list) {
                        Ok(()) => resolved.push(input),
                        Err(e) => errors.push(field_err(file, r.row, e, &columns)),
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(rejected(errors));
        }
        let mut summary = ImportSummary { rows: rows.len(), ..Default::default() };
        let mut tx = self.store.begin().await?;
        let mut audited = Vec::new();
        // Where and when each row's conference is, and was: what the locks judge.
        let mut touched = Vec::new();
        let total = resolved.len() as u64;
        for (i, (input, r)) in resolved.iter().zip(&rows).enumerate() {
            let mut conf = self.conference_from(0, input);
            touched.push((conf.unit_id, conf.held_on, conf.held_on));
            match conf_store::find_by_code(&mut tx, &input.code).await? {
                None => {
                    conf.id = conf_store::insert(&mut tx, &conf).await?;
                    summary.created += 1;
                    audited.push(RowChange {
                        entity: "conference",
                        entity_id: Some(conf.id),
                        unit: Some(conf.unit_id),
                        before: None,
                        after: value(&conf),
                    });
                }
                Some(existing) => {
                    if self.check(actor, existing.unit_id, Resource::Conference, true).is_err() {
                        return Err(rejected(vec![row_err(
                            file,
                            r.row,
                            "Mã hội nghị",
                            // What the form says creating that code (no word of whose it is).
                            format!("Mã hội nghị «{}» đã tồn tại", input.code),
                            format!("Conference code «{}» already exists", input.code),
                        )]));
                    }
                    conf.id = existing.id;
                    touched.push((existing.unit_id, existing.held_on, existing.held_on));
                    conf_store::update(&mut tx, &conf).await?;
                    // Topics are not compared: `find_by_code` does not load them.
                    let changed =
                        existing != (lamtheo_domain::conference::Conference { topic_ids: vec![], ..conf.clone() });
                    summary.existing(changed);
                    if changed {
                        audited.push(RowChange {
                            entity: "conference",
                            entity_id: Some(conf.id),
                            unit: Some(conf.unit_id),
                            before: value(&existing),
                            after: value(&conf),
                        });
                    }
                }
            }
            if i.is_multiple_of(EVERY) {
                progress("write", i as u64, total);
            }
        }
        progress("write", total, total);
        self.check_locks_at(&mut tx, &touched).await?;
        self.audit_import(&mut tx, actor, "conferences", file, &summary, audited).await?;
        // Too many rows to say one by one: every server's index is built again.
        self.log(&mut tx, &[Delta::Rebuild]).await?;
        self.commit(tx).await?;
        Ok(summary)
    }

    async fn import_points(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::PointRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut tx = self.store.begin().await?;
        let mut resolved = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            tick(progress, "check", i, rows.len());
            let unit = self.unit_for(actor, &r.unit_code, Resource::Conference, file, r.row, "Mã đơn vị điểm cầu");
            let conf = self.conference_for(actor, &mut tx, &r.conference_code, file, r.row).await;
            match (unit, conf) {
                (Ok(unit_id), Ok(c)) if unit_id == c.unit_id => errors.push(row_err(
                    file,
                    r.row,
                    "Mã đơn vị điểm cầu",
                    "Điểm cầu phải ở đơn vị khác đơn vị tổ chức".into(),
                    "A connection point must be at another unit".into(),
                )),
                (Ok(unit_id), Ok(c)) => resolved.push(ConnectionPoint {
                    conference_id: c.id,
                    unit_id,
                    others_count: r.others_count,
                    unlisted_members: r.unlisted_members,
                }),
                (u, c) => errors.extend(u.err().into_iter().chain(c.err())),
            }
        }
        if !errors.is_empty() {
            return Err(rejected(errors));
        }
        let total = resolved.len() as u64;
        let mut recorded: HashMap<Id, Vec<ConnectionPoint>> = HashMap::new();
        let mut audited = Vec::new();
        for (i, p) in resolved.iter().enumerate() {
            tick(progress, "write", i, resolved.len());
            if let std::collections::hash_map::Entry::Vacant(slot) = recorded.entry(p.conference_id) {
                slot.insert(conf_store::points(&mut tx, p.conference_id).await?);
            }
            let old = recorded[&p.conference_id].iter().find(|o| o.unit_id == p.unit_id);
            conf_store::upsert_point(&mut tx, p).await?;
            audited.push(RowChange {
                entity: "conference",
                entity_id: Some(p.conference_id),
                unit: Some(p.unit_id),
                before: old.and_then(value),
                after: value(p),
            });
        }
        progress("write", total, total);
        let summary = ImportSummary { rows: rows.len(), updated: resolved.len(), ..Default::default() };
        self.check_locks_at(&mut tx, &self.conference_spans(resolved.iter().map(|p| p.conference_id))).await?;
        self.audit_import(&mut tx, actor, "points", file, &summary, audited).await?;
        // Too many rows to say one by one: every server's index is built again.
        self.log(&mut tx, &[Delta::Rebuild]).await?;
        self.commit(tx).await?;
        Ok(summary)
    }

    async fn import_attendance(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::AttendanceRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut tx = self.store.begin().await?;
        let mut confs: HashMap<String, (Id, Id, Vec<Id>)> = HashMap::new();
        let mut people: HashMap<String, Id> = HashMap::new();
        let mut resolved = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            tick(progress, "check", i, rows.len());
            if !confs.contains_key(&r.conference_code) {
                match self.conference_for(actor, &mut tx, &r.conference_code, file, r.row).await {
                    Ok(c) => {
                        let points = conf_store::points(&mut tx, c.id).await?.into_iter().map(|p| p.unit_id).collect();
                        confs.insert(r.conference_code.clone(), (c.id, c.unit_id, points));
                    }
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                }
            }
            let (conf_id, organiser, points) = confs[&r.conference_code].clone();
            let point = match &r.point_unit_code {
                None => None,
                Some(code) => match self.index().tree().by_code(code).map(|u| u.id) {
                    Some(id) if points.contains(&id) => Some(id),
                    _ => {
                        errors.push(row_err(
                            file,
                            r.row,
                            "Điểm cầu (mã đơn vị)",
                            format!("«{code}» không phải điểm cầu của hội nghị này"),
                            format!("«{code}» is not a connection point of this conference"),
                        ));
                        continue;
                    }
                },
            };
            if self.check(actor, point.unwrap_or(organiser), Resource::Conference, true).is_err() {
                errors.push(row_err(
                    file,
                    r.row,
                    "Mã hội nghị",
                    "Nơi dự hội nghị nằm ngoài phạm vi được phép".into(),
                    "The place of attendance is outside your scope".into(),
                ));
                continue;
            }
            let person = match people.get(&r.person_key) {
                Some(id) => *id,
                None => {
                    // The attendance form's check; someone outside it reads as unknown.
                    let found = match people_store::find_by_key(&mut tx, &r.person_key).await? {
                        Some(p) if self.may_attend(actor, p.id).await? => Some(p.id),
                        _ => None,
                    };
                    match found {
                        Some(id) => {
                            people.insert(r.person_key.clone(), id);
                            id
                        }
                        None => {
                            errors.push(no_person(file, r.row, &r.person_key));
                            continue;
                        }
                    }
                }
            };
            let attendance =
                Attendance { conference_id: conf_id, person_id: person, point_unit_id: point, status: r.status };
            resolved.push((attendance, point.unwrap_or(organiser)));
        }
        if !errors.is_empty() {
            return Err(rejected(errors));
        }
        let total = resolved.len() as u64;
        let mut summary = ImportSummary { rows: rows.len(), ..Default::default() };
        let mut audited = Vec::new();
        for (i, (a, place)) in resolved.iter().enumerate() {
            let old = conf_store::get_attendance(&mut tx, a.conference_id, a.person_id).await?;
            summary.record(old.as_ref().map(|old| old != a));
            if old.as_ref() != Some(a) {
                audited.push(RowChange {
                    entity: "conference",
                    entity_id: Some(a.conference_id),
                    unit: Some(*place),
                    before: old.as_ref().and_then(value),
                    after: value(a),
                });
            }
            conf_store::upsert_attendance(&mut tx, a).await?;
            if i.is_multiple_of(EVERY) {
                progress("write", i as u64, total);
            }
        }
        progress("write", total, total);
        self.check_locks_at(&mut tx, &self.conference_spans(resolved.iter().map(|(a, _)| a.conference_id))).await?;
        self.audit_import(&mut tx, actor, "attendance", file, &summary, audited).await?;
        // Too many rows to say one by one: every server's index is built again.
        self.log(&mut tx, &[Delta::Rebuild]).await?;
        self.commit(tx).await?;
        Ok(summary)
    }

    async fn conference_for(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        code: &str,
        file: &str,
        row: usize,
    ) -> std::result::Result<lamtheo_domain::conference::Conference, RowError> {
        let found = conf_store::find_by_code(tx, code).await.ok().flatten();
        match found {
            Some(c) if self.check(actor, c.unit_id, Resource::Conference, false).is_ok() => Ok(c),
            _ => Err(row_err(
                file,
                row,
                "Mã hội nghị",
                format!("Không có hội nghị mã «{code}» trong phạm vi của bạn"),
                format!("No conference with code «{code}» in your scope"),
            )),
        }
    }
}
