//! Imports of the campaign activities: plans, emulation registrations and reviews, ratings,
//! covenant signatories and scores, breakthrough tasks. Same contract as `imports.rs`: every
//! bad row at once, checked with the very functions the forms use, then one audited
//! transaction or nothing. Records are matched by their natural keys, so importing an
//! exported file changes nothing.
use std::collections::hash_map::{Entry, HashMap};

use chrono::NaiveDate;
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::covenant::{Campaign, Score, Signatory};
use lamtheo_domain::emulation::{Movement, Registration, Review};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::people::{Membership, Person};
use lamtheo_domain::plans::{PersonalPlan, PlanKind, PlanStatus};
use lamtheo_domain::tasks::BreakthroughTask;
use lamtheo_domain::{vn, Id, Result};
use lamtheo_importer::{self as importer, RowError};
use lamtheo_store::{
    covenants as covenant_store, emulation as emulation_store, evaluations as evaluation_store, people as people_store,
    plans as plan_store, tasks as task_store, Tx,
};
use serde::Serialize;

use crate::audit::{value, RowChange};
use crate::imports::{field_err, no_person, rejected, row_err, tick, ImportSummary, Progress};
use crate::people::current_membership;
use crate::App;

const PERSON_KEY: &str = "Mã định danh hoặc số thẻ";
const MOVEMENT: (&str, &str) = ("phong trào", "movement");
const COVENANT: (&str, &str) = ("giao ước", "covenant");

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

/// The people a file names, looked up together: by key, (person, current unit) or why not.
struct People(HashMap<String, Lookup>, HashMap<Id, Vec<Membership>>);

/// (person, current unit), or None for a key naming nobody the actor may write for: unknown
/// and out of scope read the same (`no_person`).
type Lookup = Option<(Id, Id)>;

impl People {
    /// The person of a key that `people_named` was given.
    fn get(&self, key: &str, file: &str, row: usize) -> std::result::Result<(Id, Id), RowError> {
        self.0.get(key).copied().flatten().ok_or_else(|| no_person(file, row, key))
    }

    /// The person's unit on `day`, else the current one (`current`).
    fn unit_on(&self, person: Id, day: NaiveDate, current: Id) -> Id {
        self.1.get(&person).and_then(|ms| crate::people::unit_on(ms, day)).unwrap_or(current)
    }

    fn ids(&self) -> Vec<Id> {
        self.0.values().flatten().map(|(person, _)| *person).collect()
    }
}

/// A movement or covenant named by its number, among those the actor can see (`known`).
fn numbered<T: Clone>(
    known: &HashMap<Id, T>,
    number: i64,
    (file, row, column): (&str, usize, &str),
    (what_vi, what_en): (&str, &str),
) -> std::result::Result<T, RowError> {
    known.get(&number).cloned().ok_or_else(|| {
        row_err(
            file,
            row,
            column,
            format!("Không có {what_vi} số hiệu {number} trong phạm vi của bạn"),
            format!("No {what_en} numbered {number} in your scope"),
        )
    })
}

/// A checked record against what is recorded: `None` when new, else whether it changed and,
/// if it did, the recorded value (the audit's "before").
pub(crate) type Was = Option<(bool, Option<serde_json::Value>)>;

fn was<O: Serialize>(old: Option<&O>, changed: impl FnOnce(&O) -> bool) -> Was {
    old.map(|o| {
        let changed = changed(o);
        (changed, if changed { value(o) } else { None })
    })
}

/// Where a row's audit record is filed: under the record it concerns and that record's unit,
/// as a form's change of the same record is, so that the record's history and the unit's
/// audit show it.
#[derive(Clone, Copy)]
pub(crate) struct Filing {
    /// The record's id when it is known before the write (the write returns a new one's).
    pub id: Option<Id>,
    pub unit: Id,
}

/// The checked records of an import file, with what each was, and every bad row found.
pub(crate) struct Batch<'a, T> {
    /// The import's audit entity (the kind of file).
    pub entity: &'static str,
    /// The audit entity of each row: the record's, as its form names it.
    pub record: &'static str,
    pub file: &'a str,
    pub rows: usize,
    pub errors: Vec<RowError>,
    pub resolved: Vec<(T, Was, Filing)>,
    /// What the roll-up index keeps of a record, for those it holds (see `Delta`).
    /// Given the record and the id its write returned.
    pub delta: Option<fn(&T, Option<Id>) -> Delta>,
}

impl App {
    /// Writes a batch in one audited transaction (`tx`, or a new one), or — when any row was
    /// bad — reports them all and writes nothing. Unchanged records are not written again.
    pub(crate) async fn write_import<T: Serialize>(
        &self,
        actor: &Actor,
        tx: Option<Tx>,
        batch: Batch<'_, T>,
        progress: Progress<'_>,
        // Writes one record; returns its id when the row's audit is filed under it.
        write: impl AsyncFn(&mut Tx, &T) -> Result<Option<Id>>,
    ) -> Result<ImportSummary> {
        if !batch.errors.is_empty() {
            return Err(rejected(batch.errors));
        }
        let mut tx = match tx {
            Some(tx) => tx,
            None => self.store.begin().await?,
        };
        let mut summary = ImportSummary { rows: batch.rows, ..Default::default() };
        let mut audited = Vec::new();
        let mut deltas = Vec::new();
        let total = batch.resolved.len() as u64;
        for (i, (record, was, filing)) in batch.resolved.into_iter().enumerate() {
            tick(progress, "write", i, total as usize);
            let changed = was.as_ref().map(|(changed, _)| *changed);
            if changed != Some(false) {
                let id = write(&mut tx, &record).await?;
                deltas.extend(batch.delta.map(|d| d(&record, id)));
                let before = was.and_then(|(_, before)| before);
                let after = value(&record);
                let entity_id = id.or(filing.id);
                audited.push(RowChange { entity: batch.record, entity_id, unit: Some(filing.unit), before, after });
            }
            summary.record(changed);
        }
        progress("write", total, total);
        self.check_locks(&mut tx, &deltas).await?;
        self.audit_import(&mut tx, actor, batch.entity, batch.file, &summary, audited).await?;
        self.log(&mut tx, &deltas).await?;
        self.commit(tx).await?;
        Ok(summary)
    }

    /// Looks up every person a file names in two queries: each must exist, and the actor
    /// must be allowed to write in their current unit.
    async fn people_named<'k>(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        keys: impl Iterator<Item = &'k str>,
    ) -> Result<People> {
        let mut keys: Vec<&str> = keys.collect();
        keys.sort_unstable();
        keys.dedup();
        let found = people_store::find_by_keys(tx, &keys).await?;
        let ids: Vec<Id> = found.iter().map(|p| p.id).collect();
        let mut memberships: HashMap<Id, Vec<Membership>> = HashMap::new();
        for m in people_store::memberships_of_people(&self.store, &ids).await? {
            memberships.entry(m.person_id).or_default().push(m);
        }
        // By either key, the first person by id, as a lookup by one key would find.
        let mut by_key: HashMap<&str, &Person> = HashMap::new();
        for p in &found {
            for key in [p.card_no.as_deref(), p.person_code.as_deref()].into_iter().flatten() {
                by_key.entry(key).or_insert(p);
            }
        }
        let people = keys
            .into_iter()
            .map(|key| {
                let unit = by_key.get(key).map(|p| {
                    let unit = memberships.get(&p.id).and_then(|ms| current_membership(ms)).map(|m| m.unit_id);
                    (p.id, unit)
                });
                let lookup = match unit {
                    Some((person, Some(unit))) if self.check(actor, unit, Resource::Person, true).is_ok() => {
                        Some((person, unit))
                    }
                    _ => None,
                };
                (key.to_string(), lookup)
            })
            .collect();
        Ok(People(people, memberships))
    }

    /// The movements the actor can see, by number.
    async fn movements_by_number(&self, actor: &Actor) -> Result<HashMap<Id, Movement>> {
        Ok(self.movements(actor).await?.into_iter().map(|m| (m.id, m)).collect())
    }

    /// The existing registrations for (movement, person) pairs, one query per movement.
    async fn registrations_of(&self, pairs: &[(Id, Id)]) -> Result<HashMap<(Id, Id), Registration>> {
        let mut by_movement: HashMap<Id, Vec<Id>> = HashMap::new();
        for (movement, person) in pairs {
            by_movement.entry(*movement).or_default().push(*person);
        }
        let mut out = HashMap::new();
        for (movement, people) in by_movement {
            for r in emulation_store::registrations(&self.store, movement, &people).await? {
                out.insert((r.movement_id, r.person_id), r);
            }
        }
        Ok(out)
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
        let people = self.people_named(actor, &mut tx, rows.iter().map(|r| r.person_key.as_str())).await?;
        let existing: HashMap<(Id, PlanKind, i32), PersonalPlan> = plan_store::of_people(&self.store, &people.ids())
            .await?
            .into_iter()
            .map(|p| ((p.person_id, p.kind, p.from_year), p))
            .collect();
        let today = self.today();
        let mut resolved = Vec::new();
        for r in &rows {
            let (person, unit) = match people.get(&r.person_key, file, r.row) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let checked = crate::plans::plan_content(&r.content)
                .and_then(|content| Ok((content, lamtheo_domain::plans::checked_comment(r.status, &r.comment)?)));
            let (content, comment) = match checked {
                Ok(c) => c,
                Err(e) => {
                    errors.push(field_err(
                        file,
                        r.row,
                        e,
                        &[("content", "Nội dung"), ("comment", "Ý kiến của chi bộ")],
                    ));
                    continue;
                }
            };
            let (from_year, to_year) = r.kind.years_for(r.year);
            let existing = existing.get(&(person, r.kind, from_year));
            // A day left empty keeps the one recorded; a status the plan did not have yet, and
            // that needs the day, takes today.
            let new_status = existing.is_none_or(|p| p.status != r.status);
            let day = |given: Option<NaiveDate>, recorded: Option<NaiveDate>, needed: bool| {
                given.or(recorded).or(new_status.then_some(today)).filter(|_| needed)
            };
            let submitted_on =
                day(r.submitted_on, existing.and_then(|p| p.submitted_on), r.status != PlanStatus::Draft);
            let reviewed = matches!(r.status, PlanStatus::Acknowledged | PlanStatus::Returned);
            let reviewed_on = day(r.reviewed_on, existing.and_then(|p| p.reviewed_on), reviewed);
            let plan = PersonalPlan {
                id: existing.map_or(0, |p| p.id),
                person_id: person,
                kind: r.kind,
                from_year,
                to_year,
                content,
                status: r.status,
                comment,
                submitted_on,
                reviewed_on,
                updated_at: chrono::Utc::now(),
            };
            let key =
                |p: &PersonalPlan| (p.content.clone(), p.status, p.comment.clone(), p.submitted_on, p.reviewed_on);
            let changed = was(existing, |old| key(old) != key(&plan));
            let edited = changed.as_ref().is_some_and(|(c, _)| *c);
            if existing.is_some_and(|old| old.status == PlanStatus::Acknowledged) && edited {
                errors.push(row_err(
                    file,
                    r.row,
                    "Nội dung",
                    "Chi bộ đã xác nhận bản này; không sửa được nữa".into(),
                    "The cell has acknowledged it; it can no longer change".into(),
                ));
                continue;
            }
            resolved.push((plan, changed, Filing { id: None, unit }));
        }
        let batch = Batch {
            entity: "personal_plans",
            record: "personal_plan",
            file,
            rows: rows.len(),
            errors,
            resolved,
            delta: Some(|plan, _| crate::plans::plan_delta(plan)),
        };
        self.write_import(actor, Some(tx), batch, progress, async |tx: &mut Tx, plan: &PersonalPlan| {
            plan_store::upsert(tx, plan).await.map(Some)
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
        let people = self.people_named(actor, &mut tx, rows.iter().map(|r| r.person_key.as_str())).await?;
        let movements = self.movements_by_number(actor).await?;
        let mut found = Vec::new();
        for r in &rows {
            let movement = numbered(&movements, r.movement, (file, r.row, "Số hiệu phong trào"), MOVEMENT);
            let person = people.get(&r.person_key, file, r.row);
            if let Some((m, (person, unit))) = both(movement, person, &mut errors) {
                found.push((r, m, person, unit));
            }
        }
        let pairs: Vec<(Id, Id)> = found.iter().map(|(_, m, person, _)| (m.id, *person)).collect();
        let existing = self.registrations_of(&pairs).await?;
        let mut resolved = Vec::new();
        for (r, m, person, unit) in found {
            // A row that repeats the stored registration writes nothing, so it is not judged
            // again: a transfer recorded since may have moved the day's unit out of the
            // movement, and the export must still import back.
            let old = existing.get(&(m.id, person));
            if let Some(old) =
                old.filter(|old| (old.content.as_str(), old.registered_on) == (r.content.trim(), r.registered_on))
            {
                resolved.push((old.clone(), was(Some(old), |_| false), Filing { id: None, unit }));
                continue;
            }
            let then = people.unit_on(person, r.registered_on, unit);
            match self.registration_for(&m, person, then, &r.content, r.registered_on) {
                Ok(x) => {
                    let changed = was(old, |old| (&old.content, old.registered_on) != (&x.content, x.registered_on));
                    resolved.push((x, changed, Filing { id: None, unit }));
                }
                Err(e) => {
                    let fields = [("person_id", PERSON_KEY), ("content", "Nội dung đăng ký")];
                    errors.push(field_err(file, r.row, e, &fields));
                }
            }
        }
        let record = "emulation_registration";
        let batch = Batch {
            entity: "emulation_registrations",
            record,
            file,
            rows: rows.len(),
            errors,
            resolved,
            delta: Some(registration_delta),
        };
        self.write_import(actor, Some(tx), batch, progress, async |tx: &mut Tx, registration: &Registration| {
            emulation_store::upsert_registration(tx, registration).await.map(Some)
        })
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
        let people = self.people_named(actor, &mut tx, rows.iter().map(|r| r.person_key.as_str())).await?;
        let movements = self.movements_by_number(actor).await?;
        // (row, movement, person) of the rows whose movement, person and month are right.
        let mut checked = Vec::new();
        for r in &rows {
            let movement = numbered(&movements, r.movement, (file, r.row, "Số hiệu phong trào"), MOVEMENT);
            let person = people.get(&r.person_key, file, r.row);
            let Some((m, (person, unit))) = both(movement, person, &mut errors) else {
                continue;
            };
            if let Err(e) = crate::emulation::check_review_month(&m, lamtheo_domain::period::Month(r.month)) {
                errors.push(row_err(file, r.row, "Tháng", e.message_vi, e.message_en));
                continue;
            }
            checked.push((r, m.id, person, unit));
        }
        let pairs: Vec<(Id, Id)> = checked.iter().map(|(_, m, p, _)| (*m, *p)).collect();
        let registrations = self.registrations_of(&pairs).await?;
        let ids: Vec<Id> = registrations.values().map(|x| x.id).collect();
        let existing: HashMap<(Id, i32), Review> = emulation_store::reviews(&self.store, &ids)
            .await?
            .into_iter()
            .map(|x| ((x.registration_id, x.month), x))
            .collect();
        let mut resolved = Vec::new();
        for (r, movement, person, unit) in checked {
            let Some(registration) = registrations.get(&(movement, person)) else {
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
            let changed = was(existing.get(&(registration.id, r.month)), |old| *old != review);
            resolved.push((review, changed, Filing { id: Some(registration.id), unit }));
        }
        // A review is a change of its registration, as on the form.
        let record = "emulation_registration";
        let batch = Batch {
            entity: "emulation_reviews",
            record,
            file,
            rows: rows.len(),
            errors,
            resolved,
            delta: Some(|review, _| crate::emulation::review_delta(review)),
        };
        self.write_import(actor, Some(tx), batch, progress, async |tx: &mut Tx, review: &Review| {
            emulation_store::upsert_review(tx, review).await.map(|()| None)
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
        let people = self.people_named(actor, &mut tx, rows.iter().filter_map(|r| r.person_key.as_deref())).await?;
        let mut checked = Vec::new();
        for r in &rows {
            let subject = match (&r.person_key, &r.unit_code) {
                (Some(key), _) => people.get(key, file, r.row).map(|(person, unit)| ((Subject::Person, person), unit)),
                (None, Some(code)) => {
                    self.unit_for(actor, code, Resource::Activity, file, r.row, "Mã đơn vị").and_then(|u| {
                        // Who may rate an organisation: the form's check.
                        self.check_unit_rater(actor, u)
                            .map_err(|e| row_err(file, r.row, "Mã đơn vị", e.message_vi, e.message_en))
                            .map(|()| ((Subject::Unit, u), u))
                    })
                }
                (None, None) => continue, // reported by the parser
            };
            let ((subject, subject_id), unit) = match subject {
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
                    let level = r.level.as_deref().unwrap_or_default();
                    errors.push(row_err(
                        file,
                        r.row,
                        "Mức xếp loại",
                        format!("Mức «{level}» không khớp với điểm {score}"),
                        format!("Level «{level}» does not match the score {score}"),
                    ));
                    continue;
                }
            }
            checked.push((rating, unit));
        }
        // The ratings already given, one query per subject kind and year.
        let mut asked: HashMap<(Subject, i32), Vec<Id>> = HashMap::new();
        for (e, _) in &checked {
            asked.entry((e.subject, e.year)).or_default().push(e.subject_id);
        }
        let mut existing = HashMap::new();
        for ((subject, year), ids) in asked {
            for e in evaluation_store::of_subjects(&self.store, subject, &ids, year).await? {
                existing.insert((e.subject, e.subject_id, e.year, e.quarter), e);
            }
        }
        let resolved = checked
            .into_iter()
            .map(|(e, unit)| {
                let changed = was(existing.get(&(e.subject, e.subject_id, e.year, e.quarter)), |old| *old != e);
                (e, changed, Filing { id: None, unit })
            })
            .collect();
        let batch = Batch {
            entity: "evaluations",
            record: "evaluation",
            file,
            rows: rows.len(),
            errors,
            resolved,
            delta: Some(|rating, _| crate::evaluations::rating_delta(rating)),
        };
        self.write_import(actor, Some(tx), batch, progress, async |tx: &mut Tx, rating: &Evaluation| {
            evaluation_store::upsert(tx, rating).await.map(|()| None)
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
        let covenants = self.covenants_by_number(actor).await?;
        let mut lists: HashMap<Id, Vec<Signatory>> = HashMap::new();
        let mut resolved = Vec::new();
        for r in &rows {
            let covenant = numbered(&covenants, r.covenant, (file, r.row, "Số hiệu giao ước"), COVENANT);
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
            if let Err(e) = self.check_pilot(actor, &c, old.as_ref(), &signatory) {
                errors.push(row_err(file, r.row, "Thí điểm", e.message_vi, e.message_en));
                continue;
            }
            let changed = was(old.as_ref(), |old| *old != signatory);
            resolved.push(((c.id, signatory), changed, Filing { id: Some(c.id), unit: unit_id }));
        }
        let record = "covenant";
        let batch = Batch {
            entity: "covenant_signatories",
            record,
            file,
            rows: rows.len(),
            errors,
            resolved,
            delta: Some(|(id, _), _| Delta::Covenant { id: *id }),
        };
        self.write_import(actor, None, batch, progress, async |tx: &mut Tx, (covenant, signatory): &(Id, Signatory)| {
            covenant_store::upsert_signatory(tx, *covenant, signatory).await.map(|()| None)
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
        let covenants = self.covenants_by_number(actor).await?;
        let mut known: HashMap<Id, (Vec<Signatory>, Vec<Score>)> = HashMap::new();
        let mut resolved = Vec::new();
        for r in &rows {
            let covenant =
                numbered(&covenants, r.covenant, (file, r.row, "Số hiệu giao ước"), COVENANT).and_then(|c| {
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
            let old = scores.iter().find(|s| s.unit_id == unit_id && s.group == r.group);
            let changed = was(old, |old| *old != score);
            resolved.push(((c.id, score), changed, Filing { id: Some(c.id), unit: unit_id }));
        }
        let batch = Batch {
            entity: "covenant_scores",
            record: "covenant",
            file,
            rows: rows.len(),
            errors,
            resolved,
            delta: Some(|(id, _), _| Delta::Covenant { id: *id }),
        };
        self.write_import(actor, None, batch, progress, async |tx: &mut Tx, (covenant, score): &(Id, Score)| {
            covenant_store::upsert_score(tx, *covenant, score).await.map(|()| None)
        })
        .await
    }

    /// The covenants the actor can see, by number.
    async fn covenants_by_number(&self, actor: &Actor) -> Result<HashMap<Id, Campaign>> {
        Ok(self.covenants(actor).await?.into_iter().map(|c| (c.id, c)).collect())
    }

    pub(crate) async fn import_tasks(
        &self,
        actor: &Actor,
        file: &str,
        rows: Vec<importer::TaskRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut checked = Vec::new();
        for r in &rows {
            let unit_id = match self.unit_for(actor, &r.unit_code, Resource::Activity, file, r.row, "Mã đơn vị") {
                Ok(u) => u,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let task = BreakthroughTask {
                id: 0,
                unit_id,
                from_year: r.from_year,
                to_year: r.to_year,
                title: r.title.clone(),
                field: r.field.clone(),
                responsible: r.responsible.clone(),
                status: r.status,
                result: r.result.clone(),
            };
            match crate::tasks::validate(&task) {
                Ok(()) => checked.push(task),
                Err(e) => errors.push(field_err(file, r.row, e, &[("title", "Tên nhiệm vụ"), ("to_year", "Đến năm")])),
            }
        }
        // The same unit, first year and title (ignoring accents and case) is the same task.
        let key = |t: &BreakthroughTask| (t.unit_id, t.from_year, vn::fold(&t.title));
        let units: Vec<Id> = checked.iter().map(|t| t.unit_id).collect();
        let (first, last) =
            checked.iter().fold((i32::MAX, i32::MIN), |(a, b), t| (a.min(t.from_year), b.max(t.from_year)));
        let existing: HashMap<_, BreakthroughTask> = match checked.is_empty() {
            true => HashMap::new(),
            false => task_store::of_units(&self.store, &units, first, last)
                .await?
                .into_iter()
                .map(|t| (key(&t), t))
                .collect(),
        };
        let resolved = checked
            .into_iter()
            .map(|task| {
                let old = existing.get(&key(&task));
                let task = BreakthroughTask { id: old.map_or(0, |t| t.id), ..task };
                let changed = was(old, |old| *old != task);
                let filing = Filing { id: (task.id != 0).then_some(task.id), unit: task.unit_id };
                (task, changed, filing)
            })
            .collect();
        let record = "breakthrough_task";
        let batch = Batch {
            entity: "breakthrough_tasks",
            record,
            file,
            rows: rows.len(),
            errors,
            resolved,
            delta: Some(crate::tasks::task_delta),
        };
        self.write_import(actor, None, batch, progress, async |tx: &mut Tx, task: &BreakthroughTask| match task.id {
            0 => task_store::insert(tx, task).await.map(Some),
            _ => task_store::update(tx, task).await.map(|()| None),
        })
        .await
    }
}

/// A registration as the index keeps it, with the id its write returned.
fn registration_delta(r: &Registration, id: Option<Id>) -> Delta {
    Delta::Registration { id: id.unwrap_or(r.id), movement_id: r.movement_id, person_id: r.person_id }
}
