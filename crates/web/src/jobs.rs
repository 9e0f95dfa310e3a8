//! Imports run in the background so the page can show their progress; the page polls the
//! job (a plain refresh, no script needed) until it has a result.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use lamtheo_app::imports::{ImportSummary, ImportTurn};
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::{Error, Id};
use lamtheo_importer::Kind;

#[derive(Clone, Default)]
pub struct JobState {
    pub stage: String,
    pub done: u64,
    pub total: u64,
    pub result: Option<Result<ImportSummary, Error>>,
}

pub struct Job {
    pub owner: Id,
    pub kind: Kind,
    pub file: String,
    pub state: Mutex<JobState>,
}

#[derive(Default)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    /// Starts an import in the background and returns the job's id.
    /// The job holds the upload's `turn` until it is done.
    pub fn start(&self, app: App, actor: Actor, kind: Kind, file: String, bytes: Vec<u8>, turn: ImportTurn) -> String {
        let id = format!("{:016x}", rand::random::<u64>());
        let job =
            Arc::new(Job { owner: actor.user_id, kind, file: file.clone(), state: Mutex::new(JobState::default()) });
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), job.clone());
        tokio::spawn(async move {
            let progress = |stage: &str, done: u64, total: u64| {
                let mut s = job.state.lock().unwrap_or_else(|e| e.into_inner());
                s.stage = stage.to_string();
                s.done = done;
                s.total = total;
            };
            let result = app.import(&actor, kind, &file, &bytes, &progress).await;
            drop((bytes, turn));
            job.state.lock().unwrap_or_else(|e| e.into_inner()).result = Some(result);
        });
        id
    }

    /// A job, only for the user who started it.
    pub fn get(&self, id: &str, user: Id) -> Option<Arc<Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).get(id).filter(|j| j.owner == user).cloned()
    }
}
