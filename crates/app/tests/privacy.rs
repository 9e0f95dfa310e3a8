//! Scope and privacy beyond the district matrix (`scope.rs`): imports check what their
//! forms check and never tell "out of scope" from "unknown"; read-only and member accounts
//! see no one else's personal data; settings that affect everyone need the root.
mod common;

use common::{apps, d, province};
use lamtheo_app::exports::ExportQuery;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::conference::Topic;
use lamtheo_domain::covenant::{Campaign, Signatory};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::period::Period;
use lamtheo_domain::ErrorCode;
use lamtheo_importer::Kind;

fn actor(role: Role, scope: lamtheo_domain::Id) -> Actor {
    Actor {
        user_id: 7,
        username: format!("u-{}", role.as_str()),
        role,
        scope: Some(scope),
        person_id: None,
        request_id: String::new(),
    }
}

fn rejected_details(e: lamtheo_domain::Error) -> Vec<String> {
    assert_eq!(e.code, ErrorCode::ImportRejected, "{e:?}");
    e.details
}

#[tokio::test]
async fn attendance_import_refuses_people_the_form_refuses() {
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        // The secretary of the first commune, at its own conference, names a person of the
        // other district (CARD-2-0) and one who exists nowhere.
        let secretary = actor(Role::Secretary, pv.communes[0]);
        let csv = "Mã hội nghị,Mã định danh hoặc số thẻ,Tình trạng\n\
                   C1-2025,CARD-0-0,Có mặt\nC1-2025,CARD-2-0,Có mặt\nC1-2025,KHONG-CO,Có mặt\n";
        let e = app.import(&secretary, Kind::Attendance, "dd.csv", csv.as_bytes(), &|_, _, _| {}).await.unwrap_err();
        assert_eq!(
            rejected_details(e),
            vec![
                "dd.csv, dòng 3, cột «Mã định danh hoặc số thẻ»: Không có người nào mang mã «CARD-2-0» trong phạm vi của bạn",
                "dd.csv, dòng 4, cột «Mã định danh hoặc số thẻ»: Không có người nào mang mã «KHONG-CO» trong phạm vi của bạn",
            ],
            "{engine}"
        );
        // Its own people it may record (so the refusal above is about scope).
        let own = "Mã hội nghị,Mã định danh hoặc số thẻ,Tình trạng\nC1-2025,CARD-0-0,Có mặt\n";
        let s = app.import(&secretary, Kind::Attendance, "dd.csv", own.as_bytes(), &|_, _, _| {}).await.unwrap();
        assert_eq!(s.created, 1, "{engine}");
    }
}

#[tokio::test]
async fn read_only_and_members_see_no_one_elses_personal_data() {
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        let movement = lamtheo_domain::emulation::Movement {
            id: 0,
            unit_id: pv.p,
            title: "Thi đua".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: lamtheo_domain::emulation::Expected::Everyone,
        };
        let m = app.create_movement(&sys, movement).await.unwrap();
        for p in &pv.people[0] {
            app.register(&sys, m, *p, "Cam kết", d(2025, 2, 1)).await.unwrap();
        }
        let me = pv.people[0][0];
        let readonly = actor(Role::ReadOnly, pv.districts[0]);
        let member = Actor { person_id: Some(me), ..actor(Role::Member, pv.cells[0]) };
        let secretary = actor(Role::Secretary, pv.districts[0]);
        let at = d(2025, 6, 1);

        // The movement's figures for all; the people's lines only to those who may see them.
        let r = app.movement_report(&readonly, m, pv.districts[0], at).await.unwrap();
        assert_eq!((r.registered, r.expected), (3, 6), "{engine}: read-only still sees the figures");
        assert!(r.rows.is_empty(), "{engine}: read-only saw {} people's lines", r.rows.len());
        let r = app.movement_report(&member, m, pv.cells[0], at).await.unwrap();
        assert_eq!(r.rows.iter().map(|x| x.person.id).collect::<Vec<_>>(), vec![me], "{engine}: member");
        let r = app.movement_report(&secretary, m, pv.districts[0], at).await.unwrap();
        assert_eq!(r.rows.len(), 6, "{engine}: the secretary sees the roster");

        // The exports of pledges and reviews: refused to read-only, one's own line to a member.
        let q = ExportQuery { unit: Some(pv.districts[0]), year: 2025, of: Some(m) };
        let e = app.export(&readonly, Kind::Registrations, q).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{engine}");
        let e = app.export(&readonly, Kind::Reviews, q).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{engine}");
        let q = ExportQuery { unit: Some(pv.cells[0]), ..q };
        assert_eq!(
            app.export(&member, Kind::Registrations, q).await.unwrap(),
            vec![vec![m.to_string(), "CARD-0-0".to_string(), "Cam kết".to_string(), "1/2/2025".to_string()]]
        );
        assert_eq!(app.export(&secretary, Kind::Registrations, q).await.unwrap().len(), 3, "{engine}");

        // A conference: its figures for all, its attendance list as people's data.
        let conf = pv.conferences[0];
        let v = app.conference(&readonly, conf).await.unwrap();
        assert!(v.attendance.is_empty(), "{engine}: read-only saw the attendance list");
        assert_eq!(v.present, app.conference(&sys, conf).await.unwrap().present, "{engine}");
        assert!(v.present > 0, "{engine}");
        let v = app.conference(&member, conf).await.unwrap();
        assert_eq!(v.attendance.iter().map(|a| a.person_id).collect::<Vec<_>>(), vec![me], "{engine}");
        assert_eq!(app.conference(&secretary, conf).await.unwrap().attendance.len(), 2, "{engine}");
    }
}

#[tokio::test]
async fn settings_for_everyone_need_the_root() {
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let commune_staff = actor(Role::Staff, pv.communes[0]);
        let root_staff = actor(Role::Staff, pv.p);
        let e = app.set_study_share(&commune_staff, 500).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{engine}");
        assert_eq!(app.study_share().await.unwrap(), 800, "{engine}: the share did not change");
        app.set_study_share(&root_staff, 700).await.unwrap();
        assert_eq!(app.study_share().await.unwrap(), 700, "{engine}");
        let topic = |code: &str| Topic {
            id: 0,
            code: code.into(),
            title: "Chuyên đề".into(),
            year: 2025,
            term_wide: false,
            deadline: Some(d(2025, 6, 30)),
            doc_id: None,
            unit_id: None,
        };
        // A topic for the whole tree needs the root; one issued by a unit applies to its
        // subtree only, and needs the right to write there.
        let e = app.add_topic(&commune_staff, topic("CD-XA")).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{engine}");
        assert!(app.topics().await.unwrap().is_empty(), "{engine}");
        app.add_topic(&root_staff, topic("CD-TINH")).await.unwrap();
        assert_eq!(app.topics().await.unwrap().len(), 1, "{engine}");
        let own = Topic { unit_id: Some(pv.communes[0]), ..topic("CD-XA") };
        app.add_topic(&commune_staff, own).await.unwrap();
        let other = Topic { unit_id: Some(pv.communes[1]), ..topic("CD-XA2") };
        assert_eq!(app.add_topic(&commune_staff, other).await.unwrap_err().code, ErrorCode::NotFound, "{engine}");
        let sys = Actor::system();
        let listed = async |unit| {
            let r = app.unit_report(&sys, unit, Period::year(2025), d(2025, 12, 31)).await.unwrap();
            r.topics.len()
        };
        assert_eq!(listed(pv.p).await, 1, "{engine}: the commune's topic is not counted for the province");
        assert_eq!(listed(pv.communes[0]).await, 2, "{engine}: the commune counts its own topic");
        assert_eq!(listed(pv.communes[1]).await, 1, "{engine}: nor for the commune beside it");
    }
}

#[tokio::test]
async fn a_unit_neither_rates_itself_nor_marks_itself_a_pilot() {
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        let secretary = actor(Role::Secretary, pv.communes[0]);
        let rating = |subject_id| Evaluation {
            subject: Subject::Unit,
            subject_id,
            year: 2024,
            quarter: 0,
            scale: "qd124".into(),
            level_code: "xuat_sac".into(),
            score: None,
            note: String::new(),
        };
        let e = app.record_evaluations(&secretary, vec![rating(pv.communes[0])]).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{engine}: a commune rated itself");
        app.record_evaluations(&secretary, vec![rating(pv.cells[0])]).await.unwrap();
        let file = "Mã đơn vị,Năm,Thang đánh giá,Mức xếp loại\nC1,2024,qd124,xuat_sac\nK1,2024,qd124,xuat_sac\n";
        let e = app.import(&secretary, Kind::Evaluations, "dg.csv", file.as_bytes(), &|_, _, _| {}).await.unwrap_err();
        assert_eq!(
            rejected_details(e),
            vec!["dg.csv, dòng 2, cột «Mã đơn vị»: Tổ chức do cấp trên trực tiếp đánh giá, xếp loại"],
            "{engine}"
        );
        let ratings = app.unit_ratings(&sys, &[pv.communes[0]], 2024, 0).await.unwrap();
        assert!(ratings.is_empty(), "{engine}: {ratings:?}");

        // The province's covenant among the communes.
        let groups = vec![lamtheo_domain::covenant::ContentGroup { title: "Nhóm 1".into(), max_score: 20 }];
        let c = Campaign { id: 0, unit_id: pv.p, title: "Giao ước".into(), year: 2025, groups };
        let c = app.create_covenant(&sys, c, &[pv.communes[0], pv.communes[1]]).await.unwrap();
        let sign = |pilot| Signatory { unit_id: pv.communes[0], signed_on: Some(d(2025, 3, 1)), pilot };
        let e = app.sign_covenant(&secretary, c, sign(true)).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{engine}: a commune marked itself a pilot");
        app.sign_covenant(&secretary, c, sign(false)).await.unwrap();
        let file = format!("Số hiệu giao ước,Mã đơn vị,Ngày ký,Thí điểm\n{c},C1,01/03/2025,Có\n");
        let e =
            app.import(&secretary, Kind::CovenantUnits, "gu.csv", file.as_bytes(), &|_, _, _| {}).await.unwrap_err();
        assert_eq!(
            rejected_details(e),
            vec!["gu.csv, dòng 2, cột «Thí điểm»: Chỉ đơn vị tổ chức giao ước mới chọn đơn vị làm điểm"],
            "{engine}"
        );
        assert_eq!(app.covenant_report(&sys, c).await.unwrap().pilots, 0, "{engine}");
        // The organiser may.
        app.sign_covenant(&actor(Role::Staff, pv.p), c, sign(true)).await.unwrap();
        assert_eq!(app.covenant_report(&sys, c).await.unwrap().pilots, 1, "{engine}");
    }
}

/// The names of individuals in the record kinds (a commendation's recipient, an inspection's
/// members) are personal data: blank for read-only and member accounts, whose exports of
/// those kinds are refused; staff see them. A unit out of scope reads as "not found".
#[tokio::test]
async fn record_kinds_hide_individuals_from_read_only_accounts() {
    use lamtheo_domain::records::recognitions::RECOGNITIONS;
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        let body = serde_json::json!({
            "subject": "ca_nhan", "recipient": "Lò Văn An", "unit": "K1", "kind": "bieu_duong", "form": "",
            "level": "xa", "on": "2025-05-19", "achievement": "Gương mẫu",
        });
        let id = app.save_record(&sys, &RECOGNITIONS, &body).await.unwrap();
        let staff = actor(Role::Staff, pv.districts[0]);
        assert_eq!(app.record(&staff, id).await.unwrap().body["recipient"], "Lò Văn An", "{engine}: staff");
        for role in [Role::ReadOnly, Role::Member] {
            let who = actor(role, pv.districts[0]);
            let seen = app.record(&who, id).await.unwrap();
            assert_eq!(seen.body["recipient"], "", "{engine}: {role:?} sees no name");
            let listed = app.records_of(&who, &RECOGNITIONS, pv.districts[0]).await.unwrap();
            assert!(listed.iter().all(|r| r.body["recipient"] == ""), "{engine}: {role:?} list");
            let q = ExportQuery { unit: Some(pv.districts[0]), year: 2025, of: None };
            let e = app.export(&who, Kind::Record(&RECOGNITIONS), q).await.unwrap_err();
            assert_eq!(e.code, ErrorCode::Forbidden, "{engine}: {role:?} export");
        }
        // An inspection's members come from the roster, in the inspector's scope: the first
        // district's secretary names one of theirs, then one of the other district's.
        use lamtheo_domain::records::inspections::INSPECTIONS;
        let secretary = actor(Role::Secretary, pv.districts[0]);
        let mut inspection = serde_json::json!({
            "number": "1-KH/UBKT", "kind": "giam_sat", "form": "chuyen_de", "unit": "D1", "body": "ubkt",
            "from": "2025-06-10", "content": "Chỉ thị 05", "subject_units": ["K1"], "subject_people": ["CARD-0-0"],
        });
        app.save_record(&secretary, &INSPECTIONS, &inspection).await.unwrap();
        inspection["subject_people"] = serde_json::json!(["CARD-2-0"]);
        let e = app.save_record(&secretary, &INSPECTIONS, &inspection).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("subject_people")), "{engine}");
        // The other district's secretary cannot write for this cell, nor learn it exists.
        let other = actor(Role::Secretary, pv.districts[1]);
        let e = app.save_record(&other, &RECOGNITIONS, &body).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("unit")), "{engine}");
        assert_eq!(app.record(&other, id).await.unwrap_err().code, ErrorCode::NotFound, "{engine}");
    }
}
