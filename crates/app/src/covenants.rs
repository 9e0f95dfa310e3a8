//! Emulation covenants: organised by a unit, signed by the units expected to, scored per
//! content group by the organiser; figures are signed/expected ("43/43"), the average and
//! spread of the scores, and the ranking.
use chrono::NaiveDate;
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::covenant::{Campaign, Score, Signatory};
use lamtheo_domain::text::Text;
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_store::covenants as store;
use serde::Serialize;

use crate::audit::{snapshot, Change, Written};
use crate::scope::today;
use crate::App;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RankRow {
    pub rank: usize,
    pub unit_id: Id,
    pub name: String,
    pub signed_on: Option<NaiveDate>,
    pub pilot: bool,
    /// Score per content group (None: not scored yet).
    pub scores: Vec<Option<i32>>,
    pub total: i32,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CovenantReport {
    pub campaign: Campaign,
    pub signed: usize,
    pub expected: usize,
    pub pilots: usize,
    /// Average total of the units scored, to one decimal ("86,4").
    pub average: String,
    /// Units scored at ≥ 90%, 70–<90% and < 70% of the maximum total.
    pub bands: [usize; 3],
    pub rows: Vec<RankRow>,
}

/// A score must be for a content group of the covenant, within its maximum, and for a unit
/// on the covenant's list.
pub(crate) fn check_score(c: &Campaign, signatories: &[Signatory], s: &Score) -> Result<()> {
    let group = usize::try_from(s.group)
        .ok()
        .and_then(|g| c.groups.get(g))
        .ok_or_else(|| Error::conflict("group", "Nhóm nội dung không tồn tại", "No such content group"))?;
    if s.score < 0 || s.score > group.max_score {
        return Err(Error::conflict(
            "score",
            format!("Điểm {} ngoài khoảng 0–{} của nhóm «{}»", s.score, group.max_score, group.title),
            format!("Score {} is outside 0–{} for «{}»", s.score, group.max_score, group.title),
        ));
    }
    if !signatories.iter().any(|x| x.unit_id == s.unit_id) {
        return Err(Error::conflict(
            "unit_id",
            "Đơn vị này không thuộc danh sách ký giao ước",
            "This unit is not among the covenant's signatories",
        ));
    }
    Ok(())
}

impl App {
    fn campaign_visible(&self, actor: &Actor, c: &Campaign) -> bool {
        self.in_scope(actor, c.unit_id)
            || actor.scope.is_some_and(|s| self.index().tree().is_within_on(s, c.unit_id, today()))
    }

    pub async fn covenants(&self, actor: &Actor) -> Result<Vec<Campaign>> {
        self.check_role(actor, Resource::Activity, false)?;
        Ok(store::all(&self.store).await?.into_iter().filter(|c| self.campaign_visible(actor, c)).collect())
    }

    pub(crate) async fn covenant(&self, actor: &Actor, id: Id) -> Result<Campaign> {
        let c = store::all(&self.store).await?.into_iter().find(|c| c.id == id).ok_or_else(Error::not_found)?;
        if !self.campaign_visible(actor, &c) {
            return Err(Error::not_found());
        }
        Ok(c)
    }

    /// Organises a covenant among `expected` units (all in the actor's scope).
    pub async fn create_covenant(&self, actor: &Actor, c: Campaign, expected: &[Id]) -> Result<Id> {
        self.check(actor, c.unit_id, Resource::Activity, true)?;
        if c.title.trim().is_empty() {
            return Err(Error::field("title", "Cần nhập tên giao ước", "The covenant needs a title"));
        }
        Text::Name.check("title", &c.title)?;
        lamtheo_domain::period::check_year("year", c.year)?;
        c.groups.iter().try_for_each(|g| Text::Name.check("groups", &g.title))?;
        if c.groups.is_empty() || c.groups.iter().any(|g| g.title.trim().is_empty() || g.max_score <= 0) {
            return Err(Error::field(
                "groups",
                "Cần ít nhất một nhóm nội dung, mỗi nhóm có tên và điểm tối đa",
                "At least one content group, each with a title and a maximum score",
            ));
        }
        if expected.is_empty() {
            return Err(Error::field("units", "Cần chọn các đơn vị tham gia ký", "Choose the units that are to sign"));
        }
        for u in expected {
            self.check(actor, *u, Resource::Activity, true)?;
        }
        self.write(actor, async |tx| {
            let id = store::insert(tx, &c).await?;
            for u in expected {
                store::upsert_signatory(tx, id, &Signatory { unit_id: *u, signed_on: None, pilot: false }).await?;
            }
            let change = Change {
                action: "create",
                entity: "covenant",
                entity_id: Some(id),
                unit: Some(c.unit_id),
                before: None,
                after: snapshot(&(&c, expected)),
            };
            Ok(Written::new(id, change, vec![Delta::Covenant { id }]))
        })
        .await
    }

    /// Records that a unit signed (on a date), and whether it is a pilot.
    pub async fn sign_covenant(&self, actor: &Actor, id: Id, s: Signatory) -> Result<()> {
        let c = self.covenant(actor, id).await?;
        self.check(actor, s.unit_id, Resource::Activity, true)?;
        let signatories = store::signatories(&self.store, id).await?;
        let Some(old) = signatories.iter().find(|x| x.unit_id == s.unit_id) else {
            return Err(Error::conflict(
                "unit_id",
                "Đơn vị này không thuộc danh sách ký giao ước",
                "This unit is not among the covenant's signatories",
            ));
        };
        self.check_pilot(actor, &c, Some(old), &s)?;
        self.write(actor, async |tx| {
            store::upsert_signatory(tx, id, &s).await?;
            let change = Change {
                action: "sign",
                entity: "covenant",
                entity_id: Some(id),
                unit: Some(s.unit_id),
                before: snapshot(old),
                after: snapshot(&s),
            };
            Ok(Written::new((), change, vec![Delta::Covenant { id }]))
        })
        .await
    }

    /// A unit records its own signature, but which units are pilots is the organiser's to
    /// say: changing the mark needs the right to write at the organising unit.
    pub(crate) fn check_pilot(
        &self,
        actor: &Actor,
        c: &Campaign,
        old: Option<&Signatory>,
        new: &Signatory,
    ) -> Result<()> {
        if old.is_some_and(|o| o.pilot) == new.pilot || self.may(actor, c.unit_id, Resource::Activity, true) {
            return Ok(());
        }
        Err(Error {
            field: Some("pilot".into()),
            ..Error::msg(
                lamtheo_domain::ErrorCode::Forbidden,
                "Chỉ đơn vị tổ chức giao ước mới chọn đơn vị làm điểm",
                "Only the organiser of the covenant marks pilot units",
            )
        })
    }

    /// The organiser scores a signatory on one content group.
    pub async fn score_covenant(&self, actor: &Actor, id: Id, scores: &[Score]) -> Result<()> {
        let c = self.covenant(actor, id).await?;
        self.check(actor, c.unit_id, Resource::Activity, true)?;
        let signatories = store::signatories(&self.store, id).await?;
        for s in scores {
            check_score(&c, &signatories, s)?;
        }
        // Before and after line up: the n-th of each is the same unit and group.
        let recorded = store::scores(&self.store, id).await?;
        let before: Vec<Option<&Score>> =
            scores.iter().map(|s| recorded.iter().find(|o| o.unit_id == s.unit_id && o.group == s.group)).collect();
        self.write(actor, async |tx| {
            for s in scores {
                store::upsert_score(tx, id, s).await?;
            }
            let change = Change {
                action: "score",
                entity: "covenant",
                entity_id: Some(id),
                unit: Some(c.unit_id),
                before: snapshot(&before),
                after: snapshot(&scores),
            };
            Ok(Written::new((), change, vec![Delta::Covenant { id }]))
        })
        .await
    }

    pub async fn covenant_report(&self, actor: &Actor, id: Id) -> Result<CovenantReport> {
        let c = self.covenant(actor, id).await?;
        self.covenant_report_of(c).await
    }

    /// Signatures, scores and ranking of a covenant the caller may see.
    /// A covenant's ranking, remembered until the change log moves (a covenant's changes
    /// are logged too; see `Delta::Covenant`).
    async fn covenant_report_of(&self, c: Campaign) -> Result<CovenantReport> {
        let key = format!("covenant {c:?} {}", today());
        if let Some(known) = self.recalled::<CovenantReport>(&key) {
            return Ok(known);
        }
        let at = self.index().position();
        let report = self.covenant_ranking(c).await?;
        self.remember(key, at, report.clone());
        Ok(report)
    }

    async fn covenant_ranking(&self, c: Campaign) -> Result<CovenantReport> {
        let signatories = store::signatories(&self.store, c.id).await?;
        let scores = store::scores(&self.store, c.id).await?;
        let today = today();
        let mut rows: Vec<RankRow> = signatories
            .iter()
            .map(|s| {
                let per: Vec<Option<i32>> = (0..c.groups.len())
                    .map(|g| scores.iter().find(|x| x.unit_id == s.unit_id && x.group == g as i32).map(|x| x.score))
                    .collect();
                RankRow {
                    rank: 0,
                    unit_id: s.unit_id,
                    name: self.index().tree().name_on(s.unit_id, today).unwrap_or_default().to_string(),
                    signed_on: s.signed_on,
                    pilot: s.pilot,
                    total: per.iter().flatten().sum(),
                    scores: per,
                }
            })
            .collect();
        rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| vn::sort_key(&a.name).cmp(&vn::sort_key(&b.name))));
        let mut rank = 0;
        for i in 0..rows.len() {
            // Equal totals share a rank ("1, 2, 2, 4").
            if i == 0 || rows[i].total != rows[i - 1].total {
                rank = i + 1;
            }
            rows[i].rank = rank;
        }
        let scored: Vec<&RankRow> = rows.iter().filter(|r| r.scores.iter().any(Option::is_some)).collect();
        let max = c.max_total().max(1) as i64;
        let mut bands = [0; 3];
        for r in &scored {
            let permille = r.total as i64 * 1000 / max;
            bands[if permille >= 900 {
                0
            } else if permille >= 700 {
                1
            } else {
                2
            }] += 1;
        }
        let sum: i64 = scored.iter().map(|r| r.total as i64).sum();
        // sum / n with one decimal, rounded the Vietnamese way: fmt_rate(a, b) prints a/b·100.
        let average = if scored.is_empty() {
            "–".into()
        } else {
            vn::fmt_rate(sum.max(0) as u64, scored.len() as u64 * 100).trim_end_matches('%').to_string()
        };
        Ok(CovenantReport {
            signed: signatories.iter().filter(|s| s.signed_on.is_some()).count(),
            expected: signatories.len(),
            pilots: signatories.iter().filter(|s| s.pilot).count(),
            average,
            bands,
            rows,
            campaign: c,
        })
    }

    /// The covenants of the period's years that units of the subtree of `unit` (as of `as_of`) organised or
    /// that `unit` signs, with the unit's own ranking line when it is a signatory.
    pub async fn unit_covenants(
        &self,
        actor: &Actor,
        unit: Id,
        period: lamtheo_domain::period::Period,
        as_of: NaiveDate,
    ) -> Result<Vec<(CovenantReport, Option<RankRow>)>> {
        self.check(actor, unit, Resource::Activity, false)?;
        let mut out = Vec::new();
        for c in self.covenants(actor).await? {
            if c.year < period.from.year() || c.year > period.to.year() {
                continue;
            }
            let organised_here = self.index().tree().is_within_on(c.unit_id, unit, as_of);
            let report = self.covenant_report_of(c).await?;
            let own = report.rows.iter().find(|r| r.unit_id == unit).cloned();
            if organised_here || own.is_some() {
                out.push((report, own));
            }
        }
        Ok(out)
    }
}
