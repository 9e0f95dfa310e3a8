//! The imports page on both engines: the history of past imports (whose, paged), a job's
//! errors listed a hundred at a time with the whole list as a .csv for its owner only, and
//! progress through every stage of an import, the write included.
use std::sync::Mutex;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_importer::Kind;
use lamtheo_store::import_history::Outcome;
use tower::ServiceExt;

const UNITS: &str = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập
T,Tỉnh ủy Long An,tinh_uy,,01/01/2000
H1,Huyện ủy Bến Lức,huyen_uy,T,01/01/2000
CB1,Chi bộ ấp 1,chi_bo,H1,01/01/2000
";
const PEOPLE_HEADER: &str = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Ngày bắt đầu sinh hoạt\n";
const PASSWORD: &str = "mat-khau-123";

struct Site {
    engine: &'static str,
    router: Router,
    app: App,
}

/// A province with a district and a cell; `staff1` and `staff2` both work in the district.
async fn sites() -> Vec<Site> {
    let mut out = vec![];
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let sys = Actor::system();
        app.import(&sys, Kind::Units, "u.csv", UNITS.as_bytes(), &|_, _, _| {}).await.unwrap();
        let h1 = app.unit_by_code(&sys, "H1").unwrap().id;
        for (username, role, scope) in
            [("admin", Role::Admin, None), ("staff1", Role::Staff, Some(h1)), ("staff2", Role::Staff, Some(h1))]
        {
            let user = NewUser {
                username: username.into(),
                password: PASSWORD.into(),
                role,
                scope_unit_id: scope,
                person_id: None,
            };
            app.add_user(&sys, user).await.unwrap();
        }
        out.push(Site { engine, router: lamtheo_web::router(app.clone(), false), app });
    }
    out
}

/// A people file: `good` rows in the cell, then `bad` rows naming a unit that does not exist.
fn people(good: usize, bad: usize) -> String {
    let mut csv = PEOPLE_HEADER.to_string();
    for i in 0..good {
        csv += &format!("OK{i},Người thứ {i},CB1,01/01/2015\n");
    }
    for i in 0..bad {
        csv += &format!("BAD{i},Người lỗi {i},KHONGCO,01/01/2015\n");
    }
    csv
}

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Site {
    /// The session cookie and CSRF token of an account.
    async fn session(&self, user: &str) -> (String, String) {
        let session = self.app.login(user, PASSWORD, "test").await.unwrap();
        (format!("lt_session={}", session.token), session.csrf)
    }

    async fn actor(&self, user: &str) -> Actor {
        let session = self.app.login(user, PASSWORD, "test").await.unwrap();
        self.app.session(&session.token).await.unwrap().unwrap().0
    }

    async fn call(&self, req: Request<Body>) -> Res {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
        Res { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, path: &str, cookie: &str) -> Res {
        self.call(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
    }

    /// Uploads a people file through the page; returns the job's address and its page once
    /// the job has finished.
    async fn upload(&self, (cookie, csrf): &(String, String), file: &str, csv: &str) -> (String, String) {
        let boundary = "XyZzY";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npeople\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\n\
             Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
        );
        let req = Request::post("/imports")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        let res = self.call(req).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", self.engine, res.body);
        let job = res.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
        for _ in 0..600 {
            let res = self.get(&job, cookie).await;
            assert_eq!(res.status, StatusCode::OK, "{}: {}", self.engine, res.body);
            if !res.body.contains("http-equiv=\"refresh\"") {
                return (job, res.body);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{}: the import job of {file} did not finish", self.engine);
    }
}

/// The rows of the history table, as (outcome, row's text).
fn history(page: &str) -> Vec<(String, String)> {
    let Some(table) = page.split("id=\"import-history\"").nth(1) else { return vec![] };
    let table = table.split("</table>").next().unwrap();
    table
        .split("<tr data-outcome=\"")
        .skip(1)
        .map(|row| {
            let (outcome, rest) = row.split_once('"').unwrap();
            (outcome.to_string(), rest.split("</tr>").next().unwrap().to_string())
        })
        .collect()
}

#[tokio::test]
async fn a_long_error_list_shows_its_first_hundred_and_downloads_whole_for_its_owner_only() {
    for s in sites().await {
        let staff1 = s.session("staff1").await;
        let (job, page) = s.upload(&staff1, "dang-vien.csv", &people(3, 250)).await;
        let errors = page.split("id=\"import-errors\"").nth(1).unwrap();
        assert_eq!(errors.matches("<li>").count(), 100, "{}", s.engine);
        assert!(errors.contains("Tệp có 250 lỗi; chưa nhập dòng nào"), "{}: {errors}", s.engine);
        assert!(errors.contains("và 150 lỗi khác"), "{}: {errors}", s.engine);
        let link = format!("{job}/errors.csv");
        assert!(errors.contains(&format!("href=\"{link}\"")), "{}: {errors}", s.engine);

        let csv = s.get(&link, &staff1.0).await;
        assert_eq!(csv.status, StatusCode::OK, "{}: {}", s.engine, csv.body);
        assert!(csv.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"), "{}", s.engine);
        assert!(csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains(".csv"), "{}", s.engine);
        // A byte-order mark, so that Excel reads the file as UTF-8.
        let body = csv.body.strip_prefix('\u{feff}').unwrap_or_else(|| panic!("{}: no BOM", s.engine));
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(lines.len(), 251, "{}: a header and every error", s.engine);
        assert_eq!(lines[0], "\"Dòng\",\"Cột\",\"Lỗi\"", "{}", s.engine);
        // The bad rows follow the three good ones and the header: rows 5 to 254.
        assert!(
            lines[1].starts_with("\"5\",\"Mã đơn vị\",\"Không có đơn vị mã «KHONGCO»"),
            "{}: {}",
            s.engine,
            lines[1]
        );
        assert!(lines[250].starts_with("\"254\",\"Mã đơn vị\","), "{}: {}", s.engine, lines[250]);

        // Another account, even an administrator, does not know the job at all.
        for other in ["staff2", "admin"] {
            let session = s.session(other).await;
            assert_eq!(s.get(&link, &session.0).await.status, StatusCode::NOT_FOUND, "{}: {other}", s.engine);
            assert_eq!(s.get(&job, &session.0).await.status, StatusCode::NOT_FOUND, "{}: {other}", s.engine);
        }
        // A job that imported has no error list.
        let (job, page) = s.upload(&staff1, "ok.csv", &people(2, 0)).await;
        assert!(page.contains("id=\"import-ok\"") && !page.contains("errors.csv"), "{}: {page}", s.engine);
        assert_eq!(s.get(&format!("{job}/errors.csv"), &staff1.0).await.status, StatusCode::NOT_FOUND, "{}", s.engine);
    }
}

#[tokio::test]
async fn the_history_keeps_imported_and_rejected_files_for_whoever_may_see_them() {
    for s in sites().await {
        let staff1 = s.session("staff1").await;
        s.upload(&staff1, "dung.csv", &people(2, 0)).await;
        s.upload(&staff1, "sai.csv", &people(1, 4)).await;

        let page = s.get("/imports", &staff1.0).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.engine);
        let rows = history(&page.body);
        // Newest first, and only the account's own (not the system's import of the units).
        assert_eq!(rows.len(), 2, "{}: {rows:?}", s.engine);
        let (outcome, row) = &rows[0];
        assert_eq!(outcome, "rejected", "{}", s.engine);
        assert!(row.contains("sai.csv") && row.contains("staff1"), "{}: {row}", s.engine);
        assert!(row.contains("Danh sách cán bộ, đảng viên"), "{}: {row}", s.engine);
        assert!(row.contains("Bị từ chối, không ghi gì: 4 lỗi"), "{}: {row}", s.engine);
        assert!(row.contains("dòng 3, cột «Mã đơn vị»"), "{}: the first error: {row}", s.engine);
        let (outcome, row) = &rows[1];
        assert_eq!(outcome, "imported", "{}", s.engine);
        assert!(row.contains("Đã nhập: 2 dòng — 2 mới, 0 cập nhật, 0 không đổi"), "{}: {row}", s.engine);
        // "14:05:12 ngày 16/5/2024": the moment, as the audit log shows one.
        assert!(row.contains(" ngày "), "{}: {row}", s.engine);

        // The same through the service, with its counts.
        let (records, more) = s.app.import_history(&s.actor("staff1").await, 1).await.unwrap();
        assert!(!more, "{}", s.engine);
        let counts: Vec<_> = records.iter().map(|r| (r.outcome, r.rows, r.created, r.error_count)).collect();
        assert_eq!(counts, vec![(Outcome::Rejected, 0, 0, 4), (Outcome::Imported, 2, 2, 0)], "{}", s.engine);
        assert!(records.iter().all(|r| r.kind == "people" && r.finished_at >= r.started_at), "{}", s.engine);

        // Another account sees none of it; the administrator sees everyone's, the system's too.
        let staff2 = s.session("staff2").await;
        let page = s.get("/imports", &staff2.0).await;
        assert!(history(&page.body).is_empty() && page.body.contains("Chưa có lần nhập nào"), "{}", s.engine);
        let admin = s.session("admin").await;
        let rows = history(&s.get("/imports", &admin.0).await.body);
        assert_eq!(rows.len(), 3, "{}: {rows:?}", s.engine);
        assert!(rows[2].1.contains("system") && rows[2].1.contains("u.csv"), "{}: {rows:?}", s.engine);

        // In English.
        let res = s.get("/imports", &format!("{}; lang=en", staff1.0)).await;
        assert!(res.body.contains("Past imports"), "{}", s.engine);
        assert!(res.body.contains("Rejected, nothing written: 4 errors"), "{}", s.engine);
        assert!(res.body.contains("Imported: 2 rows — 2 new, 0 updated, 0 unchanged"), "{}", s.engine);
    }
}

#[tokio::test]
async fn the_history_is_paged_by_fifty() {
    for s in sites().await {
        let staff2 = s.actor("staff2").await;
        let bad = people(0, 1);
        for i in 0..51 {
            let file = format!("tep-{i}.csv");
            let e = s.app.import(&staff2, Kind::People, &file, bad.as_bytes(), &|_, _, _| {}).await.unwrap_err();
            assert_eq!(e.details.len(), 1, "{}", s.engine);
        }
        let cookie = s.session("staff2").await.0;
        let first = s.get("/imports", &cookie).await.body;
        let rows = history(&first);
        assert_eq!(rows.len(), 50, "{}", s.engine);
        assert!(rows[0].1.contains("tep-50.csv") && rows[49].1.contains("tep-1.csv"), "{}", s.engine);
        assert!(first.contains("href=\"/imports?page=2#history\""), "{}: no next page", s.engine);
        assert!(first.contains("Trang sau") && !first.contains("Trang trước"), "{}", s.engine);

        let second = s.get("/imports?page=2", &cookie).await.body;
        let rows = history(&second);
        assert_eq!(rows.len(), 1, "{}", s.engine);
        assert!(rows[0].1.contains("tep-0.csv"), "{}", s.engine);
        assert!(second.contains("href=\"/imports?page=1#history\"") && second.contains("Trang trước"), "{}", s.engine);
        assert!(!second.contains("Trang sau"), "{}", s.engine);

        // Past the end: an empty page that leads back; nonsense reads as the first page.
        assert!(history(&s.get("/imports?page=9", &cookie).await.body).is_empty(), "{}", s.engine);
        assert_eq!(history(&s.get("/imports?page=abc", &cookie).await.body).len(), 50, "{}", s.engine);
    }
}

/// Every stage reports done/total, in order, and the write moves from its first row to its last.
#[tokio::test]
async fn progress_goes_through_reading_checking_and_writing() {
    for s in sites().await {
        let staff1 = s.actor("staff1").await;
        let tasks = "Mã đơn vị,Từ năm,Tên nhiệm vụ\nCB1,2025,Nông thôn mới\nCB1,2025,Chuyển đổi số\nH1,2024,Sạch bản\n";
        for (kind, file) in [(Kind::People, people(3, 0)), (Kind::Tasks, tasks.to_string())] {
            let seen: Mutex<Vec<(String, u64, u64)>> = Mutex::default();
            let progress = |stage: &str, done: u64, total: u64| seen.lock().unwrap().push((stage.into(), done, total));
            let summary = s.app.import(&staff1, kind, "f.csv", file.as_bytes(), &progress).await.unwrap();
            assert_eq!(summary.created, 3, "{}", s.engine);
            let seen = seen.into_inner().unwrap();
            let first = |stage: &str| seen.iter().position(|(s, ..)| s == stage);
            let (parse, check, write) = (first("parse"), first("check"), first("write"));
            assert!(parse.is_some() && check.is_some() && write.is_some(), "{}: {kind:?}: {seen:?}", s.engine);
            assert!(parse < check && check < write, "{}: {kind:?}: {seen:?}", s.engine);
            assert_eq!(seen.iter().find(|(s, ..)| s == "check"), Some(&("check".into(), 0, 3)), "{}", s.engine);
            let writes: Vec<_> = seen.iter().filter(|(s, ..)| s == "write").map(|(_, d, t)| (*d, *t)).collect();
            assert_eq!(writes.first(), Some(&(0, 3)), "{}: {kind:?}: the write starts at its first row", s.engine);
            assert_eq!(writes.last(), Some(&(3, 3)), "{}: {kind:?}: and ends at its last", s.engine);
            // Once a stage is over, no earlier one comes back.
            let order = |st: &str| ["parse", "check", "write"].iter().position(|x| *x == st).unwrap();
            assert!(seen.windows(2).all(|w| order(&w[0].0) <= order(&w[1].0)), "{}: {seen:?}", s.engine);
        }
    }
}
