//! Builds the roll-up index and the tree from the database.
use lamtheo_analytics::{Facts, Index};
use lamtheo_domain::org::OrgTree;
use lamtheo_domain::Result;
use lamtheo_store::{conferences, facts, units, Store};

pub async fn load_tree(store: &Store) -> Result<OrgTree> {
    let (u, l, n) = units::load_all(store).await?;
    Ok(OrgTree::new(u, l, n))
}

/// Reads every fact and builds a fresh index. Attendance is streamed into a vector of
/// compact rows first so the index is built in one pass.
pub async fn load_index(store: &Store) -> Result<Index> {
    let mut attendances = Vec::new();
    facts::for_each_attendance(store, |a| {
        if a.status == lamtheo_domain::conference::AttendanceStatus::Present {
            attendances.push(a)
        }
    })
    .await?;
    let facts = Facts {
        tree: load_tree(store).await?,
        topics: conferences::topics(store).await?,
        memberships: facts::memberships(store).await?,
        conferences: conferences::all(store).await?,
        points: facts::points(store).await?,
        attendances,
    };
    let mut index = Index::build(facts);
    index.set_study_share(study_share(store).await?);
    Ok(index)
}

/// Where the share of meetings with study content that makes a cell "regular" is kept.
pub const STUDY_SHARE_KEY: &str = "regular_study_share_permille";

pub async fn study_share(store: &Store) -> Result<u32> {
    let stored = lamtheo_store::settings::get(store, STUDY_SHARE_KEY).await?;
    Ok(stored.and_then(|v| v.parse().ok()).unwrap_or(lamtheo_analytics::DEFAULT_STUDY_SHARE_PERMILLE))
}
