//! Post history in the store, on every engine: a bulk loader's people get their post from
//! their own columns (`fill_missing_posts`, as migration 0015 did), a change of post ends the
//! open one (or corrects it on its own first day) and keeps the person's columns in step, and
//! the SQL key-cadre test (`key_cadre_on`) reads the post of the day.
use chrono::NaiveDate;
use lamtheo_domain::people::Person;
use lamtheo_domain::ErrorCode;
use lamtheo_store::bulk::{self, Value};
use lamtheo_store::{on_pool, people, testing, units, Store};
use sqlx::Row;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The people who held a key-cadre post on `day`, by the SQL every figure uses.
async fn key_cadres_on(store: &Store, day: NaiveDate) -> Vec<i64> {
    let sql = format!("SELECT p.id FROM people p WHERE {} ORDER BY p.id", people::key_cadre_on("$1"));
    on_pool!(store.read(), pool => sqlx::query(&sql).bind(day).fetch_all(pool).await.unwrap().iter().map(|r| r.get(0)).collect())
}

#[tokio::test]
async fn posts_are_filled_changed_and_read_by_their_day() {
    for (engine, url) in testing::fresh_databases().await {
        let store = Store::open(&url).await.unwrap_or_else(|e| panic!("{engine}: {e:?}"));
        let mut tx = store.begin().await.unwrap();
        let cell = units::insert(&mut tx, "K1", "Chi bộ 1", "chi_bo", d(2000, 1, 1)).await.unwrap();
        // Two people written in bulk with their marks, the first with two memberships.
        let cols = ["id", "person_code", "card_no", "full_name", "name_folded", "gender", "birth_date", "is_member"];
        let cols = [&cols[..], &["admitted_on", "position", "key_cadre", "head_of_unit"]].concat();
        let row = |id: i64, key: bool, head: bool| {
            vec![
                Value::Int(id),
                Value::OptText(Some(format!("P{id}"))),
                Value::OptText(None),
                Value::Text(format!("Người {id}")),
                Value::Text(format!("nguoi {id}")),
                Value::OptText(None),
                Value::OptDate(None),
                Value::Bool(true),
                Value::OptDate(None),
                Value::OptText(key.then(|| "Bí thư".to_string())),
                Value::Bool(key),
                Value::Bool(head),
            ]
        };
        bulk::insert(&mut tx, "people", &cols, &[row(1, true, false), row(2, false, true)]).await.unwrap();
        people::insert_membership(&mut tx, 1, cell, d(2015, 3, 1)).await.unwrap();
        people::insert_membership(&mut tx, 1, cell, d(2012, 1, 1)).await.unwrap();
        bulk::fix_sequences(&store, &mut tx).await.unwrap();
        assert_eq!(people::fill_missing_posts(&mut tx).await.unwrap(), 2, "{engine}");
        assert_eq!(people::fill_missing_posts(&mut tx).await.unwrap(), 0, "{engine}: once");
        tx.commit().await.unwrap();
        let posts = people::posts_of_people(&store, &[1, 2]).await.unwrap();
        let held: Vec<_> =
            posts.iter().map(|p| (p.person_id, p.valid_from, p.valid_to, p.key_cadre, p.head_of_unit)).collect();
        assert_eq!(held, [(1, d(2012, 1, 1), None, true, false), (2, d(1900, 1, 1), None, false, true)], "{engine}");

        // Person 1 leaves the post on 1/5/2026; the same day again corrects that post.
        let mut p1 = people::get(&store, 1).await.unwrap().unwrap();
        p1.key_cadre = false;
        p1.position = Some("Đảng viên".into());
        let mut tx = store.begin().await.unwrap();
        let (before, after) = people::record_post(&mut tx, &p1, d(2026, 5, 1)).await.unwrap();
        assert_eq!(before.map(|b| b.valid_from), Some(d(2012, 1, 1)), "{engine}");
        assert_eq!((after.valid_from, after.key_cadre), (d(2026, 5, 1), false), "{engine}");
        let p1 = Person { head_of_unit: true, ..p1 };
        people::record_post(&mut tx, &p1, d(2026, 5, 1)).await.unwrap();
        let e = people::record_post(&mut tx, &p1, d(2026, 4, 30)).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("post_from")), "{engine}");
        tx.commit().await.unwrap();
        let posts = people::posts_of(&store, 1).await.unwrap();
        let held: Vec<_> = posts.iter().map(|p| (p.valid_from, p.valid_to, p.key_cadre, p.head_of_unit)).collect();
        assert_eq!(held, [(d(2012, 1, 1), Some(d(2026, 5, 1)), true, false), (d(2026, 5, 1), None, false, true)]);
        let now = people::get(&store, 1).await.unwrap().unwrap();
        assert_eq!((now.key_cadre, now.head_of_unit, now.position.as_deref()), (false, true, Some("Đảng viên")));

        assert_eq!(key_cadres_on(&store, d(2025, 12, 31)).await, [1, 2], "{engine}");
        assert_eq!(key_cadres_on(&store, d(2026, 4, 30)).await, [1, 2], "{engine}");
        assert_eq!(key_cadres_on(&store, d(2026, 5, 1)).await, [1, 2], "{engine}: now a head of unit");
        assert_eq!(key_cadres_on(&store, d(2011, 12, 31)).await, [2], "{engine}: before person 1's first post");
    }
}
