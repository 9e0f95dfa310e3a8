//! Imports and exports of the campaign activities: each kind imports from .csv, changes the
//! figures it feeds, exports to .xlsx and imports back unchanged; bad files and files
//! reaching outside the importer's scope are rejected whole, naming row and column.
mod common;

use common::{apps, d, province};
use lamtheo_app::exports::ExportQuery;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::covenant::{Campaign, ContentGroup};
use lamtheo_domain::emulation::{Expected, Movement};
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::plans::PlanKind;
use lamtheo_domain::{ErrorCode, Id};
use lamtheo_importer::{write_xlsx, Kind};

async fn import(app: &App, actor: &Actor, kind: Kind, csv: &str) -> lamtheo_domain::Result<(usize, usize, usize)> {
    let s = app.import(actor, kind, &format!("{}.csv", kind.slug()), csv.as_bytes(), &|_, _, _| {}).await?;
    Ok((s.created, s.updated, s.unchanged))
}

/// Exports `kind`, writes it as .xlsx and imports it back: nothing may change.
async fn round_trip(app: &App, kind: Kind, q: ExportQuery, engine: &str) -> usize {
    let sys = Actor::system();
    let rows = app.export(&sys, kind, q).await.unwrap();
    let bytes = write_xlsx(kind, &rows).unwrap();
    let s = app.import(&sys, kind, "xuat.xlsx", &bytes, &|_, _, _| {}).await.unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 0, rows.len()), "{engine}: {kind:?} {rows:?}");
    rows.len()
}

fn rejected_details(e: lamtheo_domain::Error) -> Vec<String> {
    assert_eq!(e.code, ErrorCode::ImportRejected, "{e:?}");
    e.details
}

#[tokio::test]
async fn activities_import_export_and_import_back_unchanged() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let movement = Movement {
            id: 0,
            unit_id: pv.p,
            title: "Thi đua làm theo Bác 2025".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: Expected::Members,
        };
        let m: Id = app.create_movement(&sys, movement).await.unwrap();
        let groups = vec![
            ContentGroup { title: "Học tập".into(), max_score: 20 },
            ContentGroup { title: "Làm theo".into(), max_score: 30 },
        ];
        let campaign = Campaign { id: 0, unit_id: pv.p, title: "Giao ước 2025".into(), year: 2025, groups };
        let c: Id = app.create_covenant(&sys, campaign, &pv.communes[..2]).await.unwrap();

        // Plans: a draft does not count, a submitted and an acknowledged one do.
        let plans =
            "Mã định danh hoặc số thẻ,Loại,Năm,Nội dung,Tình trạng,Ý kiến của chi bộ,Ngày gửi,Ngày chi bộ xem xét\n\
                     CARD-0-0,Kế hoạch năm,2025,Giữ gìn đoàn kết,,,,\n\
                     CARD-0-1,Cam kết,2025,Tu dưỡng rèn luyện,Đã xác nhận,Tốt,10/01/2025,05/02/2025\n\
                     CARD-1-0,Kế hoạch nhiệm kỳ,2023,Học tập cả nhiệm kỳ,Bản nháp,,,\n";
        assert_eq!(import(&app, &sys, Kind::Plans, plans).await.unwrap(), (3, 0, 0), "{engine}");
        let figures = app.plan_figures(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        let made = |k: PlanKind| figures.iter().find(|f| f.kind == k).map(|f| (f.made, f.expected)).unwrap();
        assert_eq!(
            (made(PlanKind::YearPlan), made(PlanKind::Commitment), made(PlanKind::TermPlan)),
            ((1, 12), (1, 12), (0, 12)),
            "{engine}"
        );
        assert_eq!(import(&app, &sys, Kind::Plans, plans).await.unwrap(), (0, 0, 3), "{engine}: same file again");
        let exported =
            app.export(&sys, Kind::Plans, ExportQuery { unit: Some(pv.p), year: 2025, of: None }).await.unwrap();
        let commitment = exported.iter().find(|r| r[1] == "Cam kết").unwrap();
        assert_eq!((commitment[6].as_str(), commitment[7].as_str()), ("10/1/2025", "5/2/2025"), "{engine}");
        let year_plan = exported.iter().find(|r| r[1] == "Kế hoạch năm").unwrap();
        let today = lamtheo_domain::vn::fmt_date(app.today());
        assert_eq!((year_plan[6].as_str(), year_plan[7].as_str()), (today.as_str(), ""), "{engine}: submitted today");

        // Registrations, then their monthly reviews.
        let regs = format!(
            "Số hiệu phong trào,Mã định danh hoặc số thẻ,Nội dung đăng ký,Ngày đăng ký\n\
             {m},CARD-0-0,Tiết kiệm điện,15/01/2025\n\
             {m},CARD-2-1,Giúp hộ nghèo,20/01/2025\n"
        );
        assert_eq!(import(&app, &sys, Kind::Registrations, &regs).await.unwrap(), (2, 0, 0), "{engine}");
        let reviews = format!(
            "Số hiệu phong trào,Mã định danh hoặc số thẻ,Tháng,Kết quả,Nhận xét\n\
             {m},CARD-0-0,3/2025,Đạt,\n\
             {m},CARD-2-1,01/03/2025,Không đạt,Chưa xong\n"
        );
        assert_eq!(import(&app, &sys, Kind::Reviews, &reviews).await.unwrap(), (2, 0, 0), "{engine}");
        let report = app.movement_report(&sys, m, pv.p, d(2025, 12, 31)).await.unwrap();
        assert_eq!((report.registered, report.expected), (2, 12), "{engine}");
        assert_eq!(report.months, vec![(Month::new(2025, 3), 1, 1)], "{engine}");

        // Ratings of people by level name, code or score, and of a cell.
        let ratings = "Mã định danh hoặc số thẻ,Mã đơn vị,Năm,Quý,Thang đánh giá,Mức xếp loại,Điểm,Ghi chú\n\
                       CARD-0-0,,2025,,qd124,Hoàn thành xuất sắc nhiệm vụ,,\n\
                       CARD-0-1,,2025,,qd124,tot,,\n\
                       CARD-1-0,,2025,,qd366,,75,\n\
                       ,K1,2025,,qd124,hoan thanh tot nhiem vu,,\n";
        assert_eq!(import(&app, &sys, Kind::Evaluations, ratings).await.unwrap(), (4, 0, 0), "{engine}");
        let dist = app.evaluation_report(&sys, pv.p, 2025, 0, d(2025, 12, 31), false).await.unwrap();
        let members = dist.iter().find(|x| x.group == "members").unwrap();
        assert_eq!((members.evaluated, members.good_or_better, members.excellent), (3, 3, 1), "{engine}");
        assert!(members.warning.is_some(), "{engine}: 1 excellent > 20% of 3");
        assert_eq!(dist.iter().find(|x| x.group == "organisations").unwrap().evaluated, 1, "{engine}");

        // Covenant: C1 signs as a pilot, C3 joins the list unsigned; scores per group.
        let units =
            format!("Số hiệu giao ước,Mã đơn vị,Ngày ký,Thí điểm\n{c},C1,20/02/2025,Có\n{c},C3,,Không\n{c},C2,,\n");
        assert_eq!(import(&app, &sys, Kind::CovenantUnits, &units).await.unwrap(), (1, 1, 1), "{engine}");
        let scores = format!("Số hiệu giao ước,Mã đơn vị,Nhóm nội dung,Điểm\n{c},C1,1,18\n{c},C1,2,25\n{c},C3,1,10\n");
        assert_eq!(import(&app, &sys, Kind::CovenantScores, &scores).await.unwrap(), (3, 0, 0), "{engine}");
        let r = app.covenant_report(&sys, c).await.unwrap();
        assert_eq!((r.signed, r.expected, r.pilots), (1, 3, 1), "{engine}");
        assert_eq!(r.rows.iter().map(|x| (x.rank, x.total)).collect::<Vec<_>>(), vec![(1, 43), (2, 10), (3, 0)]);

        // Breakthrough tasks; the same unit, first year and title is the same task.
        let tasks = "Mã đơn vị,Từ năm,Đến năm,Tên nhiệm vụ,Lĩnh vực,Người phụ trách,Tình trạng,Kết quả\n\
                     C1,2021,2025,Nông thôn mới,Kinh tế,Bí thư,Đang thực hiện,\n\
                     C2,2025,,Chuyển đổi số,,,,\n\
                     K1,2025,2025,Sạch bản,,,Hoàn thành,Đạt\n";
        assert_eq!(import(&app, &sys, Kind::Tasks, tasks).await.unwrap(), (3, 0, 0), "{engine}");
        let changed = "Mã đơn vị,Từ năm,Tên nhiệm vụ,Tình trạng\nC2,2025,CHUYỂN ĐỔI SỐ,Hoàn thành\n";
        assert_eq!(import(&app, &sys, Kind::Tasks, changed).await.unwrap(), (0, 1, 0), "{engine}");
        let t = app.task_report(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        assert_eq!((t.units, t.tasks), (3, 3), "{engine}");

        // An acknowledged plan recorded before plans had days (none recorded) stays as it is.
        let old = lamtheo_domain::plans::PersonalPlan {
            id: 0,
            person_id: pv.people[1][1],
            kind: PlanKind::YearPlan,
            from_year: 2025,
            to_year: 2025,
            content: "Kế hoạch cũ".into(),
            status: lamtheo_domain::plans::PlanStatus::Acknowledged,
            comment: String::new(),
            submitted_on: None,
            reviewed_on: None,
            updated_at: chrono::Utc::now(),
        };
        let mut tx = app.store.begin().await.unwrap();
        lamtheo_store::plans::upsert(&mut tx, &old).await.unwrap();
        tx.commit().await.unwrap();

        // Every export imports back without a change.
        let year = ExportQuery { unit: Some(pv.p), year: 2025, of: None };
        assert_eq!(
            round_trip(&app, Kind::Plans, year, engine).await,
            4,
            "{engine}: the three imported (the 2021–2025 plan covers 2025) and the old one"
        );
        assert_eq!(round_trip(&app, Kind::Evaluations, year, engine).await, 4, "{engine}");
        assert_eq!(round_trip(&app, Kind::Tasks, year, engine).await, 3, "{engine}");
        let of_m = ExportQuery { of: Some(m), ..year };
        assert_eq!(round_trip(&app, Kind::Registrations, of_m, engine).await, 2, "{engine}");
        assert_eq!(round_trip(&app, Kind::Reviews, of_m, engine).await, 2, "{engine}");
        let of_c = ExportQuery { of: Some(c), ..year };
        assert_eq!(round_trip(&app, Kind::CovenantUnits, of_c, engine).await, 3, "{engine}");
        assert_eq!(round_trip(&app, Kind::CovenantScores, of_c, engine).await, 3, "{engine}");
        let term = app.export(&sys, Kind::Plans, year).await.unwrap();
        let term = term.iter().find(|r| r[1] == "Kế hoạch nhiệm kỳ").unwrap();
        assert_eq!((term[2].as_str(), term[4].as_str()), ("2025", "Bản nháp"), "{engine}: drafts are exported too");
    }
}

#[tokio::test]
async fn bad_activity_files_change_nothing_and_name_row_and_column() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let before = app.plan_figures(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        let plans = "Mã định danh hoặc số thẻ,Loại,Năm,Nội dung\n\
                     CARD-0-0,Kế hoạch năm,2025,Một kế hoạch tốt\n\
                     KHONG-CO,Kế hoạch năm,2025,Không ai\n";
        let details = rejected_details(import(&app, &sys, Kind::Plans, plans).await.unwrap_err());
        assert_eq!(
            details,
            vec!["plans.csv, dòng 3, cột «Mã định danh hoặc số thẻ»: Không có người nào mang mã «KHONG-CO» trong phạm vi của bạn"],
            "{engine}"
        );
        let after = app.plan_figures(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        assert_eq!(before, after, "{engine}: the good row was not written either");
        // A plan returned without a word: the review form's own check, on the row's column.
        let plans = "Mã định danh hoặc số thẻ,Loại,Năm,Nội dung,Tình trạng,Ý kiến của chi bộ\n\
                     CARD-0-0,Kế hoạch năm,2025,Một kế hoạch tốt,Trả lại,  \n";
        let details = rejected_details(import(&app, &sys, Kind::Plans, plans).await.unwrap_err());
        assert_eq!(details, vec!["plans.csv, dòng 2, cột «Ý kiến của chi bộ»: Khi trả lại cần ghi ý kiến"], "{engine}");

        let ratings = "Mã định danh hoặc số thẻ,Mã đơn vị,Năm,Thang đánh giá,Mức xếp loại,Điểm\n\
                       CARD-0-0,,2025,qd999,tot,\n\
                       CARD-0-1,,2025,qd124,Xuất sắc lắm,\n\
                       CARD-1-0,,2025,qd124,,80\n\
                       CARD-1-1,,2025,qd366,Hoàn thành nhiệm vụ,95\n\
                       ,KHONG,2025,qd124,tot,\n";
        let details = rejected_details(import(&app, &sys, Kind::Evaluations, ratings).await.unwrap_err());
        let places: Vec<&str> = details.iter().map(|d| d.split(':').next().unwrap()).collect();
        assert_eq!(
            places,
            vec![
                "evaluations.csv, dòng 2, cột «Thang đánh giá»",
                "evaluations.csv, dòng 3, cột «Mức xếp loại»",
                "evaluations.csv, dòng 4, cột «Điểm»",
                "evaluations.csv, dòng 5, cột «Mức xếp loại»",
                "evaluations.csv, dòng 6, cột «Mã đơn vị»",
            ],
            "{engine}: {details:?}"
        );

        let m = app
            .create_movement(
                &sys,
                Movement {
                    id: 0,
                    unit_id: pv.districts[0],
                    title: "Phong trào huyện".into(),
                    from_date: d(2025, 1, 1),
                    to_date: d(2025, 6, 30),
                    expected: Expected::Everyone,
                },
            )
            .await
            .unwrap();
        let reviews = format!(
            "Số hiệu phong trào,Mã định danh hoặc số thẻ,Tháng,Kết quả\n\
             {m},CARD-0-0,3/2025,Đạt\n\
             {m},CARD-0-1,9/2025,Đạt\n\
             999,CARD-0-1,3/2025,Đạt\n"
        );
        let details = rejected_details(import(&app, &sys, Kind::Reviews, &reviews).await.unwrap_err());
        assert_eq!(details.len(), 3, "{engine}: {details:?}");
        assert!(details[0].contains("dòng 2, cột «Mã định danh hoặc số thẻ»: «CARD-0-0» chưa đăng ký"), "{details:?}");
        assert!(details[1].contains("dòng 3, cột «Tháng»: Tháng 9/2025 nằm ngoài thời gian"), "{details:?}");
        assert!(details[2].contains("dòng 4, cột «Số hiệu phong trào»"), "{details:?}");

        // A secretary of the second district reaches nothing of the first.
        let other = Actor {
            user_id: 9,
            username: "bt-d2".into(),
            role: Role::Secretary,
            scope: Some(pv.districts[1]),
            person_id: None,
            request_id: String::new(),
        };
        let tasks = "Mã đơn vị,Từ năm,Tên nhiệm vụ\nC3,2025,Của mình\nC1,2025,Của huyện khác\n";
        let details = rejected_details(import(&app, &other, Kind::Tasks, tasks).await.unwrap_err());
        // Out of scope reads exactly like unknown (X9 exists nowhere).
        assert_eq!(details, vec!["tasks.csv, dòng 3, cột «Mã đơn vị»: Không có đơn vị mã «C1» trong phạm vi của bạn"]);
        let unknown = "Mã đơn vị,Từ năm,Tên nhiệm vụ\nC3,2025,Của mình\nX9,2025,Không có\n";
        let details = rejected_details(import(&app, &other, Kind::Tasks, unknown).await.unwrap_err());
        assert_eq!(details, vec!["tasks.csv, dòng 3, cột «Mã đơn vị»: Không có đơn vị mã «X9» trong phạm vi của bạn"]);
        let plans = "Mã định danh hoặc số thẻ,Loại,Năm,Nội dung\nCARD-0-0,Cam kết,2025,Cam kết\n";
        let details = rejected_details(import(&app, &other, Kind::Plans, plans).await.unwrap_err());
        assert_eq!(
            details,
            vec!["plans.csv, dòng 2, cột «Mã định danh hoặc số thẻ»: Không có người nào mang mã «CARD-0-0» trong phạm vi của bạn"],
            "{engine}"
        );
        let regs = format!(
            "Số hiệu phong trào,Mã định danh hoặc số thẻ,Nội dung đăng ký,Ngày đăng ký\n{m},CARD-2-0,X,01/02/2025\n"
        );
        let details = rejected_details(import(&app, &other, Kind::Registrations, &regs).await.unwrap_err());
        assert!(details[0].contains("Không có phong trào số hiệu"), "{engine}: {details:?}");
        let t = app.task_report(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        assert_eq!(t.tasks, 0, "{engine}");
        let e = app
            .export(&other, Kind::Tasks, ExportQuery { unit: Some(pv.districts[0]), year: 2025, of: None })
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{engine}");
    }
}

/// A registrations export taken after a member moved to a unit outside the movement imports
/// back unchanged: the check looks at her unit on the day she registered, not today's.
#[tokio::test]
async fn a_registrations_export_taken_after_a_transfer_imports_back() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let movement = Movement {
            id: 0,
            unit_id: pv.districts[0],
            title: "Thi đua làm theo Bác 2025".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: Expected::Members,
        };
        let m = app.create_movement(&sys, movement).await.unwrap();
        let person = pv.people[0][0];
        app.register(&sys, m, person, "Gương mẫu, tiết kiệm", d(2025, 1, 10)).await.unwrap();
        // In March she moves to a cell of the other district.
        app.transfer_person(&sys, person, pv.cells[2], d(2025, 3, 1)).await.unwrap();
        let q = ExportQuery { unit: Some(pv.p), year: 2025, of: Some(m) };
        let rows = round_trip(&app, Kind::Registrations, q, engine).await;
        assert_eq!(rows, 1, "{engine}: her registration is exported, and imports back unchanged");
    }
}
