//! Summaries of big subtrees: a province's or the nation's figures without walking it.
//!
//! A walk costs what the subtree holds: the nation's five million memberships take tens of
//! milliseconds a query, however small the answer. A summary holds what that walk would add
//! up, for one subtree in one shape of the tree, in a form that answers any month range of its
//! window in microseconds:
//! - the additive counts, by month;
//! - each distinct person's months of belonging and of taking part, kept as the *gaps*
//!   between them. A person counts for the range [a, b] unless it lies wholly inside one of
//!   their gaps (before their first month, between two, after their last); their gaps do not
//!   overlap, so the count is the people less the gaps (g1, g2) with g1 ≤ a and b ≤ g2: a
//!   corner sum over a month-by-month table (`Gaps`);
//! - each cell's open months the same way, and the ranges over which it studied regularly as
//!   rectangles in a difference table (`Ranges`), because "regularly" is a share over the
//!   range and does not add up month by month.
//!
//! A write keeps every summary current: it takes the people and cells it touches out of each
//! summary that holds them, and puts them back as they are after it (see `Index::bump` and
//! `Index::refresh_unit`). A new tree or study share drops them all; they are made again on
//! demand. The property tests hold figures from summaries to the slow recount.
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use lamtheo_domain::emulation::Expected;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::plans::{MadeOf, PlanKind};
use lamtheo_domain::Id;

use super::{Counts, Index};
use crate::figures::Figures;

/// Months a summary covers: six years before the as-of month it was made for and two after,
/// enough for any report period; a period reaching outside is answered by walking.
const MONTHS_BEFORE: i32 = 71;
const WINDOW: i32 = 96;

/// A subtree whose walk reads at least this many memberships gets a summary.
pub const DEFAULT_SUMMARY_THRESHOLD: usize = 20_000;

/// The months of one thing (a person's belonging, their taking part, a cell's being open) as
/// sorted, disjoint, non-adjacent inclusive ranges; `i32::MAX` as an end: still going.
type Spans = Vec<(i32, i32)>;

pub(super) struct Summary {
    /// Days [from, to) over which the subtree has this shape.
    days: (i32, i32),
    /// First month of the window; slot `m - base + 1` holds month m; slot 0 stands for every
    /// month before the window and slot `WINDOW + 1` for every month after it.
    base: i32,
    /// Which dense units the subtree holds.
    units: Vec<u64>,
    counts: Vec<Counts>,
    people: Gaps,
    takers: Gaps,
    cells: Gaps,
    studying: Ranges,
    /// Answers of person queries over the subtree, kept current (see `Kept`).
    kept: Vec<Kept>,
}

/// The answer of a query over the people of a summarised subtree with a fixed key: taken from
/// the walk that first answered it (the index cannot change under a query), then kept current
/// by every change to a person it counts, as the summary's own tables are.
pub(super) enum Kept {
    /// `topic_people`: people who belonged to the subtree in `month` and studied the topic by
    /// `by_day`.
    Studied { topic: Id, month: i32, by_day: i32, count: i64 },
    /// `plans_made` over the months [from, to].
    Plans { from: i32, to: i32, kinds: Vec<PlanKind>, year: i32, made: MadeOf },
    /// `ratings` of a year and quarter: by level number, the four groups of people, and the
    /// organisations.
    Ratings { year: i32, quarter: i32, groups: Vec<[i64; 4]>, orgs: Vec<i64> },
    /// `movement` over the days [first, end).
    Movement { movement: Id, who: Expected, first: i32, end: i32, counts: Tally },
}

/// A movement's counts as a kept answer keeps them: signed, reviews by month.
#[derive(Clone, Default)]
pub(super) struct Tally {
    pub expected: i64,
    pub registered: i64,
    pub registered_members: i64,
    pub registered_non_members: i64,
    pub months: BTreeMap<Month, (i64, i64)>,
}

/// Answers kept per summary, the oldest dropped first: each costs every change to a person of
/// the subtree a few comparisons.
const MAX_KEPT: usize = 64;

const SIDE: usize = WINDOW as usize + 2;

/// Things with month spans, counted over any range by their gaps (see the module comment).
struct Gaps {
    total: i64,
    /// [gap's first slot][gap's last slot] → how many.
    corner: Vec<i64>,
}

impl Gaps {
    fn new() -> Gaps {
        Gaps { total: 0, corner: vec![0; SIDE * SIDE] }
    }

    fn add(&mut self, base: i32, spans: &[(i32, i32)], sign: i64) {
        let (Some(first), Some(last)) = (spans.first(), spans.last()) else { return };
        self.total += sign;
        self.gap(base, None, Some(first.0 - 1), sign);
        for w in spans.windows(2) {
            self.gap(base, Some(w[0].1 + 1), Some(w[1].0 - 1), sign);
        }
        if last.1 != i32::MAX {
            self.gap(base, Some(last.1 + 1), None, sign);
        }
    }

    /// A gap from month `from` to `to` (`None`: without end), cut to the window.
    fn gap(&mut self, base: i32, from: Option<i32>, to: Option<i32>, sign: i64) {
        let last = base + WINDOW - 1;
        let i = match from {
            Some(m) if m > last => return,
            Some(m) if m >= base => (m - base + 1) as usize,
            _ => 0,
        };
        let j = match to {
            Some(m) if m < base => return,
            Some(m) if m <= last => (m - base + 1) as usize,
            _ => SIDE - 1,
        };
        self.corner[i * SIDE + j] += sign;
    }

    /// How many count over slots [a, b].
    fn count(&self, a: usize, b: usize) -> u64 {
        let inside: i64 = (0..=a).map(|i| self.corner[i * SIDE + b..(i + 1) * SIDE].iter().sum::<i64>()).sum();
        (self.total - inside).max(0) as u64
    }
}

/// Rectangles of ranges [a, b] in a 2-D difference table: a range's value is the sum of the
/// entries at or before it in both slots.
struct Ranges {
    diff: Vec<i64>,
}

impl Ranges {
    fn new() -> Ranges {
        Ranges { diff: vec![0; SIDE * SIDE] }
    }

    /// Adds `sign` to every range whose first slot is in [a1, a2] and last in [b1, b2].
    fn add(&mut self, (a1, a2): (usize, usize), (b1, b2): (usize, usize), sign: i64) {
        self.diff[a1 * SIDE + b1] += sign;
        self.diff[(a2 + 1) * SIDE + b1] -= sign;
        self.diff[a1 * SIDE + b2 + 1] -= sign;
        self.diff[(a2 + 1) * SIDE + b2 + 1] += sign;
    }

    fn value(&self, a: usize, b: usize) -> u64 {
        let v: i64 = (0..=a).map(|i| self.diff[i * SIDE..=i * SIDE + b].iter().sum::<i64>()).sum();
        v.max(0) as u64
    }
}

impl Summary {
    /// Whether the subtree has this summary's shape on `day`.
    fn covers(&self, day: i32) -> bool {
        self.days.0 <= day && day < self.days.1
    }

    fn holds(&self, u: u32) -> bool {
        self.units.get(u as usize / 64).is_some_and(|w| w & (1 << (u % 64)) != 0)
    }

    fn slot(&self, m: Month) -> Option<usize> {
        (self.base..self.base + WINDOW).contains(&m.0).then(|| (m.0 - self.base + 1) as usize)
    }

    /// The additive counts of each month of the period.
    fn months(&self, period: Period) -> Option<&[Counts]> {
        let (a, b) = (self.slot(period.from)?, self.slot(period.to)?);
        Some(if a > b { &[] } else { &self.counts[a - 1..b] })
    }

    fn figures(&self, period: Period) -> Option<Figures> {
        let (a, b) = (self.slot(period.from)?, self.slot(period.to)?);
        let mut f = Figures::default();
        if a > b {
            return Some(f);
        }
        let mut c = Counts::default();
        for x in &self.counts[a - 1..b] {
            c.add(*x, 1);
        }
        f.conferences = c.conferences.max(0) as u64;
        f.member_attendances = c.member_attendances.max(0) as u64;
        f.other_attendances = c.other_attendances.max(0) as u64;
        f.meetings = c.regular_meetings.max(0) as u64;
        f.meetings_with_study = c.study_meetings.max(0) as u64;
        f.meeting_member_attendances = c.meeting_member_attendances.max(0) as u64;
        f.meeting_other_attendances = c.meeting_other_attendances.max(0) as u64;
        f.eligible = self.people.count(a, b);
        f.participants = self.takers.count(a, b);
        f.cells = self.cells.count(a, b);
        f.cells_with_study = self.studying.value(a, b);
        Some(f)
    }
}

/// Merges month spans into sorted, disjoint, non-adjacent ones.
fn merged(mut spans: Spans) -> Spans {
    spans.sort_unstable();
    let mut out: Spans = Vec::with_capacity(spans.len());
    for (from, to) in spans {
        match out.last_mut() {
            Some(last) if from <= last.1.saturating_add(1) => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// The months a membership's participation list names, as spans.
fn part_spans(part: &[(i32, u16)], into: &mut Spans) {
    for &(year, mask) in part {
        for bit in 0..12 {
            if mask & (1 << bit) != 0 {
                let m = year * 12 + bit;
                into.push((m, m));
            }
        }
    }
}

impl Index {
    /// Figures from a summary of the subtree, when one covers the as-of day and the period.
    pub(super) fn summarised(&self, root: u32, day: i32, period: Period) -> Option<Figures> {
        self.with_summary(root, day, |s| s.figures(period))
    }

    /// The additive counts of each month of the period from a summary, as `summarised`.
    pub(super) fn summarised_months(&self, root: u32, day: i32, period: Period) -> Option<Vec<Counts>> {
        self.with_summary(root, day, |s| s.months(period).map(<[Counts]>::to_vec))
    }

    /// Sets how many memberships a walk must read before its subtree gets a summary (0: every
    /// subtree queried; the tests use it to hold summaries to the recount).
    pub fn set_summary_threshold(&mut self, entries: usize) {
        self.summary_threshold = entries;
    }

    /// After a walk from `root` as of `as_of` that read `read` memberships: a big subtree gets
    /// its summary (unless it has one), which keeps the walk's answer (`kept`), if any.
    pub(super) fn after_walk(&self, root: u32, as_of: NaiveDate, read: usize, kept: impl FnOnce() -> Option<Kept>) {
        if read < self.summary_threshold {
            return;
        }
        let on = super::day(as_of);
        self.summarise(root, on, Month::of(as_of));
        if let Some(k) = kept() {
            self.keep_answer(root, on, k);
        }
    }

    /// Drops every summary (the tree or the study share changed).
    pub(super) fn forget_summaries(&mut self) {
        self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Makes the summary of the subtree of `root` as the tree stands on `day`, with its window
    /// around `month`, unless one exists.
    pub(super) fn summarise(&self, root: u32, day: i32, month: Month) {
        let exists =
            |s: &HashMap<u32, Vec<Summary>>| s.get(&root).is_some_and(|list| list.iter().any(|s| s.covers(day)));
        if exists(&self.summaries.read().unwrap_or_else(|e| e.into_inner())) {
            return;
        }
        let s = self.make_summary(root, day, month);
        let mut summaries = self.summaries.write().unwrap_or_else(|e| e.into_inner());
        if !exists(&summaries) {
            summaries.entry(root).or_default().push(s);
        }
    }

    fn make_summary(&self, root: u32, day: i32, month: Month) -> Summary {
        let base = month.0 - MONTHS_BEFORE;
        let mut s = Summary {
            days: self.shape_days(root, day),
            base,
            units: vec![0; self.unit_ids.len().div_ceil(64)],
            counts: vec![Counts::default(); WINDOW as usize],
            people: Gaps::new(),
            takers: Gaps::new(),
            cells: Gaps::new(),
            studying: Ranges::new(),
            kept: Vec::new(),
        };
        // (person, first month, last month, participation list) of every membership.
        let mut held = Vec::new();
        self.walk(root, day, &mut Vec::new(), &mut |u| {
            s.units[u as usize / 64] |= 1 << (u % 64);
            self.add_unit_to(&mut s, u, 1);
            let (entries, part) = self.entries(u);
            held.extend(
                entries.iter().map(|e| {
                    (e.person, e.from, e.to, &part[e.part_start as usize..(e.part_start + e.part_len) as usize])
                }),
            );
        });
        held.sort_unstable_by_key(|h| h.0);
        let mut spans = Vec::new();
        for person in held.chunk_by(|x, y| x.0 == y.0) {
            let (belongs, took_part) = (person.iter().map(|h| (h.1, h.2)).collect(), &mut spans);
            took_part.clear();
            for h in person {
                part_spans(h.3, took_part);
            }
            s.people.add(base, &merged(belongs), 1);
            s.takers.add(base, &merged(std::mem::take(took_part)), 1);
        }
        s
    }

    /// The days [from, to) around `day` over which the walk from `root` meets the same units:
    /// between the nearest dates on which a link it could follow begins or ends.
    fn shape_days(&self, root: u32, day: i32) -> (i32, i32) {
        let (mut from, mut to) = (i32::MIN, i32::MAX);
        let mut note = |t: i32| {
            if t <= day {
                from = from.max(t);
            } else {
                to = to.min(t);
            }
        };
        note(self.opened[root as usize]);
        let mut seen = vec![false; self.unit_ids.len()];
        let mut stack = vec![root];
        while let Some(u) = stack.pop() {
            if std::mem::replace(&mut seen[u as usize], true) {
                continue;
            }
            for k in &self.kids[u as usize] {
                note(k.from);
                note(k.to);
                stack.push(k.unit);
            }
        }
        (from, to)
    }

    /// Adds (or takes out, `sign` -1) a unit's own months, and a cell's being open and
    /// studying, to a summary.
    fn add_unit_to(&self, s: &mut Summary, u: u32, sign: i64) {
        for (m, c) in &self.months[u as usize] {
            if let Some(slot) = s.slot(*m) {
                s.counts[slot - 1].add(*c, sign);
            }
        }
        if self.cell[u as usize] {
            self.add_cell_to(s, u, sign);
        }
    }

    fn add_cell_to(&self, s: &mut Summary, u: u32, sign: i64) {
        let (opened, closed) = (self.opened[u as usize], self.closed[u as usize]);
        let date = |d: i32| NaiveDate::from_num_days_from_ce_opt(d).map(|d| Month::of(d).0);
        let first = date(opened);
        let last = if closed == i32::MAX { Some(i32::MAX) } else { date(closed - 1) };
        let (Some(first), Some(last)) = (first, last.filter(|l| first.is_some_and(|f| *l >= f))) else { return };
        s.cells.add(s.base, &[(first, last)], sign);
        // A cell counts as studying over a range only if it was open in it too: the range ends
        // on or after its first month and begins on or before its last.
        let window_last = s.base + WINDOW - 1;
        if first > window_last || last < s.base {
            return;
        }
        let last_begin = if last > window_last { WINDOW as usize } else { (last - s.base + 1) as usize };
        let first_end = if first < s.base { 1 } else { (first - s.base + 1) as usize };
        // The cell's months in the window with meetings: (slot, regular, with study).
        let months: Vec<(usize, i64, i64)> = self.months[u as usize]
            .iter()
            .filter(|(_, c)| c.regular_meetings != 0 || c.study_meetings != 0)
            .filter_map(|(m, c)| Some((s.slot(*m)?, c.regular_meetings.max(0), c.study_meetings.max(0))))
            .collect();
        let share = self.study_share as i64;
        for i in 0..months.len() {
            let (mut regular, mut study) = (0, 0);
            let first_slots = (if i == 0 { 1 } else { months[i - 1].0 + 1 }, months[i].0);
            for j in i..months.len() {
                regular += months[j].1;
                study += months[j].2;
                if regular > 0 && study * 1000 >= share * regular {
                    let next = months.get(j + 1).map_or(WINDOW as usize + 1, |x| x.0);
                    let (begins, ends) =
                        ((first_slots.0, first_slots.1.min(last_begin)), (months[j].0.max(first_end), next - 1));
                    if begins.0 <= begins.1 && ends.0 <= ends.1 {
                        s.studying.add(begins, ends, sign);
                    }
                }
            }
        }
    }

    /// Takes a unit's own data out of (`sign` -1) or back into every summary holding it, as
    /// it stands now: around a change of its counts.
    pub(super) fn summaries_unit(&mut self, u: u32, sign: i64) {
        let mut summaries = std::mem::take(self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()));
        for s in summaries.values_mut().flatten().filter(|s| s.holds(u)) {
            self.add_unit_to(s, u, sign);
        }
        *self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()) = summaries;
    }

    /// Whether any summary holds the unit (so a change there has summaries to keep current).
    /// (`&mut`: no lock is taken, which matters to a build streaming 60 million rows.)
    pub(super) fn summarised_unit(&mut self, u: u32) -> bool {
        let summaries = self.summaries.get_mut().unwrap_or_else(|e| e.into_inner());
        summaries.values().flatten().any(|s| s.holds(u))
    }

    /// Takes people out of (`sign` -1) or back into every summary holding unit `u`, as they
    /// stand now: around a change of their memberships or participation there.
    pub(super) fn summaries_people(&mut self, u: u32, people: &[u32], sign: i64) {
        let mut summaries = std::mem::take(self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()));
        for s in summaries.values_mut().flatten().filter(|s| s.holds(u)) {
            for &p in people {
                let (belongs, took_part, days) = self.spans_in(s, p);
                s.people.add(s.base, &belongs, sign);
                s.takers.add(s.base, &took_part, sign);
                for k in &mut s.kept {
                    self.keep(k, p, (&belongs, &days), sign);
                }
            }
        }
        *self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()) = summaries;
    }

    /// Takes a person out of (`sign` -1) or back into the kept answers of every summary
    /// holding them: around a change of what those answers ask of them (member, plans,
    /// topics studied).
    pub(super) fn summaries_person(&mut self, p: u32, sign: i64) {
        let mut summaries = std::mem::take(self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()));
        for s in summaries.values_mut().flatten().filter(|s| !s.kept.is_empty()) {
            if self.person_units[p as usize].iter().any(|u| s.holds(*u)) {
                let (belongs, _, days) = self.spans_in(s, p);
                for k in &mut s.kept {
                    self.keep(k, p, (&belongs, &days), sign);
                }
            }
        }
        *self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()) = summaries;
    }

    /// Whether any summary keeps answers that may count the person.
    pub(super) fn keeps_person(&mut self, p: u32) -> bool {
        let units = &self.person_units;
        let summaries = self.summaries.get_mut().unwrap_or_else(|e| e.into_inner());
        summaries.values().flatten().any(|s| !s.kept.is_empty() && units[p as usize].iter().any(|u| s.holds(*u)))
    }

    /// A person's months of belonging to the summary's subtree and of taking part there, and
    /// the days [first, end) of each of their memberships there.
    fn spans_in(&self, s: &Summary, p: u32) -> (Spans, Spans, Spans) {
        let (mut belongs, mut part, mut days) = (Vec::new(), Vec::new(), Vec::new());
        for &v in self.person_units[p as usize].iter().filter(|v| s.holds(**v)) {
            let (entries, list) = self.entries(v);
            for e in entries.iter().filter(|e| e.person == p) {
                belongs.push((e.from, e.to));
                days.push((e.first_day, e.end_day));
                part_spans(&list[e.part_start as usize..(e.part_start + e.part_len) as usize], &mut part);
            }
        }
        (merged(belongs), merged(part), days)
    }

    /// Counts a person into a kept answer: one who belonged to the subtree over the months
    /// `belongs`, by memberships over the days `days`.
    fn keep(&self, k: &mut Kept, p: u32, (belongs, days): (&Spans, &Spans), sign: i64) {
        let during = |from: i32, to: i32| belongs.iter().any(|(f, t)| *f <= to && *t >= from);
        match k {
            Kept::Studied { topic, month, by_day, count } => {
                let first = self.topic_first.get(topic).and_then(|f| f.get(p as usize)).copied().unwrap_or(i32::MAX);
                if during(*month, *month) && first <= *by_day {
                    *count += sign;
                }
            }
            Kept::Plans { from, to, kinds, year, made } => {
                if during(*from, *to) {
                    let member = self.member[p as usize];
                    let has = kinds.iter().all(|k| self.plans[p as usize].iter().any(|x| x.covers(*k, *year)));
                    made.expected_all += sign;
                    made.made_all += sign * has as i64;
                    made.expected += sign * member as i64;
                    made.made += sign * (member && has) as i64;
                }
            }
            Kept::Ratings { year, quarter, groups, .. } => {
                let period = Period::quarter(*year, *quarter);
                let Some(l) =
                    self.person_ratings[p as usize].iter().find(|x| (x.0, x.1) == (*year, *quarter)).map(|x| x.2)
                else {
                    return;
                };
                if during(period.from.0, period.to.0) {
                    let (member, key) = (self.member[p as usize], self.key_cadre_on(p, super::day(period.last_day())));
                    let l = l as usize;
                    if groups.len() <= l {
                        groups.resize(l + 1, [0; 4]);
                    }
                    let g = &mut groups[l];
                    g[0] += sign * member as i64;
                    g[1] += sign * key as i64;
                    g[2] += sign * (key && member) as i64;
                    g[3] += sign * (key && !member) as i64;
                }
            }
            Kept::Movement { movement, who, first, end, counts } => {
                let member = self.member[p as usize];
                let expected = days.iter().any(|&(a, b)| {
                    let (lo, hi) = (a.max(*first), b.min(*end));
                    lo < hi
                        && match who {
                            Expected::Everyone => true,
                            Expected::Members => member,
                            // The membership, the post and the movement share a day.
                            Expected::KeyCadres => {
                                self.key_posts[p as usize].iter().any(|(x, y)| lo.max(*x) < hi.min(*y))
                            }
                        }
                });
                if !expected {
                    return;
                }
                counts.expected += sign;
                let Some(reg) = self.registered[p as usize].iter().find(|r| r.movement == *movement) else { return };
                counts.registered += sign;
                if member {
                    counts.registered_members += sign;
                } else {
                    counts.registered_non_members += sign;
                }
                for (month, met) in reg.months() {
                    let t = counts.months.entry(month).or_default();
                    if met {
                        t.0 += sign;
                    } else {
                        t.1 += sign;
                    }
                }
            }
        }
    }

    /// Takes an organisation's own ratings out of (`sign` -1) or back into the kept ratings of
    /// every summary holding it: around a change of them.
    pub(super) fn summaries_org(&mut self, u: u32, sign: i64) {
        let mut summaries = std::mem::take(self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()));
        for s in summaries.values_mut().flatten().filter(|s| s.holds(u)) {
            for k in &mut s.kept {
                if let Kept::Ratings { year, quarter, orgs, .. } = k {
                    let rated =
                        self.unit_ratings.get(&u).and_then(|r| r.iter().find(|x| (x.0, x.1) == (*year, *quarter)));
                    if let Some(&(_, _, l)) = rated {
                        if orgs.len() <= l as usize {
                            orgs.resize(l as usize + 1, 0);
                        }
                        orgs[l as usize] += sign;
                    }
                }
            }
        }
        *self.summaries.get_mut().unwrap_or_else(|e| e.into_inner()) = summaries;
    }

    /// The summary of `root` on `day`, if there is one, to read.
    fn with_summary<T>(&self, root: u32, day: i32, read: impl FnOnce(&Summary) -> Option<T>) -> Option<T> {
        let summaries = self.summaries.read().unwrap_or_else(|e| e.into_inner());
        read(summaries.get(&root)?.iter().find(|s| s.covers(day))?)
    }

    /// Keeps a walk's answer in the summary of `root` on `day`, if there is one.
    fn keep_answer(&self, root: u32, day: i32, k: Kept) {
        let mut summaries = self.summaries.write().unwrap_or_else(|e| e.into_inner());
        let Some(s) = summaries.get_mut(&root).and_then(|l| l.iter_mut().find(|s| s.covers(day))) else {
            return;
        };
        if s.kept.len() >= MAX_KEPT {
            s.kept.remove(0);
        }
        s.kept.push(k);
    }

    /// `topic_people` from a summary: (studied, eligible), when it keeps the answer.
    pub(super) fn summarised_topic(
        &self,
        root: u32,
        day: i32,
        topic: Id,
        month: Month,
        by_day: i32,
    ) -> Option<(u64, u64)> {
        self.with_summary(root, day, |s| {
            let studied = s.kept.iter().find_map(|k| match k {
                Kept::Studied { topic: t, month: m, by_day: b, count } if (*t, *m, *b) == (topic, month.0, by_day) => {
                    Some(*count)
                }
                _ => None,
            })?;
            let slot = s.slot(month)?;
            Some((studied.max(0) as u64, s.people.count(slot, slot)))
        })
    }

    /// `movement` from a summary, when it keeps the answer.
    pub(super) fn summarised_movement(&self, root: u32, day: i32, key: (Id, Expected, i32, i32)) -> Option<Tally> {
        self.with_summary(root, day, |s| {
            s.kept.iter().find_map(|k| match k {
                Kept::Movement { movement, who, first, end, counts } if (*movement, *who, *first, *end) == key => {
                    Some(counts.clone())
                }
                _ => None,
            })
        })
    }

    /// `ratings` from a summary, when it keeps the answer: (groups, organisations) by level.
    pub(super) fn summarised_ratings(
        &self,
        root: u32,
        day: i32,
        year: i32,
        quarter: i32,
    ) -> Option<(Vec<[i64; 4]>, Vec<i64>)> {
        self.with_summary(root, day, |s| {
            s.kept.iter().find_map(|k| match k {
                Kept::Ratings { year: y, quarter: q, groups, orgs } if (*y, *q) == (year, quarter) => {
                    Some((groups.clone(), orgs.clone()))
                }
                _ => None,
            })
        })
    }

    /// `plans_made` from a summary, when it keeps the answer.
    pub(super) fn summarised_plans(
        &self,
        root: u32,
        day: i32,
        from: Month,
        to: Month,
        kinds: &[PlanKind],
        year: i32,
    ) -> Option<MadeOf> {
        self.with_summary(root, day, |s| {
            s.kept.iter().find_map(|k| match k {
                Kept::Plans { from: f, to: t, kinds: ks, year: y, made }
                    if (*f, *t, *y) == (from.0, to.0, year) && ks == kinds =>
                {
                    Some(*made)
                }
                _ => None,
            })
        })
    }

    /// How many summaries there are, and of how many roots (for the bench's report).
    pub fn summary_count(&self) -> usize {
        let summaries = self.summaries.read().unwrap_or_else(|e| e.into_inner());
        summaries.values().map(Vec::len).sum()
    }

    /// Makes summaries for the big subtrees near the top of the tree as it stands on `on`, and
    /// as it stood before each change of its shape in the five years before (a reorganisation:
    /// the figures of 2024 are asked of the tree of 2024), at most `WARM_SHAPES` shapes each,
    /// so that the first national or provincial pages after start-up do not wait for them.
    pub fn warm(&self, on: NaiveDate) {
        let d = super::day(on);
        let n = self.unit_ids.len();
        let mut is_child = vec![false; n];
        for k in self.kids.iter().flatten() {
            is_child[k.unit as usize] = true;
        }
        let since = d - 5 * 366;
        for root in (0..n as u32).filter(|u| !is_child[*u as usize]) {
            let mut top = vec![root];
            top.extend(self.kids[root as usize].iter().map(|k| k.unit));
            top.sort_unstable();
            top.dedup();
            for u in top {
                let mut day = d;
                for _ in 0..WARM_SHAPES {
                    let mut size = 0;
                    self.walk(u, day, &mut Vec::new(), &mut |v| size += self.entries(v).0.len());
                    if size >= self.summary_threshold {
                        let date = NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(on);
                        self.summarise(u, day, Month::of(date));
                    }
                    let (from, _) = self.shape_days(u, day);
                    if from <= since {
                        break;
                    }
                    day = from - 1;
                }
            }
        }
    }
}

/// Shapes of a top subtree summarised at start-up, the latest first.
const WARM_SHAPES: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_count_whoever_has_a_month_in_the_range() {
        let base = 100;
        let mut g = Gaps::new();
        // Months 102–103 and 107 on; 105 only; from before the window to 101.
        g.add(base, &[(102, 103), (107, i32::MAX)], 1);
        g.add(base, &[(105, 105)], 1);
        g.add(base, &[(10, 101)], 1);
        let slot = |m: i32| (m - base + 1) as usize;
        let brute = |a: i32, b: i32| {
            let all: [&[(i32, i32)]; 3] = [&[(102, 103), (107, i32::MAX)], &[(105, 105)], &[(10, 101)]];
            all.iter().filter(|s| s.iter().any(|(f, t)| *f <= b && *t >= a)).count() as u64
        };
        for a in base..base + 12 {
            for b in a..base + 12 {
                assert_eq!(g.count(slot(a), slot(b)), brute(a, b), "[{a}, {b}]");
            }
        }
        g.add(base, &[(105, 105)], -1);
        assert_eq!(g.count(slot(104), slot(106)), 0);
    }

    #[test]
    fn ranges_add_rectangles() {
        let mut r = Ranges::new();
        r.add((2, 3), (4, 6), 1);
        for a in 1..10 {
            for b in a..10 {
                let inside = (2..=3).contains(&a) && (4..=6).contains(&b);
                assert_eq!(r.value(a, b), inside as u64, "[{a}, {b}]");
            }
        }
    }

    #[test]
    fn spans_merge_when_they_touch() {
        assert_eq!(merged(vec![(5, 6), (1, 2), (3, 3), (8, i32::MAX), (9, 10)]), vec![(1, 3), (5, 6), (8, i32::MAX)]);
    }
}
