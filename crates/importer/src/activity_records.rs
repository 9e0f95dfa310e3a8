//! The typed records of the campaign-activity imports. As in `records.rs`, only checks that
//! need nothing but the file happen here; names and numbers are resolved by the caller.
use std::collections::HashMap;

use chrono::NaiveDate;
use lamtheo_domain::plans::{PlanKind, PlanStatus};
use lamtheo_domain::tasks::TaskStatus;
use lamtheo_domain::vn;
use serde::Serialize;

use crate::fields::Fields;
use crate::records::{earlier_row, parse_with};
use crate::{Kind, Parsed, Reading};

/// A personal plan or commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    pub row: usize,
    pub person_key: String,
    pub kind: PlanKind,
    pub year: i32,
    pub content: String,
    pub status: PlanStatus,
    pub comment: String,
    pub submitted_on: Option<NaiveDate>,
    pub reviewed_on: Option<NaiveDate>,
}

/// A person's registration for an emulation movement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationRow {
    pub row: usize,
    pub movement: i64,
    pub person_key: String,
    pub content: String,
    pub registered_on: NaiveDate,
}

/// The cell's review of a registration for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthlyReviewRow {
    pub row: usize,
    pub movement: i64,
    pub person_key: String,
    /// `Month`'s number (year·12 + month − 1).
    pub month: i32,
    pub met: bool,
    pub comment: String,
}

/// A rating of a person (by key) or of an organisation (by unit code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationRow {
    pub row: usize,
    pub person_key: Option<String>,
    pub unit_code: Option<String>,
    pub year: i32,
    /// 0 for the whole year.
    pub quarter: i32,
    pub scale: String,
    /// A level's name or code, when no score is given.
    pub level: Option<String>,
    pub score: Option<i32>,
    pub note: String,
}

/// A unit on a covenant's list: whether and when it signed, and whether it is a pilot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatoryRow {
    pub row: usize,
    pub covenant: i64,
    pub unit_code: String,
    pub signed_on: Option<NaiveDate>,
    pub pilot: bool,
}

/// A unit's score on one content group of a covenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreRow {
    pub row: usize,
    pub covenant: i64,
    pub unit_code: String,
    /// 0-based: the file counts groups from 1.
    pub group: i32,
    pub score: i32,
}

/// A breakthrough task chosen by a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    pub row: usize,
    pub unit_code: String,
    pub from_year: i32,
    pub to_year: i32,
    pub title: String,
    pub field: String,
    pub responsible: String,
    pub status: TaskStatus,
    pub result: String,
}

const YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;
const IDS: std::ops::RangeInclusive<i64> = 1..=i64::MAX;

/// Reports a row whose `key` (the parts that make a record the same record) came earlier.
fn check_repeat(f: &mut Fields, seen: &mut HashMap<String, usize>, column: &str, key: &[&str]) {
    if key.iter().any(|k| k.is_empty()) {
        return;
    }
    // A code cannot hold a newline, so it separates the parts of the key safely.
    if let Some(earlier) = earlier_row(seen, &key.join("\n"), f.row) {
        f.error(
            column,
            format!("Dòng này trùng với dòng {earlier} (cùng một bản ghi)"),
            format!("This row repeats row {earlier} (the same record)"),
        );
    }
}

pub fn parse_plans(file: &str, bytes: &[u8], reading: &mut Reading<'_>) -> Parsed<PlanRow> {
    const KINDS: &[(&str, PlanKind)] = &[
        ("ke hoach nhiem ky", PlanKind::TermPlan),
        ("term plan", PlanKind::TermPlan),
        ("ke hoach nam", PlanKind::YearPlan),
        ("year plan", PlanKind::YearPlan),
        ("cam ket", PlanKind::Commitment),
        ("commitment", PlanKind::Commitment),
    ];
    const STATUSES: &[(&str, PlanStatus)] = &[
        ("ban nhap", PlanStatus::Draft),
        ("draft", PlanStatus::Draft),
        ("da gui", PlanStatus::Submitted),
        ("submitted", PlanStatus::Submitted),
        ("da xac nhan", PlanStatus::Acknowledged),
        ("acknowledged", PlanStatus::Acknowledged),
        ("tra lai", PlanStatus::Returned),
        ("returned", PlanStatus::Returned),
    ];
    let mut seen = HashMap::new();
    parse_with(Kind::Plans, file, bytes, reading, |f| {
        let person_key = f.text("Mã định danh hoặc số thẻ").unwrap_or_default();
        let kind = f.choice(
            "Loại",
            KINDS,
            "«Kế hoạch nhiệm kỳ», «Kế hoạch năm» hoặc «Cam kết»",
            "«Kế hoạch nhiệm kỳ» (term plan), «Kế hoạch năm» (year plan) or «Cam kết» (commitment)",
        );
        let year = f.number_in("Năm", YEARS).unwrap_or_default() as i32;
        let status = f
            .choice(
                "Tình trạng",
                STATUSES,
                "«Bản nháp», «Đã gửi», «Đã xác nhận» hoặc «Trả lại»",
                "«Bản nháp» (draft), «Đã gửi» (submitted), «Đã xác nhận» (acknowledged) or «Trả lại» (returned)",
            )
            .unwrap_or(PlanStatus::Submitted);
        let comment = f.text("Ý kiến của chi bộ").unwrap_or_default();
        // The review form's own check: a plan returned says why.
        if let Err(e) = lamtheo_domain::plans::checked_comment(status, &comment) {
            f.error("Ý kiến của chi bộ", e.message_vi, e.message_en);
        }
        let kind = kind.unwrap_or(PlanKind::YearPlan);
        let first_year = kind.years_for(year).0.to_string();
        check_repeat(f, &mut seen, "Mã định danh hoặc số thẻ", &[&person_key, kind.as_str(), &first_year]);
        PlanRow {
            row: f.row,
            person_key,
            kind,
            year,
            content: f.text("Nội dung").unwrap_or_default(),
            status,
            comment,
            submitted_on: f.date("Ngày gửi"),
            reviewed_on: f.date("Ngày chi bộ xem xét"),
        }
    })
}

pub fn parse_registrations(file: &str, bytes: &[u8], reading: &mut Reading<'_>) -> Parsed<RegistrationRow> {
    let mut seen = HashMap::new();
    parse_with(Kind::Registrations, file, bytes, reading, |f| {
        let movement = f.number_in("Số hiệu phong trào", IDS).unwrap_or_default();
        let person_key = f.text("Mã định danh hoặc số thẻ").unwrap_or_default();
        check_repeat(f, &mut seen, "Mã định danh hoặc số thẻ", &[&movement.to_string(), &person_key]);
        RegistrationRow {
            row: f.row,
            movement,
            person_key,
            content: f.text("Nội dung đăng ký").unwrap_or_default(),
            registered_on: f.date("Ngày đăng ký").unwrap_or_default(),
        }
    })
}

pub fn parse_reviews(file: &str, bytes: &[u8], reading: &mut Reading<'_>) -> Parsed<MonthlyReviewRow> {
    const RESULTS: &[(&str, bool)] = &[("dat", true), ("met", true), ("khong dat", false), ("not met", false)];
    let mut seen = HashMap::new();
    parse_with(Kind::Reviews, file, bytes, reading, |f| {
        let movement = f.number_in("Số hiệu phong trào", IDS).unwrap_or_default();
        let person_key = f.text("Mã định danh hoặc số thẻ").unwrap_or_default();
        let month = f.month("Tháng").unwrap_or_default();
        check_repeat(f, &mut seen, "Tháng", &[&movement.to_string(), &person_key, &month.to_string()]);
        MonthlyReviewRow {
            row: f.row,
            movement,
            person_key,
            month,
            met: f
                .choice("Kết quả", RESULTS, "«Đạt» hoặc «Không đạt»", "«Đạt» (met) or «Không đạt» (not met)")
                .unwrap_or(false),
            comment: f.text("Nhận xét").unwrap_or_default(),
        }
    })
}

pub fn parse_evaluations(file: &str, bytes: &[u8], reading: &mut Reading<'_>) -> Parsed<EvaluationRow> {
    let mut seen = HashMap::new();
    parse_with(Kind::Evaluations, file, bytes, reading, |f| {
        let person_key = f.text("Mã định danh hoặc số thẻ");
        let unit_code = f.text("Mã đơn vị");
        let subject = match (&person_key, &unit_code) {
            (Some(p), None) => format!("p:{p}"),
            (None, Some(u)) => format!("u:{u}"),
            _ => {
                f.error(
                    "Mã định danh hoặc số thẻ",
                    "Ghi một trong hai: «Mã định danh hoặc số thẻ» (người) hoặc «Mã đơn vị» (tổ chức)",
                    "Fill in exactly one: «Mã định danh hoặc số thẻ» (a person) or «Mã đơn vị» (an organisation)",
                );
                String::new()
            }
        };
        let year = f.number_in("Năm", YEARS).unwrap_or_default() as i32;
        let quarter = f.number_in("Quý", 1..=4).unwrap_or(0) as i32;
        let level = f.text("Mức xếp loại");
        let score = f.number_in("Điểm", 0..=100).map(|s| s as i32);
        if level.is_none() && f.is_empty("Điểm") {
            f.error("Mức xếp loại", "Cần ghi mức xếp loại hoặc điểm", "Give the level or the score");
        }
        check_repeat(f, &mut seen, "Năm", &[&subject, &year.to_string(), &quarter.to_string()]);
        EvaluationRow {
            row: f.row,
            person_key,
            unit_code,
            year,
            quarter,
            scale: f.text("Thang đánh giá").unwrap_or_default(),
            level,
            score,
            note: f.text("Ghi chú").unwrap_or_default(),
        }
    })
}

pub fn parse_covenant_units(file: &str, bytes: &[u8], reading: &mut Reading<'_>) -> Parsed<SignatoryRow> {
    let mut seen = HashMap::new();
    parse_with(Kind::CovenantUnits, file, bytes, reading, |f| {
        let covenant = f.number_in("Số hiệu giao ước", IDS).unwrap_or_default();
        let unit_code = f.text("Mã đơn vị").unwrap_or_default();
        check_repeat(f, &mut seen, "Mã đơn vị", &[&covenant.to_string(), &unit_code]);
        SignatoryRow {
            row: f.row,
            covenant,
            unit_code,
            signed_on: f.date("Ngày ký"),
            pilot: f.yes_no("Thí điểm").unwrap_or(false),
        }
    })
}

pub fn parse_covenant_scores(file: &str, bytes: &[u8], reading: &mut Reading<'_>) -> Parsed<ScoreRow> {
    let mut seen = HashMap::new();
    parse_with(Kind::CovenantScores, file, bytes, reading, |f| {
        let covenant = f.number_in("Số hiệu giao ước", IDS).unwrap_or_default();
        let unit_code = f.text("Mã đơn vị").unwrap_or_default();
        let group = f.number_in("Nhóm nội dung", 1..=100).unwrap_or_default() as i32;
        check_repeat(f, &mut seen, "Nhóm nội dung", &[&covenant.to_string(), &unit_code, &group.to_string()]);
        ScoreRow {
            row: f.row,
            covenant,
            unit_code,
            group: group - 1,
            score: f.number_in("Điểm", 0..=1000).unwrap_or_default() as i32,
        }
    })
}

pub fn parse_tasks(file: &str, bytes: &[u8], reading: &mut Reading<'_>) -> Parsed<TaskRow> {
    const STATUSES: &[(&str, TaskStatus)] = &[
        ("da xac dinh", TaskStatus::Planned),
        ("chosen", TaskStatus::Planned),
        ("dang thuc hien", TaskStatus::InProgress),
        ("in progress", TaskStatus::InProgress),
        ("hoan thanh", TaskStatus::Done),
        ("done", TaskStatus::Done),
        ("dung", TaskStatus::Dropped),
        ("dropped", TaskStatus::Dropped),
    ];
    let mut seen = HashMap::new();
    parse_with(Kind::Tasks, file, bytes, reading, |f| {
        let unit_code = f.text("Mã đơn vị").unwrap_or_default();
        let from_year = f.number_in("Từ năm", YEARS).unwrap_or_default() as i32;
        let to_year = f.number_in("Đến năm", YEARS).map_or(from_year, |y| y as i32);
        if to_year < from_year || to_year > from_year + 10 {
            f.error(
                "Đến năm",
                format!("Năm kết thúc {to_year} phải từ {from_year} đến {}", from_year + 10),
                format!("The last year {to_year} must be from {from_year} to {}", from_year + 10),
            );
        }
        let title = f.text("Tên nhiệm vụ").unwrap_or_default();
        check_repeat(f, &mut seen, "Tên nhiệm vụ", &[&unit_code, &from_year.to_string(), &vn::fold(&title)]);
        TaskRow {
            row: f.row,
            unit_code,
            from_year,
            to_year,
            title,
            field: f.text("Lĩnh vực").unwrap_or_default(),
            responsible: f.text("Người phụ trách").unwrap_or_default(),
            status: f
                .choice(
                    "Tình trạng",
                    STATUSES,
                    "«Đã xác định», «Đang thực hiện», «Hoàn thành» hoặc «Dừng»",
                    "«Đã xác định» (chosen), «Đang thực hiện» (in progress), «Hoàn thành» (done) or «Dừng» (dropped)",
                )
                .unwrap_or(TaskStatus::Planned),
            result: f.text("Kết quả").unwrap_or_default(),
        }
    })
}
