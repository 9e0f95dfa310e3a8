//! Running the real `lamtheo` binary in process-level tests: the command line, a server on a
//! free port, and plain HTTP requests to it.
#![allow(dead_code)]
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_importer::Kind;

pub const BIN: &str = env!("CARGO_BIN_EXE_lamtheo");

pub fn lamtheo(url: &str, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--database-url").arg(url).args(args).env("RUST_LOG", "error");
    c
}

/// Starts the server on a free port; returns it and its address once it answers.
pub fn serve(url: &str) -> (Child, String) {
    let mut child = lamtheo(url, &["serve", "--listen", "127.0.0.1:0", "--request-timeout", "600"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server ended before serving").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    // Keep reading its output so that it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let (status, _) = http(&addr, "GET", "/login", "", b"");
    assert_eq!(status, 200, "the server answers");
    (child, addr)
}

/// Sends a request; answers its status and body.
pub fn http(addr: &str, method: &str, path: &str, token: &str, body: &[u8]) -> (u16, String) {
    let mut s = send(addr, method, path, token, body);
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

/// Sends a request (a body that starts with `{` as JSON) without reading the answer.
pub fn send(addr: &str, method: &str, path: &str, token: &str, body: &[u8]) -> TcpStream {
    let mut s = TcpStream::connect(addr).unwrap();
    let json = if body.starts_with(b"{") { "Content-Type: application/json\r\n" } else { "" };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n{json}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    s
}

/// Imports `units` (a units CSV), adds an administrator and makes an API token for them; the
/// database is closed after.
pub async fn prepare(url: &str, units: &str) -> String {
    let app = App::open(url).await.unwrap();
    let sys = Actor::system();
    app.import(&sys, Kind::Units, "u.csv", units.as_bytes(), &|_, _, _| {}).await.unwrap();
    let admin = NewUser {
        username: "admin".into(),
        password: "quan-tri-123".into(),
        role: Role::Admin,
        scope_unit_id: None,
        person_id: None,
    };
    app.add_user(&sys, admin).await.unwrap();
    let actor = app.session(&app.login("admin", "quan-tri-123", "t").await.unwrap().token).await.unwrap().unwrap().0;
    let (_, token) = app.create_token(&actor, "test").await.unwrap();
    app.store.close().await;
    token
}
