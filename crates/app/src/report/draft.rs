//! The periodic report (báo cáo sơ kết, tổng kết): a unit's draft written from its figures
//! for a period, in the built-in outline of the campaign's review (RECORDS-AND-REPORTS §5:
//! I. đặc điểm tình hình; II. kết quả — học tập, làm theo, tuyên truyền, nêu gương, kiểm
//! tra, khen thưởng; III. đánh giá chung; IV. phương hướng; V. đề xuất), with annex tables
//! by child unit, and the party document (`lamtheo_report::Document`) made of it.
//!
//! Each generated paragraph keeps the keys of the figures it was written from, so that a
//! draft can be refreshed when the figures change. Figures are written exactly
//! (198.835, 96,1%): "gần/trên/hơn" only where the drafter rounds.
use chrono::NaiveDate;
use lamtheo_domain::access::Actor;
use lamtheo_domain::period::Period;
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_report::{Block, Document, Signature, Table};
use serde::{Deserialize, Serialize};

use crate::App;

/// A unit's draft report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Draft {
    pub unit_id: Id,
    pub unit_name: String,
    pub period: Period,
    pub as_of: NaiveDate,
    /// Who issues it and where (the header of the document).
    pub issuer: Issuer,
    /// The summary under "BÁO CÁO".
    pub summary: String,
    pub sections: Vec<Section>,
    pub annexes: Vec<Annex>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Issuer {
    /// "ĐẢNG BỘ TỈNH LAI CHÂU"; empty for a unit at the top.
    pub parent_body: String,
    /// "HUYỆN ỦY TAM ĐƯỜNG".
    pub name: String,
    /// The symbol after "BC/": "TU", "HU", "ĐU", "CB".
    pub symbol: String,
    /// The locality in the date line: "Tam Đường".
    pub place: String,
    /// "T/M BAN THƯỜNG VỤ" or "T/M CHI BỘ".
    pub on_behalf: String,
    /// "- Ban Thường vụ Tỉnh ủy Lai Châu (để báo cáo),".
    pub recipients: Vec<String>,
}

/// A heading of the outline with its guidance and paragraphs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Section {
    pub level: u8,
    pub heading: String,
    /// What the section should say (the outline's guidance), shown to the drafter.
    pub guidance: String,
    /// What writes its figures' paragraphs (`OutlineSection::fill`), to refresh them.
    #[serde(default)]
    pub fill: String,
    pub paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Paragraph {
    pub text: String,
    /// The figures it was written from; empty for the drafter's own text.
    #[serde(default)]
    pub figures: Vec<String>,
    /// A written paragraph the drafter changed (rounded a figure, added a clause): a refresh
    /// keeps it as the drafter left it.
    #[serde(default)]
    pub edited: bool,
}

/// An annex table: a title, the columns, a row per child unit and the unit's total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Annex {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub total: Vec<String>,
}

/// An outline: its sections and the annex tables wanted. A request carries one; the
/// built-in one is the campaign's periodic review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Outline {
    pub sections: Vec<OutlineSection>,
    /// The annexes by child unit: "study" (conferences, participation, cell meetings),
    /// "topics" (who studied each topic by its deadline), "plans" (personal plans and
    /// commitments), "movements" (registrations to each emulation movement), "ratings" (the
    /// year's ratings of members and organisations), "tasks" (breakthrough tasks),
    /// "covenants" (the scores of each covenant the unit organised) and the record kinds'
    /// sections by slug ("models", "recognitions", "inspections", …).
    pub annexes: Vec<String>,
    /// How far down the annexes go: 1, the units directly under the reporting one; 2, those
    /// and, under each of them above the grassroots level, its units (a province's districts
    /// and their communes; a commune's cells are not listed in a province's report).
    #[serde(default = "one")]
    pub depth: u8,
}

fn one() -> u8 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OutlineSection {
    /// 1 for "I. …", 2 for "1. …".
    pub level: u8,
    pub heading: String,
    /// What the section should say, shown to the drafter.
    pub guidance: String,
    /// What writes its paragraphs from the figures: "" (the drafter writes it), "study",
    /// "following", or a record kinds' section by slug.
    #[serde(default)]
    pub fill: String,
}

impl Outline {
    /// An outline a request may carry: a few dozen sections at three levels, each filled by
    /// the drafter or by a known source of figures, and annexes the draft can make.
    pub fn validate(&self) -> Result<()> {
        let sources: Vec<&str> = sources().into_iter().map(|(code, _, _)| code).collect();
        if self.sections.is_empty() || self.sections.len() > 60 {
            return Err(Error::field("outline", "Đề cương cần từ 1 đến 60 mục", "An outline has 1 to 60 sections"));
        }
        for (i, s) in self.sections.iter().enumerate() {
            let field = format!("outline.sections[{i}]");
            if !(1..=3).contains(&s.level) {
                return Err(Error::field(&field, "Cấp của mục là 1, 2 hoặc 3", "A section's level is 1, 2 or 3"));
            }
            if s.heading.trim().is_empty() {
                return Err(Error::field(&field, "Mục cần có tên", "A section needs a heading"));
            }
            lamtheo_domain::text::Text::Name.check(&field, &s.heading)?;
            lamtheo_domain::text::Text::Free.check(&field, &s.guidance)?;
            if !sources.contains(&s.fill.as_str()) {
                return Err(Error::field(
                    &field,
                    format!("Không có nguồn số liệu «{}»: chọn {}", s.fill, sources[1..].join(", ")),
                    format!("No source of figures «{}»", s.fill),
                ));
            }
        }
        if !(1..=2).contains(&self.depth) {
            return Err(Error::field(
                "outline.depth",
                "Phụ lục theo 1 hoặc 2 cấp đơn vị",
                "Annexes go 1 or 2 levels down",
            ));
        }
        let annexes: Vec<&str> = annex_kinds().into_iter().map(|(code, _, _)| code).collect();
        if let Some(a) = self.annexes.iter().find(|a| !annexes.contains(&a.as_str())) {
            return Err(Error::field("outline.annexes", format!("Không có phụ lục «{a}»"), format!("No annex «{a}»")));
        }
        Ok(())
    }
}

/// What can write a section's paragraphs from the figures: (code, Vietnamese, English);
/// the first, none (the drafter writes it).
pub fn sources() -> Vec<(&'static str, &'static str, &'static str)> {
    [
        ("", "Cấp ủy tự viết", "Written by the drafter"),
        ("study", "Số liệu học tập, quán triệt", "Study figures"),
        ("following", "Số liệu làm theo (kế hoạch, sinh hoạt chi bộ, thi đua, xếp loại)", "Following figures"),
    ]
    .into_iter()
    .chain(lamtheo_domain::records::SECTIONS.iter().map(|s| (s.slug, s.title_vi, s.title_en)))
    .collect()
}

/// The annex tables an outline may ask for: (code, Vietnamese, English).
pub fn annex_kinds() -> Vec<(&'static str, &'static str, &'static str)> {
    [
        ("study", "Học tập, quán triệt và sinh hoạt chi bộ", "Study and cell meetings"),
        ("topics", "Học tập các chuyên đề", "Study of each topic"),
        ("plans", "Kế hoạch làm theo, bản cam kết", "Personal plans and commitments"),
        ("movements", "Đăng ký thi đua", "Emulation registrations"),
        ("ratings", "Đánh giá, xếp loại", "Ratings"),
        ("tasks", "Nhiệm vụ đột phá", "Breakthrough tasks"),
        ("covenants", "Giao ước thi đua", "Covenants"),
    ]
    .into_iter()
    .chain(lamtheo_domain::records::SECTIONS.iter().map(|s| (s.slug, s.title_vi, s.title_en)))
    .collect()
}

/// The annexes whose figures are read unit by unit: personal plans and commitments,
/// breakthrough tasks, per-topic completion, ratings, emulation movements, and the
/// covenants the unit organised (a table of its signatories' scores each).
const BY_UNIT: [&str; 6] = ["plans", "tasks", "topics", "ratings", "movements", "covenants"];

/// The built-in outline of the campaign's periodic review (RECORDS-AND-REPORTS §5).
pub fn built_in_outline() -> Outline {
    let s = |level: u8, heading: &str, guidance: &str, fill: &str| OutlineSection {
        level,
        heading: heading.into(),
        guidance: guidance.into(),
        fill: fill.into(),
    };
    Outline {
        sections: vec![
            s(1, "I. ĐẶC ĐIỂM TÌNH HÌNH", "Đặc điểm của địa phương, đơn vị; thuận lợi, khó khăn.", ""),
            s(1, "II. KẾT QUẢ THỰC HIỆN", "", ""),
            s(
                2,
                "1. Công tác lãnh đạo, chỉ đạo",
                "Văn bản cấp ủy ban hành để lãnh đạo, chỉ đạo, cụ thể hóa; việc xây dựng chuẩn mực đạo đức.",
                "",
            ),
            s(2, "2. Công tác học tập, quán triệt", "Hội nghị học tập, quán triệt; chuyên đề hằng năm.", "study"),
            s(
                2,
                "3. Việc làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
                "Kế hoạch làm theo của cá nhân; sinh hoạt chi bộ; nhiệm vụ đột phá; thi đua.",
                "following",
            ),
            s(2, "4. Mô hình, cách làm hay", "Mô hình xây dựng, công nhận, nhân rộng và kết quả.", "models"),
            s(2, "5. Công tác tuyên truyền", "Kết quả tuyên truyền trên các phương tiện.", "indicators"),
            s(
                2,
                "6. Công tác kiểm tra, giám sát",
                "Các cuộc kiểm tra, giám sát; tổ chức đảng, đảng viên được kiểm tra, giám sát.",
                "inspections",
            ),
            s(
                2,
                "7. Biểu dương, khen thưởng điển hình",
                "Điển hình được biểu dương, khen thưởng ở các cấp.",
                "recognitions",
            ),
            s(1, "III. ĐÁNH GIÁ CHUNG", "", ""),
            s(2, "1. Ưu điểm", "Ưu điểm nổi bật và nguyên nhân.", ""),
            s(2, "2. Hạn chế, khuyết điểm", "Hạn chế, khuyết điểm và nguyên nhân.", ""),
            s(2, "3. Bài học kinh nghiệm", "Một là…; Hai là…", ""),
            s(1, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ, GIẢI PHÁP", "Nhiệm vụ, giải pháp trong thời gian tới.", ""),
            s(1, "V. ĐỀ XUẤT, KIẾN NGHỊ", "Đề xuất, kiến nghị với cấp trên.", ""),
        ],
        annexes: [
            "study",
            "topics",
            "plans",
            "movements",
            "ratings",
            "tasks",
            "covenants",
            "models",
            "recognitions",
            "inspections",
            "indicators",
        ]
        .map(String::from)
        .to_vec(),
        depth: 2,
    }
}

/// The committee's own party organisation, by the committee's name: "Tỉnh ủy Lai Châu" →
/// "Đảng bộ tỉnh Lai Châu", "Đảng ủy xã Bình Lư" → "Đảng bộ xã Bình Lư".
fn party_body(name: &str) -> String {
    for (committee, level) in COMMITTEES {
        if let Some(place) = strip_prefix_folded(name, committee) {
            return format!("Đảng bộ {level} {place}");
        }
    }
    match strip_prefix_folded(name, "Đảng ủy") {
        Some(rest) => format!("Đảng bộ {rest}"),
        None => name.to_string(),
    }
}

/// Committees named by their level, the level's word and the symbol of their documents.
const COMMITTEES: &[(&str, &str)] =
    &[("Tỉnh ủy", "tỉnh"), ("Thành ủy", "thành phố"), ("Huyện ủy", "huyện"), ("Thị ủy", "thị xã"), ("Quận ủy", "quận")];

/// `name` without `prefix` (compared without accents or case), trimmed.
fn strip_prefix_folded<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let n = prefix.chars().count();
    let head: String = name.chars().take(n).collect();
    (vn::fold(&head) == vn::fold(prefix)).then(|| name[head.len()..].trim())
}

/// The area word of the figures' subject ("toàn tỉnh", "toàn xã") and the place of the
/// date line ("Lai Châu"), by the unit's name.
fn area_and_place(name: &str) -> (String, String) {
    for (committee, level) in COMMITTEES {
        if let Some(place) = strip_prefix_folded(name, committee) {
            return (format!("toàn {level}"), place.to_string());
        }
    }
    if let Some(rest) = strip_prefix_folded(name, "Đảng ủy") {
        for level in ["xã", "phường", "thị trấn", "đặc khu"] {
            if let Some(place) = strip_prefix_folded(rest, level) {
                return (format!("toàn {level}"), place.to_string());
            }
        }
        return ("toàn đảng bộ".into(), rest.to_string());
    }
    if strip_prefix_folded(name, "Chi bộ").is_some() {
        return ("chi bộ".into(), String::new());
    }
    ("toàn đảng bộ".into(), name.to_string())
}

/// The symbol of the issuer's documents: TU, HU, ĐU, CB.
fn symbol(name: &str) -> &'static str {
    let folded = vn::fold(name);
    match () {
        _ if folded.starts_with("tinh uy") || folded.starts_with("thanh uy") => "TU",
        _ if folded.starts_with("huyen uy") => "HU",
        _ if folded.starts_with("thi uy") => "TX",
        _ if folded.starts_with("quan uy") => "QU",
        _ if folded.starts_with("chi bo") => "CB",
        _ => "ĐU",
    }
}

/// "ngày 08 tháng 01 năm 2026": a document's date, with a 0 before days under 10 and the
/// months 1 and 2 (Hướng dẫn 36-HD/VPTW).
pub fn document_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    let month = if d.month() <= 2 { format!("{:02}", d.month()) } else { d.month().to_string() };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// "tháng 1/2025 đến tháng 12/2025", or "năm 2025" for a whole year.
fn period_words(p: Period) -> String {
    if p.from.month() == 1 && p.to.month() == 12 && p.from.year() == p.to.year() {
        format!("năm {}", p.from.year())
    } else {
        format!("từ tháng {}/{} đến tháng {}/{}", p.from.month(), p.from.year(), p.to.month(), p.to.year())
    }
}

fn n(x: u64) -> String {
    vn::fmt_int(x as i64)
}

fn said(text: String, figures: &[&str]) -> Paragraph {
    Paragraph { text, figures: figures.iter().map(|f| f.to_string()).collect(), edited: false }
}

/// Every figure a draft is written from, read once.
struct Read {
    view: crate::tree::UnitView,
    report: lamtheo_analytics::UnitReport,
    /// The same figures for the period of the same length just before.
    before: lamtheo_analytics::Figures,
    /// "năm 2024", "từ tháng 1/2024 đến tháng 6/2024".
    before_words: String,
    plans: Vec<crate::plans::PlanFigure>,
    tasks: crate::tasks::TaskReport,
    /// The period's last year (ratings are by year).
    year: i32,
    /// The ratings of the period's last year, by group.
    ratings: Vec<crate::evaluations::Distribution>,
    movements: Vec<crate::emulation::MovementReport>,
    covenants: Vec<crate::covenants::CovenantReport>,
    records: Vec<crate::records::SectionFigures>,
    /// The record sections' figures for the period just before, to say the change.
    records_before: Vec<crate::records::SectionFigures>,
    /// For annexes two levels down: each child's own children, figures and sections.
    below: Vec<Below>,
}

struct Below {
    unit: Id,
    view: crate::tree::UnitView,
    report: lamtheo_analytics::UnitReport,
    records: Vec<crate::records::SectionFigures>,
}

impl App {
    /// The draft of `unit`'s report for `period` (the tree as of `as_of`) in `outline`:
    /// paragraphs written from the unit's figures where the outline says, and the annexes
    /// by child unit it wants.
    pub async fn report_draft(
        &self,
        actor: &Actor,
        unit: Id,
        period: Period,
        as_of: NaiveDate,
        outline: &Outline,
    ) -> Result<Draft> {
        let previous = lamtheo_domain::period::previous_report_period(period);
        let mut read = Read {
            view: self.unit_view(actor, unit, as_of)?,
            report: self.unit_report(actor, unit, period, as_of).await?,
            before: self.unit_report(actor, unit, previous, as_of).await?.figures,
            before_words: period_words(previous),
            plans: self.plan_figures(actor, unit, period, as_of).await?,
            tasks: self.task_report(actor, unit, period, as_of).await?,
            year: period.to.year(),
            ratings: self.evaluation_report(actor, unit, period.to.year(), 0, as_of, false).await?,
            movements: self.unit_movements(actor, unit, period, as_of).await?,
            covenants: self.unit_covenants(actor, unit, period, as_of).await?.into_iter().map(|(c, _)| c).collect(),
            records: self.record_figures(actor, unit, period, as_of).await?,
            records_before: self.record_figures(actor, unit, previous, as_of).await?,
            below: vec![],
        };
        if outline.depth >= 2 {
            // Down to the grassroots committees: a district's communes, not a commune's cells.
            let kinds = self.kinds().await?;
            let above_grassroots = |kind: &str| {
                kinds.iter().find(|k| k.code == kind).is_some_and(|k| matches!(k.level.as_str(), "tinh" | "huyen"))
            };
            let expand: Vec<Id> =
                read.view.children.iter().filter(|c| above_grassroots(&c.kind)).map(|c| c.id).collect();
            for c in read.report.children.iter().map(|c| c.unit_id).filter(|c| expand.contains(c)).collect::<Vec<_>>() {
                read.below.push(Below {
                    unit: c,
                    view: self.unit_view(actor, c, as_of)?,
                    report: self.unit_report(actor, c, period, as_of).await?,
                    records: self.record_figures(actor, c, period, as_of).await?,
                });
            }
        }
        let when = period_words(period);
        let name = read.view.name_on.clone();
        let (area, _) = area_and_place(&name);
        let sections = outline
            .sections
            .iter()
            .map(|o| Section {
                level: o.level,
                heading: o.heading.clone(),
                guidance: o.guidance.clone(),
                fill: o.fill.clone(),
                paragraphs: paragraphs(&read, &o.fill, &when, &area),
            })
            .collect();
        let mut annexes = Vec::new();
        for a in &outline.annexes {
            match BY_UNIT.contains(&a.as_str()) {
                true => annexes.extend(self.annex_by_unit(actor, &read, a, period, as_of, &when, &area).await?),
                false => annexes.extend(annex(&read, a, &when, &area)),
            }
        }
        Ok(Draft {
            unit_id: unit,
            unit_name: name.clone(),
            period,
            as_of,
            issuer: issuer(&read.view),
            summary: format!("Kết quả thực hiện Chỉ thị số 05-CT/TW và Kết luận số 01-KL/TW {when}"),
            sections,
            annexes,
        })
    }
}

impl App {
    /// The annexes whose figures are read unit by unit (`BY_UNIT`): a row for each unit under
    /// the reporting one (and under those, two levels down), and the total; none where the
    /// unit has nothing of the kind in the period (no topic, movement or covenant, nobody
    /// rated).
    #[allow(clippy::too_many_arguments)]
    async fn annex_by_unit(
        &self,
        actor: &Actor,
        read: &Read,
        which: &str,
        period: Period,
        as_of: NaiveDate,
        when: &str,
        area: &str,
    ) -> Result<Vec<Annex>> {
        let mut units: Vec<(Id, String)> = Vec::new();
        for c in &read.view.children {
            units.push((c.id, c.name.clone()));
            if let Some(b) = read.below.iter().find(|b| b.unit == c.id) {
                units.extend(b.view.children.iter().map(|g| (g.id, format!("— {}", g.name))));
            }
        }
        let total = vn::capitalize(area);
        if which == "plans" {
            let own = &read.plans;
            let columns = std::iter::once("Đơn vị".to_string())
                .chain(own.iter().map(|p| format!("{} {}", p.kind.label_vi(), vn::fmt_years(p.from_year, p.to_year))))
                .collect();
            let row = |name: String, plans: &[crate::plans::PlanFigure]| -> Vec<String> {
                std::iter::once(name)
                    .chain(own.iter().map(|o| {
                        plans
                            .iter()
                            .find(|p| p.kind == o.kind && p.from_year == o.from_year)
                            .map_or_else(|| "–".to_string(), |p| format!("{} ({})", p.label(), p.rate()))
                    }))
                    .collect()
            };
            let mut rows = Vec::new();
            for (id, name) in units {
                rows.push(row(name, &self.plan_figures(actor, id, period, as_of).await?));
            }
            return Ok(vec![Annex {
                title: format!("Đảng viên xây dựng kế hoạch làm theo Bác, bản cam kết, {when}"),
                columns,
                rows,
                total: row(total, own),
            }]);
        }
        if which == "topics" {
            let own = &read.report.topics;
            if own.is_empty() {
                return Ok(vec![]);
            }
            let titles = self.topics().await?;
            let title = |id: Id| titles.iter().find(|t| t.id == id).map_or_else(String::new, |t| t.title.clone());
            let columns = std::iter::once("Đơn vị".to_string())
                .chain(own.iter().map(|t| match t.deadline {
                    Some(d) => format!("{} (hạn {})", title(t.topic_id), vn::fmt_date(d)),
                    None => title(t.topic_id),
                }))
                .collect();
            let row = |name: String, topics: &[lamtheo_analytics::TopicCompletion]| -> Vec<String> {
                std::iter::once(name)
                    .chain(own.iter().map(|o| {
                        topics
                            .iter()
                            .find(|t| t.topic_id == o.topic_id)
                            .map_or_else(|| "–".to_string(), |t| format!("{} ({})", t.people_label(), t.people_rate()))
                    }))
                    .collect()
            };
            let mut rows = Vec::new();
            for (id, name) in units {
                rows.push(row(name, &self.unit_report(actor, id, period, as_of).await?.topics));
            }
            return Ok(vec![Annex {
                title: format!("Cán bộ, đảng viên học tập các chuyên đề đến hạn hoàn thành, {when}"),
                columns,
                rows,
                total: row(total, own),
            }]);
        }
        if which == "ratings" {
            // Nobody rated in the year (the ratings come at its end): no table of zeros.
            if read.ratings.iter().all(|r| r.evaluated == 0) {
                return Ok(vec![]);
            }
            let year = read.year;
            let row = |name: String, ratings: &[crate::evaluations::Distribution]| -> Vec<String> {
                let of = |group: &str| ratings.iter().find(|r| r.group == group);
                let (m, o) = (of("members"), of("organisations"));
                let int = |d: Option<&crate::evaluations::Distribution>,
                           f: fn(&crate::evaluations::Distribution) -> i64| {
                    vn::fmt_int(d.map_or(0, f))
                };
                vec![
                    name,
                    int(m, |d| d.evaluated),
                    int(m, |d| d.good_or_better),
                    m.map_or_else(|| "–".to_string(), |d| d.rate()),
                    int(m, |d| d.excellent),
                    int(o, |d| d.evaluated),
                    int(o, |d| d.good_or_better),
                    o.map_or_else(|| "–".to_string(), |d| d.rate()),
                ]
            };
            let mut rows = Vec::new();
            for (id, name) in units {
                rows.push(row(name, &self.evaluation_report(actor, id, year, 0, as_of, false).await?));
            }
            return Ok(vec![Annex {
                title: format!("Kết quả đánh giá, xếp loại đảng viên và tổ chức đảng năm {year}"),
                columns: [
                    "Đơn vị",
                    "Đảng viên được xếp loại",
                    "Hoàn thành tốt nhiệm vụ trở lên",
                    "Tỷ lệ",
                    "Hoàn thành xuất sắc nhiệm vụ",
                    "Tổ chức đảng được xếp loại",
                    "Hoàn thành tốt nhiệm vụ trở lên",
                    "Tỷ lệ",
                ]
                .map(String::from)
                .to_vec(),
                rows,
                total: row(total, &read.ratings),
            }]);
        }
        if which == "movements" {
            let own = &read.movements;
            if own.is_empty() {
                return Ok(vec![]);
            }
            let columns = std::iter::once("Đơn vị".to_string())
                .chain(own.iter().map(|m| format!("{}: đăng ký / thuộc diện (tỷ lệ)", m.movement.title)))
                .collect();
            let row = |name: String, movements: &[crate::emulation::MovementReport]| -> Vec<String> {
                std::iter::once(name)
                    .chain(own.iter().map(|o| {
                        movements.iter().find(|m| m.movement.id == o.movement.id).map_or_else(
                            || "–".to_string(),
                            |m| {
                                format!(
                                    "{}/{} ({})",
                                    vn::fmt_int(m.registered as i64),
                                    vn::fmt_int(m.expected as i64),
                                    vn::fmt_rate(m.registered as u64, m.expected as u64)
                                )
                            },
                        )
                    }))
                    .collect()
            };
            let mut rows = Vec::new();
            for (id, name) in units {
                rows.push(row(name, &self.unit_movements(actor, id, period, as_of).await?));
            }
            return Ok(vec![Annex {
                title: format!("Đăng ký thi đua làm theo Bác theo đơn vị, {when}"),
                columns,
                rows,
                total: row(total, own),
            }]);
        }
        if which == "covenants" {
            // Only the covenants the unit itself organised: its signatories are the rows.
            return Ok(read
                .covenants
                .iter()
                .filter(|c| c.campaign.unit_id == read.view.unit.id)
                .map(covenant_annex)
                .collect());
        }
        let row = |name: String, t: &crate::tasks::TaskReport| {
            vec![name, vn::fmt_int(t.units as i64), vn::fmt_int(t.tasks as i64)]
        };
        let mut rows = Vec::new();
        for (id, name) in units {
            rows.push(row(name, &self.task_report(actor, id, period, as_of).await?));
        }
        Ok(vec![Annex {
            title: format!("Nhiệm vụ đột phá theo đơn vị, {when}"),
            columns: ["Đơn vị", "Đơn vị xác định nhiệm vụ đột phá", "Nhiệm vụ"].map(String::from).to_vec(),
            rows,
            total: row(total, &read.tasks),
        }])
    }
}

/// A covenant's table: each signatory with its score in each content group, its total and
/// rank; the last row the average total of those scored.
fn covenant_annex(c: &crate::covenants::CovenantReport) -> Annex {
    let groups = &c.campaign.groups;
    let columns = std::iter::once("Đơn vị".to_string())
        .chain(groups.iter().map(|g| format!("{} ({} điểm)", g.title, g.max_score)))
        .chain(["Tổng điểm".to_string(), "Xếp hạng".to_string()])
        .collect();
    let rows = c
        .rows
        .iter()
        .map(|r| {
            std::iter::once(r.name.clone())
                .chain(r.scores.iter().map(|s| s.map_or_else(|| "–".to_string(), |s| vn::fmt_int(s as i64))))
                .chain([vn::fmt_int(r.total as i64), vn::fmt_int(r.rank as i64)])
                .collect()
        })
        .collect();
    let mut total = vec!["Điểm bình quân".to_string()];
    total.extend(groups.iter().map(|_| String::new()));
    total.extend([c.average.clone(), String::new()]);
    Annex {
        title: format!("Giao ước thi đua «{}» năm {}: điểm của các đơn vị ký kết", c.campaign.title, c.campaign.year),
        columns,
        rows,
        total,
    }
}

/// Who issues the unit's documents, by the names in the tree.
fn issuer(view: &crate::tree::UnitView) -> Issuer {
    let name = &view.name_on;
    let (_, place) = area_and_place(name);
    let parent = view.path.iter().rev().nth(1);
    Issuer {
        parent_body: parent.map(|p| party_body(&p.name).to_uppercase()).unwrap_or_default(),
        name: name.to_uppercase(),
        symbol: symbol(name).to_string(),
        place: if place.is_empty() { parent.map(|p| area_and_place(&p.name).1).unwrap_or_default() } else { place },
        on_behalf: if symbol(name) == "CB" { "T/M CHI BỘ" } else { "T/M BAN THƯỜNG VỤ" }.to_string(),
        recipients: [
            parent.map(|p| format!("- {} (để báo cáo),", p.name)),
            Some("- Các chi, đảng bộ trực thuộc,".to_string()).filter(|_| !view.children.is_empty()),
            Some(format!("- Lưu Văn phòng {name}.")),
        ]
        .into_iter()
        .flatten()
        .collect(),
    }
}

/// The paragraphs a section's `fill` writes from the figures.
fn paragraphs(read: &Read, fill: &str, when: &str, area: &str) -> Vec<Paragraph> {
    let f = &read.report.figures;
    match fill {
        "study" => {
            let mut out = vec![said(
                format!(
                    "Trong {when}, {area} đã tổ chức {} hội nghị học tập, quán triệt với {} lượt cán bộ, đảng viên \
                     và {} lượt đoàn viên, hội viên, nhân dân tham gia; {}/{} cán bộ, đảng viên đã dự ít nhất một hội nghị, \
                     đạt {}.",
                    n(f.conferences),
                    n(f.member_attendances),
                    n(f.other_attendances),
                    n(f.participants),
                    n(f.eligible),
                    f.rate_label()
                ),
                &["conferences", "member_attendances", "other_attendances", "participants", "eligible"],
            )];
            let b = &read.before;
            let changes: Vec<String> = [
                ("số hội nghị", f.conferences, b.conferences),
                ("số lượt cán bộ, đảng viên tham gia", f.member_attendances, b.member_attendances),
            ]
            .into_iter()
            .filter_map(|(what, now, before)| vn::fmt_change(now, before).map(|c| format!("{what} {c}")))
            .collect();
            if !changes.is_empty() {
                out.push(said(
                    format!("So với {}, {}.", read.before_words, changes.join(", ")),
                    &["conferences.previous", "member_attendances.previous"],
                ));
            }
            out
        }
        "following" => {
            let mut out = vec![said(
                format!(
                    "Các chi bộ đã tổ chức {} buổi sinh hoạt chi bộ thường kỳ, trong đó {} buổi có nội dung học tập \
                     và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; {} chi bộ ({}) đưa nội dung học tập vào \
                     sinh hoạt thường xuyên.",
                    n(f.meetings),
                    n(f.meetings_with_study),
                    f.cells_label(),
                    f.cells_rate_label()
                ),
                &["meetings", "meetings_with_study", "cells_with_study", "cells"],
            )];
            if let Some(c) = vn::fmt_change(f.meetings, read.before.meetings) {
                out.push(said(
                    format!("So với {}, số buổi sinh hoạt chi bộ thường kỳ {c}.", read.before_words),
                    &["meetings.previous"],
                ));
            }
            for p in &read.plans {
                out.push(said(
                    format!(
                        "{} {}: {} đảng viên đã xây dựng, đạt {}.",
                        p.kind.label_vi(),
                        vn::fmt_years(p.from_year, p.to_year),
                        p.label(),
                        p.rate()
                    ),
                    &["plans"],
                ));
            }
            for m in &read.movements {
                out.push(said(
                    format!(
                        "Phong trào thi đua «{}»: {}/{} người đăng ký ({}).",
                        m.movement.title,
                        vn::fmt_int(m.registered as i64),
                        vn::fmt_int(m.expected as i64),
                        vn::fmt_rate(m.registered as u64, m.expected as u64)
                    ),
                    &["movements"],
                ));
            }
            for c in &read.covenants {
                out.push(said(
                    format!(
                        "Giao ước thi đua «{}»: {}/{} đơn vị ký kết, điểm bình quân {}.",
                        c.campaign.title,
                        vn::fmt_int(c.signed as i64),
                        vn::fmt_int(c.expected as i64),
                        c.average
                    ),
                    &["covenants"],
                ));
            }
            if let Some(r) = read.ratings.iter().find(|r| r.group == "members" && r.evaluated > 0) {
                out.push(said(
                    format!(
                        "Năm {}, {}/{} đảng viên được xếp loại hoàn thành tốt nhiệm vụ trở lên ({}).",
                        read.year,
                        vn::fmt_int(r.good_or_better),
                        vn::fmt_int(r.evaluated),
                        r.rate()
                    ),
                    &["ratings.members"],
                ));
            }
            if read.tasks.tasks > 0 {
                out.push(said(
                    format!(
                        "{} đơn vị đã xác định {} nhiệm vụ đột phá trong thực hiện Chỉ thị 05.",
                        vn::fmt_int(read.tasks.units as i64),
                        vn::fmt_int(read.tasks.tasks as i64)
                    ),
                    &["tasks"],
                ));
            }
            out
        }
        // Each figure of a record section, and beside it the same figure of the period
        // before with the change: «Mô hình được công nhận: 12 mô hình (năm 2024: 9 mô hình,
        // tăng 33,3%).»
        slug => {
            let before = |key: &str| {
                read.records_before.iter().filter(|s| s.slug == slug).flat_map(|s| &s.figures).find(|b| b.key == key)
            };
            read.records
                .iter()
                .filter(|s| s.slug == slug)
                .flat_map(|s| &s.figures)
                .filter(|fig| fig.value != 0)
                .map(|fig| {
                    let change = before(&fig.key).filter(|b| single_count(fig) && single_count(b)).and_then(|b| {
                        let c = vn::fmt_change(fig.value.max(0) as u64, b.value.max(0) as u64)?;
                        Some(format!(" ({}: {}, {c})", read.before_words, b.text_vi))
                    });
                    match change {
                        Some(c) => said(
                            format!("{}: {}{c}.", fig.label_vi, fig.text_vi),
                            &[fig.key.as_str(), &format!("{}.previous", fig.key)],
                        ),
                        None => said(format!("{}: {}.", fig.label_vi, fig.text_vi), &[fig.key.as_str()]),
                    }
                })
                .collect()
        }
    }
}

/// Whether a record figure is one count in words («12 mô hình»), whose change can be said;
/// not a pair («22 tập thể và 0 cá nhân»), a share («48/79 …») or a qualified figure
/// («trên 249.230 …»).
fn single_count(f: &lamtheo_domain::records::Figure) -> bool {
    f.text_vi
        .strip_prefix(&vn::fmt_int(f.value))
        .is_some_and(|rest| rest.starts_with(' ') && !rest.chars().any(|c| c.is_ascii_digit()))
}

/// An annex by child unit: "study", or a record kinds' section by slug (its figures by
/// child); None for a section with no figures by child.
fn annex(read: &Read, which: &str, when: &str, area: &str) -> Option<Annex> {
    let child_name =
        |id: Id| read.view.children.iter().find(|c| c.id == id).map_or_else(String::new, |c| c.name.clone());
    let total_label = vn::capitalize(area);
    if which == "study" {
        return Some(Annex {
            title: format!("Kết quả học tập, quán triệt và sinh hoạt chi bộ theo đơn vị, {when}"),
            columns: [
                "Đơn vị",
                "Hội nghị học tập, quán triệt",
                "Lượt cán bộ, đảng viên dự",
                "Cán bộ, đảng viên tham gia / thuộc diện",
                "Tỷ lệ",
                "Buổi sinh hoạt chi bộ thường kỳ",
                "Có nội dung học tập",
            ]
            .map(String::from)
            .to_vec(),
            rows: read
                .report
                .children
                .iter()
                .flat_map(|c| {
                    let below = read.below.iter().find(|b| b.unit == c.unit_id);
                    let under = below.into_iter().flat_map(|b| {
                        b.report.children.iter().map(move |g| study_row(under_name(&b.view, g.unit_id), &g.figures))
                    });
                    std::iter::once(study_row(child_name(c.unit_id), &c.figures)).chain(under)
                })
                .collect(),
            total: study_row(total_label, &read.report.figures),
        });
    }
    let s = read.records.iter().find(|s| s.slug == which)?;
    let first = s.children.iter().find(|c| !c.figures.is_empty())?;
    let keys: Vec<&str> = first.figures.iter().map(|f| f.key.as_str()).collect();
    let value_of = |figures: &[lamtheo_domain::records::Figure], key: &str| {
        figures.iter().find(|f| f.key == key).map_or_else(|| "0".to_string(), |f| f.text_vi.clone())
    };
    Some(Annex {
        title: format!("{}, {when}", s.title_vi),
        columns: std::iter::once("Đơn vị".to_string())
            .chain(first.figures.iter().map(|f| f.label_vi.clone()))
            .collect(),
        rows: s
            .children
            .iter()
            .flat_map(|c| {
                let row = |name: String, figures: &[lamtheo_domain::records::Figure]| -> Vec<String> {
                    std::iter::once(name).chain(keys.iter().map(|k| value_of(figures, k))).collect()
                };
                let below = read.below.iter().find(|b| b.unit == c.unit_id);
                let under: Vec<Vec<String>> = below
                    .and_then(|b| b.records.iter().find(|x| x.slug == which).map(|x| (b, x)))
                    .map(|(b, x)| x.children.iter().map(|g| row(under_name(&b.view, g.unit_id), &g.figures)).collect())
                    .unwrap_or_default();
                std::iter::once(row(child_name(c.unit_id), &c.figures)).chain(under)
            })
            .collect(),
        total: std::iter::once(total_label).chain(keys.iter().map(|k| value_of(&s.figures, k))).collect(),
    })
}

/// A unit two levels down, marked as under its parent's row.
fn under_name(parent: &crate::tree::UnitView, id: Id) -> String {
    let name = parent.children.iter().find(|c| c.id == id).map_or("", |c| c.name.as_str());
    format!("— {name}")
}

fn study_row(name: String, f: &lamtheo_analytics::Figures) -> Vec<String> {
    vec![
        name,
        n(f.conferences),
        n(f.member_attendances),
        format!("{}/{}", n(f.participants), n(f.eligible)),
        f.rate_label(),
        n(f.meetings),
        n(f.meetings_with_study),
    ]
}

impl Draft {
    /// This draft with the paragraphs written from the figures and the annexes taken from
    /// `fresh` (the same outline, read now): what the drafter wrote or changed stays where
    /// it was.
    pub fn refreshed(&self, fresh: Draft) -> Draft {
        let sections = self
            .sections
            .iter()
            .map(|old| {
                let mut new: Vec<Paragraph> = fresh
                    .sections
                    .iter()
                    .find(|s| s.heading == old.heading && s.fill == old.fill)
                    .map(|s| s.paragraphs.clone())
                    .unwrap_or_default();
                let mut paragraphs = Vec::new();
                for p in &old.paragraphs {
                    if p.figures.is_empty() || p.edited {
                        paragraphs.push(p.clone());
                    } else if let Some(i) = new.iter().position(|n| n.figures == p.figures) {
                        paragraphs.push(new.remove(i));
                    }
                }
                paragraphs.extend(new);
                Section { paragraphs, ..old.clone() }
            })
            .collect();
        Draft { sections, issuer: self.issuer.clone(), summary: self.summary.clone(), ..fresh }
    }

    /// The party document of this draft, issued on `on` (the number left blank until the
    /// register numbers it), signed by `signer` (title, name).
    pub fn document(&self, on: NaiveDate, number: Option<&str>, signer: (&str, &str)) -> Document {
        let i = &self.issuer;
        let mut body = Vec::new();
        for s in &self.sections {
            body.push(Block::Heading { level: s.level, text: s.heading.clone() });
            body.extend(s.paragraphs.iter().map(|p| Block::Paragraph(p.text.clone())));
        }
        Document {
            parent_body: i.parent_body.clone(),
            issuer: i.name.clone(),
            number: format!("Số {}-BC/{}", number.unwrap_or("      "), i.symbol),
            place_date: format!("{}, {}", i.place, document_date(on)),
            kind: "BÁO CÁO".into(),
            summary: self.summary.clone(),
            draft: number.is_none(),
            body,
            signature: Signature {
                on_behalf: i.on_behalf.clone(),
                title: signer.0.to_uppercase(),
                name: signer.1.to_string(),
            },
            recipients: i.recipients.clone(),
            annexes: self
                .annexes
                .iter()
                .map(|a| Table {
                    title: a.title.clone(),
                    columns: a.columns.clone(),
                    rows: a.rows.clone(),
                    total: Some(a.total.clone()),
                })
                .collect(),
        }
    }
}

/// The files a report renders to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    /// The annexes as a workbook.
    Xlsx,
}

impl Format {
    /// By a file's extension.
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// The document as a file, rendered off the async runtime (laying out a province's annexes
/// is CPU work).
pub async fn render(document: Document, format: Format) -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || match format {
        Format::Pdf => lamtheo_report::pdf::render(&document),
        Format::Docx => lamtheo_report::docx::render(&document),
        Format::Xlsx => lamtheo_report::xlsx::render(&document),
    })
    .await
    .map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_date_has_its_zeros() {
        assert_eq!(document_date(NaiveDate::from_ymd_opt(2021, 1, 8).unwrap()), "ngày 08 tháng 01 năm 2021");
        assert_eq!(document_date(NaiveDate::from_ymd_opt(2018, 4, 3).unwrap()), "ngày 03 tháng 4 năm 2018");
        assert_eq!(document_date(NaiveDate::from_ymd_opt(2024, 5, 16).unwrap()), "ngày 16 tháng 5 năm 2024");
    }

    #[test]
    fn only_a_single_count_is_compared_with_the_period_before() {
        let figure = |value: i64, text: &str| lamtheo_domain::records::Figure {
            key: "k".into(),
            label_vi: String::new(),
            label_en: String::new(),
            value,
            text_vi: text.into(),
            text_en: String::new(),
        };
        assert!(single_count(&figure(12, "12 mô hình")));
        assert!(single_count(&figure(1438, "1.438 ngày công")));
        assert!(!single_count(&figure(22, "22 tập thể và 0 cá nhân")));
        assert!(!single_count(&figure(48, "48/79 thôn, bản (60,8%)")));
        assert!(!single_count(&figure(249230, "trên 249.230 lượt người xem")));
        assert!(!single_count(&figure(7, "7 (1 xây dựng + 6 lượt nhân rộng)")));
    }

    #[test]
    fn the_issuer_block_follows_the_committee_names() {
        assert_eq!(party_body("Tỉnh ủy Lai Châu"), "Đảng bộ tỉnh Lai Châu");
        assert_eq!(party_body("Huyện ủy Tam Đường"), "Đảng bộ huyện Tam Đường");
        assert_eq!(party_body("Đảng ủy xã Bình Lư"), "Đảng bộ xã Bình Lư");
        assert_eq!(area_and_place("Đảng ủy xã Bình Lư"), ("toàn xã".to_string(), "Bình Lư".to_string()));
        assert_eq!(area_and_place("Tỉnh ủy Bắc Kạn"), ("toàn tỉnh".to_string(), "Bắc Kạn".to_string()));
        assert_eq!(symbol("Tỉnh ủy Bắc Kạn"), "TU");
        assert_eq!(symbol("Huyện ủy Nậm Nhùn"), "HU");
        assert_eq!(symbol("Đảng ủy xã Bình Lư"), "ĐU");
        assert_eq!(symbol("Chi bộ bản Nậm Cầy"), "CB");
    }
}
