//! Logging in and out, the language switch, and one's own account: password and API tokens.
use askama::Template;
use axum::extract::{Path, State};
use std::net::{IpAddr, SocketAddr};

use axum::http::header::{HeaderMap, HeaderName, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use lamtheo_domain::{Error, ErrorCode, Id};
use lamtheo_store::users::TokenRow;
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::i18n::Lang;
use crate::session::{cookie, PeerAddr, Posted, Session, SESSION_COOKIE};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(set_lang))
        .route("/account", get(account_page))
        .route("/account/password", post(change_password))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

/// The login form's CSRF token travels twice: in this cookie and in the form (a "double
/// submit"). There is no session yet to keep it in, and no server key to sign it with; a
/// foreign site can neither read this HttpOnly cookie nor set it, so it cannot post a login
/// (to log the victim into the attacker's account) that carries the same value.
const LOGIN_COOKIE: &str = "lt_login";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Lang,
    error: Option<String>,
    csrf: String,
}

/// The login form with a fresh CSRF token, and its cookie.
fn login_form(t: Lang, status: StatusCode, error: Option<String>) -> Response {
    let csrf = format!("{:016x}{:016x}", rand::random::<u64>(), rand::random::<u64>());
    let cookie = format!("{LOGIN_COOKIE}={csrf}; Path=/login; HttpOnly; SameSite=Lax");
    let shown = error.clone().map(|message| crate::forms::Shown { field: None, message, login: false });
    let mut res = match render(t, LoginPage { t, error, csrf }) {
        Ok(page) => (status, [(SET_COOKIE, cookie)], page).into_response(),
        Err(e) => return e.into_response(),
    };
    // A sign-in sent by a page's script (forms.js) is told why it failed in a sentence.
    if let Some(shown) = shown {
        res.extensions_mut().insert(shown);
    }
    res
}

async fn login_page(t: Lang) -> Response {
    login_form(t, StatusCode::OK, None)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

/// The client's address for the login limiter: the socket peer, unless the peer is one of
/// our reverse proxies; then the right-most `X-Forwarded-For` entry that is not one of them
/// (entries further left were written by the client and prove nothing).
pub(super) fn client_of(headers: &HeaderMap, peer: Option<SocketAddr>, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer.map(|p| p.ip()) else { return "unknown peer".into() };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.into_iter().rev() {
        // Some proxies write the port too ("203.0.113.7:51234", "[2001:db8::1]:443").
        let ip = entry.parse::<IpAddr>().or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip()));
        match ip {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            Err(_) => return entry.to_string(),
        }
    }
    peer.to_string()
}

async fn login(
    State(st): State<AppState>,
    t: Lang,
    peer: PeerAddr,
    parts: axum::http::request::Parts,
    Form(f): Form<LoginForm>,
) -> Response {
    if f.csrf.is_empty() || cookie(&parts, LOGIN_COOKIE).as_deref() != Some(f.csrf.as_str()) {
        let e = Error::new(ErrorCode::CsrfFailed);
        return login_form(t, StatusCode::FORBIDDEN, Some(e.message(t.en).to_string()));
    }
    let client = client_of(&parts.headers, peer.0, &st.trusted_proxies);
    match st.app.login(f.username.trim(), &f.password, &client).await {
        Ok(s) => {
            let secure = if st.secure_cookies { "; Secure" } else { "" };
            let cookie = format!("{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax{secure}", s.token);
            // The new session's form token, for a page that signs in again without leaving
            // (forms.js): its forms still carry the ended session's.
            ([(SET_COOKIE, cookie), (HeaderName::from_static("x-csrf-token"), s.csrf)], Redirect::to("/"))
                .into_response()
        }
        Err(e) => {
            let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
            login_form(t, status, Some(e.message(t.en).to_string()))
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

/// The path part of a Referer, if it is a path on this site: one leading `/`, not `//` or
/// `/\` (which browsers read as another host), no control characters.
fn local_path(referer: &str) -> Option<String> {
    let path = match referer.find("://") {
        Some(i) => &referer[i + 3 + referer[i + 3..].find('/')?..],
        None => referer,
    };
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.contains("/lang/")
        && !path.chars().any(char::is_control);
    ok.then(|| path.to_string())
}

async fn set_lang(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = if code == "en" { "en" } else { "vi" };
    let back = headers.get("referer").and_then(|v| v.to_str().ok()).and_then(local_path);
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
    tokens: Vec<TokenLine>,
}

struct TokenLine {
    id: Id,
    name: String,
    created: String,
    revoked: Option<String>,
}

async fn account(st: &AppState, s: &Session, message: Option<String>, new_token: Option<String>) -> PageResult {
    let when = |d: chrono::DateTime<chrono::Utc>| d.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M").to_string();
    let tokens = st.app.list_tokens(&s.actor).await.map_err(|e| s.fail(e))?;
    let tokens = tokens
        .into_iter()
        .map(|k: TokenRow| TokenLine {
            id: k.id,
            name: k.name,
            created: when(k.created_at),
            revoked: k.revoked_at.map(when),
        })
        .collect();
    let role = s.t.s(s.actor.role.label_vi(), s.actor.role.label_en()).to_string();
    render(s.t, AccountPage { t: s.t, role, c: Ctx::of(s), message, new_token, tokens })
}

async fn account_page(State(st): State<AppState>, s: Session) -> PageResult {
    account(&st, &s, None, None).await
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
    let (_, secret) = st.app.create_token(&s.actor, &p.form.name).await.map_err(|e| s.fail(e))?;
    let message = s.t.s(
        "Đã tạo khóa API. Hãy chép ngay: khóa chỉ hiện một lần.",
        "API token created. Copy it now: it is shown only once.",
    );
    account(&st, &s, Some(message.to_string()), Some(secret)).await
}

async fn revoke_token(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<serde::de::IgnoredAny>) -> PageResult {
    let s = p.session;
    st.app.revoke_token(&s.actor, id).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/account").into_response())
}
