//! Administration: accounts and the audit log.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_app::auth::NewUser;
use lamtheo_domain::access::Role;
use lamtheo_domain::{Error, Id};
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/audit", get(audit))
}

pub struct UserRow {
    pub id: Id,
    pub username: String,
    pub role: String,
    pub scope: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    t: Lang,
    c: Ctx,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
}

async fn users(State(st): State<AppState>, s: Session) -> PageResult {
    let list = st.app.list_users(&s.actor).await.map_err(|e| s.fail(e))?;
    let today = st.app.today();
    let users = list
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            scope: u
                .scope_unit_id
                .and_then(|id| st.app.unit_view(&s.actor, id, today).ok())
                .map(|v| format!("{} ({})", v.name_on, v.unit.code))
                .unwrap_or_else(|| s.t.s("Toàn hệ thống", "Everything").into()),
            username: u.username,
            role: s.t.s(u.role.label_vi(), u.role.as_str()).to_string(),
            active: u.active,
        })
        .collect();
    let roles = Role::ALL.iter().map(|r| (r.as_str(), s.t.s(r.label_vi(), r.as_str()))).collect();
    render(s.t, UsersPage { t: s.t, c: Ctx::of(&s), users, roles })
}

#[derive(Deserialize)]
struct UserForm {
    username: String,
    password: String,
    role: String,
    #[serde(default)]
    scope_code: String,
}

async fn add_user(State(st): State<AppState>, p: Posted<UserForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let role =
        Role::parse(&f.role).ok_or_else(|| s.fail(Error::field("role", "Vai trò không hợp lệ", "Unknown role")))?;
    let scope = match f.scope_code.trim() {
        "" => None,
        code => Some(
            st.app
                .unit_by_code(&s.actor, code)
                .map_err(|_| {
                    s.fail(Error::field(
                        "scope_code",
                        format!("Không có đơn vị mã «{code}» trong phạm vi của bạn"),
                        format!("No unit with code «{code}» in your scope"),
                    ))
                })?
                .id,
        ),
    };
    st.app
        .add_user(
            &s.actor,
            NewUser { username: f.username, password: f.password, role, scope_unit_id: scope, person_id: None },
        )
        .await
        .map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
}

async fn set_active(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<ActiveForm>) -> PageResult {
    let s = p.session;
    st.app.set_user_active(&s.actor, id, p.form.active == "1").await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<Id>,
}

pub struct AuditRow {
    pub id: Id,
    pub at: String,
    pub who: String,
    pub action: String,
    pub entity: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: Lang,
    c: Ctx,
    rows: Vec<AuditRow>,
    next: Option<Id>,
}

async fn audit(State(st): State<AppState>, s: Session, Query(q): Query<AuditQuery>) -> PageResult {
    let entries = st.app.audit_log(&s.actor, q.before, 100).await.map_err(|e| s.fail(e))?;
    let next = if entries.len() == 100 { entries.last().map(|e| e.id) } else { None };
    let rows = entries
        .into_iter()
        .map(|e| AuditRow {
            id: e.id,
            at: e.at.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M:%S").to_string(),
            who: e.username,
            action: e.action,
            entity: format!("{}{}", e.entity, e.entity_id.map(|i| format!(" #{i}")).unwrap_or_default()),
            before: e.before.unwrap_or_default(),
            after: e.after.unwrap_or_default(),
        })
        .collect();
    render(s.t, AuditPage { t: s.t, c: Ctx::of(&s), rows, next })
}
