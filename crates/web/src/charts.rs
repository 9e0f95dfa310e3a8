//! Charts drawn on the server as SVG (templates/charts.html): no script, no library, readable
//! at a phone's width (drawn 360 units wide, the text at its size) and printable. Each chart
//! comes with its figures in a table on the page, for those who cannot see it.
use lamtheo_domain::vn;

use crate::i18n::Lang;

/// The width of a bar at 100%, in the chart's units: 360 wide, with room after the longest bar
/// for its label ("1.787 (81,1%)").
const FULL_BAR: u64 = 240;
const ROW: u64 = 36;

/// A rate under this (80%) is drawn light in a chart and highlighted in a table.
pub const LOW_RATE_PERMILLE: u64 = 800;

/// Horizontal bars, one per row: a rate by unit, a count by level.
pub struct Bars {
    /// (top of the row, name, bar width, label after the bar, drawn light, the figures
    /// behind the label: "20/25").
    pub bars: Vec<(u64, String, u64, String, bool, String)>,
    /// A dashed line across the bars (the unit's own rate) and its label.
    pub line: Option<(u64, String)>,
    pub height: u64,
}

impl Bars {
    /// Rates in per mille, highest first (ties by name, the Vietnamese way); rows without a
    /// rate (nobody expected) are left out; a rate under `low` is drawn light; `own` is the
    /// whole unit's rate, a dashed line.
    /// `rows`: (name, made, expected).
    pub fn rates(rows: Vec<(String, u64, u64)>, own: Option<u64>, low: u64) -> Bars {
        let mut rated: Vec<(String, u64, String)> = rows
            .into_iter()
            .filter_map(|(n, made, expected)| {
                let detail = format!("{}/{}", vn::fmt_int(made as i64), vn::fmt_int(expected as i64));
                Some((n, vn::rate_permille(made, expected)?, detail))
            })
            .collect();
        rated.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| vn::sort_key(&a.0).cmp(&vn::sort_key(&b.0))));
        let bars = rated
            .into_iter()
            .map(|(name, permille, detail)| {
                (name, permille.min(1000) * FULL_BAR / 1000, vn::fmt_rate(permille, 1000), permille < low, detail)
            })
            .collect();
        Bars::laid_out(bars, own.map(|p| (p.min(1000) * FULL_BAR / 1000, vn::fmt_rate(p, 1000))))
    }

    /// Counts in the order given, each bar's length its share of the largest, labelled
    /// "12 (30,0%)" with its share of the total.
    pub fn counts(rows: Vec<(String, u64)>) -> Bars {
        let (max, total) = (rows.iter().map(|r| r.1).max().unwrap_or(0), rows.iter().map(|r| r.1).sum::<u64>());
        let bars = rows
            .into_iter()
            .map(|(name, n)| {
                let width = (n * FULL_BAR).checked_div(max).unwrap_or(0);
                let share = vn::fmt_rate(n, total);
                (name, width, format!("{} ({share})", vn::fmt_int(n as i64)), false, vn::fmt_int(n as i64))
            })
            .collect();
        Bars::laid_out(bars, None)
    }

    fn laid_out(bars: Vec<(String, u64, String, bool, String)>, line: Option<(u64, String)>) -> Bars {
        let bars: Vec<_> = bars
            .into_iter()
            .enumerate()
            .map(|(i, (name, width, label, light, detail))| (i as u64 * ROW, name, width, label, light, detail))
            .collect();
        Bars { height: bars.len() as u64 * ROW + 8, bars, line }
    }

    /// What the chart shows (`what`, in both languages), the whole unit's line if drawn, and
    /// where its figures are.
    pub fn caption(&self, t: Lang, what: (&str, &str)) -> String {
        let mut c = t.s(what.0, what.1).to_string();
        if let Some((_, own)) = &self.line {
            c += &format!("; {} {own}", t.s("đường đứt: toàn đơn vị", "dashed line: the whole unit"));
        }
        c + ". " + t.s("Số liệu trong bảng dưới.", "The figures are in the table below.")
    }

    pub fn is_empty(&self) -> bool {
        self.bars.is_empty()
    }
}

/// Columns by month (or by year, over a long period): two series one above the other
/// (conferences, and attendances), each scaled to its own largest value.
pub struct Columns {
    /// (left, width, top series height, bottom series height, label under the column or "").
    pub columns: Vec<(u64, u64, u64, u64, String)>,
    /// The largest value of each series, written at its scale's top.
    pub top_max: String,
    pub bottom_max: String,
}

/// The height of each series' band.
pub const BAND: u64 = 70;

impl Columns {
    /// `points`: (label, top value, bottom value), oldest first.
    pub fn of(points: &[(String, u64, u64)]) -> Columns {
        let n = points.len().max(1) as u64;
        let width = (330 / n).max(2);
        let top = points.iter().map(|p| p.1).max().unwrap_or(0);
        let bottom = points.iter().map(|p| p.2).max().unwrap_or(0);
        let scaled = |v: u64, max: u64| if max == 0 { 0 } else { (v * BAND).div_ceil(max) };
        // Every label when they fit (12 months), else about every sixth.
        let every = (n as usize).div_ceil(12);
        let columns = points
            .iter()
            .enumerate()
            .map(|(i, (label, a, b))| {
                let label = if i % every == 0 { label.clone() } else { String::new() };
                (30 + i as u64 * width, width.saturating_sub(1).max(1), scaled(*a, top), scaled(*b, bottom), label)
            })
            .collect();
        Columns { columns, top_max: vn::fmt_int(top as i64), bottom_max: vn::fmt_int(bottom as i64) }
    }
}
