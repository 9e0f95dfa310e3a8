//! One submission, one record: a form's hidden `once` field (every create form carries one,
//! made fresh each time the form is shown) or an API call's `Idempotency-Key` header names the
//! submission. The first answer to a key is kept for a day; a repeat of the key — a second
//! tap on a slow link, a retry after a lost answer — gets that answer (the redirect to the
//! record made, or the API's JSON) and records nothing. A repeat that arrives while the first
//! is still being handled waits for it. A submission that fails forgets its key, so that the
//! corrected form can be sent again.
//!
//! A middleware rather than a step in each handler: every create route gets it by carrying
//! the key, and no handler can forget it. A key comes with a digest of its request (method,
//! path, body): the same key with another request is refused (409: the key is taken), not
//! answered with the first one's answer.
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lamtheo_app::submissions::{valid_key, Claim};
use lamtheo_domain::{Error, ErrorCode};

use crate::error::ApiError;
use crate::session::{ApiActor, Session};
use crate::AppState;

/// The most of an API answer kept for its repeats (a create answers `{"id": …}`).
const KEPT_BODY: usize = 64 * 1024;
/// How long a repeat waits for the first submission to be answered.
const WAIT: Duration = Duration::from_secs(10);

pub async fn once(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    // An import is read only after its role check, by its handler; importing the same file
    // twice changes nothing anyway (rows are matched by their natural keys).
    if req.uri().path().starts_with("/api/v1/imports/") {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let key = if api {
        parts.headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_string)
    } else if parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
    {
        Some(String::new())
    } else {
        None
    };
    if key.is_none() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    // The body is small (the body limit bounds it): read it for the form's key and for the
    // request's digest, then hand it on.
    let Ok(bytes) = to_bytes(body, crate::MAX_BODY).await else {
        return ApiError(Error::new(ErrorCode::TooLarge)).into_response();
    };
    let key =
        if api { key } else { form_urlencoded::parse(&bytes).find(|(k, _)| k == "once").map(|(_, v)| v.into_owned()) };
    let body = Body::from(bytes.clone());
    let Some(key) = key.filter(|k| valid_key(k)) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let request = [parts.method.as_str().as_bytes(), parts.uri.path().as_bytes(), &bytes[..]].join(&b' ');
    // A key names a submission to one route: the same key sent to another is another one.
    let key = format!("{} {key}", parts.uri.path());
    // Whose key it is: the same check the handler makes (which answers for a missing one).
    let actor = if api {
        ApiActor::from_request_parts(&mut parts, &st).await.ok().map(|a| a.0)
    } else {
        Session::from_request_parts(&mut parts, &st).await.ok().map(|s| s.actor)
    };
    let Some(actor) = actor else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match st.app.claim_submission(&actor, &key, &request).await {
            Err(e) => return ApiError(e).into_response(),
            Ok(Claim::Foreign) => return next.run(Request::from_parts(parts, body)).await,
            Ok(Claim::Mismatch) => {
                return ApiError(Error::msg(
                    ErrorCode::Conflict,
                    "Khóa Idempotency-Key này đã dùng cho một yêu cầu khác",
                    "This Idempotency-Key was used for another request",
                ))
                .into_response();
            }
            Ok(Claim::Done(status, location, kept)) => return replay(status, location, kept),
            Ok(Claim::Pending) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Ok(Claim::Pending) => {
                return ApiError(Error::msg(
                    ErrorCode::Conflict,
                    "Biểu mẫu này đang được lưu; hãy tải lại trang sau ít phút",
                    "This form is still being saved; reload the page in a moment",
                ))
                .into_response();
            }
            Ok(Claim::New) => break,
        }
    }
    let res = next.run(Request::from_parts(parts, body)).await;
    let status = res.status();
    // A page's create answers with a redirect to what it made; anything else (the form again,
    // with an error or a question) is not an answer to repeat.
    let answered = if api { status.is_success() || status.is_redirection() } else { status.is_redirection() };
    if !answered {
        let _ = st.app.release_submission(&key).await;
        return res;
    }
    let location = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    // Only an API answer's body is kept: a page's answer to a create is its redirect.
    let (res, kept) = if api {
        let (parts, body) = res.into_parts();
        match to_bytes(body, KEPT_BODY).await {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                (Response::from_parts(parts, Body::from(bytes)), Some(text))
            }
            Err(_) => (Response::from_parts(parts, Body::empty()), None),
        }
    } else {
        (res, None)
    };
    if st.app.finish_submission(&key, status.as_u16(), location.as_deref(), kept.as_deref()).await.is_err() {
        let _ = st.app.release_submission(&key).await;
    }
    res
}

/// The first submission's answer, again.
fn replay(status: u16, location: Option<String>, body: Option<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut res = match body {
        Some(b) => (status, [(header::CONTENT_TYPE, "application/json")], b).into_response(),
        None => status.into_response(),
    };
    if let Some(l) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        res.headers_mut().insert(header::LOCATION, l);
    }
    res
}
