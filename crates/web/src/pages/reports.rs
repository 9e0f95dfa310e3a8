//! The periodic report on the pages: a unit's requests (made and received) and locks; a
//! request's units with where each report stands (table and chart) and reminders; the draft
//! editor (saved as it is typed), submission, return and approval; the documents as files.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_app::report::workflow::{
    DraftEdit, FigureCheck, FiguresCheck, NewRequest, Recipient, RegisterEntry, ReportView, RequestView,
    State as ReportState,
};
use lamtheo_app::report::{
    annex_kinds, built_in_outline, locks::LockView, render, sources, Draft, Format, Outline, OutlineSection, Paragraph,
};
use lamtheo_domain::access::Resource;
use lamtheo_domain::{Error, Id};
use serde::Deserialize;

use super::{render as page, Ctx, PageResult};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units/{id}/reports", get(list).post(create))
        .route("/units/{id}/reports/own", post(start_own))
        .route("/units/{id}/congresses", post(record_congress))
        .route("/units/{id}/report/{format}", get(from_figures))
        .route("/report-requests/{id}", get(status))
        .route("/report-requests/{id}/remind", post(remind))
        .route("/report-requests/{id}/open", post(open))
        .route("/reports/{id}", get(editor).post(save))
        .route("/reports/{id}/autosave", post(autosave))
        .route("/reports/{id}/refresh", post(refresh))
        .route("/reports/{id}/restore", post(restore))
        .route("/reports/{id}/quote", post(quote))
        .route("/reports/{id}/submit", post(submit))
        .route("/reports/{id}/decide", post(decide))
        .route("/reports/{id}/draft/{format}", get(draft_file))
        .route("/documents/{id}/{format}", get(document_file))
        .route("/locks/{id}/unlock", post(unlock))
}

fn format_of(s: &str) -> Result<Format, Error> {
    Format::of_path(std::path::Path::new(&format!("x.{s}"))).ok_or_else(Error::not_found)
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    t: Lang,
    c: Ctx,
    unit_id: Id,
    unit_name: String,
    made: Vec<RequestView>,
    received: Vec<RequestView>,
    /// The unit's own reports: (id, summary, state).
    own: Vec<(Id, String, String)>,
    locks: Vec<LockView>,
    can_write: bool,
    year: i32,
    /// The new request's outline, to edit: the built-in one or an earlier request's
    /// (`outline_of`), and a few blank rows to add sections: (row, section).
    outline_rows: Vec<(usize, OutlineSection)>,
    outline_of: Option<Id>,
    /// (code, label) of what can fill a section; (code, label, asked) of the annexes.
    sources: Vec<(&'static str, &'static str)>,
    annexes: Vec<(&'static str, &'static str, bool)>,
    depth: u8,
    /// The unit's register of outgoing documents and its congresses (each opens a term).
    register: Vec<RegisterEntry>,
    congresses: Vec<chrono::NaiveDate>,
    /// The register's term today: "2025–2030".
    term: String,
}

/// Blank rows under an outline's sections on the request form, to add sections.
const BLANK_ROWS: usize = 4;

impl ListPage {
    fn period(&self, r: &RequestView) -> String {
        format!("{}–{}", fmt::month(r.period.from), fmt::month(r.period.to))
    }
    fn day(&self, d: &chrono::NaiveDate) -> String {
        fmt::date(*d)
    }
    fn is_outline_of(&self, id: &Id) -> bool {
        self.outline_of == Some(*id)
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    /// Start the new request's outline from this earlier request's.
    outline_of: Option<String>,
}

async fn list(State(st): State<AppState>, Path(unit): Path<Id>, Query(q): Query<ListQuery>, s: Session) -> PageResult {
    let app = &st.app;
    let view = app.unit_view(&s.actor, unit, app.today()).map_err(|e| s.fail(e))?;
    let (made, received) = app.requests_of(&s.actor, unit).await.map_err(|e| s.fail(e))?;
    let outline_of: Option<Id> = q.outline_of.and_then(|id| id.parse().ok());
    let outline = made.iter().find(|r| Some(r.id) == outline_of).map_or_else(built_in_outline, |r| r.outline.clone());
    let blank = OutlineSection { level: 2, heading: String::new(), guidance: String::new(), fill: String::new() };
    let outline_rows =
        outline.sections.iter().cloned().chain(std::iter::repeat_n(blank, BLANK_ROWS)).enumerate().collect();
    let sources = sources().into_iter().map(|(code, vi, en)| (code, s.t.s(vi, en))).collect();
    let annexes = annex_kinds()
        .into_iter()
        .map(|(code, vi, en)| (code, s.t.s(vi, en), outline.annexes.iter().any(|a| a == code)))
        .collect();
    let locks = app.locks_of(&s.actor, unit).await.map_err(|e| s.fail(e))?;
    let own = app.own_reports(&s.actor, unit).await.map_err(|e| s.fail(e))?;
    let congresses = app.congresses(&s.actor, unit).await.map_err(|e| s.fail(e))?;
    use chrono::Datelike;
    page(
        s.t,
        ListPage {
            t: s.t,
            c: Ctx::of(&s),
            unit_id: unit,
            unit_name: view.name_on,
            made,
            received,
            own,
            locks,
            can_write: app.may(&s.actor, unit, Resource::Report, true),
            year: app.today().year(),
            outline_rows,
            outline_of,
            sources,
            annexes,
            depth: outline.depth,
            register: app.outgoing_register(&s.actor, unit).await.map_err(|e| s.fail(e))?,
            term: lamtheo_app::report::workflow::term_of(app.today(), &congresses),
            congresses,
        },
    )
}

/// A date a form requires: its absence said in `missing`, a wrong one as every date is
/// («31/11/2026 không có: tháng 11/2026 chỉ có 30 ngày»).
fn required_date(field: &str, typed: &str, missing: (&str, &str)) -> Result<chrono::NaiveDate, Error> {
    match typed.trim() {
        "" => Err(Error::field(field, format!("{} (ngày/tháng/năm)", missing.0), missing.1)),
        typed => fmt::parse_date(field, typed),
    }
}

/// Records the day of the unit's congress (a new term of its register).
async fn record_congress(
    State(st): State<AppState>,
    Path(unit): Path<Id>,
    p: Posted<HashMap<String, String>>,
) -> PageResult {
    let s = p.session;
    let typed = p.form.get("held_on").map_or("", |d| d.trim());
    let day = required_date("held_on", typed, ("Cần nhập ngày đại hội", "The congress's day is required"))
        .map_err(|e| s.fail(e))?;
    st.app.record_congress(&s.actor, unit, day).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{unit}/reports#register")).into_response())
}

/// The outline edited on the request form: rows `s{i}_order`, `s{i}_level`, `s{i}_heading`,
/// `s{i}_guidance`, `s{i}_fill` in the order of their numbers (a row without a heading is
/// left out), the annexes ticked (`annex_{code}`) and `depth`; none when the form has no
/// rows (the built-in outline).
fn outline_of_form(form: &HashMap<String, String>) -> Result<Option<Outline>, Error> {
    if !form.contains_key("s0_heading") {
        return Ok(None);
    }
    let get = |k: String| form.get(&k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    // Bounded: the outline's own check allows 60 sections.
    for i in 0..200 {
        let Some(heading) = form.get(&format!("s{i}_heading")) else { break };
        if heading.trim().is_empty() {
            continue;
        }
        let order_text = get(format!("s{i}_order"));
        let order: i64 = match order_text.is_empty() {
            true => i64::MAX,
            false => order_text.parse().map_err(|_| {
                Error::field(
                    &format!("s{i}_order"),
                    format!("Thứ tự của mục «{}» phải là một số", heading.trim()),
                    format!("The order of «{}» must be a number", heading.trim()),
                )
            })?,
        };
        let section = OutlineSection {
            level: get(format!("s{i}_level")).parse().unwrap_or(2),
            heading: heading.trim().to_string(),
            guidance: get(format!("s{i}_guidance")),
            fill: get(format!("s{i}_fill")),
        };
        rows.push((order, i, section));
    }
    rows.sort_by_key(|(order, i, _)| (*order, *i));
    let annexes =
        annex_kinds().into_iter().filter(|(code, _, _)| form.contains_key(&format!("annex_{code}"))).map(|(c, _, _)| c);
    Ok(Some(Outline {
        sections: rows.into_iter().map(|(_, _, s)| s).collect(),
        annexes: annexes.map(String::from).collect(),
        depth: get("depth".into()).parse().unwrap_or(1),
    }))
}

/// A request made on the form: recipients by code, separated by semicolons (none: the
/// unit's children); the deadline as 15/1/2026 or from a date field.
async fn create(State(st): State<AppState>, Path(unit): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let get = |k: &str| p.form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let (period, _) =
        fmt::period_and_as_of(Some(&get("from")), Some(&get("to")), None, st.app.today()).map_err(|e| s.fail(e))?;
    let deadline = required_date("deadline", &get("deadline"), ("Cần nhập hạn gửi", "A deadline is required"))
        .map_err(|e| s.fail(e))?;
    let recipients =
        get("recipients").split([';', ',', '\n']).map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect();
    let copy_of = get("copy_of").parse().ok();
    let outline = outline_of_form(&p.form).map_err(|e| s.fail(e))?;
    let new = NewRequest { title: get("title"), period, deadline, recipients, outline, copy_of };
    let id = st.app.create_request(&s.actor, unit, new).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/report-requests/{id}")).into_response())
}

/// A report of the unit's own, for a period.
async fn start_own(State(st): State<AppState>, Path(unit): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let get = |k: &str| p.form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let (period, _) =
        fmt::period_and_as_of(Some(&get("from")), Some(&get("to")), None, st.app.today()).map_err(|e| s.fail(e))?;
    let id = st.app.start_report(&s.actor, unit, period).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

#[derive(Deserialize, Default)]
struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
}

/// The unit's report straight from its figures, in the built-in outline.
async fn from_figures(
    State(st): State<AppState>,
    Path((unit, format)): Path<(Id, String)>,
    Query(q): Query<PeriodQuery>,
    s: Session,
) -> PageResult {
    let app = &st.app;
    let format = format_of(&format).map_err(|e| s.fail(e))?;
    let (period, as_of) = fmt::period_and_as_of(q.from.as_deref(), q.to.as_deref(), q.as_of.as_deref(), app.today())
        .map_err(|e| s.fail(e))?;
    app.check(&s.actor, unit, Resource::Report, false).map_err(|e| s.fail(e))?;
    let draft = app.report_draft(&s.actor, unit, period, as_of, &built_in_outline()).await.map_err(|e| s.fail(e))?;
    let bytes = render(draft.document(app.today(), None, ("Bí thư", "")), format).await.map_err(|e| s.fail(e))?;
    Ok(crate::download(&file_name(&draft, format), bytes))
}

fn file_name(d: &Draft, format: Format) -> String {
    let ext = match format {
        Format::Pdf => "pdf",
        Format::Docx => "docx",
        Format::Xlsx => "xlsx",
    };
    let what = if format == Format::Xlsx { "phu-luc" } else { "bao-cao" };
    format!("{what}-{}-{}-{}.{ext}", d.issuer.symbol, d.period.from.0, d.period.to.0)
}

#[derive(Template)]
#[template(path = "report_request.html")]
struct StatusPage {
    t: Lang,
    c: Ctx,
    request: RequestView,
    units: Vec<Recipient>,
    /// (state, count, share of units in per cent) for the chart.
    chart: Vec<(ReportState, usize, u32)>,
    can_write: bool,
    /// Whether the viewer may see the asked units' state (the asking unit's readers).
    upper: bool,
}

impl StatusPage {
    fn label(&self, s: &ReportState) -> &'static str {
        self.t.s(s.label_vi(), s.label_en())
    }
    fn days(&self, r: &Recipient) -> String {
        match r.days_left {
            Some(d) if d >= 0 => format!("{} {}", d, self.t.s("ngày còn lại", "days left")),
            Some(d) => format!("{} {}", -d, self.t.s("ngày quá hạn", "days overdue")),
            None => r.submitted_on.map(fmt::date).unwrap_or_default(),
        }
    }
    fn deadline(&self) -> String {
        fmt::date(self.request.deadline)
    }
}

async fn status(State(st): State<AppState>, Path(id): Path<Id>, s: Session) -> PageResult {
    let app = &st.app;
    let request = app.request(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let upper = app.may(&s.actor, request.unit_id, Resource::Report, false);
    let units = if upper { app.request_status(&s.actor, id).await.map_err(|e| s.fail(e))? } else { vec![] };
    let total = units.len().max(1);
    let chart = ReportState::ALL
        .iter()
        .map(|state| {
            let n = units.iter().filter(|u| u.state == *state).count();
            (*state, n, (n * 100 / total) as u32)
        })
        .collect();
    let can_write = app.may(&s.actor, request.unit_id, Resource::Report, true);
    page(s.t, StatusPage { t: s.t, c: Ctx::of(&s), request, units, chart, can_write, upper })
}

async fn remind(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let unit: Id = p.form.get("unit").and_then(|u| u.parse().ok()).ok_or_else(|| s.fail(Error::not_found()))?;
    st.app.remind(&s.actor, id, unit).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/report-requests/{id}")).into_response())
}

/// Opens (making it the first time) a unit's report for a request.
async fn open(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let unit: Id = p.form.get("unit").and_then(|u| u.parse().ok()).ok_or_else(|| s.fail(Error::not_found()))?;
    let report = st.app.open_report(&s.actor, id, unit).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/reports/{}", report.id)).into_response())
}

#[derive(Template)]
#[template(path = "report.html")]
struct EditorPage {
    t: Lang,
    c: Ctx,
    report: ReportView,
    request: Option<RequestView>,
    unit_name: String,
    /// The drafter may change it now (drafting or returned, and a writer of the unit).
    editable: bool,
    /// The asking unit's writers decide on a submitted report.
    can_decide: bool,
    versions: Vec<(i32, String, String)>,
    /// Approved reports of the units below it may quote: (id, unit name, sections' headings).
    below: Vec<(Id, String, Vec<String>)>,
    /// A submitted or approved report's figures beside the same figures read now.
    check: Option<FiguresCheck>,
    /// The saved version shown instead of the current text (read only).
    viewing: Option<i32>,
    /// The viewer may restore a saved version (a writer, while the report is editable).
    may_restore: bool,
}

impl EditorPage {
    fn state(&self) -> &'static str {
        match self.report.state.as_str() {
            "submitted" if self.request.is_none() => self.t.s("Đã ban hành", "Issued"),
            "submitted" => self.t.s("Đã gửi lên cấp trên", "Submitted"),
            "returned" => self.t.s("Bị trả lại", "Returned"),
            "approved" => self.t.s("Đã duyệt", "Approved"),
            _ => self.t.s("Đang soạn", "Drafting"),
        }
    }
    fn figures_of(&self, p: &Paragraph) -> String {
        p.figures.join(", ")
    }
    /// An issue date (ISO) as 28/11/2026.
    fn day(&self, iso: &str) -> String {
        iso.parse().map(fmt::date).unwrap_or_else(|_| iso.to_string())
    }
    /// A save's time (RFC 3339) as «19:40:12 ngày 28/11/2026».
    fn moment(&self, at: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| fmt::moment(self.t, t.with_timezone(&chrono::Utc)))
            .unwrap_or_else(|_| at.to_string())
    }
    /// Whether the figure at `i` is the first of its annex (its title is shown once).
    fn annex_starts(&self, figures: &[FigureCheck], i: &usize) -> bool {
        *i == 0 || figures.get(*i - 1).map(|f| &f.annex) != figures.get(*i).map(|f| &f.annex)
    }
    fn totals_unchanged(&self, k: &FiguresCheck) -> bool {
        k.totals.iter().all(|f| f.submitted == f.now)
    }
    fn differences(&self, k: &FiguresCheck) -> usize {
        k.changed.len() + k.totals.iter().filter(|f| f.submitted != f.now).count()
    }
    fn rows(&self, p: &Paragraph) -> usize {
        (p.text.chars().count() / 60 + 2).min(12)
    }
}

#[derive(Deserialize, Default)]
struct EditorQuery {
    /// Show this saved version (read only, with a button to restore it).
    version: Option<String>,
}

async fn editor(
    State(st): State<AppState>,
    Path(id): Path<Id>,
    Query(q): Query<EditorQuery>,
    s: Session,
) -> PageResult {
    let app = &st.app;
    let mut report = app.report(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let viewing: Option<i32> = q.version.and_then(|v| v.parse().ok()).filter(|v| *v != report.version);
    if let Some(v) = viewing {
        report.draft = app.report_version(&s.actor, id, v).await.map_err(|e| s.fail(e))?;
    }
    let request = match report.request_id {
        Some(q) => Some(app.request(&s.actor, q).await.map_err(|e| s.fail(e))?),
        None => None,
    };
    let may_edit = matches!(report.state.as_str(), "drafting" | "returned")
        && app.may(&s.actor, report.unit_id, Resource::Report, true);
    let editable = may_edit && viewing.is_none();
    let can_decide = report.state == "submitted"
        && request.as_ref().is_some_and(|q| app.may(&s.actor, q.unit_id, Resource::Report, true));
    let versions = app.report_versions(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let below = if editable {
        let approved = app.approved_below(&s.actor, report.unit_id).await.map_err(|e| s.fail(e))?;
        approved
            .into_iter()
            .map(|r| (r.id, r.draft.unit_name.clone(), r.draft.sections.iter().map(|x| x.heading.clone()).collect()))
            .collect()
    } else {
        vec![]
    };
    let check = match report.state.as_str() {
        "submitted" | "approved" if viewing.is_none() => {
            Some(app.report_figures(&s.actor, id).await.map_err(|e| s.fail(e))?)
        }
        _ => None,
    };
    let unit_name = report.draft.unit_name.clone();
    let page_ = EditorPage {
        t: s.t,
        c: Ctx::of(&s),
        report,
        request,
        unit_name,
        editable,
        can_decide: can_decide && viewing.is_none(),
        versions,
        below,
        check,
        viewing,
        may_restore: may_edit,
    };
    page(s.t, page_)
}

/// The draft with the editor's fields: `p_{section}_{i}` a paragraph's text (emptied:
/// removed), `p_{section}_new` a paragraph added, `summary`. A written paragraph whose text
/// changed is kept as the drafter's (`edited`), so a refresh leaves it.
fn edited(draft: &Draft, form: &HashMap<String, String>) -> DraftEdit {
    let mut out = DraftEdit::of(draft);
    if let Some(summary) = form.get("summary") {
        out.summary = summary.trim().to_string();
    }
    for (s, section) in out.sections.iter_mut().enumerate() {
        let mut paragraphs = Vec::new();
        for (i, p) in section.iter().enumerate() {
            let Some(text) = form.get(&format!("p_{s}_{i}")) else {
                paragraphs.push(p.clone());
                continue;
            };
            let text = text.trim().to_string();
            if text.is_empty() {
                continue;
            }
            let changed = text != p.text;
            paragraphs.push(Paragraph { edited: p.edited || (changed && !p.figures.is_empty()), text, ..p.clone() });
        }
        if let Some(new) = form.get(&format!("p_{s}_new")).map(|t| t.trim()).filter(|t| !t.is_empty()) {
            paragraphs.push(Paragraph { text: new.to_string(), figures: vec![], edited: false });
        }
        *section = paragraphs;
    }
    out
}

async fn save_form(st: &AppState, s: &Session, id: Id, form: &HashMap<String, String>) -> Result<i32, Error> {
    let report = st.app.report(&s.actor, id).await?;
    let version: i32 = form.get("version").and_then(|v| v.parse().ok()).unwrap_or(report.version);
    st.app.save_report(&s.actor, id, edited(&report.draft, form), version).await
}

async fn save(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    save_form(&st, &s, id, &p.form).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

/// The editor's save as it is typed: 204 with the new version, or the error's message.
async fn autosave(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> Response {
    let s = p.session;
    match save_form(&st, &s, id, &p.form).await {
        Ok(version) => (StatusCode::NO_CONTENT, [("X-Report-Version", version.to_string())]).into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            // HTML, which the error middleware passes as it is (it replaces other error
            // bodies with the error page); the script shows it as text.
            let text = askama::filters::escape(s.t.s(&e.message_vi, &e.message_en), askama::filters::Html)
                .map(|t| t.to_string())
                .unwrap_or_default();
            (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], text).into_response()
        }
    }
}

async fn refresh(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    st.app.refresh_report(&s.actor, id).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

/// Makes a saved version (`version`) the text again, over the current one (`current`).
async fn restore(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let number = |k: &str| p.form.get(k).and_then(|v| v.trim().parse::<i32>().ok());
    let (Some(version), Some(current)) = (number("version"), number("current")) else {
        return Err(s.fail(Error::field("version", "Không có bản lưu này", "No such saved version")));
    };
    st.app.restore_version(&s.actor, id, version, current).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

/// Quotes a section of an approved report from below (`source`, `section`).
async fn quote(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let number = |k: &str| p.form.get(k).and_then(|v| v.parse::<usize>().ok());
    let (Some(source), Some(section)) = (number("source"), number("section")) else {
        return Err(s.fail(Error::field("source", "Chọn báo cáo và mục cần trích", "Choose a report and a section")));
    };
    st.app.quote(&s.actor, id, source as Id, section).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

async fn submit(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let get = |k: &str| p.form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let title = if get("signer_title").is_empty() { "Bí thư".to_string() } else { get("signer_title") };
    st.app.submit_report(&s.actor, id, (&title, &get("signer"))).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

async fn decide(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let approve = p.form.get("decision").map(String::as_str) == Some("approve");
    let comment = p.form.get("comment").cloned().unwrap_or_default();
    st.app.decide_report(&s.actor, id, approve, &comment).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

/// The draft as it stands, as a file (numbered only when issued).
async fn draft_file(State(st): State<AppState>, Path((id, format)): Path<(Id, String)>, s: Session) -> PageResult {
    let format = format_of(&format).map_err(|e| s.fail(e))?;
    let report = st.app.report(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let document = report.draft.document(st.app.today(), None, ("Bí thư", ""));
    let bytes = render(document, format).await.map_err(|e| s.fail(e))?;
    Ok(crate::download(&file_name(&report.draft, format), bytes))
}

/// An issued document, as it was issued.
async fn document_file(State(st): State<AppState>, Path((id, format)): Path<(Id, String)>, s: Session) -> PageResult {
    let format = format_of(&format).map_err(|e| s.fail(e))?;
    let (bytes, name) = st.app.issued_file(&s.actor, id, format).await.map_err(|e| s.fail(e))?;
    Ok(crate::download(&name, bytes))
}

async fn unlock(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let reason = p.form.get("reason").cloned().unwrap_or_default();
    st.app.unlock(&s.actor, id, &reason).await.map_err(|e| s.fail(e))?;
    let back = p.form.get("back").and_then(|b| b.parse::<Id>().ok());
    Ok(Redirect::to(&back.map_or_else(|| "/".to_string(), |u| format!("/units/{u}/reports"))).into_response())
}
