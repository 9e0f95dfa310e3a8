//! HTTP: server-rendered pages for people (`pages/`) and the JSON API for programs (`api/`).
//! Both sit on the same `App` service, so both pass the same scope check.
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use lamtheo_app::App;

mod api;
mod error;
mod fmt;
mod i18n;
mod jobs;
mod pages;
mod session;

pub use error::WebError;
pub use fmt::period_and_as_of;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub jobs: Arc<jobs::Jobs>,
    /// Set the Secure flag on cookies (when served over TLS behind a proxy).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`serve --trusted-proxy`).
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
}

/// The largest upload accepted (an import file).
const MAX_BODY: usize = 64 * 1024 * 1024;

pub fn router(app: App, secure_cookies: bool) -> Router {
    router_behind(app, secure_cookies, vec![])
}

/// The router for a server behind the given reverse proxies: a request from one of them is
/// taken to come from the address it forwards (see `pages::account::client_of`).
pub fn router_behind(app: App, secure_cookies: bool, trusted_proxies: Vec<std::net::IpAddr>) -> Router {
    let state = AppState {
        app,
        jobs: Arc::new(jobs::Jobs::default()),
        secure_cookies,
        trusted_proxies: Arc::new(trusted_proxies),
    };
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api::router())
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Headers every response carries: no inline scripts, no framing, no sniffing.
async fn security_headers(req: Request<axum::body::Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    res
}

/// A file to download: .xlsx or .csv by the name's extension.
pub(crate) fn download(file_name: &str, bytes: Vec<u8>) -> Response {
    use axum::response::IntoResponse;
    let mime = if file_name.ends_with(".csv") {
        "text/csv; charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// What an export link or API call asks for (see `lamtheo_app::exports::ExportQuery`).
#[derive(serde::Deserialize)]
pub(crate) struct ExportParams {
    /// Defaults to the caller's scope unit.
    unit: Option<lamtheo_domain::Id>,
    /// Defaults to this year.
    year: Option<i32>,
    /// The movement's or covenant's number, for their exports.
    of: Option<lamtheo_domain::Id>,
}

/// An export as .xlsx, named after its kind and year ("tasks-2025.xlsx").
pub(crate) async fn export_xlsx(
    app: &App,
    actor: &lamtheo_domain::access::Actor,
    kind: lamtheo_importer::Kind,
    p: ExportParams,
) -> lamtheo_domain::Result<Response> {
    let year = p.year.unwrap_or_else(|| chrono::Datelike::year(&app.today()));
    let q = lamtheo_app::exports::ExportQuery { unit: p.unit.or(actor.scope), year, of: p.of };
    let rows = app.export(actor, kind, q).await?;
    let bytes = lamtheo_importer::write_xlsx(kind, &rows).map_err(lamtheo_domain::Error::internal)?;
    let name = match q.of {
        Some(of) => format!("{}-{of}.xlsx", kind.slug()),
        None => format!("{}-{}.xlsx", kind.slug(), q.year),
    };
    Ok(download(&name, bytes))
}
