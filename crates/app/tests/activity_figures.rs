//! Property tests of the activity figures. For several seeds, random writes go through the
//! App's public service functions (plans and their review, ratings, emulation movements,
//! breakthrough tasks, covenants, with people added and transferred between units and their
//! posts — key cadre, head of unit — changed from random dates along the way); then every
//! figure the App computes (mostly in SQL) is compared, for every unit of the province, with a
//! slow recount from the facts the test itself wrote and kept in plain Vecs. At the end of each
//! history every kind is exported and imported back: nothing may be new or changed.
//! Every assertion names the engine, the seed and the unit, so a failure can be replayed.
mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use common::{apps, d, imports_back, member_actor, province, Province, Rng};
use lamtheo_app::exports::ExportQuery;
use lamtheo_app::people::{NewPerson, PersonUpdate, PostChange};
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::covenant::{Campaign, ContentGroup, Score, Signatory};
use lamtheo_domain::emulation::{Expected, Movement, Review};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::people::Person;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::plans::{PlanKind, PlanStatus};
use lamtheo_domain::tasks::{BreakthroughTask, TaskStatus};
use lamtheo_domain::Id;
use lamtheo_importer::Kind;

/// Each seed gets fresh databases; the same seed makes the same writes on every engine.
const SEEDS: [u64; 4] = [0x5EED, 0xC0FF_EE11, 0xBADD_CAFE, 0x1234_5678_9ABC];

struct UnitFact {
    id: Id,
    label: String,
    kind: &'static str,
    parent: Option<Id>,
}

/// Belonging to a unit on the days [from, to); `to` None: still there.
struct Stint {
    unit: Id,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

impl Stint {
    /// Some day of [first, last] is one of the stint's days.
    fn overlaps(&self, first: NaiveDate, last: NaiveDate) -> bool {
        let start = self.from.max(first);
        let end = match self.to {
            Some(t) => t.pred_opt().expect("a day before").min(last),
            None => last,
        };
        start <= end
    }
}

/// A post held on the days [from, to); `to` None: still held.
struct PostFact {
    from: NaiveDate,
    to: Option<NaiveDate>,
    position: Option<String>,
    key_cadre: bool,
    head_of_unit: bool,
}

impl PostFact {
    fn key(&self) -> bool {
        self.key_cadre || self.head_of_unit
    }

    fn stint(&self) -> Stint {
        Stint { unit: 0, from: self.from, to: self.to }
    }
}

struct PersonFact {
    id: Id,
    is_member: bool,
    /// Oldest first; the last one is the open one.
    stints: Vec<Stint>,
    /// Oldest first; the last one is the open one.
    posts: Vec<PostFact>,
}

impl PersonFact {
    fn current(&self) -> &Stint {
        let s = self.stints.last().expect("a stint");
        assert!(s.to.is_none(), "the last stint is open");
        s
    }

    /// Their unit on `day`, else the current one (a record of that day is judged by it).
    fn unit_on(&self, day: NaiveDate) -> Id {
        self.stints.iter().find(|s| s.overlaps(day, day)).unwrap_or(self.current()).unit
    }

    /// A key cadre (marked so, or the head of a unit) by the post they held on `day`.
    fn key_cadre_on(&self, day: NaiveDate) -> bool {
        self.posts.iter().any(|p| p.key() && p.stint().overlaps(day, day))
    }
}

/// The facts the test wrote: the province's fixed tree and the people with their stints.
struct World {
    engine: &'static str,
    seed: u64,
    units: Vec<UnitFact>,
    people: Vec<PersonFact>,
    added: usize,
    /// Changes of post: (refused, corrected on the open post's day, ended the open post).
    post_changes: (usize, usize, usize),
}

impl World {
    /// Mirrors `common::province`: P → D1, D2 → C1..C4 → K1..K4, all opened in 2000, three
    /// members per cell since 2010 except the first cell's third one (since 1/11/2024).
    fn new(engine: &'static str, seed: u64, pv: &Province) -> World {
        let mut units = vec![UnitFact { id: pv.p, label: "P".into(), kind: "tinh_uy", parent: None }];
        for (i, &id) in pv.districts.iter().enumerate() {
            units.push(UnitFact { id, label: format!("D{}", i + 1), kind: "huyen_uy", parent: Some(pv.p) });
        }
        for i in 0..4 {
            units.push(UnitFact {
                id: pv.communes[i],
                label: format!("C{}", i + 1),
                kind: "dang_uy_xa",
                parent: Some(pv.districts[i / 2]),
            });
            units.push(UnitFact {
                id: pv.cells[i],
                label: format!("K{}", i + 1),
                kind: "chi_bo",
                parent: Some(pv.communes[i]),
            });
        }
        let mut people = vec![];
        for (i, ids) in pv.people.iter().enumerate() {
            for (j, &id) in ids.iter().enumerate() {
                let from = if i == 0 && j == 2 { d(2024, 11, 1) } else { d(2010, 1, 1) };
                let post = PostFact { from, to: None, position: None, key_cadre: false, head_of_unit: false };
                people.push(PersonFact {
                    id,
                    is_member: true,
                    stints: vec![Stint { unit: pv.cells[i], from, to: None }],
                    posts: vec![post],
                });
            }
        }
        World { engine, seed, units, people, added: 0, post_changes: (0, 0, 0) }
    }

    /// "sqlite seed 0x5eed unit C2 (id 5)", for assertion messages.
    fn at(&self, unit: Id) -> String {
        let label = self.units.iter().find(|u| u.id == unit).map_or("?", |u| u.label.as_str());
        format!("{} seed {:#x} unit {label} (id {unit})", self.engine, self.seed)
    }

    fn unit_ids(&self) -> Vec<Id> {
        self.units.iter().map(|u| u.id).collect()
    }

    fn kind(&self, unit: Id) -> &'static str {
        self.units.iter().find(|u| u.id == unit).expect("a unit of the province").kind
    }

    /// Mostly a cell, sometimes any unit (people may also belong to communes or districts).
    fn random_home(&self, rng: &mut Rng) -> Id {
        if rng.chance(75) {
            let cells: Vec<Id> = self.units.iter().filter(|u| u.kind == "chi_bo").map(|u| u.id).collect();
            rng.pick(&cells)
        } else {
            rng.pick(&self.unit_ids())
        }
    }

    /// `unit` is `ancestor` or lies below it (the tree never changes in these tests).
    fn within(&self, unit: Id, ancestor: Id) -> bool {
        let mut cur = Some(unit);
        while let Some(u) = cur {
            if u == ancestor {
                return true;
            }
            cur = self.units.iter().find(|x| x.id == u).and_then(|x| x.parent);
        }
        false
    }

    fn subtree(&self, root: Id) -> Vec<Id> {
        self.unit_ids().into_iter().filter(|u| self.within(*u, root)).collect()
    }

    /// The person belonged to some unit of `root`'s subtree on some day of [first, last].
    fn belonged(&self, p: &PersonFact, root: Id, first: NaiveDate, last: NaiveDate) -> bool {
        p.stints.iter().any(|s| self.within(s.unit, root) && s.overlaps(first, last))
    }

    /// On some day of [first, last] the person both belonged to `root`'s subtree and held a
    /// key-cadre post: checked day by day.
    fn key_cadre_in(&self, p: &PersonFact, root: Id, first: NaiveDate, last: NaiveDate) -> bool {
        first.iter_days().take_while(|day| *day <= last).any(|day| {
            p.key_cadre_on(day) && p.stints.iter().any(|s| self.within(s.unit, root) && s.overlaps(day, day))
        })
    }

    async fn add_random_person(&mut self, app: &App, rng: &mut Rng) {
        self.added += 1;
        let tag = self.added;
        let is_member = rng.chance(70);
        let key_cadre = rng.chance(35);
        let head_of_unit = rng.chance(15);
        let position = random_position(rng);
        let person = Person {
            card_no: is_member.then(|| format!("R-{tag}")),
            person_code: (!is_member).then(|| format!("NM-{tag}")),
            full_name: format!("Người thứ {tag}"),
            is_member,
            position: position.clone(),
            key_cadre,
            head_of_unit,
            ..Person::default()
        };
        let unit = self.random_home(rng);
        let since = rng.date(2023, 2026);
        let id = app
            .add_person(&Actor::system(), NewPerson { person, unit_id: unit, since })
            .await
            .unwrap_or_else(|e| panic!("{}: add person {tag}: {e:?}", self.at(unit)));
        self.people.push(PersonFact {
            id,
            is_member,
            stints: vec![Stint { unit, from: since, to: None }],
            // Their post holds from the day they start in the unit.
            posts: vec![PostFact { from: since, to: None, position, key_cadre, head_of_unit }],
        });
    }

    /// A change of post from a random day, through the API's change of post or the person's
    /// form: refused before the open post's first day; on that day it corrects the open post;
    /// the same post as the open one changes nothing.
    async fn change_random_post(&mut self, app: &App, rng: &mut Rng) {
        let i = rng.index(self.people.len());
        let open = self.people[i].posts.last().expect("a post");
        // Now and then on the open post's own first day (a correction); a key cadre often
        // leaves the post.
        let from = if rng.chance(15) { open.from } else { rng.date(2023, 2026) };
        let (key_cadre, head_of_unit) =
            if open.key() && rng.chance(60) { (false, false) } else { (rng.chance(45), rng.chance(20)) };
        let position = random_position(rng);
        let id = self.people[i].id;
        let r = if rng.chance(50) {
            let change = PostChange { post_from: Some(from), position: position.clone(), key_cadre, head_of_unit };
            app.change_post(&Actor::system(), id, change).await
        } else {
            let person = app.person(&Actor::system(), id).await.unwrap().person;
            let person = Person { position: position.clone(), key_cadre, head_of_unit, ..person };
            app.update_person_from(&Actor::system(), PersonUpdate { person, post_from: Some(from) }).await
        };
        let p = &mut self.people[i];
        let open = p.posts.last_mut().expect("a post");
        let same = (&open.position, open.key_cadre, open.head_of_unit) == (&position, key_cadre, head_of_unit);
        let refused = !same && from < open.from;
        let what = format!("{} seed {:#x}: person {id}'s post from {from}", self.engine, self.seed);
        assert_eq!(r.is_ok(), !refused, "{what}: {r:?}");
        if let Err(e) = &r {
            assert_eq!(e.field.as_deref(), Some("post_from"), "{what}: {e:?}");
        }
        if refused {
            self.post_changes.0 += 1;
        } else if same {
        } else if from == open.from {
            (open.position, open.key_cadre, open.head_of_unit) = (position, key_cadre, head_of_unit);
            self.post_changes.1 += 1;
        } else {
            open.to = Some(from);
            p.posts.push(PostFact { from, to: None, position, key_cadre, head_of_unit });
            self.post_changes.2 += 1;
        }
    }

    /// A transfer is refused on or before the current stint's first day, or to the same unit.
    async fn transfer_random_person(&mut self, app: &App, rng: &mut Rng) {
        let i = rng.index(self.people.len());
        let to = self.random_home(rng);
        let on = rng.date(2023, 2026);
        let (id, cur_unit, cur_from) = {
            let p = &self.people[i];
            (p.id, p.current().unit, p.current().from)
        };
        let predicted = on > cur_from && cur_unit != to;
        let r = app.transfer_person(&Actor::system(), id, to, on).await;
        assert_eq!(r.is_ok(), predicted, "{}: transfer of person {id} to unit {to} on {on}: {r:?}", self.at(cur_unit));
        if r.is_ok() {
            let p = &mut self.people[i];
            p.stints.last_mut().expect("a stint").to = Some(on);
            p.stints.push(Stint { unit: to, from: on, to: None });
        }
    }
}

/// No position, or one of a few.
fn random_position(rng: &mut Rng) -> Option<String> {
    [None, Some("Bí thư chi bộ"), Some("Trưởng bản"), Some("Đảng viên")][rng.index(4)].map(str::to_string)
}

// ---------------------------------------------------------------------------------------
// 1. Plans and commitments.

struct PlanFact {
    id: Id,
    person: Id,
    kind: PlanKind,
    from_year: i32,
    to_year: i32,
    status: PlanStatus,
}

/// The years a plan covers: its calendar year, or the five-year term that contains it.
fn plan_years(kind: PlanKind, year: i32) -> (i32, i32) {
    match kind {
        PlanKind::TermPlan => [(2016, 2020), (2021, 2025), (2026, 2030), (2031, 2035)]
            .into_iter()
            .find(|&(a, b)| a <= year && year <= b)
            .expect("a term"),
        PlanKind::YearPlan | PlanKind::Commitment => (year, year),
    }
}

#[tokio::test]
async fn plan_figures_match_a_recount() {
    for seed in SEEDS {
        for (engine, app) in apps().await {
            let sys = Actor::system();
            let pv = province(&app).await;
            let mut w = World::new(engine, seed, &pv);
            let mut rng = Rng(seed);
            for _ in 0..4 {
                w.add_random_person(&app, &mut rng).await;
            }
            let mut plans: Vec<PlanFact> = vec![];
            for step in 0..70 {
                match rng.below(10) {
                    0 => w.add_random_person(&app, &mut rng).await,
                    1 => w.transfer_random_person(&app, &mut rng).await,
                    2..=6 => {
                        // A member (or a non-member, who never counts) writes their own plan.
                        let p = &w.people[rng.index(w.people.len())];
                        let (person, unit) = (p.id, p.current().unit);
                        let kind = rng.pick(&PlanKind::ALL);
                        let year = 2024 + rng.below(3) as i32;
                        let submit = rng.chance(60);
                        let blank = rng.chance(5);
                        let content =
                            if blank { " \n " } else { "Làm theo Bác: tiết kiệm, giúp đỡ hộ nghèo" };
                        let (from_year, to_year) = plan_years(kind, year);
                        let existing =
                            plans.iter().position(|x| x.person == person && x.kind == kind && x.from_year == from_year);
                        let acknowledged = existing.is_some_and(|i| plans[i].status == PlanStatus::Acknowledged);
                        let what = format!(
                            "{}: step {step}: person {person} saves {kind:?} {year} (submit {submit}, blank {blank})",
                            w.at(unit)
                        );
                        let r = app.save_own_plan(&member_actor(person, unit), kind, year, content, submit).await;
                        assert_eq!(r.is_ok(), !blank && !acknowledged, "{what}: {r:?}");
                        if let Ok(id) = r {
                            let status = if submit { PlanStatus::Submitted } else { PlanStatus::Draft };
                            match existing {
                                Some(i) => {
                                    assert_eq!(plans[i].id, id, "{what}: one plan per person, kind and years");
                                    plans[i].status = status;
                                }
                                None => plans.push(PlanFact { id, person, kind, from_year, to_year, status }),
                            }
                        }
                    }
                    _ => {
                        // The cell acknowledges or returns a plan; only a submitted one can be.
                        if plans.is_empty() {
                            continue;
                        }
                        let i = rng.index(plans.len());
                        let acknowledge = rng.chance(60);
                        let comment = if !acknowledge && rng.chance(20) { " " } else { "Chi bộ góp ý" };
                        let unit = w.people.iter().find(|p| p.id == plans[i].person).expect("a person").current().unit;
                        let r = app.review_plan(&sys, plans[i].id, acknowledge, comment).await;
                        let ok =
                            plans[i].status == PlanStatus::Submitted && (acknowledge || !comment.trim().is_empty());
                        assert_eq!(
                            r.is_ok(),
                            ok,
                            "{}: step {step}: review of plan {} ({:?}, acknowledge {acknowledge}): {r:?}",
                            w.at(unit),
                            plans[i].id,
                            plans[i].status
                        );
                        if r.is_ok() {
                            plans[i].status = if acknowledge { PlanStatus::Acknowledged } else { PlanStatus::Returned };
                        }
                    }
                }
            }

            let periods = [
                Period::year(2024),
                Period::year(2025),
                Period::year(2026),
                Period::new(Month::new(2024, 6), Month::new(2025, 3)),
            ];
            let mut made_somewhere = 0;
            for unit in w.unit_ids() {
                for period in periods {
                    let figures = app
                        .plan_figures(&sys, unit, period, period.last_day())
                        .await
                        .unwrap_or_else(|e| panic!("{}: {e:?}", w.at(unit)));
                    let year = period.to.year();
                    assert_eq!(figures.len(), PlanKind::ALL.len(), "{}: {}", w.at(unit), period.label());
                    let made_plan = |p: &PersonFact, kind: PlanKind| {
                        plans.iter().any(|x| {
                            x.person == p.id
                                && x.kind == kind
                                && x.from_year <= year
                                && year <= x.to_year
                                && matches!(x.status, PlanStatus::Submitted | PlanStatus::Acknowledged)
                        })
                    };
                    for kind in PlanKind::ALL {
                        let (from_year, to_year) = plan_years(kind, year);
                        let (first, last) = (d(from_year, 1, 1), d(to_year, 12, 31));
                        let everyone: Vec<&PersonFact> =
                            w.people.iter().filter(|p| w.belonged(p, unit, first, last)).collect();
                        let made_all = everyone.iter().filter(|p| made_plan(p, kind)).count();
                        let expected: Vec<&&PersonFact> = everyone.iter().filter(|p| p.is_member).collect();
                        let made = expected.iter().filter(|p| made_plan(p, kind)).count();
                        made_somewhere += made;
                        let f = figures
                            .iter()
                            .find(|f| f.kind == kind)
                            .unwrap_or_else(|| panic!("{}: {}: no figure for {kind:?}", w.at(unit), period.label()));
                        assert_eq!(
                            (f.from_year, f.to_year, f.made, f.expected, f.made_all, f.expected_all),
                            (
                                from_year,
                                to_year,
                                made as i64,
                                expected.len() as i64,
                                made_all as i64,
                                everyone.len() as i64
                            ),
                            "{}: {} ({kind:?}, year {year}): (from, to, made, expected, made by all, all)",
                            w.at(unit),
                            period.label()
                        );
                    }
                    // Both the term plan and the year's plan, among those of the year.
                    let of_year: Vec<&PersonFact> =
                        w.people.iter().filter(|p| w.belonged(p, unit, d(year, 1, 1), d(year, 12, 31))).collect();
                    let both = |p: &PersonFact| made_plan(p, PlanKind::TermPlan) && made_plan(p, PlanKind::YearPlan);
                    let b = app.both_plans(&sys, unit, period, period.last_day()).await.unwrap();
                    assert_eq!(
                        (b.made, b.expected, b.made_all, b.expected_all),
                        (
                            of_year.iter().filter(|p| p.is_member && both(p)).count() as i64,
                            of_year.iter().filter(|p| p.is_member).count() as i64,
                            of_year.iter().filter(|p| both(p)).count() as i64,
                            of_year.len() as i64
                        ),
                        "{}: {}: both plans",
                        w.at(unit),
                        period.label()
                    );
                }
            }
            assert!(made_somewhere > 0, "{engine} seed {seed:#x}: the random writes made no counted plan at all");
            let mut exported = 0;
            for year in [2024, 2025, 2026] {
                let q = ExportQuery { unit: Some(pv.p), year, of: None };
                exported += imports_back(&app, Kind::Plans, q, &format!("{engine} seed {seed:#x}")).await;
            }
            assert!(exported > 0, "{engine} seed {seed:#x}: no plan exported");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 2. Evaluations.

/// The seeded scales, written out from migration 0005's seed rows (store::evaluations):
/// (scale, code, rank, good or better, excellent).
const LEVELS: [(&str, &str, i32, bool, bool); 12] = [
    ("qd124", "xuat_sac", 1, true, true),
    ("qd124", "tot", 2, true, false),
    ("qd124", "hoan_thanh", 3, false, false),
    ("qd124", "khong_hoan_thanh", 4, false, false),
    ("qd366", "xuat_sac", 1, true, true),
    ("qd366", "tot", 2, true, false),
    ("qd366", "hoan_thanh", 3, false, false),
    ("qd366", "khong_hoan_thanh", 4, false, false),
    ("cu", "tot", 1, true, false),
    ("cu", "kha", 2, false, false),
    ("cu", "trung_binh", 3, false, false),
    ("cu", "yeu", 4, false, false),
];

fn level_info(scale: &str, code: &str) -> (i32, bool, bool) {
    let l = LEVELS.iter().find(|l| l.0 == scale && l.1 == code).unwrap_or_else(|| panic!("level {scale}/{code}"));
    (l.2, l.3, l.4)
}

fn codes_of(scale: &str) -> Vec<&'static str> {
    LEVELS.iter().filter(|l| l.0 == scale).map(|l| l.1).collect()
}

/// Quy định 366: 90 and above excellent, 70–89 good, 50–69 completed, below 50 not completed.
fn level_of_score(score: i32) -> &'static str {
    match score {
        90.. => "xuat_sac",
        70..=89 => "tot",
        50..=69 => "hoan_thanh",
        _ => "khong_hoan_thanh",
    }
}

/// The days of a quarter (1–4) or of the whole year (0).
fn quarter_days(year: i32, quarter: i32) -> (NaiveDate, NaiveDate) {
    match quarter {
        1 => (d(year, 1, 1), d(year, 3, 31)),
        2 => (d(year, 4, 1), d(year, 6, 30)),
        3 => (d(year, 7, 1), d(year, 9, 30)),
        4 => (d(year, 10, 1), d(year, 12, 31)),
        _ => (d(year, 1, 1), d(year, 12, 31)),
    }
}

/// A random rating and the (scale, level) it should be stored with; None when it must be refused.
fn random_rating(rng: &mut Rng, subject: Subject, subject_id: Id) -> (Evaluation, Option<(String, String)>) {
    let mut e = Evaluation {
        subject,
        subject_id,
        year: 2024 + rng.below(2) as i32,
        quarter: rng.below(5) as i32,
        scale: String::new(),
        level_code: String::new(),
        score: None,
        note: String::new(),
    };
    let stored = match rng.below(20) {
        0 => {
            // Refused: a score above 100, a level not on the scale, a score on an unscored scale.
            match rng.below(3) {
                0 => (e.scale, e.score) = ("qd366".into(), Some(101)),
                1 => (e.scale, e.level_code) = ("qd124".into(), "gioi".into()),
                _ => (e.scale, e.score) = ("qd124".into(), Some(80)),
            }
            None
        }
        1..=9 => {
            let scale = if rng.chance(60) { "qd124" } else { "cu" };
            e.scale = scale.into();
            e.level_code = rng.pick(&codes_of(scale)).into();
            Some((e.scale.clone(), e.level_code.clone()))
        }
        10..=16 => {
            // A score decides the level, whatever level was typed; thresholds are hit often.
            let score =
                if rng.chance(40) { rng.pick(&[0, 49, 50, 69, 70, 89, 90, 100]) } else { rng.below(101) as i32 };
            e.scale = "qd366".into();
            e.score = Some(score);
            e.level_code = if rng.chance(50) { rng.pick(&codes_of("qd366")).into() } else { String::new() };
            Some(("qd366".into(), level_of_score(score).into()))
        }
        _ => {
            e.scale = "qd366".into();
            e.level_code = rng.pick(&codes_of("qd366")).into();
            Some((e.scale.clone(), e.level_code.clone()))
        }
    };
    (e, stored)
}

#[tokio::test]
async fn evaluation_report_matches_a_recount() {
    // Over every seed and engine: changes of post refused, corrected and recorded, and rated
    // key cadres counted by a post other than their latest (or left out by one).
    let mut exercised = [0; 4];
    for seed in SEEDS {
        for (engine, app) in apps().await {
            let sys = Actor::system();
            let pv = province(&app).await;
            let mut w = World::new(engine, seed, &pv);
            let mut rng = Rng(seed ^ 0xE7A1);
            let seeded: BTreeSet<(String, String, i32, bool, bool)> = app
                .rating_levels()
                .await
                .unwrap()
                .into_iter()
                .map(|l| (l.scale, l.code, l.rank, l.good_or_better, l.excellent))
                .collect();
            let written: BTreeSet<(String, String, i32, bool, bool)> =
                LEVELS.iter().map(|l| (l.0.to_string(), l.1.to_string(), l.2, l.3, l.4)).collect();
            assert_eq!(seeded, written, "{engine} seed {seed:#x}: the reference's copy of the seeded scales");
            for _ in 0..8 {
                w.add_random_person(&app, &mut rng).await;
            }
            // (subject, id, year, quarter) → (scale, level)
            let mut ratings: HashMap<(Subject, Id, i32, i32), (String, String)> = HashMap::new();
            for step in 0..70 {
                let kind = rng.below(12);
                match kind {
                    0 => w.add_random_person(&app, &mut rng).await,
                    1 => w.transfer_random_person(&app, &mut rng).await,
                    10 | 11 => w.change_random_post(&app, &mut rng).await,
                    _ => {
                        let mut rows = vec![];
                        let mut stored = vec![];
                        for _ in 0..1 + rng.below(4) {
                            let (subject, id) = if kind <= 6 {
                                (Subject::Person, w.people[rng.index(w.people.len())].id)
                            } else {
                                (Subject::Unit, rng.pick(&w.unit_ids()))
                            };
                            let (e, s) = random_rating(&mut rng, subject, id);
                            stored.push(s.map(|s| ((subject, id, e.year, e.quarter), s)));
                            rows.push(e);
                        }
                        let valid = stored.iter().all(Option::is_some);
                        let n = rows.len();
                        let what = format!("{engine} seed {seed:#x} step {step}: ratings {rows:?}");
                        let r = app.record_evaluations(&sys, rows).await;
                        assert_eq!(r.is_ok(), valid, "{what}: {r:?}");
                        if let Ok(count) = r {
                            assert_eq!(count, n, "{what}");
                            // One rating per subject and period: the last one written stays.
                            for (key, s) in stored.into_iter().flatten() {
                                ratings.insert(key, s);
                            }
                        }
                    }
                }
            }

            let groups = ["members", "key_cadres", "member_key_cadres", "non_member_key_cadres", "organisations"];
            let mut warnings = [0, 0];
            // Rated key cadres whose latest post is not the one they held then, and the reverse.
            let mut past_posts = 0;
            for unit in w.unit_ids() {
                for year in [2024, 2025] {
                    for quarter in 0..=4 {
                        let report = app
                            .evaluation_report(&sys, unit, year, quarter, d(2025, 12, 31), false)
                            .await
                            .unwrap_or_else(|e| panic!("{}: {e:?}", w.at(unit)));
                        let at = format!("{}: {year} quarter {quarter}", w.at(unit));
                        assert_eq!(report.iter().map(|x| x.group).collect::<Vec<_>>(), groups, "{at}");
                        let (first, last) = quarter_days(year, quarter);
                        for (g, dist) in report.iter().enumerate() {
                            // Key cadres by the post they held on the period's last day.
                            let rated: Vec<(String, String)> = if g < 4 {
                                w.people
                                    .iter()
                                    .filter(|p| match g {
                                        0 => p.is_member,
                                        1 => p.key_cadre_on(last),
                                        2 => p.key_cadre_on(last) && p.is_member,
                                        _ => p.key_cadre_on(last) && !p.is_member,
                                    })
                                    .filter(|p| w.belonged(p, unit, first, last))
                                    .filter_map(|p| ratings.get(&(Subject::Person, p.id, year, quarter)).cloned())
                                    .collect()
                            } else {
                                w.subtree(unit)
                                    .into_iter()
                                    .filter_map(|u| ratings.get(&(Subject::Unit, u, year, quarter)).cloned())
                                    .collect()
                            };
                            if g == 1 {
                                past_posts += w
                                    .people
                                    .iter()
                                    .filter(|p| p.key_cadre_on(last) != p.posts.last().expect("a post").key())
                                    .filter(|p| w.belonged(p, unit, first, last))
                                    .filter(|p| ratings.contains_key(&(Subject::Person, p.id, year, quarter)))
                                    .count();
                            }
                            let mut by_level: BTreeMap<(String, String), i64> = BTreeMap::new();
                            for r in &rated {
                                *by_level.entry(r.clone()).or_default() += 1;
                            }
                            let good = rated.iter().filter(|(s, c)| level_info(s, c).1).count() as i64;
                            let excellent = rated.iter().filter(|(s, c)| level_info(s, c).2).count() as i64;
                            // At most 20% of those rated good or better, rounded down, may be excellent.
                            let warn = excellent > good / 5;
                            warnings[warn as usize] += 1;
                            let got: BTreeMap<(String, String), i64> =
                                dist.levels.iter().map(|(s, c, _, n)| ((s.clone(), c.clone()), *n)).collect();
                            assert_eq!(got.len(), dist.levels.len(), "{at}: {}: a level listed twice", dist.group);
                            assert_eq!(
                                (dist.evaluated, dist.good_or_better, dist.excellent, dist.warning.is_some(), got),
                                (rated.len() as i64, good, excellent, warn, by_level),
                                "{at}: {}: (evaluated, good or better, excellent, warning, levels); warning {:?}",
                                dist.group,
                                dist.warning
                            );
                            let ranks: Vec<i32> = dist.levels.iter().map(|(s, c, _, _)| level_info(s, c).0).collect();
                            assert!(
                                ranks.windows(2).all(|x| x[0] <= x[1]),
                                "{at}: {}: best levels first: {:?}",
                                dist.group,
                                dist.levels
                            );
                        }
                    }
                }
            }
            let (refused, corrected, recorded) = w.post_changes;
            for (n, x) in exercised.iter_mut().zip([refused, corrected, recorded, past_posts]) {
                *n += x;
            }
            assert!(
                warnings[0] > 0 && warnings[1] > 0,
                "{engine} seed {seed:#x}: both sides of the 20% rule are exercised: {warnings:?}"
            );
            let mut exported = 0;
            for year in [2024, 2025, 2026] {
                let q = ExportQuery { unit: Some(pv.p), year, of: None };
                exported += imports_back(&app, Kind::Evaluations, q, &format!("{engine} seed {seed:#x}")).await;
            }
            assert!(exported > 0, "{engine} seed {seed:#x}: no rating exported");
        }
    }
    assert!(exercised.iter().all(|n| *n > 0), "(refused, corrected, recorded, rated by a past post): {exercised:?}");
}

// ---------------------------------------------------------------------------------------
// 3. Emulation movements.

struct MovementFact {
    id: Id,
    unit: Id,
    from: NaiveDate,
    to: NaiveDate,
    expected: Expected,
}

struct RegistrationFact {
    id: Id,
    movement: Id,
    person: Id,
}

/// Expected by a movement over `root`'s subtree: there on some day of it, and for key cadres
/// holding a key-cadre post on such a day.
fn expected_to_register(w: &World, m: &MovementFact, p: &PersonFact, root: Id) -> bool {
    match m.expected {
        Expected::KeyCadres => w.key_cadre_in(p, root, m.from, m.to),
        Expected::Members => p.is_member && w.belonged(p, root, m.from, m.to),
        Expected::Everyone => w.belonged(p, root, m.from, m.to),
    }
}

/// A movement expecting `expected`, or whom the dice say.
async fn new_movement(
    app: &App,
    w: &World,
    rng: &mut Rng,
    movements: &mut Vec<MovementFact>,
    expected: Option<Expected>,
) {
    let unit = rng.pick(&w.unit_ids());
    let (a, b) = (rng.date(2024, 2025), rng.date(2024, 2025));
    let (from, to) = (a.min(b), a.max(b));
    let expected = expected.unwrap_or_else(|| rng.pick(&Expected::ALL));
    let m = Movement {
        id: 0,
        unit_id: unit,
        title: format!("Phong trào thi đua {}", movements.len() + 1),
        from_date: from,
        to_date: to,
        expected,
    };
    let id = app.create_movement(&Actor::system(), m).await.unwrap_or_else(|e| panic!("{}: {e:?}", w.at(unit)));
    movements.push(MovementFact { id, unit, from, to, expected });
}

#[tokio::test]
async fn movement_report_matches_a_recount() {
    // Over every seed and engine: changes of post refused, corrected and recorded, and people
    // expected by a key-cadre post they have left since.
    let mut exercised = [0; 4];
    // Registrations of people their movement does not expect, exported all the same.
    let mut unexpected = 0;
    for seed in SEEDS {
        for (engine, app) in apps().await {
            let sys = Actor::system();
            let pv = province(&app).await;
            let mut w = World::new(engine, seed, &pv);
            let mut rng = Rng(seed ^ 0x3E6A);
            for _ in 0..8 {
                w.add_random_person(&app, &mut rng).await;
            }
            let mut movements = vec![];
            // The first expects key cadres, so that every history has one.
            for i in 0..3 {
                new_movement(&app, &w, &mut rng, &mut movements, (i == 0).then_some(Expected::KeyCadres)).await;
            }
            let mut regs: Vec<RegistrationFact> = vec![];
            // (registration, month) → met
            let mut reviews: BTreeMap<(Id, i32), bool> = BTreeMap::new();
            for step in 0..90 {
                match rng.below(12) {
                    0 => w.add_random_person(&app, &mut rng).await,
                    1 => w.transfer_random_person(&app, &mut rng).await,
                    10 | 11 => w.change_random_post(&app, &mut rng).await,
                    2 => {
                        if movements.len() < 6 {
                            new_movement(&app, &w, &mut rng, &mut movements, None).await;
                        }
                    }
                    3..=6 => {
                        // Mostly someone of the movement's units; sometimes anyone (refused if outside).
                        let m = &movements[rng.index(movements.len())];
                        let inside: Vec<Id> =
                            w.people.iter().filter(|p| w.within(p.current().unit, m.unit)).map(|p| p.id).collect();
                        let person = if !inside.is_empty() && rng.chance(75) {
                            rng.pick(&inside)
                        } else {
                            w.people[rng.index(w.people.len())].id
                        };
                        let blank = rng.chance(5);
                        let content = if blank { "  " } else { "Gương mẫu, tiết kiệm" };
                        let on = rng.date(2024, 2025);
                        // Whether they were among the movement's units: on the day they register.
                        let unit = w.people.iter().find(|p| p.id == person).expect("a person").unit_on(on);
                        let r = app.register(&sys, m.id, person, content, on).await;
                        let what = format!(
                            "{}: step {step}: person {person} registers to movement {} on {on}",
                            w.at(unit),
                            m.id
                        );
                        assert_eq!(r.is_ok(), !blank && w.within(unit, m.unit), "{what}: {r:?}");
                        if let Ok(id) = r {
                            match regs.iter().find(|x| x.movement == m.id && x.person == person) {
                                Some(x) => assert_eq!(x.id, id, "{what}: one registration per person and movement"),
                                None => regs.push(RegistrationFact { id, movement: m.id, person }),
                            }
                        }
                    }
                    _ => {
                        if regs.is_empty() {
                            continue;
                        }
                        let fact = &regs[rng.index(regs.len())];
                        let (reg, m) = (fact.id, movements.iter().find(|m| m.id == fact.movement).unwrap());
                        let month = Month::new(2024 + rng.below(2) as i32, 1 + rng.below(12) as u32);
                        let met = rng.chance(60);
                        let r = app
                            .review_registration(
                                &sys,
                                Review { registration_id: reg, month: month.0, met, comment: String::new() },
                            )
                            .await;
                        // A month outside the movement's period is refused.
                        let within = month.last_day() >= m.from && month.first_day() <= m.to;
                        assert_eq!(r.is_ok(), within, "{engine} seed {seed:#x} step {step}: review {reg}: {r:?}");
                        if r.is_ok() {
                            reviews.insert((reg, month.0), met);
                        }
                    }
                }
            }

            let mut registered_somewhere = 0;
            let mut past_posts = 0;
            for m in &movements {
                for unit in w.unit_ids() {
                    let r = app
                        .movement_report(&sys, m.id, unit, d(2025, 12, 31))
                        .await
                        .unwrap_or_else(|e| panic!("{}: movement {}: {e:?}", w.at(unit), m.id));
                    let expected: Vec<&PersonFact> = w
                        .people
                        .iter()
                        .filter(|p| {
                            // The movement reaches the deeper of the two subtrees; disjoint: nobody.
                            let root = if w.within(m.unit, unit) {
                                Some(m.unit)
                            } else if w.within(unit, m.unit) {
                                Some(unit)
                            } else {
                                None
                            };
                            root.is_some_and(|r| expected_to_register(&w, m, p, r))
                        })
                        .collect();
                    let registered: Vec<(&PersonFact, Id)> = expected
                        .iter()
                        .filter_map(|p| {
                            regs.iter().find(|x| x.movement == m.id && x.person == p.id).map(|x| (*p, x.id))
                        })
                        .collect();
                    let members = registered.iter().filter(|(p, _)| p.is_member).count();
                    let mut months: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
                    for ((reg, month), met) in &reviews {
                        if registered.iter().any(|(_, x)| x == reg) {
                            let e = months.entry(*month).or_default();
                            if *met {
                                e.0 += 1;
                            } else {
                                e.1 += 1;
                            }
                        }
                    }
                    registered_somewhere += registered.len();
                    if m.expected == Expected::KeyCadres {
                        // Expected by a post they no longer hold.
                        past_posts += expected.iter().filter(|p| !p.posts.last().expect("a post").key()).count();
                    }
                    let at = format!(
                        "{}: movement {} ({:?}, {}–{}, launched by unit {})",
                        w.at(unit),
                        m.id,
                        m.expected,
                        m.from,
                        m.to,
                        m.unit
                    );
                    assert_eq!(
                        (r.expected, r.registered, r.registered_members, r.registered_non_members),
                        (expected.len(), registered.len(), members, registered.len() - members),
                        "{at}: (expected, registered, members, non-members)"
                    );
                    assert_eq!(
                        r.months.iter().map(|(mo, a, b)| (mo.0, *a, *b)).collect::<Vec<_>>(),
                        months.into_iter().map(|(mo, (a, b))| (mo, a, b)).collect::<Vec<_>>(),
                        "{at}: (month, met, not met)"
                    );
                    let rows: BTreeSet<Id> = r.rows.iter().map(|x| x.person.id).collect();
                    assert_eq!(rows, expected.iter().map(|p| p.id).collect::<BTreeSet<_>>(), "{at}: the roster");
                }
            }
            assert!(registered_somewhere > 0, "{engine} seed {seed:#x}: no registration counted anywhere");
            // Every registration and review is in its movement's export, those of people the
            // movement does not expect (not a key cadre on any of its days, say) too.
            for m in &movements {
                let q = ExportQuery { unit: None, year: chrono::Datelike::year(&m.from), of: Some(m.id) };
                let what = format!("{engine} seed {seed:#x} movement {}", m.id);
                let regs_of: Vec<Id> = regs.iter().filter(|x| x.movement == m.id).map(|x| x.id).collect();
                let reviews_of = reviews.keys().filter(|(reg, _)| regs_of.contains(reg)).count();
                assert_eq!(imports_back(&app, Kind::Registrations, q, &what).await, regs_of.len(), "{what}");
                assert_eq!(imports_back(&app, Kind::Reviews, q, &what).await, reviews_of, "{what}");
                unexpected += regs_of.len()
                    - regs
                        .iter()
                        .filter(|x| x.movement == m.id)
                        .filter(|x| {
                            let p = w.people.iter().find(|p| p.id == x.person).expect("a person");
                            expected_to_register(&w, m, p, m.unit)
                        })
                        .count();
            }
            let (refused, corrected, recorded) = w.post_changes;
            for (n, x) in exercised.iter_mut().zip([refused, corrected, recorded, past_posts]) {
                *n += x;
            }
        }
    }
    assert!(exercised.iter().all(|n| *n > 0), "(refused, corrected, recorded, expected by a past post): {exercised:?}");
    assert!(unexpected > 0, "no registration by someone the movement does not expect");
}

// ---------------------------------------------------------------------------------------
// 4. Breakthrough tasks.

/// A level's (code, units, tasks) and the same for each of its kinds.
type LevelRow = (String, usize, usize, Vec<(String, usize, usize)>);

struct TaskFact {
    id: Id,
    unit: Id,
    from_year: i32,
    to_year: i32,
}

#[tokio::test]
async fn task_report_matches_a_recount() {
    for seed in SEEDS {
        for (engine, app) in apps().await {
            let sys = Actor::system();
            let pv = province(&app).await;
            let w = World::new(engine, seed, &pv);
            let mut rng = Rng(seed ^ 0x7A5C);
            let mut tasks: Vec<TaskFact> = vec![];
            // Each kind's level and place, as the test reads them once (kinds are data).
            let kinds = app.kinds().await.unwrap();
            let level_order: Vec<String> = app.levels().await.unwrap().into_iter().map(|l| l.code).collect();
            let place = |unit: Id| {
                let k = kinds.iter().position(|k| k.code == w.kind(unit)).expect("a seeded kind");
                let l = level_order.iter().position(|l| *l == kinds[k].level).expect("a seeded level");
                (l, k)
            };
            for step in 0..60 {
                let unit = rng.pick(&w.unit_ids());
                let from_year = 2020 + rng.below(8) as i32;
                let mut to_year = from_year + rng.below(4) as i32;
                let mut title = format!("Nhiệm vụ đột phá {step}");
                let valid = match rng.below(100) {
                    0..=3 => {
                        title = " ".into();
                        false
                    }
                    4..=6 => {
                        to_year = from_year - 1;
                        false
                    }
                    7..=8 => {
                        to_year = from_year + 11;
                        false
                    }
                    _ => true,
                };
                let task = BreakthroughTask {
                    id: 0,
                    unit_id: unit,
                    from_year,
                    to_year,
                    title,
                    field: "Kinh tế".into(),
                    responsible: "Bí thư".into(),
                    status: rng.pick(&TaskStatus::ALL),
                    result: String::new(),
                };
                let r = app.add_task(&sys, task).await;
                assert_eq!(r.is_ok(), valid, "{}: step {step}: task {from_year}–{to_year}: {r:?}", w.at(unit));
                if let Ok(id) = r {
                    tasks.push(TaskFact { id, unit, from_year, to_year });
                }
            }

            let mut periods = vec![
                Period::year(2024),
                Period::year(2025),
                Period::new(Month::new(2021, 1), Month::new(2025, 12)),
                Period::new(Month::new(2023, 7), Month::new(2026, 2)),
            ];
            for _ in 0..4 {
                let y1 = 2018 + rng.below(11) as i32;
                let y2 = y1 + rng.below(3) as i32;
                let (m1, m2) = (1 + rng.below(12) as u32, 1 + rng.below(12) as u32);
                let (m1, m2) = if y1 == y2 { (m1.min(m2), m1.max(m2)) } else { (m1, m2) };
                periods.push(Period::new(Month::new(y1, m1), Month::new(y2, m2)));
            }
            for unit in w.unit_ids() {
                for period in &periods {
                    let r = app
                        .task_report(&sys, unit, *period, period.last_day())
                        .await
                        .unwrap_or_else(|e| panic!("{}: {e:?}", w.at(unit)));
                    let (y1, y2) = (period.from.year(), period.to.year());
                    let chosen: Vec<&TaskFact> = tasks
                        .iter()
                        .filter(|t| w.within(t.unit, unit) && t.from_year.max(y1) <= t.to_year.min(y2))
                        .collect();
                    // (level, kind) by their places → (units, tasks); then each level's
                    // figures are the sums of its kinds'.
                    let mut by_kind: BTreeMap<(usize, usize), (BTreeSet<Id>, usize)> = BTreeMap::new();
                    for t in &chosen {
                        let e = by_kind.entry(place(t.unit)).or_default();
                        e.0.insert(t.unit);
                        e.1 += 1;
                    }
                    let mut by_level: Vec<LevelRow> = vec![];
                    for ((l, k), (units, n)) in by_kind {
                        if by_level.last().is_none_or(|x| x.0 != level_order[l]) {
                            by_level.push((level_order[l].clone(), 0, 0, vec![]));
                        }
                        let row = by_level.last_mut().unwrap();
                        row.1 += units.len();
                        row.2 += n;
                        row.3.push((kinds[k].code.clone(), units.len(), n));
                    }
                    let units: BTreeSet<Id> = chosen.iter().map(|t| t.unit).collect();
                    let mut own: Vec<Id> = chosen.iter().filter(|t| t.unit == unit).map(|t| t.id).collect();
                    own.sort_unstable();
                    let mut got_own: Vec<Id> = r.own.iter().map(|t| t.id).collect();
                    got_own.sort_unstable();
                    let at = format!("{}: {}", w.at(unit), period.label());
                    assert_eq!((r.units, r.tasks), (units.len(), chosen.len()), "{at}: (units with a task, tasks)");
                    let got: Vec<LevelRow> = r
                        .by_level
                        .iter()
                        .map(|l| {
                            let kinds = l.kinds.iter().map(|k| (k.kind.clone(), k.units, k.tasks)).collect::<Vec<_>>();
                            (l.level.clone(), l.units, l.tasks, kinds)
                        })
                        .collect();
                    assert_eq!(got, by_level, "{at}: by level (level, units, tasks, by kind)");
                    assert_eq!(got_own, own, "{at}: the unit's own tasks");
                }
            }
            let mut exported = 0;
            for year in 2023..=2027 {
                let q = ExportQuery { unit: Some(pv.p), year, of: None };
                exported += imports_back(&app, Kind::Tasks, q, &format!("{engine} seed {seed:#x}")).await;
            }
            assert!(exported > 0, "{engine} seed {seed:#x}: no task exported");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 5. Covenants.

struct CovenantFact {
    id: Id,
    organiser: Id,
    max: Vec<i32>,
    /// unit → (signed on, pilot)
    signatories: BTreeMap<Id, (Option<NaiveDate>, bool)>,
    /// (unit, group) → score
    scores: BTreeMap<(Id, i32), i32>,
}

/// The average of the totals to one decimal, half away from zero, with a decimal comma and
/// without ",0": 86.35 → "86,4", 85 → "85".
fn average_vn(totals: &[i32]) -> String {
    if totals.is_empty() {
        return "–".into();
    }
    let (sum, n) = (totals.iter().map(|t| *t as i64).sum::<i64>(), totals.len() as i64);
    let tenths = (20 * sum + n) / (2 * n);
    match tenths % 10 {
        0 => (tenths / 10).to_string(),
        t => format!("{},{t}", tenths / 10),
    }
}

#[tokio::test]
async fn covenant_report_matches_a_recount() {
    for seed in SEEDS {
        for (engine, app) in apps().await {
            let sys = Actor::system();
            let pv = province(&app).await;
            let w = World::new(engine, seed, &pv);
            let mut rng = Rng(seed ^ 0xC0BE);
            let mut covenants: Vec<CovenantFact> = vec![];
            for step in 0..70 {
                let op = if covenants.is_empty() { 0 } else { rng.below(10) };
                match op {
                    0 => {
                        if covenants.len() >= 4 {
                            continue;
                        }
                        let organiser = rng.pick(&w.unit_ids());
                        let max: Vec<i32> = (0..1 + rng.below(5)).map(|_| 5 + rng.below(26) as i32).collect();
                        let groups = max
                            .iter()
                            .enumerate()
                            .map(|(i, m)| ContentGroup { title: format!("Nhóm {}", i + 1), max_score: *m })
                            .collect();
                        let expected: Vec<Id> = if rng.chance(5) {
                            vec![]
                        } else {
                            w.unit_ids().into_iter().filter(|_| rng.chance(50)).collect()
                        };
                        let campaign = Campaign {
                            id: 0,
                            unit_id: organiser,
                            title: format!("Giao ước {step}"),
                            year: 2025,
                            groups,
                        };
                        let r = app.create_covenant(&sys, campaign, &expected).await;
                        assert_eq!(
                            r.is_ok(),
                            !expected.is_empty(),
                            "{}: step {step}: covenant among {expected:?}: {r:?}",
                            w.at(organiser)
                        );
                        if let Ok(id) = r {
                            covenants.push(CovenantFact {
                                id,
                                organiser,
                                max,
                                signatories: expected.iter().map(|u| (*u, (None, false))).collect(),
                                scores: BTreeMap::new(),
                            });
                        }
                    }
                    1..=4 => {
                        let c = rng.index(covenants.len());
                        let listed: Vec<Id> = covenants[c].signatories.keys().copied().collect();
                        let unit = if rng.chance(75) { rng.pick(&listed) } else { rng.pick(&w.unit_ids()) };
                        let signed_on = rng.chance(80).then(|| rng.date(2025, 2025));
                        let pilot = rng.chance(30);
                        let r = app
                            .sign_covenant(&sys, covenants[c].id, Signatory { unit_id: unit, signed_on, pilot })
                            .await;
                        assert_eq!(
                            r.is_ok(),
                            listed.contains(&unit),
                            "{}: step {step}: signing covenant {}: {r:?}",
                            w.at(unit),
                            covenants[c].id
                        );
                        if r.is_ok() {
                            covenants[c].signatories.insert(unit, (signed_on, pilot));
                        }
                    }
                    _ => {
                        let c = rng.index(covenants.len());
                        let listed: Vec<Id> = covenants[c].signatories.keys().copied().collect();
                        let mut scores = vec![];
                        let mut valid = true;
                        for _ in 0..1 + rng.below(3) {
                            let unit = if rng.chance(85) { rng.pick(&listed) } else { rng.pick(&w.unit_ids()) };
                            let len = covenants[c].max.len();
                            let group = if rng.chance(92) { rng.index(len) } else { len } as i32;
                            let max = covenants[c].max.get(group as usize).copied().unwrap_or(20);
                            let score = match rng.below(50) {
                                0 => max + 1,
                                1 => -1,
                                _ => rng.below(max as u64 + 1) as i32,
                            };
                            valid &= listed.contains(&unit) && (group as usize) < len && (0..=max).contains(&score);
                            scores.push(Score { unit_id: unit, group, score });
                        }
                        let r = app.score_covenant(&sys, covenants[c].id, &scores).await;
                        assert_eq!(
                            r.is_ok(),
                            valid,
                            "{}: step {step}: scores {scores:?} of covenant {}: {r:?}",
                            w.at(covenants[c].organiser),
                            covenants[c].id
                        );
                        if r.is_ok() {
                            for s in scores {
                                covenants[c].scores.insert((s.unit_id, s.group), s.score);
                            }
                        }
                    }
                }
            }

            for c in &covenants {
                let r = app
                    .covenant_report(&sys, c.id)
                    .await
                    .unwrap_or_else(|e| panic!("{}: covenant {}: {e:?}", w.at(c.organiser), c.id));
                let at = format!("{}: covenant {} (maxima {:?})", w.at(c.organiser), c.id, c.max);
                let signed = c.signatories.values().filter(|s| s.0.is_some()).count();
                let pilots = c.signatories.values().filter(|s| s.1).count();
                assert_eq!(
                    (r.signed, r.expected, r.pilots),
                    (signed, c.signatories.len(), pilots),
                    "{at}: (signed, expected, pilots)"
                );
                let per = |u: Id| -> Vec<Option<i32>> {
                    (0..c.max.len() as i32).map(|g| c.scores.get(&(u, g)).copied()).collect()
                };
                let total = |u: Id| -> i32 { per(u).into_iter().flatten().sum() };
                assert_eq!(
                    r.rows.iter().map(|x| x.unit_id).collect::<BTreeSet<_>>(),
                    c.signatories.keys().copied().collect::<BTreeSet<_>>(),
                    "{at}: one row per signatory"
                );
                assert_eq!(r.rows.len(), c.signatories.len(), "{at}: one row per signatory");
                for row in &r.rows {
                    let u = row.unit_id;
                    let (signed_on, pilot) = c.signatories[&u];
                    // Equal totals share a rank: 1 + how many did strictly better.
                    let rank = 1 + c.signatories.keys().filter(|v| total(**v) > total(u)).count();
                    assert_eq!(
                        (row.rank, row.total, row.scores.clone(), row.signed_on, row.pilot),
                        (rank, total(u), per(u), signed_on, pilot),
                        "{at}: the row of {}: (rank, total, scores, signed on, pilot)",
                        w.at(u)
                    );
                }
                assert!(r.rows.windows(2).all(|x| x[0].total >= x[1].total), "{at}: best total first");
                let scored: Vec<i32> =
                    c.signatories.keys().filter(|u| per(**u).iter().any(Option::is_some)).map(|u| total(*u)).collect();
                let max_total: i32 = c.max.iter().sum();
                let mut bands = [0; 3];
                for t in &scored {
                    // ≥ 90% of the maximum, 70% to under 90%, under 70%.
                    let band = if 10 * t >= 9 * max_total {
                        0
                    } else if 10 * t >= 7 * max_total {
                        1
                    } else {
                        2
                    };
                    bands[band] += 1;
                }
                assert_eq!(
                    (r.average.as_str(), r.bands),
                    (average_vn(&scored).as_str(), bands),
                    "{at}: (average, bands) of the totals {scored:?}"
                );
            }
            assert!(!covenants.is_empty(), "{engine} seed {seed:#x}: no covenant");
            let mut exported = [0, 0];
            for c in &covenants {
                let q = ExportQuery { unit: None, year: 2025, of: Some(c.id) };
                for (k, kind) in [Kind::CovenantUnits, Kind::CovenantScores].into_iter().enumerate() {
                    exported[k] += imports_back(&app, kind, q, &format!("{engine} seed {seed:#x}")).await;
                }
            }
            assert!(
                exported.iter().all(|n| *n > 0),
                "{engine} seed {seed:#x}: (signatories, scores) exported: {exported:?}"
            );
        }
    }
}
