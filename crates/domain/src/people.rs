//! People (members and non-members) and their membership of units over time.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{vn, Error, Id, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
    pub fn parse(s: &str) -> Option<Gender> {
        match s {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Gender::Male => "Nam",
            Gender::Female => "Nữ",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default, schemars::JsonSchema)]
// Either identifier will do, but one is needed (`lamtheo_app::people::validate`).
#[schemars(extend("anyOf" = [
    {"required": ["card_no"], "properties": {"card_no": {"type": "string"}}},
    {"required": ["person_code"], "properties": {"person_code": {"type": "string"}}}
]))]
pub struct Person {
    /// Given by the database; a body that creates a person leaves it out.
    #[serde(default)]
    pub id: Id,
    #[schemars(schema_with = "crate::text::schema::optional_code")]
    /// A stable identifier from outside (citizen ID or the party database's own key).
    pub person_code: Option<String>,
    #[schemars(schema_with = "crate::text::schema::optional_code")]
    pub card_no: Option<String>,
    #[schemars(schema_with = "crate::text::schema::name")]
    pub full_name: String,
    pub gender: Option<Gender>,
    #[serde(default, deserialize_with = "crate::vn::de_opt_date")]
    pub birth_date: Option<NaiveDate>,
    #[schemars(schema_with = "crate::text::schema::optional_name")]
    pub ethnicity: Option<String>,
    #[serde(default)]
    pub is_member: bool,
    #[serde(default, deserialize_with = "crate::vn::de_opt_date")]
    pub admitted_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::vn::de_opt_date")]
    pub official_on: Option<NaiveDate>,
    /// The position, key-cadre and head-of-unit marks of the person's latest post (the open
    /// row of their post history, `Post`). They change over time: every figure and check
    /// takes the post held on its own date (`post_on`), never these.
    #[schemars(schema_with = "crate::text::schema::optional_name")]
    pub position: Option<String>,
    #[serde(default)]
    pub key_cadre: bool,
    #[serde(default)]
    pub head_of_unit: bool,
}

/// A key cadre (cán bộ chủ chốt) as every figure counts one: marked so, or the head of a unit
/// (người đứng đầu). The one definition: evaluation groups, movements expecting key cadres,
/// and the SQL (`lamtheo_store::people::POST_KEY_CADRE`) all use it, on a post of the day.
pub fn is_key_cadre(key_cadre: bool, head_of_unit: bool) -> bool {
    key_cadre || head_of_unit
}

impl Person {
    /// Whether the latest post's marks (these fields) differ from `other`'s.
    pub fn post_differs(&self, other: &Person) -> bool {
        (&self.position, self.key_cadre, self.head_of_unit) != (&other.position, other.key_cadre, other.head_of_unit)
    }

    /// The key an import matches on: the card number when there is one, else the person code.
    pub fn natural_key(&self) -> Option<&str> {
        self.card_no.as_deref().or(self.person_code.as_deref())
    }
}

/// Belonging to a unit over [from, to). A transfer ends one membership and starts another;
/// nothing that happened before is rewritten.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Membership {
    pub id: Id,
    pub person_id: Id,
    pub unit_id: Id,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

impl Membership {
    pub fn valid_on(&self, d: NaiveDate) -> bool {
        self.valid_from <= d && self.valid_to.is_none_or(|t| d < t)
    }
}

/// A person's post over [valid_from, valid_to): the position (chức vụ) and the key-cadre and
/// head-of-unit marks. A change of post ends the open one and starts the next, from the day
/// it takes effect; nothing that held before is rewritten, so past figures stay as they were.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Post {
    pub id: Id,
    pub person_id: Id,
    pub valid_from: NaiveDate,
    /// The first day it no longer holds; none while it is the person's current post.
    pub valid_to: Option<NaiveDate>,
    pub position: Option<String>,
    pub key_cadre: bool,
    pub head_of_unit: bool,
}

impl Post {
    pub fn valid_on(&self, d: NaiveDate) -> bool {
        self.valid_from <= d && self.valid_to.is_none_or(|t| d < t)
    }

    /// Some day of [first, last] is one of the post's days.
    pub fn overlaps(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.valid_from <= last && self.valid_to.is_none_or(|t| first < t)
    }

    /// A key cadre while this post holds (`is_key_cadre`).
    pub fn is_key_cadre(&self) -> bool {
        is_key_cadre(self.key_cadre, self.head_of_unit)
    }
}

/// The post held on `day`, of one person's posts: the one way to get "the post on date D".
pub fn post_on(posts: &[Post], day: NaiveDate) -> Option<&Post> {
    posts.iter().find(|p| p.valid_on(day))
}

/// Was the person a key cadre on some day of [first, last], of their posts?
pub fn key_cadre_during(posts: &[Post], first: NaiveDate, last: NaiveDate) -> bool {
    posts.iter().any(|p| p.is_key_cadre() && p.overlaps(first, last))
}

/// The open post (the latest), of one person's posts in date order.
pub fn current_post(posts: &[Post]) -> Option<&Post> {
    posts.iter().rev().find(|p| p.valid_to.is_none())
}

/// A change of post takes effect on `from`, which may not be before the open post started
/// (the history is not rewritten); on that very day it corrects the open post. A rule about
/// the stored post, so a conflict naming the field `post_from`.
pub fn check_post_from(open: Option<&Post>, from: NaiveDate) -> Result<()> {
    match open {
        Some(open) if from < open.valid_from => Err(Error::conflict(
            "post_from",
            format!(
                "Ngày có hiệu lực {} trước ngày bắt đầu chức vụ hiện tại ({}): chỉ ghi được thay đổi từ ngày đó trở đi",
                vn::fmt_date(from),
                vn::fmt_date(open.valid_from)
            ),
            format!(
                "The change cannot take effect on {}, before the current post began ({}): only from that day on",
                vn::fmt_date(from),
                vn::fmt_date(open.valid_from)
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    fn post(from: NaiveDate, to: Option<NaiveDate>, key_cadre: bool, head_of_unit: bool) -> Post {
        Post { id: 0, person_id: 1, valid_from: from, valid_to: to, position: None, key_cadre, head_of_unit }
    }

    #[test]
    fn the_post_of_a_day_decides_who_is_a_key_cadre() {
        // Key cadre 2020 – 30/4/2026, then nothing; earlier a head of unit.
        let posts = [
            post(d(2015, 1, 1), Some(d(2020, 1, 1)), false, true),
            post(d(2020, 1, 1), Some(d(2026, 5, 1)), true, false),
            post(d(2026, 5, 1), None, false, false),
        ];
        assert!(post_on(&posts, d(2016, 6, 1)).is_some_and(Post::is_key_cadre), "a head of unit");
        assert!(post_on(&posts, d(2026, 4, 30)).is_some_and(Post::is_key_cadre));
        assert!(!post_on(&posts, d(2026, 5, 1)).is_some_and(Post::is_key_cadre), "[from, to)");
        assert!(post_on(&posts, d(2014, 12, 31)).is_none(), "before the first post");
        assert!(key_cadre_during(&posts, d(2025, 1, 1), d(2025, 12, 31)));
        assert!(key_cadre_during(&posts, d(2026, 4, 30), d(2026, 12, 31)));
        assert!(!key_cadre_during(&posts, d(2026, 5, 1), d(2026, 12, 31)));
        assert_eq!(current_post(&posts).map(|p| p.valid_from), Some(d(2026, 5, 1)));
    }

    #[test]
    fn a_change_of_post_may_not_precede_the_open_post() {
        let open = post(d(2024, 1, 1), None, true, false);
        let e = check_post_from(Some(&open), d(2023, 12, 31)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (crate::ErrorCode::Conflict, Some("post_from")));
        assert!(e.message_vi.contains("1/1/2024") && e.message_en.contains("1/1/2024"), "{e:?}");
        assert!(check_post_from(Some(&open), d(2024, 1, 1)).is_ok(), "that day corrects it");
        assert!(check_post_from(None, d(1900, 1, 1)).is_ok());
    }
}
