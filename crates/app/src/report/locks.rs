//! Periods locked by an approved report: a write that would change a fact of a locked unit's
//! subtree dated inside the period is refused, naming the lock, until someone of the upper
//! level unlocks it (audited, with a reason). Every write passes here (`App::write`), so a
//! form, the API and an import are refused alike. What is locked is what the index counts:
//! conferences and their attendance and connection points, breakthrough tasks, members'
//! plans and ratings (where the person belonged in those years), units' ratings, movement
//! registrations and monthly reviews (where the person belonged then), covenants' signatories
//! and scores (the organiser's and every signatory's year), and the
//! record kinds' facts (models, commendations, inspections, indicator values, articles…),
//! by where and when they fall before the change and after it.
use chrono::NaiveDate;
use lamtheo_analytics::{Delta, Span};
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::period::Month;
use lamtheo_domain::text::Text;
use lamtheo_domain::{Error, ErrorCode, Id, Result};
use lamtheo_store::reports::{self as store, Lock};
use lamtheo_store::Tx;
use serde::Serialize;
use serde_json::json;

use crate::audit::{snapshot, Change, Written};
use crate::App;

/// A lock as its readers see it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LockView {
    pub id: Id,
    pub unit_id: Id,
    pub unit_name: String,
    /// "1/2025–12/2025".
    pub period: String,
    pub report_id: Option<Id>,
    pub locked_at: String,
    pub unlocked_at: Option<String>,
    pub unlocked_by: Option<String>,
    pub reason: Option<String>,
}

/// 1 January of `from` to 31 December of `to`.
fn year_span(from: i32, to: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(from, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(to, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

/// The parts of (unit, first day, last day) spans inside the years `from`–`to`.
fn in_years(spans: Vec<Span>, from: i32, to: i32) -> Vec<Span> {
    let (first, last) = year_span(from, to);
    within(spans, first, last)
}

/// The parts of (unit, first day, last day) spans from `first` to `last`.
fn within(spans: Vec<Span>, first: NaiveDate, last: NaiveDate) -> Vec<Span> {
    spans
        .into_iter()
        .filter(|(_, a, b)| *a <= last && first <= *b)
        .map(|(unit, a, b)| (unit, a.max(first), b.min(last)))
        .collect()
}

fn period_label(l: &Lock) -> String {
    let (a, b) = (Month(l.period_from), Month(l.period_to));
    format!("{}/{}–{}/{}", a.month(), a.year(), b.month(), b.year())
}

impl App {
    /// Where and when the deltas of a write fall, before and after it: (unit, first day,
    /// last day).
    async fn touched(&self, deltas: &[Delta]) -> Result<Vec<Span>> {
        // What the index does not hold: the movements' days, and the covenants' years and
        // units (a score moves every signatory's rank, so it touches them all).
        let movements = match deltas.iter().any(|d| matches!(d, Delta::Registration { .. } | Delta::Review { .. })) {
            true => lamtheo_store::emulation::movements(&self.store).await?,
            false => vec![],
        };
        let changed: std::collections::BTreeSet<Id> =
            deltas.iter().filter_map(|d| if let Delta::Covenant { id } = d { Some(*id) } else { None }).collect();
        let mut covenants = Vec::new();
        if !changed.is_empty() {
            for c in lamtheo_store::covenants::all(&self.store).await?.into_iter().filter(|c| changed.contains(&c.id)) {
                let (first, last) = year_span(c.year, c.year);
                covenants.push((c.unit_id, first, last));
                let signatories = lamtheo_store::covenants::signatories(&self.store, c.id).await?;
                covenants.extend(signatories.into_iter().map(|s| (s.unit_id, first, last)));
            }
        }
        let days_of = |movement: Id| movements.iter().find(|m| m.id == movement).map(|m| (m.from_date, m.to_date));
        let ix = self.index();
        let mut out = covenants;
        let at_conference = |id: Id, out: &mut Vec<_>| {
            if let Some((unit, day)) = ix.conference_at(id) {
                out.push((unit, day, day));
            }
        };
        for d in deltas {
            match d {
                Delta::AddConference { conference } | Delta::RemoveConference { conference } => {
                    out.push((conference.unit_id, conference.held_on, conference.held_on));
                    at_conference(conference.id, &mut out);
                }
                Delta::AddAttendance { attendance } | Delta::RemoveAttendance { attendance } => {
                    at_conference(attendance.conference_id, &mut out)
                }
                Delta::AddPoint { point } | Delta::RemovePoint { point } => {
                    at_conference(point.conference_id, &mut out)
                }
                Delta::Task { unit_id, from_year, to_year, .. } => {
                    let (first, last) = year_span(*from_year, *to_year);
                    out.push((*unit_id, first, last));
                }
                // A registration falls where its person belonged during the movement; a
                // monthly review, where they belonged in its month.
                Delta::Registration { id, movement_id, person_id } => {
                    let spans = ix.registration_at(*id).map(|(_, s)| s).unwrap_or_else(|| ix.person_spans(*person_id));
                    if let Some((first, last)) = days_of(*movement_id) {
                        out.extend(within(spans, first, last));
                    }
                }
                Delta::Review { registration_id, month, .. } => {
                    if let Some((movement, spans)) = ix.registration_at(*registration_id) {
                        let (first, last) = (month.first_day(), month.last_day());
                        let (first, last) =
                            days_of(movement).map_or((first, last), |(a, b)| (first.max(a), last.min(b)));
                        out.extend(within(spans, first, last));
                    }
                }
                // A person's plan or rating falls where they belonged in its years.
                Delta::Plan { person_id, plan, .. } => {
                    out.extend(in_years(ix.person_spans(*person_id), plan.from_year, plan.to_year));
                }
                Delta::Rating { rating } if rating.subject == lamtheo_domain::evaluation::Subject::Person => {
                    out.extend(in_years(ix.person_spans(rating.subject_id), rating.year, rating.year));
                }
                Delta::Rating { rating } => {
                    out.extend(in_years(
                        vec![(rating.subject_id, NaiveDate::MIN, NaiveDate::MAX)],
                        rating.year,
                        rating.year,
                    ));
                }
                Delta::Record { kind, id, facts } => {
                    out.extend(facts.iter().map(|f| (f.unit_id, f.on, f.until.unwrap_or(f.on))));
                    out.extend(ix.record_spans(kind, *id));
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// Refuses a write whose deltas touch a locked period of a locked unit's subtree.
    pub(crate) async fn check_locks(&self, tx: &mut Tx, deltas: &[Delta]) -> Result<()> {
        let touched = self.touched(deltas).await?;
        self.check_locks_at(tx, &touched).await
    }

    /// Where and when conferences are, as the index holds them (a file's attendance or
    /// connection points, for the locks).
    pub(crate) fn conference_spans(&self, ids: impl IntoIterator<Item = Id>) -> Vec<Span> {
        let ids: std::collections::BTreeSet<Id> = ids.into_iter().collect();
        let ix = self.index();
        ids.into_iter().filter_map(|id| ix.conference_at(id)).map(|(unit, day)| (unit, day, day)).collect()
    }

    /// Refuses a write that changes facts at these (unit, first day, last day) when one falls
    /// in a locked period of a locked unit's subtree.
    pub(crate) async fn check_locks_at(&self, tx: &mut Tx, touched: &[Span]) -> Result<()> {
        if touched.is_empty() {
            return Ok(());
        }
        let locks = store::active_locks_in(tx).await?;
        let ix = self.index();
        for lock in &locks {
            let (from, to) = (Month(lock.period_from).first_day(), Month(lock.period_to).last_day());
            let as_of: NaiveDate = lock.as_of.parse().unwrap_or(to);
            let hit = touched.iter().any(|(unit, first, last)| {
                *first <= to && from <= *last && ix.tree().is_within_on(*unit, lock.unit_id, as_of)
            });
            if hit {
                let name = ix.tree().name_on(lock.unit_id, as_of).unwrap_or_default().to_string();
                let period = period_label(lock);
                return Err(Error::msg(
                    ErrorCode::Conflict,
                    format!(
                        "Số liệu kỳ {period} của {name} đã khóa khi báo cáo được duyệt: không thay đổi được. \
                         Cấp trên có thể mở khóa (ghi lý do)."
                    ),
                    format!(
                        "The figures of {name} for {period} were locked when its report was approved: they cannot \
                         change. The upper level can unlock them (with a reason)."
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The locks on a unit's subtree and above it, in force or lifted, newest first.
    pub async fn locks_of(&self, actor: &Actor, unit: Id) -> Result<Vec<LockView>> {
        self.check(actor, unit, Resource::Report, false)?;
        let today = self.today();
        let locks = store::locks(&self.store).await?;
        let ix = self.index();
        let tree = ix.tree();
        Ok(locks
            .iter()
            .filter(|l| tree.is_within_on(l.unit_id, unit, today) || tree.is_within_on(unit, l.unit_id, today))
            .map(|l| LockView {
                id: l.id,
                unit_id: l.unit_id,
                unit_name: tree.name_on(l.unit_id, today).unwrap_or_default().to_string(),
                period: period_label(l),
                report_id: l.report_id,
                locked_at: l.locked_at.clone(),
                unlocked_at: l.unlocked_at.clone(),
                unlocked_by: l.unlocked_by.clone(),
                reason: l.reason.clone(),
            })
            .collect())
    }

    /// Lifts a lock: for someone of the upper level (a unit strictly above the locked one,
    /// or an administrator of the whole tree), with a reason, audited.
    pub async fn unlock(&self, actor: &Actor, id: Id, reason: &str) -> Result<()> {
        self.check_role(actor, Resource::Report, true)?;
        if reason.trim().is_empty() {
            return Err(Error::field("reason", "Cần ghi lý do mở khóa", "Say why it is unlocked"));
        }
        Text::Free.check("reason", reason)?;
        let locks = store::locks(&self.store).await?;
        let lock = locks.iter().find(|l| l.id == id).ok_or_else(Error::not_found)?;
        let parent = self.index().tree().parent_link_on(lock.unit_id, self.today()).map(|l| l.parent_id);
        match parent {
            Some(upper) => self.check(actor, upper, Resource::Report, true)?,
            None => self.check_everyone(actor, Resource::Report)?,
        }
        let at = chrono::Utc::now().to_rfc3339();
        self.write(actor, async |tx| {
            let current = store::lock_in(tx, id).await?.ok_or_else(Error::not_found)?;
            if current.unlocked_at.is_some() {
                return Err(Error::msg(
                    ErrorCode::Conflict,
                    "Kỳ này đã được mở khóa",
                    "This period is already unlocked",
                ));
            }
            store::unlock(tx, id, &at, &actor.username, reason.trim()).await?;
            let change = Change {
                action: "unlock",
                entity: "period_lock",
                entity_id: Some(id),
                unit: Some(current.unit_id),
                before: snapshot(&json!({"locked_at": current.locked_at})),
                after: snapshot(&json!({"unlocked_at": at, "reason": reason.trim()})),
            };
            Ok(Written::new((), change, vec![]))
        })
        .await
    }
}
