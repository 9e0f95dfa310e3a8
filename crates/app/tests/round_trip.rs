//! Exports import back, always: random histories in which people are added, transferred and
//! change posts, cells are founded, closed and merged, and every kind of activity is recorded
//! along the way (plans and their review, ratings, movements with registrations and monthly
//! reviews, tasks, covenants with signatures and scores); then every exportable kind is
//! exported, for every unit and year and for every movement and covenant, and imported back
//! into the same database: nothing may be new or changed.
//!
//! The writes are not predicted here (the recount tests do that): a write the service refuses
//! is simply not part of the history. What is asserted is the round trip, and that each
//! history did close and merge units and recorded every kind.
mod common;

use common::{apps, imports_back, member_actor, province, Rng};
use lamtheo_app::exports::ExportQuery;
use lamtheo_app::people::{NewPerson, PostChange};
use lamtheo_app::tree::{MergeTarget, NewUnit};
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::covenant::{Campaign, ContentGroup, Score, Signatory};
use lamtheo_domain::emulation::{Expected, Movement, Review};
use lamtheo_domain::evaluation::{Evaluation, Subject};
use lamtheo_domain::people::Person;
use lamtheo_domain::period::Month;
use lamtheo_domain::plans::PlanKind;
use lamtheo_domain::tasks::{BreakthroughTask, TaskStatus};
use lamtheo_domain::Id;
use lamtheo_importer::Kind;

const SEEDS: [u64; 3] = [0xA11CE, 0x00DD_BA11, 0x7777_1234];

/// What the history made, for picking the next write and for the exports.
#[derive(Default)]
struct History {
    units: Vec<Id>,
    cells: Vec<Id>,
    communes: Vec<Id>,
    people: Vec<Id>,
    plans: Vec<Id>,
    movements: Vec<Id>,
    registrations: Vec<Id>,
    covenants: Vec<(Id, usize)>,
    /// Successful writes by kind: closures, merges, plans, ratings, registrations, reviews,
    /// tasks, covenant signatures, covenant scores, transfers, changes of post.
    done: [usize; 11],
}

impl History {
    async fn step(&mut self, app: &App, rng: &mut Rng, step: usize) {
        let sys = Actor::system();
        match rng.below(20) {
            0 => {
                let person = Person {
                    card_no: Some(format!("RT-{step}")),
                    full_name: format!("Người thứ {step}"),
                    is_member: rng.chance(80),
                    key_cadre: rng.chance(30),
                    head_of_unit: rng.chance(10),
                    ..Person::default()
                };
                let person = Person { person_code: (!person.is_member).then(|| format!("NM-{step}")), ..person };
                let (unit_id, since) = (rng.pick(&self.units), rng.date(2023, 2026));
                if let Ok(id) = app.add_person(&sys, NewPerson { person, unit_id, since }).await {
                    self.people.push(id);
                }
            }
            1 | 2 => {
                let (p, to, on) = (rng.pick(&self.people), rng.pick(&self.units), rng.date(2023, 2026));
                self.done[9] += app.transfer_person(&sys, p, to, on).await.is_ok() as usize;
            }
            3 => {
                let change = PostChange {
                    post_from: Some(rng.date(2023, 2026)),
                    position: rng.chance(50).then(|| "Bí thư chi bộ".to_string()),
                    key_cadre: rng.chance(40),
                    head_of_unit: rng.chance(20),
                };
                self.done[10] += app.change_post(&sys, rng.pick(&self.people), change).await.is_ok() as usize;
            }
            4 => {
                let new = NewUnit {
                    code: format!("KN{step}"),
                    name: format!("Chi bộ mới {step}"),
                    kind: "chi_bo".into(),
                    parent_id: Some(rng.pick(&self.communes)),
                    opened_on: rng.date(2023, 2024),
                };
                if let Ok(id) = app.create_unit(&sys, new).await {
                    self.units.push(id);
                    self.cells.push(id);
                }
            }
            5 => {
                // A cell closes: its members move to another cell first, on the same day.
                let (cell, to, on) = (rng.pick(&self.cells), rng.pick(&self.cells), rng.date(2024, 2026));
                for m in app.members_on(&sys, cell, app.today()).await.unwrap_or_default() {
                    let _ = app.transfer_person(&sys, m.id, to, on).await;
                }
                self.done[0] += app.close_unit(&sys, cell, on).await.is_ok() as usize;
            }
            6 => {
                // Two cells or two communes merge; their members and cells move to the target.
                let pool = if rng.chance(70) { &self.cells } else { &self.communes };
                let (source, target, on) = (rng.pick(pool), rng.pick(pool), rng.date(2024, 2026));
                let merged = app.merge_units(&sys, &[source], MergeTarget::Existing(target), on, "").await;
                self.done[1] += merged.is_ok() as usize;
            }
            7 | 8 => {
                let person = rng.pick(&self.people);
                let view = app.person(&sys, person).await.expect("a person");
                let unit = view
                    .memberships
                    .iter()
                    .find(|(m, _)| m.valid_to.is_none())
                    .map_or(self.units[0], |(m, _)| m.unit_id);
                let (kind, year) = (rng.pick(&PlanKind::ALL), 2023 + rng.below(4) as i32);
                let r =
                    app.save_own_plan(&member_actor(person, unit), kind, year, "Làm theo Bác", rng.chance(70)).await;
                if let Ok(id) = r {
                    self.plans.push(id);
                    self.done[2] += 1;
                }
            }
            9 => {
                if !self.plans.is_empty() {
                    let plan = rng.pick(&self.plans);
                    let _ = app.review_plan(&sys, plan, rng.chance(70), "Chi bộ góp ý").await;
                }
            }
            10 | 11 => {
                let (subject, subject_id) = if rng.chance(70) {
                    (Subject::Person, rng.pick(&self.people))
                } else {
                    (Subject::Unit, rng.pick(&self.units))
                };
                let level = rng.pick(&["xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"]);
                let e = Evaluation {
                    subject,
                    subject_id,
                    year: 2023 + rng.below(4) as i32,
                    quarter: rng.below(5) as i32,
                    scale: "qd366".into(),
                    level_code: level.into(),
                    score: None,
                    note: String::new(),
                };
                self.done[3] += app.record_evaluations(&sys, vec![e]).await.is_ok() as usize;
            }
            12 => {
                if self.movements.len() < 4 {
                    let (a, b) = (rng.date(2024, 2025), rng.date(2024, 2025));
                    let m = Movement {
                        id: 0,
                        unit_id: rng.pick(&self.units),
                        title: format!("Phong trào {step}"),
                        from_date: a.min(b),
                        to_date: a.max(b),
                        expected: rng.pick(&Expected::ALL),
                    };
                    if let Ok(id) = app.create_movement(&sys, m).await {
                        self.movements.push(id);
                    }
                }
            }
            13 | 14 => {
                if !self.movements.is_empty() {
                    let (m, p, on) = (rng.pick(&self.movements), rng.pick(&self.people), rng.date(2024, 2025));
                    if let Ok(id) = app.register(&sys, m, p, "Gương mẫu, tiết kiệm", on).await {
                        self.registrations.push(id);
                        self.done[4] += 1;
                    }
                }
            }
            15 => {
                if !self.registrations.is_empty() {
                    let review = Review {
                        registration_id: rng.pick(&self.registrations),
                        month: Month::new(2024 + rng.below(2) as i32, 1 + rng.below(12) as u32).0,
                        met: rng.chance(60),
                        comment: String::new(),
                    };
                    self.done[5] += app.review_registration(&sys, review).await.is_ok() as usize;
                }
            }
            16 => {
                let from_year = 2021 + rng.below(5) as i32;
                let task = BreakthroughTask {
                    id: 0,
                    unit_id: rng.pick(&self.units),
                    from_year,
                    to_year: from_year + rng.below(5) as i32,
                    title: format!("Nhiệm vụ đột phá {step}"),
                    field: "Kinh tế".into(),
                    responsible: "Bí thư".into(),
                    status: rng.pick(&TaskStatus::ALL),
                    result: String::new(),
                };
                self.done[6] += app.add_task(&sys, task).await.is_ok() as usize;
            }
            17 => {
                if self.covenants.len() < 3 {
                    let groups = (0..1 + rng.index(3))
                        .map(|i| ContentGroup { title: format!("Nhóm {}", i + 1), max_score: 10 + 5 * i as i32 })
                        .collect::<Vec<_>>();
                    let n = groups.len();
                    let campaign = Campaign {
                        id: 0,
                        unit_id: rng.pick(&self.units),
                        title: format!("Giao ước {step}"),
                        year: 2025,
                        groups,
                    };
                    let expected: Vec<Id> = self.units.iter().copied().filter(|_| rng.chance(50)).collect();
                    if let Ok(id) = app.create_covenant(&sys, campaign, &expected).await {
                        self.covenants.push((id, n));
                    }
                }
            }
            _ => {
                if !self.covenants.is_empty() {
                    let (c, groups) = rng.pick(&self.covenants);
                    let unit_id = rng.pick(&self.units);
                    if rng.chance(50) {
                        let s = Signatory { unit_id, signed_on: Some(rng.date(2025, 2025)), pilot: rng.chance(30) };
                        self.done[7] += app.sign_covenant(&sys, c, s).await.is_ok() as usize;
                    } else {
                        let score = Score { unit_id, group: rng.index(groups) as i32, score: rng.below(11) as i32 };
                        self.done[8] += app.score_covenant(&sys, c, &[score]).await.is_ok() as usize;
                    }
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_export_imports_back_after_transfers_post_changes_closures_and_merges() {
    let mut done = [0; 11];
    for seed in SEEDS {
        for (engine, app) in apps().await {
            let pv = province(&app).await;
            let mut h = History {
                units: [pv.p].iter().chain(&pv.districts).chain(&pv.communes).chain(&pv.cells).copied().collect(),
                cells: pv.cells.to_vec(),
                communes: pv.communes.to_vec(),
                people: pv.people.iter().flatten().copied().collect(),
                ..History::default()
            };
            let mut rng = Rng(seed);
            for step in 0..300 {
                h.step(&app, &mut rng, step).await;
            }
            let what = format!("{engine} seed {seed:#x}");
            let mut rows = 0;
            for year in 2023..=2026 {
                for unit in h.units.iter().map(|u| Some(*u)).chain([None]) {
                    for kind in [Kind::Plans, Kind::Evaluations, Kind::Tasks] {
                        let q = ExportQuery { unit, year, of: None };
                        rows += imports_back(&app, kind, q, &format!("{what} unit {unit:?} year {year}")).await;
                    }
                }
            }
            for m in &h.movements {
                for unit in h.units.iter().map(|u| Some(*u)).chain([None]) {
                    for kind in [Kind::Registrations, Kind::Reviews] {
                        let q = ExportQuery { unit, year: 2024, of: Some(*m) };
                        let at = format!("{what} movement {m} seen from unit {unit:?}");
                        // A unit the movement does not reach has nothing of it to export.
                        match app.export(&Actor::system(), kind, q).await {
                            Ok(_) => rows += imports_back(&app, kind, q, &at).await,
                            Err(e) => panic!("{at}: {e:?}"),
                        }
                    }
                }
            }
            for (c, _) in &h.covenants {
                for kind in [Kind::CovenantUnits, Kind::CovenantScores] {
                    let q = ExportQuery { unit: None, year: 2025, of: Some(*c) };
                    rows += imports_back(&app, kind, q, &format!("{what} covenant {c}")).await;
                }
            }
            assert!(rows > 0, "{what}: nothing exported");
            for (n, x) in done.iter_mut().zip(h.done) {
                *n += x;
            }
        }
    }
    // Every history kind happened somewhere: (closures, merges, plans, ratings, registrations,
    // reviews, tasks, signatures, scores, transfers, changes of post).
    eprintln!("closures, merges, plans, ratings, registrations, reviews, tasks, signatures, scores, transfers, posts: {done:?}");
    assert!(done.iter().all(|n| *n > 0), "{done:?}");
}
