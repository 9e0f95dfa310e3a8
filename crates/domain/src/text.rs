//! Limits on the text people type or import: every text field is a code, a name or a free
//! text, each with a length that every output accepts (an .xlsx cell holds 32.767 characters
//! at most; a free text stays well under it), and none may hold control characters, which
//! corrupt exports and printed reports (a line break or a tab is allowed in a free text).
use crate::{Error, Result};

/// The kinds of text field, by how long they may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// A key other records refer to: a unit code, a card number, a conference code.
    Code,
    /// A name or title: one line.
    Name,
    /// A free text: a plan, a pledge, a comment, a result.
    Free,
}

impl Text {
    /// The most characters the field may hold.
    pub const fn max_chars(self) -> usize {
        match self {
            Text::Code => 64,
            Text::Name => 500,
            Text::Free => 20_000,
        }
    }

    /// Checks `value` for the field named `field`: its length and its characters.
    pub fn check(self, field: &str, value: &str) -> Result<()> {
        let max = self.max_chars();
        if value.len() > max && value.chars().count() > max {
            let shown = crate::vn::fmt_int(max as i64);
            return Err(Error::field(
                field,
                format!("«{field}» dài quá {shown} ký tự"),
                format!("«{field}» is longer than {max} characters"),
            ));
        }
        let allowed = |c: char| self == Text::Free && matches!(c, '\n' | '\r' | '\t');
        if let Some(c) = value.chars().find(|&c| c.is_control() && !allowed(c)) {
            return Err(Error::field(
                field,
                format!("«{field}» chứa ký tự điều khiển không hợp lệ (U+{:04X})", c as u32),
                format!("«{field}» holds a control character (U+{:04X})", c as u32),
            ));
        }
        Ok(())
    }
}

/// Checks several fields at once; the first bad one is named.
pub fn check_all<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str, Text)>) -> Result<()> {
    fields.into_iter().try_for_each(|(field, value, kind)| kind.check(field, value))
}

/// The JSON schemas of text fields, as strict as `Text::check` and the "required" checks of
/// the validators, for the API's OpenAPI document (`#[schemars(schema_with = "…")]`). A
/// control character is U+0000–U+001F or U+007F–U+009F (`char::is_control`).
pub mod schema {
    use schemars::{json_schema, Schema, SchemaGenerator};

    use super::Text;

    const NO_CONTROL: &str = r"\x00-\x1f\x7f-\x9f";
    const FREE_CONTROL: &str = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f";

    fn string(max: usize, pattern: String, nullable: bool) -> Schema {
        let kind = if nullable { json_schema!({"type": ["string", "null"]}) } else { json_schema!({"type": "string"}) };
        let mut s = kind;
        s.insert("maxLength".into(), max.into());
        s.insert("pattern".into(), pattern.into());
        s
    }

    /// A code: 1–64 characters, no spaces.
    pub fn code(_: &mut SchemaGenerator) -> Schema {
        string(Text::Code.max_chars(), format!(r"^[^\s{NO_CONTROL}]+$"), false)
    }
    /// A code that may be left out (or empty, for the conference's generated code).
    pub fn code_or_empty(_: &mut SchemaGenerator) -> Schema {
        string(Text::Code.max_chars(), format!(r"^[^\s{NO_CONTROL}]*$"), false)
    }
    pub fn optional_code(_: &mut SchemaGenerator) -> Schema {
        string(Text::Code.max_chars(), format!(r"^[^\s{NO_CONTROL}]+$"), true)
    }
    /// A document's number ("01-KL/TW"): one line of at most 64 characters, not blank.
    pub fn number(_: &mut SchemaGenerator) -> Schema {
        string(Text::Code.max_chars(), format!(r"^[^{NO_CONTROL}]*[^\s{NO_CONTROL}][^{NO_CONTROL}]*$"), false)
    }
    /// A name or title that must be given: one line, not blank.
    pub fn name(_: &mut SchemaGenerator) -> Schema {
        string(Text::Name.max_chars(), format!(r"^[^{NO_CONTROL}]*[^\s{NO_CONTROL}][^{NO_CONTROL}]*$"), false)
    }
    /// A name that may be empty.
    pub fn name_or_empty(_: &mut SchemaGenerator) -> Schema {
        string(Text::Name.max_chars(), format!(r"^[^{NO_CONTROL}]*$"), false)
    }
    pub fn optional_name(_: &mut SchemaGenerator) -> Schema {
        string(Text::Name.max_chars(), format!(r"^[^{NO_CONTROL}]*$"), true)
    }
    /// A free text that must be given: lines, not blank.
    pub fn free(_: &mut SchemaGenerator) -> Schema {
        string(Text::Free.max_chars(), format!(r"^[^{FREE_CONTROL}]*[^\s{NO_CONTROL}][^{FREE_CONTROL}]*$"), false)
    }
    /// A free text that may be empty.
    pub fn free_or_empty(_: &mut SchemaGenerator) -> Schema {
        string(Text::Free.max_chars(), format!(r"^[^{FREE_CONTROL}]*$"), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters_and_named() {
        assert!(Text::Name.check("title", &"ư".repeat(500)).is_ok());
        let e = Text::Name.check("title", &"ư".repeat(501)).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("title"));
        assert!(e.message_vi.contains("500 ký tự"), "{}", e.message_vi);
        assert!(Text::Free.check("content", &"a".repeat(20_001)).is_err());
        assert!(Text::Code.check("code", &"a".repeat(65)).is_err());
    }

    #[test]
    fn control_characters_are_refused_but_a_free_text_keeps_its_lines() {
        assert!(Text::Name.check("full_name", "Nguyễn\0Văn A").unwrap_err().message_en.contains("U+0000"));
        assert!(Text::Name.check("title", "a\nb").is_err());
        assert!(Text::Free.check("content", "Dòng 1\r\nDòng 2\tx").is_ok());
        assert!(Text::Free.check("content", "a\u{1b}[31m").is_err());
        assert!(
            check_all([("a", "ok", Text::Name), ("b", "x\u{7f}", Text::Name)]).unwrap_err().field.as_deref()
                == Some("b")
        );
    }
}
