//! Server-rendered pages. Each module returns its routes; `router` merges them.
use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use lamtheo_domain::access::Resource;
use lamtheo_domain::Error;

use crate::error::WebError;
use crate::i18n::Lang;
use crate::session::Session;
use crate::AppState;

mod account;
mod admin;
mod conferences;
mod covenants;
mod emulation;
mod evaluations;
mod images;
mod imports;
mod indicators;
mod people;
mod plans;
mod public;
mod records;
mod reports;
mod tasks;
mod topics;
mod units;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(static_file))
        .merge(account::router())
        .merge(admin::router())
        .merge(conferences::router())
        .merge(covenants::router())
        .merge(emulation::router())
        .merge(evaluations::router())
        .merge(images::router())
        .merge(imports::router())
        .merge(indicators::router())
        .merge(people::router())
        .merge(plans::router())
        .merge(public::router())
        .merge(records::router())
        .merge(reports::router())
        .merge(tasks::router())
        .merge(topics::router())
        .merge(units::router())
}

/// The stylesheet and the few small scripts, compiled in; no framework. Each script is an
/// addition: every page works without it.
const STATIC: [(&str, &str, &str); 4] = [
    ("app.css", "text/css; charset=utf-8", include_str!("../../static/app.css")),
    // Forms sent without leaving the page: errors beside the field, a session renewed.
    ("forms.js", "text/javascript; charset=utf-8", include_str!("../../static/forms.js")),
    // The running count of an attendance form as choices change.
    ("attendance.js", "text/javascript; charset=utf-8", include_str!("../../static/attendance.js")),
    // A report's draft saved as it is typed.
    ("autosave.js", "text/javascript; charset=utf-8", include_str!("../../static/autosave.js")),
];

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    match STATIC.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, body)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *body).into_response()
        }
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// What every logged-in page needs for its header.
pub struct Ctx {
    pub username: String,
    pub csrf: String,
    /// Which menu entries this role can use (the others would only answer "forbidden").
    pub people: bool,
    pub imports: bool,
    pub audit: bool,
    pub users: bool,
    /// "Mine" (`/me`) is for an account linked to a person.
    pub me: bool,
    /// A create form's one-time key (`once.rs`), fresh each time a page is shown.
    pub once: String,
}

impl Ctx {
    pub fn of(s: &Session) -> Ctx {
        let role = s.actor.role;
        Ctx {
            username: s.actor.username.clone(),
            csrf: s.csrf.clone(),
            people: role.can_read(Resource::Person),
            imports: role.can_write(Resource::Person) || role.can_write(Resource::Conference),
            audit: role.can_read(Resource::Audit),
            users: role.can_read(Resource::Users),
            me: s.actor.person_id.is_some(),
            once: format!("{:032x}", rand::random::<u128>()),
        }
    }
}

pub type PageResult = Result<Response, WebError>;

/// Renders a template into a response (a template error is an internal error).
pub fn render(t: Lang, page: impl Template) -> PageResult {
    let html = page.render().map_err(|e| WebError::new(Error::internal(e), t))?;
    Ok(Html(if t.en { crate::fmt::english_numbers(&html) } else { html }).into_response())
}

/// One page of a long list: which page (from 1) of how many, and how many rows were found.
/// A page asked past the end shows the last.
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    /// The rows found, written the Vietnamese way.
    pub found: String,
    /// The list's address without its page (`?…&` to which `page=N` is added), and the
    /// fragment to land on.
    pub base: String,
}

/// Rows a page of a long list shows: a phone scrolls through it in a few seconds.
pub const PAGE_ROWS: usize = 50;

impl Pager {
    pub fn new(found: usize, asked: Option<usize>, base: String) -> Pager {
        let pages = found.div_ceil(PAGE_ROWS).max(1);
        Pager { page: asked.unwrap_or(1).clamp(1, pages), pages, found: crate::fmt::int(found as i64), base }
    }

    /// This page's rows of `all`.
    pub fn rows<T>(&self, all: impl IntoIterator<Item = T>) -> impl Iterator<Item = T> {
        all.into_iter().skip((self.page - 1) * PAGE_ROWS).take(PAGE_ROWS)
    }
}

/// A page's figures tables as an .xlsx workbook, a sheet each (unit names, numbers written as
/// numbers), named `file`: the download beside a page's tables.
pub async fn workbook(s: &Session, tables: Vec<lamtheo_report::Table>, file: &str) -> PageResult {
    let document = lamtheo_report::Document { annexes: tables, ..Default::default() };
    let bytes =
        lamtheo_app::report::render(document, lamtheo_app::report::Format::Xlsx).await.map_err(|e| s.fail(e))?;
    Ok(crate::download(file, bytes))
}

/// A table's column headings from their (Vietnamese, English) pairs.
pub fn headings(t: Lang, columns: &[(&str, &str)]) -> Vec<String> {
    columns.iter().map(|(vi, en)| t.s(vi, en).to_string()).collect()
}
