//! Builds the roll-up index and the tree from the database, each from one snapshot.
use lamtheo_analytics::{Facts, Index, Rated};
use lamtheo_domain::conference::AttendanceStatus;
use lamtheo_domain::evaluation::Subject;
use lamtheo_domain::org::OrgTree;
use lamtheo_domain::people::is_key_cadre;
use lamtheo_domain::period::Month;
use lamtheo_domain::{Error, Result};
use lamtheo_store::{changelog, conferences, facts, plans, settings, units, Store, Tx};

pub(crate) async fn load_tree(snapshot: &mut Tx) -> Result<OrgTree> {
    let (u, l, n) = units::load_all(snapshot).await?;
    Ok(OrgTree::new(u, l, n))
}

/// Reads every fact in one snapshot and builds a fresh index, positioned at the last change
/// log entry that snapshot holds: the follower replays what came after. Attendance is
/// streamed into a vector of compact rows first so the index is built in one pass, off the
/// async runtime.
pub async fn load_index(store: &Store) -> Result<Index> {
    let mut snapshot = store.snapshot().await?;
    // The first read fixes the snapshot (SQLite): the log's end is read in it.
    let position = changelog::last(&mut snapshot).await?;
    let mut attendances = Vec::new();
    facts::for_each_attendance(&mut snapshot, |a| {
        if a.status == AttendanceStatus::Present {
            attendances.push(a)
        }
    })
    .await?;
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
        attendances,
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
        reviews: facts::reviews(&mut snapshot).await?.into_iter().map(|(r, m, met)| (r, Month(m), met)).collect(),
        key_posts: facts::posts(&mut snapshot)
            .await?
            .into_iter()
            .filter(|(_, _, _, key, head)| is_key_cadre(*key, *head))
            .map(|(person, from, to, _, _)| (person, from, to))
            .collect(),
    };
    let share = study_share(&mut snapshot).await?;
    drop(snapshot);
    tokio::task::spawn_blocking(move || {
        let mut index = Index::build(facts);
        index.set_study_share(share);
        index.set_position(position);
        // The nation's and the provinces' summaries, so that their first pages are fast too.
        index.warm(crate::scope::today());
        index
    })
    .await
    .map_err(Error::internal)
}

/// Where the share of meetings with study content that makes a cell "regular" is kept.
pub const STUDY_SHARE_KEY: &str = "regular_study_share_permille";

pub async fn study_share(snapshot: &mut Tx) -> Result<u32> {
    let stored = settings::get(snapshot, STUDY_SHARE_KEY).await?;
    Ok(stored.and_then(|v| v.parse().ok()).unwrap_or(lamtheo_analytics::DEFAULT_STUDY_SHARE_PERMILLE))
}
