//! Inspection and supervision (kiểm tra, giám sát) of the campaign: who conducts it (a unit
//! and its body), its form, its decision or plan, its dates, its content, its subjects
//! (party organisations and members) and its conclusion.
//!
//! Figures ("tổ chức 126 cuộc kiểm tra, giám sát … đối với 92 tập thể, 123 cá nhân"):
//! inspections and supervisions, apart and together, under the conducting unit, by the day
//! they began; the collectives and individuals covered, as instances and as distinct
//! subjects (a report may mean either, so both are kept); by conducting body.
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check, column, facts, one_of, Fact, Figure, Lookup, Owner, Record, RecordSpec, Section, Totals};
use crate::columns::{Choice, Column, Format};
use crate::text::{self, Text};
use crate::{vn, Error, Id, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Inspection {
    /// The decision's or plan's number ("15-QĐ/UBKTHU").
    pub number: String,
    /// "kiem_tra" or "giam_sat".
    pub kind: String,
    /// "thuong_xuyen", "chuyen_de", "dinh_ky", "bat_thuong".
    pub form: String,
    /// "truc_tiep" or "gian_tiep".
    #[serde(default)]
    pub manner: String,
    /// The conducting unit.
    pub unit: String,
    /// "cap_uy", "ban_thuong_vu", "ubkt", "ban_tuyen_giao", "chi_bo".
    pub body: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    pub content: String,
    /// The party organisations inspected (unit codes).
    #[serde(default)]
    pub subject_units: Vec<String>,
    /// The members inspected (ID or card number).
    #[serde(default)]
    pub subject_people: Vec<String>,
    #[serde(default)]
    pub strengths: String,
    #[serde(default)]
    pub shortcomings: String,
    #[serde(default)]
    pub fixes: String,
    #[serde(default)]
    pub notice_no: String,
}

const KINDS: &[Choice] = &[
    Choice { value: "kiem_tra", vi: "Kiểm tra", en: "Inspection" },
    Choice { value: "giam_sat", vi: "Giám sát", en: "Supervision" },
];

const FORMS: &[Choice] = &[
    Choice { value: "thuong_xuyen", vi: "Thường xuyên", en: "Regular" },
    Choice { value: "chuyen_de", vi: "Chuyên đề", en: "Thematic" },
    Choice { value: "dinh_ky", vi: "Định kỳ", en: "Periodic" },
    Choice { value: "bat_thuong", vi: "Bất thường", en: "Unscheduled" },
];

const MANNERS: &[Choice] = &[
    Choice { value: "", vi: "", en: "" },
    Choice { value: "truc_tiep", vi: "Trực tiếp", en: "Direct" },
    Choice { value: "gian_tiep", vi: "Gián tiếp", en: "Indirect" },
];

pub const BODIES: &[Choice] = &[
    Choice { value: "cap_uy", vi: "Cấp ủy", en: "Party committee" },
    Choice { value: "ban_thuong_vu", vi: "Ban Thường vụ", en: "Standing committee" },
    Choice { value: "ubkt", vi: "Ủy ban Kiểm tra", en: "Inspection commission" },
    Choice { value: "ban_tuyen_giao", vi: "Ban Tuyên giáo", en: "Propaganda department" },
    Choice { value: "chi_bo", vi: "Chi bộ", en: "Party cell" },
];

static COLUMNS: &[Column] = &[
    Column {
        header_vi: "Số quyết định, kế hoạch",
        header_en: "Decision or plan number",
        required: true,
        format: Format::Code,
        description_vi: "Số quyết định hoặc kế hoạch kiểm tra, giám sát (không có khoảng trắng), ví dụ 15-QĐ/UBKTHU.",
        description_en: "Number of the decision or plan (no spaces), e.g. 15-QĐ/UBKTHU.",
        example: "15-QĐ/UBKTHU",
        key: "number",
        choices: &[],
    },
    Column {
        header_vi: "Loại",
        header_en: "Kind",
        required: true,
        format: Format::Choice,
        description_vi: "«Kiểm tra» hoặc «Giám sát».",
        description_en: "«Kiểm tra» (inspection) or «Giám sát» (supervision).",
        example: "Kiểm tra",
        key: "kind",
        choices: KINDS,
    },
    Column {
        header_vi: "Hình thức",
        header_en: "Form",
        required: true,
        format: Format::Choice,
        description_vi: "«Thường xuyên», «Chuyên đề», «Định kỳ» hoặc «Bất thường».",
        description_en:
            "«Thường xuyên» (regular), «Chuyên đề» (thematic), «Định kỳ» (periodic) or «Bất thường» (unscheduled).",
        example: "Chuyên đề",
        key: "form",
        choices: FORMS,
    },
    Column {
        header_vi: "Trực tiếp hay gián tiếp",
        header_en: "Direct or indirect",
        required: false,
        format: Format::Choice,
        description_vi: "«Trực tiếp» hoặc «Gián tiếp».",
        description_en: "«Trực tiếp» (direct) or «Gián tiếp» (indirect).",
        example: "Trực tiếp",
        key: "manner",
        choices: MANNERS,
    },
    Column {
        header_vi: "Đơn vị tiến hành",
        header_en: "Conducting unit",
        required: true,
        format: Format::Unit,
        description_vi: "Mã đơn vị tiến hành kiểm tra, giám sát.",
        description_en: "Code of the unit that conducts it.",
        example: "DB-XA01",
        key: "unit",
        choices: &[],
    },
    Column {
        header_vi: "Chủ thể",
        header_en: "Conducting body",
        required: true,
        format: Format::Choice,
        description_vi: "«Cấp ủy», «Ban Thường vụ», «Ủy ban Kiểm tra», «Ban Tuyên giáo» hoặc «Chi bộ».",
        description_en:
            "The body: party committee, standing committee, inspection commission, propaganda department or cell.",
        example: "Ủy ban Kiểm tra",
        key: "body",
        choices: BODIES,
    },
    Column {
        header_vi: "Từ ngày",
        header_en: "From",
        required: true,
        format: Format::Date,
        description_vi: "Ngày bắt đầu (cuộc kiểm tra tính vào kỳ có ngày này).",
        description_en: "First day (it counts in the period holding this day).",
        example: "10/6/2025",
        key: "from",
        choices: &[],
    },
    Column {
        header_vi: "Đến ngày",
        header_en: "To",
        required: false,
        format: Format::Date,
        description_vi: "Ngày kết thúc.",
        description_en: "Last day.",
        example: "20/6/2025",
        key: "to",
        choices: &[],
    },
    Column {
        header_vi: "Nội dung",
        header_en: "Content",
        required: true,
        format: Format::Text,
        description_vi: "Nội dung: việc thực hiện Chỉ thị 05, Kết luận 01, chuyên đề năm…",
        description_en: "What was inspected (Directive 05, Conclusion 01, the yearly topic…).",
        example: "Việc thực hiện Chỉ thị 05-CT/TW",
        key: "content",
        choices: &[],
    },
    Column {
        header_vi: "Tổ chức đảng được kiểm tra",
        header_en: "Organisations inspected",
        required: false,
        format: Format::Units,
        description_vi: "Mã các tổ chức đảng (tập thể) được kiểm tra, giám sát, phân cách bằng dấu chấm phẩy.",
        description_en: "Codes of the party organisations inspected, separated by semicolons.",
        example: "CB-VP01; CB-VP02",
        key: "subject_units",
        choices: &[],
    },
    Column {
        header_vi: "Đảng viên được kiểm tra",
        header_en: "Members inspected",
        required: false,
        format: Format::List,
        description_vi:
            "Mã định danh hoặc số thẻ đảng viên (cá nhân) được kiểm tra, giám sát, phân cách bằng dấu chấm phẩy.",
        description_en: "Person IDs or card numbers of the members inspected, separated by semicolons.",
        example: "",
        key: "subject_people",
        choices: &[],
    },
    Column {
        description_vi: "Kết luận: ưu điểm.", ..column("strengths", "Ưu điểm", "Strengths", Format::Text, false)
    },
    Column {
        description_vi: "Kết luận: hạn chế, khuyết điểm.",
        ..column("shortcomings", "Hạn chế", "Shortcomings", Format::Text, false)
    },
    Column {
        description_vi: "Kết luận: yêu cầu khắc phục, xử lý.",
        ..column("fixes", "Yêu cầu khắc phục", "What must be fixed", Format::Text, false)
    },
    Column {
        description_vi: "Số thông báo kết luận, ví dụ 20-TB/UBKTHU.",
        ..column("notice_no", "Số thông báo kết luận", "Conclusion notice number", Format::Text, false)
    },
];

impl Record for Inspection {
    fn validate(&self) -> Result<()> {
        if self.content.trim().is_empty() {
            return Err(Error::field("content", "Cần nhập nội dung", "The content is required"));
        }
        text::check_all([
            ("number", self.number.as_str(), Text::Code),
            ("unit", &self.unit, Text::Code),
            ("content", &self.content, Text::Free),
            ("strengths", &self.strengths, Text::Free),
            ("shortcomings", &self.shortcomings, Text::Free),
            ("fixes", &self.fixes, Text::Free),
            ("notice_no", &self.notice_no, Text::Name),
        ])?;
        self.subject_units.iter().try_for_each(|c| Text::Code.check("subject_units", c))?;
        self.subject_people.iter().try_for_each(|c| Text::Code.check("subject_people", c))?;
        one_of("kind", &self.kind, KINDS)?;
        one_of("form", &self.form, FORMS)?;
        one_of("manner", &self.manner, MANNERS)?;
        one_of("body", &self.body, BODIES)?;
        if self.to.is_some_and(|to| to < self.from) {
            return Err(Error::field("to", "Ngày kết thúc trước ngày bắt đầu", "It ends before it begins"));
        }
        Ok(())
    }

    fn facts(&self, own: Id, _: Lookup) -> Vec<Fact> {
        let fact = |key: String| Fact::one(own, self.from, key);
        let mut out =
            vec![fact(format!("inspections.{}", self.kind)), fact(format!("inspections.body\u{1f}{}", self.body))];
        for code in &self.subject_units {
            out.push(Fact { distinct: Some(vn::fold(code)), ..fact("inspections.collectives".into()) });
        }
        for key in &self.subject_people {
            out.push(Fact { distinct: Some(vn::fold(key)), ..fact("inspections.individuals".into()) });
        }
        out
    }
}

pub static INSPECTIONS: RecordSpec = RecordSpec {
    slug: "inspections",
    entity: "inspection",
    title_vi: "Kiểm tra, giám sát",
    title_en: "Inspection and supervision",
    columns: COLUMNS,
    key: &["number", "unit"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "content",
    personal: &["subject_people"],
    check: check::<Inspection>,
    facts: facts::<Inspection>,
};

pub static SECTION: Section = Section {
    slug: "inspections",
    title_vi: "Kiểm tra, giám sát",
    title_en: "Inspection and supervision",
    kinds: &[&INSPECTIONS],
    catalogue: None,
    figures: section_figures,
    by_child: &["inspections.all", "inspections.collectives", "inspections.individuals"],
};

fn section_figures(t: &Totals, _: &[serde_json::Value]) -> Vec<Figure> {
    let get = |k: &str| t.get(k).copied().unwrap_or_default();
    let count = Figure::count;
    let (checks, watches) = (get("inspections.kiem_tra").sum, get("inspections.giam_sat").sum);
    let (collectives, individuals) = (get("inspections.collectives"), get("inspections.individuals"));
    let mut out = vec![
        count(
            "inspections.all",
            "Cuộc kiểm tra, giám sát",
            "Inspections and supervisions",
            checks + watches,
            "cuộc",
            "visits",
        ),
        count("inspections.kiem_tra", "Cuộc kiểm tra", "Inspections", checks, "cuộc", "inspections"),
        count("inspections.giam_sat", "Cuộc giám sát", "Supervisions", watches, "cuộc", "supervisions"),
        count(
            "inspections.collectives",
            "Lượt tập thể được kiểm tra, giám sát",
            "Collectives covered (instances)",
            collectives.sum,
            "tập thể",
            "collectives",
        ),
        count(
            "inspections.collectives_distinct",
            "Tập thể được kiểm tra, giám sát (không tính trùng)",
            "Distinct collectives covered",
            collectives.distinct as i64,
            "tập thể",
            "collectives",
        ),
        count(
            "inspections.individuals",
            "Lượt cá nhân được kiểm tra, giám sát",
            "Individuals covered (instances)",
            individuals.sum,
            "cá nhân",
            "individuals",
        ),
        count(
            "inspections.individuals_distinct",
            "Cá nhân được kiểm tra, giám sát (không tính trùng)",
            "Distinct individuals covered",
            individuals.distinct as i64,
            "cá nhân",
            "individuals",
        ),
    ];
    for body in BODIES {
        let n = get(&format!("inspections.body\u{1f}{}", body.value)).sum;
        if n > 0 {
            out.push(count(
                &format!("inspections.body\u{1f}{}", body.value),
                &format!("Do {} tiến hành", body.vi),
                &format!("By the {}", body.en.to_lowercase()),
                n,
                "cuộc",
                "visits",
            ));
        }
    }
    out
}
