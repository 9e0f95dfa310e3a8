//! A member's own page (their plan, commitment, attendance) and the cell's review page.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use lamtheo_domain::plans::{PersonalPlan, PlanKind, PlanStatus};
use lamtheo_domain::{Error, Id};
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/plans", post(save))
        .route("/units/{id}/plans", get(review_page))
        .route("/plans/{id}/review", post(review))
}

/// A plan as a page shows it.
pub struct PlanView {
    pub id: Id,
    pub kind: &'static str,
    pub title: String,
    pub years: String,
    pub content: String,
    pub status: String,
    pub submitted: bool,
    pub editable: bool,
    pub comment: String,
    /// "gửi 10/1/2025, chi bộ xem xét 5/2/2025"
    pub dates: String,
}

fn view(t: Lang, kind: PlanKind, year: i32, plan: Option<&PersonalPlan>) -> PlanView {
    let (from, to) = kind.years_for(year);
    let status = plan.map(|p| p.status);
    PlanView {
        id: plan.map_or(0, |p| p.id),
        kind: kind.as_str(),
        title: t.s(kind.label_vi(), kind.label_en()).to_string(),
        years: lamtheo_domain::vn::fmt_years(from, to),
        content: plan.map(|p| p.content.clone()).unwrap_or_default(),
        status: status.map_or_else(
            || t.s("Chưa viết", "Not written").to_string(),
            |s| t.s(s.label_vi(), s.label_en()).to_string(),
        ),
        submitted: status == Some(PlanStatus::Submitted),
        editable: status != Some(PlanStatus::Acknowledged),
        comment: plan.map(|p| p.comment.clone()).unwrap_or_default(),
        dates: [
            plan.and_then(|p| p.submitted_on).map(|d| format!("{} {}", t.s("gửi", "submitted"), fmt::date(d))),
            plan.and_then(|p| p.reviewed_on).map(|d| format!("{} {}", t.s("chi bộ xem xét", "reviewed"), fmt::date(d))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
    }
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    t: Lang,
    c: Ctx,
    name: String,
    person_id: Id,
    year: i32,
    units: Vec<(Id, String, String, String)>,
    plans: Vec<PlanView>,
    attendance: Vec<(String, String, String)>,
    movements: Vec<MyMovementView>,
    /// (year or quarter, level, score)
    evaluations: Vec<(String, String, String)>,
}

struct MyMovementView {
    id: Id,
    title: String,
    dates: String,
    /// (content, registered on) when registered.
    registration: Option<(String, String)>,
    /// "5/2025: đạt — comment"
    reviews: Vec<String>,
}

async fn me(State(st): State<AppState>, s: Session, Query(q): Query<YearQuery>) -> PageResult {
    let page = st.app.my_page(&s.actor).await.map_err(|e| s.fail(e))?;
    let t = s.t;
    let year = q.year.unwrap_or_else(|| st.app.today().year());
    let plans = PlanKind::ALL
        .iter()
        .map(|k| {
            let (from, _) = k.years_for(year);
            view(t, *k, year, page.plans.iter().find(|p| p.kind == *k && p.from_year == from))
        })
        .collect();
    let units = page
        .memberships
        .iter()
        .map(|m| {
            let name = st
                .app
                .unit_view(&s.actor, m.unit_id, m.valid_from)
                .map(|v| v.name_on)
                .unwrap_or_else(|_| format!("#{}", m.unit_id));
            (m.unit_id, name, fmt::date(m.valid_from), m.valid_to.map(fmt::date).unwrap_or_default())
        })
        .collect();
    let attendance = page
        .attendance
        .iter()
        .map(|(c, status)| {
            (fmt::date(c.held_on), c.title.clone(), t.s(status.label_vi(), status.label_en()).to_string())
        })
        .collect();
    let movements = page
        .movements
        .iter()
        .map(|m| MyMovementView {
            id: m.movement.id,
            title: m.movement.title.clone(),
            dates: format!("{} – {}", fmt::date(m.movement.from_date), fmt::date(m.movement.to_date)),
            registration: m.registration.as_ref().map(|r| (r.content.clone(), fmt::date(r.registered_on))),
            reviews: m.reviews.iter().map(|r| fmt::review(t, r)).collect(),
        })
        .collect();
    let evaluations = page
        .evaluations
        .iter()
        .map(|(e, vi, en)| {
            let when = match e.quarter {
                0 => e.year.to_string(),
                q => format!("{} {q}/{}", t.s("Quý", "Quarter"), e.year),
            };
            (when, t.s(vi, en).to_string(), e.score.map(|s| s.to_string()).unwrap_or_default())
        })
        .collect();
    render(
        t,
        MePage {
            t,
            c: Ctx::of(&s),
            name: page.person.full_name,
            person_id: page.person.id,
            year,
            units,
            plans,
            attendance,
            movements,
            evaluations,
        },
    )
}

#[derive(Deserialize)]
struct PlanForm {
    kind: String,
    year: i32,
    content: String,
    #[serde(default)]
    submit: Option<String>,
}

async fn save(State(st): State<AppState>, p: Posted<PlanForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let kind = PlanKind::parse(&f.kind)
        .ok_or_else(|| s.fail(Error::field("kind", "Loại kế hoạch không hợp lệ", "Unknown kind of plan")))?;
    st.app.save_own_plan(&s.actor, kind, f.year, &f.content, f.submit.is_some()).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/me?year={}", f.year)).into_response())
}

pub struct ReviewLine {
    pub name: String,
    pub plans: Vec<PlanView>,
}

#[derive(Template)]
#[template(path = "plans_review.html")]
struct ReviewPage {
    t: Lang,
    c: Ctx,
    unit_id: Id,
    unit_name: String,
    year: i32,
    lines: Vec<ReviewLine>,
    /// Above the cells: each unit with members and its plans' counts, leading to its page.
    cells: Vec<lamtheo_app::plans::CellPlans>,
}

async fn review_page(
    State(st): State<AppState>,
    s: Session,
    Path(unit): Path<Id>,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let today = st.app.today();
    let year = q.year.unwrap_or_else(|| today.year());
    let view_unit = st.app.unit_view(&s.actor, unit, today).map_err(|e| s.fail(e))?;
    let rows = st.app.plans_of_unit(&s.actor, unit, year, today).await.map_err(|e| s.fail(e))?;
    let t = s.t;
    let lines = rows
        .iter()
        .map(|r| ReviewLine {
            name: r.person.full_name.clone(),
            plans: PlanKind::ALL
                .iter()
                .map(|k| {
                    let (from, _) = k.years_for(year);
                    view(t, *k, year, r.plans.iter().find(|p| p.kind == *k && p.from_year == from))
                })
                .collect(),
        })
        .collect();
    // A unit with units under it (a commune, a district) lists them with their counts.
    let cells = match view_unit.children.is_empty() {
        true => vec![],
        false => st.app.plan_review_summary(&s.actor, unit, year, today).await.map_err(|e| s.fail(e))?,
    };
    render(t, ReviewPage { t, c: Ctx::of(&s), unit_id: unit, unit_name: view_unit.name_on, year, lines, cells })
}

#[derive(Deserialize)]
struct ReviewForm {
    decision: String,
    #[serde(default)]
    comment: String,
    back: String,
}

async fn review(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<ReviewForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    st.app.review_plan(&s.actor, id, f.decision == "acknowledge", &f.comment).await.map_err(|e| s.fail(e))?;
    // Only ever go back to a page of this site.
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") { f.back } else { "/".into() };
    Ok(Redirect::to(&back).into_response())
}
