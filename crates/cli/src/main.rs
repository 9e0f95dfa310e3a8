//! The `lamtheo` command: the web application and the verbs a deployment needs.
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_importer::{Kind, Limits};

mod bench;
mod demo;
mod gen;
mod load;
mod report_bench;

#[derive(Parser)]
#[command(
    name = "lamtheo",
    version,
    about = "Học tập và làm theo Bác — theo dõi, tổng hợp và báo cáo / campaign tracking and roll-up"
)]
struct Cli {
    /// sqlite://FILE (default) or postgres://user@host/db
    #[arg(long, global = true, env = "LAMTHEO_DATABASE_URL", default_value = "sqlite://lamtheo.db")]
    database_url: String,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(subcommand)]
    command: Command,
}

/// What one import file may cost (see `lamtheo_importer::Limits` for the defaults' reasons).
#[derive(clap::Args)]
struct LimitArgs {
    /// Largest import file, in MB
    #[arg(long, global = true, env = "LAMTHEO_MAX_FILE_MB", default_value_t = Limits::default().file_bytes >> 20)]
    max_file_mb: u64,
    /// Largest size one part of an .xlsx file may unpack to, in MB
    #[arg(long, global = true, env = "LAMTHEO_MAX_UNPACKED_MB", default_value_t = Limits::default().part_bytes >> 20)]
    max_unpacked_mb: u64,
    /// Most rows in one import file
    #[arg(long, global = true, env = "LAMTHEO_MAX_ROWS", default_value_t = Limits::default().rows)]
    max_rows: u64,
    /// Most filled cells in one import file
    #[arg(long, global = true, env = "LAMTHEO_MAX_CELLS", default_value_t = Limits::default().cells)]
    max_cells: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        let part_bytes = self.max_unpacked_mb << 20;
        Limits {
            file_bytes: self.max_file_mb << 20,
            part_bytes,
            total_bytes: Limits::default().total_bytes.max(part_bytes * 2),
            rows: self.max_rows,
            cells: self.max_cells,
            ..Limits::default()
        }
    }
}

/// A period of months and the date of the tree's shape, as the figures take them.
#[derive(clap::Args)]
struct PeriodArgs {
    /// First month, e.g. 1/2025
    #[arg(long)]
    from: Option<String>,
    /// Last month, e.g. 12/2025
    #[arg(long)]
    to: Option<String>,
    /// Shape of the tree as of this date, e.g. 31/12/2025
    #[arg(long)]
    as_of: Option<String>,
}

impl PeriodArgs {
    fn read(&self, today: chrono::NaiveDate) -> Result<(lamtheo_domain::period::Period, chrono::NaiveDate)> {
        lamtheo_web::period_and_as_of(self.from.as_deref(), self.to.as_deref(), self.as_of.as_deref(), today)
            .map_err(failure)
    }
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Render a unit's report for a period straight from its figures, in the built-in outline:
    /// a .pdf or .docx in the party's document form, or its annexes as .xlsx
    Render {
        /// The unit's code
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        period: PeriodArgs,
        /// The file to write: .pdf, .docx or .xlsx
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and the API
    Serve {
        /// Address to listen on
        #[arg(long, env = "LAMTHEO_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Fill an empty database with a demo province first (never touches a database with data)
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when served over HTTPS behind a proxy)
        #[arg(long, env = "LAMTHEO_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Seconds a request may take before it is stopped with 503 (an import through the
        /// API included; imports through the page run in the background)
        #[arg(long, env = "LAMTHEO_REQUEST_TIMEOUT", default_value_t = lamtheo_web::DEFAULT_TIMEOUT.as_secs())]
        request_timeout: u64,
        /// Address of a reverse proxy whose X-Forwarded-For is believed (repeat for several;
        /// the env var takes a comma-separated list)
        #[arg(long, env = "LAMTHEO_TRUSTED_PROXY", value_delimiter = ',')]
        trusted_proxy: Vec<std::net::IpAddr>,
    },
    /// Run the database migrations and exit
    Migrate,
    /// Manage accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage an account's API tokens
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import a .csv or .xlsx file of any kind (see `lamtheo columns`)
    Import {
        /// units | people | conferences | attendance | points | plans | registrations | reviews |
        /// evaluations | covenant_units | covenant_scores | tasks
        kind: String,
        file: std::path::PathBuf,
    },
    /// Export campaign activities as .xlsx, in the columns of their import
    Export {
        /// plans | evaluations | tasks (of a unit's subtree for a year); registrations | reviews
        /// (of a movement: --of); covenant_units | covenant_scores (of a covenant: --of)
        kind: String,
        /// Output file (.xlsx)
        out: std::path::PathBuf,
        /// The unit (by code) whose subtree is exported (for a movement: whose part of it)
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        year: Option<i32>,
        /// The movement's or covenant's number
        #[arg(long)]
        of: Option<i64>,
    },
    /// Write an import template of any kind (see `lamtheo columns`)
    Template {
        kind: String,
        /// Output file (.csv or .xlsx)
        out: std::path::PathBuf,
    },
    /// Print the import file formats (every column) as Markdown
    Columns,
    /// Print the figures of a unit (by code) for a period as of a date
    Figures {
        unit_code: String,
        #[command(flatten)]
        period: PeriodArgs,
        /// The figures as JSON, as `GET /api/v1/units/{id}/figures` answers them
        #[arg(long)]
        json: bool,
    },
    /// The periodic report: draft and render it
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Write a consistent copy of the database to FILE (a new SQLite file) while the server
    /// keeps serving and writing
    Backup { file: std::path::PathBuf },
    /// Load a backup FILE into the database of --database-url (SQLite or PostgreSQL), which
    /// must be empty: a deployment moves from SQLite to PostgreSQL with `backup` then `restore`
    Restore { file: std::path::PathBuf },
    /// Generate deterministic synthetic data (one large province, or with --national the
    /// whole party) into an empty database
    Gen {
        #[arg(long, default_value_t = 150_000)]
        members: u64,
        #[arg(long, default_value_t = 2024)]
        year: i32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The whole party: a root, the 34 provinces and cities, 3.321 communes and wards at
        /// 5.100.000 members (fewer in proportion below), districts closed on 1/7/2025
        #[arg(long)]
        national: bool,
    },
    /// Measure roll-up speed against the straightforward SQL on the current database
    Bench {
        #[arg(long, default_value_t = 2000)]
        queries: usize,
        #[arg(long, default_value_t = 30)]
        baseline_queries: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Measure over HTTP instead: the province's unit page and figures API, served on a
        /// local port, read by `--connections` clients for `--seconds` (adds an account)
        #[arg(long)]
        http: bool,
        #[arg(long, default_value_t = 8)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// With --http: the unit read, by its code (a cell's, say); the top unit by default
        #[arg(long)]
        unit: Option<String>,
        /// With --http: measure while a people import of this many rows runs (the stall
        /// benchmark; it adds these people to the database)
        #[arg(long, default_value_t = 0)]
        import_rows: usize,
        /// Time the top unit's annual report instead: drafted from the figures and rendered
        /// as .pdf, .docx and .xlsx, `--runs` times
        #[arg(long)]
        report: bool,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account (the first administrator, for instance)
    Add {
        username: String,
        /// admin | staff | secretary | member | inspector | read_only
        #[arg(long, default_value = "admin")]
        role: String,
        /// Unit code of the account's scope (none: the whole system, administrators only)
        #[arg(long)]
        scope: Option<String>,
        /// The password (or set LAMTHEO_PASSWORD); at least 8 characters
        #[arg(long, env = "LAMTHEO_PASSWORD")]
        password: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Make a token for an account; the secret is printed once
    Add { username: String, name: String },
    /// List an account's tokens
    List { username: String },
    /// Revoke one of an account's tokens (by the number `list` shows)
    Revoke { username: String, id: i64 },
}

async fn token(url: &str, command: TokenCommand) -> Result<()> {
    let app = App::open(url).await?;
    let username = match &command {
        TokenCommand::Add { username, .. }
        | TokenCommand::List { username }
        | TokenCommand::Revoke { username, .. } => username,
    };
    let mut actor = app.account_actor(username).await.map_err(failure)?;
    actor.request_id = "cli".into();
    match command {
        TokenCommand::Add { name, .. } => {
            let (id, secret) = app.create_token(&actor, &name).await.map_err(failure)?;
            println!("#{id} {secret}");
        }
        TokenCommand::List { .. } => {
            for k in app.list_tokens(&actor).await.map_err(failure)? {
                let state =
                    k.revoked_at.map_or("active".to_string(), |r| format!("revoked {}", r.format("%Y-%m-%d %H:%M")));
                println!("#{}\t{}\t{}\t{state}", k.id, k.name, k.created_at.format("%Y-%m-%d %H:%M"));
            }
        }
        TokenCommand::Revoke { id, .. } => {
            app.revoke_token(&actor, id).await.map_err(failure)?;
            println!("Đã thu hồi khóa #{id} / token revoked");
        }
    }
    Ok(())
}

fn bar(len: u64) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb
}

/// An application error as the command line shows it: the message, and the details (every
/// bad row of an import; an internal failure's cause, which a server only logs).
fn failure(e: lamtheo_domain::Error) -> anyhow::Error {
    let mut text = e.message_en;
    for d in &e.details {
        text.push_str("\n  ");
        text.push_str(d);
    }
    anyhow::anyhow!(text)
}

fn main() -> Result<()> {
    limit_allocator_arenas();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run())
}

/// glibc's allocator gives each thread that meets contention an arena of its own and seldom
/// hands their free space back: the index build, whose rows are made on one thread and kept or
/// freed on another, left some 5 GiB of 12,8 behind at national scale (measured with
/// `MALLOC_ARENA_MAX=1`: 7,9 GiB). We allow two, one per core of the machines we measure on.
/// Set before the runtime starts its threads; `MALLOC_ARENA_MAX` in the environment wins.
fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets an allocator parameter; called before any other thread.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

async fn run() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "lamtheo=info,sqlx=error,warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Migrate => {
            lamtheo_store::Store::open(&cli.database_url).await?;
            println!("Đã cập nhật cấu trúc cơ sở dữ liệu / migrations applied");
        }
        Command::Serve { listen, demo, secure_cookies, request_timeout, trusted_proxy } => {
            let opts = lamtheo_web::Options {
                secure_cookies,
                request_timeout: std::time::Duration::from_secs(request_timeout),
                trusted_proxies: trusted_proxy,
                ..Default::default()
            };
            serve(&cli.database_url, &listen, demo, opts, cli.limits.limits()).await?
        }
        Command::Token { command } => token(&cli.database_url, command).await?,
        Command::User { command: UserCommand::Add { username, role, scope, password } } => {
            let app = App::open(&cli.database_url).await?;
            let role = Role::parse(&role).with_context(|| format!("unknown role {role}"))?;
            let system = Actor::system();
            let scope = scope.map(|c| app.unit_by_code(&system, &c).map(|u| u.id)).transpose().map_err(failure)?;
            let id = app
                .add_user(
                    &system,
                    NewUser { username: username.clone(), password, role, scope_unit_id: scope, person_id: None },
                )
                .await
                .map_err(failure)?;
            println!("Đã tạo tài khoản {username} (#{id}) / account created");
        }
        Command::Import { kind, file } => {
            let kind = Kind::from_slug(&kind).with_context(|| {
                let kinds: Vec<&str> = Kind::all().iter().map(|k| k.slug()).collect();
                format!("unknown kind {kind}: use one of {}", kinds.join(", "))
            })?;
            let limits = cli.limits.limits();
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let size = std::fs::metadata(&file).with_context(|| format!("cannot read {}", file.display()))?.len();
            if size > limits.file_bytes {
                let e = limits.file_too_large(&name);
                eprintln!("{e}");
                bail!("{}", e.message_en);
            }
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let app = App::open(&cli.database_url).await?.with_limits(limits);
            let pb = bar(0);
            let progress = |stage: &str, done: u64, total: u64| {
                pb.set_message(stage.to_string());
                pb.set_length(total);
                pb.set_position(done);
            };
            match app.import(&Actor::system(), kind, &name, &bytes, &progress).await {
                Ok(s) => {
                    pb.finish_and_clear();
                    println!(
                        "Đã nhập {} dòng: {} mới, {} cập nhật, {} không đổi",
                        s.rows, s.created, s.updated, s.unchanged
                    );
                }
                Err(e) => {
                    pb.abandon();
                    eprintln!("{}", e.message_vi);
                    for d in &e.details {
                        eprintln!("  {d}");
                    }
                    bail!("{}", e.message_en);
                }
            }
        }
        Command::Export { kind, out, unit, year, of } => {
            let kind = Kind::from_slug(&kind).with_context(|| format!("unknown kind {kind}"))?;
            let app = App::open(&cli.database_url).await?;
            let system = Actor::system();
            let unit = match unit {
                Some(code) => Some(app.unit_by_code(&system, &code).map_err(failure)?.id),
                None => None,
            };
            let year = year.unwrap_or_else(|| chrono::Datelike::year(&app.today()));
            let query = lamtheo_app::exports::ExportQuery { unit, year, of };
            let rows = app.export(&system, kind, query).await.map_err(failure)?;
            std::fs::write(&out, lamtheo_importer::write_xlsx(kind, &rows)?)?;
            println!("Đã xuất {} dòng vào {} / rows exported", rows.len(), out.display());
        }
        Command::Columns => print!("{}", lamtheo_importer::columns_markdown()),
        Command::Template { kind, out } => {
            let kind = Kind::from_slug(&kind).with_context(|| format!("unknown kind {kind}"))?;
            let bytes = if out.extension().is_some_and(|e| e == "xlsx") {
                lamtheo_importer::template_xlsx(kind)?
            } else {
                lamtheo_importer::template_csv(kind)
            };
            std::fs::write(&out, bytes)?;
        }
        Command::Figures { unit_code, period, json } => {
            let app = App::open(&cli.database_url).await?;
            let system = Actor::system();
            let unit = app.unit_by_code(&system, &unit_code).map_err(failure)?;
            let (period, as_of) = period.read(app.today())?;
            let figures = lamtheo_web::unit_figures(&app, &system, unit.id, period, as_of).await.map_err(failure)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&figures)?);
            } else {
                println!("{} ({})", unit.name, unit.code);
                for (label, value) in figures.labelled() {
                    println!("  {label}: {value}");
                }
            }
        }
        Command::Report { command: ReportCommand::Render { unit, period, out } } => {
            let Some(format) = lamtheo_app::report::Format::of_path(&out) else {
                anyhow::bail!(
                    "{}: cần tệp .pdf, .docx hoặc .xlsx / expected a .pdf, .docx or .xlsx file",
                    out.display()
                );
            };
            let app = App::open(&cli.database_url).await?;
            let system = Actor::system();
            let unit = app.unit_by_code(&system, &unit).map_err(failure)?;
            let (period, as_of) = period.read(app.today())?;
            let outline = lamtheo_app::report::built_in_outline();
            let draft = app.report_draft(&system, unit.id, period, as_of, &outline).await.map_err(failure)?;
            let document = draft.document(app.today(), None, ("Bí thư", ""));
            let bytes = lamtheo_app::report::render(document, format).await.map_err(failure)?;
            std::fs::write(&out, &bytes)?;
            println!("Đã ghi / wrote {} ({} bytes)", out.display(), bytes.len());
        }
        Command::Backup { file } => {
            let store = lamtheo_store::Store::open(&cli.database_url).await?;
            let copied = lamtheo_store::backup::backup(&store, &file).await.map_err(failure)?;
            store.close().await;
            println!(
                "Đã sao lưu / backed up: {} rows in {} tables to {}",
                copied.rows(),
                copied.tables.len(),
                file.display()
            );
        }
        Command::Restore { file } => {
            let copied = lamtheo_store::backup::restore(&cli.database_url, &file).await.map_err(failure)?;
            println!(
                "Đã khôi phục / restored: {} rows in {} tables from {}",
                copied.rows(),
                copied.tables.len(),
                file.display()
            );
        }
        Command::Gen { members, year, seed, national } => {
            let store = lamtheo_store::Store::open(&cli.database_url).await?;
            let pb = bar(0);
            let progress = |stage: &str, done: u64, total: u64| {
                pb.set_message(stage.to_string());
                pb.set_length(total);
                pb.set_position(done);
            };
            let stats = gen::generate(&store, &gen::GenConfig { members, year, seed, national }, &progress).await?;
            pb.finish_and_clear();
            // Closing checkpoints SQLite's write-ahead log into the database file.
            store.close().await;
            println!("Đã sinh / generated: {stats}");
        }
        Command::Bench {
            queries,
            baseline_queries,
            seed,
            http,
            connections,
            seconds,
            unit,
            import_rows,
            report,
            runs,
        } => {
            let report = if report {
                let app = App::open(&cli.database_url).await?;
                report_bench::run(&app, runs).await?
            } else if http {
                let app = App::open(&cli.database_url).await?.with_limits(cli.limits.limits());
                load::run(app, &load::LoadConfig { connections, seconds, unit, import_rows }).await?
            } else {
                let store = lamtheo_store::Store::open(&cli.database_url).await?;
                bench::run(&store, &bench::BenchConfig { queries, baseline_queries, seed }).await?
            };
            println!("{report}");
        }
    }
    Ok(())
}

async fn serve(url: &str, listen: &str, demo: bool, opts: lamtheo_web::Options, limits: Limits) -> Result<()> {
    let started = Instant::now();
    let app = App::open(url).await?.with_limits(limits);
    let mut login = None;
    if demo {
        if lamtheo_store::bulk::count(&app.store, "units").await? > 0 {
            println!(
                "Cơ sở dữ liệu đã có dữ liệu: không tạo dữ liệu mẫu / the database holds data: the demo was not built"
            );
            login = demo::existing_login(&app).await;
        } else {
            println!("Đang tạo tỉnh mẫu / building the demo province…");
            login = Some(demo::build(&app, &|stage| println!("  … {stage}")).await?);
        }
    }
    if !app.has_users().await? && login.is_none() {
        println!("Chưa có tài khoản: tạo quản trị viên bằng / no accounts yet: create one with\n  lamtheo user add admin --password …");
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    println!("lamtheo đang chạy tại / serving on http://{addr} ({:.1} s)", started.elapsed().as_secs_f64());
    if let Some(l) = login {
        println!("Đăng nhập / log in: {} / {}", l.username, l.password);
        for (u, role) in l.others {
            println!("  {u} / {} ({role})", l.password);
        }
    }
    // Writes made by other servers on the same database, or by the command line, reach this
    // server's figures by the change log.
    app.follow_forever();
    let router = lamtheo_web::router_with(app, opts);
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
