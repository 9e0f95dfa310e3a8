//! Crash safety, at the process level: `kill -9` the real `lamtheo` binary while it writes a
//! large import, from the command line and through the server. Afterwards the database is
//! sound (SQLite's integrity check), holds nothing of that import, the server starts, and the
//! same import then succeeds. SQLite always; PostgreSQL too when LAMTHEO_TEST_POSTGRES_URL is set.
//! Linux only: whether SQLite is writing is read from /proc/locks.
#![cfg(target_os = "linux")]
mod common;

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{http, lamtheo, send, serve};
use sqlx::Connection;

/// Enough people that writing them takes a while in a debug build, so that the kill lands
/// in the middle of it: a few seconds on SQLite; PostgreSQL, a round trip per statement,
/// needs fewer.
fn people(engine: &str) -> usize {
    if engine == "sqlite" {
        30_000
    } else {
        5_000
    }
}
const CELLS: usize = 20;

fn units_csv() -> String {
    let mut s = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập\nT,Tỉnh ủy,tinh_uy,,01/01/2000\n"
        .to_string();
    for c in 0..CELLS {
        s += &format!("CB{c},Chi bộ {c},chi_bo,T,01/01/2000\n");
    }
    s
}

fn people_csv(n: usize) -> String {
    let mut s = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Ngày bắt đầu sinh hoạt\n".to_string();
    for i in 0..n {
        s += &format!("TH{i:07},Người thứ {i},CB{},01/01/2015\n", i % CELLS);
    }
    s
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    url.strip_prefix("sqlite://").map(PathBuf::from)
}

/// Whether `pid` is in the middle of a write transaction: for SQLite, it holds the WAL write
/// lock (byte 120 of the -shm file, a POSIX lock listed in /proc/locks); for PostgreSQL, a
/// session of the database has a transaction id (it has written something uncommitted).
/// Neither look takes a lock, so the writer is not disturbed.
async fn writing(url: &str, pid: u32) -> bool {
    match sqlite_path(url) {
        Some(path) => {
            use std::os::unix::fs::MetadataExt;
            let Ok(meta) = std::fs::metadata(format!("{}-shm", path.display())) else { return false };
            let inode = format!(":{} ", meta.ino());
            let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
            locks.lines().any(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 120 120"
                f.len() >= 8
                    && f[1] == "POSIX"
                    && f[4] == pid.to_string()
                    && format!("{} ", f[5]).ends_with(&inode)
                    && f[6] == "120"
            })
        }
        None => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
            )
            .fetch_one(&mut conn)
            .await
            .unwrap();
            n > 0
        }
    }
}

/// Waits until `child` is writing (seen twice, 100 ms apart, so it is the import's long
/// transaction and not a start-up write), then kills it with SIGKILL.
async fn kill_while_writing(url: &str, child: &mut Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = 0;
    while seen < 2 {
        assert!(Instant::now() < deadline, "{what}: never saw it writing");
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{what}: ended ({status}) before it could be killed while writing; make the file larger");
        }
        seen = if writing(url, child.id()).await { seen + 1 } else { 0 };
        tokio::time::sleep(Duration::from_millis(if seen > 0 { 100 } else { 10 })).await;
    }
    assert!(child.try_wait().unwrap().is_none(), "{what}: finished before the kill");
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
}

/// The database is sound and holds `people` people.
async fn check(url: &str, people: i64, what: &str) {
    if let Some(path) = sqlite_path(url) {
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display())).await.unwrap();
        let ok: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut conn).await.unwrap();
        assert_eq!(ok, "ok", "{what}: integrity check");
        conn.close().await.unwrap();
    } else {
        // The killed client's transaction is rolled back once the server notices it is gone.
        let deadline = Instant::now() + Duration::from_secs(30);
        while writing(url, 0).await {
            assert!(Instant::now() < deadline, "{what}: the killed session's transaction lingers");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let store = lamtheo_store::Store::open(url).await.unwrap();
    let n = lamtheo_store::bulk::count(&store, "people").await.unwrap();
    store.close().await;
    assert_eq!(n, people, "{what}: people in the database");
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_a_large_import_leaves_a_sound_database_without_any_of_it() {
    let dir = std::env::temp_dir().join(format!("lamtheo-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let import = "/api/v1/imports/people?file=dang-vien.csv";

    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let token = common::prepare(&url, &units_csv()).await;
        let n = people(engine);
        let file = dir.join(format!("dang-vien-{engine}.csv"));
        std::fs::write(&file, people_csv(n)).unwrap();
        let file = file.to_str().unwrap();
        let upload = std::fs::read(file).unwrap();

        // From the command line.
        let mut cli =
            lamtheo(&url, &["import", "people", file]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        kill_while_writing(&url, &mut cli, &format!("{engine}: lamtheo import")).await;
        check(&url, 0, &format!("{engine}: after killing lamtheo import")).await;

        // Through the server: the upload is sent, the server killed while it writes.
        let (mut server, addr) = serve(&url);
        let _upload = send(&addr, "POST", import, &token, &upload);
        kill_while_writing(&url, &mut server, &format!("{engine}: lamtheo serve")).await;
        check(&url, 0, &format!("{engine}: after killing lamtheo serve")).await;

        // The server starts again and the same import succeeds, through it and from the command line.
        let (mut server, addr) = serve(&url);
        let (status, body) = http(&addr, "POST", import, &token, &upload);
        assert_eq!(status, 200, "{engine}: {body}");
        assert!(body.contains(&format!("\"created\":{n}")), "{engine}: {body}");
        server.kill().unwrap();
        server.wait().unwrap();
        check(&url, n as i64, &format!("{engine}: after the import through the server")).await;
        let out = lamtheo(&url, &["import", "people", file]).output().unwrap();
        assert!(out.status.success(), "{engine}: {}", String::from_utf8_lossy(&out.stderr));
        check(&url, n as i64, &format!("{engine}: after the import from the command line")).await;
        if let Some(path) = sqlite_path(&url) {
            for ext in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
