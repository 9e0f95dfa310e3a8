//! A read never waits for the writer: while a long write holds SQLite's one writer connection
//! (an import of a province's roster, say), checking a session — what every page does first —
//! still answers at once.
use std::time::Duration;

use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};

#[tokio::test]
async fn a_session_check_does_not_wait_for_a_write_in_progress() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let user = NewUser {
            username: "xem".into(),
            password: "chi-xem-123".into(),
            role: Role::ReadOnly,
            scope_unit_id: None,
            person_id: None,
        };
        app.add_user(&Actor::system(), user).await.unwrap();
        let token = app.login("xem", "chi-xem-123", "test").await.unwrap().token;
        // A write in progress holds the writer (on SQLite, its one connection).
        let held = app.store.begin().await.unwrap();
        let check = tokio::time::timeout(Duration::from_secs(5), app.session(&token)).await;
        let session = check.unwrap_or_else(|_| panic!("{engine}: the session check waited for the writer"));
        assert!(session.unwrap().is_some(), "{engine}");
        drop(held);
    }
}
