//! Deterministic synthetic data: one large province, for load tests, the benchmark and demos;
//! or (`national`) the whole party: the root, the 34 provinces and cities, and in each the
//! shape one province has, its districts closed on 1/7/2025 when the district level ended.
//!
//! The province is planned in memory first (units, people, memberships, conferences, the
//! year's movement registrations, covenants and tasks: a few tens of megabytes for 150,000
//! members), then written with multi-row inserts inside one transaction, so a failed or
//! interrupted run leaves the database empty and can be rerun. The rows that come many to a
//! person — attendance (about 13 per member), personal plans, monthly reviews and ratings —
//! are never all held at once: they are derived from the plan and written in chunks.
//!
//! For the year it makes what the forms and imports would hold after a year of work: every
//! cell's monthly regular meetings (most with study content) and, apart from them, one study
//! conference of its own on the year's topic (`HT-{cell}-{year}`); a study conference of
//! every commune for its cadres and of a few grassroots organisations; the province's online
//! conferences with connection points; personal plans for the term and the year and the
//! members' commitments, submitted to the cell and mostly acknowledged; the province's
//! emulation movement with the members' registrations and the cells' monthly reviews; the
//! year's ratings of members and of party organisations; covenants between the province and
//! its districts and between each district and its communes, signed and scored; and the
//! breakthrough tasks of a share of the units of every level. Every date lies where the
//! service's checks want it: inside the unit's lifetime and the person's membership, review
//! months inside the movement's period.
//!
//! Every random choice comes from a stream keyed by the seed and by the entity it is for
//! (a cell, a person, a conference), so the same seed always gives the same database,
//! whatever the chunk sizes.
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use lamtheo_domain::org::LineageKind;
use lamtheo_domain::period::{Month, YEARS};
use lamtheo_domain::plans::PlanKind;
use lamtheo_domain::vn;
use lamtheo_store::bulk::{self, Value};
use lamtheo_store::{on_tx, Engine, Store, Tx};

pub struct GenConfig {
    /// People on the cells' rosters (about 95% of them party members).
    pub members: u64,
    /// The year whose conferences, attendance and campaign activities are generated.
    pub year: i32,
    pub seed: u64,
    /// The whole party instead of one province: the central root, the 34 provinces and
    /// cities of 1/7/2025, and their districts closed on that day (see `REORGANISED_ON`).
    pub national: bool,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig { members: 150_000, year: 2024, seed: 1, national: false }
    }
}

#[derive(Debug, Clone, Default)]
pub struct GenStats {
    pub units: u64,
    pub people: u64,
    /// Every conference row: study conferences and regular cell meetings.
    pub conferences: u64,
    /// Of them, the cells' regular meetings (the rest are study conferences).
    pub regular_meetings: u64,
    pub attendances: u64,
    pub topics: u64,
    pub plans: u64,
    /// Emulation movements: one a province.
    pub movements: u64,
    pub registrations: u64,
    pub reviews: u64,
    /// Ratings of people, and of organisations.
    pub person_ratings: u64,
    pub unit_ratings: u64,
    pub covenants: u64,
    /// Units expected to sign a covenant, and those that signed.
    pub covenant_units: u64,
    pub covenant_signed: u64,
    pub covenant_scores: u64,
    pub tasks: u64,
    pub seconds: f64,
}

impl fmt::Display for GenStats {
    /// Every count, in the words of the command's summary line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} units, {} people, {} conferences ({} study conferences, {} regular meetings), {} attendances, \
             {} topics, {} personal plans, {} movement{} with {} registrations and {} monthly reviews, \
             {} ratings ({} people, {} organisations), {} covenants ({}/{} units signed, {} scores), \
             {} breakthrough tasks in {:.1} s",
            self.units,
            self.people,
            self.conferences,
            self.conferences - self.regular_meetings,
            self.regular_meetings,
            self.attendances,
            self.topics,
            self.plans,
            self.movements,
            if self.movements == 1 { "" } else { "s" },
            self.registrations,
            self.reviews,
            self.person_ratings + self.unit_ratings,
            self.person_ratings,
            self.unit_ratings,
            self.covenants,
            self.covenant_signed,
            self.covenant_units,
            self.covenant_scores,
            self.tasks,
            self.seconds
        )
    }
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
    // Ratings, covenants and tasks take years the service accepts only in this range.
    if !YEARS.contains(&cfg.year) {
        bail!("year {} is out of range ({}–{})", cfg.year, YEARS.start(), YEARS.end());
    }
    if cfg.national {
        // The year's work runs through the districts (connection points, covenants), which
        // closed on 1/7/2025.
        if cfg.year >= REORGANISED_ON.year() {
            bail!(
                "--national generates a year of the districts' work: use --year {} or earlier",
                REORGANISED_ON.year() - 1
            );
        }
        if cfg.members < PROVINCES.len() as u64 {
            bail!("--national needs at least {} members, one a province", PROVINCES.len());
        }
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
    let activities = write_activities(&mut tx, &plan, progress).await?;
    bulk::fix_sequences(store, &mut tx).await.map_err(db)?;
    for table in ["emulation_movements", "emulation_registrations", "covenant_campaigns"] {
        bulk::fix_sequence(store, &mut tx, table).await.map_err(db)?;
    }
    // Written around the service: a server already following this database builds its
    // index again (see the change log).
    let rebuild = serde_json::to_string(&lamtheo_analytics::Delta::Rebuild)?;
    lamtheo_store::changelog::append(&mut tx, &[rebuild]).await.map_err(db)?;
    tx.commit().await.map_err(db)?;
    analyze(store).await?;

    let stats = GenStats {
        units: plan.units.len() as u64,
        people: plan.people.len() as u64,
        conferences: plan.conferences.len() as u64,
        regular_meetings: plan.conferences.iter().filter(|c| c.regular).count() as u64,
        attendances,
        topics: plan.topics.len() as u64,
        registrations: plan.registrations.len() as u64,
        covenants: plan.covenants.len() as u64,
        covenant_units: plan.covenants.iter().map(|c| c.signatories.len() as u64).sum(),
        covenant_signed: plan.covenants.iter().flat_map(|c| &c.signatories).filter(|s| s.signed_on.is_some()).count()
            as u64,
        tasks: plan.tasks.len() as u64,
        seconds: started.elapsed().as_secs_f64(),
        ..activities
    };
    tracing::info!("generated: {stats}");
    Ok(stats)
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
    /// A cell's, commune's or grassroots organisation's study conference.
    pub const STUDY: u64 = 8;
    /// A person's plans, registration and reviews, rating.
    pub const PLANS: u64 = 9;
    pub const REGISTRATION: u64 = 10;
    pub const REVIEWS: u64 = 11;
    pub const RATING: u64 = 12;
    /// An organisation's rating, covenants and tasks.
    pub const UNIT_RATING: u64 = 13;
    pub const COVENANT: u64 = 14;
    pub const TASKS: u64 = 15;
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
/// Posts that key cadres who are not party members hold.
const NON_MEMBER_POSTS: [&str; 4] =
    ["Phó Chủ tịch Hội Nông dân xã", "Phó Chủ tịch Hội Phụ nữ xã", "Trưởng thôn", "Phó Chỉ huy trưởng Quân sự xã"];
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

/// Two-syllable place names, shuffled once for each province. Its districts and communes
/// take them in order so that no two share a name (a number is added once all 380 are used);
/// places of different provinces may, as they do.
struct Places {
    names: Vec<String>,
    next: usize,
}

impl Places {
    /// The names of province `key` (0 for the one-province shape).
    fn new(seed: u64, key: u64) -> Places {
        let mut names: Vec<String> = PLACE_FIRST
            .iter()
            .flat_map(|a| PLACE_SECOND.iter().filter(move |b| *b != a).map(move |b| format!("{a} {b}")))
            .collect();
        let mut rng = Rng::for_entity(seed, stream::PLACE, key);
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

// ----- the national shape -----------------------------------------------------------------

/// The party's provincial organisations of the 34 provinces and centrally-run cities from
/// 1/7/2025, in the official order.
const PROVINCES: [&str; 34] = [
    "Đảng bộ thành phố Hà Nội",
    "Đảng bộ thành phố Huế",
    "Đảng bộ tỉnh Lai Châu",
    "Đảng bộ tỉnh Điện Biên",
    "Đảng bộ tỉnh Sơn La",
    "Đảng bộ tỉnh Lạng Sơn",
    "Đảng bộ tỉnh Quảng Ninh",
    "Đảng bộ tỉnh Thanh Hóa",
    "Đảng bộ tỉnh Nghệ An",
    "Đảng bộ tỉnh Hà Tĩnh",
    "Đảng bộ tỉnh Cao Bằng",
    "Đảng bộ tỉnh Tuyên Quang",
    "Đảng bộ tỉnh Lào Cai",
    "Đảng bộ tỉnh Thái Nguyên",
    "Đảng bộ tỉnh Phú Thọ",
    "Đảng bộ tỉnh Bắc Ninh",
    "Đảng bộ tỉnh Hưng Yên",
    "Đảng bộ thành phố Hải Phòng",
    "Đảng bộ tỉnh Ninh Bình",
    "Đảng bộ tỉnh Quảng Trị",
    "Đảng bộ thành phố Đà Nẵng",
    "Đảng bộ tỉnh Quảng Ngãi",
    "Đảng bộ tỉnh Gia Lai",
    "Đảng bộ tỉnh Khánh Hòa",
    "Đảng bộ tỉnh Lâm Đồng",
    "Đảng bộ tỉnh Đắk Lắk",
    "Đảng bộ Thành phố Hồ Chí Minh",
    "Đảng bộ tỉnh Đồng Nai",
    "Đảng bộ tỉnh Tây Ninh",
    "Đảng bộ thành phố Cần Thơ",
    "Đảng bộ tỉnh Vĩnh Long",
    "Đảng bộ tỉnh Đồng Tháp",
    "Đảng bộ tỉnh Cà Mau",
    "Đảng bộ tỉnh An Giang",
];
/// The whole party at full scale: members, communes and wards, grassroots organisations.
/// Below `NATIONAL_MEMBERS` the communes and organisations shrink in proportion.
const NATIONAL_MEMBERS: u64 = 5_100_000;
const NATIONAL_COMMUNES: u64 = 3_321;
const NATIONAL_GRASSROOTS: u64 = 52_000;
/// The day the district level ended: the districts closed and their communes came directly
/// under the province.
const REORGANISED_ON: NaiveDate = match NaiveDate::from_ymd_opt(2025, 7, 1) {
    Some(d) => d,
    None => panic!("a valid calendar date"),
};

// ----- the plan ---------------------------------------------------------------------------

/// First free id of every table that gets explicit ids (the tables may hold rows already).
struct Ids {
    unit: i64,
    person: i64,
    conference: i64,
    topic: i64,
    doc: i64,
    movement: i64,
    registration: i64,
    covenant: i64,
}

impl Ids {
    async fn after_existing(tx: &mut Tx) -> Result<Ids> {
        Ok(Ids {
            unit: next_id(tx, "units").await?,
            person: next_id(tx, "people").await?,
            conference: next_id(tx, "conferences").await?,
            topic: next_id(tx, "topics").await?,
            doc: next_id(tx, "campaign_docs").await?,
            movement: next_id(tx, "emulation_movements").await?,
            registration: next_id(tx, "emulation_registrations").await?,
            covenant: next_id(tx, "covenant_campaigns").await?,
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
    /// Only districts of the national shape close (on `REORGANISED_ON`).
    closed_on: Option<NaiveDate>,
    /// The parent during the generated year.
    parent: Option<i64>,
}

/// A lineage event of the reorganisation: `unit_id` moves under `to`, or closes.
struct Event {
    id: i64,
    kind: LineageKind,
    unit_id: i64,
    to: Option<i64>,
}

/// A row of `unit_links`.
struct Link {
    unit_id: i64,
    parent_id: i64,
    from: NaiveDate,
    to: Option<NaiveDate>,
    historic: bool,
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
    people: Range<usize>,
    /// Share of meetings a regular member attends; cells differ.
    turnout: f64,
}

impl Cell {
    /// The share present at a study conference: more than at a monthly meeting, since it is
    /// announced well ahead and nobody misses it without a reason.
    fn study_turnout(&self) -> f64 {
        (self.turnout + 0.06).min(0.985)
    }
}

/// A commune or grassroots organisation with its cells (indexes into `Plan::cells`).
struct Group {
    unit_id: i64,
    cells: Range<usize>,
}

/// Who is on a conference's roster.
enum Roster {
    /// A cell's people, at its meeting (or, `study`, its study conference).
    Cell { ix: usize, study: bool },
    /// Everyone of these cells (a grassroots organisation's conference).
    Cells(Range<usize>),
    /// The cells' leaders and key cadres (a commune's conference for its cadres).
    Leaders(Range<usize>),
    /// A province's key cadres (a range of `Plan::key_cadres`), each at their district's
    /// connection point.
    KeyCadres(Range<usize>),
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
    topics: Vec<i64>,
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

struct Doc {
    id: i64,
    code: &'static str,
    title: &'static str,
    issued_on: NaiveDate,
}

struct Topic {
    id: i64,
    code: String,
    title: String,
    year: i32,
    term_wide: bool,
    deadline: Option<NaiveDate>,
    doc_id: i64,
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
    /// The builder of province `p`'s subtree (`p` is 0 in the one-province shape): its own
    /// random stream and place names, and the sizes of its levels.
    fn new(cfg: &GenConfig, p: u64, shape: &Shape, members: u64) -> TreeBuilder {
        let mut rng = Rng::for_entity(cfg.seed, stream::TREE, p);
        TreeBuilder {
            year: cfg.year,
            communes: split(shape.communes, shape.districts, 0.3, &mut rng),
            grassroots: split(shape.grassroots, shape.communes, 0.4, &mut rng),
            cells: split(shape.cells, shape.grassroots, 0.5, &mut rng),
            cell_sizes: split(members, shape.cells, 0.17, &mut rng),
            rng,
            places: Places::new(cfg.seed, p),
            next: (0, 0, 0),
        }
    }

    /// Everything below `province` (already added), and its entry in `Plan::provinces`.
    fn province(&mut self, plan: &mut Plan, province: &Parent, movement_id: i64) {
        let first_person = plan.cells.last().map_or(0, |c| c.people.end);
        let districts = (0..self.communes.len()).map(|d| self.district(plan, province, d)).collect();
        let people = first_person..plan.cells.last().map_or(0, |c| c.people.end);
        // Key cadres are known once the people are made (`fill_cells`).
        plan.provinces.push(Province { unit_id: province.id, districts, people, key_cadres: 0..0, movement_id });
    }

    /// Adds district `d` of `province` with everything below it; returns its id.
    fn district(&mut self, plan: &mut Plan, province: &Parent, d: usize) -> i64 {
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
        district.id
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
        let first_cell = plan.cells.len();
        for s in 0..n as usize {
            self.grassroots_org(plan, &commune, s);
        }
        plan.communes.push(Group { unit_id: commune.id, cells: first_cell..plan.cells.len() });
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
        let first_cell = plan.cells.len();
        for k in 0..n as usize {
            self.cell(plan, &org, institution.is_some(), k);
        }
        plan.orgs.push(Group { unit_id: org.id, cells: first_cell..plan.cells.len() });
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

/// A province committee and its share of the plan: each province has its own online
/// conferences, covenant with its districts and emulation movement.
struct Province {
    unit_id: i64,
    /// Its districts, in id order.
    districts: Vec<i64>,
    /// Its people (indexes into `Plan::people`) and key cadres (into `Plan::key_cadres`):
    /// the tree is laid out depth-first, so both are contiguous.
    people: Range<usize>,
    key_cadres: Range<usize>,
    /// The province's emulation movement of the year.
    movement_id: i64,
}

struct Plan {
    seed: u64,
    year: i32,
    docs: Vec<Doc>,
    topics: Vec<Topic>,
    /// Depth-first from the top unit: the province, or in the national shape the root.
    units: Vec<Unit>,
    /// The root above the provinces, in the national shape.
    root: Option<i64>,
    provinces: Vec<Province>,
    cells: Vec<Cell>,
    communes: Vec<Group>,
    orgs: Vec<Group>,
    people: Vec<Person>,
    /// Key cadres (index into `people`) with their district.
    key_cadres: Vec<(usize, i64)>,
    conferences: Vec<Conference>,
    points: Vec<Point>,
    /// Who registered for their province's movement.
    registrations: Vec<Registration>,
    covenants: Vec<Covenant>,
    tasks: Vec<Task>,
}

/// A member's registration for their province's movement.
struct Registration {
    id: i64,
    movement_id: i64,
    /// Index into `Plan::people`.
    person: usize,
    on: NaiveDate,
}

/// A covenant (giao ước thi đua) organised by `unit_id` among the units below it.
struct Covenant {
    id: i64,
    unit_id: i64,
    title: String,
    signatories: Vec<Signatory>,
    /// (unit, content group, score), for the units that signed.
    scores: Vec<(i64, i64, i64)>,
}

struct Signatory {
    unit_id: i64,
    signed_on: Option<NaiveDate>,
    pilot: bool,
}

/// A breakthrough task (nhiệm vụ đột phá) a unit chose.
struct Task {
    unit_id: i64,
    years: (i32, i32),
    title: &'static str,
    field: &'static str,
    responsible: &'static str,
    status: &'static str,
    result: &'static str,
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

    /// A province of the national shape with `communes` communes and wards: grassroots
    /// organisations as many as the national ~52.000 to 3.321 communes (about 16 a
    /// commune), ~30 people a cell, and before 1/7/2025 about one district to five of
    /// today's communes (some 700 in all, as there were).
    fn national(members: u64, communes: u64) -> Shape {
        let cells = members.div_ceil(30).max(1);
        let communes = communes.clamp(1, cells);
        let districts = communes.div_ceil(5).min(30);
        let grassroots = (communes * NATIONAL_GRASSROOTS).div_ceil(NATIONAL_COMMUNES).clamp(communes, cells);
        Shape { districts, communes, grassroots, cells }
    }
}

/// Each province's members and shape in the national shape. Members spread unevenly over
/// the provinces; communes follow the members, 3.321 at full scale and fewer in proportion
/// below it, at least one a province.
fn national_shapes(cfg: &GenConfig) -> Vec<(u64, Shape)> {
    let mut rng = Rng::for_entity(cfg.seed, stream::TREE, 1 << 40);
    let members = split(cfg.members, PROVINCES.len() as u64, 0.6, &mut rng);
    let (full, scale) = (u128::from(NATIONAL_COMMUNES), u128::from(NATIONAL_MEMBERS));
    let communes = (u128::from(cfg.members) * full + scale / 2) / scale;
    let communes = apportion(communes.max(PROVINCES.len() as u128) as u64, &members);
    members.iter().zip(communes).map(|(&m, c)| (m, Shape::national(m, c))).collect()
}

/// Shares `total` (at least one a part) among parts in proportion to `weights`: one each
/// first, the rest by largest remainders, ties to the earlier part.
fn apportion(total: u64, weights: &[u64]) -> Vec<u64> {
    let n = weights.len() as u64;
    let rest = u128::from(total - n);
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum::<u128>().max(1);
    let exact: Vec<u128> = weights.iter().map(|&w| rest * u128::from(w)).collect();
    let mut shares: Vec<u64> = exact.iter().map(|e| 1 + (e / sum) as u64).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(exact[i] % sum));
    let missing = total - shares.iter().sum::<u64>();
    for &i in order.iter().take(missing as usize) {
        shares[i] += 1;
    }
    shares
}

impl Plan {
    fn new(cfg: &GenConfig, ids: &Ids) -> Plan {
        let docs = docs(ids.doc);
        let mut plan = Plan {
            seed: cfg.seed,
            year: cfg.year,
            topics: topics(cfg.year, ids.topic, &docs),
            docs,
            units: Vec::new(),
            root: None,
            provinces: Vec::new(),
            cells: Vec::new(),
            communes: Vec::new(),
            orgs: Vec::new(),
            people: Vec::new(),
            key_cadres: Vec::new(),
            conferences: Vec::new(),
            points: Vec::new(),
            registrations: Vec::new(),
            covenants: Vec::new(),
            tasks: Vec::new(),
        };
        plan.build_tree(cfg, ids);
        plan.fill_cells(cfg, ids.person);
        plan.plan_cell_meetings(ids.conference);
        plan.plan_study_conferences(ids.conference);
        plan.plan_province_conferences(ids.conference);
        plan.plan_registrations(ids.registration);
        plan.plan_covenants(ids.covenant);
        plan.plan_tasks();
        plan
    }

    /// Province → districts → communes → grassroots organisations → cells, ids in depth-first
    /// order so that every subtree is a contiguous id range (easy to eyeball in the data).
    /// The national shape puts the root and its 34 provinces on top.
    fn build_tree(&mut self, cfg: &GenConfig, ids: &Ids) {
        let first_id = ids.unit;
        let founded = ymd(cfg.year - 27, 1, 1);
        if !cfg.national {
            let mut b = TreeBuilder::new(cfg, 0, &Shape::for_members(cfg.members), cfg.members);
            let place = b.places.take();
            let province = Parent {
                id: first_id,
                code: "G-T01".into(),
                opened_on: founded,
                place,
                district: first_id,
                urban: false,
            };
            self.units.push(Unit {
                id: first_id,
                code: province.code.clone(),
                name: format!("Đảng bộ tỉnh {}", province.place),
                kind: "tinh_uy",
                opened_on: province.opened_on,
                closed_on: None,
                parent: None,
            });
            b.province(self, &province, ids.movement);
            return;
        }

        // The root has no kind of its own among those seeded: it takes the province
        // committee's, the top one (so figures by level count it at the provincial level).
        let root = Parent {
            id: first_id,
            code: "G".into(),
            opened_on: ymd(1930, 2, 3),
            place: String::new(),
            district: first_id,
            urban: false,
        };
        self.units.push(Unit {
            id: first_id,
            code: root.code.clone(),
            name: "Đảng Cộng sản Việt Nam".into(),
            kind: "tinh_uy",
            opened_on: root.opened_on,
            closed_on: None,
            parent: None,
        });
        self.root = Some(first_id);
        for (p, (name, (members, shape))) in PROVINCES.iter().zip(national_shapes(cfg)).enumerate() {
            let mut b = TreeBuilder::new(cfg, p as u64, &shape, members);
            let mut province = self.add_unit(&root, format!("T{:02}", p + 1), name.to_string(), "tinh_uy", founded);
            province.district = province.id;
            b.province(self, &province, ids.movement + p as i64);
        }
        // Until 1/7/2025 the communes were under the districts; that day the districts
        // closed and the communes came directly under the province (see `Plan::links`).
        for p in &self.provinces {
            for &d in &p.districts {
                let i = (d - first_id) as usize;
                self.units[i].closed_on = Some(REORGANISED_ON);
            }
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
        self.units.push(Unit {
            id,
            code: code.clone(),
            name,
            kind,
            opened_on,
            closed_on: None,
            parent: Some(parent.id),
        });
        Parent { id, code, opened_on, ..parent.clone() }
    }

    /// The unit with this id (ids are dense from the top unit's).
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
        // People are in province order, and so their key cadres.
        for province in &mut self.provinces {
            let start = key_cadres.partition_point(|k| k.0 < province.people.start);
            let end = key_cadres.partition_point(|k| k.0 < province.people.end);
            province.key_cadres = start..end;
        }
        self.people = people;
        self.key_cadres = key_cadres;
    }

    /// Each cell's monthly regular meeting (sinh hoạt chi bộ định kỳ), on about the same day
    /// every month; most bring study content into nearly every meeting, some only now and
    /// then.
    fn plan_cell_meetings(&mut self, first_id: i64) {
        let year = self.year;
        for (ix, cell) in self.cells.iter().enumerate() {
            let mut rng = Rng::for_entity(self.seed, stream::MEETING, ix as u64);
            let day = rng.between(1, 10) as u32;
            let study_share = if rng.chance(0.7) { 0.97 } else { 0.6 };
            let code = self.unit(cell.unit_id).code.clone();
            for m in 1..=12u32 {
                let held_on = ymd(year, m, day + rng.between(0, 2) as u32);
                let study = rng.chance(study_share);
                let title = if study {
                    format!("Sinh hoạt chi bộ tháng {m}/{year} — học tập và làm theo Bác")
                } else {
                    format!("Sinh hoạt chi bộ thường kỳ tháng {m}/{year}")
                };
                self.conferences.push(Conference {
                    id: first_id + self.conferences.len() as i64,
                    code: format!("SH-{year}{m:02}-{code}"),
                    unit_id: cell.unit_id,
                    held_on,
                    title,
                    level: "Chi bộ",
                    online: false,
                    others: 0,
                    unlisted: 0,
                    topics: Vec::new(),
                    regular: true,
                    study,
                    roster: Roster::Cell { ix, study: false },
                });
            }
        }
    }

    /// The study conferences (hội nghị học tập chuyên đề), apart from the monthly meetings:
    /// every cell studies the year's topic once (nearly all also Kết luận 01, some the
    /// term's topic), most of them by the deadlines (31/5, 30/6), some later; every commune
    /// holds one for its cadres on the year's topic and Kết luận 01, a few late; about one
    /// grassroots organisation in eight studies the term's topic with all its members.
    fn plan_study_conferences(&mut self, first_id: i64) {
        let year = self.year;
        let (annual, term, conclusion) = (self.topics[0].id, self.topics[1].id, self.topics[2].id);
        let mut planned = Vec::new();
        for (ix, cell) in self.cells.iter().enumerate() {
            let mut rng = Rng::for_entity(self.seed, stream::STUDY, ix as u64);
            let month = if rng.chance(0.9) { rng.between(3, 5) } else { rng.between(7, 9) } as u32;
            let mut topics = vec![annual];
            if rng.chance(0.92) {
                topics.push(conclusion);
            }
            if rng.chance(0.3) {
                topics.push(term);
            }
            let title = if topics.contains(&conclusion) {
                format!("Hội nghị học tập chuyên đề năm {year}, quán triệt Kết luận số 01-KL/TW")
            } else {
                format!("Hội nghị học tập chuyên đề năm {year}")
            };
            planned.push(Conference {
                id: 0,
                code: format!("HT-{}-{year}", self.unit(cell.unit_id).code),
                unit_id: cell.unit_id,
                held_on: ymd(year, month, rng.between(14, 26) as u32),
                title,
                level: "Chi bộ",
                online: false,
                others: rng.between(0, 12),
                unlisted: 0,
                topics,
                regular: false,
                study: false,
                roster: Roster::Cell { ix, study: true },
            });
        }
        for (k, commune) in self.communes.iter().enumerate() {
            let mut rng = Rng::for_entity(self.seed, stream::STUDY, (1 << 40) + k as u64);
            let month = if rng.chance(0.92) { rng.between(2, 4) } else { rng.between(6, 8) } as u32;
            let online = rng.chance(0.2);
            planned.push(Conference {
                id: 0,
                code: format!("HT-{}-{year}", self.unit(commune.unit_id).code),
                unit_id: commune.unit_id,
                held_on: ymd(year, month, rng.between(5, 25) as u32),
                title: format!("Hội nghị học tập, quán triệt chuyên đề năm {year} và Kết luận số 01-KL/TW"),
                level: "Xã",
                online,
                others: rng.between(80, 400),
                unlisted: rng.between(5, 40),
                topics: vec![annual, conclusion],
                regular: false,
                study: false,
                roster: Roster::Leaders(commune.cells.clone()),
            });
        }
        for (k, org) in self.orgs.iter().enumerate() {
            let mut rng = Rng::for_entity(self.seed, stream::STUDY, (2 << 40) + k as u64);
            if !rng.chance(0.12) {
                continue;
            }
            planned.push(Conference {
                id: 0,
                code: format!("HT-{}-{year}", self.unit(org.unit_id).code),
                unit_id: org.unit_id,
                held_on: ymd(year, rng.between(4, 10) as u32, rng.between(10, 28) as u32),
                title: "Hội nghị học tập chuyên đề toàn khóa".to_string(),
                level: "Cơ sở",
                online: false,
                others: rng.between(0, 30),
                unlisted: rng.between(0, 5),
                topics: vec![term],
                regular: false,
                study: false,
                roster: Roster::Cells(org.cells.clone()),
            });
        }
        for mut c in planned {
            c.id = first_id + self.conferences.len() as i64;
            self.conferences.push(c);
        }
    }

    /// A few online conferences of every province committee, followed at a connection point
    /// in each of its districts by its key cadres, union members and the public.
    fn plan_province_conferences(&mut self, first_id: i64) {
        let year = self.year;
        let titles = [
            (2, format!("Hội nghị trực tuyến toàn tỉnh học tập, quán triệt chuyên đề năm {year}")),
            (5, "Hội nghị quán triệt, triển khai các nghị quyết Hội nghị Trung ương".to_string()),
            (8, format!("Hội nghị sơ kết 6 tháng đầu năm {year} thực hiện Chỉ thị 05-CT/TW")),
            (11, "Hội nghị trực tuyến học tập chuyên đề toàn khóa".to_string()),
        ];
        for (p, province) in self.provinces.iter().enumerate() {
            // Codes are unique: in the national shape they name the province.
            let prefix = match self.root {
                Some(_) => format!("HN-{year}-{}", self.unit(province.unit_id).code),
                None => format!("HN-{year}-TINH"),
            };
            for (k, (month, title)) in titles.iter().enumerate() {
                let id = first_id + self.conferences.len() as i64;
                let mut rng = Rng::for_entity(self.seed, stream::PROVINCE, ((p as u64) << 8) + k as u64);
                let topics = match k {
                    0 => vec![self.topics[0].id, self.topics[2].id],
                    3 => vec![self.topics[1].id],
                    _ => Vec::new(),
                };
                self.conferences.push(Conference {
                    id,
                    code: format!("{prefix}-{:02}", k + 1),
                    unit_id: province.unit_id,
                    held_on: ymd(year, *month, rng.between(10, 20) as u32),
                    title: title.clone(),
                    level: "Tỉnh",
                    online: true,
                    others: rng.between(1_500, 4_000),
                    unlisted: rng.between(150, 400),
                    topics,
                    regular: false,
                    study: false,
                    roster: Roster::KeyCadres(province.key_cadres.clone()),
                });
                for &d in &province.districts {
                    let (others, unlisted) = (rng.between(200, 800), rng.between(20, 120));
                    self.points.push(Point { conference_id: id, unit_id: d, others, unlisted });
                }
            }
        }
    }
}

/// The campaign documents the topics come under.
fn docs(first_id: i64) -> Vec<Doc> {
    vec![
        Doc {
            id: first_id,
            code: "05-CT/TW",
            title: "Chỉ thị 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            issued_on: ymd(2016, 5, 15),
        },
        Doc {
            id: first_id + 1,
            code: "01-KL/TW",
            title: "Kết luận số 01-KL/TW của Bộ Chính trị về tiếp tục thực hiện Chỉ thị 05-CT/TW",
            issued_on: ymd(2021, 5, 18),
        },
    ]
}

/// The year's topics, for the whole tree: the annual topic (studied by 30/6), the term's
/// topic (no deadline) and Kết luận 01 (by 31/5).
fn topics(year: i32, first_id: i64, docs: &[Doc]) -> Vec<Topic> {
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
            doc_id: docs[0].id,
        },
        Topic {
            id: first_id + 1,
            code: format!("CD-TK-{year}"),
            title: "Chuyên đề toàn khóa: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý chí tự lực, tự cường và khát vọng phát triển đất nước phồn vinh, hạnh phúc".to_string(),
            year,
            term_wide: true,
            deadline: None,
            doc_id: docs[0].id,
        },
        Topic {
            id: first_id + 2,
            code: format!("KL01-{year}"),
            title: format!("Quán triệt Kết luận số 01-KL/TW về tiếp tục thực hiện Chỉ thị 05-CT/TW, năm {year}"),
            year,
            term_wide: false,
            deadline: Some(ymd(year, 5, 31)),
            doc_id: docs[1].id,
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
    // Key cadres: about 3% of members, and some people who are not members (about one key
    // cadre in eight, as in the seed articles' "710 là đảng viên, 110 không phải đảng viên").
    let key_cadre = if non_member { rng.chance(0.08) } else { !newly_admitted && rng.chance(0.03) };
    let position = match k {
        0 => Some("Bí thư chi bộ"),
        1 => Some("Phó Bí thư chi bộ"),
        _ if key_cadre && non_member => Some(*rng.pick(&NON_MEMBER_POSTS)),
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
) -> Result<u64> {
    write_streamed(tx, table, cols, items.len(), |i, emit| emit(row(&items[i])), stage, progress).await
}

/// Inserts the rows that `rows_of(i, emit)` emits for each i in 0..n, in chunks, without
/// holding them all: a first pass counts them (for the progress bar), the second writes.
/// Logs the rate. Returns how many rows were written.
async fn write_streamed(
    tx: &mut Tx,
    table: &str,
    cols: &[&str],
    n: usize,
    rows_of: impl Fn(usize, &mut dyn FnMut(Vec<Value>)),
    stage: &str,
    progress: &dyn Fn(&str, u64, u64),
) -> Result<u64> {
    let started = Instant::now();
    let mut total = 0u64;
    for i in 0..n {
        rows_of(i, &mut |_| total += 1);
    }
    progress(stage, 0, total);
    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(CHUNK.min(total as usize) + 100);
    let mut done = 0u64;
    for i in 0..n {
        rows_of(i, &mut |r| rows.push(r));
        if rows.len() >= CHUNK || (i + 1 == n && !rows.is_empty()) {
            insert(tx, table, cols, &rows).await?;
            done += rows.len() as u64;
            rows.clear();
            progress(stage, done, total);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(rows = done, seconds = secs, "{table} written ({:.0} rows/s)", done as f64 / secs.max(1e-9));
    Ok(done)
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

/// The tree, the people and the conferences (not attendance), parents before children.
async fn write_plan(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<()> {
    write_topics(tx, plan, progress).await?;
    write_units(tx, plan, progress).await?;
    insert_all(tx, "people", &PEOPLE_COLUMNS, &plan.people, person_row, "people", progress).await?;
    let membership =
        |p: &Person| vec![Value::Int(p.id), Value::Int(p.unit_id), Value::Date(p.from), Value::OptDate(p.to)];
    insert_all(tx, "memberships", columns("memberships"), &plan.people, membership, "memberships", progress).await?;
    // Each person's post (position, key-cadre and head marks) from the day they joined.
    let started = Instant::now();
    let posts = lamtheo_store::people::fill_missing_posts(tx).await.map_err(db)?;
    let secs = started.elapsed().as_secs_f64();
    tracing::info!(rows = posts, seconds = secs, "person_posts written ({:.0} rows/s)", posts as f64 / secs.max(1e-9));
    write_conferences(tx, plan, progress).await
}

/// The campaign documents (Chỉ thị 05-CT/TW, Kết luận 01-KL/TW) and the year's topics.
async fn write_topics(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<()> {
    let doc_row = |d: &Doc| vec![Value::Int(d.id), text(d.code), text(d.title), Value::Date(d.issued_on)];
    let cols = ["id", "code", "title", "issued_on"];
    insert_all(tx, "campaign_docs", &cols, &plan.docs, doc_row, "topics", progress).await?;
    let topic_row = |t: &Topic| {
        vec![
            Value::Int(t.id),
            text(&t.code),
            text(&t.title),
            Value::Int(i64::from(t.year)),
            Value::Bool(t.term_wide),
            Value::OptDate(t.deadline),
            Value::Int(t.doc_id),
        ]
    };
    let cols = ["id", "code", "title", "year", "term_wide", "deadline", "doc_id"];
    insert_all(tx, "topics", &cols, &plan.topics, topic_row, "topics", progress).await?;
    Ok(())
}

/// Units with their first (and only) name, their parent links and the lineage events of
/// the national shape's reorganisation.
async fn write_units(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<()> {
    let unit_row = |u: &Unit| {
        vec![
            Value::Int(u.id),
            text(&u.code),
            text(&u.name),
            text(u.kind),
            Value::Date(u.opened_on),
            Value::OptDate(u.closed_on),
        ]
    };
    insert_all(tx, "units", columns("units"), &plan.units, unit_row, "units", progress).await?;
    let name_row = |u: &Unit| vec![Value::Int(u.id), text(&u.name), Value::Date(u.opened_on)];
    insert_all(tx, "unit_names", columns("unit_names"), &plan.units, name_row, "unit names", progress).await?;
    let link_row = |l: &Link| {
        vec![
            Value::Int(l.unit_id),
            Value::Int(l.parent_id),
            Value::Date(l.from),
            Value::OptDate(l.to),
            Value::Bool(l.historic),
        ]
    };
    insert_all(tx, "unit_links", columns("unit_links"), &plan.links(), link_row, "unit links", progress).await?;
    write_lineage(tx, plan, progress).await
}

/// The lineage events of the national shape's reorganisation (none for one province).
async fn write_lineage(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<()> {
    let events = plan.lineage(next_id(tx, "lineage_events").await?);
    if events.is_empty() {
        return Ok(());
    }
    let note = "Kết thúc hoạt động cấp huyện, xã trực thuộc tỉnh";
    let event_row = |e: &Event| vec![Value::Int(e.id), text(e.kind.as_str()), Value::Date(REORGANISED_ON), text(note)];
    let cols = ["id", "kind", "happened_on", "note"];
    insert_all(tx, "lineage_events", &cols, &events, event_row, "lineage", progress).await?;
    let roles: Vec<(i64, i64, &str)> = events
        .iter()
        .flat_map(|e| [Some((e.id, e.unit_id, "source")), e.to.map(|t| (e.id, t, "target"))])
        .flatten()
        .collect();
    let role_row = |(event, unit, role): &(i64, i64, &str)| vec![Value::Int(*event), Value::Int(*unit), text(role)];
    let cols = ["event_id", "unit_id", "role"];
    insert_all(tx, "lineage_units", &cols, &roles, role_row, "lineage", progress).await?;
    Ok(())
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
    let topics: Vec<(i64, i64)> = plan.conferences.iter().flat_map(|c| c.topics.iter().map(|t| (c.id, *t))).collect();
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
    insert_all(tx, "conference_points", &cols, &plan.points, point_row, "connection points", progress).await?;
    Ok(())
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
        let mut cells = |cells: Range<usize>, leaders_only: bool, turnout: &dyn Fn(&Cell) -> f64| {
            for cell in &self.cells[cells] {
                for p in &self.people[cell.people.clone()] {
                    let leader = p.position.is_some() || p.key_cadre || p.head;
                    if p.member_on(c.held_on) && (leader || !leaders_only) {
                        each(self.row(c, p, None, turnout(cell)));
                    }
                }
            }
        };
        match &c.roster {
            Roster::Cell { ix, study: false } => cells(*ix..*ix + 1, false, &|cell: &Cell| cell.turnout),
            Roster::Cell { ix, study: true } => cells(*ix..*ix + 1, false, &Cell::study_turnout),
            Roster::Cells(range) => cells(range.clone(), false, &|cell: &Cell| cell.turnout),
            Roster::Leaders(range) => cells(range.clone(), true, &|_| 0.95),
            Roster::KeyCadres(range) => {
                for &(ix, district) in &self.key_cadres[range.clone()] {
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
    let rows_of = |i: usize, emit: &mut dyn FnMut(Vec<Value>)| {
        plan.attendance_of(&plan.conferences[i], &mut |r| {
            emit(vec![
                Value::Int(r.conference_id),
                Value::Int(r.person_id),
                Value::OptInt(r.point_unit_id),
                text(r.status),
            ])
        })
    };
    let cols = columns("attendances");
    write_streamed(tx, "attendances", cols, plan.conferences.len(), rows_of, "attendances", progress).await
}

// ----- campaign activities ----------------------------------------------------------------

/// What members write in their plans and commitments, and what they pledge to the movement.
const TERM_PLANS: [&str; 5] = [
    "Học tập, làm theo Bác về ý chí tự lực, tự cường; không ngừng nâng cao trình độ chuyên môn; hoàn thành tốt nhiệm vụ được giao trong cả nhiệm kỳ.",
    "Rèn luyện đạo đức, lối sống giản dị; thực hành tiết kiệm, chống lãng phí; góp phần xây dựng chi bộ trong sạch, vững mạnh.",
    "Gương mẫu nói đi đôi với làm; gần dân, trọng dân; mỗi năm giúp đỡ ít nhất một hộ khó khăn trong thôn, khu phố.",
    "Tích cực tham gia xây dựng nông thôn mới, đô thị văn minh; vận động gia đình và bà con thực hiện tốt chủ trương của Đảng, pháp luật của Nhà nước.",
    "Học tập nâng cao trình độ lý luận chính trị; ứng dụng công nghệ số trong công việc; giữ gìn đoàn kết nội bộ.",
];
const YEAR_PLANS: [&str; 6] = [
    "Học tập chuyên đề năm và liên hệ với nhiệm vụ của bản thân; thực hiện tốt nhiệm vụ chuyên môn; không vi phạm quy định của Đảng.",
    "Thực hành tiết kiệm; tham gia ngày công làm đường giao thông nông thôn; giúp đỡ một hộ nghèo phát triển sản xuất.",
    "Gương mẫu chấp hành nội quy cơ quan; cải tiến lề lối làm việc, phục vụ nhân dân tận tình, chu đáo.",
    "Tham gia đầy đủ sinh hoạt chi bộ và nơi cư trú; vận động gia đình thực hiện nếp sống văn minh, vệ sinh môi trường.",
    "Nghiên cứu, áp dụng tiến bộ kỹ thuật vào sản xuất; chia sẻ kinh nghiệm làm kinh tế với các hộ trong thôn.",
    "Tự học nâng cao kỹ năng số; thực hiện dịch vụ công trực tuyến; tuyên truyền để người dân cùng thực hiện.",
];
const COMMITMENTS: [&str; 4] = [
    "Tu dưỡng, rèn luyện đạo đức cách mạng; gương mẫu thực hiện nghĩa vụ đảng viên; giữ mối liên hệ với chi ủy và nhân dân nơi cư trú.",
    "Kiên quyết đấu tranh với biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống; tự giác nêu gương trong công tác và sinh hoạt.",
    "Không tham nhũng, tiêu cực; không vi phạm những điều đảng viên không được làm; thực hiện tốt chuẩn mực đạo đức công vụ.",
    "Tự phê bình và phê bình nghiêm túc; khắc phục hạn chế đã được chỉ ra; hoàn thành tốt nhiệm vụ được giao.",
];
const RETURNED: [&str; 3] = [
    "Nội dung còn chung chung, đề nghị cụ thể hóa việc làm và thời gian thực hiện.",
    "Cần bổ sung nội dung làm theo gắn với nhiệm vụ chuyên môn của đồng chí.",
    "Đề nghị xác định rõ việc làm cụ thể trong năm, có thể kiểm tra được.",
];
const PLEDGES: [&str; 6] = [
    "Gương mẫu, nói đi đôi với làm; giúp đỡ một hộ khó khăn trong thôn",
    "Thực hành tiết kiệm, chống lãng phí; tham gia xây dựng nông thôn mới",
    "Giữ gìn đoàn kết, gần dân, lắng nghe ý kiến nhân dân nơi cư trú",
    "Hoàn thành tốt nhiệm vụ chuyên môn; không vi phạm quy định của Đảng",
    "Hiến đất, góp ngày công làm đường giao thông nông thôn",
    "Vận động gia đình, người thân thực hiện nếp sống văn minh",
];
const NOT_MET: [&str; 3] = [
    "Chưa hoàn thành nội dung đã đăng ký trong tháng",
    "Chưa tham gia đầy đủ hoạt động ở nơi cư trú",
    "Cần khắc phục, thực hiện tốt hơn trong tháng tới",
];
/// The five content groups of the seed articles' covenants ("43/43 chi, đảng bộ cơ sở đã ký
/// giao ước thi đua … theo 5 nhóm nội dung"), 20 points each.
const COVENANT_GROUPS: [&str; 5] = [
    "Củng cố, xây dựng chi bộ vững mạnh, nâng cao chất lượng sinh hoạt chi bộ",
    "Đẩy mạnh cải cách hành chính, nâng cao hiệu quả công tác của cán bộ, công chức, viên chức",
    "Đẩy mạnh phong trào toàn dân bảo vệ an ninh Tổ quốc",
    "Chuyển đổi cơ cấu kinh tế, phát triển sản xuất hàng hóa, nâng cao thu nhập cho người dân",
    "Cải tạo tập quán lạc hậu, xây dựng đời sống văn hóa ở khu dân cư",
];
const GROUP_MAX: i64 = 20;

/// Breakthrough tasks by level: (title, field).
const PROVINCE_TASKS: [(&str, &str); 5] = [
    ("Phát triển hạ tầng giao thông kết nối vùng", "Kinh tế"),
    ("Cải cách hành chính, nâng cao chỉ số năng lực cạnh tranh cấp tỉnh", "Cải cách hành chính"),
    ("Chuyển đổi số, xây dựng chính quyền số", "Chuyển đổi số"),
    ("Phát triển nguồn nhân lực chất lượng cao", "Văn hóa - xã hội"),
    ("Xây dựng đội ngũ cán bộ các cấp đủ phẩm chất, năng lực, uy tín", "Xây dựng Đảng"),
];
const DISTRICT_TASKS: [(&str, &str); 8] = [
    ("Xây dựng huyện đạt chuẩn nông thôn mới", "Nông thôn mới"),
    ("Giảm nghèo bền vững, xóa nhà tạm, nhà dột nát", "An sinh xã hội"),
    ("Phát triển vùng nguyên liệu tập trung, sản phẩm OCOP", "Kinh tế"),
    ("Chuyển đổi số trong cơ quan đảng, chính quyền", "Chuyển đổi số"),
    ("Nâng cao chất lượng sinh hoạt chi bộ", "Xây dựng Đảng"),
    ("Cải cách thủ tục hành chính theo cơ chế một cửa liên thông", "Cải cách hành chính"),
    ("Bảo đảm an ninh trật tự vùng giáp ranh", "An ninh trật tự"),
    ("Phát triển du lịch cộng đồng gắn với bảo tồn văn hóa", "Văn hóa - xã hội"),
];
const GRASSROOTS_TASKS: [(&str, &str); 8] = [
    ("Xóa nhà tạm, nhà dột nát cho hộ nghèo", "An sinh xã hội"),
    ("Bê tông hóa đường thôn, ngõ xóm", "Nông thôn mới"),
    ("Chuyển đổi cơ cấu cây trồng, vật nuôi", "Kinh tế"),
    ("Vận động không tảo hôn, giữ gìn thuần phong mỹ tục", "Văn hóa - xã hội"),
    ("Thanh toán không dùng tiền mặt, dịch vụ công trực tuyến", "Chuyển đổi số"),
    ("Xây dựng khu dân cư không có ma túy, tội phạm", "An ninh trật tự"),
    ("Nâng cao chất lượng phục vụ người dân tại bộ phận một cửa", "Cải cách hành chính"),
    ("Phát triển đảng viên ở thôn, bản chưa có đảng viên", "Xây dựng Đảng"),
];
const CELL_TASKS: [(&str, &str); 6] = [
    ("Làm sạch đường làng, trồng cây xanh", "Nông thôn mới"),
    ("Giúp đỡ hộ nghèo thoát nghèo", "An sinh xã hội"),
    ("Mỗi đảng viên một việc làm theo Bác", "Xây dựng Đảng"),
    ("Xây dựng mô hình kinh tế hộ hiệu quả", "Kinh tế"),
    ("Duy trì tổ tự quản an ninh trật tự", "An ninh trật tự"),
    ("Hướng dẫn người dân cài đặt, sử dụng ứng dụng số", "Chuyển đổi số"),
];
const TASK_DONE: [&str; 3] =
    ["Hoàn thành, đạt và vượt chỉ tiêu đề ra", "Hoàn thành; được cấp trên biểu dương", "Hoàn thành đúng tiến độ"];
const TASK_UNDER_WAY: [&str; 3] = ["", "Đạt khoảng 60% khối lượng", "Đang triển khai theo kế hoạch"];

/// Levels of Quy định 124-QĐ/TW with rough shares (per mille): members, and organisations.
const PERSON_LEVELS: [(&str, u32); 4] = [("xuat_sac", 125), ("tot", 775), ("hoan_thanh", 80), ("khong_hoan_thanh", 20)];
const UNIT_LEVELS: [(&str, u32); 4] = [("xuat_sac", 150), ("tot", 720), ("hoan_thanh", 115), ("khong_hoan_thanh", 15)];

/// How the units of a kind choose breakthrough tasks.
struct TaskHabit {
    /// The share of units that choose any.
    share: f64,
    /// How many a unit chooses, with weights.
    counts: &'static [(usize, u32)],
    pool: &'static [(&'static str, &'static str)],
    responsible: &'static str,
    /// The share chosen for the whole term rather than the year.
    term_share: f64,
}

impl TaskHabit {
    fn of(kind: &str) -> TaskHabit {
        let (share, counts, pool, responsible, term_share): (f64, &'static [(usize, u32)], _, _, f64) = match kind {
            "tinh_uy" => (1.0, &[(4, 1), (5, 1)], &PROVINCE_TASKS[..], "Ban Thường vụ Tỉnh ủy", 1.0),
            "huyen_uy" => {
                (1.0, &[(3, 1), (4, 1), (5, 1), (6, 1), (7, 1)], &DISTRICT_TASKS[..], "Ban Thường vụ Huyện ủy", 0.7)
            }
            // Two tasks only now and then below the district.
            "dang_uy_xa" => (0.9, &[(1, 80), (2, 20)], &GRASSROOTS_TASKS[..], "Ban Thường vụ Đảng ủy", 0.4),
            "tccs" => (0.85, &[(1, 80), (2, 20)], &GRASSROOTS_TASKS[..], "Bí thư đảng ủy", 0.3),
            _ => (0.3, &[(1, 1)], &CELL_TASKS[..], "Bí thư chi bộ", 0.0),
        };
        TaskHabit { share, counts, pool, responsible, term_share }
    }
}

/// One personal plan before it becomes `Value`s.
struct PlanRow {
    kind: PlanKind,
    years: (i32, i32),
    content: &'static str,
    status: &'static str,
    comment: &'static str,
    submitted: Option<NaiveDate>,
    reviewed: Option<NaiveDate>,
    updated_at: DateTime<Utc>,
}

/// A moment during office hours in Vietnam (UTC+7) of day `d`, as UTC.
fn office_time(rng: &mut Rng, d: NaiveDate) -> DateTime<Utc> {
    let (h, m) = (rng.between(1, 9) as u32, rng.between(0, 59) as u32);
    d.and_hms_opt(h, m, 0).expect("a valid time").and_utc()
}

/// Keeps excellent ratings within 20% of those rated good or better, as the rule wants
/// (a cell or an organisation's superior applies it when rating): the last ones over the
/// allowance get "good" instead.
fn cap_excellent(levels: &mut [&'static str]) {
    let good = levels.iter().filter(|l| matches!(**l, "xuat_sac" | "tot")).count();
    let mut allowed = good * 20 / 100;
    for l in levels.iter_mut() {
        if *l == "xuat_sac" {
            if allowed == 0 {
                *l = "tot";
            } else {
                allowed -= 1;
            }
        }
    }
}

impl Plan {
    fn last_day(&self) -> NaiveDate {
        ymd(self.year, 12, 31)
    }

    /// Person `ix`'s plans covering the year: the term plan and the year plan (members, and
    /// most people on the rolls preparing to join), and the members' commitment. Written
    /// early in the term or year, or soon after joining the cell; most acknowledged by the
    /// cell within a month, some still waiting, a few returned or left as drafts.
    fn plans_of(&self, ix: usize, each: &mut dyn FnMut(PlanRow)) {
        let p = &self.people[ix];
        let mut rng = Rng::for_entity(self.seed, stream::PLANS, ix as u64);
        for kind in PlanKind::ALL {
            let share = match (kind, p.is_member) {
                (PlanKind::TermPlan, true) => 0.94,
                (PlanKind::YearPlan, true) => 0.91,
                (PlanKind::Commitment, true) => 0.89,
                (PlanKind::TermPlan, false) => 0.65,
                (PlanKind::YearPlan, false) => 0.6,
                (PlanKind::Commitment, false) => 0.0,
            };
            if !rng.chance(share) {
                continue;
            }
            let years = kind.years_for(self.year);
            let start = ymd(years.0, 1, 1);
            let written = if p.from < start {
                rng.date_between(start + Days::new(4), start + Days::new(55))
            } else {
                p.from + Days::new(rng.between(5, 40) as u64)
            }
            .min(self.last_day());
            if p.to.is_some_and(|t| written >= t) {
                continue;
            }
            // (draft, returned, waiting) shares; the rest acknowledged. Term plans are old.
            let (draft, returned, waiting) =
                if kind == PlanKind::TermPlan { (0.01, 0.015, 0.03) } else { (0.03, 0.04, 0.15) };
            let roll = rng.unit();
            let mut status = if roll < draft {
                "draft"
            } else if roll < draft + returned {
                "returned"
            } else if roll < draft + returned + waiting {
                "submitted"
            } else {
                "acknowledged"
            };
            let mut reviewed = None;
            if matches!(status, "returned" | "acknowledged") {
                let on = written + Days::new(rng.between(3, 30) as u64);
                if on <= self.last_day() && p.to.is_none_or(|t| on < t) {
                    reviewed = Some(on);
                } else {
                    status = "submitted";
                }
            }
            let content = match kind {
                PlanKind::TermPlan => *rng.pick(&TERM_PLANS),
                PlanKind::YearPlan => *rng.pick(&YEAR_PLANS),
                PlanKind::Commitment => *rng.pick(&COMMITMENTS),
            };
            let comment = if status == "returned" { *rng.pick(&RETURNED) } else { "" };
            let updated_at = office_time(&mut rng, reviewed.unwrap_or(written));
            each(PlanRow {
                kind,
                years,
                content,
                status,
                comment,
                submitted: (status != "draft").then_some(written),
                reviewed,
                updated_at,
            });
        }
    }

    /// Most members register for their province's movement: in January, or soon after
    /// joining.
    fn plan_registrations(&mut self, first_id: i64) {
        let start = ymd(self.year, 1, 1);
        let last_day = self.last_day();
        for province in &self.provinces {
            for ix in province.people.clone() {
                let p = &self.people[ix];
                let mut rng = Rng::for_entity(self.seed, stream::REGISTRATION, ix as u64);
                if !p.is_member || !rng.chance(0.93) {
                    continue;
                }
                let on = if p.from < start {
                    rng.date_between(ymd(self.year, 1, 3), ymd(self.year, 1, 31))
                } else {
                    (p.from + Days::new(rng.between(2, 20) as u64)).min(last_day)
                };
                if p.to.is_some_and(|t| on >= t) {
                    continue;
                }
                let id = first_id + self.registrations.len() as i64;
                self.registrations.push(Registration { id, movement_id: province.movement_id, person: ix, on });
            }
        }
    }

    /// The cell's monthly reviews of registration `r`: from the month of registering to the
    /// last month the person spent whole in the cell. Most people meet their pledge nearly
    /// every month; a few often fall short.
    fn reviews_of(&self, r: &Registration, each: &mut dyn FnMut(i64, bool, &'static str)) {
        let p = &self.people[r.person];
        let mut rng = Rng::for_entity(self.seed, stream::REVIEWS, r.person as u64);
        let reliability = rng.weighted(&[(0.97, 85), (0.85, 12), (0.6, 3)]);
        let last = match p.to {
            Some(t) => {
                let last_day = t - Days::new(1);
                let whole = last_day.month() != (last_day + Days::new(1)).month();
                if whole {
                    last_day.month()
                } else {
                    last_day.month().saturating_sub(1)
                }
            }
            None => 12,
        };
        for m in r.on.month()..=last {
            let met = rng.chance(reliability);
            let comment = if met { "" } else { *rng.pick(&NOT_MET) };
            each(i64::from(Month::new(self.year, m).0), met, comment);
        }
    }

    /// The year's ratings of cell `ix`'s members and key cadres: those on its rolls at the
    /// end of the year, but not those admitted in its second half (too new to rate), and a
    /// few not rated (long ill, away).
    fn ratings_of_cell(&self, ix: usize, each: &mut dyn FnMut(i64, &'static str)) {
        let mid_year = ymd(self.year, 6, 30);
        let mut rated: Vec<(i64, &'static str)> = Vec::new();
        for pix in self.cells[ix].people.clone() {
            let p = &self.people[pix];
            let mut rng = Rng::for_entity(self.seed, stream::RATING, pix as u64);
            if !(p.is_member || p.key_cadre)
                || p.to.is_some()
                || p.admitted_on.is_some_and(|a| a > mid_year)
                || !rng.chance(0.97)
            {
                continue;
            }
            rated.push((p.id, rng.weighted(&PERSON_LEVELS)));
        }
        let mut levels: Vec<&'static str> = rated.iter().map(|r| r.1).collect();
        cap_excellent(&mut levels);
        for ((id, _), level) in rated.iter().zip(levels) {
            each(*id, level);
        }
    }

    /// Units by parent id, children in id order (parents in id order too).
    fn children(&self) -> BTreeMap<i64, Vec<usize>> {
        let mut out: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, u) in self.units.iter().enumerate() {
            if let Some(parent) = u.parent {
                out.entry(parent).or_default().push(i);
            }
        }
        out
    }

    /// The parent links, as the tree's changes leave them: every unit under its parent from
    /// its opening. A closed district's link ends the day it closes, and it hangs on under
    /// its province as a historic child (as `App::close_unit` leaves a unit), so that the
    /// province's figures over any period still hold its months; its communes' links end that
    /// day too, and new ones put them directly under the province.
    fn links(&self) -> Vec<Link> {
        let mut links = Vec::with_capacity(self.units.len());
        let mut changed = Vec::new();
        for u in &self.units {
            let Some(parent) = u.parent else { continue };
            let p = self.unit(parent);
            links.push(Link {
                unit_id: u.id,
                parent_id: parent,
                from: u.opened_on,
                to: u.closed_on.or(p.closed_on),
                historic: false,
            });
            if let Some(on) = u.closed_on {
                changed.push(Link { unit_id: u.id, parent_id: parent, from: on, to: None, historic: true });
            } else if let (Some(on), Some(grandparent)) = (p.closed_on, p.parent) {
                changed.push(Link { unit_id: u.id, parent_id: grandparent, from: on, to: None, historic: false });
            }
        }
        links.extend(changed);
        links
    }

    /// The same changes as lineage events with ids from `first_id`, as the tree's changes
    /// record them: a district's communes move up, then it closes.
    fn lineage(&self, first_id: i64) -> Vec<Event> {
        let children = self.children();
        let mut events = Vec::new();
        let mut add = |kind, unit_id, to| events.push(Event { id: first_id + events.len() as i64, kind, unit_id, to });
        for u in self.units.iter().filter(|u| u.closed_on.is_some()) {
            for &c in children.get(&u.id).map_or(&[][..], Vec::as_slice) {
                add(LineageKind::Move, self.units[c].id, u.parent);
            }
            add(LineageKind::Close, u.id, None);
        }
        events
    }

    /// Every party organisation below the top unit rated by the level above it; each
    /// superior keeps its excellent ratings within the 20% rule.
    fn unit_ratings(&self) -> Vec<(i64, &'static str)> {
        let mut out = Vec::new();
        for kids in self.children().values() {
            let mut levels: Vec<&'static str> = kids
                .iter()
                .map(|&i| Rng::for_entity(self.seed, stream::UNIT_RATING, i as u64).weighted(&UNIT_LEVELS))
                .collect();
            cap_excellent(&mut levels);
            out.extend(kids.iter().zip(levels).map(|(&i, l)| (self.units[i].id, l)));
        }
        out
    }

    /// Every province's covenant with its districts, and each district's with its communes:
    /// the districts all sign in January–February, nearly all communes by March; the
    /// organiser scores those that signed at the end of the year.
    fn plan_covenants(&mut self, first_id: i64) {
        let year = self.year;
        let children = self.children();
        // (organiser, title, whether it is a province)
        let mut organisers = Vec::new();
        for province in &self.provinces {
            let mut title =
                format!("Giao ước thi đua thực hiện Chỉ thị 05-CT/TW năm {year} giữa các huyện, thị xã, thành phố");
            if self.root.is_some() {
                // 34 covenants of one title would be hard to tell apart in the lists.
                title = format!("{title} — {}", self.unit(province.unit_id).name);
            }
            organisers.push((province.unit_id, title, true));
            for &d in &province.districts {
                let name = &self.unit(d).name;
                organisers.push((d, format!("Giao ước thi đua học tập và làm theo Bác năm {year} — {name}"), false));
            }
        }
        for (k, (unit_id, title, top)) in organisers.into_iter().enumerate() {
            let mut rng = Rng::for_entity(self.seed, stream::COVENANT, k as u64);
            let mut signatories = Vec::new();
            let mut scores = Vec::new();
            for &i in children.get(&unit_id).map_or(&[][..], Vec::as_slice) {
                let u = &self.units[i];
                if !matches!(u.kind, "huyen_uy" | "dang_uy_xa") {
                    continue;
                }
                let signed = top || rng.chance(0.96);
                let signed_on = signed.then(|| {
                    if top {
                        rng.date_between(ymd(year, 1, 10), ymd(year, 2, 28))
                    } else {
                        rng.date_between(ymd(year, 2, 1), ymd(year, 3, 31))
                    }
                });
                let pilot = rng.chance(if top { 0.2 } else { 0.1 });
                signatories.push(Signatory { unit_id: u.id, signed_on, pilot });
                if signed {
                    let quality = 0.62 + 0.38 * rng.unit();
                    for g in 0..COVENANT_GROUPS.len() as i64 {
                        let score = (GROUP_MAX as f64 * quality).round() as i64 + rng.between(-2, 2);
                        scores.push((u.id, g, score.clamp(0, GROUP_MAX)));
                    }
                }
            }
            if signatories.is_empty() {
                continue;
            }
            let id = first_id + self.covenants.len() as i64;
            self.covenants.push(Covenant { id, unit_id, title, signatories, scores });
        }
    }

    /// Breakthrough tasks of a share of the units of every level: the province and every
    /// district several for the term or the year, most communes and grassroots organisations
    /// one or two ("940 đơn vị cấp cơ sở xác định 1.149 nhiệm vụ"), a cell in three one.
    fn plan_tasks(&mut self) {
        let term = PlanKind::TermPlan.years_for(self.year);
        let year = (self.year, self.year);
        for (i, u) in self.units.iter().enumerate() {
            // The root chooses none: the nation's strategic breakthroughs are the Congress's.
            if Some(u.id) == self.root {
                continue;
            }
            let mut rng = Rng::for_entity(self.seed, stream::TASKS, i as u64);
            let TaskHabit { share, counts, pool, responsible, term_share } = TaskHabit::of(u.kind);
            if !rng.chance(share) {
                continue;
            }
            let n = rng.weighted(counts);
            let first = rng.below(pool.len() as u64) as usize;
            for k in 0..n.min(pool.len()) {
                let (title, field) = pool[(first + k) % pool.len()];
                let for_term = rng.chance(term_share);
                let status = if for_term {
                    rng.weighted(&[("planned", 5), ("in_progress", 80), ("done", 12), ("dropped", 3)])
                } else {
                    rng.weighted(&[("planned", 10), ("in_progress", 40), ("done", 45), ("dropped", 5)])
                };
                let result = match status {
                    "done" => *rng.pick(&TASK_DONE),
                    "in_progress" => *rng.pick(&TASK_UNDER_WAY),
                    "dropped" => "Dừng do điều chỉnh quy hoạch, chuyển sang năm sau",
                    _ => "",
                };
                self.tasks.push(Task {
                    unit_id: u.id,
                    years: if for_term { term } else { year },
                    title,
                    field,
                    responsible,
                    status,
                    result,
                });
            }
        }
    }
}

/// Plans, the movement with its registrations and reviews, ratings, covenants and tasks.
/// Returns the counts of the rows not planned in memory.
async fn write_activities(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<GenStats> {
    let cols = [
        "person_id",
        "kind",
        "from_year",
        "to_year",
        "content",
        "status",
        "comment",
        "updated_at",
        "submitted_on",
        "reviewed_on",
    ];
    let plan_rows = |ix: usize, emit: &mut dyn FnMut(Vec<Value>)| {
        let person = plan.people[ix].id;
        plan.plans_of(ix, &mut |r| {
            emit(vec![
                Value::Int(person),
                text(r.kind.as_str()),
                Value::Int(i64::from(r.years.0)),
                Value::Int(i64::from(r.years.1)),
                text(r.content),
                text(r.status),
                text(r.comment),
                Value::Time(r.updated_at),
                Value::OptDate(r.submitted),
                Value::OptDate(r.reviewed),
            ])
        })
    };
    let plans = write_streamed(tx, "personal_plans", &cols, plan.people.len(), plan_rows, "plans", progress).await?;

    let year = plan.year;
    let movements: Vec<(i64, i64, String)> = plan
        .provinces
        .iter()
        .map(|p| {
            let mut title = format!(
                "Phong trào thi đua “Đảng viên học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh” năm {year}"
            );
            if plan.root.is_some() {
                title = format!("{title} — {}", plan.unit(p.unit_id).name);
            }
            (p.movement_id, p.unit_id, title)
        })
        .collect();
    let movement_row = |(id, unit, title): &(i64, i64, String)| {
        vec![
            Value::Int(*id),
            Value::Int(*unit),
            text(title),
            Value::Date(ymd(year, 1, 1)),
            Value::Date(ymd(year, 12, 31)),
            text("members"),
        ]
    };
    let cols = ["id", "unit_id", "title", "from_date", "to_date", "expected"];
    let movements =
        insert_all(tx, "emulation_movements", &cols, &movements, movement_row, "movement", progress).await?;
    let registration_row = |r: &Registration| {
        let mut rng = Rng::for_entity(plan.seed, stream::REGISTRATION, (1 << 40) + r.person as u64);
        let pledge = PLEDGES[rng.below(PLEDGES.len() as u64) as usize];
        vec![
            Value::Int(r.id),
            Value::Int(r.movement_id),
            Value::Int(plan.people[r.person].id),
            text(pledge),
            Value::Date(r.on),
        ]
    };
    let cols = ["id", "movement_id", "person_id", "content", "registered_on"];
    insert_all(tx, "emulation_registrations", &cols, &plan.registrations, registration_row, "registrations", progress)
        .await?;
    let review_rows = |i: usize, emit: &mut dyn FnMut(Vec<Value>)| {
        let r = &plan.registrations[i];
        plan.reviews_of(r, &mut |month, met, comment| {
            emit(vec![Value::Int(r.id), Value::Int(month), Value::Bool(met), text(comment)])
        })
    };
    let cols = ["registration_id", "month", "met", "comment"];
    let reviews =
        write_streamed(tx, "emulation_reviews", &cols, plan.registrations.len(), review_rows, "reviews", progress)
            .await?;

    let cols = ["subject", "subject_id", "year", "quarter", "scale", "level_code"];
    let rating = |subject: &str, id: i64, level: &str| {
        vec![text(subject), Value::Int(id), Value::Int(i64::from(year)), Value::Int(0), text("qd124"), text(level)]
    };
    let person_rows = |ix: usize, emit: &mut dyn FnMut(Vec<Value>)| {
        plan.ratings_of_cell(ix, &mut |id, level| emit(rating("person", id, level)))
    };
    let person_ratings =
        write_streamed(tx, "evaluations", &cols, plan.cells.len(), person_rows, "ratings", progress).await?;
    let unit_ratings = plan.unit_ratings();
    let unit_row = |(id, level): &(i64, &str)| rating("unit", *id, level);
    let unit_ratings = insert_all(tx, "evaluations", &cols, &unit_ratings, unit_row, "ratings", progress).await?;

    let covenant_scores = write_covenants(tx, plan, progress).await?;

    let task_row = |t: &Task| {
        vec![
            Value::Int(t.unit_id),
            Value::Int(i64::from(t.years.0)),
            Value::Int(i64::from(t.years.1)),
            text(t.title),
            text(t.field),
            text(t.responsible),
            text(t.status),
            text(t.result),
        ]
    };
    let cols = ["unit_id", "from_year", "to_year", "title", "field", "responsible", "status", "result"];
    insert_all(tx, "breakthrough_tasks", &cols, &plan.tasks, task_row, "tasks", progress).await?;

    Ok(GenStats { plans, movements, reviews, person_ratings, unit_ratings, covenant_scores, ..GenStats::default() })
}

/// The covenants, their content groups, signatories and scores; returns how many scores.
async fn write_covenants(tx: &mut Tx, plan: &Plan, progress: &dyn Fn(&str, u64, u64)) -> Result<u64> {
    let year = i64::from(plan.year);
    let campaign_row = |c: &Covenant| vec![Value::Int(c.id), Value::Int(c.unit_id), text(&c.title), Value::Int(year)];
    let cols = ["id", "unit_id", "title", "year"];
    insert_all(tx, "covenant_campaigns", &cols, &plan.covenants, campaign_row, "covenants", progress).await?;
    let groups: Vec<(i64, i64)> =
        plan.covenants.iter().flat_map(|c| (0..COVENANT_GROUPS.len() as i64).map(move |g| (c.id, g))).collect();
    let group_row = |(c, g): &(i64, i64)| {
        vec![Value::Int(*c), Value::Int(*g), text(COVENANT_GROUPS[*g as usize]), Value::Int(GROUP_MAX)]
    };
    let cols = ["campaign_id", "position", "title", "max_score"];
    insert_all(tx, "covenant_groups", &cols, &groups, group_row, "covenants", progress).await?;
    let members: Vec<(i64, &Signatory)> =
        plan.covenants.iter().flat_map(|c| c.signatories.iter().map(move |s| (c.id, s))).collect();
    let member_row = |(c, s): &(i64, &Signatory)| {
        vec![Value::Int(*c), Value::Int(s.unit_id), Value::OptDate(s.signed_on), Value::Bool(s.pilot)]
    };
    let cols = ["campaign_id", "unit_id", "signed_on", "pilot"];
    insert_all(tx, "covenant_members", &cols, &members, member_row, "covenants", progress).await?;
    let scores: Vec<(i64, (i64, i64, i64))> =
        plan.covenants.iter().flat_map(|c| c.scores.iter().map(move |s| (c.id, *s))).collect();
    let score_row = |(c, (unit, g, score)): &(i64, (i64, i64, i64))| {
        vec![Value::Int(*c), Value::Int(*unit), Value::Int(*g), Value::Int(*score)]
    };
    let cols = ["campaign_id", "unit_id", "position", "score"];
    insert_all(tx, "covenant_scores", &cols, &scores, score_row, "covenants", progress).await
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use lamtheo_app::tree::ChildView;
    use lamtheo_app::App;
    use lamtheo_domain::access::Actor;
    use lamtheo_domain::period::Period;
    use lamtheo_domain::Id;

    use super::*;

    fn small_plan(members: u64) -> Plan {
        plan_of(&GenConfig { members, year: 2024, seed: 3, national: false })
    }

    fn plan_of(cfg: &GenConfig) -> Plan {
        let ids =
            Ids { unit: 1, person: 1, conference: 1, topic: 1, doc: 1, movement: 1, registration: 1, covenant: 1 };
        Plan::new(cfg, &ids)
    }

    /// At full scale the national shape has the real counts: 3.321 communes and wards,
    /// about 52.000 grassroots organisations and 700 districts; below it, fewer in
    /// proportion.
    #[test]
    fn the_national_shape_has_the_real_counts() {
        let total = |members: u64| {
            let shapes = national_shapes(&GenConfig { members, national: true, ..GenConfig::default() });
            assert_eq!(shapes.len(), 34);
            assert_eq!(shapes.iter().map(|s| s.0).sum::<u64>(), members);
            assert!(shapes.iter().all(|(_, s)| s.districts >= 1 && s.communes >= s.districts));
            let sum = |f: fn(&Shape) -> u64| shapes.iter().map(|(_, s)| f(s)).sum::<u64>();
            (sum(|s| s.districts), sum(|s| s.communes), sum(|s| s.grassroots), sum(|s| s.cells))
        };
        let (districts, communes, grassroots, cells) = total(NATIONAL_MEMBERS);
        assert_eq!(communes, 3_321);
        assert!((51_500..=52_600).contains(&grassroots), "{grassroots}");
        assert!((600..=800).contains(&districts), "{districts}");
        assert!((170_000..=170_100).contains(&cells), "{cells}");
        assert_eq!(total(60_000).1, 39);
        assert_eq!(total(1_000).1, 34, "at least one commune a province");
    }

    /// The national plan: one root, the 34 provinces each with its own conferences, covenant
    /// and movement; every district closed on 1/7/2025, its communes under it until then and
    /// directly under the province from that day, the district hanging on as a historic
    /// child.
    #[test]
    fn the_national_plan_reorganises_on_1_july_2025() {
        let plan = plan_of(&GenConfig { members: 300_000, year: 2024, seed: 3, national: true });
        let roots: Vec<&Unit> = plan.units.iter().filter(|u| u.parent.is_none()).collect();
        assert_eq!(roots.len(), 1);
        assert_eq!((roots[0].name.as_str(), Some(roots[0].id)), ("Đảng Cộng sản Việt Nam", plan.root));
        let provinces: Vec<&Unit> = plan.units.iter().filter(|u| u.parent == plan.root).collect();
        assert_eq!(provinces.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), PROVINCES);
        assert!(provinces.iter().all(|u| u.kind == "tinh_uy" && u.closed_on.is_none()));
        assert_eq!(plan.provinces.len(), 34);

        // Closed: the districts, all of them, on 1/7/2025.
        for u in &plan.units {
            assert_eq!(u.closed_on.is_some(), u.kind == "huyen_uy", "{}", u.code);
            assert!(u.closed_on.is_none_or(|d| d == REORGANISED_ON));
        }
        let links = plan.links();
        let parent_on = |id: i64, d: NaiveDate| {
            let valid: Vec<&Link> =
                links.iter().filter(|l| l.unit_id == id && l.from <= d && l.to.is_none_or(|t| d < t)).collect();
            assert_eq!(valid.len(), 1, "one parent a day: {id} on {d}");
            (plan.unit(valid[0].parent_id), valid[0].historic)
        };
        let (before, after) = (ymd(2025, 6, 30), REORGANISED_ON);
        let communes: Vec<&Unit> = plan.units.iter().filter(|u| u.kind == "dang_uy_xa").collect();
        let districts = plan.units.iter().filter(|u| u.kind == "huyen_uy").count();
        assert!(communes.len() > 150 && districts > 34, "{} communes, {districts} districts", communes.len());
        for c in &communes {
            let (district, historic) = parent_on(c.id, before);
            assert!(district.kind == "huyen_uy" && !historic, "{}", c.code);
            let (province, historic) = parent_on(c.id, after);
            assert!(province.kind == "tinh_uy" && !historic, "{}", c.code);
            assert_eq!(Some(province.id), district.parent, "{}", c.code);
            let (district_after, historic) = parent_on(district.id, after);
            assert!(district_after.id == province.id && historic, "{}", district.code);
        }
        let lineage = plan.lineage(1);
        assert_eq!(lineage.iter().filter(|e| e.kind == LineageKind::Move).count(), communes.len());
        assert_eq!(lineage.iter().filter(|e| e.kind == LineageKind::Close).count(), districts);

        // Each province's own conferences, covenant and movement; members register for their
        // own province's.
        for (p, province) in plan.provinces.iter().enumerate() {
            let own = plan.conferences.iter().filter(|c| c.unit_id == province.unit_id && c.level == "Tỉnh");
            assert_eq!(own.count(), 4);
            assert_eq!(plan.covenants.iter().filter(|c| c.unit_id == province.unit_id).count(), 1);
            assert_eq!(province.movement_id, 1 + p as i64);
            for r in plan.registrations.iter().filter(|r| province.people.contains(&r.person)) {
                assert_eq!(r.movement_id, province.movement_id);
            }
            for &(ix, district) in &plan.key_cadres[province.key_cadres.clone()] {
                assert!(province.people.contains(&ix) && province.districts.contains(&district));
            }
        }
        assert_eq!(plan.provinces.iter().map(|p| p.people.len()).sum::<usize>(), plan.people.len());
        assert!(!plan.tasks.iter().any(|t| Some(t.unit_id) == plan.root));
    }

    /// Every planned row passes the checks the forms and imports apply, so the data reads as
    /// if it had been entered through them.
    #[test]
    fn planned_rows_respect_the_service_checks() {
        let plan = small_plan(4_000);
        let year_end = ymd(2024, 12, 31);
        let unit = |id: i64| plan.unit(id);

        // Conferences: inside the unit's lifetime; codes without spaces; never two of the same
        // kind at one unit on one day; each cell one study conference of its own.
        let mut seen = HashSet::new();
        for c in &plan.conferences {
            assert!(c.held_on >= unit(c.unit_id).opened_on && c.held_on.year() == 2024, "{}", c.code);
            assert!(c.code.len() <= 64 && !c.code.contains(' '), "{}", c.code);
            assert!(seen.insert((c.unit_id, c.held_on, c.regular)), "a likely double entry: {}", c.code);
        }
        for cell in &plan.cells {
            let own: Vec<&Conference> = plan.conferences.iter().filter(|c| c.unit_id == cell.unit_id).collect();
            assert_eq!(own.iter().filter(|c| c.regular && c.level == "Chi bộ").count(), 12);
            let study: Vec<&&Conference> = own.iter().filter(|c| !c.regular).collect();
            assert_eq!(study.len(), 1);
            assert!(study[0].code.starts_with("HT-") && study[0].topics.contains(&plan.topics[0].id));
        }
        assert_eq!(plan.conferences.iter().filter(|c| !c.regular && c.level == "Xã").count(), plan.communes.len());

        // Plans: written while on the cell's rolls; reviewed after, within the year.
        let mut plans = 0;
        for (ix, p) in plan.people.iter().enumerate() {
            plan.plans_of(ix, &mut |r| {
                plans += 1;
                assert_eq!(r.kind.years_for(2024), r.years);
                assert_eq!(r.submitted.is_none(), r.status == "draft");
                assert_eq!(r.reviewed.is_some(), matches!(r.status, "returned" | "acknowledged"));
                assert_eq!(r.comment.is_empty(), r.status != "returned");
                assert!(r.kind != PlanKind::Commitment || p.is_member);
                if let Some(s) = r.submitted {
                    assert!(s >= p.from && p.to.is_none_or(|t| s < t) && s <= year_end);
                }
                if let Some(v) = r.reviewed {
                    assert!(r.submitted.is_some_and(|s| s <= v) && v <= year_end && p.to.is_none_or(|t| v < t));
                }
            });
        }
        assert!(plans > plan.people.len() * 5 / 2, "{plans} plans");

        // Registrations and reviews: members only, on a day on the rolls, months inside the
        // movement's year from the month of registering, none after leaving.
        assert!(plan.registrations.len() * 100 > plan.people.len() * 85);
        for r in &plan.registrations {
            let p = &plan.people[r.person];
            assert!(p.is_member && p.member_on(r.on) && r.on.year() == 2024);
            let mut months = Vec::new();
            plan.reviews_of(r, &mut |m, _, _| months.push(Month(m as i32)));
            for m in &months {
                assert!(m.first_day() >= Month::of(r.on).first_day() && m.last_day() <= year_end);
                assert!(p.to.is_none_or(|t| m.last_day() < t), "reviewed after leaving");
            }
            if p.to.is_none() && r.on < ymd(2024, 2, 1) {
                assert_eq!(months.len(), 12);
            }
        }

        // Ratings: excellent within 20% of those rated good or better, in every cell and
        // among the children of every unit.
        let within_rule = |levels: &[&str]| {
            let good = levels.iter().filter(|l| matches!(**l, "xuat_sac" | "tot")).count();
            levels.iter().filter(|l| **l == "xuat_sac").count() <= good * 20 / 100
        };
        let mut excellent = (0, 0);
        for ix in 0..plan.cells.len() {
            let mut levels = Vec::new();
            plan.ratings_of_cell(ix, &mut |_, l| levels.push(l));
            assert!(within_rule(&levels));
            excellent.0 += levels.iter().filter(|l| **l == "xuat_sac").count();
            excellent.1 += levels.len();
        }
        assert!((8..=16).contains(&(excellent.0 * 100 / excellent.1)), "{excellent:?}");
        let ratings = plan.unit_ratings();
        assert_eq!(ratings.len(), plan.units.len() - 1, "every organisation but the province");
        let parent_of: HashMap<i64, Option<i64>> = plan.units.iter().map(|u| (u.id, u.parent)).collect();
        let mut by_parent: HashMap<Option<i64>, Vec<&str>> = HashMap::new();
        for (id, level) in &ratings {
            by_parent.entry(parent_of[id]).or_default().push(level);
        }
        assert!(by_parent.values().all(|l| within_rule(l)));

        // Covenants: signatories directly under the organiser; scores within each group's
        // maximum, only for those that signed; signed within the year.
        assert_eq!(plan.covenants.len(), 1 + plan.units.iter().filter(|u| u.kind == "huyen_uy").count());
        for c in &plan.covenants {
            for s in &c.signatories {
                assert_eq!(unit(s.unit_id).parent, Some(c.unit_id));
                assert!(s.signed_on.is_none_or(|d| d.year() == 2024));
            }
            for (u, g, score) in &c.scores {
                assert!((0..=GROUP_MAX).contains(score) && (0..5).contains(g));
                assert!(c.signatories.iter().any(|s| s.unit_id == *u && s.signed_on.is_some()));
            }
        }

        // Tasks: the years the form accepts, at every level.
        for t in &plan.tasks {
            assert!(YEARS.contains(&t.years.0) && t.years.0 <= t.years.1 && t.years.1 <= t.years.0 + 10);
        }
        let kinds: HashSet<&str> = plan.tasks.iter().map(|t| unit(t.unit_id).kind).collect();
        assert_eq!(kinds.len(), 5, "{kinds:?}");
    }

    /// A generated database reads as a year of work: figures of every kind, on every engine,
    /// the same from the same seed; a second run refuses.
    #[tokio::test]
    async fn a_generated_province_has_a_year_of_activities() {
        let mut counts = Vec::new();
        for (engine, url) in lamtheo_store::testing::fresh_databases().await {
            let store = Store::open(&url).await.unwrap();
            let cfg = GenConfig { members: 2_000, year: 2024, seed: 5, national: false };
            let stats = generate(&store, &cfg, &|_, _, _| {}).await.unwrap();
            assert!(generate(&store, &cfg, &|_, _, _| {}).await.is_err(), "{engine}: a second run must refuse");
            store.close().await;
            counts.push(GenStats { seconds: 0.0, ..stats.clone() }.to_string());

            let app = App::open(&url).await.unwrap();
            let sys = Actor::system();
            let province = app.unit_by_code(&sys, "G-T01").unwrap().id;
            let (year, as_of) = (Period::year(2024), ymd(2024, 12, 31));
            let report = app.unit_report(&sys, province, year, as_of).await.unwrap();
            let f = report.figures;
            assert_eq!(f.conferences, stats.conferences - stats.regular_meetings, "{engine}");
            assert_eq!(f.meetings, stats.regular_meetings, "{engine}");
            let rate = f.rate_permille().unwrap();
            assert!((900..990).contains(&rate), "{engine}: participation {rate}‰");
            assert_eq!(report.topics.len(), 3, "{engine}");

            for p in app.plan_figures(&sys, province, year, as_of).await.unwrap() {
                assert!((75..=97).contains(&(p.made * 100 / p.expected)), "{engine}: {:?} {}", p.kind, p.label());
            }
            let rated = app.evaluation_report(&sys, province, 2024, 0, as_of, false).await.unwrap();
            for d in &rated {
                if d.group != "non_member_key_cadres" {
                    assert!(d.evaluated > 0 && d.warning.is_none(), "{engine}: {} {:?}", d.group, d.warning);
                }
            }
            let movement = app.movements(&sys).await.unwrap()[0].id;
            let m = app.movement_report(&sys, movement, province, as_of).await.unwrap();
            assert!(m.registered * 100 > m.expected * 85 && m.registered <= m.expected, "{engine}");
            assert_eq!(m.months.len(), 12, "{engine}");
            for c in app.covenants(&sys).await.unwrap() {
                let r = app.covenant_report(&sys, c.id).await.unwrap();
                assert!(r.signed * 10 >= r.expected * 8 && r.rows.iter().any(|x| x.total > 0), "{engine}");
            }
            let tasks = app.task_report(&sys, province, year, as_of).await.unwrap();
            assert_eq!(tasks.by_level.len(), 4, "{engine}: tasks at every level");
        }
        assert!(counts.windows(2).all(|w| w[0] == w[1]), "{counts:?}");
    }

    /// A generated national database reads through the app as the real tree: one root, 34
    /// provinces; a province's districts until 30/6/2025 and its communes (the districts
    /// closed, historic) from 1/7/2025; each province's movement; the root's figures hold
    /// every study conference.
    #[tokio::test]
    async fn a_generated_nation_has_districts_until_1_july_2025() {
        for (engine, url) in lamtheo_store::testing::fresh_databases().await {
            let store = Store::open(&url).await.unwrap();
            let cfg = GenConfig { members: 3_000, year: 2024, seed: 5, national: true };
            let stats = generate(&store, &cfg, &|_, _, _| {}).await.unwrap();
            store.close().await;
            assert_eq!(stats.movements, 34, "{engine}");

            let app = App::open(&url).await.unwrap();
            let sys = Actor::system();
            let (before, after) = (ymd(2025, 6, 30), REORGANISED_ON);
            let roots = app.top_units(&sys, after);
            assert_eq!(roots.len(), 1, "{engine}");
            let root = app.unit_view(&sys, roots[0], after).unwrap();
            assert_eq!(root.name_on, "Đảng Cộng sản Việt Nam", "{engine}");
            assert_eq!(root.children.len(), 34, "{engine}");
            assert!(root.children.iter().all(|c| c.kind == "tinh_uy" && !c.historic), "{engine}");

            for p in &root.children {
                let then = app.unit_view(&sys, p.id, before).unwrap();
                assert!(!then.children.is_empty(), "{engine}: {}", p.code);
                assert!(then.children.iter().all(|c| c.kind == "huyen_uy" && !c.historic), "{engine}: {}", p.code);
                let now = app.unit_view(&sys, p.id, after).unwrap();
                let (closed, open): (Vec<&ChildView>, Vec<&ChildView>) = now.children.iter().partition(|c| c.historic);
                assert!(!open.is_empty() && open.iter().all(|c| c.kind == "dang_uy_xa"), "{engine}: {}", p.code);
                assert_eq!(
                    closed.iter().map(|c| c.id).collect::<Vec<_>>(),
                    then.children.iter().map(|c| c.id).collect::<Vec<_>>()
                );
                for d in &closed {
                    let district = app.unit_view(&sys, d.id, after).unwrap();
                    assert_eq!(district.unit.closed_on, Some(after), "{engine}: {}", d.code);
                    assert!(district.children.is_empty(), "{engine}: {}", d.code);
                    let lineage = app.lineage(&sys, d.id).await.unwrap();
                    assert!(lineage.iter().any(|e| e.kind == LineageKind::Close && e.happened_on == after));
                }
                let commune = open[0].id;
                let path = |on| app.unit_view(&sys, commune, on).unwrap().path.iter().map(|s| s.id).collect::<Vec<_>>();
                assert_eq!(path(after), [root.unit.id, p.id, commune], "{engine}");
                assert_eq!(path(before).len(), 4, "{engine}: under a district until then");
            }

            let movements = app.movements(&sys).await.unwrap();
            let mut launched: Vec<Id> = movements.iter().map(|m| m.unit_id).collect();
            launched.sort();
            let mut provinces: Vec<Id> = root.children.iter().map(|c| c.id).collect();
            provinces.sort();
            assert_eq!(launched, provinces, "{engine}: one movement a province");
            let m = app.movement_report(&sys, movements[0].id, movements[0].unit_id, ymd(2024, 12, 31)).await.unwrap();
            assert!(m.registered * 100 > m.expected * 85 && m.registered <= m.expected, "{engine}");

            let report = app.unit_report(&sys, root.unit.id, Period::year(2024), ymd(2024, 12, 31)).await.unwrap();
            assert_eq!(report.figures.conferences, stats.conferences - stats.regular_meetings, "{engine}");
        }
    }
}
