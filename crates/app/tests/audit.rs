//! The audit log: every write keeps its before and after (attendance, each imported row), and
//! the log is filtered and paged in the database.
use lamtheo_app::audit::AuditQuery;
use lamtheo_app::conferences::AttendanceInput;
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::conference::AttendanceStatus;
use lamtheo_importer::Kind;

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
";

async fn apps() -> Vec<(&'static str, App)> {
    let mut out = vec![];
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let quiet = |_: &str, _: u64, _: u64| {};
        let sys = Actor { request_id: "seed".into(), ..Actor::system() };
        app.import(&sys, Kind::Units, "u.csv", UNITS.as_bytes(), &quiet).await.unwrap();
        app.import(&sys, Kind::People, "p.csv", PEOPLE.as_bytes(), &quiet).await.unwrap();
        app.import(&sys, Kind::Conferences, "c.csv", CONFS.as_bytes(), &quiet).await.unwrap();
        out.push((engine, app));
    }
    out
}

fn all(limit: i64) -> AuditQuery {
    AuditQuery { limit, ..Default::default() }
}

#[tokio::test]
async fn attendance_changes_keep_the_value_before() {
    for (engine, app) in apps().await {
        let sys = Actor { request_id: "req-1".into(), ..Actor::system() };
        let hoa = app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        let q = AuditQuery { entity: Some("conference".into()), ..all(1) };
        let conf = app.audit_search(&sys, &q).await.unwrap()[0].entity_id.unwrap();
        let mark = |status| vec![AttendanceInput { person_id: hoa, status, point_unit_id: None }];
        app.record_attendance(&sys, conf, &mark(AttendanceStatus::Present)).await.unwrap();
        let sys = Actor { request_id: "req-2".into(), ..sys };
        app.record_attendance(&sys, conf, &mark(AttendanceStatus::Absent)).await.unwrap();
        let log = app.audit_log(&sys, None, 2).await.unwrap();
        let (second, first) = (&log[0], &log[1]);
        assert_eq!((first.action.as_str(), first.before.as_deref()), ("attendance", Some("[null]")), "{engine}");
        let before = second.before.as_deref().unwrap_or_default();
        assert!(before.contains("present") && !before.contains("absent"), "{engine}: {before}");
        assert!(second.after.as_deref().unwrap_or_default().contains("absent"), "{engine}");
        assert_eq!(second.request_id, "req-2", "{engine}");
    }
}

#[tokio::test]
async fn each_imported_row_is_audited_with_before_and_after() {
    for (engine, app) in apps().await {
        let sys = Actor { request_id: "import-2".into(), ..Actor::system() };
        let quiet = |_: &str, _: u64, _: u64| {};
        // One name corrected, one row unchanged: one audit row for the change, one for the file.
        let people = PEOPLE.replace("Trần Văn Bình", "Trần Văn Bính");
        app.import(&sys, Kind::People, "p2.csv", people.as_bytes(), &quiet).await.unwrap();
        let log = app.audit_log(&sys, None, 2).await.unwrap();
        assert_eq!((log[0].action.as_str(), log[0].entity.as_str()), ("import", "people"), "{engine}");
        let row = &log[1];
        assert_eq!((row.action.as_str(), row.entity.as_str()), ("import_row", "person"), "{engine}");
        assert!(row.before.as_deref().unwrap().contains("Trần Văn Bình"), "{engine}: {:?}", row.before);
        assert!(row.after.as_deref().unwrap().contains("Trần Văn Bính"), "{engine}: {:?}", row.after);
        // Compact: the fields that did not change are left out (ids stay).
        assert!(!row.after.as_deref().unwrap().contains("card_no"), "{engine}: {:?}", row.after);
        assert_eq!(row.request_id, "import-2", "{engine}");
        let binh = app.search_people(&sys, "tran van binh", None, 1).await.unwrap()[0].id;
        assert_eq!(row.entity_id, Some(binh), "{engine}");
        // The first import: every person, unit and conference created has its own row.
        let q = AuditQuery { entity: Some("person".into()), entity_id: Some(binh), ..all(10) };
        let history = app.audit_search(&sys, &q).await.unwrap();
        assert_eq!(history.len(), 2, "{engine}: created, then renamed");
        assert_eq!((history[1].before.as_deref(), history[1].request_id.as_str()), (None, "seed"), "{engine}");
        let units = app.audit_search(&sys, &AuditQuery { entity: Some("unit".into()), ..all(100) }).await.unwrap();
        assert_eq!(units.len(), 5, "{engine}");
    }
}

#[tokio::test]
async fn the_log_is_filtered_by_who_unit_kind_and_days_and_paged() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let everything = app.audit_search(&sys, &all(1000)).await.unwrap();
        // 5 units, 2 people, 1 conference, and a summary per file.
        assert_eq!(everything.len(), 11, "{engine}");
        let h2 = app.unit_by_code(&sys, "H2").unwrap().id;
        let branch = app.audit_search(&sys, &AuditQuery { unit: Some(h2), ..all(100) }).await.unwrap();
        let ids: Vec<_> = branch.iter().map(|e| (e.entity.as_str(), e.entity_id)).collect();
        let cb2 = app.unit_by_code(&sys, "CB2").unwrap().id;
        let binh = app.search_people(&sys, "tran van binh", None, 1).await.unwrap()[0].id;
        assert_eq!(ids, vec![("person", Some(binh)), ("unit", Some(cb2)), ("unit", Some(h2))], "{engine}");
        let nobody = AuditQuery { who: Some("someone".into()), ..all(100) };
        assert!(app.audit_search(&sys, &nobody).await.unwrap().is_empty(), "{engine}");
        assert_eq!(
            app.audit_search(&sys, &AuditQuery { who: Some("system".into()), ..all(100) }).await.unwrap().len(),
            11
        );
        let today = chrono::Local::now().date_naive();
        let tomorrow = today.succ_opt().unwrap();
        let later = AuditQuery { from: Some(tomorrow), ..all(100) };
        assert!(app.audit_search(&sys, &later).await.unwrap().is_empty(), "{engine}");
        let today_only = AuditQuery { from: Some(today), to: Some(today), ..all(100) };
        assert_eq!(app.audit_search(&sys, &today_only).await.unwrap().len(), 11, "{engine}");
        let backwards = AuditQuery { from: Some(tomorrow), to: Some(today), ..all(100) };
        assert_eq!(app.audit_search(&sys, &backwards).await.unwrap_err().field.as_deref(), Some("to"));
        // Pages of four, newest first, meet without gaps or overlaps.
        let mut seen = vec![];
        let mut before = None;
        loop {
            let page = app.audit_search(&sys, &AuditQuery { before, ..all(4) }).await.unwrap();
            seen.extend(page.iter().map(|e| e.id));
            match page.last() {
                Some(last) if page.len() == 4 => before = Some(last.id),
                _ => break,
            }
        }
        assert_eq!(seen, everything.iter().map(|e| e.id).collect::<Vec<_>>(), "{engine}");
        // Names for the page: units, people and conferences the entries mention.
        let names = app.audit_names(&sys, &everything).await.unwrap();
        assert_eq!(names.units.get(&h2).map(String::as_str), Some("Huyện ủy Cần Giuộc"), "{engine}");
        assert_eq!(names.people.get(&binh).map(String::as_str), Some("Trần Văn Bình"), "{engine}");
    }
}

#[tokio::test]
async fn ratings_registrations_and_reviews_keep_the_value_before() {
    use chrono::NaiveDate;
    use lamtheo_domain::covenant::{Campaign, ContentGroup, Score, Signatory};
    use lamtheo_domain::emulation::{Expected, Movement, Review};
    use lamtheo_domain::evaluation::{Evaluation, Subject};
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let hoa = app.search_people(&sys, "dang thi hoa", None, 1).await.unwrap()[0].id;
        let last = |n| {
            let app = app.clone();
            async move { app.audit_log(&Actor::system(), None, n).await.unwrap() }
        };
        let rating = |level: &str| Evaluation {
            subject: Subject::Person,
            subject_id: hoa,
            year: 2024,
            quarter: 0,
            scale: "qd124".into(),
            level_code: level.into(),
            score: None,
            note: String::new(),
        };
        app.record_evaluations(&sys, vec![rating("tot")]).await.unwrap();
        app.record_evaluations(&sys, vec![rating("xuat_sac")]).await.unwrap();
        let e = &last(1).await[0];
        assert!(e.before.as_deref().unwrap_or_default().contains("\"tot\""), "{engine}: {:?}", e.before);

        let cb1 = app.unit_by_code(&sys, "CB1").unwrap().id;
        let movement = Movement {
            id: 0,
            unit_id: cb1,
            title: "Thi đua 2025".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: Expected::Everyone,
        };
        let m = app.create_movement(&sys, movement).await.unwrap();
        let r = app.register(&sys, m, hoa, "Tiết kiệm", d(2025, 1, 5)).await.unwrap();
        app.register(&sys, m, hoa, "Tiết kiệm, gương mẫu", d(2025, 1, 5)).await.unwrap();
        let e = &last(1).await[0];
        assert!(e.before.as_deref().unwrap_or_default().contains("\"Tiết kiệm\""), "{engine}: {:?}", e.before);
        let review = |met| Review { registration_id: r, month: 2025 * 12, met, comment: String::new() };
        app.review_registration(&sys, review(false)).await.unwrap();
        assert_eq!(last(1).await[0].before, None, "{engine}: the first review");
        app.review_registration(&sys, review(true)).await.unwrap();
        let e = &last(1).await[0];
        assert!(e.before.as_deref().unwrap_or_default().contains("\"met\":false"), "{engine}: {:?}", e.before);

        // A covenant: signing and scoring keep what was recorded.
        let (t, h1) = (app.unit_by_code(&sys, "T").unwrap().id, app.unit_by_code(&sys, "H1").unwrap().id);
        let groups = vec![ContentGroup { title: "Học tập".into(), max_score: 20 }];
        let campaign = Campaign { id: 0, unit_id: t, title: "Giao ước 2025".into(), year: 2025, groups };
        let c = app.create_covenant(&sys, campaign, &[h1]).await.unwrap();
        app.sign_covenant(&sys, c, Signatory { unit_id: h1, signed_on: Some(d(2025, 1, 15)), pilot: false })
            .await
            .unwrap();
        let e = &last(1).await[0];
        assert!(e.before.as_deref().unwrap_or_default().contains("\"signed_on\":null"), "{engine}: {:?}", e.before);
        app.score_covenant(&sys, c, &[Score { unit_id: h1, group: 0, score: 12 }]).await.unwrap();
        app.score_covenant(&sys, c, &[Score { unit_id: h1, group: 0, score: 18 }]).await.unwrap();
        let e = &last(1).await[0];
        assert!(e.before.as_deref().unwrap_or_default().contains("\"score\":12"), "{engine}: {:?}", e.before);
    }
}

/// An imported plan, rating or task is on record under the record and the unit it concerns,
/// as the same change made on a form is: the record's history and the unit's audit show it.
#[tokio::test]
async fn imported_activities_are_filed_under_their_record_and_unit() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let quiet = |_: &str, _: u64, _: u64| {};
        let (cb1, cb2) = (app.unit_by_code(&sys, "CB1").unwrap().id, app.unit_by_code(&sys, "CB2").unwrap().id);
        let plans = "Mã định danh hoặc số thẻ,Loại,Năm,Nội dung\nA1,Kế hoạch năm,2025,Giữ gìn đoàn kết\n";
        app.import(&sys, Kind::Plans, "plans.csv", plans.as_bytes(), &quiet).await.unwrap();
        let ratings = "Mã định danh hoặc số thẻ,Mã đơn vị,Năm,Thang đánh giá,Mức xếp loại\nB1,,2024,qd124,tot\n";
        app.import(&sys, Kind::Evaluations, "ratings.csv", ratings.as_bytes(), &quiet).await.unwrap();
        let tasks = "Mã đơn vị,Từ năm,Tên nhiệm vụ\nCB2,2025,Chuyển đổi số\n";
        app.import(&sys, Kind::Tasks, "tasks.csv", tasks.as_bytes(), &quiet).await.unwrap();

        let rows = |entity: &str, unit| {
            let app = app.clone();
            let q = AuditQuery { entity: Some(entity.into()), unit, ..all(10) };
            async move { app.audit_search(&Actor::system(), &q).await.unwrap() }
        };
        let plan = rows("personal_plan", Some(cb1)).await;
        assert_eq!(plan.len(), 1, "{engine}: the plan is in its member's cell's audit");
        assert!(plan[0].entity_id.is_some(), "{engine}: under the plan it made");
        assert!(rows("personal_plan", Some(cb2)).await.is_empty(), "{engine}: and not in another cell's");
        assert_eq!(rows("evaluation", Some(cb2)).await.len(), 1, "{engine}: the rating, in its person's cell");
        let task = rows("breakthrough_task", Some(cb2)).await;
        assert_eq!(task.len(), 1, "{engine}");
        let q = AuditQuery { entity: Some("breakthrough_task".into()), entity_id: task[0].entity_id, ..all(10) };
        assert_eq!(app.audit_search(&sys, &q).await.unwrap().len(), 1, "{engine}: the task's own history");
    }
}
