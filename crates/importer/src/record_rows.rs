//! The rows of the record kinds (`lamtheo_domain::records`): read from a file, or from a
//! form's fields, into the kind's JSON by its columns; and written back into cells for an
//! export. The kind's own checks (`RecordSpec::check`) come after, in the service, for the
//! form, the API and the import alike.
use lamtheo_domain::columns::Format;
use lamtheo_domain::records::RecordSpec;
use lamtheo_domain::vn;
use serde_json::{Map, Value};

use crate::fields::Fields;
use crate::records::parse_with;
use crate::{Kind, Parsed, Reading, RowError};

/// One row of a record kind.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRow {
    pub row: usize,
    pub value: Value,
}

fn read(spec: &'static RecordSpec, f: &mut Fields) -> Value {
    let mut out = Map::new();
    for column in spec.columns {
        out.insert(column.key.to_string(), f.json(column));
    }
    Value::Object(out)
}

pub fn parse_records(
    spec: &'static RecordSpec,
    file: &str,
    bytes: &[u8],
    reading: &mut Reading<'_>,
) -> Parsed<RecordRow> {
    let mut seen = std::collections::HashMap::new();
    parse_with(Kind::Record(spec), file, bytes, reading, |f| {
        let value = read(spec, f);
        let key = spec.natural_key(&value);
        if let Some(earlier) = crate::records::earlier_row(&mut seen, &key, f.row) {
            let column = spec.column(spec.key[0]).map_or("", |c| c.header_vi);
            f.error(
                column,
                format!("Dòng này trùng với dòng {earlier} (cùng một bản ghi)"),
                format!("This row repeats row {earlier} (the same record)"),
            );
        }
        RecordRow { row: f.row, value }
    })
}

/// A form's fields (`key` → text, as typed) read as a file's row would be: the same cells,
/// the same errors, each naming its column.
pub fn record_from_fields(spec: &'static RecordSpec, get: impl Fn(&str) -> String) -> Result<Value, Vec<RowError>> {
    let cells: Vec<String> = spec.columns.iter().map(|c| get(c.key).trim().to_string()).collect();
    let mut errors = Vec::new();
    let value = read(spec, &mut Fields::new("", 1, spec.columns, &cells, &mut errors));
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(errors)
    }
}

/// A record's cells in its kind's columns, as a file holds them: an exported row imports
/// back as the same record.
pub fn record_cells(spec: &RecordSpec, value: &Value) -> Vec<String> {
    spec.columns.iter().map(|c| cell(c, value.get(c.key).unwrap_or(&Value::Null))).collect()
}

/// One value as written in a cell (and shown in a form).
pub fn cell(column: &lamtheo_domain::columns::Column, v: &Value) -> String {
    match (column.format, v) {
        (_, Value::Null) => String::new(),
        (Format::Date, Value::String(s)) => s.parse().map(vn::fmt_date).unwrap_or_else(|_| s.clone()),
        (Format::Choice | Format::Listed, Value::String(s)) => column
            .choices
            .iter()
            .find(|c| c.value == s)
            .map_or_else(|| s.clone(), |c| if c.value.is_empty() { String::new() } else { c.vi.to_string() }),
        (Format::YesNo, Value::Bool(b)) => if *b { "Có" } else { "Không" }.to_string(),
        (Format::Month, Value::Number(n)) => {
            let n = n.as_i64().unwrap_or_default();
            format!("{}/{}", n.rem_euclid(12) + 1, n.div_euclid(12))
        }
        (Format::List | Format::Units, Value::Array(items)) => {
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}
