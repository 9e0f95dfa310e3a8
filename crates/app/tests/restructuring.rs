//! The 1/7/2025 reorganisation in miniature, on every engine: districts close and their
//! communes merge into fewer communes directly under the province.
mod common;

use common::{apps, d, province};
use lamtheo_analytics::Figures;
use lamtheo_app::tree::{MergeTarget, NewUnit};
use lamtheo_domain::access::Actor;
use lamtheo_domain::period::Period;

fn show(label: &str, f: &Figures) {
    println!(
        "{label:<44} conf {:>3}  lượt CB-ĐV {:>3}  lượt khác {:>3}  tham gia {:>2}/{:<2} {:<6} chi bộ {}",
        f.conferences,
        f.member_attendances,
        f.other_attendances,
        f.participants,
        f.eligible,
        f.rate_label(),
        f.cells_label()
    );
}

#[tokio::test]
async fn merge_keeps_history_and_the_old_tree_comes_back() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let y2024 = Period::year(2024);
        let end2024 = d(2024, 12, 31);
        let watched = [
            pv.p,
            pv.districts[0],
            pv.districts[1],
            pv.communes[0],
            pv.communes[1],
            pv.communes[2],
            pv.communes[3],
            pv.cells[0],
        ];
        let mut before: Vec<Figures> = Vec::new();
        for u in &watched {
            before.push(app.unit_report(&sys, *u, y2024, end2024).await.unwrap().figures);
        }
        let old_tree =
            app.unit_view(&sys, pv.p, d(2025, 6, 30)).unwrap().children.iter().map(|c| c.id).collect::<Vec<_>>();
        let h1_2025 =
            Period::new(lamtheo_domain::period::Month::new(2025, 1), lamtheo_domain::period::Month::new(2025, 6));
        let c1_h1 = app.unit_report(&sys, pv.communes[0], h1_2025, d(2025, 6, 30)).await.unwrap().figures;
        let c2_h1 = app.unit_report(&sys, pv.communes[1], h1_2025, d(2025, 6, 30)).await.unwrap().figures;

        // 1/7/2025: C1 + C2 → N1, C3 + C4 → N2, both directly under the province; districts close.
        let on = d(2025, 7, 1);
        let new = |code: &str, name: &str| {
            MergeTarget::New(NewUnit {
                code: code.into(),
                name: name.into(),
                kind: "dang_uy_xa".into(),
                parent_id: Some(pv.p),
                opened_on: on,
            })
        };
        let n1 = app
            .merge_units(
                &sys,
                &[pv.communes[0], pv.communes[1]],
                new("N1", "Đảng ủy xã Bình Lư (mới)"),
                on,
                "Sắp xếp 2025",
            )
            .await
            .unwrap();
        let n2 = app
            .merge_units(
                &sys,
                &[pv.communes[2], pv.communes[3]],
                new("N2", "Đảng ủy xã Mường So (mới)"),
                on,
                "Sắp xếp 2025",
            )
            .await
            .unwrap();
        for dist in pv.districts {
            app.close_unit(&sys, dist, on).await.unwrap();
        }

        // 2024 figures are exactly what they were.
        let mut after: Vec<Figures> = Vec::new();
        for u in &watched {
            after.push(app.unit_report(&sys, *u, y2024, end2024).await.unwrap().figures);
        }
        assert_eq!(before, after, "{engine}: 2024 figures changed when the merge was recorded");
        // …also when read on today's tree, at the province.
        assert_eq!(app.unit_report(&sys, pv.p, y2024, d(2026, 1, 1)).await.unwrap().figures, before[0], "{engine}");

        // As of 30/6/2025 the old tree comes back.
        let again =
            app.unit_view(&sys, pv.p, d(2025, 6, 30)).unwrap().children.iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(again, old_tree, "{engine}");
        assert_eq!(old_tree.len(), 2, "{engine}: two districts");
        assert!(app.unit_view(&sys, n1, d(2025, 6, 30)).unwrap().children.is_empty(), "{engine}: N1 did not exist yet");
        // After the merge: the province has N1, N2 and the two closed districts (historic).
        let now = app.unit_view(&sys, pv.p, d(2025, 12, 31)).unwrap();
        assert_eq!(now.children.iter().filter(|c| !c.historic).map(|c| c.id).collect::<Vec<_>>().len(), 2, "{engine}");
        assert_eq!(now.children.iter().filter(|c| c.historic).count(), 2, "{engine}: districts hang on as history");

        // N1's 2025 covers both halves: C1's own conference in March, and apart from it its
        // cells' 24 regular meetings.
        let y2025 = Period::year(2025);
        let n1_2025 = app.unit_report(&sys, n1, y2025, d(2025, 12, 31)).await.unwrap();
        assert_eq!((n1_2025.figures.conferences, n1_2025.figures.meetings), (1, 24), "{engine}");
        assert_eq!(n1_2025.figures.eligible, 6, "{engine}");
        assert_eq!(n1_2025.figures.other_attendances, 50, "{engine}");
        assert_eq!(n1_2025.figures.meeting_other_attendances, 24 * 2, "{engine}");
        let n1_h1 = app.unit_report(&sys, n1, h1_2025, d(2025, 12, 31)).await.unwrap().figures;
        assert_eq!(
            n1_h1.conferences,
            c1_h1.conferences + c2_h1.conferences,
            "{engine}: first half carried by the predecessors"
        );
        assert_eq!(n1_h1.member_attendances, c1_h1.member_attendances + c2_h1.member_attendances, "{engine}");
        assert_eq!(n1_h1.eligible, c1_h1.eligible + c2_h1.eligible, "{engine}");
        // The whole province in 2025 is the same whichever tree it is read on.
        assert_eq!(
            app.unit_report(&sys, pv.p, y2025, d(2025, 6, 30)).await.unwrap().figures,
            app.unit_report(&sys, pv.p, y2025, d(2025, 12, 31)).await.unwrap().figures,
            "{engine}"
        );
        // Eligible means eligible then: the person admitted in November 2024 is not counted in March 2024.
        let march =
            Period::new(lamtheo_domain::period::Month::new(2024, 3), lamtheo_domain::period::Month::new(2024, 3));
        assert_eq!(app.unit_report(&sys, pv.cells[0], march, end2024).await.unwrap().figures.eligible, 2, "{engine}");
        assert_eq!(
            app.unit_report(
                &sys,
                pv.cells[0],
                Period::new(lamtheo_domain::period::Month::new(2024, 12), lamtheo_domain::period::Month::new(2024, 12)),
                end2024
            )
            .await
            .unwrap()
            .figures
            .eligible,
            3,
            "{engine}"
        );
        // The lineage is recorded.
        let lineage = app.lineage(&sys, n1).await.unwrap();
        assert!(
            lineage.iter().any(|e| e.kind == lamtheo_domain::org::LineageKind::Merge
                && e.sources == vec![pv.communes[0], pv.communes[1]]),
            "{engine}"
        );

        println!("--- {engine}: 2024, as of 31/12/2024 (before = after the merge) ---");
        for (u, f) in watched.iter().zip(&after) {
            show(&app.unit_view(&sys, *u, end2024).unwrap().name_on, f);
        }
        println!("--- {engine}: 2025 ---");
        show("C1 Bình Lư, 1–6/2025 as of 30/6/2025", &c1_h1);
        show("C2 Bản Bo, 1–6/2025 as of 30/6/2025", &c2_h1);
        show("N1 (new), 1–6/2025 as of 31/12/2025", &n1_h1);
        show("N1 (new), 2025 as of 31/12/2025", &n1_2025.figures);
        show(
            "N2 (new), 2025 as of 31/12/2025",
            &app.unit_report(&sys, n2, y2025, d(2025, 12, 31)).await.unwrap().figures,
        );
        show(
            "Province, 2025 as of 31/12/2025",
            &app.unit_report(&sys, pv.p, y2025, d(2025, 12, 31)).await.unwrap().figures,
        );
    }
}

#[tokio::test]
async fn split_reassigns_members_as_told_and_keeps_the_history() {
    use lamtheo_app::tree::SplitPlan;
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let cell = pv.cells[1];
        let people = pv.people[1].clone();
        let y2024 = Period::year(2024);
        let before = app.unit_report(&sys, pv.communes[1], y2024, d(2024, 12, 31)).await.unwrap().figures;
        let on = d(2025, 1, 1);
        let target = |code: &str| NewUnit {
            code: code.into(),
            name: format!("Chi bộ {code}"),
            kind: "chi_bo".into(),
            parent_id: None,
            opened_on: on,
        };
        // Every member must be assigned: leaving one out is refused and changes nothing.
        let partial = SplitPlan {
            source: cell,
            on,
            targets: vec![target("S1"), target("S2")],
            members: vec![(people[0], 0), (people[1], 1)],
            children: vec![],
        };
        let e = app.split_unit(&sys, partial).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members"), "{engine}: {e:?}");
        assert!(app.unit_by_code(&sys, "S1").is_err(), "{engine}: nothing created");
        let plan = SplitPlan {
            source: cell,
            on,
            targets: vec![target("S1"), target("S2")],
            members: vec![(people[0], 0), (people[1], 1), (people[2], 1)],
            children: vec![],
        };
        let ids = app.split_unit(&sys, plan).await.unwrap();
        assert_eq!(
            app.members_on(&sys, ids[0], on).await.unwrap().iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![people[0]],
            "{engine}"
        );
        assert_eq!(app.members_on(&sys, ids[1], on).await.unwrap().len(), 2, "{engine}");
        assert!(app.members_on(&sys, cell, on).await.unwrap().is_empty(), "{engine}: the split cell is empty");
        let commune = app.unit_view(&sys, pv.communes[1], on).unwrap();
        assert_eq!(
            commune.children.iter().filter(|c| !c.historic).count(),
            2,
            "{engine}: two new cells under the commune"
        );
        assert!(
            commune.children.iter().any(|c| c.id == cell && c.historic),
            "{engine}: the old cell hangs on as history"
        );
        // 2024 is unchanged; in 2025 the commune counts the same three people.
        assert_eq!(
            app.unit_report(&sys, pv.communes[1], y2024, d(2025, 12, 31)).await.unwrap().figures,
            before,
            "{engine}"
        );
        assert_eq!(
            app.unit_report(&sys, pv.communes[1], Period::year(2025), d(2025, 12, 31)).await.unwrap().figures.eligible,
            3,
            "{engine}"
        );
        let fresh = lamtheo_app::load_index(&app.store).await.unwrap();
        assert_eq!(
            fresh.figures(pv.communes[1], Period::year(2025), d(2025, 12, 31)),
            app.unit_report(&sys, pv.communes[1], Period::year(2025), d(2025, 12, 31)).await.unwrap().figures,
            "{engine}"
        );
    }
}

/// A restructuring recorded late (dated before a change already recorded) is refused where
/// it would rewrite what came after: a unit under its own descendant on a later day, a
/// member left in a closed unit, a membership that outlives its unit.
#[tokio::test]
async fn late_changes_cannot_rewrite_what_came_after() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let [k1, k2, k3, _] = pv.cells;
        // K1 merges into K2 on 1/1/2026.
        app.merge_units(&sys, &[k1], MergeTarget::Existing(k2), d(2026, 1, 1), "").await.unwrap();
        // K2 into K1 in 2024 would put each under the other from 2026: refused, K1 has
        // changed since; so is anything else of K1 before its merge.
        let e = app.merge_units(&sys, &[k2], MergeTarget::Existing(k1), d(2024, 6, 1), "").await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("on"), "{engine}: {e:?}");
        let e = app.move_unit(&sys, k1, pv.communes[3], d(2025, 1, 1)).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("on"), "{engine}: {e:?}");
        // Nobody may start in K1 now, on any day: the membership would outlive it.
        let e = app.transfer_person(&sys, pv.people[2][0], k1, d(2025, 3, 1)).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("unit_id"), "{engine}: {e:?}");
        // A member of K3 leaves it on 1/3/2026; K3 cannot close or merge before that day.
        for p in &pv.people[2] {
            app.transfer_person(&sys, *p, pv.cells[3], d(2026, 3, 1)).await.unwrap();
        }
        let e = app.close_unit(&sys, k3, d(2025, 12, 1)).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("on"), "{engine}: {e:?}");
        let e = app.merge_units(&sys, &[k3], MergeTarget::Existing(k2), d(2025, 12, 1), "").await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("on"), "{engine}: {e:?}");
        app.close_unit(&sys, k3, d(2026, 3, 1)).await.unwrap();
        // A commune cannot merge into one of its own cells' successors on a later day either.
        let e =
            app.merge_units(&sys, &[pv.communes[1]], MergeTarget::Existing(k2), d(2026, 2, 1), "").await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("target"), "{engine}: {e:?}");
    }
}
