//! Vietnamese text and number/date formatting.
//!
//! Everything the rest of the system needs to show, search, sort and read Vietnamese
//! text lives here, so the rules are written down once:
//!
//! * [`fold`] / [`matches()`]: accent- and case-insensitive search ("dang thi" finds
//!   "Đặng Thị Hoa"), because people type names without diacritics.
//! * [`name_sort_key`] / [`sort_key`]: byte keys that sort the Vietnamese way
//!   (alphabet a ă â b c d đ e ê …, tones as a secondary difference, case tertiary;
//!   names by given name first).
//! * [`fmt_int`], [`fmt_rate`], [`rate_permille`], [`fmt_date`], [`fmt_date_long`]:
//!   Vietnamese number and date conventions ("198.835", "70,1%", "16/5/2024").
//! * [`parse_date`], [`parse_int`]: read the same conventions back from documents and
//!   spreadsheets.
//!
//! No function here panics, whatever the input.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

// ---------------------------------------------------------------------------
// Search folding
// ---------------------------------------------------------------------------

/// Lower-cases, strips all diacritics (Vietnamese tones and vowel marks), maps đ/Đ to d,
/// collapses runs of whitespace into one space and trims. "Đặng Thị  Hoà" -> "dang thi hoa".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Lower-case *before* decomposing: some lower-case mappings (e.g. 'İ' -> "i\u{307}")
    // introduce combining marks, and decomposing afterwards lets us strip those too.
    let decomposed = s.chars().flat_map(char::to_lowercase).nfd();
    let mut pending_space = false;
    for c in decomposed {
        if c.is_whitespace() {
            // Only emit a space once a following word appears: this both collapses runs
            // and trims leading/trailing whitespace.
            pending_space = true;
            continue;
        }
        if is_combining_mark(c) {
            // Tone marks and vowel marks (breve, circumflex, horn) are all combining
            // marks after NFD, so this removes every Vietnamese diacritic.
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        // đ has no canonical decomposition (it is a letter with a stroke, not d + mark),
        // so it must be mapped by hand. Upper-case Đ was already lowered above.
        out.push(if c == 'đ' { 'd' } else { c });
    }
    out
}

/// True when every whitespace-separated word of folded `query` occurs, in order, as a
/// contiguous substring of folded `haystack` (i.e. fold(haystack).contains(fold(query))) —
/// "dang thi" finds "Đặng Thị Hoa"; "DANG" finds "Đặng". Empty query matches everything.
pub fn matches(haystack: &str, query: &str) -> bool {
    fold(haystack).contains(&fold(query))
}

// ---------------------------------------------------------------------------
// Collation
// ---------------------------------------------------------------------------
//
// A key is built in levels, like a (much simplified) Unicode Collation Algorithm
// tailored for Vietnamese:
//
//   primary   — one weight per letter: base letters in the Vietnamese alphabet, where
//               ă â đ ê ô ơ ư are letters of their own (not a/d/e/o/u with an accent);
//   secondary — per word, the tone marks (and any foreign diacritics) it carries,
//               then an end-of-word marker;
//   tertiary  — one weight per letter: lower case before upper case;
//   final     — the NFC text itself, so different spellings never compare equal and the
//               order is total and deterministic.
//
// Each level ends with a 0 byte and no weight contains a 0 byte, so "shorter sorts first"
// falls out of plain byte comparison and a level never bleeds into the next one.
//
// Tones go per *word* rather than per letter so that the old and new tone placements
// ("Hoà" and "Hòa") differ only at the final tie-break, not at the secondary level: in
// Vietnamese a syllable carries one tone, wherever the mark is drawn.

/// The Vietnamese alphabet, extended with f j w z (used in foreign words and names) at
/// their ASCII places, so every ASCII letter has a weight.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'ô', 'ơ', 'p', 'q',
    'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

// Primary weight bands: space < ASCII punctuation < digits < letters < everything else.
// This is the ASCII order of those classes, with the Vietnamese letters slotted in.
const W_SPACE: u32 = 1;
const W_PUNCT_BASE: u32 = 0x10; // + ASCII code (< 0x80)
const W_DIGIT_BASE: u32 = 0x100;
const W_LETTER_BASE: u32 = 0x200;
const W_OTHER_BASE: u32 = 0x1000; // + code point (≤ 0x10FFFF)

// Secondary weights. END must be the smallest so that a word without a tone sorts before
// the same word with one ("An" < "Án"); the tones follow the traditional order
// ngang (none), huyền, sắc, hỏi, ngã, nặng.
const S_END_OF_WORD: u8 = 1;
const S_HUYEN: u8 = 2;
const S_SAC: u8 = 3;
const S_HOI: u8 = 4;
const S_NGA: u8 = 5;
const S_NANG: u8 = 6;
const S_OTHER_MARK_BASE: u8 = 7;

const T_LOWER: u8 = 1;
const T_UPPER: u8 = 2;

const COMBINING_GRAVE: char = '\u{300}';
const COMBINING_ACUTE: char = '\u{301}';
const COMBINING_CIRCUMFLEX: char = '\u{302}';
const COMBINING_TILDE: char = '\u{303}';
const COMBINING_BREVE: char = '\u{306}';
const COMBINING_HOOK_ABOVE: char = '\u{309}';
const COMBINING_HORN: char = '\u{31B}';
const COMBINING_DOT_BELOW: char = '\u{323}';

/// The three collation levels of one field (a whole string, or one part of a name).
#[derive(Default)]
struct Levels {
    primary: Vec<u8>,
    secondary: Vec<u8>,
    tertiary: Vec<u8>,
}

impl Levels {
    fn push_primary(&mut self, w: u32) {
        // Three base-255 digits, each shifted up by one so no byte is 0 (0 terminates a
        // level). 255^3 > W_OTHER_BASE + 0x10FFFF, so every weight fits.
        let w = w.min(255 * 255 * 255 - 1);
        // The casts cannot truncate: each value is < 255 before adding 1.
        self.primary.push((w / (255 * 255)) as u8 + 1);
        self.primary.push((w / 255 % 255) as u8 + 1);
        self.primary.push((w % 255) as u8 + 1);
    }

    /// Appends `P 0 S 0 T 0` to `out`.
    fn append_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.primary);
        out.push(0);
        out.extend_from_slice(&self.secondary);
        out.push(0);
        out.extend_from_slice(&self.tertiary);
        out.push(0);
    }
}

/// Adds the collation weights of `words` (already split on whitespace) to `levels`,
/// with a space weight between words.
fn collate_words<'a>(words: impl IntoIterator<Item = &'a str>, levels: &mut Levels) {
    for (i, word) in words.into_iter().enumerate() {
        if i > 0 {
            levels.push_primary(W_SPACE);
            levels.tertiary.push(T_LOWER);
        }
        collate_word(word, levels);
    }
}

/// Weights of one word. NFD splits every precomposed letter into base + marks, so NFC and
/// NFD input give identical weights; canonical reordering also makes the order of stacked
/// marks (e.g. "ộ" = o + dot below + circumflex) irrelevant.
fn collate_word(word: &str, levels: &mut Levels) {
    let mut chars = word.nfd().peekable();
    while let Some(base) = chars.next() {
        let mut marks: Vec<char> = Vec::new();
        while let Some(&m) = chars.peek() {
            if !is_combining_mark(m) {
                break;
            }
            marks.push(m);
            chars.next();
        }
        if is_combining_mark(base) {
            // A mark with nothing to sit on (start of the word): no letter to weigh.
            // Record it as a foreign diacritic so it still breaks ties deterministically.
            levels.secondary.push(other_mark_weight(base));
            continue;
        }
        collate_letter(base, &marks, levels);
    }
    levels.secondary.push(S_END_OF_WORD);
}

fn collate_letter(base: char, marks: &[char], levels: &mut Levels) {
    let upper = base.is_uppercase();
    let lower = base.to_lowercase().next().unwrap_or(base);

    // Vowel marks that make a distinct Vietnamese letter are consumed at the primary
    // level; anything else (tones, foreign accents, a vowel mark on the "wrong" base)
    // is left for the secondary level.
    let (letter, vowel_mark) = vietnamese_letter(lower, marks);
    levels.push_primary(primary_weight(letter));
    levels.tertiary.push(if upper { T_UPPER } else { T_LOWER });

    for (i, &m) in marks.iter().enumerate() {
        if Some(i) == vowel_mark {
            continue;
        }
        levels.secondary.push(match m {
            COMBINING_GRAVE => S_HUYEN,
            COMBINING_ACUTE => S_SAC,
            COMBINING_HOOK_ABOVE => S_HOI,
            COMBINING_TILDE => S_NGA,
            COMBINING_DOT_BELOW => S_NANG,
            other => other_mark_weight(other),
        });
    }
}

/// Maps a lower-case base letter and its marks to the Vietnamese letter they spell,
/// returning which mark (by index) was used up, if any.
fn vietnamese_letter(base: char, marks: &[char]) -> (char, Option<usize>) {
    for (i, &m) in marks.iter().enumerate() {
        let letter = match (base, m) {
            ('a', COMBINING_BREVE) => 'ă',
            ('a', COMBINING_CIRCUMFLEX) => 'â',
            ('e', COMBINING_CIRCUMFLEX) => 'ê',
            ('o', COMBINING_CIRCUMFLEX) => 'ô',
            ('o', COMBINING_HORN) => 'ơ',
            ('u', COMBINING_HORN) => 'ư',
            _ => continue,
        };
        return (letter, Some(i));
    }
    (base, None)
}

fn primary_weight(c: char) -> u32 {
    if c.is_whitespace() {
        return W_SPACE;
    }
    if c.is_ascii_digit() {
        return W_DIGIT_BASE + u32::from(c) - u32::from('0');
    }
    if let Some(i) = ALPHABET.iter().position(|&a| a == c) {
        // At most 33 letters: the cast is lossless.
        return W_LETTER_BASE + i as u32;
    }
    if c.is_ascii() {
        return W_PUNCT_BASE + u32::from(c);
    }
    W_OTHER_BASE + u32::from(c)
}

/// Secondary weight for a diacritic that is not a Vietnamese tone: after all tones,
/// ordered by code point within the main combining block.
fn other_mark_weight(m: char) -> u8 {
    let offset = u32::from(m).saturating_sub(0x300).min(0x70);
    // offset ≤ 0x70, so 7 + offset ≤ 119 fits in a u8.
    S_OTHER_MARK_BASE + offset as u8
}

/// The whitespace-normalised NFC text, used as the final tie-break level.
fn tie_break<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let joined = words.into_iter().collect::<Vec<_>>().join(" ");
    joined.nfc().collect::<String>().into_bytes()
}

/// A byte key such that sorting names by this key orders them the Vietnamese way:
/// by given name (last word) first, then middle+family names (the preceding words, in order),
/// using the Vietnamese alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
/// at the base-letter level, then tones (none, huyền ◌̀, sắc ◌́, hỏi ◌̉, ngã ◌̃, nặng ◌̣) as a
/// secondary difference, then case as a tertiary difference. Letters outside the alphabet
/// (f, j, w, z, digits) sort in their natural ASCII place among the others sensibly.
/// Must handle both NFC and NFD input identically.
///
/// The given name is compared completely (letters, then tone, then case) before the rest
/// of the name is looked at, as in a Vietnamese class roster: all the "An" come together,
/// then all the "Án", each group ordered by family and middle name.
pub fn name_sort_key(full_name: &str) -> Vec<u8> {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    let (given, rest) = match words.split_last() {
        Some((given, rest)) => (std::slice::from_ref(given), rest),
        None => (&[][..], &[][..]),
    };

    let mut key = Vec::with_capacity(full_name.len() * 6 + 16);
    for field in [given, rest] {
        let mut levels = Levels::default();
        collate_words(field.iter().copied(), &mut levels);
        levels.append_to(&mut key);
    }
    key.extend(tie_break(words.iter().copied()));
    key
}

/// Same ordering rules as above but for the whole string as written (no given-name-first
/// reordering): for unit names, titles, etc.
pub fn sort_key(s: &str) -> Vec<u8> {
    let mut levels = Levels::default();
    collate_words(s.split_whitespace(), &mut levels);
    let mut key = Vec::with_capacity(s.len() * 6 + 8);
    levels.append_to(&mut key);
    key.extend(tie_break(s.split_whitespace()));
    key
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/// Inserts '.' every three digits from the right: "198835" -> "198.835".
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    let first = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// 198835 -> "198.835"; -1234 -> "-1.234"; 0 -> "0".
pub fn fmt_int(n: i64) -> String {
    // unsigned_abs handles i64::MIN, whose negation does not fit in i64.
    let grouped = group_thousands(&n.unsigned_abs().to_string());
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// num/den in thousandths, rounded half away from zero, computed exactly in u128
/// (num * 2000 cannot overflow). None when den == 0.
fn permille_exact(num: u64, den: u64) -> Option<u128> {
    if den == 0 {
        return None;
    }
    let (n, d) = (u128::from(num), u128::from(den));
    // round(x) for x >= 0 is floor(x + 1/2): floor((1000n/d) + 1/2) = floor((2000n + d) / 2d).
    Some((n * 2000 + d) / (2 * d))
}

/// Percentage of num/den with one decimal, Vietnamese style: (176, 251) -> "70,1%";
/// (820, 820) -> "100%" (drop ",0"); (0, 0) -> "–" (en dash, nothing to divide);
/// (1, 3) -> "33,3%"; thousands grouping applies: never above 100 in practice but 1234,5 -> "1.234,5%".
/// Round half away from zero on the exact rational (use integer arithmetic, not f64 display of
/// a rounded float): (667, 710) -> "93,9%"; (1, 8) -> "12,5%"; (1, 16) -> "6,3%".
pub fn fmt_rate(num: u64, den: u64) -> String {
    let Some(permille) = permille_exact(num, den) else {
        return "–".to_string();
    };
    // Per mille of the ratio = tenths of a percent.
    let whole = group_thousands(&(permille / 10).to_string());
    match permille % 10 {
        0 => format!("{whole}%"),
        tenth => format!("{whole},{tenth}%"),
    }
}

/// Same rounding, returning the per-mille integer (667/710 -> 939) so callers can compare; None when den == 0.
///
/// Saturates at `u64::MAX` in the (absurd) case where num is so much larger than den that
/// the per-mille value does not fit.
pub fn rate_permille(num: u64, den: u64) -> Option<u64> {
    permille_exact(num, den).map(|p| u64::try_from(p).unwrap_or(u64::MAX))
}

/// Parses an integer as typed in Vietnamese: "198.835", "198835", " 1.149 " -> Some; "1,5" or "abc" -> None.
///
/// Dots are accepted only as real thousands separators (groups of exactly three digits
/// after a first group of one to three), so a decimal like "1.5" or "0.500" is refused
/// rather than silently read as 15 or 500. A leading '-' is allowed; overflow gives None.
pub fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());

    let groups: Vec<&str> = body.split('.').collect();
    let (first, others) = groups.split_first()?;
    if !all_digits(first) {
        return None;
    }
    if !others.is_empty() {
        let first_ok = first.len() <= 3 && !first.starts_with('0');
        if !first_ok || !others.iter().all(|g| g.len() == 3 && all_digits(g)) {
            return None;
        }
    }

    let mut digits = String::with_capacity(body.len() + 1);
    if negative {
        digits.push('-');
    }
    groups.iter().for_each(|g| digits.push_str(g));
    // str::parse checks overflow, and accepts "-9223372036854775808" (i64::MIN).
    digits.parse().ok()
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// A figure's change from an earlier period, as a report writes it: (150, 120) -> "tăng
/// 25%", (90, 120) -> "giảm 25%", (120, 120) -> "bằng"; None when there was nothing before
/// (no share of zero).
pub fn fmt_change(now: u64, before: u64) -> Option<String> {
    if before == 0 {
        return None;
    }
    Some(match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("tăng {}", fmt_rate(now - before, before)),
        std::cmp::Ordering::Less => format!("giảm {}", fmt_rate(before - now, before)),
        std::cmp::Ordering::Equal => "bằng".to_string(),
    })
}

/// A span of years: "2025", or "2021–2025".
pub fn fmt_years(from: i32, to: i32) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    }
}

/// The text with its first letter in capitals: "toàn tỉnh" -> "Toàn tỉnh".
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// 2024-05-16 -> "16/5/2024" (no leading zeros).
pub fn fmt_date(d: NaiveDate) -> String {
    format!("{}/{}/{}", d.day(), d.month(), d.year())
}

/// 2024-05-16 -> "ngày 16 tháng 5 năm 2024".
pub fn fmt_date_long(d: NaiveDate) -> String {
    format!("ngày {} tháng {} năm {}", d.day(), d.month(), d.year())
}

/// Parses a date as people type it in Vietnamese documents and spreadsheets:
/// "16/5/2024", "16/05/2024", "16-05-2024", "16.05.2024", and ISO "2024-05-16". Surrounding
/// whitespace ignored. Returns None for anything else or impossible dates (31/2/2024).
///
/// The year must have four digits (a two-digit year is ambiguous), day and month one or
/// two, and the same separator must be used twice. The day always comes first, except in
/// the ISO form, which is recognised by its four-digit year in front.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let sep = s.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str, lens: std::ops::RangeInclusive<usize>| -> Option<u32> {
        if lens.contains(&p.len()) && p.bytes().all(|x| x.is_ascii_digit()) {
            p.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = if a.len() == 4 {
        if sep != '-' {
            return None;
        }
        (num(a, 4..=4)?, num(b, 1..=2)?, num(c, 1..=2)?)
    } else {
        (num(c, 4..=4)?, num(b, 1..=2)?, num(a, 1..=2)?)
    };
    // A four-digit year is at most 9999, so it always fits in i32.
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Why `s` is not a date, in Vietnamese and English: a day the month does not have
/// («31/11/2026: tháng 11/2026 chỉ có 30 ngày»), a month past 12, or else the shape.
pub fn date_problem(s: &str) -> (String, String) {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let digits = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    if let [a, b, c] = parts.as_slice() {
        if [a, b, c].iter().all(|p| digits(p)) {
            let (day, month, year) = if a.len() == 4 { (c, b, a) } else { (a, b, c) };
            let (day, month, year): (u32, u32, i32) =
                (day.parse().unwrap_or(0), month.parse().unwrap_or(0), year.parse().unwrap_or(0));
            if !(1..=12).contains(&month) {
                return (
                    format!("Ngày «{s}» không có: tháng phải từ 1 đến 12"),
                    format!("There is no date «{s}»: the month must be 1 to 12"),
                );
            }
            if year.to_string().len() == 4 && day > 0 {
                let next = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
                let days = NaiveDate::from_ymd_opt(next.0, next.1, 1)
                    .and_then(|d| d.pred_opt())
                    .map(|d| chrono::Datelike::day(&d));
                if let Some(days) = days.filter(|d| day > *d) {
                    return (
                        format!("Ngày «{s}» không có: tháng {month}/{year} chỉ có {days} ngày"),
                        format!("There is no date «{s}»: {month}/{year} has only {days} days"),
                    );
                }
            }
        }
    }
    (
        format!("Ngày «{s}» không hợp lệ: cần dạng ngày/tháng/năm, ví dụ 16/5/2024"),
        format!("Invalid date «{s}»: expected day/month/year, e.g. 16/5/2024"),
    )
}

/// A date in a JSON body or a query string, read like every other date (`parse_date`):
/// for `#[serde(deserialize_with = "vn::de_date")]`. Dates are still written ISO.
pub fn de_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = <String as serde::Deserialize>::deserialize(d)?;
    parse_date(&s).ok_or_else(|| bad_date(&s))
}

/// An optional date (`null`, absent or empty is none), for
/// `#[serde(default, deserialize_with = "vn::de_opt_date")]`.
pub fn de_opt_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match <Option<String> as serde::Deserialize>::deserialize(d)? {
        Some(s) if !s.trim().is_empty() => parse_date(&s).map(Some).ok_or_else(|| bad_date(&s)),
        _ => Ok(None),
    }
}

fn bad_date<E: serde::de::Error>(s: &str) -> E {
    let (vi, en) = date_problem(s);
    E::custom(format!("{vi} (16/5/2024 hoặc 2024-05-16) / {en} (16/5/2024 or 2024-05-16)"))
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod date_problem_tests {
    use super::date_problem;

    #[test]
    fn a_date_that_does_not_exist_is_named_as_such() {
        assert_eq!(date_problem("31/11/2026").0, "Ngày «31/11/2026» không có: tháng 11/2026 chỉ có 30 ngày");
        assert_eq!(date_problem("29/2/2025").1, "There is no date «29/2/2025»: 2/2025 has only 28 days");
        assert_eq!(date_problem("2024-13-01").0, "Ngày «2024-13-01» không có: tháng phải từ 1 đến 12");
        assert!(date_problem("hôm qua").0.contains("cần dạng ngày/tháng/năm"));
        assert!(date_problem("16/5").0.contains("cần dạng ngày/tháng/năm"));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_change_is_written_as_reports_write_it() {
        use super::fmt_change;
        assert_eq!(fmt_change(150, 120).as_deref(), Some("tăng 25%"));
        assert_eq!(fmt_change(90, 120).as_deref(), Some("giảm 25%"));
        assert_eq!(fmt_change(1_123, 1_000).as_deref(), Some("tăng 12,3%"));
        assert_eq!(fmt_change(5, 5).as_deref(), Some("bằng"));
        assert_eq!(fmt_change(5, 0), None);
    }

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    fn sorted_by<F: Fn(&str) -> Vec<u8>>(items: &[&str], key: F) -> Vec<String> {
        let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        v.sort_by_key(|s| key(s));
        v
    }

    /// Asserts that `items` are already in strictly increasing order under `key`.
    fn assert_strictly_ordered<F: Fn(&str) -> Vec<u8>>(items: &[&str], key: F) {
        for pair in items.windows(2) {
            assert!(key(pair[0]) < key(pair[1]), "expected {:?} < {:?}", pair[0], pair[1]);
        }
    }

    // ----- fold / matches -------------------------------------------------

    #[test]
    fn fold_examples() {
        assert_eq!(fold("Đặng Thị  Hoà"), "dang thi hoa");
        assert_eq!(fold("Đặng"), "dang");
        assert_eq!(fold("  Nguyễn\tVăn\n\nAn  "), "nguyen van an");
        assert_eq!(fold("ĂÂÊÔƠƯĐ ăâêôơưđ"), "aaeooud aaeooud");
        assert_eq!(fold("Trường Hưởng Ngữ Quỳnh Lũy"), "truong huong ngu quynh luy");
        assert_eq!(fold(""), "");
        assert_eq!(fold("   "), "");
        assert_eq!(fold("Chi bộ 12"), "chi bo 12");
        // Non-breaking space is whitespace too.
        assert_eq!(fold("Lê\u{a0}Văn"), "le van");
    }

    #[test]
    fn fold_nfc_and_nfd_agree() {
        for s in ["Đặng Thị Hoà", "Nguyễn Thị Ngọc Ánh", "Phường Ỷ La", "ỘỆỰ"] {
            assert_eq!(fold(s), fold(&nfd(s)), "{s}");
        }
    }

    #[test]
    fn matches_examples() {
        assert!(matches("Đặng Thị Hoa", "dang thi"));
        assert!(matches("Đặng Thị Hoa", "DANG"));
        assert!(matches("Đặng Thị Hoa", "thị hoa"));
        assert!(matches("Đặng Thị Hoa", "  thi   hoa "));
        assert!(matches("Đặng Thị Hoa", "ang th"));
        assert!(matches("Đặng Thị Hoa", ""));
        assert!(matches("", ""));
        assert!(matches("Đảng bộ phường", "dang bo"));
        assert!(!matches("Đặng Thị Hoa", "hoa dang"));
        assert!(!matches("Đặng Thị Hoa", "dang hoa"));
        assert!(!matches("", "a"));
        assert!(!matches("Đặng Thị Hoa", "hoang"));
    }

    // ----- collation ------------------------------------------------------

    #[test]
    fn name_sort_spec_example() {
        let names = [
            "Trần Văn Bình",
            "Nguyễn Thị An",
            "Lê Đức Anh",
            "Phạm Văn Ánh",
            "Đỗ Thị Ân",
            "Hoàng Đình Dũng",
            "Vũ Văn Du",
        ];
        // Given names: An < Anh (prefix) < Ánh (same letters, sắc > no tone)
        // < Ân (â is a letter after a) < Bình < Du (prefix of Dũng) < Dũng.
        assert_eq!(
            sorted_by(&names, name_sort_key),
            [
                "Nguyễn Thị An",
                "Lê Đức Anh",
                "Phạm Văn Ánh",
                "Đỗ Thị Ân",
                "Trần Văn Bình",
                "Vũ Văn Du",
                "Hoàng Đình Dũng",
            ]
        );
    }

    #[test]
    fn name_sort_same_given_name_uses_family_then_middle() {
        let names = ["Nguyễn Văn An", "Lê Thị An", "Đặng An", "Dương An", "Nguyễn An", "Lê An"];
        assert_eq!(
            sorted_by(&names, name_sort_key),
            [
                // "Dương" before "Đặng": d < đ at the first letter.
                "Dương An",
                "Đặng An",
                // "Lê" is a prefix of "Lê Thị".
                "Lê An",
                "Lê Thị An",
                "Nguyễn An",
                "Nguyễn Văn An",
            ]
        );
    }

    #[test]
    fn name_sort_groups_given_names_by_tone() {
        // The whole given name (with tone) decides before the family name is looked at.
        assert_strictly_ordered(&["Trần An", "Lê Án", "An Ấn"], name_sort_key);
        assert_strictly_ordered(&["Vũ Thị An", "Lê Văn Ân"], name_sort_key);
        // A lone given name sorts before the same given name with a family name.
        assert_strictly_ordered(&["An", "Bùi An"], name_sort_key);
        assert_strictly_ordered(&["", "An"], name_sort_key);
    }

    #[test]
    fn name_sort_ignores_extra_whitespace() {
        assert_eq!(name_sort_key("  Nguyễn   Thị\tAn "), name_sort_key("Nguyễn Thị An"));
    }

    #[test]
    fn alphabet_base_letters() {
        // The full Vietnamese alphabet (with f j w z slotted in) is strictly increasing.
        let letters: Vec<String> = ALPHABET.iter().map(|c| c.to_string()).collect();
        let refs: Vec<&str> = letters.iter().map(String::as_str).collect();
        assert_strictly_ordered(&refs, sort_key);
        assert_strictly_ordered(&["d", "đ", "e"], sort_key);
        assert_strictly_ordered(&["D", "Đ", "E"], sort_key);
        assert_strictly_ordered(&["a", "ă", "â", "b"], sort_key);
        assert_strictly_ordered(&["o", "ô", "ơ", "p"], sort_key);
        assert_strictly_ordered(&["u", "ư", "v"], sort_key);
        assert_strictly_ordered(&["e", "ê", "f", "g"], sort_key);
        assert_strictly_ordered(&["i", "j", "k"], sort_key);
        assert_strictly_ordered(&["v", "w", "x", "y", "z"], sort_key);
        // A base-letter difference anywhere beats any tone or case difference.
        assert_strictly_ordered(&["Dz", "đa"], sort_key);
        assert_strictly_ordered(&["ĐỮ", "e"], sort_key);
        assert_strictly_ordered(&["Ạnh", "ăn"], sort_key);
        assert_strictly_ordered(&["Tuấn", "Tùng"], sort_key);
    }

    #[test]
    fn tones_are_secondary() {
        // Same letters: none < huyền < sắc < hỏi < ngã < nặng.
        assert_strictly_ordered(&["ma", "mà", "má", "mả", "mã", "mạ"], sort_key);
        // ... but only when the letters are equal over the whole string.
        assert_strictly_ordered(&["má", "man"], sort_key);
        assert_strictly_ordered(&["Anh", "Ánh", "Ân"], sort_key);
        // Tones with vowel letters: ấ is â + sắc, so it sorts among the â words.
        assert_strictly_ordered(&["ăn", "ắn", "ân", "ấn"], sort_key);
        // Old and new tone placement differ only at the final tie-break.
        let (old, new) = (sort_key("Hoà"), sort_key("Hòa"));
        assert_ne!(old, new);
        assert!(old < sort_key("Hoá") && new < sort_key("Hoá"));
        assert!(old > sort_key("Hoa") && new > sort_key("Hoa"));
    }

    #[test]
    fn case_is_tertiary() {
        assert_strictly_ordered(&["an", "An", "AN", "án", "Án"], sort_key);
        assert_strictly_ordered(&["đa", "Đa", "đà"], sort_key);
        // Case never beats letters.
        assert_strictly_ordered(&["ả", "Z"], sort_key);
        assert_strictly_ordered(&["A", "ă"], sort_key);
    }

    #[test]
    fn nfd_input_gives_identical_keys() {
        for s in ["Đặng Thị Hoà", "Nguyễn Thị Ngọc Ánh", "Trường THCS Lê Quý Đôn", "ỘỆỰ ỡ ẳ", "Phạm Văn Ánh"]
        {
            assert_eq!(sort_key(s), sort_key(&nfd(s)), "{s}");
            assert_eq!(name_sort_key(s), name_sort_key(&nfd(s)), "{s}");
        }
        // Marks stacked in a non-canonical order are reordered by NFD.
        assert_eq!(sort_key("o\u{302}\u{323}"), sort_key("ộ"));
    }

    #[test]
    fn unit_names_sort_as_written() {
        let units = [
            "Đảng bộ xã Yên Bình",
            "Chi bộ Trường THPT",
            "Chi bộ 2",
            "Chi bộ 1",
            "Đảng bộ phường Ái Quốc",
            "Ban Tuyên giáo",
            "Đảng ủy Khối",
        ];
        assert_eq!(
            sorted_by(&units, sort_key),
            [
                "Ban Tuyên giáo",
                "Chi bộ 1",
                "Chi bộ 2",
                "Chi bộ Trường THPT",
                "Đảng bộ phường Ái Quốc",
                "Đảng bộ xã Yên Bình",
                "Đảng ủy Khối",
            ]
        );
        // Space < punctuation < digits < letters.
        assert_strictly_ordered(&["a b", "a-b", "a1", "aa"], sort_key);
        // Letters outside ASCII and the Vietnamese alphabet go after z.
        assert_strictly_ordered(&["z", "ß", "ж"], sort_key);
    }

    #[test]
    fn foreign_diacritics_are_secondary() {
        // ü and ñ are u and n plus a non-Vietnamese mark: same letters, sorted after tones.
        assert_strictly_ordered(&["muller", "müller", "nuno", "nuño", "nup"], sort_key);
        // A vowel mark on a letter that does not take it (ŭ) is not a new letter.
        assert_strictly_ordered(&["u", "ŭ", "ư"], sort_key);
    }

    #[test]
    fn keys_are_deterministic_and_distinguish_strings() {
        assert_eq!(sort_key("Hà Nội"), sort_key("Hà Nội"));
        assert_ne!(sort_key("Hà Nội"), sort_key("Hà Nôi"));
        assert_ne!(name_sort_key("Lê An"), name_sort_key("Lê  Án"));
        assert_eq!(sort_key(""), sort_key("   "));
    }

    // ----- numbers --------------------------------------------------------

    #[test]
    fn fmt_int_examples() {
        assert_eq!(fmt_int(198_835), "198.835");
        assert_eq!(fmt_int(-1234), "-1.234");
        assert_eq!(fmt_int(0), "0");
        assert_eq!(fmt_int(7), "7");
        assert_eq!(fmt_int(999), "999");
        assert_eq!(fmt_int(1000), "1.000");
        assert_eq!(fmt_int(-999), "-999");
        assert_eq!(fmt_int(12_345_678), "12.345.678");
        assert_eq!(fmt_int(100_000), "100.000");
        assert_eq!(fmt_int(i64::MAX), "9.223.372.036.854.775.807");
        assert_eq!(fmt_int(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn fmt_rate_examples() {
        assert_eq!(fmt_rate(176, 251), "70,1%");
        assert_eq!(fmt_rate(820, 820), "100%");
        assert_eq!(fmt_rate(0, 0), "–");
        assert_eq!(fmt_rate(5, 0), "–");
        assert_eq!(fmt_rate(1, 3), "33,3%");
        assert_eq!(fmt_rate(2, 3), "66,7%");
        assert_eq!(fmt_rate(667, 710), "93,9%");
        assert_eq!(fmt_rate(1, 8), "12,5%");
        assert_eq!(fmt_rate(1, 16), "6,3%");
        assert_eq!(fmt_rate(0, 251), "0%");
        assert_eq!(fmt_rate(1, 2), "50%");
        // 12345/1000 = 1234,5%
        assert_eq!(fmt_rate(12_345, 1000), "1.234,5%");
        // Exactly half a tenth rounds up: 1/2000 = 0,05% -> 0,1%.
        assert_eq!(fmt_rate(1, 2000), "0,1%");
        // Just under half rounds down: 1/2001 -> 0%.
        assert_eq!(fmt_rate(1, 2001), "0%");
        // 99,95% rounds up to 100%.
        assert_eq!(fmt_rate(19_990, 20_000), "100%");
        assert_eq!(fmt_rate(19_989, 20_000), "99,9%");
        // Huge values stay exact and do not overflow.
        assert_eq!(fmt_rate(u64::MAX, u64::MAX), "100%");
        assert_eq!(fmt_rate(u64::MAX, 1), "1.844.674.407.370.955.161.500%");
    }

    #[test]
    fn rate_permille_examples() {
        assert_eq!(rate_permille(667, 710), Some(939));
        assert_eq!(rate_permille(176, 251), Some(701));
        assert_eq!(rate_permille(820, 820), Some(1000));
        assert_eq!(rate_permille(1, 16), Some(63));
        assert_eq!(rate_permille(1, 8), Some(125));
        assert_eq!(rate_permille(0, 5), Some(0));
        assert_eq!(rate_permille(0, 0), None);
        assert_eq!(rate_permille(3, 0), None);
        assert_eq!(rate_permille(u64::MAX, 1), Some(u64::MAX));
    }

    #[test]
    fn parse_int_examples() {
        assert_eq!(parse_int("198.835"), Some(198_835));
        assert_eq!(parse_int("198835"), Some(198_835));
        assert_eq!(parse_int(" 1.149 "), Some(1149));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("-1.234"), Some(-1234));
        assert_eq!(parse_int("1.000.000"), Some(1_000_000));
        assert_eq!(parse_int("007"), Some(7));
        assert_eq!(parse_int("1,5"), None);
        assert_eq!(parse_int("abc"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("   "), None);
        assert_eq!(parse_int("-"), None);
        assert_eq!(parse_int("1.5"), None);
        assert_eq!(parse_int("0.500"), None);
        assert_eq!(parse_int("1234.567"), None);
        assert_eq!(parse_int("1..234"), None);
        assert_eq!(parse_int(".234"), None);
        assert_eq!(parse_int("1.234."), None);
        assert_eq!(parse_int("+5"), None);
        assert_eq!(parse_int("--5"), None);
        assert_eq!(parse_int("1 234"), None);
        assert_eq!(parse_int("１２"), None); // full-width digits
        assert_eq!(parse_int("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int("9.223.372.036.854.775.808"), None);
        assert_eq!(parse_int("-9.223.372.036.854.775.808"), Some(i64::MIN));
    }

    #[test]
    fn parse_int_round_trips_fmt_int() {
        for n in [0, 1, -1, 999, 1000, -1000, 198_835, 123_456_789, i64::MAX, i64::MIN] {
            assert_eq!(parse_int(&fmt_int(n)), Some(n), "{n}");
        }
    }

    // ----- dates ----------------------------------------------------------

    #[test]
    fn fmt_date_examples() {
        assert_eq!(fmt_date(date(2024, 5, 16)), "16/5/2024");
        assert_eq!(fmt_date(date(2024, 1, 1)), "1/1/2024");
        assert_eq!(fmt_date(date(2023, 12, 31)), "31/12/2023");
        assert_eq!(fmt_date_long(date(2024, 5, 16)), "ngày 16 tháng 5 năm 2024");
        assert_eq!(fmt_date_long(date(2025, 1, 3)), "ngày 3 tháng 1 năm 2025");
    }

    #[test]
    fn parse_date_accepted_forms() {
        let d = Some(date(2024, 5, 16));
        assert_eq!(parse_date("16/5/2024"), d);
        assert_eq!(parse_date("16/05/2024"), d);
        assert_eq!(parse_date("16-05-2024"), d);
        assert_eq!(parse_date("16.05.2024"), d);
        assert_eq!(parse_date("2024-05-16"), d);
        assert_eq!(parse_date("2024-5-16"), d);
        assert_eq!(parse_date("  16/5/2024\t"), d);
        assert_eq!(parse_date("1/1/2024"), Some(date(2024, 1, 1)));
        assert_eq!(parse_date("29/2/2024"), Some(date(2024, 2, 29)));
    }

    #[test]
    fn parse_date_rejections() {
        for s in [
            "",
            "   ",
            "31/2/2024",
            "29/2/2023",
            "32/1/2024",
            "0/1/2024",
            "1/0/2024",
            "1/13/2024",
            "16/5/24",       // two-digit year
            "16/5/02024",    // five-digit year
            "016/5/2024",    // three-digit day
            "16/5-2024",     // mixed separators
            "16/5/2024/1",   // too many parts
            "16/5",          // too few parts
            "2024/05/16",    // ISO only with '-'
            "2024.05.16",    //
            "2024-02-30",    // impossible ISO date
            "16 / 5 / 2024", // spaces inside
            "16/5/2024 10:00",
            "ngày 16 tháng 5 năm 2024",
            "+16/5/2024",
            "16/+5/2024",
            "١٦/٥/٢٠٢٤", // Arabic-Indic digits
            "abc",
            "//",
        ] {
            assert_eq!(parse_date(s), None, "{s:?}");
        }
    }

    #[test]
    fn parse_date_round_trips_fmt_date() {
        for d in [date(2024, 5, 16), date(1999, 12, 31), date(2000, 2, 29)] {
            assert_eq!(parse_date(&fmt_date(d)), Some(d));
        }
    }

    // ----- robustness -----------------------------------------------------

    const TRICKY: &[&str] = &[
        "",
        " ",
        "\u{300}",
        "\u{301}\u{323}\u{31b}",
        "a\u{300}\u{301}\u{309}\u{303}\u{323}\u{306}\u{302}\u{31b}",
        "\u{0}",
        "\u{10FFFF}",
        "\u{FEFF}",
        "İstanbul ẞ ǅ ﬁ",
        "🙂 👨‍👩‍👧",
        "\u{202E}abc",
        "-",
        ".",
        "..",
        "-.-",
        "/",
        "//",
        "--",
        "9999999999999999999999999",
        "-9999999999999999999999999",
        "0000/00/00",
        "99/99/9999",
        "9999-99-99",
        "\t\n\r\u{a0}\u{3000}",
        "Đặng Thị Hoà",
    ];

    #[test]
    fn no_panics_on_tricky_inputs() {
        for s in TRICKY {
            let _ = fold(s);
            let _ = matches(s, s);
            let _ = matches("Đặng", s);
            let _ = name_sort_key(s);
            let _ = sort_key(s);
            let _ = parse_date(s);
            let _ = parse_int(s);
            assert_eq!(sort_key(s), sort_key(&nfd(s)), "{s:?}");
        }
        for n in [0, 1, u64::MAX] {
            for d in [0, 1, u64::MAX] {
                let _ = fmt_rate(n, d);
                let _ = rate_permille(n, d);
            }
        }
        let _ = fmt_date(NaiveDate::MIN);
        let _ = fmt_date_long(NaiveDate::MAX);
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;
        use unicode_normalization::UnicodeNormalization;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn text_functions_never_panic(s in any::<String>(), q in any::<String>()) {
                let _ = fold(&s);
                let _ = matches(&s, &q);
                let _ = name_sort_key(&s);
                let _ = sort_key(&s);
                let _ = parse_date(&s);
                let _ = parse_int(&s);
            }

            #[test]
            fn keys_agree_for_nfc_and_nfd(s in any::<String>()) {
                let nfc: String = s.nfc().collect();
                let nfd: String = s.nfd().collect();
                prop_assert_eq!(sort_key(&nfc), sort_key(&nfd));
                prop_assert_eq!(name_sort_key(&nfc), name_sort_key(&nfd));
                prop_assert_eq!(fold(&nfc), fold(&nfd));
            }

            #[test]
            fn fold_is_idempotent_and_matches_itself(s in any::<String>()) {
                let f = fold(&s);
                prop_assert_eq!(fold(&f), f.clone());
                prop_assert!(matches(&s, &s));
            }

            #[test]
            fn int_round_trip(n in any::<i64>()) {
                prop_assert_eq!(parse_int(&fmt_int(n)), Some(n));
            }

            #[test]
            fn rate_is_consistent(num in any::<u64>(), den in 1u64..) {
                let p = rate_permille(num, den).unwrap();
                // Exact check of round-half-away-from-zero: |1000*num/den - p| <= 1/2.
                let (n, d, p) = (u128::from(num), u128::from(den), u128::from(p));
                if p < u128::from(u64::MAX) {
                    prop_assert!(2 * n * 1000 <= (2 * p + 1) * d);
                    prop_assert!(2 * n * 1000 + d >= 2 * p * d);
                }
                prop_assert!(fmt_rate(num, den).ends_with('%'));
            }

            #[test]
            fn date_round_trip(days in 0i64..(366 * 9000)) {
                let d = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap() + chrono::Duration::days(days);
                if d.year() <= 9999 {
                    prop_assert_eq!(parse_date(&fmt_date(d)), Some(d));
                    prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Some(d));
                    prop_assert_eq!(parse_date(&d.format("%d.%m.%Y").to_string()), Some(d));
                }
            }
        }
    }
}
