//! Units, their kinds, parent links, names and lineage events.
use chrono::NaiveDate;
use lamtheo_domain::org::{LineageEvent, LineageKind, ParentLink, Unit, UnitKind, UnitLevel, UnitName};
use lamtheo_domain::{Error, Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

/// The kinds every deployment starts with, each with its level (`unit_levels`, seeded by the
/// migration that made levels). Kinds are data: administrators add more (`insert_kind`).
const SEED_KINDS: [(&str, &str, &str, bool, &str); 12] = [
    ("tinh_uy", "Tỉnh ủy, Thành ủy", "Province committee", true, "tinh"),
    ("huyen_uy", "Huyện ủy, Thị ủy", "District committee", true, "huyen"),
    ("dang_uy_xa", "Đảng ủy xã, phường", "Commune/ward committee", true, "co_so"),
    ("dang_uy_truc_thuoc", "Đảng ủy trực thuộc", "Directly-affiliated committee", true, "huyen"),
    ("tccs", "Tổ chức cơ sở đảng", "Grassroots party organisation", true, "co_so"),
    ("chi_bo", "Chi bộ", "Party cell", true, "chi_bo"),
    ("so_nganh", "Sở, ban, ngành", "Department", false, "tinh"),
    ("mttq", "Ủy ban MTTQ", "Fatherland Front", false, "tinh"),
    ("doan_tn", "Đoàn Thanh niên", "Youth union", false, "tinh"),
    ("hoi_pn", "Hội Liên hiệp Phụ nữ", "Women's union", false, "tinh"),
    ("hoi_nd", "Hội Nông dân", "Farmers' union", false, "tinh"),
    ("hoi_ccb", "Hội Cựu chiến binh", "Veterans' association", false, "tinh"),
];

pub async fn seed_kinds(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    for (i, (code, vi, en, party, level)) in SEED_KINDS.iter().enumerate() {
        on_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO unit_kinds (code, name_vi, name_en, party, sort_order, level) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING",
        )
        .bind(*code).bind(*vi).bind(*en).bind(*party).bind(i as i32).bind(*level)
        .execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    tx.commit().await
}

/// Every kind, in their order (the seeded ones first, then those added, oldest first).
pub async fn kinds(store: &Store) -> Result<Vec<UnitKind>> {
    on_pool!(store.read(), p => {
        let rows = sqlx::query("SELECT code, name_vi, name_en, party, level FROM unit_kinds ORDER BY sort_order, code")
            .fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| UnitKind { code: r.get(0), name_vi: r.get(1), name_en: r.get(2), party: r.get(3), level: r.get::<Option<String>, _>(4).unwrap_or_default() }).collect())
    })
}

/// Every level, from the top down.
pub async fn levels(store: &Store) -> Result<Vec<UnitLevel>> {
    on_pool!(store.read(), p => {
        let rows = sqlx::query("SELECT code, name_vi, name_en FROM unit_levels ORDER BY sort_order, code")
            .fetch_all(p).await.map_err(db_err)?;
        Ok(rows.iter().map(|r| UnitLevel { code: r.get(0), name_vi: r.get(1), name_en: r.get(2) }).collect())
    })
}

/// Adds a kind after the others. A code already taken is a conflict naming `code`; a level
/// that does not exist fails when the transaction commits (the reference is deferred), so the
/// caller checks it first.
pub async fn insert_kind(tx: &mut Tx, k: &UnitKind) -> Result<()> {
    let taken: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM unit_kinds WHERE code = $1")
        .bind(&k.code).fetch_one(c).await.map_err(db_err))?;
    let duplicate = || {
        Error::conflict(
            "code",
            format!("Mã loại đơn vị «{}» đã có", k.code),
            format!("The unit kind code «{}» already exists", k.code),
        )
    };
    if taken > 0 {
        return Err(duplicate());
    }
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO unit_kinds (code, name_vi, name_en, party, level, sort_order) VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM unit_kinds))",
    )
    .bind(&k.code).bind(&k.name_vi).bind(&k.name_en).bind(k.party).bind(&k.level)
    .execute(c).await.map(|r| r.rows_affected()).map_err(|e| match &e {
        // Two administrators adding the same code at once: the second meets the key.
        sqlx::Error::Database(d) if d.is_unique_violation() => duplicate(),
        _ => db_err(e),
    }))?;
    Ok(())
}

pub async fn insert(tx: &mut Tx, code: &str, name: &str, kind: &str, opened_on: NaiveDate) -> Result<Id> {
    let id: Id = on_tx!(tx, c => sqlx::query_scalar("INSERT INTO units (code, name, kind, opened_on) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(code).bind(name).bind(kind).bind(opened_on)
        .fetch_one(c).await.map_err(db_err))?;
    insert_name(tx, id, name, opened_on).await?;
    Ok(id)
}

pub async fn insert_name(tx: &mut Tx, unit_id: Id, name: &str, from: NaiveDate) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO unit_names (unit_id, name, valid_from) VALUES ($1, $2, $3)")
        .bind(unit_id).bind(name).bind(from).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    on_tx!(tx, c => sqlx::query("UPDATE units SET name = (SELECT name FROM unit_names WHERE unit_id = $1 ORDER BY valid_from DESC, id DESC LIMIT 1) WHERE id = $1")
        .bind(unit_id).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn insert_link(tx: &mut Tx, unit_id: Id, parent_id: Id, from: NaiveDate, historic: bool) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO unit_links (unit_id, parent_id, valid_from, historic) VALUES ($1, $2, $3, $4)")
        .bind(unit_id).bind(parent_id).bind(from).bind(historic).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// Ends the unit's open parent link on `on` (the link stays valid until the day before).
pub async fn end_link(tx: &mut Tx, unit_id: Id, on: NaiveDate) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE unit_links SET valid_to = $2 WHERE unit_id = $1 AND valid_to IS NULL")
        .bind(unit_id).bind(on).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn set_closed(tx: &mut Tx, unit_id: Id, on: NaiveDate) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE units SET closed_on = $2 WHERE id = $1")
        .bind(unit_id).bind(on).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn insert_lineage(
    tx: &mut Tx,
    kind: LineageKind,
    on: NaiveDate,
    sources: &[Id],
    targets: &[Id],
    note: &str,
) -> Result<Id> {
    let id: Id = on_tx!(tx, c => sqlx::query_scalar("INSERT INTO lineage_events (kind, happened_on, note) VALUES ($1, $2, $3) RETURNING id")
        .bind(kind.as_str()).bind(on).bind(note).fetch_one(c).await.map_err(db_err))?;
    for (role, ids) in [("source", sources), ("target", targets)] {
        for u in ids {
            on_tx!(tx, c => sqlx::query("INSERT INTO lineage_units (event_id, unit_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id).bind(*u).bind(role).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
        }
    }
    Ok(id)
}

/// The whole tree history, for building the in-memory `OrgTree`.
pub async fn load_all(snapshot: &mut Tx) -> Result<(Vec<Unit>, Vec<ParentLink>, Vec<UnitName>)> {
    on_tx!(snapshot, p => {
        let units = sqlx::query("SELECT id, code, name, kind, opened_on, closed_on FROM units").fetch_all(&mut *p).await.map_err(db_err)?
            .iter().map(|r| Unit { id: r.get(0), code: r.get(1), name: r.get(2), kind: r.get(3), opened_on: r.get(4), closed_on: r.get(5) }).collect();
        let links = sqlx::query("SELECT unit_id, parent_id, valid_from, valid_to, historic FROM unit_links ORDER BY id").fetch_all(&mut *p).await.map_err(db_err)?
            .iter().map(|r| ParentLink { unit_id: r.get(0), parent_id: r.get(1), valid_from: r.get(2), valid_to: r.get(3), historic: r.get(4) }).collect();
        let names = sqlx::query("SELECT unit_id, name, valid_from FROM unit_names ORDER BY id").fetch_all(&mut *p).await.map_err(db_err)?
            .iter().map(|r| UnitName { unit_id: r.get(0), name: r.get(1), valid_from: r.get(2) }).collect();
        Ok((units, links, names))
    })
}

/// Lineage events that touched a unit, oldest first.
pub async fn lineage_of(store: &Store, unit_id: Id) -> Result<Vec<LineageEvent>> {
    let ids: Vec<Id> = on_pool!(store.read(), p => sqlx::query_scalar(
        "SELECT DISTINCT event_id FROM lineage_units WHERE unit_id = $1").bind(unit_id).fetch_all(p).await.map_err(db_err))?;
    let mut out = Vec::new();
    for id in ids {
        out.push(lineage_event(store, id).await?);
    }
    out.sort_by_key(|e| (e.happened_on, e.id));
    Ok(out)
}

pub async fn lineage_event(store: &Store, id: Id) -> Result<LineageEvent> {
    on_pool!(store.read(), p => {
        let r = sqlx::query("SELECT id, kind, happened_on, note FROM lineage_events WHERE id = $1").bind(id).fetch_one(p).await.map_err(db_err)?;
        let members = sqlx::query("SELECT unit_id, role FROM lineage_units WHERE event_id = $1 ORDER BY unit_id").bind(id).fetch_all(p).await.map_err(db_err)?;
        let pick = |role: &str| members.iter().filter(|m| m.get::<String, _>(1) == role).map(|m| m.get::<Id, _>(0)).collect();
        let kind: String = r.get(1);
        Ok(LineageEvent {
            id: r.get(0),
            kind: LineageKind::parse(&kind).unwrap_or(LineageKind::Create),
            happened_on: r.get(2),
            note: r.get(3),
            sources: pick("source"),
            targets: pick("target"),
        })
    })
}
