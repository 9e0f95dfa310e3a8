//! Counted facts on a phone: a unit's form for a period, every indicator with last period's
//! value beside its field, saved all at once; on the same page, which reporting units have
//! entered the period; and the default form for a department.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_app::indicators::{Completeness, EntryRow};
use lamtheo_domain::access::Resource;
use lamtheo_domain::Id;
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units/{id}/indicators", get(entry).post(save))
        .route("/units/{id}/indicators/default", post(default_form))
}

#[derive(Deserialize, Default)]
struct Which {
    #[serde(default)]
    form: String,
    #[serde(default)]
    period: String,
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct EntryPage {
    t: Lang,
    c: Ctx,
    unit_id: Id,
    unit_name: String,
    /// (code, name) of the unit's forms.
    forms: Vec<(String, String)>,
    form: String,
    form_name: String,
    period: String,
    previous_period: String,
    rows: Vec<EntryRow>,
    can_write: bool,
    /// Completeness of the period, for the form's owner.
    done: Vec<Completeness>,
}

impl EntryPage {
    fn previous(&self, r: &EntryRow) -> String {
        r.previous.map(fmt::int).unwrap_or_else(|| "—".into())
    }
}

async fn entry(State(st): State<AppState>, Path(unit): Path<Id>, Query(q): Query<Which>, s: Session) -> PageResult {
    let app = &st.app;
    let view = app.unit_view(&s.actor, unit, app.today()).map_err(|e| s.fail(e))?;
    let forms = app.forms_of(&s.actor, unit).await.map_err(|e| s.fail(e))?;
    let form =
        if q.form.is_empty() { forms.first().map(|f| f.code.clone()).unwrap_or_default() } else { q.form.clone() };
    // The current period of the form's type by default.
    let today = app.today();
    let period = if q.period.is_empty() {
        use chrono::Datelike;
        match forms.iter().find(|f| f.code == form).map(|f| f.period_type.as_str()) {
            Some("month") => format!("{}/{}", today.month(), today.year()),
            Some("half") => format!("H{}/{}", if today.month() <= 6 { 1 } else { 2 }, today.year()),
            Some("year") => today.year().to_string(),
            _ => format!("Q{}/{}", (today.month() - 1) / 3 + 1, today.year()),
        }
    } else {
        q.period.clone()
    };
    let (form_name, previous_period, rows) = if form.is_empty() {
        (String::new(), String::new(), vec![])
    } else {
        let e = app.indicator_entry(&s.actor, unit, &form, &period).await.map_err(|e| s.fail(e))?;
        (e.form_name, e.previous_period, e.rows)
    };
    let done = if form.is_empty() {
        vec![]
    } else {
        app.completeness(&s.actor, &form, &period).await.map_err(|e| s.fail(e))?
    };
    let page = EntryPage {
        t: s.t,
        c: Ctx::of(&s),
        unit_id: unit,
        unit_name: view.name_on,
        forms: forms.into_iter().map(|f| (f.code, f.name)).collect(),
        form,
        form_name,
        period,
        previous_period,
        rows,
        can_write: app.may(&s.actor, unit, Resource::Activity, true),
        done,
    };
    render(s.t, page)
}

/// The fields come in the form's order (a list, not a map), so that an error's row is the
/// indicator's place on the form.
async fn save(State(st): State<AppState>, Path(unit): Path<Id>, p: Posted<Vec<(String, String)>>) -> PageResult {
    let s = p.session;
    let f = p.form;
    let get = |k: &str| f.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let (form, period) = (get("form"), get("period"));
    let mut values = Vec::new();
    for (key, raw) in &f {
        let Some(code) = key.strip_prefix("v_") else { continue };
        let raw = raw.trim();
        let value = if raw.is_empty() {
            None
        } else {
            Some(lamtheo_domain::vn::parse_int(raw).filter(|n| *n >= 0).ok_or_else(|| {
                s.fail(lamtheo_domain::Error::field(
                    key,
                    format!("Số không hợp lệ «{raw}» ở chỉ tiêu {code}"),
                    format!("Invalid number «{raw}» for {code}"),
                ))
            })?)
        };
        values.push((code.to_string(), value, get(&format!("q_{code}"))));
    }
    st.app.save_indicator_values(&s.actor, unit, &period, &values).await.map_err(|e| s.fail(e))?;
    let back =
        format!("/units/{unit}/indicators?form={}&period={}&saved=1", fmt::urlencode(&form), fmt::urlencode(&period));
    Ok(Redirect::to(&back).into_response())
}

async fn default_form(
    State(st): State<AppState>,
    Path(unit): Path<Id>,
    p: Posted<HashMap<String, String>>,
) -> PageResult {
    let s = p.session;
    let units: Vec<String> = p
        .form
        .get("units")
        .map(|u| u.split([';', ',', ' ', '\n']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    st.app.default_indicator_form(&s.actor, unit, &units).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{unit}/indicators")).into_response())
}
