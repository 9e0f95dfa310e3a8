//! Small formatting helpers for views: every number a person reads is Vietnamese-formatted.
use chrono::NaiveDate;
use lamtheo_domain::period::{Month, Period};
use lamtheo_domain::{vn, Error};

pub fn int(n: impl TryInto<i64>) -> String {
    vn::fmt_int(n.try_into().unwrap_or(i64::MAX))
}

pub fn date(d: NaiveDate) -> String {
    vn::fmt_date(d)
}

/// A moment in the server's time zone: "15:40:12 ngày 28/11/2026" ("15:40:12, 28/11/2026").
pub fn moment(t: crate::i18n::Lang, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&chrono::Local);
    format!("{} {}", local.format("%H:%M:%S"), t.s("ngày", "on")) + " " + &date(local.date_naive())
}

/// Parses a date typed in a form ("16/5/2024" or "2024-05-16"), naming the field on failure.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, Error> {
    vn::parse_date(s).ok_or_else(|| {
        let (vi, en) = vn::date_problem(s);
        Error::field(field, vi, en)
    })
}

/// Parses a month "5/2024" or "2024-05", naming the field on failure.
pub fn parse_month(field: &str, s: &str) -> Result<Month, Error> {
    let s = s.trim();
    let parsed = if let Some((m, y)) = s.split_once('/') {
        m.parse::<u32>().ok().zip(y.parse::<i32>().ok())
    } else if let Some((y, m)) = s.split_once('-') {
        m.parse::<u32>().ok().zip(y.parse::<i32>().ok())
    } else {
        None
    };
    match parsed {
        Some((m, y)) if (1..=12).contains(&m) && (1900..=2200).contains(&y) => Ok(Month::new(y, m)),
        _ => Err(Error::field(
            field,
            format!("Tháng «{s}» không hợp lệ: cần dạng tháng/năm, ví dụ 5/2024"),
            format!("Invalid month «{s}»: expected month/year, e.g. 5/2024"),
        )),
    }
}

pub fn month(m: Month) -> String {
    format!("{}/{}", m.month(), m.year())
}

/// A month as a month picker's value: "2025-03".
pub fn month_iso(m: Month) -> String {
    format!("{}-{:02}", m.year(), m.month())
}

/// A monthly review of an emulation registration: "5/2025: đạt — comment".
pub fn review(t: crate::i18n::Lang, r: &lamtheo_domain::emulation::Review) -> String {
    let met = if r.met { t.s("đạt", "met") } else { t.s("chưa đạt", "not met") };
    let comment = if r.comment.is_empty() { String::new() } else { format!(" — {}", r.comment) };
    format!("{}: {met}{comment}", month(Month(r.month)))
}

/// The period and as-of date a page or API call asks for, defaulting to this year and today.
/// One end alone means the rest of its year: `from=3/2025` is March–December 2025, `to=6/2025`
/// is January–June 2025.
pub fn period_and_as_of(
    from: Option<&str>,
    to: Option<&str>,
    as_of: Option<&str>,
    today: NaiveDate,
) -> Result<(Period, NaiveDate), Error> {
    // A bare year is its first month as the start and its last as the end: "2025".."2025".
    let given = |s: Option<&str>, field: &str, month: u32| {
        s.filter(|s| !s.trim().is_empty())
            .map(|s| match s.trim().parse::<i32>() {
                Ok(year) if (1900..=2200).contains(&year) => Ok(Month::new(year, month)),
                _ => parse_month(field, s),
            })
            .transpose()
    };
    let (from, to) = match (given(from, "from", 1)?, given(to, "to", 12)?) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, Period::year(from.year()).to),
        (None, Some(to)) => (Period::year(to.year()).from, to),
        (None, None) => {
            let this_year = Period::year(chrono::Datelike::year(&today));
            (this_year.from, this_year.to)
        }
    };
    let as_of = as_of.filter(|s| !s.trim().is_empty()).map(|s| parse_date("as_of", s)).transpose()?.unwrap_or(today);
    if to < from {
        return Err(Error::field("to", "Tháng kết thúc trước tháng bắt đầu", "The period ends before it starts"));
    }
    Ok((Period::new(from, to), as_of))
}

/// A value put in an address's query, encoded as a form encodes it.
pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
