//! Accounts, server-side sessions and API tokens. Secrets are stored only as hashes.
use chrono::{DateTime, Utc};
use lamtheo_domain::access::Role;
use lamtheo_domain::{Id, Result};
use serde::Serialize;
use sqlx::Row;

use crate::{db_err, on_pool, on_tx, Store, Tx};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct User {
    pub id: Id,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    pub scope_unit_id: Option<Id>,
    pub person_id: Option<Id>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

const USER_COLS: &str = "id, username, password_hash, role, scope_unit_id, person_id, active, created_at";

macro_rules! user_from_row {
    ($r:expr) => {{
        let r = $r;
        User {
            id: r.get(0),
            username: r.get(1),
            password_hash: r.get(2),
            role: Role::parse(&r.get::<String, _>(3)).unwrap_or(Role::ReadOnly),
            scope_unit_id: r.get(4),
            person_id: r.get(5),
            active: r.get(6),
            created_at: r.get(7),
        }
    }};
}

pub async fn insert(
    tx: &mut Tx,
    username: &str,
    password_hash: &str,
    role: Role,
    scope: Option<Id>,
    person: Option<Id>,
) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, role, scope_unit_id, person_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(username).bind(password_hash).bind(role.as_str()).bind(scope).bind(person).bind(true).bind(Utc::now())
        .fetch_one(c).await.map_err(db_err))
}

pub async fn set_password(tx: &mut Tx, id: Id, password_hash: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1").bind(id).bind(password_hash).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

/// Sets an account's role, scope and the person it belongs to.
pub async fn set_access(tx: &mut Tx, id: Id, role: Role, scope: Option<Id>, person: Option<Id>) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET role = $2, scope_unit_id = $3, person_id = $4 WHERE id = $1")
        .bind(id).bind(role.as_str()).bind(scope).bind(person).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn set_active(tx: &mut Tx, id: Id, active: bool) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET active = $2 WHERE id = $1").bind(id).bind(active).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    if !active {
        on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    }
    Ok(())
}

pub async fn get(store: &Store, id: Id) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?.map(|r| user_from_row!(&r))))
}

pub async fn by_username(store: &Store, username: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users WHERE username = $1");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).bind(username).fetch_optional(p).await.map_err(db_err)?.map(|r| user_from_row!(&r))))
}

pub async fn list(store: &Store) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users ORDER BY username");
    on_pool!(store.read(), p => Ok(sqlx::query(&sql).fetch_all(p).await.map_err(db_err)?.iter().map(|r| user_from_row!(r)).collect()))
}

pub async fn count(store: &Store) -> Result<i64> {
    on_pool!(store.read(), p => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(p).await.map_err(db_err))
}

pub struct SessionRow {
    pub user_id: Id,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

pub async fn insert_session(tx: &mut Tx, id_hash: &str, user_id: Id, csrf: &str) -> Result<()> {
    let now = Utc::now();
    on_tx!(tx, c => sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(id_hash).bind(user_id).bind(csrf).bind(now).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn session(store: &Store, id_hash: &str) -> Result<Option<SessionRow>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = $1")
        .bind(id_hash).fetch_optional(p).await.map_err(db_err)?
        .map(|r| SessionRow { user_id: r.get(0), csrf_token: r.get(1), created_at: r.get(2), last_seen_at: r.get(3) })))
}

pub async fn touch_session(tx: &mut Tx, id_hash: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1").bind(id_hash).bind(Utc::now()).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn delete_session(tx: &mut Tx, id_hash: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn delete_sessions_of(tx: &mut Tx, user_id: Id) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(c).await.map(|r| r.rows_affected()).map_err(db_err))?;
    Ok(())
}

pub async fn insert_token(tx: &mut Tx, user_id: Id, name: &str, token_hash: &str) -> Result<Id> {
    on_tx!(tx, c => sqlx::query_scalar("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(user_id).bind(name).bind(token_hash).bind(Utc::now()).fetch_one(c).await.map_err(db_err))
}

pub async fn revoke_token(tx: &mut Tx, user_id: Id, token_id: Id) -> Result<u64> {
    on_tx!(tx, c => Ok(sqlx::query("UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
        .bind(token_id).bind(user_id).bind(Utc::now()).execute(c).await.map(|r| r.rows_affected()).map_err(db_err)?))
}

/// The user behind a live (not revoked) token.
pub async fn user_of_token(store: &Store, token_hash: &str) -> Result<Option<Id>> {
    on_pool!(store.read(), p => sqlx::query_scalar("SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash).fetch_optional(p).await.map_err(db_err))
}

/// An API token as its owner sees it (never the secret, which is not stored).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TokenRow {
    pub id: Id,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A user's tokens, newest first, revoked ones too (so the owner sees what ended when).
pub async fn tokens_of(store: &Store, user_id: Id) -> Result<Vec<TokenRow>> {
    on_pool!(store.read(), p => Ok(sqlx::query("SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id).fetch_all(p).await.map_err(db_err)?
        .iter().map(|r| TokenRow { id: r.get(0), name: r.get(1), created_at: r.get(2), revoked_at: r.get(3) }).collect()))
}

/// Revokes every live token of a user; the number revoked.
pub async fn revoke_tokens_of(tx: &mut Tx, user_id: Id) -> Result<u64> {
    on_tx!(tx, c => Ok(sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(user_id).bind(Utc::now()).execute(c).await.map(|r| r.rows_affected()).map_err(db_err)?))
}
