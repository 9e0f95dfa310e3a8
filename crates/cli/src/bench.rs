//! Measurement, side by side: the in-memory roll-up index against the straightforward SQL
//! on the same database, with every SQL answer checked against the index's.
//!
//! Queries are random (unit, month range, as-of date) triples over every level of the tree,
//! picked round-robin by level so that any prefix of the list (the SQL baseline runs only
//! the first few) holds every level, the province (and the nation, if any) included.
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use lamtheo_analytics::{Figures, Index};
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::Id;
use lamtheo_store::{bulk, on_pool, Engine, Store};

use crate::gen::{db, Rng};

pub struct BenchConfig {
    /// Random queries answered by the index.
    pub queries: usize,
    /// How many of them (from the start of the list) are also answered with plain SQL.
    pub baseline_queries: usize,
    pub seed: u64,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig { queries: 2000, baseline_queries: 30, seed: 7 }
    }
}

/// The levels queried, by unit kind, top first. The nation (`gen --national`'s root) has no
/// kind of its own: it is the province committee with provinces below it.
const LEVELS: [(&str, &str); 6] = [
    ("tinh_uy", "nation"),
    ("tinh_uy", "province"),
    ("huyen_uy", "district"),
    ("dang_uy_xa", "commune"),
    ("tccs", "grassroots"),
    ("chi_bo", "cell"),
];
const NATION: usize = 0;
const PROVINCE: usize = 1;

/// The project's performance targets: what "fast enough" means.
const TARGET_P95_MS: f64 = 5.0;
const TARGET_SPEEDUP: f64 = 50.0;

struct Query {
    /// Index into `LEVELS`.
    level: usize,
    unit: Id,
    code: String,
    period: Period,
    as_of: NaiveDate,
}

impl Query {
    fn describe(&self) -> String {
        format!(
            "{} {} ({}), months {}, as of {}",
            LEVELS[self.level].1,
            self.code,
            self.unit,
            self.period.label(),
            self.as_of
        )
    }
}

/// Runs the benchmark and returns the report.
pub async fn run(store: &Store, cfg: &BenchConfig) -> Result<String> {
    if cfg.queries == 0 {
        bail!("queries must be at least 1");
    }
    let mut out = String::new();
    header(store, &mut out).await?;

    let started = Instant::now();
    let mut index = lamtheo_app::load_index(store).await.map_err(db)?;
    let build = started.elapsed();
    writeln!(out, "Index build from the database (load_index): {:.3} s", build.as_secs_f64())?;
    writeln!(
        out,
        "Summaries of big subtrees made at start-up: {}; memory after the build: {} (peak {})",
        index.summary_count(),
        memory("VmRSS"),
        memory("VmHWM")
    )?;
    tracing::info!(seconds = build.as_secs_f64(), "index built");

    let (first, last) = data_span(store).await?;
    let queries = pick_queries(&index, first, last, cfg)?;
    let (index_figures, index_times) = time_index(&index, &queries);
    index_section(&mut out, &queries, &index_times)?;

    let n = cfg.baseline_queries.min(queries.len());
    let mut speedups = Vec::new();
    if n > 0 {
        let sql_times = time_baseline(store, &queries[..n], &index_figures[..n]).await?;
        speedups = baseline_section(&mut out, &queries[..n], &index_times[..n], &sql_times)?;
    }
    targets(&mut out, Stats::of(index_times.iter().copied()).p95, &speedups)?;
    writes_section(&mut out, store, &mut index, cfg).await?;
    Ok(out)
}

/// Writes timed on the index: what applying one write's change-log entries costs the server
/// (the time it holds the index's write lock). None of it reaches the database.
const WRITES: usize = 1_000;
/// Members present at a timed meeting, at most.
const PRESENT: usize = 20;

/// The process's resident memory now (`VmRSS`) or at its peak (`VmHWM`), as Linux reports it.
fn memory(field: &str) -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find_map(|l| l.strip_prefix(field)?.trim_start_matches(':').trim().strip_suffix(" kB"));
    kb.and_then(|k| k.trim().parse::<u64>().ok())
        .map_or_else(|| "unknown".into(), |k| format!("{:.2} GiB", k as f64 / 1_048_576.0))
}

/// Times `WRITES` writes applied to the index as the follower applies them: alternately a
/// cell meeting with its attendance, and a member's transfer. Then one full re-layout of the
/// index, which is what every write cost before the change log.
async fn writes_section(out: &mut String, store: &Store, index: &mut Index, cfg: &BenchConfig) -> Result<()> {
    use lamtheo_analytics::Delta;
    use lamtheo_domain::conference::{Attendance, AttendanceStatus, Conference};
    use lamtheo_domain::people::Membership;

    let mut snapshot = store.snapshot().await.map_err(db)?;
    let open: Vec<Membership> = lamtheo_store::facts::memberships(&mut snapshot)
        .await
        .map_err(db)?
        .into_iter()
        .filter(|m| m.valid_to.is_none())
        .collect();
    drop(snapshot);
    if open.is_empty() {
        return Ok(());
    }
    let mut by_unit: std::collections::HashMap<Id, Vec<&Membership>> = std::collections::HashMap::new();
    for m in &open {
        by_unit.entry(m.unit_id).or_default().push(m);
    }
    let units: Vec<Id> = by_unit.keys().copied().collect();
    let mut rng = Rng::for_entity(cfg.seed, 101, 0);
    let today = chrono::Local::now().date_naive();
    let (mut meetings, mut transfers) = (Vec::new(), Vec::new());
    for w in 0..WRITES {
        let unit = units[rng.below(units.len() as u64) as usize];
        let deltas = if w % 2 == 0 {
            // Ids far above any stored one: these conferences exist only in this index.
            let conference = Conference {
                id: i64::MAX / 2 + w as i64,
                code: format!("BENCH-{w}"),
                unit_id: unit,
                held_on: today,
                title: "Sinh hoạt chi bộ".into(),
                level: String::new(),
                online: false,
                others_count: 2,
                unlisted_members: 0,
                topic_ids: vec![],
                regular_meeting: true,
                study_content: true,
            };
            let attendance: Vec<Attendance> = by_unit[&unit]
                .iter()
                .take(PRESENT)
                .map(|m| Attendance {
                    conference_id: conference.id,
                    person_id: m.person_id,
                    point_unit_id: None,
                    status: AttendanceStatus::Present,
                })
                .collect();
            Delta::add_conference(&conference, &[], &attendance)
        } else {
            let members = &by_unit[&unit];
            let m = members[rng.below(members.len() as u64) as usize];
            let to = units[rng.below(units.len() as u64) as usize];
            let mut d = Delta::end_memberships(std::slice::from_ref(m), today);
            let membership = Membership { id: i64::MAX / 2 + w as i64, unit_id: to, valid_from: today, ..m.clone() };
            d.push(Delta::AddMembership { membership });
            d
        };
        let started = Instant::now();
        for d in &deltas {
            index.apply(d);
        }
        let took = started.elapsed();
        if w % 2 == 0 { &mut meetings } else { &mut transfers }.push(took);
    }
    let started = Instant::now();
    index.compact();
    let relayout = started.elapsed();

    writeln!(out)?;
    writeln!(out, "Index writes: {WRITES} writes applied as the change-log follower applies them (write-lock time):")?;
    writeln!(out, "  write                          writes    p50 ms    p95 ms    p99 ms    max ms")?;
    let what = format!("cell meeting + ≤{PRESENT} present");
    for (name, times) in [(what.as_str(), &meetings), ("transfer of a member", &transfers)] {
        let s = Stats::of(times.iter().copied());
        writeln!(out, "  {name:<30} {:>6} {:>9.3} {:>9.3} {:>9.3} {:>9.3}", s.n, s.p50, s.p95, s.p99, s.max)?;
    }
    writeln!(
        out,
        "  for contrast, one full re-layout of the index (every write's cost before): {:.1} ms",
        ms(relayout)
    )?;
    Ok(())
}

async fn header(store: &Store, out: &mut String) -> Result<()> {
    let engine = match store.engine {
        Engine::Sqlite => "SQLite",
        Engine::Postgres => "PostgreSQL",
    };
    let mut counts = Vec::new();
    for table in ["units", "people", "memberships", "conferences", "attendances"] {
        counts.push(format!("{} {table}", thousands(bulk::count(store, table).await.map_err(db)? as u64)));
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let build = if cfg!(debug_assertions) { "debug build: timings are NOT representative" } else { "release build" };
    writeln!(out, "lamtheo bench — {engine}, {build}, {cpus} CPUs")?;
    writeln!(out, "Data: {}", counts.join(", "))?;
    Ok(())
}

/// The first and last month holding conferences.
async fn data_span(store: &Store) -> Result<(Month, Month)> {
    let sql = "SELECT MIN(held_on), MAX(held_on) FROM conferences";
    let (min, max): (Option<NaiveDate>, Option<NaiveDate>) =
        on_pool!(store.read(), p => sqlx::query_as(sql).fetch_one(p).await)?;
    match (min, max) {
        (Some(a), Some(b)) => Ok((Month::of(a), Month::of(b))),
        _ => bail!("the database holds no conferences; run `lamtheo gen` first"),
    }
}

// ----- queries ----------------------------------------------------------------------------

/// Random queries, round-robin over the levels that have units. Month ranges lie within the
/// data's years; as-of dates anywhere in them.
fn pick_queries(index: &Index, first: Month, last: Month, cfg: &BenchConfig) -> Result<Vec<Query>> {
    let units = units_by_level(index);
    let levels: Vec<usize> = (0..LEVELS.len()).filter(|&l| !units[l].is_empty()).collect();
    if levels.is_empty() {
        bail!("the database holds no party units; run `lamtheo gen` first");
    }
    let (lo, hi) = (Month::new(first.year(), 1).0, Month::new(last.year(), 12).0);
    // A stream of its own, apart from the generator's (which use small kind numbers).
    let mut rng = Rng::for_entity(cfg.seed, 100, 0);
    let queries = (0..cfg.queries)
        .map(|i| {
            let level = levels[i % levels.len()];
            let (unit, code) = rng.pick(&units[level]).clone();
            let (a, b) =
                (rng.between(i64::from(lo), i64::from(hi)) as i32, rng.between(i64::from(lo), i64::from(hi)) as i32);
            let period = Period::new(Month(a.min(b)), Month(a.max(b)));
            let as_of = rng.date_between(Month(lo).first_day(), Month(hi).last_day());
            Query { level, unit, code, period, as_of }
        })
        .collect();
    Ok(queries)
}

/// (id, code) of the units of each level, sorted so that the seed alone decides the picks.
fn units_by_level(index: &Index) -> Vec<Vec<(Id, String)>> {
    let tree = index.tree();
    let province = LEVELS[PROVINCE].0;
    let above_provinces =
        |id: Id| tree.children_on_any_date(id).any(|l| tree.unit(l.unit_id).is_some_and(|c| c.kind == province));
    let mut units: Vec<Vec<(Id, String)>> = vec![Vec::new(); LEVELS.len()];
    for u in tree.units() {
        // A province committee's kind comes first in `LEVELS`, under the nation's name.
        let level = match LEVELS.iter().position(|(kind, _)| *kind == u.kind) {
            Some(NATION) if !above_provinces(u.id) => Some(PROVINCE),
            l => l,
        };
        if let Some(l) = level {
            units[l].push((u.id, u.code.clone()));
        }
    }
    for list in &mut units {
        list.sort();
    }
    units
}

// ----- the index --------------------------------------------------------------------------

/// Answers every query with the index, timing each one.
fn time_index(index: &Index, queries: &[Query]) -> (Vec<Figures>, Vec<Duration>) {
    // Warm caches and the allocator first, as a running server would have them.
    for q in queries.iter().take(50) {
        std::hint::black_box(index.figures(q.unit, q.period, q.as_of));
    }
    queries
        .iter()
        .map(|q| {
            let started = Instant::now();
            let f = std::hint::black_box(index.figures(q.unit, q.period, q.as_of));
            (f, started.elapsed())
        })
        .unzip()
}

fn index_section(out: &mut String, queries: &[Query], times: &[Duration]) -> Result<()> {
    writeln!(out)?;
    writeln!(out, "Index::figures, {} random queries (unit, month range, as-of date):", queries.len())?;
    writeln!(
        out,
        "  {:<12} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "level", "queries", "p50 ms", "p95 ms", "p99 ms", "max ms"
    )?;
    let all: Vec<usize> = (0..queries.len()).collect();
    let mut rows = vec![("all", all)];
    for (l, (_, name)) in LEVELS.iter().enumerate() {
        rows.push((name, (0..queries.len()).filter(|&i| queries[i].level == l).collect()));
    }
    for (name, picked) in rows.into_iter().filter(|(_, p)| !p.is_empty()) {
        let s = Stats::of(picked.iter().map(|&i| times[i]));
        writeln!(out, "  {name:<12} {:>7} {:>9.3} {:>9.3} {:>9.3} {:>9.3}", s.n, s.p50, s.p95, s.p99, s.max)?;
    }
    Ok(())
}

// ----- the SQL baseline -------------------------------------------------------------------

/// The five figures computed the obvious way, in one statement. $1 unit, $2 as-of date,
/// $3 first and $4 last day of the period. Study conferences only: regular cell meetings
/// are counted apart. The subtree is walked over the links valid on
/// the as-of date; a membership covers a month when it overlaps any day of it (see
/// `lamtheo_analytics::reference`, which this reproduces).
fn baseline_sql(engine: Engine) -> String {
    // Month arithmetic is the one thing the engines spell differently.
    let (month_start, next_month) = match engine {
        Engine::Sqlite => ("date(c.held_on, 'start of month')", "date(c.held_on, 'start of month', '+1 month')"),
        Engine::Postgres => {
            ("date_trunc('month', c.held_on)::date", "(date_trunc('month', c.held_on) + interval '1 month')::date")
        }
    };
    format!(
        "WITH RECURSIVE sub(id) AS (
            SELECT id FROM units WHERE id = $1 AND opened_on <= $2
            UNION
            SELECT l.unit_id FROM unit_links l JOIN sub ON l.parent_id = sub.id
            WHERE l.valid_from <= $2 AND (l.valid_to IS NULL OR l.valid_to > $2)
        )
        SELECT k.n,
               CAST(k.unlisted + p.unlisted + a.present AS BIGINT),
               CAST(k.others + p.others AS BIGINT),
               t.participants,
               e.eligible
        FROM (SELECT COUNT(*) AS n, COALESCE(SUM(c.unlisted_members), 0) AS unlisted, COALESCE(SUM(c.others_count), 0) AS others
              FROM conferences c
              WHERE c.unit_id IN (SELECT id FROM sub) AND c.held_on BETWEEN $3 AND $4 AND NOT c.regular_meeting) k
        CROSS JOIN
             (SELECT COALESCE(SUM(cp.unlisted_members), 0) AS unlisted, COALESCE(SUM(cp.others_count), 0) AS others
              FROM conference_points cp JOIN conferences c ON c.id = cp.conference_id
              WHERE cp.unit_id IN (SELECT id FROM sub) AND c.held_on BETWEEN $3 AND $4 AND NOT c.regular_meeting) p
        CROSS JOIN
             (SELECT COUNT(*) AS present
              FROM attendances a JOIN conferences c ON c.id = a.conference_id
              WHERE a.status = 'present' AND c.held_on BETWEEN $3 AND $4 AND NOT c.regular_meeting
                AND COALESCE(a.point_unit_id, c.unit_id) IN (SELECT id FROM sub)) a
        CROSS JOIN
             (SELECT COUNT(DISTINCT m.person_id) AS eligible
              FROM memberships m
              WHERE m.unit_id IN (SELECT id FROM sub)
                AND m.valid_from <= $4 AND (m.valid_to IS NULL OR m.valid_to > $3)) e
        CROSS JOIN
             (SELECT COUNT(DISTINCT m.person_id) AS participants
              FROM memberships m
              JOIN attendances a ON a.person_id = m.person_id AND a.status = 'present'
              JOIN conferences c ON c.id = a.conference_id
              WHERE m.unit_id IN (SELECT id FROM sub)
                AND c.held_on BETWEEN $3 AND $4 AND NOT c.regular_meeting
                AND m.valid_from < {next_month}
                AND (m.valid_to IS NULL OR m.valid_to > {month_start})) t"
    )
}

async fn baseline_figures(store: &Store, sql: &str, q: &Query) -> Result<Figures> {
    type Row = (i64, i64, i64, i64, i64);
    let (first, last) = (q.period.first_day(), q.period.last_day());
    let row: Row = on_pool!(store.read(), p => {
        sqlx::query_as(sql).bind(q.unit).bind(q.as_of).bind(first).bind(last).fetch_one(p).await
    })?;
    let n = |x: i64| u64::try_from(x).map_err(|_| anyhow!("negative figure {x} from SQL for {}", q.describe()));
    Ok(Figures {
        conferences: n(row.0)?,
        member_attendances: n(row.1)?,
        other_attendances: n(row.2)?,
        participants: n(row.3)?,
        eligible: n(row.4)?,
        ..Figures::default()
    })
}

/// The figures the baseline SQL computes (the study-conference figures of the issue); the
/// cell-meeting figures are held to their reference by the analytics property tests.
fn participation(f: &Figures) -> [u64; 5] {
    [f.conferences, f.member_attendances, f.other_attendances, f.participants, f.eligible]
}

/// Answers the queries with SQL, timing each, and fails on the first that disagrees with
/// the index: the benchmark doubles as a cross-check of the index against the database.
async fn time_baseline(store: &Store, queries: &[Query], expected: &[Figures]) -> Result<Vec<Duration>> {
    let sql = baseline_sql(store.engine);
    // One untimed run so the baseline reads from a warm page cache, like the index.
    baseline_figures(store, &sql, &queries[0]).await?;
    let mut times = Vec::with_capacity(queries.len());
    for (i, (q, want)) in queries.iter().zip(expected).enumerate() {
        let started = Instant::now();
        let got = baseline_figures(store, &sql, q).await?;
        times.push(started.elapsed());
        if participation(&got) != participation(want) {
            bail!("SQL and index disagree on query {} — {}:\n  index {want:?}\n  SQL   {got:?}", i + 1, q.describe());
        }
        tracing::info!(query = i + 1, ms = ms(times[i]), "baseline: {}", q.describe());
    }
    Ok(times)
}

/// Writes the SQL timings beside the index's on the same queries; returns the speed-ups
/// (SQL p50 / index p50) on all of them, on the nation's and on the province-level ones.
fn baseline_section(
    out: &mut String,
    queries: &[Query],
    index_times: &[Duration],
    sql_times: &[Duration],
) -> Result<Vec<(&'static str, f64)>> {
    let at = |level: usize| (0..queries.len()).filter(|&i| queries[i].level == level).collect::<Vec<usize>>();
    let (nation, province) = (at(NATION), at(PROVINCE));
    let all: Vec<usize> = (0..queries.len()).collect();
    writeln!(out)?;
    writeln!(
        out,
        "Plain SQL (recursive CTE over unit_links valid on the as-of date, then counts), the first {} queries:",
        queries.len()
    )?;
    writeln!(out, "  every SQL result equals the index's ({} of {} checked)", queries.len(), queries.len())?;
    writeln!(out, "  {:<22} {:>7} {:>10} {:>10}", "", "queries", "p50 ms", "p95 ms")?;
    let mut speedups = Vec::new();
    for (name, picked) in [("all levels", &all), ("nation", &nation), ("province", &province)] {
        if picked.is_empty() {
            continue;
        }
        let sql = Stats::of(picked.iter().map(|&i| sql_times[i]));
        let ix = Stats::of(picked.iter().map(|&i| index_times[i]));
        writeln!(out, "  {:<22} {:>7} {:>10.3} {:>10.3}", format!("SQL, {name}"), sql.n, sql.p50, sql.p95)?;
        writeln!(out, "  {:<22} {:>7} {:>10.3} {:>10.3}", format!("index, {name}"), ix.n, ix.p50, ix.p95)?;
        speedups.push((name, sql.p50 / ix.p50.max(1e-6)));
    }
    let listed: Vec<String> = speedups.iter().map(|(name, x)| format!("{x:.0}× on {name}")).collect();
    writeln!(out, "  speed-up (SQL p50 / index p50 on the same queries): {}", listed.join(", "))?;
    Ok(speedups)
}

/// States plainly whether the brief's targets were met.
fn targets(out: &mut String, index_p95: f64, speedups: &[(&str, f64)]) -> Result<()> {
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    writeln!(out)?;
    writeln!(
        out,
        "Target index p95 ≤ {TARGET_P95_MS:.0} ms on all queries: {} ({index_p95:.3} ms)",
        verdict(index_p95 <= TARGET_P95_MS)
    )?;
    if let Some(lowest) = speedups.iter().map(|s| s.1).reduce(f64::min) {
        writeln!(
            out,
            "Target ≥ {TARGET_SPEEDUP:.0}× faster than SQL: {} (lowest speed-up {lowest:.0}×)",
            verdict(lowest >= TARGET_SPEEDUP)
        )?;
    }
    Ok(())
}

// ----- statistics -------------------------------------------------------------------------

/// Percentiles in milliseconds (nearest rank).
pub(crate) struct Stats {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Stats {
    pub(crate) fn of(times: impl Iterator<Item = Duration>) -> Stats {
        let mut v: Vec<f64> = times.map(ms).collect();
        v.sort_by(f64::total_cmp);
        let at = |p: f64| {
            let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
            v[rank.clamp(1, v.len()) - 1]
        };
        Stats { n: v.len(), p50: at(50.0), p95: at(95.0), p99: at(99.0), max: *v.last().unwrap_or(&0.0) }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// 1812345 -> "1,812,345" (the report is pasted into the English README).
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
