//! The storage conformance suite: every engine must pass it. Runs on SQLite always and on
//! PostgreSQL when LAMTHEO_TEST_POSTGRES_URL is set.
use chrono::NaiveDate;
use lamtheo_domain::access::Role;
use lamtheo_domain::conference::{Attendance, AttendanceStatus, Conference, ConnectionPoint, Topic};
use lamtheo_domain::org::LineageKind;
use lamtheo_domain::people::{Gender, Person};
use lamtheo_domain::ErrorCode;
use lamtheo_store::audit::{self, NewAudit};
use lamtheo_store::bulk::{self, Value};
use lamtheo_store::{conferences, facts, people, testing, units, users, Store};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(card: &str, name: &str) -> Person {
    Person {
        card_no: Some(card.into()),
        full_name: name.into(),
        gender: Some(Gender::Female),
        is_member: true,
        admitted_on: Some(d(2010, 3, 2)),
        ..Person::default()
    }
}

async fn each_engine(test: impl AsyncFn(&'static str, Store)) {
    for (engine, url) in testing::fresh_databases().await {
        let store = Store::open(&url).await.unwrap_or_else(|e| panic!("{engine}: {e:?}"));
        test(engine, store).await;
    }
}

#[tokio::test]
async fn units_links_names_and_lineage_round_trip() {
    each_engine(async |engine, store| {
        let kinds = units::kinds(&store).await.unwrap();
        assert!(kinds.iter().any(|k| k.code == "chi_bo" && k.party), "{engine}: seeded kinds");
        let mut tx = store.begin().await.unwrap();
        let p = units::insert(&mut tx, "P", "Tỉnh ủy", "tinh_uy", d(2000, 1, 1)).await.unwrap();
        let c = units::insert(&mut tx, "C", "Chi bộ A", "chi_bo", d(2000, 1, 1)).await.unwrap();
        units::insert_link(&mut tx, c, p, d(2000, 1, 1), false).await.unwrap();
        units::insert_name(&mut tx, c, "Chi bộ B", d(2020, 1, 1)).await.unwrap();
        units::end_link(&mut tx, c, d(2025, 7, 1)).await.unwrap();
        units::insert_link(&mut tx, c, p, d(2025, 7, 1), true).await.unwrap();
        units::set_closed(&mut tx, c, d(2025, 7, 1)).await.unwrap();
        let ev = units::insert_lineage(&mut tx, LineageKind::Close, d(2025, 7, 1), &[c], &[], "").await.unwrap();
        tx.commit().await.unwrap();
        let (us, links, names) = units::load_all(&mut store.snapshot().await.unwrap()).await.unwrap();
        assert_eq!(us.len(), 2, "{engine}");
        let cu = us.iter().find(|u| u.id == c).unwrap();
        assert_eq!(
            (cu.name.as_str(), cu.closed_on),
            ("Chi bộ B", Some(d(2025, 7, 1))),
            "{engine}: current name and closing date"
        );
        assert_eq!(links.len(), 2, "{engine}");
        assert_eq!(links[0].valid_to, Some(d(2025, 7, 1)), "{engine}");
        assert!(links[1].historic, "{engine}");
        assert_eq!(names.len(), 3, "{engine}");
        let lineage = units::lineage_of(&store, c).await.unwrap();
        assert_eq!(
            (lineage[0].id, lineage[0].kind, lineage[0].sources.clone()),
            (ev, LineageKind::Close, vec![c]),
            "{engine}"
        );
    })
    .await;
}

#[tokio::test]
async fn unique_keys_become_conflicts_naming_the_field_and_roll_back() {
    each_engine(async |engine, store| {
        let mut tx = store.begin().await.unwrap();
        units::insert(&mut tx, "DUP", "Một", "chi_bo", d(2000, 1, 1)).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        units::insert(&mut tx, "NEW", "Hai", "chi_bo", d(2000, 1, 1)).await.unwrap();
        let err = units::insert(&mut tx, "DUP", "Ba", "chi_bo", d(2000, 1, 1)).await.unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Conflict, Some("code")), "{engine}: {err:?}");
        drop(tx); // not committed: "NEW" must not exist
        let (us, _, _) = units::load_all(&mut store.snapshot().await.unwrap()).await.unwrap();
        assert_eq!(us.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(), vec!["DUP"], "{engine}");
        let mut tx = store.begin().await.unwrap();
        people::insert(&mut tx, &person("123", "Lò Thị Hoa"), d(2020, 1, 1)).await.unwrap();
        let err = people::insert(&mut tx, &person("123", "Lò Văn Sáu"), d(2020, 1, 1)).await.unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Conflict, Some("card_no")), "{engine}");
    })
    .await;
}

#[tokio::test]
async fn people_search_ignores_accents_and_keeps_to_the_given_units() {
    each_engine(async |engine, store| {
        let mut tx = store.begin().await.unwrap();
        let a = units::insert(&mut tx, "A", "A", "chi_bo", d(2000, 1, 1)).await.unwrap();
        let b = units::insert(&mut tx, "B", "B", "chi_bo", d(2000, 1, 1)).await.unwrap();
        let p1 = people::insert(&mut tx, &person("1", "Đặng Thị Hoa"), d(2020, 1, 1)).await.unwrap();
        let p2 = people::insert(&mut tx, &person("2", "Đặng Thị Lan"), d(2020, 1, 1)).await.unwrap();
        people::insert_membership(&mut tx, p1, a, d(2020, 1, 1)).await.unwrap();
        people::insert_membership(&mut tx, p2, b, d(2020, 1, 1)).await.unwrap();
        let found = people::find_by_key(&mut tx, "2").await.unwrap().unwrap();
        assert_eq!(found.full_name, "Đặng Thị Lan", "{engine}");
        tx.commit().await.unwrap();
        let hits = people::search(&store, &[a], "dang thi", 10).await.unwrap();
        assert_eq!(hits.iter().map(|p| p.id).collect::<Vec<_>>(), vec![p1], "{engine}: only unit A's person");
        let hits = people::search(&store, &[a, b], "dang thi", 10).await.unwrap();
        assert_eq!(hits.len(), 2, "{engine}");
        assert!(people::search(&store, &[], "", 10).await.unwrap().is_empty(), "{engine}: no units, nobody");
        let got = people::get(&store, p1).await.unwrap().unwrap();
        assert_eq!(
            (got.gender, got.admitted_on),
            (Some(Gender::Female), Some(d(2010, 3, 2))),
            "{engine}: fields round-trip"
        );
        let mut tx = store.begin().await.unwrap();
        people::end_memberships(&mut tx, p1, d(2024, 5, 1)).await.unwrap();
        people::insert_membership(&mut tx, p1, b, d(2024, 5, 1)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(people::members_on(&store, a, d(2024, 4, 30)).await.unwrap().len(), 1, "{engine}");
        assert_eq!(people::members_on(&store, a, d(2024, 5, 1)).await.unwrap().len(), 0, "{engine}: transferred away");
        assert_eq!(people::memberships_of(&store, p1).await.unwrap().len(), 2, "{engine}: history kept");
    })
    .await;
}

#[tokio::test]
async fn conferences_points_and_attendance() {
    each_engine(async |engine, store| {
        let mut tx = store.begin().await.unwrap();
        let u = units::insert(&mut tx, "U", "U", "chi_bo", d(2000, 1, 1)).await.unwrap();
        let v = units::insert(&mut tx, "V", "V", "chi_bo", d(2000, 1, 1)).await.unwrap();
        let p = people::insert(&mut tx, &person("9", "Giàng A Páo"), d(2020, 1, 1)).await.unwrap();
        let t = conferences::insert_topic(
            &mut tx,
            &Topic {
                id: 0,
                code: "CD".into(),
                title: "Chuyên đề".into(),
                year: 2024,
                term_wide: false,
                deadline: Some(d(2024, 3, 20)),
                doc_id: None,
                unit_id: Some(u),
            },
        )
        .await
        .unwrap();
        let conf = Conference {
            id: 0,
            code: "HN1".into(),
            unit_id: u,
            held_on: d(2024, 3, 1),
            title: "Quán triệt".into(),
            level: "Tỉnh".into(),
            online: true,
            others_count: 120,
            unlisted_members: 3,
            topic_ids: vec![t],
            regular_meeting: false,
            study_content: true,
        };
        let c = conferences::insert(&mut tx, &conf).await.unwrap();
        conferences::upsert_point(
            &mut tx,
            &ConnectionPoint { conference_id: c, unit_id: v, others_count: 5, unlisted_members: 1 },
        )
        .await
        .unwrap();
        conferences::upsert_point(
            &mut tx,
            &ConnectionPoint { conference_id: c, unit_id: v, others_count: 7, unlisted_members: 2 },
        )
        .await
        .unwrap();
        conferences::upsert_attendance(
            &mut tx,
            &Attendance { conference_id: c, person_id: p, point_unit_id: None, status: AttendanceStatus::Absent },
        )
        .await
        .unwrap();
        conferences::upsert_attendance(
            &mut tx,
            &Attendance { conference_id: c, person_id: p, point_unit_id: Some(v), status: AttendanceStatus::Present },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let got = conferences::get(&store, c).await.unwrap().unwrap();
        assert_eq!(got, Conference { id: c, ..conf }, "{engine}");
        assert_eq!(
            conferences::points(&mut store.snapshot().await.unwrap(), c).await.unwrap()[0].others_count,
            7,
            "{engine}: upsert replaced"
        );
        let att = conferences::attendance(&mut store.snapshot().await.unwrap(), c).await.unwrap();
        assert_eq!(
            (att.len(), att[0].status, att[0].point_unit_id),
            (1, AttendanceStatus::Present, Some(v)),
            "{engine}"
        );
        let mut streamed = vec![];
        facts::for_each_attendance(&mut store.snapshot().await.unwrap(), |a| streamed.push(a)).await.unwrap();
        assert_eq!(streamed, att, "{engine}");
        assert_eq!(
            conferences::all(&mut store.snapshot().await.unwrap()).await.unwrap()[0].topic_ids,
            vec![t],
            "{engine}"
        );
        assert_eq!(
            conferences::list_by_unit(&store, u, d(2024, 1, 1), d(2024, 12, 31), 10).await.unwrap().len(),
            1,
            "{engine}"
        );
        assert_eq!(
            conferences::list_by_unit(&store, u, d(2025, 1, 1), d(2025, 12, 31), 10).await.unwrap().len(),
            0,
            "{engine}"
        );
    })
    .await;
}

#[tokio::test]
async fn accounts_sessions_tokens_and_audit() {
    each_engine(async |engine, store| {
        let mut tx = store.begin().await.unwrap();
        let u = users::insert(&mut tx, "bithu", "hash", Role::Secretary, None, None).await.unwrap();
        users::insert_session(&mut tx, "h1", u, "csrf1").await.unwrap();
        users::insert_token(&mut tx, u, "app", "th1").await.unwrap();
        audit::insert(
            &mut tx,
            NewAudit {
                user_id: u,
                username: "bithu",
                action: "create",
                entity: "unit",
                entity_id: Some(1),
                scope_unit_id: Some(7),
                before: None,
                after: Some("{}".into()),
                request_id: "r1",
            },
        )
        .await
        .unwrap();
        audit::insert(
            &mut tx,
            NewAudit {
                user_id: u,
                username: "bithu",
                action: "create",
                entity: "unit",
                entity_id: Some(2),
                scope_unit_id: Some(8),
                before: None,
                after: None,
                request_id: "r2",
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let user = users::by_username(&store, "bithu").await.unwrap().unwrap();
        assert_eq!((user.role, user.active), (Role::Secretary, true), "{engine}");
        assert_eq!(users::session(&store, "h1").await.unwrap().unwrap().csrf_token, "csrf1", "{engine}");
        assert_eq!(users::user_of_token(&store, "th1").await.unwrap(), Some(u), "{engine}");
        let all = audit::list(&store, None, None, 10).await.unwrap();
        assert_eq!(
            all.iter().map(|a| a.request_id.as_str()).collect::<Vec<_>>(),
            vec!["r2", "r1"],
            "{engine}: newest first"
        );
        let scoped = audit::list(&store, Some(&[7]), None, 10).await.unwrap();
        assert_eq!(scoped.len(), 1, "{engine}: filtered by unit");
        let mut tx = store.begin().await.unwrap();
        users::set_active(&mut tx, u, false).await.unwrap();
        assert_eq!(users::revoke_token(&mut tx, u, 1).await.unwrap(), 1, "{engine}");
        tx.commit().await.unwrap();
        assert!(users::session(&store, "h1").await.unwrap().is_none(), "{engine}: deactivation ends sessions");
        assert_eq!(users::user_of_token(&store, "th1").await.unwrap(), None, "{engine}: revoked");
    })
    .await;
}

#[tokio::test]
async fn bulk_inserts_keep_identity_sequences_usable() {
    each_engine(async |engine, store| {
        let mut tx = store.begin().await.unwrap();
        let rows: Vec<Vec<Value>> = (1..=2500)
            .map(|i| {
                vec![
                    Value::Int(i),
                    Value::Text(format!("B{i}")),
                    Value::Text(format!("Chi bộ {i}")),
                    Value::Text("chi_bo".into()),
                    Value::Date(d(2000, 1, 1)),
                    Value::OptDate(None),
                ]
            })
            .collect();
        bulk::insert(&mut tx, "units", &["id", "code", "name", "kind", "opened_on", "closed_on"], &rows).await.unwrap();
        bulk::fix_sequences(&store, &mut tx).await.unwrap();
        assert_eq!(bulk::max_id(&mut tx, "units").await.unwrap(), 2500, "{engine}");
        let next = units::insert(&mut tx, "AFTER", "Sau", "chi_bo", d(2000, 1, 1)).await.unwrap();
        assert!(next > 2500, "{engine}: new ids continue after bulk ids, got {next}");
        tx.commit().await.unwrap();
        assert_eq!(bulk::count(&store, "units").await.unwrap(), 2501, "{engine}");
    })
    .await;
}

#[tokio::test]
async fn kinds_have_levels_and_new_kinds_are_added_once() {
    each_engine(async |engine, store| {
        let levels: Vec<String> = units::levels(&store).await.unwrap().into_iter().map(|l| l.code).collect();
        assert_eq!(levels, ["tinh", "huyen", "co_so", "chi_bo"], "{engine}");
        let kinds = units::kinds(&store).await.unwrap();
        assert!(kinds.iter().all(|k| levels.contains(&k.level)), "{engine}: every seeded kind has a level");
        let new = lamtheo_domain::org::UnitKind {
            code: "dang_doan".into(),
            name_vi: "Đảng đoàn".into(),
            name_en: "Party group".into(),
            party: true,
            level: "tinh".into(),
        };
        let mut tx = store.begin().await.unwrap();
        units::insert_kind(&mut tx, &new).await.unwrap();
        tx.commit().await.unwrap();
        let kinds = units::kinds(&store).await.unwrap();
        assert_eq!(kinds.last(), Some(&new), "{engine}: added after the others");
        let mut tx = store.begin().await.unwrap();
        let e = units::insert_kind(&mut tx, &new).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("code")), "{engine}");
        drop(tx);
        // The database itself refuses a kind without a level, or with one that does not exist.
        for (level, what) in [(None, "no level"), (Some("trung_uong"), "an unknown level")] {
            let mut tx = store.begin().await.unwrap();
            let sql = "INSERT INTO unit_kinds (code, name_vi, name_en, party, sort_order, level) VALUES ('x', 'X', 'X', FALSE, 99, $1)";
            let inserted = lamtheo_store::on_tx!(&mut tx, c => sqlx::query(sql).bind(level).execute(c).await.map(|_| ()));
            let committed = match inserted {
                Ok(()) => tx.commit().await.is_ok(),
                Err(_) => false,
            };
            assert!(!committed, "{engine}: a kind with {what} was stored");
        }
        assert_eq!(units::kinds(&store).await.unwrap().len(), kinds.len(), "{engine}");
    })
    .await;
}
