//! Backup and restore across engines: a backup taken while writes go on is one consistent
//! moment of the database, it loads into an empty database of the other engine, and every
//! figure there is the same; a restore refuses a database that holds data.
use std::time::Duration;

use chrono::NaiveDate;
use lamtheo_app::conferences::ConferenceInput;
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::period::Period;
use lamtheo_importer::Kind;
use lamtheo_store::backup;
use lamtheo_store::Store;

const UNITS: &str = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập
T,Tỉnh ủy Long An,tinh_uy,,01/01/2000
H1,Huyện ủy Bến Lức,huyen_uy,T,01/01/2000
H2,Huyện ủy Cần Giuộc,huyen_uy,T,01/01/2000
CB1,Chi bộ ấp 1,chi_bo,H1,01/01/2000
CB2,Chi bộ ấp 2,chi_bo,H2,01/01/2000
BCS,Ban cán sự đảng UBND tỉnh,ban_can_su,T,01/01/2000
";
const PEOPLE: &str = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Ngày bắt đầu sinh hoạt,Đảng viên,Cán bộ chủ chốt
A1,Đặng Thị Hoa,CB1,01/01/2015,x,x
B1,Trần Văn Bình,CB2,01/01/2015,x,
";
const CONFS: &str = "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị
HN-A,CB1,05/03/2024,Sinh hoạt chi bộ ấp 1
HN-B,CB2,05/03/2024,Sinh hoạt chi bộ ấp 2
";
const ATTENDANCE: &str = "Mã hội nghị,Mã định danh hoặc số thẻ,Tình trạng
HN-A,A1,Có mặt
HN-B,B1,Vắng
";

/// (source, target) URL pairs: each engine backed up and restored on the other (on SQLite
/// alone when no PostgreSQL is given).
async fn pairs() -> Vec<(String, String)> {
    let (a, b) = (lamtheo_store::testing::fresh_databases().await, lamtheo_store::testing::fresh_databases().await);
    match (&a[..], &b[..]) {
        ([(_, sqlite_a), (_, pg_a)], [(_, sqlite_b), (_, pg_b)]) => {
            vec![(sqlite_a.clone(), pg_b.clone()), (pg_a.clone(), sqlite_b.clone())]
        }
        _ => vec![(a[0].1.clone(), b[0].1.clone())],
    }
}

fn backup_file() -> std::path::PathBuf {
    let tag = format!("{}-{:?}", std::process::id(), std::time::Instant::now());
    std::env::temp_dir().join(format!("lamtheo-backup-{}.db", tag.replace(|c: char| !c.is_alphanumeric(), "")))
}

async fn seeded(url: &str) -> App {
    let app = App::open(url).await.unwrap();
    let quiet = |_: &str, _: u64, _: u64| {};
    let sys = Actor::system();
    // A kind an administrator added (kinds and their levels are restored with the data).
    let kind = lamtheo_app::tree::NewKind {
        code: "ban_can_su".into(),
        name_vi: "Ban cán sự đảng".into(),
        name_en: "Party affairs committee".into(),
        level: "tinh".into(),
        party: true,
    };
    app.add_kind(&sys, kind).await.unwrap();
    for (kind, file) in
        [(Kind::Units, UNITS), (Kind::People, PEOPLE), (Kind::Conferences, CONFS), (Kind::Attendance, ATTENDANCE)]
    {
        app.import(&sys, kind, "seed.csv", file.as_bytes(), &quiet).await.unwrap();
    }
    app
}

/// Every unit's figures for 2024, the evaluation-free part of what pages and reports show.
async fn all_figures(app: &App) -> Vec<String> {
    let sys = Actor::system();
    let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
    let mut out = Vec::new();
    for u in app.find_units(&sys, "", 500) {
        let r = app.unit_report(&sys, u.id, Period::year(2024), as_of).await.unwrap();
        let plans = app.plan_figures(&sys, u.id, Period::year(2024), as_of).await.unwrap();
        out.push(format!("{} {:?} {:?} {:?}", u.code, r.figures, r.children.len(), plans));
    }
    out.sort();
    out
}

fn meeting(unit_id: i64, n: usize) -> ConferenceInput {
    ConferenceInput {
        code: format!("W-{n:05}"),
        unit_id,
        held_on: NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
        title: format!("Hội nghị {n}"),
        level: String::new(),
        online: false,
        others_count: 3,
        unlisted_members: 0,
        topic_ids: vec![],
        regular_meeting: false,
        study_content: false,
    }
}

#[tokio::test]
async fn a_backup_taken_during_writes_restores_on_the_other_engine_with_the_same_figures() {
    for (source_url, target_url) in pairs().await {
        let app = seeded(&source_url).await;
        let cb1 = app.unit_by_code(&Actor::system(), "CB1").unwrap().id;
        // A writer records conferences one by one, each in its own transaction, while the
        // backup is taken.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (app, stop) = (app.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    n += 1;
                    app.create_conference(&Actor::system(), meeting(cb1, n)).await.unwrap();
                }
                n
            })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        let store = Store::open(&source_url).await.unwrap();
        let file = backup_file();
        backup::backup(&store, &file).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let written = writer.await.unwrap();

        let copied = backup::restore(&target_url, &file).await.unwrap();
        let restored = App::open(&target_url).await.unwrap();
        assert_eq!(restored.kinds().await.unwrap(), app.kinds().await.unwrap(), "{source_url} → {target_url}");
        assert_eq!(restored.levels().await.unwrap(), app.levels().await.unwrap(), "{source_url} → {target_url}");
        // One moment of the database: the writer's conferences W-1…W-k, none missing, none
        // half-written; the backup misses only what was written after it.
        let sys = Actor::system();
        let (first, last) =
            (NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2100, 1, 1).unwrap());
        // Every one, read straight from the table (a unit's list of conferences stops at 500).
        let mut codes: Vec<String> = lamtheo_store::on_pool!(restored.store.read(), p => sqlx::query_scalar(
            "SELECT code FROM conferences WHERE unit_id = $1 AND held_on BETWEEN $2 AND $3 AND code LIKE 'W-%'")
            .bind(cb1).bind(first).bind(last).fetch_all(p).await.unwrap());
        codes.sort();
        let expected: Vec<String> = (1..=codes.len()).map(|n| format!("W-{n:05}")).collect();
        assert_eq!(codes, expected, "{source_url} → {target_url}");
        assert!(!codes.is_empty() && codes.len() < written, "{} of {written} written", codes.len());
        assert!(copied.rows() > 0);

        // The same database, backed up at rest, restores with every figure the same; new
        // records continue after the restored ids.
        let again = backup_file();
        backup::backup(&store, &again).await.unwrap();
        let third = if target_url.starts_with("postgres") {
            lamtheo_store::testing::fresh_databases().await.pop().unwrap().1
        } else {
            lamtheo_store::testing::fresh_databases().await.remove(0).1
        };
        backup::restore(&third, &again).await.unwrap();
        let at_rest = App::open(&third).await.unwrap();
        let figures = all_figures(&app).await;
        assert_eq!(figures.len(), 6, "every unit: {figures:?}");
        assert_eq!(all_figures(&at_rest).await, figures, "{source_url} → {third}");
        at_rest.create_conference(&sys, meeting(cb1, 99_999)).await.unwrap();

        // A database that holds data is never restored into.
        let e = backup::restore(&third, &again).await.unwrap_err();
        assert!(e.message_en.contains("holds data"), "{}", e.message_en);
        for f in [file, again] {
            std::fs::remove_file(f).ok();
        }
    }
}

#[tokio::test]
async fn a_restore_refuses_a_stale_journal_a_damaged_file_and_an_existing_backup_name() {
    let url = lamtheo_store::testing::fresh_databases().await.remove(0).1;
    let app = seeded(&url).await;
    let store = Store::open(&url).await.unwrap();
    let file = backup_file();
    backup::backup(&store, &file).await.unwrap();
    // Writing a backup over an existing file is refused.
    let e = backup::backup(&store, &file).await.unwrap_err();
    assert!(e.message_en.contains("already exists"), "{}", e.message_en);
    // A journal left beside a missing database would replay into the new one.
    let target = backup_file();
    std::fs::write(format!("{}-wal", target.display()), b"stale").unwrap();
    let e = backup::restore(&format!("sqlite://{}", target.display()), &file).await.unwrap_err();
    assert!(e.message_en.contains("journal"), "{}", e.message_en);
    assert!(!target.exists(), "nothing was made");
    std::fs::remove_file(format!("{}-wal", target.display())).unwrap();
    // A damaged or foreign file is named as such.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle..middle + 4096].fill(0xAB);
    let damaged = backup_file();
    std::fs::write(&damaged, &bytes).unwrap();
    let e = backup::restore(&format!("sqlite://{}", target.display()), &damaged).await.unwrap_err();
    assert!(e.message_en.contains("damaged") || e.message_en.contains("Cannot open"), "{}", e.message_en);
    let text = backup_file();
    std::fs::write(&text, "Mã đơn vị,Tên\n").unwrap();
    let e = backup::restore(&format!("sqlite://{}", target.display()), &text).await.unwrap_err();
    assert!(e.message_en.contains("backup"), "{}", e.message_en);
    drop(app);
    for f in [file, damaged, text, target] {
        std::fs::remove_file(f).ok();
    }
}
