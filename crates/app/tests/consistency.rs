//! After random writes through the service, the incrementally updated index agrees with an
//! index rebuilt from the database, for every unit, several periods and as-of dates.
mod common;

use common::{apps, d, province};
use lamtheo_app::conferences::{AttendanceInput, ConferenceInput};
use lamtheo_app::people::NewPerson;
use lamtheo_app::tree::MergeTarget;
use lamtheo_domain::access::Actor;
use lamtheo_domain::conference::{AttendanceStatus, ConnectionPoint};
use lamtheo_domain::people::Person;
use lamtheo_domain::period::{Month, Period};

#[tokio::test]
async fn index_agrees_with_the_database_after_random_writes() {
    for (engine, app) in apps().await {
        let sys = Actor::system();
        let pv = province(&app).await;
        let mut seed = 0x5EED_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut confs = pv.conferences.to_vec();
        let mut people: Vec<_> = pv.people.iter().flatten().copied().collect();
        for step in 0..60 {
            let cell = pv.cells[next(4) as usize];
            match next(5) {
                0 => {
                    let held_on = d(2024 + next(2) as i32, 1 + next(12) as u32, 1 + next(27) as u32);
                    let c = app
                        .create_conference(
                            &sys,
                            ConferenceInput {
                                code: format!("R{step}"),
                                unit_id: cell,
                                held_on,
                                title: "Ngẫu nhiên".into(),
                                level: String::new(),
                                online: false,
                                others_count: next(30) as i64,
                                unlisted_members: next(3) as i64,
                                topic_ids: vec![],
                                regular_meeting: next(2) == 0,
                                study_content: next(2) == 0,
                            },
                        )
                        .await
                        .unwrap();
                    confs.push(c);
                }
                1 => {
                    let c = confs[next(confs.len() as u64) as usize];
                    let rows: Vec<_> = (0..3)
                        .map(|_| AttendanceInput {
                            person_id: people[next(people.len() as u64) as usize],
                            status: AttendanceStatus::ALL[next(3) as usize],
                            point_unit_id: None,
                        })
                        .collect();
                    let mut rows = rows;
                    rows.dedup_by_key(|r| r.person_id);
                    app.record_attendance(&sys, c, &rows).await.unwrap();
                }
                2 => {
                    let p = people[next(people.len() as u64) as usize];
                    let to = pv.cells[next(4) as usize];
                    // Transfers may be refused (same unit, date before the membership): fine.
                    let _ = app.transfer_person(&sys, p, to, d(2024, 1 + next(12) as u32, 15)).await;
                }
                3 => {
                    let person = Person {
                        card_no: Some(format!("R-{step}")),
                        full_name: "Người mới".into(),
                        is_member: true,
                        ..Person::default()
                    };
                    people.push(
                        app.add_person(
                            &sys,
                            NewPerson { person, unit_id: cell, since: d(2024, 1 + next(12) as u32, 1) },
                        )
                        .await
                        .unwrap(),
                    );
                }
                _ => {
                    let c = confs[next(confs.len() as u64) as usize];
                    let _ = app
                        .set_point(
                            &sys,
                            ConnectionPoint {
                                conference_id: c,
                                unit_id: pv.cells[next(4) as usize],
                                others_count: next(40) as i64,
                                unlisted_members: next(4) as i64,
                            },
                        )
                        .await;
                }
            }
        }
        // And a restructuring on top.
        app.merge_units(&sys, &[pv.communes[1]], MergeTarget::Existing(pv.communes[0]), d(2025, 7, 1), "")
            .await
            .unwrap();

        let fresh = lamtheo_app::load_index(&app.store).await.unwrap();
        let periods = [Period::year(2024), Period::year(2025), Period::new(Month::new(2024, 6), Month::new(2025, 8))];
        let mut compared = 0;
        for unit in [pv.p, pv.districts[0], pv.districts[1]].iter().chain(&pv.communes).chain(&pv.cells) {
            for period in periods {
                for as_of in [d(2024, 12, 31), d(2025, 6, 30), d(2025, 12, 31)] {
                    let live = app.unit_report(&sys, *unit, period, as_of).unwrap();
                    let rebuilt = fresh.report(*unit, period, as_of);
                    assert_eq!(live.figures, rebuilt.figures, "{engine}: unit {unit} {period:?} as of {as_of}");
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 11 * 3 * 3);
    }
}
