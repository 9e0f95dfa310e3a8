//! Emulation covenants: signing, scoring within each group's maximum, ranking with shared
//! ranks, and the scope check.
mod common;

use common::{apps, d, province};
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::covenant::{Campaign, ContentGroup, Score, Signatory};

#[tokio::test]
async fn covenants_are_signed_scored_and_ranked() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let groups = (1..=5).map(|i| ContentGroup { title: format!("Nhóm {i}"), max_score: 20 }).collect();
        let campaign = Campaign { id: 0, unit_id: pv.p, title: "Giao ước thi đua 2025".into(), year: 2025, groups };
        let id = app.create_covenant(&sys, campaign, &pv.communes).await.unwrap();
        for (i, c) in pv.communes.iter().enumerate().take(3) {
            app.sign_covenant(&sys, id, Signatory { unit_id: *c, signed_on: Some(d(2025, 1, 15)), pilot: i == 0 })
                .await
                .unwrap();
        }
        // Commune 1: 20·5 = 100; communes 2 and 3: 18·5 = 90 (tied); commune 4: 12·5 = 60.
        let mut scores = vec![];
        for (c, each) in pv.communes.iter().zip([20, 18, 18, 12]) {
            scores.extend((0..5).map(|g| Score { unit_id: *c, group: g, score: each }));
        }
        app.score_covenant(&sys, id, &scores).await.unwrap();
        let e =
            app.score_covenant(&sys, id, &[Score { unit_id: pv.communes[0], group: 0, score: 21 }]).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("score"), "{engine}: above the group's maximum");
        assert!(
            app.score_covenant(&sys, id, &[Score { unit_id: pv.cells[0], group: 0, score: 5 }]).await.is_err(),
            "{engine}: not a signatory"
        );
        let r = app.covenant_report(&sys, id).await.unwrap();
        assert_eq!((r.signed, r.expected, r.pilots), (3, 4, 1), "{engine}");
        assert_eq!(
            r.rows.iter().map(|x| (x.rank, x.total)).collect::<Vec<_>>(),
            vec![(1, 100), (2, 90), (2, 90), (4, 60)],
            "{engine}"
        );
        assert_eq!((r.average.as_str(), r.bands), ("85", [3, 0, 1]), "{engine}");
        // A commune secretary may sign for their commune but not score, and the other district sees nothing.
        let commune = Actor {
            user_id: 3,
            username: "x".into(),
            role: Role::Secretary,
            scope: Some(pv.communes[3]),
            person_id: None,
            request_id: String::new(),
        };
        app.sign_covenant(
            &commune,
            id,
            Signatory { unit_id: pv.communes[3], signed_on: Some(d(2025, 2, 1)), pilot: false },
        )
        .await
        .unwrap();
        assert!(
            app.score_covenant(&commune, id, &[Score { unit_id: pv.communes[3], group: 0, score: 20 }]).await.is_err(),
            "{engine}: scores come from the organiser"
        );
        assert_eq!(app.covenant_report(&commune, id).await.unwrap().signed, 4, "{engine}: \"4/4\"");
        let other = Actor { scope: Some(pv.districts[1]), ..commune.clone() };
        assert!(
            app.sign_covenant(&other, id, Signatory { unit_id: pv.communes[0], signed_on: None, pilot: false })
                .await
                .is_err(),
            "{engine}"
        );
    }
}

#[tokio::test]
async fn a_unit_sees_the_covenants_and_movements_that_reach_it() {
    use lamtheo_domain::emulation::{Expected, Movement};
    use lamtheo_domain::period::Period;
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let groups = vec![ContentGroup { title: "Nhóm 1".into(), max_score: 50 }];
        let campaign =
            Campaign { id: 0, unit_id: pv.districts[0], title: "Giao ước huyện".into(), year: 2025, groups };
        let c = app.create_covenant(&sys, campaign, &pv.communes[..2]).await.unwrap();
        app.sign_covenant(&sys, c, Signatory { unit_id: pv.communes[1], signed_on: Some(d(2025, 3, 1)), pilot: false })
            .await
            .unwrap();
        let scores = [
            Score { unit_id: pv.communes[0], group: 0, score: 40 },
            Score { unit_id: pv.communes[1], group: 0, score: 45 },
        ];
        app.score_covenant(&sys, c, &scores).await.unwrap();
        let movement = Movement {
            id: 0,
            unit_id: pv.communes[0],
            title: "Thi đua xã".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: Expected::Members,
        };
        let m = app.create_movement(&sys, movement).await.unwrap();
        app.register(&sys, m, pv.people[0][0], "Tiết kiệm", d(2025, 2, 1)).await.unwrap();
        let year = Period::year(2025);
        let as_of = d(2025, 12, 31);

        // The province: the district's covenant (organised in its subtree), the commune's
        // movement counted over the commune only (3 members, 1 registered).
        let cov = app.unit_covenants(&sys, pv.p, year, as_of).await.unwrap();
        assert_eq!(
            cov.iter().map(|(r, own)| (r.campaign.id, r.signed, r.expected, own.is_some())).collect::<Vec<_>>(),
            vec![(c, 1, 2, false)],
            "{engine}"
        );
        let mov = app.unit_movements(&sys, pv.p, year, as_of).await.unwrap();
        assert_eq!(
            mov.iter().map(|r| (r.movement.id, r.registered, r.expected)).collect::<Vec<_>>(),
            vec![(m, 1, 3)],
            "{engine}"
        );
        // The second commune signs: its own line, ranked first; the movement does not reach it.
        let cov = app.unit_covenants(&sys, pv.communes[1], year, as_of).await.unwrap();
        assert_eq!(
            cov.iter().map(|(_, own)| own.as_ref().map(|o| (o.rank, o.total))).collect::<Vec<_>>(),
            vec![Some((1, 45))],
            "{engine}"
        );
        assert!(app.unit_movements(&sys, pv.communes[1], year, as_of).await.unwrap().is_empty(), "{engine}");
        // The other district sees neither; another year shows nothing.
        assert!(app.unit_covenants(&sys, pv.districts[1], year, as_of).await.unwrap().is_empty(), "{engine}");
        assert!(app.unit_movements(&sys, pv.districts[1], year, as_of).await.unwrap().is_empty(), "{engine}");
        assert!(app.unit_covenants(&sys, pv.p, Period::year(2024), as_of).await.unwrap().is_empty(), "{engine}");
        assert!(app.unit_movements(&sys, pv.p, Period::year(2024), as_of).await.unwrap().is_empty(), "{engine}");
    }
}
