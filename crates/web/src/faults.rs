//! What happens when a request goes wrong outside the handlers' own error handling: a
//! panic, a request that takes too long, or a rejection by the framework itself (a path id
//! that is not a number, a body over the limit, an unknown route or method). Each answers
//! with the usual error: JSON under /api, the error page elsewhere.
//!
//! One response-mapping middleware rather than wrapper extractors (`ApiPath`, …): axum's
//! rejections come from many places (every `Path`, `Query`, `Form`, `Bytes` of every
//! handler, the router's 404 and 405), and wrappers would have to be used in all of them,
//! now and in every handler written later; the middleware sees every response in one place.
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use lamtheo_domain::{Error, ErrorCode};

use crate::error::{ApiError, WebError};
use crate::i18n::Lang;
use crate::AppState;

/// How long a request may take unless the server is told otherwise (`serve --request-timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

pub async fn guard(State((timeout, state)): State<(Duration, AppState)>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let (mut parts, body) = req.into_parts();
    let lang = Lang::from_request_parts(&mut parts, &()).await.unwrap_or_default();
    // For an error page made here (an unknown address…): whose menu it shows.
    let session = if api { None } else { crate::session::cookie(&parts, crate::session::SESSION_COOKIE) };
    // An upload to the import page only receives the file (the import runs in the
    // background), and receiving 64 MB over a slow line may well take longer than the limit.
    let timeout = if parts.method == Method::POST && parts.uri.path() == "/imports" { Duration::MAX } else { timeout };
    let req = Request::from_parts(parts, body);
    // The handler's future is dropped on a panic or a timeout, which rolls back any open
    // transaction (sqlx rolls back a transaction that is dropped uncommitted).
    let res = match tokio::time::timeout(timeout, AssertUnwindSafe(next.run(req)).catch_unwind()).await {
        Ok(Ok(res)) => res,
        Ok(Err(panic)) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return answer(api, lang, Error::internal(format!("panic in a handler: {what}")));
        }
        Err(_) => {
            let secs = timeout.as_secs_f64();
            let e = Error::msg(
                ErrorCode::Timeout,
                format!("Yêu cầu chạy quá {secs} giây nên đã bị dừng; phần chưa ghi xong đã được hủy"),
                format!(
                    "The request took longer than {secs} s and was stopped; what it had not saved yet was rolled back"
                ),
            );
            return answer(api, lang, e);
        }
    };
    if res.status().is_client_error() || res.status().is_server_error() {
        let ours = if api { "application/json" } else { "text/html" };
        let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !content_type.starts_with(ours) {
            let error = rejection(res).await;
            if api {
                return ApiError(error).into_response();
            }
            let menu = crate::session::menu_of(&state, session, lang).await.map(Box::new);
            return WebError { error, lang, menu }.into_response();
        }
    }
    res
}

fn answer(api: bool, lang: Lang, error: Error) -> Response {
    if api {
        ApiError(error).into_response()
    } else {
        WebError::new(error, lang).into_response()
    }
}

/// The framework's own answer (plain text or empty) as our error, keeping its explanation.
async fn rejection(res: Response) -> Error {
    let status = res.status();
    let code = match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::TooLarge,
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated,
        StatusCode::FORBIDDEN => ErrorCode::Forbidden,
        StatusCode::TOO_MANY_REQUESTS => ErrorCode::RateLimited,
        s if s.is_client_error() => ErrorCode::InvalidInput,
        _ => ErrorCode::Internal,
    };
    let text = axum::body::to_bytes(res.into_body(), 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    if code == ErrorCode::Internal {
        return Error::internal(format!("{status}: {text}"));
    }
    let (vi, en) = code.default_message();
    if text.is_empty() {
        Error::new(code)
    } else {
        // axum's explanation is English only; it names what was wrong (e.g. "Cannot parse
        // `abc` to a `i64`"), so it is kept in both messages.
        Error::msg(code, format!("{vi}: {text}"), format!("{en}: {text}"))
    }
}
