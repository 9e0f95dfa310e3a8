//! The figures computed the slow, obvious way from the raw facts. Tests compare the index
//! with this; nothing in production calls it.
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use lamtheo_domain::conference::AttendanceStatus;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::Id;

use crate::{Facts, Figures};

/// With the default share of meetings with study content (see `Index::set_study_share`).
pub fn figures(f: &Facts, unit: Id, period: Period, as_of: NaiveDate) -> Figures {
    figures_with_share(f, unit, period, as_of, crate::DEFAULT_STUDY_SHARE_PERMILLE)
}

pub fn figures_with_share(f: &Facts, unit: Id, period: Period, as_of: NaiveDate, share: u32) -> Figures {
    let subtree: HashSet<Id> = f.tree.subtree_on(unit, as_of).into_iter().collect();
    let conf_by_id: HashMap<Id, _> = f.conferences.iter().map(|c| (c.id, c)).collect();
    let in_period = |d: NaiveDate| period.contains_date(d);
    let mut out = Figures::default();
    // Study conferences and regular cell meetings are counted apart, each with its attendances.
    let count = |out: &mut Figures, meeting: bool, members: u64, others: u64| {
        if meeting {
            out.meeting_member_attendances += members;
            out.meeting_other_attendances += others;
        } else {
            out.member_attendances += members;
            out.other_attendances += others;
        }
    };
    for c in &f.conferences {
        if subtree.contains(&c.unit_id) && in_period(c.held_on) {
            if c.regular_meeting {
                out.meetings += 1;
                out.meetings_with_study += c.study_content as u64;
            } else {
                out.conferences += 1;
            }
            count(&mut out, c.regular_meeting, c.unlisted_members as u64, c.others_count as u64);
        }
    }
    for p in &f.points {
        let c = conf_by_id[&p.conference_id];
        if subtree.contains(&p.unit_id) && in_period(c.held_on) {
            count(&mut out, c.regular_meeting, p.unlisted_members as u64, p.others_count as u64);
        }
    }
    for a in &f.attendances {
        let c = conf_by_id[&a.conference_id];
        if a.status == AttendanceStatus::Present
            && in_period(c.held_on)
            && subtree.contains(&a.point_unit_id.unwrap_or(c.unit_id))
        {
            count(&mut out, c.regular_meeting, 1, 0);
        }
    }
    // A membership covers a month when it overlaps any day of it.
    let covers = |m: &lamtheo_domain::people::Membership, month: Month| {
        m.valid_from <= month.last_day() && m.valid_to.is_none_or(|t| t > month.first_day())
    };
    let mut eligible = HashSet::new();
    let mut participants = HashSet::new();
    for m in f.memberships.iter().filter(|m| subtree.contains(&m.unit_id)) {
        let months: Vec<Month> = (period.from.0..=period.to.0).map(Month).filter(|mo| covers(m, *mo)).collect();
        if months.is_empty() {
            continue;
        }
        eligible.insert(m.person_id);
        // Present at a study conference (not a regular meeting) in a month they belonged.
        let took_part = f.attendances.iter().any(|a| {
            let c = conf_by_id[&a.conference_id];
            a.person_id == m.person_id
                && a.status == AttendanceStatus::Present
                && !c.regular_meeting
                && months.contains(&Month::of(c.held_on))
        });
        if took_part {
            participants.insert(m.person_id);
        }
    }
    // Party cells open at some time in the period, and those whose regular meetings included
    // study content often enough.
    for u in f.tree.units().filter(|u| subtree.contains(&u.id) && u.kind == crate::CELL_KIND) {
        if u.opened_on > period.last_day() || u.closed_on.is_some_and(|c| c <= period.first_day()) {
            continue;
        }
        out.cells += 1;
        let meetings: Vec<_> =
            f.conferences.iter().filter(|c| c.unit_id == u.id && c.regular_meeting && in_period(c.held_on)).collect();
        let with_study = meetings.iter().filter(|c| c.study_content).count() as u64;
        if !meetings.is_empty() && with_study * 1000 >= share as u64 * meetings.len() as u64 {
            out.cells_with_study += 1;
        }
    }
    out.eligible = eligible.len() as u64;
    out.participants = participants.len() as u64;
    out
}

/// (studied, eligible) for a topic, the slow way (see `Index::topic_people`).
pub fn topic_people(f: &Facts, unit: Id, topic: &lamtheo_domain::conference::Topic, as_of: NaiveDate) -> (u64, u64) {
    let subtree: HashSet<Id> = f.tree.subtree_on(unit, as_of).into_iter().collect();
    let by = topic.deadline.map_or(as_of, |d| d.min(as_of));
    let month = Month::of(by);
    let eligible: HashSet<Id> = f
        .memberships
        .iter()
        .filter(|m| subtree.contains(&m.unit_id))
        .filter(|m| m.valid_from <= month.last_day() && m.valid_to.is_none_or(|t| t > month.first_day()))
        .map(|m| m.person_id)
        .collect();
    let on_topic: HashMap<Id, NaiveDate> = f
        .conferences
        .iter()
        .filter(|c| c.topic_ids.contains(&topic.id) && c.held_on <= by)
        .map(|c| (c.id, c.held_on))
        .collect();
    let studied: HashSet<Id> = f
        .attendances
        .iter()
        .filter(|a| a.status == AttendanceStatus::Present && on_topic.contains_key(&a.conference_id))
        .map(|a| a.person_id)
        .filter(|p| eligible.contains(p))
        .collect();
    (studied.len() as u64, eligible.len() as u64)
}

/// The people with a membership in the subtree of `unit` (as of `as_of`) overlapping [from, to].
fn people_during(f: &Facts, unit: Id, as_of: NaiveDate, from: Month, to: Month) -> HashSet<Id> {
    let subtree: HashSet<Id> = f.tree.subtree_on(unit, as_of).into_iter().collect();
    f.memberships
        .iter()
        .filter(|m| subtree.contains(&m.unit_id))
        .filter(|m| m.valid_from <= to.last_day() && m.valid_to.is_none_or(|t| t > from.first_day()))
        .map(|m| m.person_id)
        .collect()
}

/// People who made a plan of every one of `kinds` covering `year`, among those with a
/// membership in the subtree (as of `as_of`) overlapping [from, to]: members, and everyone.
pub fn plans_made(
    f: &Facts,
    unit: Id,
    as_of: NaiveDate,
    from: Month,
    to: Month,
    kinds: &[lamtheo_domain::plans::PlanKind],
    year: i32,
) -> lamtheo_domain::plans::MadeOf {
    let people = people_during(f, unit, as_of, from, to);
    let mut out = lamtheo_domain::plans::MadeOf::default();
    for p in people {
        let member = f.members.contains(&p);
        let made = kinds.iter().all(|k| f.plans.iter().any(|(q, plan)| *q == p && plan.covers(*k, year)));
        out.expected_all += 1;
        out.made_all += made as i64;
        out.expected += member as i64;
        out.made += (member && made) as i64;
    }
    out
}

/// Ratings for `year` and `quarter` over the subtree of `unit` (as of `as_of`): of the people
/// with a membership in it overlapping the period, by group (a key cadre holding a key post on
/// the period's last day), and of its organisations.
pub fn ratings(f: &Facts, unit: Id, as_of: NaiveDate, year: i32, quarter: i32) -> crate::RatingCounts {
    use lamtheo_domain::evaluation::Subject;
    use std::collections::BTreeMap;
    let period = Period::quarter(year, quarter);
    let (from, to, on) = (period.from, period.to, period.last_day());
    let subtree: HashSet<Id> = f.tree.subtree_on(unit, as_of).into_iter().collect();
    let people = people_during(f, unit, as_of, from, to);
    let mut groups: [BTreeMap<(String, String), i64>; 5] = Default::default();
    for r in f.ratings.iter().filter(|r| r.year == year && r.quarter == quarter) {
        let level = (r.scale.clone(), r.level_code.clone());
        match r.subject {
            Subject::Person if people.contains(&r.subject_id) => {
                let member = f.members.contains(&r.subject_id);
                let key =
                    f.key_posts.iter().any(|(p, a, b)| *p == r.subject_id && *a <= on && b.is_none_or(|b| on < b));
                for (g, yes) in [member, key, key && member, key && !member].into_iter().enumerate() {
                    if yes {
                        *groups[g].entry(level.clone()).or_default() += 1;
                    }
                }
            }
            Subject::Unit if subtree.contains(&r.subject_id) => *groups[4].entry(level).or_default() += 1,
            _ => {}
        }
    }
    let [members, key_cadres, member_key_cadres, non_member_key_cadres, organisations] =
        groups.map(|g| g.into_iter().map(|((s, c), n)| (s, c, n)).collect());
    crate::RatingCounts { members, key_cadres, member_key_cadres, non_member_key_cadres, organisations }
}
