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
        conferences: facts::conferences(store).await?,
        points: facts::points(store).await?,
        attendances,
    };
    Ok(Index::build(facts))
}
