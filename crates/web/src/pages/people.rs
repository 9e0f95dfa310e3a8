//! People: search (accents ignored), a person's record, a unit's roster, adding a person and
//! transfers.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_app::people::{NewPerson, PersonUpdate};
use lamtheo_domain::access::Resource;
use lamtheo_domain::people::{Gender, Person};
use lamtheo_domain::Id;
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::fmt;
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/people", get(search))
        .route("/people/{id}", get(person_page).post(edit_person))
        .route("/people/{id}/transfer", post(transfer))
        .route("/units/{id}/members", get(members).post(add_person))
}

/// A person as a list row.
pub struct PersonRow {
    pub id: Id,
    pub name: String,
    pub card: String,
    pub member: bool,
    pub position: String,
}

fn row(p: &Person) -> PersonRow {
    PersonRow {
        id: p.id,
        name: p.full_name.clone(),
        card: p.card_no.clone().or(p.person_code.clone()).unwrap_or_default(),
        member: p.is_member,
        position: p.position.clone().unwrap_or_default(),
    }
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    unit: Option<Id>,
}

#[derive(Template)]
#[template(path = "people.html")]
struct SearchPage {
    t: Lang,
    c: Ctx,
    q: String,
    unit: Option<Id>,
    people: Vec<PersonRow>,
}

async fn search(State(st): State<AppState>, s: Session, Query(q): Query<SearchQuery>) -> PageResult {
    let found = st.app.search_people(&s.actor, &q.q, q.unit, 200).await.map_err(|e| s.fail(e))?;
    render(s.t, SearchPage { t: s.t, c: Ctx::of(&s), q: q.q, unit: q.unit, people: found.iter().map(row).collect() })
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    t: Lang,
    c: Ctx,
    id: Id,
    name: String,
    facts: Vec<(&'static str, String)>,
    memberships: Vec<(Id, String, String, String)>,
    /// (from, to, position, key cadre, head of unit), oldest first.
    posts: Vec<(String, String, String, String, String)>,
    can_write: bool,
    form: PersonForm,
}

async fn person_page(State(st): State<AppState>, s: Session, Path(id): Path<Id>) -> PageResult {
    let v = st.app.person(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let p = &v.person;
    let t = s.t;
    let yes = |b: bool| t.s(if b { "Có" } else { "Không" }, if b { "Yes" } else { "No" }).to_string();
    let opt_date = |d: Option<chrono::NaiveDate>| d.map(fmt::date).unwrap_or_default();
    let facts = vec![
        (t.s("Số thẻ đảng viên", "Party card number"), p.card_no.clone().unwrap_or_default()),
        (t.s("Mã định danh", "Person ID"), p.person_code.clone().unwrap_or_default()),
        (t.s("Giới tính", "Gender"), p.gender.map(|g| t.s(g.label_vi(), g.label_en()).to_string()).unwrap_or_default()),
        (t.s("Ngày sinh", "Date of birth"), opt_date(p.birth_date)),
        (t.s("Dân tộc", "Ethnicity"), p.ethnicity.clone().unwrap_or_default()),
        (t.s("Đảng viên", "Party member"), yes(p.is_member)),
        (t.s("Ngày vào Đảng", "Admitted on"), opt_date(p.admitted_on)),
        (t.s("Ngày chính thức", "Official member on"), opt_date(p.official_on)),
        (t.s("Chức vụ", "Position"), p.position.clone().unwrap_or_default()),
        (t.s("Cán bộ chủ chốt", "Key cadre"), yes(p.key_cadre)),
        (t.s("Người đứng đầu", "Head of unit"), yes(p.head_of_unit)),
    ];
    let memberships = v
        .memberships
        .iter()
        .map(|(m, name)| {
            (m.unit_id, name.clone(), fmt::date(m.valid_from), m.valid_to.map(fmt::date).unwrap_or_else(|| "…".into()))
        })
        .collect();
    let posts = v
        .posts
        .iter()
        .map(|x| {
            (
                fmt::date(x.valid_from),
                x.valid_to.map(fmt::date).unwrap_or_else(|| "…".into()),
                x.position.clone().unwrap_or_default(),
                yes(x.key_cadre),
                yes(x.head_of_unit),
            )
        })
        .collect();
    render(
        t,
        PersonPage {
            t,
            c: Ctx::of(&s),
            id,
            name: p.full_name.clone(),
            facts,
            memberships,
            posts,
            can_write: s.actor.role.can_write(Resource::Person),
            form: PersonForm::of(p),
        },
    )
}

#[derive(Deserialize)]
struct TransferForm {
    unit_code: String,
    on: String,
}

async fn transfer(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<TransferForm>) -> PageResult {
    let s = p.session;
    let on = fmt::parse_date("on", &p.form.on).map_err(|e| s.fail(e))?;
    let unit = st.app.unit_by_code(&s.actor, p.form.unit_code.trim()).map_err(|e| s.fail(e))?;
    st.app.transfer_person(&s.actor, id, unit.id, on).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

#[derive(Deserialize)]
struct MembersQuery {
    on: Option<String>,
}

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    t: Lang,
    c: Ctx,
    unit_id: Id,
    unit_name: String,
    on: String,
    people: Vec<PersonRow>,
    can_write: bool,
    form: PersonForm,
}

async fn members(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<Id>,
    Query(q): Query<MembersQuery>,
) -> PageResult {
    let on = match q.on.as_deref().filter(|x| !x.is_empty()) {
        Some(d) => fmt::parse_date("on", d).map_err(|e| s.fail(e))?,
        None => st.app.today(),
    };
    let view = st.app.unit_view(&s.actor, id, on).map_err(|e| s.fail(e))?;
    let people = st.app.members_on(&s.actor, id, on).await.map_err(|e| s.fail(e))?;
    render(
        s.t,
        MembersPage {
            t: s.t,
            c: Ctx::of(&s),
            unit_id: id,
            unit_name: view.name_on,
            on: fmt::date(on),
            people: people.iter().map(row).collect(),
            can_write: s.actor.role.can_write(Resource::Person),
            form: PersonForm { is_member: Some("1".into()), ..PersonForm::default() },
        },
    )
}

#[derive(Deserialize, Default)]
struct PersonForm {
    full_name: String,
    #[serde(default)]
    card_no: String,
    #[serde(default)]
    person_code: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    is_member: Option<String>,
    #[serde(default)]
    admitted_on: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    key_cadre: Option<String>,
    #[serde(default)]
    head_of_unit: Option<String>,
    #[serde(default)]
    since: String,
    /// The day a change of position or marks takes effect (the person's form); empty: today.
    #[serde(default)]
    post_from: String,
}

impl PersonForm {
    /// The form filled with a person's current values (dates as people type them).
    fn of(p: &Person) -> PersonForm {
        let date = |d: Option<chrono::NaiveDate>| d.map(fmt::date).unwrap_or_default();
        let flag = |b: bool| b.then(|| "1".to_string());
        PersonForm {
            full_name: p.full_name.clone(),
            card_no: p.card_no.clone().unwrap_or_default(),
            person_code: p.person_code.clone().unwrap_or_default(),
            gender: p.gender.map(|g| g.as_str().to_string()).unwrap_or_default(),
            birth_date: date(p.birth_date),
            ethnicity: p.ethnicity.clone().unwrap_or_default(),
            is_member: flag(p.is_member),
            admitted_on: date(p.admitted_on),
            position: p.position.clone().unwrap_or_default(),
            key_cadre: flag(p.key_cadre),
            head_of_unit: flag(p.head_of_unit),
            since: String::new(),
            post_from: String::new(),
        }
    }

    /// The person the form describes; names the first field that does not parse.
    fn person(&self, id: Id) -> Result<Person, lamtheo_domain::Error> {
        let date = |field: &str, v: &str| non_empty(v).map(|v| fmt::parse_date(field, &v)).transpose();
        Ok(Person {
            id,
            person_code: non_empty(&self.person_code),
            card_no: non_empty(&self.card_no),
            full_name: self.full_name.trim().to_string(),
            gender: Gender::parse(&self.gender),
            birth_date: date("birth_date", &self.birth_date)?,
            ethnicity: non_empty(&self.ethnicity),
            is_member: self.is_member.is_some(),
            admitted_on: date("admitted_on", &self.admitted_on)?,
            official_on: None,
            position: non_empty(&self.position),
            key_cadre: self.key_cadre.is_some(),
            head_of_unit: self.head_of_unit.is_some(),
        })
    }
}

async fn edit_person(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<PersonForm>) -> PageResult {
    let s = p.session;
    // Fields the form does not show (the official-membership date) are kept as they were.
    let current = st.app.person(&s.actor, id).await.map_err(|e| s.fail(e))?.person;
    let person = Person { official_on: current.official_on, ..p.form.person(id).map_err(|e| s.fail(e))? };
    let post_from = non_empty(&p.form.post_from).map(|d| fmt::parse_date("post_from", &d)).transpose();
    let post_from = post_from.map_err(|e| s.fail(e))?;
    st.app.update_person_from(&s.actor, PersonUpdate { person, post_from }).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

async fn add_person(State(st): State<AppState>, Path(unit): Path<Id>, p: Posted<PersonForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let person = f.person(0).map_err(|e| s.fail(e))?;
    let since = fmt::parse_date("since", &f.since).map_err(|e| s.fail(e))?;
    let id = st.app.add_person(&s.actor, NewPerson { person, unit_id: unit, since }).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}
