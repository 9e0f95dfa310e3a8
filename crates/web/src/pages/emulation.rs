//! Emulation movements: the list, launching one, and a movement's page for a unit with
//! registrations and the monthly review.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_app::emulation::MovementReport;
use lamtheo_domain::access::Resource;
use lamtheo_domain::emulation::{Expected, Movement, Review};
use lamtheo_domain::{vn, Error, Id};
use serde::Deserialize;

use super::{render, Ctx, PageResult, Pager};
use crate::charts::{Bars, LOW_RATE_PERMILLE};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/movements", get(list).post(create))
        .route("/movements/{id}", get(show))
        .route("/movements/{id}/figures.xlsx", get(figures_xlsx))
        .route("/movements/{id}/register", post(register))
        .route("/registrations/{id}/review", post(review))
}

#[derive(Template)]
#[template(path = "movements.html")]
struct ListPage {
    t: Lang,
    c: Ctx,
    movements: Vec<(Id, String, String, String)>,
    can_write: bool,
    expected: Vec<(&'static str, &'static str)>,
}

async fn list(State(st): State<AppState>, s: Session) -> PageResult {
    let movements = st.app.movements(&s.actor).await.map_err(|e| s.fail(e))?;
    let movements = movements
        .iter()
        .map(|m| {
            (
                m.id,
                m.title.clone(),
                format!("{} – {}", fmt::date(m.from_date), fmt::date(m.to_date)),
                s.t.s(m.expected.label_vi(), m.expected.label_en()).to_string(),
            )
        })
        .collect();
    let expected = Expected::ALL.iter().map(|e| (e.as_str(), s.t.s(e.label_vi(), e.label_en()))).collect();
    render(
        s.t,
        ListPage { t: s.t, c: Ctx::of(&s), movements, can_write: s.actor.role.can_write(Resource::Activity), expected },
    )
}

#[derive(Deserialize)]
struct MovementForm {
    title: String,
    unit_code: String,
    from_date: String,
    to_date: String,
    expected: String,
}

async fn create(State(st): State<AppState>, p: Posted<MovementForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let unit = st.app.unit_by_code(&s.actor, f.unit_code.trim()).map_err(|e| s.fail(e))?.id;
    let m = Movement {
        id: 0,
        unit_id: unit,
        title: f.title,
        from_date: fmt::parse_date("from_date", &f.from_date).map_err(|e| s.fail(e))?,
        to_date: fmt::parse_date("to_date", &f.to_date).map_err(|e| s.fail(e))?,
        expected: Expected::parse(&f.expected).unwrap_or(Expected::KeyCadres),
    };
    let id = st.app.create_movement(&s.actor, m).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/movements/{id}")).into_response())
}

#[derive(Deserialize)]
struct ShowQuery {
    unit: Option<Id>,
    /// A name to find, accents and đ/d ignored.
    #[serde(default)]
    q: String,
    /// The page of people's lines, from 1.
    page: Option<usize>,
}

pub struct Line {
    pub person_id: Id,
    pub name: String,
    pub member: bool,
    pub registration: Option<(Id, String)>,
    pub reviews: String,
    /// The actor's own line (a member registers themselves).
    pub own: bool,
}

#[derive(Template)]
#[template(path = "movement.html")]
struct ShowPage {
    t: Lang,
    c: Ctx,
    id: Id,
    title: String,
    unit: Id,
    summary: (String, String, String, String),
    months: Vec<(String, String, String)>,
    /// Registered of those expected by child unit, highest share first (with its table).
    by_unit: Bars,
    /// (child unit, name, "registered/expected", rate), by name: each leads to that unit.
    unit_rows: Vec<(Id, String, String, String)>,
    /// People's lines: only a unit without children lists them all (paged); above, a search
    /// finds them.
    lines: Vec<Line>,
    q: String,
    pager: Pager,
    /// Whether this unit's people are listed (a cell, or a search).
    listed: bool,
    this_month: String,
    /// Links to the files of people's pledges and results.
    can_people: bool,
    /// Review forms (the cell, department staff); the register form also for one's own line.
    can_review: bool,
}

impl ShowPage {
    fn chart_caption(&self) -> String {
        self.by_unit.caption(
            self.t,
            (
                "Người đã đăng ký / người thuộc diện, cao xuống thấp; màu nhạt: dưới 80%",
                "Registered / expected, highest first; light: under 80%",
            ),
        )
    }
}

/// The unit a movement's page is seen from: the one asked for, else the account's own, else
/// the first it sees.
fn unit_of(st: &AppState, s: &Session, asked: Option<Id>) -> Result<Id, crate::WebError> {
    match asked.or(s.actor.scope) {
        Some(u) => Ok(u),
        None => st.app.top_units(&s.actor, st.app.today()).first().copied().ok_or_else(|| s.fail(Error::not_found())),
    }
}

/// A movement's figures over `unit`, and (id, name, registered, expected) over each of its
/// `children`: one call, the movement read once.
async fn figures_by_unit(
    st: &AppState,
    s: &Session,
    movement: Id,
    unit: Id,
    children: Vec<(Id, String)>,
) -> Result<(MovementReport, Vec<(Id, String, u64, u64)>), crate::WebError> {
    let units: Vec<Id> = std::iter::once(unit).chain(children.iter().map(|c| c.0)).collect();
    let reports = st.app.movement_figures(&s.actor, movement, &units, st.app.today()).await.map_err(|e| s.fail(e))?;
    let mut reports = reports.into_iter();
    let own = reports.next().ok_or_else(|| s.fail(Error::not_found()))?;
    let rows = children
        .into_iter()
        .zip(reports)
        .map(|((id, name), r)| (id, name, r.registered as u64, r.expected as u64))
        .collect();
    Ok((own, rows))
}

/// The movement's figures tables as a workbook: by child unit with the unit's own row, and the
/// monthly reviews.
async fn figures_xlsx(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<Id>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let (t, today) = (s.t, st.app.today());
    let unit = unit_of(&st, &s, q.unit)?;
    let view = st.app.unit_view(&s.actor, unit, today).map_err(|e| s.fail(e))?;
    let children = view.children.iter().filter(|c| !c.historic).map(|c| (c.id, c.name.clone())).collect();
    let (r, children) = figures_by_unit(&st, &s, id, unit, children).await?;
    let row = |name: String, registered: u64, expected: u64| {
        vec![name, fmt::int(registered as i64), fmt::int(expected as i64), vn::fmt_rate(registered, expected)]
    };
    let by_unit = lamtheo_report::Table {
        title: format!("{} — {}", r.movement.title, t.s("đăng ký theo đơn vị", "registration by unit")),
        columns: super::headings(
            t,
            &[("Đơn vị", "Unit"), ("Đã đăng ký", "Registered"), ("Thuộc diện", "Expected"), ("Tỷ lệ", "Rate")],
        ),
        rows: children.into_iter().map(|(_, n, a, b)| row(n, a, b)).collect(),
        total: Some(row(view.name_on.clone(), r.registered as u64, r.expected as u64)),
    };
    let months = lamtheo_report::Table {
        title: format!("{} — {}", r.movement.title, t.s("kiểm điểm hằng tháng", "monthly reviews")),
        columns: super::headings(t, &[("Tháng", "Month"), ("Đạt", "Met"), ("Chưa đạt", "Not met")]),
        rows: r.months.iter().map(|(m, met, not)| vec![fmt::month(*m), fmt::int(*met), fmt::int(*not)]).collect(),
        total: None,
    };
    super::workbook(&s, vec![by_unit, months], &format!("phong-trao-{id}-{}.xlsx", view.unit.code)).await
}

async fn show(State(st): State<AppState>, s: Session, Path(id): Path<Id>, Query(q): Query<ShowQuery>) -> PageResult {
    let app = &st.app;
    let today = app.today();
    let unit = unit_of(&st, &s, q.unit)?;
    let view = app.unit_view(&s.actor, unit, today).map_err(|e| s.fail(e))?;
    let children: Vec<(Id, String)> =
        view.children.iter().filter(|c| !c.historic).map(|c| (c.id, c.name.clone())).collect();
    // A unit with children shows its movement by child unit; people are found by name. A cell
    // (or a search) lists its people, a page at a time.
    let query = vn::fold(q.q.trim());
    let listed = children.is_empty() || !query.is_empty();
    let (own, children) = figures_by_unit(&st, &s, id, unit, children).await?;
    let r = match listed {
        true => app.movement_report(&s.actor, id, unit, today).await.map_err(|e| s.fail(e))?,
        false => own,
    };
    let (mut bars, mut unit_rows) = (vec![], vec![]);
    for (child, name, registered, expected) in children {
        let label = format!("{}/{}", fmt::int(registered as i64), fmt::int(expected as i64));
        unit_rows.push((child, name.clone(), label, vn::fmt_rate(registered, expected)));
        bars.push((name, registered, expected));
    }
    let own = vn::rate_permille(r.registered as u64, r.expected as u64);
    let by_unit = Bars::rates(bars, own, LOW_RATE_PERMILLE);
    let found: Vec<_> =
        r.rows.iter().filter(|row| query.is_empty() || vn::fold(&row.person.full_name).contains(&query)).collect();
    let base = format!("/movements/{id}?unit={unit}&q={}&", fmt::urlencode(q.q.trim()));
    let pager = Pager::new(found.len(), q.page, base);
    let lines = pager
        .rows(found)
        .map(|row| Line {
            person_id: row.person.id,
            name: row.person.full_name.clone(),
            member: row.person.is_member,
            registration: row.registration.as_ref().map(|x| (x.id, x.content.clone())),
            reviews: row.reviews.iter().map(|v| fmt::review(s.t, v)).collect::<Vec<_>>().join(", "),
            own: s.actor.person_id == Some(row.person.id),
        })
        .collect();
    let months = r.months.iter().map(|(m, met, not)| (fmt::month(*m), fmt::int(*met), fmt::int(*not))).collect();
    let summary = (
        fmt::int(r.registered),
        fmt::int(r.expected),
        fmt::int(r.registered_members),
        fmt::int(r.registered_non_members),
    );
    let this_month = fmt::month(lamtheo_domain::period::Month::of(today));
    render(
        s.t,
        ShowPage {
            t: s.t,
            c: Ctx::of(&s),
            id,
            title: r.movement.title.clone(),
            unit,
            summary,
            months,
            by_unit,
            unit_rows,
            lines,
            q: q.q.trim().to_string(),
            pager,
            listed,
            this_month,
            can_people: app.may(&s.actor, unit, Resource::Person, false),
            can_review: app.may(&s.actor, unit, Resource::Person, true),
        },
    )
}

#[derive(Deserialize)]
struct RegisterForm {
    person_id: Id,
    content: String,
    #[serde(default)]
    unit: Option<Id>,
    /// Where to go afterwards (the member's own page registers from there).
    #[serde(default)]
    back: Option<String>,
}

/// A page of this site to return to; anything else goes to `fallback`.
fn local(back: Option<String>, fallback: String) -> String {
    back.filter(|b| b.starts_with('/') && !b.starts_with("//")).unwrap_or(fallback)
}

async fn register(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<RegisterForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    st.app.register(&s.actor, id, f.person_id, &f.content, st.app.today()).await.map_err(|e| s.fail(e))?;
    let unit = f.unit.map(|u| format!("?unit={u}")).unwrap_or_default();
    Ok(Redirect::to(&local(f.back, format!("/movements/{id}{unit}"))).into_response())
}

#[derive(Deserialize)]
struct ReviewForm {
    month: String,
    met: String,
    #[serde(default)]
    comment: String,
    back: String,
}

async fn review(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<ReviewForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let month = fmt::parse_month("month", &f.month).map_err(|e| s.fail(e))?;
    st.app
        .review_registration(
            &s.actor,
            Review { registration_id: id, month: month.0, met: f.met == "1", comment: f.comment },
        )
        .await
        .map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&local(Some(f.back), "/movements".into())).into_response())
}
