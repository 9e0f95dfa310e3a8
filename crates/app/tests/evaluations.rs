//! Evaluation and ranking: levels on a scale or from a score, the distribution by group, the
//! share rated good or better, the 20% rule reported as a warning, and the scope check.
mod common;

use common::{apps, d, province};
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::ErrorCode;

fn rating(person: i64, level: &str) -> Evaluation {
    Evaluation {
        subject: Subject::Person,
        subject_id: person,
        year: 2024,
        quarter: 0,
        scale: "qd124".into(),
        level_code: level.into(),
        score: None,
        note: String::new(),
    }
}

#[tokio::test]
async fn ratings_roll_up_with_the_rule_as_a_warning() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let people: Vec<i64> = pv.people.iter().flatten().copied().collect();
        // 12 members: 3 excellent, 7 good, 1 completed, 1 not completed.
        let levels = [
            "xuat_sac",
            "xuat_sac",
            "xuat_sac",
            "tot",
            "tot",
            "tot",
            "tot",
            "tot",
            "tot",
            "tot",
            "hoan_thanh",
            "khong_hoan_thanh",
        ];
        let rows = people.iter().zip(levels).map(|(p, l)| rating(*p, l)).collect();
        assert_eq!(app.record_evaluations(&sys, rows).await.unwrap(), 12, "{engine}");
        let report = app.evaluation_report(&sys, pv.p, 2024, 0, d(2024, 12, 31), false).await.unwrap();
        let members = &report[0];
        assert_eq!(
            (members.evaluated, members.good_or_better, members.excellent, members.rate()),
            (12, 10, 3, "83,3%".to_string()),
            "{engine}"
        );
        assert_eq!(members.levels[0].1, "xuat_sac", "{engine}: best level first");
        // 3 excellent > 20% of 10 = 2: reported, not refused.
        assert!(members.warning.as_deref().is_some_and(|w| w.contains("tối đa 2")), "{engine}: {:?}", members.warning);
        // A score on the 100-point scale decides the level; a score off the scale is refused.
        let scored = Evaluation { quarter: 2, scale: "qd366".into(), score: Some(91), ..rating(people[0], "") };
        app.record_evaluations(
            &sys,
            vec![scored, Evaluation { quarter: 2, scale: "qd366".into(), score: Some(75), ..rating(people[1], "") }],
        )
        .await
        .unwrap();
        let q2 = &app.evaluation_report(&sys, pv.p, 2024, 2, d(2024, 12, 31), false).await.unwrap()[0];
        assert_eq!(
            q2.levels.iter().map(|l| (l.1.as_str(), l.3)).collect::<Vec<_>>(),
            vec![("xuat_sac", 1), ("tot", 1)],
            "{engine}"
        );
        let e = app
            .record_evaluations(
                &sys,
                vec![Evaluation { score: Some(101), scale: "qd366".into(), ..rating(people[0], "") }],
            )
            .await
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("score"), "{engine}");
        let e = app.record_evaluations(&sys, vec![rating(people[0], "gioi")]).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("level_code"), "{engine}");
        // Organisations are rated too.
        app.record_evaluations(&sys, vec![Evaluation { subject: Subject::Unit, ..rating(pv.cells[0], "tot") }])
            .await
            .unwrap();
        let report = app.evaluation_report(&sys, pv.p, 2024, 0, d(2024, 12, 31), false).await.unwrap();
        let organisations = report.iter().find(|d| d.group == "organisations").unwrap();
        assert_eq!(organisations.evaluated, 1, "{engine}");
        // A secretary of the other district can rate neither these people nor this cell.
        let stranger = Actor {
            user_id: 9,
            username: "x".into(),
            role: Role::Secretary,
            scope: Some(pv.districts[1]),
            person_id: None,
            request_id: String::new(),
        };
        let e = app.record_evaluations(&stranger, vec![rating(people[0], "tot")]).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{engine}");
        assert!(
            app.evaluation_report(&stranger, pv.districts[0], 2024, 0, d(2024, 12, 31), false).await.is_err(),
            "{engine}"
        );
        // District 2's own secretary sees only district 2's six members.
        let own = Actor { scope: Some(pv.districts[1]), ..stranger };
        assert_eq!(
            app.evaluation_report(&own, pv.districts[1], 2024, 0, d(2024, 12, 31), false).await.unwrap()[0].evaluated,
            6,
            "{engine}"
        );
    }
}
