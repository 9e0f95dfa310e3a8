//! The interface language: Vietnamese first, English on request (a cookie set by a link).
//! Strings live beside their use as (Vietnamese, English) pairs; there is no global locale.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lang {
    pub en: bool,
}

impl Lang {
    /// Picks the Vietnamese or English text.
    pub fn s<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        if self.en {
            en
        } else {
            vi
        }
    }
    pub fn code(&self) -> &'static str {
        if self.en {
            "en"
        } else {
            "vi"
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang { en: crate::session::cookie(parts, "lang").as_deref() == Some("en") })
    }
}
