//! `serve --demo`: a living province on an empty database, built through the real import
//! path (units, people, topics, conferences) and the real restructuring service (the
//! reorganisation of 1/7/2025). Only attendance, tens of thousands of rows, is bulk-loaded.
//! Place names come from the seed articles (Lai Châu).
use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};
use lamtheo_app::auth::NewUser;
use lamtheo_app::tree::{MergeTarget, NewUnit};
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Role};
use lamtheo_domain::conference::Topic;
use lamtheo_importer::Kind;
use lamtheo_store::bulk::{self, Value};

/// District → communes (before 1/7/2025); each pair of communes merges on that day.
const DISTRICTS: [(&str, &str, [&str; 4]); 4] = [
    ("LCH-TP", "Thành ủy Lai Châu", ["Đoàn Kết", "Tân Phong", "Quyết Thắng", "San Thàng"]),
    ("LCH-TD", "Huyện ủy Tam Đường", ["Bình Lư", "Bản Bo", "Nà Tăm", "Bản Giang"]),
    ("LCH-PT", "Huyện ủy Phong Thổ", ["Mường So", "Dào San", "Sin Suối Hồ", "Khổng Lào"]),
    ("LCH-SH", "Huyện ủy Sìn Hồ", ["Chăn Nưa", "Pa Tần", "Nậm Tăm", "Tả Phìn"]),
];
const VILLAGES: [&str; 8] =
    ["Nà Khum", "Sì Thâu Chải", "Lao Chải", "Nậm Pắt", "Hua Bum", "Pú Đao", "Cư Nhà La", "Tà Ngảo"];
const FAMILY: [&str; 12] =
    ["Nguyễn", "Lò", "Tẩn", "Giàng", "Lý", "Vàng", "Hoàng", "Lê", "Đặng", "Trần", "Phạm", "Sùng"];
const MIDDLE: [&str; 6] = ["Văn", "Thị", "A", "Thị Mai", "Đức", "Seo"];
const GIVEN: [&str; 16] =
    ["An", "Bình", "Chiến", "Dũng", "Hà", "Hoa", "Lan", "Lả", "Mai", "Páo", "Sử", "Thào", "Tú", "Vần", "Xuân", "Yến"];

pub const REORGANISATION: (i32, u32, u32) = (2025, 7, 1);

/// A deterministic little generator so the demo is the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn csv(header: &str, rows: &[String]) -> Vec<u8> {
    let mut s = String::from(header);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.into_bytes()
}

/// The demo accounts' password: the same on every machine and every run, so that a demo
/// database started again can print its login too.
pub fn password() -> String {
    format!("demo-{:06}", Rng(0x1A1C).below(1_000_000))
}

/// The login of a demo database built earlier (its province and demo accounts are there).
pub async fn existing_login(app: &App) -> Option<DemoLogin> {
    let has = |name: &'static str| async move {
        lamtheo_store::users::by_username(&app.store, name).await.ok().flatten().is_some()
    };
    let is_demo = app.unit_by_code(&Actor::system(), "LCH").is_ok() && has("admin").await && has("tuyengiao").await;
    is_demo.then(|| DemoLogin { username: "admin".into(), password: password(), others: vec![] })
}

pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub others: Vec<(String, String)>,
}

/// Builds the demo province. Refuses to touch a database that already holds units.
pub async fn build(app: &App, progress: &(dyn Fn(&str) + Sync)) -> Result<DemoLogin> {
    if bulk::count(&app.store, "units").await? > 0 {
        bail!("the database already holds data; the demo is only built on an empty one");
    }
    let system = Actor::system();
    let quiet = |_: &str, _: u64, _: u64| {};
    let mut rng = Rng(2024);

    progress("đơn vị / units");
    // Lai Châu province as it is today was founded on 1/1/2004.
    let start = "1/1/2004";
    let mut units = vec![format!("LCH,Tỉnh ủy Lai Châu,tinh_uy,,{start}")];
    units.push(format!("LCH-MTTQ,Ủy ban MTTQ Việt Nam tỉnh Lai Châu,mttq,LCH,{start}"));
    units.push(format!("LCH-DTN,Tỉnh đoàn Lai Châu,doan_tn,LCH,{start}"));
    let mut cells: Vec<(String, String)> = Vec::new(); // (cell code, commune code)
    for (dcode, dname, communes) in DISTRICTS {
        units.push(format!("{dcode},{dname},huyen_uy,LCH,{start}"));
        for (ci, commune) in communes.iter().enumerate() {
            let ccode = format!("{dcode}-X{}", ci + 1);
            let kind = if dcode == "LCH-TP" { "Phường" } else { "xã" };
            units.push(format!("{ccode},Đảng ủy {kind} {commune},dang_uy_xa,{dcode},{start}"));
            for (vi, village) in VILLAGES.iter().take(5 + (ci % 3)).enumerate() {
                let code = format!("{ccode}-CB{}", vi + 1);
                units.push(format!("{code},Chi bộ bản {village} ({commune}),chi_bo,{ccode},{start}"));
                cells.push((code, ccode.clone()));
            }
        }
    }
    app.import(
        &system,
        Kind::Units,
        "demo-units.csv",
        &csv("Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập", &units),
        &quiet,
    )
    .await?;

    progress("đảng viên / members");
    let mut people = Vec::new();
    let mut roster: Vec<(String, usize, NaiveDate)> = Vec::new(); // (card, cell index, since)
    for (ci, (cell, _)) in cells.iter().enumerate() {
        let size = 20 + rng.below(12) as usize;
        for k in 0..size {
            let n = roster.len() + 1;
            let female = rng.below(2) == 0;
            let middle = if female { "Thị" } else { MIDDLE[rng.below(MIDDLE.len() as u64) as usize] };
            let name = format!("{} {} {}", FAMILY[rng.below(12) as usize], middle, GIVEN[rng.below(16) as usize]);
            let member = rng.below(100) < 93;
            // A few join during 2024: they must not count as absent before they joined.
            let since = if rng.below(100) < 3 {
                d(2024, 6 + rng.below(6) as u32, 1)
            } else {
                d(2010 + rng.below(10) as i32, 1 + rng.below(12) as u32, 1)
            };
            let card = if member { format!("LC{n:06}") } else { String::new() };
            let pid = format!("0{n:011}");
            let born = d(1960 + rng.below(40) as i32, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
            let position = if k == 0 {
                "Bí thư chi bộ"
            } else if k == 1 {
                "Phó Bí thư"
            } else {
                ""
            };
            let yes = |b: bool| if b { "x" } else { "" };
            people.push(format!(
                "{pid},{card},{name},{},{},{},{},{},{position},{},{},{cell},{}",
                if female { "Nữ" } else { "Nam" },
                born.format("%d/%m/%Y"),
                ["Thái", "Mông", "Dao", "Kinh", "Hà Nhì", "Giáy"][rng.below(6) as usize],
                yes(member),
                if member { since.format("%d/%m/%Y").to_string() } else { String::new() },
                yes(k < 2),
                yes(k == 0),
                since.format("%d/%m/%Y"),
            ));
            roster.push((pid, ci, since));
        }
    }
    let header = "Mã định danh,Số thẻ đảng viên,Họ và tên,Giới tính,Ngày sinh,Dân tộc,Đảng viên,Ngày vào Đảng,Chức vụ,Cán bộ chủ chốt,Người đứng đầu,Mã đơn vị,Ngày bắt đầu sinh hoạt";
    app.import(&system, Kind::People, "demo-people.csv", &csv(header, &people), &quiet).await?;

    progress("chuyên đề / topics");
    let doc = app
        .add_doc(
            &system,
            "01-KL/TW",
            "Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị 05-CT/TW",
            Some(d(2021, 5, 18)),
        )
        .await?;
    let topics = [
        ("CD-2024", "Chuyên đề năm 2024: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về phát huy sức mạnh đại đoàn kết toàn dân tộc", 2024, d(2024, 3, 31)),
        ("CD-2025", "Chuyên đề năm 2025: Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về xây dựng Đảng trong sạch, vững mạnh", 2025, d(2025, 3, 31)),
    ];
    for (code, title, year, deadline) in topics {
        app.add_topic(
            &system,
            Topic {
                id: 0,
                code: code.into(),
                title: title.into(),
                year,
                term_wide: false,
                deadline: Some(deadline),
                doc_id: Some(doc),
                unit_id: None,
            },
        )
        .await?;
    }

    progress("hội nghị / conferences");
    let mut confs = Vec::new();
    let mut cell_meetings: Vec<(String, usize, NaiveDate)> = Vec::new();
    for year in [2024, 2025] {
        confs.push(format!("HN-TINH-{year},LCH,15/02/{year},Hội nghị trực tuyến quán triệt chuyên đề năm {year},CD-{year},Tỉnh,Trực tuyến,{},{},,", 1200 + rng.below(400), 150));
        for (ci, (cell, _)) in cells.iter().enumerate() {
            for month in 1..=12u32 {
                let day = 5 + rng.below(20) as u32;
                let code = format!("SH-{cell}-{year}{month:02}");
                // Cells hold a study conference on the year's topic in March, by the deadline; in
                // 2024 Sìn Hồ's cells only got to it in April, so that district missed the
                // deadline (3/4). It is a conference of its own, apart from the month's meeting.
                let late = year == 2024 && cells[ci].0.starts_with("LCH-SH");
                if month == if late { 4 } else { 3 } {
                    let study_day = day.min(20) + 3;
                    let study_code = format!("HT-{cell}-{year}");
                    confs.push(format!("{study_code},{cell},{study_day}/{month}/{year},Hội nghị học tập chuyên đề năm {year},CD-{year},Chi bộ,Trực tiếp,{},0,,", rng.below(10)));
                    cell_meetings.push((study_code, ci, d(year, month, study_day)));
                }
                // Most cells bring study content into every meeting; a cell in four only into
                // about two meetings in three, short of the 80% that counts as "regularly".
                let share = if ci % 4 == 3 { 65 } else { 97 };
                let study = if rng.below(100) < share { "x" } else { "" };
                let others = rng.below(15);
                confs.push(format!("{code},{cell},{day}/{month}/{year},Sinh hoạt chi bộ tháng {month}/{year} - học tập và làm theo Bác,,Chi bộ,Trực tiếp,{others},0,x,{study}"));
                cell_meetings.push((code, ci, d(year, month, day)));
            }
        }
    }
    // Header punctuation is optional, so the count columns need no quoting here.
    let header = "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị,Mã chuyên đề,Cấp,Hình thức,Số lượt đoàn viên hội viên nhân dân,Số lượt cán bộ đảng viên ngoài danh sách,Sinh hoạt chi bộ thường kỳ,Có nội dung học tập và làm theo Bác";
    app.import(&system, Kind::Conferences, "demo-conferences.csv", &csv(header, &confs), &quiet).await?;
    let mut points = Vec::new();
    for year in [2024, 2025] {
        for (dcode, _, _) in DISTRICTS {
            points.push(format!("HN-TINH-{year},{dcode},{},{}", 300 + rng.below(300), 60 + rng.below(40)));
        }
    }
    // After 1/7/2025 the districts no longer exist, but these points are in February.
    app.import(&system, Kind::Points, "demo-points.csv", &csv("Mã hội nghị,Mã đơn vị điểm cầu,Số lượt đoàn viên hội viên nhân dân,Số lượt cán bộ đảng viên ngoài danh sách", &points), &quiet).await?;

    progress("điểm danh / attendance");
    load_attendance(app, &roster, &cell_meetings, &mut rng).await?;

    progress("kế hoạch, cam kết / plans");
    load_plans(app, &mut rng).await?;
    load_tasks(app, &cells, &mut rng).await?;
    load_evaluations(app, &mut rng).await?;
    load_emulation(app, &mut rng).await?;
    // Attendance, plans and ratings were written in bulk, around the service: every index
    // following the database is built again from it.
    app.rebuild_index().await?;

    progress("sắp xếp tổ chức 1/7/2025 / reorganisation");
    let (y, m, dd) = REORGANISATION;
    let on = d(y, m, dd);
    let province = app.unit_by_code(&system, "LCH")?.id;
    for (dcode, _, communes) in DISTRICTS {
        for pair in [0usize, 2] {
            let a = app.unit_by_code(&system, &format!("{dcode}-X{}", pair + 1))?.id;
            let b = app.unit_by_code(&system, &format!("{dcode}-X{}", pair + 2))?.id;
            let kind = if dcode == "LCH-TP" { "phường" } else { "xã" };
            let target = NewUnit {
                code: format!("{dcode}-M{}", pair / 2 + 1),
                name: format!("Đảng ủy {kind} {}", communes[pair]),
                kind: "dang_uy_xa".into(),
                parent_id: Some(province),
                opened_on: on,
            };
            app.merge_units(&system, &[a, b], MergeTarget::New(target), on, "Sắp xếp đơn vị hành chính 2025").await?;
        }
        let district = app.unit_by_code(&system, dcode)?.id;
        app.close_unit(&system, district, on).await?;
    }

    progress("giao ước thi đua / covenants");
    load_covenant(app, &mut rng).await?;

    progress("mô hình hay / good models");
    load_models(app, &cells, &mut rng).await?;
    progress("khen thưởng, kiểm tra / commendations, inspections");
    load_recognitions_and_inspections(app, &cells, &mut rng).await?;
    progress("chỉ tiêu tuyên truyền / propaganda indicators");
    load_indicators(app, &mut rng).await?;
    progress("chuyên mục công khai / public column");
    load_column(app).await?;
    progress("báo cáo tổng kết / reports");
    load_reports(app).await?;

    progress("tài khoản / accounts");
    let password = password();
    let mut others = Vec::new();
    app.add_user(
        &system,
        NewUser {
            username: "admin".into(),
            password: password.clone(),
            role: Role::Admin,
            scope_unit_id: None,
            person_id: None,
        },
    )
    .await?;
    for (username, role, scope) in [
        ("tuyengiao", Role::Staff, "LCH"),
        ("binhlu", Role::Secretary, "LCH-TD-M1"),
        ("kiemtra", Role::Inspector, "LCH"),
        ("xem", Role::ReadOnly, "LCH-PT-M1"),
    ] {
        let scope = app.unit_by_code(&system, scope)?.id;
        app.add_user(
            &system,
            NewUser {
                username: username.into(),
                password: password.clone(),
                role,
                scope_unit_id: Some(scope),
                person_id: None,
            },
        )
        .await?;
        others.push((username.to_string(), role.label_vi().to_string()));
    }
    // A member of the first cell, to see "my page" from a phone.
    let member = app.search_people(&system, "", Some(app.unit_by_code(&system, "LCH-TP-X1-CB1")?.id), 1).await?;
    if let Some(person) = member.first() {
        let cell = app.unit_by_code(&system, "LCH-TP-X1-CB1")?.id;
        app.add_user(
            &system,
            NewUser {
                username: "dangvien".into(),
                password: password.clone(),
                role: Role::Member,
                scope_unit_id: Some(cell),
                person_id: Some(person.id),
            },
        )
        .await?;
        others.push(("dangvien".to_string(), format!("{} ({})", Role::Member.label_vi(), person.full_name)));
    }
    Ok(DemoLogin { username: "admin".into(), password, others })
}

/// Good models as a province's department would import them, with the results the seed
/// articles report ("vận động tặng gần 10.000 phần quà trị giá trên 4 tỉ đồng", "hiến 5.200m2
/// đất làm đường", "huy động được 1.438 ngày công") and replications by other cells.
async fn load_models(app: &App, cells: &[(String, String)], rng: &mut Rng) -> Result<()> {
    use lamtheo_domain::records::models::{MODELS, REPLICATIONS, RESULTS};
    const IDEAS: [(&str, &str); 6] = [
        ("Dân vận khéo trong hiến đất làm đường", "Tuyên truyền, vận động"),
        ("Chi bộ không có đảng viên vi phạm", "Xây dựng tổ chức cơ sở đảng"),
        ("Tiết kiệm gạo nuôi quân, giúp hộ nghèo", "Tiết kiệm, tương trợ"),
        ("Một cửa thân thiện ở xã", "Cải cách hành chính"),
        ("Người đứng đầu nói đi đôi với làm", "Trách nhiệm cán bộ, người đứng đầu"),
        ("Bản sạch, đường đẹp", "Tuyên truyền, vận động"),
    ];
    let system = Actor::system();
    let quiet = |_: &str, _: u64, _: u64| {};
    let header = "Mã mô hình,Tên mô hình,Loại,Lĩnh vực,Đơn vị sở hữu,Cá nhân thực hiện,Ngày đăng ký,Gắn với nhiệm vụ chuyên đề,Tình trạng,Ngày công nhận";
    let mut models = vec![
        "MH-MTTQ-01,Vận động tặng quà hộ nghèo dịp Tết,Chương trình,\"Tiết kiệm, tương trợ\",LCH-MTTQ,,10/1/2024,Chuyên đề năm 2024,Được công nhận,20/12/2024".to_string(),
        "MH-MTTQ-02,Xây nhà Đại đoàn kết cho hộ nghèo,Chương trình,\"Tiết kiệm, tương trợ\",LCH-MTTQ,,15/3/2024,,Được nhân rộng,1/12/2024".to_string(),
        "MH-DTN-01,Thanh niên tình nguyện bê tông hóa đường bản,Mô hình,\"Tuyên truyền, vận động\",LCH-DTN,,1/4/2025,,Đang thực hiện,".to_string(),
    ];
    let mut results = vec![
        "MH-MTTQ-01,Quà tặng hộ nghèo,10.000,phần quà,gần,31/12/2024".to_string(),
        "MH-MTTQ-01,Trị giá quà tặng,4.000.000.000,đồng,trên,31/12/2024".to_string(),
        "MH-MTTQ-02,Nhà Đại đoàn kết,23,căn nhà,,31/12/2024".to_string(),
        "MH-MTTQ-02,Trị giá nhà Đại đoàn kết,1.200.000.000,đồng,gần,31/12/2024".to_string(),
        "MH-DTN-01,Ngày công làm đường,1.438,ngày công,,30/9/2025".to_string(),
    ];
    let mut replications = Vec::new();
    // About one cell in five registers a model; most are in progress, some recognised.
    for (i, (cell, _)) in cells.iter().enumerate() {
        if rng.below(5) != 0 {
            continue;
        }
        let (name, field) = IDEAS[rng.below(IDEAS.len() as u64) as usize];
        let code = format!("MH-{cell}");
        let (status, recognised) = match rng.below(3) {
            0 => ("Được công nhận", format!("{}/11/2024", 1 + rng.below(28))),
            _ => ("Đang thực hiện", String::new()),
        };
        models.push(format!(
            "{code},\"{name}\",Mô hình,\"{field}\",{cell},,{}/{}/2024,,{status},{recognised}",
            1 + rng.below(28),
            1 + rng.below(6)
        ));
        if name.contains("hiến đất") {
            results.push(format!("{code},Đất hiến làm đường,{},m²,,30/12/2024", 200 + rng.below(1000)));
        }
        // A recognised model is taken up by a neighbouring cell in 2025.
        if !recognised.is_empty() {
            if let Some((other, _)) = cells.get(i + 1) {
                replications.push(format!("{code},{other},{}/{}/2025,", 1 + rng.below(28), 1 + rng.below(9)));
            }
        }
    }
    replications.push(format!("MH-MTTQ-02,{},1/3/2025,Nhân rộng ở huyện", cells[0].0));
    for (spec, header, rows) in [
        (&MODELS, header, models),
        (&RESULTS, "Mã mô hình,Chỉ tiêu,Số lượng,Đơn vị tính,Mức,Ngày ghi nhận", results),
        (&REPLICATIONS, "Mã mô hình,Mã đơn vị nhân rộng,Ngày nhân rộng,Ghi chú", replications),
    ] {
        app.import(&system, Kind::Record(spec), &format!("demo-{}.csv", spec.slug), &csv(header, &rows), &quiet)
            .await
            .map_err(|e| anyhow::anyhow!("{:?}", e.details))?;
    }
    Ok(())
}

/// Exemplars, praise and commendations ("17 tập thể và 50 cá nhân … được huyện ghi nhận,
/// khen thưởng"; a Bằng khen of the Prime Minister to a village), and the inspections and
/// supervisions of the campaign ("126 cuộc kiểm tra, giám sát … đối với 92 tập thể, 123 cá
/// nhân"), imported as a department would.
async fn load_recognitions_and_inspections(app: &App, cells: &[(String, String)], rng: &mut Rng) -> Result<()> {
    use lamtheo_domain::records::inspections::INSPECTIONS;
    use lamtheo_domain::records::recognitions::{COMMENDATION_FORMS, EXEMPLARS, RECOGNITIONS};
    let system = Actor::system();
    let quiet = |_: &str, _: u64, _: u64| {};
    // Members (card number, name), for the individuals recognised and inspected.
    let members: Vec<(String, String)> = {
        use sqlx::Row;
        let store = &app.store;
        lamtheo_store::on_pool!(store.read(), p => sqlx::query("SELECT card_no, full_name FROM people WHERE is_member AND card_no IS NOT NULL ORDER BY id LIMIT 400")
            .fetch_all(p).await?.iter().map(|r| (r.get(0), r.get(1))).collect())
    };
    let member = |rng: &mut Rng| members[rng.below(members.len() as u64) as usize].clone();
    let mut exemplars =
        vec!["DH-NAMCAY,Tập thể,Bản Nậm Cầy,LCH-MTTQ,Xây dựng nông thôn mới,Đoàn kết xây dựng bản văn hóa,,19/5/2025"
            .to_string()];
    let mut recognitions = vec![
        "Tập thể,Bản Nậm Cầy,LCH-MTTQ,Khen thưởng,Bằng khen của Thủ tướng Chính phủ,Trung ương,Thủ tướng Chính phủ,1234/QĐ-TTg,19/5/2025,,Tổng kết 10 năm Chỉ thị 05,Tiêu biểu trong học tập và làm theo Bác,DH-NAMCAY".to_string(),
        // A form the department added to the built-in ones (see `forms` below).
        "Tập thể,Chi đoàn bản Nậm Cầy,LCH-MTTQ,Khen thưởng,BK-TINHDOAN,Tỉnh,Ban Chấp hành Tỉnh đoàn,45-QĐ/TĐTN,26/3/2025,,Sơ kết 5 năm Kết luận 01,Tuổi trẻ học tập và làm theo Bác,".to_string(),
    ];
    let forms = vec![
        "BK-TINHDOAN,Bằng khen của Ban Chấp hành Tỉnh đoàn,Certificate of merit of the provincial Youth Union,Tỉnh,LCH"
            .to_string(),
    ];
    let mut inspections = Vec::new();
    let mut draws = Vec::new();
    for _ in cells {
        draws.push((rng.below(6), rng.below(28) + 1, rng.below(12) + 1, rng.below(4), rng.below(3)));
    }
    for (i, ((cell, commune), (what, day, month, inspect, people))) in cells.iter().zip(draws).enumerate() {
        match what {
            0 => {
                let code = format!("DH-{cell}");
                exemplars.push(format!(
                    "{code},Tập thể,Chi bộ {cell},{cell},,Hoàn thành xuất sắc nhiệm vụ 5 năm liền,,{day}/5/2025"
                ));
                recognitions.push(format!("Tập thể,Chi bộ {cell},{cell},Khen thưởng,Giấy khen,\"Xã, cơ sở\",Đảng ủy xã,{}-QĐ/ĐU,{day}/5/2025,Bí thư Đảng ủy,Sơ kết 5 năm Kết luận 01,Hoàn thành xuất sắc nhiệm vụ 5 năm liền,{code}", 10 + i));
            }
            1 | 2 => {
                let (_, name) = member(rng);
                let how = if what == 1 {
                    "Biểu dương,,\"Xã, cơ sở\",Đảng ủy xã,"
                } else {
                    "Khen thưởng,Giấy khen,Huyện,Ban Thường vụ Huyện ủy,55-QĐ/HU"
                };
                recognitions.push(format!(
                    "Cá nhân,{name},{cell},{how},{day}/{month}/2024,,Sơ kết 5 năm Kết luận 01,Gương mẫu làm theo Bác,"
                ));
            }
            _ => {}
        }
        // A supervision (or an inspection) of a cell by its commune's inspection commission.
        if inspect == 0 {
            let people: Vec<String> = (0..people).map(|_| member(rng).0).collect();
            let kind = if month % 3 == 0 { "Kiểm tra,Định kỳ" } else { "Giám sát,Chuyên đề" };
            inspections.push(format!(
                "{}-KH/UBKT,{kind},Trực tiếp,{commune},Ủy ban Kiểm tra,{day}/{month}/2024,,Việc thực hiện Chỉ thị 05-CT/TW,{cell},{},Chi bộ duy trì sinh hoạt chuyên đề,,,",
                i + 1,
                people.join("; ")
            ));
        }
    }
    let files = [
        (&COMMENDATION_FORMS, "Mã hình thức,Tên hình thức khen thưởng,Tên tiếng Anh,Cấp,Đơn vị định nghĩa", forms),
        (&EXEMPLARS, "Mã điển hình,Tập thể hay cá nhân,Tên tập thể cá nhân,Mã đơn vị,Lĩnh vực,Thành tích,Mã mô hình liên quan,Ngày ghi nhận", exemplars),
        (&RECOGNITIONS, "Tập thể hay cá nhân,Tập thể cá nhân được ghi nhận,Mã đơn vị,Hình thức ghi nhận,Hình thức khen thưởng,Cấp,Cơ quan ban hành,Số quyết định,Ngày,Người ký,Đợt chuyên đề,Thành tích,Mã điển hình", recognitions),
        (&INSPECTIONS, "Số quyết định kế hoạch,Loại,Hình thức,Trực tiếp hay gián tiếp,Đơn vị tiến hành,Chủ thể,Từ ngày,Đến ngày,Nội dung,Tổ chức đảng được kiểm tra,Đảng viên được kiểm tra,Ưu điểm,Hạn chế,Yêu cầu khắc phục,Số thông báo kết luận", inspections),
    ];
    for (spec, header, rows) in files {
        let file = format!("demo-{}.csv", spec.slug);
        app.import(&system, Kind::Record(spec), &file, &csv(header, &rows), &quiet)
            .await
            .map_err(|e| anyhow::anyhow!("{file}: {:?}", e.details))?;
    }
    Ok(())
}

/// The province asks its communes for their 2025 report (due 15/01/2026): the first
/// commune's is submitted late, returned, corrected and approved (which locks its 2025); the
/// second's is being drafted; the third is reminded. The province's own report quotes the
/// approved one.
async fn load_reports(app: &App) -> Result<()> {
    use lamtheo_app::report::workflow::{DraftEdit, NewRequest};
    use lamtheo_app::report::Paragraph;
    use lamtheo_domain::period::{Month, Period};
    let system = Actor::system();
    let province = app.unit_by_code(&system, "LCH")?.id;
    let communes: Vec<String> =
        DISTRICTS.iter().flat_map(|(dcode, _, _)| [format!("{dcode}-M1"), format!("{dcode}-M2")]).collect();
    let period = Period::new(Month::new(2025, 1), Month::new(2025, 12));
    let deadline = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a day");
    let new = NewRequest {
        title: "Tổng kết năm 2025 thực hiện Chỉ thị 05-CT/TW".into(),
        period,
        deadline,
        recipients: communes.clone(),
        outline: None,
        copy_of: None,
    };
    let request = app.create_request(&system, province, new).await?;
    let unit = |code: &str| app.unit_by_code(&system, code).map(|u| u.id);
    let first = app.open_report(&system, request, unit(&communes[0])?).await?;
    let mut edit = DraftEdit::of(&first.draft);
    edit.sections[0].push(Paragraph {
        text: "Xã có 14 thôn, bản, đồng bào dân tộc thiểu số chiếm trên 90% dân số; địa bàn rộng, giao thông đi lại khó khăn."
            .into(),
        figures: vec![],
        edited: false,
    });
    let version = app.save_report(&system, first.id, edit.clone(), first.version).await?;
    app.submit_report(&system, first.id, ("Bí thư", "Lò Văn Thượng")).await?;
    app.decide_report(&system, first.id, false, "Bổ sung đánh giá ưu điểm, hạn chế.").await?;
    let strengths = edit.sections.len().min(10);
    edit.sections[strengths].push(Paragraph {
        text: "Cấp ủy quan tâm lãnh đạo; đảng viên gương mẫu trong học tập và làm theo Bác.".into(),
        figures: vec![],
        edited: false,
    });
    app.save_report(&system, first.id, edit, version).await?;
    app.submit_report(&system, first.id, ("Bí thư", "Lò Văn Thượng")).await?;
    app.decide_report(&system, first.id, true, "").await?;
    app.open_report(&system, request, unit(&communes[1])?).await?;
    app.remind(&system, request, unit(&communes[2])?).await?;
    let own = app.start_report(&system, province, period).await?;
    app.quote(&system, own, first.id, 3).await?;
    Ok(())
}

/// The province department's default form, assigned to the communes as they are since the
/// reorganisation, with two quarters of values from each ("4.650 buổi chiếu phim lưu động …
/// trên 370.000 lượt người xem"; "145/231 thôn, bản có chi bộ độc lập").
async fn load_indicators(app: &App, rng: &mut Rng) -> Result<()> {
    let system = Actor::system();
    let province = app.unit_by_code(&system, "LCH")?.id;
    let communes: Vec<String> =
        DISTRICTS.iter().flat_map(|(dcode, _, _)| [format!("{dcode}-M1"), format!("{dcode}-M2")]).collect();
    app.default_indicator_form(&system, province, &communes).await?;
    for code in &communes {
        let unit = app.unit_by_code(&system, code)?.id;
        let villages = 6 + rng.below(8) as i64;
        for period in ["Q3/2025", "Q4/2025"] {
            let shows = 10 + rng.below(30) as i64;
            let values = [
                ("TT-TINBAI", 20 + rng.below(60) as i64, ""),
                ("TT-CHIEUPHIM", 30 + rng.below(40) as i64, ""),
                ("TT-DIEMCHIEU", 8 + rng.below(10) as i64, ""),
                ("TT-NGUOIXEM", 2_000 + rng.below(3_000) as i64 * 10, "trên"),
                ("TT-BIEUDIEN", shows, ""),
                ("TT-BIEUDIEN-VUNGSAU", shows * 3 / 4, ""),
                ("TT-BANGRON", 10 + rng.below(40) as i64, ""),
                ("TT-THON", villages, ""),
                ("TT-THON-CHIBO", villages * (5 + rng.below(4) as i64) / 10, ""),
            ];
            let values: Vec<(String, Option<i64>, String)> =
                values.iter().map(|(c, v, q)| (c.to_string(), Some(*v), q.to_string())).collect();
            app.save_indicator_values(&system, unit, period, &values).await?;
        }
    }
    Ok(())
}

/// The province's public column: articles in the seeds' words, with readers' feedback
/// moderated (published and answered, waiting, rejected).
async fn load_column(app: &App) -> Result<()> {
    use lamtheo_domain::records::articles::{ARTICLES, FEEDBACK};
    let system = Actor::system();
    let articles = [
        serde_json::json!({
            "code": "ban-nam-cay-don-bang-khen-thu-tuong", "title": "Bản Nậm Cầy đón Bằng khen của Thủ tướng Chính phủ",
            "summary": "Bản Nậm Cầy được Thủ tướng Chính phủ tặng Bằng khen vì thành tích tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
            "body": "Sáng 19/5/2025, tại nhà văn hóa bản Nậm Cầy, Ủy ban MTTQ Việt Nam tỉnh tổ chức trao Bằng khen của Thủ tướng Chính phủ cho bản.\n\nNhững năm qua, bà con trong bản đoàn kết hiến đất, góp ngày công làm đường, xây dựng bản văn hóa.",
            "author": "Ban Tuyên giáo Tỉnh ủy", "field": "Gương điển hình", "unit": "LCH", "exemplars": ["DH-NAMCAY"],
            "status": "published", "published_on": "2025-05-20",
        }),
        serde_json::json!({
            "code": "dan-van-kheo-hien-dat-lam-duong", "title": "Dân vận khéo: hiến đất làm đường nông thôn",
            "summary": "Từ mô hình «Dân vận khéo», nhiều chi bộ vận động nhân dân hiến đất, góp ngày công làm đường bê tông.",
            "body": "Các chi bộ đã vận động nhân dân hiến hàng nghìn mét vuông đất, huy động được 1.438 ngày công đổ bê tông tuyến đường nội thôn.\n\nMô hình đã được nhân rộng ra nhiều bản trong huyện.",
            "author": "Báo Lai Châu", "source": "Theo Báo Lai Châu", "field": "Mô hình hay", "unit": "LCH", "models": ["MH-DTN-01"],
            "status": "published", "published_on": "2025-09-30",
        }),
        serde_json::json!({
            "code": "so-ket-6-thang-2026", "title": "Sơ kết 6 tháng đầu năm 2026 (bản nháp)", "body": "Đang soạn.",
            "field": "Tin hoạt động", "unit": "LCH", "status": "draft",
        }),
    ];
    for a in &articles {
        app.save_record(&system, &ARTICLES, a).await?;
    }
    let feedback = [
        (
            "ban-nam-cay-don-bang-khen-thu-tuong",
            "PH-1",
            "Lò Văn Thắng",
            "thang@example.vn",
            "Xin chúc mừng bà con bản Nậm Cầy!",
            "published",
            "Cảm ơn bạn đã quan tâm.",
        ),
        (
            "ban-nam-cay-don-bang-khen-thu-tuong",
            "PH-2",
            "Nguyễn Thị Mai",
            "",
            "Mong có thêm bài về cách làm của bản.",
            "published",
            "",
        ),
        ("dan-van-kheo-hien-dat-lam-duong", "PH-3", "Bạn đọc", "", "Bài viết rất thiết thực.", "pending", ""),
        ("dan-van-kheo-hien-dat-lam-duong", "PH-4", "Quảng cáo", "spam@example.com", "Mua bán …", "rejected", ""),
    ];
    for (article, number, name, email, content, status, answer) in feedback {
        let body = serde_json::json!({
            "article": article, "number": number, "name": name, "email": email, "content": content,
            "received_on": "2025-10-02", "status": status, "answer": answer,
        });
        app.save_record(&system, &FEEDBACK, &body).await?;
    }
    Ok(())
}

/// The province's 2025 covenant among the new communes: five groups of 20 points, all signed.
async fn load_covenant(app: &App, rng: &mut Rng) -> Result<()> {
    use lamtheo_domain::covenant::{Campaign, ContentGroup, Score, Signatory};
    let system = Actor::system();
    let province = app.unit_by_code(&system, "LCH")?.id;
    let groups = [
        "Học tập, quán triệt",
        "Làm theo gắn với nhiệm vụ chính trị",
        "Xây dựng mô hình, điển hình",
        "Tuyên truyền",
        "Kiểm tra, sơ kết",
    ]
    .iter()
    .map(|t| ContentGroup { title: t.to_string(), max_score: 20 })
    .collect();
    let mut communes = Vec::new();
    for (dcode, _, _) in DISTRICTS {
        for m in 1..=2 {
            communes.push(app.unit_by_code(&system, &format!("{dcode}-M{m}"))?.id);
        }
    }
    let id = app
        .create_covenant(
            &system,
            Campaign {
                id: 0,
                unit_id: province,
                title: "Giao ước thi đua học tập và làm theo Bác năm 2025".into(),
                year: 2025,
                groups,
            },
            &communes,
        )
        .await?;
    let mut scores = Vec::new();
    for (i, c) in communes.iter().enumerate() {
        app.sign_covenant(&system, id, Signatory { unit_id: *c, signed_on: Some(d(2025, 7, 15)), pilot: i < 2 })
            .await?;
        scores.extend((0..5).map(|g| Score { unit_id: *c, group: g, score: 14 + rng.below(7) as i32 }));
    }
    app.score_covenant(&system, id, &scores).await?;
    Ok(())
}

/// A 2025 emulation movement for key cadres: nearly all registered; monthly reviews.
async fn load_emulation(app: &App, rng: &mut Rng) -> Result<()> {
    use lamtheo_domain::emulation::{Expected, Movement};
    use sqlx::Row;
    let system = Actor::system();
    let province = app.unit_by_code(&system, "LCH")?.id;
    let movement = Movement {
        id: 0,
        unit_id: province,
        title: "Cán bộ chủ chốt, người đứng đầu thi đua làm theo Bác năm 2025".into(),
        from_date: d(2025, 1, 1),
        to_date: d(2025, 12, 31),
        expected: Expected::KeyCadres,
    };
    let id = app.create_movement(&system, movement).await?;
    let store = &app.store;
    let people: Vec<i64> = lamtheo_store::on_pool!(store.read(), p => sqlx::query("SELECT id FROM people WHERE key_cadre OR head_of_unit ORDER BY id")
        .fetch_all(p).await?.iter().map(|r| r.get(0)).collect());
    let rows: Vec<Vec<Value>> = people
        .iter()
        .filter(|_| rng.below(100) < 97)
        .map(|p| {
            vec![
                Value::Int(id),
                Value::Int(*p),
                Value::Text("Gương mẫu, nói đi đôi với làm; giúp đỡ một hộ nghèo".into()),
                Value::Date(d(2025, 1, 10)),
            ]
        })
        .collect();
    let mut tx = store.begin().await?;
    bulk::insert(&mut tx, "emulation_registrations", &["movement_id", "person_id", "content", "registered_on"], &rows)
        .await?;
    tx.commit().await?;
    let regs: Vec<i64> = lamtheo_store::on_pool!(store.read(), p => sqlx::query("SELECT id FROM emulation_registrations ORDER BY id")
        .fetch_all(p).await?.iter().map(|r| r.get(0)).collect());
    let mut reviews = Vec::new();
    for r in regs {
        for month in 1..=10u32 {
            let met = rng.below(100) < 93;
            reviews.push(vec![
                Value::Int(r),
                Value::Int(lamtheo_domain::period::Month::new(2025, month).0.into()),
                Value::Bool(met),
                Value::Text(String::new()),
            ]);
        }
    }
    let mut tx = store.begin().await?;
    bulk::insert(&mut tx, "emulation_reviews", &["registration_id", "month", "met", "comment"], &reviews).await?;
    tx.commit().await?;
    Ok(())
}

/// The 2024 ratings of every member: mostly good, a few excellent (within the 20% rule).
async fn load_evaluations(app: &App, rng: &mut Rng) -> Result<()> {
    use sqlx::Row;
    let store = &app.store;
    let people: Vec<i64> = lamtheo_store::on_pool!(store.read(), p => sqlx::query("SELECT id FROM people WHERE is_member OR key_cadre ORDER BY id")
        .fetch_all(p).await?.iter().map(|r| r.get(0)).collect());
    let rows: Vec<Vec<Value>> = people
        .into_iter()
        .map(|person| {
            let roll = rng.below(100);
            let level = match roll {
                0..12 => "xuat_sac",
                12..92 => "tot",
                92..98 => "hoan_thanh",
                _ => "khong_hoan_thanh",
            };
            vec![
                Value::Text("person".into()),
                Value::Int(person),
                Value::Int(2024),
                Value::Int(0),
                Value::Text("qd124".into()),
                Value::Text(level.into()),
            ]
        })
        .collect();
    let mut tx = store.begin().await?;
    bulk::insert(&mut tx, "evaluations", &["subject", "subject_id", "year", "quarter", "scale", "level_code"], &rows)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Breakthrough tasks for 2025: most cells chose one or two.
async fn load_tasks(app: &App, cells: &[(String, String)], rng: &mut Rng) -> Result<()> {
    const TASKS: [(&str, &str); 6] = [
        ("Xóa nhà tạm, nhà dột nát cho hộ nghèo", "An sinh xã hội"),
        ("Bê tông hóa đường vào bản", "Nông thôn mới"),
        ("Trồng rừng gỗ lớn, phát triển cây dược liệu", "Kinh tế"),
        ("Vận động không tảo hôn, không sinh con thứ ba", "Văn hóa - xã hội"),
        ("Đưa chè Shan tuyết lên sàn thương mại điện tử", "Chuyển đổi số"),
        ("Xây dựng bản văn hóa, bản không có ma túy", "An ninh trật tự"),
    ];
    let system = Actor::system();
    let mut rows = Vec::new();
    for (cell, _) in cells {
        let unit = app.unit_by_code(&system, cell)?.id;
        for _ in 0..[0, 1, 1, 2][rng.below(4) as usize] {
            let (title, field) = TASKS[rng.below(TASKS.len() as u64) as usize];
            let status = ["planned", "in_progress", "in_progress", "done"][rng.below(4) as usize];
            rows.push(vec![
                Value::Int(unit),
                Value::Int(2025),
                Value::Int(2025),
                Value::Text(title.into()),
                Value::Text(field.into()),
                Value::Text("Bí thư chi bộ".into()),
                Value::Text(status.into()),
                Value::Text(String::new()),
            ]);
        }
    }
    let cols = ["unit_id", "from_year", "to_year", "title", "field", "responsible", "status", "result"];
    let mut tx = app.store.begin().await?;
    bulk::insert(&mut tx, "breakthrough_tasks", &cols, &rows).await?;
    tx.commit().await?;
    Ok(())
}

/// Plans and commitments: most members made theirs; the cells acknowledged most of them.
async fn load_plans(app: &App, rng: &mut Rng) -> Result<()> {
    use lamtheo_domain::plans::{PlanKind, PlanStatus};
    use sqlx::Row;
    let store = &app.store;
    let members: Vec<i64> = lamtheo_store::on_pool!(store.read(), p => sqlx::query("SELECT id FROM people WHERE is_member ORDER BY id")
        .fetch_all(p).await?.iter().map(|r| r.get(0)).collect());
    let now = chrono::Utc::now();
    let mut rows = Vec::new();
    for person in members {
        for (kind, year, made) in
            [(PlanKind::TermPlan, 2021, 95), (PlanKind::YearPlan, 2025, 88), (PlanKind::Commitment, 2025, 86)]
        {
            if rng.below(100) >= made {
                continue;
            }
            let (from, to) = kind.years_for(year);
            let status = if rng.below(100) < 75 { PlanStatus::Acknowledged } else { PlanStatus::Submitted };
            let content = match kind {
                PlanKind::Commitment => "Tu dưỡng, rèn luyện đạo đức; gương mẫu thực hiện nghĩa vụ đảng viên; giữ mối liên hệ với nhân dân nơi cư trú.",
                _ => "Thực hành tiết kiệm; tham gia xây dựng nông thôn mới; giúp đỡ hộ nghèo trong thôn, bản.",
            };
            rows.push(vec![
                Value::Int(person),
                Value::Text(kind.as_str().into()),
                Value::Int(from.into()),
                Value::Int(to.into()),
                Value::Text(content.into()),
                Value::Text(status.as_str().into()),
                Value::Text(String::new()),
                Value::Time(now),
                Value::OptDate(Some(d(year, 1, 10 + rng.below(15) as u32))),
                Value::OptDate((status == PlanStatus::Acknowledged).then(|| d(year, 2, 1 + rng.below(20) as u32))),
            ]);
        }
    }
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
    let mut tx = store.begin().await?;
    bulk::insert(&mut tx, "personal_plans", &cols, &rows).await?;
    tx.commit().await?;
    Ok(())
}

/// Attendance of every member of each cell at its monthly meeting, bulk-loaded.
async fn load_attendance(
    app: &App,
    roster: &[(String, usize, NaiveDate)],
    meetings: &[(String, usize, NaiveDate)],
    rng: &mut Rng,
) -> Result<()> {
    use sqlx::Row;
    let store = &app.store;
    let ids: Vec<(String, i64)> = lamtheo_store::on_pool!(store.read(), p => sqlx::query("SELECT person_code, id FROM people").fetch_all(p).await?.iter().map(|r| (r.get(0), r.get(1))).collect());
    let people: std::collections::HashMap<String, i64> = ids.into_iter().collect();
    let confs: Vec<(String, i64)> = lamtheo_store::on_pool!(store.read(), p => sqlx::query("SELECT code, id FROM conferences").fetch_all(p).await?.iter().map(|r| (r.get(0), r.get(1))).collect());
    let confs: std::collections::HashMap<String, i64> = confs.into_iter().collect();
    let mut by_cell: Vec<Vec<(i64, NaiveDate)>> = vec![Vec::new(); meetings.iter().map(|m| m.1).max().unwrap_or(0) + 1];
    for (pid, cell, since) in roster {
        by_cell[*cell].push((people[pid], *since));
    }
    let mut rows = Vec::new();
    for (code, cell, held) in meetings {
        for (person, since) in &by_cell[*cell] {
            if since > held {
                continue;
            }
            let roll = rng.below(100);
            // Attendance dips a little in the rainy-season months, as it does in the mountains;
            // the year's study conference is the one nobody misses without a reason.
            let dip = if (6..=8).contains(&held.month()) { 4 } else { 0 };
            let present_below = if code.starts_with("HT-") { 97 } else { 90 - dip };
            // About one member in twenty-five is old or ill and excused from every meeting:
            // that is what keeps the seed provinces' rates near 96% rather than 100%.
            let status = if person % 25 == 0 {
                "excused"
            } else if roll < present_below {
                "present"
            } else if roll < 96 {
                "excused"
            } else {
                "absent"
            };
            rows.push(vec![
                Value::Int(confs[code]),
                Value::Int(*person),
                Value::OptInt(None),
                Value::Text(status.into()),
            ]);
        }
    }
    let mut tx = store.begin().await?;
    bulk::insert(&mut tx, "attendances", &["conference_id", "person_id", "point_unit_id", "status"], &rows).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use lamtheo_domain::access::Actor;
    use lamtheo_domain::period::Period;

    use super::*;

    /// Every demo account, signed in, follows the links its pages show (breadth first from its
    /// home page, at most two pages of each address shape, so that a thousand conferences are
    /// two visits): none answers «forbidden», «not found» or an error. A link shown is a link
    /// that works for whoever sees it. On each page every input is named (a label around it, or
    /// `aria-label`) and every table has header cells.
    #[tokio::test]
    async fn every_link_shown_to_each_demo_account_works_and_every_input_is_named() {
        use axum::body::Body;
        use axum::http::{header, Request, StatusCode};
        use tower::ServiceExt;
        let (_, url) = lamtheo_store::testing::fresh_databases().await.remove(0);
        let app = App::open(&url).await.unwrap();
        let login = build(&app, &|_| {}).await.unwrap();
        let router = lamtheo_web::router(app.clone(), false);
        let call = |req: Request<Body>| {
            let router = router.clone();
            async move {
                let res = router.oneshot(req).await.unwrap();
                let status = res.status();
                let location = res.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string());
                let cookie = res.headers().get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string());
                let html = res
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .is_some_and(|v| v.to_str().unwrap().starts_with("text/html"));
                let body = axum::body::to_bytes(res.into_body(), 64 << 20).await.unwrap();
                let body = if html { String::from_utf8_lossy(&body).into_owned() } else { String::new() };
                (status, location, cookie, body)
            }
        };
        let first = |s: Option<String>| s.unwrap().split(';').next().unwrap().to_string();
        let mut failures = vec![];
        let mut visited_total = 0;
        for user in ["admin", "tuyengiao", "binhlu", "kiemtra", "xem", "dangvien"] {
            let (_, _, cookie, page) = call(Request::get("/login").body(Body::empty()).unwrap()).await;
            let csrf = page.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap();
            let form = format!("csrf={csrf}&username={user}&password={}", login.password);
            let req = Request::post("/login")
                .header(header::COOKIE, first(cookie))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap();
            let (status, _, cookie, _) = call(req).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{user} signs in");
            let session = first(cookie);
            let mut queue = std::collections::VecDeque::from(["/".to_string()]);
            let mut seen = std::collections::HashSet::new();
            let mut shapes: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
            while let Some(link) = queue.pop_front() {
                let link = link.split('#').next().unwrap().replace("&amp;", "&");
                // An address's shape: its path with numbers as #, and its query's names.
                let (path, query) = link.split_once('?').unwrap_or((&link, ""));
                let mut shape: String = path.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
                shape += &query.split('&').map(|kv| kv.split('=').next().unwrap_or("")).collect::<Vec<_>>().join("&");
                let n = shapes.entry(shape).or_default();
                if *n >= 2 || !seen.insert(link.clone()) {
                    continue;
                }
                *n += 1;
                let req = Request::get(&link).header(header::COOKIE, &session).body(Body::empty()).unwrap();
                let (status, location, _, body) = call(req).await;
                visited_total += 1;
                match status {
                    StatusCode::OK => {}
                    s if s.is_redirection() => {
                        queue.push_back(location.unwrap_or_default());
                        continue;
                    }
                    s => {
                        failures.push(format!("{user}: {link}: {s}"));
                        continue;
                    }
                }
                for problem in unlabelled(&body) {
                    failures.push(format!("{user}: {link}: {problem}"));
                }
                for href in body.split("href=\"").skip(1).filter_map(|r| r.split('"').next()) {
                    let skip = ["/logout", "/lang/", "/static/", "/login"];
                    if href.starts_with('/') && !skip.iter().any(|p| href.starts_with(p)) {
                        queue.push_back(href.to_string());
                    }
                }
            }
            assert!(seen.len() > 10, "{user} reached only {seen:?}");
        }
        assert!(failures.is_empty(), "{} problems in {visited_total} pages:\n{}", failures.len(), failures.join("\n"));
        eprintln!("{visited_total} pages and files opened by the six demo accounts, all working");
    }

    /// The inputs of a page that nothing names (no enclosing label, no `aria-label`), and its
    /// tables without a header cell: what a screen reader would read as nothing.
    fn unlabelled(html: &str) -> Vec<String> {
        let mut problems = vec![];
        for tag in ["<input", "<select", "<textarea"] {
            for (at, _) in html.match_indices(tag) {
                let element = &html[at..html[at..].find('>').map_or(html.len(), |e| at + e)];
                if ["type=\"hidden\"", "type=\"submit\"", "type=\"button\"", "aria-label="]
                    .iter()
                    .any(|a| element.contains(a))
                {
                    continue;
                }
                let before = &html[..at];
                if before.matches("<label").count() <= before.matches("</label>").count() {
                    problems.push(format!("no label: {}", element.chars().take(90).collect::<String>()));
                }
            }
        }
        for table in html.split("<table").skip(1) {
            let table = table.split("</table>").next().unwrap_or("");
            if !table.contains("<th") {
                problems.push(format!("a table without headers: {}", table.chars().take(90).collect::<String>()));
            }
        }
        problems
    }

    /// The demo builds on an empty database, shows plausible figures with the reorganisation
    /// in place, and refuses a database that holds data.
    #[tokio::test]
    async fn demo_province_is_alive_and_built_only_once() {
        let (_, url) = lamtheo_store::testing::fresh_databases().await.remove(0);
        let app = App::open(&url).await.unwrap();
        let login = build(&app, &|_| {}).await.unwrap();
        assert!(app.login(&login.username, &login.password, "test").await.is_ok());
        let sys = Actor::system();
        let province = app.unit_by_code(&sys, "LCH").unwrap().id;
        let f2024 = app.unit_report(&sys, province, Period::year(2024), d(2024, 12, 31)).await.unwrap();
        // The province's conference and each cell's study conference; the monthly meetings apart.
        assert_eq!(f2024.figures.conferences, 93, "{:?}", f2024.figures);
        assert!(f2024.figures.meetings > 1000, "{:?}", f2024.figures);
        assert!(f2024.figures.eligible > 2000, "{:?}", f2024.figures);
        let rate = f2024.figures.rate_permille().unwrap();
        assert!((900..1000).contains(&rate), "participation {rate}‰ {:?}", f2024.figures);
        assert_eq!(f2024.topics.len(), 1);
        let topic = &f2024.topics[0];
        assert_eq!(topic.expected.len(), 4, "the four district committees, not the Front or the youth union");
        assert_eq!(topic.label(), "3/4", "Sìn Hồ studied the 2024 topic after its deadline");
        let cells = f2024.figures;
        assert_eq!(cells.cells, 92);
        assert!((60..=75).contains(&cells.cells_with_study), "{}", cells.cells_label());
        // Before 1/7/2025: four districts (and the two mass organisations); after: eight new communes.
        let before = app.unit_view(&sys, province, d(2025, 6, 30)).unwrap();
        assert_eq!(before.children.iter().filter(|c| c.kind == "huyen_uy" && !c.historic).count(), 4);
        let after = app.unit_view(&sys, province, d(2025, 7, 1)).unwrap();
        assert_eq!(after.children.iter().filter(|c| c.kind == "dang_uy_xa" && !c.historic).count(), 8);
        // The province's 2024 figures read the same on either tree.
        assert_eq!(
            app.unit_report(&sys, province, Period::year(2024), d(2025, 12, 31)).await.unwrap().figures,
            f2024.figures
        );
        let plans = app.plan_figures(&sys, province, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        for p in &plans {
            let share = p.made * 100 / p.expected;
            assert!((75..=99).contains(&share), "{:?}: {}", p.kind, p.label());
        }
        assert!(app.login("dangvien", &login.password, "test").await.is_ok(), "the member account");
        let rated = &app.evaluation_report(&sys, province, 2024, 0, d(2024, 12, 31), false).await.unwrap()[0];
        assert!(rated.evaluated > 2000 && rated.warning.is_none(), "{} rated, {:?}", rated.evaluated, rated.warning);
        let movement = app.movements(&sys).await.unwrap()[0].id;
        let report = app.movement_report(&sys, movement, province, d(2025, 12, 31)).await.unwrap();
        assert!(
            report.registered > 150 && report.registered <= report.expected && report.registered_non_members > 0,
            "{}/{}",
            report.registered,
            report.expected
        );
        assert_eq!(report.months.len(), 10);
        let covenant = app.covenants(&sys).await.unwrap()[0].id;
        let c = app.covenant_report(&sys, covenant).await.unwrap();
        assert_eq!((c.signed, c.expected, c.rows[0].rank), (8, 8, 1));
        let tasks = app.task_report(&sys, province, Period::year(2025), d(2025, 12, 31)).await.unwrap();
        assert!(tasks.units > 40 && tasks.tasks > tasks.units, "{} units, {} tasks", tasks.units, tasks.tasks);
        assert!(build(&app, &|_| {}).await.is_err(), "a second build must refuse");
        assert_eq!(
            existing_login(&app).await.map(|l| l.password),
            Some(password()),
            "a second start prints the login again"
        );
    }
}
