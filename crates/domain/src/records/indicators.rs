//! Propaganda output and other counted facts (chỉ tiêu tổng hợp), as data, the way DHIS2
//! keeps aggregate data sets: indicators (name, counting word, whether it counts people
//! reached, the total it breaks down, a denominator), grouped in forms that a department
//! assigns to units with a period type; a unit enters its values for a period.
//!
//! Figures ("4.650 buổi chiếu phim lưu động tại 2.000 điểm chiếu … trên 370.000 lượt người
//! xem"; "145/231 thôn, bản có chi bộ độc lập … đạt 63%"): each indicator's values summed
//! over the subtree, counting a value only in a period that holds its whole period (a
//! quarter's value is in the year, not in one of its months); approximate parts keep the
//! sum approximate; a ratio is the summed numerators over the summed denominators.
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    amount_text, check, column, facts, one_of, required, sum_qualifier, Fact, Figure, Lookup, Owner, Record,
    RecordSpec, Section, Totals,
};
use crate::columns::{Choice, Column, Format};
use crate::period::parse_report_period;
use crate::text::{self, Text};
use crate::{vn, Error, Id, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    /// The counting word: "tin, bài", "buổi", "lượt người xem", "cuốn"…
    pub word: String,
    /// Counts people reached (lượt), not items: never added to a count of items.
    #[serde(default)]
    pub audience: bool,
    /// A level at the end of the period (the villages of a commune), not a count of what
    /// happened in it: over several periods a unit's latest value counts, not their sum.
    #[serde(default)]
    pub stock: bool,
    /// The indicator this one breaks down (a part never exceeds its total).
    #[serde(default)]
    pub part_of: String,
    /// The indicator this one is a share of ("145/231 thôn, bản").
    #[serde(default)]
    pub denominator: String,
    /// The unit (department) that defines it.
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorForm {
    pub code: String,
    pub name: String,
    /// "month", "quarter", "half" or "year".
    pub period_type: String,
    /// The indicators' codes, in the form's order.
    pub indicators: Vec<String>,
    /// The units that report on it.
    pub units: Vec<String>,
    /// The unit (department) that assigns it.
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IndicatorValue {
    pub unit: String,
    /// "5/2025", "Q2/2025", "H1/2025" or "2025".
    pub period: String,
    pub indicator: String,
    pub value: i64,
    /// "", "gần", "trên" or "hơn".
    #[serde(default)]
    pub qualifier: String,
}

const PERIOD_TYPES: &[Choice] = &[
    Choice { value: "month", vi: "Tháng", en: "Month" },
    Choice { value: "quarter", vi: "Quý", en: "Quarter" },
    Choice { value: "half", vi: "6 tháng", en: "Half-year" },
    Choice { value: "year", vi: "Năm", en: "Year" },
];

const QUALIFIERS: &[Choice] = &[
    Choice { value: "", vi: "", en: "" },
    Choice { value: "gần", vi: "gần", en: "nearly" },
    Choice { value: "trên", vi: "trên", en: "over" },
    Choice { value: "hơn", vi: "hơn", en: "more than" },
];

const OWNER: Column = Column {
    description_vi: "Mã đơn vị (ban tuyên giáo, cấp ủy) định nghĩa, giao chỉ tiêu.",
    description_en: "Code of the unit (department, committee) that defines it.",
    example: "LCH",
    ..column("unit", "Đơn vị định nghĩa", "Defining unit", Format::Unit, true)
};

static INDICATOR_COLUMNS: &[Column] = &[
    Column { example: "TT-CHIEUPHIM", ..column("code", "Mã chỉ tiêu", "Indicator code", Format::Code, true) },
    Column { example: "Buổi chiếu phim lưu động", ..column("name", "Tên chỉ tiêu", "Name", Format::Text, true) },
    Column {
        description_vi: "Từ chỉ đơn vị đếm: tin, bài; buổi; lượt người xem; cuốn…",
        description_en: "The counting word: tin, bài; buổi; lượt người xem; cuốn…",
        example: "buổi",
        ..column("word", "Đơn vị đếm", "Counting word", Format::Text, true)
    },
    Column {
        description_vi: "«Có» khi chỉ tiêu đếm lượt người (khán giả, người nghe), không phải số sản phẩm.",
        description_en: "«Có» when it counts people reached (audience), not items.",
        ..column("audience", "Là lượt người", "Counts people reached", Format::YesNo, false)
    },
    Column {
        description_vi: "«Có» khi chỉ tiêu là số hiện có cuối kỳ (số thôn, bản…): qua nhiều kỳ lấy số của kỳ sau cùng, không cộng dồn.",
        description_en: "«Có» when it is a level at the period's end (villages…): over several periods the latest counts, not the sum.",
        ..column("stock", "Là số hiện có", "A level, not a flow", Format::YesNo, false)
    },
    Column {
        description_vi: "Mã chỉ tiêu tổng mà chỉ tiêu này là một phần (ví dụ buổi biểu diễn ở vùng sâu, vùng xa); không vượt tổng.",
        description_en: "Code of the total this indicator breaks down; a part never exceeds its total.",
        ..column("part_of", "Thuộc chỉ tiêu", "Part of", Format::Code, false)
    },
    Column {
        description_vi: "Mã chỉ tiêu mẫu số, khi chỉ tiêu là một tỷ lệ (ví dụ thôn có chi bộ độc lập / tổng số thôn).",
        description_en: "Code of the denominator, when the indicator is a share of another.",
        ..column("denominator", "Mẫu số", "Denominator", Format::Code, false)
    },
    OWNER,
];

static FORM_COLUMNS: &[Column] = &[
    Column { example: "BM-TUYENTRUYEN", ..column("code", "Mã biểu mẫu", "Form code", Format::Code, true) },
    Column {
        example: "Kết quả công tác tuyên truyền", ..column("name", "Tên biểu mẫu", "Name", Format::Text, true)
    },
    Column {
        description_vi: "«Tháng», «Quý», «6 tháng» hoặc «Năm».",
        description_en: "«Tháng» (month), «Quý» (quarter), «6 tháng» (half-year) or «Năm» (year).",
        example: "Quý",
        choices: PERIOD_TYPES,
        ..column("period_type", "Kỳ báo cáo", "Period type", Format::Choice, true)
    },
    Column {
        description_vi: "Mã các chỉ tiêu của biểu mẫu, theo thứ tự, phân cách bằng dấu chấm phẩy.",
        description_en: "Codes of the form's indicators, in order, separated by semicolons.",
        example: "TT-CHIEUPHIM; TT-NGUOIXEM",
        ..column("indicators", "Các chỉ tiêu", "Indicators", Format::List, true)
    },
    Column {
        description_vi: "Mã các đơn vị phải nhập biểu mẫu, phân cách bằng dấu chấm phẩy.",
        description_en: "Codes of the units that report on the form, separated by semicolons.",
        example: "DB-XA01; DB-XA02",
        ..column("units", "Đơn vị báo cáo", "Reporting units", Format::Units, false)
    },
    OWNER,
];

static VALUE_COLUMNS: &[Column] = &[
    Column {
        description_vi: "Mã đơn vị báo cáo.",
        description_en: "Code of the reporting unit.",
        example: "DB-XA01",
        ..column("unit", "Mã đơn vị", "Unit code", Format::Unit, true)
    },
    Column {
        description_vi: "Kỳ: tháng «5/2025», quý «Quý 2/2025», 6 tháng «6 tháng đầu năm 2025», năm «2025».",
        description_en: "Period: a month «5/2025», a quarter «Q2/2025», a half «H1/2025», a year «2025».",
        example: "Q2/2025",
        ..column("period", "Kỳ", "Period", Format::Text, true)
    },
    Column { example: "TT-CHIEUPHIM", ..column("indicator", "Mã chỉ tiêu", "Indicator code", Format::Code, true) },
    Column { example: "12", ..column("value", "Giá trị", "Value", Format::Count, true) },
    Column {
        description_vi: "«gần», «trên» hoặc «hơn» khi số là ước lượng; để trống khi chính xác.",
        description_en: "«gần» (nearly), «trên» (over) or «hơn» (more than) for an estimate; empty when exact.",
        choices: QUALIFIERS,
        ..column("qualifier", "Mức", "Qualifier", Format::Choice, false)
    },
];

impl Record for Indicator {
    fn validate(&self) -> Result<()> {
        required("name", &self.name)?;
        required("word", &self.word)?;
        text::check_all([
            ("code", self.code.as_str(), Text::Code),
            ("name", &self.name, Text::Name),
            ("word", &self.word, Text::Name),
            ("part_of", &self.part_of, Text::Code),
            ("denominator", &self.denominator, Text::Code),
            ("unit", &self.unit, Text::Code),
        ])?;
        if vn::fold(&self.part_of) == vn::fold(&self.code) && !self.part_of.is_empty() {
            return Err(Error::field(
                "part_of",
                "Chỉ tiêu không thể là một phần của chính nó",
                "An indicator cannot be part of itself",
            ));
        }
        Ok(())
    }

    fn facts(&self, _: Id, _: Lookup) -> Vec<Fact> {
        vec![]
    }
}

impl Record for IndicatorForm {
    fn validate(&self) -> Result<()> {
        required("name", &self.name)?;
        text::check_all([
            ("code", self.code.as_str(), Text::Code),
            ("name", &self.name, Text::Name),
            ("unit", &self.unit, Text::Code),
        ])?;
        one_of("period_type", &self.period_type, PERIOD_TYPES)?;
        self.indicators.iter().try_for_each(|c| Text::Code.check("indicators", c))?;
        self.units.iter().try_for_each(|c| Text::Code.check("units", c))?;
        if self.indicators.is_empty() {
            return Err(Error::field("indicators", "Biểu mẫu cần ít nhất một chỉ tiêu", "A form needs an indicator"));
        }
        Ok(())
    }

    fn facts(&self, _: Id, _: Lookup) -> Vec<Fact> {
        vec![]
    }
}

impl Record for IndicatorValue {
    fn normalize(&mut self) {
        if let Some((_, canonical, _)) = parse_report_period(&self.period) {
            self.period = canonical;
        }
    }

    fn validate(&self) -> Result<()> {
        text::check_all([("unit", self.unit.as_str(), Text::Code), ("indicator", &self.indicator, Text::Code)])?;
        if parse_report_period(&self.period).is_none() {
            return Err(Error::field(
                "period",
                format!("Kỳ «{}» không hợp lệ: cần tháng «5/2025», quý «Quý 2/2025», 6 tháng «6 tháng đầu năm 2025» hoặc năm «2025»", self.period),
                format!("Invalid period «{}»: expected «5/2025», «Q2/2025», «H1/2025» or «2025»", self.period),
            ));
        }
        if self.value < 0 {
            return Err(Error::field("value", "Giá trị không thể âm", "A value cannot be negative"));
        }
        one_of("qualifier", &self.qualifier, QUALIFIERS)
    }

    fn facts(&self, own: Id, lookup: Lookup) -> Vec<Fact> {
        let Some((_, _, p)) = parse_report_period(&self.period) else { return vec![] };
        let key = format!("indicators\u{1f}{}\u{1f}{}", vn::fold(&self.indicator), self.qualifier);
        let latest = lookup(INDICATORS.slug, &vn::fold(&self.indicator)).is_some_and(|i| i["stock"] == true);
        vec![Fact {
            amount: self.value,
            until: Some(p.to.last_day()),
            latest,
            ..Fact::one(own, p.from.first_day(), key)
        }]
    }
}

pub static INDICATORS: RecordSpec = RecordSpec {
    slug: "indicators",
    entity: "indicator",
    title_vi: "Chỉ tiêu tổng hợp",
    title_en: "Indicators",
    columns: INDICATOR_COLUMNS,
    key: &["code"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "name",
    personal: &[],
    check: check::<Indicator>,
    facts: facts::<Indicator>,
};

pub static FORMS: RecordSpec = RecordSpec {
    slug: "indicator_forms",
    entity: "indicator_form",
    title_vi: "Biểu mẫu chỉ tiêu",
    title_en: "Indicator forms",
    columns: FORM_COLUMNS,
    key: &["code"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "name",
    personal: &[],
    check: check::<IndicatorForm>,
    facts: facts::<IndicatorForm>,
};

pub static VALUES: RecordSpec = RecordSpec {
    slug: "indicator_values",
    entity: "indicator_value",
    title_vi: "Số liệu chỉ tiêu",
    title_en: "Indicator values",
    columns: VALUE_COLUMNS,
    key: &["unit", "period", "indicator"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "indicator",
    personal: &[],
    check: check::<IndicatorValue>,
    facts: facts::<IndicatorValue>,
};

pub static SECTION: Section = Section {
    slug: "indicators",
    title_vi: "Tuyên truyền và chỉ tiêu tổng hợp",
    title_en: "Propaganda output and other counted facts",
    kinds: &[&VALUES, &INDICATORS, &FORMS],
    catalogue: Some(&INDICATORS),
    figures: section_figures,
    by_child: &[],
};

/// An indicator's values summed, with the qualifier of the sum.
fn summed(t: &Totals, code: &str) -> Option<(i64, &'static str)> {
    let prefix = format!("indicators\u{1f}{}\u{1f}", vn::fold(code));
    let parts: Vec<(&str, i64)> = t
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, v)| (&k[prefix.len()..], v.sum))
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some((parts.iter().map(|p| p.1).sum(), sum_qualifier(parts.iter().map(|p| p.0))))
}

/// Each indicator of the catalogue with values in the subtree and period, in the
/// catalogue's order: "trên 370.000 lượt người xem"; a share as "145/231 thôn, bản (62,8%)".
fn section_figures(t: &Totals, catalogue: &[Value]) -> Vec<Figure> {
    let mut out = Vec::new();
    for v in catalogue {
        let Ok(i) = serde_json::from_value::<Indicator>(v.clone()) else { continue };
        let Some((sum, qualifier)) = summed(t, &i.code) else { continue };
        let (text_vi, text_en) = match (!i.denominator.is_empty()).then(|| summed(t, &i.denominator)).flatten() {
            Some((den, _)) => {
                let rate = vn::fmt_rate(sum.max(0) as u64, den.max(0) as u64);
                let s = format!("{}/{} {} ({rate})", vn::fmt_int(sum), vn::fmt_int(den), i.word);
                (s.clone(), s)
            }
            None => {
                let s = amount_text(qualifier, sum, &i.word);
                (s.clone(), s)
            }
        };
        let label = if i.part_of.is_empty() { i.name.clone() } else { format!("— trong đó: {}", i.name) };
        out.push(Figure {
            key: format!("indicators.{}", vn::fold(&i.code)),
            label_vi: label.clone(),
            label_en: label,
            value: sum,
            text_vi,
            text_en,
        });
    }
    out
}

/// The default form: the indicators the seed articles count, in their words.
pub fn default_catalogue(unit: &str) -> (Vec<Indicator>, IndicatorForm) {
    let i = |code: &str, name: &str, word: &str, audience: bool, part_of: &str, denominator: &str| Indicator {
        code: code.into(),
        name: name.into(),
        word: word.into(),
        audience,
        stock: code.starts_with("TT-THON"),
        part_of: part_of.into(),
        denominator: denominator.into(),
        unit: unit.into(),
    };
    let indicators = vec![
        i("TT-TINBAI", "Tin, bài, phóng sự tuyên truyền", "tin, bài, phóng sự", false, "", ""),
        i("TT-CHUYENMUC", "Chuyên mục phát thanh, truyền hình", "chuyên mục", false, "", ""),
        i("TT-CHIEUPHIM", "Buổi chiếu phim lưu động", "buổi", false, "", ""),
        i("TT-DIEMCHIEU", "Điểm chiếu phim", "điểm chiếu", false, "", ""),
        i("TT-NGUOIXEM", "Lượt người xem chiếu phim", "lượt người xem", true, "", ""),
        i("TT-BIEUDIEN", "Buổi biểu diễn văn nghệ", "buổi", false, "", ""),
        i("TT-BIEUDIEN-VUNGSAU", "Buổi biểu diễn ở vùng sâu, vùng xa, biên giới", "buổi", false, "TT-BIEUDIEN", ""),
        i("TT-BANGRON", "Băng rôn, khẩu hiệu", "lượt", false, "", ""),
        i("TT-PANO", "Cụm pa-nô", "cụm", false, "", ""),
        i("TT-CO", "Cờ các loại", "lượt", false, "", ""),
        i("TT-TRIENLAM", "Buổi triển lãm", "buổi", false, "", ""),
        i("TT-XETHONGTIN", "Lượt xe thông tin lưu động", "lượt", false, "", ""),
        i("TT-ANPHAM", "Ấn phẩm, tài liệu phát hành", "cuốn", false, "", ""),
        i("TT-NGUOIDUOCTUYENTRUYEN", "Lượt người được tuyên truyền", "lượt người", true, "", ""),
        i("TT-THON", "Thôn, bản", "thôn, bản", false, "", ""),
        i("TT-THON-CHIBO", "Thôn, bản có chi bộ độc lập", "thôn, bản", false, "", "TT-THON"),
    ];
    let form = IndicatorForm {
        code: "BM-TUYENTRUYEN".into(),
        name: "Kết quả công tác tuyên truyền học tập và làm theo Bác".into(),
        period_type: "quarter".into(),
        indicators: indicators.iter().map(|i| i.code.clone()).collect(),
        units: vec![],
        unit: unit.into(),
    };
    (indicators, form)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Total;

    #[test]
    fn a_share_is_the_summed_numerators_over_the_summed_denominators() {
        let (indicators, _) = default_catalogue("P");
        let catalogue: Vec<Value> = indicators.iter().map(|i| serde_json::to_value(i).unwrap()).collect();
        let mut t = Totals::new();
        let mut put = |code: &str, q: &str, n: i64| {
            t.insert(format!("indicators\u{1f}{}\u{1f}{q}", vn::fold(code)), Total { sum: n, count: 1, distinct: 0 });
        };
        put("TT-THON", "", 231);
        put("TT-THON-CHIBO", "", 145);
        put("TT-NGUOIXEM", "trên", 370_000);
        let f = section_figures(&t, &catalogue);
        let text =
            |k: &str| f.iter().find(|f| f.key == format!("indicators.{}", vn::fold(k))).map(|f| f.text_vi.clone());
        assert_eq!(text("TT-THON-CHIBO").as_deref(), Some("145/231 thôn, bản (62,8%)"));
        assert_eq!(text("TT-NGUOIXEM").as_deref(), Some("trên 370.000 lượt người xem"));
        assert_eq!(text("TT-CHIEUPHIM"), None, "no value, no figure");
    }

    #[test]
    fn a_value_counts_in_a_period_holding_its_whole_period() {
        let v = IndicatorValue {
            unit: "X".into(),
            period: "Quý 2/2025".into(),
            indicator: "A".into(),
            value: 3,
            qualifier: String::new(),
        };
        let mut n = v.clone();
        n.normalize();
        assert_eq!(n.period, "Q2/2025");
        let f = &n.facts(1, &|_, _| None)[0];
        assert_eq!(
            (f.on.to_string(), f.until.map(|d| d.to_string())),
            ("2025-04-01".into(), Some("2025-06-30".into()))
        );
    }
}
