//! The record kinds of the registry (`lamtheo_domain::records`): one service for all of them.
//! A record comes as JSON in its kind's keys — from a form (read like a file's row), from the
//! API, or from an import row — and takes the same road: the kind's checks, its unit found
//! and the scope checked, its parent found, then one audited write that logs its facts for
//! the index. Figures are the facts summed over a subtree, period and as-of date.
use std::collections::HashMap;

use chrono::NaiveDate;
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::period::Period;
use lamtheo_domain::records::{self, recognitions, Fact, Figure, Owner, RecordSpec, Section};
use lamtheo_domain::{Error, ErrorCode, Id, Result};
use lamtheo_importer::{self as importer, RowError};
use lamtheo_store::records::{self as store, StoredRecord};
use lamtheo_store::Tx;
use serde::Serialize;
use serde_json::Value;

use crate::audit::{snapshot, Change, Written};
use crate::imports::{rejected, row_err, ImportSummary, Progress};
use crate::App;

/// A record as pages and the API show it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RecordView {
    pub id: Id,
    pub kind: String,
    pub unit_id: Id,
    pub parent_id: Option<Id>,
    /// The record's name in lists.
    pub title: String,
    /// The record in its kind's keys.
    pub body: Value,
}

impl RecordView {
    /// The record as `actor` may see it: people's personal data blank for accounts that may
    /// not see other people's (`App::sees_people`).
    fn of(spec: &RecordSpec, mut r: StoredRecord, sees_people: bool) -> RecordView {
        if !sees_people {
            for key in spec.personal {
                if let Some(v) = r.body.get_mut(*key) {
                    *v = match v {
                        Value::Array(_) => Value::Array(vec![]),
                        Value::Null => Value::Null,
                        _ => Value::String(String::new()),
                    };
                }
            }
        }
        RecordView {
            id: r.id,
            kind: r.kind,
            unit_id: r.unit_id,
            parent_id: r.parent_id,
            title: spec.title_of(&r.body),
            body: r.body,
        }
    }
}

/// One section of the unit page: its figures over the subtree, and by child unit.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SectionFigures {
    pub slug: String,
    pub title_vi: String,
    pub title_en: String,
    pub figures: Vec<Figure>,
    /// The section's chosen figures for each child unit (historic children after).
    pub children: Vec<ChildFigures>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ChildFigures {
    pub unit_id: Id,
    pub historic: bool,
    pub figures: Vec<Figure>,
}

/// A record checked and placed: what is written, and the facts it adds.
#[derive(Serialize)]
pub(crate) struct Placed {
    #[serde(skip)]
    spec: &'static RecordSpec,
    #[serde(skip)]
    stored: StoredRecord,
    #[serde(skip)]
    facts: Vec<Fact>,
    /// What the audit keeps of it: the record itself.
    #[serde(flatten)]
    body: serde_json::Map<String, Value>,
}

/// The catalogue records (the indicators) by (kind, folded key): what some records' facts
/// depend on (`lamtheo_domain::records::Lookup`).
pub(crate) type Catalogue = HashMap<(String, String), Value>;

/// Whether records of `kind` are a catalogue others' facts read.
fn is_catalogue(kind: &str) -> bool {
    records::SECTIONS.iter().any(|s| s.catalogue.is_some_and(|c| c.slug == kind))
}

/// The catalogue among `all` records.
pub(crate) fn catalogue<'a>(all: impl IntoIterator<Item = &'a StoredRecord>) -> Catalogue {
    all.into_iter()
        .filter(|r| is_catalogue(&r.kind))
        .map(|r| ((r.kind.clone(), r.natural_key.clone()), r.body.clone()))
        .collect()
}

/// The catalogue as the writer's transaction sees it.
async fn catalogue_in(tx: &mut Tx) -> Result<Catalogue> {
    let mut all = Vec::new();
    for s in records::SECTIONS {
        if let Some(kind) = s.catalogue {
            all.extend(store::of_kind_in(tx, kind.slug).await?);
        }
    }
    Ok(catalogue(&all))
}

/// The facts a stored record adds to the index.
pub(crate) fn facts_of(r: &StoredRecord, catalogue: &Catalogue) -> Vec<Fact> {
    let Some(spec) = records::kind(&r.kind) else { return vec![] };
    (spec.facts)(&r.body, r.unit_id, &|kind, key| catalogue.get(&(kind.to_string(), key.to_string())).cloned())
}

/// The deltas of a write of `spec`'s records: a catalogue's change changes the facts of
/// records that read it, so every index builds itself again (catalogues change rarely).
fn catalogue_deltas(spec: &RecordSpec) -> Vec<Delta> {
    if is_catalogue(spec.slug) {
        vec![Delta::Rebuild]
    } else {
        vec![]
    }
}

fn delta(p: &Placed, id: Option<Id>) -> Delta {
    Delta::Record { kind: p.spec.slug.to_string(), id: id.unwrap_or(p.stored.id), facts: p.facts.clone() }
}

impl App {
    /// A catalogue's records (indicators, commendation forms): shared by every unit and
    /// holding nothing personal, so any account reads them.
    pub async fn catalogue_of(&self, kind: &RecordSpec) -> Result<Vec<Value>> {
        Ok(store::of_kind(&self.store, kind.slug).await?.into_iter().map(|r| r.body).collect())
    }

    /// The checks of a kind that need other records than the one written (rows: row, unit,
    /// record), for one record and for a whole file alike.
    async fn related(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        spec: &RecordSpec,
        rows: &[(usize, Id, &Value)],
    ) -> Result<Vec<(usize, Error)>> {
        if spec.slug == lamtheo_domain::records::indicators::VALUES.slug {
            return crate::indicators::check_values(tx, rows).await;
        }
        if spec.slug == lamtheo_domain::records::inspections::INSPECTIONS.slug {
            return self.check_subjects(actor, tx, rows).await;
        }
        if spec.slug == recognitions::RECOGNITIONS.slug {
            return check_forms(tx, rows).await;
        }
        Ok(vec![])
    }

    /// An inspection's members must be on the roster, in the actor's scope (an unknown key
    /// and one out of scope read the same).
    async fn check_subjects(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        rows: &[(usize, Id, &Value)],
    ) -> Result<Vec<(usize, Error)>> {
        let keys: Vec<&str> = rows
            .iter()
            .flat_map(|(_, _, v)| v["subject_people"].as_array().into_iter().flatten().filter_map(Value::as_str))
            .collect();
        if keys.is_empty() {
            return Ok(vec![]);
        }
        let found = lamtheo_store::people::find_by_keys(tx, &keys).await?;
        let ids: Vec<Id> = found.iter().map(|p| p.id).collect();
        let memberships = lamtheo_store::people::memberships_of_people(&self.store, &ids).await?;
        let known = |key: &str| {
            found.iter().filter(|p| p.card_no.as_deref() == Some(key) || p.person_code.as_deref() == Some(key)).any(
                |p| {
                    memberships
                        .iter()
                        .filter(|m| m.person_id == p.id)
                        .any(|m| m.valid_to.is_none() && self.in_scope(actor, m.unit_id))
                },
            )
        };
        let mut errors = Vec::new();
        for (row, _, v) in rows {
            let people = v["subject_people"].as_array().into_iter().flatten().filter_map(Value::as_str);
            if let Some(key) = people.into_iter().find(|k| !known(k)) {
                errors.push((
                    *row,
                    not_in_scope(
                        "subject_people",
                        format!("Không có đảng viên nào mang mã «{key}» trong phạm vi của bạn"),
                        format!("No member with ID «{key}» in your scope"),
                    ),
                ));
            }
        }
        Ok(errors)
    }

    /// The first of `related`'s errors, for a write of one record.
    async fn related_one(&self, actor: &Actor, tx: &mut Tx, spec: &RecordSpec, unit: Id, body: &Value) -> Result<()> {
        match self.related(actor, tx, spec, &[(1, unit, body)]).await?.into_iter().next() {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}

/// A commendation's form must be a built-in one or in the catalogue of forms.
async fn check_forms(tx: &mut Tx, rows: &[(usize, Id, &Value)]) -> Result<Vec<(usize, Error)>> {
    let catalogue: Vec<Value> =
        store::of_kind_in(tx, recognitions::COMMENDATION_FORMS.slug).await?.into_iter().map(|r| r.body).collect();
    Ok(rows
        .iter()
        .filter_map(|(row, _, v)| {
            let form = v["form"].as_str().unwrap_or_default();
            (!recognitions::known_form(form, &catalogue)).then(|| {
                let names = recognitions::all_forms(&catalogue).into_iter().map(|f| format!("«{}»", f.1));
                let list = names.collect::<Vec<_>>().join(", ");
                let e = Error::field(
                    "form",
                    format!("Không có hình thức khen thưởng «{form}»: chọn {list}, hoặc thêm hình thức vào danh mục"),
                    format!("No form of commendation «{form}»: choose a listed one, or add it to the catalogue"),
                );
                (*row, e)
            })
        })
        .collect())
}

/// A unit or record named by a field that does not exist or is out of the actor's scope
/// (the two read the same, as `App::check` answers): "not found", naming the field.
fn not_in_scope(field: &str, vi: String, en: String) -> Error {
    Error { field: Some(field.to_string()), ..Error::msg(ErrorCode::NotFound, vi, en) }
}

/// The header of the column a check's error names (its field is the column's key).
fn column_of(spec: &RecordSpec, e: &Error) -> String {
    e.field.as_deref().and_then(|f| spec.column(f)).map_or("", |c| c.header_vi).to_string()
}

impl App {
    /// Checks a record and finds where it goes: its normal form, its unit (which the actor
    /// must be allowed to write in), its parent, and the record of the same key if there is
    /// one. Read in the writer's transaction, so that what is found is what is written over.
    /// `catalogue` is what the facts read (`catalogue_in`), read once for a whole file.
    async fn place(
        &self,
        actor: &Actor,
        tx: &mut Tx,
        spec: &'static RecordSpec,
        body: &Value,
        catalogue: &Catalogue,
    ) -> Result<(Placed, Option<StoredRecord>)> {
        let body = (spec.check)(body)?;
        let parent = match (spec.parent, spec.parent_key(&body)) {
            (Some(p), Some(key)) => {
                let found = store::by_key(tx, p.slug, &key).await?;
                let parent = found.filter(|r| self.check(actor, r.unit_id, Resource::Activity, false).is_ok());
                Some(parent.ok_or_else(|| {
                    let shown = body.get(p.column).and_then(Value::as_str).unwrap_or_default();
                    not_in_scope(
                        p.column,
                        format!("Không có bản ghi mã «{shown}» trong phạm vi của bạn"),
                        format!("No record «{shown}» in your scope"),
                    )
                })?)
            }
            _ => None,
        };
        let unit_id = match spec.owner {
            Owner::Unit(column) => {
                let code = spec.owner_code(&body).unwrap_or_default();
                let id = self.index().tree().by_code(code).map(|u| u.id);
                // Unknown and out of scope read the same.
                id.filter(|id| self.check(actor, *id, Resource::Activity, true).is_ok()).ok_or_else(|| {
                    not_in_scope(
                        column,
                        format!("Không có đơn vị mã «{code}» trong phạm vi của bạn"),
                        format!("No unit with code «{code}» in your scope"),
                    )
                })?
            }
            Owner::Parent => {
                let unit = parent.as_ref().map(|p| p.unit_id).ok_or_else(Error::not_found)?;
                self.check(actor, unit, Resource::Activity, true)?;
                unit
            }
        };
        // Every other unit the record names must exist (it may be outside the actor's
        // scope: an inspection by the province of a commune's cell, say).
        let names_units = |c: &&lamtheo_domain::columns::Column| {
            matches!(c.format, lamtheo_domain::columns::Format::Unit | lamtheo_domain::columns::Format::Units)
        };
        for column in spec.columns.iter().filter(names_units) {
            let codes: Vec<&str> = match body.get(column.key) {
                Some(Value::String(code)) if !code.is_empty() => vec![code.as_str()],
                Some(Value::Array(codes)) => codes.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if let Some(code) = codes.into_iter().find(|c| self.index().tree().by_code(c).is_none()) {
                return Err(not_in_scope(
                    column.key,
                    format!("Không có đơn vị mã «{code}»"),
                    format!("No unit with code «{code}»"),
                ));
            }
        }
        let natural_key = spec.natural_key(&body);
        let old = store::by_key(tx, spec.slug, &natural_key).await?;
        let stored = StoredRecord {
            id: old.as_ref().map_or(0, |o| o.id),
            kind: spec.slug.to_string(),
            natural_key,
            unit_id,
            parent_id: parent.map(|p| p.id),
            body,
        };
        let facts = facts_of(&stored, catalogue);
        let Value::Object(map) = stored.body.clone() else { return Err(Error::internal("a record is a JSON object")) };
        Ok((Placed { spec, stored, facts, body: map }, old))
    }

    /// After a record moved to another unit, the records that belong to it by their parent
    /// (a model's results) move with it; their facts are logged again.
    async fn move_children(&self, tx: &mut Tx, parent: &StoredRecord, old_unit: Option<Id>) -> Result<Vec<Delta>> {
        if old_unit.is_none_or(|u| u == parent.unit_id) {
            return Ok(vec![]);
        }
        let mut deltas = Vec::new();
        for mut child in store::children_in(tx, parent.id).await? {
            let Some(spec) = records::kind(&child.kind).filter(|s| matches!(s.owner, Owner::Parent)) else { continue };
            child.unit_id = parent.unit_id;
            store::update(tx, &child).await?;
            let facts = facts_of(&child, &catalogue_in(tx).await?);
            deltas.push(Delta::Record { kind: spec.slug.to_string(), id: child.id, facts });
        }
        Ok(deltas)
    }

    /// Saves a record of `spec`: a new one, or the one with the same key changed. Returns its
    /// id. The form, the API and the import rows all come through `place`.
    pub async fn save_record(&self, actor: &Actor, spec: &'static RecordSpec, body: &Value) -> Result<Id> {
        self.check_role(actor, Resource::Activity, true)?;
        self.write_logged(actor, async |tx| {
            let catalogue = catalogue_in(tx).await?;
            let (placed, old) = self.place(actor, tx, spec, body, &catalogue).await?;
            self.related_one(actor, tx, spec, placed.stored.unit_id, &placed.stored.body).await?;
            if let Some(old) = &old {
                self.check(actor, old.unit_id, Resource::Activity, true)?;
            }
            let id = match placed.stored.id {
                0 => store::insert(tx, &placed.stored).await?,
                id => {
                    store::update(tx, &placed.stored).await?;
                    id
                }
            };
            let change = Change {
                action: if old.is_some() { "update" } else { "create" },
                entity: spec.entity,
                entity_id: Some(id),
                unit: Some(placed.stored.unit_id),
                before: old.as_ref().and_then(|o| snapshot(&o.body)),
                after: snapshot(&placed.stored.body),
            };
            let mut deltas = vec![delta(&placed, Some(id))];
            deltas.extend(self.move_children(tx, &placed.stored, old.map(|o| o.unit_id)).await?);
            deltas.extend(catalogue_deltas(spec));
            Ok(Written::new(id, change, deltas))
        })
        .await
    }

    /// Changes record `id` (its key may change too, unless another record holds the new one).
    pub async fn update_record(&self, actor: &Actor, id: Id, body: &Value) -> Result<()> {
        let before = self.record(actor, id).await?;
        let spec = records::kind(&before.kind).ok_or_else(Error::not_found)?;
        self.check(actor, before.unit_id, Resource::Activity, true)?;
        self.write_logged(actor, async |tx| {
            let catalogue = catalogue_in(tx).await?;
            let (mut placed, other) = self.place(actor, tx, spec, body, &catalogue).await?;
            self.related_one(actor, tx, spec, placed.stored.unit_id, &placed.stored.body).await?;
            if other.as_ref().is_some_and(|o| o.id != id) {
                let column = spec.key[0];
                return Err(Error::conflict(
                    column,
                    "Đã có một bản ghi khác với mã này",
                    "Another record already has this key",
                ));
            }
            placed.stored.id = id;
            store::update(tx, &placed.stored).await?;
            let change = Change {
                action: "update",
                entity: spec.entity,
                entity_id: Some(id),
                unit: Some(placed.stored.unit_id),
                before: snapshot(&before.body),
                after: snapshot(&placed.stored.body),
            };
            let mut deltas = vec![delta(&placed, Some(id))];
            deltas.extend(self.move_children(tx, &placed.stored, Some(before.unit_id)).await?);
            deltas.extend(catalogue_deltas(spec));
            Ok(Written::new((), change, deltas))
        })
        .await
    }

    /// Deletes record `id`; a record that others hang under (a model with results) stays
    /// until they are deleted, so that nothing goes silently.
    pub async fn delete_record(&self, actor: &Actor, id: Id) -> Result<()> {
        let before = self.record(actor, id).await?;
        let spec = records::kind(&before.kind).ok_or_else(Error::not_found)?;
        self.check(actor, before.unit_id, Resource::Activity, true)?;
        if !store::children(&self.store, id).await?.is_empty() {
            return Err(Error::msg(
                ErrorCode::Conflict,
                "Bản ghi còn kết quả hoặc lượt nhân rộng; hãy xoá chúng trước",
                "Other records hang under this one; delete them first",
            ));
        }
        self.write_logged(actor, async |tx| {
            store::delete(tx, id).await?;
            let change = Change {
                action: "delete",
                entity: spec.entity,
                entity_id: Some(id),
                unit: Some(before.unit_id),
                before: snapshot(&before.body),
                after: None,
            };
            let mut deltas = vec![Delta::Record { kind: spec.slug.to_string(), id, facts: vec![] }];
            deltas.extend(catalogue_deltas(spec));
            Ok(Written::new((), change, deltas))
        })
        .await
    }

    /// A record, for whoever may see its unit's activities.
    pub async fn record(&self, actor: &Actor, id: Id) -> Result<RecordView> {
        let r = store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, r.unit_id, Resource::Activity, false)?;
        let spec = records::kind(&r.kind).ok_or_else(Error::not_found)?;
        Ok(RecordView::of(spec, r, self.sees_people(actor)))
    }

    /// Whether the actor may see other people's personal data in records (names, card
    /// numbers): the roles that read people, but not members (see `sees_person`).
    pub fn sees_people(&self, actor: &Actor) -> bool {
        actor.role.can_read(Resource::Person) && actor.role != lamtheo_domain::access::Role::Member
    }

    /// The records of `spec` in the subtree of `unit` (today's tree), oldest first.
    pub async fn records_of(&self, actor: &Actor, spec: &'static RecordSpec, unit: Id) -> Result<Vec<RecordView>> {
        self.check(actor, unit, Resource::Activity, false)?;
        let units = self.index().tree().subtree_on(unit, self.today());
        let sees = self.sees_people(actor);
        Ok(store::of_units(&self.store, spec.slug, &units)
            .await?
            .into_iter()
            .map(|r| RecordView::of(spec, r, sees))
            .collect())
    }

    /// The records under record `id` (a model's results and replications) that the actor
    /// may see.
    pub async fn records_under(&self, actor: &Actor, id: Id) -> Result<Vec<RecordView>> {
        self.record(actor, id).await?;
        let mut out = Vec::new();
        for r in store::children(&self.store, id).await? {
            if let (Some(spec), true) = (records::kind(&r.kind), self.may(actor, r.unit_id, Resource::Activity, false))
            {
                out.push(RecordView::of(spec, r, self.sees_people(actor)));
            }
        }
        Ok(out)
    }

    /// Every section's figures for the subtree of `unit` over `period`, as of `as_of`.
    pub async fn record_figures(
        &self,
        actor: &Actor,
        unit: Id,
        period: Period,
        as_of: NaiveDate,
    ) -> Result<Vec<SectionFigures>> {
        self.check(actor, unit, Resource::Activity, false)?;
        let (from, to) = (period.from.first_day(), period.to.last_day());
        let key = format!("records {unit} {as_of} {from} {to}");
        if let Some(known) = self.recalled(&key) {
            return Ok(known);
        }
        // The position first: the catalogues (indicators) are records too, and a change to
        // one moves the index past it, so an answer made with an older catalogue is not
        // served again. They are read only when the answer is not remembered.
        let at = self.index().position();
        let mut catalogues: Vec<Vec<Value>> = Vec::new();
        for s in records::SECTIONS {
            catalogues.push(match s.catalogue {
                Some(kind) => self.catalogue_of(kind).await?,
                None => vec![],
            });
        }
        let answer: Vec<SectionFigures> = {
            let ix = self.index();
            let children: Vec<(Id, bool)> =
                ix.tree().children_on(unit, as_of).map(|l| (l.unit_id, l.historic)).collect();
            let own = ix.counted(unit, as_of, from, to);
            let of_children: Vec<_> = children.iter().map(|(c, h)| (*c, *h, ix.counted(*c, as_of, from, to))).collect();
            records::SECTIONS
                .iter()
                .zip(&catalogues)
                .map(|(s, catalogue)| section_figures(s, catalogue, &own, &of_children))
                .collect()
        };
        self.remember(key, at, answer.clone());
        Ok(answer)
    }

    /// Imports a file of a record kind: every row placed (all errors at once), then written
    /// in one audited transaction, or nothing.
    pub(crate) async fn import_records(
        &self,
        actor: &Actor,
        spec: &'static RecordSpec,
        file: &str,
        rows: Vec<importer::RecordRow>,
        mut errors: Vec<RowError>,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut tx = self.begin_logged().await?;
        let mut resolved = Vec::new();
        // The file's row of each placed record.
        let mut placed_at = Vec::new();
        // What the facts read, once for the file (a catalogue changes only by its own imports,
        // whose records have no facts).
        let catalogue = catalogue_in(&mut tx).await?;
        let total = rows.len() as u64;
        for (i, r) in rows.iter().enumerate() {
            match self.place(actor, &mut tx, spec, &r.value, &catalogue).await {
                Ok((placed, old)) => {
                    let was = old.map(|o| {
                        let changed = o.body != placed.stored.body || o.unit_id != placed.stored.unit_id;
                        (changed, if changed { Some(o.body) } else { None })
                    });
                    let filing = crate::activity_imports::Filing {
                        id: was.as_ref().map(|_| placed.stored.id),
                        unit: placed.stored.unit_id,
                    };
                    resolved.push((placed, was, filing));
                    placed_at.push(r.row);
                }
                Err(e) => errors.push(row_err(file, r.row, &column_of(spec, &e), e.message_vi, e.message_en)),
            }
            progress("check", i as u64 + 1, total);
        }
        let placed_rows: Vec<(usize, Id, &Value)> =
            resolved.iter().zip(&placed_at).map(|((p, _, _), row)| (*row, p.stored.unit_id, &p.stored.body)).collect();
        for (row, e) in self.related(actor, &mut tx, spec, &placed_rows).await? {
            errors.push(row_err(file, row, &column_of(spec, &e), e.message_vi, e.message_en));
        }
        if !errors.is_empty() {
            return Err(rejected(errors));
        }
        // Records whose unit changed take the records under them along.
        let mut moved = Vec::new();
        for (p, _, filing) in &resolved {
            if filing.id.is_some() {
                let old_unit = store::get_in(&mut tx, p.stored.id).await?.map(|o| o.unit_id);
                moved.extend(self.move_children(&mut tx, &p.stored, old_unit).await?);
            }
        }
        moved.extend(catalogue_deltas(spec));
        self.check_locks(&mut tx, &moved).await?;
        self.log(&mut tx, &moved).await?;
        let batch = crate::activity_imports::Batch {
            entity: spec.slug,
            record: spec.entity,
            file,
            rows: rows.len(),
            errors,
            resolved,
            delta: Some(delta),
        };
        self.write_import(actor, Some(tx), batch, progress, async |tx: &mut Tx, p: &Placed| match p.stored.id {
            0 => store::insert(tx, &p.stored).await.map(Some),
            _ => store::update(tx, &p.stored).await.map(|()| None),
        })
        .await
    }

    /// The rows of an export of `spec` for the subtree of `unit`, in its columns.
    /// Whether the actor may download the records of `spec` as a file: a file with people's
    /// personal data only for those who see it (see `export_records`).
    pub fn may_export_records(&self, actor: &Actor, spec: &RecordSpec) -> bool {
        spec.personal.is_empty() || self.sees_people(actor)
    }

    pub(crate) async fn export_records(
        &self,
        actor: &Actor,
        spec: &'static RecordSpec,
        unit: Id,
    ) -> Result<Vec<Vec<String>>> {
        // A file with people's personal data is not for accounts that may not see it (a
        // blanked column would not import back as the same records).
        if !self.may_export_records(actor, spec) {
            return Err(Error::forbidden());
        }
        Ok(self.records_of(actor, spec, unit).await?.iter().map(|r| importer::record_cells(spec, &r.body)).collect())
    }
}

fn section_figures(
    s: &Section,
    catalogue: &[Value],
    own: &records::Totals,
    children: &[(Id, bool, records::Totals)],
) -> SectionFigures {
    let figures = (s.figures)(own, catalogue);
    // The figures the table by child shows: those the section names, else (a catalogue's
    // figures, which no code can name) the first few of the unit's own.
    let keys: Vec<&str> = match s.by_child {
        [] => figures.iter().take(BY_CHILD).map(|f| f.key.as_str()).collect(),
        keys => keys.to_vec(),
    };
    let chosen = |t: &records::Totals| -> Vec<Figure> {
        let all = (s.figures)(t, catalogue);
        keys.iter()
            .map(|k| {
                all.iter().find(|f| f.key == *k).cloned().unwrap_or_else(|| zero(figures.iter().find(|f| f.key == *k)))
            })
            .collect()
    };
    let mut children: Vec<ChildFigures> = children
        .iter()
        .map(|(id, historic, t)| ChildFigures { unit_id: *id, historic: *historic, figures: chosen(t) })
        .collect();
    children.sort_by_key(|c| (c.historic, c.unit_id));
    SectionFigures {
        slug: s.slug.to_string(),
        title_vi: s.title_vi.to_string(),
        title_en: s.title_en.to_string(),
        figures,
        children,
    }
}

/// How many of a catalogue's figures the table by child shows.
const BY_CHILD: usize = 4;

/// A figure a child does not have (none of its facts): the same figure at 0.
fn zero(like: Option<&Figure>) -> Figure {
    let like = like.cloned().unwrap_or(Figure {
        key: String::new(),
        label_vi: String::new(),
        label_en: String::new(),
        value: 0,
        text_vi: String::new(),
        text_en: String::new(),
    });
    Figure { value: 0, text_vi: "0".into(), text_en: "0".into(), ..like }
}

/// The figures of a section as printed on one line each: "Mô hình …: 12 mô hình".
pub fn labelled(s: &SectionFigures) -> Vec<(String, String)> {
    s.figures.iter().map(|f| (format!("{}: {}", s.title_vi, f.label_vi), f.text_vi.clone())).collect()
}
