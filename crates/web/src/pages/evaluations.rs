//! Rating the members of a unit for a year or a quarter, on a scale (or by score).
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use chrono::Datelike;
use lamtheo_domain::access::Resource;
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::Id;
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::charts::Bars;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units/{id}/evaluations", get(page).post(save))
        .route("/units/{id}/evaluations.xlsx", get(figures_xlsx))
}

#[derive(Deserialize)]
struct EvalQuery {
    year: Option<i32>,
    #[serde(default)]
    quarter: i32,
    scale: Option<String>,
}

pub struct EvalRow {
    pub id: Id,
    pub name: String,
    pub level: String,
    pub score: String,
    /// The level's name (and score), for those who may only read it.
    pub shown: String,
}

#[derive(Template)]
#[template(path = "evaluations.html")]
struct EvalPage {
    t: Lang,
    c: Ctx,
    unit_id: Id,
    unit_name: String,
    year: i32,
    quarter: i32,
    scale: String,
    /// (code, name) of each scale.
    scales: Vec<(String, String)>,
    scored: bool,
    levels: Vec<(String, String)>,
    rows: Vec<EvalRow>,
    /// The unit's child organisations, rated as organisations.
    units: Vec<EvalRow>,
    summary: Vec<(String, String, String, String, Option<String>)>,
    /// (group, title, chart) of the rating distribution of members and of organisations.
    charts: Vec<(&'static str, String, Bars)>,
    /// Whether the entry form is shown (else the ratings are shown as text).
    can_write: bool,
}

/// The year a ratings page shows (last year unless asked) and its last day, the as-of date
/// of its figures.
fn year_of(app: &lamtheo_app::App, q: &EvalQuery) -> (i32, chrono::NaiveDate) {
    let year = q.year.unwrap_or_else(|| app.today().year() - 1);
    (year, chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(app.today()))
}

/// The name of a group the ratings are counted over.
fn group_name(t: Lang, group: &str) -> &'static str {
    match group {
        "members" => t.s("Đảng viên", "Members"),
        "key_cadres" => t.s("Cán bộ chủ chốt", "Key cadres"),
        "member_key_cadres" => t.s("Cán bộ chủ chốt là đảng viên", "Key cadres who are party members"),
        "non_member_key_cadres" => t.s("Cán bộ chủ chốt không phải đảng viên", "Non-member key cadres"),
        _ => t.s("Tổ chức", "Organisations"),
    }
}

/// The ratings' figures as a workbook: each group's rated, good or better and rate, and how
/// many at each level.
async fn figures_xlsx(
    State(st): State<AppState>,
    s: Session,
    Path(unit): Path<Id>,
    Query(q): Query<EvalQuery>,
) -> PageResult {
    let (app, t) = (&st.app, s.t);
    let (year, year_end) = year_of(app, &q);
    let view = app.unit_view(&s.actor, unit, year_end).map_err(|e| s.fail(e))?;
    let report = app.evaluation_report(&s.actor, unit, year, q.quarter, year_end, t.en).await.map_err(|e| s.fail(e))?;
    let period = match q.quarter {
        0 => year.to_string(),
        quarter => format!("{} {quarter}/{year}", t.s("quý", "quarter")),
    };
    let summary = lamtheo_report::Table {
        title: format!("{} — {} {period}", view.name_on, t.s("đánh giá, xếp loại", "evaluation and ranking")),
        columns: super::headings(
            t,
            &[("Đối tượng", "Group"), ("Được đánh giá", "Rated"), ("Tốt trở lên", "Good or better"), ("Tỷ lệ", "Rate")],
        ),
        rows: report
            .iter()
            .map(|d| {
                let group = group_name(t, d.group).to_string();
                vec![group, crate::fmt::int(d.evaluated), crate::fmt::int(d.good_or_better), d.rate()]
            })
            .collect(),
        total: None,
    };
    let levels = lamtheo_report::Table {
        title: format!("{} — {} {period}", view.name_on, t.s("số lượng theo mức xếp loại", "number at each level")),
        columns: super::headings(t, &[("Đối tượng", "Group"), ("Mức xếp loại", "Rating"), ("Số lượng", "Number")]),
        rows: report
            .iter()
            .flat_map(|d| {
                d.levels
                    .iter()
                    .map(|(_, _, name, n)| vec![group_name(t, d.group).to_string(), name.clone(), crate::fmt::int(*n)])
            })
            .collect(),
        total: None,
    };
    super::workbook(&s, vec![summary, levels], &format!("xep-loai-{}-{year}.xlsx", view.unit.code)).await
}

async fn page(State(st): State<AppState>, s: Session, Path(unit): Path<Id>, Query(q): Query<EvalQuery>) -> PageResult {
    let app = &st.app;
    let t = s.t;
    let (year, year_end) = year_of(app, &q);
    let scale = q.scale.unwrap_or_else(|| if q.quarter > 0 { "qd366".into() } else { "qd124".into() });
    let all_levels = app.rating_levels().await.map_err(|e| s.fail(e))?;
    let mut codes: Vec<String> = all_levels.iter().map(|l| l.scale.clone()).collect();
    codes.dedup();
    let scales = codes
        .into_iter()
        .map(|code| {
            let (vi, en) = lamtheo_domain::evaluation::scale_label(&code);
            let name = t.s(&vi, &en).to_string();
            (code, name)
        })
        .collect();
    let levels: Vec<_> = all_levels.iter().filter(|l| l.scale == scale).collect();
    let scored = levels.iter().any(|l| l.min_score.is_some());
    let view = app.unit_view(&s.actor, unit, year_end).map_err(|e| s.fail(e))?;
    // The summary is for whoever reads the unit (as `GET /api/v1/units/{id}/evaluations`);
    // people's lines only for those who read people, the form only for those who rate.
    let sees_people = app.may(&s.actor, unit, Resource::Person, false);
    let can_write = app.may(&s.actor, unit, Resource::Person, true);
    let people =
        if sees_people { app.members_on(&s.actor, unit, year_end).await.map_err(|e| s.fail(e))? } else { Vec::new() };
    let level_name = |code: &str| {
        levels.iter().find(|l| l.code == code).map_or(code.to_string(), |l| t.s(&l.name_vi, &l.name_en).to_string())
    };
    // One line of the entry form per person or organisation, with the rating already given.
    let lines = |subjects: Vec<(Id, String)>, given: Vec<Evaluation>| -> Vec<EvalRow> {
        let given: HashMap<Id, Evaluation> = given.into_iter().map(|e| (e.subject_id, e)).collect();
        subjects
            .into_iter()
            .map(|(id, name)| {
                let level =
                    given.get(&id).filter(|e| e.scale == scale).map(|e| e.level_code.clone()).unwrap_or_default();
                let score = given.get(&id).and_then(|e| e.score).map(|x| x.to_string()).unwrap_or_default();
                let shown = match (level.is_empty(), score.is_empty()) {
                    (true, _) => String::new(),
                    (false, true) => level_name(&level),
                    (false, false) => format!("{} ({score})", level_name(&level)),
                };
                EvalRow { id, name, level, score, shown }
            })
            .collect()
    };
    let given = if sees_people {
        app.evaluations_of(&s.actor, unit, year, q.quarter).await.map_err(|e| s.fail(e))?
    } else {
        Vec::new()
    };
    let rows = lines(people.into_iter().map(|p| (p.id, p.full_name)).collect(), given);
    let children: Vec<(Id, String)> =
        view.children.iter().filter(|c| !c.historic).map(|c| (c.id, c.name.clone())).collect();
    let child_ids: Vec<Id> = children.iter().map(|c| c.0).collect();
    let given = app.unit_ratings(&s.actor, &child_ids, year, q.quarter).await.map_err(|e| s.fail(e))?;
    let units = lines(children, given);
    let report = app.evaluation_report(&s.actor, unit, year, q.quarter, year_end, t.en).await.map_err(|e| s.fail(e))?;
    // How the members and the organisations were rated: one bar per level, best first.
    let charts = report
        .iter()
        .filter(|d| matches!(d.group, "members" | "organisations") && d.evaluated > 0)
        .map(|d| {
            let title = match d.group {
                "members" => t.s("Đảng viên theo mức xếp loại", "Members by rating"),
                _ => t.s("Tổ chức đảng theo mức xếp loại", "Party organisations by rating"),
            };
            let bars =
                Bars::counts(d.levels.iter().map(|(_, _, name, n)| (name.clone(), (*n).max(0) as u64)).collect());
            (d.group, title.to_string(), bars)
        })
        .collect();
    let summary = report
        .into_iter()
        .map(|d| {
            let group = group_name(t, d.group);
            let levels = d
                .levels
                .iter()
                .map(|(_, _, name, n)| format!("{name}: {}", crate::fmt::int(*n)))
                .collect::<Vec<_>>()
                .join("; ");
            (
                group.to_string(),
                crate::fmt::int(d.evaluated),
                crate::fmt::int(d.good_or_better),
                d.rate(),
                d.warning.clone().map(|w| format!("{w} — {levels}")).or(Some(levels)).filter(|x| !x.is_empty()),
            )
        })
        .collect();
    let levels =
        levels.iter().map(|l| (l.code.clone(), if t.en { l.name_en.clone() } else { l.name_vi.clone() })).collect();
    render(
        t,
        EvalPage {
            t,
            c: Ctx::of(&s),
            unit_id: unit,
            unit_name: view.name_on,
            year,
            quarter: q.quarter,
            scale,
            scales,
            scored,
            levels,
            rows,
            units,
            summary,
            charts,
            can_write,
        },
    )
}

/// The form: `year`, `quarter`, `scale`, then `l<person id>` (level) and/or `s<person id>`
/// (score), and `ul<unit id>` / `us<unit id>` for organisations.
async fn save(State(st): State<AppState>, Path(unit): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let num = |k: &str| f.get(k).and_then(|v| v.trim().parse::<i32>().ok());
    let (year, quarter) = (num("year").unwrap_or(0), num("quarter").unwrap_or(0));
    let scale = f.get("scale").cloned().unwrap_or_default();
    let mut rows: HashMap<(Subject, Id), Evaluation> = HashMap::new();
    for (k, v) in &f {
        let (subject, k) = match k.strip_prefix('u') {
            Some(rest) => (Subject::Unit, rest),
            None => (Subject::Person, k.as_str()),
        };
        let (kind, id) = match (k.strip_prefix('l'), k.strip_prefix('s')) {
            (Some(id), _) => ('l', id),
            (_, Some(id)) => ('s', id),
            _ => continue,
        };
        let (Ok(id), v) = (id.parse::<Id>(), v.trim()) else { continue };
        if v.is_empty() {
            continue;
        }
        let e = rows.entry((subject, id)).or_insert_with(|| Evaluation {
            subject,
            subject_id: id,
            year,
            quarter,
            scale: scale.clone(),
            level_code: String::new(),
            score: None,
            note: String::new(),
        });
        match kind {
            'l' => e.level_code = v.to_string(),
            _ => {
                let score = v.parse().map_err(|_| {
                    s.fail(lamtheo_domain::Error::field(
                        "score",
                        format!("Điểm «{v}» không hợp lệ"),
                        format!("Invalid score «{v}»"),
                    ))
                })?;
                e.score = Some(score);
            }
        }
    }
    st.app.record_evaluations(&s.actor, rows.into_values().collect()).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{unit}/evaluations?year={year}&quarter={quarter}&scale={scale}")).into_response())
}
