//! The tree browser and a unit's page: figures for a period as of a date, the table by child
//! unit, topic completion, conferences, and the restructuring forms.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_analytics::Figures;
use lamtheo_app::tree::{MergeTarget, NewUnit};
use lamtheo_domain::access::Resource;
use lamtheo_domain::period::Period;
use lamtheo_domain::{vn, Error, Id};
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::charts::{Bars, Columns, LOW_RATE_PERMILLE};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/units/{id}", get(unit_page))
        .route("/units/{id}/figures.xlsx", get(figures_xlsx))
        .route("/units/{id}/children", post(create_child))
        .route("/units/{id}/rename", post(rename))
        .route("/units/{id}/move", post(move_unit))
        .route("/units/{id}/close", post(close))
        .route("/units/{id}/merge", post(merge))
        .route("/units/{id}/split", get(split_page).post(split))
        .route("/units/search", get(search))
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub as_of: Option<String>,
    /// The column the table by child unit is sorted by (`SORTS`), and `asc` or `desc`.
    pub sort: Option<String>,
    pub dir: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Lang,
    c: Ctx,
    units: Vec<(Id, String)>,
}

async fn home(State(st): State<AppState>, s: Session) -> PageResult {
    // A member's home is their own page (their plans, commitments, registrations, rating),
    // not their cell's statistics.
    if s.actor.role == lamtheo_domain::access::Role::Member && s.actor.person_id.is_some() {
        return Ok(Redirect::to("/me").into_response());
    }
    let today = st.app.today();
    let tops = st.app.top_units(&s.actor, today);
    if let [one] = tops.as_slice() {
        return Ok(Redirect::to(&format!("/units/{one}")).into_response());
    }
    let units = tops
        .iter()
        .filter_map(|id| st.app.unit_view(&s.actor, *id, today).ok())
        .map(|v| (v.unit.id, v.name_on))
        .collect();
    render(s.t, HomePage { t: s.t, c: Ctx::of(&s), units })
}

/// One row of figures as the page prints them.
pub struct FigureRow {
    pub id: Id,
    pub name: String,
    pub historic: bool,
    pub conferences: String,
    pub member_attendances: String,
    pub other_attendances: String,
    /// Regular cell meetings, those with study content, and their attendances (lượt).
    pub meetings: String,
    pub meetings_with_study: String,
    pub meeting_attendances: String,
    pub participants: String,
    pub eligible: String,
    pub rate: String,
    /// "176/251" cells with study content in their regular meetings, and its rate.
    pub cells: String,
    pub cells_rate: String,
    /// The participation rate is under `charts::LOW_RATE_PERMILLE` (highlighted).
    pub low: bool,
}

impl UnitPage {
    fn rate_caption(&self) -> String {
        self.rate_chart.caption(
            self.t,
            (
                "Tỷ lệ cán bộ, đảng viên tham gia học tập, cao xuống thấp; màu nhạt: dưới 80%",
                "Share of cadres and members who took part, highest first; light: under 80%",
            ),
        )
    }

    fn plan_caption(&self) -> String {
        self.plan_chart.caption(
            self.t,
            (
                "Đảng viên đã xây dựng kế hoạch làm theo Bác năm / đảng viên thuộc diện, cao xuống thấp; màu nhạt: dưới 80%",
                "Party members with the year's plan / members expected, highest first; light: under 80%",
            ),
        )
    }

    /// The address that sorts the table by child unit by `column`: largest first, or the
    /// other way round when it is sorted so already.
    fn sort_link(&self, column: &str) -> String {
        let (by, descending) = &self.sorted_by;
        let dir = if by == column && *descending { "asc" } else { "desc" };
        format!("/units/{}?{}&sort={column}&dir={dir}#children", self.id, self.qs)
    }
    /// "▼" or "▲" on the column the table is sorted by.
    fn sort_mark(&self, column: &str) -> &'static str {
        match &self.sorted_by {
            (by, true) if by == column => " ▼",
            (by, false) if by == column => " ▲",
            _ => "",
        }
    }
}

/// The topics of the period: (title, deadline, child units that completed it, people who
/// studied it), as the page and its workbook show them.
async fn topic_rows(
    app: &lamtheo_app::App,
    s: &Session,
    report: &lamtheo_analytics::UnitReport,
) -> Result<Vec<(String, String, String, String)>, crate::WebError> {
    let topic_titles = app.topics().await.map_err(|e| s.fail(e))?;
    Ok(report
        .topics
        .iter()
        .filter_map(|tc| {
            let t = topic_titles.iter().find(|t| t.id == tc.topic_id)?;
            let people = format!("{} ({})", tc.people_label(), tc.people_rate());
            Some((t.title.clone(), tc.deadline.map(fmt::date).unwrap_or_else(|| "—".into()), tc.label(), people))
        })
        .collect())
}

/// The plans table: (kind, years, members made/expected, rate, everyone made/expected), and
/// the people who made both the term's and the year's plan.
async fn plan_rows(
    app: &lamtheo_app::App,
    s: &Session,
    id: Id,
    period: Period,
    as_of: chrono::NaiveDate,
) -> Result<Vec<(String, String, String, String, String)>, crate::WebError> {
    let mut plans: Vec<_> = app
        .plan_figures(&s.actor, id, period, as_of)
        .await
        .map_err(|e| s.fail(e))?
        .iter()
        .map(|f| {
            let years = lamtheo_domain::vn::fmt_years(f.from_year, f.to_year);
            (s.t.s(f.kind.label_vi(), f.kind.label_en()).to_string(), years, f.label(), f.rate(), f.label_all())
        })
        .collect();
    let both = app.both_plans(&s.actor, id, period, as_of).await.map_err(|e| s.fail(e))?;
    plans.push((
        s.t.s("Cả kế hoạch nhiệm kỳ và kế hoạch năm", "Both the term plan and the year plan").to_string(),
        period.to.year().to_string(),
        format!("{}/{}", fmt::int(both.made), fmt::int(both.expected)),
        lamtheo_domain::vn::fmt_rate(both.made.max(0) as u64, both.expected.max(0) as u64),
        format!("{}/{}", fmt::int(both.made_all), fmt::int(both.expected_all)),
    ));
    Ok(plans)
}

/// The monthly trend of conferences and attendances, as a chart and as its table.
pub struct Trend {
    pub chart: Columns,
    /// (month or year, conferences, cadres' and members' attendances, others' attendances,
    /// regular cell meetings).
    pub rows: Vec<(String, String, String, String, String)>,
}

/// The unit's months over the period, or its years over a period longer than two years
/// (sixty columns would be too thin on a phone).
async fn trend(
    app: &lamtheo_app::App,
    s: &Session,
    unit: Id,
    period: Period,
    as_of: chrono::NaiveDate,
) -> Result<Trend, crate::WebError> {
    let months = app.monthly_figures(&s.actor, unit, period, as_of).await.map_err(|e| s.fail(e))?;
    let by_year = months.len() > 24;
    // (label, label under the column, [conferences, member attendances, other attendances,
    // meetings]): the table says "3/2024"; under a column there is room for "3" only, so the
    // year goes with the first column and each January.
    let mut points: Vec<(String, String, [u64; 4])> = vec![];
    for m in &months {
        let (label, short) = match by_year {
            true => (m.month.year().to_string(), m.month.year().to_string()),
            false if m.month == period.from || m.month.month() == 1 => {
                (fmt::month(m.month), format!("{}/{}", m.month.month(), m.month.year() % 100))
            }
            false => (fmt::month(m.month), m.month.month().to_string()),
        };
        let add = [m.conferences, m.member_attendances, m.other_attendances, m.meetings];
        match points.last_mut() {
            Some((l, _, sums)) if *l == label => sums.iter_mut().zip(add).for_each(|(a, b)| *a += b),
            _ => points.push((label, short, add)),
        }
    }
    let chart = Columns::of(&points.iter().map(|(_, short, v)| (short.clone(), v[0], v[1])).collect::<Vec<_>>());
    let rows = points
        .into_iter()
        .map(|(l, _, v)| (l, fmt::int(v[0]), fmt::int(v[1]), fmt::int(v[2]), fmt::int(v[3])))
        .collect();
    Ok(Trend { chart, rows })
}

/// The share of party members with a year plan, by child unit (the year the period ends in).
async fn plan_chart(
    app: &lamtheo_app::App,
    s: &Session,
    unit: Id,
    rows: &[(&lamtheo_analytics::ChildRow, String)],
    period: Period,
    as_of: chrono::NaiveDate,
) -> Result<Bars, crate::WebError> {
    // (made, expected) of the year plan.
    let year_plan = async |unit: Id| {
        let f = app
            .plan_figure(&s.actor, unit, period, as_of, lamtheo_domain::plans::PlanKind::YearPlan)
            .await
            .map_err(|e| s.fail(e))?;
        Ok::<_, crate::WebError>((f.made.max(0) as u64, f.expected.max(0) as u64))
    };
    let mut bars = vec![];
    for (c, name) in rows.iter().filter(|(c, _)| !c.historic) {
        let (made, expected) = year_plan(c.unit_id).await?;
        bars.push((name.clone(), made, expected));
    }
    let (made, expected) = year_plan(unit).await?;
    let own = vn::rate_permille(made, expected);
    Ok(Bars::rates(bars, own, LOW_RATE_PERMILLE))
}

/// The figure a column of the table by child unit sorts on.
type SortKey = fn(&Figures) -> Option<u64>;

/// The columns the table by child unit sorts by: (query name, the figure to sort on; none
/// for a rate with nobody eligible, which sorts last).
const SORTS: &[(&str, SortKey)] = &[
    ("conferences", |f| Some(f.conferences)),
    ("member_attendances", |f| Some(f.member_attendances)),
    ("other_attendances", |f| Some(f.other_attendances)),
    ("participants", |f| Some(f.participants)),
    ("eligible", |f| Some(f.eligible)),
    ("rate", |f| f.rate_permille()),
    ("meetings", |f| Some(f.meetings)),
    ("cells", |f| lamtheo_domain::vn::rate_permille(f.cells_with_study, f.cells)),
];

impl FigureRow {
    fn new(id: Id, name: String, historic: bool, f: &Figures) -> FigureRow {
        FigureRow {
            id,
            name,
            historic,
            conferences: fmt::int(f.conferences),
            member_attendances: fmt::int(f.member_attendances),
            other_attendances: fmt::int(f.other_attendances),
            meetings: fmt::int(f.meetings),
            meetings_with_study: fmt::int(f.meetings_with_study),
            meeting_attendances: fmt::int(f.meeting_member_attendances + f.meeting_other_attendances),
            participants: fmt::int(f.participants),
            eligible: fmt::int(f.eligible),
            rate: f.rate_label(),
            low: f.rate_permille().is_some_and(|r| r < LOW_RATE_PERMILLE),
            cells: f.cells_label(),
            cells_rate: f.cells_rate_label(),
        }
    }
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    t: Lang,
    c: Ctx,
    id: Id,
    code: String,
    name: String,
    kind: String,
    historic: bool,
    closed: Option<String>,
    crumbs: Vec<lamtheo_app::tree::PathStep>,
    from: String,
    to: String,
    /// The period's months as the month pickers' values ("2025-01").
    from_iso: String,
    to_iso: String,
    /// (label, from, to) of the quick choices of period.
    quick: Vec<(String, String, String)>,
    /// On a cell's page, for those who record its meetings.
    secretary: Option<SecretaryPanel>,
    rate_chart: Bars,
    /// The year plans made by child unit, and the unit's own rate (the year the period ends in).
    plan_chart: Bars,
    trend: Trend,
    /// The column the table by child unit is sorted by ("" for by name) and whether
    /// descending.
    sorted_by: (String, bool),
    as_of: String,
    qs: String,
    period_label: String,
    /// "Số liệu đến …": the time the figures are current to.
    current_to: String,
    total: FigureRow,
    children: Vec<FigureRow>,
    /// (title, deadline, child units done "3/4", people who studied it "2.210/2.372 (93,2%)").
    topics: Vec<(String, String, String, String)>,
    conferences: Vec<(Id, String, String)>,
    lineage: Vec<(String, String, String)>,
    can_conference: bool,
    can_tree: bool,
    kinds: Vec<(String, String)>,
    /// "80%": the share of meetings that makes a cell count as studying regularly.
    study_share: String,
    /// (title, years, members "made/expected", rate, everyone "made/expected") for plans and
    /// commitments, then the people who made both the term and the year plan.
    plans: Vec<(String, String, String, String, String)>,
    plan_year: i32,
    /// Breakthrough tasks by level (each with its kinds beneath it), totals, and the unit's own.
    task_levels: Vec<TaskLevelRow>,
    task_units: String,
    task_count: String,
    tasks: Vec<TaskRow>,
    can_activity: bool,
    /// Links to pages and files of people's data (rosters, plans, ratings).
    can_people: bool,
    statuses: Vec<(&'static str, String)>,
    /// Members rated in the period's last year: (rated, good or better, rate, rule warning).
    rated: (String, String, String, Option<String>),
    /// Movements reaching the unit in the period: (id, title, "820/820 đồng chí đăng ký, …").
    movements: Vec<(Id, String, String)>,
    /// Covenants organised in the subtree or signed by the unit: (id, title, figures).
    covenants: Vec<(Id, String, String)>,
    /// The record kinds' sections (good models, …).
    sections: Vec<super::records::SectionRows>,
    /// The figures beside the period just before, and across the last years.
    compared: Compared,
    /// Whether the account reads the unit's reports (a link to them).
    can_reports: bool,
    /// Reports the upper level is waiting for: (request title, deadline, report id,
    /// returned).
    notices: Vec<(String, String, Id, bool)>,
}

/// The main figures beside the same figures for the period of the same length just before
/// ("1.120 · tăng 12,3%"), and the study conferences and attendances of the last five years
/// (a chart).
pub struct Compared {
    /// "1/2024–12/2024".
    pub before: String,
    /// (figure's element id, the earlier value, the change or "").
    pub figures: Vec<(&'static str, String, String)>,
    /// (year, conferences, share of the largest year in per cent, attendances).
    pub years: Vec<(i32, String, u64, String)>,
}

impl Compared {
    pub fn of(&self, id: &str) -> Option<&(&'static str, String, String)> {
        self.figures.iter().find(|f| f.0 == id)
    }
}

async fn compared(
    app: &lamtheo_app::App,
    s: &Session,
    id: Id,
    period: lamtheo_domain::period::Period,
    as_of: chrono::NaiveDate,
    now: &lamtheo_analytics::Figures,
) -> Result<Compared, crate::error::WebError> {
    use lamtheo_domain::period::{previous_report_period, Period};
    let previous = previous_report_period(period);
    let b = app.unit_report(&s.actor, id, previous, as_of).await.map_err(|e| s.fail(e))?.figures;
    let row = |id: &'static str, now: u64, before: u64| (id, fmt::int(before), fmt::change(s.t, now, before));
    let figures = vec![
        row("fig-conferences", now.conferences, b.conferences),
        row("fig-member-att", now.member_attendances, b.member_attendances),
        row("fig-other-att", now.other_attendances, b.other_attendances),
        row("fig-meetings", now.meetings, b.meetings),
    ];
    let last = period.to.year();
    let mut years = Vec::new();
    for year in last - 4..=last {
        let f = app.unit_report(&s.actor, id, Period::year(year), as_of).await.map_err(|e| s.fail(e))?.figures;
        years.push((year, f.conferences, f.member_attendances));
    }
    let most = years.iter().map(|y| y.1).max().unwrap_or(0).max(1);
    Ok(Compared {
        before: format!("{}–{}", fmt::month(previous.from), fmt::month(previous.to)),
        figures,
        years: years.into_iter().map(|(y, c, a)| (y, fmt::int(c), c * 100 / most, fmt::int(a))).collect(),
    })
}

/// A level's units and tasks, and the same for each of its kinds: (name, units, tasks).
pub struct TaskLevelRow {
    pub name: String,
    pub units: String,
    pub tasks: String,
    pub kinds: Vec<(String, String, String)>,
}

pub struct TaskRow {
    pub id: Id,
    pub title: String,
    pub field: String,
    pub responsible: String,
    pub from_year: i32,
    pub to_year: i32,
    pub status: &'static str,
    pub status_label: String,
    pub result: String,
}

/// The period a unit page opens on: this year once it has a conference or a meeting, or
/// else the latest of the four years before it that has one (a page of zeros in January
/// tells nobody anything), or this year when none has.
async fn last_year_with_data(
    app: &lamtheo_app::App,
    s: &Session,
    id: Id,
    as_of: chrono::NaiveDate,
) -> Result<Period, crate::error::WebError> {
    let this_year = chrono::Datelike::year(&app.today());
    for year in (this_year - 4..=this_year).rev() {
        let f = app.unit_report(&s.actor, id, Period::year(year), as_of).await.map_err(|e| s.fail(e))?.figures;
        if f.conferences > 0 || f.meetings > 0 {
            return Ok(Period::year(year));
        }
    }
    Ok(Period::year(this_year))
}

/// The period and as-of date a unit's page (and its download) shows: as asked, or when no
/// month is given, the last year with data.
async fn page_period(
    app: &lamtheo_app::App,
    s: &Session,
    id: Id,
    q: &PeriodQuery,
) -> Result<(Period, chrono::NaiveDate), crate::error::WebError> {
    let (period, as_of) = fmt::period_and_as_of(q.from.as_deref(), q.to.as_deref(), q.as_of.as_deref(), app.today())
        .map_err(|e| s.fail(e))?;
    let asked = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    match asked(&q.from) || asked(&q.to) {
        true => Ok((period, as_of)),
        false => Ok((last_year_with_data(app, s, id, as_of).await?, as_of)),
    }
}

/// What a cell's secretary sees first on the cell's page: this month's regular meeting
/// recorded or not, the plans waiting for the cell, and the topics due in the next 60 days.
pub struct SecretaryPanel {
    /// "11/2026".
    pub month: String,
    /// The day this month's regular meeting was held, if recorded.
    pub meeting: Option<(Id, String)>,
    pub plans_waiting: usize,
    /// (title, deadline).
    pub topics_due: Vec<(String, String)>,
}

async fn secretary_panel(
    app: &lamtheo_app::App,
    s: &Session,
    cell: Id,
) -> Result<SecretaryPanel, crate::error::WebError> {
    use chrono::Datelike;
    let today = app.today();
    let first = today.with_day(1).unwrap_or(today);
    let meeting = app
        .conferences_of(&s.actor, cell, first, today)
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .find(|c| c.regular_meeting)
        .map(|c| (c.id, fmt::date(c.held_on)));
    let plans_waiting = match app.may(&s.actor, cell, Resource::Person, false) {
        true => app
            .plans_of_unit(&s.actor, cell, today.year(), today)
            .await
            .map_err(|e| s.fail(e))?
            .iter()
            .flat_map(|r| &r.plans)
            .filter(|p| p.status == lamtheo_domain::plans::PlanStatus::Submitted)
            .count(),
        false => 0,
    };
    let soon = today + chrono::Duration::days(60);
    let mut topics: Vec<_> = app
        .topics()
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .filter(|t| t.deadline.is_some_and(|d| today <= d && d <= soon))
        .collect();
    topics.sort_by_key(|t| t.deadline);
    Ok(SecretaryPanel {
        month: format!("{}/{}", today.month(), today.year()),
        meeting,
        plans_waiting,
        topics_due: topics.into_iter().map(|t| (t.title, t.deadline.map(fmt::date).unwrap_or_default())).collect(),
    })
}

/// Quick choices of period for the unit page: (label, from, to) — this year, last year,
/// the first and second halves of this year, and this quarter.
fn quick_periods(t: Lang, today: chrono::NaiveDate) -> Vec<(String, String, String)> {
    use chrono::Datelike;
    let y = today.year();
    let q = (today.month() - 1) / 3;
    vec![
        (format!("{} {y}", t.s("Năm", "Year")), format!("1/{y}"), format!("12/{y}")),
        (format!("{} {}", t.s("Năm", "Year"), y - 1), format!("1/{}", y - 1), format!("12/{}", y - 1)),
        (format!("{} {y}", t.s("6 tháng đầu năm", "First half of")), format!("1/{y}"), format!("6/{y}")),
        (format!("{} {y}", t.s("6 tháng cuối năm", "Second half of")), format!("7/{y}"), format!("12/{y}")),
        (
            format!("{} {}/{y}", t.s("Quý", "Quarter"), q + 1),
            format!("{}/{y}", q * 3 + 1),
            format!("{}/{y}", q * 3 + 3),
        ),
    ]
}

/// The report's child rows with their units' names, by name, historic units last: the
/// order of the page's table and of its download.
fn named_children<'a>(
    view: &lamtheo_app::tree::UnitView,
    report: &'a lamtheo_analytics::UnitReport,
) -> Vec<(&'a lamtheo_analytics::ChildRow, String)> {
    let names: std::collections::HashMap<Id, &str> = view.children.iter().map(|c| (c.id, c.name.as_str())).collect();
    let mut rows: Vec<_> =
        report.children.iter().map(|c| (c, names.get(&c.unit_id).copied().unwrap_or_default().to_string())).collect();
    rows.sort_by_cached_key(|(c, name)| (c.historic, vn::sort_key(name)));
    rows
}

/// The study figures by child unit as a workbook: unit names, figures written as numbers,
/// the unit's own row last; the same period as the page (the same default).
async fn figures_xlsx(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<Id>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let app = &st.app;
    let (period, as_of) = page_period(app, &s, id, &q).await?;
    let view = app.unit_view(&s.actor, id, as_of).map_err(|e| s.fail(e))?;
    let report = app.unit_report(&s.actor, id, period, as_of).await.map_err(|e| s.fail(e))?;
    let row = |name: String, f: &Figures| {
        vec![
            name,
            fmt::int(f.conferences),
            fmt::int(f.member_attendances),
            fmt::int(f.other_attendances),
            fmt::int(f.participants),
            fmt::int(f.eligible),
            f.rate_label(),
            fmt::int(f.meetings),
            fmt::int(f.meetings_with_study),
            fmt::int(f.cells_with_study),
            fmt::int(f.cells),
        ]
    };
    let t = s.t;
    let columns = super::headings(
        t,
        &[
            ("Đơn vị", "Unit"),
            ("Hội nghị học tập, quán triệt", "Study conferences"),
            ("Lượt cán bộ, đảng viên", "Attendances of cadres and members"),
            ("Lượt đoàn viên, hội viên, nhân dân", "Attendances of union members and the public"),
            ("Cán bộ, đảng viên tham gia", "Took part"),
            ("Thuộc diện", "Eligible"),
            ("Tỷ lệ", "Rate"),
            ("Buổi sinh hoạt chi bộ thường kỳ", "Regular cell meetings"),
            ("Có nội dung học tập", "With study content"),
            ("Chi bộ học tập thường xuyên", "Cells studying regularly"),
            ("Chi bộ", "Cells"),
        ],
    );
    let children = named_children(&view, &report);
    let table = lamtheo_report::Table {
        title: format!(
            "{} — {} {}",
            view.name_on,
            t.s("kết quả học tập theo đơn vị", "study results by unit"),
            period.label()
        ),
        columns,
        rows: children.iter().map(|(c, name)| row(name.clone(), &c.figures)).collect(),
        total: Some(row(t.s("Toàn đơn vị", "The whole unit").to_string(), &report.figures)),
    };
    // The page's other tables, a sheet each: by month, plans (and year plans by unit), topics.
    let title = |what: &str| format!("{} — {what} {}", view.name_on, period.label());
    let trend = trend(app, &s, id, period, as_of).await?;
    let by_month = lamtheo_report::Table {
        title: title(t.s("hội nghị và lượt tham gia theo tháng", "conferences and attendances by month")),
        columns: super::headings(
            t,
            &[
                ("Tháng", "Month"),
                ("Hội nghị học tập, quán triệt", "Study conferences"),
                ("Lượt cán bộ, đảng viên", "Attendances of cadres and members"),
                ("Lượt đoàn viên, hội viên, nhân dân", "Attendances of union members and the public"),
                ("Buổi sinh hoạt chi bộ thường kỳ", "Regular cell meetings"),
            ],
        ),
        rows: trend.rows.into_iter().map(|(m, a, b, c, d)| vec![m, a, b, c, d]).collect(),
        total: None,
    };
    let plans = lamtheo_report::Table {
        title: title(t.s("kế hoạch làm theo Bác, bản cam kết", "personal plans and commitments")),
        columns: super::headings(
            t,
            &[
                ("Loại", "Kind"),
                ("Năm", "Years"),
                ("Đảng viên", "Party members"),
                ("Tỷ lệ", "Rate"),
                ("Tất cả cán bộ, đảng viên, người lao động", "Everyone on the rolls"),
            ],
        ),
        rows: plan_rows(app, &s, id, period, as_of)
            .await?
            .into_iter()
            .map(|(a, b, c, d, e)| vec![a, b, c, d, e])
            .collect(),
        total: None,
    };
    let plan_chart = plan_chart(app, &s, id, &children, period, as_of).await?;
    let plans_by_unit = lamtheo_report::Table {
        title: title(t.s("đảng viên xây dựng kế hoạch năm theo đơn vị", "members with a year plan, by unit")),
        columns: super::headings(
            t,
            &[("Đơn vị", "Unit"), ("Đảng viên có kế hoạch năm", "Members with a year plan"), ("Tỷ lệ", "Rate")],
        ),
        rows: plan_chart.bars.into_iter().map(|(_, name, _, rate, _, made)| vec![name, made, rate]).collect(),
        total: None,
    };
    let topics = lamtheo_report::Table {
        title: title(t.s("hoàn thành chuyên đề", "topics completed")),
        columns: super::headings(
            t,
            &[
                ("Chuyên đề", "Topic"),
                ("Hạn", "Deadline"),
                ("Đơn vị trực thuộc hoàn thành", "Child units that completed it"),
                ("Cán bộ, đảng viên đã học tập", "Cadres and members who studied it"),
            ],
        ),
        rows: topic_rows(app, &s, &report).await?.into_iter().map(|(a, b, c, d)| vec![a, b, c, d]).collect(),
        total: None,
    };
    let mut annexes = vec![table];
    annexes.extend([by_month, plans, plans_by_unit, topics].into_iter().filter(|t| !t.rows.is_empty()));
    super::workbook(&s, annexes, &format!("so-lieu-{}-{}-{}.xlsx", view.unit.code, period.from.0, period.to.0)).await
}

async fn unit_page(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<Id>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let app = &st.app;
    let (period, as_of) = page_period(app, &s, id, &q).await?;
    let view = app.unit_view(&s.actor, id, as_of).map_err(|e| s.fail(e))?;
    // Read before the figures: they hold at least every change committed by then.
    let current_to = app.current_to();
    let report = app.unit_report(&s.actor, id, period, as_of).await.map_err(|e| s.fail(e))?;
    let compared = compared(app, &s, id, period, as_of, &report.figures).await?;
    let kinds = app.kinds().await.map_err(|e| s.fail(e))?;
    let study_share = vn::fmt_rate(app.study_share().await.map_err(|e| s.fail(e))? as u64, 1000);
    let kind_label = |k: &str| {
        kinds
            .iter()
            .find(|x| x.code == k)
            .map(|x| s.t.s(&x.name_vi, &x.name_en).to_string())
            .unwrap_or_else(|| k.to_string())
    };
    let names: std::collections::HashMap<Id, &str> = view.children.iter().map(|c| (c.id, c.name.as_str())).collect();
    let mut rows = named_children(&view, &report);
    // Sorted by a column when asked (stable: units with equal figures stay by name); historic
    // units stay at the end.
    let sort = SORTS.iter().find(|(name, _)| q.sort.as_deref() == Some(*name));
    let descending = q.dir.as_deref() != Some("asc");
    if let Some((_, key)) = sort {
        rows.sort_by_key(|(c, _)| {
            let v = key(&c.figures);
            let order = match (v, descending) {
                (None, _) => (1, 0),
                (Some(v), true) => (0, u64::MAX - v),
                (Some(v), false) => (0, v),
            };
            (c.historic, order)
        });
    }
    let sorted_by = (sort.map_or("", |(name, _)| *name).to_string(), descending);
    // The participation rate by child unit (not the historic ones), with the unit's own.
    let rate_chart = Bars::rates(
        rows.iter()
            .filter(|(c, _)| !c.historic)
            .map(|(c, name)| (name.clone(), c.figures.participants, c.figures.eligible))
            .collect(),
        report.figures.rate_permille(),
        LOW_RATE_PERMILLE,
    );
    let plan_chart = plan_chart(app, &s, id, &rows, period, as_of).await?;
    let trend = trend(app, &s, id, period, as_of).await?;
    let children: Vec<FigureRow> =
        rows.into_iter().map(|(c, name)| FigureRow::new(c.unit_id, name, c.historic, &c.figures)).collect();
    let topics = topic_rows(app, &s, &report).await?;
    let secretary =
        match view.unit.kind == lamtheo_analytics::CELL_KIND && app.may(&s.actor, id, Resource::Conference, true) {
            true => Some(secretary_panel(app, &s, id).await?),
            false => None,
        };
    let conferences = app
        .conferences_of(&s.actor, id, period.first_day(), period.last_day())
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .take(50)
        .map(|c| (c.id, fmt::date(c.held_on), c.title))
        .collect();
    let lineage = app
        .lineage(&s.actor, id)
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .map(|e| {
            let names = |ids: &[Id]| {
                ids.iter()
                    .filter_map(|u| app.unit_view(&s.actor, *u, e.happened_on).ok().map(|v| v.name_on))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let what = format!("{} → {}", names(&e.sources), names(&e.targets));
            (fmt::date(e.happened_on), s.t.s(e.kind.label_vi(), e.kind.label_en()).to_string(), what)
        })
        .collect();
    let plans = plan_rows(app, &s, id, period, as_of).await?;
    let task_report = app.task_report(&s.actor, id, period, as_of).await.map_err(|e| s.fail(e))?;
    let task_levels = task_report
        .by_level
        .iter()
        .map(|l| {
            let (units, tasks) = l.label();
            let kinds = l
                .kinds
                .iter()
                .map(|k| {
                    let (u, n) = k.label();
                    (s.t.s(&k.name_vi, &k.name_en).to_string(), u, n)
                })
                .collect();
            TaskLevelRow { name: s.t.s(&l.name_vi, &l.name_en).to_string(), units, tasks, kinds }
        })
        .collect();
    let tasks = task_report
        .own
        .iter()
        .map(|t| TaskRow {
            id: t.id,
            title: t.title.clone(),
            field: t.field.clone(),
            responsible: t.responsible.clone(),
            from_year: t.from_year,
            to_year: t.to_year,
            status: t.status.as_str(),
            status_label: s.t.s(t.status.label_vi(), t.status.label_en()).to_string(),
            result: t.result.clone(),
        })
        .collect();
    let statuses = lamtheo_domain::tasks::TaskStatus::ALL
        .iter()
        .map(|x| (x.as_str(), s.t.s(x.label_vi(), x.label_en()).to_string()))
        .collect();
    let rated = app
        .evaluation_report(&s.actor, id, period.to.year(), 0, as_of, s.t.en)
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .next()
        .map(|d| (fmt::int(d.evaluated), fmt::int(d.good_or_better), d.rate(), d.warning.clone()))
        .unwrap_or_default();
    let t = s.t;
    let movements = app
        .unit_movements(&s.actor, id, period, as_of)
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .map(|r| {
            let text = format!(
                "{}/{} {} {} {} {} {}",
                fmt::int(r.registered),
                fmt::int(r.expected),
                t.s("đồng chí đăng ký, trong đó", "registered, of whom"),
                fmt::int(r.registered_members),
                t.s("là đảng viên,", "are party members and"),
                fmt::int(r.registered_non_members),
                t.s("không phải đảng viên", "are not"),
            );
            (r.movement.id, r.movement.title, text)
        })
        .collect();
    let sections = app.record_figures(&s.actor, id, period, as_of).await.map_err(|e| s.fail(e))?;
    let sections = super::records::section_rows(s.t, &sections, &names);
    let covenants = app
        .unit_covenants(&s.actor, id, period, as_of)
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .map(|(r, own)| {
            let mut text = format!(
                "{}/{} {}, {} {}",
                fmt::int(r.signed),
                fmt::int(r.expected),
                t.s("đơn vị đã ký", "units signed"),
                t.s("điểm bình quân", "average score"),
                r.average
            );
            if let Some(own) = own {
                text.push_str(&format!(
                    "; {} {}/{} ({} {})",
                    t.s("đơn vị xếp thứ", "this unit ranks"),
                    fmt::int(own.rank),
                    fmt::int(r.rows.len()),
                    fmt::int(own.total),
                    t.s("điểm", "points")
                ));
            }
            (r.campaign.id, format!("{} ({})", r.campaign.title, r.campaign.year), text)
        })
        .collect();
    let (from, to, as_of_s) = (fmt::month(period.from), fmt::month(period.to), fmt::date(as_of));
    let qs = format!("from={from}&to={to}&as_of={as_of_s}");
    // The kind, and its level: "Đảng ủy xã, phường (Cấp cơ sở)".
    let levels = app.levels().await.map_err(|e| s.fail(e))?;
    let level = kinds
        .iter()
        .find(|k| k.code == view.unit.kind)
        .and_then(|k| levels.iter().find(|l| l.code == k.level))
        .map(|l| format!(" ({})", s.t.s(&l.name_vi, &l.name_en)))
        .unwrap_or_default();
    let kind = format!("{}{level}", kind_label(&view.unit.kind));
    let can_reports = st.app.may(&s.actor, id, Resource::Report, false);
    let notices = if can_reports { st.app.notices(&s.actor, id).await.map_err(|e| s.fail(e))? } else { vec![] };
    let notices = notices
        .into_iter()
        .map(|(title, deadline, report, returned)| (title, fmt::date(deadline), report, returned))
        .collect();
    let page = UnitPage {
        t: s.t,
        compared,
        can_reports,
        notices,
        id,
        code: view.unit.code.clone(),
        name: view.name_on.clone(),
        kind,
        historic: view.historic,
        closed: view.unit.closed_on.map(fmt::date),
        crumbs: view.path.clone(),
        period_label: period.label(),
        current_to: fmt::moment(s.t, current_to),
        total: FigureRow::new(id, view.name_on.clone(), false, &report.figures),
        children,
        topics,
        conferences,
        lineage,
        can_conference: s.actor.role.can_write(Resource::Conference),
        can_tree: s.actor.role.can_write(Resource::Tree),
        kinds: kinds.iter().map(|k| (k.code.clone(), s.t.s(&k.name_vi, &k.name_en).to_string())).collect(),
        study_share,
        plans,
        plan_year: period.to.year(),
        task_levels,
        task_units: fmt::int(task_report.units),
        task_count: fmt::int(task_report.tasks),
        tasks,
        can_activity: s.actor.role.can_write(Resource::Activity),
        can_people: st.app.may(&s.actor, id, Resource::Person, false),
        statuses,
        rated,
        movements,
        covenants,
        sections,
        from,
        to,
        from_iso: fmt::month_iso(period.from),
        to_iso: fmt::month_iso(period.to),
        quick: quick_periods(s.t, app.today()),
        sorted_by,
        secretary,
        rate_chart,
        plan_chart,
        trend,
        as_of: as_of_s,
        qs,
        c: Ctx::of(&s),
    };
    render(s.t, page)
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "unit_search.html")]
struct SearchPage {
    t: Lang,
    c: Ctx,
    q: String,
    units: Vec<(Id, String, String)>,
}

async fn search(State(st): State<AppState>, s: Session, Query(q): Query<SearchQuery>) -> PageResult {
    let units = st.app.find_units(&s.actor, &q.q, 100).into_iter().map(|u| (u.id, u.code, u.name)).collect();
    render(s.t, SearchPage { t: s.t, c: Ctx::of(&s), q: q.q, units })
}

#[derive(Deserialize)]
struct ChildForm {
    code: String,
    name: String,
    kind: String,
    opened_on: String,
}

async fn create_child(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<ChildForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let opened_on = fmt::parse_date("opened_on", &f.opened_on).map_err(|e| s.fail(e))?;
    let new = NewUnit { code: f.code, name: f.name, kind: f.kind, parent_id: Some(id), opened_on };
    let child = st.app.create_unit(&s.actor, new).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{child}")).into_response())
}

#[derive(Deserialize)]
struct RenameForm {
    name: String,
    on: String,
}

async fn rename(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<RenameForm>) -> PageResult {
    let s = p.session;
    let on = fmt::parse_date("on", &p.form.on).map_err(|e| s.fail(e))?;
    st.app.rename_unit(&s.actor, id, &p.form.name, on).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{id}")).into_response())
}

#[derive(Deserialize)]
struct MoveForm {
    parent_code: String,
    on: String,
}

async fn move_unit(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<MoveForm>) -> PageResult {
    let s = p.session;
    let on = fmt::parse_date("on", &p.form.on).map_err(|e| s.fail(e))?;
    let parent = st
        .app
        .unit_by_code(&s.actor, p.form.parent_code.trim())
        .map_err(|_| s.fail(unknown_code("parent_code", &p.form.parent_code)))?;
    st.app.move_unit(&s.actor, id, parent.id, on).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{id}")).into_response())
}

#[derive(Deserialize)]
struct DateForm {
    on: String,
}

async fn close(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<DateForm>) -> PageResult {
    let s = p.session;
    let on = fmt::parse_date("on", &p.form.on).map_err(|e| s.fail(e))?;
    st.app.close_unit(&s.actor, id, on).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{id}")).into_response())
}

fn unknown_code(field: &str, code: &str) -> Error {
    Error::field(
        field,
        format!("Không có đơn vị mã «{}» trong phạm vi của bạn", code.trim()),
        format!("No unit with code «{}» in your scope", code.trim()),
    )
}

/// Merges this unit and the others listed (codes separated by commas) into a new unit under
/// the given parent, or into an existing unit.
#[derive(Deserialize)]
struct MergeForm {
    others: String,
    on: String,
    #[serde(default)]
    target_code: String,
    #[serde(default)]
    new_code: String,
    #[serde(default)]
    new_name: String,
    #[serde(default)]
    new_kind: String,
    #[serde(default)]
    new_parent_code: String,
}

async fn merge(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<MergeForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let on = fmt::parse_date("on", &f.on).map_err(|e| s.fail(e))?;
    let mut sources = vec![id];
    for code in f.others.split([',', ';', ' ']).map(str::trim).filter(|c| !c.is_empty()) {
        sources.push(st.app.unit_by_code(&s.actor, code).map_err(|_| s.fail(unknown_code("others", code)))?.id);
    }
    let target = if !f.target_code.trim().is_empty() {
        MergeTarget::Existing(
            st.app
                .unit_by_code(&s.actor, f.target_code.trim())
                .map_err(|_| s.fail(unknown_code("target_code", &f.target_code)))?
                .id,
        )
    } else {
        let parent = st
            .app
            .unit_by_code(&s.actor, f.new_parent_code.trim())
            .map_err(|_| s.fail(unknown_code("new_parent_code", &f.new_parent_code)))?;
        MergeTarget::New(NewUnit {
            code: f.new_code,
            name: f.new_name,
            kind: f.new_kind,
            parent_id: Some(parent.id),
            opened_on: on,
        })
    };
    let target = st.app.merge_units(&s.actor, &sources, target, on, "").await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{target}")).into_response())
}

#[derive(Template)]
#[template(path = "split.html")]
struct SplitPage {
    t: Lang,
    c: Ctx,
    id: Id,
    name: String,
    /// (person id, name) of the members today.
    members: Vec<(Id, String)>,
    /// (unit id, name) of the open child units today.
    children: Vec<(Id, String)>,
}

/// The split form: up to three new units; each member and child unit is assigned to one.
async fn split_page(State(st): State<AppState>, s: Session, Path(id): Path<Id>) -> PageResult {
    // A form nobody could send is not shown: the same check as the split itself.
    st.app.check(&s.actor, id, Resource::Tree, true).map_err(|e| s.fail(e))?;
    let today = st.app.today();
    let view = st.app.unit_view(&s.actor, id, today).map_err(|e| s.fail(e))?;
    let members = st.app.members_on(&s.actor, id, today).await.map_err(|e| s.fail(e))?;
    let page = SplitPage {
        t: s.t,
        id,
        name: view.name_on,
        members: members.into_iter().map(|p| (p.id, p.full_name)).collect(),
        children: view.children.into_iter().filter(|c| !c.historic).map(|c| (c.id, c.name)).collect(),
        c: Ctx::of(&s),
    };
    render(s.t, page)
}

/// Fields: `on`, `code1..3`/`name1..3` (blank rows ignored), `member<person id>` and `child<unit id>`
/// naming the new unit (1–3) each member and child unit goes to.
async fn split(
    State(st): State<AppState>,
    Path(id): Path<Id>,
    p: Posted<std::collections::HashMap<String, String>>,
) -> PageResult {
    let (s, f) = (p.session, p.form);
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let on = fmt::parse_date("on", &get("on")).map_err(|e| s.fail(e))?;
    let source = st.app.unit_view(&s.actor, id, on).map_err(|e| s.fail(e))?;
    // The form's row number (1–3) of each new unit that was filled in → its index in the plan.
    let mut rows = Vec::new();
    let mut targets = Vec::new();
    for n in 1..=3 {
        let (code, name) = (get(&format!("code{n}")), get(&format!("name{n}")));
        if code.is_empty() && name.is_empty() {
            continue;
        }
        rows.push(n.to_string());
        targets.push(NewUnit { code, name, kind: source.unit.kind.clone(), parent_id: None, opened_on: on });
    }
    let pick = |key: &str, what_vi: &str, what_en: &str| -> Result<usize, Error> {
        rows.iter().position(|r| *r == get(key)).ok_or_else(|| {
            Error::field(
                key,
                format!("Chọn đơn vị mới (đã điền mã và tên) cho {what_vi}"),
                format!("Choose a new unit (with its code and name filled in) for {what_en}"),
            )
        })
    };
    let mut members = Vec::new();
    let mut children = Vec::new();
    for key in f.keys() {
        let (list, rest) = match (key.strip_prefix("member"), key.strip_prefix("child")) {
            (Some(rest), _) => (&mut members, rest),
            (_, Some(rest)) => (&mut children, rest),
            _ => continue,
        };
        let Ok(item) = rest.parse::<Id>() else { continue };
        let index =
            pick(key, "mọi đảng viên và đơn vị trực thuộc", "every member and child unit").map_err(|e| s.fail(e))?;
        list.push((item, index));
    }
    let plan = lamtheo_app::tree::SplitPlan { source: id, on, targets, members, children };
    let ids = st.app.split_unit(&s.actor, plan).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{}", ids.first().copied().unwrap_or(id))).into_response())
}
