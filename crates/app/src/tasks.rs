//! Breakthrough tasks chosen by units, and their roll-up: tasks by level of unit and the
//! units that chose at least one ("940 đơn vị cơ sở xác định 1.149 nhiệm vụ").
use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::period::Period;
use lamtheo_domain::tasks::BreakthroughTask;
use lamtheo_domain::text::{self, Text};
use lamtheo_domain::{vn, Error, Id, Result};
use lamtheo_store::tasks as store;
use serde::Serialize;

use crate::audit::{self, snapshot, Change};
use crate::App;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TaskLevel {
    /// The unit kind ("tccs", "dang_uy_xa", …).
    pub kind: String,
    pub units: usize,
    pub tasks: usize,
}

impl TaskLevel {
    /// "940 đơn vị xác định 1.149 nhiệm vụ" as numbers: (940, 1.149).
    pub fn label(&self) -> (String, String) {
        (vn::fmt_int(self.units as i64), vn::fmt_int(self.tasks as i64))
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TaskReport {
    /// The unit's own tasks.
    pub own: Vec<BreakthroughTask>,
    /// Over the subtree, by level of the unit that chose them.
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
        let mut tx = self.store.begin().await?;
        let id = store::insert(&mut tx, &task).await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "create",
                entity: "breakthrough_task",
                entity_id: Some(id),
                unit: Some(task.unit_id),
                before: None,
                after: snapshot(&task),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a task's content, status or result (it stays with its unit).
    pub async fn update_task(&self, actor: &Actor, task: BreakthroughTask) -> Result<()> {
        let before = store::get(&self.store, task.id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, before.unit_id, Resource::Activity, true)?;
        let task = BreakthroughTask { unit_id: before.unit_id, ..task };
        validate(&task)?;
        let mut tx = self.store.begin().await?;
        store::update(&mut tx, &task).await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "update",
                entity: "breakthrough_task",
                entity_id: Some(task.id),
                unit: Some(task.unit_id),
                before: snapshot(&before),
                after: snapshot(&task),
            },
        )
        .await?;
        tx.commit().await
    }

    pub async fn task(&self, actor: &Actor, id: Id) -> Result<BreakthroughTask> {
        let task = store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, task.unit_id, Resource::Activity, false)?;
        Ok(task)
    }

    pub async fn task_report(&self, actor: &Actor, unit: Id, period: Period, as_of: NaiveDate) -> Result<TaskReport> {
        self.check(actor, unit, Resource::Activity, false)?;
        let units = self.index().tree().subtree_on(unit, as_of);
        let tasks = store::of_units(&self.store, &units, period.from.year(), period.to.year()).await?;
        let ix = self.index();
        let mut by_level: BTreeMap<String, (HashSet<Id>, usize)> = BTreeMap::new();
        for t in &tasks {
            let kind = ix.tree().unit(t.unit_id).map(|u| u.kind.clone()).unwrap_or_default();
            let e = by_level.entry(kind).or_default();
            e.0.insert(t.unit_id);
            e.1 += 1;
        }
        let with: HashSet<Id> = tasks.iter().map(|t| t.unit_id).collect();
        Ok(TaskReport {
            own: tasks.iter().filter(|t| t.unit_id == unit).cloned().collect(),
            by_level: by_level.into_iter().map(|(kind, (u, n))| TaskLevel { kind, units: u.len(), tasks: n }).collect(),
            units: with.len(),
            tasks: tasks.len(),
        })
    }
}
