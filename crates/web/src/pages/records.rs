//! The pages of the record kinds (`lamtheo_domain::records`), one set for every kind: a
//! unit's records of a kind with the form to add one, and a record's page with its form and
//! the records under it (a model's results and replications). The forms are made from the
//! kind's columns and read as an import row is (`lamtheo_importer::record_from_fields`), so
//! that a form, the API and a file say the same things about the same record.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_app::records::RecordView;
use lamtheo_domain::access::Resource;
use lamtheo_domain::columns::{Column, Format};
use lamtheo_domain::records::{self, RecordSpec};
use lamtheo_domain::{vn, Error, ErrorCode, Id};
use serde::Deserialize;
use serde_json::Value;

use super::{render, Ctx, PageResult, Pager};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units/{id}/records/{kind}", get(list).post(create))
        .route("/records/{id}", get(show).post(update))
        .route("/records/{id}/delete", post(remove))
}

/// One field of a record's form.
pub struct Field {
    pub key: &'static str,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// "text", "date", "number", "select" or "checkbox".
    pub input: &'static str,
    /// The value shown: as typed in a file (a date as 16/5/2024 is given ISO to a date input).
    pub value: String,
    /// (value, label) for a select.
    pub options: Vec<(String, String)>,
}

/// What a listed column offers beyond its built-in choices: the entries of its section's
/// catalogue (the forms of commendation a department added), as (code, name).
async fn catalogue_options(st: &AppState, spec: &RecordSpec) -> Result<Vec<(String, String)>, Error> {
    if !spec.columns.iter().any(|c| c.format == Format::Listed) {
        return Ok(vec![]);
    }
    let catalogue =
        records::SECTIONS.iter().find(|s| s.kinds.iter().any(|k| k.slug == spec.slug)).and_then(|s| s.catalogue);
    let Some(catalogue) = catalogue else { return Ok(vec![]) };
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let key = catalogue.key.first().copied().unwrap_or_default();
    Ok(st.app.catalogue_of(catalogue).await?.iter().map(|v| (text(v, key), text(v, catalogue.title_column))).collect())
}

fn fields(
    t: Lang,
    spec: &RecordSpec,
    body: Option<&Value>,
    fixed: &[(&str, String)],
    added: &[(String, String)],
) -> Vec<Field> {
    spec.columns
        .iter()
        .map(|c: &Column| {
            let v = body.and_then(|b| b.get(c.key)).unwrap_or(&Value::Null);
            let value = match (c.format, v) {
                (Format::Date, Value::String(s)) => s.clone(),
                (Format::Choice | Format::Listed, Value::String(s)) => s.clone(),
                _ => lamtheo_importer::cell(c, v),
            };
            let value = fixed.iter().find(|(k, _)| *k == c.key).map_or(value, |(_, v)| v.clone());
            Field {
                key: c.key,
                label: t.s(c.header_vi, c.header_en).to_string(),
                help: t.s(c.description_vi, c.description_en).to_string(),
                required: c.required,
                input: match c.format {
                    Format::Date => "date",
                    Format::Count => "number",
                    Format::Choice | Format::Listed => "select",
                    Format::YesNo => "checkbox",
                    _ => "text",
                },
                value,
                options: c
                    .choices
                    .iter()
                    .map(|o| (o.value.to_string(), t.s(o.vi, o.en).to_string()))
                    .chain(added.iter().filter(|_| c.format == Format::Listed).cloned())
                    .collect(),
            }
        })
        .collect()
}

/// A record in a list: its id and the cells of its first columns.
pub struct Row {
    pub id: Id,
    pub cells: Vec<String>,
}

/// How many columns a list shows (the rest are on the record's page).
const LISTED: usize = 4;

fn rows(spec: &RecordSpec, records: &[RecordView]) -> Vec<Row> {
    records
        .iter()
        .map(|r| Row {
            id: r.id,
            cells: spec
                .columns
                .iter()
                .take(LISTED)
                .map(|c| lamtheo_importer::cell(c, r.body.get(c.key).unwrap_or(&Value::Null)))
                .collect(),
        })
        .collect()
}

fn headers(t: Lang, spec: &RecordSpec) -> Vec<String> {
    spec.columns.iter().take(LISTED).map(|c| t.s(c.header_vi, c.header_en).to_string()).collect()
}

fn spec_of(slug: &str) -> Result<&'static RecordSpec, Error> {
    records::kind(slug).ok_or_else(Error::not_found)
}

#[derive(Template)]
#[template(path = "records.html")]
struct ListPage {
    t: Lang,
    c: Ctx,
    unit_id: Id,
    unit_name: String,
    title: String,
    slug: &'static str,
    headers: Vec<String>,
    rows: Vec<Row>,
    /// The words searched for, and the page of the list shown.
    q: String,
    pager: Pager,
    can_write: bool,
    /// The file download (not for a file of personal data the account may not see).
    can_export: bool,
    fields: Vec<Field>,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    /// Words to find in the listed columns, accents and đ/d ignored.
    #[serde(default)]
    q: String,
    page: Option<usize>,
}

async fn list(
    State(st): State<AppState>,
    Path((unit, kind)): Path<(Id, String)>,
    s: Session,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let spec = spec_of(&kind).map_err(|e| s.fail(e))?;
    let view = st.app.unit_view(&s.actor, unit, st.app.today()).map_err(|e| s.fail(e))?;
    let records = st.app.records_of(&s.actor, spec, unit).await.map_err(|e| s.fail(e))?;
    // A province's list holds thousands: found by words, shown a page at a time.
    let words = vn::fold(q.q.trim());
    let found: Vec<Row> = rows(spec, &records)
        .into_iter()
        .filter(|r| words.is_empty() || r.cells.iter().any(|c| vn::fold(c).contains(&words)))
        .collect();
    let base = format!("/units/{unit}/records/{}?q={}&", spec.slug, fmt::urlencode(q.q.trim()));
    let pager = Pager::new(found.len(), q.page, base);
    let rows: Vec<Row> = pager.rows(found).collect();
    let added = catalogue_options(&st, spec).await.map_err(|e| s.fail(e))?;
    // The owner column starts at this unit.
    let fixed = match spec.owner {
        records::Owner::Unit(column) => vec![(column, view.unit.code.clone())],
        records::Owner::Parent => vec![],
    };
    render(
        s.t,
        ListPage {
            t: s.t,
            c: Ctx::of(&s),
            unit_id: unit,
            unit_name: view.name_on.clone(),
            title: s.t.s(spec.title_vi, spec.title_en).to_string(),
            slug: spec.slug,
            headers: headers(s.t, spec),
            rows,
            q: q.q.trim().to_string(),
            pager,
            can_write: st.app.may(&s.actor, unit, Resource::Activity, true) && spec.parent.is_none(),
            can_export: st.app.may_export_records(&s.actor, spec),
            fields: fields(s.t, spec, None, &fixed, &added),
        },
    )
}

/// A form's fields read as a file's row; a bad cell is named by its column.
fn read_form(spec: &'static RecordSpec, form: &HashMap<String, String>) -> Result<Value, Error> {
    lamtheo_importer::record_from_fields(spec, |k| form.get(k).cloned().unwrap_or_default()).map_err(|errors| Error {
        details: errors.iter().map(|e| format!("«{}»: {} / {}", e.column, e.message_vi, e.message_en)).collect(),
        ..Error::msg(ErrorCode::InvalidInput, "Biểu mẫu có lỗi", "The form has errors")
    })
}

/// The unit in the path is the page the form was on (which the actor must be able to write
/// in); the record names its own unit, which the service checks again.
async fn create(
    State(st): State<AppState>,
    Path((unit, kind)): Path<(Id, String)>,
    p: Posted<HashMap<String, String>>,
) -> PageResult {
    let s = p.session;
    let spec = spec_of(&kind).map_err(|e| s.fail(e))?;
    st.app.check(&s.actor, unit, Resource::Activity, true).map_err(|e| s.fail(e))?;
    let body = read_form(spec, &p.form).map_err(|e| s.fail(e))?;
    let id = st.app.save_record(&s.actor, spec, &body).await.map_err(|e| s.fail(e))?;
    // A record under another goes back to that one's page.
    let back = match p.form.get("back").and_then(|b| b.parse::<Id>().ok()) {
        Some(parent) => format!("/records/{parent}"),
        None => format!("/records/{id}"),
    };
    Ok(Redirect::to(&back).into_response())
}

/// The kinds that hang under a record of `spec`, each with its records and an add form.
pub struct Under {
    pub title: String,
    pub slug: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    t: Lang,
    c: Ctx,
    id: Id,
    kind_title: String,
    slug: &'static str,
    title: String,
    unit_id: Id,
    unit_name: String,
    /// (label, value) of every column.
    shown: Vec<(String, String)>,
    can_write: bool,
    fields: Vec<Field>,
    under: Vec<Under>,
}

async fn show(State(st): State<AppState>, Path(id): Path<Id>, s: Session) -> PageResult {
    let r = st.app.record(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let spec = spec_of(&r.kind).map_err(|e| s.fail(e))?;
    let view = st.app.unit_view(&s.actor, r.unit_id, st.app.today()).map_err(|e| s.fail(e))?;
    let below = st.app.records_under(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let can_write = st.app.may(&s.actor, r.unit_id, Resource::Activity, true);
    let key = spec.key.first().and_then(|k| r.body.get(*k)).and_then(Value::as_str).unwrap_or_default().to_string();
    let added = catalogue_options(&st, spec).await.map_err(|e| s.fail(e))?;
    let under = records::kinds()
        .filter(|k| k.parent.is_some_and(|p| p.slug == spec.slug))
        .map(|k| {
            let mine: Vec<RecordView> = below.iter().filter(|b| b.kind == k.slug).cloned().collect();
            let column = k.parent.map(|p| p.column).unwrap_or_default();
            Under {
                title: s.t.s(k.title_vi, k.title_en).to_string(),
                slug: k.slug,
                headers: headers(s.t, k),
                rows: rows(k, &mine),
                fields: fields(s.t, k, None, &[(column, key.clone())], &[]),
            }
        })
        .collect();
    let shown = spec
        .columns
        .iter()
        .map(|c| {
            (
                s.t.s(c.header_vi, c.header_en).to_string(),
                lamtheo_importer::cell(c, r.body.get(c.key).unwrap_or(&Value::Null)),
            )
        })
        .collect();
    render(
        s.t,
        RecordPage {
            t: s.t,
            c: Ctx::of(&s),
            id,
            kind_title: s.t.s(spec.title_vi, spec.title_en).to_string(),
            slug: spec.slug,
            title: r.title.clone(),
            unit_id: r.unit_id,
            unit_name: view.name_on,
            shown,
            can_write,
            fields: fields(s.t, spec, Some(&r.body), &[], &added),
            under,
        },
    )
}

async fn update(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let r = st.app.record(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let spec = spec_of(&r.kind).map_err(|e| s.fail(e))?;
    let body = read_form(spec, &p.form).map_err(|e| s.fail(e))?;
    st.app.update_record(&s.actor, id, &body).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/records/{id}")).into_response())
}

async fn remove(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let r = st.app.record(&s.actor, id).await.map_err(|e| s.fail(e))?;
    st.app.delete_record(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let back = match r.parent_id {
        Some(parent) => format!("/records/{parent}"),
        None => format!("/units/{}/records/{}", r.unit_id, r.kind),
    };
    Ok(Redirect::to(&back).into_response())
}

/// A section of the unit page (see `lamtheo_domain::records::Section`), as printed.
pub struct SectionRows {
    pub slug: String,
    pub title: String,
    /// The section's main kind, whose list the section links to.
    pub kind: &'static str,
    /// (label, value as printed).
    pub figures: Vec<(String, String)>,
    pub headers: Vec<String>,
    /// (name, historic, values as printed), in Vietnamese order.
    pub children: Vec<(String, bool, Vec<String>)>,
}

/// The sections of the unit page, with the child units named by `names`.
pub fn section_rows(
    t: Lang,
    sections: &[lamtheo_app::records::SectionFigures],
    names: &HashMap<Id, &str>,
) -> Vec<SectionRows> {
    sections
        .iter()
        .map(|sf| {
            let kind = records::SECTIONS.iter().find(|s| s.slug == sf.slug).map_or("", |s| s.kinds[0].slug);
            let headers = sf.children.first().map_or_else(Vec::new, |c| {
                c.figures.iter().map(|f| t.s(&f.label_vi, &f.label_en).to_string()).collect()
            });
            let mut children: Vec<(String, bool, Vec<String>)> = sf
                .children
                .iter()
                .map(|c| {
                    let values = c.figures.iter().map(|f| crate::fmt::int(f.value)).collect();
                    (names.get(&c.unit_id).unwrap_or(&"").to_string(), c.historic, values)
                })
                .collect();
            children.sort_by_cached_key(|c| (c.1, lamtheo_domain::vn::sort_key(&c.0)));
            SectionRows {
                slug: sf.slug.clone(),
                title: t.s(&sf.title_vi, &sf.title_en).to_string(),
                kind,
                figures: sf
                    .figures
                    .iter()
                    .map(|f| (t.s(&f.label_vi, &f.label_en).to_string(), t.s(&f.text_vi, &f.text_en).to_string()))
                    .collect(),
                headers,
                children,
            }
        })
        .collect()
}
