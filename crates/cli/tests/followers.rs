//! The same figures on every server, at once: two `lamtheo serve` processes on one database,
//! and the command line writing beside them. A write through one server is in the other's
//! figures within a second, and so is an import run from the command line while both serve.
//! SQLite (two processes on one file) always; PostgreSQL too when LAMTHEO_TEST_POSTGRES_URL is
//! set.
mod common;

use std::time::{Duration, Instant};

use common::{http, lamtheo, serve};
use lamtheo_domain::Id;
use lamtheo_store::{on_pool, Store};

/// The longest a change may take to reach another server's figures (issue 8: "within 1 s").
const WITHIN: Duration = Duration::from_secs(1);

const UNITS: &str = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập
T,Tỉnh ủy,tinh_uy,,01/01/2000
CB0,Chi bộ 0,chi_bo,T,01/01/2000
CB1,Chi bộ 1,chi_bo,T,01/01/2000
";

async fn unit_id(url: &str, code: &str) -> Id {
    let store = Store::open(url).await.unwrap();
    let id = on_pool!(store.read(), p => sqlx::query_scalar("SELECT id FROM units WHERE code = $1").bind(code).fetch_one(p).await.unwrap());
    store.close().await;
    id
}

/// The study conferences of 2024 in the province's figures, as a server answers them.
fn conferences(addr: &str, token: &str, unit: Id) -> u64 {
    let (status, body) =
        http(addr, "GET", &format!("/api/v1/units/{unit}/figures?from=2024-01&to=2024-12"), token, b"");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["figures"]["conferences"].as_u64().unwrap()
}

/// Waits until `addr` shows `expected` conferences; answers how long that took.
fn until_shown(addr: &str, token: &str, unit: Id, expected: u64, what: &str) -> Duration {
    let start = Instant::now();
    loop {
        let seen = conferences(addr, token, unit);
        if seen == expected {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < WITHIN,
            "{what}: {seen} conferences after {:?}, expected {expected}",
            start.elapsed()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_on_one_server_or_the_command_line_reaches_every_server_within_a_second() {
    let dir = std::env::temp_dir().join(format!("lamtheo-followers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let token = common::prepare(&url, UNITS).await;
        let (root, cell) = (unit_id(&url, "T").await, unit_id(&url, "CB0").await);
        let (mut a, addr_a) = serve(&url);
        let (mut b, addr_b) = serve(&url);
        assert_eq!(conferences(&addr_b, &token, root), 0, "{engine}");

        // A conference recorded through server A.
        let body =
            format!(r#"{{"unit_id": {cell}, "held_on": "16/5/2024", "title": "Hội nghị học tập chuyên đề năm 2024"}}"#);
        let (status, answer) = http(&addr_a, "POST", "/api/v1/conferences", &token, body.as_bytes());
        assert!(status == 200 || status == 201, "{engine}: {status} {answer}");
        assert_eq!(conferences(&addr_a, &token, root), 1, "{engine}: the writing server shows its write at once");
        let took = until_shown(&addr_b, &token, root, 1, &format!("{engine}: server B after a write on A"));
        println!("{engine}: a write on server A reached server B in {took:?}");

        // Two conferences imported from the command line while both servers run.
        let file = dir.join(format!("hoi-nghi-{engine}.csv"));
        std::fs::write(
            &file,
            "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị\nHN-1,CB0,20/6/2024,Hội nghị quán triệt\nHN-2,CB1,21/6/2024,Hội nghị quán triệt\n",
        )
        .unwrap();
        let out = lamtheo(&url, &["import", "conferences", file.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{engine}: {}", String::from_utf8_lossy(&out.stderr));
        for (addr, name) in [(&addr_a, "A"), (&addr_b, "B")] {
            let took =
                until_shown(addr, &token, root, 3, &format!("{engine}: server {name} after a command-line import"));
            println!("{engine}: a command-line import reached server {name} in {took:?}");
        }

        // Each page says what its figures are current to.
        let (_, figures) = http(&addr_b, "GET", &format!("/api/v1/units/{root}/figures"), &token, b"");
        assert!(figures.contains("\"current_to\":\""), "{engine}: {figures}");
        for server in [&mut a, &mut b] {
            server.kill().unwrap();
            server.wait().unwrap();
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
