//! The index and the slow reference agree on random trees, memberships, conferences and
//! attendance, for random units, periods and as-of dates, including after incremental
//! changes (removing and re-adding attendance and memberships).
use chrono::NaiveDate;
use lamtheo_analytics::{reference, Facts, Index, Rated};
use lamtheo_domain::conference::{Attendance, AttendanceStatus, Conference, ConnectionPoint, Topic};
use lamtheo_domain::emulation::Expected;
use lamtheo_domain::evaluation::Subject;
use lamtheo_domain::org::{OrgTree, ParentLink, Unit};
use lamtheo_domain::people::Membership;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::plans::{PlanKind, PlanMade};
use proptest::prelude::*;

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(n as u64)
}

/// A random history: units 1..=n, unit 1 the root; each other unit hangs under an earlier one
/// and may move (or be merged away, keeping a historic link) on a random day.
fn facts(seed: &[u32]) -> Facts {
    let mut it = seed.iter().copied().cycle();
    let mut next = move || it.next().unwrap();
    let n = 3 + next() % 10;
    let start = day(0);
    let mut units = vec![];
    let mut links = vec![];
    for id in 1..=n as i64 {
        let mut closed = None;
        if id > 1 {
            let parent = 1 + (next() as i64 % (id - 1));
            if next() % 3 == 0 {
                let change = day(next() % 700);
                let other = 1 + (next() as i64 % (id - 1));
                let merged = next() % 2 == 0;
                links.push(ParentLink {
                    unit_id: id,
                    parent_id: parent,
                    valid_from: start,
                    valid_to: Some(change),
                    historic: false,
                });
                links.push(ParentLink {
                    unit_id: id,
                    parent_id: other,
                    valid_from: change,
                    valid_to: None,
                    historic: merged,
                });
                if merged {
                    closed = Some(change);
                }
            } else {
                links.push(ParentLink {
                    unit_id: id,
                    parent_id: parent,
                    valid_from: start,
                    valid_to: None,
                    historic: false,
                });
            }
        }
        units.push(Unit {
            id,
            code: format!("U{id}"),
            name: format!("U{id}"),
            kind: "chi_bo".into(),
            opened_on: start,
            closed_on: closed,
        });
    }
    let people = 1 + next() % 25;
    let mut memberships = vec![];
    for p in 1..=people as i64 {
        let mut from = day(next() % 300);
        for _ in 0..(1 + next() % 3) {
            let to = if next() % 3 == 0 { None } else { Some(from + chrono::Days::new(1 + (next() % 400) as u64)) };
            memberships.push(Membership {
                id: memberships.len() as i64 + 1,
                person_id: p,
                unit_id: 1 + (next() % n) as i64,
                valid_from: from,
                valid_to: to,
            });
            match to {
                Some(t) => from = t,
                None => break,
            }
        }
    }
    let topics = vec![Topic {
        id: 1,
        code: "T1".into(),
        title: "Chuyên đề".into(),
        year: 2024,
        term_wide: false,
        deadline: Some(day(200)),
        doc_id: None,
        unit_id: None,
    }];
    let mut conferences = vec![];
    let mut points = vec![];
    let mut attendances = vec![];
    for cid in 1..=(next() % 30) as i64 {
        let unit_id = 1 + (next() % n) as i64;
        conferences.push(Conference {
            id: cid,
            code: format!("C{cid}"),
            unit_id,
            held_on: day(next() % 730),
            title: "Hội nghị".into(),
            level: String::new(),
            online: false,
            others_count: (next() % 50) as i64,
            unlisted_members: (next() % 5) as i64,
            topic_ids: if next() % 2 == 0 { vec![1] } else { vec![] },
            regular_meeting: next() % 3 != 0,
            study_content: next() % 4 != 0,
        });
        let point = 1 + (next() % n) as i64;
        if next() % 3 == 0 && point != unit_id {
            points.push(ConnectionPoint {
                conference_id: cid,
                unit_id: point,
                others_count: (next() % 20) as i64,
                unlisted_members: (next() % 3) as i64,
            });
        }
        for p in 1..=people as i64 {
            if next() % 2 == 0 {
                let status = AttendanceStatus::ALL[(next() % 3) as usize];
                let at_point = points
                    .last()
                    .filter(|pt: &&ConnectionPoint| pt.conference_id == cid && next() % 2 == 0)
                    .map(|pt| pt.unit_id);
                attendances.push(Attendance { conference_id: cid, person_id: p, point_unit_id: at_point, status });
            }
        }
    }
    // Some people are members; some made plans of random kinds and years.
    let members = (1..=people as i64).filter(|_| next() % 3 != 0).collect();
    let mut plans = vec![];
    for p in 1..=people as i64 {
        for kind in PlanKind::ALL {
            if next() % 2 == 0 {
                let (from_year, to_year) = kind.years_for(2024 + (next() % 2) as i32);
                plans.push((p, PlanMade { kind, from_year, to_year }));
            }
        }
    }
    // Ratings of people and units on two scales, and key-cadre posts that start and end.
    let mut ratings = vec![];
    let levels = [("dang_vien", "xuat_sac"), ("dang_vien", "tot"), ("can_bo", "hoan_thanh")];
    for (subject, ids) in [(Subject::Person, people as i64), (Subject::Unit, n as i64)] {
        for id in 1..=ids {
            for (year, quarter) in [(2024, 0), (2025, 0), (2025, 2)] {
                if next() % 3 != 0 {
                    let (scale, level_code) = levels[(next() % 3) as usize];
                    ratings.push(Rated {
                        subject,
                        subject_id: id,
                        year,
                        quarter,
                        scale: scale.into(),
                        level_code: level_code.into(),
                    });
                }
            }
        }
    }
    let mut key_posts = vec![];
    for p in 1..=people as i64 {
        if next() % 2 == 0 {
            let from = day(next() % 700);
            let to = (next() % 2 == 0).then(|| from + chrono::Days::new(1 + (next() % 400) as u64));
            key_posts.push((p, from, to));
        }
    }
    // Registrations for movement 1 with monthly reviews of 2024.
    let (mut registrations, mut reviews) = (vec![], vec![]);
    for p in 1..=people as i64 {
        if next() % 2 == 0 {
            registrations.push((100 + p, 1, p));
            for m in 1..=12 {
                if next() % 3 != 0 {
                    reviews.push((100 + p, Month::new(2024, m), next() % 2 == 0));
                }
            }
        }
    }
    Facts {
        tree: OrgTree::new(units, links, vec![]),
        topics,
        memberships,
        conferences,
        points,
        attendances,
        members,
        plans,
        ratings,
        key_posts,
        // Movements and tasks are held to a recount by the app's tests (activity_figures.rs);
        // here summarised movement figures are held to walked ones.
        registrations,
        reviews,
        tasks: vec![],
        records: vec![],
    }
}

fn clone_facts(f: &Facts) -> Facts {
    Facts {
        tree: f.tree.clone(),
        topics: f.topics.clone(),
        memberships: f.memberships.clone(),
        conferences: f.conferences.clone(),
        points: f.points.clone(),
        attendances: f.attendances.clone(),
        members: f.members.clone(),
        plans: f.plans.clone(),
        ratings: f.ratings.clone(),
        key_posts: f.key_posts.clone(),
        registrations: f.registrations.clone(),
        reviews: f.reviews.clone(),
        tasks: f.tasks.clone(),
        records: f.records.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn index_equals_reference(seed in proptest::collection::vec(any::<u32>(), 50..200), q in proptest::collection::vec(any::<u32>(), 8)) {
        let f = facts(&seed);
        let ix = Index::build(clone_facts(&f));
        // The same facts with every subtree summarised on its first query (see `summary.rs`).
        let mut summarised = Index::build(clone_facts(&f));
        summarised.set_summary_threshold(0);
        // And one whose top subtrees were summarised at start-up, for the tree's shapes of the
        // last five years.
        let mut warmed = Index::build(clone_facts(&f));
        warmed.set_summary_threshold(0);
        warmed.warm(day(799));
        let n = f.tree.len() as u32;
        for k in 0..4 {
            let unit = 1 + (q[k] % n) as i64;
            let a = Month::new(2024, 1).0 + (q[k + 4] % 24) as i32;
            let b = a + (q[(k + 1) % 8] % 12) as i32;
            let period = Period::new(Month(a), Month(b));
            let as_of = day(q[(k + 2) % 8] % 800);
            let expected = reference::figures(&f, unit, period, as_of);
            prop_assert_eq!(ix.figures(unit, period, as_of), expected, "unit {} period {:?} as of {}", unit, period, as_of);
            // Walked and summarised, then from the summary, for this period and the next one.
            prop_assert_eq!(summarised.figures(unit, period, as_of), expected, "walked, unit {} period {:?} as of {}", unit, period, as_of);
            prop_assert_eq!(warmed.figures(unit, period, as_of), expected, "warmed, unit {} period {:?} as of {}", unit, period, as_of);
            prop_assert_eq!(summarised.figures(unit, period, as_of), expected, "summarised, unit {} period {:?} as of {}", unit, period, as_of);
            let (a2, b2) = (a + (q[k + 4] % 5) as i32, b + (q[k] % 7) as i32);
            let other = Period::new(Month(a2), Month(b2.max(a2)));
            prop_assert_eq!(summarised.figures(unit, other, as_of), reference::figures(&f, unit, other, as_of), "summarised, unit {} period {:?} as of {}", unit, other, as_of);
            prop_assert_eq!(summarised.monthly(unit, period, as_of), ix.monthly(unit, period, as_of), "summarised months, unit {} period {:?} as of {}", unit, period, as_of);
            // The monthly trend: each month's additive figures are the recount over that month.
            for m in ix.monthly(unit, period, as_of) {
                let r = reference::figures(&f, unit, Period::new(m.month, m.month), as_of);
                prop_assert_eq!(
                    (m.conferences, m.member_attendances, m.other_attendances, m.meetings, m.meetings_with_study, m.meeting_member_attendances, m.meeting_other_attendances),
                    (r.conferences, r.member_attendances, r.other_attendances, r.meetings, r.meetings_with_study, r.meeting_member_attendances, r.meeting_other_attendances),
                    "unit {} month {:?} as of {}", unit, m.month, as_of
                );
            }
            for t in &f.topics {
                let expected = reference::topic_people(&f, unit, t, as_of);
                prop_assert_eq!(ix.topic_people(unit, t, as_of), expected, "unit {} topic {} as of {}", unit, t.id, as_of);
                // Walked and kept, then kept.
                for _ in 0..2 {
                    prop_assert_eq!(summarised.topic_people(unit, t, as_of), expected, "summarised, unit {} topic {} as of {}", unit, t.id, as_of);
                }
            }
            let year = 2024 + (q[k] % 2) as i32;
            for kinds in [&[PlanKind::TermPlan][..], &[PlanKind::YearPlan], &[PlanKind::TermPlan, PlanKind::YearPlan]] {
                let expected = reference::plans_made(&f, unit, as_of, period.from, period.to, kinds, year);
                prop_assert_eq!(ix.plans_made(unit, as_of, period.from, period.to, kinds, year), expected, "unit {} plans {:?} of {} over {:?} as of {}", unit, kinds, year, period, as_of);
                for _ in 0..2 {
                    prop_assert_eq!(summarised.plans_made(unit, as_of, period.from, period.to, kinds, year), expected, "summarised, unit {} plans {:?} of {} over {:?} as of {}", unit, kinds, year, period, as_of);
                }
            }
            for who in [Expected::Everyone, Expected::Members, Expected::KeyCadres] {
                let (first, last) = (day(q[k] % 300), day(300 + q[k + 1] % 300));
                let walked = ix.movement(unit, as_of, 1, who, first, last);
                for _ in 0..2 {
                    prop_assert_eq!(summarised.movement(unit, as_of, 1, who, first, last), walked.clone(), "summarised, unit {} movement {:?} as of {}", unit, who, as_of);
                }
            }
            for quarter in [0, 2] {
                let expected = reference::ratings(&f, unit, as_of, year, quarter);
                prop_assert_eq!(ix.ratings(unit, as_of, year, quarter), expected.clone(), "unit {} ratings of {} q{} as of {}", unit, year, quarter, as_of);
                for _ in 0..2 {
                    prop_assert_eq!(summarised.ratings(unit, as_of, year, quarter), expected.clone(), "summarised, unit {} ratings of {} q{} as of {}", unit, year, quarter, as_of);
                }
            }
        }
    }

    #[test]
    fn incremental_changes_equal_a_fresh_build(seed in proptest::collection::vec(any::<u32>(), 50..200), drop in any::<u32>()) {
        let mut f = facts(&seed);
        let mut ix = Index::build(clone_facts(&f));
        // Summaries of every subtree on both days queried below, made before the changes so
        // that the changes must keep them current.
        ix.set_summary_threshold(0);
        for unit in 1..=f.tree.len() as i64 {
            for (period, on) in [(Period::new(Month::new(2024, 1), Month::new(2025, 12)), day(800)), (Period::year(2024), day(100))] {
                ix.figures(unit, period, on);
            }
            // Answers the summaries keep, on the keys asked again below.
            for t in &f.topics {
                ix.topic_people(unit, t, day(800));
            }
            ix.plans_made(unit, day(800), Month::new(2025, 1), Month::new(2025, 12), &[PlanKind::TermPlan, PlanKind::YearPlan], 2025);
            for quarter in 0..=4 {
                ix.ratings(unit, day(800), 2025, quarter);
            }
            for who in [Expected::Everyone, Expected::Members, Expected::KeyCadres] {
                ix.movement(unit, day(800), 1, who, day(0), day(500));
            }
        }
        prop_assert!(ix.summary_count() > 0);
        // Remove a slice of attendance and a membership incrementally, then add one back.
        if !f.attendances.is_empty() {
            let k = drop as usize % f.attendances.len();
            let gone: Vec<Attendance> = f.attendances.drain(k..(k + 5).min(f.attendances.len())).collect();
            for a in &gone { ix.remove_attendance(a); }
            let back = gone[0].clone();
            ix.add_attendance(&back);
            f.attendances.push(back);
        }
        // A conference removed with its attendance and points; a regular meeting with study
        // content added to a cell that had none that month.
        if !f.conferences.is_empty() {
            let c = f.conferences.remove(drop as usize % f.conferences.len());
            for a in f.attendances.iter().filter(|a| a.conference_id == c.id) { ix.remove_attendance(a); }
            f.attendances.retain(|a| a.conference_id != c.id);
            for p in f.points.iter().filter(|p| p.conference_id == c.id) { ix.remove_point(p); }
            f.points.retain(|p| p.conference_id != c.id);
            ix.remove_conference(&c);
            ix.forget_conference(c.id);
        }
        let meeting = Conference {
            id: 1000,
            code: "C1000".into(),
            unit_id: 1 + (drop as i64 % f.tree.len() as i64),
            held_on: day(drop % 730),
            title: "Sinh hoạt".into(),
            level: String::new(),
            online: false,
            others_count: 0,
            unlisted_members: 2,
            topic_ids: vec![],
            regular_meeting: true,
            study_content: true,
        };
        ix.add_conference(&meeting);
        f.conferences.push(meeting);
        if !f.memberships.is_empty() {
            let m = f.memberships.remove(drop as usize % f.memberships.len());
            ix.remove_membership(&m);
        }
        // A plan returned, another made; a member who leaves the party.
        if !f.plans.is_empty() {
            let (p, plan) = f.plans.remove(drop as usize % f.plans.len());
            ix.set_plan(p, plan, false);
            let (from_year, to_year) = PlanKind::YearPlan.years_for(2025);
            let made = PlanMade { kind: PlanKind::YearPlan, from_year, to_year };
            ix.set_plan(p, made, true);
            f.plans.retain(|(q, x)| !(*q == p && *x == made));
            f.plans.push((p, made));
        }
        if let Some(p) = f.members.pop() {
            ix.set_member(p, false);
        }
        // A rating changed; a cadre's key posts rewritten.
        if !f.ratings.is_empty() {
            let k = drop as usize % f.ratings.len();
            f.ratings[k].level_code = "khong_hoan_thanh".into();
            let r = &f.ratings[k];
            ix.set_rating(r.subject, r.subject_id, r.year, r.quarter, Some((&r.scale, &r.level_code)));
        }
        if let Some(&(p, from, _)) = f.key_posts.first() {
            f.key_posts.retain(|x| x.0 != p);
            let posts = vec![(from, Some(day(500))), (day(600), None)];
            f.key_posts.extend(posts.iter().map(|(a, b)| (p, *a, *b)));
            ix.set_key_posts(p, &posts);
        }
        // A registration added, a review changed.
        if let Some(&(_, _, p)) = f.registrations.first() {
            let other = 1 + p % 25;
            if !f.registrations.iter().any(|r| r.2 == other) {
                f.registrations.push((500, 1, other));
                ix.set_registration(500, 1, other);
            }
            let review = (100 + p, Month::new(2024, 1 + drop % 12), drop % 2 == 0);
            f.reviews.retain(|r| (r.0, r.1) != (review.0, review.1));
            f.reviews.push(review);
            ix.set_review(review.0, review.1, review.2);
        }
        let fresh = Index::build(clone_facts(&f));
        let n = f.tree.len() as i64;
        // Both before `compact` (per-unit data) and after (the flat layout).
        for compacted in [false, true] {
            if compacted {
                ix.compact();
            }
            for unit in 1..=n {
                let period = Period::new(Month::new(2024, 1), Month::new(2025, 12));
                prop_assert_eq!(ix.figures(unit, period, day(800)), reference::figures(&f, unit, period, day(800)));
                prop_assert_eq!(ix.figures(unit, Period::year(2024), day(100)), reference::figures(&f, unit, Period::year(2024), day(100)));
                for t in &f.topics {
                    prop_assert_eq!(ix.topic_people(unit, t, day(800)), reference::topic_people(&f, unit, t, day(800)));
                }
                let kinds = [PlanKind::TermPlan, PlanKind::YearPlan];
                let (from, to) = (Month::new(2025, 1), Month::new(2025, 12));
                prop_assert_eq!(ix.plans_made(unit, day(800), from, to, &kinds, 2025), reference::plans_made(&f, unit, day(800), from, to, &kinds, 2025));
                for quarter in 0..=4 {
                    prop_assert_eq!(ix.ratings(unit, day(800), 2025, quarter), reference::ratings(&f, unit, day(800), 2025, quarter));
                }
                for who in [Expected::Everyone, Expected::Members, Expected::KeyCadres] {
                    prop_assert_eq!(ix.movement(unit, day(800), 1, who, day(0), day(500)), fresh.movement(unit, day(800), 1, who, day(0), day(500)), "movement {:?} of unit {}", who, unit);
                }
            }
        }
    }
}

#[test]
fn topic_completion_counts_children_that_met_the_deadline() {
    let d = |m, dd| NaiveDate::from_ymd_opt(2022, m, dd).unwrap();
    let start = d(1, 1);
    let units: Vec<Unit> = (1..=4)
        .map(|id| Unit {
            id,
            code: format!("U{id}"),
            name: format!("U{id}"),
            kind: "huyen_uy".into(),
            opened_on: start,
            closed_on: None,
        })
        .collect();
    let links = (2..=4)
        .map(|id| ParentLink { unit_id: id, parent_id: 1, valid_from: start, valid_to: None, historic: false })
        .collect();
    let topic = Topic {
        id: 7,
        code: "CD2022".into(),
        title: "Chuyên đề 2022".into(),
        year: 2022,
        term_wide: false,
        deadline: Some(d(3, 20)),
        doc_id: None,
        unit_id: None,
    };
    // A topic issued by unit 2 applies to its subtree only.
    let local = Topic { id: 8, code: "CD-2".into(), unit_id: Some(2), ..topic.clone() };
    let conf = |id, unit_id, held_on| Conference {
        id,
        code: format!("C{id}"),
        unit_id,
        held_on,
        title: "Quán triệt".into(),
        level: String::new(),
        online: false,
        others_count: 0,
        unlisted_members: 0,
        topic_ids: vec![7],
        regular_meeting: false,
        study_content: false,
    };
    let facts = Facts {
        tree: OrgTree::new(units, links, vec![]),
        topics: vec![topic, local],
        conferences: vec![conf(1, 2, d(3, 1)), conf(2, 3, d(3, 20)), conf(3, 4, d(3, 21))],
        ..Facts::default()
    };
    let index = Index::build(facts);
    let report = index.report(1, Period::year(2022), d(12, 31));
    assert_eq!(report.topics.len(), 1, "unit 2's own topic is not counted above it");
    assert_eq!(report.topics[0].label(), "2/3", "unit 4 studied the topic a day late");
    let of_2: Vec<i64> = index.report(2, Period::year(2022), d(12, 31)).topics.iter().map(|t| t.topic_id).collect();
    assert_eq!(of_2, [7, 8], "the issuer's own report counts its topic");
    let of_3: Vec<i64> = index.report(3, Period::year(2022), d(12, 31)).topics.iter().map(|t| t.topic_id).collect();
    assert_eq!(of_3, [7], "nor beside it");
    assert_eq!(report.figures.conferences, 3);
    assert_eq!(report.children.len(), 3);
}
