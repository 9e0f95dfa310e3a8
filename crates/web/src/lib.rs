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
mod charts;
pub use api::{unit_figures, FiguresAnswer};
mod error;
mod faults;
mod fmt;
mod forms;
mod i18n;
mod jobs;
mod once;
mod pages;
mod session;

pub use error::WebError;
pub use faults::DEFAULT_TIMEOUT;
pub use fmt::period_and_as_of;
pub use session::SESSION_COOKIE;

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

/// The largest body of a form or a JSON call. Import files are bounded separately, by the
/// import limits (`App::limits`), on the two routes that take them.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// The API's operations as (method, path under /api/v1), as the router serves them and the
/// OpenAPI document describes them (for the scope-matrix test).
pub fn api_operations() -> Vec<(String, String)> {
    api::operations().iter().map(|op| (op.method.to_uppercase(), format!("/api/v1{}", op.path))).collect()
}

pub fn router(app: App, secure_cookies: bool) -> Router {
    router_with(app, Options { secure_cookies, ..Options::default() })
}

/// How the server is run (`lamtheo serve` flags).
pub struct Options {
    /// Set the Secure flag on cookies (when served over TLS behind a proxy).
    pub secure_cookies: bool,
    /// How long a request may take before it is stopped (503). Imports through the page run
    /// in the background and are not bound by it; an import through the API is.
    pub request_timeout: std::time::Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`serve --trusted-proxy`): a request
    /// from one of them is taken to come from the address it forwards (see
    /// `pages::account::client_of`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Routes added beside the application's, under the same error handling: tests use it
    /// for routes that panic or hang, which production does not have.
    pub extra: Router<AppState>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            secure_cookies: false,
            request_timeout: faults::DEFAULT_TIMEOUT,
            trusted_proxies: vec![],
            extra: Router::new(),
        }
    }
}

pub fn router_with(app: App, opts: Options) -> Router {
    let state = AppState {
        app,
        jobs: Arc::new(jobs::Jobs::default()),
        secure_cookies: opts.secure_cookies,
        trusted_proxies: Arc::new(opts.trusted_proxies),
    };
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api::router())
        .merge(opts.extra)
        .layer(middleware::from_fn_with_state(state.clone(), once::once))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state((opts.request_timeout, state.clone()), faults::guard))
        .layer(middleware::from_fn(forms::answer_script))
        .layer(middleware::from_fn(security_headers))
        .layer(compression())
        .with_state(state)
}

/// gzip or Brotli, as the browser accepts, for text (pages, the stylesheet, scripts, JSON,
/// CSV): a page is a few KB on a phone's slow link. Files that are compressed already
/// (.pdf, .xlsx, .docx, images) go as they are. A middle level: nearly the smallest output
/// for a small share of the CPU the highest level costs.
fn compression() -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{Predicate, SizeAbove};
    use tower_http::compression::{CompressionLayer, CompressionLevel};
    let textual =
        |_: axum::http::StatusCode, _: axum::http::Version, h: &axum::http::HeaderMap, _: &axum::http::Extensions| {
            let ct = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
            ct.starts_with("text/") && ct != "text/event-stream"
                || ct.starts_with("application/json")
                || ct.starts_with("application/javascript")
                || ct.starts_with("image/svg+xml")
        };
    CompressionLayer::new().quality(CompressionLevel::Precise(5)).compress_when(SizeAbove::new(256).and(textual))
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
    let mime = match file_name.rsplit('.').next() {
        Some("csv") => "text/csv; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// What an export link or API call asks for (see `lamtheo_app::exports::ExportQuery`).
#[derive(serde::Deserialize, schemars::JsonSchema)]
pub(crate) struct ExportParams {
    /// Defaults to the caller's scope unit.
    #[schemars(range(min = 1))]
    unit: Option<lamtheo_domain::Id>,
    /// Defaults to this year.
    #[schemars(range(min = *lamtheo_domain::period::YEARS.start(), max = *lamtheo_domain::period::YEARS.end()))]
    year: Option<i32>,
    /// The movement's or covenant's number, for their exports.
    #[schemars(range(min = 1))]
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
    let q = lamtheo_app::exports::ExportQuery { unit: p.unit, year, of: p.of };
    let rows = app.export(actor, kind, q).await?;
    // Writing a province's sheet is CPU work: off the async runtime.
    let bytes = tokio::task::spawn_blocking(move || lamtheo_importer::write_xlsx(kind, &rows))
        .await
        .map_err(lamtheo_domain::Error::internal)?
        .map_err(lamtheo_domain::Error::internal)?;
    let name = match q.of {
        Some(of) => format!("{}-{of}.xlsx", kind.slug()),
        None => format!("{}-{}.xlsx", kind.slug(), q.year),
    };
    Ok(download(&name, bytes))
}
