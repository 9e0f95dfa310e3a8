//! Breakthrough tasks: adding one to a unit and changing its status and result.
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::post;
use axum::Router;
use lamtheo_domain::tasks::{BreakthroughTask, TaskStatus};
use lamtheo_domain::{Error, Id};
use serde::Deserialize;

use super::PageResult;
use crate::session::Posted;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/units/{id}/tasks", post(add)).route("/tasks/{id}", post(update))
}

#[derive(Deserialize)]
struct TaskForm {
    title: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    responsible: String,
    from_year: String,
    to_year: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    result: String,
}

impl TaskForm {
    fn task(&self, id: Id, unit_id: Id) -> Result<BreakthroughTask, Error> {
        let year = |field: &str, v: &str| {
            v.trim()
                .parse::<i32>()
                .map_err(|_| Error::field(field, format!("Năm «{v}» không hợp lệ"), format!("Invalid year «{v}»")))
        };
        Ok(BreakthroughTask {
            id,
            unit_id,
            from_year: year("from_year", &self.from_year)?,
            to_year: year("to_year", &self.to_year)?,
            title: self.title.trim().to_string(),
            field: self.field.trim().to_string(),
            responsible: self.responsible.trim().to_string(),
            status: TaskStatus::parse(&self.status).unwrap_or(TaskStatus::Planned),
            result: self.result.trim().to_string(),
        })
    }
}

async fn add(State(st): State<AppState>, Path(unit): Path<Id>, p: Posted<TaskForm>) -> PageResult {
    let s = p.session;
    let task = p.form.task(0, unit).map_err(|e| s.fail(e))?;
    st.app.add_task(&s.actor, task).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{unit}#tasks")).into_response())
}

async fn update(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<TaskForm>) -> PageResult {
    let s = p.session;
    // The unit is kept from the stored task by the service.
    let task = p.form.task(id, 0).map_err(|e| s.fail(e))?;
    st.app.update_task(&s.actor, task).await.map_err(|e| s.fail(e))?;
    let unit = st.app.task(&s.actor, id).await.map_err(|e| s.fail(e))?.unit_id;
    Ok(Redirect::to(&format!("/units/{unit}#tasks")).into_response())
}
