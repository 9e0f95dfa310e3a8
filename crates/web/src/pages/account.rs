//! Logging in and out, the language switch, and one's own account: password and API tokens.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{HeaderMap, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::i18n::Lang;
use crate::session::{PeerAddr, Posted, Session, SESSION_COOKIE};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(set_lang))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Lang,
    error: Option<String>,
}

async fn login_page(t: Lang) -> PageResult {
    render(t, LoginPage { t, error: None })
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

fn client_of(headers: &HeaderMap, peer: Option<std::net::SocketAddr>) -> String {
    // Behind a reverse proxy the client is the first X-Forwarded-For entry.
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string())
        .or_else(|| peer.map(|p| p.ip().to_string()))
        .unwrap_or_default()
}

async fn login(
    State(st): State<AppState>,
    t: Lang,
    peer: PeerAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let client = client_of(&headers, peer.0);
    match st.app.login(f.username.trim(), &f.password, &client).await {
        Ok(s) => {
            let secure = if st.secure_cookies { "; Secure" } else { "" };
            let cookie = format!("{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}", s.token);
            ([(SET_COOKIE, cookie)], Redirect::to("/")).into_response()
        }
        Err(e) => {
            let status =
                axum::http::StatusCode::from_u16(e.code.http_status()).unwrap_or(axum::http::StatusCode::UNAUTHORIZED);
            match render(t, LoginPage { t, error: Some(e.message(t.en).to_string()) }) {
                Ok(page) => (status, page).into_response(),
                Err(e) => e.into_response(),
            }
        }
    }
}

async fn logout(State(st): State<AppState>, p: Posted<serde::de::IgnoredAny>) -> Response {
    // CSRF was checked by `Posted`; a failed delete only leaves a session that expires.
    if let Err(e) = st.app.logout(&p.session.token).await {
        tracing::warn!(error = ?e, "logout");
    }
    ([(SET_COOKIE, format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"))], Redirect::to("/login"))
        .into_response()
}

async fn set_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = if code == "en" { "en" } else { "vi" };
    let back = headers.get("referer").and_then(|v| v.to_str().ok()).filter(|r| !r.contains("/lang/")).map(|r| {
        // Only go back within this site.
        r.find("://")
            .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
            .unwrap_or_else(|| "/".into())
    });
    (
        [(SET_COOKIE, format!("lang={lang}; Path=/; SameSite=Lax; Max-Age=31536000"))],
        Redirect::to(&back.unwrap_or_else(|| "/".into())),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    t: Lang,
    c: Ctx,
    role: String,
    message: Option<String>,
    new_token: Option<String>,
}

async fn account_page(s: Session) -> PageResult {
    render(
        s.t,
        AccountPage { t: s.t, role: s.actor.role.label_vi().into(), c: Ctx::of(&s), message: None, new_token: None },
    )
}

#[derive(Deserialize)]
struct PasswordForm {
    old_password: String,
    new_password: String,
}

async fn change_password(State(st): State<AppState>, p: Posted<PasswordForm>) -> PageResult {
    let s = p.session;
    st.app.change_password(&s.actor, &p.form.old_password, &p.form.new_password).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
}

async fn create_token(State(st): State<AppState>, p: Posted<TokenForm>) -> PageResult {
    let s = p.session;
    let (_, secret) = st.app.create_token(&s.actor, p.form.name.trim()).await.map_err(|e| s.fail(e))?;
    let message = Some(
        s.t.s(
            "Đã tạo khóa API. Hãy chép ngay: khóa chỉ hiện một lần.",
            "API token created. Copy it now: it is shown only once.",
        )
        .to_string(),
    );
    render(
        s.t,
        AccountPage { t: s.t, role: s.actor.role.label_vi().into(), c: Ctx::of(&s), message, new_token: Some(secret) },
    )
}
