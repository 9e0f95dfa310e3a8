//! Forms sent by the page's script (`static/forms.js`) rather than by the browser: the script
//! keeps the page, so what was typed stays, and needs the answer in a form it can act on. A
//! request carrying `X-Lamtheo-Form` gets, instead of a redirect, `{"location": …}` to go to;
//! instead of an error page, `{"error": {"field", "message", "login"}}` to show beside the
//! field (or, `login`, to sign in again and resend). Any other answer (a page, such as a form
//! asking a question) goes as it is. Without the script the same routes answer as before:
//! one handler, one validation, two ways to show its answer.
use axum::extract::Request;
use axum::http::{header, HeaderName};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The header the script sends.
const SCRIPTED: &str = "x-lamtheo-form";

/// What an error page showed, kept on its response for the script.
#[derive(Clone, serde::Serialize)]
pub struct Shown {
    /// The form field it concerns, as the form names it.
    pub field: Option<String>,
    /// In the page's language.
    pub message: String,
    /// The session has ended: sign in again, then send the form again.
    pub login: bool,
}

pub async fn answer_script(req: Request, next: Next) -> Response {
    if !req.headers().contains_key(SCRIPTED) {
        return next.run(req).await;
    }
    let res = next.run(req).await;
    let status = res.status();
    if status.is_redirection() {
        let Some(location) = res.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()) else {
            return res;
        };
        let body = serde_json::json!({ "location": location });
        // A sign-in's cookie and form token stay.
        let mut answer = Json(body).into_response();
        for name in [header::SET_COOKIE, HeaderName::from_static("x-csrf-token")] {
            for v in res.headers().get_all(&name) {
                answer.headers_mut().append(name.clone(), v.clone());
            }
        }
        return answer;
    }
    match res.extensions().get::<Shown>() {
        Some(shown) => (status, Json(serde_json::json!({ "error": shown }))).into_response(),
        None => res,
    }
}
