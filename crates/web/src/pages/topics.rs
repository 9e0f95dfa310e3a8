//! The campaign catalogue: documents (Chỉ thị, Kết luận…) and study topics with deadlines.
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_domain::access::Resource;
use lamtheo_domain::conference::Topic;
use lamtheo_domain::{Error, Id};
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/topics", get(page))
        .route("/topics/new", post(add_topic))
        .route("/docs/new", post(add_doc))
        .route("/settings/study-share", post(set_study_share))
}

#[derive(Template)]
#[template(path = "topics.html")]
struct TopicsPage {
    t: Lang,
    c: Ctx,
    docs: Vec<(Id, String, String, String)>,
    topics: Vec<(String, String, String, bool, String, String, String)>,
    can_write: bool,
    can_settings: bool,
    /// The unit a topic added here is issued by: the account's own (None with `can_settings`:
    /// for the whole tree).
    issuer: Option<(Id, String)>,
    /// The share of meetings with study content that makes a cell "regular", in percent.
    study_share: String,
}

async fn page(State(st): State<AppState>, s: Session) -> PageResult {
    let docs = st.app.docs().await.map_err(|e| s.fail(e))?;
    let topics = st.app.topics().await.map_err(|e| s.fail(e))?;
    let doc_code = |id: Option<Id>| docs.iter().find(|d| Some(d.id) == id).map(|d| d.code.clone()).unwrap_or_default();
    let today = st.app.today();
    let unit_name = |id: Id| st.app.unit_view(&s.actor, id, today).map(|v| v.name_on).ok();
    let whole_tree = s.t.s("Toàn hệ thống", "Whole tree").to_string();
    let topics = topics
        .iter()
        .map(|t| {
            (
                t.code.clone(),
                t.title.clone(),
                t.year.to_string(),
                t.term_wide,
                t.deadline.map(fmt::date).unwrap_or_default(),
                doc_code(t.doc_id),
                t.unit_id.map_or(Some(whole_tree.clone()), unit_name).unwrap_or_default(),
            )
        })
        .collect();
    let docs = docs
        .iter()
        .map(|d| (d.id, d.code.clone(), d.title.clone(), d.issued_on.map(fmt::date).unwrap_or_default()))
        .collect();
    let share = st.app.study_share().await.map_err(|e| s.fail(e))?;
    let study_share = lamtheo_domain::vn::fmt_rate(share as u64, 1000).trim_end_matches('%').to_string();
    let can_write = s.actor.role.can_write(Resource::Catalogue);
    // Topics and the share change every unit's figures: only the root's (see `check_everyone`).
    let can_settings = st.app.check_everyone(&s.actor, Resource::Catalogue).is_ok();
    let issuer = s
        .actor
        .scope
        .filter(|&u| st.app.may(&s.actor, u, Resource::Catalogue, true))
        .and_then(|u| Some((u, unit_name(u)?)));
    render(s.t, TopicsPage { t: s.t, can_write, can_settings, issuer, c: Ctx::of(&s), docs, topics, study_share })
}

#[derive(Deserialize)]
struct TopicForm {
    code: String,
    title: String,
    year: String,
    #[serde(default)]
    term_wide: Option<String>,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    doc_id: String,
    /// The issuing unit; none: the whole tree.
    #[serde(default)]
    unit_id: String,
}

async fn add_topic(State(st): State<AppState>, p: Posted<TopicForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let year = f.year.trim().parse().map_err(|_| s.fail(Error::field("year", "Năm không hợp lệ", "Invalid year")))?;
    let deadline = Some(f.deadline.trim())
        .filter(|d| !d.is_empty())
        .map(|d| fmt::parse_date("deadline", d))
        .transpose()
        .map_err(|e| s.fail(e))?;
    let topic = Topic {
        id: 0,
        code: f.code,
        title: f.title,
        year,
        term_wide: f.term_wide.is_some(),
        deadline,
        doc_id: f.doc_id.parse().ok(),
        unit_id: f.unit_id.parse().ok(),
    };
    st.app.add_topic(&s.actor, topic).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/topics").into_response())
}

#[derive(Deserialize)]
struct DocForm {
    code: String,
    title: String,
    #[serde(default)]
    issued_on: String,
}

async fn add_doc(State(st): State<AppState>, p: Posted<DocForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let issued = Some(f.issued_on.trim())
        .filter(|d| !d.is_empty())
        .map(|d| fmt::parse_date("issued_on", d))
        .transpose()
        .map_err(|e| s.fail(e))?;
    st.app.add_doc(&s.actor, &f.code, &f.title, issued).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/topics").into_response())
}

#[derive(Deserialize)]
struct ShareForm {
    /// Percent, as typed: "80" or "75,5".
    percent: String,
}

async fn set_study_share(State(st): State<AppState>, p: Posted<ShareForm>) -> PageResult {
    let s = p.session;
    let typed = p.form.percent.trim().trim_end_matches('%').replace(',', ".");
    let permille = typed.parse::<f64>().ok().filter(|v| (0.1..=100.0).contains(v)).map(|v| (v * 10.0).round() as u32);
    let permille = permille.ok_or_else(|| {
        s.fail(Error::field(
            "percent",
            format!("«{}» không phải tỷ lệ từ 0,1 đến 100", p.form.percent),
            format!("«{}» is not a percentage from 0.1 to 100", p.form.percent),
        ))
    })?;
    st.app.set_study_share(&s.actor, permille).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/topics").into_response())
}
