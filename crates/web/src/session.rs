//! Who is asking: the session cookie for pages, a bearer token (or the session plus a CSRF
//! header) for the API. CSRF tokens are per session and checked on every form post.
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Redirect, Response};
use lamtheo_domain::access::Actor;
use lamtheo_domain::{Error, ErrorCode};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, WebError};
use crate::i18n::Lang;
use crate::AppState;

pub const SESSION_COOKIE: &str = "lt_session";

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
        |kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then(|| v.to_string())
        },
    )
}

fn request_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// A logged-in person on a page.
pub struct Session {
    pub actor: Actor,
    /// The cookie's secret, for logging out.
    pub token: String,
    pub csrf: String,
    pub t: Lang,
}

impl Session {
    pub fn fail(&self, error: Error) -> WebError {
        WebError { error, lang: self.t, menu: Some(Box::new(crate::pages::Ctx::of(self))) }
    }
}

/// The menu of the account whose session cookie is `token`, for an error page
/// answered outside a handler (an unknown address, a method a route does not take).
pub async fn menu_of(state: &AppState, token: Option<String>, t: Lang) -> Option<crate::pages::Ctx> {
    let token = token?;
    let (actor, csrf) = state.app.session(&token).await.ok()??;
    Some(crate::pages::Ctx::of(&Session { actor, token, csrf, t }))
}

async fn session_of(parts: &Parts, state: &AppState) -> Result<Option<(Actor, String, String)>, Error> {
    match cookie(parts, SESSION_COOKIE) {
        Some(token) => Ok(state.app.session(&token).await?.map(|(a, csrf)| (a, csrf, token))),
        None => Ok(None),
    }
}

/// The signed-in person of a request; `Err(lang)` when nobody is signed in.
async fn signed_in(parts: &mut Parts, state: &AppState) -> Result<Result<Session, Lang>, Response> {
    let t = Lang::from_request_parts(parts, state).await.unwrap_or_default();
    match session_of(parts, state).await {
        Ok(Some((mut actor, csrf, token))) => {
            actor.request_id = request_id();
            Ok(Ok(Session { actor, token, csrf, t }))
        }
        Ok(None) => Ok(Err(t)),
        Err(error) => Err(WebError::new(error, t).into_response()),
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        signed_in(parts, state).await?.map_err(|_| Redirect::to("/login").into_response())
    }
}

/// A form post from a logged-in person, with its CSRF token checked. The token travels in a
/// hidden `csrf` field; the rest of the body is deserialised into `T`.
pub struct Posted<T> {
    pub session: Session,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        // A form sent after its session ended is answered, not redirected: the redirect would
        // lose what was typed, and the page's script (forms.js) signs in again and resends it.
        let session = signed_in(&mut parts, state)
            .await?
            .map_err(|t| WebError::new(Error::new(ErrorCode::Unauthenticated), t).into_response())?;
        let bytes = axum::body::to_bytes(body, crate::MAX_BODY)
            .await
            .map_err(|_| session.fail(Error::new(ErrorCode::InvalidInput)).into_response())?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let token = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str());
        if token != Some(session.csrf.as_str()) {
            return Err(session.fail(Error::new(ErrorCode::CsrfFailed)).into_response());
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            session
                .fail(Error::msg(
                    ErrorCode::InvalidInput,
                    format!("Biểu mẫu không hợp lệ: {e}"),
                    format!("Invalid form: {e}"),
                ))
                .into_response()
        })?;
        Ok(Posted { session, form })
    }
}

/// The caller of an API request: a bearer token, or a browser session that also sends its
/// CSRF token in `X-CSRF-Token` for anything but reads.
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let actor = if let Some(token) = bearer {
            state.app.token_actor(token.trim()).await?
        } else {
            match session_of(parts, state).await? {
                Some((actor, csrf, _)) => {
                    let safe = matches!(parts.method, Method::GET | Method::HEAD);
                    let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
                    if !safe && sent != Some(csrf.as_str()) {
                        return Err(ApiError(Error::new(ErrorCode::CsrfFailed)));
                    }
                    Some(actor)
                }
                None => None,
            }
        };
        let mut actor = actor.ok_or_else(|| ApiError(Error::new(ErrorCode::Unauthenticated)))?;
        actor.request_id = request_id();
        Ok(ApiActor(actor))
    }
}

/// The peer address when the server was started with connection info (absent in tests).
pub struct PeerAddr(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PeerAddr(parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0)))
    }
}
