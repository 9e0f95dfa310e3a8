//! Property tests of the record kinds' figures (good models, their results and
//! replications). For several seeds, on every engine, random records are saved, changed and
//! deleted through the service, and a cell moves to another commune on a random day; then
//! every figure is compared, for every unit, several periods and as-of dates before and
//! after the move, with a slow recount from what the test wrote. At the end every kind is
//! exported and imported back: nothing may be new or changed.
mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use common::{apps, d, imports_back, province, Rng};
use lamtheo_app::exports::ExportQuery;
use lamtheo_app::App;
use lamtheo_domain::access::Actor;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::records::{self, amount_text, models, sum_qualifier};
use lamtheo_domain::Id;
use lamtheo_importer::Kind;
use serde_json::json;

const SEEDS: [u64; 3] = [0x5EED, 0xC0FF_EE11, 0xBADD_CAFE];
const FIELDS: [&str; 3] = ["Cải cách hành chính", "Tiết kiệm, tương trợ", ""];
const MEASURES: [(&str, &str); 3] = [("Quà tặng", "đồng"), ("Hiến đất", "m²"), ("Ngày công", "ngày công")];
const QUALIFIERS: [&str; 4] = ["", "gần", "trên", "hơn"];

struct ModelFact {
    code: String,
    owner: Id,
    registered_on: NaiveDate,
    field: &'static str,
    recognised_on: Option<NaiveDate>,
}

struct ResultFact {
    model: usize,
    indicator: &'static str,
    measure: &'static str,
    qualifier: &'static str,
    amount: i64,
    on: NaiveDate,
}

struct ReplicationFact {
    id: Id,
    model: usize,
    unit: Id,
    on: NaiveDate,
}

struct RecognitionFact {
    unit: Id,
    subject: &'static str,
    kind: &'static str,
    form: &'static str,
    level: &'static str,
    recipient: String,
    achievement: &'static str,
    round: &'static str,
    on: NaiveDate,
}

struct InspectionFact {
    unit: Id,
    kind: &'static str,
    body: &'static str,
    from: NaiveDate,
    units: Vec<String>,
    people: Vec<String>,
}

/// The province's tree with one cell moved on `moved_on`: (unit, code, parent before, parent after).
struct Tree {
    units: Vec<(Id, String, Option<Id>, Option<Id>)>,
    moved_on: NaiveDate,
}

impl Tree {
    fn parent(&self, unit: Id, as_of: NaiveDate) -> Option<Id> {
        let u = self.units.iter().find(|u| u.0 == unit)?;
        if as_of < self.moved_on {
            u.2
        } else {
            u.3
        }
    }

    fn within(&self, unit: Id, root: Id, as_of: NaiveDate) -> bool {
        let mut cur = Some(unit);
        while let Some(u) = cur {
            if u == root {
                return true;
            }
            cur = self.parent(u, as_of);
        }
        false
    }

    fn code(&self, unit: Id) -> &str {
        &self.units.iter().find(|u| u.0 == unit).expect("a unit").1
    }
}

fn model_body(m: &ModelFact, tree: &Tree, name: &str) -> serde_json::Value {
    let status = if m.recognised_on.is_some() { "recognised" } else { "in_progress" };
    json!({
        "code": m.code, "name": name, "kind": "mo_hinh", "field": m.field,
        "unit": tree.code(m.owner), "person": "", "registered_on": m.registered_on.to_string(),
        "link": "", "status": status, "recognised_on": m.recognised_on.map(|d| d.to_string()),
    })
}

/// The figures a recount gives for `root`: key → (value, text).
fn recount(
    tree: &Tree,
    models: &[ModelFact],
    results: &[ResultFact],
    replications: &[ReplicationFact],
    root: Id,
    as_of: NaiveDate,
    (first, last): (NaiveDate, NaiveDate),
) -> BTreeMap<String, (i64, String)> {
    let inside = |unit: Id, day: NaiveDate| tree.within(unit, root, as_of) && first <= day && day <= last;
    let mut out = BTreeMap::new();
    let registered = models.iter().filter(|m| inside(m.owner, m.registered_on)).count() as i64;
    let recognised = models.iter().filter(|m| m.recognised_on.is_some_and(|d| inside(m.owner, d))).count() as i64;
    let adopted: Vec<&ReplicationFact> = replications.iter().filter(|r| inside(r.unit, r.on)).collect();
    let distinct = adopted.iter().map(|r| r.model).collect::<BTreeSet<_>>().len() as i64;
    out.insert("models.registered".to_string(), (registered, format!("{registered} mô hình")));
    out.insert("models.recognised".to_string(), (recognised, format!("{recognised} mô hình")));
    out.insert("models.replicated".to_string(), (adopted.len() as i64, format!("{} lượt", adopted.len())));
    out.insert("models.replicated_models".to_string(), (distinct, format!("{distinct} mô hình")));
    let mut sums: BTreeMap<(&str, &str), (i64, Vec<&str>)> = BTreeMap::new();
    for r in results.iter().filter(|r| inside(models[r.model].owner, r.on)) {
        let e = sums.entry((r.indicator, r.measure)).or_default();
        e.0 += r.amount;
        e.1.push(r.qualifier);
    }
    for ((indicator, measure), (sum, qs)) in sums {
        let text = amount_text(sum_qualifier(qs), sum, measure);
        out.insert(format!("models.result\u{1f}{indicator}\u{1f}{measure}"), (sum, text));
    }
    for field in FIELDS.iter().filter(|f| !f.is_empty()) {
        let n = models.iter().filter(|m| m.field == *field && inside(m.owner, m.registered_on)).count() as i64;
        if n > 0 {
            out.insert(format!("models.field\u{1f}{field}"), (n, format!("{n} mô hình")));
        }
    }
    out
}

/// The recognitions section's figures by a recount: key → value (collectives and
/// individuals together; the texts print the same numbers).
fn recount_recognitions(
    tree: &Tree,
    exemplars: &[(Id, &'static str, NaiveDate)],
    recognitions: &[RecognitionFact],
    root: Id,
    as_of: NaiveDate,
    (first, last): (NaiveDate, NaiveDate),
) -> BTreeMap<String, i64> {
    let inside = |unit: Id, day: NaiveDate| tree.within(unit, root, as_of) && first <= day && day <= last;
    let mut out = BTreeMap::new();
    let ex: Vec<_> = exemplars.iter().filter(|(u, _, on)| inside(*u, *on)).collect();
    out.insert("recognitions.exemplars".to_string(), ex.len() as i64);
    let rs: Vec<&RecognitionFact> = recognitions.iter().filter(|r| inside(r.unit, r.on)).collect();
    for kind in ["bieu_duong", "khen_thuong"] {
        out.insert(format!("recognitions.{kind}"), rs.iter().filter(|r| r.kind == kind).count() as i64);
    }
    for r in rs.iter().filter(|r| !r.round.is_empty()) {
        *out.entry(format!("recognitions.round\u{1f}{}", r.round)).or_default() += 1;
    }
    let commended: Vec<&&RecognitionFact> = rs.iter().filter(|r| r.kind == "khen_thuong").collect();
    for r in &commended {
        *out.entry(format!("recognitions.form\u{1f}{}", r.form.to_lowercase())).or_default() += 1;
        *out.entry(format!("recognitions.level\u{1f}{}", r.level)).or_default() += 1;
    }
    let mut achievements: BTreeMap<(Id, String, &str), i64> = BTreeMap::new();
    for r in &commended {
        *achievements.entry((r.unit, r.recipient.clone(), r.achievement)).or_default() += 1;
    }
    let twice = achievements.values().filter(|n| **n > 1).count() as i64;
    if twice > 0 {
        out.insert("recognitions.twice".to_string(), twice);
    }
    out
}

fn recount_inspections(
    tree: &Tree,
    inspections: &[InspectionFact],
    root: Id,
    as_of: NaiveDate,
    (first, last): (NaiveDate, NaiveDate),
) -> BTreeMap<String, i64> {
    let xs: Vec<&InspectionFact> =
        inspections.iter().filter(|x| tree.within(x.unit, root, as_of) && first <= x.from && x.from <= last).collect();
    let mut out = BTreeMap::new();
    let n = |kind: &str| xs.iter().filter(|x| x.kind == kind).count() as i64;
    out.insert("inspections.all".to_string(), xs.len() as i64);
    out.insert("inspections.kiem_tra".to_string(), n("kiem_tra"));
    out.insert("inspections.giam_sat".to_string(), n("giam_sat"));
    let units: Vec<&String> = xs.iter().flat_map(|x| &x.units).collect();
    let people: Vec<&String> = xs.iter().flat_map(|x| &x.people).collect();
    out.insert("inspections.collectives".to_string(), units.len() as i64);
    out.insert("inspections.collectives_distinct".to_string(), units.iter().collect::<BTreeSet<_>>().len() as i64);
    out.insert("inspections.individuals".to_string(), people.len() as i64);
    out.insert("inspections.individuals_distinct".to_string(), people.iter().collect::<BTreeSet<_>>().len() as i64);
    for x in &xs {
        *out.entry(format!("inspections.body\u{1f}{}", x.body)).or_default() += 1;
    }
    out
}

/// A value's period as (last day, first day): the later, then the shorter, is the latest.
type Span = (NaiveDate, NaiveDate);

/// An indicator value the test wrote: (unit, indicator code, first day, last day, value).
type ValueFact = (Id, &'static str, NaiveDate, NaiveDate, i64);

/// Values within the subtree and the period, summed by indicator; for a level (the
/// villages: `stock` in the default catalogue) each unit's latest value only.
fn recount_indicators(
    tree: &Tree,
    values: &[ValueFact],
    root: Id,
    as_of: NaiveDate,
    (first, last): (NaiveDate, NaiveDate),
) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    // (unit, indicator) → ((last day, first day), value).
    let mut latest: BTreeMap<(Id, &str), (Span, i64)> = BTreeMap::new();
    for (unit, code, from, to, v) in values {
        if !(tree.within(*unit, root, as_of) && first <= *from && *to <= last) {
            continue;
        }
        if code.starts_with("TT-THON") {
            // The latest period; of two ending the same day, the shorter.
            let e = latest.entry((*unit, code)).or_insert(((*to, *from), *v));
            if (*to, *from) > e.0 {
                *e = ((*to, *from), *v);
            }
            continue;
        }
        *out.entry(format!("indicators.{}", lamtheo_domain::vn::fold(code))).or_default() += v;
    }
    for ((_, code), (_, v)) in latest {
        *out.entry(format!("indicators.{}", lamtheo_domain::vn::fold(code))).or_default() += v;
    }
    out
}

/// An article the test wrote: (unit, published on if published, field), and its feedback:
/// (article, received on, published, answered).
type ArticleFact = (Id, Option<NaiveDate>, &'static str);
type FeedbackFact = (usize, NaiveDate, bool, bool);

fn recount_column(
    tree: &Tree,
    articles: &[ArticleFact],
    feedback: &[FeedbackFact],
    root: Id,
    as_of: NaiveDate,
    (first, last): (NaiveDate, NaiveDate),
) -> BTreeMap<String, i64> {
    let inside = |unit: Id, day: NaiveDate| tree.within(unit, root, as_of) && first <= day && day <= last;
    let mut out = BTreeMap::new();
    let published: Vec<&ArticleFact> = articles.iter().filter(|(u, on, _)| on.is_some_and(|d| inside(*u, d))).collect();
    out.insert("column.published".to_string(), published.len() as i64);
    for (_, _, field) in &published {
        if !field.is_empty() {
            *out.entry(format!("column.field\u{1f}{field}")).or_default() += 1;
        }
    }
    let got: Vec<&FeedbackFact> = feedback.iter().filter(|(a, on, _, _)| inside(articles[*a].0, *on)).collect();
    out.insert("column.feedback".to_string(), got.len() as i64);
    out.insert("column.feedback_published".to_string(), got.iter().filter(|f| f.2).count() as i64);
    out.insert("column.feedback_answered".to_string(), got.iter().filter(|f| f.3).count() as i64);
    out
}

#[tokio::test]
async fn model_figures_match_a_recount() {
    for seed in SEEDS {
        for (engine, app) in apps().await {
            run(engine, seed, &app).await;
        }
    }
}

async fn run(engine: &str, seed: u64, app: &App) {
    let sys = Actor::system();
    let pv = province(app).await;
    let mut rng = Rng(seed);
    // The codes `common::province` gives.
    let mut units = vec![(pv.p, None, "P".to_string())];
    for i in 0..2 {
        units.push((pv.districts[i], Some(pv.p), format!("D{}", i + 1)));
    }
    for i in 0..4 {
        units.push((pv.communes[i], Some(pv.districts[i / 2]), format!("C{}", i + 1)));
        units.push((pv.cells[i], Some(pv.communes[i]), format!("K{}", i + 1)));
    }
    let moved_on = rng.date(2024, 2025);
    // Cell K1 moves from C1 to C3.
    app.move_unit(&sys, pv.cells[0], pv.communes[2], moved_on).await.expect("move");
    let tree = Tree {
        units: units
            .iter()
            .map(|(id, parent, code)| {
                let after = if *id == pv.cells[0] { Some(pv.communes[2]) } else { *parent };
                (*id, code.clone(), *parent, after)
            })
            .collect(),
        moved_on,
    };
    let all: Vec<Id> = units.iter().map(|u| u.0).collect();
    let (mut models, mut results, mut replications) =
        (Vec::<ModelFact>::new(), Vec::<ResultFact>::new(), Vec::<ReplicationFact>::new());
    app.default_indicator_form(&sys, pv.p, &[]).await.expect("default form");
    // (unit, period written, indicator) → value, as the last write left it.
    let mut values: BTreeMap<(Id, String, &'static str), (NaiveDate, NaiveDate, i64)> = BTreeMap::new();
    let mut exemplars: Vec<(Id, &'static str, NaiveDate)> = Vec::new();
    let (mut articles, mut feedback): (Vec<ArticleFact>, Vec<FeedbackFact>) = (Vec::new(), Vec::new());
    let mut recognitions: Vec<RecognitionFact> = Vec::new();
    // A form the province adds to the built-in ones; commendations name it by its code, in
    // either case.
    let form = json!({"code": "BK-TINHDOAN", "name": "Bằng khen của Tỉnh đoàn", "level": "tinh", "unit": "P"});
    records_save(app, &records::recognitions::COMMENDATION_FORMS, form).await;
    let mut inspections: Vec<InspectionFact> = Vec::new();
    for step in 0..180 {
        match rng.below(18) {
            10 => {
                let (unit, subject, on) = (rng.pick(&all), rng.pick(&["tap_the", "ca_nhan"]), rng.date(2023, 2026));
                let body = json!({
                    "code": format!("DH-{step}"), "subject": subject, "name": format!("Điển hình {step}"),
                    "unit": tree.code(unit), "achievement": "Tiêu biểu", "models": [], "on": on.to_string(),
                });
                records_save(app, &records::recognitions::EXEMPLARS, body).await;
                exemplars.push((unit, subject, on));
            }
            11..=12 => {
                let praise = rng.chance(40);
                let r = RecognitionFact {
                    unit: rng.pick(&all),
                    subject: rng.pick(&["tap_the", "ca_nhan"]),
                    kind: if praise { "bieu_duong" } else { "khen_thuong" },
                    form: if praise {
                        ""
                    } else {
                        rng.pick(&["giay_khen", "bang_khen_tinh_uy", "bang_khen_ttg", "BK-TINHDOAN", "bk-tinhdoan"])
                    },
                    level: rng.pick(&["tinh", "huyen", "xa"]),
                    // Few names, so that one achievement is sometimes commended twice.
                    recipient: format!("Người {}", rng.below(4)),
                    achievement: rng.pick(&["Tiêu biểu 5 năm", "Xuất sắc năm 2025"]),
                    round: rng.pick(&["", "Sơ kết 5 năm Kết luận 01"]),
                    on: rng.date(2023, 2026),
                };
                let body = json!({
                    "subject": r.subject, "recipient": r.recipient, "unit": tree.code(r.unit), "kind": r.kind,
                    "form": r.form, "level": r.level, "decision_no": if praise { "" } else { "12-QĐ/HU" },
                    "on": r.on.to_string(), "achievement": r.achievement, "round": r.round,
                });
                records_save(app, &records::recognitions::RECOGNITIONS, body).await;
                // The same (unit, recipient, kind, form, day) is the same recognition.
                recognitions.retain(|x| {
                    !(x.unit == r.unit
                        && x.recipient == r.recipient
                        && x.kind == r.kind
                        && x.form.eq_ignore_ascii_case(r.form)
                        && x.on == r.on)
                });
                recognitions.push(r);
            }
            15 => {
                // A unit's values for a month, a quarter, a half or a year: a total and its part
                // (never above it), a count, and an audience with a qualifier.
                let unit = rng.pick(&all);
                let year = 2024 + rng.below(2) as i32;
                let written = match rng.below(4) {
                    0 => format!("{}/{year}", 1 + rng.below(12)),
                    1 => format!("Quý {}/{year}", 1 + rng.below(4)),
                    2 => format!("6 tháng đầu năm {year}"),
                    _ => year.to_string(),
                };
                let (_, canonical, p) = lamtheo_domain::period::parse_report_period(&written).expect("a period");
                let total = rng.below(50) as i64;
                let entered = [
                    ("TT-BIEUDIEN", total),
                    ("TT-BIEUDIEN-VUNGSAU", rng.below(total as u64 + 1) as i64),
                    ("TT-CHIEUPHIM", rng.below(30) as i64),
                    ("TT-NGUOIXEM", rng.below(5000) as i64),
                    ("TT-THON", 10 + rng.below(5) as i64),
                    ("TT-THON-CHIBO", rng.below(10) as i64),
                ];
                let input: Vec<(String, Option<i64>, String)> = entered
                    .iter()
                    .map(|(code, v)| {
                        (code.to_string(), Some(*v), if *code == "TT-NGUOIXEM" { "trên".into() } else { String::new() })
                    })
                    .collect();
                app.save_indicator_values(&sys, unit, &written, &input)
                    .await
                    .unwrap_or_else(|e| panic!("{engine}: values: {e:?}"));
                for (code, v) in entered {
                    values.insert((unit, canonical.clone(), code), (p.from.first_day(), p.to.last_day(), v));
                }
            }
            16 => {
                // An article, published or not; feedback on a random one.
                let (unit, on, field) =
                    (rng.pick(&all), rng.date(2023, 2026), rng.pick(&["Gương điển hình", "", "Di chúc"]));
                let published = rng.chance(70);
                let body = json!({
                    "code": format!("bai-{step}"), "title": "Bài", "body": "Nội dung", "field": field, "unit": tree.code(unit),
                    "status": if published { "published" } else { "draft" }, "published_on": on.to_string(),
                });
                records_save(app, &records::articles::ARTICLES, body).await;
                articles.push((unit, published.then_some(on), field));
                for n in 0..rng.below(3) {
                    let (shown, answered, received) = (rng.chance(50), rng.chance(30), rng.date(2023, 2026));
                    let body = json!({
                        "article": format!("bai-{step}"), "number": format!("PH-{n}"), "name": "Bạn đọc", "content": "Hay",
                        "received_on": received.to_string(), "status": if shown { "published" } else { "pending" },
                        "answer": if answered { "Cảm ơn" } else { "" },
                    });
                    records_save(app, &records::articles::FEEDBACK, body).await;
                    feedback.push((articles.len() - 1, received, shown, answered));
                }
            }
            13..=14 => {
                let pick_codes = |rng: &mut Rng, n: u64| -> Vec<String> {
                    (0..rng.below(n)).map(|_| tree.code(rng.pick(&all)).to_string()).collect()
                };
                let x = InspectionFact {
                    unit: rng.pick(&all),
                    kind: rng.pick(&["kiem_tra", "giam_sat"]),
                    body: rng.pick(&["ubkt", "ban_tuyen_giao", "cap_uy"]),
                    from: rng.date(2023, 2026),
                    units: pick_codes(&mut rng, 4),
                    people: (0..rng.below(4)).map(|_| format!("CARD-{}-{}", rng.below(4), rng.below(3))).collect(),
                };
                let body = json!({
                    "number": format!("{step}-QĐ/UBKT"), "kind": x.kind, "form": "chuyen_de", "unit": tree.code(x.unit),
                    "body": x.body, "from": x.from.to_string(), "content": "Việc thực hiện Chỉ thị 05",
                    "subject_units": x.units, "subject_people": x.people,
                });
                records_save(app, &records::inspections::INSPECTIONS, body).await;
                inspections.push(x);
            }
            0..=3 => {
                let registered_on = rng.date(2023, 2026);
                let recognised_on = rng.chance(50).then(|| registered_on + chrono::Days::new(rng.below(400)));
                let m = ModelFact {
                    code: format!("MH-{seed:x}-{step}"),
                    owner: rng.pick(&all),
                    registered_on,
                    field: rng.pick(&FIELDS),
                    recognised_on,
                };
                records_save(app, &records::models::MODELS, model_body(&m, &tree, "Mô hình")).await;
                models.push(m);
            }
            4 if !models.is_empty() => {
                // A model changes: another owner, recognised or not any more.
                let i = rng.index(models.len());
                models[i].owner = rng.pick(&all);
                models[i].recognised_on = rng.chance(50).then(|| models[i].registered_on + chrono::Days::new(30));
                records_save(app, &models::MODELS, model_body(&models[i], &tree, "Mô hình đổi tên")).await;
            }
            5..=6 if !models.is_empty() => {
                let (indicator, measure) = rng.pick(&MEASURES);
                let r = ResultFact {
                    model: rng.index(models.len()),
                    indicator,
                    measure,
                    qualifier: rng.pick(&QUALIFIERS),
                    amount: rng.below(2_000_000_000) as i64,
                    on: rng.date(2023, 2026),
                };
                let body = json!({
                    "model": models[r.model].code, "indicator": indicator, "amount": r.amount,
                    "measure": measure, "qualifier": r.qualifier, "on": r.on.to_string(),
                });
                records_save(app, &models::RESULTS, body).await;
                // The same key (model, indicator, measure, day) is the same result.
                results.retain(|x| !(x.model == r.model && x.indicator == r.indicator && x.on == r.on));
                results.push(r);
            }
            7..=8 if !models.is_empty() => {
                let (model, unit, on) = (rng.index(models.len()), rng.pick(&all), rng.date(2023, 2026));
                let body =
                    json!({ "model": models[model].code, "unit": tree.code(unit), "on": on.to_string(), "note": "" });
                let id = records_save(app, &models::REPLICATIONS, body).await;
                replications.retain(|r| !(r.model == model && r.unit == unit));
                replications.push(ReplicationFact { id, model, unit, on });
            }
            9 if replications.len() > 2 => {
                let r = replications.remove(rng.index(replications.len()));
                app.delete_record(&sys, r.id).await.unwrap_or_else(|e| panic!("{engine} {seed:x}: delete: {e:?}"));
            }
            _ => {}
        }
    }
    let periods = [
        Period::year(2024),
        Period::new(Month::new(2023, 1), Month::new(2026, 12)),
        Period::new(Month::new(2025, 4), Month::new(2025, 9)),
    ];
    let as_ofs = [moved_on.pred_opt().expect("a day before"), moved_on, d(2026, 12, 31)];
    let mut checked = 0;
    for &root in &all {
        for as_of in as_ofs {
            for period in periods {
                let days = (period.from.first_day(), period.to.last_day());
                let want = recount(&tree, &models, &results, &replications, root, as_of, days);
                let sections = app.record_figures(&sys, root, period, as_of).await.expect("figures");
                let got: BTreeMap<String, (i64, String)> = sections[0]
                    .figures
                    .iter()
                    .filter(|f| f.key != "models.built_and_replicated")
                    .map(|f| (f.key.clone(), (f.value, f.text_vi.clone())))
                    .collect();
                let at = format!("{engine} seed {seed:x} unit {} as of {as_of} {period:?}", tree.code(root));
                assert_eq!(got, want, "{at}");
                // Each child's figures are its own subtree's.
                for child in &sections[0].children {
                    let theirs = recount(&tree, &models, &results, &replications, child.unit_id, as_of, days);
                    for f in &child.figures {
                        assert_eq!(f.value, theirs[&f.key].0, "{at}: child {} {}", tree.code(child.unit_id), f.key);
                    }
                }
                let value = |i: usize| -> BTreeMap<String, i64> {
                    sections[i].figures.iter().map(|f| (f.key.clone(), f.value)).collect()
                };
                let want = recount_recognitions(&tree, &exemplars, &recognitions, root, as_of, days);
                assert_eq!(value(1), want, "{at}: recognitions");
                // Collectives and individuals apart: "17 tập thể và 50 cá nhân".
                let inside =
                    |unit: Id, day: NaiveDate| tree.within(unit, root, as_of) && days.0 <= day && day <= days.1;
                for kind in ["bieu_duong", "khen_thuong"] {
                    let n = |subject: &str| {
                        recognitions
                            .iter()
                            .filter(|r| r.kind == kind && r.subject == subject && inside(r.unit, r.on))
                            .count()
                    };
                    let text = &sections[1]
                        .figures
                        .iter()
                        .find(|f| f.key == format!("recognitions.{kind}"))
                        .expect("a figure")
                        .text_vi;
                    assert_eq!(text, &format!("{} tập thể và {} cá nhân", n("tap_the"), n("ca_nhan")), "{at}: {kind}");
                }
                assert_eq!(value(2), recount_inspections(&tree, &inspections, root, as_of, days), "{at}: inspections");
                let written: Vec<ValueFact> =
                    values.iter().map(|((u, _, c), (f, t, v))| (*u, *c, *f, *t, *v)).collect();
                assert_eq!(value(3), recount_indicators(&tree, &written, root, as_of, days), "{at}: indicators");
                assert_eq!(value(4), recount_column(&tree, &articles, &feedback, root, as_of, days), "{at}: column");
                checked += 1;
            }
        }
    }
    assert!(
        checked > 0 && !models.is_empty() && !results.is_empty() && !replications.is_empty(),
        "{engine} {seed:x}: the history wrote every kind"
    );
    assert!(
        !exemplars.is_empty() && !recognitions.is_empty() && !inspections.is_empty(),
        "{engine} {seed:x}: every kind"
    );
    for spec in records::kinds() {
        let q = ExportQuery { unit: Some(pv.p), year: 2025, of: None };
        let n = imports_back(app, Kind::Record(spec), q, &format!("{engine} {seed:x}")).await;
        assert!(n > 0, "{engine} {seed:x}: {} exported rows", spec.slug);
    }
}

async fn records_save(app: &App, spec: &'static records::RecordSpec, body: serde_json::Value) -> Id {
    app.save_record(&Actor::system(), spec, &body).await.unwrap_or_else(|e| panic!("{}: {body}: {e:?}", spec.slug))
}

/// A part never exceeds its total, whichever is written, alone, in one form or in one file;
/// nothing is written when one is refused.
#[tokio::test]
async fn a_part_never_exceeds_its_total() {
    use lamtheo_domain::records::indicators::VALUES;
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        app.default_indicator_form(&sys, pv.p, &["K1".into()]).await.unwrap();
        let save = |v: &[(&str, i64)]| {
            let v: Vec<(String, Option<i64>, String)> =
                v.iter().map(|(c, n)| (c.to_string(), Some(*n), String::new())).collect();
            let (app, sys) = (app.clone(), sys.clone());
            async move { app.save_indicator_values(&sys, pv.cells[0], "Q2/2025", &v).await }
        };
        let e = save(&[("TT-BIEUDIEN", 10), ("TT-BIEUDIEN-VUNGSAU", 12)]).await.unwrap_err();
        assert!(e.details.iter().any(|d| d.contains("vượt quá tổng")), "{engine}: {e:?}");
        save(&[("TT-BIEUDIEN", 10), ("TT-BIEUDIEN-VUNGSAU", 7)]).await.unwrap();
        // The total alone, lowered below its stored part.
        let e = save(&[("TT-BIEUDIEN", 5)]).await.unwrap_err();
        assert!(e.details.iter().any(|d| d.contains("vượt quá tổng")), "{engine}: {e:?}");
        // Both lowered together is fine.
        save(&[("TT-BIEUDIEN", 5), ("TT-BIEUDIEN-VUNGSAU", 4)]).await.unwrap();
        // One value through the record API is checked too, and an unknown indicator is 404.
        let one = json!({"unit": "K1", "period": "quý 2/2025", "indicator": "TT-BIEUDIEN-VUNGSAU", "value": 9});
        let e = app.save_record(&sys, &VALUES, &one).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("value"), "{engine}: {e:?}");
        let unknown = json!({"unit": "K1", "period": "Q2/2025", "indicator": "KHONG-CO", "value": 1});
        let e = app.save_record(&sys, &VALUES, &unknown).await.unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (lamtheo_domain::ErrorCode::NotFound, Some("indicator")), "{engine}");
        let entry = app.indicator_entry(&sys, pv.cells[0], "BM-TUYENTRUYEN-P", "Q2/2025").await.unwrap();
        let got: Vec<(String, Option<i64>)> =
            entry.rows.iter().filter(|r| r.value.is_some()).map(|r| (r.code.clone(), r.value)).collect();
        assert_eq!(
            got,
            [("TT-BIEUDIEN".to_string(), Some(5)), ("TT-BIEUDIEN-VUNGSAU".to_string(), Some(4))],
            "{engine}"
        );
        assert_eq!(entry.previous_period, "Q1/2025", "{engine}");
        let done = app.completeness(&sys, "BM-TUYENTRUYEN-P", "Q2/2025").await.unwrap();
        assert_eq!(done.iter().map(|d| (d.code.as_str(), d.entered)).collect::<Vec<_>>(), [("K1", 2)], "{engine}");
    }
}

/// Commendation forms are data: a form nobody added is refused naming the column, one the
/// province adds is accepted (by its code, in either case) and the figures print its name.
#[tokio::test]
async fn a_commendation_form_is_added_as_data() {
    use lamtheo_domain::records::recognitions::{COMMENDATION_FORMS, RECOGNITIONS};
    for (engine, app) in apps().await {
        let pv = province(&app).await;
        let sys = Actor::system();
        let given = |form: &str| {
            json!({"subject": "tap_the", "recipient": "Chi đoàn bản Nậm Cầy", "unit": "K1", "kind": "khen_thuong",
                   "form": form, "level": "tinh", "decision_no": "45-QĐ/TĐ", "on": "2025-03-26",
                   "achievement": "Tiêu biểu trong làm theo Bác"})
        };
        let e = app.save_record(&sys, &RECOGNITIONS, &given("BK-TINHDOAN")).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("form"), "{engine}: {e:?}");
        assert!(e.message_vi.contains("BK-TINHDOAN"), "{engine}: {e:?}");
        let built_in = json!({"code": "giay_khen", "name": "Giấy khen", "unit": "P"});
        let e = app.save_record(&sys, &COMMENDATION_FORMS, &built_in).await.unwrap_err();
        assert_eq!(e.field.as_deref(), Some("code"), "{engine}: {e:?}");
        let form = json!({"code": "BK-TINHDOAN", "name": "Bằng khen của Tỉnh đoàn", "level": "tinh", "unit": "P"});
        app.save_record(&sys, &COMMENDATION_FORMS, &form).await.unwrap();
        app.save_record(&sys, &RECOGNITIONS, &given("bk-tinhdoan")).await.unwrap();
        let period = Period::new(Month::new(2025, 1), Month::new(2025, 12));
        let sections = app.record_figures(&sys, pv.p, period, d(2025, 12, 31)).await.unwrap();
        let figures: Vec<_> = sections.iter().flat_map(|s| &s.figures).collect();
        let named = figures.iter().find(|f| f.label_vi == "Khen thưởng: Bằng khen của Tỉnh đoàn");
        assert_eq!(named.map(|f| f.text_vi.as_str()), Some("1 tập thể và 0 cá nhân"), "{engine}: {figures:?}");
    }
}
