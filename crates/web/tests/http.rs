//! HTTP tests through the real router: login, sessions, CSRF, the scope check through pages
//! and the API (including guessed ids), error bodies and security headers.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_importer::Kind;
use serde_json::Value;
use tower::ServiceExt;

const UNITS: &str = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập
T,Tỉnh ủy Long An,tinh_uy,,01/01/2000
H1,Huyện ủy Bến Lức,huyen_uy,T,01/01/2000
H2,Huyện ủy Cần Giuộc,huyen_uy,T,01/01/2000
CB1,Chi bộ ấp 1,chi_bo,H1,01/01/2000
CB2,Chi bộ ấp 2,chi_bo,H2,01/01/2000
";
const PEOPLE: &str = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Ngày bắt đầu sinh hoạt
A1,Đặng Thị Hoa,CB1,01/01/2015
B1,Trần Văn Bình,CB2,01/01/2015
";
const CONFS: &str = "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị
HN-A,CB1,05/03/2024,Sinh hoạt chi bộ ấp 1
HN-B,CB2,05/03/2024,Sinh hoạt chi bộ ấp 2
";

struct Site {
    engine: &'static str,
    router: Router,
    app: App,
}

async fn sites() -> Vec<Site> {
    let mut out = vec![];
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let sys = Actor::system();
        let quiet = |_: &str, _: u64, _: u64| {};
        app.import(&sys, Kind::Units, "u.csv", UNITS.as_bytes(), &quiet).await.unwrap();
        app.import(&sys, Kind::People, "p.csv", PEOPLE.as_bytes(), &quiet).await.unwrap();
        app.import(&sys, Kind::Conferences, "c.csv", CONFS.as_bytes(), &quiet).await.unwrap();
        let h1 = app.unit_by_code(&sys, "H1").unwrap().id;
        app.add_user(
            &sys,
            NewUser {
                username: "admin".into(),
                password: "quan-tri-123".into(),
                role: Role::Admin,
                scope_unit_id: None,
                person_id: None,
            },
        )
        .await
        .unwrap();
        app.add_user(
            &sys,
            NewUser {
                username: "bithu1".into(),
                password: "bi-thu-123".into(),
                role: Role::Secretary,
                scope_unit_id: Some(h1),
                person_id: None,
            },
        )
        .await
        .unwrap();
        let hoa = app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        let cb1 = app.unit_by_code(&sys, "CB1").unwrap().id;
        let member = NewUser {
            username: "hoa".into(),
            password: "dang-vien-123".into(),
            role: Role::Member,
            scope_unit_id: Some(cb1),
            person_id: Some(hoa),
        };
        app.add_user(&sys, member).await.unwrap();
        out.push(Site { engine, router: lamtheo_web::router(app.clone(), false), app });
    }
    out
}

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Res {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

async fn call(router: &Router, req: Request<Body>) -> Res {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
    Res { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
}

fn form(path: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Posts the login form as a browser does: the page first, for its CSRF cookie and field; the
/// request comes from `peer` (none: as through `oneshot`) with an `X-Forwarded-For`.
async fn post_login(router: &Router, body: &str, peer: Option<&str>, forwarded: Option<&str>) -> Res {
    let page = call(router, get("/login", "")).await;
    let set = page.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    let cookie = set.split(';').next().unwrap().to_string();
    let csrf = page.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    let mut req = form("/login", &cookie, &format!("{body}&csrf={csrf}"));
    if let Some(p) = peer {
        req.extensions_mut().insert(axum::extract::ConnectInfo(p.parse::<std::net::SocketAddr>().unwrap()));
    }
    if let Some(f) = forwarded {
        req.headers_mut().insert("x-forwarded-for", f.parse().unwrap());
    }
    call(router, req).await
}

/// Logs in and returns (cookie header, csrf token).
async fn login(router: &Router, user: &str, password: &str) -> (String, String) {
    let res = post_login(router, &format!("username={user}&password={password}"), None, None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "login {user}: {}", res.body);
    let set = res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();
    let page = call(router, get("/account", &cookie)).await;
    let csrf = page.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (cookie, csrf)
}

#[tokio::test]
async fn pages_need_a_session_and_login_is_rate_limited() {
    for s in sites().await {
        let res = call(&s.router, get("/", "")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", s.engine);
        assert_eq!(res.headers.get(header::LOCATION).unwrap(), "/login");
        assert!(res
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'"));
        assert_eq!(res.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
        for _ in 0..5 {
            let res = post_login(&s.router, "username=bithu1&password=sai-mat-khau", None, None).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", s.engine);
            assert!(res.body.contains("Sai tên đăng nhập hoặc mật khẩu"), "{}", s.engine);
        }
        let res = post_login(&s.router, "username=bithu1&password=bi-thu-123", None, None).await;
        assert_eq!(
            res.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}: the right password is refused while blocked",
            s.engine
        );
        // The API without credentials: a JSON error with a stable code.
        let res = call(&s.router, get("/api/v1/me", "")).await;
        assert_eq!(
            (res.status, res.json()["error"]["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthenticated")),
            "{}",
            s.engine
        );
    }
}

#[tokio::test]
async fn the_login_limiter_believes_forwarded_addresses_only_from_trusted_proxies() {
    for s in sites().await {
        // Without trusted proxies, X-Forwarded-For is ignored: a spray of usernames with fresh
        // fake addresses all counts against the one real peer.
        let codes: Vec<StatusCode> = spray(&s.router, None).await;
        assert!(codes.iter().take(20).all(|c| *c == StatusCode::UNAUTHORIZED), "{}: {codes:?}", s.engine);
        assert!(codes.iter().skip(20).all(|c| *c == StatusCode::TOO_MANY_REQUESTS), "{}: {codes:?}", s.engine);
        let codes = spray(&s.router, Some("203.0.113.9:4000")).await;
        assert_eq!(
            codes.last(),
            Some(&StatusCode::TOO_MANY_REQUESTS),
            "{}: a peer's own XFF is not believed",
            s.engine
        );

        // Behind a trusted proxy the client is the right-most address it did not write itself.
        let proxied = lamtheo_web::router_with(
            s.app.clone(),
            lamtheo_web::Options { trusted_proxies: vec!["10.0.0.1".parse().unwrap()], ..Default::default() },
        );
        let proxy = Some("10.0.0.1:5000");
        for _ in 0..5 {
            let res = post_login(&proxied, "username=bithu1&password=sai", proxy, Some("198.51.100.7")).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", s.engine);
        }
        let res = post_login(&proxied, "username=bithu1&password=bi-thu-123", proxy, Some("198.51.100.7")).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}: the guessing address is blocked", s.engine);
        // Prepending another address does not escape: the proxy appended the real one (with
        // or without its port).
        let xff = Some("192.0.2.1, 198.51.100.7:4431");
        let res = post_login(&proxied, "username=bithu1&password=sai", proxy, xff).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", s.engine);
        // The owner, from elsewhere, is not locked out.
        let res = post_login(&proxied, "username=bithu1&password=bi-thu-123", proxy, Some("192.0.2.44")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: the owner logs in", s.engine);
    }
}

/// 30 wrong logins for 30 usernames, each claiming a fresh address in X-Forwarded-For.
async fn spray(router: &Router, peer: Option<&str>) -> Vec<StatusCode> {
    let mut codes = vec![];
    for i in 0..30 {
        let xff = format!("100.64.0.{i}");
        codes.push(post_login(router, &format!("username=nguoi{i}&password=sai"), peer, Some(&xff)).await.status);
    }
    codes
}

#[tokio::test]
async fn the_login_form_needs_its_csrf_token_and_the_language_switch_stays_on_this_site() {
    for s in sites().await {
        // A login posted from elsewhere (no token, or a token without its cookie) is refused.
        let res = call(&s.router, form("/login", "", "username=admin&password=quan-tri-123")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", s.engine);
        assert!(res.headers.get(header::SET_COOKIE).is_none_or(|c| !c.to_str().unwrap().starts_with("lt_session")));
        let res =
            call(&s.router, form("/login", "lt_login=abc", "username=admin&password=quan-tri-123&csrf=abd")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", s.engine);
        for (referer, to) in [
            ("http://localhost//evil.example/phish", "/"),
            ("http://localhost/\\evil.example", "/"),
            ("//evil.example/x", "/"),
            ("https://evil.example", "/"),
            ("http://localhost/units/3?from=1/2024", "/units/3?from=1/2024"),
            ("https://evil.example/people/1", "/people/1"),
        ] {
            let req = Request::get("/lang/en").header(header::REFERER, referer).body(Body::empty()).unwrap();
            let res = call(&s.router, req).await;
            assert_eq!(res.headers.get(header::LOCATION).unwrap(), to, "{referer}");
        }
    }
}

#[tokio::test]
async fn api_tokens_are_listed_and_revoked_and_end_with_the_password_or_the_account() {
    for s in sites().await {
        let (cookie, csrf) = login(&s.router, "bithu1", "bi-thu-123").await;
        let res = call(&s.router, form("/account/tokens", &cookie, &format!("csrf={csrf}&name=%20"))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: an empty name is refused", s.engine);
        let res = call(&s.router, form("/account/tokens", &cookie, &format!("csrf={csrf}&name=bao-cao"))).await;
        let secret = res.body.split("<code id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string();
        let bearer = |secret: &str, req: axum::http::request::Builder| {
            req.header(header::AUTHORIZATION, format!("Bearer {secret}")).body(Body::empty()).unwrap()
        };
        // Listed on the page and through the API; a second one made through the API.
        assert!(call(&s.router, get("/account", &cookie)).await.body.contains("bao-cao"), "{}", s.engine);
        let list = call(&s.router, bearer(&secret, Request::get("/api/v1/tokens"))).await.json();
        let first = list[0]["id"].as_i64().unwrap();
        assert_eq!((list[0]["name"].as_str(), list[0]["revoked_at"].is_null()), (Some("bao-cao"), true));
        let req = Request::post("/api/v1/tokens")
            .header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"name":"may-chu"}"#))
            .unwrap();
        let made = call(&s.router, req).await.json();
        let (second, second_secret) = (made["id"].as_i64().unwrap(), made["token"].as_str().unwrap().to_string());
        // Revoked through the API (another's token is not found), then on the page.
        let admin = s.app.account_actor("admin").await.unwrap();
        let (_, admin_secret) = s.app.create_token(&admin, "quan-tri").await.unwrap();
        let res = call(&s.router, bearer(&admin_secret, Request::delete(format!("/api/v1/tokens/{second}")))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}: another's token", s.engine);
        let res = call(&s.router, bearer(&secret, Request::delete(format!("/api/v1/tokens/{second}")))).await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.engine, res.body);
        let res = call(&s.router, bearer(&second_secret, Request::get("/api/v1/me"))).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", s.engine);
        let res =
            call(&s.router, form(&format!("/account/tokens/{first}/revoke"), &cookie, &format!("csrf={csrf}"))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", s.engine);
        let res = call(&s.router, bearer(&secret, Request::get("/api/v1/me"))).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", s.engine);

        let doc = call(&s.router, get("/api/v1/openapi.json", "")).await.json();
        assert!(doc["paths"]["/tokens/{id}"]["delete"].is_object() && doc["paths"]["/tokens"]["post"].is_object());
        // A password change ends every session and token of the account.
        let (_, token) = s.app.create_token(&s.app.account_actor("bithu1").await.unwrap(), "cu").await.unwrap();
        let body = format!("csrf={csrf}&old_password=bi-thu-123&new_password=bi-thu-456");
        assert_eq!(call(&s.router, form("/account/password", &cookie, &body)).await.status, StatusCode::SEE_OTHER);
        assert_eq!(call(&s.router, bearer(&token, Request::get("/api/v1/me"))).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(call(&s.router, get("/account", &cookie)).await.status, StatusCode::SEE_OTHER);

        // Deactivating ends them too, and reactivating does not bring the tokens back.
        let (cookie, _) = login(&s.router, "bithu1", "bi-thu-456").await;
        let (_, token) = s.app.create_token(&s.app.account_actor("bithu1").await.unwrap(), "moi").await.unwrap();
        assert_eq!(call(&s.router, bearer(&token, Request::get("/api/v1/me"))).await.status, StatusCode::OK);
        let uid = s.app.account_actor("bithu1").await.unwrap().user_id;
        s.app.set_user_active(&admin, uid, false).await.unwrap();
        assert_eq!(call(&s.router, get("/account", &cookie)).await.status, StatusCode::SEE_OTHER);
        s.app.set_user_active(&admin, uid, true).await.unwrap();
        assert_eq!(call(&s.router, bearer(&token, Request::get("/api/v1/me"))).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(call(&s.router, get("/account", &cookie)).await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn the_audit_page_shows_names_filters_and_links_each_record_to_its_history() {
    for s in sites().await {
        let sys = Actor::system();
        let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
        let hoa = s.app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        let page = call(&s.router, get("/audit", &admin)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.engine);
        // Names in place of ids, no raw JSON.
        assert!(page.body.contains("Chi bộ ấp 1") && page.body.contains("Đặng Thị Hoa"), "{}", s.engine);
        assert!(page.body.contains("Nhập từ tệp") && !page.body.contains("{&quot;"), "{}", s.engine);
        assert!(page.body.contains("vai trò: Bí thư"), "{}: roles in the page's language", s.engine);
        let english = call(&s.router, get("/audit", &format!("{admin}; lang=en"))).await;
        assert!(english.body.contains("Imported row") && english.body.contains("full name"), "{}", s.engine);
        // A person's page links to its own history, which holds only that person.
        let person = call(&s.router, get(&format!("/people/{hoa}"), &admin)).await;
        let link = format!("/audit?entity=person&amp;id={hoa}");
        assert!(person.body.contains(&link), "{}", s.engine);
        let history = call(&s.router, get(&format!("/audit?entity=person&id={hoa}"), &admin)).await;
        assert!(history.body.contains("Đặng Thị Hoa") && !history.body.contains("Trần Văn Bình"), "{}", s.engine);
        // The unit filter takes a code and keeps its subtree.
        let h2 = call(&s.router, get("/audit?unit=H2", &admin)).await;
        assert!(h2.body.contains("Trần Văn Bình") && !h2.body.contains("Đặng Thị Hoa"), "{}", s.engine);
        // Bad filters are a clear error naming the field and quoting what was typed.
        for (field, value) in [("id", "abc"), ("from", "31/02/2024"), ("unit", "KHONG")] {
            let res = call(&s.router, get(&format!("/audit?{field}={value}"), &admin)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {field}", s.engine);
            let (named, quoted) = (format!("«{field}»"), format!("«{value}»"));
            assert!(res.body.contains(&named) && res.body.contains(&quoted), "{}: {field}: {}", s.engine, res.body);
        }
        // The API takes the same filters.
        let api = call(&s.router, get(&format!("/api/v1/audit?entity=person&id={hoa}"), &admin)).await.json();
        let entries = api.as_array().unwrap();
        assert!(!entries.is_empty(), "{}", s.engine);
        assert!(entries.iter().all(|e| e["entity"] == "person" && e["entity_id"] == hoa), "{}: {api}", s.engine);
        let res = call(&s.router, get("/api/v1/audit?from=2024-13-01", &admin)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.engine);
        // A secretary has no audit log, and no history links.
        let (secretary, _) = login(&s.router, "bithu1", "bi-thu-123").await;
        let person = call(&s.router, get(&format!("/people/{hoa}"), &secretary)).await;
        assert!(person.status == StatusCode::OK && !person.body.contains("/audit?"), "{}", s.engine);
    }
}

#[tokio::test]
async fn a_district_secretary_sees_only_its_district_through_pages_and_api() {
    for s in sites().await {
        let sys = Actor::system();
        let (cookie, csrf) = login(&s.router, "bithu1", "bi-thu-123").await;
        let mine = ["H1", "CB1"].map(|c| s.app.unit_by_code(&sys, c).unwrap().id);
        let all: Vec<i64> = s.app.find_units(&sys, "", 100).iter().map(|u| u.id).collect();
        // Guess every unit id (and some that do not exist): only the own branch answers.
        for id in all.iter().copied().chain([0, 999, -1]) {
            let page = call(&s.router, get(&format!("/units/{id}"), &cookie)).await;
            let api =
                call(&s.router, get(&format!("/api/v1/units/{id}/figures?from=1/2024&to=12/2024"), &cookie)).await;
            if mine.contains(&id) {
                assert_eq!(page.status, StatusCode::OK, "{}: own unit {id}", s.engine);
                assert_eq!(api.status, StatusCode::OK, "{}: own unit {id}", s.engine);
            } else {
                assert_eq!(page.status, StatusCode::NOT_FOUND, "{}: unit {id} page", s.engine);
                assert_eq!(
                    (api.status, api.json()["error"]["code"].as_str()),
                    (StatusCode::NOT_FOUND, Some("not_found")),
                    "{}: unit {id} api",
                    s.engine
                );
            }
        }
        let page = call(&s.router, get(&format!("/units/{}?from=1/2024&to=12/2024", mine[0]), &cookie)).await;
        assert!(
            page.body.contains("Huyện ủy Bến Lức") && page.body.contains("id=\"fig-conferences\">1<"),
            "{}",
            s.engine
        );
        // People: search finds only the own branch's people, accents ignored.
        let people = call(&s.router, get("/api/v1/people?q=dang%20thi", &cookie)).await.json();
        assert_eq!(people.as_array().unwrap().len(), 1, "{}", s.engine);
        let everyone = call(&s.router, get("/api/v1/people?q=", &cookie)).await.json();
        assert_eq!(
            everyone.as_array().unwrap().iter().map(|p| p["full_name"].as_str().unwrap()).collect::<Vec<_>>(),
            vec!["Đặng Thị Hoa"],
            "{}",
            s.engine
        );
        let other = s.app.search_people(&sys, "tran van", None, 10).await.unwrap()[0].id;
        assert_eq!(
            call(&s.router, get(&format!("/people/{other}"), &cookie)).await.status,
            StatusCode::NOT_FOUND,
            "{}",
            s.engine
        );
        assert_eq!(
            call(&s.router, get(&format!("/api/v1/people/{other}"), &cookie)).await.status,
            StatusCode::NOT_FOUND,
            "{}",
            s.engine
        );
        // Writes into the other district fail; into the own one they work.
        let cb2 = s.app.unit_by_code(&sys, "CB2").unwrap().id;
        let res = call(
            &s.router,
            form("/conferences", &cookie, &format!("csrf={csrf}&unit_id={cb2}&held_on=1/4/2024&title=L%E1%BA%BFn")),
        )
        .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", s.engine);
        let res = call(
            &s.router,
            form(
                "/conferences",
                &cookie,
                &format!("csrf={csrf}&unit_id={}&held_on=1/4/2024&title=H%E1%BB%8Dc", mine[1]),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        // Without the CSRF token nothing happens.
        let res =
            call(&s.router, form("/conferences", &cookie, &format!("unit_id={}&held_on=2/4/2024&title=X", mine[1])))
                .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", s.engine);
        let api = Request::post("/api/v1/conferences")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(r#"{{"unit_id":{},"held_on":"2024-04-02","title":"X"}}"#, mine[1])))
            .unwrap();
        let res = call(&s.router, api).await;
        assert_eq!(
            (res.status, res.json()["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("csrf_failed")),
            "{}",
            s.engine
        );
        let convs =
            s.app.conferences_of(&sys, mine[1], common_date(2024, 1, 1), common_date(2024, 12, 31)).await.unwrap();
        assert_eq!(convs.len(), 2, "{}: the seeded one and the one posted with a token", s.engine);
    }
}

fn common_date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn api_tokens_errors_and_openapi() {
    for s in sites().await {
        let sys = Actor::system();
        let admin =
            s.app.session(&s.app.login("admin", "quan-tri-123", "t").await.unwrap().token).await.unwrap().unwrap().0;
        let (_, token) = s.app.create_token(&admin, "ci").await.unwrap();
        let bearer = |req: axum::http::request::Builder| req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        let cb1 = s.app.unit_by_code(&sys, "CB1").unwrap().id;
        // Bad input: the field is named; malformed JSON is a clear 422, never a 500.
        let res = call(
            &s.router,
            bearer(Request::post("/api/v1/conferences"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(format!(r#"{{"unit_id":{cb1},"held_on":"2024-04-02","title":"  "}}"#)))
                .unwrap(),
        )
        .await;
        assert_eq!(
            (res.status, res.json()["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("title")),
            "{}",
            s.engine
        );
        let res = call(
            &s.router,
            bearer(Request::post("/api/v1/conferences"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .unwrap(),
        )
        .await;
        assert_eq!(
            (res.status, res.json()["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")),
            "{}: {}",
            s.engine,
            res.body
        );
        let res =
            call(&s.router, bearer(Request::get("/api/v1/units/1/figures?from=13/2024")).body(Body::empty()).unwrap())
                .await;
        assert_eq!(
            (res.status, res.json()["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("from")),
            "{}",
            s.engine
        );
        let res = call(
            &s.router,
            bearer(Request::post("/api/v1/units"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    r#"{"code":"CB1","name":"Trùng","kind":"chi_bo","parent_id":null,"opened_on":"2020-01-01"}"#,
                ))
                .unwrap(),
        )
        .await;
        assert_eq!(
            (res.status, res.json()["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("conflict")),
            "{}: {}",
            s.engine,
            res.body
        );
        // Import through the API: every bad row at once.
        let res = call(
            &s.router,
            bearer(Request::post("/api/v1/imports/people?file=x.csv"))
                .body(Body::from("Họ và tên,Mã đơn vị\nAn,CB1\nBình,KHONG\n"))
                .unwrap(),
        )
        .await;
        assert_eq!(res.json()["error"]["code"].as_str(), Some("import_rejected"), "{}: {}", s.engine, res.body);
        // Figures in Vietnamese format through the API.
        let t = s.app.unit_by_code(&sys, "T").unwrap().id;
        let res = call(
            &s.router,
            bearer(Request::get(format!("/api/v1/units/{t}/figures?from=2024-01&to=2024-12&as_of=2024-12-31")))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        let v = res.json();
        assert_eq!(
            (v["figures"]["conferences"].as_u64(), v["children"].as_array().map(|c| c.len())),
            (Some(2), Some(2)),
            "{}: {v}",
            s.engine
        );
        // `lamtheo figures` prints the same figures with their labels.
        let period = lamtheo_domain::period::Period::year(2024);
        let as_of = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let labelled = lamtheo_web::unit_figures(&s.app, &sys, t, period, as_of).await.unwrap().labelled();
        assert!(labelled.contains(&("Hội nghị học tập, quán triệt".to_string(), "2".to_string())), "{labelled:?}");
        assert!(
            labelled.iter().any(|(l, _)| l.starts_with("Xếp loại tốt trở lên (member_key_cadres)")),
            "{labelled:?}"
        );
        // A rule about the stored records is a conflict, not bad input: the province still
        // has open districts, so it cannot close.
        let res = call(
            &s.router,
            bearer(Request::post(format!("/api/v1/units/{t}/close")))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"on":"2024-06-30"}"#))
                .unwrap(),
        )
        .await;
        assert_eq!(
            (res.status, res.json()["error"]["field"].as_str()),
            (StatusCode::CONFLICT, Some("id")),
            "{}: {}",
            s.engine,
            res.body
        );
        // 2024.0 is the integer 2024 in JSON: a body that writes it so is read.
        let res = call(
            &s.router,
            bearer(Request::put("/api/v1/settings/study-share"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"permille":600.0}"#))
                .unwrap(),
        )
        .await;
        assert_eq!((res.status, res.json()["permille"].as_u64()), (StatusCode::OK, Some(600)), "{}", s.engine);
        // One end of a period alone means the rest of its year.
        for (q, from, to) in [("to=6/2024", "1/2024", "6/2024"), ("from=3/2024", "3/2024", "12/2024")] {
            let res = call(
                &s.router,
                bearer(Request::get(format!("/api/v1/units/{t}/figures?{q}"))).body(Body::empty()).unwrap(),
            )
            .await;
            let v = res.json();
            assert_eq!(
                (v["period"]["from"].as_str(), v["period"]["to"].as_str()),
                (Some(from), Some(to)),
                "{}: {v}",
                s.engine
            );
        }
        // Audit dates take both formats, as every date parameter does.
        let res = call(
            &s.router,
            bearer(Request::get("/api/v1/audit?from=1/1/2024&to=2024-12-31")).body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.engine, res.body);
        // A revoked token stops working.
        s.app.revoke_token(&admin, 1).await.unwrap();
        let res = call(&s.router, bearer(Request::get("/api/v1/me")).body(Body::empty()).unwrap()).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", s.engine);
        // The OpenAPI document describes the API.
        let doc = call(&s.router, get("/api/v1/openapi.json", "")).await.json();
        assert_eq!(doc["openapi"], "3.1.0");
        for p in ["/units/{id}/figures", "/conferences/{id}/attendance", "/imports/{kind}", "/units/merge"] {
            assert!(doc["paths"][p].is_object(), "openapi lacks {p}");
        }
    }
}

#[tokio::test]
async fn a_member_submits_a_plan_from_the_phone_and_the_secretary_acknowledges_it() {
    for s in sites().await {
        let (member, csrf) = login(&s.router, "hoa", "dang-vien-123").await;
        // A member lands on their own page.
        let home = call(&s.router, get("/", &member)).await;
        assert_eq!(home.headers.get(header::LOCATION).unwrap(), "/me", "{}", s.engine);
        let page = call(&s.router, get("/me?year=2025", &member)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.engine);
        assert!(page.body.contains("Đặng Thị Hoa") && page.body.contains("Chưa viết"), "{}", s.engine);
        // The member's menu offers no administration.
        assert!(!page.body.contains("/admin/users") && !page.body.contains("href=\"/audit\""), "{}", s.engine);
        let body = format!("csrf={csrf}&kind=year_plan&year=2025&content=Gi%C3%BAp+h%E1%BB%99+ngh%C3%A8o&submit=1");
        assert_eq!(
            call(&s.router, form("/me/plans", &member, &body)).await.status,
            StatusCode::SEE_OTHER,
            "{}",
            s.engine
        );
        let page = call(&s.router, get("/me?year=2025", &member)).await;
        assert!(page.body.contains("Đã gửi chi bộ") && page.body.contains("Giúp hộ nghèo"), "{}", s.engine);
        // The district secretary sees it on the cell's review page and acknowledges it.
        let (secretary, csrf2) = login(&s.router, "bithu1", "bi-thu-123").await;
        let cb1 = s.app.unit_by_code(&Actor::system(), "CB1").unwrap().id;
        // From the district, its cells with their counts, each leading to its page.
        let h1 = s.app.unit_by_code(&Actor::system(), "H1").unwrap().id;
        let district = call(&s.router, get(&format!("/units/{h1}/plans?year=2025"), &secretary)).await;
        let table = district.body.split("id=\"cells\"").nth(1).unwrap_or_else(|| panic!("{}", district.body));
        let row = format!(
            "/units/{cb1}/plans?year=2025\">Chi bộ ấp 1</a></td><td class=\"num\">1</td><td class=\"num\"><strong>1</strong></td><td class=\"num\">0</td>"
        );
        assert!(table.contains(&row), "{}: one member, one plan waiting: {table}", s.engine);
        let review = call(&s.router, get(&format!("/units/{cb1}/plans?year=2025"), &secretary)).await;
        assert!(review.body.contains("Giúp hộ nghèo"), "{}: {}", s.engine, review.status);
        let plan_id = review.body.split("/plans/").nth(1).unwrap().split('/').next().unwrap().to_string();
        let res = call(
            &s.router,
            form(
                &format!("/plans/{plan_id}/review"),
                &secretary,
                &format!("csrf={csrf2}&decision=acknowledge&comment=T%E1%BB%91t&back=/units/{cb1}/plans"),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        let page = call(&s.router, get("/me?year=2025", &member)).await;
        assert!(page.body.contains("Chi bộ đã xác nhận") && page.body.contains("«Tốt»"), "{}", s.engine);
        // The unit page counts it: one of the two members has a 2025 plan.
        let t = s.app.unit_by_code(&Actor::system(), "T").unwrap().id;
        let api = call(&s.router, get(&format!("/api/v1/units/{t}/figures?from=1/2025&to=12/2025"), &secretary)).await;
        assert_eq!(api.status, StatusCode::NOT_FOUND, "{}: the province is outside the secretary's scope", s.engine);
        let unit = call(&s.router, get(&format!("/units/{cb1}?from=1/2025&to=12/2025"), &secretary)).await;
        let table = unit.body.split("id=\"plans\"").nth(1).unwrap().split("</table>").next().unwrap().to_string();
        assert!(
            table.contains("Kế hoạch làm theo Bác năm 2025</td><td class=\"num\">1/1<"),
            "{}: CB1's one member made a plan: {table}",
            s.engine
        );
    }
}

/// The raw bytes of a response (an .xlsx download is not text).
async fn bytes_of(router: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap().to_vec())
}

#[tokio::test]
async fn exports_download_xlsx_that_imports_back_within_scope_only() {
    use lamtheo_domain::tasks::{BreakthroughTask, TaskStatus};
    for s in sites().await {
        let sys = Actor::system();
        let unit = |code: &str| s.app.unit_by_code(&sys, code).unwrap().id;
        for (code, title) in [("CB1", "Sạch bản, đẹp ấp"), ("CB2", "Chuyển đổi số")] {
            let task = BreakthroughTask {
                id: 0,
                unit_id: unit(code),
                from_year: 2025,
                to_year: 2025,
                title: title.into(),
                field: String::new(),
                responsible: String::new(),
                status: TaskStatus::InProgress,
                result: String::new(),
            };
            s.app.add_task(&sys, task).await.unwrap();
        }
        let (cookie, _) = login(&s.router, "bithu1", "bi-thu-123").await;
        let (status, headers, body) =
            bytes_of(&s.router, get(&format!("/exports/tasks.xlsx?unit={}&year=2025", unit("H1")), &cookie)).await;
        assert_eq!(status, StatusCode::OK, "{}", s.engine);
        assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("tasks-2025.xlsx"), "{}", s.engine);
        let tasks = lamtheo_importer::parse_tasks("tasks-2025.xlsx", &body, &mut Default::default()).unwrap();
        assert_eq!(
            tasks.iter().map(|t| (t.unit_code.as_str(), t.title.as_str())).collect::<Vec<_>>(),
            vec![("CB1", "Sạch bản, đẹp ấp")],
            "{}: only the secretary's own district",
            s.engine
        );
        // Another district's unit, by a guessed id: not found, through the page and the API.
        let other = get(&format!("/exports/tasks.xlsx?unit={}&year=2025", unit("H2")), &cookie);
        assert_eq!(bytes_of(&s.router, other).await.0, StatusCode::NOT_FOUND, "{}", s.engine);
        let secretary =
            s.app.session(&s.app.login("bithu1", "bi-thu-123", "t").await.unwrap().token).await.unwrap().unwrap().0;
        let (_, token) = s.app.create_token(&secretary, "xuat").await.unwrap();
        let api = |unit: i64| {
            Request::get(format!("/api/v1/exports/tasks?unit={unit}&year=2025"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        let (status, _, body) = bytes_of(&s.router, api(unit("H1"))).await;
        assert_eq!((status, &body[..2]), (StatusCode::OK, &b"PK"[..]), "{}", s.engine);
        assert_eq!(bytes_of(&s.router, api(unit("H2"))).await.0, StatusCode::NOT_FOUND, "{}", s.engine);
    }
}

#[tokio::test]
async fn a_member_registers_for_a_movement_and_sees_their_rating_on_their_own_page() {
    use lamtheo_domain::emulation::{Expected, Movement};
    use lamtheo_domain::evaluation::{Evaluation, Subject};
    for s in sites().await {
        let sys = Actor::system();
        let year = chrono::Datelike::year(&s.app.today());
        let t = s.app.unit_by_code(&sys, "T").unwrap().id;
        let movement = Movement {
            id: 0,
            unit_id: t,
            title: "Thi đua làm theo Bác".into(),
            from_date: chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
            to_date: chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
            expected: Expected::Members,
        };
        let m = s.app.create_movement(&sys, movement).await.unwrap();
        let hoa = s.app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        let rating = Evaluation {
            subject: Subject::Person,
            subject_id: hoa,
            year: 2024,
            quarter: 0,
            scale: "qd124".into(),
            level_code: "tot".into(),
            score: None,
            note: String::new(),
        };
        s.app.record_evaluations(&sys, vec![rating]).await.unwrap();

        let (member, csrf) = login(&s.router, "hoa", "dang-vien-123").await;
        let page = call(&s.router, get("/me", &member)).await;
        let card = page.body.split(&format!("id=\"movement-{m}\"")).nth(1).unwrap().split("</div>").next().unwrap();
        assert!(card.contains("Thi đua làm theo Bác") && card.contains("/register"), "{}: {card}", s.engine);
        let rated = page.body.split("id=\"my-evaluations\"").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(rated.contains("2024") && rated.contains("Hoàn thành tốt nhiệm vụ"), "{}: {rated}", s.engine);

        let body = format!("csrf={csrf}&person_id={hoa}&back=/me&content=Ti%E1%BA%BFt+ki%E1%BB%87m+%C4%91i%E1%BB%87n");
        let res = call(&s.router, form(&format!("/movements/{m}/register"), &member, &body)).await;
        assert_eq!((res.status, res.headers[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, "/me"));
        let page = call(&s.router, get("/me", &member)).await;
        let card = page.body.split(&format!("id=\"movement-{m}\"")).nth(1).unwrap().split("</div>").next().unwrap();
        assert!(card.contains("Tiết kiệm điện") && !card.contains("/register"), "{}: {card}", s.engine);
        // Someone else's registration cannot be made from the member's account.
        let other = s.app.search_people(&sys, "tran van binh", None, 1).await.unwrap()[0].id;
        let body = format!("csrf={csrf}&person_id={other}&back=/me&content=X");
        let res = call(&s.router, form(&format!("/movements/{m}/register"), &member, &body)).await;
        assert!(
            res.status == StatusCode::NOT_FOUND || res.status == StatusCode::FORBIDDEN,
            "{}: {}",
            s.engine,
            res.status
        );
        // The province's page of the movement: by district (1/1 registered in Bến Lức, 0/1 in
        // Cần Giuộc), nobody's line until a district is chosen or a name is searched for.
        let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
        let page = call(&s.router, get(&format!("/movements/{m}?unit={t}"), &admin)).await.body;
        let by_unit = page.split("id=\"by-unit\"").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(
            by_unit.contains("Huyện ủy Bến Lức</a></th><td class=\"num\">1/1</td><td class=\"num\">100%"),
            "{}: {by_unit}",
            s.engine
        );
        assert!(by_unit.contains("Huyện ủy Cần Giuộc</a></th><td class=\"num\">0/1</td>"), "{}: {by_unit}", s.engine);
        assert!(page.contains("id=\"registrations-chart-svg\"") && !page.contains("id=\"lines\""), "{}", s.engine);
        let (status, _, bytes) =
            bytes_of(&s.router, get(&format!("/movements/{m}/figures.xlsx?unit={t}"), &admin)).await;
        assert_eq!(status, StatusCode::OK, "{}", s.engine);
        use calamine::{Data, Reader};
        let mut book = calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        let row = sheet.rows().find(|r| r.first() == Some(&Data::String("Huyện ủy Bến Lức".into()))).expect("by name");
        assert_eq!((&row[1], &row[2]), (&Data::Float(1.0), &Data::Float(1.0)), "{}: {row:?}", s.engine);
        assert!(page.contains("Đảng viên") || page.contains("Thi đua làm theo Bác"));
        let page = call(&s.router, get(&format!("/movements/{m}?unit={t}&q=dang+thi+hoa"), &admin)).await.body;
        let lines = page.split("id=\"lines\"").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(
            lines.contains("Đặng Thị Hoa") && lines.contains("Tiết kiệm điện") && !lines.contains("Trần Văn Bình"),
            "{}: {lines}",
            s.engine
        );
        let cb2 = s.app.unit_by_code(&sys, "CB2").unwrap().id;
        let page = call(&s.router, get(&format!("/movements/{m}?unit={cb2}&page=9"), &admin)).await.body;
        let lines = page.split("id=\"lines\"").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(
            lines.contains("Trần Văn Bình") && lines.contains("aria-label=\"Trần Văn Bình: nội dung đăng ký\""),
            "{}: a cell lists its people; a page past the end is the last: {lines}",
            s.engine
        );
    }
}

#[tokio::test]
async fn a_secretary_rates_the_organisations_under_their_unit_on_the_evaluation_page() {
    for s in sites().await {
        let sys = Actor::system();
        let (h1, cb1, cb2) = ["H1", "CB1", "CB2"].map(|c| s.app.unit_by_code(&sys, c).unwrap().id).into();
        let (secretary, csrf) = login(&s.router, "bithu1", "bi-thu-123").await;
        let page = call(&s.router, get(&format!("/units/{h1}/evaluations?year=2025"), &secretary)).await;
        // The scales by their names, not their codes.
        assert!(
            page.body.contains("<option value=\"qd124\" selected>Quy định 124-QĐ/TW (4 mức)</option>"),
            "{}",
            s.engine
        );
        let table = page.body.split("id=\"unit-ratings\"").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(table.contains(&format!("name=\"ul{cb1}\"")), "{}: {table}", s.engine);
        let body = format!("csrf={csrf}&year=2025&quarter=0&scale=qd124&ul{cb1}=tot");
        let res = call(&s.router, form(&format!("/units/{h1}/evaluations"), &secretary, &body)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        let report =
            s.app.evaluation_report(&sys, h1, 2025, 0, chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(), false);
        let orgs = report.await.unwrap().into_iter().find(|d| d.group == "organisations").unwrap();
        assert_eq!((orgs.evaluated, orgs.good_or_better), (1, 1), "{}", s.engine);
        // Another district's cell, by a guessed id: refused, nothing written.
        let body = format!("csrf={csrf}&year=2025&quarter=0&scale=qd124&ul{cb2}=tot");
        let res = call(&s.router, form(&format!("/units/{h1}/evaluations"), &secretary, &body)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", s.engine);
        let t = s.app.unit_by_code(&sys, "T").unwrap().id;
        let report =
            s.app.evaluation_report(&sys, t, 2025, 0, chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(), false);
        let orgs = report.await.unwrap().into_iter().find(|d| d.group == "organisations").unwrap();
        assert_eq!(orgs.evaluated, 1, "{}", s.engine);
    }
}

#[tokio::test]
async fn staff_split_a_cell_on_its_page_assigning_each_member() {
    for s in sites().await {
        let sys = Actor::system();
        let cb1 = s.app.unit_by_code(&sys, "CB1").unwrap().id;
        let hoa = s.app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        let (admin, csrf) = login(&s.router, "admin", "quan-tri-123").await;
        let page = call(&s.router, get(&format!("/units/{cb1}/split"), &admin)).await;
        assert!(page.body.contains(&format!("name=\"member{hoa}\"")), "{}: {}", s.engine, page.status);
        // A member sent to a new unit left blank: the field is named, nothing changes.
        let body = format!("csrf={csrf}&on=1%2F7%2F2025&code1=CB1A&name1=Chi+b%E1%BB%99+1A&member{hoa}=2");
        let res = call(&s.router, form(&format!("/units/{cb1}/split"), &admin, &body)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.engine, res.body);
        assert!(s.app.unit_by_code(&sys, "CB1A").is_err(), "{}", s.engine);
        let body = format!(
            "csrf={csrf}&on=1%2F7%2F2025&code1=CB1A&name1=Chi+b%E1%BB%99+1A&code2=CB1B&name2=Chi+b%E1%BB%99+1B&member{hoa}=2"
        );
        let res = call(&s.router, form(&format!("/units/{cb1}/split"), &admin, &body)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        let b = s.app.unit_by_code(&sys, "CB1B").unwrap().id;
        let on = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let members = s.app.members_on(&sys, b, on).await.unwrap();
        assert_eq!(members.iter().map(|p| p.id).collect::<Vec<_>>(), vec![hoa], "{}", s.engine);
        // The secretary of the district may not restructure.
        let (secretary, csrf2) = login(&s.router, "bithu1", "bi-thu-123").await;
        let a = s.app.unit_by_code(&sys, "CB1A").unwrap().id;
        let body = format!("csrf={csrf2}&on=1%2F8%2F2025&code1=X1&name1=X");
        let res = call(&s.router, form(&format!("/units/{a}/split"), &secretary, &body)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}: {}", s.engine, res.body);
    }
}

#[tokio::test]
async fn a_year_out_of_range_is_a_clear_error_not_a_crash() {
    for s in sites().await {
        let t = s.app.unit_by_code(&Actor::system(), "T").unwrap().id;
        let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
        for path in [
            format!("/units/{t}/evaluations?year=300000"),
            format!("/exports/tasks.xlsx?unit={t}&year=300000"),
            format!("/api/v1/units/{t}/evaluations?year=300000"),
        ] {
            let res = call(&s.router, get(&path, &admin)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {path}", s.engine);
            assert!(res.body.contains("300000"), "{}: {path}: the message names the year: {}", s.engine, res.body);
        }
    }
}

/// A second tap records nothing twice; a likely double entry is asked about; a conference is
/// corrected and deleted on its page, the figures following.
#[tokio::test]
async fn a_conference_is_recorded_once_corrected_and_deleted_on_its_pages() {
    for s in sites().await {
        let sys = Actor::system();
        let (cookie, csrf) = login(&s.router, "admin", "quan-tri-123").await;
        let cb1 = s.app.unit_by_code(&sys, "CB1").unwrap().id;
        let held = |app: &App| {
            let app = app.clone();
            async move {
                let d = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
                app.conferences_of(&Actor::system(), cb1, d(2025, 1, 1), d(2025, 12, 31)).await.unwrap()
            }
        };
        let form_page = call(&s.router, get(&format!("/units/{cb1}/conferences/new"), &cookie)).await;
        let once =
            form_page.body.split("name=\"once\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let body = format!("csrf={csrf}&once={once}&unit_id={cb1}&held_on=02/02/2025&title=Hoc+tap+chuyen+de");
        // Two taps, and two at once: one conference, every answer leading to it.
        let first = call(&s.router, form("/conferences", &cookie, &body)).await;
        let (again, at_once) = tokio::join!(
            call(&s.router, form("/conferences", &cookie, &body)),
            call(&s.router, form("/conferences", &cookie, &body))
        );
        let made = held(&s.app).await;
        assert_eq!(made.len(), 1, "{}: {made:?}", s.engine);
        let location = format!("/conferences/{}?saved=conference#attendance", made[0].id);
        for res in [&first, &again, &at_once] {
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
            assert_eq!(res.headers.get(header::LOCATION).unwrap(), location.as_str(), "{}", s.engine);
        }
        // Another conference of the same unit, day and kind is asked about first.
        let fresh = call(&s.router, get(&format!("/units/{cb1}/conferences/new"), &cookie)).await;
        let once = fresh.body.split("name=\"once\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let body = format!("csrf={csrf}&once={once}&unit_id={cb1}&held_on=02/02/2025&title=Hoi+nghi+khac");
        let asked = call(&s.router, form("/conferences", &cookie, &body)).await;
        assert_eq!(asked.status, StatusCode::OK, "{}", s.engine);
        assert!(asked.body.contains("id=\"duplicates\"") && asked.body.contains("Hoc tap chuyen de"), "{}", s.engine);
        assert_eq!(held(&s.app).await.len(), 1, "{}: nothing saved before the answer", s.engine);
        let saved = call(&s.router, form("/conferences", &cookie, &format!("{body}&confirm=1"))).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, saved.body);
        assert_eq!(held(&s.app).await.len(), 2, "{}", s.engine);

        // Corrected on its page: the form shows what was recorded, the change is saved.
        let id = made[0].id;
        let edit = call(&s.router, get(&format!("/conferences/{id}/edit"), &cookie)).await;
        assert!(edit.body.contains("value=\"Hoc tap chuyen de\""), "{}: {}", s.engine, edit.body);
        let body = format!("csrf={csrf}&unit_id={cb1}&held_on=03/02/2025&title=Hoc+tap+chuyen+de+2025&others_count=7");
        let res = call(&s.router, form(&format!("/conferences/{id}"), &cookie, &body)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        let c = s.app.conference(&sys, id).await.unwrap().conference;
        assert_eq!(
            (c.title.as_str(), c.others_count, c.held_on.to_string()),
            ("Hoc tap chuyen de 2025", 7, "2025-02-03".into())
        );
        // Deleted on its page, once confirmed: the figures follow, the audit keeps it.
        let before = s.app.unit_report(&sys, cb1, lamtheo_domain::period::Period::year(2025), c.held_on).await.unwrap();
        let unconfirmed =
            call(&s.router, form(&format!("/conferences/{id}/delete"), &cookie, &format!("csrf={csrf}"))).await;
        assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", s.engine);
        let res =
            call(&s.router, form(&format!("/conferences/{id}/delete"), &cookie, &format!("csrf={csrf}&confirm=1")))
                .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        assert_eq!(held(&s.app).await.len(), 1, "{}", s.engine);
        let after = s.app.unit_report(&sys, cb1, lamtheo_domain::period::Period::year(2025), c.held_on).await.unwrap();
        assert_eq!(after.figures.conferences + 1, before.figures.conferences, "{}", s.engine);
        let q = lamtheo_app::audit::AuditQuery {
            entity: Some("conference".into()),
            entity_id: Some(id),
            limit: 10,
            ..Default::default()
        };
        let log = s.app.audit_search(&sys, &q).await.unwrap();
        assert_eq!(log[0].action, "delete", "{}", s.engine);
        assert!(log[0].before.as_deref().unwrap_or_default().contains("Hoc tap chuyen de 2025"), "{}", s.engine);

        // The API: a repeated Idempotency-Key answers with the record already made.
        let (_, token) = s.app.create_token(&s.app.account_actor("admin").await.unwrap(), "t").await.unwrap();
        let post = || {
            Request::post("/api/v1/conferences")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header("idempotency-key", "api-key-0123456789abcdef")
                .body(Body::from(format!(r#"{{"unit_id":{cb1},"held_on":"2025-03-03","title":"Qua API"}}"#)))
                .unwrap()
        };
        let (a, b) = (call(&s.router, post()).await, call(&s.router, post()).await);
        assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK), "{}: {}", s.engine, b.body);
        assert_eq!(a.json()["id"], b.json()["id"], "{}", s.engine);
        assert_eq!(held(&s.app).await.len(), 2, "{}", s.engine);
        // The same key with another request is refused, and records nothing.
        let other = Request::post("/api/v1/conferences")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", "api-key-0123456789abcdef")
            .body(Body::from(format!(r#"{{"unit_id":{cb1},"held_on":"2025-03-04","title":"Khác"}}"#)))
            .unwrap();
        let res = call(&s.router, other).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{}: {}", s.engine, res.body);
        assert_eq!(held(&s.app).await.len(), 2, "{}", s.engine);
        let del = Request::delete(format!("/api/v1/conferences/{}", a.json()["id"]))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        assert_eq!(call(&s.router, del).await.status, StatusCode::OK, "{}", s.engine);
        assert_eq!(held(&s.app).await.len(), 1, "{}", s.engine);
    }
}

/// An administrator adds a unit kind on the admin page (a one-time key: a second tap adds
/// nothing) and through the API (409 for a taken code, 422 naming a bad field, 403 for a
/// secretary); a unit of it shows its tasks under its level on the unit page and in the
/// figures answer.
#[tokio::test]
async fn an_administrator_adds_unit_kinds_and_tasks_show_by_level() {
    for s in sites().await {
        let sys = Actor::system();
        let (cookie, csrf) = login(&s.router, "admin", "quan-tri-123").await;
        let page = call(&s.router, get("/admin/kinds", &cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.engine);
        assert!(page.body.contains("Cấp huyện và tương đương") && page.body.contains("dang_uy_xa"), "{}", s.engine);
        let once = page.body.split("name=\"once\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let body = format!("csrf={csrf}&once={once}&code=ban_can_su&name_vi=Ban+c%C3%A1n+s%E1%BB%B1+%C4%91%E1%BA%A3ng&name_en=Party+affairs+committee&level=tinh&party=1");
        for _ in 0..2 {
            let res = call(&s.router, form("/admin/kinds", &cookie, &body)).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        }
        let added: Vec<_> = s.app.kinds().await.unwrap().into_iter().filter(|k| k.code == "ban_can_su").collect();
        assert_eq!(added.len(), 1, "{}: one kind for two taps", s.engine);
        assert_eq!((added[0].level.as_str(), added[0].party), ("tinh", true), "{}", s.engine);
        let page = call(&s.router, get("/admin/kinds", &cookie)).await;
        assert!(page.body.contains("Party affairs committee"), "{}", s.engine);

        // The API: the same rules.
        let admin =
            s.app.session(&s.app.login("admin", "quan-tri-123", "t").await.unwrap().token).await.unwrap().unwrap().0;
        let (_, token) = s.app.create_token(&admin, "ci").await.unwrap();
        let post = |token: &str, json: &str| {
            Request::post("/api/v1/unit-kinds")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string()))
                .unwrap()
        };
        let res =
            call(&s.router, post(&token, r#"{"code":"dang_doan","name_vi":"Đảng đoàn","level":"tinh","party":true}"#))
                .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.engine, res.body);
        assert_eq!((res.json()["level"].as_str(), res.json()["name_en"].as_str()), (Some("tinh"), Some("Đảng đoàn")));
        for (json, status, field) in [
            (r#"{"code":"dang_doan","name_vi":"Lặp","level":"tinh"}"#, StatusCode::CONFLICT, "code"),
            (r#"{"code":"x","name_vi":"X","level":"trung_uong"}"#, StatusCode::CONFLICT, "level"),
            (r#"{"code":"a b","name_vi":"X","level":"tinh"}"#, StatusCode::UNPROCESSABLE_ENTITY, "code"),
            (r#"{"code":"x","name_vi":"  ","level":"tinh"}"#, StatusCode::UNPROCESSABLE_ENTITY, "name_vi"),
        ] {
            let res = call(&s.router, post(&token, json)).await;
            assert_eq!(
                (res.status, res.json()["error"]["field"].as_str()),
                (status, Some(field)),
                "{}: {json}: {}",
                s.engine,
                res.body
            );
        }
        let secretary =
            s.app.session(&s.app.login("bithu1", "bi-thu-123", "t").await.unwrap().token).await.unwrap().unwrap().0;
        let (_, theirs) = s.app.create_token(&secretary, "ci").await.unwrap();
        let res = call(&s.router, post(&theirs, r#"{"code":"khac","name_vi":"Khác","level":"tinh"}"#)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}: {}", s.engine, res.body);
        let list = |path: &str| {
            Request::get(path).header(header::AUTHORIZATION, format!("Bearer {theirs}")).body(Body::empty()).unwrap()
        };
        let kinds = call(&s.router, list("/api/v1/unit-kinds")).await.json();
        assert!(
            kinds.as_array().unwrap().iter().any(|k| k["code"] == "dang_doan" && k["level"] == "tinh"),
            "{}: {kinds}",
            s.engine
        );
        let levels = call(&s.router, list("/api/v1/unit-levels")).await.json();
        let codes: Vec<&str> = levels.as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["tinh", "huyen", "co_so", "chi_bo"], "{}", s.engine);

        // A unit of the new kind; its tasks under the provincial level, beside the province's.
        let t = s.app.unit_by_code(&sys, "T").unwrap().id;
        let unit = lamtheo_app::tree::NewUnit {
            code: "BCS".into(),
            name: "Ban cán sự đảng UBND tỉnh".into(),
            kind: "ban_can_su".into(),
            parent_id: Some(t),
            opened_on: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        };
        let bcs = s.app.create_unit(&sys, unit).await.unwrap();
        let cb1 = s.app.unit_by_code(&sys, "CB1").unwrap().id;
        for (unit, title) in [(t, "Chuyển đổi số"), (bcs, "Cải cách hành chính"), (bcs, "Tiết kiệm"), (cb1, "Sạch ấp")]
        {
            let task = lamtheo_domain::tasks::BreakthroughTask {
                id: 0,
                unit_id: unit,
                from_year: 2025,
                to_year: 2025,
                title: title.into(),
                field: String::new(),
                responsible: String::new(),
                status: lamtheo_domain::tasks::TaskStatus::Planned,
                result: String::new(),
            };
            s.app.add_task(&sys, task).await.unwrap();
        }
        let page = call(&s.router, get(&format!("/units/{t}?from=1/2025&to=12/2025&as_of=31/12/2025"), &cookie)).await;
        let table = page.body.split("id=\"task-levels\"").nth(1).unwrap().split("</table>").next().unwrap();
        let rows: Vec<String> = table
            .split("<tr")
            .skip(2)
            .map(|r| {
                r.split('<')
                    .filter_map(|c| c.split('>').nth(1))
                    .filter(|c| !c.trim().is_empty())
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        assert_eq!(
            rows,
            ["Cấp tỉnh|2|3", "Tỉnh ủy, Thành ủy|1|1", "Ban cán sự đảng|1|2", "Chi bộ|1|1", "Chi bộ|1|1"],
            "{}: levels with their kinds beneath",
            s.engine
        );
        let res = call(
            &s.router,
            Request::get(format!("/api/v1/units/{t}/figures?from=2025-01&to=2025-12&as_of=2025-12-31"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        let levels = &res.json()["tasks"]["by_level"];
        assert_eq!(
            (levels[0]["level"].as_str(), levels[0]["units"].as_u64(), levels[0]["tasks"].as_u64()),
            (Some("tinh"), Some(2), Some(3)),
            "{}: {levels}",
            s.engine
        );
        assert_eq!(levels[0]["label"], "2 đơn vị, 3 nhiệm vụ", "{}", s.engine);
        assert_eq!(levels[0]["kinds"][1]["kind"], "ban_can_su", "{}", s.engine);
        let labelled = lamtheo_web::unit_figures(
            &s.app,
            &sys,
            t,
            lamtheo_domain::period::Period::year(2025),
            chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        )
        .await
        .unwrap()
        .labelled();
        assert!(
            labelled.contains(&("Nhiệm vụ đột phá (Cấp tỉnh)".to_string(), "2 đơn vị, 3 nhiệm vụ".to_string())),
            "{labelled:?}"
        );
        assert!(
            labelled.contains(&(
                "Nhiệm vụ đột phá (Cấp tỉnh — Ban cán sự đảng)".to_string(),
                "1 đơn vị, 2 nhiệm vụ".to_string()
            )),
            "{labelled:?}"
        );
    }
}

#[tokio::test]
async fn a_report_request_is_made_with_an_outline_edited_on_the_page() {
    for s in sites().await {
        let (admin, csrf) = login(&s.router, "admin", "quan-tri-123").await;
        let t = s.app.unit_by_code(&Actor::system(), "T").unwrap().id;
        // The form starts from the built-in outline, with blank rows to add sections.
        let page = call(&s.router, get(&format!("/units/{t}/reports"), &admin)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", s.engine);
        assert!(page.body.contains("name=\"s0_heading\" value=\"I. ĐẶC ĐIỂM TÌNH HÌNH\""), "{}", s.engine);
        assert!(page.body.contains("name=\"annex_topics\" checked"), "{}", s.engine);
        let rows = "s0_order=10&s0_level=1&s0_heading=I.+K%E1%BA%BFt+qu%E1%BA%A3&s0_guidance=&s0_fill=study\
                    &s1_order=30&s1_level=1&s1_heading=II.+Ki%E1%BA%BFn+ngh%E1%BB%8B&s1_guidance=&s1_fill=\
                    &s2_order=20&s2_level=2&s2_heading=M%E1%BB%A5c+xen&s2_guidance=Vi%E1%BA%BFt+ng%E1%BA%AFn&s2_fill=following\
                    &s3_order=40&s3_level=2&s3_heading=&s3_guidance=&s3_fill=\
                    &annex_study=on&annex_ratings=on&depth=1";
        let head =
            format!("csrf={csrf}&title=S%C6%A1+k%E1%BA%BFt&from=1/2025&to=6/2025&deadline=15/7/2025&recipients=");
        // A wrong order number is named, and nothing is made.
        let bad = rows.replace("s1_order=30", "s1_order=ba");
        let res = call(&s.router, form(&format!("/units/{t}/reports"), &admin, &format!("{head}&{bad}"))).await;
        assert_ne!(res.status, StatusCode::SEE_OTHER, "{}", s.engine);
        assert!(res.body.contains("phải là một số"), "{}: {}", s.engine, res.body);
        assert!(s.app.requests_of(&Actor::system(), t).await.unwrap().0.is_empty(), "{}", s.engine);
        let res = call(&s.router, form(&format!("/units/{t}/reports"), &admin, &format!("{head}&{rows}"))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        let at = res.headers.get(header::LOCATION).unwrap().to_str().unwrap();
        let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
        let request = s.app.request(&Actor::system(), id).await.unwrap();
        let headings: Vec<&str> = request.outline.sections.iter().map(|x| x.heading.as_str()).collect();
        assert_eq!(headings, ["I. Kết quả", "Mục xen", "II. Kiến nghị"], "{}: in the order of their numbers", s.engine);
        assert_eq!(request.outline.sections[1].fill, "following", "{}", s.engine);
        assert_eq!(request.outline.sections[1].guidance, "Viết ngắn", "{}", s.engine);
        assert_eq!(request.outline.annexes, ["study", "ratings"], "{}", s.engine);
        assert_eq!(request.outline.depth, 1, "{}", s.engine);
        // The next request starts from this one's outline when asked.
        let page = call(&s.router, get(&format!("/units/{t}/reports?outline_of={id}"), &admin)).await;
        assert!(page.body.contains("name=\"s1_heading\" value=\"Mục xen\""), "{}", s.engine);
        assert!(!page.body.contains("name=\"annex_topics\" checked"), "{}", s.engine);
    }
}

#[tokio::test]
async fn a_saved_version_of_a_report_is_shown_and_restored_on_its_page() {
    for s in sites().await {
        let (admin, csrf) = login(&s.router, "admin", "quan-tri-123").await;
        let t = s.app.unit_by_code(&Actor::system(), "T").unwrap().id;
        let res = call(
            &s.router,
            form(&format!("/units/{t}/reports/own"), &admin, &format!("csrf={csrf}&from=1/2025&to=12/2025")),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        let at = res.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
        let save = format!("csrf={csrf}&version=1&summary=B%C3%A1o+c%C3%A1o+s%E1%BB%ADa");
        assert_eq!(call(&s.router, form(&at, &admin, &save)).await.status, StatusCode::SEE_OTHER, "{}", s.engine);
        let page = call(&s.router, get(&at, &admin)).await;
        assert!(page.body.contains("value=\"Báo cáo sửa\""), "{}", s.engine);
        assert!(
            page.body.contains(&format!("href=\"{at}?version=1\"")),
            "{}: the history links each version",
            s.engine
        );
        // The first version, read only, with the button that restores it.
        let old = call(&s.router, get(&format!("{at}?version=1"), &admin)).await;
        assert!(old.body.contains("Đang xem bản lưu lần 1") && old.body.contains("Khôi phục bản này"), "{}", s.engine);
        assert!(!old.body.contains("value=\"Báo cáo sửa\"") && old.body.contains("readonly"), "{}", s.engine);
        let restore = format!("csrf={csrf}&version=1&current=2");
        let res = call(&s.router, form(&format!("{at}/restore"), &admin, &restore)).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        let page = call(&s.router, get(&at, &admin)).await;
        assert!(!page.body.contains("value=\"Báo cáo sửa\"") && page.body.contains("(hiện tại)"), "{}", s.engine);
        let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
        assert_eq!(s.app.report_versions(&Actor::system(), id).await.unwrap().len(), 3, "{}", s.engine);
    }
}

/// The security policy blocks inline styles: a `style=` attribute would silently do nothing,
/// so every template styles through the stylesheet's classes.
#[test]
fn no_template_sets_an_inline_style() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains(" style=\"") || text.contains("<style") {
            found.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(found.is_empty(), "templates with inline styles: {found:?}");
}

#[tokio::test]
async fn text_is_compressed_as_the_browser_accepts_and_files_go_as_they_are() {
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let t = s.app.unit_by_code(&Actor::system(), "T").unwrap().id;
    let with = |path: &str, encoding: &str| {
        let mut req = get(path, &admin);
        if !encoding.is_empty() {
            req.headers_mut().insert(header::ACCEPT_ENCODING, encoding.parse().unwrap());
        }
        req
    };
    let plain = bytes_of(&s.router, with(&format!("/units/{t}"), "")).await;
    assert!(plain.1.get(header::CONTENT_ENCODING).is_none());
    for (accepts, used) in [("br, gzip", "br"), ("gzip", "gzip")] {
        let page = bytes_of(&s.router, with(&format!("/units/{t}"), accepts)).await;
        assert_eq!(page.1.get(header::CONTENT_ENCODING).unwrap(), used, "{accepts}");
        assert!(page.2.len() * 3 < plain.2.len(), "{used}: {} of {} bytes", page.2.len(), plain.2.len());
        let css = bytes_of(&s.router, with("/static/app.css", accepts)).await;
        assert_eq!(css.1.get(header::CONTENT_ENCODING).unwrap(), used, "the stylesheet");
    }
    // A .pdf is compressed inside already: it goes as it is.
    let pdf = bytes_of(&s.router, with(&format!("/units/{t}/report/pdf?from=1/2024&to=12/2024"), "br, gzip")).await;
    assert_eq!(pdf.0, StatusCode::OK);
    assert!(pdf.1.get(header::CONTENT_ENCODING).is_none() && pdf.2.starts_with(b"%PDF"));
}

#[tokio::test]
async fn error_pages_keep_the_menu_and_the_language() {
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let delete =
        |path: &str, cookie: &str| Request::delete(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    for (req, status) in [
        (get("/no-such-page", &admin), StatusCode::NOT_FOUND),
        (delete("/login", &admin), StatusCode::METHOD_NOT_ALLOWED),
        (get("/units/999999", &admin), StatusCode::NOT_FOUND),
    ] {
        let res = call(&s.router, req).await;
        assert_eq!(res.status, status);
        assert!(res.headers.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().starts_with("text/html"));
        assert!(res.body.contains("href=\"/admin/users\"") && res.body.contains("Đăng xuất"), "{status}: {}", res.body);
    }
    // In English, for an English reader; and signed out, without a menu.
    let res = call(&s.router, get("/no-such-page", &format!("{admin}; lang=en"))).await;
    assert!(res.body.contains("Could not do that") && res.body.contains("Log out"), "{}", res.body);
    let res = call(&s.router, get("/no-such-page", "")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.body.contains("Đăng xuất") && res.body.contains("Không tìm thấy"), "{}", res.body);
}

#[tokio::test]
async fn every_page_starts_with_a_link_past_the_menu() {
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let t = s.app.unit_by_code(&Actor::system(), "T").unwrap().id;
    let unit = format!("/units/{t}");
    for (path, cookie) in [(unit.as_str(), admin.as_str()), ("/login", ""), ("/column", ""), ("/no-such-page", &admin)]
    {
        let page = call(&s.router, get(path, cookie)).await;
        let skip = page.body.find("class=\"skip\" href=\"#main\"").unwrap_or_else(|| panic!("{path}: {}", page.body));
        assert!(skip < page.body.find("<header").unwrap() && page.body.contains("<main id=\"main\">"), "{path}");
    }
}

#[tokio::test]
async fn the_unit_page_opens_on_the_last_year_with_data_and_takes_a_bare_year() {
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let t = s.app.unit_by_code(&Actor::system(), "T").unwrap().id;
    // The site's conferences are of March 2024 only: the page opens on 2024, not on an
    // empty year.
    let page = call(&s.router, get(&format!("/units/{t}"), &admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("type=\"month\" name=\"from\" value=\"2024-01\""), "{}", page.body);
    assert!(page.body.contains("type=\"month\" name=\"to\" value=\"2024-12\""));
    assert!(page.body.contains("id=\"quick-periods\""));
    // A bare year is the whole year; a month picker's value is read too.
    let page = call(&s.router, get(&format!("/units/{t}?from=2025&to=2025"), &admin)).await;
    assert!(page.body.contains("value=\"2025-01\"") && page.body.contains("value=\"2025-12\""), "{}", page.status);
    let page = call(&s.router, get(&format!("/units/{t}?from=2024-03&to=2024-05"), &admin)).await;
    assert!(page.body.contains("value=\"2024-03\"") && page.body.contains("value=\"2024-05\""), "{}", page.status);
}

#[tokio::test]
async fn the_table_by_child_unit_sorts_totals_and_marks_low_rates() {
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let sys = Actor::system();
    let t = s.app.unit_by_code(&sys, "T").unwrap().id;
    // A second conference in Cần Giuộc's cell: it has 2, Bến Lức 1.
    let file = "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị\nHN-C,CB2,05/04/2024,Học tập chuyên đề\n";
    s.app.import(&sys, Kind::Conferences, "c.csv", file.as_bytes(), &|_, _, _| {}).await.unwrap();
    let order = |body: &str| {
        let table = body.split("id=\"children\"").nth(1).unwrap().split("</table>").next().unwrap().to_string();
        let (a, b) = (table.find("Huyện ủy Bến Lức").unwrap(), table.find("Huyện ủy Cần Giuộc").unwrap());
        (a < b, table)
    };
    let by = |q: &str| call(&s.router, get(&format!("/units/{t}?from=1/2024&to=12/2024{q}"), &admin));
    let (ben_luc_first, table) = order(&by("").await.body);
    assert!(ben_luc_first, "by name: {table}");
    let (ben_luc_first, table) = order(&by("&sort=conferences&dir=desc").await.body);
    assert!(!ben_luc_first, "most conferences first: {table}");
    assert!(table.contains("aria-sort=\"descending\"") && table.contains("sort=conferences&#38;dir=asc"), "{table}");
    let (ben_luc_first, _) = order(&by("&sort=conferences&dir=asc").await.body);
    assert!(ben_luc_first, "fewest first");
    // The chart draws a bar for each district, with the unit's own rate as a line.
    let page = by("").await.body;
    let chart = page.split("id=\"rate-chart\"").nth(1).unwrap().split("</svg>").next().unwrap().to_string();
    assert_eq!(chart.matches("<rect").count(), 2, "{chart}");
    assert!(chart.contains("Huyện ủy Cần Giuộc") && chart.contains("stroke-dasharray"), "{chart}");
    // The unit's own row closes the table; nobody attended, so the rates are marked low.
    assert!(table.contains("Toàn đơn vị") && table.contains("class=\"num low\""), "{table}");
    // The monthly trend: a column pair per month, and its table adds up to the period's
    // figure (conferences are additive).
    let trend = page.split("id=\"trend-chart-svg\"").nth(1).unwrap().split("</svg>").next().unwrap();
    assert_eq!(trend.matches("<rect").count(), 24, "{trend}");
    let rows = page.split("id=\"trend-table\"").nth(1).unwrap().split("</table>").next().unwrap();
    let months: Vec<Vec<String>> = rows
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .map(|r| {
            r.split(['<', '>'])
                .filter(|x| !x.is_empty() && !x.starts_with('/') && !x.starts_with("td"))
                .map(String::from)
                .collect()
        })
        .collect();
    assert_eq!(months.len(), 12, "{rows}");
    assert_eq!(months[3][..2], ["4/2024".to_string(), "1".to_string()], "April: one conference: {months:?}");
    let summed: u64 = months.iter().map(|m| m[1].parse::<u64>().unwrap()).sum();
    let total = page.split("id=\"fig-conferences\">").nth(1).unwrap().split('<').next().unwrap();
    assert_eq!(summed.to_string(), total, "the months add up to the period");
    // Plans by child unit: nobody has a plan, each district drawn at 0%.
    assert!(page.contains("id=\"plan-chart-table\""), "the plan chart has its table");
}

#[tokio::test]
async fn the_table_by_child_unit_downloads_as_a_workbook_with_names_and_numbers() {
    use calamine::{Data, Reader};
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let t = s.app.unit_by_code(&Actor::system(), "T").unwrap().id;
    let page = call(&s.router, get(&format!("/units/{t}?from=1/2024&to=12/2024"), &admin)).await;
    assert!(page.body.contains("id=\"figures-xlsx\""));
    let (status, headers, bytes) =
        bytes_of(&s.router, get(&format!("/units/{t}/figures.xlsx?from=1/2024&to=12/2024"), &admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().contains("so-lieu-T-"));
    let mut book = calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let find = |name: &str| rows.iter().find(|r| r.first() == Some(&Data::String(name.into()))).cloned();
    let ben_luc = find("Huyện ủy Bến Lức").expect("a row by the unit's name");
    assert_eq!(ben_luc[1], Data::Float(1.0), "one conference, written as a number: {ben_luc:?}");
    let total = find("Toàn đơn vị").expect("the unit's own row");
    assert_eq!(total[1], Data::Float(2.0), "{total:?}");
    // The page's other tables follow, a sheet each: the months add up to the same total.
    let sheets = book.worksheets();
    assert!(sheets.len() >= 3, "{:?}", sheets.iter().map(|s| s.0.clone()).collect::<Vec<_>>());
    let months: Vec<Vec<Data>> = sheets[1].1.rows().map(|r| r.to_vec()).collect();
    let march = months.iter().find(|r| r.first() == Some(&Data::String("3/2024".into()))).expect("March's row");
    let april = months.iter().find(|r| r.first() == Some(&Data::String("4/2024".into()))).expect("April's row");
    assert_eq!((&march[1], &april[1]), (&Data::Float(2.0), &Data::Float(0.0)), "{months:?}");
}

#[tokio::test]
async fn an_administrator_links_an_account_to_a_person_changes_its_role_and_resets_its_password() {
    for s in sites().await {
        let (admin, csrf) = login(&s.router, "admin", "quan-tri-123").await;
        let sys = Actor::system();
        let bithu = s.app.list_users(&sys).await.unwrap().into_iter().find(|u| u.username == "bithu1").unwrap();
        let (bithu_cookie, _) = login(&s.router, "bithu1", "bi-thu-123").await;
        let page = call(&s.router, get("/admin/users", &admin)).await;
        assert!(page.body.contains(&format!("href=\"/admin/users/{}\"", bithu.id)), "{}", s.engine);
        // A person outside the account's scope is refused, naming the field; one inside is
        // linked and the account becomes a member.
        let at = format!("/admin/users/{}", bithu.id);
        let res = call(&s.router, form(&at, &admin, &format!("csrf={csrf}&role=member&scope_code=H1&person=B1"))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.engine, res.body);
        assert!(res.body.contains("phạm vi của tài khoản"), "{}: {}", s.engine, res.body);
        let res =
            call(&s.router, form(&at, &admin, &format!("csrf={csrf}&role=member&scope_code=CB1&person=A1"))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}: {}", s.engine, res.body);
        let user = s.app.user(&sys, bithu.id).await.unwrap();
        let hoa = s.app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        assert_eq!((user.role, user.person_id), (Role::Member, Some(hoa)), "{}", s.engine);
        let page = call(&s.router, get(&at, &admin)).await;
        assert!(page.body.contains("Đặng Thị Hoa") && page.body.contains("value=\"CB1\""), "{}", s.engine);
        // A reset gives a temporary password once and ends the account's sessions.
        let res = call(&s.router, form(&format!("{at}/password"), &admin, &format!("csrf={csrf}"))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", s.engine);
        let temporary = res.body.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_string();
        assert_eq!(temporary.len(), 12, "{}", s.engine);
        let old = call(&s.router, get("/account", &bithu_cookie)).await;
        assert_eq!(old.status, StatusCode::SEE_OTHER, "{}: the old session ended", s.engine);
        login(&s.router, "bithu1", &temporary).await;
        assert!(s.app.login("bithu1", "bi-thu-123", "t").await.is_err(), "{}: the old password is gone", s.engine);
    }
}

#[tokio::test]
async fn a_cells_page_tells_its_secretary_what_is_due() {
    for s in sites().await {
        let sys = Actor::system();
        let cb1 = s.app.unit_by_code(&sys, "CB1").unwrap().id;
        let (secretary, _) = login(&s.router, "bithu1", "bi-thu-123").await;
        let page = call(&s.router, get(&format!("/units/{cb1}"), &secretary)).await;
        let panel = page.body.split("id=\"secretary\"").nth(1).unwrap_or_else(|| panic!("{}", page.body));
        assert!(
            panel.contains("id=\"record-meeting\"") && panel.contains("Chưa ghi nhận sinh hoạt chi bộ tháng"),
            "{}",
            s.engine
        );
        assert!(!panel.contains("plans-waiting"), "{}: nothing waits yet", s.engine);
        // This month's meeting recorded, and a member's plan for this year submitted.
        let today = s.app.today();
        let meeting = lamtheo_app::conferences::ConferenceInput {
            code: "SH-NAY".into(),
            unit_id: cb1,
            held_on: today,
            title: "Sinh hoạt chi bộ".into(),
            level: "Chi bộ".into(),
            online: false,
            others_count: 0,
            unlisted_members: 0,
            topic_ids: vec![],
            regular_meeting: true,
            study_content: true,
        };
        s.app.create_conference(&sys, meeting).await.unwrap();
        let hoa = s.app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        let member = Actor { role: Role::Member, scope: Some(cb1), person_id: Some(hoa), ..sys.clone() };
        let year = chrono::Datelike::year(&today);
        let plan = lamtheo_domain::plans::PlanKind::YearPlan;
        s.app.save_own_plan(&member, plan, year, "Giúp đỡ hộ nghèo", true).await.unwrap();
        let page = call(&s.router, get(&format!("/units/{cb1}"), &secretary)).await;
        let panel = page.body.split("id=\"secretary\"").nth(1).unwrap().split("</section>").next().unwrap().to_string();
        assert!(panel.contains("Đã ghi nhận sinh hoạt chi bộ tháng"), "{}: {panel}", s.engine);
        assert!(panel.contains("1 kế hoạch, cam kết chờ chi bộ xem xét"), "{}: {panel}", s.engine);
        // A district's page has no such panel.
        let h1 = s.app.unit_by_code(&sys, "H1").unwrap().id;
        assert!(!call(&s.router, get(&format!("/units/{h1}"), &secretary)).await.body.contains("id=\"secretary\""));
    }
}

#[tokio::test]
async fn attendance_starts_from_everyone_present_and_tells_two_people_of_one_name_apart() {
    let s = sites().await.remove(0);
    let sys = Actor::system();
    let cb1 = s.app.unit_by_code(&sys, "CB1").unwrap().id;
    let namesake = lamtheo_domain::people::Person {
        card_no: Some("A2".into()),
        full_name: "Đặng Thị Hoa".into(),
        is_member: true,
        ..Default::default()
    };
    let since = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    s.app.add_person(&sys, lamtheo_app::people::NewPerson { person: namesake, unit_id: cb1, since }).await.unwrap();
    let conference = s.app.conferences_of(&sys, cb1, since, s.app.today()).await.unwrap()[0].id;
    let (secretary, csrf) = login(&s.router, "bithu1", "bi-thu-123").await;
    let page = call(&s.router, get(&format!("/conferences/{conference}"), &secretary)).await;
    let roster = page.body.split("id=\"attendance-form\"").nth(1).unwrap().split("</form>").next().unwrap().to_string();
    assert!(page.body.contains("id=\"not-saved\"") && page.body.contains("/static/attendance.js"));
    assert_eq!(roster.matches("value=\"present\" aria-label").count(), 2, "{roster}");
    assert_eq!(roster.matches("value=\"present\" aria-label=\"Đặng Thị Hoa: Có mặt\" checked").count(), 2, "{roster}");
    assert!(roster.contains("Đặng Thị Hoa <span class=\"muted\">(A1)</span>") && roster.contains("(A2)"), "{roster}");
    // Saved as shown: both present, and the note is gone.
    let ids: Vec<String> = roster.split("name=\"p").skip(1).map(|x| x.split('"').next().unwrap().to_string()).collect();
    let mut body = format!("csrf={csrf}");
    for id in ids.iter().collect::<std::collections::BTreeSet<_>>() {
        body.push_str(&format!("&p{id}=present"));
    }
    let res = call(&s.router, form(&format!("/conferences/{conference}/attendance"), &secretary, &body)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.headers.get(header::LOCATION).unwrap(),
        &format!("/conferences/{conference}?saved=attendance#attendance"),
        "back where the form was"
    );
    let page = call(&s.router, get(&format!("/conferences/{conference}?saved=attendance"), &secretary)).await;
    assert!(page.body.contains("id=\"saved\" role=\"status\">Đã lưu điểm danh: 2 có mặt, 0 vắng."), "{}", page.body);
    assert!(!page.body.contains("id=\"not-saved\""));
    assert!(page.body.contains("id=\"present-count\">2<"), "{}", page.body);
}

#[tokio::test]
async fn a_cells_meeting_form_has_a_date_picker_a_title_and_its_marks() {
    let s = sites().await.remove(0);
    let sys = Actor::system();
    let cb1 = s.app.unit_by_code(&sys, "CB1").unwrap().id;
    let (secretary, _) = login(&s.router, "bithu1", "bi-thu-123").await;
    let today = s.app.today();
    let page = call(&s.router, get(&format!("/units/{cb1}/conferences/new"), &secretary)).await;
    assert!(page.body.contains(&format!("type=\"date\" name=\"held_on\" value=\"{today}\"")), "{}", page.body);
    let title =
        format!("Sinh hoạt chi bộ tháng {}/{}", chrono::Datelike::month(&today), chrono::Datelike::year(&today));
    assert!(page.body.contains(&format!("name=\"title\" value=\"{title}\"")), "{}", page.body);
    assert!(page.body.contains("name=\"regular_meeting\" value=\"1\" checked"));
    // The page of a conference says what kind it is.
    let first = s.app.conferences_of(&sys, cb1, chrono::NaiveDate::MIN, today).await.unwrap()[0].id;
    let page = call(&s.router, get(&format!("/conferences/{first}"), &secretary)).await;
    let marks = page.body.split("id=\"marks\">").nth(1).unwrap().split("</p>").next().unwrap();
    assert!(
        marks.starts_with("Hội nghị học tập, quán triệt") || marks.starts_with("Sinh hoạt chi bộ thường kỳ"),
        "{marks}"
    );
}

/// A form sent by the page's script (forms.js, header `X-Lamtheo-Form`) is answered in JSON:
/// where to go after a save, the error and its field after a refusal, and «sign in again» when
/// the session has ended, so that nothing typed is lost. The same post without the header
/// answers as before; an ended session's post is a page that says so, not a redirect that
/// would drop the form.
#[tokio::test]
async fn a_form_sent_by_the_page_script_is_answered_in_json() {
    for s in sites().await {
        let sys = Actor::system();
        let (cookie, csrf) = login(&s.router, "admin", "quan-tri-123").await;
        let cb1 = s.app.unit_by_code(&sys, "CB1").unwrap().id;
        let scripted = |cookie: &str, body: String| {
            let mut req = form("/conferences", cookie, &body);
            req.headers_mut().insert("x-lamtheo-form", "1".parse().unwrap());
            req
        };
        let res = call(
            &s.router,
            scripted(&cookie, format!("csrf={csrf}&unit_id={cb1}&held_on=31/11/2026&title=H%E1%BB%8Dc&others_count=5")),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", s.engine, res.body);
        let e = &res.json()["error"];
        assert_eq!(e["field"], "held_on", "{}: {e}", s.engine);
        assert!(e["message"].as_str().unwrap().contains("tháng 11/2026 chỉ có 30 ngày"), "{}: {e}", s.engine);
        assert_eq!(e["login"], false);
        let res = call(
            &s.router,
            scripted(&cookie, format!("csrf={csrf}&unit_id={cb1}&held_on=30/11/2026&title=H%E1%BB%8Dc&others_count=x")),
        )
        .await;
        assert_eq!(res.json()["error"]["field"], "others_count", "{}: {}", s.engine, res.body);
        // A save: where to go, which the script opens.
        let res = call(
            &s.router,
            scripted(&cookie, format!("csrf={csrf}&unit_id={cb1}&held_on=30/10/2026&title=H%E1%BB%8Dc&others_count=5")),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.engine, res.body);
        let to = res.json()["location"].as_str().unwrap().to_string();
        assert!(to.starts_with("/conferences/") && to.ends_with("?saved=conference#attendance"), "{to}");
        // The session ends while a form is open: the script is told to sign in again; a
        // browser without it gets a page saying so (401), not a redirect.
        let body = format!("csrf={csrf}&unit_id={cb1}&held_on=29/10/2026&title=Sau&others_count=1");
        let res = call(&s.router, scripted("lt_session=ended", body.clone())).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", s.engine);
        assert_eq!(res.json()["error"]["login"], true, "{}: {}", s.engine, res.body);
        let res = call(&s.router, form("/conferences", "lt_session=ended", &body)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", s.engine);
        assert!(res.body.contains("Cần đăng nhập") && res.body.contains("href=\"/login\""), "{}", s.engine);
        // Signing in from the script: the session's cookie and its form token come back.
        let page = call(&s.router, get("/login", "")).await;
        let login_cookie = page.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap();
        let login_csrf = page.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut req = form("/login", login_cookie, &format!("csrf={login_csrf}&username=admin&password=quan-tri-123"));
        req.headers_mut().insert("x-lamtheo-form", "1".parse().unwrap());
        let res = call(&s.router, req).await;
        assert_eq!(res.status, StatusCode::OK, "{}: {}", s.engine, res.body);
        let session = res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap();
        let token = res.headers.get("x-csrf-token").unwrap().to_str().unwrap();
        let resent = body.replace(&csrf, token);
        let res = call(&s.router, scripted(session, resent)).await;
        assert!(
            res.json()["location"].as_str().is_some(),
            "{}: the form, sent again, is saved: {}",
            s.engine,
            res.body
        );
        // A wrong password, from the script: why, in a sentence.
        let page = call(&s.router, get("/login", "")).await;
        let login_cookie = page.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap();
        let login_csrf = page.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut req = form("/login", login_cookie, &format!("csrf={login_csrf}&username=admin&password=sai"));
        req.headers_mut().insert("x-lamtheo-form", "1".parse().unwrap());
        let res = call(&s.router, req).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", s.engine);
        assert!(res.json()["error"]["message"].as_str().unwrap().contains("Sai tên đăng nhập"), "{}", s.engine);
    }
}

/// The covenant's score bands and the ratings by level are drawn, each with its table.
#[tokio::test]
async fn covenant_bands_and_rating_levels_are_drawn_with_their_tables() {
    use lamtheo_domain::covenant::{Campaign, ContentGroup, Score, Signatory};
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let sys = Actor::system();
    let (t, h1, h2) = ["T", "H1", "H2"].map(|c| s.app.unit_by_code(&sys, c).unwrap().id).into();
    let groups = vec![ContentGroup { title: "Học tập".into(), max_score: 10 }];
    let campaign = Campaign { id: 0, unit_id: t, title: "Giao ước 2024".into(), year: 2024, groups };
    let id = s.app.create_covenant(&sys, campaign, &[h1, h2]).await.unwrap();
    for u in [h1, h2] {
        s.app.sign_covenant(&sys, id, Signatory { unit_id: u, signed_on: None, pilot: false }).await.unwrap();
    }
    let scores = [Score { unit_id: h1, group: 0, score: 9 }, Score { unit_id: h2, group: 0, score: 6 }];
    s.app.score_covenant(&sys, id, &scores).await.unwrap();
    let page = call(&s.router, get(&format!("/covenants/{id}"), &admin)).await.body;
    let table = page.split("id=\"band-chart-table\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert!(table.contains("Từ 90% số điểm</th><td class=\"num\">1</td><td class=\"num\">1 (50%)"), "{table}");
    assert!(table.contains("Dưới 70%</th><td class=\"num\">1</td>"), "{table}");
    assert!(page.contains("aria-label=\"Huyện ủy Bến Lức: Học tập\""), "each score input is named");
    // The ranking downloads with the units' names.
    use calamine::{Data, Reader};
    let (status, _, bytes) = bytes_of(&s.router, get(&format!("/covenants/{id}/ranking.xlsx"), &admin)).await;
    assert_eq!(status, StatusCode::OK);
    let mut book = calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let first =
        sheet.rows().find(|r| r.get(1) == Some(&Data::String("Huyện ủy Bến Lức".into()))).expect("a row by name");
    assert_eq!((&first[0], first.last().unwrap()), (&Data::String("1".into()), &Data::Float(9.0)), "{first:?}");
    // The ratings' tables download too.
    let (status, _, _) = bytes_of(&s.router, get(&format!("/units/{t}/evaluations.xlsx?year=2024"), &admin)).await;
    assert_eq!(status, StatusCode::OK);
    // Nobody is rated yet: no rating chart; the page says nothing it cannot draw.
    let page = call(&s.router, get(&format!("/units/{t}/evaluations?year=2024"), &admin)).await.body;
    assert!(!page.contains("id=\"rating-members-svg\""));
}

/// A long list of records is found by words and shown fifty at a time.
#[tokio::test]
async fn a_long_record_list_is_searched_and_paged() {
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let sys = Actor::system();
    let t = s.app.unit_by_code(&sys, "T").unwrap().id;
    let mut file = String::from("Mã mô hình,Tên mô hình,Loại,Đơn vị sở hữu,Ngày đăng ký,Tình trạng\n");
    for i in 1..=60 {
        let name = if i == 42 { "Dân vận khéo ở ấp Đông".to_string() } else { format!("Mô hình số {i}") };
        file += &format!("MH-{i:03},{name},Mô hình,H1,01/03/2024,Đăng ký\n");
    }
    let kind = Kind::from_slug("models").unwrap();
    s.app.import(&sys, kind, "m.csv", file.as_bytes(), &|_, _, _| {}).await.unwrap();
    let list = |q: &str| call(&s.router, get(&format!("/units/{t}/records/models{q}"), &admin));
    let rows = |body: &str| {
        body.split("id=\"records\"")
            .nth(1)
            .map_or(0, |t| t.split("</table>").next().unwrap().matches("<tr>").count() - 1)
    };
    let page = list("").await.body;
    assert_eq!(rows(&page), 50, "the first page");
    assert!(page.contains("60 bản ghi") && page.contains("trang 1/2") && page.contains("page=2#records"));
    let page = list("?page=2").await.body;
    assert_eq!(rows(&page), 10, "the rest");
    // Words found without their accents: "dan van kheo" finds «Dân vận khéo».
    let page = list("?q=dan+van+kheo").await.body;
    assert_eq!(rows(&page), 1);
    assert!(page.contains("Dân vận khéo ở ấp Đông") && page.contains("1 bản ghi"));
    // The audit log names the kind of record and its choices in words, not their codes.
    let audit = call(&s.router, get("/audit?entity=model", &admin)).await.body;
    let rows = audit.split("id=\"audit\"").nth(1).unwrap();
    assert!(rows.contains("Mô hình") && !rows.contains("mo_hinh") && !rows.contains(">model<"), "{rows}");
}

/// The English pages write numbers the English way and name attendance statuses and roles in
/// English; the Vietnamese pages keep 1.250 and 70,1%.
#[tokio::test]
async fn english_pages_write_numbers_and_statuses_in_english() {
    let s = sites().await.remove(0);
    let (admin, _) = login(&s.router, "admin", "quan-tri-123").await;
    let sys = Actor::system();
    let t = s.app.unit_by_code(&sys, "T").unwrap().id;
    let file = "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị,Số lượt đoàn viên, hội viên, nhân dân\nHN-E,CB1,06/03/2024,Học tập,1250\n";
    let file = file.replace("Số lượt đoàn viên, hội viên, nhân dân", "\"Số lượt đoàn viên, hội viên, nhân dân\"");
    s.app.import(&sys, Kind::Conferences, "c.csv", file.as_bytes(), &|_, _, _| {}).await.unwrap();
    let path = format!("/units/{t}?from=1/2024&to=12/2024");
    let vi = call(&s.router, get(&path, &admin)).await.body;
    let en = call(&s.router, get(&path, &format!("{admin}; lang=en"))).await.body;
    let figure =
        |body: &str| body.split("id=\"fig-other-att\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!((figure(&vi), figure(&en)), ("1.250".to_string(), "1,250".to_string()));
    assert!(en.contains("Study results"), "the English page");
    let conf = s
        .app
        .conferences_of(
            &sys,
            s.app.unit_by_code(&sys, "CB1").unwrap().id,
            chrono::NaiveDate::from_ymd_opt(2024, 3, 6).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2024, 3, 6).unwrap(),
        )
        .await
        .unwrap()[0]
        .id;
    let page = call(&s.router, get(&format!("/conferences/{conf}"), &format!("{admin}; lang=en"))).await.body;
    assert!(
        page.contains(">Present<") && page.contains(">Excused<") && !page.contains(">present<"),
        "statuses named in English"
    );
    let page = call(&s.router, get("/admin/users", &format!("{admin}; lang=en"))).await.body;
    assert!(page.contains(">Administrator<") && page.contains(">Secretary<"), "roles named in English");
}
