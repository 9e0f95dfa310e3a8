//! People (members and non-members) and their membership of units over time.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Id;

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
    #[schemars(schema_with = "crate::text::schema::optional_name")]
    pub position: Option<String>,
    #[serde(default)]
    pub key_cadre: bool,
    #[serde(default)]
    pub head_of_unit: bool,
}

impl Person {
    /// A key cadre (cán bộ chủ chốt) as every figure counts one: marked so, or the head of a
    /// unit (người đứng đầu). The one definition: evaluation groups, movements expecting key
    /// cadres, and the SQL (`lamtheo_store::people::KEY_CADRE`) all use it.
    pub fn is_key_cadre(&self) -> bool {
        self.key_cadre || self.head_of_unit
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
