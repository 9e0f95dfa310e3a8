//! A change of a person's post (position, key cadre, head of unit) from a day, through the
//! person's form and the API: a date that is none is refused naming the field (422), a date
//! before the current post began too (409); a good one ends the post and starts the next, which
//! the person's page and the API's person show.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_importer::Kind;
use serde_json::{json, Value};
use tower::ServiceExt;

const UNITS: &str = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập
T,Tỉnh ủy Long An,tinh_uy,,01/01/2000
CB1,Chi bộ ấp 1,chi_bo,T,01/01/2000
";
const PEOPLE: &str = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Ngày bắt đầu sinh hoạt,Chức vụ,Cán bộ chủ chốt
A1,Đặng Thị Hoa,CB1,01/01/2015,Bí thư chi bộ,Có
B1,Trần Văn Bình,CB1,01/01/2015,,
";

struct Res {
    status: StatusCode,
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
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
    Res { status, body: String::from_utf8_lossy(&bytes).into_owned() }
}

#[tokio::test]
async fn the_form_and_the_api_record_a_change_of_post_and_refuse_bad_dates() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let sys = Actor::system();
        let quiet = |_: &str, _: u64, _: u64| {};
        app.import(&sys, Kind::Units, "u.csv", UNITS.as_bytes(), &quiet).await.unwrap();
        app.import(&sys, Kind::People, "p.csv", PEOPLE.as_bytes(), &quiet).await.unwrap();
        let user = NewUser {
            username: "admin".into(),
            password: "quan-tri-123".into(),
            role: Role::Admin,
            scope_unit_id: None,
            person_id: None,
        };
        app.add_user(&sys, user).await.unwrap();
        let admin = app.account_actor("admin").await.unwrap();
        let (_, token) = app.create_token(&admin, "tests").await.unwrap();
        let session = app.login("admin", "quan-tri-123", "127.0.0.1").await.unwrap();
        let cookie = format!("lt_session={}", session.token);
        let router = lamtheo_web::router(app.clone(), false);
        let hoa = app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        let binh = app.search_people(&sys, "tran van binh", None, 1).await.unwrap()[0].id;
        let api = |method: &str, path: String, body: Value| {
            Request::builder()
                .method(method)
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let form = |path: String, body: &str| {
            Request::post(path)
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={}&{body}", session.csrf)))
                .unwrap()
        };
        let error = |r: &Res| {
            let e = r.json()["error"].clone();
            (r.status, e["code"].as_str().unwrap_or("").to_string(), e["field"].as_str().unwrap_or("").to_string())
        };

        // The API: a change of post from a day that is none, or before the post began.
        let change = |from: &str| json!({"post_from": from, "position": "Đảng viên", "key_cadre": false});
        let r = call(&router, api("POST", format!("/api/v1/people/{hoa}/posts"), change("31/02/2026"))).await;
        assert_eq!(
            error(&r),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input".into(), "post_from".into()),
            "{engine}"
        );
        let r = call(&router, api("POST", format!("/api/v1/people/{hoa}/posts"), change("31/12/2014"))).await;
        assert_eq!(error(&r), (StatusCode::CONFLICT, "conflict".into(), "post_from".into()), "{engine}: {}", r.body);
        let e = &r.json()["error"];
        assert!(e["message"].as_str().unwrap().contains("1/1/2015"), "{engine}: in Vietnamese: {e}");
        assert!(e["message_en"].as_str().unwrap().contains("before the current post began"), "{engine}: {e}");
        // The person's update: the same field and rule.
        let update = |from: &str| {
            json!({
                "full_name": "Đặng Thị Hoa", "card_no": "A1", "is_member": true,
                "position": "Đảng viên", "key_cadre": false, "post_from": from
            })
        };
        let r = call(&router, api("PUT", format!("/api/v1/people/{hoa}"), update("2026-13-01"))).await;
        assert_eq!(
            error(&r),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input".into(), "post_from".into()),
            "{engine}"
        );
        let r = call(&router, api("PUT", format!("/api/v1/people/{hoa}"), update("2014-06-30"))).await;
        assert_eq!(error(&r), (StatusCode::CONFLICT, "conflict".into(), "post_from".into()), "{engine}");
        // A good day: Hoa leaves the post on 1/5/2026; the person answers the history.
        let r = call(&router, api("PUT", format!("/api/v1/people/{hoa}"), update("01/05/2026"))).await;
        assert_eq!(r.status, StatusCode::OK, "{engine}: {}", r.body);
        let r = call(&router, api("GET", format!("/api/v1/people/{hoa}"), Value::Null)).await;
        let posts = r.json()["posts"].clone();
        let held: Vec<(Value, Value, Value)> = posts
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["valid_from"].clone(), p["valid_to"].clone(), p["key_cadre"].clone()))
            .collect();
        assert_eq!(
            held,
            [(json!("2015-01-01"), json!("2026-05-01"), json!(true)), (json!("2026-05-01"), Value::Null, json!(false))],
            "{engine}: {posts}"
        );
        // Without a day, from today.
        let r = call(&router, api("POST", format!("/api/v1/people/{binh}/posts"), json!({"head_of_unit": true}))).await;
        assert_eq!(r.status, StatusCode::OK, "{engine}: {}", r.body);
        let posts = app.person(&sys, binh).await.unwrap().posts;
        assert_eq!((posts.len(), posts[1].valid_from, posts[1].head_of_unit), (2, app.today(), true), "{engine}");

        // The person's form: the same refusals, in the page's language, and then the change.
        let fields =
            "full_name=Tr%E1%BA%A7n+V%C4%83n+B%C3%ACnh&card_no=B1&is_member=1&position=Tr%C6%B0%E1%BB%9Fng+%E1%BA%A5p";
        let r = call(&router, form(format!("/people/{binh}"), &format!("{fields}&post_from=30/02/2026"))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}");
        assert!(
            r.body.contains("30/02/2026") && r.body.contains("tháng 2/2026 chỉ có 28 ngày"),
            "{engine}: {}",
            r.body
        );
        let early = app.today().pred_opt().unwrap().format("%d/%m/%Y");
        let r = call(&router, form(format!("/people/{binh}"), &format!("{fields}&post_from={early}"))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{engine}");
        assert!(r.body.contains("trước ngày bắt đầu chức vụ hiện tại"), "{engine}: {}", r.body);
        let later = app.today().succ_opt().unwrap();
        let r =
            call(&router, form(format!("/people/{binh}"), &format!("{fields}&post_from={}", later.format("%d/%m/%Y"))))
                .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
        let posts = app.person(&sys, binh).await.unwrap().posts;
        assert_eq!(posts.len(), 3, "{engine}: {posts:?}");
        assert_eq!((posts[2].valid_from, posts[2].position.as_deref()), (later, Some("Trưởng ấp")), "{engine}");
        // The page shows the posts held, the form the day a change takes effect.
        let page = Request::get(format!("/people/{hoa}")).header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
        let page = call(&router, page).await;
        assert!(page.body.contains("Quá trình giữ chức vụ"), "{engine}");
        let history = page.body.split("id=\"posts\"").nth(1).unwrap().split("</table>").next().unwrap();
        assert!(history.contains("1/1/2015") && history.contains("1/5/2026"), "{engine}: {history}");
        assert!(history.contains("Bí thư chi bộ") && history.contains("Đảng viên"), "{engine}: {history}");
        assert!(page.body.contains("name=\"post_from\""), "{engine}");
    }
}
