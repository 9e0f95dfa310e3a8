//! Accounts, passwords, sessions, CSRF tokens, API tokens and the login rate limit.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::Utc;
use lamtheo_domain::access::{Actor, Resource, Role};
use lamtheo_domain::text::Text;
use lamtheo_domain::{Error, ErrorCode, Id, Result};
use lamtheo_store::users::{self, User};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::audit::{snapshot, Change, Written};
use crate::App;

/// Sessions end after this long without a request…
pub const SESSION_IDLE: chrono::Duration = chrono::Duration::hours(2);
/// …and after this long in any case.
pub const SESSION_MAX: chrono::Duration = chrono::Duration::hours(12);
/// Failed logins allowed per client address per window (an office behind one address holds
/// several accounts, so this is looser than the next)…
const ADDRESS_ATTEMPTS: u32 = 20;
/// …and per account from one address. Not per account alone: then anyone anywhere could lock
/// the real owner out with five wrong passwords.
const ACCOUNT_ATTEMPTS: u32 = 5;
const LOGIN_WINDOW: Duration = Duration::from_secs(300);
/// Keys the limiter remembers at most, so that fresh addresses or usernames cannot grow it
/// without bound; past this the oldest windows are forgotten first.
const LIMITER_KEYS: usize = 100_000;

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(Error::internal)
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

pub(crate) fn random_token() -> String {
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

/// Counts login attempts per key in a fixed window, and lets only a few Argon2 hashes run at
/// once.
pub struct RateLimiter {
    attempts: Mutex<HashMap<String, (u32, Instant)>>,
    cap: usize,
    hashes: Arc<Semaphore>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        // Half the cores (at least one): a burst of logins leaves the rest to other requests.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        RateLimiter::new(LIMITER_KEYS, (cores / 2).max(1))
    }
}

impl RateLimiter {
    fn new(cap: usize, hashes: usize) -> Self {
        RateLimiter { attempts: Mutex::default(), cap, hashes: Arc::new(Semaphore::new(hashes)) }
    }

    fn blocked(&self, key: &str, limit: u32) -> bool {
        let map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key).is_some_and(|(n, since)| *n >= limit && since.elapsed() < LOGIN_WINDOW)
    }

    /// Counts an attempt before its password is checked, so that many attempts sent at once
    /// cannot all pass `blocked` while the first ones are still hashing.
    fn attempt(&self, key: &str) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.cap && !map.contains_key(key) {
            map.retain(|_, (_, since)| since.elapsed() < LOGIN_WINDOW);
            // Still full: forget the oldest window. A linear scan, but each attempt also costs
            // a password hash, far dearer than this.
            if map.len() >= self.cap {
                if let Some(oldest) = map.iter().min_by_key(|(_, (_, since))| *since).map(|(k, _)| k.clone()) {
                    map.remove(&oldest);
                }
            }
        }
        let e = map.entry(key.to_string()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= LOGIN_WINDOW {
            *e = (0, Instant::now());
        }
        e.0 += 1;
    }

    /// Counts one more use of `key` and says whether it is still within `limit` in the
    /// window (the public feedback form, per address).
    pub(crate) fn allow(&self, key: &str, limit: u32) -> bool {
        if self.blocked(key, limit) {
            return false;
        }
        self.attempt(key);
        true
    }

    /// Takes back an attempt that succeeded.
    fn forgive(&self, key: &str) {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = map.get_mut(key) {
            e.0 = e.0.saturating_sub(1);
        }
    }

    fn clear(&self, key: &str) {
        self.attempts.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }

    /// Runs an Argon2 computation on the blocking pool, a few at a time: a burst of logins then
    /// neither stalls the async workers nor takes every core from the other requests.
    async fn hashing<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        // The permit moves into the task: a request given up half-way (the client went away)
        // still holds it until its hash is done.
        let permit = self.hashes.clone().acquire_owned().await.map_err(Error::internal)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(Error::internal)
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
    /// Checks the password and opens a new session (always a new id: no fixation). `client` is
    /// the caller's address as the web layer trusts it.
    pub async fn login(&self, username: &str, password: &str, client: &str) -> Result<NewSession> {
        let address = format!("c:{client}");
        let account = format!("u:{username}\u{0}{client}");
        if self.limiter.blocked(&address, ADDRESS_ATTEMPTS) || self.limiter.blocked(&account, ACCOUNT_ATTEMPTS) {
            return Err(Error::new(ErrorCode::RateLimited));
        }
        self.limiter.attempt(&address);
        self.limiter.attempt(&account);
        let user = users::by_username(&self.store, username).await?;
        let password = password.to_string();
        let ok = match &user {
            Some(u) if u.active => {
                let hash = u.password_hash.clone();
                self.limiter.hashing(move || verify_password(&password, &hash)).await?
            }
            _ => {
                // Spend the same time as a real check so timing does not reveal usernames.
                static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                self.limiter
                    .hashing(move || {
                        let dummy = DUMMY.get_or_init(|| hash_password("không có tài khoản").unwrap_or_default());
                        verify_password(&password, dummy)
                    })
                    .await?;
                false
            }
        };
        let Some(user) = user.filter(|_| ok) else {
            return Err(Error::msg(
                ErrorCode::Unauthenticated,
                "Sai tên đăng nhập hoặc mật khẩu",
                "Wrong username or password",
            ));
        };
        // Only this attempt is taken back from the address: logging into one's own account
        // must not reset the count of an address that is guessing others.
        self.limiter.forgive(&address);
        self.limiter.clear(&account);
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
        let expired = now - s.last_seen_at > SESSION_IDLE || now - s.created_at > SESSION_MAX;
        // Refreshing the idle clock (at most once a minute) and forgetting an expired session
        // are writes, and a page is a read: they run in the background, so that no request
        // waits for SQLite's one writer (during an import it may be busy for minutes).
        if expired || now - s.last_seen_at > chrono::Duration::minutes(1) {
            self.in_background_session_write(id_hash, expired);
        }
        if expired {
            return Ok(None);
        }
        let user = users::get(&self.store, s.user_id).await?.filter(|u| u.active);
        Ok(user.map(|u| (actor_of(&u), s.csrf_token)))
    }

    /// Touches or deletes a session without making the request wait; one at a time per
    /// session, so that requests arriving while the writer is busy do not queue more.
    fn in_background_session_write(&self, id_hash: String, delete: bool) {
        let mut touching = self.touching.lock().unwrap_or_else(|e| e.into_inner());
        if !touching.insert(id_hash.clone()) {
            return;
        }
        drop(touching);
        let (store, touching) = (self.store.clone(), self.touching.clone());
        tokio::spawn(async move {
            let write = async {
                let mut tx = store.begin().await?;
                match delete {
                    true => users::delete_session(&mut tx, &id_hash).await?,
                    false => users::touch_session(&mut tx, &id_hash).await?,
                }
                tx.commit().await
            };
            if let Err(e) = write.await {
                tracing::warn!(error = %e.message_en, "could not refresh a session");
            }
            touching.lock().unwrap_or_else(|e| e.into_inner()).remove(&id_hash);
        });
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
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::field(
                "name",
                "Tên khóa cần từ 1 đến 100 ký tự",
                "The token name needs 1 to 100 characters",
            ));
        }
        Text::Name.check("name", name)?;
        let secret = format!("lt_{}", random_token());
        let id = self
            .write(actor, async |tx| {
                let id = users::insert_token(tx, actor.user_id, name, &sha256_hex(&secret)).await?;
                let change = Change {
                    action: "create",
                    entity: "api_token",
                    entity_id: Some(id),
                    unit: actor.scope,
                    before: None,
                    after: snapshot(&name),
                };
                Ok(Written::new(id, change, vec![]))
            })
            .await?;
        Ok((id, secret))
    }

    /// The actor's own API tokens, newest first.
    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<users::TokenRow>> {
        users::tokens_of(&self.store, actor.user_id).await
    }

    /// Revokes one of the actor's own tokens; another's (or an unknown one) is "not found".
    pub async fn revoke_token(&self, actor: &Actor, token_id: Id) -> Result<()> {
        self.write(actor, async |tx| {
            if users::revoke_token(tx, actor.user_id, token_id).await? == 0 {
                return Err(Error::not_found());
            }
            let change = Change {
                action: "revoke",
                entity: "api_token",
                entity_id: Some(token_id),
                unit: actor.scope,
                before: None,
                after: None,
            };
            Ok(Written::new((), change, vec![]))
        })
        .await
    }

    /// The account behind a username, as an actor: for the command line, which holds the
    /// database anyway (`lamtheo token …`). Inactive accounts are refused.
    pub async fn account_actor(&self, username: &str) -> Result<Actor> {
        match users::by_username(&self.store, username).await? {
            Some(u) if u.active => Ok(actor_of(&u)),
            _ => Err(Error::field(
                "username",
                format!("Không có tài khoản «{username}» đang hoạt động"),
                format!("No active account «{username}»"),
            )),
        }
    }

    pub async fn change_password(&self, actor: &Actor, old: &str, new: &str) -> Result<()> {
        let user = users::get(&self.store, actor.user_id).await?.ok_or_else(Error::not_found)?;
        let (old, hash) = (old.to_string(), user.password_hash.clone());
        if !self.limiter.hashing(move || verify_password(&old, &hash)).await? {
            return Err(Error::field("old_password", "Mật khẩu hiện tại không đúng", "The current password is wrong"));
        }
        check_password_rules(new).map_err(|e| Error { field: Some("new_password".into()), ..e })?;
        let new = new.to_string();
        let hash = self.limiter.hashing(move || hash_password(&new)).await??;
        self.write(actor, async |tx| {
            users::set_password(tx, user.id, &hash).await?;
            // Whoever knew the old password may hold a session or a token made with it: all end.
            users::delete_sessions_of(tx, user.id).await?;
            let revoked = users::revoke_tokens_of(tx, user.id).await?;
            let change = Change {
                action: "change_password",
                entity: "user",
                entity_id: Some(user.id),
                unit: user.scope_unit_id,
                before: None,
                after: snapshot(&serde_json::json!({"sessions_ended": true, "tokens_revoked": revoked})),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await
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
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_whitespace) {
            return Err(Error::field(
                "username",
                "Tên đăng nhập không được trống hay chứa dấu cách",
                "The username must not be empty or contain spaces",
            ));
        }
        check_password_rules(&new.password)?;
        let password = new.password.clone();
        let hash = self.limiter.hashing(move || hash_password(&password)).await??;
        self.write(actor, async |tx| {
            let id = users::insert(tx, name, &hash, new.role, new.scope_unit_id, new.person_id).await?;
            let after = serde_json::json!({"username": name, "role": new.role, "scope_unit_id": new.scope_unit_id});
            let change = Change {
                action: "create",
                entity: "user",
                entity_id: Some(id),
                unit: new.scope_unit_id,
                before: None,
                after: snapshot(&after),
            };
            Ok(Written::new(id, change, vec![]))
        })
        .await
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
        let user = self.user(actor, user_id).await?;
        self.write(actor, async |tx| {
            users::set_active(tx, user_id, active).await?;
            // Deactivating ends the account's sessions (in `set_active`) and tokens; reactivating
            // revokes tokens too, so none made before a deactivation (before this rule existed)
            // comes back with the account.
            let revoked = users::revoke_tokens_of(tx, user_id).await?;
            let change = Change {
                action: if active { "activate" } else { "deactivate" },
                entity: "user",
                entity_id: Some(user_id),
                unit: user.scope_unit_id,
                before: snapshot(&serde_json::json!({"active": user.active})),
                after: snapshot(&serde_json::json!({"active": active, "tokens_revoked": revoked})),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await
    }

    /// An account, for an administrator who may manage it: one scoped inside their scope (an
    /// administrator of the whole tree manages every account).
    pub async fn user(&self, actor: &Actor, user_id: Id) -> Result<User> {
        self.check_role(actor, Resource::Users, true)?;
        let user = users::get(&self.store, user_id).await?.ok_or_else(Error::not_found)?;
        match user.scope_unit_id {
            Some(s) => self.check(actor, s, Resource::Users, true)?,
            None if actor.scope.is_some() => return Err(Error::not_found()),
            None => {}
        }
        Ok(user)
    }

    /// Changes an account's role, scope and the person it is linked to (whose own page,
    /// plans and registration it then uses). The new scope must be inside the
    /// administrator's; the person must exist and, for a scoped account, belong inside its
    /// scope now.
    pub async fn set_user_access(
        &self,
        actor: &Actor,
        user_id: Id,
        role: Role,
        scope: Option<Id>,
        person: Option<Id>,
    ) -> Result<()> {
        let user = self.user(actor, user_id).await?;
        match scope {
            Some(u) => self.check(actor, u, Resource::Users, true)?,
            None if actor.scope.is_some() => return Err(Error::forbidden()),
            None => {}
        }
        if role == Role::Member && person.is_none() {
            return Err(Error::field(
                "person",
                "Tài khoản đảng viên cần gắn với một người",
                "A member's account must be linked to a person",
            ));
        }
        if let Some(p) = person {
            let found = lamtheo_store::people::get(&self.store, p).await?;
            let unit = match found {
                Some(_) => self.current_unit(p).await.ok(),
                None => return Err(Error::field("person", "Không có người này", "No such person")),
            };
            if let (Some(s), Some(u)) = (scope, unit) {
                if !self.index().tree().is_within_on(u, s, self.today()) {
                    return Err(Error::field(
                        "person",
                        "Người này không sinh hoạt trong phạm vi của tài khoản",
                        "The person does not belong inside the account's scope",
                    ));
                }
            }
        }
        self.write(actor, async |tx| {
            users::set_access(tx, user_id, role, scope, person).await?;
            let change = Change {
                action: "update",
                entity: "user",
                entity_id: Some(user_id),
                unit: scope.or(user.scope_unit_id),
                before: snapshot(&serde_json::json!({"role": user.role, "scope_unit_id": user.scope_unit_id, "person_id": user.person_id})),
                after: snapshot(&serde_json::json!({"role": role, "scope_unit_id": scope, "person_id": person})),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await
    }

    /// Gives an account a new temporary password to hand over (the old one, its sessions and
    /// its tokens end), returned once and never stored in clear.
    pub async fn reset_password(&self, actor: &Actor, user_id: Id) -> Result<String> {
        let user = self.user(actor, user_id).await?;
        // 12 characters without look-alikes (0/O, 1/l/I), read out or written on paper; 32 of
        // them, so a random byte modulo 32 picks each evenly.
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
        let temporary: String =
            (0..12).map(|_| ALPHABET[usize::from(rand::random::<u8>()) % ALPHABET.len()] as char).collect();
        let password = temporary.clone();
        let hash = self.limiter.hashing(move || hash_password(&password)).await??;
        self.write(actor, async |tx| {
            users::set_password(tx, user_id, &hash).await?;
            users::delete_sessions_of(tx, user_id).await?;
            let revoked = users::revoke_tokens_of(tx, user_id).await?;
            let change = Change {
                action: "reset_password",
                entity: "user",
                entity_id: Some(user_id),
                unit: user.scope_unit_id,
                before: None,
                after: snapshot(&serde_json::json!({"tokens_revoked": revoked})),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await?;
        Ok(temporary)
    }

    /// An account's API tokens, for its administrator.
    pub async fn user_tokens(&self, actor: &Actor, user_id: Id) -> Result<Vec<users::TokenRow>> {
        self.user(actor, user_id).await?;
        users::tokens_of(&self.store, user_id).await
    }

    /// Revokes one of an account's API tokens, for its administrator.
    pub async fn revoke_user_token(&self, actor: &Actor, user_id: Id, token_id: Id) -> Result<()> {
        let user = self.user(actor, user_id).await?;
        self.write(actor, async |tx| {
            if users::revoke_token(tx, user_id, token_id).await? == 0 {
                return Err(Error::not_found());
            }
            let change = Change {
                action: "revoke",
                entity: "token",
                entity_id: Some(token_id),
                unit: user.scope_unit_id,
                before: None,
                after: snapshot(&serde_json::json!({"user_id": user_id})),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await
    }

    pub async fn has_users(&self) -> Result<bool> {
        Ok(users::count(&self.store).await? > 0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    #[test]
    fn the_limiter_forgets_the_oldest_keys_past_its_cap() {
        let l = RateLimiter::new(3, 1);
        for i in 0..5 {
            for _ in 0..ACCOUNT_ATTEMPTS {
                l.attempt(&format!("k{i}"));
            }
        }
        assert_eq!(l.attempts.lock().unwrap().len(), 3);
        assert!(!l.blocked("k0", ACCOUNT_ATTEMPTS) && !l.blocked("k1", ACCOUNT_ATTEMPTS));
        assert!((2..5).all(|i| l.blocked(&format!("k{i}"), ACCOUNT_ATTEMPTS)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn only_a_few_hashes_run_at_once() {
        let l = Arc::new(RateLimiter::new(10, 2));
        let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut jobs = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (l, now, most) = (l.clone(), now.clone(), most.clone());
            jobs.spawn(async move {
                l.hashing(move || {
                    most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    now.fetch_sub(1, Ordering::SeqCst);
                })
                .await
                .unwrap()
            });
        }
        while jobs.join_next().await.is_some() {}
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
