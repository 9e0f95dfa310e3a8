//! The typed records of each import kind and the checks that can be made within one file.
//! Checks against the database (does this unit code exist?) are the caller's; every record
//! keeps its row for that.
use std::collections::hash_map::{Entry, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::fields::Fields;
use crate::{table, AttendanceStatus, Gender, Kind, ParseFailure, Reading};

/// A unit of the organisation tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRow {
    pub row: usize,
    pub code: String,
    pub name: String,
    /// Unit kind code, checked against the kinds table by the caller.
    pub kind: String,
    /// None for a root unit.
    pub parent_code: Option<String>,
    pub founded_on: Option<NaiveDate>,
}

/// A person of the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRow {
    pub row: usize,
    pub person_id: Option<String>,
    pub card_number: Option<String>,
    pub full_name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub ethnicity: Option<String>,
    pub party_member: bool,
    pub admitted_on: Option<NaiveDate>,
    pub official_on: Option<NaiveDate>,
    pub position: Option<String>,
    pub key_cadre: bool,
    pub head_of_unit: bool,
    /// The day the row's position and marks take effect, when they change.
    pub post_from: Option<NaiveDate>,
    pub unit_code: String,
    pub member_since: Option<NaiveDate>,
}

/// A study conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConferenceRow {
    pub row: usize,
    pub code: String,
    pub unit_code: String,
    pub held_on: NaiveDate,
    pub title: String,
    pub topic_codes: Vec<String>,
    pub level: Option<String>,
    pub online: bool,
    pub others_count: i64,
    pub unlisted_members: i64,
    /// A party cell's regular meeting, and whether it included study content.
    pub regular_meeting: bool,
    pub study_content: bool,
}

/// One person's attendance at a conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendanceRow {
    pub row: usize,
    pub conference_code: String,
    /// Person ID or party card number.
    pub person_key: String,
    /// The connection point attended; None for the organising unit itself.
    pub point_unit_code: Option<String>,
    pub status: AttendanceStatus,
}

/// A connection point of an online conference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointRow {
    pub row: usize,
    pub conference_code: String,
    pub unit_code: String,
    pub others_count: i64,
    pub unlisted_members: i64,
}

/// Reads the file and builds one record per data row with `build`. Every error of the file is
/// collected; on failure the rows without errors come back too (see `ParseFailure`).
pub(crate) fn parse_with<T>(
    kind: Kind,
    file: &str,
    bytes: &[u8],
    reading: &mut Reading<'_>,
    mut build: impl FnMut(&mut Fields) -> T,
) -> Result<Vec<T>, ParseFailure<T>> {
    let columns = kind.columns();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    table::read_rows(file, bytes, columns, reading, &mut errors, &mut |row, values, errors| {
        let before = errors.len();
        let record = build(&mut Fields::new(file, row, columns, &values, errors));
        if errors.len() == before {
            records.push(record);
        }
    });
    if errors.is_empty() {
        return Ok(records);
    }
    // Rows are read in order, but within a row the checks run in code order; show each row's
    // errors in the order of its columns.
    let position = |header_vi: &str| columns.iter().position(|c| c.header_vi == header_vi);
    errors.sort_by_key(|e| (e.row, position(&e.column)));
    Err(ParseFailure { errors, valid: records })
}

/// Remembers the first row of every key; returns the earlier row when `key` was seen before.
pub(crate) fn earlier_row(seen: &mut HashMap<String, usize>, key: &str, row: usize) -> Option<usize> {
    match seen.entry(key.to_string()) {
        Entry::Occupied(first) => Some(*first.get()),
        Entry::Vacant(slot) => {
            slot.insert(row);
            None
        }
    }
}

/// Reports `value` in `column` as already used on an earlier row.
pub(crate) fn check_unique(fields: &mut Fields, seen: &mut HashMap<String, usize>, column: &str, value: &str) {
    if let Some(earlier) = earlier_row(seen, value, fields.row) {
        fields.error(
            column,
            format!("«{value}» bị trùng với dòng {earlier}"),
            format!("«{value}» is a duplicate of row {earlier}"),
        );
    }
}

pub fn parse_units(
    file_name: &str,
    bytes: &[u8],
    reading: &mut Reading<'_>,
) -> Result<Vec<UnitRow>, ParseFailure<UnitRow>> {
    let mut codes = HashMap::new();
    parse_with(Kind::Units, file_name, bytes, reading, |f| {
        let code = f.text("Mã đơn vị").unwrap_or_default();
        let parent_code = f.text("Mã đơn vị cấp trên");
        if !code.is_empty() {
            check_unique(f, &mut codes, "Mã đơn vị", &code);
            if parent_code.as_deref() == Some(code.as_str()) {
                f.error(
                    "Mã đơn vị cấp trên",
                    "Đơn vị không thể là cấp trên của chính nó",
                    "A unit cannot be its own parent",
                );
            }
        }
        UnitRow {
            row: f.row,
            code,
            name: f.text("Tên đơn vị").unwrap_or_default(),
            kind: f.text("Loại đơn vị").unwrap_or_default(),
            parent_code,
            founded_on: f.date("Ngày thành lập"),
        }
    })
}

pub fn parse_people(
    file_name: &str,
    bytes: &[u8],
    reading: &mut Reading<'_>,
) -> Result<Vec<PersonRow>, ParseFailure<PersonRow>> {
    const GENDERS: &[(&str, Gender)] =
        &[("nam", Gender::Male), ("nu", Gender::Female), ("male", Gender::Male), ("female", Gender::Female)];
    let mut person_ids = HashMap::new();
    let mut card_numbers = HashMap::new();
    parse_with(Kind::People, file_name, bytes, reading, |f| {
        let person_id = f.text("Mã định danh");
        let card_number = f.text("Số thẻ đảng viên");
        match (&person_id, &card_number) {
            (None, None) => f.error(
                "Mã định danh",
                "Cần ít nhất một trong hai: Mã định danh hoặc Số thẻ đảng viên",
                "Person ID or party card number is required (at least one)",
            ),
            (id, card) => {
                if let Some(id) = id {
                    check_unique(f, &mut person_ids, "Mã định danh", id);
                }
                if let Some(card) = card {
                    check_unique(f, &mut card_numbers, "Số thẻ đảng viên", card);
                }
            }
        }
        let gender = f.choice("Giới tính", GENDERS, "«Nam» hoặc «Nữ»", "«Nam» (male) or «Nữ» (female)");
        // A party database export may leave the flag out: a card number implies membership.
        let party_member = f.yes_no("Đảng viên").unwrap_or(card_number.is_some());
        let admitted_on = f.date("Ngày vào Đảng");
        let official_on = f.date("Ngày chính thức");
        if let (Some(admitted), Some(official)) = (admitted_on, official_on) {
            if official < admitted {
                let (o, a) = (official.format("%d/%m/%Y"), admitted.format("%d/%m/%Y"));
                f.error(
                    "Ngày chính thức",
                    format!("Ngày chính thức {o} trước ngày vào Đảng {a}"),
                    format!("Official membership date {o} is before the admission date {a}"),
                );
            }
        }
        PersonRow {
            row: f.row,
            person_id,
            card_number,
            full_name: f.text("Họ và tên").unwrap_or_default(),
            gender,
            birth_date: f.date("Ngày sinh"),
            ethnicity: f.text("Dân tộc"),
            party_member,
            admitted_on,
            official_on,
            position: f.text("Chức vụ"),
            key_cadre: f.yes_no("Cán bộ chủ chốt").unwrap_or(false),
            head_of_unit: f.yes_no("Người đứng đầu").unwrap_or(false),
            post_from: f.date("Chức vụ có hiệu lực từ ngày"),
            unit_code: f.text("Mã đơn vị").unwrap_or_default(),
            member_since: f.date("Ngày bắt đầu sinh hoạt"),
        }
    })
}

pub fn parse_conferences(
    file_name: &str,
    bytes: &[u8],
    reading: &mut Reading<'_>,
) -> Result<Vec<ConferenceRow>, ParseFailure<ConferenceRow>> {
    const FORMATS: &[(&str, bool)] =
        &[("truc tiep", false), ("in person", false), ("truc tuyen", true), ("online", true)];
    let mut codes = HashMap::new();
    parse_with(Kind::Conferences, file_name, bytes, reading, |f| {
        let code = f.text("Mã hội nghị").unwrap_or_default();
        if !code.is_empty() {
            check_unique(f, &mut codes, "Mã hội nghị", &code);
        }
        ConferenceRow {
            row: f.row,
            code,
            unit_code: f.text("Mã đơn vị tổ chức").unwrap_or_default(),
            held_on: f.date("Ngày").unwrap_or_default(),
            title: f.text("Tên hội nghị").unwrap_or_default(),
            topic_codes: f.list("Mã chuyên đề"),
            level: f.text("Cấp"),
            online: f
                .choice(
                    "Hình thức",
                    FORMATS,
                    "«Trực tiếp» hoặc «Trực tuyến»",
                    "«Trực tiếp» (in person) or «Trực tuyến» (online)",
                )
                .unwrap_or(false),
            others_count: f.count("Số lượt đoàn viên, hội viên, nhân dân"),
            unlisted_members: f.count("Số lượt cán bộ, đảng viên (ngoài danh sách)"),
            regular_meeting: f.yes_no("Sinh hoạt chi bộ thường kỳ").unwrap_or(false),
            study_content: f.yes_no("Có nội dung học tập và làm theo Bác").unwrap_or(false),
        }
    })
}

pub fn parse_attendance(
    file_name: &str,
    bytes: &[u8],
    reading: &mut Reading<'_>,
) -> Result<Vec<AttendanceRow>, ParseFailure<AttendanceRow>> {
    const STATUSES: &[(&str, AttendanceStatus)] = &[
        ("co mat", AttendanceStatus::Present),
        ("present", AttendanceStatus::Present),
        ("vang co ly do", AttendanceStatus::Excused),
        ("excused", AttendanceStatus::Excused),
        ("vang", AttendanceStatus::Absent),
        ("absent", AttendanceStatus::Absent),
    ];
    let mut seen = HashMap::new();
    parse_with(Kind::Attendance, file_name, bytes, reading, |f| {
        let conference_code = f.text("Mã hội nghị").unwrap_or_default();
        let person_key = f.text("Mã định danh hoặc số thẻ").unwrap_or_default();
        if !conference_code.is_empty() && !person_key.is_empty() {
            // A code cannot hold a newline, so it separates the two parts of the key safely.
            let key = format!("{conference_code}\n{person_key}");
            if let Some(earlier) = earlier_row(&mut seen, &key, f.row) {
                f.error(
                    "Mã định danh hoặc số thẻ",
                    format!(
                        "«{person_key}» đã được điểm danh ở hội nghị «{conference_code}» \
                         tại dòng {earlier}"
                    ),
                    format!(
                        "«{person_key}» is already listed for conference «{conference_code}» \
                         on row {earlier}"
                    ),
                );
            }
        }
        AttendanceRow {
            row: f.row,
            conference_code,
            person_key,
            point_unit_code: f.text("Điểm cầu (mã đơn vị)"),
            status: f
                .choice(
                    "Tình trạng",
                    STATUSES,
                    "«Có mặt», «Vắng có lý do» hoặc «Vắng»",
                    "«Có mặt» (present), «Vắng có lý do» (excused) or «Vắng» (absent)",
                )
                .unwrap_or(AttendanceStatus::Present),
        }
    })
}

pub fn parse_points(
    file_name: &str,
    bytes: &[u8],
    reading: &mut Reading<'_>,
) -> Result<Vec<PointRow>, ParseFailure<PointRow>> {
    let mut seen = HashMap::new();
    parse_with(Kind::Points, file_name, bytes, reading, |f| {
        let conference_code = f.text("Mã hội nghị").unwrap_or_default();
        let unit_code = f.text("Mã đơn vị điểm cầu").unwrap_or_default();
        if !conference_code.is_empty() && !unit_code.is_empty() {
            let key = format!("{conference_code}\n{unit_code}");
            if let Some(earlier) = earlier_row(&mut seen, &key, f.row) {
                f.error(
                    "Mã đơn vị điểm cầu",
                    format!(
                        "Điểm cầu «{unit_code}» của hội nghị «{conference_code}» \
                         đã có ở dòng {earlier}"
                    ),
                    format!(
                        "Point «{unit_code}» of conference «{conference_code}» \
                         is already on row {earlier}"
                    ),
                );
            }
        }
        PointRow {
            row: f.row,
            conference_code,
            unit_code,
            others_count: f.count("Số lượt đoàn viên, hội viên, nhân dân"),
            unlisted_members: f.count("Số lượt cán bộ, đảng viên (ngoài danh sách)"),
        }
    })
}
