//! The public column "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh": articles
//! written and published by department staff, read without an account, and readers'
//! feedback ("Phản hồi"), which waits for moderation; published feedback shows the name and
//! the content, never the email.
//!
//! Figures: articles published (by their day of publication, under the publishing unit), by
//! field; feedback received, published and answered (by the day it was received, under the
//! article's unit).
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    check, column, facts, one_of, required, Fact, Figure, Lookup, Owner, Parent, Record, RecordSpec, Section, Totals,
};
use crate::columns::{Choice, Column, Format};
use crate::text::{self, Text};
use crate::{vn, Error, Id, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Article {
    /// The article's address in the column ("nam-cay-bang-khen").
    pub code: String,
    pub title: String,
    /// The lead (sa-pô).
    #[serde(default)]
    pub summary: String,
    /// Paragraphs separated by blank lines; a line "[Ảnh: URL | chú thích]" is an image with
    /// its caption.
    pub body: String,
    #[serde(default)]
    pub author: String,
    /// "Theo Báo Lai Châu": a republished article is not a new item of the unit's output.
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub field: String,
    /// The publishing unit (the department).
    pub unit: String,
    /// Codes of the models and exemplars it is about.
    #[serde(default)]
    pub models: Vec<String>,
    #[serde(default)]
    pub exemplars: Vec<String>,
    /// "draft" or "published".
    pub status: String,
    #[serde(default)]
    pub published_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Feedback {
    /// The article's code.
    pub article: String,
    /// A number the column gives the message when it arrives.
    pub number: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
    pub content: String,
    pub received_on: NaiveDate,
    /// "pending", "published" or "rejected".
    pub status: String,
    /// The column's answer, shown under the message once published.
    #[serde(default)]
    pub answer: String,
}

const STATUSES: &[Choice] = &[
    Choice { value: "draft", vi: "Bản nháp", en: "Draft" },
    Choice { value: "published", vi: "Đã đăng", en: "Published" },
];

pub const FEEDBACK_STATUSES: &[Choice] = &[
    Choice { value: "pending", vi: "Chờ duyệt", en: "Waiting for moderation" },
    Choice { value: "published", vi: "Đã duyệt", en: "Published" },
    Choice { value: "rejected", vi: "Từ chối", en: "Rejected" },
];

static ARTICLE_COLUMNS: &[Column] = &[
    Column {
        description_vi: "Địa chỉ của bài trong chuyên mục: chữ thường không dấu, nối bằng gạch ngang.",
        description_en: "The article's address in the column: lowercase, words joined by hyphens.",
        example: "ban-nam-cay-don-bang-khen",
        ..column("code", "Mã bài", "Article code", Format::Code, true)
    },
    Column {
        example: "Bản Nậm Cầy đón Bằng khen của Thủ tướng",
        ..column("title", "Tiêu đề", "Title", Format::Text, true)
    },
    column("summary", "Sa-pô", "Lead", Format::Text, false),
    Column {
        description_vi: "Nội dung; các đoạn cách nhau một dòng trống; dòng «[Ảnh: địa chỉ | chú thích]» là một ảnh.",
        description_en:
            "The text; paragraphs separated by a blank line; a line «[Ảnh: address | caption]» is an image.",
        example: "Sáng 19/5, …",
        ..column("body", "Nội dung", "Body", Format::Text, true)
    },
    column("author", "Tác giả", "Author", Format::Text, false),
    Column {
        description_vi: "Nguồn, với bài đăng lại (ví dụ «Theo Báo Lai Châu»).",
        description_en: "The source of a republished article.",
        ..column("source", "Nguồn", "Source", Format::Text, false)
    },
    column("field", "Lĩnh vực", "Field", Format::Text, false),
    Column { example: "LCH", ..column("unit", "Đơn vị đăng", "Publishing unit", Format::Unit, true) },
    column("models", "Mã mô hình liên quan", "Related models", Format::List, false),
    column("exemplars", "Mã điển hình liên quan", "Related exemplars", Format::List, false),
    Column {
        description_vi: "«Bản nháp» hoặc «Đã đăng»; chỉ bài đã đăng hiện trên chuyên mục công khai.",
        description_en: "«Bản nháp» (draft) or «Đã đăng» (published); only published articles are public.",
        example: "Đã đăng",
        choices: STATUSES,
        ..column("status", "Tình trạng", "Status", Format::Choice, true)
    },
    Column { example: "19/5/2025", ..column("published_on", "Ngày đăng", "Published on", Format::Date, false) },
];

static FEEDBACK_COLUMNS: &[Column] = &[
    Column { example: "ban-nam-cay-don-bang-khen", ..column("article", "Mã bài", "Article code", Format::Code, true) },
    Column { example: "PH-1", ..column("number", "Số phản hồi", "Feedback number", Format::Code, true) },
    Column { example: "Lò Văn Thắng", ..column("name", "Người gửi", "Name", Format::Text, true) },
    column("email", "Thư điện tử", "Email", Format::Text, false),
    Column { example: "Xin chúc mừng bà con bản Nậm Cầy!", ..column("content", "Nội dung", "Content", Format::Text, true) },
    Column { example: "2/10/2025", ..column("received_on", "Ngày nhận", "Received on", Format::Date, true) },
    Column {
        description_vi: "«Chờ duyệt», «Đã duyệt» hoặc «Từ chối»; chỉ phản hồi đã duyệt hiện dưới bài (tên và nội dung, không có thư điện tử).",
        description_en: "Waiting, published or rejected; only published feedback shows under the article (name and content, never the email).",
        example: "Chờ duyệt",
        choices: FEEDBACK_STATUSES,
        ..column("status", "Tình trạng", "Status", Format::Choice, true)
    },
    column("answer", "Trả lời", "Answer", Format::Text, false),
];

impl Record for Article {
    fn validate(&self) -> Result<()> {
        required("title", &self.title)?;
        required("body", &self.body)?;
        text::check_all([
            ("code", self.code.as_str(), Text::Code),
            ("title", &self.title, Text::Name),
            ("summary", &self.summary, Text::Free),
            ("body", &self.body, Text::Free),
            ("author", &self.author, Text::Name),
            ("source", &self.source, Text::Name),
            ("field", &self.field, Text::Name),
            ("unit", &self.unit, Text::Code),
        ])?;
        if !self.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            return Err(Error::field(
                "code",
                "Mã bài chỉ gồm chữ thường không dấu, chữ số và gạch ngang",
                "An article's code holds lowercase letters, digits and hyphens only",
            ));
        }
        one_of("status", &self.status, STATUSES)?;
        if self.status == "published" && self.published_on.is_none() {
            return Err(Error::field("published_on", "Bài đã đăng cần ngày đăng", "A published article needs its day"));
        }
        Ok(())
    }

    fn facts(&self, own: Id, _: Lookup) -> Vec<Fact> {
        let Some(on) = self.published_on.filter(|_| self.status == "published") else { return vec![] };
        let mut out = vec![Fact::one(own, on, "column.published")];
        if !self.field.is_empty() {
            out.push(Fact::one(own, on, format!("column.field\u{1f}{}", self.field)));
        }
        out
    }
}

impl Record for Feedback {
    fn validate(&self) -> Result<()> {
        required("name", &self.name)?;
        required("content", &self.content)?;
        text::check_all([
            ("article", self.article.as_str(), Text::Code),
            ("number", &self.number, Text::Code),
            ("name", &self.name, Text::Name),
            ("email", &self.email, Text::Name),
            ("content", &self.content, Text::Free),
            ("answer", &self.answer, Text::Free),
        ])?;
        if !self.email.is_empty() && (!self.email.contains('@') || self.email.contains(char::is_whitespace)) {
            return Err(Error::field("email", "Địa chỉ thư điện tử không hợp lệ", "Invalid email address"));
        }
        one_of("status", &self.status, FEEDBACK_STATUSES)
    }

    fn facts(&self, own: Id, _: Lookup) -> Vec<Fact> {
        let fact = |key: &str| Fact::one(own, self.received_on, key);
        let mut out = vec![fact("column.feedback")];
        if self.status == "published" {
            out.push(fact("column.feedback_published"));
        }
        if !self.answer.trim().is_empty() {
            out.push(fact("column.feedback_answered"));
        }
        out
    }
}

pub static ARTICLES: RecordSpec = RecordSpec {
    slug: "articles",
    entity: "article",
    title_vi: "Bài viết chuyên mục",
    title_en: "Column articles",
    columns: ARTICLE_COLUMNS,
    key: &["code"],
    owner: Owner::Unit("unit"),
    parent: None,
    title_column: "title",
    personal: &[],
    check: check::<Article>,
    facts: facts::<Article>,
};

pub static FEEDBACK: RecordSpec = RecordSpec {
    slug: "feedback",
    entity: "feedback",
    title_vi: "Phản hồi của bạn đọc",
    title_en: "Readers' feedback",
    columns: FEEDBACK_COLUMNS,
    key: &["article", "number"],
    owner: Owner::Parent,
    parent: Some(Parent { slug: "articles", column: "article" }),
    title_column: "name",
    personal: &["name", "email"],
    check: check::<Feedback>,
    facts: facts::<Feedback>,
};

pub static SECTION: Section = Section {
    slug: "column",
    title_vi: "Chuyên mục «Học tập và làm theo Bác» và phản hồi",
    title_en: "The public column and feedback",
    kinds: &[&ARTICLES, &FEEDBACK],
    catalogue: None,
    figures: section_figures,
    by_child: &["column.published", "column.feedback"],
};

fn section_figures(t: &Totals, _: &[serde_json::Value]) -> Vec<Figure> {
    let n = |k: &str| t.get(k).map_or(0, |x| x.sum);
    let count = Figure::count;
    let mut out = vec![
        count("column.published", "Bài đã đăng", "Articles published", n("column.published"), "bài", "articles"),
        count(
            "column.feedback",
            "Phản hồi nhận được",
            "Feedback received",
            n("column.feedback"),
            "phản hồi",
            "messages",
        ),
        count(
            "column.feedback_published",
            "Phản hồi đã duyệt đăng",
            "Feedback published",
            n("column.feedback_published"),
            "phản hồi",
            "messages",
        ),
        count(
            "column.feedback_answered",
            "Phản hồi đã trả lời",
            "Feedback answered",
            n("column.feedback_answered"),
            "phản hồi",
            "messages",
        ),
    ];
    let mut fields: Vec<(&str, i64)> = t
        .range("column.field\u{1f}".to_string()..)
        .take_while(|(k, _)| k.starts_with("column.field\u{1f}"))
        .map(|(k, v)| (&k["column.field\u{1f}".len()..], v.sum))
        .collect();
    fields.sort_by_cached_key(|(f, _)| vn::sort_key(f));
    for (field, v) in fields {
        out.push(count(
            &format!("column.field\u{1f}{field}"),
            &format!("Bài đã đăng: {field}"),
            &format!("Published: {field}"),
            v,
            "bài",
            "articles",
        ));
    }
    out
}
