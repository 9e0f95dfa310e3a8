//! Faults through the real router: a panicking or hanging handler, and the framework's own
//! rejections, all answer with the usual error (JSON under /api, the error page elsewhere).
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_importer::Kind;
use serde_json::Value;
use tower::ServiceExt;

const UNITS: &str = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập
T,Tỉnh ủy Long An,tinh_uy,,01/01/2000
CB1,Chi bộ ấp 1,chi_bo,T,01/01/2000
";

/// An application with one administrator, and a bearer token for them.
async fn site() -> (App, String) {
    site_on(&lamtheo_store::testing::fresh_databases().await.remove(0).1).await
}

async fn site_on(url: &str) -> (App, String) {
    let app = App::open(url).await.unwrap();
    let sys = Actor::system();
    app.import(&sys, Kind::Units, "u.csv", UNITS.as_bytes(), &|_, _, _| {}).await.unwrap();
    let admin = NewUser {
        username: "admin".into(),
        password: "quan-tri-123".into(),
        role: Role::Admin,
        scope_unit_id: None,
        person_id: None,
    };
    app.add_user(&sys, admin).await.unwrap();
    let actor = app.session(&app.login("admin", "quan-tri-123", "t").await.unwrap().token).await.unwrap().unwrap().0;
    let (_, token) = app.create_token(&actor, "ci").await.unwrap();
    (app, token)
}

struct Res {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Res {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.body))
    }
    /// The error's code, checking the whole shape: `field` is absent or a string, never null.
    fn code(&self) -> String {
        let v = self.json();
        let e = &v["error"];
        assert!(e["message"].is_string() && e["message_en"].is_string(), "{v}");
        assert!(e.get("field").is_none_or(Value::is_string), "field is not a string: {v}");
        e["code"].as_str().unwrap_or_else(|| panic!("no code: {v}")).to_string()
    }
    fn is_error_page(&self) -> bool {
        self.content_type.starts_with("text/html") && self.body.contains("class=\"error\"")
    }
}

async fn call(router: &Router, req: Request<Body>) -> Res {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let content_type =
        res.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
    Res { status, content_type, body: String::from_utf8_lossy(&bytes).into_owned() }
}

fn bearer(req: axum::http::request::Builder, token: &str) -> axum::http::request::Builder {
    req.header(header::AUTHORIZATION, format!("Bearer {token}"))
}

async fn boom() -> &'static str {
    panic!("deliberate panic in a test route")
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(30)).await;
    "late"
}

#[tokio::test]
async fn a_panicking_or_hanging_handler_answers_the_usual_error_and_the_server_keeps_serving() {
    let (app, token) = site().await;
    let extra = Router::new()
        .route("/api/v1/boom", get(boom))
        .route("/boom", get(boom))
        .route("/api/v1/slow", get(slow))
        .route("/slow", get(slow));
    // Long enough for a login's password hashing in a debug build on a busy machine.
    let limit = Duration::from_secs(3);
    let opts = lamtheo_web::Options { request_timeout: limit, extra, ..Default::default() };
    let router = lamtheo_web::router_with(app, opts);

    let res = call(&router, Request::get("/api/v1/boom").body(Body::empty()).unwrap()).await;
    assert_eq!((res.status, res.code().as_str()), (StatusCode::INTERNAL_SERVER_ERROR, "internal"), "{}", res.body);
    assert!(!res.body.contains("deliberate"), "the panic's text reached the client: {}", res.body);
    let res = call(&router, Request::get("/boom").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(res.is_error_page(), "{}", res.body);

    let started = std::time::Instant::now();
    let res = call(&router, Request::get("/api/v1/slow").body(Body::empty()).unwrap()).await;
    assert_eq!((res.status, res.code().as_str()), (StatusCode::SERVICE_UNAVAILABLE, "timeout"), "{}", res.body);
    assert!(started.elapsed() < limit * 3);
    let res = call(&router, Request::get("/slow").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.is_error_page(), "{}", res.body);

    // An upload to the import page only receives the file, however slowly it comes: the
    // limit does not cut it off (the import itself runs in the background).
    let (cookie, _) = login(&router).await;
    let page =
        call(&router, Request::get("/imports").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    let csrf = page.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let part = |name: &str, extra: &str, value: &str| {
        format!("--XX\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n{value}\r\n")
    };
    let head = part("csrf", "", &csrf) + &part("kind", "", "units");
    let file = part("file", "; filename=\"u.csv\"", UNITS) + "--XX--\r\n";
    let chunks = futures_util::stream::unfold(0, move |i| {
        let (head, file) = (head.clone(), file.clone());
        async move {
            match i {
                0 => Some((Ok::<_, std::io::Error>(head.into_bytes()), 1)),
                1 => {
                    tokio::time::sleep(limit + Duration::from_secs(1)).await;
                    Some((Ok(file.into_bytes()), 2))
                }
                _ => None,
            }
        }
    });
    let res = call(
        &router,
        Request::post("/imports")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XX")
            .body(Body::from_stream(chunks))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Still serving, pages and API.
    let res = call(&router, bearer(Request::get("/api/v1/me"), &token).body(Body::empty()).unwrap()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = call(&router, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn the_frameworks_own_rejections_are_the_json_error_under_the_api_and_the_error_page_elsewhere() {
    let (app, token) = site().await;
    let router = lamtheo_web::router(app, false);
    let api = |req: axum::http::request::Builder| bearer(req, &token);

    // A path id that is not a number.
    let res = call(&router, api(Request::get("/api/v1/units/abc")).body(Body::empty()).unwrap()).await;
    assert_eq!((res.status, res.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"), "{}", res.body);
    // An unknown route and a method the route does not have.
    let res = call(&router, api(Request::get("/api/v1/nothing/here")).body(Body::empty()).unwrap()).await;
    assert_eq!((res.status, res.code().as_str()), (StatusCode::NOT_FOUND, "not_found"), "{}", res.body);
    let res = call(&router, api(Request::delete("/api/v1/units")).body(Body::empty()).unwrap()).await;
    assert_eq!(
        (res.status, res.code().as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        "{}",
        res.body
    );
    // Malformed JSON, a wrong content type, a bad query string.
    let json = |body: &str, ct: &str| {
        api(Request::post("/api/v1/units")).header(header::CONTENT_TYPE, ct).body(Body::from(body.to_string())).unwrap()
    };
    let res = call(&router, json("{not json", "application/json")).await;
    assert_eq!((res.status, res.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"), "{}", res.body);
    let res = call(&router, json("{}", "text/plain")).await;
    assert_eq!((res.status, res.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"), "{}", res.body);
    let res = call(&router, api(Request::get("/api/v1/audit?before=x")).body(Body::empty()).unwrap()).await;
    assert_eq!((res.status, res.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"), "{}", res.body);
    // A body over the limit.
    let big = vec![b'a'; 65 * 1024 * 1024];
    let res =
        call(&router, api(Request::post("/api/v1/imports/people?file=x.csv")).body(Body::from(big)).unwrap()).await;
    assert_eq!((res.status, res.code().as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "too_large"), "{}", res.body);
    // An error without a field has no `field` at all; one with a field names it.
    let res = call(&router, api(Request::get("/api/v1/units/999999")).body(Body::empty()).unwrap()).await;
    assert_eq!(res.code(), "not_found");
    assert!(res.json()["error"].get("field").is_none(), "{}", res.body);

    // Pages: the error page, in the visitor's language.
    let (cookie, _) = login(&router).await;
    let page = |path: &str| Request::get(path).header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
    let res = call(&router, page("/units/abc")).await;
    assert!(res.status.is_client_error() && res.is_error_page(), "{}: {}", res.status, res.body);
    let res = call(&router, page("/no/such/page")).await;
    assert!(res.status == StatusCode::NOT_FOUND && res.is_error_page(), "{}: {}", res.status, res.body);
    let res = call(
        &router,
        Request::get("/no/such/page").header(header::COOKIE, format!("{cookie}; lang=en")).body(Body::empty()).unwrap(),
    )
    .await;
    assert!(res.body.contains("Not found"), "{}", res.body);
}

/// Logs in as the administrator through the page; returns the cookie header.
async fn login(router: &Router) -> (String, StatusCode) {
    // The login form carries its own CSRF token: a cookie and a hidden field.
    let page = router.clone().oneshot(Request::get("/login").body(Body::empty()).unwrap()).await.unwrap();
    let cookie =
        page.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    let body = axum::body::to_bytes(page.into_body(), 1 << 20).await.unwrap();
    let body = String::from_utf8_lossy(&body);
    let csrf = body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    let res = router
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, cookie)
                .body(Body::from(format!("username=admin&password=quan-tri-123&csrf={csrf}")))
                .unwrap(),
        )
        .await
        .unwrap();
    let set = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    (set.split(';').next().unwrap().to_string(), res.status())
}

#[tokio::test]
async fn dates_are_read_in_either_form_everywhere_and_a_bad_one_names_its_parameter() {
    // Both engines: the dates are stored, not only parsed.
    for (_, url) in lamtheo_store::testing::fresh_databases().await {
        let (app, token) = site_on(&url).await;
        let cb1 = app.unit_by_code(&Actor::system(), "CB1").unwrap().id;
        let router = lamtheo_web::router(app, false);
        let get = |path: String| bearer(Request::get(path), &token).body(Body::empty()).unwrap();
        let post = |path: String, body: Value| {
            bearer(Request::post(path), &token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let field = |res: &Res| res.json()["error"]["field"].as_str().map(str::to_string);

        // Query strings.
        for as_of in ["1/6/2024", "01/06/2024", "2024-06-01"] {
            let res = call(&router, get(format!("/api/v1/units/{cb1}?as_of={as_of}"))).await;
            assert_eq!(res.status, StatusCode::OK, "as_of={as_of}: {}", res.body);
            let res = call(&router, get(format!("/api/v1/units/{cb1}/members?on={as_of}"))).await;
            assert_eq!(res.status, StatusCode::OK, "on={as_of}: {}", res.body);
        }
        let res = call(&router, get(format!("/api/v1/units/{cb1}?as_of=31/02/2024"))).await;
        assert_eq!(
            (res.status, field(&res).as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("as_of")),
            "{}",
            res.body
        );
        let res = call(&router, get(format!("/api/v1/units/{cb1}/conferences?from=2024-01-01&to=hôm-nay"))).await;
        assert_eq!(
            (res.status, field(&res).as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("to")),
            "{}",
            res.body
        );

        // JSON bodies: the API's own and the domain's.
        let res = call(
            &router,
            post(format!("/api/v1/units/{cb1}/rename"), serde_json::json!({"name": "Chi bộ 1", "on": "16/5/2024"})),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let res = call(
            &router,
            post(format!("/api/v1/units/{cb1}/rename"), serde_json::json!({"name": "Chi bộ 1", "on": "16.5.24"})),
        )
        .await;
        assert_eq!(
            (res.status, field(&res).as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("on")),
            "{}",
            res.body
        );
        let person = |birth: &str, since: &str| {
            serde_json::json!({"id": 0, "full_name": "Lê Văn Tám", "card_no": format!("TH-{since}"), "is_member": true,
                "key_cadre": false, "head_of_unit": false, "birth_date": birth, "unit_id": cb1, "since": since})
        };
        let res = call(&router, post("/api/v1/people".into(), person("5/3/1980", "01/01/2020"))).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let id = res.json()["id"].as_i64().unwrap();
        let res = call(&router, get(format!("/api/v1/people/{id}"))).await;
        assert_eq!(res.json()["person"]["birth_date"], "1980-03-05", "dates are written ISO: {}", res.body);
        let res = call(&router, post("/api/v1/people".into(), person("1980-03-05", "99/99/2020"))).await;
        assert_eq!(
            (res.status, field(&res).as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("since")),
            "{}",
            res.body
        );
    }
}

#[tokio::test]
async fn units_are_found_by_their_exact_code() {
    let (app, token) = site().await;
    let router = lamtheo_web::router(app, false);
    let codes = |res: Res| -> Vec<String> {
        res.json().as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap().to_string()).collect()
    };
    let get = |path: &str| bearer(Request::get(path), &token).body(Body::empty()).unwrap();
    assert_eq!(codes(call(&router, get("/api/v1/units?code=CB1")).await), ["CB1"]);
    // "C" is part of "CB1" (a search would find it) but no unit's code.
    assert!(codes(call(&router, get("/api/v1/units?q=C")).await).contains(&"CB1".to_string()));
    assert!(codes(call(&router, get("/api/v1/units?code=C")).await).is_empty());
}

/// A body with only what the OpenAPI document marks required is accepted: ids are given by
/// the database and flags default to false (these once had to be sent).
#[tokio::test]
async fn bodies_need_only_the_fields_the_document_requires() {
    let (app, token) = site().await;
    let cb1 = app.unit_by_code(&Actor::system(), "CB1").unwrap().id;
    let router = lamtheo_web::router(app, false);
    let post = |path: &str, body: String| {
        bearer(Request::post(path), &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let person = format!(r#"{{"full_name":"Lò Văn Tú","card_no":"T-1","unit_id":{cb1},"since":"1/1/2020"}}"#);
    let res = call(&router, post("/api/v1/people", person)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = call(&router, post("/api/v1/topics", r#"{"code":"CD-1","title":"Chuyên đề","year":2025}"#.into())).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = call(&router, post("/api/v1/docs", r#"{"code":"01-KL/TW","title":"Kết luận 01"}"#.into())).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

/// A query parameter left empty (`?year=`, as a form sends a field left blank) takes its
/// default instead of failing to parse.
#[tokio::test]
async fn an_empty_query_parameter_is_no_parameter() {
    let (app, token) = site().await;
    let cb1 = app.unit_by_code(&Actor::system(), "CB1").unwrap().id;
    let router = lamtheo_web::router(app, false);
    let get = |path: String| bearer(Request::get(path), &token).body(Body::empty()).unwrap();
    for path in [
        format!("/api/v1/units/{cb1}/figures?from=&to=&as_of="),
        format!("/api/v1/units/{cb1}/conferences?from=&to="),
        format!("/api/v1/units/{cb1}/plans?year="),
        "/api/v1/audit?before=&who=".to_string(),
    ] {
        let res = call(&router, get(path.clone())).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    }
    // A value that is there and wrong is still named.
    let res = call(&router, get(format!("/api/v1/units/{cb1}/plans?year=abc"))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "year", "{}", res.body);
}
