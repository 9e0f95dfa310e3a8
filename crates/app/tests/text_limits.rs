//! Every text field has a length limit and refuses control characters, named in the error;
//! and the longest accepted values go through every export (a 33.000-character task result
//! once made the province's tasks export answer 500 for everyone).
mod common;

use common::{apps, d, province};
use lamtheo_app::exports::ExportQuery;
use lamtheo_domain::access::Actor;
use lamtheo_domain::emulation::{Expected, Movement};
use lamtheo_domain::people::Person;
use lamtheo_domain::tasks::{BreakthroughTask, TaskStatus};
use lamtheo_domain::text::Text;
use lamtheo_importer::Kind;

#[tokio::test]
async fn text_past_its_limit_or_with_control_characters_is_refused_naming_the_field() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let task = |title: String, result: String| BreakthroughTask {
            id: 0,
            unit_id: pv.cells[0],
            from_year: 2025,
            to_year: 2025,
            title,
            field: "Kinh tế".into(),
            responsible: "Bí thư".into(),
            status: TaskStatus::Done,
            result,
        };
        let refused = |r: lamtheo_domain::Result<i64>| r.unwrap_err().field;
        assert_eq!(
            refused(app.add_task(&sys, task("Làm đường".into(), "x".repeat(33_000))).await).as_deref(),
            Some("result"),
            "{engine}"
        );
        assert_eq!(
            refused(app.add_task(&sys, task("a".repeat(100_000), String::new())).await).as_deref(),
            Some("title"),
            "{engine}"
        );
        assert_eq!(
            refused(app.add_task(&sys, task("Làm\0đường".into(), String::new())).await).as_deref(),
            Some("title"),
            "{engine}"
        );
        let mut person = app.person(&sys, pv.people[0][0]).await.unwrap().person;
        person.full_name = "Nguyễn Văn\u{0}A".into();
        assert_eq!(app.update_person(&sys, person).await.unwrap_err().field.as_deref(), Some("full_name"), "{engine}");
        let movement = Movement {
            id: 0,
            unit_id: pv.p,
            title: "Thi đua".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: Expected::Everyone,
        };
        let m = app.create_movement(&sys, movement).await.unwrap();
        let pledge = "ư".repeat(Text::Free.max_chars() + 1);
        let e = app.register(&sys, m, pv.people[0][0], &pledge, d(2025, 1, 5)).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("content"), "{engine}");
    }
}

#[tokio::test]
async fn the_longest_accepted_values_go_through_every_export() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let name = "Ư".repeat(Text::Name.max_chars());
        let free = "ư".repeat(Text::Free.max_chars());
        let mut person = app.person(&sys, pv.people[0][0]).await.unwrap().person;
        person.full_name = name.clone();
        person.position = Some(name.clone());
        app.update_person(&sys, Person { ..person }).await.unwrap();
        let task = BreakthroughTask {
            id: 0,
            unit_id: pv.cells[0],
            from_year: 2025,
            to_year: 2025,
            title: name.clone(),
            field: name.clone(),
            responsible: name.clone(),
            status: TaskStatus::Done,
            result: free.clone(),
        };
        app.add_task(&sys, task).await.unwrap();
        let movement = Movement {
            id: 0,
            unit_id: pv.p,
            title: name.clone(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: Expected::Everyone,
        };
        let m = app.create_movement(&sys, movement).await.unwrap();
        app.register(&sys, m, pv.people[0][0], &free, d(2025, 1, 5)).await.unwrap();
        for (kind, of) in
            [(Kind::Tasks, None), (Kind::Plans, None), (Kind::Evaluations, None), (Kind::Registrations, Some(m))]
        {
            let rows = app.export(&sys, kind, ExportQuery { unit: Some(pv.p), year: 2025, of }).await.unwrap();
            let bytes = lamtheo_importer::write_xlsx(kind, &rows)
                .unwrap_or_else(|e| panic!("{engine}: the {kind:?} export failed: {e}"));
            assert!(bytes.len() > 1000, "{engine}: {kind:?}");
        }
        // And the export imports back unchanged, longest values and all.
        let rows = app.export(&sys, Kind::Tasks, ExportQuery { unit: Some(pv.p), year: 2025, of: None }).await.unwrap();
        let bytes = lamtheo_importer::write_xlsx(Kind::Tasks, &rows).unwrap();
        let s = app.import(&sys, Kind::Tasks, "tasks.xlsx", &bytes, &|_, _, _| {}).await.unwrap();
        assert_eq!((s.created, s.updated, s.unchanged), (0, 0, 1), "{engine}");
    }
}
