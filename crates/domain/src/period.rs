//! Periods of facts. Figures are kept per month, so a period is a range of months.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The years the campaign's records belong to; a year outside them is a typing error.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// `year` within `YEARS`, or an error naming `field`.
pub fn check_year(field: &str, year: i32) -> crate::Result<()> {
    if YEARS.contains(&year) {
        return Ok(());
    }
    Err(crate::Error::field(
        field,
        format!("Năm {year} không hợp lệ: cần từ {} đến {}", YEARS.start(), YEARS.end()),
        format!("Invalid year {year}: expected {} to {}", YEARS.start(), YEARS.end()),
    ))
}

/// A month as a single number (year * 12 + month - 1) so ranges are integer intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Month(pub i32);

impl Month {
    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }
    pub fn of(d: NaiveDate) -> Month {
        Month::new(d.year(), d.month())
    }
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }
    /// 1..=12
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).expect("valid month")
    }
    pub fn last_day(self) -> NaiveDate {
        Month(self.0 + 1).first_day().pred_opt().expect("valid day")
    }
}

/// An inclusive range of months, e.g. 1/2025–12/2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    pub fn new(from: Month, to: Month) -> Period {
        Period { from, to }
    }
    pub fn year(year: i32) -> Period {
        Period::new(Month::new(year, 1), Month::new(year, 12))
    }
    /// A year (quarter 0) or one of its quarters (1–4).
    pub fn quarter(year: i32, quarter: i32) -> Period {
        match quarter {
            1..=4 => {
                let first = (quarter as u32 - 1) * 3 + 1;
                Period::new(Month::new(year, first), Month::new(year, first + 2))
            }
            _ => Period::year(year),
        }
    }
    pub fn first_day(&self) -> NaiveDate {
        self.from.first_day()
    }
    pub fn last_day(&self) -> NaiveDate {
        self.to.last_day()
    }
    pub fn contains(&self, m: Month) -> bool {
        self.from <= m && m <= self.to
    }
    pub fn contains_date(&self, d: NaiveDate) -> bool {
        self.contains(Month::of(d))
    }
    /// True when [from, to) (to = None for open) overlaps the period's days.
    pub fn overlaps(&self, from: NaiveDate, to: Option<NaiveDate>) -> bool {
        from <= self.last_day() && to.is_none_or(|t| t > self.first_day())
    }
    /// "1/2025–12/2025"
    pub fn label(&self) -> String {
        format!("{}/{}–{}/{}", self.from.month(), self.from.year(), self.to.month(), self.to.year())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_round_trip() {
        let m = Month::new(2025, 7);
        assert_eq!((m.year(), m.month()), (2025, 7));
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2025, 7, 31).unwrap());
        assert_eq!(Month::new(2024, 2).last_day().day(), 29);
        assert_eq!(Month(Month::new(2024, 12).0 + 1), Month::new(2025, 1));
    }

    #[test]
    fn overlap_uses_half_open_memberships() {
        let p = Period::new(Month::new(2024, 3), Month::new(2024, 3));
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(!p.overlaps(d(2024, 11, 1), None), "admitted in November is not eligible in March");
        assert!(p.overlaps(d(2020, 1, 1), Some(d(2024, 3, 2))));
        assert!(!p.overlaps(d(2020, 1, 1), Some(d(2024, 3, 1))), "left on 1/3: not a member in March");
    }
}

/// The kinds of period a unit reports counted facts for (a form's period type).
pub const PERIOD_TYPES: [(&str, &str, &str); 4] = [
    ("month", "Tháng", "Month"),
    ("quarter", "Quý", "Quarter"),
    ("half", "6 tháng", "Half-year"),
    ("year", "Năm", "Year"),
];

/// A reporting period as written: "5/2025" (a month), "Q2/2025" or "Quý 2/2025" (a quarter),
/// "6T1/2025", "H1/2025" or "6 tháng đầu năm 2025" (a half-year), "2025" (a year). Gives its
/// type, its canonical spelling ("5/2025", "Q2/2025", "H1/2025", "2025") and its months.
pub fn parse_report_period(s: &str) -> Option<(&'static str, String, Period)> {
    let folded = crate::vn::fold(s).replace(' ', "");
    let year_of = |y: &str| y.parse::<i32>().ok().filter(|y| YEARS.contains(y));
    if let Some(y) = year_of(&folded) {
        return Some(("year", y.to_string(), Period::year(y)));
    }
    let half = |h: u32, y: i32| {
        let first = if h == 1 { 1 } else { 7 };
        let p = Period::new(Month::new(y, first), Month::new(y, first + 5));
        Some(("half", report_period_code("half", p), p))
    };
    for (prefix, h) in [("6thangdaunam", 1), ("6thangcuoinam", 2)] {
        if let Some(y) = folded.strip_prefix(prefix).and_then(year_of) {
            return half(h, y);
        }
    }
    let (head, y) = folded.split_once(['/', '-'])?;
    let y = year_of(y)?;
    let number = |p: &str| head.strip_prefix(p).and_then(|n| n.parse::<u32>().ok());
    if let Some(q) = number("q").or_else(|| number("quy")).filter(|q| (1..=4).contains(q)) {
        let p = Period::quarter(y, q as i32);
        return Some(("quarter", report_period_code("quarter", p), p));
    }
    if let Some(h) = number("h").or_else(|| number("6t")).filter(|h| (1..=2).contains(h)) {
        return half(h, y);
    }
    let m = head.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?;
    Some(("month", format!("{m}/{y}"), Period::new(Month::new(y, m), Month::new(y, m))))
}

/// A reporting period's canonical spelling, from its type and months ("Q2/2025").
pub fn report_period_code(kind: &str, p: Period) -> String {
    let (m, y) = (p.from.month(), p.from.year());
    match kind {
        "month" => format!("{m}/{y}"),
        "quarter" => format!("Q{}/{y}", (m - 1) / 3 + 1),
        "half" => format!("H{}/{y}", if m <= 6 { 1 } else { 2 }),
        _ => y.to_string(),
    }
}

/// The period of the same length just before (last period's value is shown beside a field).
pub fn previous_report_period(p: Period) -> Period {
    let len = p.to.0 - p.from.0 + 1;
    Period::new(Month(p.from.0 - len), Month(p.to.0 - len))
}

#[cfg(test)]
mod report_period_tests {
    use super::*;

    #[test]
    fn reporting_periods_read_as_people_write_them() {
        let p = |s: &str| parse_report_period(s).map(|(k, c, p)| (k, c, p.from.month(), p.to.month()));
        assert_eq!(p("5/2025"), Some(("month", "5/2025".into(), 5, 5)));
        assert_eq!(p("Quý 2/2025"), Some(("quarter", "Q2/2025".into(), 4, 6)));
        assert_eq!(p("q3-2024"), Some(("quarter", "Q3/2024".into(), 7, 9)));
        assert_eq!(p("6 tháng đầu năm 2025"), Some(("half", "H1/2025".into(), 1, 6)));
        assert_eq!(p("6T2/2025"), Some(("half", "H2/2025".into(), 7, 12)));
        assert_eq!(p("2025"), Some(("year", "2025".into(), 1, 12)));
        assert_eq!(p("13/2025"), None);
        assert_eq!(p("Q5/2025"), None);
        assert_eq!(p("abc"), None);
    }
}
