//! Import pages: templates to download, an upload form with the history of past imports, and
//! a job page that shows progress and then the result or the first bad rows (all of them as a
//! .csv); and the .xlsx exports, in the same columns.
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use lamtheo_domain::{vn, Error, ErrorCode};
use lamtheo_importer::Kind;
use lamtheo_store::import_history::{ImportRecord, Outcome};

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
        .route("/imports/jobs/{id}/errors.csv", get(errors_csv))
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
    history: Vec<HistoryRow>,
    /// The history's page (from 1), and the links to the pages around it.
    page: String,
    previous: Option<u32>,
    next: Option<u32>,
}

/// A past import as the history table shows it.
struct HistoryRow {
    who: String,
    when: String,
    kind: String,
    file: String,
    /// `imported`, `rejected` or `failed`, for the row's `data-outcome`.
    outcome: &'static str,
    result: String,
    /// The first problem of a rejected or failed one.
    first_error: Option<String>,
}

impl HistoryRow {
    fn of(t: Lang, r: ImportRecord) -> HistoryRow {
        let kind = Kind::from_slug(&r.kind).map_or_else(|| r.kind.clone(), |k| t.s(k.title_vi(), k.title_en()).into());
        let result = match r.outcome {
            Outcome::Imported => format!(
                "{}: {} {} — {} {}, {} {}, {} {}",
                t.s("Đã nhập", "Imported"),
                fmt::int(r.rows),
                t.s("dòng", "rows"),
                fmt::int(r.created),
                t.s("mới", "new"),
                fmt::int(r.updated),
                t.s("cập nhật", "updated"),
                fmt::int(r.unchanged),
                t.s("không đổi", "unchanged"),
            ),
            Outcome::Rejected => format!(
                "{}: {} {}",
                t.s("Bị từ chối, không ghi gì", "Rejected, nothing written"),
                fmt::int(r.error_count),
                t.s("lỗi", "errors"),
            ),
            Outcome::Failed => {
                format!("{}: {}", t.s("Không thành công", "Failed"), t.s(&r.message_vi, &r.message_en))
            }
        };
        HistoryRow {
            who: r.username,
            when: fmt::moment(t, r.started_at),
            kind,
            file: r.file_name,
            outcome: r.outcome.as_str(),
            result,
            first_error: r.first_error,
        }
    }
}

#[derive(serde::Deserialize)]
struct PageQuery {
    /// Loosely read: anything but a page number is the first page.
    page: Option<String>,
}

async fn page(State(st): State<AppState>, s: Session, Query(q): Query<PageQuery>) -> PageResult {
    let t = s.t;
    let page = q.page.as_deref().and_then(|p| p.trim().parse::<u32>().ok()).unwrap_or(1).max(1);
    let (records, more) = st.app.import_history(&s.actor, page).await.map_err(|e| s.fail(e))?;
    let history = records.into_iter().map(|r| HistoryRow::of(t, r)).collect();
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
    let (previous, next) = ((page > 1).then(|| page - 1), more.then(|| page + 1));
    render(t, ImportsPage { t, c: Ctx::of(&s), kinds, history, page: fmt::int(page), previous, next })
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

/// Errors the job page lists; the rest are in its .csv.
const SHOWN_ERRORS: usize = 100;

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    t: Lang,
    c: Ctx,
    id: String,
    file: String,
    kind: String,
    running: bool,
    /// The stage's name, its place among the three ("2/3"), and how far it is.
    stage: String,
    step: &'static str,
    percent: u64,
    percent_label: String,
    /// "1.234 / 5.000 dòng" while checking or writing (the reading counts bytes).
    rows: Option<String>,
    summary: Option<(String, String, String, String)>,
    error: Option<String>,
    details: Vec<String>,
    /// How many errors are not listed ("và 150 lỗi khác").
    more: Option<String>,
}

async fn job(State(st): State<AppState>, s: Session, Path(id): Path<String>) -> PageResult {
    let job = st.jobs.get(&id, s.actor.user_id).ok_or_else(|| s.fail(Error::not_found()))?;
    let state = job.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let t = s.t;
    let percent = (state.done * 100).checked_div(state.total).unwrap_or(0).min(100);
    let percent_label = if state.total == 0 { "0%".to_string() } else { vn::fmt_rate(state.done, state.total) };
    let (stage, step) = match state.stage.as_str() {
        "parse" => (t.s("Đang đọc tệp", "Reading the file"), "1/3"),
        "check" => (t.s("Đang kiểm tra từng dòng", "Checking the rows"), "2/3"),
        "write" => (t.s("Đang ghi dữ liệu", "Writing"), "3/3"),
        _ => (t.s("Đang chuẩn bị", "Starting"), "0/3"),
    };
    let rows = matches!(state.stage.as_str(), "check" | "write")
        .then(|| format!("{} / {} {}", fmt::int(state.done), fmt::int(state.total), t.s("dòng", "rows")));
    let (mut summary, mut error, mut details, mut more) = (None, None, vec![], None);
    match &state.result {
        Some(Ok(sum)) => {
            summary = Some((fmt::int(sum.rows), fmt::int(sum.created), fmt::int(sum.updated), fmt::int(sum.unchanged)))
        }
        Some(Err(e)) => {
            error = Some(e.message(t.en).to_string());
            if e.code != ErrorCode::Internal {
                // Thousands of bad rows would make a page nobody reads and few browsers show
                // quickly: the first ones here, all of them in the .csv.
                details = e.details.iter().take(SHOWN_ERRORS).cloned().collect();
                more = (e.details.len() > SHOWN_ERRORS).then(|| fmt::int(e.details.len() - SHOWN_ERRORS));
            }
        }
        None => {}
    }
    let kind = t.s(job.kind.title_vi(), job.kind.title_en()).to_string();
    render(
        t,
        JobPage {
            t,
            c: Ctx::of(&s),
            id,
            file: job.file.clone(),
            kind,
            running: state.result.is_none(),
            stage: stage.into(),
            step,
            percent,
            percent_label,
            rows,
            summary,
            error,
            details,
            more,
        },
    )
}

/// Every error of a job as a .csv (row, column, problem), for its owner only, like its page.
/// UTF-8 with a byte-order mark, so that Excel shows the Vietnamese as it is.
async fn errors_csv(State(st): State<AppState>, s: Session, Path(id): Path<String>) -> PageResult {
    let job = st.jobs.get(&id, s.actor.user_id).ok_or_else(|| s.fail(Error::not_found()))?;
    let details = match &job.state.lock().unwrap_or_else(|e| e.into_inner()).result {
        Some(Err(e)) if e.code != ErrorCode::Internal => e.details.clone(),
        _ => return Err(s.fail(Error::not_found())),
    };
    let t = s.t;
    let mut out = "\u{feff}".to_string();
    csv_line(&mut out, &[t.s("Dòng", "Row"), t.s("Cột", "Column"), t.s("Lỗi", "Error")]);
    for d in &details {
        let (row, column, message) = split_error(&job.file, d);
        csv_line(&mut out, &[row, column, message]);
    }
    // The uploaded name stays out of the header: it is the sender's text, not ours to quote.
    Ok(crate::download(&format!("loi-nhap-{id}.csv"), out.into_bytes()))
}

/// A row error as the importer words it — "file, dòng 3, cột «Ngày»: …" — split into its row,
/// column and message; anything else whole, as the message.
fn split_error<'a>(file: &str, text: &'a str) -> (&'a str, &'a str, &'a str) {
    let whole = ("", "", text);
    let Some(rest) = text.strip_prefix(file) else { return whole };
    let (row, rest) = match rest.strip_prefix(", dòng ") {
        Some(r) => r.split_at(r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len())),
        None => ("", rest),
    };
    let (column, rest) = match rest.strip_prefix(", cột «").and_then(|r| r.split_once('»')) {
        Some((column, rest)) => (column, rest),
        None => ("", rest),
    };
    rest.strip_prefix(": ").map_or(whole, |message| (row, column, message))
}

/// Appends one CSV record: every cell quoted. A cell that a spreadsheet would take for a
/// formula (the messages quote what the file held) is prefixed with an apostrophe.
fn csv_line(out: &mut String, cells: &[&str]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            out.push('\'');
        }
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_errors_split_into_row_column_and_message() {
        fn split(d: &str) -> (&str, &str, &str) {
            split_error("a, b.csv", d)
        }
        assert_eq!(split("a, b.csv, dòng 12, cột «Ngày»: sai: 31/02"), ("12", "Ngày", "sai: 31/02"));
        assert_eq!(split("a, b.csv, dòng 3: thiếu cột"), ("3", "", "thiếu cột"));
        assert_eq!(split("a, b.csv: không đọc được"), ("", "", "không đọc được"));
        assert_eq!(split("Kỳ 2024 đã khóa"), ("", "", "Kỳ 2024 đã khóa"));
        let mut out = String::new();
        csv_line(&mut out, &["=1+1", "a \"b\"", "x,y"]);
        assert_eq!(out, "\"'=1+1\",\"a \"\"b\"\"\",\"x,y\"\r\n");
    }
}
