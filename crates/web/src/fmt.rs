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

/// A page's numbers the English way: 198.835 → 198,835 and 70,1% → 70.1%. Every figure is
/// formatted once, the Vietnamese way, where it is computed (the official report is always
/// Vietnamese); an English page swaps the separators in its text as it is rendered, so no view
/// can forget to. Only text between tags changes, never an attribute (a form's value reads
/// either way), and only what has the shape of a Vietnamese number: 1–3 digits, groups of
/// three after dots, an optional decimal comma.
pub fn english_numbers(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        swap_separators(&rest[..open], &mut out);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        out.push_str(&rest[open..close]);
        rest = &rest[close..];
    }
    swap_separators(rest, &mut out);
    out
}

fn swap_separators(text: &str, out: &mut String) {
    let mut chars = text.char_indices().peekable();
    let mut last: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        // A number starts at a digit that does not continue a word or a code ("MH-2024").
        let starts = c.is_ascii_digit() && !last.is_some_and(|l| l.is_alphanumeric() || "-_.,".contains(l));
        if !starts {
            out.push(c);
            last = Some(c);
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == ',' {
                end = j + 1;
                chars.next();
            } else {
                break;
            }
        }
        // A sentence's full stop or comma after the number is not part of it.
        let run = text[i..end].trim_end_matches(['.', ',']);
        let tail = &text[i + run.len()..end];
        match vietnamese_number(run) {
            true => out.extend(run.chars().map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })),
            false => out.push_str(run),
        }
        out.push_str(tail);
        last = text[..end].chars().last();
    }
}

/// 1.234.567 or 70,1 or 1.234,5: digits grouped by dots in threes, a decimal comma.
fn vietnamese_number(run: &str) -> bool {
    let (whole, decimals) = run.split_once(',').unwrap_or((run, ""));
    let groups: Vec<&str> = whole.split('.').collect();
    let grouped = groups[0].len() <= 3
        && groups.iter().all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    let decimal = decimals.bytes().all(|b| b.is_ascii_digit()) && (run.contains(',') != decimals.is_empty());
    grouped && decimal && (groups.len() > 1 || run.contains(','))
}

/// A figure's change from the period before, in the page's language: «tăng 25%» / "up 25%",
/// «giảm 25%» / "down 25%", «bằng» / "the same"; empty when there was nothing before.
pub fn change(t: crate::i18n::Lang, now: u64, before: u64) -> String {
    match (t.en, vn::fmt_change(now, before)) {
        (_, None) => String::new(),
        (false, Some(vi)) => vi,
        (true, Some(_)) => match now.cmp(&before) {
            std::cmp::Ordering::Greater => format!("up {}", vn::fmt_rate(now - before, before)),
            std::cmp::Ordering::Less => format!("down {}", vn::fmt_rate(before - now, before)),
            std::cmp::Ordering::Equal => "the same".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::english_numbers;

    #[test]
    fn english_pages_swap_the_separators_of_numbers_only() {
        let page = r#"<td class="num" data-x="1.250">1.250</td><td>70,1%</td> 198.835 lượt, 2.210/2.372 (93,2%). Số 2-BC/ĐU ngày 16/5/2024 15:40:12, MH-2024.01 năm 2025, 1,2 tỉ."#;
        assert_eq!(
            english_numbers(page),
            r#"<td class="num" data-x="1.250">1,250</td><td>70.1%</td> 198,835 lượt, 2,210/2,372 (93.2%). Số 2-BC/ĐU ngày 16/5/2024 15:40:12, MH-2024.01 năm 2025, 1.2 tỉ."#
        );
        // Not numbers of that shape: left as they are.
        for text in ["1.25", "12.3456", "1..2", "3.", "v1.250", "0,5,6"] {
            assert_eq!(english_numbers(text), text, "{text}");
        }
    }
}
