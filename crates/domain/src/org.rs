//! The organisation tree with its history.
//!
//! A unit has a lifespan; its place in the tree is a list of parent links, each valid over a
//! half-open interval of days [from, to). When a unit is merged away or closed, it keeps a
//! *historic* link under its successor (or its last parent), open-ended, so that the
//! successor's subtree after that date still contains the predecessor and its history.
//! Every question about the shape of the tree takes an as-of date.
use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct UnitKind {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// Party organisations hold members and meetings; the others (Fatherland Front, unions,
    /// departments) sit beside them.
    pub party: bool,
    /// The code of the kind's level (`UnitLevel`): figures "by level" count a unit under it.
    pub level: String,
}

/// A level of the organisation (cấp): cấp tỉnh, cấp huyện và tương đương, cấp cơ sở, chi bộ.
/// Levels are data; every unit kind belongs to one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct UnitLevel {
    /// "tinh", "huyen", "co_so", "chi_bo".
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Unit {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

impl Unit {
    pub fn is_open_on(&self, d: NaiveDate) -> bool {
        self.opened_on <= d && self.closed_on.is_none_or(|c| d < c)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ParentLink {
    pub unit_id: Id,
    pub parent_id: Id,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    /// The unit no longer operates; it hangs here to carry its history into its successor.
    pub historic: bool,
}

impl ParentLink {
    pub fn valid_on(&self, d: NaiveDate) -> bool {
        self.valid_from <= d && self.valid_to.is_none_or(|t| d < t)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct UnitName {
    pub unit_id: Id,
    pub name: String,
    pub valid_from: NaiveDate,
}

/// The kinds of lineage events, recorded with a date for every change of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineageKind {
    Create,
    Rename,
    Move,
    Close,
    Merge,
    Split,
}

impl LineageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineageKind::Create => "create",
            LineageKind::Rename => "rename",
            LineageKind::Move => "move",
            LineageKind::Close => "close",
            LineageKind::Merge => "merge",
            LineageKind::Split => "split",
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            LineageKind::Create => "Thành lập",
            LineageKind::Rename => "Đổi tên",
            LineageKind::Move => "Chuyển trực thuộc",
            LineageKind::Close => "Giải thể",
            LineageKind::Merge => "Hợp nhất",
            LineageKind::Split => "Chia tách",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            LineageKind::Create => "Founded",
            LineageKind::Rename => "Renamed",
            LineageKind::Move => "Moved",
            LineageKind::Close => "Closed",
            LineageKind::Merge => "Merged",
            LineageKind::Split => "Split",
        }
    }
    pub fn parse(s: &str) -> Option<LineageKind> {
        [Self::Create, Self::Rename, Self::Move, Self::Close, Self::Merge, Self::Split]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct LineageEvent {
    pub id: Id,
    pub kind: LineageKind,
    pub happened_on: NaiveDate,
    /// Units that ended or changed (merge and split sources, the renamed or moved unit).
    pub sources: Vec<Id>,
    /// Units that continue them (merge target, split targets, the new parent of a move).
    pub targets: Vec<Id>,
    pub note: String,
}

/// The whole history of the tree in memory: answers "children of X as of D" without the
/// database. Built from units, links and names; cheap to rebuild after a restructuring.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    units: HashMap<Id, Unit>,
    by_code: HashMap<String, Id>,
    children: HashMap<Id, Vec<ParentLink>>,
    parents: HashMap<Id, Vec<ParentLink>>,
    names: HashMap<Id, Vec<UnitName>>,
}

impl OrgTree {
    pub fn new(units: Vec<Unit>, links: Vec<ParentLink>, mut names: Vec<UnitName>) -> OrgTree {
        let mut t = OrgTree::default();
        for u in units {
            t.by_code.insert(u.code.clone(), u.id);
            t.units.insert(u.id, u);
        }
        for l in links {
            t.children.entry(l.parent_id).or_default().push(l.clone());
            t.parents.entry(l.unit_id).or_default().push(l);
        }
        names.sort_by_key(|n| n.valid_from);
        for n in names {
            t.names.entry(n.unit_id).or_default().push(n);
        }
        for v in t.children.values_mut() {
            v.sort_by_key(|l| l.unit_id);
        }
        t
    }

    pub fn unit(&self, id: Id) -> Option<&Unit> {
        self.units.get(&id)
    }
    pub fn by_code(&self, code: &str) -> Option<&Unit> {
        self.by_code.get(code).and_then(|id| self.units.get(id))
    }
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.units.values()
    }
    pub fn len(&self) -> usize {
        self.units.len()
    }
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The unit exists in the tree as of `d`: opened by then (it may be closed and historic).
    pub fn exists_on(&self, id: Id, d: NaiveDate) -> bool {
        self.units.get(&id).is_some_and(|u| u.opened_on <= d)
    }

    /// The name the unit carried on `d` (its first name before any rename).
    pub fn name_on(&self, id: Id, d: NaiveDate) -> Option<&str> {
        let u = self.units.get(&id)?;
        let names = self.names.get(&id);
        let named = names.and_then(|ns| ns.iter().rev().find(|n| n.valid_from <= d).or(ns.first()));
        Some(named.map_or(u.name.as_str(), |n| n.name.as_str()))
    }

    pub fn parent_link_on(&self, id: Id, d: NaiveDate) -> Option<&ParentLink> {
        self.parents.get(&id)?.iter().find(|l| l.valid_on(d))
    }

    /// Children on `d`, historic ones included (they carry history into their successor).
    pub fn children_on(&self, id: Id, d: NaiveDate) -> impl Iterator<Item = &ParentLink> {
        self.children.get(&id).into_iter().flatten().filter(move |l| l.valid_on(d))
    }

    /// Every child link the unit ever had, whatever its dates.
    pub fn children_on_any_date(&self, id: Id) -> impl Iterator<Item = &ParentLink> {
        self.children.get(&id).into_iter().flatten()
    }

    /// Roots on `d`: units that exist and have no parent link then.
    pub fn roots_on(&self, d: NaiveDate) -> Vec<Id> {
        let mut r: Vec<Id> = self
            .units
            .values()
            .filter(|u| u.opened_on <= d && self.parent_link_on(u.id, d).is_none())
            .filter(|u| u.closed_on.is_none_or(|c| d < c))
            .map(|u| u.id)
            .collect();
        r.sort();
        r
    }

    /// Every unit of the subtree rooted at `id` as of `d`, root first (depth-first).
    pub fn subtree_on(&self, id: Id, d: NaiveDate) -> Vec<Id> {
        let mut out = Vec::new();
        self.walk_on(id, d, &mut |u| out.push(u));
        out
    }

    /// Visits the subtree of `id` as of `d` depth-first without allocating a list.
    pub fn walk_on(&self, id: Id, d: NaiveDate, visit: &mut dyn FnMut(Id)) {
        if !self.exists_on(id, d) {
            return;
        }
        let mut stack = vec![id];
        while let Some(u) = stack.pop() {
            visit(u);
            if let Some(links) = self.children.get(&u) {
                stack.extend(links.iter().rev().filter(|l| l.valid_on(d)).map(|l| l.unit_id));
            }
        }
    }

    /// Path from a root down to `id` as of `d` (for breadcrumbs).
    pub fn path_on(&self, id: Id, d: NaiveDate) -> Vec<Id> {
        let mut path = vec![id];
        let mut cur = id;
        while let Some(l) = self.parent_link_on(cur, d) {
            if path.contains(&l.parent_id) {
                break; // defensive: a cycle would be a data error, never loop forever
            }
            path.push(l.parent_id);
            cur = l.parent_id;
        }
        path.reverse();
        path
    }

    /// Is `id` inside the subtree of `ancestor` as of `d`?
    pub fn is_within_on(&self, id: Id, ancestor: Id, d: NaiveDate) -> bool {
        self.path_on(id, d).contains(&ancestor)
    }

    /// Would hanging `id` under `parent` from `from` on close a cycle on some day? The tree
    /// changes only on the days its links start or end, so those days after `from` are the
    /// ones to check: a change recorded late (a 2024 merge entered after a 2026 one) must not
    /// put a unit under its own descendant of a later day.
    pub fn would_cycle(&self, id: Id, parent: Id, from: NaiveDate) -> bool {
        let mut days: Vec<NaiveDate> = self
            .parents
            .values()
            .flatten()
            .flat_map(|l| [Some(l.valid_from), l.valid_to])
            .flatten()
            .filter(|d| *d > from)
            .collect();
        days.push(from);
        days.sort();
        days.dedup();
        days.into_iter().any(|d| self.is_within_on(parent, id, d))
    }

    /// The last day the unit's place changed (a link of its own starting or ending), a child
    /// came or went, or it closed: a change of the unit dated before it would rewrite what
    /// came after.
    pub fn last_change(&self, id: Id) -> Option<NaiveDate> {
        let own = self.parents.get(&id).into_iter().flatten();
        let children = self.children.get(&id).into_iter().flatten();
        let links = own.chain(children).flat_map(|l| [Some(l.valid_from), l.valid_to]);
        let closed = self.units.get(&id).and_then(|u| u.closed_on);
        links.flatten().chain(closed).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn unit(id: Id, opened: NaiveDate, closed: Option<NaiveDate>) -> Unit {
        Unit {
            id,
            code: format!("U{id}"),
            name: format!("Đơn vị {id}"),
            kind: "chi_bo".into(),
            opened_on: opened,
            closed_on: closed,
        }
    }
    fn link(unit_id: Id, parent_id: Id, from: NaiveDate, to: Option<NaiveDate>, historic: bool) -> ParentLink {
        ParentLink { unit_id, parent_id, valid_from: from, valid_to: to, historic }
    }

    #[test]
    fn merged_unit_hangs_under_successor_after_the_merge_only() {
        let start = d(2000, 1, 1);
        let merge = d(2025, 7, 1);
        // 1 province; 2 district; 3, 4 communes under 2; 5 new commune from merge of 3 and 4.
        let units = vec![
            unit(1, start, None),
            unit(2, start, Some(merge)),
            unit(3, start, Some(merge)),
            unit(4, start, Some(merge)),
            unit(5, merge, None),
        ];
        let links = vec![
            link(2, 1, start, Some(merge), false),
            link(2, 1, merge, None, true),
            link(3, 2, start, Some(merge), false),
            link(4, 2, start, Some(merge), false),
            link(3, 5, merge, None, true),
            link(4, 5, merge, None, true),
            link(5, 1, merge, None, false),
        ];
        let t = OrgTree::new(units, links, vec![]);
        assert_eq!(t.subtree_on(1, d(2025, 6, 30)), vec![1, 2, 3, 4]);
        assert_eq!(t.subtree_on(1, d(2025, 7, 1)), vec![1, 2, 5, 3, 4]);
        assert_eq!(t.subtree_on(5, d(2025, 12, 31)), vec![5, 3, 4]);
        assert_eq!(t.subtree_on(5, d(2025, 6, 30)), Vec::<Id>::new(), "not yet founded");
        assert_eq!(t.path_on(3, d(2025, 6, 30)), vec![1, 2, 3]);
        assert_eq!(t.path_on(3, d(2026, 1, 1)), vec![1, 5, 3]);
        assert_eq!(t.roots_on(d(2025, 1, 1)), vec![1]);
    }

    #[test]
    fn a_late_change_cannot_close_a_cycle_on_a_later_day() {
        let start = d(2000, 1, 1);
        // 2 and 3 under 1; 2 merged into 3 on 1/1/2026 (hangs under it from then).
        let units = vec![unit(1, start, None), unit(2, start, Some(d(2026, 1, 1))), unit(3, start, None)];
        let links = vec![
            link(2, 1, start, Some(d(2026, 1, 1)), false),
            link(2, 3, d(2026, 1, 1), None, true),
            link(3, 1, start, None, false),
        ];
        let t = OrgTree::new(units, links, vec![]);
        // 3 under 2 from 2024: fine in 2024 and 2025, a cycle from 2026.
        assert!(!t.is_within_on(2, 3, d(2024, 6, 1)));
        assert!(t.would_cycle(3, 2, d(2024, 6, 1)));
        assert!(!t.would_cycle(2, 1, d(2024, 6, 1)));
        assert_eq!(t.last_change(2), Some(d(2026, 1, 1)));
        assert_eq!(t.last_change(3), Some(d(2026, 1, 1)), "2 came under 3 then");
        assert_eq!(t.last_change(1), Some(d(2026, 1, 1)), "2 left 1 then");
    }

    #[test]
    fn names_follow_the_date() {
        let t = OrgTree::new(
            vec![unit(1, d(2000, 1, 1), None)],
            vec![],
            vec![
                UnitName { unit_id: 1, name: "Cũ".into(), valid_from: d(2000, 1, 1) },
                UnitName { unit_id: 1, name: "Mới".into(), valid_from: d(2020, 1, 1) },
            ],
        );
        assert_eq!(t.name_on(1, d(2019, 12, 31)), Some("Cũ"));
        assert_eq!(t.name_on(1, d(2020, 1, 1)), Some("Mới"));
    }
}
