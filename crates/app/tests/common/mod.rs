//! A miniature province for the story tests: two districts, four communes, one cell each,
//! three people per cell and two years of monthly cell meetings with attendance.
#![allow(dead_code)]
use chrono::NaiveDate;
use lamtheo_app::conferences::{AttendanceInput, ConferenceInput};
use lamtheo_app::exports::ExportQuery;
use lamtheo_app::people::NewPerson;
use lamtheo_app::tree::NewUnit;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::conference::AttendanceStatus;
use lamtheo_domain::people::Person;
use lamtheo_domain::Id;
use lamtheo_importer::{write_xlsx, Kind};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub struct Province {
    pub p: Id,
    pub districts: [Id; 2],
    pub communes: [Id; 4],
    pub cells: [Id; 4],
    /// people[cell] = three person ids
    pub people: Vec<Vec<Id>>,
    /// A conference of each cell (first month) for the scope tests.
    pub conferences: [Id; 4],
}

pub async fn apps() -> Vec<(&'static str, App)> {
    let mut out = vec![];
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        out.push((engine, App::open(&url).await.unwrap_or_else(|e| panic!("{engine}: {e:?}"))));
    }
    out
}

async fn unit(app: &App, code: &str, name: &str, kind: &str, parent: Option<Id>) -> Id {
    let sys = Actor::system();
    app.create_unit(
        &sys,
        NewUnit {
            code: code.into(),
            name: name.into(),
            kind: kind.into(),
            parent_id: parent,
            opened_on: d(2000, 1, 1),
        },
    )
    .await
    .unwrap()
}

pub async fn province(app: &App) -> Province {
    let sys = Actor::system();
    let p = unit(app, "P", "Tỉnh ủy Lai Châu", "tinh_uy", None).await;
    let d1 = unit(app, "D1", "Huyện ủy Tam Đường", "huyen_uy", Some(p)).await;
    let d2 = unit(app, "D2", "Huyện ủy Phong Thổ", "huyen_uy", Some(p)).await;
    let mut communes = [0; 4];
    let mut cells = [0; 4];
    let mut people = vec![];
    let mut conferences = [0; 4];
    for i in 0..4 {
        communes[i] = unit(
            app,
            &format!("C{}", i + 1),
            &format!("Đảng ủy xã {}", ["Bình Lư", "Bản Bo", "Mường So", "Dào San"][i]),
            "dang_uy_xa",
            Some(if i < 2 { d1 } else { d2 }),
        )
        .await;
        cells[i] =
            unit(app, &format!("K{}", i + 1), &format!("Chi bộ bản {}", i + 1), "chi_bo", Some(communes[i])).await;
        let mut ids = vec![];
        for j in 0..3 {
            // The third person of the first cell is admitted in November 2024.
            let since = if i == 0 && j == 2 { d(2024, 11, 1) } else { d(2010, 1, 1) };
            let person = Person {
                card_no: Some(format!("CARD-{i}-{j}")),
                full_name: format!("{} Văn {}", ["Lò", "Đặng", "Giàng"][j], ["An", "Bình", "Chiến", "Dũng"][i]),
                is_member: true,
                ..Person::default()
            };
            ids.push(app.add_person(&sys, NewPerson { person, unit_id: cells[i], since }).await.unwrap());
        }
        people.push(ids);
    }
    // Monthly meetings in 2024 and 2025; person j is absent when (month + j) % 4 == 0.
    for year in [2024, 2025] {
        for month in 1..=12 {
            for i in 0..4 {
                let held_on = d(year, month, 10);
                let c = app
                    .create_conference(
                        &sys,
                        ConferenceInput {
                            code: format!("K{i}-{year}-{month}"),
                            unit_id: cells[i],
                            held_on,
                            title: "Sinh hoạt chi bộ".into(),
                            level: "Chi bộ".into(),
                            online: false,
                            others_count: 2,
                            unlisted_members: 0,
                            topic_ids: vec![],
                            // Cell 2 studied at only 9 of its 12 meetings a year (75% < 80%):
                            // not "regularly"; the others at every meeting.
                            regular_meeting: true,
                            study_content: !(i == 1 && month % 4 == 0),
                        },
                    )
                    .await
                    .unwrap();
                if year == 2024 && month == 1 {
                    conferences[i] = c;
                }
                let rows: Vec<AttendanceInput> = people[i]
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| !(i == 0 && *j == 2 && held_on < d(2024, 11, 1)))
                    .map(|(j, pid)| {
                        // Cell 2's second person never came in 2024 (excused every month).
                        let status = if i == 1 && j == 1 && year == 2024 {
                            AttendanceStatus::Excused
                        } else if (month as usize + j).is_multiple_of(4) {
                            AttendanceStatus::Absent
                        } else {
                            AttendanceStatus::Present
                        };
                        AttendanceInput { person_id: *pid, status, point_unit_id: None }
                    })
                    .collect();
                app.record_attendance(&sys, c, &rows).await.unwrap();
            }
        }
    }
    // A commune-level conference in the first half of 2025, before the merge.
    app.create_conference(
        &sys,
        ConferenceInput {
            code: "C1-2025".into(),
            unit_id: communes[0],
            held_on: d(2025, 3, 5),
            title: "Quán triệt chuyên đề".into(),
            level: "Xã".into(),
            online: false,
            others_count: 50,
            unlisted_members: 4,
            topic_ids: vec![],
            regular_meeting: false,
            study_content: false,
        },
    )
    .await
    .unwrap();
    Province { p, districts: [d1, d2], communes, cells, people, conferences }
}

/// A small deterministic xorshift generator: the same writes on every run of a seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.index(xs.len())]
    }
    pub fn date(&mut self, from_year: i32, to_year: i32) -> NaiveDate {
        let year = from_year + self.below((to_year - from_year + 1) as u64) as i32;
        d(year, 1 + self.below(12) as u32, 1 + self.below(28) as u32)
    }
}

/// Exports `kind` as the pages offer it, writes the .xlsx file and imports it back through the
/// service: after the random history (people transferred, posts changed from past dates),
/// nothing may be new or changed ("exports import back, always").
pub async fn imports_back(app: &App, kind: Kind, q: ExportQuery, what: &str) -> usize {
    let sys = Actor::system();
    let rows = app.export(&sys, kind, q).await.unwrap_or_else(|e| panic!("{what}: export {kind:?}: {e:?}"));
    let bytes = write_xlsx(kind, &rows).unwrap();
    let s = app
        .import(&sys, kind, "xuat.xlsx", &bytes, &|_, _, _| {})
        .await
        .unwrap_or_else(|e| panic!("{what}: {kind:?} exported after the history does not import back: {e:?}"));
    assert_eq!((s.created, s.updated, s.unchanged), (0, 0, rows.len()), "{what}: {kind:?} imported back");
    rows.len()
}

/// A member signed in as themselves, scoped at their unit.
pub fn member_actor(person: Id, unit: Id) -> Actor {
    Actor {
        user_id: 0,
        username: format!("dv{person}"),
        role: Role::Member,
        scope: Some(unit),
        person_id: Some(person),
        request_id: String::new(),
    }
}
