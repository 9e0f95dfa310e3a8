//! Import pages: templates to download, an upload form, and a job page that shows progress
//! and then the result or every bad row; and the .xlsx exports, in the same columns.
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use lamtheo_domain::{Error, ErrorCode};
use lamtheo_importer::Kind;

use super::{render, Ctx, PageResult};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::Session;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        // The upload bounds itself, by the import limits, after the role check.
        .route("/imports", get(page).post(upload).layer(DefaultBodyLimit::disable()))
        .route("/imports/jobs/{id}", get(job))
        .route("/imports/templates/{file}", get(template))
        .route("/exports/{file}", get(export))
}

pub struct KindView {
    pub slug: &'static str,
    pub title: String,
    pub columns: Vec<(String, bool, String)>,
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ImportsPage {
    t: Lang,
    c: Ctx,
    kinds: Vec<KindView>,
}

async fn page(s: Session) -> PageResult {
    let t = s.t;
    let kinds = Kind::all()
        .iter()
        .map(|k| KindView {
            slug: k.slug(),
            title: t.s(k.title_vi(), k.title_en()).to_string(),
            columns: k
                .columns()
                .iter()
                .map(|c| {
                    (
                        format!("{} ({})", c.header_vi, c.header_en),
                        c.required,
                        t.s(c.description_vi, c.description_en).to_string(),
                    )
                })
                .collect(),
        })
        .collect();
    render(t, ImportsPage { t, c: Ctx::of(&s), kinds })
}

async fn template(s: Session, Path(file): Path<String>) -> PageResult {
    let (slug, ext) = file.rsplit_once('.').unwrap_or((&file, ""));
    let kind = Kind::from_slug(slug).ok_or_else(|| s.fail(Error::not_found()))?;
    let bytes = match ext {
        "csv" => lamtheo_importer::template_csv(kind),
        "xlsx" => lamtheo_importer::template_xlsx(kind).map_err(|e| s.fail(Error::internal(e)))?,
        _ => return Err(s.fail(Error::not_found())),
    };
    Ok(crate::download(&format!("mau-{slug}.{ext}"), bytes))
}

/// `/exports/tasks.xlsx?unit=…&year=…`, `/exports/registrations.xlsx?of=…&unit=…`.
async fn export(
    State(st): State<AppState>,
    s: Session,
    Path(file): Path<String>,
    Query(q): Query<crate::ExportParams>,
) -> PageResult {
    let kind = file.strip_suffix(".xlsx").and_then(Kind::from_slug).ok_or_else(|| s.fail(Error::not_found()))?;
    crate::export_xlsx(&st.app, &s.actor, kind, q).await.map_err(|e| s.fail(e))
}

fn bad(msg_vi: &str, msg_en: &str) -> Error {
    Error::msg(ErrorCode::InvalidInput, msg_vi, msg_en)
}

/// The upload: a multipart form with `csrf`, `kind` and `file`, in that order. The token and
/// the role are checked before a byte of the file is read, and the file is read only up to the
/// size limit.
async fn upload(State(st): State<AppState>, s: Session, mut mp: Multipart) -> PageResult {
    let failed = |e: axum::extract::multipart::MultipartError| {
        s.fail(bad(&format!("Tải tệp lên không thành công: {e}"), &format!("Upload failed: {e}")))
    };
    // An account that may import nothing is refused before the form is read at all.
    if !Kind::all().iter().any(|&k| st.app.check_import(&s.actor, k).is_ok()) {
        return Err(s.fail(Error::forbidden()));
    }
    let turn = st.app.import_turn().map_err(|e| s.fail(e))?;
    let (mut csrf, mut kind, mut file) = (None, None, None);
    while let Some(mut field) = mp.next_field().await.map_err(failed)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("kind") => kind = field.text().await.ok(),
            Some("file") => {
                if csrf.as_deref() != Some(s.csrf.as_str()) {
                    return Err(s.fail(Error::new(ErrorCode::CsrfFailed)));
                }
                let k = kind.as_deref().and_then(Kind::from_slug).ok_or_else(|| s.fail(choose_kind()))?;
                st.app.check_import(&s.actor, k).map_err(|e| s.fail(e))?;
                let name = field.file_name().unwrap_or("").to_string();
                let limits = st.app.limits();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(failed)? {
                    if (bytes.len() + chunk.len()) as u64 > limits.file_bytes {
                        return Err(s.fail(lamtheo_app::imports::too_large(&name, &limits)));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    if csrf.as_deref() != Some(s.csrf.as_str()) {
        return Err(s.fail(Error::new(ErrorCode::CsrfFailed)));
    }
    let kind = kind.as_deref().and_then(Kind::from_slug).ok_or_else(|| s.fail(choose_kind()))?;
    let (name, bytes) = file
        .filter(|(n, b)| !n.is_empty() && !b.is_empty())
        .ok_or_else(|| s.fail(Error::field("file", "Chọn tệp .xlsx hoặc .csv", "Choose an .xlsx or .csv file")))?;
    let id = st.jobs.start(st.app.clone(), s.actor.clone(), kind, name, bytes, turn);
    Ok(Redirect::to(&format!("/imports/jobs/{id}")).into_response())
}

fn choose_kind() -> Error {
    Error::field("kind", "Chọn loại dữ liệu cần nhập", "Choose what to import")
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    t: Lang,
    c: Ctx,
    file: String,
    kind: String,
    running: bool,
    stage: String,
    percent: u64,
    summary: Option<(String, String, String, String)>,
    error: Option<String>,
    details: Vec<String>,
}

async fn job(State(st): State<AppState>, s: Session, Path(id): Path<String>) -> PageResult {
    let job = st.jobs.get(&id, s.actor.user_id).ok_or_else(|| s.fail(Error::not_found()))?;
    let state = job.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let t = s.t;
    let percent = (state.done * 100).checked_div(state.total).unwrap_or(0);
    let stage = match state.stage.as_str() {
        "parse" => t.s("Đang đọc tệp", "Reading the file"),
        "write" => t.s("Đang ghi dữ liệu", "Writing"),
        _ => t.s("Đang chuẩn bị", "Starting"),
    };
    let (mut summary, mut error, mut details) = (None, None, vec![]);
    match &state.result {
        Some(Ok(sum)) => {
            summary = Some((fmt::int(sum.rows), fmt::int(sum.created), fmt::int(sum.updated), fmt::int(sum.unchanged)))
        }
        Some(Err(e)) => {
            error = Some(e.message(t.en).to_string());
            details = if e.code == ErrorCode::Internal { vec![] } else { e.details.clone() };
        }
        None => {}
    }
    let kind = t.s(job.kind.title_vi(), job.kind.title_en()).to_string();
    render(
        t,
        JobPage {
            t,
            c: Ctx::of(&s),
            file: job.file.clone(),
            kind,
            running: state.result.is_none(),
            stage: stage.into(),
            percent,
            summary,
            error,
            details,
        },
    )
}
