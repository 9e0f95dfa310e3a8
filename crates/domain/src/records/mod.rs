//! Record kinds: the records a unit keeps that the reports count (good models and their
//! results and replications, …), described as data in one registry that every layer reads —
//! the import and export (columns), the forms (fields), the API and its OpenAPI document
//! (the JSON schema), the audit (entity), the roll-up index (facts) and the unit page's
//! sections (figures).
//!
//! A kind is one module here: its typed row (`Record`), the checks the form, the API and the
//! import all call, the facts it adds to the figures, and the sentences those figures print
//! in. Adding a kind is adding that module and its line in `SECTIONS`.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::columns::Column;
use crate::{Error, Id, Result};

pub mod articles;
pub mod indicators;
pub mod inspections;
pub mod models;
pub mod recognitions;

/// A typed record of a kind.
pub trait Record: Serialize + DeserializeOwned + JsonSchema {
    /// Puts values in their one spelling before the checks ("Quý 2/2025" → "Q2/2025"), so
    /// that the key is the same however it was written.
    fn normalize(&mut self) {}

    /// The checks of one record, for the form, the API and the import alike.
    fn validate(&self) -> Result<()>;

    /// What the record adds to the figures. `own` is the unit the record belongs to;
    /// `lookup` finds a catalogue record it depends on (a value's indicator).
    fn facts(&self, own: Id, lookup: Lookup) -> Vec<Fact>;
}

/// One thing a record counts: `amount` under `key`, at a unit, on a day; `distinct` is a
/// token counted once however many facts carry it (a model replicated twice is one model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub unit_id: Id,
    pub on: NaiveDate,
    pub key: String,
    pub amount: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinct: Option<String>,
    /// A fact of a span of days (a quarter's value) counts only in a period holding all of
    /// them, from `on` to this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    /// A level, not a flow (the villages of a commune): over several periods only a unit's
    /// latest fact under the key counts, not their sum.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub latest: bool,
}

impl Fact {
    pub fn one(unit_id: Id, on: NaiveDate, key: impl Into<String>) -> Fact {
        Fact { unit_id, on, key: key.into(), amount: 1, distinct: None, until: None, latest: false }
    }
}

/// The facts of a subtree and period, summed by key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Total {
    /// The amounts added up.
    pub sum: i64,
    /// How many facts.
    pub count: u64,
    /// How many distinct tokens (facts without one are not counted here).
    pub distinct: u64,
}

pub type Totals = BTreeMap<String, Total>;

/// A figure as the unit page prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Figure {
    /// Stable name of the figure ("models.registered"), for programs.
    pub key: String,
    pub label_vi: String,
    pub label_en: String,
    pub value: i64,
    /// The value with its counting word and qualifier: "trên 4 tỉ đồng", "12 mô hình".
    pub text_vi: String,
    pub text_en: String,
}

/// Whose scope a record falls in, and which unit its facts count under by default.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    /// The unit named in this column.
    Unit(&'static str),
    /// The unit of the parent record (see `Parent`).
    Parent,
}

/// A record that hangs under a record of another kind, named by that record's key.
#[derive(Debug, Clone, Copy)]
pub struct Parent {
    pub slug: &'static str,
    /// The column holding the parent's key.
    pub column: &'static str,
}

/// Finds a catalogue record by kind and folded key (a value's indicator), for facts that
/// depend on it.
pub type Lookup<'a> = &'a dyn Fn(&str, &str) -> Option<Value>;

/// A kind of record, as every layer reads it.
pub struct RecordSpec {
    /// Stable name in URLs, file names and the API ("models").
    pub slug: &'static str,
    /// The name of the record in the audit log ("model").
    pub entity: &'static str,
    pub title_vi: &'static str,
    pub title_en: &'static str,
    pub columns: &'static [Column],
    /// The columns whose values together name the record: an import of a row with the same
    /// values changes that record.
    pub key: &'static [&'static str],
    pub owner: Owner,
    pub parent: Option<Parent>,
    /// The column shown as the record's name in lists.
    pub title_column: &'static str,
    /// Columns that hold people's personal data (names, card numbers): blank for accounts
    /// that may not see other people's, and the kind's export is theirs to refuse.
    pub personal: &'static [&'static str],
    /// Reads a record from JSON, checks it and gives it back in its normal form.
    pub check: fn(&Value) -> Result<Value>,
    pub facts: fn(&Value, Id, Lookup) -> Vec<Fact>,
}

impl std::fmt::Debug for RecordSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug)
    }
}

impl PartialEq for RecordSpec {
    fn eq(&self, other: &Self) -> bool {
        self.slug == other.slug
    }
}

impl Eq for RecordSpec {}

impl std::hash::Hash for RecordSpec {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.slug.hash(state)
    }
}

impl RecordSpec {
    pub fn column(&self, key: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// The record's key as stored: its key columns' values, folded so that case and accents
    /// do not make two records of one.
    pub fn natural_key(&self, v: &Value) -> String {
        let part = |k: &&str| match v.get(*k) {
            Some(Value::String(s)) => crate::vn::fold(s),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        // A folded value holds no control character (the text checks refuse them).
        self.key.iter().map(part).collect::<Vec<_>>().join("\u{1f}")
    }

    /// The record's name in lists.
    pub fn title_of(&self, v: &Value) -> String {
        v.get(self.title_column).and_then(Value::as_str).unwrap_or_default().to_string()
    }

    /// The unit code the record belongs to, when a column names it.
    pub fn owner_code<'a>(&self, v: &'a Value) -> Option<&'a str> {
        match self.owner {
            Owner::Unit(column) => v.get(column).and_then(Value::as_str),
            Owner::Parent => None,
        }
    }

    /// The JSON schema of a record of this kind, from its columns (for the OpenAPI
    /// document): what a form or a file may hold, as JSON.
    pub fn json_schema(&self) -> Value {
        use crate::columns::Format;
        let code = r"^[^\s\x00-\x1f\x7f-\x9f]+$";
        let (line, given) =
            (r"^[^\x00-\x1f\x7f-\x9f]*$", r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$");
        let mut properties = serde_json::Map::new();
        for c in self.columns {
            let text =
                |max: usize, pattern: &str| serde_json::json!({"type": "string", "maxLength": max, "pattern": pattern});
            let schema = match c.format {
                Format::Code | Format::Unit => text(64, code),
                Format::Text => text(500, if c.required { given } else { line }),
                Format::List | Format::Units => serde_json::json!({"type": "array", "items": text(64, code)}),
                Format::Date if c.required => serde_json::json!({"type": "string", "format": "date"}),
                Format::Date => serde_json::json!({"type": ["string", "null"], "format": "date"}),
                Format::Count => serde_json::json!({"type": "integer", "minimum": 0, "maximum": (1i64 << 53) - 1}),
                Format::Month => serde_json::json!({"type": "integer"}),
                Format::YesNo => serde_json::json!({"type": "boolean"}),
                Format::Choice => {
                    serde_json::json!({"type": "string", "enum": c.choices.iter().map(|x| x.value).collect::<Vec<_>>()})
                }
                Format::Listed => text(64, line),
            };
            let mut schema = schema;
            schema["description"] = format!("{} / {}", c.description_vi, c.description_en).into();
            properties.insert(c.key.to_string(), schema);
        }
        let required: Vec<&str> = self.columns.iter().filter(|c| c.required).map(|c| c.key).collect();
        serde_json::json!({"type": "object", "title": self.title_en, "properties": properties, "required": required})
    }

    /// The parent's key as stored (folded), when the kind has a parent.
    pub fn parent_key(&self, v: &Value) -> Option<String> {
        let p = self.parent?;
        Some(crate::vn::fold(v.get(p.column).and_then(Value::as_str).unwrap_or_default()))
    }
}

/// `RecordSpec::check` for the record type `R`.
pub fn check<R: Record>(v: &Value) -> Result<Value> {
    let mut r: R = serde_json::from_value(v.clone()).map_err(|e| {
        // serde names the field in its message ("missing field `name`", "unknown variant").
        Error::msg(crate::ErrorCode::InvalidInput, format!("Dữ liệu không hợp lệ: {e}"), format!("Invalid record: {e}"))
    })?;
    r.normalize();
    r.validate()?;
    serde_json::to_value(&r).map_err(Error::internal)
}

/// `RecordSpec::facts` for the record type `R`.
pub fn facts<R: Record>(v: &Value, own: Id, lookup: Lookup) -> Vec<Fact> {
    serde_json::from_value::<R>(v.clone()).map(|r| r.facts(own, lookup)).unwrap_or_default()
}

/// A value of a choice column must be one of its choices (the kinds' checks).
pub(crate) fn one_of(field: &str, value: &str, choices: &[crate::columns::Choice]) -> Result<()> {
    if choices.iter().any(|c| c.value == value) {
        return Ok(());
    }
    let list =
        choices.iter().filter(|c| !c.value.is_empty()).map(|c| format!("«{}»", c.vi)).collect::<Vec<_>>().join(", ");
    Err(Error::field(field, format!("Giá trị «{value}» không hợp lệ: chọn {list}"), format!("Invalid value «{value}»")))
}

/// A field that must not be blank.
pub(crate) fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::field(field, "Cần nhập giá trị", "A value is required"));
    }
    Ok(())
}

/// A column whose descriptions are its headers and which has no example or choices; the
/// kinds spread it (`..column(…)`) and say what more it needs.
pub(crate) const fn column(
    key: &'static str,
    header_vi: &'static str,
    header_en: &'static str,
    format: crate::columns::Format,
    required: bool,
) -> Column {
    Column {
        header_vi,
        header_en,
        required,
        format,
        description_vi: header_vi,
        description_en: header_en,
        example: "",
        key,
        choices: &[],
    }
}

impl Figure {
    /// A count with its counting word: "12 mô hình" / "12 models".
    pub fn count(key: &str, label_vi: &str, label_en: &str, n: i64, word_vi: &str, word_en: &str) -> Figure {
        Figure {
            key: key.into(),
            label_vi: label_vi.into(),
            label_en: label_en.into(),
            value: n,
            text_vi: format!("{} {word_vi}", crate::vn::fmt_int(n)),
            text_en: format!("{} {word_en}", crate::vn::fmt_int(n)),
        }
    }
}

/// A section of the unit page: related kinds and the figures their facts make.
pub struct Section {
    pub slug: &'static str,
    pub title_vi: &'static str,
    pub title_en: &'static str,
    /// The kinds, the main one first.
    pub kinds: &'static [&'static RecordSpec],
    /// The kind whose records the figures read as their catalogue (the indicators a
    /// province counts), given to `figures` as JSON; none for the others.
    pub catalogue: Option<&'static RecordSpec>,
    pub figures: fn(&Totals, &[Value]) -> Vec<Figure>,
    /// The figures that the table by child unit shows (keys of `figures`' answer).
    pub by_child: &'static [&'static str],
}

/// Every section, in the unit page's order.
pub static SECTIONS: &[&Section] =
    &[&models::SECTION, &recognitions::SECTION, &inspections::SECTION, &indicators::SECTION, &articles::SECTION];

/// Every record kind.
pub fn kinds() -> impl Iterator<Item = &'static RecordSpec> {
    SECTIONS.iter().flat_map(|s| s.kinds.iter().copied())
}

pub fn kind(slug: &str) -> Option<&'static RecordSpec> {
    kinds().find(|k| k.slug == slug)
}

/// An amount with its qualifier and counting word: "trên 4 tỉ đồng", "1.438 ngày công".
/// Money (đồng) is written in triệu or tỉ from a million up.
pub fn amount_text(qualifier: &str, amount: i64, measure: &str) -> String {
    let number = if measure == "đồng" && amount.abs() >= 1_000_000 {
        let (scale, word) =
            if amount.abs() >= 1_000_000_000 { (1_000_000_000, "tỉ") } else { (1_000_000, "triệu") };
        // Two decimals at most, without trailing zeros: 1.180.000.000 -> "1,18 tỉ".
        let hundredths = (amount as i128 * 100 + scale as i128 / 2) / scale as i128;
        let (whole, frac) = (hundredths / 100, hundredths % 100);
        let frac = match frac {
            0 => String::new(),
            f if f % 10 == 0 => format!(",{}", f / 10),
            f => format!(",{f:02}"),
        };
        format!("{}{frac} {word}", crate::vn::fmt_int(whole as i64))
    } else {
        crate::vn::fmt_int(amount)
    };
    [qualifier, &number, measure].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// The qualifier of a sum of parts with these qualifiers ("" for an exact part): exact when
/// all are; a lower bound ("trên", or "hơn" when all say so) when every approximate part is
/// one; "gần" when every approximate part is; otherwise "khoảng".
pub fn sum_qualifier<'a>(parts: impl IntoIterator<Item = &'a str>) -> &'static str {
    let (mut above, mut hon, mut below) = (false, true, false);
    for q in parts {
        match q {
            "" => {}
            "trên" => (above, hon) = (true, false),
            "hơn" => above = true,
            "gần" => below = true,
            _ => return "khoảng",
        }
    }
    match (above, below) {
        (false, false) => "",
        (true, false) if hon => "hơn",
        (true, false) => "trên",
        (false, true) => "gần",
        (true, true) => "khoảng",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_in_trieu_and_ti() {
        assert_eq!(amount_text("trên", 4_000_000_000, "đồng"), "trên 4 tỉ đồng");
        assert_eq!(amount_text("gần", 1_200_000_000, "đồng"), "gần 1,2 tỉ đồng");
        assert_eq!(amount_text("", 1_180_000_000, "đồng"), "1,18 tỉ đồng");
        assert_eq!(amount_text("", 350_000_000, "đồng"), "350 triệu đồng");
        assert_eq!(amount_text("", 500_000, "đồng"), "500.000 đồng");
        assert_eq!(amount_text("gần", 10_000, "phần quà"), "gần 10.000 phần quà");
        assert_eq!(amount_text("", 5_200, "m²"), "5.200 m²");
    }

    #[test]
    fn a_sum_with_approximate_parts_stays_approximate() {
        assert_eq!(sum_qualifier(["", ""]), "");
        assert_eq!(sum_qualifier(["", "trên"]), "trên");
        assert_eq!(sum_qualifier(["hơn", "hơn", ""]), "hơn");
        assert_eq!(sum_qualifier(["hơn", "trên"]), "trên");
        assert_eq!(sum_qualifier(["gần", ""]), "gần");
        assert_eq!(sum_qualifier(["gần", "trên"]), "khoảng");
    }

    #[test]
    fn every_kind_names_its_key_owner_and_parent_columns() {
        for k in kinds() {
            for c in k.key.iter().chain([&k.title_column]) {
                assert!(k.column(c).is_some(), "{}: no column {c}", k.slug);
            }
            if let Owner::Unit(c) = k.owner {
                assert!(k.column(c).is_some(), "{}: no owner column {c}", k.slug);
            }
            if let Some(p) = k.parent {
                assert!(kind(p.slug).is_some() && k.column(p.column).is_some(), "{}: parent", k.slug);
            }
            assert!(k.columns.iter().all(|c| !c.key.is_empty()), "{}: a column without a key", k.slug);
        }
    }
}
