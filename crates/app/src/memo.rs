//! Answers of the roll-up index, remembered until the index changes.
//!
//! A province's page asks the index for the same figures again and again between writes;
//! each answer walks every membership of the subtree (a millisecond or two per figure at
//! 150.000 people). An answer is kept with the index's change-log position it was computed
//! at and served only while the index is still at that position: the first change the index
//! applies makes every remembered answer stale, so nothing stale is ever served.
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use lamtheo_analytics::Index;

use crate::App;

/// Answers remembered at once, at most (then all are forgotten).
const MAX_ANSWERS: usize = 20_000;

/// An answer, with the index position it was computed at.
type Remembered = (i64, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub(crate) struct Memo(Mutex<HashMap<String, Remembered>>);

impl App {
    /// The index's answer to the question `key` names, computed by `compute` unless it was
    /// at the index's current position. `key` must name everything the answer depends on.
    pub(crate) fn remembered<T: Clone + Send + Sync + 'static>(
        &self,
        key: String,
        compute: impl FnOnce(&Index) -> T,
    ) -> T {
        if let Some(known) = self.recalled(&key) {
            return known;
        }
        let ix = self.index();
        let at = ix.position();
        let answer = compute(&ix);
        drop(ix);
        self.remember(key, at, answer.clone());
        answer
    }

    /// An answer remembered at the index's current position. Only the shared pointer is
    /// taken under the lock; the answer is copied after it is released, so that many readers
    /// of a large answer (a covenant's ranking of a thousand units) do not queue on the lock.
    pub(crate) fn recalled<T: Clone + Send + Sync + 'static>(&self, key: &str) -> Option<T> {
        let at = self.index().position();
        let known = {
            let memo = self.memo.0.lock().unwrap_or_else(|e| e.into_inner());
            memo.get(key).filter(|(p, _)| *p == at).map(|(_, v)| v.clone())
        };
        known?.downcast::<T>().ok().map(|v| T::clone(&v))
    }

    /// Remembers an answer computed when the index was at position `at` (read before the
    /// answer was: a change in between leaves it at a position that is never current again).
    pub(crate) fn remember<T: Send + Sync + 'static>(&self, key: String, at: i64, answer: T) {
        let mut memo = self.memo.0.lock().unwrap_or_else(|e| e.into_inner());
        if memo.len() >= MAX_ANSWERS {
            memo.clear();
        }
        memo.insert(key, (at, Arc::new(answer)));
    }
}
