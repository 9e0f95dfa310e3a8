//! Accounts, passwords, sessions, CSRF tokens, API tokens and the login rate limit.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Utc;
use lamtheo_domain::access::{Actor, Resource, Role};
use lamtheo_domain::{Error, ErrorCode, Id, Result};
use lamtheo_store::users::{self, User};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::audit::{self, snapshot, Change};
use crate::App;

/// Sessions end after this long without a request…
pub const SESSION_IDLE: chrono::Duration = chrono::Duration::hours(2);
/// …and after this long in any case.
pub const SESSION_MAX: chrono::Duration = chrono::Duration::hours(12);
/// Failed logins allowed per key (username and client address) per window.
const LOGIN_ATTEMPTS: u32 = 5;
const LOGIN_WINDOW: Duration = Duration::from_secs(300);

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(Error::internal)
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn check_password_rules(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(Error::field(
            "password",
            "Mật khẩu cần ít nhất 8 ký tự",
            "The password needs at least 8 characters",
        ));
    }
    Ok(())
}

/// Counts failed logins per key in a sliding window.
#[derive(Default)]
pub struct RateLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl RateLimiter {
    fn blocked(&self, key: &str) -> bool {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).is_some_and(|(n, since)| *n >= LOGIN_ATTEMPTS && since.elapsed() < LOGIN_WINDOW)
    }
    fn fail(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let e = map.entry(key.to_string()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= LOGIN_WINDOW {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }
    fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

/// A logged-in session: the secret for the cookie and the CSRF token for its forms.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub actor: Actor,
}

fn actor_of(u: &User) -> Actor {
    Actor {
        user_id: u.id,
        username: u.username.clone(),
        role: u.role,
        scope: u.scope_unit_id,
        person_id: u.person_id,
        request_id: String::new(),
    }
}

pub struct NewUser {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub scope_unit_id: Option<Id>,
    pub person_id: Option<Id>,
}

impl App {
    /// Checks the password and opens a new session (always a new id: no fixation).
    pub async fn login(&self, username: &str, password: &str, client: &str) -> Result<NewSession> {
        let keys = [format!("u:{username}"), format!("c:{client}")];
        if keys.iter().any(|k| self.limiter.blocked(k)) {
            return Err(Error::new(ErrorCode::RateLimited));
        }
        let user = users::by_username(&self.store, username).await?;
        let ok = match &user {
            Some(u) => u.active && verify_password(password, &u.password_hash),
            None => {
                // Spend the same time as a real check so timing does not reveal usernames.
                static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                let dummy = DUMMY.get_or_init(|| hash_password("không có tài khoản").unwrap_or_default());
                let _ = verify_password(password, dummy);
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            keys.iter().for_each(|k| self.limiter.fail(k));
            return Err(Error::msg(
                ErrorCode::Unauthenticated,
                "Sai tên đăng nhập hoặc mật khẩu",
                "Wrong username or password",
            ));
        };
        keys.iter().for_each(|k| self.limiter.clear(k));
        let (token, csrf) = (random_token(), random_token());
        let mut tx = self.store.begin().await?;
        users::insert_session(&mut tx, &sha256_hex(&token), user.id, &csrf).await?;
        tx.commit().await?;
        Ok(NewSession { token, csrf, actor: actor_of(&user) })
    }

    /// The actor and CSRF token behind a session cookie, if the session is alive.
    pub async fn session(&self, token: &str) -> Result<Option<(Actor, String)>> {
        let id_hash = sha256_hex(token);
        let Some(s) = users::session(&self.store, &id_hash).await? else { return Ok(None) };
        let now = Utc::now();
        let mut tx = self.store.begin().await?;
        if now - s.last_seen_at > SESSION_IDLE || now - s.created_at > SESSION_MAX {
            users::delete_session(&mut tx, &id_hash).await?;
            tx.commit().await?;
            return Ok(None);
        }
        // Refresh the idle clock at most once a minute: most requests then only read.
        if now - s.last_seen_at > chrono::Duration::minutes(1) {
            users::touch_session(&mut tx, &id_hash).await?;
        }
        tx.commit().await?;
        let user = users::get(&self.store, s.user_id).await?.filter(|u| u.active);
        Ok(user.map(|u| (actor_of(&u), s.csrf_token)))
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        let mut tx = self.store.begin().await?;
        users::delete_session(&mut tx, &sha256_hex(token)).await?;
        tx.commit().await
    }

    /// The actor behind an API token ("Authorization: Bearer …").
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>> {
        let Some(uid) = users::user_of_token(&self.store, &sha256_hex(token)).await? else { return Ok(None) };
        Ok(users::get(&self.store, uid).await?.filter(|u| u.active).map(|u| actor_of(&u)))
    }

    /// Creates an API token for the actor itself; the secret is shown once.
    pub async fn create_token(&self, actor: &Actor, name: &str) -> Result<(Id, String)> {
        let secret = format!("lt_{}", random_token());
        let mut tx = self.store.begin().await?;
        let id = users::insert_token(&mut tx, actor.user_id, name, &sha256_hex(&secret)).await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "create",
                entity: "api_token",
                entity_id: Some(id),
                unit: actor.scope,
                before: None,
                after: snapshot(&name),
            },
        )
        .await?;
        tx.commit().await?;
        Ok((id, secret))
    }

    pub async fn revoke_token(&self, actor: &Actor, token_id: Id) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if users::revoke_token(&mut tx, actor.user_id, token_id).await? == 0 {
            return Err(Error::not_found());
        }
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "revoke",
                entity: "api_token",
                entity_id: Some(token_id),
                unit: actor.scope,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await
    }

    pub async fn change_password(&self, actor: &Actor, old: &str, new: &str) -> Result<()> {
        let user = users::get(&self.store, actor.user_id).await?.ok_or_else(Error::not_found)?;
        if !verify_password(old, &user.password_hash) {
            return Err(Error::field("old_password", "Mật khẩu hiện tại không đúng", "The current password is wrong"));
        }
        check_password_rules(new)?;
        let mut tx = self.store.begin().await?;
        users::set_password(&mut tx, user.id, &hash_password(new)?).await?;
        // Every other session of this user ends with the old password.
        users::delete_sessions_of(&mut tx, user.id).await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "change_password",
                entity: "user",
                entity_id: Some(user.id),
                unit: user.scope_unit_id,
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await
    }

    /// Creates an account. Administrators only; the new scope must lie inside the actor's.
    pub async fn add_user(&self, actor: &Actor, new: NewUser) -> Result<Id> {
        self.check_role(actor, Resource::Users, true)?;
        match new.scope_unit_id {
            Some(u) => self.check(actor, u, Resource::Users, true)?,
            None if actor.scope.is_some() => return Err(Error::forbidden()),
            None => {}
        }
        let name = new.username.trim();
        if name.is_empty() || name.len() > 64 || name.chars().any(char::is_whitespace) {
            return Err(Error::field(
                "username",
                "Tên đăng nhập không được trống hay chứa dấu cách",
                "The username must not be empty or contain spaces",
            ));
        }
        check_password_rules(&new.password)?;
        let mut tx = self.store.begin().await?;
        let id =
            users::insert(&mut tx, name, &hash_password(&new.password)?, new.role, new.scope_unit_id, new.person_id)
                .await?;
        let after = serde_json::json!({"username": name, "role": new.role, "scope_unit_id": new.scope_unit_id});
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "create",
                entity: "user",
                entity_id: Some(id),
                unit: new.scope_unit_id,
                before: None,
                after: snapshot(&after),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Accounts visible to an administrator: those scoped inside their scope.
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<User>> {
        self.check_role(actor, Resource::Users, false)?;
        let all = users::list(&self.store).await?;
        Ok(all
            .into_iter()
            .filter(|u| actor.scope.is_none() || u.scope_unit_id.is_some_and(|s| self.in_scope(actor, s)))
            .collect())
    }

    pub async fn set_user_active(&self, actor: &Actor, user_id: Id, active: bool) -> Result<()> {
        self.check_role(actor, Resource::Users, true)?;
        let user = users::get(&self.store, user_id).await?.ok_or_else(Error::not_found)?;
        match user.scope_unit_id {
            Some(s) => self.check(actor, s, Resource::Users, true)?,
            None if actor.scope.is_some() => return Err(Error::not_found()),
            None => {}
        }
        let mut tx = self.store.begin().await?;
        users::set_active(&mut tx, user_id, active).await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: if active { "activate" } else { "deactivate" },
                entity: "user",
                entity_id: Some(user_id),
                unit: user.scope_unit_id,
                before: snapshot(&user.active),
                after: snapshot(&active),
            },
        )
        .await?;
        tx.commit().await
    }

    pub async fn has_users(&self) -> Result<bool> {
        Ok(users::count(&self.store).await? > 0)
    }
}
