//! People, their memberships and their posts.
use chrono::NaiveDate;
use lamtheo_domain::people::{check_post_from, Gender, Membership, Person, Post};
use lamtheo_domain::{vn, Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

/// `lamtheo_domain::people::is_key_cadre` in SQL, for a post row (`person_posts`) aliased `pp`.
pub const POST_KEY_CADRE: &str = "(pp.key_cadre OR pp.head_of_unit)";

/// SQL: the person aliased `p` held a key-cadre post on `day` (a parameter such as `$5`) —
/// the post of the day, never the person's latest marks.
pub fn key_cadre_on(day: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM person_posts pp WHERE pp.person_id = p.id AND {POST_KEY_CADRE} \
         AND pp.valid_from <= {day} AND (pp.valid_to IS NULL OR pp.valid_to > {day}))"
    )
}

const POST_COLS: &str = "id, person_id, valid_from, valid_to, position, key_cadre, head_of_unit";

macro_rules! post_from_row {
    ($r:expr) => {{
        let r = $r;
        Post {
            id: r.get(0),
            person_id: r.get(1),
            valid_from: r.get(2),
            valid_to: r.get(3),
            position: r.get(4),
            key_cadre: r.get(5),
            head_of_unit: r.get(6),
        }
    }};
}

const PERSON_COLS: &str = "id, person_code, card_no, full_name, gender, birth_date, ethnicity, is_member, admitted_on, official_on, position, key_cadre, head_of_unit";

macro_rules! person_from_row {
    ($r:expr) => {{
        let r = $r;
        let gender: Option<String> = r.get(4);
        Person {
            id: r.get(0),
            person_code: r.get(1),
            card_no: r.get(2),
            full_name: r.get(3),
            gender: gender.as_deref().and_then(Gender::parse),
            birth_date: r.get(5),
            ethnicity: r.get(6),
            is_member: r.get(7),
            admitted_on: r.get(8),
            official_on: r.get(9),
            position: r.get(10),
            key_cadre: r.get(11),
            head_of_unit: r.get(12),
        }
    }};
}

/// Adds a person, holding the post of `p` (position and marks) from `post_from` (for a new
/// member of a unit, the day they start there).
pub async fn insert(tx: &mut Tx, p: &Person, post_from: NaiveDate) -> Result<Id> {
    let id = insert_row(tx, p).await?;
    insert_post(tx, id, post_from, p).await?;
    Ok(id)
}

async fn insert_row(tx: &mut Tx, p: &Person) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO people (person_code, card_no, full_name, name_folded, gender, birth_date, ethnicity, is_member, admitted_on, official_on, position, key_cadre, head_of_unit)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
        .bind(&p.person_code).bind(&p.card_no).bind(&p.full_name).bind(vn::fold(&p.full_name))
        .bind(p.gender.map(Gender::as_str)).bind(p.birth_date).bind(&p.ethnicity).bind(p.is_member)
        .bind(p.admitted_on).bind(p.official_on).bind(&p.position).bind(p.key_cadre).bind(p.head_of_unit)
        .fetch_one(c).await.map_err(db_err))
}

/// Changes a person's details — everything but the post (position and marks), which changes
/// from a date with `record_post`.
pub async fn update(tx: &mut Tx, p: &Person) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE people SET person_code = $2, card_no = $3, full_name = $4, name_folded = $5, gender = $6, birth_date = $7, ethnicity = $8,
         is_member = $9, admitted_on = $10, official_on = $11 WHERE id = $1")
        .bind(p.id).bind(&p.person_code).bind(&p.card_no).bind(&p.full_name).bind(vn::fold(&p.full_name))
        .bind(p.gender.map(Gender::as_str)).bind(p.birth_date).bind(&p.ethnicity).bind(p.is_member)
        .bind(p.admitted_on).bind(p.official_on)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

async fn insert_post(tx: &mut Tx, person_id: Id, from: NaiveDate, p: &Person) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO person_posts (person_id, valid_from, position, key_cadre, head_of_unit) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(person_id).bind(from).bind(&p.position).bind(p.key_cadre).bind(p.head_of_unit)
        .fetch_one(c).await.map_err(db_err))
}

/// The person's open post (the latest), read in the write's transaction.
pub async fn open_post(tx: &mut Tx, person_id: Id) -> Result<Option<Post>> {
    let sql = format!("SELECT {POST_COLS} FROM person_posts WHERE person_id = $1 AND valid_to IS NULL");
    on_tx!(tx, c => {
        let row = sqlx::query(&sql).bind(person_id).fetch_optional(c).await.map_err(db_err)?;
        Ok(row.map(|r| post_from_row!(&r)))
    })
}

/// From `from` on, person `p.id` holds the post of `p` (position and marks): the open post
/// ends on `from` and the new one starts (an open post that starts on `from` itself is
/// corrected instead), and the person's own columns take the new post's values. The one
/// function that changes a post, so the history and the latest marks stay in step. A date
/// before the open post's start is refused (`check_post_from`). Answers the open post as it
/// was and the post now held from `from`.
pub async fn record_post(tx: &mut Tx, p: &Person, from: NaiveDate) -> Result<(Option<Post>, Post)> {
    let before = open_post(tx, p.id).await?;
    check_post_from(before.as_ref(), from)?;
    let id = match &before {
        Some(open) if open.valid_from == from => {
            on_tx!(tx, c => sqlx::query("UPDATE person_posts SET position = $2, key_cadre = $3, head_of_unit = $4 WHERE id = $1")
                .bind(open.id).bind(&p.position).bind(p.key_cadre).bind(p.head_of_unit)
                .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
            open.id
        }
        open => {
            if let Some(open) = open {
                on_tx!(tx, c => sqlx::query("UPDATE person_posts SET valid_to = $2 WHERE id = $1")
                    .bind(open.id).bind(from).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
            }
            insert_post(tx, p.id, from, p).await?
        }
    };
    on_tx!(tx, c => sqlx::query("UPDATE people SET position = $2, key_cadre = $3, head_of_unit = $4 WHERE id = $1")
        .bind(p.id).bind(&p.position).bind(p.key_cadre).bind(p.head_of_unit)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    let after = Post {
        id,
        person_id: p.id,
        valid_from: from,
        valid_to: None,
        position: p.position.clone(),
        key_cadre: p.key_cadre,
        head_of_unit: p.head_of_unit,
    };
    Ok((before, after))
}

/// The posts of several people, each person's in date order.
pub async fn posts_of_people(store: &Store, people: &[Id]) -> Result<Vec<Post>> {
    let ids = serde_json::to_string(people).expect("ids serialise");
    let sql = format!(
        "SELECT {POST_COLS} FROM person_posts WHERE person_id IN {} ORDER BY person_id, valid_from, id",
        crate::units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => {
        let rows = sqlx::query(&sql).bind(ids).fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| post_from_row!(r)).collect())
    })
}

/// One person's posts in date order (their post history).
pub async fn posts_of(store: &Store, person_id: Id) -> Result<Vec<Post>> {
    posts_of_people(store, &[person_id]).await
}

/// One person's posts in date order, as the transaction sees them (after its own changes).
pub async fn posts_in(tx: &mut Tx, person_id: Id) -> Result<Vec<Post>> {
    let sql = format!("SELECT {POST_COLS} FROM person_posts WHERE person_id = $1 ORDER BY valid_from, id");
    on_tx!(tx, c => Ok(sqlx::query(&sql).bind(person_id).fetch_all(c).await.map_err(db_err)?.iter().map(|r| post_from_row!(r)).collect()))
}

/// Gives every person without a post history one post, of their own columns, from their
/// earliest membership (or 1/1/1900) — as migration 0015 did for the people already there.
/// For loaders that write people in bulk (`lamtheo gen`), after the people and memberships.
pub async fn fill_missing_posts(tx: &mut Tx) -> Result<u64> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO person_posts (person_id, valid_from, position, key_cadre, head_of_unit)
         SELECT p.id, COALESCE((SELECT MIN(m.valid_from) FROM memberships m WHERE m.person_id = p.id), $1), p.position, p.key_cadre, p.head_of_unit
         FROM people p WHERE NOT EXISTS (SELECT 1 FROM person_posts pp WHERE pp.person_id = p.id) ORDER BY p.id")
        .bind(NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date"))
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))
}

pub async fn get(store: &Store, id: Id) -> Result<Option<Person>> {
    on_pool!(store.read(), p => {
        let sql = format!("SELECT {PERSON_COLS} FROM people WHERE id = $1");
        let row = sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?;
        Ok(row.map(|r| person_from_row!(&r)))
    })
}

/// These people, in one query.
pub async fn get_many(store: &Store, ids: &[Id]) -> Result<Vec<Person>> {
    let ids = serde_json::to_string(ids).expect("ids serialise");
    let sql = format!("SELECT {PERSON_COLS} FROM people WHERE id IN {}", crate::units_in(store.engine, 1));
    on_pool!(store.read(), p => {
        let rows = sqlx::query(&sql).bind(ids).fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| person_from_row!(r)).collect())
    })
}

/// The full names of these people, in one query (for the audit page).
pub async fn names_of(store: &Store, ids: &[Id]) -> Result<Vec<(Id, String)>> {
    let ids = serde_json::to_string(ids).expect("ids serialise");
    let sql = format!("SELECT id, full_name FROM people WHERE id IN {}", crate::units_in(store.engine, 1));
    on_pool!(store.read(), p => sqlx::query_as(&sql).bind(ids).fetch_all(p).await.map_err(db_err))
}

/// Finds a person by card number or by person code (the natural keys imports match on).
pub async fn find_by_key(tx: &mut Tx, key: &str) -> Result<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLS} FROM people WHERE card_no = $1 OR person_code = $1 ORDER BY id LIMIT 1");
    on_tx!(tx, c => {
        let row = sqlx::query(&sql).bind(key).fetch_optional(c).await.map_err(db_err)?;
        Ok(row.map(|r| person_from_row!(&r)))
    })
}

/// The people whose card number or person code is among `keys` (one query for a whole file).
pub async fn find_by_keys(tx: &mut Tx, keys: &[&str]) -> Result<Vec<Person>> {
    let keys = serde_json::to_string(keys).expect("keys serialise");
    let list = crate::texts_in(tx.engine(), 1);
    let sql = format!("SELECT {PERSON_COLS} FROM people WHERE card_no IN {list} OR person_code IN {list} ORDER BY id");
    on_tx!(tx, c => {
        let rows = sqlx::query(&sql).bind(&keys).fetch_all(c).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| person_from_row!(r)).collect())
    })
}

/// Every person with at least one membership in the given units, optionally filtered by a
/// folded-name fragment. The caller passes the units of the actor's scope.
pub async fn search(store: &Store, unit_ids: &[Id], folded_query: &str, limit: i64) -> Result<Vec<Person>> {
    if unit_ids.is_empty() {
        return Ok(vec![]);
    }
    // Unit lists can be long (a province has thousands of cells): pass them as one JSON
    // array rather than thousands of parameters.
    let units_json = serde_json::to_string(unit_ids).expect("ids serialise");
    let like = format!("%{}%", folded_query.replace(['%', '_'], ""));
    let cols = PERSON_COLS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
    on_pool!(store.read(), p => {
        let units = crate::units_in(store.engine, 1);
        let sql = format!("SELECT {cols} FROM people p WHERE p.name_folded LIKE $2 AND EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = p.id AND m.unit_id IN {units}) ORDER BY p.id LIMIT $3");
        let rows = sqlx::query(&sql).bind(&units_json).bind(&like).bind(limit).fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| person_from_row!(r)).collect())
    })
}

pub async fn insert_membership(tx: &mut Tx, person_id: Id, unit_id: Id, from: NaiveDate) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar("INSERT INTO memberships (person_id, unit_id, valid_from) VALUES ($1, $2, $3) RETURNING id")
        .bind(person_id).bind(unit_id).bind(from).fetch_one(c).await.map_err(db_err))
}

/// Ends the person's open membership(s) on `on` (a transfer or leaving); answers them as
/// they were before.
pub async fn end_memberships(tx: &mut Tx, person_id: Id, on: NaiveDate) -> Result<Vec<Membership>> {
    on_tx!(tx, c => {
        let rows = sqlx::query("UPDATE memberships SET valid_to = $2 WHERE person_id = $1 AND valid_to IS NULL RETURNING id, person_id, unit_id, valid_from")
            .bind(person_id).bind(on).fetch_all(c).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| Membership { id: r.get(0), person_id: r.get(1), unit_id: r.get(2), valid_from: r.get(3), valid_to: None }).collect())
    })
}

pub async fn memberships_of(store: &Store, person_id: Id) -> Result<Vec<Membership>> {
    memberships_of_people(store, &[person_id]).await
}

/// The memberships of several people, each person's in date order.
pub async fn memberships_of_people(store: &Store, people: &[Id]) -> Result<Vec<Membership>> {
    let ids = serde_json::to_string(people).expect("ids serialise");
    let sql = format!(
        "SELECT id, person_id, unit_id, valid_from, valid_to FROM memberships WHERE person_id IN {} ORDER BY person_id, valid_from, id",
        crate::units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => {
        let rows = sqlx::query(&sql).bind(ids).fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| Membership { id: r.get(0), person_id: r.get(1), unit_id: r.get(2), valid_from: r.get(3), valid_to: r.get(4) }).collect())
    })
}

pub async fn open_memberships_in(tx: &mut Tx, unit_id: Id) -> Result<Vec<Membership>> {
    on_tx!(tx, c => {
        let rows = sqlx::query("SELECT id, person_id, unit_id, valid_from, valid_to FROM memberships WHERE unit_id = $1 AND valid_to IS NULL ORDER BY id")
            .bind(unit_id).fetch_all(c).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| Membership { id: r.get(0), person_id: r.get(1), unit_id: r.get(2), valid_from: r.get(3), valid_to: r.get(4) }).collect())
    })
}

/// Memberships of `unit_id` that reach past `on` other than the open ones begun by then: one
/// that ends after it or begins after it (a restructuring on `on` would leave them behind).
pub async fn memberships_beyond(tx: &mut Tx, unit_id: Id, on: NaiveDate) -> Result<Vec<Membership>> {
    on_tx!(tx, c => {
        let rows = sqlx::query("SELECT id, person_id, unit_id, valid_from, valid_to FROM memberships WHERE unit_id = $1 AND (valid_from > $2 OR valid_to > $2) ORDER BY id")
            .bind(unit_id).bind(on).fetch_all(c).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| Membership { id: r.get(0), person_id: r.get(1), unit_id: r.get(2), valid_from: r.get(3), valid_to: r.get(4) }).collect())
    })
}

/// People with a membership in `unit_id` valid on `on`.
pub async fn members_on(store: &Store, unit_id: Id, on: NaiveDate) -> Result<Vec<Person>> {
    let cols = PERSON_COLS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {cols} FROM people p JOIN memberships m ON m.person_id = p.id WHERE m.unit_id = $1 AND m.valid_from <= $2 AND (m.valid_to IS NULL OR m.valid_to > $2) ORDER BY p.id");
    on_pool!(store.read(), p => {
        let rows = sqlx::query(&sql).bind(unit_id).bind(on).fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| person_from_row!(r)).collect())
    })
}

/// People with a membership in `units` overlapping [first, last] (e.g. everyone expected to
/// register for a movement in a subtree).
pub async fn in_units_during(store: &Store, units: &[Id], first: NaiveDate, last: NaiveDate) -> Result<Vec<Person>> {
    let units_json = serde_json::to_string(units).expect("ids serialise");
    let cols = PERSON_COLS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {cols} FROM people p WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = p.id AND m.unit_id IN {} AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $2)) ORDER BY p.id",
        crate::units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => {
        let rows = sqlx::query(&sql).bind(&units_json).bind(first).bind(last).fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| person_from_row!(r)).collect())
    })
}

/// People who were key cadres (`key_cadre_on`) on some day of [first, last] on which they
/// also belonged to one of `units`: those a movement expecting key cadres expects there.
pub async fn key_cadres_in_units_during(
    store: &Store,
    units: &[Id],
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Person>> {
    let units_json = serde_json::to_string(units).expect("ids serialise");
    let cols = PERSON_COLS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ");
    // Three intervals that overlap two by two share a day: the membership, the post and
    // [first, last].
    let sql = format!(
        "SELECT {cols} FROM people p WHERE EXISTS (SELECT 1 FROM memberships m JOIN person_posts pp ON pp.person_id = m.person_id
           WHERE m.person_id = p.id AND m.unit_id IN {} AND {POST_KEY_CADRE}
             AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $2)
             AND pp.valid_from <= $3 AND (pp.valid_to IS NULL OR pp.valid_to > $2)
             AND (m.valid_to IS NULL OR pp.valid_from < m.valid_to) AND (pp.valid_to IS NULL OR m.valid_from < pp.valid_to))
         ORDER BY p.id",
        crate::units_in(store.engine, 1)
    );
    on_pool!(store.read(), p => {
        let rows = sqlx::query(&sql).bind(&units_json).bind(first).bind(last).fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| person_from_row!(r)).collect())
    })
}
