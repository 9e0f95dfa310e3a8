//! How application errors reach people and programs: a translated HTML page or a JSON body
//! with a stable code. Internal details are logged, never shown.
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use lamtheo_domain::{Error, ErrorCode};

use crate::i18n::Lang;

/// An error on its way to a page.
pub struct WebError {
    pub error: Error,
    pub lang: Lang,
    /// The signed-in account's menu, so that an error page is still a page of the
    /// application (none: signed out, or not known where the error arose).
    pub menu: Option<Box<crate::pages::Ctx>>,
}

impl WebError {
    pub fn new(error: Error, lang: Lang) -> WebError {
        WebError { error, lang, menu: None }
    }
}

/// An error on its way to an API client.
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

fn status(e: &Error) -> StatusCode {
    StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Keeps internals out of what is sent: an internal error's detail goes to the log only.
fn public(mut e: Error) -> Error {
    if e.code == ErrorCode::Internal {
        tracing::error!(details = ?e.details, "internal error");
        e.details.clear();
    }
    e
}

/// The JSON every API error answers with (and the OpenAPI document describes).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(serde::Serialize, schemars::JsonSchema)]
struct ErrorDetail {
    code: ErrorCode,
    /// The field or parameter the error concerns; absent when it concerns none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    field: Option<String>,
    /// In Vietnamese.
    message: String,
    message_en: String,
    /// Every problem of a rejected import, one per row and column.
    details: Vec<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = public(self.0);
        let status = status(&e);
        let body = ErrorBody {
            error: ErrorDetail {
                code: e.code,
                field: e.field,
                message: e.message_vi,
                message_en: e.message_en,
                details: e.details,
            },
        };
        (status, Json(body)).into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: Lang,
    c: Option<&'a crate::pages::Ctx>,
    title: &'a str,
    message: &'a str,
    field: Option<&'a str>,
    details: &'a [String],
    login: bool,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let e = public(self.error);
        let t = self.lang;
        let page = ErrorPage {
            t,
            c: self.menu.as_deref(),
            title: t.s("Không thực hiện được", "Could not do that"),
            message: e.message(t.en),
            field: e.field.as_deref(),
            details: &e.details,
            login: e.code == ErrorCode::Unauthenticated,
        };
        let html = page.render().unwrap_or_else(|_| "error".into());
        let mut res = (status(&e), Html(html)).into_response();
        // For a form sent by the page's script, which shows it beside the field instead.
        res.extensions_mut().insert(crate::forms::Shown {
            field: e.field.clone(),
            message: e.message(t.en).to_string(),
            login: e.code == ErrorCode::Unauthenticated,
        });
        res
    }
}
