//! Imports of the campaign activities: plans, emulation registrations and reviews, ratings,
//! covenant signatories and scores, breakthrough tasks. Same contract as `imports.rs`: every
//! bad row at once, checked with the very functions the forms use, then one audited
//! transaction or nothing. Records are matched by their natural keys, so importing an
//! exported file changes nothing.
use std::collections::hash_map::{Entry, HashMap};

use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::covenant::{Campaign, Score, Signatory};
use lamtheo_domain::emulation::{Movement, Review};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::plans::{PersonalPlan, PlanStatus};
use lamtheo_domain::tasks::BreakthroughTask;
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_importer::{self as importer, RowError};
use lamtheo_store::{
    covenants as covenant_store, emulation as emulation_store, evaluations as evaluation_store, people as people_store,
    plans as plan_store, tasks as task_store, Tx,
};

use crate::imports::{rejected, row_err, ImportSummary, Progress};
use crate::App;

const PERSON_KEY: &str = "Mã định danh hoặc số thẻ";

/// A form check's error as a row error: its field names the column (`fields` maps one to
/// the other).
fn field_err(file: &str, row: usize, e: Error, fields: &[(&str, &str)]) -> RowError {
    let column = e.field.as_deref().and_then(|f| fields.iter().find(|(name, _)| *name == f)).map_or("", |(_, c)| c);
    row_err(file, row, column, e.message_vi, e.message_en)
}

/// Both lookups of a row, or else their errors added to the file's.
fn both<A, B>(
    a: std::result::Result<A, RowError>,
    b: std::result::Result<B, RowError>,
    errors: &mut Vec<RowError>,
) -> Option<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Some((a, b)),
        (a, b) => {
            errors.extend(a.err().into_iter().chain(b.err()));
            None
        }
    }
}

/// The people of a file, looked up once each: (person, their current unit), or why not.
#[derive(Default)]
struct People(HashMap<String, Lookup>);

/// (person, current unit), or the Vietnamese and English reasons why not.
type Lookup = std::result::Result<(Id, Id), (String, String)>;

/// The checked records of an import file, with whether each is new (`None`) or changed,
/// and every bad row found.
struct Batch<'a, T> {
    /// The audit record's entity.
    entity: &'static str,
    file: &'a str,
    rows: usize,
    errors: Vec<RowError>,
    resolved: Vec<(T, Option<bool>)>,
}

impl App {
    /// Writes a batch in one audited transaction (`tx`, or a new one), or — when any row was
    /// bad — reports them all and writes nothing. Unchanged records are not written again.
    async fn write_import<T>(
        &self,
        actor: &Actor,
        tx: Option<Tx>,
        batch: Batch<'_, T>,
        progress: Progress<'_>,
        write: impl AsyncFn(&mut Tx, &T) -> Result<()>,
    ) -> Result<ImportSummary> {
        if !batch.errors.is_empty() {
            return Err(rejected(batch.errors));
        }
        let mut tx = match tx {
            Some(tx) => tx,
            None => self.store.begin().await?,
        };
        let mut summary = ImportSummary { rows: batch.rows, ..Default::default() };
        for (record, changed) in &batch.resolved {
            if *changed != Some(false) {
                write(&mut tx, record).await?;
            }
            summary.record(*changed);
        }
        let total = batch.resolved.len() as u64;
        progress("write", total, total);
        self.finish(tx, actor, batch.entity, batch.file, &summary).await?;
        Ok(summary)
    }

    /// The person with this ID or card number, whose current unit the actor may write in.
    async fn person_for(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        people: &mut People,
        key: &str,
        file: &str,
        row: usize,
    ) -> Result<std::result::Result<(Id, Id), RowError>> {
        if !people.0.contains_key(key) {
            let found = match people_store::find_by_key(tx, key).await? {
                None => Err((format!("Không có người nào mang mã «{key}»"), format!("No person has ID «{key}»"))),
                Some(p) => match self.current_unit(p.id).await {
                    Ok(unit) if self.check(actor, unit, Resource::Person, true).is_ok() => Ok((p.id, unit)),
                    _ => Err((
                        format!("«{key}» thuộc một đơn vị ngoài phạm vi được phép"),
                        format!("«{key}» belongs to a unit outside your scope"),
                    )),
                },
            };
            people.0.insert(key.to_string(), found);
        }
        Ok(people.0[key].clone().map_err(|(vi, en)| row_err(file, row, PERSON_KEY, vi, en)))
    }

    async fn movement_for(
        &self,
        actor: &Actor,
        number: i64,
        file: &str,
        row: usize,
    ) -> std::result::Result<Movement, RowError> {
        self.movement(actor, number).await.map_err(|_| {
            row_err(
                file,
                row,
                "Số hiệu phong trào",
                format!("Không có phong trào số hiệu {number} trong phạm vi của bạn"),
                format!("No movement numbered {number} in your scope"),
            )
        })
    }

    async fn covenant_for(
        &self,
        actor: &Actor,
        number: i64,
        file: &str,
        row: usize,
    ) -> std::result::Result<Campaign, RowError> {
        self.covenant(actor, number).await.map_err(|_| {
            row_err(
                file,
                row,
                "Số hiệu giao ước",
                format!("Không có giao ước số hiệu {number} trong phạm vi của bạn"),
                format!("No covenant numbered {number} in your scope"),
            )
        })
    }

    pub(crate) async fn import_plans(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::PlanRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut tx = self.store.begin().await?;
        let mut people = People::default();
        let mut resolved = Vec::new();
        for r in &rows {
            let (person, _) = match self.person_for(actor, &mut tx, &mut people, &r.person_key, file, r.row).await? {
                Ok(p) => p,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let content = match crate::plans::plan_content(&r.content) {
                Ok(c) => c,
                Err(e) => {
                    errors.push(field_err(file, r.row, e, &[("content", "Nội dung")]));
                    continue;
                }
            };
            let (from_year, to_year) = r.kind.years_for(r.year);
            let existing = plan_store::of_person(&self.store, person)
                .await?
                .into_iter()
                .find(|p| p.kind == r.kind && p.from_year == from_year);
            // A day left empty keeps the one recorded, or is today when the status needs one.
            let today = self.today();
            let submitted = r.status != PlanStatus::Draft;
            let reviewed = matches!(r.status, PlanStatus::Acknowledged | PlanStatus::Returned);
            let submitted_on =
                r.submitted_on.or(existing.as_ref().and_then(|p| p.submitted_on)).or(Some(today)).filter(|_| submitted);
            let reviewed_on =
                r.reviewed_on.or(existing.as_ref().and_then(|p| p.reviewed_on)).or(Some(today)).filter(|_| reviewed);
            let plan = PersonalPlan {
                id: existing.as_ref().map_or(0, |p| p.id),
                person_id: person,
                kind: r.kind,
                from_year,
                to_year,
                content,
                status: r.status,
                comment: r.comment.clone(),
                submitted_on,
                reviewed_on,
                updated_at: chrono::Utc::now(),
            };
            let key =
                |p: &PersonalPlan| (p.content.clone(), p.status, p.comment.clone(), p.submitted_on, p.reviewed_on);
            let changed = existing.as_ref().map(|old| key(old) != key(&plan));
            if existing.as_ref().is_some_and(|old| old.status == PlanStatus::Acknowledged) && changed == Some(true) {
                errors.push(row_err(
                    file,
                    r.row,
                    "Nội dung",
                    "Chi bộ đã xác nhận bản này; không sửa được nữa".into(),
                    "The cell has acknowledged it; it can no longer change".into(),
                ));
                continue;
            }
            resolved.push((plan, changed));
        }
        let batch = Batch { entity: "personal_plans", file, rows: rows.len(), errors, resolved };
        self.write_import(actor, Some(tx), batch, progress, async |tx: &mut Tx, plan: &PersonalPlan| {
            plan_store::upsert(tx, plan).await.map(|_| ())
        })
        .await
    }

    pub(crate) async fn import_registrations(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::RegistrationRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut tx = self.store.begin().await?;
        let mut people = People::default();
        let mut resolved = Vec::new();
        for r in &rows {
            let movement = self.movement_for(actor, r.movement, file, r.row).await;
            let person = self.person_for(actor, &mut tx, &mut people, &r.person_key, file, r.row).await?;
            let Some((m, (person, unit))) = both(movement, person, &mut errors) else {
                continue;
            };
            let registration = match self.registration_for(&m, person, unit, &r.content, r.registered_on) {
                Ok(x) => x,
                Err(e) => {
                    let fields = [("person_id", PERSON_KEY), ("content", "Nội dung đăng ký")];
                    errors.push(field_err(file, r.row, e, &fields));
                    continue;
                }
            };
            let existing = emulation_store::registrations(&self.store, m.id, &[person]).await?;
            let changed = existing
                .first()
                .map(|old| (&old.content, old.registered_on) != (&registration.content, registration.registered_on));
            resolved.push((registration, changed));
        }
        let batch = Batch { entity: "emulation_registrations", file, rows: rows.len(), errors, resolved };
        self.write_import(
            actor,
            Some(tx),
            batch,
            progress,
            async |tx: &mut Tx, registration: &lamtheo_domain::emulation::Registration| {
                emulation_store::upsert_registration(tx, registration).await.map(|_| ())
            },
        )
        .await
    }

    pub(crate) async fn import_reviews(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::MonthlyReviewRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut tx = self.store.begin().await?;
        let mut people = People::default();
        let mut resolved = Vec::new();
        for r in &rows {
            let movement = self.movement_for(actor, r.movement, file, r.row).await;
            let person = self.person_for(actor, &mut tx, &mut people, &r.person_key, file, r.row).await?;
            let Some((m, (person, _))) = both(movement, person, &mut errors) else {
                continue;
            };
            let month = lamtheo_domain::period::Month(r.month);
            if month.last_day() < m.from_date || month.first_day() > m.to_date {
                errors.push(row_err(
                    file,
                    r.row,
                    "Tháng",
                    format!(
                        "Tháng {}/{} nằm ngoài thời gian của phong trào ({} – {})",
                        month.month(),
                        month.year(),
                        vn::fmt_date(m.from_date),
                        vn::fmt_date(m.to_date)
                    ),
                    format!("Month {}/{} is outside the movement's dates", month.month(), month.year()),
                ));
                continue;
            }
            let Some(registration) = emulation_store::registrations(&self.store, m.id, &[person]).await?.pop() else {
                errors.push(row_err(
                    file,
                    r.row,
                    PERSON_KEY,
                    format!("«{}» chưa đăng ký phong trào này", r.person_key),
                    format!("«{}» has not registered for this movement", r.person_key),
                ));
                continue;
            };
            let review =
                Review { registration_id: registration.id, month: r.month, met: r.met, comment: r.comment.clone() };
            let existing = emulation_store::reviews(&self.store, &[registration.id]).await?;
            let changed = existing.iter().find(|x| x.month == r.month).map(|old| *old != review);
            resolved.push((review, changed));
        }
        let batch = Batch { entity: "emulation_reviews", file, rows: rows.len(), errors, resolved };
        self.write_import(actor, Some(tx), batch, progress, async |tx: &mut Tx, review: &Review| {
            emulation_store::upsert_review(tx, review).await
        })
        .await
    }

    pub(crate) async fn import_evaluations(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::EvaluationRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let levels = self.rating_levels().await?;
        let mut tx = self.store.begin().await?;
        let mut people = People::default();
        let mut resolved = Vec::new();
        for r in &rows {
            let subject = match (&r.person_key, &r.unit_code) {
                (Some(key), _) => self
                    .person_for(actor, &mut tx, &mut people, key, file, r.row)
                    .await?
                    .map(|(person, _)| (Subject::Person, person)),
                (None, Some(code)) => {
                    self.unit_for(actor, code, Resource::Activity, file, r.row, "Mã đơn vị").map(|u| (Subject::Unit, u))
                }
                (None, None) => continue, // reported by the parser
            };
            let (subject, subject_id) = match subject {
                Ok(s) => s,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            // A level is named by its code or its name, in Vietnamese or English.
            let named = r.level.as_deref().map(|name| {
                let folded = vn::fold(name);
                levels
                    .iter()
                    .find(|l| {
                        l.scale == r.scale
                            && (l.code == name || vn::fold(&l.name_vi) == folded || vn::fold(&l.name_en) == folded)
                    })
                    .map_or_else(|| name.to_string(), |l| l.code.clone())
            });
            let rating = Evaluation {
                subject,
                subject_id,
                year: r.year,
                quarter: r.quarter,
                scale: r.scale.clone(),
                level_code: named.clone().unwrap_or_default(),
                score: r.score,
                note: r.note.clone(),
            };
            let fields =
                [("quarter", "Quý"), ("scale", "Thang đánh giá"), ("score", "Điểm"), ("level_code", "Mức xếp loại")];
            let rating = match crate::evaluations::checked_rating(&levels, rating) {
                Ok(x) => x,
                Err(e) => {
                    errors.push(field_err(file, r.row, e, &fields));
                    continue;
                }
            };
            if let (Some(named), Some(score)) = (&named, r.score) {
                if *named != rating.level_code {
                    errors.push(row_err(
                        file,
                        r.row,
                        "Mức xếp loại",
                        format!("Mức «{}» không khớp với điểm {score}", r.level.as_deref().unwrap_or_default()),
                        format!("Level «{}» does not match the score {score}", r.level.as_deref().unwrap_or_default()),
                    ));
                    continue;
                }
            }
            let existing = evaluation_store::get(&self.store, subject, subject_id, r.year, r.quarter).await?;
            let changed = existing.map(|old| old != rating);
            resolved.push((rating, changed));
        }
        let batch = Batch { entity: "evaluations", file, rows: rows.len(), errors, resolved };
        self.write_import(actor, Some(tx), batch, progress, async |tx: &mut Tx, rating: &Evaluation| {
            evaluation_store::upsert(tx, rating).await
        })
        .await
    }

    pub(crate) async fn import_covenant_units(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::SignatoryRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut lists: HashMap<Id, Vec<Signatory>> = HashMap::new();
        let mut resolved = Vec::new();
        for r in &rows {
            let covenant = self.covenant_for(actor, r.covenant, file, r.row).await;
            let unit = self.unit_for(actor, &r.unit_code, Resource::Activity, file, r.row, "Mã đơn vị");
            let Some((c, unit_id)) = both(covenant, unit, &mut errors) else {
                continue;
            };
            if let Entry::Vacant(slot) = lists.entry(c.id) {
                slot.insert(covenant_store::signatories(&self.store, c.id).await?);
            }
            let old = lists[&c.id].iter().find(|s| s.unit_id == unit_id).cloned();
            // Adding a unit to the list is the organiser's to do, as when it was created.
            if old.is_none() && self.check(actor, c.unit_id, Resource::Activity, true).is_err() {
                errors.push(row_err(
                    file,
                    r.row,
                    "Mã đơn vị",
                    format!("Đơn vị «{}» không thuộc danh sách ký giao ước", r.unit_code),
                    format!("Unit «{}» is not among the covenant's signatories", r.unit_code),
                ));
                continue;
            }
            let signatory = Signatory { unit_id, signed_on: r.signed_on, pilot: r.pilot };
            let changed = old.map(|old| old != signatory);
            resolved.push(((c.id, signatory), changed));
        }
        let batch = Batch { entity: "covenant_signatories", file, rows: rows.len(), errors, resolved };
        self.write_import(actor, None, batch, progress, async |tx: &mut Tx, (covenant, signatory): &(Id, Signatory)| {
            covenant_store::upsert_signatory(tx, *covenant, signatory).await
        })
        .await
    }

    pub(crate) async fn import_covenant_scores(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::ScoreRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut known: HashMap<Id, (Vec<Signatory>, Vec<Score>)> = HashMap::new();
        let mut resolved = Vec::new();
        for r in &rows {
            let covenant = self.covenant_for(actor, r.covenant, file, r.row).await.and_then(|c| {
                // Scores are the organiser's to give.
                match self.check(actor, c.unit_id, Resource::Activity, true) {
                    Ok(()) => Ok(c),
                    Err(_) => Err(row_err(
                        file,
                        r.row,
                        "Số hiệu giao ước",
                        format!("Chỉ đơn vị tổ chức mới chấm điểm giao ước số hiệu {}", r.covenant),
                        format!("Only the organiser scores covenant number {}", r.covenant),
                    )),
                }
            });
            let unit = self.unit_for(actor, &r.unit_code, Resource::Activity, file, r.row, "Mã đơn vị");
            let Some((c, unit_id)) = both(covenant, unit, &mut errors) else {
                continue;
            };
            if let Entry::Vacant(slot) = known.entry(c.id) {
                slot.insert((
                    covenant_store::signatories(&self.store, c.id).await?,
                    covenant_store::scores(&self.store, c.id).await?,
                ));
            }
            let (signatories, scores) = &known[&c.id];
            let score = Score { unit_id, group: r.group, score: r.score };
            if let Err(e) = crate::covenants::check_score(&c, signatories, &score) {
                let fields = [("group", "Nhóm nội dung"), ("score", "Điểm"), ("unit_id", "Mã đơn vị")];
                errors.push(field_err(file, r.row, e, &fields));
                continue;
            }
            let changed = scores.iter().find(|s| s.unit_id == unit_id && s.group == r.group).map(|old| *old != score);
            resolved.push(((c.id, score), changed));
        }
        let batch = Batch { entity: "covenant_scores", file, rows: rows.len(), errors, resolved };
        self.write_import(actor, None, batch, progress, async |tx: &mut Tx, (covenant, score): &(Id, Score)| {
            covenant_store::upsert_score(tx, *covenant, score).await
        })
        .await
    }

    pub(crate) async fn import_tasks(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::TaskRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut resolved = Vec::new();
        for r in &rows {
            let unit_id = match self.unit_for(actor, &r.unit_code, Resource::Activity, file, r.row, "Mã đơn vị") {
                Ok(u) => u,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let title = vn::fold(&r.title);
            let existing = task_store::of_units(&self.store, &[unit_id], r.from_year, r.from_year)
                .await?
                .into_iter()
                .find(|t| t.from_year == r.from_year && vn::fold(&t.title) == title);
            let task = BreakthroughTask {
                id: existing.as_ref().map_or(0, |t| t.id),
                unit_id,
                from_year: r.from_year,
                to_year: r.to_year,
                title: r.title.clone(),
                field: r.field.clone(),
                responsible: r.responsible.clone(),
                status: r.status,
                result: r.result.clone(),
            };
            if let Err(e) = crate::tasks::validate(&task) {
                errors.push(field_err(file, r.row, e, &[("title", "Tên nhiệm vụ"), ("to_year", "Đến năm")]));
                continue;
            }
            let changed = existing.map(|old| old != task);
            resolved.push((task, changed));
        }
        let batch = Batch { entity: "breakthrough_tasks", file, rows: rows.len(), errors, resolved };
        self.write_import(actor, None, batch, progress, async |tx: &mut Tx, task: &BreakthroughTask| match task.id {
            0 => task_store::insert(tx, task).await.map(|_| ()),
            _ => task_store::update(tx, task).await,
        })
        .await
    }
}
