//! The public column "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", read
//! without an account: the list (by field, by unit), an article with its published
//! feedback and the form to send one, and an Atom feed. Nothing here shows what is not
//! published, nor any internal figure.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use lamtheo_app::column::{Challenge, Message, PublicFeedback};
use lamtheo_domain::records::articles::Article;
use lamtheo_domain::Error;
use serde::Deserialize;

use super::{render, PageResult};
use crate::error::WebError;
use crate::fmt;
use crate::i18n::Lang;
use crate::session::PeerAddr;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/column", get(list))
        .route("/column/feed.xml", get(feed))
        .route("/column/{code}", get(show).post(send))
        .route("/column/images/{id}", get(image))
}

/// An image that a published article shows; a day in caches.
async fn image(State(st): State<AppState>, t: Lang, Path(id): Path<lamtheo_domain::Id>) -> Result<Response, WebError> {
    let (content_type, bytes) = st.app.public_image(id).await.map_err(fail(t))?;
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=86400".into())], bytes)
        .into_response())
}

/// The column's name, as the provinces' sites print it.
const TITLE_VI: &str = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh";
const TITLE_EN: &str = "Studying and following Ho Chi Minh's thought, morality and style";

#[derive(Deserialize, Default)]
struct Filter {
    #[serde(default)]
    field: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    sent: String,
}

/// An article in a list: (code, title, summary, date as printed, field).
type Item = (String, String, String, String, String);

#[derive(Template)]
#[template(path = "public_list.html")]
struct ListPage {
    t: Lang,
    title: String,
    heading: String,
    items: Vec<Item>,
    /// The fields with published articles, for the links by field.
    fields: Vec<String>,
}

fn fail(t: Lang) -> impl Fn(Error) -> WebError {
    move |error| WebError::new(error, t)
}

fn date_of(a: &Article) -> String {
    a.published_on.map(fmt::date).unwrap_or_default()
}

async fn list(State(st): State<AppState>, t: Lang, Query(f): Query<Filter>) -> PageResult {
    let field = Some(f.field.as_str()).filter(|s| !s.is_empty());
    let unit = Some(f.unit.as_str()).filter(|s| !s.is_empty());
    // One read: the fields come from every published article, the list from those asked.
    let all = st.app.public_articles(None, None).await.map_err(fail(t))?;
    let mut fields: Vec<String> = all.iter().map(|a| a.field.clone()).filter(|f| !f.is_empty()).collect();
    let articles: Vec<Article> = all.into_iter().filter(|a| st.app.in_column(a, field, unit)).collect();
    fields.sort_by_cached_key(|f| lamtheo_domain::vn::sort_key(f));
    fields.dedup();
    let heading = match (field, unit) {
        (Some(f), _) => format!("{}: {f}", t.s("Lĩnh vực", "Field")),
        (_, Some(u)) => format!("{}: {u}", t.s("Đơn vị", "Unit")),
        _ => t.s(TITLE_VI, TITLE_EN).to_string(),
    };
    let items = articles
        .into_iter()
        .map(|a| (a.code.clone(), a.title.clone(), a.summary.clone(), date_of(&a), a.field))
        .collect();
    render(t, ListPage { t, title: t.s(TITLE_VI, TITLE_EN).to_string(), heading, items, fields })
}

/// A piece of an article's body: a paragraph, or an image with its caption.
pub enum Part {
    Text(String),
    Image { src: String, caption: String },
}

/// The body's paragraphs (separated by blank lines); "[Ảnh: /duong-dan.jpg | chú thích]" is
/// an image, shown only from this site (the pages load nothing from elsewhere).
fn parts(body: &str) -> Vec<Part> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let image = p.strip_prefix("[Ảnh:").and_then(|r| r.strip_suffix(']'));
            match image.map(|r| r.split_once('|').unwrap_or((r, ""))) {
                Some((src, caption)) if src.trim().starts_with('/') && !src.trim().starts_with("//") => {
                    Part::Image { src: src.trim().to_string(), caption: caption.trim().to_string() }
                }
                Some((_, caption)) => Part::Text(caption.trim().to_string()),
                None => Part::Text(p.to_string()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "public_article.html")]
struct ArticlePage {
    t: Lang,
    column: String,
    a: Article,
    unit_name: String,
    models: Vec<String>,
    exemplars: Vec<(String, String)>,
    date: String,
    body: Vec<Part>,
    feedback: Vec<PublicFeedback>,
    challenge: Challenge,
    /// What was typed, kept when the form comes back with an error.
    name: String,
    email: String,
    content: String,
    error: Option<String>,
    sent: bool,
}

impl ArticlePage {
    fn day(&self, f: &PublicFeedback) -> String {
        fmt::date(f.received_on)
    }
}

async fn page(
    st: &AppState,
    t: Lang,
    code: &str,
    typed: Option<(&SendForm, String)>,
    sent: bool,
) -> Result<ArticlePage, WebError> {
    let p = st.app.public_article(code).await.map_err(fail(t))?;
    let (name, email, content, error) = match typed {
        Some((f, e)) => (f.name.clone(), f.email.clone(), f.content.clone(), Some(e)),
        None => Default::default(),
    };
    Ok(ArticlePage {
        t,
        column: t.s(TITLE_VI, TITLE_EN).to_string(),
        date: date_of(&p.article),
        body: parts(&p.article.body),
        a: p.article,
        unit_name: p.unit_name,
        models: p.models,
        exemplars: p.exemplars,
        feedback: p.feedback,
        challenge: st.app.feedback_challenge(),
        name,
        email,
        content,
        error,
        sent,
    })
}

async fn show(State(st): State<AppState>, t: Lang, Path(code): Path<String>, Query(f): Query<Filter>) -> PageResult {
    let p = page(&st, t, &code, None, !f.sent.is_empty()).await?;
    render(t, p)
}

#[derive(Deserialize)]
struct SendForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    answer: String,
    /// Hidden from people.
    #[serde(default)]
    website: String,
}

async fn send(
    State(st): State<AppState>,
    t: Lang,
    peer: PeerAddr,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<SendForm>,
) -> Response {
    let client = super::account::client_of(&headers, peer.0, &st.trusted_proxies);
    let m = Message {
        name: f.name.clone(),
        email: f.email.clone(),
        content: f.content.clone(),
        token: f.token.clone(),
        answer: f.answer.clone(),
        trap: f.website.clone(),
    };
    match st.app.submit_feedback(&code, m, &client).await {
        Ok(()) => Redirect::to(&format!("/column/{code}?sent=1#phan-hoi")).into_response(),
        // The article itself is gone or unpublished: the error page.
        Err(e) if e.code == lamtheo_domain::ErrorCode::NotFound => WebError::new(e, t).into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let message = e.message(t.en).to_string();
            match page(&st, t, &code, Some((&f, message)), false).await.and_then(|p| render(t, p)) {
                Ok(mut r) => {
                    *r.status_mut() = status;
                    r
                }
                Err(e) => e.into_response(),
            }
        }
    }
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The column as an Atom feed: the 50 newest published articles.
async fn feed(State(st): State<AppState>, t: Lang) -> Result<Response, WebError> {
    let articles = st.app.public_articles(None, None).await.map_err(fail(t))?;
    let updated =
        articles.first().and_then(|a| a.published_on).map_or_else(|| "2000-01-01".to_string(), |d| d.to_string());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>{}</title>\n<id>urn:lamtheo:column</id>\n<link href=\"/column\"/>\n<updated>{updated}T00:00:00Z</updated>\n",
        xml(TITLE_VI)
    );
    for a in articles.iter().take(50) {
        let day = a.published_on.map(|d| d.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "<entry><title>{}</title><id>urn:lamtheo:column:{}</id><link href=\"/column/{}\"/><updated>{day}T00:00:00Z</updated><author><name>{}</name></author><summary>{}</summary></entry>\n",
            xml(&a.title),
            xml(&a.code),
            xml(&a.code),
            xml(if a.author.is_empty() { &a.unit } else { &a.author }),
            xml(&a.summary)
        ));
    }
    out.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], out).into_response())
}
