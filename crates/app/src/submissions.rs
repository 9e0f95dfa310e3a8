//! A second tap on a slow link must not record a meeting twice: every create form carries a
//! one-time key (an API call may send `Idempotency-Key`), and a submission that repeats a key
//! answers with what the first one made.
use lamtheo_domain::access::Actor;
use lamtheo_domain::Result;
use lamtheo_store::submissions as store;
pub use lamtheo_store::submissions::Claim;
use sha2::{Digest, Sha256};

use crate::App;

/// What a one-time key may be: long enough to be unguessable, short enough to store.
pub fn valid_key(key: &str) -> bool {
    (16..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl App {
    /// Claims `key` for the actor's submission of `request` (its method, path and body; a
    /// repeat must be the same request) — see `Claim`.
    pub async fn claim_submission(&self, actor: &Actor, key: &str, request: &[u8]) -> Result<Claim> {
        let digest: String = Sha256::digest(request).iter().map(|b| format!("{b:02x}")).collect();
        store::claim(&self.store, key, actor.user_id, &digest, chrono::Utc::now()).await
    }

    /// Records the answer to a claimed key's submission, for the repeats to give.
    pub async fn finish_submission(
        &self,
        key: &str,
        status: u16,
        location: Option<&str>,
        body: Option<&str>,
    ) -> Result<()> {
        store::finish(&self.store, key, status, location, body).await
    }

    /// Forgets a key whose submission failed: the corrected form may be sent with it again.
    pub async fn release_submission(&self, key: &str) -> Result<()> {
        store::release(&self.store, key).await
    }
}
