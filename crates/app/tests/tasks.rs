//! Breakthrough tasks: chosen by units in scope, rolled up by level over a subtree.
mod common;

use common::{apps, d, province};
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::period::Period;
use lamtheo_domain::tasks::{BreakthroughTask, TaskStatus};

#[tokio::test]
async fn tasks_roll_up_by_level_and_stay_in_scope() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let task = |unit_id, title: &str| BreakthroughTask {
            id: 0,
            unit_id,
            from_year: 2025,
            to_year: 2025,
            title: title.into(),
            field: "Kinh tế".into(),
            responsible: "Bí thư".into(),
            status: TaskStatus::Planned,
            result: String::new(),
        };
        app.add_task(&sys, task(pv.cells[0], "Xóa nhà tạm")).await.unwrap();
        app.add_task(&sys, task(pv.cells[0], "Làm đường bê tông")).await.unwrap();
        app.add_task(&sys, task(pv.cells[2], "Chuyển đổi số")).await.unwrap();
        let commune_task = app.add_task(&sys, task(pv.communes[0], "Nông thôn mới")).await.unwrap();
        assert_eq!(
            app.add_task(&sys, task(pv.cells[1], " ")).await.unwrap_err().field.as_deref(),
            Some("title"),
            "{engine}"
        );
        let r = app.task_report(&sys, pv.p, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        assert_eq!((r.units, r.tasks), (3, 4), "{engine}");
        let cells = r.by_level.iter().find(|l| l.kind == "chi_bo").unwrap();
        assert_eq!((cells.units, cells.tasks), (2, 3), "{engine}: 2 cells chose 3 tasks");
        assert!(
            app.task_report(&sys, pv.p, Period::year(2024), d(2024, 12, 31)).await.unwrap().tasks == 0,
            "{engine}: not in 2024"
        );
        // A secretary of the other district can neither see nor change them.
        let stranger = Actor {
            user_id: 9,
            username: "x".into(),
            role: Role::Secretary,
            scope: Some(pv.districts[1]),
            person_id: None,
            request_id: String::new(),
        };
        assert!(
            app.task_report(&stranger, pv.cells[0], Period::year(2025), d(2025, 12, 31)).await.is_err(),
            "{engine}"
        );
        let done = BreakthroughTask {
            id: commune_task,
            status: TaskStatus::Done,
            result: "Đạt chuẩn".into(),
            ..task(pv.communes[0], "Nông thôn mới")
        };
        assert!(app.update_task(&stranger, done.clone()).await.is_err(), "{engine}");
        assert!(app.add_task(&stranger, task(pv.cells[0], "Lén")).await.is_err(), "{engine}");
        app.update_task(&sys, done).await.unwrap();
        assert_eq!(app.task(&sys, commune_task).await.unwrap().status, TaskStatus::Done, "{engine}");
    }
}
