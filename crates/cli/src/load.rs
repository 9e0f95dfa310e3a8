//! Load measurement over HTTP: the real router on a local port, `connections` clients each on
//! one kept-alive connection, reading the province's unit page and figures API for a while;
//! optionally while a large people import runs beside them (the stall benchmark).
//!
//! The clients speak just enough HTTP/1.1 (Content-Length or chunked answers) to need no
//! client library.
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use chrono::Datelike;
use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_importer::Kind;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::bench::Stats;
use crate::gen::db;

pub struct LoadConfig {
    pub connections: usize,
    pub seconds: u64,
    /// The code of the unit read; the top unit when `None`.
    pub unit: Option<String>,
    /// Rows of the people import run during the measurement (0: none).
    pub import_rows: usize,
}

/// What one client asks for, in turn.
struct Target {
    name: &'static str,
    path: String,
    /// Cookie or Authorization header line.
    auth: String,
}

#[derive(Default)]
struct Tally {
    times: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
}

pub async fn run(app: App, cfg: &LoadConfig) -> Result<String> {
    let sys = Actor::system();
    let province = match &cfg.unit {
        Some(code) => app.unit_by_code(&sys, code).map_err(db)?.id,
        None => app
            .top_units(&sys, app.today())
            .first()
            .copied()
            .ok_or_else(|| anyhow!("the database has no units: run gen first"))?,
    };
    // An account of the benchmark's own, with a session (for the page) and a token (API).
    let username = format!("bench-{}", std::process::id());
    let password = "bench-mat-khau-1".to_string();
    let user = NewUser {
        username: username.clone(),
        password: password.clone(),
        role: Role::Admin,
        scope_unit_id: None,
        person_id: None,
    };
    app.add_user(&sys, user).await.map_err(db)?;
    let session = app.login(&username, &password, "bench").await.map_err(db)?.token;
    let actor = app.session(&session).await.map_err(db)?.ok_or_else(|| anyhow!("no session"))?.0;
    let (_, token) = app.create_token(&actor, "bench").await.map_err(db)?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    app.follow_forever();
    let router = lamtheo_web::router_with(app.clone(), lamtheo_web::Options::default());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
    });
    // The year the data is of (`gen --year`), so that every figure has rows to count.
    let last: Option<chrono::NaiveDate> = lamtheo_store::on_pool!(app.store.read(), p => sqlx::query_scalar(
        "SELECT MAX(held_on) FROM conferences").fetch_one(p).await)?;
    let year = last.map_or(app.today().year(), |d| d.year());
    let period = format!("from={year}-01&to={year}-12&as_of={year}-12-31");
    let targets = Arc::new([
        Target {
            name: "unit page",
            path: format!("/units/{province}?{period}"),
            auth: format!("Cookie: {}={session}", lamtheo_web::SESSION_COOKIE),
        },
        Target {
            name: "figures API",
            path: format!("/api/v1/units/{province}/figures?{period}"),
            auth: format!("Authorization: Bearer {token}"),
        },
    ]);

    let mut out = String::new();
    let engine = if app.store.engine == lamtheo_store::Engine::Sqlite { "SQLite" } else { "PostgreSQL" };
    let build = if cfg!(debug_assertions) { "debug build: timings are NOT representative" } else { "release build" };
    writeln!(
        out,
        "lamtheo bench --http — {engine}, {build}, unit {province}, figures of {year}, {} connections",
        cfg.connections
    )?;
    // Warm up: one of each, so that the first requests do not measure cold caches.
    for t in targets.iter() {
        let mut c = Client::connect(addr).await?;
        let (status, _) = c.get(&t.path, &t.auth).await?;
        if status != 200 {
            return Err(anyhow!("{} answered {status}", t.path));
        }
    }

    let import = if cfg.import_rows > 0 {
        let file = people_csv(&app, cfg.import_rows).await?;
        let app = app.clone();
        Some(tokio::spawn(async move {
            let started = Instant::now();
            let summary = app.import(&Actor::system(), Kind::People, "bench-people.csv", &file, &|_, _, _| {}).await;
            (started.elapsed(), summary)
        }))
    } else {
        None
    };

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut clients = Vec::new();
    for i in 0..cfg.connections {
        let (targets, stop) = (targets.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let mut tallies: Vec<Tally> = (0..targets.len()).map(|_| Tally::default()).collect();
            let mut client = Client::connect(addr).await.ok();
            let mut n = i;
            while !stop.load(Ordering::Relaxed) {
                let k = n % targets.len();
                n += 1;
                let t = &targets[k];
                let sent = Instant::now();
                let answer = match client.as_mut() {
                    Some(c) => c.get(&t.path, &t.auth).await,
                    None => Err(anyhow!("not connected")),
                };
                let took = sent.elapsed();
                match answer {
                    Ok((200, _)) => tallies[k].times.push(took),
                    Ok((status, body)) => {
                        tallies[k].errors += 1;
                        tallies[k]
                            .first_error
                            .get_or_insert(format!("{status}: {}", body.chars().take(200).collect::<String>()));
                    }
                    Err(e) => {
                        tallies[k].errors += 1;
                        tallies[k].first_error.get_or_insert(e.to_string());
                        client = Client::connect(addr).await.ok();
                    }
                }
            }
            tallies
        }));
    }
    // Measure for the given time, or for as long as the import runs.
    let imported = match import {
        Some(job) => {
            let (took, summary) = job.await?;
            let summary = summary.map_err(db)?;
            Some((took, summary.created + summary.updated))
        }
        None => {
            tokio::time::sleep(Duration::from_secs(cfg.seconds)).await;
            None
        }
    };
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let mut totals: Vec<Tally> = (0..targets.len()).map(|_| Tally::default()).collect();
    for c in clients {
        for (k, t) in c.await?.into_iter().enumerate() {
            totals[k].times.extend(t.times);
            totals[k].errors += t.errors;
            if totals[k].first_error.is_none() {
                totals[k].first_error = t.first_error;
            }
        }
    }

    if let Some((took, rows)) = imported {
        writeln!(out, "During a people import of {rows} rows through the service ({:.1} s):", took.as_secs_f64())?;
    } else {
        writeln!(out, "For {:.1} s:", elapsed.as_secs_f64())?;
    }
    writeln!(out, "  {} clients, each on one kept-alive connection, alternating the two requests", cfg.connections)?;
    writeln!(out, "  request        answers   errors    req/s    p50 ms    p95 ms    p99 ms    max ms")?;
    let all: Vec<Duration> = totals.iter().flat_map(|t| t.times.iter().copied()).collect();
    let errors: usize = totals.iter().map(|t| t.errors).sum();
    for (t, tally) in targets
        .iter()
        .zip(&totals)
        .map(|(t, x)| (t.name, x))
        .chain([("both", &Tally { times: all, errors, first_error: None })])
    {
        let s = Stats::of(tally.times.iter().copied());
        let rate = tally.times.len() as f64 / elapsed.as_secs_f64();
        writeln!(
            out,
            "  {t:<14} {:>7} {:>8} {:>8.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            s.n, tally.errors, rate, s.p50, s.p95, s.p99, s.max
        )?;
    }
    for (t, tally) in targets.iter().zip(&totals) {
        if let Some(e) = &tally.first_error {
            writeln!(out, "  first error of {}: {e}", t.name)?;
        }
    }
    Ok(out)
}

/// A people file of `rows` new people spread over the tree's cells, as an office would import
/// a year's new members at once.
async fn people_csv(app: &App, rows: usize) -> Result<Vec<u8>> {
    let cells: Vec<String> = lamtheo_store::on_pool!(app.store.read(), p => sqlx::query_scalar(
        "SELECT code FROM units WHERE kind = $1 AND closed_on IS NULL ORDER BY id").bind(lamtheo_analytics::CELL_KIND).fetch_all(p).await)?;
    if cells.is_empty() {
        return Err(anyhow!("the tree has no party cells to import people into"));
    }
    let tag = std::process::id();
    let mut s = String::with_capacity(rows * 64);
    s.push_str("Số thẻ đảng viên,Họ và tên,Mã đơn vị,Ngày bắt đầu sinh hoạt\n");
    for i in 0..rows {
        writeln!(s, "B{tag}-{i:07},Người nhập thử {i},{},01/01/2020", cells[i % cells.len()])?;
    }
    Ok(s.into_bytes())
}

/// One kept-alive HTTP/1.1 connection.
struct Client {
    stream: BufReader<TcpStream>,
    host: String,
}

impl Client {
    async fn connect(addr: std::net::SocketAddr) -> Result<Client> {
        let stream = TcpStream::connect(addr).await.context("connect")?;
        stream.set_nodelay(true)?;
        Ok(Client { stream: BufReader::new(stream), host: addr.to_string() })
    }

    /// GET `path`; answers the status and the body.
    async fn get(&mut self, path: &str, auth: &str) -> Result<(u16, String)> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n{auth}\r\n\r\n", self.host);
        self.stream.get_mut().write_all(request.as_bytes()).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("bad status line {line:?}"))?;
        let (mut length, mut chunked) = (None, false);
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(anyhow!("connection closed"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") && value.trim().eq_ignore_ascii_case("chunked") {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| anyhow!("bad chunk size {line:?}"))?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length.unwrap_or(0), 0);
            self.stream.read_exact(&mut body).await?;
        }
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}
