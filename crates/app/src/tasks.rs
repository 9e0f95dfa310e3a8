//! Breakthrough tasks chosen by units, and their roll-up: tasks by level of unit and the
//! units that chose at least one ("940 đơn vị cơ sở xác định 1.149 nhiệm vụ"). A task counts
//! under the level of the kind of the unit that chose it (levels are data attached to kinds),
//! with the kinds of each level broken out beneath it.
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::period::Period;
use lamtheo_domain::tasks::BreakthroughTask;
use lamtheo_domain::text::{self, Text};
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_store::tasks as store;
use serde::Serialize;

use crate::audit::{snapshot, Change, Written};
use crate::App;

/// The units that chose tasks and their tasks, in one level or one kind.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TaskKind {
    /// The unit kind ("tccs", "dang_uy_xa", …).
    pub kind: String,
    pub name_vi: String,
    pub name_en: String,
    pub units: usize,
    pub tasks: usize,
    /// "940 đơn vị, 1.149 nhiệm vụ"
    pub label: String,
    /// "940 units, 1.149 tasks"
    pub label_en: String,
}

/// One level's tasks: the units of its kinds that chose at least one, and their tasks — the
/// sums of its kinds, which follow.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TaskLevel {
    /// The level ("tinh", "huyen", "co_so", "chi_bo"; empty for a kind without a level).
    pub level: String,
    pub name_vi: String,
    pub name_en: String,
    pub units: usize,
    pub tasks: usize,
    /// "940 đơn vị, 1.149 nhiệm vụ"
    pub label: String,
    /// "940 units, 1.149 tasks"
    pub label_en: String,
    /// The same by unit kind of this level, in the kinds' order.
    pub kinds: Vec<TaskKind>,
}

/// (units, tasks) printed: "940 đơn vị, 1.149 nhiệm vụ" and "940 units, 1.149 tasks".
fn labels(units: usize, tasks: usize) -> (String, String) {
    let (u, n) = (vn::fmt_int(units as i64), vn::fmt_int(tasks as i64));
    (format!("{u} đơn vị, {n} nhiệm vụ"), format!("{u} units, {n} tasks"))
}

impl TaskLevel {
    /// "940 đơn vị xác định 1.149 nhiệm vụ" as numbers: (940, 1.149).
    pub fn label(&self) -> (String, String) {
        (vn::fmt_int(self.units as i64), vn::fmt_int(self.tasks as i64))
    }
}

impl TaskKind {
    /// The units and tasks as printed: (940, 1.149).
    pub fn label(&self) -> (String, String) {
        (vn::fmt_int(self.units as i64), vn::fmt_int(self.tasks as i64))
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TaskReport {
    /// The unit's own tasks.
    pub own: Vec<BreakthroughTask>,
    /// Over the subtree, by level of the kind of the unit that chose them (levels with tasks
    /// only, from the top down), each with its kinds.
    pub by_level: Vec<TaskLevel>,
    pub units: usize,
    pub tasks: usize,
}

pub(crate) fn validate(t: &BreakthroughTask) -> Result<()> {
    if t.title.trim().is_empty() {
        return Err(Error::field("title", "Cần nhập tên nhiệm vụ", "The task needs a title"));
    }
    text::check_all([
        ("title", t.title.as_str(), Text::Name),
        ("field", &t.field, Text::Name),
        ("responsible", &t.responsible, Text::Name),
        ("result", &t.result, Text::Free),
    ])?;
    if !(2000..=2100).contains(&t.from_year) || t.to_year < t.from_year || t.to_year > t.from_year + 10 {
        return Err(Error::field("to_year", "Thời gian thực hiện không hợp lệ", "Invalid years"));
    }
    Ok(())
}

impl App {
    pub async fn add_task(&self, actor: &Actor, task: BreakthroughTask) -> Result<Id> {
        self.check(actor, task.unit_id, Resource::Activity, true)?;
        validate(&task)?;
        self.write(actor, async |tx| {
            let id = store::insert(tx, &task).await?;
            let change = Change {
                action: "create",
                entity: "breakthrough_task",
                entity_id: Some(id),
                unit: Some(task.unit_id),
                before: None,
                after: snapshot(&task),
            };
            Ok(Written::new(id, change, vec![task_delta(&task, Some(id))]))
        })
        .await
    }

    /// Changes a task's content, status or result (it stays with its unit).
    pub async fn update_task(&self, actor: &Actor, task: BreakthroughTask) -> Result<()> {
        let before = store::get(&self.store, task.id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, before.unit_id, Resource::Activity, true)?;
        let task = BreakthroughTask { unit_id: before.unit_id, ..task };
        validate(&task)?;
        self.write(actor, async |tx| {
            store::update(tx, &task).await?;
            let change = Change {
                action: "update",
                entity: "breakthrough_task",
                entity_id: Some(task.id),
                unit: Some(task.unit_id),
                before: snapshot(&before),
                after: snapshot(&task),
            };
            Ok(Written::new((), change, vec![task_delta(&task, None)]))
        })
        .await
    }

    pub async fn task(&self, actor: &Actor, id: Id) -> Result<BreakthroughTask> {
        let task = store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, task.unit_id, Resource::Activity, false)?;
        Ok(task)
    }

    pub async fn task_report(&self, actor: &Actor, unit: Id, period: Period, as_of: NaiveDate) -> Result<TaskReport> {
        self.check(actor, unit, Resource::Activity, false)?;
        let (from_year, to_year) = (period.from.year(), period.to.year());
        let own = store::of_unit(&self.store, unit, from_year, to_year).await?;
        let kinds = lamtheo_store::units::kinds(&self.store).await?;
        let levels = lamtheo_store::units::levels(&self.store).await?;
        // The units of the subtree with tasks and their tasks, by (level's place, kind's
        // place), from the index, remembered: the request then costs the number of kinds,
        // not the size of the subtree. A kind or level not in the lists (which the
        // database's references rule out) goes last. The lists only grow, and a unit of a new
        // kind changes the index's position, so the key needs no more.
        let (counts, units, tasks) = self.remembered(format!("tasks {unit} {as_of} {from_year} {to_year}"), |ix| {
            let kind_place: HashMap<&str, usize> =
                kinds.iter().enumerate().map(|(i, k)| (k.code.as_str(), i)).collect();
            let level_place: HashMap<&str, usize> =
                levels.iter().enumerate().map(|(i, l)| (l.code.as_str(), i)).collect();
            let mut counts: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
            let (mut units, mut tasks) = (0, 0);
            // One entry per unit of the subtree that has tasks in the years.
            for (unit_id, n) in ix.tasks(unit, as_of, from_year, to_year) {
                let kind = ix.tree().unit(unit_id).map(|u| u.kind.as_str()).unwrap_or_default();
                let k = kind_place.get(kind).copied().unwrap_or(kinds.len());
                let level = kinds.get(k).map(|k| k.level.as_str()).unwrap_or_default();
                let l = level_place.get(level).copied().unwrap_or(levels.len());
                let e = counts.entry((l, k)).or_default();
                e.0 += 1;
                e.1 += n;
                (units, tasks) = (units + 1, tasks + n);
            }
            (counts, units, tasks)
        });
        let mut by_level: Vec<TaskLevel> = Vec::new();
        for ((l, k), (kind_units, n)) in counts {
            let (level, level_vi, level_en) = match levels.get(l) {
                Some(l) => (l.code.clone(), l.name_vi.clone(), l.name_en.clone()),
                None => (String::new(), "Chưa xác định cấp".to_string(), "No level".to_string()),
            };
            if by_level.last().is_none_or(|x| x.level != level) {
                by_level.push(TaskLevel {
                    level,
                    name_vi: level_vi,
                    name_en: level_en,
                    units: 0,
                    tasks: 0,
                    label: String::new(),
                    label_en: String::new(),
                    kinds: vec![],
                });
            }
            let (code, kind_vi, kind_en) = match kinds.get(k) {
                Some(k) => (k.code.clone(), k.name_vi.clone(), k.name_en.clone()),
                None => (String::new(), "Chưa xác định loại".to_string(), "No kind".to_string()),
            };
            let (label, label_en) = labels(kind_units, n);
            let row = by_level.last_mut().expect("pushed above");
            // A unit has one kind, so the level's units are the sum of its kinds'.
            row.units += kind_units;
            row.tasks += n;
            row.kinds.push(TaskKind {
                kind: code,
                name_vi: kind_vi,
                name_en: kind_en,
                units: kind_units,
                tasks: n,
                label,
                label_en,
            });
        }
        for row in &mut by_level {
            (row.label, row.label_en) = labels(row.units, row.tasks);
        }
        Ok(TaskReport { own, by_level, units, tasks })
    }
}

/// What the index keeps of a task (`id` when the write just gave it one).
pub(crate) fn task_delta(t: &BreakthroughTask, id: Option<Id>) -> Delta {
    Delta::Task { id: id.unwrap_or(t.id), unit_id: t.unit_id, from_year: t.from_year, to_year: t.to_year }
}
