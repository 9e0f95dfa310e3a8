//! Typed access to the cells of one data row. Every getter checks its cell, records a
//! bilingual error against the right row and column when the value is unusable, and still
//! returns something so that the rest of the row is checked too.
use chrono::NaiveDate;
use lamtheo_domain::text::Text;
use lamtheo_domain::vn;

use crate::{Column, Format, RowError};

/// The longest code accepted (unit codes, conference codes...).
const MAX_CODE_CHARS: usize = 64;

pub(crate) struct Fields<'a> {
    pub row: usize,
    file: &'a str,
    columns: &'static [Column],
    values: &'a [String],
    errors: &'a mut Vec<RowError>,
}

impl<'a> Fields<'a> {
    pub fn new(
        file: &'a str,
        row: usize,
        columns: &'static [Column],
        values: &'a [String],
        errors: &'a mut Vec<RowError>,
    ) -> Fields<'a> {
        Fields { row, file, columns, values, errors }
    }

    /// Columns are named by their Vietnamese header so that record code reads like the spec.
    fn column(&self, header_vi: &str) -> (usize, &'static Column) {
        let found = self.columns.iter().enumerate().find(|(_, c)| c.header_vi == header_vi);
        found.unwrap_or_else(|| panic!("no column «{header_vi}» in this table"))
    }

    /// The trimmed cell, or None when empty; an empty required cell is an error.
    fn raw(&mut self, header_vi: &str) -> Option<&'a str> {
        let (index, column) = self.column(header_vi);
        let values: &'a [String] = self.values;
        let value = values[index].as_str();
        if !value.is_empty() {
            return Some(value);
        }
        if column.required {
            self.error(header_vi, "Thiếu giá trị bắt buộc", "Required value missing");
        }
        None
    }

    /// Whether the cell is empty (without reporting anything).
    pub fn is_empty(&self, header_vi: &str) -> bool {
        self.values[self.column(header_vi).0].is_empty()
    }

    pub fn error(&mut self, header_vi: &str, vi: impl Into<String>, en: impl Into<String>) {
        self.errors.push(RowError::new(self.file, self.row, header_vi, vi, en));
    }

    /// A text cell. Runs of spaces are collapsed; codes must also be short and without
    /// spaces, since they are keys that other files refer to.
    pub fn text(&mut self, header_vi: &str) -> Option<String> {
        let value = self.raw(header_vi)?;
        if !matches!(self.column(header_vi).1.format, Format::Code | Format::Unit) {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            // The same rule as the forms' (names and titles are bounded again where they are
            // checked as such, by the service); a cell is already within Excel's limit.
            if let Err(e) = Text::Free.check(header_vi, &value) {
                self.error(header_vi, e.message_vi, e.message_en);
            }
            return Some(value);
        }
        if let Err(e) = Text::Code.check(header_vi, value) {
            self.error(header_vi, e.message_vi, e.message_en);
            return Some(value.to_string());
        }
        if value.chars().any(char::is_whitespace) {
            self.error(
                header_vi,
                format!("Mã «{value}» không được chứa khoảng trắng"),
                format!("Code «{value}» must not contain spaces"),
            );
        } else if value.chars().count() > MAX_CODE_CHARS {
            self.error(
                header_vi,
                format!("Mã «{value}» dài quá {MAX_CODE_CHARS} ký tự"),
                format!("Code «{value}» is longer than {MAX_CODE_CHARS} characters"),
            );
        }
        Some(value.to_string())
    }

    pub fn date(&mut self, header_vi: &str) -> Option<NaiveDate> {
        let value = self.raw(header_vi)?;
        let date = vn::parse_date(value);
        if date.is_none() {
            let (vi, en) = vn::date_problem(value);
            self.error(header_vi, vi, en);
        }
        date
    }

    /// A count of attendances: a whole number, zero or more; empty means 0.
    pub fn count(&mut self, header_vi: &str) -> i64 {
        let Some(value) = self.raw(header_vi) else {
            return 0;
        };
        match vn::parse_int(value) {
            Some(n) if n >= 0 => n,
            _ => {
                self.error(
                    header_vi,
                    format!("Số không hợp lệ «{value}»: cần số nguyên không âm, ví dụ 25"),
                    format!("Invalid number «{value}»: expected a whole number, 0 or more, e.g. 25"),
                );
                0
            }
        }
    }

    /// A whole number within `range` (years, quarters, scores); None when empty or wrong.
    pub fn number_in(&mut self, header_vi: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
        let value = self.raw(header_vi)?;
        let n = vn::parse_int(value).filter(|n| range.contains(n));
        if n.is_none() {
            let (lo, hi) = (range.start(), range.end());
            self.error(
                header_vi,
                format!("Số không hợp lệ «{value}»: cần số nguyên từ {lo} đến {hi}"),
                format!("Invalid number «{value}»: expected a whole number from {lo} to {hi}"),
            );
        }
        n
    }

    /// A month as "5/2025" (or a full date, as Excel turns "5/2025" into 1/5/2025); the
    /// value is `Month`'s number (year·12 + month − 1).
    pub fn month(&mut self, header_vi: &str) -> Option<i32> {
        let value = self.raw(header_vi)?;
        let month_year = || {
            let (m, y) = value.trim().split_once(['/', '-', '.'])?;
            let (m, y) = (m.trim().parse::<u32>().ok()?, y.trim().parse::<i32>().ok()?);
            ((1..=12).contains(&m) && (2000..=2100).contains(&y)).then(|| y * 12 + m as i32 - 1)
        };
        let found = month_year().or_else(|| {
            vn::parse_date(value).map(|d| {
                use chrono::Datelike;
                d.year() * 12 + d.month() as i32 - 1
            })
        });
        if found.is_none() {
            self.error(
                header_vi,
                format!("Tháng không hợp lệ «{value}»: cần dạng tháng/năm, ví dụ 5/2025"),
                format!("Invalid month «{value}»: expected month/year, e.g. 5/2025"),
            );
        }
        found
    }

    /// Yes/no; None when the cell is empty so the caller can choose the default.
    pub fn yes_no(&mut self, header_vi: &str) -> Option<bool> {
        const WORDS: &[(&str, bool)] = &[
            ("co", true),
            ("x", true),
            ("1", true),
            ("yes", true),
            ("true", true),
            ("khong", false),
            ("0", false),
            ("no", false),
            ("false", false),
        ];
        self.choice(header_vi, WORDS, "«Có» hoặc «Không»", "«Có» (yes) or «Không» (no)")
    }

    /// One of a few words, compared after folding. `options` holds folded spellings.
    pub fn choice<T: Copy>(
        &mut self,
        header_vi: &str,
        options: &[(&str, T)],
        expected_vi: &str,
        expected_en: &str,
    ) -> Option<T> {
        let value = self.raw(header_vi)?;
        let folded = vn::fold(value);
        let found = options.iter().find(|(word, _)| *word == folded);
        if found.is_none() {
            self.error(
                header_vi,
                format!("Giá trị không hợp lệ «{value}»: cần {expected_vi}"),
                format!("Invalid value «{value}»: expected {expected_en}"),
            );
        }
        found.map(|(_, v)| *v)
    }

    /// A list of codes separated by `;` or `,`; blanks between separators are dropped.
    pub fn list(&mut self, header_vi: &str) -> Vec<String> {
        let Some(value) = self.raw(header_vi) else {
            return Vec::new();
        };
        value.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    }

    /// A cell of a record kind's column as its JSON value (see `lamtheo_domain::records`):
    /// text and codes as strings (empty: ""), a choice as its stored value, a date as
    /// "2024-05-16", numbers as numbers, yes/no as a boolean; an empty date or number is null.
    pub fn json(&mut self, column: &Column) -> serde_json::Value {
        use serde_json::Value;
        let header = column.header_vi;
        match column.format {
            Format::Text | Format::Code | Format::Unit => Value::String(self.text(header).unwrap_or_default()),
            Format::Date => self.date(header).map_or(Value::Null, |d| Value::String(d.to_string())),
            Format::Count => match self.is_empty(header) {
                true => {
                    self.raw(header);
                    Value::Null
                }
                false => Value::from(self.count(header)),
            },
            Format::YesNo => Value::Bool(self.yes_no(header).unwrap_or(false)),
            Format::Month => self.month(header).map_or(Value::Null, Value::from),
            Format::List | Format::Units => Value::from(self.list(header)),
            Format::Choice | Format::Listed => {
                let Some(value) = self.raw(header) else { return Value::String(String::new()) };
                let folded = vn::fold(value);
                let found = column.choices.iter().find(|c| [c.value, c.vi, c.en].iter().any(|w| vn::fold(w) == folded));
                // A listed column's other values are catalogue codes, which the service checks.
                if found.is_none() && column.format == Format::Choice {
                    let list = |f: fn(&lamtheo_domain::columns::Choice) -> &str| {
                        column
                            .choices
                            .iter()
                            .filter(|c| !c.value.is_empty())
                            .map(|c| format!("«{}»", f(c)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    self.error(
                        header,
                        format!("Giá trị không hợp lệ «{value}»: cần {}", list(|c| c.vi)),
                        format!("Invalid value «{value}»: expected {}", list(|c| c.en)),
                    );
                }
                Value::String(found.map_or(value, |c| c.value).to_string())
            }
        }
    }
}
