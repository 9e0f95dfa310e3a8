//! The in-memory roll-up index. See the crate documentation for its shape.
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use lamtheo_domain::conference::{Attendance, AttendanceStatus, Conference, ConnectionPoint, Topic};
use lamtheo_domain::emulation::Expected;
use lamtheo_domain::evaluation::Subject;
use lamtheo_domain::org::OrgTree;
use lamtheo_domain::people::Membership;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::plans::{MadeOf, PlanKind, PlanMade};
use lamtheo_domain::Id;

use crate::figures::{ChildRow, Figures, MonthFigures, TopicCompletion, UnitReport};

mod summary;
pub use summary::DEFAULT_SUMMARY_THRESHOLD;

/// Everything an index is built from (attendance may also be added row by row).
#[derive(Default)]
pub struct Facts {
    pub tree: OrgTree,
    pub topics: Vec<Topic>,
    pub memberships: Vec<Membership>,
    pub conferences: Vec<Conference>,
    pub points: Vec<ConnectionPoint>,
    pub attendances: Vec<Attendance>,
    /// The people who are party members.
    pub members: Vec<Id>,
    /// Plans made (submitted or acknowledged), by person.
    pub plans: Vec<(Id, PlanMade)>,
    /// Every rating of a person or an organisation.
    pub ratings: Vec<Rated>,
    /// Registrations for emulation movements: (registration, movement, person).
    pub registrations: Vec<(Id, Id, Id)>,
    /// Monthly reviews of registrations: (registration, month, met).
    pub reviews: Vec<(Id, Month, bool)>,
    /// Breakthrough tasks: (task, unit, first year, last year).
    pub tasks: Vec<(Id, Id, i32, i32)>,
    /// The facts of each record of the record kinds: (kind, record, facts).
    pub records: Vec<(String, Id, Vec<lamtheo_domain::records::Fact>)>,
    /// The days each person held a key-cadre post (`Post::is_key_cadre`): (person, from, to).
    pub key_posts: Vec<(Id, NaiveDate, Option<NaiveDate>)>,
}

/// A rating as the figures see it: whose, for which year and quarter (0: the year), and the
/// level given, on its scale.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rated {
    pub subject: Subject,
    pub subject_id: Id,
    pub year: i32,
    pub quarter: i32,
    pub scale: String,
    pub level_code: String,
}

/// A movement's figures over the part of a subtree it reaches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MovementCounts {
    pub expected: usize,
    pub registered: usize,
    pub registered_members: usize,
    pub registered_non_members: usize,
    /// (month, met, not met) over the registrations of those expected.
    pub months: Vec<(Month, usize, usize)>,
}

/// One person's registration for a movement, with its monthly reviews.
#[derive(Debug, Clone)]
struct Registered {
    id: Id,
    movement: Id,
    /// By year: (year, months reviewed, months met) as 12-bit masks: a year of reviews in 8
    /// bytes, where a pair per month took 96 (the country has some 50 million reviews).
    reviews: Vec<(i32, u16, u16)>,
}

impl Registered {
    /// Each month reviewed, and whether it was met.
    fn months(&self) -> impl Iterator<Item = (Month, bool)> + '_ {
        self.reviews.iter().flat_map(|&(year, reviewed, met)| {
            (0..12).filter(move |b| reviewed & (1 << b) != 0).map(move |b| (Month(year * 12 + b), met & (1 << b) != 0))
        })
    }
}

/// People rated, by group, and organisations rated: (scale, level code, count) rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RatingCounts {
    pub members: Vec<(String, String, i64)>,
    pub key_cadres: Vec<(String, String, i64)>,
    pub member_key_cadres: Vec<(String, String, i64)>,
    pub non_member_key_cadres: Vec<(String, String, i64)>,
    pub organisations: Vec<(String, String, i64)>,
}

/// Additive figures of one unit in one month: study conferences and their attendances, and
/// apart from them regular cell meetings and theirs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    conferences: i64,
    member_attendances: i64,
    other_attendances: i64,
    /// Regular cell meetings, those of them with study content, and their attendances.
    regular_meetings: i64,
    study_meetings: i64,
    meeting_member_attendances: i64,
    meeting_other_attendances: i64,
}

impl Counts {
    fn add(&mut self, o: Counts, sign: i64) {
        self.conferences += sign * o.conferences;
        self.member_attendances += sign * o.member_attendances;
        self.other_attendances += sign * o.other_attendances;
        self.regular_meetings += sign * o.regular_meetings;
        self.study_meetings += sign * o.study_meetings;
        self.meeting_member_attendances += sign * o.meeting_member_attendances;
        self.meeting_other_attendances += sign * o.meeting_other_attendances;
    }

    /// Attendances (lượt) at a conference or a meeting: `members` of cadres and members,
    /// `others` of the public.
    fn attendances(meeting: bool, members: i64, others: i64) -> Counts {
        if meeting {
            Counts { meeting_member_attendances: members, meeting_other_attendances: others, ..Counts::default() }
        } else {
            Counts { member_attendances: members, other_attendances: others, ..Counts::default() }
        }
    }
}

/// The unit kind whose regular meetings are counted ("chi bộ").
pub const CELL_KIND: &str = "chi_bo";
/// By default a cell studies "regularly" when at least 80% of its meetings included it.
pub const DEFAULT_STUDY_SHARE_PERMILLE: u32 = 800;

/// One membership as the figures see it: a person and the months [from, to] they belonged.
#[derive(Debug, Clone, Copy)]
struct Entry {
    person: u32,
    from: i32,
    to: i32,
    /// The same to the day: [first_day, end_day), end_day i32::MAX while open.
    first_day: i32,
    end_day: i32,
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
    unit: u32,
    month: Month,
    /// A regular cell meeting, not a study conference.
    meeting: bool,
}

/// A child link over dense unit numbers, valid on days [from, to).
#[derive(Debug, Clone, Copy)]
struct Kid {
    unit: u32,
    from: i32,
    to: i32,
}

/// A flat copy of every unit's entries and monthly counts, laid out in depth-first order of
/// the latest tree, so that a subtree's data sits in one stretch of memory. Laid out by
/// `compact` when the index is built; a unit changed since then is read from its own data
/// instead (see `Index::stale`), so that a write costs the index only the units it touches.
/// A unit's own entries are dropped once laid out here: they are made again, from its
/// memberships, when a change touches it.
#[derive(Default)]
struct Arena {
    entries: Vec<Entry>,
    part: Vec<(i32, u16)>,
    entry_range: Vec<(u32, u32)>,
    months: Vec<(Month, Counts)>,
    month_range: Vec<(u32, u32)>,
}

pub struct Index {
    tree: OrgTree,
    topics: HashMap<Id, Topic>,
    /// Dense unit numbers: facts are kept in vectors indexed by them.
    pub(crate) unit_ix: HashMap<Id, u32>,
    pub(crate) unit_ids: Vec<Id>,
    /// Day (from the common era) each unit opened; i32::MAX for units not in the tree.
    opened: Vec<i32>,
    /// Day each unit closed; i32::MAX while open.
    closed: Vec<i32>,
    /// Is the unit a party cell (its regular meetings count)?
    cell: Vec<bool>,
    /// Share of meetings with study content that makes a cell "regular", per mille.
    study_share: u32,
    kids: Vec<Vec<Kid>>,
    months: Vec<Vec<(Month, Counts)>>,
    people: Vec<UnitPeople>,
    arena: Arena,
    /// Per unit: its entries, or its monthly counts, changed since the arena was laid out (the
    /// arena's copy is out of date; its own is current).
    stale: Vec<bool>,
    months_stale: Vec<bool>,
    /// The last change-log entry the index holds (see `Delta`).
    position: i64,
    person_ix: HashMap<Id, u32>,
    /// Per dense person: months in which they were present at a conference, with how many
    /// attendances (so removing one attendance knows whether the month still counts).
    /// Sorted by month. Flat pairs, not a map: at 5,1 million people a map per person cost
    /// gigabytes of nodes.
    person_months: Vec<Vec<(Month, u32)>>,
    /// Per dense person: the units they have memberships in (to refresh after a change).
    person_units: Vec<Vec<u32>>,
    conferences: HashMap<Id, ConfInfo>,
    /// Per conference: its day and topics (for who studied which topic when).
    conf_topics: HashMap<Id, (NaiveDate, Vec<Id>)>,
    /// Per dense person and topic: the days they were present at a conference on it.
    /// (topic, day) pairs, one per attendance, flat for the same reason.
    person_topics: Vec<Vec<(Id, NaiveDate)>>,
    /// Per topic and dense person: the first day they studied it (i32::MAX: not yet; a
    /// person beyond the vector's end has not either). Read by the per-topic people rate,
    /// which looks at every person of a subtree.
    topic_first: HashMap<Id, Vec<i32>>,
    /// Per unit and topic: the dates of conferences on that topic organised there.
    topic_dates: HashMap<u32, BTreeMap<Id, Vec<NaiveDate>>>,
    /// Per dense person: a party member?
    member: Vec<bool>,
    /// Per dense person: the plans they made (submitted or acknowledged).
    plans: Vec<Vec<PlanMade>>,
    /// Rating levels seen, (scale, level code), numbered in order of first sight.
    levels: Vec<(String, String)>,
    level_ix: HashMap<(String, String), u16>,
    /// Per dense person: their ratings, (year, quarter, level number).
    person_ratings: Vec<Vec<(i32, i32, u16)>>,
    /// Per dense unit: the organisation's own ratings.
    unit_ratings: HashMap<u32, Vec<(i32, i32, u16)>>,
    /// Per dense person: the days they held a key-cadre post, [from, to).
    key_posts: Vec<Vec<(i32, i32)>>,
    /// Per dense person: their registrations for movements; and whose each registration is.
    registered: Vec<Vec<Registered>>,
    registration_owner: HashMap<Id, u32>,
    /// Breakthrough tasks: the unit that chose each and its years; each unit's tasks.
    tasks: HashMap<Id, (u32, i32, i32)>,
    unit_tasks: HashMap<u32, Vec<Id>>,
    /// The facts of the record kinds (see `counted.rs`).
    pub(crate) counted: crate::counted::CountedFacts,
    /// Scratch spaces of finished queries, for the next ones. Each holds two sets over every
    /// person of the index (at 5,1 million people, 1,3 MB to allocate and zero): made afresh
    /// for every query, they made a commune's figures cost in proportion to the country's
    /// size; reused, and cleared only where a query wrote, a query costs what its subtree
    /// holds.
    scratch: std::sync::Mutex<Vec<Scratch>>,
    /// Summaries of big subtrees, by root (see `summary.rs`), and how many memberships a walk
    /// reads before its subtree gets one.
    summaries: std::sync::RwLock<HashMap<u32, Vec<summary::Summary>>>,
    summary_threshold: usize,
}

pub(crate) fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

/// A unit and the first and last days of something there (a membership, a record's fact).
pub type Span = (Id, NaiveDate, NaiveDate);

impl Index {
    /// Where a person belonged and when: (unit, first day, last day) of each membership the
    /// index holds (what a write of their plan or rating concerns, for the locks).
    pub fn person_spans(&self, person: Id) -> Vec<Span> {
        self.person_ix.get(&person).map(|&p| self.spans_of(p)).unwrap_or_default()
    }

    /// A movement registration's movement and where its person belonged (as `person_spans`),
    /// as the index holds them.
    pub fn registration_at(&self, id: Id) -> Option<(Id, Vec<Span>)> {
        let &p = self.registration_owner.get(&id)?;
        let movement = self.registered[p as usize].iter().find(|r| r.id == id)?.movement;
        Some((movement, self.spans_of(p)))
    }

    fn spans_of(&self, p: u32) -> Vec<Span> {
        let date = |d: i32| NaiveDate::from_num_days_from_ce_opt(d).unwrap_or(NaiveDate::MAX);
        let mut out = Vec::new();
        for &u in &self.person_units[p as usize] {
            for e in self.entries(u).0.iter().filter(|e| e.person == p) {
                let last = if e.end_day == i32::MAX { NaiveDate::MAX } else { date(e.end_day - 1) };
                out.push((self.unit_ids[u as usize], date(e.first_day), last));
            }
        }
        out
    }

    /// A conference's unit and day, as the index holds them.
    pub fn conference_at(&self, id: Id) -> Option<(Id, NaiveDate)> {
        let unit = self.conferences.get(&id)?.unit;
        let (held_on, _) = self.conf_topics.get(&id)?;
        Some((self.unit_ids[unit as usize], *held_on))
    }

    pub fn build(mut facts: Facts) -> Index {
        let attendances = std::mem::take(&mut facts.attendances);
        let mut ix = Index::start(facts);
        for a in &attendances {
            ix.ingest(a);
        }
        ix.finish();
        ix
    }

    /// Starts an index from every fact but attendance, which the caller then gives row by row
    /// to `ingest` (so that 60 million rows are never held at once), and `finish` completes.
    pub fn start(facts: Facts) -> Index {
        let mut ix = Index::empty(facts.tree, facts.topics);
        for c in &facts.conferences {
            ix.add_conference(c);
        }
        for p in &facts.points {
            ix.add_point(p);
        }
        for a in &facts.attendances {
            ix.ingest(a);
        }
        for id in &facts.members {
            ix.set_member(*id, true);
        }
        for (person, plan) in &facts.plans {
            ix.set_plan(*person, *plan, true);
        }
        for r in &facts.ratings {
            ix.set_rating(r.subject, r.subject_id, r.year, r.quarter, Some((&r.scale, &r.level_code)));
        }
        let mut posts: HashMap<Id, Vec<(NaiveDate, Option<NaiveDate>)>> = HashMap::new();
        for (person, from, to) in &facts.key_posts {
            posts.entry(*person).or_default().push((*from, *to));
        }
        for (person, p) in posts {
            ix.set_key_posts(person, &p);
        }
        for (id, movement, person) in &facts.registrations {
            ix.set_registration(*id, *movement, *person);
        }
        for (registration, month, met) in &facts.reviews {
            ix.set_review(*registration, *month, *met);
        }
        for (task, unit, from, to) in &facts.tasks {
            ix.set_task(*task, *unit, *from, *to);
        }
        for (kind, id, record_facts) in &facts.records {
            ix.set_record(kind, *id, record_facts);
        }
        for m in &facts.memberships {
            ix.note_membership(m);
        }
        ix
    }

    /// One attendance of a started index (see `start`).
    pub fn ingest(&mut self, a: &Attendance) {
        self.attendance(a, 1);
    }

    /// Completes a started index: every unit's memberships read against its people's months,
    /// and the data laid out flat.
    pub fn finish(&mut self) {
        for u in 0..self.people.len() as u32 {
            self.refresh_unit(u);
        }
        self.compact();
    }

    pub fn empty(tree: OrgTree, topics: Vec<Topic>) -> Index {
        let mut ix = Index {
            tree: OrgTree::default(),
            topics: topics.into_iter().map(|t| (t.id, t)).collect(),
            unit_ix: HashMap::new(),
            unit_ids: Vec::new(),
            opened: Vec::new(),
            closed: Vec::new(),
            cell: Vec::new(),
            study_share: DEFAULT_STUDY_SHARE_PERMILLE,
            kids: Vec::new(),
            months: Vec::new(),
            people: Vec::new(),
            arena: Arena::default(),
            stale: Vec::new(),
            months_stale: Vec::new(),
            position: 0,
            person_ix: HashMap::new(),
            person_months: Vec::new(),
            person_units: Vec::new(),
            conferences: HashMap::new(),
            conf_topics: HashMap::new(),
            person_topics: Vec::new(),
            topic_first: HashMap::new(),
            topic_dates: HashMap::new(),
            member: Vec::new(),
            plans: Vec::new(),
            levels: Vec::new(),
            level_ix: HashMap::new(),
            person_ratings: Vec::new(),
            unit_ratings: HashMap::new(),
            key_posts: Vec::new(),
            registered: Vec::new(),
            registration_owner: HashMap::new(),
            tasks: HashMap::new(),
            unit_tasks: HashMap::new(),
            counted: Default::default(),
            scratch: Default::default(),
            summaries: Default::default(),
            summary_threshold: DEFAULT_SUMMARY_THRESHOLD,
        };
        ix.set_tree(tree);
        ix
    }

    /// The last change-log entry this index holds.
    pub fn position(&self) -> i64 {
        self.position
    }

    pub fn set_position(&mut self, seq: i64) {
        self.position = seq;
    }

    pub fn tree(&self) -> &OrgTree {
        &self.tree
    }

    /// Replaces the tree (after a restructuring). Facts are keyed by unit and stay.
    pub fn set_tree(&mut self, tree: OrgTree) {
        let mut ids: Vec<Id> = tree.units().map(|u| u.id).collect();
        ids.sort();
        for id in &ids {
            self.unit(*id);
        }
        for k in &mut self.kids {
            k.clear();
        }
        for o in &mut self.opened {
            *o = i32::MAX;
        }
        for id in ids {
            let u = self.unit_ix[&id] as usize;
            let unit = tree.unit(id);
            self.opened[u] = unit.map_or(i32::MAX, |x| day(x.opened_on));
            self.closed[u] = unit.and_then(|x| x.closed_on).map_or(i32::MAX, day);
            self.cell[u] = unit.is_some_and(|x| x.kind == CELL_KIND);
            let links: Vec<Kid> = tree
                .children_on_any_date(id)
                .map(|l| Kid {
                    unit: self.unit_ix[&l.unit_id],
                    from: day(l.valid_from),
                    to: l.valid_to.map_or(i32::MAX, day),
                })
                .collect();
            self.kids[u] = links;
        }
        self.tree = tree;
        self.forget_summaries();
    }

    /// Sets the share (per mille) of a cell's regular meetings that must include study
    /// content for the cell to count as doing so regularly.
    pub fn set_study_share(&mut self, permille: u32) {
        self.study_share = permille.min(1000);
        self.forget_summaries();
    }

    pub fn set_topics(&mut self, topics: Vec<Topic>) {
        self.topics = topics.into_iter().map(|t| (t.id, t)).collect();
    }
    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }

    /// The dense number of a unit, allocated on first sight and never changed.
    pub(crate) fn unit(&mut self, id: Id) -> u32 {
        let next = self.unit_ids.len() as u32;
        let u = *self.unit_ix.entry(id).or_insert(next);
        if u == next {
            self.unit_ids.push(id);
            self.opened.push(i32::MAX);
            self.closed.push(i32::MAX);
            self.cell.push(false);
            self.kids.push(Vec::new());
            self.months.push(Vec::new());
            self.people.push(UnitPeople::default());
            self.stale.push(true);
            self.months_stale.push(true);
        }
        u
    }

    fn person(&mut self, id: Id) -> u32 {
        let next = self.person_ix.len() as u32;
        let ix = *self.person_ix.entry(id).or_insert(next);
        if ix == next {
            self.person_months.push(Vec::new());
            self.person_units.push(Vec::new());
            self.person_topics.push(Vec::new());
            self.member.push(false);
            self.plans.push(Vec::new());
            self.person_ratings.push(Vec::new());
            self.key_posts.push(Vec::new());
            self.registered.push(Vec::new());
        }
        ix
    }

    fn bump(&mut self, unit: u32, month: Month, c: Counts, sign: i64) {
        let summarised = self.summarised_unit(unit);
        if summarised {
            self.summaries_unit(unit, -1);
        }
        let months = &mut self.months[unit as usize];
        let i = months.partition_point(|(m, _)| *m < month);
        if months.get(i).is_none_or(|(m, _)| *m != month) {
            months.insert(i, (month, Counts::default()));
        }
        months[i].1.add(c, sign);
        self.months_stale[unit as usize] = true;
        if summarised {
            self.summaries_unit(unit, 1);
        }
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
        let unit = self.unit(c.unit_id);
        let mut own = Counts::attendances(c.regular_meeting, c.unlisted_members, c.others_count);
        if c.regular_meeting {
            own.regular_meetings = 1;
            own.study_meetings = c.study_content as i64;
        } else {
            own.conferences = 1;
        }
        self.bump(unit, month, own, sign);
        for t in &c.topic_ids {
            let dates = self.topic_dates.entry(unit).or_default().entry(*t).or_default();
            if sign > 0 {
                dates.push(c.held_on);
                dates.sort();
            } else if let Some(i) = dates.iter().position(|d| *d == c.held_on) {
                dates.remove(i);
            }
        }
        if sign > 0 {
            self.conferences.insert(c.id, ConfInfo { unit, month, meeting: c.regular_meeting });
            if !c.topic_ids.is_empty() {
                self.conf_topics.insert(c.id, (c.held_on, c.topic_ids.clone()));
            }
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
        let unit = self.unit(p.unit_id);
        self.bump(unit, info.month, Counts::attendances(info.meeting, p.unlisted_members, p.others_count), sign);
    }

    /// Forgets a conference entirely (after its points and attendance were removed).
    pub fn forget_conference(&mut self, id: Id) {
        self.conferences.remove(&id);
        self.conf_topics.remove(&id);
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

    /// Applies one attendance to the counts; returns the person whose months changed.
    fn attendance(&mut self, a: &Attendance, sign: i64) -> Option<u32> {
        if a.status != AttendanceStatus::Present {
            return None;
        }
        let info = self.conferences.get(&a.conference_id).copied()?;
        let at = match a.point_unit_id {
            Some(p) => self.unit(p),
            None => info.unit,
        };
        self.bump(at, info.month, Counts::attendances(info.meeting, 1, 0), sign);
        let p = self.person(a.person_id);
        // Who studied a topic, and when: at any conference or meeting on it.
        let kept = self.conf_topics.contains_key(&a.conference_id) && self.keeps_person(p);
        if kept {
            self.summaries_person(p, -1);
        }
        if let Some((held_on, topics)) = self.conf_topics.get(&a.conference_id) {
            for t in topics {
                let studied = &mut self.person_topics[p as usize];
                if sign > 0 {
                    studied.push((*t, *held_on));
                } else if let Some(i) = studied.iter().position(|x| *x == (*t, *held_on)) {
                    studied.swap_remove(i);
                }
                let first = studied.iter().filter(|x| x.0 == *t).map(|x| day(x.1)).min().unwrap_or(i32::MAX);
                let firsts = self.topic_first.entry(*t).or_default();
                if firsts.len() <= p as usize {
                    firsts.resize(p as usize + 1, i32::MAX);
                }
                firsts[p as usize] = first;
            }
        }
        if kept {
            self.summaries_person(p, 1);
        }
        // Taking part is defined on study conferences: a regular meeting does not count.
        if info.meeting {
            return None;
        }
        let months = &mut self.person_months[p as usize];
        let i = months.partition_point(|(m, _)| *m < info.month);
        match months.get_mut(i) {
            Some((m, n)) if *m == info.month => {
                *n = if sign > 0 { *n + 1 } else { n.saturating_sub(1) };
                if *n == 0 {
                    months.remove(i);
                }
            }
            _ if sign > 0 => months.insert(i, (info.month, 1)),
            _ => {}
        }
        Some(p)
    }

    // ----- what is known of a person ----------------------------------------------------

    /// Whether a person is a party member (`Person::is_member`).
    pub fn set_member(&mut self, person: Id, member: bool) {
        let p = self.person(person);
        let kept = self.keeps_person(p);
        if kept {
            self.summaries_person(p, -1);
        }
        self.member[p as usize] = member;
        if kept {
            self.summaries_person(p, 1);
        }
    }

    /// Records a person's plan as made (`made`) or not (a draft, or returned).
    pub fn set_plan(&mut self, person: Id, plan: PlanMade, made: bool) {
        let p = self.person(person);
        let kept = self.keeps_person(p);
        if kept {
            self.summaries_person(p, -1);
        }
        let key = |x: &PlanMade| (x.kind, x.from_year, x.to_year);
        self.plans[p as usize].retain(|x| key(x) != key(&plan));
        if made {
            self.plans[p as usize].push(plan);
        }
        if kept {
            self.summaries_person(p, 1);
        }
    }

    /// Records the rating of a person or an organisation for a year and quarter (0: the
    /// year), or removes it (`None`).
    pub fn set_rating(&mut self, subject: Subject, id: Id, year: i32, quarter: i32, level: Option<(&str, &str)>) {
        let level = level.map(|(scale, code)| {
            let key = (scale.to_string(), code.to_string());
            let next = self.levels.len() as u16;
            let l = *self.level_ix.entry(key.clone()).or_insert(next);
            if l == next {
                self.levels.push(key);
            }
            l
        });
        // Kept answers lose the person's or the organisation's rating as it was and gain it
        // as it is.
        let around = |ix: &mut Index, sign: i64| match subject {
            Subject::Person => {
                let p = ix.person(id);
                if ix.keeps_person(p) {
                    ix.summaries_person(p, sign);
                }
            }
            Subject::Unit => {
                let u = ix.unit(id);
                ix.summaries_org(u, sign);
            }
        };
        around(self, -1);
        let list = match subject {
            Subject::Person => {
                let p = self.person(id) as usize;
                &mut self.person_ratings[p]
            }
            Subject::Unit => {
                let u = self.unit(id);
                self.unit_ratings.entry(u).or_default()
            }
        };
        list.retain(|(y, q, _)| (*y, *q) != (year, quarter));
        if let Some(l) = level {
            list.push((year, quarter, l));
        }
        around(self, 1);
    }

    /// Replaces the days a person held a key-cadre post: [from, to) spans.
    pub fn set_key_posts(&mut self, person: Id, posts: &[(NaiveDate, Option<NaiveDate>)]) {
        let p = self.person(person);
        let kept = self.keeps_person(p);
        if kept {
            self.summaries_person(p, -1);
        }
        self.key_posts[p as usize] = posts.iter().map(|(from, to)| (day(*from), to.map_or(i32::MAX, day))).collect();
        if kept {
            self.summaries_person(p, 1);
        }
    }

    /// Records a person's registration for a movement (one per person and movement).
    pub fn set_registration(&mut self, id: Id, movement: Id, person: Id) {
        let p = self.person(person);
        let kept = self.keeps_person(p);
        if kept {
            self.summaries_person(p, -1);
        }
        let regs = &mut self.registered[p as usize];
        match regs.iter_mut().find(|r| r.movement == movement) {
            Some(r) => r.id = id,
            None => regs.push(Registered { id, movement, reviews: Vec::new() }),
        }
        self.registration_owner.insert(id, p);
        if kept {
            self.summaries_person(p, 1);
        }
    }

    /// Records the monthly review of a registration (one per registration and month).
    pub fn set_review(&mut self, registration: Id, month: Month, met: bool) {
        let Some(&p) = self.registration_owner.get(&registration) else { return };
        let kept = self.keeps_person(p);
        if kept {
            self.summaries_person(p, -1);
        }
        self.review(p, registration, month, met);
        if kept {
            self.summaries_person(p, 1);
        }
    }

    /// Records a year of a registration's monthly reviews at once: the months reviewed and
    /// those met, as 12-bit masks (bit 0: January), over what was recorded before.
    pub fn set_reviews_of_year(&mut self, registration: Id, year: i32, reviewed: u16, met: u16) {
        for bit in (0..12).filter(|b| reviewed & (1 << b) != 0) {
            self.set_review(registration, Month(year * 12 + bit), met & (1 << bit) != 0);
        }
    }

    fn review(&mut self, p: u32, registration: Id, month: Month, met: bool) {
        let Some(r) = self.registered[p as usize].iter_mut().find(|r| r.id == registration) else { return };
        let (year, bit) = (month.year(), 1u16 << (month.month() - 1));
        let i = match r.reviews.iter().position(|x| x.0 == year) {
            Some(i) => i,
            None => {
                r.reviews.push((year, 0, 0));
                r.reviews.len() - 1
            }
        };
        let (_, reviewed, was_met) = &mut r.reviews[i];
        *reviewed |= bit;
        *was_met = if met { *was_met | bit } else { *was_met & !bit };
    }

    /// Records a breakthrough task: the unit that chose it and the years it runs.
    pub fn set_task(&mut self, task: Id, unit: Id, from_year: i32, to_year: i32) {
        let u = self.unit(unit);
        if let Some((old, _, _)) = self.tasks.insert(task, (u, from_year, to_year)) {
            if let Some(list) = self.unit_tasks.get_mut(&old) {
                list.retain(|t| *t != task);
            }
        }
        self.unit_tasks.entry(u).or_default().push(task);
    }

    // ----- memberships ------------------------------------------------------------------

    pub fn add_membership(&mut self, m: &Membership) {
        let unit = self.note_membership(m);
        self.refresh_unit(unit);
    }

    /// Removes a membership by id (to change it: remove the old version, add the new).
    pub fn remove_membership(&mut self, m: &Membership) {
        let unit = self.unit(m.unit_id);
        self.people[unit as usize].memberships.retain(|x| x.id != m.id);
        self.refresh_unit(unit);
    }

    fn note_membership(&mut self, m: &Membership) -> u32 {
        let p = self.person(m.person_id);
        let unit = self.unit(m.unit_id);
        if !self.person_units[p as usize].contains(&unit) {
            self.person_units[p as usize].push(unit);
        }
        self.people[unit as usize].memberships.push(m.clone());
        unit
    }

    fn refresh_person(&mut self, p: u32) {
        for u in self.person_units[p as usize].clone() {
            self.refresh_unit(u);
        }
    }

    /// Recomputes a unit's entries from its memberships and its people's months.
    fn refresh_unit(&mut self, unit: u32) {
        // Summaries holding the unit lose its people as they were and gain them as they are.
        let mut people = Vec::new();
        if self.summarised_unit(unit) {
            people.extend(self.entries(unit).0.iter().map(|e| e.person));
            people.extend(self.people[unit as usize].memberships.iter().map(|m| self.person_ix[&m.person_id]));
            people.sort_unstable();
            people.dedup();
            self.summaries_people(unit, &people, -1);
        }
        let mut up = std::mem::take(&mut self.people[unit as usize]);
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
            let months = &self.person_months[person as usize];
            let first = months.partition_point(|(m, _)| m.0 < from);
            for &(month, _) in months[first..].iter().take_while(|(m, _)| m.0 <= to) {
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
            let (first_day, end_day) = (day(m.valid_from), m.valid_to.map_or(i32::MAX, day));
            up.entries.push(Entry { person, from, to, first_day, end_day, part_start, part_len });
        }
        self.people[unit as usize] = up;
        self.stale[unit as usize] = true;
        if !people.is_empty() {
            self.summaries_people(unit, &people, 1);
        }
    }

    /// Lays the per-unit data out flat in depth-first order of the latest tree (see `Arena`):
    /// done once when the index is built.
    pub fn compact(&mut self) {
        if !self.stale.contains(&true) && !self.months_stale.contains(&true) {
            return;
        }
        let n = self.unit_ids.len();
        let mut order = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        let mut is_child = vec![false; n];
        for k in self.kids.iter().flatten() {
            is_child[k.unit as usize] = true;
        }
        let latest = i32::MAX - 1;
        for root in (0..n as u32).filter(|u| !is_child[*u as usize]) {
            self.walk(root, latest, &mut Vec::new(), &mut |u| {
                if !std::mem::replace(&mut seen[u as usize], true) {
                    order.push(u)
                }
            });
        }
        order.extend((0..n as u32).filter(|u| !seen[*u as usize]));
        let mut a = Arena { entry_range: vec![(0, 0); n], month_range: vec![(0, 0); n], ..Arena::default() };
        for u in order {
            let (entries, part) = self.entries(u);
            let start = a.entries.len() as u32;
            for e in entries {
                let part = &part[e.part_start as usize..(e.part_start + e.part_len) as usize];
                a.entries.push(Entry { part_start: a.part.len() as u32, ..*e });
                a.part.extend_from_slice(part);
            }
            a.entry_range[u as usize] = (start, a.entries.len() as u32);
            let start = a.months.len() as u32;
            a.months.extend_from_slice(&self.months[u as usize]);
            a.month_range[u as usize] = (start, a.months.len() as u32);
        }
        self.arena = a;
        for up in &mut self.people {
            (up.entries, up.part) = (Vec::new(), Vec::new());
        }
        self.stale.fill(false);
        self.months_stale.fill(false);
    }

    /// A unit's entries and the participation list their `part_start` points into.
    fn entries(&self, u: u32) -> (&[Entry], &[(i32, u16)]) {
        if self.stale[u as usize] {
            let up = &self.people[u as usize];
            (&up.entries, &up.part)
        } else {
            let (s, e) = self.arena.entry_range[u as usize];
            (&self.arena.entries[s as usize..e as usize], &self.arena.part)
        }
    }

    fn unit_months(&self, u: u32) -> &[(Month, Counts)] {
        if self.months_stale[u as usize] {
            &self.months[u as usize]
        } else {
            let (s, e) = self.arena.month_range[u as usize];
            &self.arena.months[s as usize..e as usize]
        }
    }

    /// Visits the subtree of dense unit `root` on `day`, depth-first.
    pub(crate) fn walk(&self, root: u32, day: i32, stack: &mut Vec<u32>, visit: &mut dyn FnMut(u32)) {
        if self.opened.get(root as usize).is_none_or(|o| *o > day) {
            return;
        }
        stack.clear();
        stack.push(root);
        while let Some(u) = stack.pop() {
            visit(u);
            stack.extend(self.kids[u as usize].iter().rev().filter(|k| k.from <= day && day < k.to).map(|k| k.unit));
        }
    }

    // ----- queries ----------------------------------------------------------------------

    /// Figures of the subtree of `unit` as of `as_of`, over `period`.
    pub fn figures(&self, unit: Id, period: Period, as_of: NaiveDate) -> Figures {
        self.with_scratch(|s| self.figures_with(unit, period, as_of, s))
    }

    /// Runs a query with a scratch space from the pool (a new one when none is free, or when
    /// people were added since it was made), and puts it back cleared.
    fn with_scratch<T>(&self, query: impl FnOnce(&mut Scratch) -> T) -> T {
        let people = self.person_ix.len();
        let pooled = self.scratch.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut s = pooled.filter(|s| s.people() >= people).unwrap_or_else(|| Scratch::new(people));
        let answer = query(&mut s);
        s.clear();
        let mut pool = self.scratch.lock().unwrap_or_else(|e| e.into_inner());
        // As many as queries run at once, about; more would only hold memory.
        if pool.len() < 8 {
            pool.push(s);
        }
        answer
    }

    fn figures_with(&self, unit: Id, period: Period, as_of: NaiveDate, s: &mut Scratch) -> Figures {
        s.clear();
        let mut f = Figures::default();
        let Some(&root) = self.unit_ix.get(&unit) else { return f };
        if let Some(f) = self.summarised(root, day(as_of), period) {
            return f;
        }
        let mut read = 0;
        let (pf, pt) = (period.from.0, period.to.0);
        let (first_day, last_day) = (day(period.first_day()), day(period.last_day()));
        let mut stack = std::mem::take(&mut s.stack);
        self.walk(root, day(as_of), &mut stack, &mut |u| {
            let months = self.unit_months(u);
            let first = months.partition_point(|(m, _)| *m < period.from);
            let (mut regular, mut study) = (0, 0);
            for (_, c) in months[first..].iter().take_while(|(m, _)| *m <= period.to) {
                f.conferences += c.conferences.max(0) as u64;
                f.member_attendances += c.member_attendances.max(0) as u64;
                f.other_attendances += c.other_attendances.max(0) as u64;
                f.meeting_member_attendances += c.meeting_member_attendances.max(0) as u64;
                f.meeting_other_attendances += c.meeting_other_attendances.max(0) as u64;
                regular += c.regular_meetings.max(0);
                study += c.study_meetings.max(0);
            }
            f.meetings += regular.max(0) as u64;
            f.meetings_with_study += study.max(0) as u64;
            let ui = u as usize;
            if self.cell[ui] && self.opened[ui] <= last_day && self.closed[ui] > first_day {
                f.cells += 1;
                if regular > 0 && study * 1000 >= self.study_share as i64 * regular {
                    f.cells_with_study += 1;
                }
            }
            let (entries, part) = self.entries(u);
            read += entries.len();
            for e in entries {
                let (lo, hi) = (e.from.max(pf), e.to.min(pt));
                if lo > hi {
                    continue;
                }
                s.eligible.set(e.person);
                if s.participants.get(e.person) {
                    continue;
                }
                let part = &part[e.part_start as usize..(e.part_start + e.part_len) as usize];
                if part.iter().any(|&(y, mask)| mask & year_mask(y, lo, hi) != 0) {
                    s.participants.set(e.person);
                }
            }
        });
        s.stack = stack;
        f.eligible = s.eligible.count();
        f.participants = s.participants.count();
        // A big subtree is summarised for the next query (see `summary.rs`).
        self.after_walk(root, as_of, read, || None);
        f
    }

    /// The additive figures of the subtree of `unit` (as of `as_of`) month by month over
    /// `period`, every month present (zeros too): the unit page's monthly trend. One walk of
    /// the subtree and no person sets: each month's figures are the same as `figures` over that
    /// month alone.
    pub fn monthly(&self, unit: Id, period: Period, as_of: NaiveDate) -> Vec<MonthFigures> {
        let mut out: Vec<MonthFigures> = (period.from.0..=period.to.0)
            .map(|m| MonthFigures {
                month: Month(m),
                conferences: 0,
                member_attendances: 0,
                other_attendances: 0,
                meetings: 0,
                meetings_with_study: 0,
                meeting_member_attendances: 0,
                meeting_other_attendances: 0,
            })
            .collect();
        let Some(&root) = self.unit_ix.get(&unit) else { return out };
        let add = |f: &mut MonthFigures, c: &Counts| {
            f.conferences += c.conferences.max(0) as u64;
            f.member_attendances += c.member_attendances.max(0) as u64;
            f.other_attendances += c.other_attendances.max(0) as u64;
            f.meetings += c.regular_meetings.max(0) as u64;
            f.meetings_with_study += c.study_meetings.max(0) as u64;
            f.meeting_member_attendances += c.meeting_member_attendances.max(0) as u64;
            f.meeting_other_attendances += c.meeting_other_attendances.max(0) as u64;
        };
        if let Some(counts) = self.summarised_months(root, day(as_of), period) {
            for (f, c) in out.iter_mut().zip(&counts) {
                add(f, c);
            }
            return out;
        }
        self.walk(root, day(as_of), &mut Vec::new(), &mut |u| {
            let months = self.unit_months(u);
            let first = months.partition_point(|(m, _)| *m < period.from);
            for (m, c) in months[first..].iter().take_while(|(m, _)| *m <= period.to) {
                add(&mut out[(m.0 - period.from.0) as usize], c);
            }
        });
        out
    }

    /// Calls `visit` once for each person who belonged to the subtree of `unit` (the tree as
    /// of `as_of`) in any month of [from, to].
    /// Returns how many memberships it read.
    fn people_during(&self, unit: Id, as_of: NaiveDate, from: Month, to: Month, visit: &mut dyn FnMut(u32)) -> usize {
        let Some(&root) = self.unit_ix.get(&unit) else { return 0 };
        let mut read = 0;
        self.with_scratch(|s| {
            let seen = &mut s.eligible;
            self.walk(root, day(as_of), &mut s.stack, &mut |u| {
                let entries = self.entries(u).0;
                read += entries.len();
                for e in entries {
                    if e.from <= to.0 && e.to >= from.0 && !seen.get(e.person) {
                        seen.set(e.person);
                        visit(e.person);
                    }
                }
            });
        });
        read
    }

    /// People who made a plan of every one of `kinds` covering `year`, among those who belonged
    /// to the subtree of `unit` (as of `as_of`) in [from, to]: members, and everyone.
    pub fn plans_made(
        &self,
        unit: Id,
        as_of: NaiveDate,
        from: Month,
        to: Month,
        kinds: &[PlanKind],
        year: i32,
    ) -> MadeOf {
        let mut m = MadeOf::default();
        let Some(&root) = self.unit_ix.get(&unit) else { return m };
        let on = day(as_of);
        if let Some(m) = self.summarised_plans(root, on, from, to, kinds, year) {
            return m;
        }
        let read = self.people_during(unit, as_of, from, to, &mut |p| {
            let member = self.member[p as usize];
            let plans = &self.plans[p as usize];
            let made = kinds.iter().all(|k| plans.iter().any(|x| x.covers(*k, year)));
            m.expected_all += 1;
            m.made_all += made as i64;
            m.expected += member as i64;
            m.made += (member && made) as i64;
        });
        self.after_walk(root, as_of, read, || {
            Some(summary::Kept::Plans { from: from.0, to: to.0, kinds: kinds.to_vec(), year, made: m })
        });
        m
    }

    /// Ratings for `year` and `quarter` (0: the year) over the subtree of `unit` (as of
    /// `as_of`): of the people who belonged to it during the period, by group — a key cadre
    /// being one who held a key-cadre post on the period's last day — and of its organisations.
    pub fn ratings(&self, unit: Id, as_of: NaiveDate, year: i32, quarter: i32) -> RatingCounts {
        let Some(&root) = self.unit_ix.get(&unit) else { return RatingCounts::default() };
        let at = day(as_of);
        let n = self.levels.len();
        let (mut groups, mut orgs) = match self.summarised_ratings(root, at, year, quarter) {
            Some(kept) => kept,
            None => self.ratings_walked(root, unit, as_of, year, quarter),
        };
        groups.resize(n, [0; 4]);
        orgs.resize(n, 0);
        // Rows in (scale, level code) order.
        let rows = |count: &dyn Fn(usize) -> i64| -> Vec<(String, String, i64)> {
            let mut rows: Vec<_> = (0..n)
                .filter(|l| count(*l) > 0)
                .map(|l| (self.levels[l].0.clone(), self.levels[l].1.clone(), count(l)))
                .collect();
            rows.sort();
            rows
        };
        RatingCounts {
            members: rows(&|l| groups[l][0]),
            key_cadres: rows(&|l| groups[l][1]),
            member_key_cadres: rows(&|l| groups[l][2]),
            non_member_key_cadres: rows(&|l| groups[l][3]),
            organisations: rows(&|l| orgs[l]),
        }
    }

    /// `ratings` by walking the subtree: (groups, organisations) by level number.
    fn ratings_walked(
        &self,
        root: u32,
        unit: Id,
        as_of: NaiveDate,
        year: i32,
        quarter: i32,
    ) -> (Vec<[i64; 4]>, Vec<i64>) {
        let period = Period::quarter(year, quarter);
        let on = day(period.last_day());
        let n = self.levels.len();
        let mut groups = vec![[0i64; 4]; n];
        let mut orgs = vec![0i64; n];
        let level_of =
            |list: &[(i32, i32, u16)]| list.iter().find(|(y, q, _)| (*y, *q) == (year, quarter)).map(|x| x.2);
        let read = self.people_during(unit, as_of, period.from, period.to, &mut |p| {
            let Some(l) = level_of(&self.person_ratings[p as usize]) else { return };
            let member = self.member[p as usize];
            let key = self.key_cadre_on(p, on);
            let g = &mut groups[l as usize];
            g[0] += member as i64;
            g[1] += key as i64;
            g[2] += (key && member) as i64;
            g[3] += (key && !member) as i64;
        });
        self.walk(root, day(as_of), &mut Vec::new(), &mut |u| {
            if let Some(l) = self.unit_ratings.get(&u).and_then(|r| level_of(r)) {
                orgs[l as usize] += 1;
            }
        });
        self.after_walk(root, as_of, read, || {
            Some(summary::Kept::Ratings { year, quarter, groups: groups.clone(), orgs: orgs.clone() })
        });
        (groups, orgs)
    }

    /// Did the person hold a key-cadre post on day `on`?
    fn key_cadre_on(&self, p: u32, on: i32) -> bool {
        self.key_posts[p as usize].iter().any(|(a, b)| *a <= on && on < *b)
    }

    /// A movement's figures over the subtree of `root` (as of `as_of`): the people expected —
    /// who belonged to it on some day of [first, last] and, when `key_cadres`, held a key-cadre
    /// post on such a day; or only party members (`members`) — those of them registered, and
    /// the monthly reviews of their registrations.
    pub fn movement(
        &self,
        root: Id,
        as_of: NaiveDate,
        movement: Id,
        who: Expected,
        first: NaiveDate,
        last: NaiveDate,
    ) -> MovementCounts {
        let mut out = MovementCounts::default();
        let Some(&r) = self.unit_ix.get(&root) else { return out };
        let (at, key) = (day(as_of), (movement, who, day(first), day(last) + 1));
        if let Some(t) = self.summarised_movement(r, at, key) {
            let count = |n: i64| n.max(0) as usize;
            return MovementCounts {
                expected: count(t.expected),
                registered: count(t.registered),
                registered_members: count(t.registered_members),
                registered_non_members: count(t.registered_non_members),
                months: t
                    .months
                    .into_iter()
                    .filter(|(_, x)| *x != (0, 0))
                    .map(|(m, (met, not))| (m, count(met), count(not)))
                    .collect(),
            };
        }
        let mut read = 0;
        // (met, not met) by month of the movement; a review outside it (none is accepted
        // today) is tallied apart.
        let base = Month::of(last).0.min(Month::of(first).0);
        let mut tally = vec![(0usize, 0usize); (Month::of(last).0 - base + 1).max(0) as usize];
        let (first, end) = (day(first), day(last) + 1);
        let mut outside: BTreeMap<Month, (usize, usize)> = BTreeMap::new();
        self.with_scratch(|s| {
            let seen = &mut s.eligible;
            self.walk(r, day(as_of), &mut s.stack, &mut |u| {
                let entries = self.entries(u).0;
                read += entries.len();
                for e in entries {
                    let (lo, hi) = (e.first_day.max(first), e.end_day.min(end));
                    if lo >= hi || seen.get(e.person) {
                        continue;
                    }
                    let p = e.person as usize;
                    let expected = match who {
                        Expected::Everyone => true,
                        Expected::Members => self.member[p],
                        // The membership, the post and the movement share a day.
                        Expected::KeyCadres => self.key_posts[p].iter().any(|(a, b)| lo.max(*a) < hi.min(*b)),
                    };
                    if !expected {
                        continue;
                    }
                    seen.set(e.person);
                    out.expected += 1;
                    let Some(reg) = self.registered[p].iter().find(|x| x.movement == movement) else { continue };
                    out.registered += 1;
                    if self.member[p] {
                        out.registered_members += 1;
                    } else {
                        out.registered_non_members += 1;
                    }
                    for (month, met) in reg.months() {
                        let m = match tally.get_mut((month.0 - base) as usize) {
                            Some(m) if month.0 >= base => m,
                            _ => outside.entry(month).or_default(),
                        };
                        if met {
                            m.0 += 1;
                        } else {
                            m.1 += 1;
                        }
                    }
                }
            });
        });
        outside.extend(
            tally.into_iter().enumerate().filter(|(_, t)| *t != (0, 0)).map(|(i, t)| (Month(base + i as i32), t)),
        );
        out.months = outside.into_iter().map(|(m, (met, not))| (m, met, not)).collect();
        self.after_walk(r, as_of, read, || {
            let counts = summary::Tally {
                expected: out.expected as i64,
                registered: out.registered as i64,
                registered_members: out.registered_members as i64,
                registered_non_members: out.registered_non_members as i64,
                months: out.months.iter().map(|&(m, met, not)| (m, (met as i64, not as i64))).collect(),
            };
            Some(summary::Kept::Movement { movement, who, first: key.2, end: key.3, counts })
        });
        out
    }

    /// The units of the subtree of `unit` (as of `as_of`) that chose breakthrough tasks
    /// running in some year of [from_year, to_year], with how many.
    pub fn tasks(&self, unit: Id, as_of: NaiveDate, from_year: i32, to_year: i32) -> Vec<(Id, usize)> {
        let mut out = Vec::new();
        let Some(&root) = self.unit_ix.get(&unit) else { return out };
        self.walk(root, day(as_of), &mut Vec::new(), &mut |u| {
            let n = self.unit_tasks.get(&u).map_or(0, |list| {
                list.iter()
                    .filter(|t| self.tasks.get(t).is_some_and(|(_, a, b)| *a <= to_year && *b >= from_year))
                    .count()
            });
            if n > 0 {
                out.push((self.unit_ids[u as usize], n));
            }
        });
        out
    }

    /// The unit's figures, the table by child unit, and topic completion by child.
    pub fn report(&self, unit: Id, period: Period, as_of: NaiveDate) -> UnitReport {
        self.with_scratch(|s| self.report_with(unit, period, as_of, s))
    }

    fn report_with(&self, unit: Id, period: Period, as_of: NaiveDate, scratch: &mut Scratch) -> UnitReport {
        let figures = self.figures_with(unit, period, as_of, scratch);
        let mut children: Vec<ChildRow> = self
            .tree
            .children_on(unit, as_of)
            .map(|l| (l.unit_id, l.historic))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(id, historic)| ChildRow {
                unit_id: id,
                historic,
                figures: self.figures_with(id, period, as_of, scratch),
            })
            .collect();
        children.sort_by_key(|c| (c.historic, c.unit_id));
        let expected: Vec<Id> = children.iter().filter(|c| !c.historic).map(|c| c.unit_id).collect();
        // A topic applies to the subtree of the unit that issued it: it is counted for reports
        // of that unit and the units under it, never above it or beside it.
        let applies = |t: &Topic| t.unit_id.is_none_or(|issuer| self.tree.is_within_on(unit, issuer, as_of));
        let mut topics: Vec<&Topic> = self
            .topics
            .values()
            .filter(|t| t.year >= period.from.year() && t.year <= period.to.year() && applies(t))
            .collect();
        topics.sort_by_key(|t| (t.year, t.id));
        let topics = topics
            .into_iter()
            .map(|t| {
                let (studied, eligible) = self.topic_people_with(unit, t, as_of, scratch);
                TopicCompletion {
                    topic_id: t.id,
                    deadline: t.deadline,
                    completed: expected.iter().copied().filter(|c| self.completed(*c, t, as_of)).collect(),
                    expected: expected.clone(),
                    studied,
                    eligible,
                }
            })
            .collect();
        UnitReport { unit_id: unit, figures, children, topics }
    }

    /// (studied, eligible): of the people of the subtree of `unit` (as of `as_of`) who belonged
    /// to it in the month of the topic's deadline, those present at a conference on the topic
    /// by the deadline ("trên 93% cán bộ, đảng viên đã học tập, quán triệt …"). Without a
    /// deadline, or with one after `as_of`, the day is `as_of`.
    pub fn topic_people(&self, unit: Id, topic: &Topic, as_of: NaiveDate) -> (u64, u64) {
        self.with_scratch(|s| self.topic_people_with(unit, topic, as_of, s))
    }

    fn topic_people_with(&self, unit: Id, topic: &Topic, as_of: NaiveDate, s: &mut Scratch) -> (u64, u64) {
        s.clear();
        let Some(&root) = self.unit_ix.get(&unit) else { return (0, 0) };
        let by = topic.deadline.map_or(as_of, |d| d.min(as_of));
        let (month, by_day) = (Month::of(by).0, day(by));
        let on = day(as_of);
        if let Some(answer) = self.summarised_topic(root, on, topic.id, Month(month), by_day) {
            return answer;
        }
        let firsts: &[i32] = self.topic_first.get(&topic.id).map_or(&[], |f| f);
        let mut stack = std::mem::take(&mut s.stack);
        let mut read = 0;
        self.walk(root, on, &mut stack, &mut |u| {
            let entries = self.entries(u).0;
            read += entries.len();
            for e in entries {
                if e.from > month || e.to < month {
                    continue;
                }
                s.eligible.set(e.person);
                if firsts.get(e.person as usize).is_some_and(|d| *d <= by_day) {
                    s.participants.set(e.person);
                }
            }
        });
        s.stack = stack;
        let (studied, eligible) = (s.participants.count(), s.eligible.count());
        self.after_walk(root, as_of, read, || {
            Some(summary::Kept::Studied { topic: topic.id, month, by_day, count: studied as i64 })
        });
        (studied, eligible)
    }

    /// Did the subtree of `unit` hold a conference on the topic by its deadline (or at all,
    /// when the topic has none)?
    pub fn completed(&self, unit: Id, topic: &Topic, as_of: NaiveDate) -> bool {
        let Some(&root) = self.unit_ix.get(&unit) else { return false };
        let mut done = false;
        self.walk(root, day(as_of), &mut Vec::new(), &mut |u| {
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
    stack: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch { eligible: Bits::new(n), participants: Bits::new(n), stack: Vec::new() }
    }
    /// How many people its sets hold.
    fn people(&self) -> usize {
        self.eligible.words.len() * 64
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
