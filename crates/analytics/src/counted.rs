//! The facts of the record kinds (`lamtheo_domain::records::Fact`), summed over any subtree,
//! days and as-of date. Each record's facts are kept by record, so that a changed record
//! replaces its facts, and by unit, so that a subtree's walk touches only its units' own.
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use lamtheo_domain::records::{Fact, Totals};
use lamtheo_domain::Id;

use crate::index::day;
use crate::Index;

/// One fact, with its key and token numbered.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Counted {
    record: (u16, Id),
    day: i32,
    /// The last day of its span (`day` for a fact of one day).
    end: i32,
    key: u32,
    amount: i64,
    /// u32::MAX: no token.
    token: u32,
    /// Only the unit's latest fact under the key counts (see `Fact::latest`).
    latest: bool,
}

/// Names numbered in order of first sight (kinds, keys, tokens).
#[derive(Default)]
pub(crate) struct Names {
    names: Vec<String>,
    numbers: HashMap<String, u32>,
}

impl Names {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(n) = self.numbers.get(name) {
            return *n;
        }
        let n = self.names.len() as u32;
        self.names.push(name.to_string());
        self.numbers.insert(name.to_string(), n);
        n
    }

    fn name(&self, n: u32) -> &str {
        &self.names[n as usize]
    }
}

#[derive(Default)]
pub(crate) struct CountedFacts {
    kinds: Names,
    keys: Names,
    tokens: Names,
    /// Per dense unit: its facts.
    by_unit: HashMap<u32, Vec<Counted>>,
    /// Per record: the dense units its facts are at.
    units_of: HashMap<(u16, Id), Vec<u32>>,
}

impl Index {
    /// Replaces the facts of record `id` of `kind` (none: the record is gone).
    pub fn set_record(&mut self, kind: &str, id: Id, facts: &[Fact]) {
        let record = (self.counted.kinds.number(kind) as u16, id);
        for u in self.counted.units_of.remove(&record).unwrap_or_default() {
            if let Some(list) = self.counted.by_unit.get_mut(&u) {
                list.retain(|c| c.record != record);
            }
        }
        let mut units = Vec::new();
        for f in facts {
            let u = self.unit(f.unit_id);
            let c = &mut self.counted;
            let counted = Counted {
                record,
                day: day(f.on),
                end: day(f.until.unwrap_or(f.on)),
                key: c.keys.number(&f.key),
                amount: f.amount,
                token: f.distinct.as_deref().map_or(u32::MAX, |t| c.tokens.number(t)),
                latest: f.latest,
            };
            c.by_unit.entry(u).or_default().push(counted);
            if !units.contains(&u) {
                units.push(u);
            }
        }
        if !units.is_empty() {
            self.counted.units_of.insert(record, units);
        }
    }

    /// Where and when the facts of record `id` of `kind` fall: (unit, first day, last day)
    /// each (what a write over it changes, for the locks of approved periods).
    pub fn record_spans(&self, kind: &str, id: Id) -> Vec<(Id, NaiveDate, NaiveDate)> {
        let Some(kind) = self.counted.kinds.numbers.get(kind) else { return vec![] };
        let record = (*kind as u16, id);
        let date = |d: i32| NaiveDate::from_num_days_from_ce_opt(d).unwrap_or_default();
        let mut out = Vec::new();
        for u in self.counted.units_of.get(&record).into_iter().flatten() {
            for c in self.counted.by_unit.get(u).into_iter().flatten().filter(|c| c.record == record) {
                out.push((self.unit_ids[*u as usize], date(c.day), date(c.end)));
            }
        }
        out
    }

    /// The facts of the subtree of `unit` (as of `as_of`) dated from `from` to `to` (all of
    /// their days, for a fact of a span), summed by key.
    pub fn counted(&self, unit: Id, as_of: NaiveDate, from: NaiveDate, to: NaiveDate) -> Totals {
        let mut sums: HashMap<u32, (i64, u64, HashSet<u32>)> = HashMap::new();
        let (first, last) = (day(from), day(to));
        if let Some(&root) = self.unit_ix.get(&unit) {
            self.walk(root, day(as_of), &mut Vec::new(), &mut |u| {
                // A level's latest fact of this unit, by key: ((last day, first day), amount).
                // Of two ending the same day, the shorter (a month's over its quarter's).
                let mut latest: HashMap<u32, ((i32, i32), i64)> = HashMap::new();
                for c in self.counted.by_unit.get(&u).into_iter().flatten() {
                    if c.day < first || c.end > last {
                        continue;
                    }
                    if c.latest {
                        let e = latest.entry(c.key).or_insert(((c.end, c.day), c.amount));
                        if (c.end, c.day) > e.0 {
                            *e = ((c.end, c.day), c.amount);
                        }
                        continue;
                    }
                    let e = sums.entry(c.key).or_default();
                    e.0 += c.amount;
                    e.1 += 1;
                    if c.token != u32::MAX {
                        e.2.insert(c.token);
                    }
                }
                for (key, (_, amount)) in latest {
                    let e = sums.entry(key).or_default();
                    e.0 += amount;
                    e.1 += 1;
                }
            });
        }
        sums.into_iter()
            .map(|(k, (sum, count, tokens))| {
                let total = lamtheo_domain::records::Total { sum, count, distinct: tokens.len() as u64 };
                (self.counted.keys.name(k).to_string(), total)
            })
            .collect()
    }
}
