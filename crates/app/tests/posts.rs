//! A person's post (position, key-cadre and head-of-unit marks) over time: a cadre who leaves
//! the post in 2026 still counts as a key cadre in 2025's evaluation groups and movements (and
//! in 2026 for the part of it they held the post), and last year's exports still hold them and
//! import back unchanged. A change of post dated before the current post began is refused, on
//! every path, naming the field or the column.
mod common;

use common::{apps, d, province};
use lamtheo_app::audit::AuditQuery;
use lamtheo_app::exports::ExportQuery;
use lamtheo_app::people::{NewPerson, PersonUpdate, PostChange};
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::emulation::{Expected, Movement, Review};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::people::{post_on, Person};
use lamtheo_domain::period::Month;
use lamtheo_domain::{ErrorCode, Id};
use lamtheo_importer::{write_xlsx, Kind};

async fn import(app: &App, kind: Kind, csv: &str) -> lamtheo_domain::Result<(usize, usize, usize)> {
    let s = app.import(&Actor::system(), kind, "tep.csv", csv.as_bytes(), &|_, _, _| {}).await?;
    Ok((s.created, s.updated, s.unchanged))
}

/// (key cadres, member key cadres, non-member key cadres) rated over `unit`'s subtree.
async fn key_cadres_rated(app: &App, unit: Id, year: i32, quarter: i32) -> (i64, i64, i64) {
    let report = app.evaluation_report(&Actor::system(), unit, year, quarter, d(2026, 12, 31), false).await.unwrap();
    let n = |g: &str| report.iter().find(|x| x.group == g).unwrap().evaluated;
    (n("key_cadres"), n("member_key_cadres"), n("non_member_key_cadres"))
}

/// (expected, registered, registered members) of a movement over `unit`'s subtree.
async fn movement_figures(app: &App, movement: Id, unit: Id) -> (usize, usize, usize) {
    let r = app.movement_report(&Actor::system(), movement, unit, d(2026, 12, 31)).await.unwrap();
    (r.expected, r.registered, r.registered_members)
}

fn rating(person: Id, year: i32, quarter: i32) -> Evaluation {
    Evaluation {
        subject: Subject::Person,
        subject_id: person,
        year,
        quarter,
        scale: "qd124".into(),
        level_code: "tot".into(),
        score: None,
        note: String::new(),
    }
}

async fn movement(app: &App, unit: Id, year: i32) -> Id {
    let m = Movement {
        id: 0,
        unit_id: unit,
        title: format!("Thi đua làm theo Bác {year}"),
        from_date: d(year, 1, 1),
        to_date: d(year, 12, 31),
        expected: Expected::KeyCadres,
    };
    app.create_movement(&Actor::system(), m).await.unwrap()
}

/// Exports `kind` as it stands, and imports it back: nothing new, nothing changed.
async fn export_and_import_back(app: &App, kind: Kind, q: ExportQuery, engine: &str) -> Vec<Vec<String>> {
    let rows = app.export(&Actor::system(), kind, q).await.unwrap();
    let bytes = write_xlsx(kind, &rows).unwrap();
    let s = app.import(&Actor::system(), kind, "xuat.xlsx", &bytes, &|_, _, _| {}).await.unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 0, rows.len()), "{engine}: {kind:?} imported back: {rows:?}");
    rows
}

#[tokio::test]
async fn a_cadre_who_leaves_the_post_still_counts_in_last_years_figures_and_exports() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        // A: the first cell's secretary (a member) since 1/1/2020, on the person's form.
        let a = pv.people[0][0];
        let mut person = app.person(&sys, a).await.unwrap().person;
        person.position = Some("Bí thư chi bộ".into());
        person.key_cadre = true;
        app.update_person_from(&sys, PersonUpdate { person, post_from: Some(d(2020, 1, 1)) }).await.unwrap();
        // B: a non-member who heads a village in the second cell since 2020 (added so).
        let b = Person {
            person_code: Some("NGOAI-1".into()),
            full_name: "Lò Văn Khánh".into(),
            position: Some("Trưởng bản".into()),
            head_of_unit: true,
            ..Person::default()
        };
        let b =
            app.add_person(&sys, NewPerson { person: b, unit_id: pv.cells[1], since: d(2020, 1, 1) }).await.unwrap();

        let (m25, m26) = (movement(&app, pv.p, 2025).await, movement(&app, pv.p, 2026).await);
        let mut regs = vec![];
        for p in [a, b] {
            regs.push(app.register(&sys, m25, p, "Gương mẫu, tiết kiệm", d(2025, 2, 1)).await.unwrap());
        }
        let march = Month::new(2025, 3).0;
        app.review_registration(
            &sys,
            Review { registration_id: regs[0], month: march, met: true, comment: "Tốt".into() },
        )
        .await
        .unwrap();
        let mut ratings = vec![];
        for p in [a, b] {
            ratings.extend([rating(p, 2025, 0), rating(p, 2026, 0)]);
        }
        ratings.extend([rating(a, 2026, 1), rating(a, 2026, 2)]);
        app.record_evaluations(&sys, ratings).await.unwrap();

        let year_2025 = ExportQuery { unit: Some(pv.p), year: 2025, of: None };
        let of_m25 = ExportQuery { unit: None, year: 2025, of: Some(m25) };
        let exports_before = [
            app.export(&sys, Kind::Evaluations, year_2025).await.unwrap(),
            app.export(&sys, Kind::Registrations, of_m25).await.unwrap(),
            app.export(&sys, Kind::Reviews, of_m25).await.unwrap(),
        ];
        assert_eq!(exports_before.each_ref().map(Vec::len), [2, 2, 1], "{engine}: {exports_before:?}");
        for unit in [pv.p, pv.districts[0]] {
            for (year, quarter) in [(2025, 0), (2026, 0), (2026, 1), (2026, 2)] {
                let want = if quarter == 0 { (2, 1, 1) } else { (1, 1, 0) };
                let got = key_cadres_rated(&app, unit, year, quarter).await;
                assert_eq!(got, want, "{engine}: unit {unit}, {year} quarter {quarter}, before anyone left");
            }
        }
        assert_eq!(movement_figures(&app, m26, pv.p).await, (2, 0, 0), "{engine}: 2026, before anyone left");

        // A leaves the post on 1/5/2026 (the API's change of post); B stops heading the village
        // from 1/1/2026, through the roster import (the same file twice changes nothing).
        let leaves = PostChange {
            post_from: Some(d(2026, 5, 1)),
            position: Some("Đảng viên".into()),
            key_cadre: false,
            head_of_unit: false,
        };
        app.change_post(&sys, a, leaves.clone()).await.unwrap();
        app.change_post(&sys, a, leaves).await.unwrap();
        let roster = "Mã định danh,Họ và tên,Mã đơn vị,Chức vụ,Người đứng đầu,Chức vụ có hiệu lực từ ngày\n\
                      NGOAI-1,Lò Văn Khánh,K2,,Không,01/01/2026\n";
        assert_eq!(import(&app, Kind::People, roster).await.unwrap(), (0, 1, 0), "{engine}: B's post changes");
        assert_eq!(import(&app, Kind::People, roster).await.unwrap(), (0, 0, 1), "{engine}: the same file again");
        let m27 = movement(&app, pv.p, 2027).await;

        // Each period takes the marks of its last day: 2025 as it was, 2026's first quarter
        // with A still in post, its second quarter and the year without either.
        for (unit, year, quarter, want) in [
            (pv.p, 2025, 0, (2, 1, 1)),
            (pv.districts[0], 2025, 0, (2, 1, 1)),
            (pv.districts[0], 2025, 4, (0, 0, 0)),
            (pv.p, 2026, 0, (0, 0, 0)),
            (pv.p, 2026, 1, (1, 1, 0)),
            (pv.p, 2026, 2, (0, 0, 0)),
            (pv.cells[1], 2025, 0, (1, 0, 1)),
            (pv.cells[1], 2026, 0, (0, 0, 0)),
        ] {
            let got = key_cadres_rated(&app, unit, year, quarter).await;
            assert_eq!(got, want, "{engine}: unit {unit}, {year} quarter {quarter}, after both left");
        }
        let members = app.evaluation_report(&sys, pv.p, 2026, 0, d(2026, 12, 31), false).await.unwrap();
        assert_eq!(members[0].group, "members");
        assert_eq!(members[0].evaluated, 1, "{engine}: A is still rated as a member in 2026");
        // A movement expects those who held a key post on some day of it while in its units.
        assert_eq!(movement_figures(&app, m25, pv.p).await, (2, 2, 1), "{engine}: 2025 as it was");
        assert_eq!(movement_figures(&app, m25, pv.cells[1]).await, (1, 1, 0), "{engine}: 2025 in B's cell");
        assert_eq!(movement_figures(&app, m26, pv.p).await, (1, 0, 0), "{engine}: A held the post until May 2026");
        assert_eq!(movement_figures(&app, m27, pv.p).await, (0, 0, 0), "{engine}: 2027: neither");
        // A's own page: the 2025 movement (registered) and 2026's (expected), not 2027's.
        let me = Actor {
            user_id: 9,
            username: "a".into(),
            role: Role::Member,
            scope: Some(pv.cells[0]),
            person_id: Some(a),
            request_id: String::new(),
        };
        let mine: Vec<Id> = app.my_page(&me).await.unwrap().movements.iter().map(|m| m.movement.id).collect();
        assert_eq!(mine, [m26, m25], "{engine}: the movements A was expected to register for");

        // Last year's exports are what they were, and import back unchanged.
        let exports_after = [
            export_and_import_back(&app, Kind::Evaluations, year_2025, engine).await,
            export_and_import_back(&app, Kind::Registrations, of_m25, engine).await,
            export_and_import_back(&app, Kind::Reviews, of_m25, engine).await,
        ];
        assert_eq!(exports_after, exports_before, "{engine}: 2025's exports after both left their posts");
        assert_eq!(movement_figures(&app, m25, pv.p).await, (2, 2, 1), "{engine}: after the import");

        // The history: A's three posts, B's two; the person's own marks are the latest post's.
        let view = app.person(&sys, a).await.unwrap();
        let posts: Vec<_> =
            view.posts.iter().map(|p| (p.valid_from, p.valid_to, p.key_cadre, p.position.clone())).collect();
        assert_eq!(
            posts,
            [
                (d(2010, 1, 1), Some(d(2020, 1, 1)), false, None),
                (d(2020, 1, 1), Some(d(2026, 5, 1)), true, Some("Bí thư chi bộ".into())),
                (d(2026, 5, 1), None, false, Some("Đảng viên".into())),
            ],
            "{engine}: A's posts"
        );
        assert!(!view.person.key_cadre && view.person.position.as_deref() == Some("Đảng viên"), "{engine}");
        assert!(post_on(&view.posts, d(2026, 4, 30)).unwrap().is_key_cadre(), "{engine}");
        let view = app.person(&sys, b).await.unwrap();
        let posts: Vec<_> = view.posts.iter().map(|p| (p.valid_from, p.valid_to, p.head_of_unit)).collect();
        assert_eq!(posts, [(d(2020, 1, 1), Some(d(2026, 1, 1)), true), (d(2026, 1, 1), None, false)], "{engine}");
        // Every change of post is audited with the post before and after.
        let q = AuditQuery { entity: Some("person".into()), entity_id: Some(a), limit: 100, ..AuditQuery::default() };
        let changes: Vec<_> =
            app.audit_search(&sys, &q).await.unwrap().into_iter().filter(|e| e.action == "post").collect();
        assert_eq!(changes.len(), 2, "{engine}: A's two changes of post (the repeated one changed nothing)");
        assert!(changes.iter().any(|e| e.after.as_deref().is_some_and(|x| x.contains("2026-05-01"))), "{engine}");
        assert!(changes.iter().all(|e| e.before.is_some()), "{engine}: the post before");
    }
}

#[tokio::test]
async fn a_change_of_post_before_the_current_post_began_is_refused_everywhere() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let a = pv.people[0][0];
        let change = |from, key_cadre| PostChange {
            post_from: Some(from),
            position: Some("Phó bí thư".into()),
            key_cadre,
            head_of_unit: false,
        };
        app.change_post(&sys, a, change(d(2024, 1, 1), true)).await.unwrap();
        // Before the current post began (1/1/2024): a conflict naming the field, both languages.
        let e = app.change_post(&sys, a, change(d(2023, 12, 31), false)).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("post_from")), "{engine}: {e:?}");
        assert!(e.message_vi.contains("1/1/2024") && e.message_en.contains("before the current post"), "{e:?}");
        let mut person = app.person(&sys, a).await.unwrap().person;
        person.key_cadre = false;
        let early = PersonUpdate { person: person.clone(), post_from: Some(d(2020, 1, 1)) };
        let e = app.update_person_from(&sys, early).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("post_from")), "{engine}: {e:?}");
        // On the day the current post began: it is corrected, not split.
        app.update_person_from(&sys, PersonUpdate { person: person.clone(), post_from: Some(d(2024, 1, 1)) })
            .await
            .unwrap();
        let posts = app.person(&sys, a).await.unwrap().posts;
        assert_eq!(posts.len(), 2, "{engine}: {posts:?}");
        assert!(!posts[1].key_cadre && posts[1].valid_from == d(2024, 1, 1), "{engine}: {posts:?}");
        // A date that changes nothing is not used.
        app.update_person_from(&sys, PersonUpdate { person, post_from: Some(d(2000, 1, 1)) }).await.unwrap();
        // A position longer than a name may be: the field.
        let long = PostChange { position: Some("x".repeat(501)), ..change(d(2025, 1, 1), true) };
        assert_eq!(app.change_post(&sys, a, long).await.unwrap_err().field.as_deref(), Some("position"), "{engine}");

        // The roster import: an early date and a date that is none, each naming its row and
        // column; nothing is written.
        let roster = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Đảng viên,Cán bộ chủ chốt,Chức vụ có hiệu lực từ ngày\n\
                      CARD-0-0,Lò Văn An,K1,Có,Có,01/06/2023\n";
        let e = import(&app, Kind::People, roster).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::ImportRejected, "{engine}: {e:?}");
        assert!(
            e.details.iter().any(|x| x.contains("Chức vụ có hiệu lực từ ngày") && x.contains("1/1/2024")),
            "{engine}: {:?}",
            e.details
        );
        let roster = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Đảng viên,Cán bộ chủ chốt,Chức vụ có hiệu lực từ ngày\n\
                      CARD-0-0,Lò Văn An,K1,Có,Có,31/02/2025\n";
        let e = import(&app, Kind::People, roster).await.unwrap_err();
        assert!(
            e.details.iter().any(|x| x.contains("Chức vụ có hiệu lực từ ngày") && x.contains("31/02/2025")),
            "{engine}: {:?}",
            e.details
        );
        assert_eq!(app.person(&sys, a).await.unwrap().posts.len(), 2, "{engine}: nothing written");
        // A good date: the change from that day; a new person's post from the row's date.
        let roster = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Ngày bắt đầu sinh hoạt,Đảng viên,Cán bộ chủ chốt,Chức vụ có hiệu lực từ ngày\n\
                      CARD-0-0,Lò Văn An,K1,,Có,Có,01/03/2025\n\
                      CARD-NEW,Hà Thị Mai,K1,01/01/2021,Có,Có,01/07/2022\n";
        assert_eq!(import(&app, Kind::People, roster).await.unwrap(), (1, 1, 0), "{engine}");
        let posts = app.person(&sys, a).await.unwrap().posts;
        assert_eq!((posts.len(), posts[2].valid_from, posts[2].key_cadre), (3, d(2025, 3, 1), true), "{engine}");
        let mai = app.search_people(&sys, "ha thi mai", None, 1).await.unwrap()[0].id;
        let posts = app.person(&sys, mai).await.unwrap().posts;
        assert_eq!(posts.len(), 1, "{engine}");
        assert_eq!((posts[0].valid_from, posts[0].key_cadre), (d(2022, 7, 1), true), "{engine}");
    }
}
