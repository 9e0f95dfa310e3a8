//! Recording a study conference, taking attendance, and connection points.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_app::conferences::{AttendanceInput, ConferenceInput};
use lamtheo_domain::access::Resource;
use lamtheo_domain::conference::{AttendanceStatus, ConnectionPoint};
use lamtheo_domain::{vn, Id};
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units/{id}/conferences/new", get(new_form))
        .route("/conferences", post(create))
        .route("/conferences/{id}", get(show).post(update))
        .route("/conferences/{id}/edit", get(edit_form))
        .route("/conferences/{id}/delete", post(remove))
        .route("/conferences/{id}/attendance", post(attendance))
        .route("/conferences/{id}/points", post(point))
}

/// The conference form: a new conference, or one being corrected.
#[derive(Template)]
#[template(path = "conference_form.html")]
struct FormPage {
    t: Lang,
    c: Ctx,
    unit_id: Id,
    unit_name: String,
    /// The conference being corrected; `None` for a new one.
    editing: Option<Id>,
    v: ConferenceForm,
    topics: Vec<(Id, String)>,
    /// Conferences of the same unit, day and kind already recorded: the form asks before
    /// saving another (a likely double entry).
    duplicates: Vec<(Id, String)>,
}

impl FormPage {
    fn topic_selected(&self, id: &Id) -> bool {
        self.v.topic_id.parse::<Id>().ok() == Some(*id)
    }
}

async fn form_page(
    st: &AppState,
    s: &Session,
    unit: Id,
    editing: Option<Id>,
    v: ConferenceForm,
    duplicates: Vec<(Id, String)>,
) -> PageResult {
    // A form nobody could send is not shown: the same check as recording the conference.
    st.app.check(&s.actor, unit, Resource::Conference, true).map_err(|e| s.fail(e))?;
    let view = st.app.unit_view(&s.actor, unit, st.app.today()).map_err(|e| s.fail(e))?;
    let topics = st
        .app
        .topics()
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .map(|t| (t.id, format!("{} ({})", t.title, t.year)))
        .collect();
    render(
        s.t,
        FormPage { t: s.t, c: Ctx::of(s), unit_id: unit, unit_name: view.name_on, editing, v, topics, duplicates },
    )
}

async fn new_form(State(st): State<AppState>, s: Session, Path(unit): Path<Id>) -> PageResult {
    let view = st.app.unit_view(&s.actor, unit, st.app.today()).map_err(|e| s.fail(e))?;
    // A party cell's conference starts as a regular meeting with study content.
    let cell = view.unit.kind == lamtheo_analytics::CELL_KIND;
    let today = st.app.today();
    // A cell's meeting is named as its minutes are: «Sinh hoạt chi bộ tháng 11/2026».
    let title = match cell {
        true => {
            format!("Sinh hoạt chi bộ tháng {}/{}", chrono::Datelike::month(&today), chrono::Datelike::year(&today))
        }
        false => String::new(),
    };
    let v = ConferenceForm {
        unit_id: unit,
        // ISO, as the date picker takes it (the form reads 16/5/2024 as well).
        held_on: today.to_string(),
        title,
        unlisted_members: "0".into(),
        others_count: "0".into(),
        regular_meeting: cell.then(|| "1".into()),
        study_content: cell.then(|| "1".into()),
        ..Default::default()
    };
    form_page(&st, &s, unit, None, v, vec![]).await
}

async fn edit_form(State(st): State<AppState>, s: Session, Path(id): Path<Id>) -> PageResult {
    let conf = st.app.conference(&s.actor, id).await.map_err(|e| s.fail(e))?.conference;
    let flag = |b: bool| b.then(|| "1".to_string());
    let v = ConferenceForm {
        unit_id: conf.unit_id,
        held_on: conf.held_on.to_string(),
        title: conf.title,
        level: conf.level,
        online: flag(conf.online),
        others_count: conf.others_count.to_string(),
        unlisted_members: conf.unlisted_members.to_string(),
        topic_id: conf.topic_ids.first().map(Id::to_string).unwrap_or_default(),
        regular_meeting: flag(conf.regular_meeting),
        study_content: flag(conf.study_content),
        confirm: None,
    };
    form_page(&st, &s, conf.unit_id, Some(id), v, vec![]).await
}

#[derive(Deserialize, Default)]
struct ConferenceForm {
    unit_id: Id,
    held_on: String,
    title: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    online: Option<String>,
    #[serde(default)]
    others_count: String,
    #[serde(default)]
    unlisted_members: String,
    #[serde(default)]
    topic_id: String,
    #[serde(default)]
    regular_meeting: Option<String>,
    #[serde(default)]
    study_content: Option<String>,
    /// Set when the person saw the likely double entries and saves anyway.
    #[serde(default)]
    confirm: Option<String>,
}

impl ConferenceForm {
    fn input(&self) -> Result<ConferenceInput, lamtheo_domain::Error> {
        Ok(ConferenceInput {
            code: String::new(),
            unit_id: self.unit_id,
            held_on: fmt::parse_date("held_on", &self.held_on)?,
            title: self.title.clone(),
            level: self.level.clone(),
            online: self.online.is_some(),
            others_count: count("others_count", &self.others_count)?,
            unlisted_members: count("unlisted_members", &self.unlisted_members)?,
            topic_ids: self.topic_id.parse::<Id>().ok().into_iter().collect(),
            regular_meeting: self.regular_meeting.is_some(),
            study_content: self.study_content.is_some(),
        })
    }
}

/// A count typed in a form: empty is 0; "1.234" is accepted.
fn count(field: &str, s: &str) -> Result<i64, lamtheo_domain::Error> {
    if s.trim().is_empty() {
        return Ok(0);
    }
    vn::parse_int(s).filter(|n| *n >= 0).ok_or_else(|| {
        lamtheo_domain::Error::field(
            field,
            format!("«{s}» không phải số lượt hợp lệ"),
            format!("«{s}» is not a valid count"),
        )
    })
}

async fn create(State(st): State<AppState>, p: Posted<ConferenceForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let input = f.input().map_err(|e| s.fail(e))?;
    if f.confirm.is_none() {
        let same = st.app.likely_duplicates(&s.actor, &input).await.map_err(|e| s.fail(e))?;
        if !same.is_empty() {
            let same = same.into_iter().map(|c| (c.id, c.title)).collect();
            return form_page(&st, &s, input.unit_id, None, f, same).await;
        }
    }
    let id = st.app.create_conference(&s.actor, input).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/conferences/{id}?saved=conference#attendance")).into_response())
}

async fn update(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<ConferenceForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let input = f.input().map_err(|e| s.fail(e))?;
    st.app.update_conference(&s.actor, id, input).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/conferences/{id}?saved=changes")).into_response())
}

#[derive(Deserialize)]
struct DeleteForm {
    /// The "yes, delete it" box.
    #[serde(default)]
    confirm: Option<String>,
}

async fn remove(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<DeleteForm>) -> PageResult {
    let s = p.session;
    if p.form.confirm.is_none() {
        return Err(s.fail(lamtheo_domain::Error::field(
            "confirm",
            "Hãy đánh dấu ô xác nhận để xóa hội nghị",
            "Tick the box to confirm deleting the conference",
        )));
    }
    let conf = st.app.conference(&s.actor, id).await.map_err(|e| s.fail(e))?.conference;
    st.app.delete_conference(&s.actor, id).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{}", conf.unit_id)).into_response())
}

pub struct AttendeeRow {
    pub id: Id,
    pub name: String,
    /// Beside a name two people share: the card number, or else the year of birth.
    pub note: String,
    pub status: &'static str,
    /// The person's status at the unit's last meeting, for «như buổi trước»; empty when
    /// there is none or this meeting's attendance is saved.
    pub last: &'static str,
}

#[derive(Template)]
#[template(path = "conference.html")]
struct ShowPage {
    t: Lang,
    c: Ctx,
    id: Id,
    title: String,
    code: String,
    unit_id: Id,
    unit_name: String,
    held_on: String,
    online: bool,
    others: String,
    unlisted: String,
    topics: Vec<String>,
    present: String,
    roster: Vec<AttendeeRow>,
    /// No attendance is saved yet: the form shows everyone present until it is.
    fresh: bool,
    /// The day of the unit's last meeting with attendance, offered as a starting point.
    last_day: Option<String>,
    regular_meeting: bool,
    study_content: bool,
    /// What was just saved, in a sentence.
    saved: Option<String>,
    points: Vec<(String, String, String)>,
    can_write: bool,
    statuses: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
struct SavedQuery {
    /// What was just saved: "conference", "changes" or "attendance".
    saved: Option<String>,
}

async fn show(State(st): State<AppState>, s: Session, Path(id): Path<Id>, Query(q): Query<SavedQuery>) -> PageResult {
    let v = st.app.conference(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let conf = &v.conference;
    let can_write = s.actor.role.can_write(Resource::Conference) && st.app.in_scope(&s.actor, conf.unit_id);
    let unit_name = st.app.unit_view(&s.actor, conf.unit_id, conf.held_on).map(|u| u.name_on).unwrap_or_default();
    let status: HashMap<Id, AttendanceStatus> = v.attendance.iter().map(|a| (a.person_id, a.status)).collect();
    // The roster of the organising unit on the day; people recorded from elsewhere too.
    let roster = st.app.members_on(&s.actor, conf.unit_id, conf.held_on).await.unwrap_or_default();
    // Nothing recorded yet: the form starts from everyone present (the secretary unticks
    // those absent), saved only when the form is.
    let fresh = v.attendance.is_empty();
    let (last_day, last) = match fresh && can_write {
        true => last_attendance(&st, &s, conf).await,
        false => (None, HashMap::new()),
    };
    let mut names: HashMap<String, usize> = HashMap::new();
    for p in &roster {
        *names.entry(vn::fold(&p.full_name)).or_default() += 1;
    }
    let same_name = |name: &str| names.get(&vn::fold(name)).is_some_and(|n| *n > 1);
    let roster: Vec<AttendeeRow> = roster
        .iter()
        .map(|p| AttendeeRow {
            id: p.id,
            name: p.full_name.clone(),
            note: match same_name(&p.full_name) {
                true => p
                    .card_no
                    .clone()
                    .or_else(|| p.birth_date.map(|d| chrono::Datelike::year(&d).to_string()))
                    .unwrap_or_default(),
                false => String::new(),
            },
            status: match status.get(&p.id) {
                Some(s) => s.as_str(),
                // Only on the form: a reader sees what was recorded, nothing.
                None if fresh && can_write => AttendanceStatus::Present.as_str(),
                None => "",
            },
            last: last.get(&p.id).map(|s| s.as_str()).unwrap_or_default(),
        })
        .collect();
    let topic_list = st.app.topics().await.map_err(|e| s.fail(e))?;
    let topics =
        conf.topic_ids.iter().filter_map(|t| topic_list.iter().find(|x| x.id == *t)).map(|t| t.title.clone()).collect();
    let points = v
        .points
        .iter()
        .map(|p| {
            (
                st.app
                    .unit_view(&s.actor, p.unit_id, conf.held_on)
                    .map(|u| u.name_on)
                    .unwrap_or_else(|_| format!("#{}", p.unit_id)),
                fmt::int(p.unlisted_members),
                fmt::int(p.others_count),
            )
        })
        .collect();
    let t = s.t;
    // What was just saved, said in a sentence (the page stays where the form was).
    let counted = |status: AttendanceStatus| v.attendance.iter().filter(|a| a.status == status).count();
    let saved = match q.saved.as_deref() {
        Some("conference") => {
            Some(t.s("Đã ghi nhận hội nghị. Điểm danh bên dưới.", "Recorded. Take attendance below.").to_string())
        }
        Some("changes") => Some(t.s("Đã lưu các thay đổi.", "Changes saved.").to_string()),
        Some("attendance") => Some(format!(
            "{} {} {}, {} {}.",
            t.s("Đã lưu điểm danh:", "Attendance saved:"),
            counted(AttendanceStatus::Present),
            t.s("có mặt", "present"),
            v.attendance.len() - counted(AttendanceStatus::Present),
            t.s("vắng", "absent"),
        )),
        _ => None,
    };
    let statuses = AttendanceStatus::ALL.iter().map(|x| (x.as_str(), t.s(x.label_vi(), x.label_en()))).collect();
    render(
        t,
        ShowPage {
            t,
            c: Ctx::of(&s),
            id,
            title: conf.title.clone(),
            code: conf.code.clone(),
            unit_id: conf.unit_id,
            unit_name,
            held_on: fmt::date(conf.held_on),
            online: conf.online,
            others: fmt::int(conf.others_count),
            unlisted: fmt::int(conf.unlisted_members),
            topics,
            present: fmt::int(v.present),
            roster,
            fresh,
            last_day: last_day.map(fmt::date),
            regular_meeting: conf.regular_meeting,
            study_content: conf.study_content,
            saved,
            points,
            can_write,
            statuses,
        },
    )
}

/// The attendance of the unit's last meeting before this one (within a year) that has any:
/// who was absent then is often absent again (working away, ill), so the form can start there.
async fn last_attendance(
    st: &AppState,
    s: &Session,
    conf: &lamtheo_domain::conference::Conference,
) -> (Option<chrono::NaiveDate>, HashMap<Id, AttendanceStatus>) {
    let from = conf.held_on - chrono::Days::new(366);
    let earlier = st.app.conferences_of(&s.actor, conf.unit_id, from, conf.held_on).await.unwrap_or_default();
    for c in earlier.iter().filter(|c| c.id != conf.id && (c.held_on, c.id) < (conf.held_on, conf.id)).take(5) {
        let Ok(v) = st.app.conference(&s.actor, c.id).await else { continue };
        if !v.attendance.is_empty() {
            return (Some(c.held_on), v.attendance.iter().map(|a| (a.person_id, a.status)).collect());
        }
    }
    (None, HashMap::new())
}

/// Attendance form: one radio group per person, named `p<person id>`.
async fn attendance(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<HashMap<String, String>>) -> PageResult {
    let s = p.session;
    let rows: Vec<AttendanceInput> = p
        .form
        .iter()
        .filter_map(|(k, v)| {
            let person = k.strip_prefix('p')?.parse::<Id>().ok()?;
            Some(AttendanceInput { person_id: person, status: AttendanceStatus::parse(v)?, point_unit_id: None })
        })
        .collect();
    st.app.record_attendance(&s.actor, id, &rows).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/conferences/{id}?saved=attendance#attendance")).into_response())
}

#[derive(Deserialize)]
struct PointForm {
    unit_code: String,
    #[serde(default)]
    others_count: String,
    #[serde(default)]
    unlisted_members: String,
}

async fn point(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<PointForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let unit = st.app.unit_by_code(&s.actor, f.unit_code.trim()).map_err(|e| s.fail(e))?;
    let point = ConnectionPoint {
        conference_id: id,
        unit_id: unit.id,
        others_count: count("others_count", &f.others_count).map_err(|e| s.fail(e))?,
        unlisted_members: count("unlisted_members", &f.unlisted_members).map_err(|e| s.fail(e))?,
    };
    st.app.set_point(&s.actor, point).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/conferences/{id}")).into_response())
}
