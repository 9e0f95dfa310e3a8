//! Personal plans and commitments: a member writes and submits their own; only a reviewer
//! whose scope covers the member's cell can acknowledge or return it; the figures count
//! submitted plans against the members expected to have one.
mod common;

use common::{apps, d, province};
use lamtheo_app::auth::NewUser;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::period::Period;
use lamtheo_domain::plans::{PlanKind, PlanStatus};
use lamtheo_domain::ErrorCode;

#[tokio::test]
async fn members_submit_and_cells_acknowledge_plans() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let actor = |name: &str, role, scope, person| Actor {
            user_id: 0,
            username: name.into(),
            role,
            scope: Some(scope),
            person_id: person,
            request_id: String::new(),
        };
        let hoa = actor("dv1", Role::Member, pv.cells[0], Some(pv.people[0][0]));
        let other = actor("dv2", Role::Member, pv.cells[0], Some(pv.people[0][1]));
        let secretary = actor("bt1", Role::Secretary, pv.cells[0], None);
        let stranger = actor("bt3", Role::Secretary, pv.districts[1], None);
        app.add_user(
            &sys,
            NewUser {
                username: "dv1".into(),
                password: "mat-khau-dai".into(),
                role: Role::Member,
                scope_unit_id: Some(pv.cells[0]),
                person_id: Some(pv.people[0][0]),
            },
        )
        .await
        .unwrap();

        // Empty content is refused; a draft does not count; a submitted plan does.
        assert_eq!(
            app.save_own_plan(&hoa, PlanKind::YearPlan, 2025, "  ", true).await.unwrap_err().field.as_deref(),
            Some("content"),
            "{engine}"
        );
        let draft =
            app.save_own_plan(&hoa, PlanKind::YearPlan, 2025, "Giữ gìn đoàn kết trong chi bộ", false).await.unwrap();
        let figures = |app: &lamtheo_app::App| {
            let app = app.clone();
            async move {
                app.plan_figures(&Actor::system(), pv_root(&app), Period::year(2025), d(2025, 12, 31)).await.unwrap()
            }
        };
        let year_plan =
            |f: &[lamtheo_app::plans::PlanFigure]| f.iter().find(|x| x.kind == PlanKind::YearPlan).copied().unwrap();
        assert_eq!(
            (year_plan(&figures(&app).await).made, year_plan(&figures(&app).await).expected),
            (0, 12),
            "{engine}"
        );
        let submitted = app
            .save_own_plan(&hoa, PlanKind::YearPlan, 2025, "Giữ gìn đoàn kết; tiết kiệm; giúp hộ nghèo", true)
            .await
            .unwrap();
        assert_eq!(draft, submitted, "{engine}: one plan per person and year, rewritten");
        app.save_own_plan(&other, PlanKind::Commitment, 2025, "Cam kết tu dưỡng", true).await.unwrap();
        app.save_own_plan(&hoa, PlanKind::TermPlan, 2023, "Kế hoạch 2021–2025", true).await.unwrap();
        let f = figures(&app).await;
        assert_eq!(year_plan(&f).label(), "1/12", "{engine}");
        assert_eq!(f.iter().find(|x| x.kind == PlanKind::Commitment).unwrap().label(), "1/12", "{engine}");
        let term = f.iter().find(|x| x.kind == PlanKind::TermPlan).unwrap();
        assert_eq!(
            (term.from_year, term.to_year, term.made),
            (2021, 2025, 1),
            "{engine}: a term plan counts for every year of the term"
        );

        // A member sees only their own line; a secretary of another district cannot review.
        let own = app.plans_of_unit(&hoa, pv.cells[0], 2025, d(2025, 6, 1)).await.unwrap();
        assert_eq!(own.iter().map(|r| r.person.id).collect::<Vec<_>>(), vec![pv.people[0][0]], "{engine}");
        let e = app.review_plan(&stranger, submitted, true, "").await.unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound, "{engine}");
        assert!(app.review_plan(&other, submitted, true, "").await.is_err(), "{engine}: a member cannot acknowledge");
        assert_eq!(
            app.review_plan(&secretary, submitted, false, " ").await.unwrap_err().field.as_deref(),
            Some("comment"),
            "{engine}: returning needs a reason"
        );
        app.review_plan(&secretary, submitted, true, "Tốt").await.unwrap();
        let mine = app.my_page(&hoa).await.unwrap();
        let plan = mine.plans.iter().find(|p| p.kind == PlanKind::YearPlan).unwrap();
        assert_eq!((plan.status, plan.comment.as_str()), (PlanStatus::Acknowledged, "Tốt"), "{engine}");
        let today = app.today();
        assert_eq!((plan.submitted_on, plan.reviewed_on), (Some(today), Some(today)), "{engine}: the days are kept");
        assert!(
            app.save_own_plan(&hoa, PlanKind::YearPlan, 2025, "Sửa lại", true).await.is_err(),
            "{engine}: acknowledged is final"
        );
        assert!(!mine.attendance.is_empty(), "{engine}: the member's attendance history");
        assert!(mine.memberships.iter().all(|m| m.person_id == pv.people[0][0]), "{engine}");
        // Every step was audited.
        let log = app.audit_log(&sys, None, 1000).await.unwrap();
        assert_eq!(
            log.iter().filter(|e| e.entity == "personal_plan").count(),
            5,
            "{engine}: four saves and one acknowledgement; refusals write nothing"
        );
    }
}

fn pv_root(app: &lamtheo_app::App) -> i64 {
    app.unit_by_code(&Actor::system(), "P").unwrap().id
}
