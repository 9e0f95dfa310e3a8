//! Breakthrough tasks: chosen by units in scope, rolled up by level over a subtree.
mod common;

use common::{apps, d, province};
use lamtheo_app::audit::AuditQuery;
use lamtheo_app::tasks::TaskReport;
use lamtheo_app::tree::{NewKind, NewUnit};
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::conference::Topic;
use lamtheo_domain::period::Period;
use lamtheo_domain::tasks::{BreakthroughTask, TaskStatus};
use lamtheo_domain::ErrorCode;

/// A level's (code, units, tasks) and the same for each of its kinds.
type LevelRow = (String, usize, usize, Vec<(String, usize, usize)>);

/// The report's levels, checking on the way that every level's figures are the sums of its
/// kinds' and the report's the sums of its levels'.
fn by_level(r: &TaskReport) -> Vec<LevelRow> {
    for l in &r.by_level {
        assert_eq!(l.units, l.kinds.iter().map(|k| k.units).sum::<usize>(), "{}: units of its kinds", l.level);
        assert_eq!(l.tasks, l.kinds.iter().map(|k| k.tasks).sum::<usize>(), "{}: tasks of its kinds", l.level);
    }
    assert_eq!(r.units, r.by_level.iter().map(|l| l.units).sum::<usize>(), "units of the levels");
    assert_eq!(r.tasks, r.by_level.iter().map(|l| l.tasks).sum::<usize>(), "tasks of the levels");
    r.by_level
        .iter()
        .map(|l| {
            let kinds = l.kinds.iter().map(|k| (k.kind.clone(), k.units, k.tasks)).collect();
            (l.level.clone(), l.units, l.tasks, kinds)
        })
        .collect()
}

fn task(unit_id: lamtheo_domain::Id, title: &str) -> BreakthroughTask {
    BreakthroughTask {
        id: 0,
        unit_id,
        from_year: 2025,
        to_year: 2025,
        title: title.into(),
        field: "Kinh tế".into(),
        responsible: "Bí thư".into(),
        status: TaskStatus::Planned,
        result: String::new(),
    }
}

fn kind(code: &str, name: &str, level: &str, party: bool) -> NewKind {
    NewKind { code: code.into(), name_vi: name.into(), name_en: String::new(), level: level.into(), party }
}

#[tokio::test]
async fn tasks_roll_up_by_level_and_stay_in_scope() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        app.add_task(&sys, task(pv.cells[0], "Xóa nhà tạm")).await.unwrap();
        app.add_task(&sys, task(pv.cells[0], "Làm đường bê tông")).await.unwrap();
        app.add_task(&sys, task(pv.cells[2], "Chuyển đổi số")).await.unwrap();
        let commune_task = app.add_task(&sys, task(pv.communes[0], "Nông thôn mới")).await.unwrap();
        assert_eq!(
            app.add_task(&sys, task(pv.cells[1], " ")).await.unwrap_err().field.as_deref(),
            Some("title"),
            "{engine}"
        );
        let r = app.task_report(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        assert_eq!((r.units, r.tasks), (3, 4), "{engine}");
        // By the level of each unit's kind, from the top down, each with its kinds.
        assert_eq!(
            by_level(&r),
            vec![
                ("co_so".into(), 1, 1, vec![("dang_uy_xa".into(), 1, 1)]),
                ("chi_bo".into(), 2, 3, vec![("chi_bo".into(), 2, 3)])
            ],
            "{engine}"
        );
        let cells = r.by_level.iter().find(|l| l.level == "chi_bo").unwrap();
        assert_eq!((cells.units, cells.tasks), (2, 3), "{engine}: 2 cells chose 3 tasks");
        assert_eq!((cells.name_vi.as_str(), cells.label.as_str()), ("Chi bộ", "2 đơn vị, 3 nhiệm vụ"), "{engine}");
        assert!(
            app.task_report(&sys, pv.p, Period::year(2024), d(2024, 12, 31)).await.unwrap().tasks == 0,
            "{engine}: not in 2024"
        );
        // A secretary of the other district can neither see nor change them.
        let stranger = Actor {
            user_id: 9,
            username: "x".into(),
            role: Role::Secretary,
            scope: Some(pv.districts[1]),
            person_id: None,
            request_id: String::new(),
        };
        assert!(
            app.task_report(&stranger, pv.cells[0], Period::year(2025), d(2025, 12, 31)).await.is_err(),
            "{engine}"
        );
        let done = BreakthroughTask {
            id: commune_task,
            status: TaskStatus::Done,
            result: "Đạt chuẩn".into(),
            ..task(pv.communes[0], "Nông thôn mới")
        };
        assert!(app.update_task(&stranger, done.clone()).await.is_err(), "{engine}");
        assert!(app.add_task(&stranger, task(pv.cells[0], "Lén")).await.is_err(), "{engine}");
        app.update_task(&sys, done).await.unwrap();
        assert_eq!(app.task(&sys, commune_task).await.unwrap().status, TaskStatus::Done, "{engine}");
    }
}

/// Administrators add unit kinds (ban cán sự đảng, đảng đoàn) with their level; nobody else
/// may; bad input names its field; a taken code is a conflict. A unit of the new kind counts
/// under its level, and a party kind's units are expected to study the topics.
#[tokio::test]
async fn administrators_add_kinds_and_their_units_count_under_their_level() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let levels: Vec<String> = app.levels().await.unwrap().into_iter().map(|l| l.code).collect();
        assert_eq!(levels, ["tinh", "huyen", "co_so", "chi_bo"], "{engine}: seeded levels, top down");
        let seeded: Vec<(String, String)> = app.kinds().await.unwrap().into_iter().map(|k| (k.code, k.level)).collect();
        for (code, level) in [("tinh_uy", "tinh"), ("huyen_uy", "huyen"), ("dang_uy_xa", "co_so"), ("chi_bo", "chi_bo")]
        {
            assert!(seeded.contains(&(code.into(), level.into())), "{engine}: {code} at {level}: {seeded:?}");
        }
        assert!(seeded.iter().all(|(_, l)| levels.contains(l)), "{engine}: every kind has a level");

        // Only an administrator of the whole tree.
        let as_role = |role: Role, scope: Option<lamtheo_domain::Id>| Actor {
            user_id: 7,
            username: "x".into(),
            role,
            scope,
            person_id: None,
            request_id: String::new(),
        };
        for (who, actor) in [
            ("staff of the province", as_role(Role::Staff, Some(pv.p))),
            ("an administrator of a district", as_role(Role::Admin, Some(pv.districts[0]))),
            ("a secretary", as_role(Role::Secretary, Some(pv.cells[0]))),
            ("an inspector", as_role(Role::Inspector, Some(pv.p))),
        ] {
            let e = app.add_kind(&actor, kind("ban_can_su", "Ban cán sự đảng", "tinh", true)).await.unwrap_err();
            assert_eq!(e.code, ErrorCode::Forbidden, "{engine}: {who}");
        }

        // Bad input: the field is named, in both languages.
        let long = "k".repeat(65);
        for (bad, field, code) in [
            (kind("", "Ban cán sự đảng", "tinh", true), "code", ErrorCode::InvalidInput),
            (kind("ban can su", "Ban cán sự đảng", "tinh", true), "code", ErrorCode::InvalidInput),
            (kind(&long, "Ban cán sự đảng", "tinh", true), "code", ErrorCode::InvalidInput),
            (kind("ban_can_su", " ", "tinh", true), "name_vi", ErrorCode::InvalidInput),
            (kind("ban_can_su", "Ban\u{7}", "tinh", true), "name_vi", ErrorCode::InvalidInput),
            (
                NewKind { name_en: "a\nb".into(), ..kind("ban_can_su", "Ban cán sự đảng", "tinh", true) },
                "name_en",
                ErrorCode::InvalidInput,
            ),
            (kind("ban_can_su", "Ban cán sự đảng", "trung_uong", true), "level", ErrorCode::Conflict),
            (kind("chi_bo", "Chi bộ", "chi_bo", true), "code", ErrorCode::Conflict),
        ] {
            let e = app.add_kind(&sys, bad.clone()).await.unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), (code, Some(field)), "{engine}: {bad:?}: {e:?}");
            assert!(!e.message_vi.is_empty() && !e.message_en.is_empty(), "{engine}: {e:?}");
        }
        assert_eq!(app.kinds().await.unwrap().len(), seeded.len(), "{engine}: nothing added by refused requests");

        // Added, audited; the English name defaults to the Vietnamese one.
        let added = app.add_kind(&sys, kind("ban_can_su", "Ban cán sự đảng", "tinh", true)).await.unwrap();
        assert_eq!((added.name_en.as_str(), added.level.as_str(), added.party), ("Ban cán sự đảng", "tinh", true));
        let e = app.add_kind(&sys, kind("ban_can_su", "Ban cán sự đảng khác", "huyen", true)).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("code")), "{engine}: a taken code");
        let union = NewKind { name_en: "Student union".into(), ..kind("hoi_sv", "Hội Sinh viên", "co_so", false) };
        app.add_kind(&sys, union).await.unwrap();
        let kinds = app.kinds().await.unwrap();
        assert_eq!(
            kinds.iter().rev().take(2).map(|k| (k.code.as_str(), k.level.as_str())).collect::<Vec<_>>(),
            [("hoi_sv", "co_so"), ("ban_can_su", "tinh")],
            "{engine}: added after the others"
        );
        let audit = AuditQuery { entity: Some("unit_kind".into()), limit: 10, ..Default::default() };
        let entries = app.audit_search(&sys, &audit).await.unwrap();
        assert_eq!(entries.len(), 2, "{engine}: one audit entry per kind added");
        assert!(
            entries[1].after.as_deref().unwrap_or_default().contains("\"level\":\"tinh\""),
            "{engine}: {entries:?}"
        );

        // Units of the new kinds, their tasks under their levels.
        let unit = |code: &str, kind: &str| NewUnit {
            code: code.into(),
            name: format!("Đơn vị {code}"),
            kind: kind.into(),
            parent_id: Some(pv.p),
            opened_on: d(2020, 1, 1),
        };
        let bcs = app.create_unit(&sys, unit("BCS", "ban_can_su")).await.unwrap();
        let hsv = app.create_unit(&sys, unit("HSV", "hoi_sv")).await.unwrap();
        app.add_task(&sys, task(pv.p, "Chuyển đổi số toàn tỉnh")).await.unwrap();
        app.add_task(&sys, task(bcs, "Cải cách hành chính")).await.unwrap();
        app.add_task(&sys, task(bcs, "Tiết kiệm")).await.unwrap();
        app.add_task(&sys, task(hsv, "Tình nguyện")).await.unwrap();
        app.add_task(&sys, task(pv.communes[1], "Nông thôn mới")).await.unwrap();
        app.add_task(&sys, task(pv.cells[3], "Sạch bản")).await.unwrap();
        let r = app.task_report(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        assert_eq!(
            by_level(&r),
            vec![
                ("tinh".into(), 2, 3, vec![("tinh_uy".into(), 1, 1), ("ban_can_su".into(), 1, 2)]),
                ("co_so".into(), 2, 2, vec![("dang_uy_xa".into(), 1, 1), ("hoi_sv".into(), 1, 1)]),
                ("chi_bo".into(), 1, 1, vec![("chi_bo".into(), 1, 1)]),
            ],
            "{engine}"
        );
        assert_eq!(r.by_level[0].label, "2 đơn vị, 3 nhiệm vụ", "{engine}");
        assert_eq!(r.by_level[0].kinds[1].name_vi, "Ban cán sự đảng", "{engine}");

        // A party kind added after start is expected to study the topics; the union is not.
        let topic = Topic {
            id: 0,
            code: "CD-2025".into(),
            title: "Chuyên đề năm 2025".into(),
            year: 2025,
            term_wide: false,
            deadline: Some(d(2025, 6, 30)),
            doc_id: None,
            unit_id: None,
        };
        let topic = app.add_topic(&sys, topic).await.unwrap();
        let report = app.unit_report(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        let t = report.topics.iter().find(|t| t.topic_id == topic).unwrap();
        assert!(t.expected.contains(&bcs), "{engine}: the ban cán sự đảng studies the topics: {:?}", t.expected);
        assert!(!t.expected.contains(&hsv), "{engine}: the student union does not: {:?}", t.expected);
        assert!(t.expected.contains(&pv.districts[0]), "{engine}");
    }
}
