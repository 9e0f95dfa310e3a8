//! Builds the roll-up index and the tree from the database, each from one snapshot.
use lamtheo_analytics::{Facts, Index, Rated};
use lamtheo_domain::conference::{Attendance, AttendanceStatus};
use lamtheo_domain::evaluation::Subject;
use lamtheo_domain::org::OrgTree;
use lamtheo_domain::people::is_key_cadre;
use lamtheo_domain::{Error, Id, Result};
use lamtheo_store::{changelog, conferences, facts, plans, settings, units, Store, Tx};

pub(crate) async fn load_tree(snapshot: &mut Tx) -> Result<OrgTree> {
    let (u, l, n) = units::load_all(snapshot).await?;
    Ok(OrgTree::new(u, l, n))
}

/// Reads every fact in one snapshot and builds a fresh index, positioned at the last change
/// log entry that snapshot holds: the follower replays what came after. Attendance, by far the
/// most rows, is streamed last in chunks to a builder off the async runtime, which takes them
/// in while the next are read: they are never all held at once, and reading and building run
/// on two cores.
pub async fn load_index(store: &Store) -> Result<Index> {
    let mut snapshot = store.snapshot().await?;
    // The first read fixes the snapshot (SQLite): the log's end is read in it.
    let position = changelog::last(&mut snapshot).await?;
    let tree = load_tree(&mut snapshot).await?;
    let records = lamtheo_store::records::all(&mut snapshot).await?;
    let catalogue = crate::records::catalogue(&records);
    let records = records.iter().map(|r| (r.kind.clone(), r.id, crate::records::facts_of(r, &catalogue))).collect();
    let facts = Facts {
        tree,
        records,
        topics: conferences::topics(&mut snapshot).await?,
        memberships: facts::memberships(&mut snapshot).await?,
        conferences: conferences::all(&mut snapshot).await?,
        points: facts::points(&mut snapshot).await?,
        attendances: Vec::new(),
        members: facts::members(&mut snapshot).await?,
        plans: plans::made(&mut snapshot).await?,
        ratings: facts::ratings(&mut snapshot)
            .await?
            .into_iter()
            .map(|(subject, subject_id, year, quarter, scale, level_code)| Rated {
                subject: if subject == "unit" { Subject::Unit } else { Subject::Person },
                subject_id,
                year,
                quarter,
                scale,
                level_code,
            })
            .collect(),
        tasks: facts::tasks(&mut snapshot).await?,
        registrations: facts::registrations(&mut snapshot).await?,
        reviews: Vec::new(),
        key_posts: facts::posts(&mut snapshot)
            .await?
            .into_iter()
            .filter(|(_, _, _, key, head)| is_key_cadre(*key, *head))
            .map(|(person, from, to, _, _)| (person, from, to))
            .collect(),
    };
    let share = study_share(&mut snapshot).await?;
    let (send, chunks) = std::sync::mpsc::sync_channel::<Rows>(CHUNKS_AHEAD);
    let builder = tokio::task::spawn_blocking(move || {
        let mut index = Index::start(facts);
        for chunk in chunks {
            match chunk {
                Rows::Attendance(rows) => rows.iter().for_each(|a| index.ingest(a)),
                Rows::Reviews(rows) => rows
                    .into_iter()
                    .for_each(|(r, year, reviewed, met)| index.set_reviews_of_year(r, year, reviewed, met)),
            }
        }
        index.finish();
        index.set_study_share(share);
        index.set_position(position);
        // The nation's and the provinces' summaries, so that their first pages are fast too.
        index.warm(crate::scope::today());
        index
    });
    // A send waits only when the builder is `CHUNKS_AHEAD` chunks behind; it fails only when
    // the builder is gone (it panicked: awaiting it says so).
    let mut chunk = Vec::with_capacity(CHUNK);
    facts::for_each_attendance(&mut snapshot, |a| {
        if a.status == AttendanceStatus::Present {
            chunk.push(a);
            if chunk.len() == CHUNK {
                let _ = send.send(Rows::Attendance(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))));
            }
        }
    })
    .await?;
    let _ = send.send(Rows::Attendance(chunk));
    let mut chunk = Vec::with_capacity(CHUNK);
    facts::for_each_review_year(&mut snapshot, |registration, year, reviewed, met| {
        chunk.push((registration, year, reviewed, met));
        if chunk.len() == CHUNK {
            let _ = send.send(Rows::Reviews(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))));
        }
    })
    .await?;
    let _ = send.send(Rows::Reviews(chunk));
    drop((send, snapshot));
    builder.await.map_err(Error::internal)
}

/// The two kinds of fact that come by the tens of millions, in chunks: attendance, and
/// monthly reviews folded by year (registration, year, months reviewed, months met).
enum Rows {
    Attendance(Vec<Attendance>),
    Reviews(Vec<(Id, i32, u16, u16)>),
}

/// Attendance rows per chunk sent to the builder, and chunks that may wait for it: a few
/// megabytes in flight at most.
const CHUNK: usize = 20_000;
const CHUNKS_AHEAD: usize = 8;

/// Where the share of meetings with study content that makes a cell "regular" is kept.
pub const STUDY_SHARE_KEY: &str = "regular_study_share_permille";

pub async fn study_share(snapshot: &mut Tx) -> Result<u32> {
    let stored = settings::get(snapshot, STUDY_SHARE_KEY).await?;
    Ok(stored.and_then(|v| v.parse().ok()).unwrap_or(lamtheo_analytics::DEFAULT_STUDY_SHARE_PERMILLE))
}
