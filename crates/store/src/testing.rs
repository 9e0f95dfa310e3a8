//! Fresh, empty databases for tests: SQLite always, PostgreSQL too when
//! `LAMTHEO_TEST_POSTGRES_URL` names a server (CI sets it). Each call makes new databases, so
//! tests run in parallel without seeing each other's rows.
use sqlx::Connection;

/// (engine name, database URL) for every engine available to this test run.
pub async fn fresh_databases() -> Vec<(&'static str, String)> {
    let tag = format!("{:x}{:x}", std::process::id(), rand_u64());
    let path = std::env::temp_dir().join(format!("lamtheo-test-{tag}.db"));
    let mut out = vec![("sqlite", format!("sqlite://{}", path.display()))];
    if let Ok(url) = std::env::var("LAMTHEO_TEST_POSTGRES_URL") {
        if !url.trim().is_empty() {
            // Named after the run's database, so that a run cleans up its own and never
            // another's (two runs may share a server).
            let run = url.split('?').next().unwrap_or(&url).rsplit('/').next().unwrap_or("lamtheo");
            out.push(("postgres", fresh_postgres(&url, &format!("{run}_t_{tag}")).await));
        }
    }
    out
}

async fn fresh_postgres(url: &str, name: &str) -> String {
    let mut conn =
        sqlx::PgConnection::connect(url).await.expect("LAMTHEO_TEST_POSTGRES_URL must name a reachable server");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
    // Same server and credentials, the new database.
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    if query.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{query}")
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.finish()
}
