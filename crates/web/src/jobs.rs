//! Imports run in the background so the page can show their progress; the page polls the
//! job (a plain refresh, no script needed) until it has a result.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lamtheo_app::imports::{ImportSummary, ImportTurn};
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::{Error, ErrorCode, Id};
use lamtheo_importer::Kind;
use tokio::task::JoinHandle;

/// How long a finished job's result stays readable.
const KEEP: Duration = Duration::from_secs(60 * 60);
/// At most this many jobs are remembered; the oldest finished ones go first.
const MAX_JOBS: usize = 1000;

#[derive(Clone, Default)]
pub struct JobState {
    pub stage: String,
    pub done: u64,
    pub total: u64,
    pub result: Option<Result<ImportSummary, Error>>,
    /// When the result came.
    pub finished: Option<Instant>,
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
        let (id, job) = self.add(actor.user_id, kind, file.clone());
        let task = tokio::spawn({
            let job = job.clone();
            async move {
                let progress = |stage: &str, done: u64, total: u64| {
                    let mut s = job.state.lock().unwrap_or_else(|e| e.into_inner());
                    s.stage = stage.to_string();
                    s.done = done;
                    s.total = total;
                };
                let result = app.import(&actor, kind, &file, &bytes, &progress).await;
                drop((bytes, turn));
                result
            }
        });
        tokio::spawn(finish(job, task));
        id
    }

    /// Registers a new job (after dropping those that have had their time).
    fn add(&self, owner: Id, kind: Kind, file: String) -> (String, Arc<Job>) {
        let id = format!("{:016x}", rand::random::<u64>());
        let job = Arc::new(Job { owner, kind, file, state: Mutex::new(JobState::default()) });
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        prune(&mut jobs, Instant::now());
        jobs.insert(id.clone(), job.clone());
        (id, job)
    }

    /// A job, only for the user who started it.
    pub fn get(&self, id: &str, user: Id) -> Option<Arc<Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).get(id).filter(|j| j.owner == user).cloned()
    }
}

/// Records how the import ended. A panic in it is a failure like any other: without this,
/// its job would show "running" forever.
async fn finish(job: Arc<Job>, task: JoinHandle<Result<ImportSummary, Error>>) {
    let result = task.await.unwrap_or_else(|e| {
        tracing::error!(error = %e, file = %job.file, "import task failed");
        Err(Error::msg(
            ErrorCode::Internal,
            "Nhập dữ liệu không thành công do lỗi hệ thống; chưa nhập gì",
            "The import failed with an internal error; nothing was imported",
        ))
    });
    let mut s = job.state.lock().unwrap_or_else(|e| e.into_inner());
    s.result = Some(result);
    s.finished = Some(Instant::now());
}

/// Drops finished jobs older than `KEEP`, then, over `MAX_JOBS`, the oldest finished ones.
/// Running jobs stay: their owners are watching them.
fn prune(jobs: &mut HashMap<String, Arc<Job>>, now: Instant) {
    let finished = |j: &Job| j.state.lock().unwrap_or_else(|e| e.into_inner()).finished;
    jobs.retain(|_, j| finished(j).is_none_or(|at| now.saturating_duration_since(at) < KEEP));
    if jobs.len() >= MAX_JOBS {
        let mut done: Vec<(Instant, String)> =
            jobs.iter().filter_map(|(id, j)| finished(j).map(|at| (at, id.clone()))).collect();
        done.sort();
        for (_, id) in done.iter().take(jobs.len() + 1 - MAX_JOBS) {
            jobs.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_import_is_a_failed_job_not_a_running_one() {
        let jobs = Jobs::default();
        let (id, job) = jobs.add(1, Kind::People, "p.csv".into());
        let task = tokio::spawn(async { panic!("boom") });
        finish(job, task).await;
        let state = jobs.get(&id, 1).unwrap().state.lock().unwrap().clone();
        match state.result {
            Some(Err(e)) => assert_eq!(e.code, ErrorCode::Internal, "{}", e.message_en),
            other => panic!("expected a failure, got {:?}", other.map(|r| r.map(|s| s.rows))),
        }
        assert!(state.finished.is_some());
    }

    #[tokio::test]
    async fn finished_jobs_are_dropped_after_an_hour_and_the_map_is_bounded() {
        let jobs = Jobs::default();
        let (running, _) = jobs.add(1, Kind::People, "running.csv".into());
        let (done, job) = jobs.add(1, Kind::People, "done.csv".into());
        finish(job, tokio::spawn(async { Ok(ImportSummary::default()) })).await;
        {
            let mut map = jobs.jobs.lock().unwrap();
            prune(&mut map, Instant::now() + KEEP / 2);
            assert!(map.contains_key(&done) && map.contains_key(&running));
            prune(&mut map, Instant::now() + KEEP + Duration::from_secs(1));
            assert!(!map.contains_key(&done), "a finished job outlived KEEP");
            assert!(map.contains_key(&running), "a running job was dropped");
        }
        // Over the bound, the oldest finished jobs make room; running ones stay.
        let mut first = None;
        for i in 0..MAX_JOBS + 5 {
            let (id, job) = jobs.add(1, Kind::People, format!("{i}.csv"));
            finish(job, tokio::spawn(async { Ok(ImportSummary::default()) })).await;
            first.get_or_insert(id);
        }
        let map = jobs.jobs.lock().unwrap();
        assert!(map.len() <= MAX_JOBS, "{} jobs kept", map.len());
        assert!(map.contains_key(&running) && !map.contains_key(&first.unwrap()));
    }
}
