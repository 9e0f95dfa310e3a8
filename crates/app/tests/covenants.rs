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
