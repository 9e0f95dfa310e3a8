//! Deterministic synthetic data: one large province, for load tests, the benchmark and demos.
//!
//! The province is planned in memory first (units, people, memberships, conferences: a few
//! tens of megabytes for 150,000 members), then written with multi-row inserts inside one
//! transaction, so a failed or interrupted run leaves the database empty and can be rerun.
//! Attendance rows (about 12 per member) are never all held at once: they are derived from
//! the plan and written in chunks.
//!
//! Every random choice comes from a stream keyed by the seed and by the entity it is for
//! (a cell, a person, a conference), so the same seed always gives the same database,
//! whatever the chunk sizes.
use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, Days, NaiveDate};
use lamtheo_domain::period::Month;
use lamtheo_domain::vn;
use lamtheo_store::bulk::{self, Value};
use lamtheo_store::{on_tx, Engine, Store, Tx};

pub struct GenConfig {
    /// People on the cells' rosters (about 95% of them party members).
    pub members: u64,
    /// The year whose conferences and attendance are generated.
    pub year: i32,
    pub seed: u64,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig { members: 150_000, year: 2024, seed: 1 }
    }
}

#[derive(Debug, Clone, Default)]
pub struct GenStats {
    pub units: u64,
    pub people: u64,
    pub conferences: u64,
    pub attendances: u64,
    pub seconds: f64,
}

/// Rows per insert batch: big enough for fast multi-row statements, small enough that a
/// chunk of attendance rows stays a few megabytes.
const CHUNK: usize = 50_000;

/// Generates the province into an empty database. `progress(stage, done, total)` is called
/// after every chunk.
pub async fn generate(store: &Store, cfg: &GenConfig, progress: &dyn Fn(&str, u64, u64)) -> Result<GenStats> {
    let started = Instant::now();
    if cfg.members == 0 {
        bail!("members must be at least 1");
    }
    if !(1900..=2200).contains(&cfg.year) {
        bail!("year {} is out of range", cfg.year);
    }
    let existing = bulk::count(store, "units").await.map_err(db)?;
    if existing > 0 {
        bail!("the database already holds {existing} units; gen only fills an empty database (use a new file or database)");
    }

    let mut tx = store.begin().await.map_err(db)?;
    let ids = Ids::after_existing(&mut tx).await?;
    let plan = Plan::new(cfg, &ids);
    write_plan(&mut tx, &plan, progress).await?;
    let attendances = write_attendances(&mut tx, &plan, progress).await?;
    bulk::fix_sequences(store, &mut tx).await.map_err(db)?;
    tx.commit().await.map_err(db)?;
    analyze(store).await?;

    Ok(GenStats {
        units: plan.units.len() as u64,
        people: plan.people.len() as u64,
        conferences: plan.conferences.len() as u64,
        attendances,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// PostgreSQL plans queries by table statistics, and freshly loaded tables have none until
/// autovacuum gets round to them (never, where it is off): without them the planner picks
/// plans that are many times slower. SQLite plans well enough without.
async fn analyze(store: &Store) -> Result<()> {
    if store.engine != Engine::Postgres {
        return Ok(());
    }
    let mut tx = store.begin().await.map_err(db)?;
    on_tx!(&mut tx, c => sqlx::query("ANALYZE").execute(c).await.map(|r| r.rows_affected()))?;
    tx.commit().await.map_err(db)
}

/// Store errors keep their SQL detail out of `Display`; a command-line tool should show it.
pub(crate) fn db(e: lamtheo_domain::Error) -> anyhow::Error {
    if e.details.is_empty() {
        anyhow!("{e}")
    } else {
        anyhow!("{e} ({})", e.details.join("; "))
    }
}

// ----- random numbers ---------------------------------------------------------------------

/// splitmix64's output function: a cheap, well-mixed 64-bit hash.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64: tiny and plenty good for making synthetic data look random (the benchmark
/// picks its queries with it too).
pub(crate) struct Rng(u64);

impl Rng {
    /// The stream for one entity: `kind` names what it is for, `key` which one.
    pub(crate) fn for_entity(seed: u64, kind: u64, key: u64) -> Rng {
        Rng(mix(seed ^ mix(kind.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ mix(key))))
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in [0, n).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in [lo, hi].
    pub(crate) fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    /// Picks from (item, weight) pairs.
    fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for &(x, w) in xs {
            if r < w {
                return x;
            }
            r -= w;
        }
        xs[xs.len() - 1].0
    }
    pub(crate) fn date_between(&mut self, a: NaiveDate, b: NaiveDate) -> NaiveDate {
        let span = (b - a).num_days().max(0);
        a + Days::new(self.between(0, span) as u64)
    }
}

/// What a random stream is for; each entity kind gets its own family of streams.
mod stream {
    pub const TREE: u64 = 1;
    pub const PLACE: u64 = 2;
    pub const PERSON: u64 = 4;
    pub const MEETING: u64 = 5;
    pub const STATUS: u64 = 6;
    pub const PROVINCE: u64 = 7;
}

/// Splits `total` into `parts` positive sizes that vary by about ±`jitter` around the mean.
fn split(total: u64, parts: u64, jitter: f64, rng: &mut Rng) -> Vec<u64> {
    let weights: Vec<f64> = (0..parts).map(|_| 1.0 + jitter * (2.0 * rng.unit() - 1.0)).collect();
    let sum: f64 = weights.iter().sum();
    // Everyone gets one first, so no part is ever empty; the rest goes by weight.
    let rest = total - parts;
    let mut sizes: Vec<u64> = weights.iter().map(|w| 1 + (rest as f64 * w / sum) as u64).collect();
    let mut missing = total - sizes.iter().sum::<u64>();
    let n = sizes.len();
    let mut i = 0;
    while missing > 0 {
        sizes[i % n] += 1;
        missing -= 1;
        i += 1;
    }
    sizes
}

// ----- dates ------------------------------------------------------------------------------

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date")
}

/// The same day `years` later (28 February for 29 February into a common year).
fn plus_years(d: NaiveDate, years: i32) -> NaiveDate {
    d.with_year(d.year() + years).unwrap_or_else(|| ymd(d.year() + years, d.month(), 28))
}

/// A random day of month `m` of `year`.
fn day_in_month(rng: &mut Rng, year: i32, m: u32) -> NaiveDate {
    let month = Month::new(year, m);
    rng.date_between(month.first_day(), month.last_day())
}

// ----- names ------------------------------------------------------------------------------

/// Family names with rough weights (per mille of the population).
const FAMILY: [(&str, u32); 16] = [
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 50),
    ("Huỳnh", 40),
    ("Phan", 45),
    ("Vũ", 39),
    ("Võ", 30),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
];
const MIDDLE_MALE: [&str; 10] = ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân"];
const MIDDLE_FEMALE: [&str; 10] = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Bích"];
const SECOND_MIDDLE_FEMALE: [&str; 6] = ["Thu", "Ngọc", "Thanh", "Minh", "Kim", "Bích"];
const GIVEN_MALE: [&str; 28] = [
    "An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Huy", "Khánh", "Long", "Minh", "Nam", "Phong", "Quân", "Quang",
    "Sơn", "Tài", "Thắng", "Thành", "Trung", "Tuấn", "Việt", "Vinh", "Đạt", "Hiếu", "Lâm", "Phúc", "Toàn", "Hoàng",
];
const GIVEN_FEMALE: [&str; 24] = [
    "An", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo", "Trang", "Yến", "Hạnh",
    "Hằng", "Huyền", "Loan", "Nga", "Oanh", "Quyên", "Thủy", "Vân", "Dung", "Hiền",
];
const ETHNICITY: [(&str, u32); 7] =
    [("Kinh", 850), ("Tày", 40), ("Thái", 30), ("Mường", 30), ("Khmer", 20), ("H'Mông", 20), ("Nùng", 10)];
/// Posts of key cadres (cán bộ chủ chốt) at commune level.
const KEY_POSTS: [&str; 8] = [
    "Chủ tịch UBND xã",
    "Phó Chủ tịch UBND xã",
    "Chủ tịch Ủy ban MTTQ xã",
    "Bí thư Đoàn xã",
    "Chủ tịch Hội Nông dân xã",
    "Chủ tịch Hội Phụ nữ xã",
    "Trưởng Công an xã",
    "Chỉ huy trưởng Quân sự xã",
];

fn person_name(rng: &mut Rng, female: bool) -> String {
    let family = rng.weighted(&FAMILY);
    if female {
        let middle = rng.pick(&MIDDLE_FEMALE);
        let given = rng.pick(&GIVEN_FEMALE);
        if *middle == "Thị" && rng.chance(0.25) {
            let second = rng.pick(&SECOND_MIDDLE_FEMALE);
            return format!("{family} {middle} {second} {given}");
        }
        format!("{family} {middle} {given}")
    } else {
        format!("{family} {} {}", rng.pick(&MIDDLE_MALE), rng.pick(&GIVEN_MALE))
    }
}

const PLACE_FIRST: [&str; 20] = [
    "An", "Tân", "Phú", "Bình", "Hòa", "Thạnh", "Vĩnh", "Long", "Đông", "Tây", "Nam", "Bắc", "Hưng", "Thuận", "Phước",
    "Quảng", "Mỹ", "Đức", "Thanh", "Hải",
];
const PLACE_SECOND: [&str; 20] = [
    "Phú", "Lợi", "Thành", "Hòa", "Bình", "An", "Hưng", "Thịnh", "Lộc", "Sơn", "Xuân", "Hà", "Tiến", "Khánh", "Mỹ",
    "Trung", "Yên", "Phong", "Lâm", "Điền",
];

/// Two-syllable place names, shuffled once. Districts and communes take them in order so
/// that no two share a name (a number is added once all 380 are used).
struct Places {
    names: Vec<String>,
    next: usize,
}

impl Places {
    fn new(seed: u64) -> Places {
        let mut names: Vec<String> = PLACE_FIRST
            .iter()
            .flat_map(|a| PLACE_SECOND.iter().filter(move |b| *b != a).map(move |b| format!("{a} {b}")))
            .collect();
        let mut rng = Rng::for_entity(seed, stream::PLACE, 0);
        for i in (1..names.len()).rev() {
            names.swap(i, rng.below(i as u64 + 1) as usize);
        }
        Places { names, next: 0 }
    }
    /// Any name, possibly used before: villages of different communes often share names.
    fn any(&self, rng: &mut Rng) -> &str {
        rng.pick(&self.names).as_str()
    }
    fn take(&mut self) -> String {
        let (round, i) = (self.next / self.names.len(), self.next % self.names.len());
        self.next += 1;
        if round == 0 {
            self.names[i].clone()
        } else {
            format!("{} {}", self.names[i], round + 1)
        }
    }
}

/// Institutions that have their own grassroots party organisation within a commune.
const INSTITUTIONS: [&str; 6] = [
    "Trường THPT",
    "Hợp tác xã Nông nghiệp",
    "Trung tâm Y tế",
    "Công ty Cổ phần",
    "Quỹ Tín dụng nhân dân",
    "Trường THCS",
];
/// Cells inside an institution.
const DEPARTMENTS: [&str; 6] = ["Hành chính", "Chuyên môn", "Kỹ thuật", "Sản xuất", "Kinh doanh", "Dịch vụ"];

// ----- the plan ---------------------------------------------------------------------------

/// First free id of every table that gets explicit ids (the tables may hold rows already).
struct Ids {
    unit: i64,
    person: i64,
    conference: i64,
    topic: i64,
    doc: i64,
}

impl Ids {
    async fn after_existing(tx: &mut Tx) -> Result<Ids> {
        Ok(Ids {
            unit: next_id(tx, "units").await?,
            person: next_id(tx, "people").await?,
            conference: next_id(tx, "conferences").await?,
            topic: next_id(tx, "topics").await?,
            doc: next_id(tx, "campaign_docs").await?,
        })
    }
}

async fn next_id(tx: &mut Tx, table: &str) -> Result<i64> {
    Ok(bulk::max_id(tx, table).await.map_err(db)? + 1)
}

struct Unit {
    id: i64,
    code: String,
    name: String,
    kind: &'static str,
    opened_on: NaiveDate,
    parent: Option<i64>,
}

struct Person {
    id: i64,
    code: String,
    card_no: Option<String>,
    full_name: String,
    female: bool,
    birth: NaiveDate,
    ethnicity: &'static str,
    is_member: bool,
    admitted_on: Option<NaiveDate>,
    official_on: Option<NaiveDate>,
    position: Option<&'static str>,
    key_cadre: bool,
    head: bool,
    /// Rarely present: long ill or working away, usually excused.
    absentee: bool,
    /// The one membership: in `unit_id` over [from, to).
    unit_id: i64,
    from: NaiveDate,
    to: Option<NaiveDate>,
}

impl Person {
    fn member_on(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|t| d < t)
    }
}

struct Cell {
    unit_id: i64,
    /// The district: key cadres of this cell follow province conferences at its point.
    district_id: i64,
    people: std::ops::Range<usize>,
    /// Share of meetings a regular member attends; cells differ.
    turnout: f64,
}

/// Who is on a conference's roster.
enum Roster {
    Cell(usize),
    /// The province's key cadres, each at their district's connection point.
    KeyCadres,
}

struct Conference {
    id: i64,
    code: String,
    unit_id: i64,
    held_on: NaiveDate,
    title: String,
    level: &'static str,
    online: bool,
    others: i64,
    unlisted: i64,
    topic: Option<i64>,
    /// A cell's regular meeting, and whether it included study content.
    regular: bool,
    study: bool,
    roster: Roster,
}

struct Point {
    conference_id: i64,
    unit_id: i64,
    others: i64,
    unlisted: i64,
}

struct Topic {
    id: i64,
    code: String,
    title: String,
    year: i32,
    term_wide: bool,
    deadline: Option<NaiveDate>,
}

/// A unit just added, as its children need it.
#[derive(Clone)]
struct Parent {
    id: i64,
    code: String,
    opened_on: NaiveDate,
    /// The place it is named after (institutions take their commune's).
    place: String,
    /// The district it lies in: key cadres follow province conferences at its point.
    district: i64,
    /// In a city: wards and street quarters instead of communes and villages.
    urban: bool,
}

/// Walks the planned shape top-down, naming and dating units as it goes.
struct TreeBuilder {
    year: i32,
    rng: Rng,
    places: Places,
    /// Communes per district, organisations per commune, cells per organisation, people
    /// per cell.
    communes: Vec<u64>,
    grassroots: Vec<u64>,
    cells: Vec<u64>,
    cell_sizes: Vec<u64>,
    /// The next commune, organisation and cell to lay out (indexes into the lists above).
    next: (usize, usize, usize),
}

impl TreeBuilder {
    fn district(&mut self, plan: &mut Plan, province: &Parent, d: usize) {
        let place = self.places.take();
        let title = match d {
            0 => "thành phố",
            1 => "thị xã",
            _ => "huyện",
        };
        let opened = self.rng.date_between(province.opened_on, ymd(self.year - 24, 12, 31));
        let mut district =
            plan.add_unit(province, format!("H{:02}", d + 1), format!("Đảng bộ {title} {place}"), "huyen_uy", opened);
        (district.district, district.urban, district.place) = (district.id, d == 0, place);
        for x in 0..self.communes[d] as usize {
            self.commune(plan, &district, x);
        }
    }

    fn commune(&mut self, plan: &mut Plan, district: &Parent, x: usize) {
        let place = self.places.take();
        let title = match (district.urban, x) {
            (true, _) => "phường",
            (false, 0) => "thị trấn",
            _ => "xã",
        };
        let opened = self.rng.date_between(district.opened_on, ymd(self.year - 15, 12, 31));
        let mut commune =
            plan.add_unit(district, format!("X{:02}", x + 1), format!("Đảng bộ {title} {place}"), "dang_uy_xa", opened);
        commune.place = place;
        let n = self.grassroots[self.next.0];
        self.next.0 += 1;
        for s in 0..n as usize {
            self.grassroots_org(plan, &commune, s);
        }
    }

    /// A residential party organisation, or one of a school, cooperative, clinic or firm.
    fn grassroots_org(&mut self, plan: &mut Plan, commune: &Parent, s: usize) {
        let institution = INSTITUTIONS.get(s).copied().filter(|_| self.rng.chance(0.4));
        let name = match institution {
            Some(kind) => format!("Đảng bộ {kind} {}", commune.place),
            None => format!("Đảng bộ khu dân cư số {}", s + 1),
        };
        let opened = self.rng.date_between(commune.opened_on, ymd(self.year - 10, 12, 31));
        let org = plan.add_unit(commune, format!("S{:02}", s + 1), name, "tccs", opened);
        let n = self.cells[self.next.1];
        self.next.1 += 1;
        for k in 0..n as usize {
            self.cell(plan, &org, institution.is_some(), k);
        }
    }

    fn cell(&mut self, plan: &mut Plan, org: &Parent, institution: bool, k: usize) {
        let name = if institution {
            format!("Chi bộ {} {}", DEPARTMENTS[k % DEPARTMENTS.len()], k / DEPARTMENTS.len() + 1)
        } else if org.urban {
            format!("Chi bộ khu phố {}", k + 1)
        } else if self.rng.chance(0.5) {
            format!("Chi bộ thôn {}", self.places.any(&mut self.rng))
        } else {
            format!("Chi bộ xóm {}", k + 1)
        };
        let opened = self.rng.date_between(org.opened_on, ymd(self.year - 5, 12, 31));
        let cell = plan.add_unit(org, format!("C{:03}", k + 1), name, "chi_bo", opened);
        let size = self.cell_sizes[self.next.2] as usize;
        self.next.2 += 1;
        let begin = plan.cells.last().map_or(0, |c| c.people.end);
        let turnout = 0.86 + 0.10 * self.rng.unit();
        plan.cells.push(Cell { unit_id: cell.id, district_id: org.district, people: begin..begin + size, turnout });
    }
}

struct Plan {
    seed: u64,
    doc_id: i64,
    topics: Vec<Topic>,
    units: Vec<Unit>,
    cells: Vec<Cell>,
    people: Vec<Person>,
    /// Key cadres (index into `people`) with their district.
    key_cadres: Vec<(usize, i64)>,
    conferences: Vec<Conference>,
    points: Vec<Point>,
}

/// How many units of each level a province of `members` people has: ~30 people a cell,
/// ~5 cells a grassroots organisation, ~10 of those a commune, up to 10 districts.
struct Shape {
    districts: u64,
    communes: u64,
    grassroots: u64,
    cells: u64,
}

impl Shape {
    fn for_members(members: u64) -> Shape {
        let cells = members.div_ceil(30).max(1);
        let districts = (cells / 50).clamp(1, 10);
        let communes = (cells / 50).max(districts);
        let grassroots = (cells / 5).max(communes);
        Shape { districts, communes, grassroots, cells }
    }
}

impl Plan {
    fn new(cfg: &GenConfig, ids: &Ids) -> Plan {
        let mut plan = Plan {
            seed: cfg.seed,
            doc_id: ids.doc,
            topics: topics(cfg.year, ids.topic),
            units: Vec::new(),
            cells: Vec::new(),
            people: Vec::new(),
            key_cadres: Vec::new(),
            conferences: Vec::new(),
            points: Vec::new(),
        };
        plan.build_tree(cfg, ids.unit);
        plan.fill_cells(cfg, ids.person);
        plan.plan_cell_meetings(cfg.year, ids.conference);
        plan.plan_province_conferences(cfg.year, ids.conference + plan.conferences.len() as i64);
        plan
    }

    /// Province → districts → communes → grassroots organisations → cells, ids in depth-first
    /// order so that every subtree is a contiguous id range (easy to eyeball in the data).
    fn build_tree(&mut self, cfg: &GenConfig, first_id: i64) {
        let shape = Shape::for_members(cfg.members);
        let mut rng = Rng::for_entity(cfg.seed, stream::TREE, 0);
        let mut b = TreeBuilder {
            year: cfg.year,
            communes: split(shape.communes, shape.districts, 0.3, &mut rng),
            grassroots: split(shape.grassroots, shape.communes, 0.4, &mut rng),
            cells: split(shape.cells, shape.grassroots, 0.5, &mut rng),
            cell_sizes: split(cfg.members, shape.cells, 0.17, &mut rng),
            rng,
            places: Places::new(cfg.seed),
            next: (0, 0, 0),
        };
        let province = Parent {
            id: first_id,
            code: "G-T01".into(),
            opened_on: ymd(cfg.year - 27, 1, 1),
            place: b.places.take(),
            district: first_id,
            urban: false,
        };
        let name = format!("Đảng bộ tỉnh {}", province.place);
        self.units.push(Unit {
            id: first_id,
            code: province.code.clone(),
            name,
            kind: "tinh_uy",
            opened_on: province.opened_on,
            parent: None,
        });
        for d in 0..b.communes.len() {
            b.district(self, &province, d);
        }
    }

    /// Adds a unit under `parent`; its code extends the parent's with `code`.
    fn add_unit(
        &mut self,
        parent: &Parent,
        code: String,
        name: String,
        kind: &'static str,
        opened_on: NaiveDate,
    ) -> Parent {
        let id = self.units[0].id + self.units.len() as i64;
        let code = format!("{}-{code}", parent.code);
        self.units.push(Unit { id, code: code.clone(), name, kind, opened_on, parent: Some(parent.id) });
        Parent { id, code, opened_on, ..parent.clone() }
    }

    /// The unit with this id (ids are dense from the province's).
    fn unit(&self, id: i64) -> &Unit {
        &self.units[(id - self.units[0].id) as usize]
    }

    /// Creates every cell's people and their memberships.
    fn fill_cells(&mut self, cfg: &GenConfig, first_id: i64) {
        let mut people = Vec::with_capacity(cfg.members as usize);
        let mut key_cadres = Vec::new();
        for cell in &self.cells {
            let opened = self.unit(cell.unit_id).opened_on;
            for (k, ix) in cell.people.clone().enumerate() {
                let p = person(cfg, first_id + ix as i64, ix, k, cell.unit_id, opened);
                if p.key_cadre {
                    key_cadres.push((ix, cell.district_id));
                }
                people.push(p);
            }
        }
        self.people = people;
        self.key_cadres = key_cadres;
    }

    /// Each cell's monthly study meeting (sinh hoạt chi bộ định kỳ), on about the same day
    /// every month. Most cells study the year's topic in March; some only after its deadline.
    fn plan_cell_meetings(&mut self, year: i32, first_id: i64) {
        let annual_topic = self.topics[0].id;
        for (ix, cell) in self.cells.iter().enumerate() {
            let mut rng = Rng::for_entity(self.seed, stream::MEETING, ix as u64);
            let day = rng.between(1, 10) as u32;
            let topic_month = if rng.chance(0.88) { 3 } else { 7 };
            // Most cells bring study content into nearly every meeting; some only now and then.
            let study_share = if rng.chance(0.7) { 0.97 } else { 0.6 };
            let code = self.unit(cell.unit_id).code.clone();
            for m in 1..=12u32 {
                let held_on = ymd(year, m, day + rng.between(0, 2) as u32);
                self.conferences.push(Conference {
                    id: first_id + (ix * 12) as i64 + i64::from(m) - 1,
                    code: format!("SH-{year}{m:02}-{code}"),
                    unit_id: cell.unit_id,
                    held_on,
                    title: format!("Sinh hoạt chi bộ tháng {m}/{year} — học tập chuyên đề"),
                    level: "Chi bộ",
                    online: false,
                    others: 0,
                    unlisted: 0,
                    topic: (m == topic_month).then_some(annual_topic),
                    regular: true,
                    study: m == topic_month || rng.chance(study_share),
                    roster: Roster::Cell(ix),
                });
            }
        }
    }

    /// A few online conferences of the province committee, followed at a connection point
    /// in every district by its key cadres, union members and the public.
    fn plan_province_conferences(&mut self, year: i32, first_id: i64) {
        let titles = [
            (2, format!("Hội nghị trực tuyến toàn tỉnh học tập, quán triệt chuyên đề năm {year}")),
            (5, "Hội nghị quán triệt, triển khai các nghị quyết Hội nghị Trung ương".to_string()),
            (8, format!("Hội nghị sơ kết 6 tháng đầu năm {year} thực hiện Chỉ thị 05-CT/TW")),
            (11, "Hội nghị trực tuyến học tập chuyên đề toàn khóa".to_string()),
        ];
        let province = self.units[0].id;
        let districts: Vec<i64> = self.units.iter().filter(|u| u.kind == "huyen_uy").map(|u| u.id).collect();
        for (k, (month, title)) in titles.into_iter().enumerate() {
            let id = first_id + k as i64;
            let mut rng = Rng::for_entity(self.seed, stream::PROVINCE, k as u64);
            let topic = match k {
                0 => Some(self.topics[0].id),
                3 => Some(self.topics[1].id),
                _ => None,
            };
            self.conferences.push(Conference {
                id,
                code: format!("HN-{year}-TINH-{:02}", k + 1),
                unit_id: province,
                held_on: ymd(year, month, rng.between(10, 20) as u32),
                title,
                level: "Tỉnh",
                online: true,
                others: rng.between(1_500, 4_000),
                unlisted: rng.between(150, 400),
                topic,
                regular: false,
                study: false,
                roster: Roster::KeyCadres,
            });
            for &d in &districts {
                let (others, unlisted) = (rng.between(200, 800), rng.between(20, 120));
                self.points.push(Point { conference_id: id, unit_id: d, others, unlisted });
            }
        }
    }
}

fn topics(year: i32, first_id: i64) -> Vec<Topic> {
    vec![
        Topic {
            id: first_id,
            code: format!("CD-{year}"),
            title: format!(
                "Chuyên đề năm {year}: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về xây dựng Đảng trong sạch, vững mạnh"
            ),
            year,
            term_wide: false,
            deadline: Some(ymd(year, 6, 30)),
        },
        Topic {
            id: first_id + 1,
            code: format!("CD-TK-{year}"),
            title: "Chuyên đề toàn khóa: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý chí tự lực, tự cường và khát vọng phát triển đất nước phồn vinh, hạnh phúc".to_string(),
            year,
            term_wide: true,
            deadline: None,
        },
    ]
}

/// One person of a cell: `ix` counts people across the province, `k` within the cell (the
/// first is the cell's secretary, the second its deputy).
fn person(cfg: &GenConfig, id: i64, ix: usize, k: usize, unit_id: i64, cell_opened: NaiveDate) -> Person {
    let y = cfg.year;
    let mut rng = Rng::for_entity(cfg.seed, stream::PERSON, ix as u64);
    let female = rng.chance(0.4);
    let full_name = person_name(&mut rng, female);
    let roll = rng.unit();
    let leadership = k < 2;
    // About 95% party members; 5% non-members ("quần chúng ưu tú" preparing to join);
    // 2% newly admitted this year; 1% transferred out during the year.
    let non_member = !leadership && roll < 0.05;
    let newly_admitted = !leadership && (0.05..0.07).contains(&roll);
    let leaves = !leadership && (0.07..0.08).contains(&roll);
    let age = if non_member { rng.between(20, 35) } else { rng.between(23, 75) };
    let birth = rng.date_between(ymd(y - age as i32, 1, 1), ymd(y - age as i32, 12, 31));
    let adult = plus_years(birth, 18);
    let last_year_end = ymd(y - 1, 12, 31);

    let (admitted_on, from) = if non_member {
        (None, rng.date_between(adult.max(cell_opened), last_year_end))
    } else if newly_admitted {
        let month = rng.between(6, 11) as u32;
        let d = day_in_month(&mut rng, y, month);
        (Some(d), d)
    } else {
        let admitted = rng.date_between(adult, last_year_end - Days::new(30));
        (Some(admitted), rng.date_between(admitted.max(cell_opened), last_year_end))
    };
    let leave_month = rng.between(3, 10) as u32;
    let to = leaves.then(|| day_in_month(&mut rng, y, leave_month));
    // Probation lasts 12 months; those admitted this year are not yet official.
    let official_on = admitted_on.map(|a| plus_years(a, 1)).filter(|o| *o <= ymd(y, 1, 1));
    let key_cadre = !non_member && !newly_admitted && rng.chance(0.03);
    let position = match k {
        0 => Some("Bí thư chi bộ"),
        1 => Some("Phó Bí thư chi bộ"),
        _ if key_cadre => Some(*rng.pick(&KEY_POSTS)),
        _ => None,
    };
    Person {
        id,
        code: format!("P{:06}", ix + 1),
        card_no: (!non_member).then(|| format!("{:08}", 30_000_000 + ix)),
        full_name,
        female,
        birth,
        ethnicity: rng.weighted(&ETHNICITY),
        is_member: !non_member,
        admitted_on,
        official_on,
        position,
        key_cadre,
        head: k == 0,
        absentee: rng.chance(0.015),
        unit_id,
        from,
        to,
    }
}

// ----- writing ----------------------------------------------------------------------------

/// The column list of one of the generator's tables, as the store declares it.
fn columns(table: &str) -> &'static [&'static str] {
    bulk::TABLES.iter().find(|(t, _)| *t == table).map(|(_, c)| *c).expect("a table the generator fills")
}

/// People get two columns beyond the store's generator list: ethnicity and official_on.
const PEOPLE_COLUMNS: [&str; 14] = [
    "id",
    "person_code",
    "card_no",
    "full_name",
    "name_folded",
    "gender",
    "birth_date",
    "ethnicity",
    "is_member",
    "admitted_on",
    "official_on",
    "position",
    "key_cadre",
    "head_of_unit",
];

async fn insert(tx: &mut Tx, table: &str, cols: &[&str], rows: &[Vec<Value>]) -> Result<()> {
    bulk::insert(tx, table, cols, rows).await.map_err(db)
}

/// Inserts `items` as rows of `table` in chunks, reporting progress under `stage`.
async fn insert_all<T>(
    tx: &mut Tx,
    table: &str,
    cols: &[&str],
    items: &[T],
    row: impl Fn(&T) -> Vec<Value>,
    stage: &str,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<()> {
    let total = items.len() as u64;
    progress(stage, 0, total);
    let mut done = 0;
    for chunk in items.chunks(CHUNK) {
        let rows: Vec<Vec<Value>> = chunk.iter().map(&row).collect();
        insert(tx, table, cols, &rows).await?;
        done += chunk.len() as u64;
        progress(stage, done, total);
    }
    Ok(())
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// Everything but attendance, parents before children.
async fn write_plan(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<()> {
    write_topics(tx, plan, progress).await?;
    write_units(tx, plan, progress).await?;
    insert_all(tx, "people", &PEOPLE_COLUMNS, &plan.people, person_row, "people", progress).await?;
    let membership =
        |p: &Person| vec![Value::Int(p.id), Value::Int(p.unit_id), Value::Date(p.from), Value::OptDate(p.to)];
    insert_all(tx, "memberships", columns("memberships"), &plan.people, membership, "memberships", progress).await?;
    write_conferences(tx, plan, progress).await
}

/// The campaign document (Chỉ thị 05-CT/TW) and the year's two study topics.
async fn write_topics(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<()> {
    let doc = [(
        plan.doc_id,
        "05-CT/TW",
        "Chỉ thị 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    )];
    let doc_row = |(id, code, title): &(i64, &str, &str)| {
        vec![Value::Int(*id), text(code), text(title), Value::Date(ymd(2016, 5, 15))]
    };
    insert_all(tx, "campaign_docs", &["id", "code", "title", "issued_on"], &doc, doc_row, "topics", progress).await?;
    let topic_row = |t: &Topic| {
        vec![
            Value::Int(t.id),
            text(&t.code),
            text(&t.title),
            Value::Int(i64::from(t.year)),
            Value::Bool(t.term_wide),
            Value::OptDate(t.deadline),
            Value::Int(plan.doc_id),
        ]
    };
    let cols = ["id", "code", "title", "year", "term_wide", "deadline", "doc_id"];
    insert_all(tx, "topics", &cols, &plan.topics, topic_row, "topics", progress).await
}

/// Units with their first (and only) name and their parent link.
async fn write_units(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<()> {
    let unit_row = |u: &Unit| {
        vec![
            Value::Int(u.id),
            text(&u.code),
            text(&u.name),
            text(u.kind),
            Value::Date(u.opened_on),
            Value::OptDate(None),
        ]
    };
    insert_all(tx, "units", columns("units"), &plan.units, unit_row, "units", progress).await?;
    let name_row = |u: &Unit| vec![Value::Int(u.id), text(&u.name), Value::Date(u.opened_on)];
    insert_all(tx, "unit_names", columns("unit_names"), &plan.units, name_row, "unit names", progress).await?;
    let links: Vec<(&Unit, i64)> = plan.units.iter().filter_map(|u| u.parent.map(|p| (u, p))).collect();
    let link_row = |(u, parent): &(&Unit, i64)| {
        vec![Value::Int(u.id), Value::Int(*parent), Value::Date(u.opened_on), Value::OptDate(None), Value::Bool(false)]
    };
    insert_all(tx, "unit_links", columns("unit_links"), &links, link_row, "unit links", progress).await
}

/// Conferences, their topics and their connection points.
async fn write_conferences(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<()> {
    let conference_row = |c: &Conference| {
        vec![
            Value::Int(c.id),
            text(&c.code),
            Value::Int(c.unit_id),
            Value::Date(c.held_on),
            text(&c.title),
            text(c.level),
            Value::Bool(c.online),
            Value::Int(c.others),
            Value::Int(c.unlisted),
            Value::Bool(c.regular),
            Value::Bool(c.study),
        ]
    };
    insert_all(tx, "conferences", columns("conferences"), &plan.conferences, conference_row, "conferences", progress)
        .await?;
    let topics: Vec<(i64, i64)> = plan.conferences.iter().filter_map(|c| c.topic.map(|t| (c.id, t))).collect();
    let topic_row = |(c, t): &(i64, i64)| vec![Value::Int(*c), Value::Int(*t)];
    insert_all(
        tx,
        "conference_topics",
        columns("conference_topics"),
        &topics,
        topic_row,
        "conference topics",
        progress,
    )
    .await?;
    let point_row = |p: &Point| {
        vec![Value::Int(p.conference_id), Value::Int(p.unit_id), Value::Int(p.others), Value::Int(p.unlisted)]
    };
    let cols = ["conference_id", "unit_id", "others_count", "unlisted_members"];
    insert_all(tx, "conference_points", &cols, &plan.points, point_row, "connection points", progress).await
}

fn person_row(p: &Person) -> Vec<Value> {
    vec![
        Value::Int(p.id),
        text(&p.code),
        Value::OptText(p.card_no.clone()),
        text(&p.full_name),
        Value::Text(vn::fold(&p.full_name)),
        text(if p.female { "female" } else { "male" }),
        Value::Date(p.birth),
        text(p.ethnicity),
        Value::Bool(p.is_member),
        Value::OptDate(p.admitted_on),
        Value::OptDate(p.official_on),
        Value::OptText(p.position.map(str::to_string)),
        Value::Bool(p.key_cadre),
        Value::Bool(p.head),
    ]
}

// ----- attendance -------------------------------------------------------------------------

/// One attendance row before it becomes `Value`s.
struct Row {
    conference_id: i64,
    person_id: i64,
    point_unit_id: Option<i64>,
    status: &'static str,
}

impl Plan {
    /// Calls `each` for every attendance row of conference `c`: everyone on its roster who
    /// belonged to the unit on the day it was held.
    fn attendance_of(&self, c: &Conference, each: &mut impl FnMut(Row)) {
        match c.roster {
            Roster::Cell(ix) => {
                let cell = &self.cells[ix];
                for p in &self.people[cell.people.clone()] {
                    if p.member_on(c.held_on) {
                        each(self.row(c, p, None, cell.turnout));
                    }
                }
            }
            Roster::KeyCadres => {
                for &(ix, district) in &self.key_cadres {
                    let p = &self.people[ix];
                    if p.member_on(c.held_on) {
                        each(self.row(c, p, Some(district), 0.92));
                    }
                }
            }
        }
    }

    /// Present, excused or absent: drawn from a stream keyed by (conference, person).
    fn row(&self, c: &Conference, p: &Person, point_unit_id: Option<i64>, turnout: f64) -> Row {
        let key = (c.id as u64).wrapping_mul(0x1_0000_0001) ^ p.id as u64;
        let u = Rng::for_entity(self.seed, stream::STATUS, key).unit();
        let present = if p.absentee { 0.2 } else { turnout };
        // Of those missing, about 60% send word (excused), the rest are simply absent.
        let status = if u < present {
            "present"
        } else if u < present + (1.0 - present) * 0.6 {
            "excused"
        } else {
            "absent"
        };
        Row { conference_id: c.id, person_id: p.id, point_unit_id, status }
    }
}

/// Writes every attendance row in chunks; returns how many were written.
async fn write_attendances(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<u64> {
    let started = Instant::now();
    let mut total = 0u64;
    for c in &plan.conferences {
        plan.attendance_of(c, &mut |_| total += 1);
    }
    progress("attendances", 0, total);
    let cols = columns("attendances");
    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(CHUNK + 100);
    let mut done = 0u64;
    for (i, c) in plan.conferences.iter().enumerate() {
        plan.attendance_of(c, &mut |r| {
            rows.push(vec![
                Value::Int(r.conference_id),
                Value::Int(r.person_id),
                Value::OptInt(r.point_unit_id),
                text(r.status),
            ])
        });
        if rows.len() >= CHUNK || i + 1 == plan.conferences.len() {
            insert(tx, "attendances", cols, &rows).await?;
            done += rows.len() as u64;
            rows.clear();
            progress("attendances", done, total);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(rows = done, seconds = secs, "attendances written ({:.0} rows/s)", done as f64 / secs.max(1e-9));
    Ok(done)
}
