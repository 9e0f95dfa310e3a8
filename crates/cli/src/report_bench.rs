//! `lamtheo bench --report`: how long the province's annual report takes, from the figures
//! to the files — the draft written from the index (every section, the annexes by child
//! unit) and its rendering as .pdf, .docx and the annexes' .xlsx — timed over a few runs.
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use chrono::Datelike;
use lamtheo_app::report::{built_in_outline, render, Format};
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::period::Period;

use crate::bench::Stats;
use crate::gen::db;

pub async fn run(app: &App, runs: usize) -> Result<String> {
    let sys = Actor::system();
    let province = app
        .top_units(&sys, app.today())
        .first()
        .copied()
        .ok_or_else(|| anyhow!("the database has no units: run gen first"))?;
    // The year the data is of (`gen --year`).
    let last: Option<chrono::NaiveDate> = lamtheo_store::on_pool!(app.store.read(), p => sqlx::query_scalar(
        "SELECT MAX(held_on) FROM conferences").fetch_one(p).await)?;
    let year = last.map_or(app.today().year(), |d| d.year());
    let period = Period::year(year);
    let as_of = period.to.last_day();
    let people: i64 = lamtheo_store::on_pool!(app.store.read(), p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM people").fetch_one(p).await)?;

    let mut out = String::new();
    let engine = if app.store.engine == lamtheo_store::Engine::Sqlite { "SQLite" } else { "PostgreSQL" };
    let build = if cfg!(debug_assertions) { "debug build: timings are NOT representative" } else { "release build" };
    writeln!(out, "lamtheo bench --report — {engine}, {build}, {people} people, the top unit's report of {year}")?;
    let (mut drafts, mut pdfs, mut docxs, mut xlsxs, mut totals) = (vec![], vec![], vec![], vec![], vec![]);
    let mut sizes = (0, 0, 0, 0, 0);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let draft = app.report_draft(&sys, province, period, as_of, &built_in_outline()).await.map_err(db)?;
        let drafted = started.elapsed();
        let document = draft.document(app.today(), Some("1"), ("Bí thư", "Người ký"));
        let timed = |format: Format| {
            let document = document.clone();
            async move {
                let t = Instant::now();
                let bytes = render(document, format).await.map_err(db)?;
                Ok::<(Duration, usize), anyhow::Error>((t.elapsed(), bytes.len()))
            }
        };
        let (pdf, pdf_bytes) = timed(Format::Pdf).await?;
        let (docx, docx_bytes) = timed(Format::Docx).await?;
        let (xlsx, xlsx_bytes) = timed(Format::Xlsx).await?;
        let rows: usize = draft.annexes.iter().map(|a| a.rows.len()).sum();
        sizes = (pdf_bytes, docx_bytes, xlsx_bytes, draft.annexes.len(), rows);
        drafts.push(drafted);
        pdfs.push(pdf);
        docxs.push(docx);
        xlsxs.push(xlsx);
        totals.push(drafted + pdf);
    }
    let (pdf_bytes, docx_bytes, xlsx_bytes, annexes, rows) = sizes;
    writeln!(out, "  {annexes} annexes, {rows} rows by child unit; .pdf {pdf_bytes} B, .docx {docx_bytes} B, .xlsx {xlsx_bytes} B")?;
    writeln!(out, "  step                               runs    p50 ms    max ms")?;
    for (name, times) in [
        ("draft from the figures", &drafts),
        ("render .pdf", &pdfs),
        ("render .docx", &docxs),
        ("render annexes .xlsx", &xlsxs),
        ("draft + .pdf (the report)", &totals),
    ] {
        let s = Stats::of(times.iter().copied());
        writeln!(out, "  {name:<32} {:>6} {:>9.1} {:>9.1}", s.n, s.p50, s.max)?;
    }
    Ok(out)
}
