//! Hostile files through the page and the API: the role is checked before a byte of the upload
//! is read, the size limit is enforced while reading, and each file of the corpus
//! (`crates/importer/tests/hostile/`) gets the importer's clear error, never a 500 or a crash.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_importer::{Kind, Limits};
use serde_json::Value;
use tower::ServiceExt;

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../importer/tests/hostile/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

struct Site {
    engine: &'static str,
    app: App,
    router: Router,
}

/// A province with one unit, and an account of each role scoped to it.
async fn sites(limits: Limits) -> Vec<Site> {
    let mut out = vec![];
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap().with_limits(limits);
        let sys = Actor::system();
        let units =
            "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập\nT,Tỉnh ủy,tinh_uy,,01/01/2000\n";
        app.import(&sys, Kind::Units, "u.csv", units.as_bytes(), &|_, _, _| {}).await.unwrap();
        let t = app.unit_by_code(&sys, "T").unwrap().id;
        for role in [Role::Staff, Role::ReadOnly, Role::Inspector] {
            let user = NewUser {
                username: role.as_str().into(),
                password: "mat-khau-123".into(),
                role,
                scope_unit_id: Some(t),
                person_id: None,
            };
            app.add_user(&sys, user).await.unwrap();
        }
        let router = lamtheo_web::router(app.clone(), false);
        out.push(Site { engine, app, router });
    }
    out
}

impl Site {
    async fn actor(&self, role: Role) -> Actor {
        let session = self.app.login(role.as_str(), "mat-khau-123", "test").await.unwrap();
        self.app.session(&session.token).await.unwrap().unwrap().0
    }

    async fn token(&self, role: Role) -> String {
        self.app.create_token(&self.actor(role).await, "test").await.unwrap().1
    }

    /// The session cookie and CSRF token of a logged-in account.
    async fn session(&self, role: Role) -> (String, String) {
        let session = self.app.login(role.as_str(), "mat-khau-123", "test").await.unwrap();
        (format!("lt_session={}", session.token), session.csrf)
    }

    async fn call(&self, req: Request<Body>) -> (StatusCode, String, Option<String>) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let location = res.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned(), location)
    }

    async fn api_import(&self, token: &str, file: &str, body: Body) -> (StatusCode, Value) {
        let req = Request::post(format!("/api/v1/imports/tasks?file={file}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(body)
            .unwrap();
        let (status, body, _) = self.call(req).await;
        (status, serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}")))
    }

    /// Uploads through the import page; returns the answer and, for a started job, its page
    /// once finished.
    async fn page_import(&self, role: Role, file: &str, bytes: Body) -> (StatusCode, String) {
        let (cookie, csrf) = self.session(role).await;
        let boundary = "XyZzY";
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ntasks\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        );
        let tail = format!("\r\n--{boundary}--\r\n");
        let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from(head))])
            .chain(bytes.into_data_stream().map(|c| c.map_err(std::io::Error::other)))
            .chain(futures_util::stream::iter([Ok(axum::body::Bytes::from(tail))]));
        let req = Request::post("/imports")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from_stream(stream))
            .unwrap();
        let (status, body, location) = self.call(req).await;
        let Some(job) = location.filter(|_| status == StatusCode::SEE_OTHER) else {
            return (status, body);
        };
        for _ in 0..600 {
            let req = Request::get(&job).header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
            let (status, body, _) = self.call(req).await;
            if !body.contains("http-equiv=\"refresh\"") {
                return (status, body);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{}: the import job of {file} did not finish", self.engine);
    }
}

use futures_util::StreamExt;

/// A body that records whether anybody read it.
fn watched(bytes: Vec<u8>) -> (Body, Arc<AtomicBool>) {
    let read = Arc::new(AtomicBool::new(false));
    let flag = read.clone();
    let stream = futures_util::stream::once(async move {
        flag.store(true, Ordering::SeqCst);
        Ok::<_, std::io::Error>(axum::body::Bytes::from(bytes))
    });
    (Body::from_stream(stream), read)
}

#[tokio::test]
async fn accounts_that_may_not_import_are_refused_before_the_file_is_read() {
    for s in sites(Limits::default()).await {
        for role in [Role::ReadOnly, Role::Inspector] {
            let (body, read) = watched(corpus("sparse.xlsx"));
            let (status, json) = s.api_import(&s.token(role).await, "sparse.xlsx", body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{}: {role:?}: {json}", s.engine);
            assert!(!read.load(Ordering::SeqCst), "{}: {role:?}: the API read the upload", s.engine);

            let (body, read) = watched(corpus("sparse.xlsx"));
            let (status, page) = s.page_import(role, "sparse.xlsx", body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{}: {role:?}: {page}", s.engine);
            assert!(!read.load(Ordering::SeqCst), "{}: {role:?}: the page read the upload", s.engine);
        }
    }
}

#[tokio::test]
async fn an_upload_past_the_size_limit_is_refused_naming_the_limit() {
    let limits = Limits { file_bytes: 1000, ..Limits::default() };
    for s in sites(limits).await {
        let big = corpus("long-cell.csv");
        let (status, json) = s.api_import(&s.token(Role::Staff).await, "long-cell.csv", Body::from(big.clone())).await;
        assert_eq!(
            (status, json["error"]["code"].as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")),
            "{}",
            s.engine
        );
        assert!(json["error"]["details"][0].as_str().unwrap().contains("giới hạn 1.000"), "{}: {json}", s.engine);

        let (status, page) = s.page_import(Role::Staff, "long-cell.csv", Body::from(big)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{}: {page}", s.engine);
        assert!(page.contains("giới hạn 1.000"), "{}: {page}", s.engine);
    }
}

#[tokio::test]
async fn every_hostile_file_gets_a_clear_error_through_the_api_and_the_page() {
    let cases = [
        ("sparse.xlsx", "Số cột vượt quá giới hạn 200"),
        ("far-row.xlsx", "Số dòng vượt quá giới hạn 2.000.000"),
        ("bomb-cell.xlsx", "đoạn văn bản dài bất thường"),
        ("bomb-whitespace.xlsx", "đoạn văn bản dài bất thường"),
        ("bomb-strings.xlsx", "khi giải nén lớn hơn giới hạn 512 MB"),
        ("truncated.xlsx", "tệp bị hỏng hoặc không phải bảng tính"),
        ("utf16.csv", "UTF-16"),
        ("long-cell.xlsx", "Ô dài hơn giới hạn 32.767 ký tự"),
        ("formulas.xlsx", "lỗi công thức «#DIV/0!»"),
    ];
    for s in sites(Limits::default()).await {
        let token = s.token(Role::Staff).await;
        for (file, expected) in cases {
            let (status, json) = s.api_import(&token, file, Body::from(corpus(file))).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {file}: {json}", s.engine);
            let details = json["error"]["details"].to_string();
            assert!(details.contains(expected), "{}: {file}: {json}", s.engine);
        }
        // The page runs the import as a job; its page shows the same error.
        for (file, expected) in [cases[0], cases[2], cases[7]] {
            let (status, page) = s.page_import(Role::Staff, file, Body::from(corpus(file))).await;
            assert_eq!(status, StatusCode::OK, "{}: {file}", s.engine);
            assert!(page.contains(expected), "{}: {file}: {page}", s.engine);
        }
    }
}

#[tokio::test]
async fn uploads_held_at_once_are_bounded() {
    for s in sites(Limits::default()).await {
        let token = s.token(Role::Staff).await;
        let mut held = vec![];
        while let Ok(turn) = s.app.import_turn() {
            held.push(turn);
        }
        assert_eq!(held.len(), 8, "{}", s.engine);
        let (status, json) = s.api_import(&token, "sparse.xlsx", Body::from(corpus("sparse.xlsx"))).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{}: {json}", s.engine);
        assert_eq!(json["error"]["code"], "rate_limited", "{}", s.engine);
        held.pop();
        let (status, _) = s.api_import(&token, "sparse.xlsx", Body::from(corpus("sparse.xlsx"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}: a turn freed is a turn to take", s.engine);
    }
}
