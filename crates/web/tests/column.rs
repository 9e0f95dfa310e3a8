//! The public column through the real router, without an account: only what is published
//! shows; a reader's feedback passes the robot check, waits for moderation, and shows its
//! name and content — never the email — once a staff member publishes it.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::records::articles::{ARTICLES, FEEDBACK};
use lamtheo_importer::Kind;
use serde_json::json;
use tower::ServiceExt;

const UNITS: &str = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập
T,Tỉnh ủy Lai Châu,tinh_uy,,01/01/2000
CB1,Chi bộ bản Nậm Cầy,chi_bo,T,01/01/2000
";

async fn call(router: &Router, req: Request<Body>) -> (StatusCode, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn article(code: &str, title: &str, status: &str) -> serde_json::Value {
    json!({
        "code": code, "title": title, "summary": "Sa-pô", "body": "Đoạn một.\n\nĐoạn hai.",
        "field": "Gương điển hình", "unit": "T", "status": status, "published_on": "2025-05-19",
        "exemplars": ["DH-1"],
    })
}

/// The robot check's token and the answer to its sum, read off the page.
fn answer_of(page: &str) -> (String, String) {
    let token = page.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let question = page.split(" cộng ").collect::<Vec<_>>();
    let a: u32 = question[0].rsplit(['>', ' ', '\n']).next().unwrap().trim().parse().unwrap();
    let b: u32 = question[1].split(' ').next().unwrap().parse().unwrap();
    (token, (a + b).to_string())
}

fn send(code: &str, body: String) -> Request<Body> {
    Request::post(format!("/column/{code}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn the_public_column_shows_only_what_is_published() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let sys = Actor::system();
        app.import(&sys, Kind::Units, "u.csv", UNITS.as_bytes(), &|_, _, _| {}).await.unwrap();
        let exemplar = json!({"code": "DH-1", "subject": "tap_the", "name": "Bản Nậm Cầy", "unit": "T",
                              "achievement": "Đoàn kết xây dựng bản văn hóa", "on": "2025-05-19"});
        app.save_record(&sys, &lamtheo_domain::records::recognitions::EXEMPLARS, &exemplar).await.unwrap();
        app.save_record(&sys, &ARTICLES, &article("nam-cay", "Bản Nậm Cầy đón Bằng khen", "published")).await.unwrap();
        app.save_record(&sys, &ARTICLES, &article("ban-nhap", "Bài chưa đăng", "draft")).await.unwrap();
        let router = lamtheo_web::router(app.clone(), false);

        let (status, list) = call(&router, get("/column")).await;
        assert_eq!(status, StatusCode::OK, "{engine}: the list needs no account");
        assert!(list.contains("Bản Nậm Cầy đón Bằng khen") && !list.contains("Bài chưa đăng"), "{engine}: {list}");
        let (status, _) = call(&router, get("/column/ban-nhap")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine}: a draft is not found");
        let (_, by_field) = call(&router, get("/column?field=G%C6%B0%C6%A1ng%20%C4%91i%E1%BB%83n%20h%C3%ACnh")).await;
        assert!(by_field.contains("nam-cay"), "{engine}: by field");
        let (_, feed) = call(&router, get("/column/feed.xml")).await;
        assert!(
            feed.contains("<entry><title>Bản Nậm Cầy đón Bằng khen</title>") && !feed.contains("Bài chưa đăng"),
            "{engine}: {feed}"
        );

        // A reader's message: a wrong answer keeps what was typed; a right one, sent after a
        // few seconds, waits for moderation.
        let (_, page) = call(&router, get("/column/nam-cay")).await;
        assert!(
            page.contains("<li><strong>Bản Nậm Cầy</strong>: Đoàn kết xây dựng bản văn hóa</li>"),
            "{engine}: the exemplars the article is about: {page}"
        );
        let (token, answer) = answer_of(&page);
        let typed = "name=B%E1%BA%A1n%20%C4%91%E1%BB%8Dc&email=ban.doc%40example.vn&content=R%E1%BA%A5t%20hay";
        let (status, again) = call(&router, send("nam-cay", format!("{typed}&token={token}&answer=999"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: wrong answer");
        assert!(again.contains("feedback-error") && again.contains("Rất hay"), "{engine}: the text is kept");
        let (status, _) =
            call(&router, send("nam-cay", format!("{typed}&token={token}&answer={answer}&website=x"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{engine}: the hidden field filled in is a robot");
        tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
        // Sent to the server started again (or to another server of the same database): the
        // form it showed before still counts.
        let restarted = lamtheo_web::router(App::open(&url).await.unwrap(), false);
        let (status, _) = call(&restarted, send("nam-cay", format!("{typed}&token={token}&answer={answer}"))).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{engine}: sent");
        let (_, page) = call(&router, get("/column/nam-cay")).await;
        assert!(!page.contains("Rất hay"), "{engine}: waiting for moderation");

        // A staff member publishes and answers it: name and content show, never the email.
        let id = app
            .records_of(&sys, &ARTICLES, app.unit_by_code(&sys, "T").unwrap().id)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.body["code"] == "nam-cay")
            .unwrap()
            .id;
        let mut f = app.records_under(&sys, id).await.unwrap().into_iter().find(|r| r.kind == FEEDBACK.slug).unwrap();
        assert_eq!(
            (f.body["status"].as_str(), f.body["email"].as_str()),
            (Some("pending"), Some("ban.doc@example.vn"))
        );
        f.body["status"] = "published".into();
        f.body["answer"] = "Cảm ơn bạn".into();
        app.update_record(&sys, f.id, &f.body).await.unwrap();
        let (_, page) = call(&router, get("/column/nam-cay")).await;
        assert!(
            page.contains("Bạn đọc") && page.contains("Rất hay") && page.contains("Cảm ơn bạn"),
            "{engine}: published"
        );
        assert!(!page.contains("example.vn"), "{engine}: never the email");
        assert!(page.contains("href=\"/column?unit=T\">Tỉnh ủy Lai Châu</a>"), "{engine}: the publishing unit, linked");
        let (_, by_unit) = call(&router, get("/column?unit=T")).await;
        assert!(by_unit.contains("nam-cay"), "{engine}: by unit");

        // Five messages from one address in the window, then "try again later".
        let mut last = StatusCode::OK;
        for _ in 0..6 {
            let (_, page) = call(&router, get("/column/nam-cay")).await;
            let (token, _) = answer_of(&page);
            last = call(&router, send("nam-cay", format!("{typed}&token={token}&answer=0"))).await.0;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{engine}: rate-limited per address");
    }
}

/// An image shows only once a published article names it; only PNG, JPEG or WebP of at most
/// 2 MB are kept, and an account that may not write there is refused before reading.
#[tokio::test]
async fn an_image_is_public_only_in_a_published_article() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let sys = Actor::system();
        app.import(&sys, Kind::Units, "u.csv", UNITS.as_bytes(), &|_, _, _| {}).await.unwrap();
        let t = app.unit_by_code(&sys, "T").unwrap().id;
        let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 64]].concat();
        let id = app.add_image(&sys, t, &png).await.unwrap();
        let e = app.add_image(&sys, t, b"<svg onload=alert(1)>").await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("file"), "{engine}: not an image");
        let big = [b"\xff\xd8\xff".as_slice(), &vec![0u8; 2 << 20]].concat();
        assert_eq!(
            app.add_image(&sys, t, &big).await.unwrap_err().code,
            lamtheo_domain::ErrorCode::TooLarge,
            "{engine}"
        );
        let readonly = Actor { role: lamtheo_domain::access::Role::ReadOnly, scope: Some(t), ..sys.clone() };
        assert_eq!(
            app.add_image(&readonly, t, &png).await.unwrap_err().code,
            lamtheo_domain::ErrorCode::Forbidden,
            "{engine}"
        );

        let router = lamtheo_web::router(app.clone(), false);
        let path = format!("/column/images/{id}");
        let mut draft = article("co-anh", "Bài có ảnh", "draft");
        draft["body"] = format!("Đoạn một.\n\n[Ảnh: {path} | Lễ trao Bằng khen]").into();
        app.save_record(&sys, &ARTICLES, &draft).await.unwrap();
        assert_eq!(call(&router, get(&path)).await.0, StatusCode::NOT_FOUND, "{engine}: a draft's image is not public");
        draft["status"] = "published".into();
        app.save_record(&sys, &ARTICLES, &draft).await.unwrap();
        let res = router.clone().oneshot(get(&path)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{engine}");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png", "{engine}");
        let (_, page) = call(&router, get("/column/co-anh")).await;
        assert!(
            page.contains(&format!("<img src=\"{path}\" alt=\"Lễ trao Bằng khen\"")) && page.contains("<figcaption"),
            "{engine}: {page}"
        );
        // Another number that starts the same is not named.
        assert_eq!(call(&router, get(&format!("{path}0"))).await.0, StatusCode::NOT_FOUND, "{engine}");
    }
}
