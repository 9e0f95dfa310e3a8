//! The columns of records as data: one table drives an import's header matching, its
//! documentation and template, the export, and (for record kinds) the form and the JSON.

/// What a cell holds. Used for documentation and to write proper cells in the xlsx template;
/// the checks themselves live in `records.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Free text.
    Text,
    /// A code: no spaces, at most 64 characters.
    Code,
    /// A date written day/month/year (or a date cell in Excel).
    Date,
    /// A whole number, zero or more.
    Count,
    /// Yes or no: "Có"/"x"/"1" or "Không"/"0"/empty.
    YesNo,
    /// One of a few listed words (named in the description).
    Choice,
    /// One of the listed words, or the code of an entry a department added to the kind's
    /// catalogue (a commendation form): checked against the catalogue when written.
    Listed,
    /// Several codes separated by `;` or `,`.
    List,
    /// A month written month/year, e.g. 5/2025.
    Month,
    /// A unit's code, naming a unit of the tree.
    Unit,
    /// Several units' codes separated by `;` or `,`.
    Units,
}

impl Format {
    pub fn label_vi(self) -> &'static str {
        match self {
            Format::Text => "Văn bản",
            Format::Code => "Mã (không có khoảng trắng, tối đa 64 ký tự)",
            Format::Date => "Ngày (ngày/tháng/năm)",
            Format::Count => "Số nguyên không âm",
            Format::YesNo => "Có/Không",
            Format::Choice => "Chọn một giá trị",
            Format::Listed => "Chọn một giá trị, hoặc mã đã thêm vào danh mục",
            Format::List => "Danh sách, phân cách bằng ; hoặc ,",
            Format::Month => "Tháng (tháng/năm)",
            Format::Unit => "Mã đơn vị",
            Format::Units => "Các mã đơn vị, phân cách bằng ; hoặc ,",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Format::Text => "Text",
            Format::Code => "Code (no spaces, at most 64 characters)",
            Format::Date => "Date (day/month/year)",
            Format::Count => "Whole number, 0 or more",
            Format::YesNo => "Yes/No",
            Format::Choice => "One of the listed values",
            Format::Listed => "One of the listed values, or a code added to the catalogue",
            Format::List => "List separated by ; or ,",
            Format::Month => "Month (month/year)",
            Format::Unit => "Unit code",
            Format::Units => "Unit codes separated by ; or ,",
        }
    }
}

/// One column of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header as written in templates and error messages.
    pub header_vi: &'static str,
    /// An English header that is accepted as well.
    pub header_en: &'static str,
    /// A row with this column empty is rejected; a file without it is rejected.
    pub required: bool,
    pub format: Format,
    pub description_vi: &'static str,
    pub description_en: &'static str,
    /// The value used in the template's example row.
    pub example: &'static str,
    /// The field's name in a record's JSON and in its form (record kinds, see `records`);
    /// empty for the older kinds, whose rows are typed by hand.
    pub key: &'static str,
    /// For `Format::Choice` and `Format::Listed`: the values allowed, as stored and as written.
    pub choices: &'static [Choice],
}

/// One allowed value of a choice column: stored as `value`, written as `vi` (or `en`); a
/// cell or a form may give any of the three, accents and case ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub value: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}
