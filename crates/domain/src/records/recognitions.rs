//! Exemplars (điển hình) and their recognitions: praise (biểu dương, tuyên dương, tôn vinh —
//! no decision needed) and commendation (khen thưởng: a form and level, an issuer, a
//! decision's number and day, a signer), kept apart, collectives and individuals apart.
//!
//! Figures ("3.274 tập thể, cá nhân được các cấp khen thưởng"; "17 tập thể và 50 cá nhân …
//! được huyện ghi nhận, khen thưởng"; "1.567 điển hình được các cấp ủy biểu dương, khen
//! thưởng"): recognitions counted as instances (one collective commended twice counts twice,
//! as "các cấp" totals do), under the recipient's unit, by the day of the praise or the
//! decision; by form and level; exemplars by the day they were recognised as such. One
//! achievement given two commendation forms is flagged (the law allows one).
//!
//! The forms are data: the law's forms are built in (`FORMS`), and a department adds its
//! own (a mass organisation's certificate, a province's title) as `commendation_forms`
//! records, which the recognitions' form column then accepts by code and the figures name.
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{check, column, facts, one_of, required, Fact, Figure, Lookup, Owner, Record, RecordSpec, Section, Totals};
use crate::columns::{Choice, Column, Format};
use crate::text::{self, Text};
use crate::{vn, Error, Id, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Exemplar {
    pub code: String,
    /// "tap_the" or "ca_nhan".
    pub subject: String,
    pub name: String,
    /// The unit the exemplar belongs to.
    pub unit: String,
    #[serde(default)]
    pub field: String,
    pub achievement: String,
    /// Codes of the models it carries out.
    #[serde(default)]
    pub models: Vec<String>,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Recognition {
    /// "tap_the" or "ca_nhan".
    pub subject: String,
    pub recipient: String,
    /// The recipient's unit.
    pub unit: String,
    /// "bieu_duong" (praise) or "khen_thuong" (commendation).
    pub kind: String,
    /// For a commendation: "huan_chuong", "bang_khen_ttg", "bang_khen_bo_tinh", …
    #[serde(default)]
    pub form: String,
    /// "trung_uong", "tinh", "huyen", "xa".
    pub level: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub decision_no: String,
    /// The day praised, or the decision's day.
    pub on: NaiveDate,
    #[serde(default)]
    pub signer: String,
    /// The round or campaign ("5 năm thực hiện Chỉ thị 05").
    #[serde(default)]
    pub round: String,
    pub achievement: String,
    /// The exemplar's code, when the recipient is one.
    #[serde(default)]
    pub exemplar: String,
}

/// A form of commendation a department added to the built-in ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CommendationForm {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    /// The level it is given at, when it has one ("tinh" for a provincial certificate).
    #[serde(default)]
    pub level: String,
    /// The unit (department, committee) that defines it.
    pub unit: String,
}

const SUBJECTS: &[Choice] = &[
    Choice { value: "tap_the", vi: "Tập thể", en: "Collective" },
    Choice { value: "ca_nhan", vi: "Cá nhân", en: "Individual" },
];

const KINDS: &[Choice] = &[
    Choice { value: "bieu_duong", vi: "Biểu dương", en: "Praise" },
    Choice { value: "khen_thuong", vi: "Khen thưởng", en: "Commendation" },
];

/// The forms of commendation (Luật Thi đua, khen thưởng 2022, art. 9; party forms).
pub const FORMS: &[Choice] = &[
    Choice { value: "", vi: "", en: "" },
    Choice { value: "huan_chuong", vi: "Huân chương", en: "Order" },
    Choice { value: "huy_chuong", vi: "Huy chương", en: "Medal" },
    Choice {
        value: "bang_khen_ttg",
        vi: "Bằng khen của Thủ tướng Chính phủ",
        en: "Prime Minister's certificate of merit",
    },
    Choice {
        value: "bang_khen_bo_tinh",
        vi: "Bằng khen cấp bộ, ngành, tỉnh",
        en: "Certificate of merit of a ministry or province",
    },
    Choice {
        value: "bang_khen_tinh_uy",
        vi: "Bằng khen của Ban Thường vụ Tỉnh ủy",
        en: "Certificate of merit of the provincial standing committee",
    },
    Choice { value: "giay_khen", vi: "Giấy khen", en: "Certificate of commendation" },
    Choice { value: "ky_niem_chuong", vi: "Kỷ niệm chương", en: "Commemorative medal" },
    Choice { value: "khac", vi: "Hình thức khác", en: "Other form" },
];

const LEVELS: &[Choice] = &[
    Choice { value: "", vi: "", en: "" },
    Choice { value: "trung_uong", vi: "Trung ương", en: "Central" },
    Choice { value: "tinh", vi: "Tỉnh", en: "Province" },
    Choice { value: "huyen", vi: "Huyện", en: "District" },
    Choice { value: "xa", vi: "Xã, cơ sở", en: "Commune, grassroots" },
];

const SUBJECT: Column = Column {
    header_vi: "Tập thể hay cá nhân",
    header_en: "Collective or individual",
    required: true,
    format: Format::Choice,
    description_vi: "«Tập thể» hoặc «Cá nhân».",
    description_en: "«Tập thể» (collective) or «Cá nhân» (individual).",
    example: "Tập thể",
    key: "subject",
    choices: SUBJECTS,
};

const UNIT: Column = Column {
    header_vi: "Mã đơn vị",
    header_en: "Unit code",
    required: true,
    format: Format::Unit,
    description_vi: "Mã đơn vị của tập thể, cá nhân (hoặc chính tập thể đó).",
    description_en: "Code of the unit of the collective or individual (or of the collective itself).",
    example: "CB-VP01",
    key: "unit",
    choices: &[],
};

const ACHIEVEMENT: Column = Column {
    header_vi: "Thành tích",
    header_en: "Achievement",
    required: true,
    format: Format::Text,
    description_vi: "Thành tích được ghi nhận.",
    description_en: "The achievement recognised.",
    example: "Tiêu biểu trong học tập và làm theo Bác 5 năm 2021–2025",
    key: "achievement",
    choices: &[],
};

static EXEMPLAR_COLUMNS: &[Column] = &[
    Column {
        header_vi: "Mã điển hình",
        header_en: "Exemplar code",
        required: true,
        format: Format::Code,
        description_vi: "Mã của điển hình, không trùng.",
        description_en: "The exemplar's code, unique.",
        example: "DH-2025-01",
        key: "code",
        choices: &[],
    },
    SUBJECT,
    Column {
        header_vi: "Tên tập thể, cá nhân",
        header_en: "Name",
        required: true,
        format: Format::Text,
        description_vi: "Tên tập thể hoặc họ và tên cá nhân.",
        description_en: "Name of the collective or full name of the individual.",
        example: "Chi bộ bản Nậm Cầy",
        key: "name",
        choices: &[],
    },
    UNIT,
    Column {
        header_vi: "Lĩnh vực",
        header_en: "Field",
        required: false,
        format: Format::Text,
        description_vi: "Lĩnh vực.",
        description_en: "Field of activity.",
        example: "",
        key: "field",
        choices: &[],
    },
    ACHIEVEMENT,
    Column {
        header_vi: "Mã mô hình liên quan",
        header_en: "Related models",
        required: false,
        format: Format::List,
        description_vi: "Mã các mô hình điển hình thực hiện, phân cách bằng dấu chấm phẩy.",
        description_en: "Codes of the models it carries out, separated by semicolons.",
        example: "",
        key: "models",
        choices: &[],
    },
    Column {
        header_vi: "Ngày ghi nhận",
        header_en: "Recognised on",
        required: true,
        format: Format::Date,
        description_vi: "Ngày được ghi nhận là điển hình.",
        description_en: "Day it was recognised as an exemplar.",
        example: "19/5/2025",
        key: "on",
        choices: &[],
    },
];

static FORM_COLUMNS: &[Column] = &[
    Column {
        description_vi: "Mã hình thức, không trùng với hình thức có sẵn; dùng trong cột «Hình thức khen thưởng».",
        description_en: "The form's code, not one of the built-in forms; used in the «Hình thức khen thưởng» column.",
        example: "BK-TINHDOAN",
        ..column("code", "Mã hình thức", "Form code", Format::Code, true)
    },
    Column {
        example: "Bằng khen của Ban Chấp hành Tỉnh đoàn",
        ..column("name", "Tên hình thức khen thưởng", "Name", Format::Text, true)
    },
    Column { example: "", ..column("name_en", "Tên tiếng Anh", "English name", Format::Text, false) },
    Column {
        description_vi: "Cấp trao hình thức này, nếu cố định: «Trung ương», «Tỉnh», «Huyện» hoặc «Xã, cơ sở».",
        description_en: "The level it is given at, if fixed.",
        example: "Tỉnh",
        choices: LEVELS,
        ..column("level", "Cấp", "Level", Format::Choice, false)
    },
    Column {
        description_vi: "Mã đơn vị (ban tuyên giáo, cấp ủy) thêm hình thức này.",
        description_en: "Code of the unit (department, committee) that adds it.",
        example: "LCH",
        ..column("unit", "Đơn vị định nghĩa", "Defining unit", Format::Unit, true)
    },
];

static RECOGNITION_COLUMNS: &[Column] = &[
    SUBJECT,
    Column {
        header_vi: "Tập thể, cá nhân được ghi nhận",
        header_en: "Recipient",
        required: true,
        format: Format::Text,
        description_vi: "Tên tập thể hoặc họ và tên cá nhân.",
        description_en: "Name of the collective or full name of the individual.",
        example: "Chi bộ bản Nậm Cầy",
        key: "recipient",
        choices: &[],
    },
    UNIT,
    Column {
        header_vi: "Hình thức ghi nhận",
        header_en: "Kind",
        required: true,
        format: Format::Choice,
        description_vi: "«Biểu dương» (biểu dương, tuyên dương, tôn vinh: không cần quyết định) hoặc «Khen thưởng».",
        description_en: "«Biểu dương» (praise, no decision needed) or «Khen thưởng» (commendation).",
        example: "Khen thưởng",
        key: "kind",
        choices: KINDS,
    },
    Column {
        header_vi: "Hình thức khen thưởng",
        header_en: "Form",
        required: false,
        format: Format::Listed,
        description_vi: "Với khen thưởng: «Huân chương», «Bằng khen của Thủ tướng Chính phủ», «Bằng khen cấp bộ, ngành, tỉnh», \
                         «Bằng khen của Ban Thường vụ Tỉnh ủy», «Giấy khen», «Kỷ niệm chương», «Huy chương», «Hình thức khác», \
                         hoặc mã một hình thức đã thêm vào danh mục hình thức khen thưởng.",
        description_en: "For a commendation: the form (order, Prime Minister's or ministry/province certificate of merit, \
                         certificate of commendation…), or the code of a form added to the catalogue of forms.",
        example: "Giấy khen",
        key: "form",
        choices: FORMS,
    },
    Column {
        header_vi: "Cấp",
        header_en: "Level",
        required: true,
        format: Format::Choice,
        description_vi: "«Trung ương», «Tỉnh», «Huyện» hoặc «Xã, cơ sở».",
        description_en: "«Trung ương» (central), «Tỉnh» (province), «Huyện» (district) or «Xã, cơ sở» (commune).",
        example: "Huyện",
        key: "level",
        choices: LEVELS,
    },
    Column {
        header_vi: "Cơ quan ban hành",
        header_en: "Issuer",
        required: false,
        format: Format::Text,
        description_vi: "Cấp ủy, cơ quan ra quyết định hoặc biểu dương.",
        description_en: "The committee or body that decided or praised.",
        example: "Ban Thường vụ Huyện ủy Nậm Nhùn",
        key: "issuer",
        choices: &[],
    },
    Column {
        header_vi: "Số quyết định",
        header_en: "Decision number",
        required: false,
        format: Format::Text,
        description_vi: "Số quyết định khen thưởng; bắt buộc với khen thưởng.",
        description_en: "Number of the decision; required for a commendation.",
        example: "125-QĐ/HU",
        key: "decision_no",
        choices: &[],
    },
    Column {
        header_vi: "Ngày",
        header_en: "Date",
        required: true,
        format: Format::Date,
        description_vi: "Ngày biểu dương, hoặc ngày của quyết định khen thưởng.",
        description_en: "Day of the praise, or of the commendation's decision.",
        example: "19/5/2025",
        key: "on",
        choices: &[],
    },
    Column {
        header_vi: "Người ký",
        header_en: "Signer",
        required: false,
        format: Format::Text,
        description_vi: "Người ký quyết định.",
        description_en: "Who signed the decision.",
        example: "",
        key: "signer",
        choices: &[],
    },
    Column {
        header_vi: "Đợt, chuyên đề",
        header_en: "Round",
        required: false,
        format: Format::Text,
        description_vi: "Đợt khen thưởng hoặc chuyên đề (ví dụ «Sơ kết 5 năm Kết luận 01»).",
        description_en: "The round or campaign.",
        example: "Sơ kết 5 năm Kết luận 01",
        key: "round",
        choices: &[],
    },
    ACHIEVEMENT,
    Column {
        header_vi: "Mã điển hình",
        header_en: "Exemplar code",
        required: false,
        format: Format::Code,
        description_vi: "Mã điển hình, nếu tập thể, cá nhân này là một điển hình đã ghi nhận.",
        description_en: "The exemplar's code, when the recipient is a recorded exemplar.",
        example: "",
        key: "exemplar",
        choices: &[],
    },
];

impl Record for Exemplar {
    fn validate(&self) -> Result<()> {
        if self.code.trim().is_empty() || self.name.trim().is_empty() || self.achievement.trim().is_empty() {
            let field = if self.code.trim().is_empty() {
                "code"
            } else if self.name.trim().is_empty() {
                "name"
            } else {
                "achievement"
            };
            return Err(Error::field(field, "Cần nhập giá trị", "A value is required"));
        }
        text::check_all([
            ("code", self.code.as_str(), Text::Code),
            ("name", &self.name, Text::Name),
            ("unit", &self.unit, Text::Code),
            ("field", &self.field, Text::Name),
            ("achievement", &self.achievement, Text::Free),
        ])?;
        self.models.iter().try_for_each(|m| Text::Code.check("models", m))?;
        one_of("subject", &self.subject, SUBJECTS)
    }

    fn facts(&self, own: Id, _: Lookup) -> Vec<Fact> {
        vec![Fact::one(own, self.on, format!("recognitions.exemplar.{}", self.subject))]
    }
}

impl Record for CommendationForm {
    fn validate(&self) -> Result<()> {
        required("name", &self.name)?;
        text::check_all([
            ("code", self.code.as_str(), Text::Code),
            ("name", &self.name, Text::Name),
            ("name_en", &self.name_en, Text::Name),
            ("unit", &self.unit, Text::Code),
        ])?;
        one_of("level", &self.level, LEVELS)?;
        if FORMS.iter().any(|f| vn::fold(f.value) == vn::fold(&self.code)) {
            return Err(Error::field(
                "code",
                format!("«{}» là mã của một hình thức có sẵn", self.code),
                format!("«{}» is a built-in form's code", self.code),
            ));
        }
        Ok(())
    }

    fn facts(&self, _: Id, _: Lookup) -> Vec<Fact> {
        vec![]
    }
}

/// Whether `form` is a built-in form or one of `catalogue` (the `commendation_forms`
/// records): what a recognition's form column accepts.
pub fn known_form(form: &str, catalogue: &[serde_json::Value]) -> bool {
    let folded = vn::fold(form);
    FORMS.iter().any(|f| f.value == form)
        || catalogue.iter().any(|c| c["code"].as_str().is_some_and(|code| vn::fold(code) == folded))
}

/// The built-in forms, then the catalogue's, as (value, Vietnamese, English).
pub fn all_forms(catalogue: &[serde_json::Value]) -> Vec<(String, String, String)> {
    let built_in = FORMS.iter().filter(|f| !f.value.is_empty()).map(|f| (f.value.into(), f.vi.into(), f.en.into()));
    let added = catalogue.iter().filter_map(|c| {
        let (code, name) = (c["code"].as_str()?, c["name"].as_str()?);
        let en = c["name_en"].as_str().filter(|e| !e.is_empty()).unwrap_or(name);
        Some((code.to_string(), name.to_string(), en.to_string()))
    });
    built_in.chain(added).collect()
}

impl Record for Recognition {
    fn validate(&self) -> Result<()> {
        if self.recipient.trim().is_empty() || self.achievement.trim().is_empty() {
            let field = if self.recipient.trim().is_empty() { "recipient" } else { "achievement" };
            return Err(Error::field(field, "Cần nhập giá trị", "A value is required"));
        }
        text::check_all([
            ("recipient", self.recipient.as_str(), Text::Name),
            ("unit", &self.unit, Text::Code),
            ("issuer", &self.issuer, Text::Name),
            ("decision_no", &self.decision_no, Text::Name),
            ("signer", &self.signer, Text::Name),
            ("round", &self.round, Text::Name),
            ("achievement", &self.achievement, Text::Free),
            ("exemplar", &self.exemplar, Text::Code),
        ])?;
        one_of("subject", &self.subject, SUBJECTS)?;
        one_of("kind", &self.kind, KINDS)?;
        // The form is a built-in one or a catalogue code, which the service checks.
        Text::Code.check("form", &self.form)?;
        one_of("level", &self.level, LEVELS)?;
        required("level", &self.level)?;
        match self.kind.as_str() {
            // Khen thưởng needs a decision; biểu dương may have none.
            "khen_thuong" if self.form.is_empty() => {
                Err(Error::field("form", "Khen thưởng cần ghi hình thức khen thưởng", "A commendation needs its form"))
            }
            "khen_thuong" if self.decision_no.trim().is_empty() => Err(Error::field(
                "decision_no",
                "Khen thưởng cần ghi số quyết định",
                "A commendation needs its decision's number",
            )),
            "bieu_duong" if !self.form.is_empty() => Err(Error::field(
                "form",
                "Biểu dương không có hình thức khen thưởng",
                "Praise has no form of commendation",
            )),
            _ => Ok(()),
        }
    }

    fn facts(&self, own: Id, _: Lookup) -> Vec<Fact> {
        let fact = |key: String| Fact::one(own, self.on, key);
        let mut out = vec![fact(format!("recognitions.{}.{}", self.kind, self.subject))];
        if !self.round.trim().is_empty() {
            out.push(fact(format!("recognitions.round\u{1f}{}", self.round.trim())));
        }
        if self.kind == "khen_thuong" {
            // Folded, as a catalogue code may be typed in either case.
            out.push(fact(format!("recognitions.form\u{1f}{}\u{1f}{}", vn::fold(&self.form), self.subject)));
            out.push(fact(format!("recognitions.level\u{1f}{}", self.level)));
            // One achievement, one form: the same recipient (of the same unit) and achievement
            // commended twice is flagged.
            let achievement = format!(
                "{}\u{1f}{}\u{1f}{}",
                vn::fold(&self.unit),
                vn::fold(&self.recipient),
                vn::fold(&self.achievement)
            );
            out.push(fact(format!("recognitions.achievement\u{1f}{achievement}")));
        }
        out
    }
}

pub static EXEMPLARS: RecordSpec = RecordSpec {
    slug: "exemplars",
    entity: "exemplar",
    title_vi: "Điển hình",
    title_en: "Exemplars",
    columns: EXEMPLAR_COLUMNS,
    key: &["code"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "name",
    personal: &["name"],
    check: check::<Exemplar>,
    facts: facts::<Exemplar>,
};

pub static RECOGNITIONS: RecordSpec = RecordSpec {
    slug: "recognitions",
    entity: "recognition",
    title_vi: "Biểu dương, khen thưởng",
    title_en: "Praise and commendations",
    columns: RECOGNITION_COLUMNS,
    key: &["unit", "recipient", "kind", "form", "on"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "recipient",
    personal: &["recipient"],
    check: check::<Recognition>,
    facts: facts::<Recognition>,
};

pub static COMMENDATION_FORMS: RecordSpec = RecordSpec {
    slug: "commendation_forms",
    entity: "commendation_form",
    title_vi: "Danh mục hình thức khen thưởng",
    title_en: "Forms of commendation",
    columns: FORM_COLUMNS,
    key: &["code"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "name",
    personal: &[],
    check: check::<CommendationForm>,
    facts: facts::<CommendationForm>,
};

pub static SECTION: Section = Section {
    slug: "recognitions",
    title_vi: "Điển hình, biểu dương, khen thưởng",
    title_en: "Exemplars, praise and commendations",
    kinds: &[&EXEMPLARS, &RECOGNITIONS, &COMMENDATION_FORMS],
    catalogue: Some(&COMMENDATION_FORMS),
    figures: section_figures,
    by_child: &["recognitions.bieu_duong", "recognitions.khen_thuong"],
};

/// "17 tập thể và 50 cá nhân" (and in English).
fn collectives_and_individuals(c: i64, i: i64) -> (String, String) {
    (
        format!("{} tập thể và {} cá nhân", vn::fmt_int(c), vn::fmt_int(i)),
        format!("{} collectives and {} individuals", vn::fmt_int(c), vn::fmt_int(i)),
    )
}

fn section_figures(t: &Totals, catalogue: &[serde_json::Value]) -> Vec<Figure> {
    let n = |k: &str| t.get(k).map_or(0, |x| x.sum);
    let mut out = Vec::new();
    let pair = |key: &str, label_vi: &str, label_en: &str, c: i64, i: i64| {
        let (text_vi, text_en) = collectives_and_individuals(c, i);
        Figure { key: key.into(), label_vi: label_vi.into(), label_en: label_en.into(), value: c + i, text_vi, text_en }
    };
    let (ex_c, ex_i) = (n("recognitions.exemplar.tap_the"), n("recognitions.exemplar.ca_nhan"));
    out.push(pair("recognitions.exemplars", "Điển hình được ghi nhận", "Exemplars recognised", ex_c, ex_i));
    let (bd_c, bd_i) = (n("recognitions.bieu_duong.tap_the"), n("recognitions.bieu_duong.ca_nhan"));
    out.push(pair("recognitions.bieu_duong", "Được biểu dương, tuyên dương", "Praised", bd_c, bd_i));
    let (kt_c, kt_i) = (n("recognitions.khen_thuong.tap_the"), n("recognitions.khen_thuong.ca_nhan"));
    out.push(pair("recognitions.khen_thuong", "Được khen thưởng", "Commended", kt_c, kt_i));
    for (form, vi, en) in all_forms(catalogue) {
        let form = vn::fold(&form);
        let key = |s: &str| format!("recognitions.form\u{1f}{form}\u{1f}{s}");
        let (c, i) = (n(&key("tap_the")), n(&key("ca_nhan")));
        if c + i > 0 {
            let key = format!("recognitions.form\u{1f}{form}");
            out.push(pair(&key, &format!("Khen thưởng: {vi}"), &format!("Commended: {en}"), c, i));
        }
    }
    for level in LEVELS.iter().filter(|l| !l.value.is_empty()) {
        let k = n(&format!("recognitions.level\u{1f}{}", level.value));
        if k > 0 {
            out.push(Figure {
                key: format!("recognitions.level\u{1f}{}", level.value),
                label_vi: format!("Khen thưởng cấp {}", level.vi.to_lowercase()),
                label_en: format!("Commendations, {} level", level.en.to_lowercase()),
                value: k,
                text_vi: format!("{} lượt", vn::fmt_int(k)),
                text_en: format!("{} commendations", vn::fmt_int(k)),
            });
        }
    }
    let mut rounds: Vec<(&str, i64)> = t
        .range("recognitions.round\u{1f}".to_string()..)
        .take_while(|(k, _)| k.starts_with("recognitions.round\u{1f}"))
        .map(|(k, v)| (&k["recognitions.round\u{1f}".len()..], v.sum))
        .collect();
    rounds.sort_by_cached_key(|(r, _)| vn::sort_key(r));
    for (round, n) in rounds {
        out.push(Figure {
            text_vi: format!("{} lượt biểu dương, khen thưởng", vn::fmt_int(n)),
            text_en: format!("{} recognitions", vn::fmt_int(n)),
            ..Figure::count(
                &format!("recognitions.round\u{1f}{round}"),
                &format!("Đợt, chuyên đề: {round}"),
                &format!("Round: {round}"),
                n,
                "",
                "",
            )
        });
    }
    let twice = t
        .range("recognitions.achievement\u{1f}".to_string()..)
        .take_while(|(k, _)| k.starts_with("recognitions.achievement\u{1f}"))
        .filter(|(_, x)| x.sum > 1)
        .count() as i64;
    if twice > 0 {
        out.push(Figure {
            key: "recognitions.twice".into(),
            label_vi: "Cảnh báo: một thành tích được khen thưởng hơn một hình thức".into(),
            label_en: "Warning: one achievement commended in more than one form".into(),
            value: twice,
            text_vi: format!("{} thành tích", vn::fmt_int(twice)),
            text_en: format!("{} achievements", vn::fmt_int(twice)),
        });
    }
    out
}
