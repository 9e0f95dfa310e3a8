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
        "{label:<44} conf {:>3}  lượt CB-ĐV {:>3}  lượt khác {:>3}  tham gia {:>2}/{:<2} {}",
        f.conferences,
        f.member_attendances,
        f.other_attendances,
        f.participants,
        f.eligible,
        f.rate_label()
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
        let before: Vec<Figures> =
            watched.iter().map(|u| app.unit_report(&sys, *u, y2024, end2024).unwrap().figures).collect();
        let old_tree =
            app.unit_view(&sys, pv.p, d(2025, 6, 30)).unwrap().children.iter().map(|c| c.id).collect::<Vec<_>>();
        let h1_2025 =
            Period::new(lamtheo_domain::period::Month::new(2025, 1), lamtheo_domain::period::Month::new(2025, 6));
        let c1_h1 = app.unit_report(&sys, pv.communes[0], h1_2025, d(2025, 6, 30)).unwrap().figures;
        let c2_h1 = app.unit_report(&sys, pv.communes[1], h1_2025, d(2025, 6, 30)).unwrap().figures;

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
        let after: Vec<Figures> =
            watched.iter().map(|u| app.unit_report(&sys, *u, y2024, end2024).unwrap().figures).collect();
        assert_eq!(before, after, "{engine}: 2024 figures changed when the merge was recorded");
        // …also when read on today's tree, at the province.
        assert_eq!(app.unit_report(&sys, pv.p, y2024, d(2026, 1, 1)).unwrap().figures, before[0], "{engine}");

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

        // N1's 2025 covers both halves: its cells' 24 meetings + C1's own conference in March.
        let y2025 = Period::year(2025);
        let n1_2025 = app.unit_report(&sys, n1, y2025, d(2025, 12, 31)).unwrap();
        assert_eq!(n1_2025.figures.conferences, 25, "{engine}");
        assert_eq!(n1_2025.figures.eligible, 6, "{engine}");
        assert_eq!(n1_2025.figures.other_attendances, 24 * 2 + 50, "{engine}");
        let n1_h1 = app.unit_report(&sys, n1, h1_2025, d(2025, 12, 31)).unwrap().figures;
        assert_eq!(
            n1_h1.conferences,
            c1_h1.conferences + c2_h1.conferences,
            "{engine}: first half carried by the predecessors"
        );
        assert_eq!(n1_h1.member_attendances, c1_h1.member_attendances + c2_h1.member_attendances, "{engine}");
        assert_eq!(n1_h1.eligible, c1_h1.eligible + c2_h1.eligible, "{engine}");
        // The whole province in 2025 is the same whichever tree it is read on.
        assert_eq!(
            app.unit_report(&sys, pv.p, y2025, d(2025, 6, 30)).unwrap().figures,
            app.unit_report(&sys, pv.p, y2025, d(2025, 12, 31)).unwrap().figures,
            "{engine}"
        );
        // Eligible means eligible then: the person admitted in November 2024 is not counted in March 2024.
        let march =
            Period::new(lamtheo_domain::period::Month::new(2024, 3), lamtheo_domain::period::Month::new(2024, 3));
        assert_eq!(app.unit_report(&sys, pv.cells[0], march, end2024).unwrap().figures.eligible, 2, "{engine}");
        assert_eq!(
            app.unit_report(
                &sys,
                pv.cells[0],
                Period::new(lamtheo_domain::period::Month::new(2024, 12), lamtheo_domain::period::Month::new(2024, 12)),
                end2024
            )
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
        show("N2 (new), 2025 as of 31/12/2025", &app.unit_report(&sys, n2, y2025, d(2025, 12, 31)).unwrap().figures);
        show("Province, 2025 as of 31/12/2025", &app.unit_report(&sys, pv.p, y2025, d(2025, 12, 31)).unwrap().figures);
    }
}
