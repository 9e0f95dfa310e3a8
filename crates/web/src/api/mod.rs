//! The JSON API under /api/v1. Every handler: extract the caller, call one `App` method,
//! answer JSON. Errors are `{"error": {"code", "field", "message", "message_en", "details"}}`.
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use lamtheo_app::conferences::{AttendanceInput, ConferenceInput};
use lamtheo_app::people::NewPerson;
use lamtheo_app::tree::{MergeTarget, NewUnit, SplitPlan};
use lamtheo_domain::conference::{CampaignDoc, ConnectionPoint, Topic};
use lamtheo_domain::people::Person;
use lamtheo_domain::{vn, Error, ErrorCode, Id};
use lamtheo_importer::Kind;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::fmt;
use crate::session::ApiActor;
use crate::AppState;

mod openapi;

type ApiResult = Result<Json<Value>, ApiError>;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/me", get(me))
        .route("/me/page", get(my_page))
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}", axum::routing::delete(revoke_token))
        .route("/me/plans", axum::routing::put(save_plan))
        .route("/plans/{id}/review", post(review_plan))
        .route("/units/{id}/plans", get(unit_plans))
        .route("/units/{id}/tasks", get(unit_tasks).post(create_task))
        .route("/rating-levels", get(rating_levels))
        .route("/covenants", get(covenants).post(create_covenant))
        .route("/covenants/{id}", get(covenant))
        .route("/covenants/{id}/sign", post(sign_covenant))
        .route("/covenants/{id}/scores", post(score_covenant))
        .route("/movements", get(movements).post(create_movement))
        .route("/movements/{id}/report", get(movement_report))
        .route("/movements/{id}/registrations", post(register))
        .route("/registrations/{id}/reviews", post(review_registration))
        .route("/evaluations", post(evaluate))
        .route("/units/{id}/evaluations", get(unit_evaluations))
        .route("/tasks/{id}", axum::routing::put(update_task))
        .route("/units", get(find_units).post(create_unit))
        .route("/units/merge", post(merge))
        .route("/units/split", post(split))
        .route("/units/{id}", get(unit))
        .route("/units/{id}/figures", get(figures))
        .route("/units/{id}/lineage", get(lineage))
        .route("/units/{id}/members", get(members))
        .route("/units/{id}/conferences", get(unit_conferences))
        .route("/units/{id}/rename", post(rename))
        .route("/units/{id}/move", post(move_unit))
        .route("/units/{id}/close", post(close))
        .route("/people", get(find_people).post(create_person))
        .route("/people/{id}", get(person).put(update_person))
        .route("/people/{id}/transfer", post(transfer))
        .route("/topics", get(topics).post(create_topic))
        .route("/docs", get(docs).post(create_doc))
        .route("/conferences", post(create_conference))
        .route("/conferences/{id}", get(conference).put(update_conference))
        .route("/conferences/{id}/attendance", post(attendance))
        .route("/conferences/{id}/points", post(point))
        // The import bounds its body itself, by the import limits, after the role check.
        .route("/imports/{kind}", post(import).layer(DefaultBodyLimit::disable()))
        .route("/exports/{kind}", get(export))
        .route("/audit", get(audit))
        .route("/settings/study-share", get(study_share).put(set_study_share))
        .fallback(|| async { ApiError(Error::not_found()) })
}

/// A JSON body whose problems come back as our JSON error, naming what was wrong.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let invalid = |e: &dyn std::fmt::Display| {
            Error::msg(
                ErrorCode::InvalidInput,
                format!("Nội dung JSON không hợp lệ: {e}"),
                format!("Invalid JSON body: {e}"),
            )
        };
        // The content type and size are checked by axum's own extractor; the body is then
        // read here so that a value that does not fit names its field.
        let Json(v) = Json::<Value>::from_request(req, state).await.map_err(|e| ApiError(invalid(&e.body_text())))?;
        serde_path_to_error::deserialize(v).map(Body).map_err(|e| ApiError(named(e.path(), invalid(e.inner()))))
    }
}

/// Query parameters, with our JSON error on failure naming the parameter.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // An empty value is no value: `?year=` (a form's field left empty) takes the default,
        // as the pages do, instead of failing to parse "" as a number or a date.
        let given = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()).filter(|(_, v)| !v.is_empty());
        let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(given).finish();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map(Params).map_err(|e| {
            let inner = e.inner();
            ApiError(named(
                e.path(),
                Error::msg(
                    ErrorCode::InvalidInput,
                    format!("Tham số không hợp lệ: {inner}"),
                    format!("Invalid query parameters: {inner}"),
                ),
            ))
        })
    }
}

/// The error with its field, when serde knew where it was.
fn named(path: &serde_path_to_error::Path, e: Error) -> Error {
    let path = path.to_string();
    Error { field: (path != ".").then_some(path), ..e }
}

fn ok(v: impl serde::Serialize) -> ApiResult {
    Ok(Json(serde_json::to_value(v).map_err(Error::internal)?))
}

async fn me(ApiActor(a): ApiActor) -> ApiResult {
    ok(json!({"user_id": a.user_id, "username": a.username, "role": a.role, "scope_unit_id": a.scope}))
}

async fn tokens(State(st): State<AppState>, ApiActor(a): ApiActor) -> ApiResult {
    ok(st.app.list_tokens(&a).await?)
}

#[derive(Deserialize)]
struct TokenBody {
    name: String,
}

/// A new token for the caller; the secret is in this answer only.
async fn create_token(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<TokenBody>) -> ApiResult {
    let (id, token) = st.app.create_token(&a, &b.name).await?;
    ok(json!({"id": id, "token": token}))
}

async fn revoke_token(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> ApiResult {
    st.app.revoke_token(&a, id).await?;
    ok(json!({"revoked": id}))
}

#[derive(Deserialize)]
struct FindQuery {
    #[serde(default)]
    q: String,
    unit: Option<Id>,
}

#[derive(Deserialize)]
struct UnitsQuery {
    #[serde(default)]
    q: String,
    /// Exactly this code: the unit, or none when there is no such unit in scope.
    code: Option<String>,
}

async fn find_units(State(st): State<AppState>, ApiActor(a): ApiActor, Params(q): Params<UnitsQuery>) -> ApiResult {
    match q.code {
        Some(code) => match st.app.unit_by_code(&a, code.trim()) {
            Ok(u) => ok([u]),
            // Out of scope looks the same as absent, as everywhere.
            Err(e) if matches!(e.code, ErrorCode::NotFound | ErrorCode::Forbidden) => ok(json!([])),
            Err(e) => Err(e.into()),
        },
        None => ok(st.app.find_units(&a, &q.q, 500)),
    }
}

async fn create_unit(State(st): State<AppState>, ApiActor(a): ApiActor, Body(n): Body<NewUnit>) -> ApiResult {
    ok(json!({"id": st.app.create_unit(&a, n).await?}))
}

#[derive(Deserialize)]
struct AsOf {
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    as_of: Option<NaiveDate>,
}

async fn unit(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<AsOf>,
) -> ApiResult {
    ok(st.app.unit_view(&a, id, q.as_of.unwrap_or_else(|| st.app.today()))?)
}

#[derive(Deserialize)]
struct FiguresQuery {
    /// "2025-01" or "1/2025"
    from: Option<String>,
    to: Option<String>,
    /// "2025-12-31" or "31/12/2025"
    as_of: Option<String>,
}

async fn figures(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<FiguresQuery>,
) -> ApiResult {
    let (period, as_of) =
        fmt::period_and_as_of(q.from.as_deref(), q.to.as_deref(), q.as_of.as_deref(), st.app.today())?;
    let r = st.app.unit_report(&a, id, period, as_of)?;
    let plans = st.app.plan_figures(&a, id, period, as_of).await?;
    let movements = st.app.unit_movements(&a, id, period, as_of).await?;
    let covenants = st.app.unit_covenants(&a, id, period, as_of).await?;
    let rate = |f: &lamtheo_analytics::Figures| json!({"permille": f.rate_permille(), "label": f.rate_label(), "cells_label": f.cells_label(), "cells_rate": f.cells_rate_label()});
    ok(json!({
        "unit_id": id,
        "period": {"from": fmt::month(period.from), "to": fmt::month(period.to)},
        "as_of": as_of,
        "figures": r.figures,
        "rate": rate(&r.figures),
        "children": r.children.iter().map(|c| json!({"unit_id": c.unit_id, "historic": c.historic, "figures": c.figures, "rate": rate(&c.figures)})).collect::<Vec<_>>(),
        "topics": r.topics.iter().map(|t| json!({"topic_id": t.topic_id, "deadline": t.deadline, "completed": t.completed, "expected": t.expected, "label": t.label()})).collect::<Vec<_>>(),
        "plans": plans.iter().map(|p| json!({"kind": p.kind, "from_year": p.from_year, "to_year": p.to_year, "made": p.made, "expected": p.expected, "label": p.label(), "rate": p.rate()})).collect::<Vec<_>>(),
        "movements": movements.iter().map(|m| json!({"movement_id": m.movement.id, "title": m.movement.title, "expected": m.expected, "registered": m.registered, "registered_members": m.registered_members, "registered_non_members": m.registered_non_members})).collect::<Vec<_>>(),
        "covenants": covenants.iter().map(|(c, own)| json!({"covenant_id": c.campaign.id, "title": c.campaign.title, "year": c.campaign.year, "signed": c.signed, "expected": c.expected, "pilots": c.pilots, "average": c.average, "bands": c.bands, "rank": own.as_ref().map(|r| r.rank), "total": own.as_ref().map(|r| r.total)})).collect::<Vec<_>>(),
    }))
}

async fn lineage(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> ApiResult {
    ok(st.app.lineage(&a, id).await?)
}

#[derive(Deserialize)]
struct OnQuery {
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    on: Option<NaiveDate>,
}

async fn members(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<OnQuery>,
) -> ApiResult {
    ok(st.app.members_on(&a, id, q.on.unwrap_or_else(|| st.app.today())).await?)
}

#[derive(Deserialize)]
struct RangeQuery {
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    to: Option<NaiveDate>,
}

async fn unit_conferences(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<RangeQuery>,
) -> ApiResult {
    // Open ends, within the dates every engine stores (PostgreSQL's start in 4713 BC).
    let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    let from = q.from.unwrap_or(first).max(first);
    let to = q.to.unwrap_or(last).min(last);
    ok(st.app.conferences_of(&a, id, from, to).await?)
}

#[derive(Deserialize)]
struct RenameBody {
    name: String,
    #[serde(deserialize_with = "vn::de_date")]
    on: NaiveDate,
}

async fn rename(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<RenameBody>,
) -> ApiResult {
    st.app.rename_unit(&a, id, &b.name, b.on).await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize)]
struct MoveBody {
    parent_id: Id,
    #[serde(deserialize_with = "vn::de_date")]
    on: NaiveDate,
}

async fn move_unit(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<MoveBody>,
) -> ApiResult {
    st.app.move_unit(&a, id, b.parent_id, b.on).await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize)]
struct CloseBody {
    #[serde(deserialize_with = "vn::de_date")]
    on: NaiveDate,
}

async fn close(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<CloseBody>,
) -> ApiResult {
    st.app.close_unit(&a, id, b.on).await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize)]
struct MergeBody {
    sources: Vec<Id>,
    target: MergeTarget,
    #[serde(deserialize_with = "vn::de_date")]
    on: NaiveDate,
    #[serde(default)]
    note: String,
}

async fn merge(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<MergeBody>) -> ApiResult {
    ok(json!({"id": st.app.merge_units(&a, &b.sources, b.target, b.on, &b.note).await?}))
}

async fn split(State(st): State<AppState>, ApiActor(a): ApiActor, Body(plan): Body<SplitPlan>) -> ApiResult {
    ok(json!({"ids": st.app.split_unit(&a, plan).await?}))
}

async fn find_people(State(st): State<AppState>, ApiActor(a): ApiActor, Params(q): Params<FindQuery>) -> ApiResult {
    ok(st.app.search_people(&a, &q.q, q.unit, 500).await?)
}

async fn create_person(State(st): State<AppState>, ApiActor(a): ApiActor, Body(n): Body<NewPerson>) -> ApiResult {
    ok(json!({"id": st.app.add_person(&a, n).await?}))
}

async fn person(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> ApiResult {
    ok(st.app.person(&a, id).await?)
}

async fn update_person(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(p): Body<Person>,
) -> ApiResult {
    st.app.update_person(&a, Person { id, ..p }).await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize)]
struct TransferBody {
    unit_id: Id,
    #[serde(deserialize_with = "vn::de_date")]
    on: NaiveDate,
}

async fn transfer(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<TransferBody>,
) -> ApiResult {
    st.app.transfer_person(&a, id, b.unit_id, b.on).await?;
    ok(json!({"ok": true}))
}

async fn topics(State(st): State<AppState>, ApiActor(_): ApiActor) -> ApiResult {
    ok(st.app.topics().await?)
}

async fn create_topic(State(st): State<AppState>, ApiActor(a): ApiActor, Body(t): Body<Topic>) -> ApiResult {
    ok(json!({"id": st.app.add_topic(&a, t).await?}))
}

async fn docs(State(st): State<AppState>, ApiActor(_): ApiActor) -> ApiResult {
    ok(st.app.docs().await?)
}

async fn create_doc(State(st): State<AppState>, ApiActor(a): ApiActor, Body(d): Body<CampaignDoc>) -> ApiResult {
    ok(json!({"id": st.app.add_doc(&a, &d.code, &d.title, d.issued_on).await?}))
}

async fn create_conference(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Body(c): Body<ConferenceInput>,
) -> ApiResult {
    ok(json!({"id": st.app.create_conference(&a, c).await?}))
}

async fn conference(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> ApiResult {
    ok(st.app.conference(&a, id).await?)
}

async fn update_conference(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(c): Body<ConferenceInput>,
) -> ApiResult {
    st.app.update_conference(&a, id, c).await?;
    ok(json!({"ok": true}))
}

async fn attendance(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(rows): Body<Vec<AttendanceInput>>,
) -> ApiResult {
    ok(json!({"recorded": st.app.record_attendance(&a, id, &rows).await?}))
}

#[derive(Deserialize)]
struct PointBody {
    unit_id: Id,
    #[serde(default)]
    others_count: i64,
    #[serde(default)]
    unlisted_members: i64,
}

async fn point(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<PointBody>,
) -> ApiResult {
    st.app
        .set_point(
            &a,
            ConnectionPoint {
                conference_id: id,
                unit_id: b.unit_id,
                others_count: b.others_count,
                unlisted_members: b.unlisted_members,
            },
        )
        .await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize)]
struct ImportQuery {
    /// The file name; its extension (.csv or .xlsx) picks the format.
    file: String,
}

/// The file is the raw request body, read only after the role check and only up to the size
/// limit. The import runs to its end before answering.
async fn import(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(kind): Path<String>,
    Params(q): Params<ImportQuery>,
    body: axum::body::Body,
) -> ApiResult {
    let kind = Kind::from_slug(&kind).ok_or_else(Error::not_found)?;
    st.app.check_import(&a, kind)?;
    let _turn = st.app.import_turn()?;
    let limits = st.app.limits();
    let bytes = axum::body::to_bytes(body, limits.file_bytes as usize)
        .await
        .map_err(|_| lamtheo_app::imports::too_large(&q.file, &limits))?;
    ok(st.app.import(&a, kind, &q.file, &bytes, &|_, _, _| {}).await?)
}

/// The .xlsx file itself (not JSON), in the columns of the matching import.
async fn export(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(kind): Path<String>,
    Params(q): Params<crate::ExportParams>,
) -> Result<axum::response::Response, ApiError> {
    let kind = Kind::from_slug(&kind).ok_or_else(Error::not_found)?;
    Ok(crate::export_xlsx(&st.app, &a, kind, q).await?)
}

/// The audit page's filters: account, unit (with its subtree), kind and id of record, days.
#[derive(Deserialize)]
struct AuditQuery {
    before: Option<Id>,
    who: Option<String>,
    unit: Option<Id>,
    entity: Option<String>,
    id: Option<Id>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

async fn audit(State(st): State<AppState>, ApiActor(a): ApiActor, Params(q): Params<AuditQuery>) -> ApiResult {
    let q = lamtheo_app::audit::AuditQuery {
        who: q.who,
        unit: q.unit,
        entity: q.entity,
        entity_id: q.id,
        from: q.from,
        to: q.to,
        before: q.before,
        limit: 200,
    };
    ok(st.app.audit_search(&a, &q).await?)
}

async fn study_share(State(st): State<AppState>, ApiActor(_): ApiActor) -> ApiResult {
    ok(json!({"permille": st.app.study_share().await?}))
}

#[derive(Deserialize)]
struct ShareBody {
    permille: u32,
}

async fn set_study_share(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<ShareBody>) -> ApiResult {
    st.app.set_study_share(&a, b.permille).await?;
    ok(json!({"permille": b.permille}))
}

async fn my_page(State(st): State<AppState>, ApiActor(a): ApiActor) -> ApiResult {
    ok(st.app.my_page(&a).await?)
}

#[derive(Deserialize)]
struct PlanBody {
    kind: lamtheo_domain::plans::PlanKind,
    year: i32,
    content: String,
    #[serde(default)]
    submit: bool,
}

async fn save_plan(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<PlanBody>) -> ApiResult {
    ok(json!({"id": st.app.save_own_plan(&a, b.kind, b.year, &b.content, b.submit).await?}))
}

#[derive(Deserialize)]
struct ReviewBody {
    acknowledge: bool,
    #[serde(default)]
    comment: String,
}

async fn review_plan(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<ReviewBody>,
) -> ApiResult {
    st.app.review_plan(&a, id, b.acknowledge, &b.comment).await?;
    ok(json!({"ok": true}))
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn unit_plans(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<YearQuery>,
) -> ApiResult {
    let today = st.app.today();
    ok(st.app.plans_of_unit(&a, id, q.year.unwrap_or_else(|| chrono::Datelike::year(&today)), today).await?)
}

async fn unit_tasks(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<FiguresQuery>,
) -> ApiResult {
    let (period, as_of) =
        fmt::period_and_as_of(q.from.as_deref(), q.to.as_deref(), q.as_of.as_deref(), st.app.today())?;
    ok(st.app.task_report(&a, id, period, as_of).await?)
}

async fn create_task(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(t): Body<lamtheo_domain::tasks::BreakthroughTask>,
) -> ApiResult {
    ok(json!({"id": st.app.add_task(&a, lamtheo_domain::tasks::BreakthroughTask { unit_id: id, ..t }).await?}))
}

async fn update_task(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(t): Body<lamtheo_domain::tasks::BreakthroughTask>,
) -> ApiResult {
    st.app.update_task(&a, lamtheo_domain::tasks::BreakthroughTask { id, ..t }).await?;
    ok(json!({"ok": true}))
}

async fn rating_levels(State(st): State<AppState>, ApiActor(_): ApiActor) -> ApiResult {
    ok(st.app.rating_levels().await?)
}

async fn evaluate(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Body(rows): Body<Vec<lamtheo_domain::evaluation::Evaluation>>,
) -> ApiResult {
    ok(json!({"recorded": st.app.record_evaluations(&a, rows).await?}))
}

#[derive(Deserialize)]
struct EvalQuery {
    year: i32,
    #[serde(default)]
    quarter: i32,
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    as_of: Option<NaiveDate>,
}

async fn unit_evaluations(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<EvalQuery>,
) -> ApiResult {
    let as_of = q.as_of.unwrap_or_else(|| st.app.today());
    let report = st.app.evaluation_report(&a, id, q.year, q.quarter, as_of, false).await?;
    ok(report.iter().map(|d| json!({"group": d.group, "levels": d.levels, "evaluated": d.evaluated, "good_or_better": d.good_or_better, "excellent": d.excellent, "rate": d.rate(), "warning": d.warning})).collect::<Vec<_>>())
}

async fn movements(State(st): State<AppState>, ApiActor(a): ApiActor) -> ApiResult {
    ok(st.app.movements(&a).await?)
}

async fn create_movement(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Body(m): Body<lamtheo_domain::emulation::Movement>,
) -> ApiResult {
    ok(json!({"id": st.app.create_movement(&a, m).await?}))
}

#[derive(Deserialize)]
struct MovementQuery {
    unit: Id,
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    as_of: Option<NaiveDate>,
}

async fn movement_report(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<MovementQuery>,
) -> ApiResult {
    ok(st.app.movement_report(&a, id, q.unit, q.as_of.unwrap_or_else(|| st.app.today())).await?)
}

#[derive(Deserialize)]
struct RegisterBody {
    person_id: Id,
    content: String,
}

async fn register(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<RegisterBody>,
) -> ApiResult {
    ok(json!({"id": st.app.register(&a, id, b.person_id, &b.content, st.app.today()).await?}))
}

#[derive(Deserialize)]
struct ReviewRegistrationBody {
    /// "3/2025" or "2025-03"
    month: String,
    met: bool,
    #[serde(default)]
    comment: String,
}

async fn review_registration(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<ReviewRegistrationBody>,
) -> ApiResult {
    let month = fmt::parse_month("month", &b.month)?;
    st.app
        .review_registration(
            &a,
            lamtheo_domain::emulation::Review { registration_id: id, month: month.0, met: b.met, comment: b.comment },
        )
        .await?;
    ok(json!({"ok": true}))
}

async fn covenants(State(st): State<AppState>, ApiActor(a): ApiActor) -> ApiResult {
    ok(st.app.covenants(&a).await?)
}

#[derive(Deserialize)]
struct CovenantBody {
    #[serde(flatten)]
    campaign: lamtheo_domain::covenant::Campaign,
    /// The signatory units.
    units: Vec<Id>,
}

async fn create_covenant(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<CovenantBody>) -> ApiResult {
    ok(json!({"id": st.app.create_covenant(&a, b.campaign, &b.units).await?}))
}

async fn covenant(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> ApiResult {
    ok(st.app.covenant_report(&a, id).await?)
}

async fn sign_covenant(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<lamtheo_domain::covenant::Signatory>,
) -> ApiResult {
    st.app.sign_covenant(&a, id, b).await?;
    ok(json!({"ok": true}))
}

async fn score_covenant(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Vec<lamtheo_domain::covenant::Score>>,
) -> ApiResult {
    st.app.score_covenant(&a, id, &b).await?;
    ok(json!({"ok": true}))
}
