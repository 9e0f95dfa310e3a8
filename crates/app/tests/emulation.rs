//! Emulation movements: expected people register (themselves or by their cell), the cell
//! reviews monthly, and the figures split registrations by membership.
mod common;

use common::{apps, d, province};
use lamtheo_app::people::{NewPerson, PersonUpdate};
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::emulation::{Expected, Movement, Review};
use lamtheo_domain::people::Person;
use lamtheo_domain::period::Month;

#[tokio::test]
async fn registrations_and_monthly_reviews_roll_up() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        // Key cadres: one member in each of the first two cells, and a non-member head.
        let mut key = vec![];
        for (i, cell) in pv.cells.iter().take(2).enumerate() {
            let p = pv.people[i][0];
            let mut person = app.person(&sys, p).await.unwrap().person;
            person.key_cadre = true;
            let post_from = Some(d(2020, 1, 1));
            app.update_person_from(&sys, PersonUpdate { person, post_from }).await.unwrap();
            key.push(p);
            let _ = cell;
        }
        let head = Person {
            person_code: Some("NGOAI-1".into()),
            full_name: "Lò Văn Khánh".into(),
            is_member: false,
            head_of_unit: true,
            ..Person::default()
        };
        let head =
            app.add_person(&sys, NewPerson { person: head, unit_id: pv.cells[1], since: d(2020, 1, 1) }).await.unwrap();
        let movement = Movement {
            id: 0,
            unit_id: pv.districts[0],
            title: "Thi đua làm theo Bác 2025".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: Expected::KeyCadres,
        };
        let id = app.create_movement(&sys, movement).await.unwrap();

        // A member registers themself; the cell registers the head; a stranger cannot.
        let me = Actor {
            user_id: 5,
            username: "dv".into(),
            role: Role::Member,
            scope: Some(pv.cells[0]),
            person_id: Some(key[0]),
            request_id: String::new(),
        };
        let r1 = app.register(&me, id, key[0], "Gương mẫu tiết kiệm", d(2025, 1, 5)).await.unwrap();
        assert!(
            app.register(&me, id, key[1], "Thay người khác", d(2025, 1, 5)).await.is_err(),
            "{engine}: a member registers only themself"
        );
        let secretary = Actor {
            user_id: 6,
            username: "bt".into(),
            role: Role::Secretary,
            scope: Some(pv.communes[1]),
            person_id: None,
            request_id: String::new(),
        };
        let r2 =
            app.register(&secretary, id, head, "Vận động nhân dân hiến đất làm đường", d(2025, 1, 6)).await.unwrap();
        let stranger = Actor { scope: Some(pv.districts[1]), ..secretary.clone() };
        assert!(app.register(&stranger, id, key[1], "Lén", d(2025, 1, 6)).await.is_err(), "{engine}");
        assert!(app.movements(&stranger).await.unwrap().is_empty(), "{engine}: launched in the other district");
        assert_eq!(app.movements(&me).await.unwrap().len(), 1, "{engine}: visible inside the launching unit's subtree");

        // Monthly review by the cell.
        let m1 = Month::new(2025, 1).0;
        app.review_registration(&sys, Review { registration_id: r1, month: m1, met: true, comment: String::new() })
            .await
            .unwrap();
        app.review_registration(
            &secretary,
            Review { registration_id: r2, month: m1, met: false, comment: "Chưa xong".into() },
        )
        .await
        .unwrap();
        assert!(
            app.review_registration(
                &stranger,
                Review { registration_id: r1, month: m1, met: false, comment: String::new() }
            )
            .await
            .is_err(),
            "{engine}"
        );

        // A month outside the movement's period (2025) is refused, as the import refuses it.
        let late = Review { registration_id: r1, month: Month::new(2026, 11).0, met: true, comment: String::new() };
        let e = app.review_registration(&sys, late).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (lamtheo_domain::ErrorCode::Conflict, Some("month")), "{engine}");

        let r = app.movement_report(&sys, id, pv.districts[0], d(2025, 6, 1)).await.unwrap();
        assert_eq!(
            (r.registered, r.expected, r.registered_members, r.registered_non_members),
            (2, 3, 1, 1),
            "{engine}"
        );
        assert_eq!(r.months, vec![(Month::new(2025, 1), 1, 1)], "{engine}");
        // The same from an index built afresh from the database, which reads the reviews
        // folded by year (`for_each_review_year`).
        app.rebuild_index().await.unwrap();
        let again = app.movement_report(&sys, id, pv.districts[0], d(2025, 6, 1)).await.unwrap();
        assert_eq!((again.registered, again.expected, again.months), (2, 3, r.months.clone()), "{engine}: rebuilt");
        let mine = app.movement_report(&me, id, pv.cells[0], d(2025, 6, 1)).await.unwrap();
        assert_eq!(
            mine.rows.iter().map(|r| r.person.id).collect::<Vec<_>>(),
            vec![key[0]],
            "{engine}: a member sees only themself"
        );
    }
}
