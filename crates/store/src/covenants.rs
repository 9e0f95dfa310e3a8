//! Emulation covenants: campaigns with content groups, signatories and scores.
use lamtheo_domain::covenant::{Campaign, ContentGroup, Score, Signatory};
use lamtheo_domain::{Id, Result};
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

pub async fn insert(tx: &mut Tx, c: &Campaign) -> Result<Id> {
    let id: Id = on_tx!(tx, x => sqlx::query_scalar("INSERT INTO covenant_campaigns (unit_id, title, year) VALUES ($1, $2, $3) RETURNING id")
        .bind(c.unit_id).bind(&c.title).bind(c.year).fetch_one(x).await.map_err(db_err))?;
    for (i, g) in c.groups.iter().enumerate() {
        on_tx!(tx, x => sqlx::query("INSERT INTO covenant_groups (campaign_id, position, title, max_score) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(i as i32).bind(&g.title).bind(g.max_score).execute(x).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    Ok(id)
}

pub async fn all(store: &Store) -> Result<Vec<Campaign>> {
    let mut out: Vec<Campaign> = on_pool!(store.read(), p => sqlx::query("SELECT id, unit_id, title, year FROM covenant_campaigns ORDER BY year DESC, id DESC")
        .fetch_all(p).await.map_err(db_err)?.iter().map(|r| Campaign { id: r.get(0), unit_id: r.get(1), title: r.get(2), year: r.get(3), groups: vec![] }).collect());
    let groups: Vec<(Id, String, i32)> = on_pool!(store.read(), p => sqlx::query_as("SELECT campaign_id, title, max_score FROM covenant_groups ORDER BY campaign_id, position")
        .fetch_all(p).await.map_err(db_err))?;
    for (c, title, max_score) in groups {
        if let Some(campaign) = out.iter_mut().find(|x| x.id == c) {
            campaign.groups.push(ContentGroup { title, max_score });
        }
    }
    Ok(out)
}

pub async fn upsert_signatory(tx: &mut Tx, campaign: Id, s: &Signatory) -> Result<()> {
    on_tx!(tx, x => sqlx::query(
        "INSERT INTO covenant_members (campaign_id, unit_id, signed_on, pilot) VALUES ($1, $2, $3, $4)
         ON CONFLICT (campaign_id, unit_id) DO UPDATE SET signed_on = excluded.signed_on, pilot = excluded.pilot")
        .bind(campaign).bind(s.unit_id).bind(s.signed_on).bind(s.pilot).execute(x).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn signatories(store: &Store, campaign: Id) -> Result<Vec<Signatory>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT unit_id, signed_on, pilot FROM covenant_members WHERE campaign_id = $1 ORDER BY unit_id")
        .bind(campaign).fetch_all(p).await.map_err(db_err)?.iter().map(|r| Signatory { unit_id: r.get(0), signed_on: r.get(1), pilot: r.get(2) }).collect()))
}

pub async fn upsert_score(tx: &mut Tx, campaign: Id, s: &Score) -> Result<()> {
    on_tx!(tx, x => sqlx::query(
        "INSERT INTO covenant_scores (campaign_id, unit_id, position, score) VALUES ($1, $2, $3, $4)
         ON CONFLICT (campaign_id, unit_id, position) DO UPDATE SET score = excluded.score")
        .bind(campaign).bind(s.unit_id).bind(s.group).bind(s.score).execute(x).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn scores(store: &Store, campaign: Id) -> Result<Vec<Score>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT unit_id, position, score FROM covenant_scores WHERE campaign_id = $1")
        .bind(campaign).fetch_all(p).await.map_err(db_err)?.iter().map(|r| Score { unit_id: r.get(0), group: r.get(1), score: r.get(2) }).collect()))
}
