//! Emulation covenants: the list, organising one, and a covenant's page with signing,
//! scoring and the ranking table.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_domain::access::Resource;
use lamtheo_domain::covenant::{Campaign, ContentGroup, Score, Signatory};
use lamtheo_domain::{Error, Id};
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::charts::Bars;
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/covenants", get(list).post(create))
        .route("/covenants/{id}", get(show))
        .route("/covenants/{id}/ranking.xlsx", get(ranking_xlsx))
        .route("/covenants/{id}/sign", post(sign))
        .route("/covenants/{id}/scores", post(score))
}

#[derive(Template)]
#[template(path = "covenants.html")]
struct ListPage {
    t: Lang,
    c: Ctx,
    covenants: Vec<(Id, String, i32)>,
    can_write: bool,
}

async fn list(State(st): State<AppState>, s: Session) -> PageResult {
    let covenants =
        st.app.covenants(&s.actor).await.map_err(|e| s.fail(e))?.into_iter().map(|c| (c.id, c.title, c.year)).collect();
    render(s.t, ListPage { t: s.t, c: Ctx::of(&s), covenants, can_write: s.actor.role.can_write(Resource::Activity) })
}

#[derive(Deserialize)]
struct CreateForm {
    title: String,
    year: String,
    unit_code: String,
    /// One group a line: "title | maximum score".
    groups: String,
    /// Unit codes of the signatories, separated by commas or spaces.
    units: String,
}

async fn create(State(st): State<AppState>, p: Posted<CreateForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let bad = |field: &str, vi: String, en: String| s.fail(Error::field(field, vi, en));
    let year = f.year.trim().parse().map_err(|_| bad("year", "Năm không hợp lệ".into(), "Invalid year".into()))?;
    let unit = st.app.unit_by_code(&s.actor, f.unit_code.trim()).map_err(|e| s.fail(e))?.id;
    let mut groups = Vec::new();
    for (i, line) in f.groups.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let (title, max) = line.rsplit_once('|').ok_or_else(|| {
            bad(
                "groups",
                format!("Dòng {}: cần dạng «tên nhóm | điểm tối đa»", i + 1),
                format!("Line {}: expected «group | maximum score»", i + 1),
            )
        })?;
        let max_score = max.trim().parse().map_err(|_| {
            bad(
                "groups",
                format!("Dòng {}: điểm tối đa «{}» không hợp lệ", i + 1, max.trim()),
                format!("Line {}: invalid maximum «{}»", i + 1, max.trim()),
            )
        })?;
        groups.push(ContentGroup { title: title.trim().to_string(), max_score });
    }
    let mut units = Vec::new();
    for code in f.units.split([',', ' ', ';', '\n']).map(str::trim).filter(|c| !c.is_empty()) {
        units.push(
            st.app
                .unit_by_code(&s.actor, code)
                .map_err(|_| {
                    bad(
                        "units",
                        format!("Không có đơn vị mã «{code}» trong phạm vi của bạn"),
                        format!("No unit «{code}» in your scope"),
                    )
                })?
                .id,
        );
    }
    let id = st
        .app
        .create_covenant(&s.actor, Campaign { id: 0, unit_id: unit, title: f.title, year, groups }, &units)
        .await
        .map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/covenants/{id}")).into_response())
}

/// The covenant's score bands (`CovenantReport::bands`), as the page and its workbook name them.
const BANDS: [(&str, &str); 3] = [
    ("Từ 90% số điểm", "90% of the points or more"),
    ("Từ 70% đến dưới 90%", "70% to under 90%"),
    ("Dưới 70%", "Under 70%"),
];

pub struct Row {
    pub rank: usize,
    pub unit_id: Id,
    pub name: String,
    pub signed: String,
    pub pilot: bool,
    pub scores: Vec<(usize, String)>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "covenant.html")]
struct ShowPage {
    t: Lang,
    c: Ctx,
    id: Id,
    title: String,
    year: i32,
    groups: Vec<(String, i32)>,
    signed: String,
    average: String,
    bands: [usize; 3],
    /// The bands as a chart: how many units scored ≥90%, 70–90% and under 70% of the points.
    band_chart: Bars,
    pilots: usize,
    rows: Vec<Row>,
    can_write: bool,
    /// Scores and pilots are the organiser's.
    can_score: bool,
}

impl ShowPage {
    /// A content group's title, naming a score input for a screen reader.
    fn group_title(&self, group: &usize) -> &str {
        self.groups.get(*group).map_or("", |g| g.0.as_str())
    }
}

async fn show(State(st): State<AppState>, s: Session, Path(id): Path<Id>) -> PageResult {
    let r = st.app.covenant_report(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let rows = r
        .rows
        .iter()
        .map(|x| Row {
            rank: x.rank,
            unit_id: x.unit_id,
            name: x.name.clone(),
            signed: x.signed_on.map(fmt::date).unwrap_or_default(),
            pilot: x.pilot,
            scores: x
                .scores
                .iter()
                .enumerate()
                .map(|(i, v)| (i, v.map(|v| v.to_string()).unwrap_or_default()))
                .collect(),
            total: fmt::int(x.total),
        })
        .collect();
    let page = ShowPage {
        t: s.t,
        c: Ctx::of(&s),
        id,
        title: r.campaign.title.clone(),
        year: r.campaign.year,
        groups: r.campaign.groups.iter().map(|g| (g.title.clone(), g.max_score)).collect(),
        signed: format!("{}/{}", fmt::int(r.signed), fmt::int(r.expected)),
        average: r.average.clone(),
        bands: r.bands,
        band_chart: Bars::counts(
            BANDS.iter().zip(r.bands).map(|((vi, en), n)| (s.t.s(vi, en).into(), n as u64)).collect(),
        ),
        pilots: r.pilots,
        rows,
        can_write: s.actor.role.can_write(Resource::Activity),
        can_score: st.app.may(&s.actor, r.campaign.unit_id, Resource::Activity, true),
    };
    render(s.t, page)
}

/// The ranking as a workbook: rank, unit, day signed, each group's score, total; and the bands.
async fn ranking_xlsx(State(st): State<AppState>, s: Session, Path(id): Path<Id>) -> PageResult {
    let t = s.t;
    let r = st.app.covenant_report(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let mut columns = super::headings(t, &[("Xếp hạng", "Rank"), ("Đơn vị", "Unit"), ("Ngày ký", "Signed on")]);
    columns.extend(r.campaign.groups.iter().map(|g| format!("{} ({})", g.title, g.max_score)));
    columns.push(t.s("Tổng điểm", "Total").to_string());
    let rows = r
        .rows
        .iter()
        .map(|x| {
            let mut row = vec![x.rank.to_string(), x.name.clone(), x.signed_on.map(fmt::date).unwrap_or_default()];
            row.extend(x.scores.iter().map(|v| v.map(|v| v.to_string()).unwrap_or_default()));
            row.push(fmt::int(x.total));
            row
        })
        .collect();
    let ranking = lamtheo_report::Table {
        title: format!("{} ({}) — {}", r.campaign.title, r.campaign.year, t.s("bảng xếp hạng", "ranking")),
        columns,
        rows,
        total: None,
    };
    let bands = lamtheo_report::Table {
        title: format!("{} — {}", r.campaign.title, t.s("đơn vị theo mức điểm", "units by score band")),
        columns: super::headings(t, &[("Mức điểm", "Band"), ("Số đơn vị", "Units")]),
        rows: BANDS
            .iter()
            .zip(r.bands)
            .map(|((vi, en), n)| vec![t.s(vi, en).to_string(), fmt::int(n as i64)])
            .collect(),
        total: None,
    };
    super::workbook(&s, vec![ranking, bands], &format!("giao-uoc-{id}.xlsx")).await
}

#[derive(Deserialize)]
struct SignForm {
    unit_id: Id,
    signed_on: String,
    #[serde(default)]
    pilot: Option<String>,
}

async fn sign(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<SignForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let signed_on = Some(f.signed_on.trim())
        .filter(|d| !d.is_empty())
        .map(|d| fmt::parse_date("signed_on", d))
        .transpose()
        .map_err(|e| s.fail(e))?;
    // Only the organiser sees the pilot box: for anyone else the mark stays as it is.
    let report = st.app.covenant_report(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let pilot = if st.app.may(&s.actor, report.campaign.unit_id, Resource::Activity, true) {
        f.pilot.is_some()
    } else {
        report.rows.iter().any(|r| r.unit_id == f.unit_id && r.pilot)
    };
    st.app
        .sign_covenant(&s.actor, id, Signatory { unit_id: f.unit_id, signed_on, pilot })
        .await
        .map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/covenants/{id}")).into_response())
}

/// Scores: fields `u<unit id>g<group>` with the score; empty fields are left alone.
async fn score(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let mut scores = Vec::new();
    for (k, v) in &p.form {
        let Some((unit, group)) = k.strip_prefix('u').and_then(|x| x.split_once('g')) else { continue };
        let (Ok(unit_id), Ok(group)) = (unit.parse::<Id>(), group.parse::<i32>()) else { continue };
        if v.trim().is_empty() {
            continue;
        }
        let score = v.trim().parse().map_err(|_| {
            s.fail(Error::field("score", format!("Điểm «{v}» không hợp lệ"), format!("Invalid score «{v}»")))
        })?;
        scores.push(Score { unit_id, group, score });
    }
    st.app.score_covenant(&s.actor, id, &scores).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/covenants/{id}")).into_response())
}
