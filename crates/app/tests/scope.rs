//! The scope matrix: for every role, a user scoped to one district can neither list, read,
//! change nor delete anything of the other district, including by guessing ids. And the
//! same user can do what the role allows inside its own district (so the test can fail).
mod common;

use common::{apps, d, province};
use lamtheo_app::auth::NewUser;
use lamtheo_app::conferences::{AttendanceInput, ConferenceInput};
use lamtheo_app::exports::ExportQuery;
use lamtheo_app::people::NewPerson;
use lamtheo_app::tree::{MergeTarget, NewUnit};
use lamtheo_domain::access::{Actor, Resource, Role};
use lamtheo_domain::conference::{AttendanceStatus, ConnectionPoint};
use lamtheo_domain::people::Person;
use lamtheo_domain::period::Period;
use lamtheo_domain::ErrorCode;
use lamtheo_importer::Kind;

#[tokio::test]
async fn every_role_is_kept_inside_its_district() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let (mine, theirs) = (pv.districts[0], pv.districts[1]);
        // Objects of the other district, and every unit id there (as a guesser would try).
        let their_cell = pv.cells[2];
        let their_person = pv.people[2][0];
        let their_conf = pv.conferences[2];
        let their_units = app.unit_view(&sys, theirs, d(2025, 1, 1)).unwrap();
        let mut their_ids = vec![theirs, their_cell, pv.communes[2], pv.communes[3], pv.cells[3]];
        their_ids.extend(their_units.children.iter().map(|c| c.id));
        // Activities of the other district (the second issue's data).
        let their_member =
            Actor { person_id: Some(their_person), role: Role::Member, scope: Some(their_cell), ..sys.clone() };
        let their_plan = app
            .save_own_plan(&their_member, lamtheo_domain::plans::PlanKind::YearPlan, 2025, "Kế hoạch", true)
            .await
            .unwrap();
        let task = |unit_id| lamtheo_domain::tasks::BreakthroughTask {
            id: 0,
            unit_id,
            from_year: 2025,
            to_year: 2025,
            title: "Nhiệm vụ".into(),
            field: String::new(),
            responsible: String::new(),
            status: lamtheo_domain::tasks::TaskStatus::Planned,
            result: String::new(),
        };
        let their_task = app.add_task(&sys, task(their_cell)).await.unwrap();
        let movement = lamtheo_domain::emulation::Movement {
            id: 0,
            unit_id: theirs,
            title: "Thi đua".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: lamtheo_domain::emulation::Expected::Everyone,
        };
        let their_movement = app.create_movement(&sys, movement).await.unwrap();
        let rating = |subject_id| lamtheo_domain::evaluation::Evaluation {
            subject: lamtheo_domain::evaluation::Subject::Person,
            subject_id,
            year: 2024,
            quarter: 0,
            scale: "qd124".into(),
            level_code: "tot".into(),
            score: None,
            note: String::new(),
        };
        let groups = vec![lamtheo_domain::covenant::ContentGroup { title: "Nhóm 1".into(), max_score: 20 }];
        let covenant =
            lamtheo_domain::covenant::Campaign {
                id: 0, unit_id: theirs, title: "Giao ước".into(), year: 2025, groups
            };
        let their_covenant = app.create_covenant(&sys, covenant, &[pv.communes[2], pv.communes[3]]).await.unwrap();
        let audit_before = app.audit_log(&sys, None, 10_000).await.unwrap().len();

        for role in Role::ALL {
            let name = format!("u-{}", role.as_str());
            let id = app
                .add_user(
                    &sys,
                    NewUser {
                        username: name.clone(),
                        password: "mat-khau-dai".into(),
                        role,
                        scope_unit_id: Some(mine),
                        person_id: Some(pv.people[0][0]),
                    },
                )
                .await
                .unwrap();
            let me = Actor {
                user_id: id,
                username: name,
                role,
                scope: Some(mine),
                person_id: Some(pv.people[0][0]),
                request_id: String::new(),
            };
            let denied = |r: lamtheo_domain::Result<()>, what: &str| {
                let e = r.expect_err(&format!("{engine}: {role:?} could {what} in the other district"));
                assert!(
                    matches!(e.code, ErrorCode::NotFound | ErrorCode::Forbidden),
                    "{engine}: {role:?} {what}: {e:?}"
                );
            };
            // Reads.
            for u in &their_ids {
                denied(app.unit_view(&me, *u, d(2025, 1, 1)).map(|_| ()), "view a unit");
                denied(app.unit_report(&me, *u, Period::year(2024), d(2024, 12, 31)).await.map(|_| ()), "read figures");
            }
            denied(app.person(&me, their_person).await.map(|_| ()), "read a person");
            denied(app.conference(&me, their_conf).await.map(|_| ()), "read a conference");
            denied(
                app.conferences_of(&me, their_cell, d(2024, 1, 1), d(2025, 12, 31)).await.map(|_| ()),
                "list conferences",
            );
            denied(app.members_on(&me, their_cell, d(2024, 6, 1)).await.map(|_| ()), "list members");
            denied(app.lineage(&me, their_cell).await.map(|_| ()), "read lineage");
            if let Ok(found) = app.search_people(&me, "", None, 1000).await {
                assert!(
                    found.iter().all(|p| !pv.people[2].contains(&p.id) && !pv.people[3].contains(&p.id)),
                    "{engine}: {role:?} listed people of the other district"
                );
            }
            if let Ok(found) = app.search_people(&me, "", Some(theirs), 1000).await {
                assert!(found.is_empty(), "{engine}: {role:?} searched inside the other district");
            }
            assert!(
                app.find_units(&me, "", 1000).iter().all(|u| !their_ids.contains(&u.id)),
                "{engine}: {role:?} listed units of the other district"
            );
            if let Ok(entries) = app.audit_log(&me, None, 10_000).await {
                assert!(
                    entries.iter().all(|e| e.scope_unit_id.is_none_or(|u| !their_ids.contains(&u))),
                    "{engine}: {role:?} read the other district's audit"
                );
            }
            // Writes.
            let conf = ConferenceInput {
                code: String::new(),
                unit_id: their_cell,
                held_on: d(2025, 2, 1),
                title: "X".into(),
                level: String::new(),
                online: false,
                others_count: 0,
                unlisted_members: 0,
                topic_ids: vec![],
                regular_meeting: false,
                study_content: false,
            };
            denied(app.create_conference(&me, conf.clone()).await.map(|_| ()), "create a conference");
            denied(app.update_conference(&me, their_conf, conf).await, "change a conference");
            denied(
                app.record_attendance(
                    &me,
                    their_conf,
                    &[AttendanceInput {
                        person_id: their_person,
                        status: AttendanceStatus::Absent,
                        point_unit_id: None,
                    }],
                )
                .await
                .map(|_| ()),
                "take attendance",
            );
            denied(
                app.set_point(
                    &me,
                    ConnectionPoint {
                        conference_id: their_conf,
                        unit_id: pv.cells[0],
                        others_count: 1,
                        unlisted_members: 0,
                    },
                )
                .await,
                "add a point",
            );
            let person = Person {
                card_no: Some(format!("NEW-{}", role.as_str())),
                full_name: "Người mới".into(),
                ..Person::default()
            };
            denied(
                app.add_person(&me, NewPerson { person, unit_id: their_cell, since: d(2025, 1, 1) }).await.map(|_| ()),
                "add a person",
            );
            denied(
                app.update_person(
                    &me,
                    Person {
                        id: their_person,
                        card_no: Some("CARD-2-0".into()),
                        full_name: "Đổi tên".into(),
                        ..Person::default()
                    },
                )
                .await,
                "change a person",
            );
            denied(app.transfer_person(&me, their_person, pv.cells[0], d(2025, 2, 1)).await, "transfer their person");
            denied(
                app.transfer_person(&me, pv.people[0][1], their_cell, d(2025, 2, 1)).await,
                "transfer into their unit",
            );
            denied(app.rename_unit(&me, their_cell, "Tên mới", d(2025, 2, 1)).await, "rename");
            denied(app.move_unit(&me, their_cell, pv.communes[0], d(2025, 2, 1)).await, "move their unit");
            denied(app.move_unit(&me, pv.cells[0], pv.communes[2], d(2025, 2, 1)).await, "move a unit into theirs");
            denied(app.close_unit(&me, pv.cells[3], d(2025, 2, 1)).await, "close (delete) a unit");
            denied(
                app.merge_units(&me, &[pv.communes[2]], MergeTarget::Existing(pv.communes[0]), d(2025, 2, 1), "")
                    .await
                    .map(|_| ()),
                "merge their unit",
            );
            let new_unit = NewUnit {
                code: format!("X-{}", role.as_str()),
                name: "X".into(),
                kind: "chi_bo".into(),
                parent_id: Some(pv.communes[2]),
                opened_on: d(2025, 1, 1),
            };
            denied(app.create_unit(&me, new_unit).await.map(|_| ()), "create a unit");
            let csv = "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị\nHN-X,K3,1/2/2025,Lén\n";
            let e = app
                .import(&me, Kind::Conferences, "x.csv", csv.as_bytes(), &|_, _, _| {})
                .await
                .expect_err("import into the other district");
            // A role that may not record conferences is refused before the file is read.
            let refused =
                if role.can_write(Resource::Conference) { ErrorCode::ImportRejected } else { ErrorCode::Forbidden };
            assert_eq!(e.code, refused, "{engine}: {role:?}");
            denied(
                app.add_user(
                    &me,
                    NewUser {
                        username: format!("z-{}", role.as_str()),
                        password: "mat-khau-dai".into(),
                        role: Role::Staff,
                        scope_unit_id: Some(theirs),
                        person_id: None,
                    },
                )
                .await
                .map(|_| ()),
                "create an account there",
            );

            // The campaign activities of the other district.
            denied(app.review_plan(&me, their_plan, true, "").await, "acknowledge a plan");
            denied(app.plans_of_unit(&me, their_cell, 2025, d(2025, 6, 1)).await.map(|_| ()), "list plans");
            denied(
                app.plan_figures(&me, theirs, Period::year(2025), d(2025, 6, 1)).await.map(|_| ()),
                "read plan figures",
            );
            denied(app.task_report(&me, their_cell, Period::year(2025), d(2025, 6, 1)).await.map(|_| ()), "read tasks");
            denied(app.task(&me, their_task).await.map(|_| ()), "read a task by id");
            denied(app.add_task(&me, task(their_cell)).await.map(|_| ()), "add a task");
            denied(app.record_evaluations(&me, vec![rating(their_person)]).await.map(|_| ()), "rate a person");
            denied(
                app.evaluation_report(&me, theirs, 2024, 0, d(2024, 12, 31), false).await.map(|_| ()),
                "read ratings",
            );
            denied(
                app.movement_report(&me, their_movement, theirs, d(2025, 6, 1)).await.map(|_| ()),
                "read a movement",
            );
            denied(
                app.register(&me, their_movement, their_person, "Lén", d(2025, 2, 1)).await.map(|_| ()),
                "register for a movement",
            );
            denied(app.covenant_report(&me, their_covenant).await.map(|_| ()), "read a covenant");
            let signature = lamtheo_domain::covenant::Signatory {
                unit_id: pv.communes[2],
                signed_on: Some(d(2025, 3, 1)),
                pilot: false,
            };
            denied(app.sign_covenant(&me, their_covenant, signature).await, "sign a covenant");
            let score = lamtheo_domain::covenant::Score { unit_id: pv.communes[2], group: 0, score: 5 };
            denied(app.score_covenant(&me, their_covenant, &[score]).await, "score a covenant");
            // Exports read through the same check; imports name the refused row.
            for kind in [Kind::Plans, Kind::Evaluations, Kind::Tasks] {
                let q = ExportQuery { unit: Some(theirs), year: 2025, of: None };
                denied(app.export(&me, kind, q).await.map(|_| ()), &format!("export {kind:?}"));
            }
            let q = ExportQuery { unit: Some(theirs), year: 2025, of: Some(their_movement) };
            denied(app.export(&me, Kind::Registrations, q).await.map(|_| ()), "export registrations");
            let q = ExportQuery { of: Some(their_covenant), ..q };
            denied(app.export(&me, Kind::CovenantScores, q).await.map(|_| ()), "export covenant scores");
            let files = [
                (Kind::Tasks, "Mã đơn vị,Từ năm,Tên nhiệm vụ\nK3,2025,Lén\n".to_string()),
                (Kind::Plans, "Mã định danh hoặc số thẻ,Loại,Năm,Nội dung\nCARD-2-0,Cam kết,2025,Lén\n".into()),
                (Kind::Evaluations, "Mã đơn vị,Năm,Thang đánh giá,Mức xếp loại\nK3,2025,qd124,tot\n".into()),
                (
                    Kind::CovenantScores,
                    format!("Số hiệu giao ước,Mã đơn vị,Nhóm nội dung,Điểm\n{their_covenant},C3,1,5\n"),
                ),
            ];
            for (kind, csv) in files {
                let result = app.import(&me, kind, "x.csv", csv.as_bytes(), &|_, _, _| {}).await;
                assert!(result.is_err(), "{engine}: {role:?} imported {kind:?} into the other district");
            }
            if let Ok(list) = app.movements(&me).await {
                assert!(
                    list.iter().all(|m| m.id != their_movement),
                    "{engine}: {role:?} listed the other district's movement"
                );
            }

            // Inside its own district the role can do what the table says (or the checks above prove nothing).
            let own = app.unit_report(&me, pv.cells[0], Period::year(2024), d(2024, 12, 31)).await;
            assert_eq!(own.is_ok(), role.can_read(Resource::Unit), "{engine}: {role:?} reading its own unit");
            let own_conf = ConferenceInput {
                code: String::new(),
                unit_id: pv.cells[0],
                held_on: d(2025, 2, 2),
                title: "Được phép".into(),
                level: String::new(),
                online: false,
                others_count: 0,
                unlisted_members: 0,
                topic_ids: vec![],
                regular_meeting: false,
                study_content: false,
            };
            assert_eq!(
                app.create_conference(&me, own_conf).await.is_ok(),
                role.can_write(Resource::Conference),
                "{engine}: {role:?} recording a conference at home"
            );
        }
        // Nothing of the other district was written: only the successful own-district
        // conferences and the accounts appear in the audit log.
        let new_entries = app.audit_log(&sys, None, 10_000).await.unwrap();
        let new_entries = &new_entries[..new_entries.len() - audit_before];
        assert!(
            new_entries.iter().all(|e| e.scope_unit_id.is_none_or(|u| !their_ids.contains(&u))),
            "{engine}: a write reached the other district"
        );
        let writers = Role::ALL.iter().filter(|r| r.can_write(Resource::Conference)).count();
        assert_eq!(new_entries.iter().filter(|e| e.entity == "conference").count(), writers, "{engine}");
        assert!(
            new_entries.iter().all(|e| !matches!(
                e.entity.as_str(),
                "personal_plan"
                    | "breakthrough_task"
                    | "evaluation"
                    | "emulation_registration"
                    | "covenant"
                    | "personal_plans"
                    | "breakthrough_tasks"
                    | "evaluations"
                    | "covenant_scores"
            )),
            "{engine}: an activity was written across districts"
        );
    }
}
