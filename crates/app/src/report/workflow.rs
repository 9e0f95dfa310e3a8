//! A report's way up the tree. An upper level asks the units under it (a request: title,
//! period, deadline, outline); each unit's draft is written from its figures when first
//! opened, saved as it is typed (every save kept), submitted (numbered in the register of
//! outgoing documents, its .pdf and .docx kept as issued), returned with a comment or
//! approved. Approval locks the unit's facts for the period (`locks`).
use chrono::{NaiveDate, Utc};
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::period::Period;
use lamtheo_domain::text::Text;
use lamtheo_domain::{vn, Error, ErrorCode, Id, Result};
use lamtheo_store::reports::{self as store, Issued, Lock, Report, Request, Version};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{built_in_outline, render, Draft, Format, Outline};
use crate::audit::{snapshot, Change, Written};
use crate::App;

/// What an upper level asks of the units under it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct NewRequest {
    /// "Sơ kết 6 tháng đầu năm 2026", "Tổng kết 10 năm Chỉ thị 05".
    pub title: String,
    pub period: Period,
    pub deadline: NaiveDate,
    /// The units asked, by code; none: the unit's children.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The outline; none: that of `copy_of`, or the built-in one.
    #[serde(default)]
    pub outline: Option<Outline>,
    /// An earlier request whose outline this one takes (last year's).
    #[serde(default)]
    pub copy_of: Option<Id>,
}

/// What the drafter changes: the summary and each section's paragraphs, in the outline's
/// order (a paragraph left empty is removed).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct DraftEdit {
    pub summary: String,
    pub sections: Vec<Vec<super::Paragraph>>,
}

impl DraftEdit {
    /// The edit that keeps `draft` as it is.
    pub fn of(draft: &Draft) -> DraftEdit {
        DraftEdit {
            summary: draft.summary.clone(),
            sections: draft.sections.iter().map(|s| s.paragraphs.clone()).collect(),
        }
    }
}

/// Where a unit's report stands, as the upper level sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    NotStarted,
    Drafting,
    SubmittedOnTime,
    SubmittedLate,
    Returned,
    Approved,
}

impl State {
    pub const ALL: [State; 6] = [
        State::NotStarted,
        State::Drafting,
        State::SubmittedOnTime,
        State::SubmittedLate,
        State::Returned,
        State::Approved,
    ];

    pub fn label_vi(self) -> &'static str {
        match self {
            State::NotStarted => "Chưa bắt đầu",
            State::Drafting => "Đang soạn",
            State::SubmittedOnTime => "Đã gửi đúng hạn",
            State::SubmittedLate => "Đã gửi muộn",
            State::Returned => "Bị trả lại",
            State::Approved => "Đã duyệt",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            State::NotStarted => "Not started",
            State::Drafting => "Drafting",
            State::SubmittedOnTime => "Submitted on time",
            State::SubmittedLate => "Submitted late",
            State::Returned => "Returned",
            State::Approved => "Approved",
        }
    }
}

/// A request as its readers see it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RequestView {
    pub id: Id,
    pub unit_id: Id,
    pub unit_name: String,
    pub title: String,
    pub period: Period,
    pub deadline: NaiveDate,
    pub outline: Outline,
    pub recipients: Vec<Id>,
}

/// One unit asked, and where its report stands.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Recipient {
    pub unit_id: Id,
    pub code: String,
    pub name: String,
    pub state: State,
    pub report_id: Option<Id>,
    /// Days to the deadline from today (negative: overdue), while it is not submitted.
    pub days_left: Option<i64>,
    pub submitted_on: Option<NaiveDate>,
    pub reminded: bool,
}

/// A unit's report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReportView {
    pub id: Id,
    pub request_id: Option<Id>,
    pub unit_id: Id,
    /// "drafting", "submitted", "returned", "approved".
    pub state: String,
    pub draft: Draft,
    pub version: i32,
    pub submitted_on: Option<NaiveDate>,
    /// The upper level's comment when it returned the report.
    pub comment: String,
    /// The issued documents, newest first: (id, "Số 12-BC/ĐU", issued on).
    pub issued: Vec<IssuedView>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct IssuedView {
    pub id: Id,
    /// "12-BC/ĐU".
    pub symbol: String,
    pub issued_on: String,
}

/// A figure of a report as it was submitted, beside the same figure read now.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FigureCheck {
    pub annex: String,
    /// The row's unit; for the total row, the reporting unit's own figures ("Toàn tỉnh").
    pub row: String,
    pub column: String,
    pub submitted: String,
    /// "–" where it is no longer read (the annex or the row is gone).
    pub now: String,
}

/// A submitted report's figures against the figures read now: each annex's total row, and
/// every other figure of its annexes that differs.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FiguresCheck {
    pub totals: Vec<FigureCheck>,
    /// The figures of the annexes' rows that changed since.
    pub changed: Vec<FigureCheck>,
    /// How many figures were compared, totals and rows.
    pub compared: usize,
}

/// `submitted`'s annexes against `now`'s, by title, row and column.
fn compare(submitted: &Draft, now: &Draft) -> FiguresCheck {
    let mut out = FiguresCheck { totals: vec![], changed: vec![], compared: 0 };
    for a in &submitted.annexes {
        let fresh = now.annexes.iter().find(|b| b.title == a.title);
        // The fresh rows by their unit (a province's annex has a thousand of them).
        let fresh_rows: std::collections::HashMap<&str, &Vec<String>> =
            fresh.into_iter().flat_map(|b| &b.rows).filter_map(|r| Some((r.first()?.as_str(), r))).collect();
        let mut check = |row: &[String], fresh_row: Option<&Vec<String>>, total: bool| {
            for (i, column) in a.columns.iter().enumerate().skip(1) {
                let submitted = row.get(i).cloned().unwrap_or_default();
                let now = fresh
                    .and_then(|b| b.columns.iter().position(|c| c == column))
                    .and_then(|j| fresh_row.and_then(|r| r.get(j)).cloned())
                    .unwrap_or_else(|| "–".to_string());
                out.compared += 1;
                let figure = FigureCheck {
                    annex: a.title.clone(),
                    row: row.first().cloned().unwrap_or_default(),
                    column: column.clone(),
                    submitted,
                    now,
                };
                if total {
                    out.totals.push(figure);
                } else if figure.submitted != figure.now {
                    out.changed.push(figure);
                }
            }
        };
        check(&a.total, fresh.map(|b| &b.total), true);
        for row in &a.rows {
            let fresh_row = row.first().and_then(|unit| fresh_rows.get(unit.as_str()).copied());
            check(row, fresh_row, false);
        }
    }
    out
}

fn now() -> String {
    Utc::now().to_rfc3339()
}

fn day_of(stamp: &Option<String>) -> Option<NaiveDate> {
    stamp.as_deref().and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()).map(|t| t.date_naive())
}

fn view_of_request(r: &Request, unit_name: String) -> RequestView {
    RequestView {
        id: r.id,
        unit_id: r.unit_id,
        unit_name,
        title: r.title.clone(),
        period: Period::new(lamtheo_domain::period::Month(r.period_from), lamtheo_domain::period::Month(r.period_to)),
        deadline: r.deadline.parse().unwrap_or_default(),
        outline: serde_json::from_value(r.outline.clone()).unwrap_or_else(|_| built_in_outline()),
        recipients: r.recipients.clone(),
    }
}

fn wrong_state(vi: &str, en: &str) -> Error {
    Error::msg(ErrorCode::Conflict, vi, en)
}

/// The term of the committee a document issued on `day` belongs to: the register numbers
/// restart with each. A term opens at the committee's congress: the days recorded for it
/// (`congresses`), and for a congress year (every five years: 2020, 2025…) with none recorded,
/// 1 October. The term is named by its congress year: "2025–2030".
pub fn term_of(day: NaiveDate, congresses: &[NaiveDate]) -> String {
    use chrono::Datelike;
    let recorded = |year: i32| congresses.iter().any(|c| c.year() == year);
    let assumed = (day.year() - 10..=day.year())
        .filter(|y| y.rem_euclid(5) == 0 && !recorded(*y))
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 10, 1));
    let opened = congresses.iter().copied().chain(assumed).filter(|c| *c <= day).max();
    let start = opened.map_or(day.year() - day.year().rem_euclid(5), |c| c.year());
    format!("{start}–{}", start + 5)
}

/// A document in a unit's register of outgoing documents.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RegisterEntry {
    pub id: Id,
    /// "2-BC/ĐU".
    pub symbol: String,
    pub number: i32,
    /// "2025–2030".
    pub term: String,
    pub issued_on: NaiveDate,
    /// The report's summary (trích yếu).
    pub summary: String,
    pub report_id: Option<Id>,
}

/// A unit's new report with its draft `body` as its first version, audited.
async fn new_report(
    tx: &mut lamtheo_store::Tx,
    actor: &Actor,
    request_id: Option<Id>,
    unit_id: Id,
    body: &serde_json::Value,
) -> Result<Written<'static, Id>> {
    let report = Report {
        id: 0,
        request_id,
        unit_id,
        state: "drafting".into(),
        body: body.clone(),
        version: 1,
        submitted_at: None,
        decided_at: None,
        comment: String::new(),
        reminded_at: None,
    };
    let id = store::insert_report(tx, &report).await?;
    let v = Version { version: 1, body: body.clone(), saved_at: now(), saved_by: actor.username.clone() };
    store::insert_version(tx, id, &v).await?;
    let change = Change {
        action: "create",
        entity: "report",
        entity_id: Some(id),
        unit: Some(unit_id),
        before: None,
        after: snapshot(body),
    };
    Ok(Written::new(id, change, vec![]))
}

impl App {
    /// An upper level asks the units under it for their report.
    pub async fn create_request(&self, actor: &Actor, unit: Id, r: NewRequest) -> Result<Id> {
        self.check(actor, unit, Resource::Report, true)?;
        if r.title.trim().is_empty() {
            return Err(Error::field("title", "Cần nhập tên đợt báo cáo", "A title is required"));
        }
        Text::Name.check("title", &r.title)?;
        if r.period.to < r.period.from {
            return Err(Error::field(
                "period",
                "Tháng kết thúc trước tháng bắt đầu",
                "The period ends before it starts",
            ));
        }
        let today = self.today();
        let recipients: Vec<Id> = if r.recipients.is_empty() {
            self.index().tree().children_on(unit, today).map(|l| l.unit_id).collect()
        } else {
            let mut ids = Vec::new();
            for code in &r.recipients {
                let found = self.index().tree().by_code(code).map(|u| u.id);
                match found {
                    Some(id) if id != unit && self.index().tree().is_within_on(id, unit, today) => ids.push(id),
                    _ => {
                        return Err(Error::field(
                            "recipients",
                            format!("«{code}» không phải đơn vị cấp dưới của đơn vị ra yêu cầu"),
                            format!("«{code}» is not a unit under the requesting unit"),
                        ))
                    }
                }
            }
            ids
        };
        if recipients.is_empty() {
            return Err(Error::field("recipients", "Không có đơn vị nào được yêu cầu", "No unit is asked"));
        }
        let outline = match (r.outline, r.copy_of) {
            (Some(o), _) => o,
            (None, Some(earlier)) => self.request(actor, earlier).await?.outline,
            (None, None) => built_in_outline(),
        };
        outline.validate()?;
        let request = Request {
            id: 0,
            unit_id: unit,
            title: r.title.trim().to_string(),
            period_from: r.period.from.0,
            period_to: r.period.to.0,
            deadline: r.deadline.to_string(),
            outline: serde_json::to_value(&outline).map_err(Error::internal)?,
            recipients,
            created_at: now(),
        };
        self.write(actor, async |tx| {
            let id = store::insert_request(tx, &request).await?;
            let after = json!({"title": request.title, "period": [request.period_from, request.period_to],
                "deadline": request.deadline, "recipients": request.recipients, "outline": request.outline});
            let change = Change {
                action: "create",
                entity: "report_request",
                entity_id: Some(id),
                unit: Some(unit),
                before: None,
                after: snapshot(&after),
            };
            Ok(Written::new(id, change, vec![]))
        })
        .await
    }

    /// A request, for the asking unit's readers and the units asked.
    pub async fn request(&self, actor: &Actor, id: Id) -> Result<RequestView> {
        self.check_role(actor, Resource::Report, false)?;
        let r = store::request(&self.store, id).await?.ok_or_else(Error::not_found)?;
        let readable = self.may(actor, r.unit_id, Resource::Report, false)
            || r.recipients.iter().any(|u| self.may(actor, *u, Resource::Report, false));
        if !readable {
            return Err(Error::not_found());
        }
        Ok(view_of_request(&r, self.name_today(r.unit_id)))
    }

    fn name_today(&self, unit: Id) -> String {
        self.index().tree().name_on(unit, self.today()).unwrap_or_default().to_string()
    }

    /// The requests a unit made and those it received, newest first.
    pub async fn requests_of(&self, actor: &Actor, unit: Id) -> Result<(Vec<RequestView>, Vec<RequestView>)> {
        self.check(actor, unit, Resource::Report, false)?;
        let all = store::requests(&self.store).await?;
        let made = all.iter().filter(|r| r.unit_id == unit).map(|r| view_of_request(r, self.name_today(r.unit_id)));
        let received =
            all.iter().filter(|r| r.recipients.contains(&unit)).map(|r| view_of_request(r, self.name_today(r.unit_id)));
        Ok((made.collect(), received.collect()))
    }

    /// Every unit asked by a request with where its report stands: for the asking unit.
    pub async fn request_status(&self, actor: &Actor, id: Id) -> Result<Vec<Recipient>> {
        self.check_role(actor, Resource::Report, false)?;
        let r = store::request(&self.store, id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, r.unit_id, Resource::Report, false)?;
        let reports = store::reports_of_request(&self.store, id).await?;
        let deadline: NaiveDate = r.deadline.parse().unwrap_or_default();
        let today = self.today();
        let mut out: Vec<Recipient> = r
            .recipients
            .iter()
            .map(|u| {
                let report = reports.iter().find(|p| p.unit_id == *u);
                let submitted_on = report.and_then(|p| day_of(&p.submitted_at));
                let state = match (report.map(|p| p.state.as_str()), submitted_on) {
                    (None, _) => State::NotStarted,
                    (Some("approved"), _) => State::Approved,
                    (Some("returned"), _) => State::Returned,
                    (Some("submitted"), Some(d)) if d <= deadline => State::SubmittedOnTime,
                    (Some("submitted"), _) => State::SubmittedLate,
                    _ => State::Drafting,
                };
                let waiting = matches!(state, State::NotStarted | State::Drafting | State::Returned);
                let unit = self.index().tree().unit(*u).cloned();
                Recipient {
                    unit_id: *u,
                    code: unit.map(|x| x.code).unwrap_or_default(),
                    name: self.name_today(*u),
                    state,
                    report_id: report.map(|p| p.id),
                    days_left: waiting.then(|| (deadline - today).num_days()),
                    submitted_on,
                    reminded: report.is_some_and(|p| p.reminded_at.is_some()),
                }
            })
            .collect();
        out.sort_by_cached_key(|x| vn::sort_key(&x.name));
        Ok(out)
    }

    /// A unit's report for a request: made from its figures the first time it is opened.
    pub async fn open_report(&self, actor: &Actor, request: Id, unit: Id) -> Result<ReportView> {
        self.check_role(actor, Resource::Report, true)?;
        let r = self.request(actor, request).await?;
        if !r.recipients.contains(&unit) {
            return Err(Error::not_found());
        }
        self.check(actor, unit, Resource::Report, false)?;
        let existing = store::reports_of_request(&self.store, request).await?.into_iter().find(|p| p.unit_id == unit);
        if let Some(report) = existing {
            return self.report_view(report).await;
        }
        self.check(actor, unit, Resource::Report, true)?;
        let as_of = r.period.to.last_day().min(self.today());
        let draft = self.report_draft(actor, unit, r.period, as_of, &r.outline).await?;
        let body = serde_json::to_value(&draft).map_err(Error::internal)?;
        let id = self
            .write(actor, async |tx| {
                // Made once: a second opener finds the first's.
                if let Some(made) = store::report_for_in(tx, request, unit).await? {
                    return Ok(Written { value: made.id, changes: vec![], deltas: vec![] });
                }
                new_report(tx, actor, Some(request), unit, &body).await
            })
            .await?;
        self.report(actor, id).await
    }

    async fn report_view(&self, r: Report) -> Result<ReportView> {
        let issued = store::issued_of_report(&self.store, r.id).await?;
        Ok(ReportView {
            id: r.id,
            request_id: r.request_id,
            unit_id: r.unit_id,
            state: r.state.clone(),
            draft: serde_json::from_value(r.body.clone()).map_err(Error::internal)?,
            version: r.version,
            submitted_on: day_of(&r.submitted_at),
            comment: r.comment.clone(),
            issued: issued
                .iter()
                .map(|d| IssuedView { id: d.id, symbol: d.symbol.clone(), issued_on: d.issued_on.clone() })
                .collect(),
        })
    }

    /// A report, for its unit's readers and the asking unit's.
    pub async fn report(&self, actor: &Actor, id: Id) -> Result<ReportView> {
        self.check_role(actor, Resource::Report, false)?;
        let r = store::report(&self.store, id).await?.ok_or_else(Error::not_found)?;
        if !self.may_read_report(actor, &r).await? {
            return Err(Error::not_found());
        }
        self.report_view(r).await
    }

    async fn may_read_report(&self, actor: &Actor, r: &Report) -> Result<bool> {
        if self.may(actor, r.unit_id, Resource::Report, false) {
            return Ok(true);
        }
        Ok(match r.request_id {
            Some(q) => store::request(&self.store, q)
                .await?
                .is_some_and(|q| self.may(actor, q.unit_id, Resource::Report, false)),
            None => false,
        })
    }

    /// The asking unit of a report's request: who returns and approves it.
    async fn asking_unit(&self, r: &Report) -> Result<Id> {
        let q = r.request_id.ok_or_else(Error::not_found)?;
        Ok(store::request(&self.store, q).await?.ok_or_else(Error::not_found)?.unit_id)
    }

    /// Saves the drafter's text (the summary and each section's paragraphs; the outline,
    /// the unit, the period and the annexes stay what the report was made with): refused
    /// once submitted (until returned) and when someone saved since `version` was read.
    pub async fn save_report(&self, actor: &Actor, id: Id, edit: DraftEdit, version: i32) -> Result<i32> {
        self.check_role(actor, Resource::Report, true)?;
        let before = store::report(&self.store, id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, before.unit_id, Resource::Report, true)?;
        let kept: Draft = serde_json::from_value(before.body.clone()).map_err(Error::internal)?;
        if edit.sections.len() != kept.sections.len() {
            return Err(Error::field(
                "sections",
                format!("Báo cáo có {} mục theo đề cương", kept.sections.len()),
                format!("The report has {} sections in its outline", kept.sections.len()),
            ));
        }
        if edit.summary.trim().is_empty() {
            return Err(Error::field("summary", "Cần nhập trích yếu", "A summary is required"));
        }
        Text::Name.check("summary", &edit.summary)?;
        for (i, p) in edit.sections.iter().flatten().enumerate() {
            let field = format!("sections.paragraph {}", i + 1);
            Text::Free.check(&field, &p.text)?;
            // The keys of the figures a paragraph was written from are the index's own (they
            // hold separators no typed text does): only their size is bounded.
            if p.figures.len() > 20 || p.figures.iter().any(|f| f.len() > 300) {
                return Err(Error::field(&field, "Quá nhiều số liệu", "Too many figures"));
            }
        }
        let sections = kept
            .sections
            .iter()
            .zip(edit.sections)
            .map(|(s, paragraphs)| super::Section {
                paragraphs: paragraphs.into_iter().filter(|p| !p.text.trim().is_empty()).collect(),
                ..s.clone()
            })
            .collect();
        let draft = Draft { summary: edit.summary.trim().to_string(), sections, ..kept };
        self.store_draft(actor, id, draft, version).await
    }

    /// Writes a new version of the report's draft.
    async fn store_draft(&self, actor: &Actor, id: Id, draft: Draft, version: i32) -> Result<i32> {
        let body = serde_json::to_value(&draft).map_err(Error::internal)?;
        self.write(actor, async |tx| {
            let current = store::report_in(tx, id).await?.ok_or_else(Error::not_found)?;
            if !matches!(current.state.as_str(), "drafting" | "returned") {
                return Err(wrong_state(
                    "Báo cáo đã gửi lên cấp trên: không sửa được nữa, trừ khi bị trả lại",
                    "The report was submitted: it cannot change unless it is returned",
                ));
            }
            if current.version != version {
                return Err(wrong_state(
                    "Báo cáo vừa được người khác lưu; hãy tải lại để xem bản mới nhất",
                    "Someone saved the report meanwhile; reload to see the latest version",
                ));
            }
            let saved = Report { body: body.clone(), version: version + 1, ..current.clone() };
            store::update_report(tx, &saved).await?;
            let v = Version {
                version: saved.version,
                body: body.clone(),
                saved_at: now(),
                saved_by: actor.username.clone(),
            };
            store::insert_version(tx, id, &v).await?;
            let change = Change {
                action: "update",
                entity: "report",
                entity_id: Some(id),
                unit: Some(current.unit_id),
                before: snapshot(&current.body),
                after: snapshot(&body),
            };
            Ok(Written::new(saved.version, change, vec![]))
        })
        .await
    }

    /// The report's paragraphs written from the figures, written again from today's figures
    /// (the drafter's text stays), saved as a new version.
    pub async fn refresh_report(&self, actor: &Actor, id: Id) -> Result<i32> {
        let view = self.report(actor, id).await?;
        self.check(actor, view.unit_id, Resource::Report, true)?;
        let fresh = self.redrafted(actor, &view).await?;
        self.store_draft(actor, id, view.draft.refreshed(fresh), view.version).await
    }

    /// The report's draft made again from the figures read now, in its request's outline.
    async fn redrafted(&self, actor: &Actor, view: &ReportView) -> Result<Draft> {
        let outline = match view.request_id {
            Some(q) => self.request(actor, q).await?.outline,
            None => built_in_outline(),
        };
        let d = &view.draft;
        self.report_draft(actor, view.unit_id, d.period, d.as_of, &outline).await
    }

    /// The report's figures (its annexes) beside the same figures read now: what the upper
    /// level checks before it approves, and what shows that an approved report's figures
    /// have not changed since.
    pub async fn report_figures(&self, actor: &Actor, id: Id) -> Result<FiguresCheck> {
        let view = self.report(actor, id).await?;
        let now = self.redrafted(actor, &view).await?;
        Ok(compare(&view.draft, &now))
    }

    /// The saved versions of a report, newest first: (version, saved at, by).
    pub async fn report_versions(&self, actor: &Actor, id: Id) -> Result<Vec<(i32, String, String)>> {
        self.report(actor, id).await?;
        store::versions(&self.store, id).await
    }

    /// The draft as it was saved in `version`.
    pub async fn report_version(&self, actor: &Actor, id: Id, version: i32) -> Result<Draft> {
        self.report(actor, id).await?;
        let body = store::version(&self.store, id, version).await?.ok_or_else(Error::not_found)?.body;
        serde_json::from_value(body).map_err(Error::internal)
    }

    /// Makes an earlier version the report's text again, saved as a new version over
    /// `current` (the version read), so nothing saved since is lost from the history.
    pub async fn restore_version(&self, actor: &Actor, id: Id, version: i32, current: i32) -> Result<i32> {
        let view = self.report(actor, id).await?;
        self.check(actor, view.unit_id, Resource::Report, true)?;
        let old = self.report_version(actor, id, version).await?;
        self.store_draft(actor, id, old, current).await
    }

    /// Submits the report to the asking unit: numbered in the unit's register (the number
    /// restarts with each type of document and term), rendered, and kept as issued.
    pub async fn submit_report(&self, actor: &Actor, id: Id, signer: (&str, &str)) -> Result<IssuedView> {
        let view = self.report(actor, id).await?;
        self.check(actor, view.unit_id, Resource::Report, true)?;
        let today = self.today();
        let term = term_of(today, &self.congresses(actor, view.unit_id).await?);
        let (title, name) = (signer.0.to_string(), signer.1.to_string());
        Text::Name.check("signer", &name)?;
        Text::Name.check("signer_title", &title)?;
        // The number is only known in the writer's transaction; the files are rendered with a
        // number read before it and the write checks it is still the next one.
        // Read on a snapshot: the writer is not held while the files render.
        let mut read = self.store.snapshot().await?;
        let number = store::next_number(&mut read, view.unit_id, "BC", &term).await?;
        drop(read);
        let document = view.draft.document(today, Some(&number.to_string()), (&title, &name));
        let symbol = format!("{number}-BC/{}", view.draft.issuer.symbol);
        let pdf = render(document.clone(), Format::Pdf).await?;
        let docx = render(document, Format::Docx).await?;
        let issued = Issued {
            id: 0,
            unit_id: view.unit_id,
            doc_type: "BC".into(),
            term: term.clone(),
            number,
            symbol: symbol.clone(),
            report_id: Some(id),
            issued_on: today.to_string(),
            summary: view.draft.summary.clone(),
            pdf,
            docx,
        };
        self.write(actor, async |tx| {
            let current = store::report_in(tx, id).await?.ok_or_else(Error::not_found)?;
            if !matches!(current.state.as_str(), "drafting" | "returned") {
                return Err(wrong_state("Báo cáo đã được gửi", "The report was already submitted"));
            }
            if current.version != view.version || store::next_number(tx, view.unit_id, "BC", &term).await? != number {
                return Err(wrong_state(
                    "Báo cáo hoặc sổ văn bản vừa thay đổi; hãy gửi lại",
                    "The report or the register changed meanwhile; submit again",
                ));
            }
            let doc_id = store::insert_issued(tx, &issued).await?;
            let submitted = Report { state: "submitted".into(), submitted_at: Some(now()), ..current.clone() };
            store::update_report(tx, &submitted).await?;
            let change = Change {
                action: "submit",
                entity: "report",
                entity_id: Some(id),
                unit: Some(current.unit_id),
                before: snapshot(&json!({"state": current.state})),
                after: snapshot(&json!({"state": "submitted", "number": symbol, "document": doc_id})),
            };
            Ok(Written::new(
                IssuedView { id: doc_id, symbol: symbol.clone(), issued_on: today.to_string() },
                change,
                vec![],
            ))
        })
        .await
    }

    /// An issued document's file as it was issued: (bytes, file name).
    pub async fn issued_file(&self, actor: &Actor, id: Id, format: Format) -> Result<(Vec<u8>, String)> {
        let d = store::issued(&self.store, id).await?.ok_or_else(Error::not_found)?;
        let report_id = d.report_id.ok_or_else(Error::not_found)?;
        self.report(actor, report_id).await?;
        let (bytes, ext) = match format {
            Format::Pdf => (d.pdf, "pdf"),
            Format::Docx => (d.docx, "docx"),
            Format::Xlsx => return Err(Error::not_found()),
        };
        Ok((bytes, format!("bao-cao-{}.{ext}", d.symbol.replace('/', "-"))))
    }

    /// The days of a unit's congresses, earliest first (each opens a term of its register).
    pub async fn congresses(&self, actor: &Actor, unit: Id) -> Result<Vec<NaiveDate>> {
        self.check(actor, unit, Resource::Report, false)?;
        let mut read = self.store.snapshot().await?;
        store::congresses_in(&mut read, unit).await
    }

    /// Records the day of a unit's congress: the register numbers the documents issued from
    /// that day afresh.
    pub async fn record_congress(&self, actor: &Actor, unit: Id, held_on: NaiveDate) -> Result<()> {
        self.check(actor, unit, Resource::Report, true)?;
        if held_on > self.today() || !lamtheo_domain::period::YEARS.contains(&chrono::Datelike::year(&held_on)) {
            return Err(Error::field(
                "held_on",
                "Ngày đại hội phải là một ngày đã qua",
                "The congress's day must be a day that has passed",
            ));
        }
        self.write(actor, async |tx| {
            if !store::insert_congress(tx, unit, held_on).await? {
                return Err(Error::conflict(
                    "held_on",
                    "Đại hội ngày này đã được ghi",
                    "That congress is already recorded",
                ));
            }
            let change = Change {
                action: "create",
                entity: "congress",
                entity_id: None,
                unit: Some(unit),
                before: None,
                after: snapshot(&json!({"held_on": held_on})),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await
    }

    /// A unit's register of outgoing documents, newest first, each with its summary as issued.
    pub async fn outgoing_register(&self, actor: &Actor, unit: Id) -> Result<Vec<RegisterEntry>> {
        self.check(actor, unit, Resource::Report, false)?;
        Ok(store::register(&self.store, unit)
            .await?
            .into_iter()
            .map(|d| RegisterEntry {
                id: d.id,
                symbol: d.symbol,
                number: d.number,
                term: d.term,
                issued_on: d.issued_on.parse().unwrap_or_default(),
                summary: d.summary,
                report_id: d.report_id,
            })
            .collect())
    }

    /// The upper level decides on a submitted report: returns it with a comment, or approves
    /// it, which locks the unit's facts for the period.
    pub async fn decide_report(&self, actor: &Actor, id: Id, approve: bool, comment: &str) -> Result<()> {
        self.check_role(actor, Resource::Report, true)?;
        let r = store::report(&self.store, id).await?.ok_or_else(Error::not_found)?;
        let asking = self.asking_unit(&r).await?;
        if !self.may_read_report(actor, &r).await? {
            return Err(Error::not_found());
        }
        self.check(actor, asking, Resource::Report, true)?;
        Text::Free.check("comment", comment)?;
        if !approve && comment.trim().is_empty() {
            return Err(Error::field("comment", "Cần ghi lý do trả lại", "Say why the report is returned"));
        }
        let draft: Draft = serde_json::from_value(r.body.clone()).map_err(Error::internal)?;
        self.write(actor, async |tx| {
            let current = store::report_in(tx, id).await?.ok_or_else(Error::not_found)?;
            if current.state != "submitted" {
                return Err(wrong_state("Báo cáo chưa được gửi lên", "The report has not been submitted"));
            }
            let state = if approve { "approved" } else { "returned" };
            let decided = Report {
                state: state.into(),
                decided_at: Some(now()),
                comment: comment.trim().to_string(),
                ..current.clone()
            };
            store::update_report(tx, &decided).await?;
            let mut changes = vec![Change {
                action: if approve { "approve" } else { "return" },
                entity: "report",
                entity_id: Some(id),
                unit: Some(current.unit_id),
                before: snapshot(&json!({"state": current.state})),
                after: snapshot(&json!({"state": state, "comment": decided.comment})),
            }];
            if approve {
                let lock = Lock {
                    id: 0,
                    unit_id: current.unit_id,
                    period_from: draft.period.from.0,
                    period_to: draft.period.to.0,
                    as_of: draft.as_of.to_string(),
                    report_id: Some(id),
                    locked_at: now(),
                    unlocked_at: None,
                    unlocked_by: None,
                    reason: None,
                };
                let lock_id = store::insert_lock(tx, &lock).await?;
                changes.push(Change {
                    action: "lock",
                    entity: "period_lock",
                    entity_id: Some(lock_id),
                    unit: Some(current.unit_id),
                    before: None,
                    after: snapshot(&json!({"unit": lock.unit_id, "period": [lock.period_from, lock.period_to]})),
                });
            }
            Ok(Written { value: (), changes, deltas: vec![] })
        })
        .await
    }

    /// A report a unit writes on its own (the province's annual report, which no request
    /// asked for), from its figures in the built-in outline.
    pub async fn start_report(&self, actor: &Actor, unit: Id, period: Period) -> Result<Id> {
        self.check(actor, unit, Resource::Report, true)?;
        let years = 1945..=2100;
        if period.to < period.from || !years.contains(&period.from.year()) || !years.contains(&period.to.year()) {
            return Err(Error::field("period", "Kỳ báo cáo không hợp lệ", "Invalid period"));
        }
        let as_of = period.to.last_day().min(self.today());
        let draft = self.report_draft(actor, unit, period, as_of, &built_in_outline()).await?;
        let body = serde_json::to_value(&draft).map_err(Error::internal)?;
        self.write(actor, async |tx| new_report(tx, actor, None, unit, &body).await).await
    }

    /// A unit's own reports (made without a request), newest first: (id, summary, state).
    pub async fn own_reports(&self, actor: &Actor, unit: Id) -> Result<Vec<(Id, String, String)>> {
        self.check(actor, unit, Resource::Report, false)?;
        let reports = store::own_reports(&self.store, unit).await?;
        Ok(reports
            .into_iter()
            .map(|r| (r.id, r.body["summary"].as_str().unwrap_or_default().to_string(), r.state))
            .collect())
    }

    /// The approved reports of the units a unit asked: what its own report may quote.
    pub async fn approved_below(&self, actor: &Actor, unit: Id) -> Result<Vec<ReportView>> {
        self.check(actor, unit, Resource::Report, false)?;
        let mut out = Vec::new();
        for q in store::requests(&self.store).await?.into_iter().filter(|q| q.unit_id == unit) {
            for r in store::reports_of_request(&self.store, q.id).await?.into_iter().filter(|r| r.state == "approved") {
                out.push(self.report_view(r).await?);
            }
        }
        Ok(out)
    }

    /// Quotes a section of an approved report of a unit below into the same section of this
    /// report: its paragraphs, each after the unit's name, as the drafter's text (the
    /// approved figures do not change, so nothing refreshes them).
    pub async fn quote(&self, actor: &Actor, id: Id, source: Id, section: usize) -> Result<i32> {
        let view = self.report(actor, id).await?;
        self.check(actor, view.unit_id, Resource::Report, true)?;
        let below = self.approved_below(actor, view.unit_id).await?;
        let quoted = below.iter().find(|r| r.id == source).ok_or_else(|| {
            Error::field("source", "Không có báo cáo cấp dưới đã duyệt này", "No such approved report from below")
        })?;
        let from = quoted
            .draft
            .sections
            .get(section)
            .ok_or_else(|| Error::field("section", "Không có mục này", "No such section"))?;
        let into = view.draft.sections.iter().position(|s| s.heading == from.heading).unwrap_or(section);
        if into >= view.draft.sections.len() {
            return Err(Error::field("section", "Không có mục này", "No such section"));
        }
        let mut draft = view.draft.clone();
        let name = &quoted.draft.unit_name;
        draft.sections[into].paragraphs.extend(from.paragraphs.iter().map(|p| super::Paragraph {
            text: format!("{name}: {}", p.text),
            figures: vec![],
            edited: false,
        }));
        self.store_draft(actor, id, draft, view.version).await
    }

    /// The upper level reminds a unit that has not submitted: a notice on its home page.
    pub async fn remind(&self, actor: &Actor, request: Id, unit: Id) -> Result<()> {
        self.check_role(actor, Resource::Report, true)?;
        let r = store::request(&self.store, request).await?.ok_or_else(Error::not_found)?;
        self.check(actor, r.unit_id, Resource::Report, true)?;
        if !r.recipients.contains(&unit) {
            return Err(Error::not_found());
        }
        self.open_report(&Actor::system(), request, unit).await?;
        self.write(actor, async |tx| {
            let current = store::report_for_in(tx, request, unit).await?.ok_or_else(Error::not_found)?;
            let reminded = Report { reminded_at: Some(now()), ..current.clone() };
            store::update_report(tx, &reminded).await?;
            let change = Change {
                action: "remind",
                entity: "report",
                entity_id: Some(current.id),
                unit: Some(unit),
                before: None,
                after: snapshot(&json!({"reminded_at": reminded.reminded_at})),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await
    }

    /// The reminders and returned reports waiting on a unit: (request title, deadline,
    /// report id, returned).
    pub async fn notices(&self, actor: &Actor, unit: Id) -> Result<Vec<(String, NaiveDate, Id, bool)>> {
        self.check(actor, unit, Resource::Report, false)?;
        let mut out = Vec::new();
        for q in store::requests(&self.store).await?.into_iter().filter(|q| q.recipients.contains(&unit)) {
            for p in store::reports_of_request(&self.store, q.id).await?.into_iter().filter(|p| p.unit_id == unit) {
                let waiting = p.state == "returned" || (p.state == "drafting" && p.reminded_at.is_some());
                if waiting {
                    out.push((q.title.clone(), q.deadline.parse().unwrap_or_default(), p.id, p.state == "returned"));
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_term_opens_at_the_committees_congress() {
        // Without a recorded congress, a term is taken to open on 1 October of 2020, 2025…
        assert_eq!(term_of(d(2026, 1, 8), &[]), "2025–2030");
        assert_eq!(term_of(d(2025, 9, 30), &[]), "2020–2025");
        // A recorded congress opens it on its day, early or late.
        let congress = [d(2020, 8, 14), d(2025, 8, 20)];
        assert_eq!(term_of(d(2025, 8, 19), &congress), "2020–2025");
        assert_eq!(term_of(d(2025, 8, 20), &congress), "2025–2030");
        assert_eq!(term_of(d(2030, 9, 1), &congress), "2025–2030");
        // A term whose congress is not recorded still opens on 1 October.
        assert_eq!(term_of(d(2026, 3, 1), &[d(2020, 8, 14)]), "2025–2030");
        assert_eq!(term_of(d(2025, 12, 1), &[d(2025, 12, 5)]), "2020–2025");
    }
}
