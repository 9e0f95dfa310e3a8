//! The in-memory roll-up index. See the crate documentation for its shape.
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use lamtheo_domain::conference::{Attendance, AttendanceStatus, Conference, ConnectionPoint, Topic};
use lamtheo_domain::org::OrgTree;
use lamtheo_domain::people::Membership;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::Id;

use crate::figures::{ChildRow, Figures, TopicCompletion, UnitReport};

/// Everything an index is built from (attendance may also be added row by row).
#[derive(Default)]
pub struct Facts {
    pub tree: OrgTree,
    pub topics: Vec<Topic>,
    pub memberships: Vec<Membership>,
    pub conferences: Vec<Conference>,
    pub points: Vec<ConnectionPoint>,
    pub attendances: Vec<Attendance>,
}

/// Additive figures of one unit in one month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    conferences: i64,
    member_attendances: i64,
    other_attendances: i64,
}

impl Counts {
    fn add(&mut self, o: Counts, sign: i64) {
        self.conferences += sign * o.conferences;
        self.member_attendances += sign * o.member_attendances;
        self.other_attendances += sign * o.other_attendances;
    }
}

/// One membership as the figures see it: a person and the months [from, to] they belonged.
#[derive(Debug, Clone, Copy)]
struct Entry {
    person: u32,
    from: i32,
    to: i32,
    /// Range in the unit's `part` list: (year, month mask) where the person took part while a
    /// member here.
    part_start: u32,
    part_len: u32,
}

#[derive(Default)]
struct UnitPeople {
    memberships: Vec<Membership>,
    entries: Vec<Entry>,
    part: Vec<(i32, u16)>,
}

#[derive(Debug, Clone, Copy)]
struct ConfInfo {
    unit_id: Id,
    month: Month,
}

pub struct Index {
    tree: OrgTree,
    topics: HashMap<Id, Topic>,
    months: HashMap<Id, BTreeMap<Month, Counts>>,
    people: HashMap<Id, UnitPeople>,
    person_ix: HashMap<Id, u32>,
    /// Per dense person: months in which they were present at a conference, with how many
    /// attendances (so removing one attendance knows whether the month still counts).
    person_months: Vec<BTreeMap<Month, u32>>,
    /// Per dense person: the units they have memberships in (to refresh after a change).
    person_units: Vec<Vec<Id>>,
    conferences: HashMap<Id, ConfInfo>,
    /// Per unit and topic: the dates of conferences on that topic organised there.
    topic_dates: HashMap<Id, BTreeMap<Id, Vec<NaiveDate>>>,
}

impl Index {
    pub fn build(facts: Facts) -> Index {
        let mut ix = Index::empty(facts.tree, facts.topics);
        for c in &facts.conferences {
            ix.add_conference(c);
        }
        for p in &facts.points {
            ix.add_point(p);
        }
        ix.add_attendances_bulk(facts.attendances.iter());
        ix.add_memberships_bulk(&facts.memberships);
        ix
    }

    pub fn empty(tree: OrgTree, topics: Vec<Topic>) -> Index {
        Index {
            tree,
            topics: topics.into_iter().map(|t| (t.id, t)).collect(),
            months: HashMap::new(),
            people: HashMap::new(),
            person_ix: HashMap::new(),
            person_months: Vec::new(),
            person_units: Vec::new(),
            conferences: HashMap::new(),
            topic_dates: HashMap::new(),
        }
    }

    pub fn tree(&self) -> &OrgTree {
        &self.tree
    }
    pub fn set_tree(&mut self, tree: OrgTree) {
        self.tree = tree;
    }
    pub fn set_topics(&mut self, topics: Vec<Topic>) {
        self.topics = topics.into_iter().map(|t| (t.id, t)).collect();
    }
    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }

    fn person(&mut self, id: Id) -> u32 {
        let next = self.person_ix.len() as u32;
        let ix = *self.person_ix.entry(id).or_insert(next);
        if ix == next {
            self.person_months.push(BTreeMap::new());
            self.person_units.push(Vec::new());
        }
        ix
    }

    fn bump(&mut self, unit: Id, month: Month, c: Counts, sign: i64) {
        let counts = self.months.entry(unit).or_default().entry(month).or_default();
        counts.add(c, sign);
    }

    // ----- conferences and connection points -------------------------------------------

    pub fn add_conference(&mut self, c: &Conference) {
        self.conference(c, 1);
    }
    pub fn remove_conference(&mut self, c: &Conference) {
        self.conference(c, -1);
    }

    fn conference(&mut self, c: &Conference, sign: i64) {
        let month = Month::of(c.held_on);
        let own = Counts { conferences: 1, member_attendances: c.unlisted_members, other_attendances: c.others_count };
        self.bump(c.unit_id, month, own, sign);
        for t in &c.topic_ids {
            let dates = self.topic_dates.entry(c.unit_id).or_default().entry(*t).or_default();
            if sign > 0 {
                dates.push(c.held_on);
                dates.sort();
            } else if let Some(i) = dates.iter().position(|d| *d == c.held_on) {
                dates.remove(i);
            }
        }
        if sign > 0 {
            self.conferences.insert(c.id, ConfInfo { unit_id: c.unit_id, month });
        }
    }

    pub fn add_point(&mut self, p: &ConnectionPoint) {
        self.point(p, 1);
    }
    pub fn remove_point(&mut self, p: &ConnectionPoint) {
        self.point(p, -1);
    }
    fn point(&mut self, p: &ConnectionPoint, sign: i64) {
        let Some(info) = self.conferences.get(&p.conference_id).copied() else { return };
        let c = Counts { conferences: 0, member_attendances: p.unlisted_members, other_attendances: p.others_count };
        self.bump(p.unit_id, info.month, c, sign);
    }

    /// Forgets a conference entirely (after its points and attendance were removed).
    pub fn forget_conference(&mut self, id: Id) {
        self.conferences.remove(&id);
    }

    // ----- attendance -------------------------------------------------------------------

    pub fn add_attendance(&mut self, a: &Attendance) {
        if let Some(p) = self.attendance(a, 1) {
            self.refresh_person(p);
        }
    }
    pub fn remove_attendance(&mut self, a: &Attendance) {
        if let Some(p) = self.attendance(a, -1) {
            self.refresh_person(p);
        }
    }

    /// Adds many rows, refreshing each affected person once at the end.
    fn add_attendances_bulk<'a>(&mut self, rows: impl Iterator<Item = &'a Attendance>) {
        for a in rows {
            self.attendance(a, 1);
        }
    }

    /// Applies one attendance to the counts; returns the person whose months changed.
    fn attendance(&mut self, a: &Attendance, sign: i64) -> Option<u32> {
        if a.status != AttendanceStatus::Present {
            return None;
        }
        let info = self.conferences.get(&a.conference_id).copied()?;
        let at = a.point_unit_id.unwrap_or(info.unit_id);
        self.bump(at, info.month, Counts { member_attendances: 1, ..Counts::default() }, sign);
        let p = self.person(a.person_id);
        let months = &mut self.person_months[p as usize];
        let n = months.entry(info.month).or_insert(0);
        if sign > 0 {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
            if *n == 0 {
                months.remove(&info.month);
            }
        }
        Some(p)
    }

    // ----- memberships ------------------------------------------------------------------

    pub fn add_membership(&mut self, m: &Membership) {
        let p = self.person(m.person_id);
        if !self.person_units[p as usize].contains(&m.unit_id) {
            self.person_units[p as usize].push(m.unit_id);
        }
        self.people.entry(m.unit_id).or_default().memberships.push(m.clone());
        self.refresh_unit(m.unit_id);
    }

    /// Removes a membership by id (to change it: remove the old version, add the new).
    pub fn remove_membership(&mut self, m: &Membership) {
        if let Some(u) = self.people.get_mut(&m.unit_id) {
            u.memberships.retain(|x| x.id != m.id);
        }
        self.refresh_unit(m.unit_id);
    }

    fn add_memberships_bulk(&mut self, ms: &[Membership]) {
        for m in ms {
            let p = self.person(m.person_id);
            if !self.person_units[p as usize].contains(&m.unit_id) {
                self.person_units[p as usize].push(m.unit_id);
            }
            self.people.entry(m.unit_id).or_default().memberships.push(m.clone());
        }
        let units: Vec<Id> = self.people.keys().copied().collect();
        for u in units {
            self.refresh_unit(u);
        }
    }

    fn refresh_person(&mut self, p: u32) {
        for u in self.person_units[p as usize].clone() {
            self.refresh_unit(u);
        }
    }

    /// Recomputes a unit's entries from its memberships and its people's months.
    fn refresh_unit(&mut self, unit: Id) {
        let Some(mut up) = self.people.remove(&unit) else { return };
        up.entries.clear();
        up.part.clear();
        for m in &up.memberships {
            let person = self.person_ix[&m.person_id];
            let from = Month::of(m.valid_from).0;
            // A membership ending on day 1 of a month does not cover that month.
            let to = m.valid_to.and_then(|t| t.pred_opt()).map_or(i32::MAX, |t| Month::of(t).0);
            if to < from {
                continue;
            }
            let part_start = up.part.len() as u32;
            let mut cur: Option<(i32, u16)> = None;
            for (&month, _) in self.person_months[person as usize].range(Month(from)..=Month(to)) {
                let (y, bit) = (month.year(), 1u16 << (month.month() - 1));
                match &mut cur {
                    Some((cy, mask)) if *cy == y => *mask |= bit,
                    _ => {
                        if let Some(c) = cur.take() {
                            up.part.push(c);
                        }
                        cur = Some((y, bit));
                    }
                }
            }
            if let Some(c) = cur {
                up.part.push(c);
            }
            let part_len = up.part.len() as u32 - part_start;
            up.entries.push(Entry { person, from, to, part_start, part_len });
        }
        self.people.insert(unit, up);
    }

    // ----- queries ----------------------------------------------------------------------

    /// Figures of the subtree of `unit` as of `as_of`, over `period`.
    pub fn figures(&self, unit: Id, period: Period, as_of: NaiveDate) -> Figures {
        let mut scratch = Scratch::new(self.person_ix.len());
        self.figures_with(unit, period, as_of, &mut scratch)
    }

    fn figures_with(&self, unit: Id, period: Period, as_of: NaiveDate, s: &mut Scratch) -> Figures {
        s.clear();
        let mut f = Figures::default();
        let (pf, pt) = (period.from.0, period.to.0);
        self.tree.walk_on(unit, as_of, &mut |u| {
            if let Some(months) = self.months.get(&u) {
                for c in months.range(period.from..=period.to).map(|(_, c)| c) {
                    f.conferences += c.conferences.max(0) as u64;
                    f.member_attendances += c.member_attendances.max(0) as u64;
                    f.other_attendances += c.other_attendances.max(0) as u64;
                }
            }
            let Some(up) = self.people.get(&u) else { return };
            for e in &up.entries {
                let (lo, hi) = (e.from.max(pf), e.to.min(pt));
                if lo > hi {
                    continue;
                }
                s.eligible.set(e.person);
                if s.participants.get(e.person) {
                    continue;
                }
                let part = &up.part[e.part_start as usize..(e.part_start + e.part_len) as usize];
                if part.iter().any(|&(y, mask)| mask & year_mask(y, lo, hi) != 0) {
                    s.participants.set(e.person);
                }
            }
        });
        f.eligible = s.eligible.count();
        f.participants = s.participants.count();
        f
    }

    /// The unit's figures, the table by child unit, and topic completion by child.
    pub fn report(&self, unit: Id, period: Period, as_of: NaiveDate) -> UnitReport {
        let mut scratch = Scratch::new(self.person_ix.len());
        let figures = self.figures_with(unit, period, as_of, &mut scratch);
        let mut children: Vec<ChildRow> = self
            .tree
            .children_on(unit, as_of)
            .map(|l| (l.unit_id, l.historic))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(id, historic)| ChildRow {
                unit_id: id,
                historic,
                figures: self.figures_with(id, period, as_of, &mut scratch),
            })
            .collect();
        children.sort_by_key(|c| (c.historic, c.unit_id));
        let expected: Vec<Id> = children.iter().filter(|c| !c.historic).map(|c| c.unit_id).collect();
        let mut topics: Vec<&Topic> =
            self.topics.values().filter(|t| t.year >= period.from.year() && t.year <= period.to.year()).collect();
        topics.sort_by_key(|t| (t.year, t.id));
        let topics = topics
            .into_iter()
            .map(|t| TopicCompletion {
                topic_id: t.id,
                deadline: t.deadline,
                completed: expected.iter().copied().filter(|c| self.completed(*c, t, as_of)).collect(),
                expected: expected.clone(),
            })
            .collect();
        UnitReport { unit_id: unit, figures, children, topics }
    }

    /// Did the subtree of `unit` hold a conference on the topic by its deadline (or at all,
    /// when the topic has none)?
    pub fn completed(&self, unit: Id, topic: &Topic, as_of: NaiveDate) -> bool {
        let mut done = false;
        self.tree.walk_on(unit, as_of, &mut |u| {
            if done {
                return;
            }
            let first = self.topic_dates.get(&u).and_then(|t| t.get(&topic.id)).and_then(|d| d.first());
            done = first.is_some_and(|d| topic.deadline.is_none_or(|dl| *d <= dl));
        });
        done
    }
}

/// The months of year `y` that fall in [lo, hi] (month numbers), as a 12-bit mask.
fn year_mask(y: i32, lo: i32, hi: i32) -> u16 {
    let first = lo.max(y * 12);
    let last = hi.min(y * 12 + 11);
    if first > last {
        return 0;
    }
    let (a, b) = ((first - y * 12) as u32, (last - y * 12) as u32);
    (((1u32 << (b + 1)) - 1) & !((1u32 << a) - 1)) as u16
}

/// Reusable de-duplication bitsets for one query.
struct Scratch {
    eligible: Bits,
    participants: Bits,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch { eligible: Bits::new(n), participants: Bits::new(n) }
    }
    fn clear(&mut self) {
        self.eligible.clear();
        self.participants.clear();
    }
}

struct Bits {
    words: Vec<u64>,
    touched: Vec<u32>,
}

impl Bits {
    fn new(n: usize) -> Bits {
        Bits { words: vec![0; n.div_ceil(64)], touched: Vec::new() }
    }
    fn set(&mut self, i: u32) {
        let w = &mut self.words[(i / 64) as usize];
        if *w == 0 {
            self.touched.push(i / 64);
        }
        *w |= 1 << (i % 64);
    }
    fn get(&self, i: u32) -> bool {
        self.words[(i / 64) as usize] & (1 << (i % 64)) != 0
    }
    fn count(&self) -> u64 {
        self.touched.iter().map(|&w| self.words[w as usize].count_ones() as u64).sum()
    }
    /// Clears only the words a query touched: a small unit's query stays small.
    fn clear(&mut self) {
        for w in self.touched.drain(..) {
            self.words[w as usize] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_masks() {
        let y = 2025;
        assert_eq!(year_mask(y, Month::new(2025, 1).0, Month::new(2025, 12).0), 0xFFF);
        assert_eq!(year_mask(y, Month::new(2025, 3).0, Month::new(2025, 3).0), 0b100);
        assert_eq!(year_mask(y, Month::new(2024, 1).0, Month::new(2025, 2).0), 0b11);
        assert_eq!(year_mask(y, Month::new(2026, 1).0, i32::MAX), 0);
    }
}
