//! Evaluation and ranking: recording ratings of people and organisations, and the
//! distribution by level with the share rated good or better ("710 đồng chí được đánh giá,
//! 667 xếp loại tốt, đạt 93,9%"). The rule "excellent at most 20% of those rated good" is
//! checked and reported as a warning, never silently enforced.
use chrono::NaiveDate;
use lamtheo_analytics::{Delta, Rated};
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::evaluation::{excellent_allowance, level_for_score, Evaluation, RatingLevel, Subject};
use lamtheo_domain::period::{check_year, Period};
use lamtheo_domain::text::Text;
use lamtheo_domain::{vn, Error, Result};
use lamtheo_store::evaluations as store;
use serde::Serialize;

use crate::audit::{snapshot, Change, Written};
use crate::App;

/// The rule's share: at most this percent of those rated good or better may be excellent.
pub const EXCELLENT_SHARE_PERCENT: u64 = 20;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Distribution {
    /// `members`, `key_cadres`, `member_key_cadres`, `non_member_key_cadres`, `organisations`.
    pub group: &'static str,
    /// (scale, level code, level name, count), best levels first.
    pub levels: Vec<(String, String, String, i64)>,
    pub evaluated: i64,
    pub good_or_better: i64,
    pub excellent: i64,
    /// Set when more are excellent than the rule allows.
    pub warning: Option<String>,
}

impl Distribution {
    pub fn rate(&self) -> String {
        vn::fmt_rate(self.good_or_better.max(0) as u64, self.evaluated.max(0) as u64)
    }
}

fn distribution(
    group: &'static str,
    rows: Vec<(String, String, i64)>,
    levels: &[RatingLevel],
    english: bool,
) -> Distribution {
    let level = |scale: &str, code: &str| levels.iter().find(|l| l.scale == scale && l.code == code);
    let mut out: Vec<(i32, (String, String, String, i64))> = rows
        .into_iter()
        .map(|(scale, code, n)| {
            let l = level(&scale, &code);
            let name =
                l.map(|l| if english { l.name_en.clone() } else { l.name_vi.clone() }).unwrap_or_else(|| code.clone());
            (l.map_or(99, |l| l.rank), (scale, code, name, n))
        })
        .collect();
    out.sort_by(|a, b| (a.0, &a.1 .0).cmp(&(b.0, &b.1 .0)));
    let count = |pred: &dyn Fn(&RatingLevel) -> bool| {
        out.iter().filter(|(_, (s, c, _, _))| level(s, c).is_some_and(pred)).map(|(_, x)| x.3).sum::<i64>()
    };
    let good = count(&|l| l.good_or_better);
    let excellent = count(&|l| l.excellent);
    let allowed = excellent_allowance(good.max(0) as u64, EXCELLENT_SHARE_PERCENT) as i64;
    let warning = (excellent > allowed).then(|| {
        format!(
            "{} xếp loại xuất sắc, vượt {}% của {} được đánh giá tốt trở lên (tối đa {}) / {} excellent, more than {}% of {} rated good or better (at most {})",
            vn::fmt_int(excellent), EXCELLENT_SHARE_PERCENT, vn::fmt_int(good), vn::fmt_int(allowed),
            excellent, EXCELLENT_SHARE_PERCENT, good, allowed
        )
    });
    Distribution {
        group,
        evaluated: out.iter().map(|(_, x)| x.3).sum(),
        good_or_better: good,
        excellent,
        warning,
        levels: out.into_iter().map(|(_, x)| x).collect(),
    }
}

/// Checks a rating's year, quarter, scale and level; a score on a scored scale decides the
/// level. Scope is the caller's.
pub(crate) fn checked_rating(levels: &[RatingLevel], mut e: Evaluation) -> Result<Evaluation> {
    check_year("year", e.year)?;
    Text::Free.check("note", &e.note)?;
    if !(0..=4).contains(&e.quarter) {
        return Err(Error::field(
            "quarter",
            "Quý phải từ 1 đến 4 (0 là cả năm)",
            "The quarter must be 1–4 (0: the year)",
        ));
    }
    if !levels.iter().any(|l| l.scale == e.scale) {
        let known: std::collections::BTreeSet<&str> = levels.iter().map(|l| l.scale.as_str()).collect();
        let known = known.into_iter().collect::<Vec<_>>();
        return Err(Error::conflict(
            "scale",
            format!("Không có thang «{}»; dùng một trong: {}", e.scale, known.join(", ")),
            format!("No scale «{}»; use one of: {}", e.scale, known.join(", ")),
        ));
    }
    if let Some(score) = e.score {
        if !(0..=100).contains(&score) {
            return Err(Error::field(
                "score",
                format!("Điểm {score} phải từ 0 đến 100"),
                format!("The score {score} must be 0–100"),
            ));
        }
        let level = level_for_score(levels, &e.scale, score).ok_or_else(|| {
            Error::conflict(
                "score",
                format!("Thang «{}» không chấm theo điểm", e.scale),
                format!("Scale «{}» has no scores", e.scale),
            )
        })?;
        e.level_code = level.code.clone();
    }
    if !levels.iter().any(|l| l.scale == e.scale && l.code == e.level_code) {
        return Err(Error::conflict(
            "level_code",
            format!("Mức «{}» không có trong thang «{}»", e.level_code, e.scale),
            format!("Level «{}» is not on scale «{}»", e.level_code, e.scale),
        ));
    }
    Ok(e)
}

impl App {
    pub async fn rating_levels(&self) -> Result<Vec<RatingLevel>> {
        store::levels(&self.store).await
    }

    /// Records ratings (one audited transaction). A score on a scored scale decides the level.
    pub async fn record_evaluations(&self, actor: &Actor, rows: Vec<Evaluation>) -> Result<usize> {
        let levels = self.rating_levels().await?;
        let mut checked = Vec::with_capacity(rows.len());
        for e in rows {
            match e.subject {
                Subject::Person => {
                    let unit = self.current_unit(e.subject_id).await?;
                    self.check(actor, unit, Resource::Person, true)?;
                }
                Subject::Unit => {
                    self.check(actor, e.subject_id, Resource::Activity, true)?;
                    self.check_unit_rater(actor, e.subject_id)?;
                }
            }
            checked.push(checked_rating(&levels, e)?);
        }
        // Before and after line up: the n-th of each rates the same subject and period.
        let mut before = Vec::with_capacity(checked.len());
        for e in &checked {
            before.push(store::get(&self.store, e.subject, e.subject_id, e.year, e.quarter).await?);
        }
        self.write(actor, async |tx| {
            for e in &checked {
                store::upsert(tx, e).await?;
            }
            let unit = actor.scope;
            let change = Change {
                action: "evaluate",
                entity: "evaluation",
                entity_id: None,
                unit,
                before: snapshot(&before),
                after: snapshot(&checked),
            };
            let deltas: Vec<Delta> = checked.iter().map(rating_delta).collect();
            Ok(Written::new(checked.len(), change, deltas))
        })
        .await
    }

    /// An organisation is rated by the level above it, never by itself: the actor must be
    /// allowed to write at the unit's parent (a root unit: only an administrator of the whole
    /// tree). The caller has checked the unit itself is in scope.
    pub(crate) fn check_unit_rater(&self, actor: &Actor, unit: lamtheo_domain::Id) -> Result<()> {
        let parent = self.index().tree().parent_link_on(unit, crate::scope::today()).map(|l| l.parent_id);
        let allowed = match parent {
            Some(p) => self.may(actor, p, Resource::Activity, true),
            None => actor.scope.is_none() && self.check_role(actor, Resource::Activity, true).is_ok(),
        };
        if allowed {
            Ok(())
        } else {
            Err(Error {
                field: Some("subject_id".into()),
                ..Error::msg(
                    lamtheo_domain::ErrorCode::Forbidden,
                    "Tổ chức do cấp trên trực tiếp đánh giá, xếp loại",
                    "An organisation is rated by the level directly above it",
                )
            })
        }
    }

    /// Distributions by level over the subtree of `unit` for a year (quarter 0) or a quarter.
    pub async fn evaluation_report(
        &self,
        actor: &Actor,
        unit: lamtheo_domain::Id,
        year: i32,
        quarter: i32,
        as_of: NaiveDate,
        english: bool,
    ) -> Result<Vec<Distribution>> {
        self.check(actor, unit, Resource::Unit, false)?;
        check_year("year", year)?;
        let levels = self.rating_levels().await?;
        // People who belonged to the subtree in the period; key cadres by the post they held
        // on its last day (from the index).
        let r = self.remembered(format!("ratings {unit} {as_of} {year} {quarter}"), |ix| {
            ix.ratings(unit, as_of, year, quarter)
        });
        Ok([
            ("members", r.members),
            ("key_cadres", r.key_cadres),
            ("member_key_cadres", r.member_key_cadres),
            ("non_member_key_cadres", r.non_member_key_cadres),
            ("organisations", r.organisations),
        ]
        .into_iter()
        .map(|(name, rows)| distribution(name, rows, &levels, english))
        .collect())
    }

    /// Ratings already given to some people (for the entry page).
    pub async fn evaluations_of(
        &self,
        actor: &Actor,
        unit: lamtheo_domain::Id,
        year: i32,
        quarter: i32,
    ) -> Result<Vec<Evaluation>> {
        check_year("year", year)?;
        let people: Vec<_> =
            self.members_on(actor, unit, Period::year(year).last_day()).await?.iter().map(|p| p.id).collect();
        store::of_people(&self.store, &people, year, quarter).await
    }

    /// Ratings already given to some organisations in the actor's scope (for the entry page).
    pub async fn unit_ratings(
        &self,
        actor: &Actor,
        units: &[lamtheo_domain::Id],
        year: i32,
        quarter: i32,
    ) -> Result<Vec<Evaluation>> {
        let visible: Vec<_> =
            units.iter().copied().filter(|u| self.check(actor, *u, Resource::Activity, false).is_ok()).collect();
        let mut all = store::of_subjects(&self.store, Subject::Unit, &visible, year).await?;
        all.retain(|e| e.quarter == quarter);
        Ok(all)
    }
}

/// What the index keeps of a rating.
pub(crate) fn rating_delta(e: &Evaluation) -> Delta {
    Delta::Rating {
        rating: Rated {
            subject: e.subject,
            subject_id: e.subject_id,
            year: e.year,
            quarter: e.quarter,
            scale: e.scale.clone(),
            level_code: e.level_code.clone(),
        },
    }
}
