//! Good models and ways of doing (mô hình hay, cách làm hiệu quả): a model registered by its
//! owner unit, its measured results and its replications by other units.
//!
//! Figures ("xây dựng, nhân rộng được 140 mô hình hay, cách làm hiệu quả"; "vận động tặng gần
//! 10.000 phần quà trị giá trên 4 tỉ đồng"): models registered (by the day they were
//! registered) and recognised (by the day they were recognised), counted once, under their
//! owner; replications as adoptions and as distinct models, kept apart, under the adopting
//! unit; results summed only across the same indicator and unit of measure, under the
//! model's owner, by the day they were recorded.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    amount_text, check, facts, one_of, sum_qualifier, Fact, Figure, Lookup, Owner, Parent, Record, RecordSpec, Section,
    Totals,
};
use crate::columns::{Choice, Column, Format};
use crate::text::{self, Text};
use crate::{vn, Error, Id, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Model {
    /// The model's code, unique in the system ("MH-2024-01").
    pub code: String,
    pub name: String,
    /// "mo_hinh", "cach_lam" or "chuong_trinh".
    pub kind: String,
    /// Field of activity ("Cải cách hành chính", "Tiết kiệm, tương trợ"…).
    #[serde(default)]
    pub field: String,
    /// Code of the owner unit (a party organisation or a mass organisation).
    pub unit: String,
    /// The person who carries it out, if it is one person's.
    #[serde(default)]
    pub person: String,
    pub registered_on: NaiveDate,
    /// The breakthrough task or yearly topic it carries out.
    #[serde(default)]
    pub link: String,
    /// "registered", "in_progress", "recognised" or "replicated".
    pub status: String,
    #[serde(default)]
    pub recognised_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ModelResult {
    /// The model's code.
    pub model: String,
    /// What was measured ("Quà tặng hộ nghèo", "Hiến đất làm đường").
    pub indicator: String,
    pub amount: i64,
    /// The unit of measure: "m²", "ngày công", "phần quà", "đồng", "căn nhà"…
    pub measure: String,
    /// "", "gần", "trên" or "hơn": kept, and carried into the sentence.
    #[serde(default)]
    pub qualifier: String,
    pub on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Replication {
    /// The model's code.
    pub model: String,
    /// Code of the unit that adopted it.
    pub unit: String,
    pub on: NaiveDate,
    #[serde(default)]
    pub note: String,
}

const KINDS: &[Choice] = &[
    Choice { value: "mo_hinh", vi: "Mô hình", en: "Model" },
    Choice { value: "cach_lam", vi: "Cách làm", en: "Way of doing" },
    Choice { value: "chuong_trinh", vi: "Chương trình", en: "Programme" },
];

const STATUSES: &[Choice] = &[
    Choice { value: "registered", vi: "Đăng ký", en: "Registered" },
    Choice { value: "in_progress", vi: "Đang thực hiện", en: "In progress" },
    Choice { value: "recognised", vi: "Được công nhận", en: "Recognised" },
    Choice { value: "replicated", vi: "Được nhân rộng", en: "Replicated" },
];

const QUALIFIERS: &[Choice] = &[
    Choice { value: "", vi: "(chính xác)", en: "(exact)" },
    Choice { value: "gần", vi: "gần", en: "nearly" },
    Choice { value: "trên", vi: "trên", en: "over" },
    Choice { value: "hơn", vi: "hơn", en: "more than" },
];

const MODEL_CODE: Column = Column {
    header_vi: "Mã mô hình",
    header_en: "Model code",
    required: true,
    format: Format::Code,
    description_vi: "Mã của mô hình, do đơn vị đặt, không trùng (ví dụ MH-2024-01).",
    description_en: "The model's code, chosen by the unit, unique (e.g. MH-2024-01).",
    example: "MH-2024-01",
    key: "model",
    choices: &[],
};

static MODEL_COLUMNS: &[Column] = &[
    Column { key: "code", ..MODEL_CODE },
    Column {
        header_vi: "Tên mô hình",
        header_en: "Name",
        required: true,
        format: Format::Text,
        description_vi: "Tên mô hình, cách làm.",
        description_en: "Name of the model or way of doing.",
        example: "Dân vận khéo trong hiến đất làm đường",
        key: "name",
        choices: &[],
    },
    Column {
        header_vi: "Loại",
        header_en: "Kind",
        required: true,
        format: Format::Choice,
        description_vi: "«Mô hình», «Cách làm» hoặc «Chương trình».",
        description_en: "«Mô hình» (model), «Cách làm» (way of doing) or «Chương trình» (programme).",
        example: "Mô hình",
        key: "kind",
        choices: KINDS,
    },
    Column {
        header_vi: "Lĩnh vực",
        header_en: "Field",
        required: false,
        format: Format::Text,
        description_vi: "Lĩnh vực: cải cách hành chính; trách nhiệm cán bộ, người đứng đầu; tiết kiệm, tương trợ; \
                         xây dựng tổ chức cơ sở đảng; tuyên truyền, vận động…",
        description_en: "Field of activity (administrative reform, thrift and mutual help, …).",
        example: "Tuyên truyền, vận động",
        key: "field",
        choices: &[],
    },
    Column {
        header_vi: "Đơn vị sở hữu",
        header_en: "Owner unit",
        required: true,
        format: Format::Unit,
        description_vi: "Mã đơn vị xây dựng mô hình (tổ chức đảng, Mặt trận, đoàn thể…).",
        description_en: "Code of the unit that built the model (party organisation, Front, mass organisation…).",
        example: "CB-VP01",
        key: "unit",
        choices: &[],
    },
    Column {
        header_vi: "Cá nhân thực hiện",
        header_en: "Person",
        required: false,
        format: Format::Text,
        description_vi: "Họ và tên người thực hiện, nếu là mô hình của một người.",
        description_en: "Full name of the person, when the model is one person's.",
        example: "",
        key: "person",
        choices: &[],
    },
    Column {
        header_vi: "Ngày đăng ký",
        header_en: "Registered on",
        required: true,
        format: Format::Date,
        description_vi: "Ngày đăng ký mô hình.",
        description_en: "Day the model was registered.",
        example: "15/3/2024",
        key: "registered_on",
        choices: &[],
    },
    Column {
        header_vi: "Gắn với nhiệm vụ, chuyên đề",
        header_en: "Task or topic",
        required: false,
        format: Format::Text,
        description_vi: "Nhiệm vụ đột phá hoặc chuyên đề năm mà mô hình thực hiện.",
        description_en: "The breakthrough task or yearly topic the model carries out.",
        example: "Chuyên đề năm 2024",
        key: "link",
        choices: &[],
    },
    Column {
        header_vi: "Tình trạng",
        header_en: "Status",
        required: true,
        format: Format::Choice,
        description_vi: "«Đăng ký», «Đang thực hiện», «Được công nhận» hoặc «Được nhân rộng».",
        description_en: "«Đăng ký» (registered), «Đang thực hiện» (in progress), «Được công nhận» \
                         (recognised) or «Được nhân rộng» (replicated).",
        example: "Đang thực hiện",
        key: "status",
        choices: STATUSES,
    },
    Column {
        header_vi: "Ngày công nhận",
        header_en: "Recognised on",
        required: false,
        format: Format::Date,
        description_vi: "Ngày mô hình được công nhận, biểu dương; bắt buộc khi đã được công nhận.",
        description_en: "Day the model was recognised; required once it is.",
        example: "",
        key: "recognised_on",
        choices: &[],
    },
];

static RESULT_COLUMNS: &[Column] = &[
    MODEL_CODE,
    Column {
        header_vi: "Chỉ tiêu",
        header_en: "Indicator",
        required: true,
        format: Format::Text,
        description_vi: "Kết quả đo được: «Quà tặng hộ nghèo», «Đất hiến làm đường», «Ngày công»…",
        description_en: "What was measured.",
        example: "Đất hiến làm đường",
        key: "indicator",
        choices: &[],
    },
    Column {
        header_vi: "Số lượng",
        header_en: "Amount",
        required: true,
        format: Format::Count,
        description_vi: "Số đo được, số nguyên (tiền ghi bằng đồng: 4.000.000.000).",
        description_en: "The amount, a whole number (money in đồng: 4.000.000.000).",
        example: "5.200",
        key: "amount",
        choices: &[],
    },
    Column {
        header_vi: "Đơn vị tính",
        header_en: "Unit of measure",
        required: true,
        format: Format::Text,
        description_vi: "m², ngày công, phần quà, đồng, căn nhà…",
        description_en: "m², ngày công (workdays), phần quà (gifts), đồng, căn nhà (houses)…",
        example: "m²",
        key: "measure",
        choices: &[],
    },
    Column {
        header_vi: "Mức",
        header_en: "Qualifier",
        required: false,
        format: Format::Choice,
        description_vi: "«gần», «trên» hoặc «hơn» khi số là ước lượng; để trống khi chính xác.",
        description_en: "«gần» (nearly), «trên» (over) or «hơn» (more than) for an estimate; empty when exact.",
        example: "",
        key: "qualifier",
        choices: QUALIFIERS,
    },
    Column {
        header_vi: "Ngày ghi nhận",
        header_en: "Recorded on",
        required: true,
        format: Format::Date,
        description_vi: "Ngày ghi nhận kết quả (kết quả tính vào kỳ có ngày này).",
        description_en: "Day the result was recorded (it counts in the period holding this day).",
        example: "30/6/2024",
        key: "on",
        choices: &[],
    },
];

static REPLICATION_COLUMNS: &[Column] = &[
    MODEL_CODE,
    Column {
        header_vi: "Mã đơn vị nhân rộng",
        header_en: "Adopting unit",
        required: true,
        format: Format::Unit,
        description_vi: "Mã đơn vị áp dụng, nhân rộng mô hình.",
        description_en: "Code of the unit that adopted the model.",
        example: "CB-VP02",
        key: "unit",
        choices: &[],
    },
    Column {
        header_vi: "Ngày nhân rộng",
        header_en: "Adopted on",
        required: true,
        format: Format::Date,
        description_vi: "Ngày đơn vị bắt đầu áp dụng.",
        description_en: "Day the unit adopted it.",
        example: "1/9/2024",
        key: "on",
        choices: &[],
    },
    Column {
        header_vi: "Ghi chú",
        header_en: "Note",
        required: false,
        format: Format::Text,
        description_vi: "Ghi chú.",
        description_en: "Note.",
        example: "",
        key: "note",
        choices: &[],
    },
];

fn required(field: &str, value: &str, vi: &str, en: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::field(field, vi.to_string(), en.to_string()));
    }
    Ok(())
}

const RECOGNISED: &[&str] = &["recognised", "replicated"];

impl Record for Model {
    fn validate(&self) -> Result<()> {
        required("code", &self.code, "Cần nhập mã mô hình", "The model needs a code")?;
        required("name", &self.name, "Cần nhập tên mô hình", "The model needs a name")?;
        required("unit", &self.unit, "Cần chọn đơn vị sở hữu", "Choose the owner unit")?;
        text::check_all([
            ("code", self.code.as_str(), Text::Code),
            ("name", &self.name, Text::Name),
            ("field", &self.field, Text::Name),
            ("unit", &self.unit, Text::Code),
            ("person", &self.person, Text::Name),
            ("link", &self.link, Text::Name),
        ])?;
        one_of("kind", &self.kind, KINDS)?;
        one_of("status", &self.status, STATUSES)?;
        match self.recognised_on {
            None if RECOGNISED.contains(&self.status.as_str()) => Err(Error::field(
                "recognised_on",
                "Mô hình đã được công nhận: cần nhập ngày công nhận",
                "A recognised model needs the day it was recognised",
            )),
            Some(d) if d < self.registered_on => Err(Error::field(
                "recognised_on",
                "Ngày công nhận trước ngày đăng ký",
                "Recognised before it was registered",
            )),
            _ => Ok(()),
        }
    }

    fn facts(&self, own: Id, _: Lookup) -> Vec<Fact> {
        let mut out = vec![Fact::one(own, self.registered_on, "models.registered")];
        if !self.field.is_empty() {
            out.push(Fact::one(own, self.registered_on, format!("models.field\u{1f}{}", self.field)));
        }
        if let Some(d) = self.recognised_on.filter(|_| RECOGNISED.contains(&self.status.as_str())) {
            out.push(Fact::one(own, d, "models.recognised"));
        }
        out
    }
}

impl Record for ModelResult {
    fn validate(&self) -> Result<()> {
        required("model", &self.model, "Cần nhập mã mô hình", "Name the model")?;
        required("indicator", &self.indicator, "Cần nhập chỉ tiêu", "Name what was measured")?;
        required("measure", &self.measure, "Cần nhập đơn vị tính", "Give the unit of measure")?;
        text::check_all([
            ("model", self.model.as_str(), Text::Code),
            ("indicator", &self.indicator, Text::Name),
            ("measure", &self.measure, Text::Name),
        ])?;
        one_of("qualifier", &self.qualifier, QUALIFIERS)?;
        if self.amount < 0 {
            return Err(Error::field("amount", "Số lượng không thể âm", "The amount cannot be negative"));
        }
        Ok(())
    }

    fn facts(&self, own: Id, _: Lookup) -> Vec<Fact> {
        let key = format!("models.result\u{1f}{}\u{1f}{}\u{1f}{}", self.indicator, self.measure, self.qualifier);
        vec![Fact { amount: self.amount, ..Fact::one(own, self.on, key) }]
    }
}

impl Record for Replication {
    fn validate(&self) -> Result<()> {
        required("model", &self.model, "Cần nhập mã mô hình", "Name the model")?;
        required("unit", &self.unit, "Cần chọn đơn vị nhân rộng", "Choose the adopting unit")?;
        text::check_all([
            ("model", self.model.as_str(), Text::Code),
            ("unit", &self.unit, Text::Code),
            ("note", &self.note, Text::Free),
        ])
    }

    fn facts(&self, own: Id, _: Lookup) -> Vec<Fact> {
        vec![Fact { distinct: Some(vn::fold(&self.model)), ..Fact::one(own, self.on, "models.replicated") }]
    }
}

pub static MODELS: RecordSpec = RecordSpec {
    slug: "models",
    entity: "model",
    title_vi: "Mô hình, cách làm hay",
    title_en: "Good models and ways of doing",
    columns: MODEL_COLUMNS,
    key: &["code"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "name",
    personal: &["person"],
    check: check::<Model>,
    facts: facts::<Model>,
};

pub static RESULTS: RecordSpec = RecordSpec {
    slug: "model_results",
    entity: "model_result",
    title_vi: "Kết quả của mô hình",
    title_en: "Results of models",
    columns: RESULT_COLUMNS,
    key: &["model", "indicator", "measure", "on"],
    owner: Owner::Parent,
    parent: Some(Parent { slug: "models", column: "model" }),
    title_column: "indicator",
    personal: &[],
    check: check::<ModelResult>,
    facts: facts::<ModelResult>,
};

pub static REPLICATIONS: RecordSpec = RecordSpec {
    slug: "model_replications",
    entity: "model_replication",
    title_vi: "Nhân rộng mô hình",
    title_en: "Replications of models",
    columns: REPLICATION_COLUMNS,
    key: &["model", "unit"],
    owner: Owner::Unit("unit"),
    parent: Some(Parent { slug: "models", column: "model" }),
    title_column: "model",
    personal: &[],
    check: check::<Replication>,
    facts: facts::<Replication>,
};

pub static SECTION: Section = Section {
    slug: "models",
    title_vi: "Mô hình, cách làm hay",
    title_en: "Good models and ways of doing",
    kinds: &[&MODELS, &RESULTS, &REPLICATIONS],
    catalogue: None,
    figures: section_figures,
    by_child: &["models.registered", "models.recognised", "models.replicated"],
};

fn section_figures(t: &Totals, _: &[serde_json::Value]) -> Vec<Figure> {
    let get = |k: &str| t.get(k).copied().unwrap_or_default();
    let count = Figure::count;
    let registered = get("models.registered").sum;
    let recognised = get("models.recognised").sum;
    let replicated = get("models.replicated");
    let mut out = vec![
        count(
            "models.registered",
            "Mô hình, cách làm đăng ký xây dựng",
            "Models registered",
            registered,
            "mô hình",
            "models",
        ),
        count("models.recognised", "Mô hình được công nhận", "Models recognised", recognised, "mô hình", "models"),
        count("models.replicated", "Lượt nhân rộng", "Adoptions", replicated.sum, "lượt", "adoptions"),
        count(
            "models.replicated_models",
            "Mô hình được nhân rộng (không tính trùng)",
            "Distinct models replicated",
            replicated.distinct as i64,
            "mô hình",
            "models",
        ),
    ];
    // "xây dựng, nhân rộng được 140 mô hình": the sum of two figures, labelled as such.
    out.push(Figure {
        text_vi: format!(
            "{} ({} xây dựng + {} lượt nhân rộng)",
            vn::fmt_int(registered + replicated.sum),
            vn::fmt_int(registered),
            vn::fmt_int(replicated.sum)
        ),
        text_en: format!(
            "{} ({} built + {} adoptions)",
            vn::fmt_int(registered + replicated.sum),
            vn::fmt_int(registered),
            vn::fmt_int(replicated.sum)
        ),
        ..count(
            "models.built_and_replicated",
            "Xây dựng, nhân rộng",
            "Built and replicated",
            registered + replicated.sum,
            "",
            "",
        )
    });
    // Results: one figure per (indicator, unit of measure), whatever the qualifiers.
    let mut results: BTreeMap<(&str, &str), (i64, Vec<&str>)> = BTreeMap::new();
    for (key, total) in t.range("models.result\u{1f}".to_string()..) {
        let Some(rest) = key.strip_prefix("models.result\u{1f}") else { break };
        let mut parts = rest.split('\u{1f}');
        let (Some(indicator), Some(measure), qualifier) = (parts.next(), parts.next(), parts.next().unwrap_or(""))
        else {
            continue;
        };
        let e = results.entry((indicator, measure)).or_default();
        e.0 += total.sum;
        e.1.push(qualifier);
    }
    // In Vietnamese order of the indicator's name.
    let mut results: Vec<_> = results.into_iter().collect();
    results.sort_by_cached_key(|((indicator, measure), _)| (vn::sort_key(indicator), vn::sort_key(measure)));
    for ((indicator, measure), (sum, qualifiers)) in results {
        let text = amount_text(sum_qualifier(qualifiers), sum, measure);
        out.push(Figure {
            key: format!("models.result\u{1f}{indicator}\u{1f}{measure}"),
            label_vi: format!("Kết quả: {indicator}"),
            label_en: format!("Result: {indicator}"),
            value: sum,
            text_vi: text.clone(),
            text_en: text,
        });
    }
    let mut fields: Vec<(&str, i64)> = Vec::new();
    for (key, total) in t.range("models.field\u{1f}".to_string()..) {
        let Some(field) = key.strip_prefix("models.field\u{1f}") else { break };
        fields.push((field, total.sum));
    }
    fields.sort_by_cached_key(|(field, _)| vn::sort_key(field));
    for (field, n) in fields {
        let key = format!("models.field\u{1f}{field}");
        out.push(count(&key, &format!("Lĩnh vực: {field}"), &format!("Field: {field}"), n, "mô hình", "models"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model {
            code: "MH-1".into(),
            name: "Dân vận khéo".into(),
            kind: "mo_hinh".into(),
            field: "Tuyên truyền, vận động".into(),
            unit: "CB-1".into(),
            person: String::new(),
            registered_on: NaiveDate::from_ymd_opt(2024, 3, 15).unwrap(),
            link: String::new(),
            status: "recognised".into(),
            recognised_on: NaiveDate::from_ymd_opt(2024, 12, 1),
        }
    }

    #[test]
    fn a_recognised_model_needs_its_day() {
        assert!(model().validate().is_ok());
        let e = Model { recognised_on: None, ..model() }.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("recognised_on"));
        let e = Model { kind: "x".into(), ..model() }.validate().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("kind"));
    }

    #[test]
    fn results_sum_by_indicator_and_measure_keeping_the_qualifier() {
        let mut t = Totals::new();
        let add = |t: &mut Totals, q: &str, n: i64| {
            t.entry(format!("models.result\u{1f}Quà\u{1f}đồng\u{1f}{q}")).or_default().sum += n;
        };
        add(&mut t, "trên", 3_000_000_000);
        add(&mut t, "", 1_000_000_000);
        t.insert("models.registered".into(), super::super::Total { sum: 12, count: 12, distinct: 0 });
        let f = section_figures(&t, &[]);
        let money = f.iter().find(|f| f.key == "models.result\u{1f}Quà\u{1f}đồng").unwrap();
        assert_eq!(money.text_vi, "trên 4 tỉ đồng");
        assert_eq!(f[0].text_vi, "12 mô hình");
    }
}
