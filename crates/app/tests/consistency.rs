//! The index follows the change log: after random writes through the service (conferences
//! made, moved and deleted, attendance, transfers, new people, connection points, a merge),
//! the writer's index, a second server's index that follows the log at random moments, and
//! rebuilds run in between all agree with an index built afresh from the database, for every
//! unit, several periods and as-of dates.
mod common;

use common::{d, province, Province, Rng};
use lamtheo_app::conferences::{AttendanceInput, ConferenceInput};
use lamtheo_app::people::NewPerson;
use lamtheo_app::tree::MergeTarget;
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::conference::{AttendanceStatus, ConnectionPoint};
use lamtheo_domain::people::Person;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::Id;

struct Writes<'a> {
    app: &'a App,
    pv: &'a Province,
    confs: Vec<Id>,
    people: Vec<Id>,
    /// Conferences moved (an update can be refused: a code taken, a unit not open).
    moved: usize,
}

impl<'a> Writes<'a> {
    fn new(app: &'a App, pv: &'a Province) -> Writes<'a> {
        let people = pv.people.iter().flatten().copied().collect();
        Writes { app, pv, confs: pv.conferences.to_vec(), people, moved: 0 }
    }

    fn conference(&self, r: &mut Rng, code: String) -> ConferenceInput {
        ConferenceInput {
            code,
            unit_id: self.pv.cells[r.below(4) as usize],
            held_on: d(2024 + r.below(2) as i32, 1 + r.below(12) as u32, 1 + r.below(27) as u32),
            title: "Ngẫu nhiên".into(),
            level: String::new(),
            online: false,
            others_count: r.below(30) as i64,
            unlisted_members: r.below(3) as i64,
            topic_ids: vec![],
            regular_meeting: r.below(2) == 0,
            study_content: r.below(2) == 0,
        }
    }

    /// One random write; those the service may refuse (a transfer into the same unit, a
    /// point at the organiser) are left out.
    async fn one(&mut self, r: &mut Rng, step: usize) {
        let (app, pv, sys) = (self.app, self.pv, Actor::system());
        let cell = pv.cells[r.below(4) as usize];
        match r.below(7) {
            0 => {
                let input = self.conference(r, format!("R{step}"));
                self.confs.push(app.create_conference(&sys, input).await.unwrap());
            }
            1 => {
                let c = self.confs[r.below(self.confs.len() as u64) as usize];
                let mut rows: Vec<_> = (0..3)
                    .map(|_| AttendanceInput {
                        person_id: self.people[r.below(self.people.len() as u64) as usize],
                        status: AttendanceStatus::ALL[r.below(3) as usize],
                        point_unit_id: None,
                    })
                    .collect();
                rows.dedup_by_key(|r| r.person_id);
                app.record_attendance(&sys, c, &rows).await.unwrap();
            }
            2 => {
                let p = self.people[r.below(self.people.len() as u64) as usize];
                let _ = app.transfer_person(&sys, p, cell, d(2024, 1 + r.below(12) as u32, 15)).await;
            }
            3 => {
                let person = Person {
                    card_no: Some(format!("R-{step}")),
                    full_name: "Người mới".into(),
                    is_member: true,
                    ..Person::default()
                };
                let since = d(2024, 1 + r.below(12) as u32, 1);
                self.people.push(app.add_person(&sys, NewPerson { person, unit_id: cell, since }).await.unwrap());
            }
            4 => {
                // Moved to another unit and date, with its attendance and points.
                let c = self.confs[r.below(self.confs.len() as u64) as usize];
                let input = self.conference(r, String::new());
                if app.update_conference(&sys, c, input).await.is_ok() {
                    self.moved += 1;
                }
            }
            5 if self.confs.len() > 4 => {
                let c = self.confs.swap_remove(r.below(self.confs.len() as u64) as usize);
                app.delete_conference(&sys, c).await.unwrap();
            }
            _ => {
                let c = self.confs[r.below(self.confs.len() as u64) as usize];
                let point = ConnectionPoint {
                    conference_id: c,
                    unit_id: cell,
                    others_count: r.below(40) as i64,
                    unlisted_members: r.below(4) as i64,
                };
                let _ = app.set_point(&sys, point).await;
            }
        }
    }
}

/// Every unit's figures in `app` equal those of an index built afresh from the database.
async fn agrees(app: &App, pv: &Province, what: &str) {
    let sys = Actor::system();
    let fresh = lamtheo_app::load_index(&app.store).await.unwrap();
    let periods = [Period::year(2024), Period::year(2025), Period::new(Month::new(2024, 6), Month::new(2025, 8))];
    let mut compared = 0;
    for unit in [pv.p, pv.districts[0], pv.districts[1]].iter().chain(&pv.communes).chain(&pv.cells) {
        for period in periods {
            for as_of in [d(2024, 12, 31), d(2025, 6, 30), d(2025, 12, 31)] {
                let live = app.unit_report(&sys, *unit, period, as_of).await.unwrap();
                let rebuilt = fresh.report(*unit, period, as_of);
                assert_eq!(live.figures, rebuilt.figures, "{what}: unit {unit} {period:?} as of {as_of}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 11 * 3 * 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_index_agrees_with_the_database_after_random_writes_interleaved_with_rebuilds() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        // A second server on the same database: it learns of the writes only from the log.
        let other = App::open(&url).await.unwrap();
        let pv = province(&app).await;
        let mut r = Rng(0x5EED);
        let mut w = Writes::new(&app, &pv);
        for step in 0..120 {
            // Rebuilds set any index right: the last stretch has none, so that a write whose
            // deltas are wrong shows at the end.
            let choice = if step < 80 { r.below(10) } else { r.below(3) + 5 };
            match choice {
                // The other server follows while this one writes.
                0..=2 => {
                    let (_, followed) = tokio::join!(w.one(&mut r, step), other.follow());
                    followed.unwrap();
                }
                // A rebuild on either server while this one writes.
                3 => {
                    let (_, rebuilt) = tokio::join!(w.one(&mut r, step), app.rebuild_index());
                    rebuilt.unwrap();
                }
                4 => {
                    let (_, rebuilt) = tokio::join!(w.one(&mut r, step), other.rebuild_index());
                    rebuilt.unwrap();
                }
                _ => w.one(&mut r, step).await,
            }
        }
        assert!(w.moved >= 5, "{engine}: only {} conferences were moved", w.moved);
        // And a restructuring on top.
        app.merge_units(&Actor::system(), &[pv.communes[1]], MergeTarget::Existing(pv.communes[0]), d(2025, 7, 1), "")
            .await
            .unwrap();
        agrees(&app, &pv, &format!("{engine}: the writing server")).await;
        other.follow().await.unwrap();
        agrees(&other, &pv, &format!("{engine}: the following server")).await;
    }
}

/// A server that fell behind a pruned log meets the marker the pruning left and rebuilds;
/// one that had read everything is not disturbed.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_behind_a_pruned_log_rebuilds() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let behind = App::open(&url).await.unwrap();
        let pv = province(&app).await;
        let mut r = Rng(0xC0DE);
        let mut w = Writes::new(&app, &pv);
        for step in 0..30 {
            w.one(&mut r, step).await;
        }
        let before = lamtheo_store::changelog::after(&app.store, 0, 1_000_000).await.unwrap();
        let gone = app.prune_log(chrono::TimeDelta::zero()).await.unwrap();
        let after = lamtheo_store::changelog::after(&app.store, 0, 1_000_000).await.unwrap();
        assert_eq!(after.len(), 1, "{engine}: only the marker is left");
        assert_eq!(gone as usize, before.len() - 1, "{engine}");
        assert_eq!(after[0].seq, before.last().unwrap().seq, "{engine}: the marker keeps the last place");
        // The writer had read everything: following finds nothing after the marker.
        app.follow().await.unwrap();
        agrees(&app, &pv, &format!("{engine}: the writer after pruning")).await;
        // The other server read nothing since it opened, before the province was made.
        behind.follow().await.unwrap();
        agrees(&behind, &pv, &format!("{engine}: the server behind the pruned log")).await;
        // Pruning again with nothing old enough changes nothing.
        assert_eq!(app.prune_log(chrono::TimeDelta::days(1)).await.unwrap(), 0, "{engine}");
    }
}
