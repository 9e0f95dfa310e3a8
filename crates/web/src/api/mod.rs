//! The JSON API under /api/v1. Every handler: extract the caller, call one `App` method,
//! answer JSON. Errors are `{"error": {"code", "field", "message", "message_en", "details"}}`.
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use lamtheo_analytics::Figures;
use lamtheo_app::conferences::{AttendanceInput, ConferenceInput, ConferenceView};
use lamtheo_app::covenants::CovenantReport;
use lamtheo_app::emulation::MovementReport;
use lamtheo_app::imports::ImportSummary;
use lamtheo_app::people::{NewPerson, PersonUpdate, PersonView, PostChange};
use lamtheo_app::plans::{MyPage, ReviewRow};
use lamtheo_app::records::{RecordView, SectionFigures};
use lamtheo_app::tasks::TaskReport;
use lamtheo_app::tree::{MergeTarget, NewKind, NewUnit, SplitPlan, UnitView};
use lamtheo_domain::access::Role;
use lamtheo_domain::conference::{CampaignDoc, Conference, ConnectionPoint, Topic};
use lamtheo_domain::covenant::Campaign;
use lamtheo_domain::emulation::Movement;
use lamtheo_domain::evaluation::RatingLevel;
use lamtheo_domain::org::{LineageEvent, Unit, UnitKind, UnitLevel};
use lamtheo_domain::people::Person;
use lamtheo_domain::period::YEARS;
use lamtheo_domain::{vn, Error, ErrorCode, Id};
use lamtheo_importer::Kind;
use lamtheo_store::audit::AuditEntry;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ApiError;
use crate::fmt;
use crate::session::ApiActor;
use crate::AppState;

mod openapi;
mod reports;

pub use openapi::Operation;
use openapi::Xlsx;

/// A handler's answer: a JSON value of a type the document describes.
type Answer<T> = Result<Json<T>, ApiError>;

/// Every operation of the API, once: the router and the OpenAPI document are both built
/// from this list.
pub fn operations() -> Vec<Operation> {
    use Operation as Op;
    vec![
        Op::get("/me", "Who am I (user, role, scope)", me),
        Op::get("/me/page", "The caller's own record, plans, commitments and attendance (member accounts)", my_page),
        Op::get("/tokens", "The caller's API tokens (never their secrets)", tokens),
        Op::post("/tokens", "Make an API token for the caller; the secret is in this answer only", create_token),
        Op::delete("/tokens/{id}", "Revoke one of the caller's API tokens", revoke_token),
        Op::put("/me/plans", "Write or submit the caller's own plan or commitment", save_plan),
        Op::post("/plans/{id}/review", "Acknowledge or return a submitted plan (the cell)", review_plan),
        Op::get("/units/{id}/plans", "A unit's members with their plans and commitments of a year", unit_plans),
        Op::get("/units/{id}/tasks", "Breakthrough tasks: the unit's own, and by level over the subtree", unit_tasks),
        Op::post("/units/{id}/tasks", "Add a breakthrough task to a unit", create_task),
        Op::put("/tasks/{id}", "Change a breakthrough task (status, result…)", update_task),
        Op::get(
            "/units/{id}/records/{kind}",
            "Records of a kind (good models, their results, replications…) in a unit's subtree",
            unit_records,
        )
        .kinds(Kind::records()),
        Op::post(
            "/records/{kind}",
            "Save a record of a kind: a new one, or the one with the same key changed",
            save_record,
        )
        .kinds(Kind::records()),
        Op::get("/records/{kind}/{id}", "A record of a kind", record).kinds(Kind::records()),
        Op::put("/records/{kind}/{id}", "Change a record of a kind", update_record).kinds(Kind::records()),
        Op::delete("/records/{kind}/{id}", "Delete a record (not one that others hang under)", delete_record)
            .kinds(Kind::records()),
        Op::get("/units/{id}/images", "A unit's images for the public column (id, type, size)", unit_images),
        // The upload bounds its body itself, after the role and scope check.
        Op::post(
            "/units/{id}/images",
            "Upload an image for the public column (the raw PNG, JPEG or WebP body, 2 MB at most)",
            upload_image,
        )
        .map_route(|r| r.layer(DefaultBodyLimit::disable())),
        Op::get("/units/{id}/indicator-forms", "The indicator forms a unit reports on (or defines)", unit_forms),
        Op::get(
            "/units/{id}/indicators",
            "A form's indicators for a unit and period, with the values entered and the period before's",
            indicator_entry,
        ),
        Op::put(
            "/units/{id}/indicators",
            "Save a unit's values for a period, all or none (a part never above its total)",
            save_indicators,
        ),
        Op::get(
            "/units/{id}/indicators/completeness",
            "For a form and period: each reporting unit and how many values it entered",
            indicator_completeness,
        ),
        Op::post(
            "/units/{id}/indicators/default",
            "Make the default form (the indicators the reports count) for the unit's department",
            default_indicator_form,
        ),
        Op::get(
            "/rating-levels",
            "Rating scales and their levels (data: QĐ 124, QĐ 366 with scores, older scales)",
            rating_levels,
        ),
        Op::post(
            "/evaluations",
            "Record ratings of people or units (a score on a scored scale decides the level)",
            evaluate,
        ),
        Op::get(
            "/units/{id}/evaluations",
            "Distribution by level and share rated good or better, by group, with the 20% rule's warning",
            unit_evaluations,
        ),
        Op::get("/covenants", "Emulation covenants visible to the caller", covenants),
        Op::post(
            "/covenants",
            "Organise a covenant: content groups with maximum scores, signatory units",
            create_covenant,
        ),
        Op::get("/covenants/{id}", "Signed/expected, average, score bands and the ranking table", covenant),
        Op::post("/covenants/{id}/sign", "Record a unit's signature (date, pilot)", sign_covenant),
        Op::post("/covenants/{id}/scores", "Score signatories per content group (the organiser)", score_covenant),
        Op::get("/movements", "Emulation movements visible to the caller", movements),
        Op::post("/movements", "Launch an emulation movement", create_movement),
        Op::get(
            "/movements/{id}/report",
            "Registered / expected over a unit's subtree, members and non-members, monthly reviews",
            movement_report,
        ),
        Op::post("/movements/{id}/registrations", "Register a person (oneself, or someone in scope)", register),
        Op::post("/registrations/{id}/reviews", "The cell's monthly review of a registration", review_registration),
        Op::get(
            "/unit-levels",
            "Levels of the organisation (cấp tỉnh, cấp huyện và tương đương, cấp cơ sở, chi bộ)",
            unit_levels,
        ),
        Op::get("/unit-kinds", "Unit kinds, each with its level and whether it is a party organisation", unit_kinds),
        Op::post(
            "/unit-kinds",
            "Add a unit kind with its level (an administrator of the whole tree)",
            create_unit_kind,
        ),
        Op::get("/units", "Find units in scope by name or code (accents ignored), or by exact code", find_units),
        Op::post("/units", "Create a unit", create_unit),
        Op::post("/units/merge", "Merge units into a new or existing unit on a date", merge),
        Op::post("/units/split", "Split a unit, reassigning members and children", split),
        Op::get("/units/{id}", "A unit as of a date, with its path and children", unit),
        Op::get(
            "/units/{id}/figures",
            "Participation figures for a period as of a date, by child unit, with topic completion",
            figures,
        ),
        Op::get("/units/{id}/lineage", "Lineage events of a unit", lineage),
        Op::get("/units/{id}/members", "Roster of a unit on a date", members),
        Op::get("/units/{id}/conferences", "Conferences held by a unit", unit_conferences),
        Op::post("/units/{id}/rename", "Rename a unit from a date", rename),
        Op::post("/units/{id}/move", "Move a unit under another from a date", move_unit),
        Op::post("/units/{id}/close", "Close a unit on a date", close),
        Op::get("/people", "Search people in scope (accents and đ/d ignored, Vietnamese order)", find_people),
        Op::post("/people", "Add a person with a membership", create_person),
        Op::get("/people/{id}", "A person with memberships and the posts held over time", person),
        Op::put(
            "/people/{id}",
            "Update a person; a change of position or marks takes effect from post_from (default today)",
            update_person,
        ),
        Op::post(
            "/people/{id}/posts",
            "Record a change of a person's post (position, key cadre, head of unit) from a day",
            change_post,
        ),
        Op::post("/people/{id}/transfer", "Transfer a person to another unit", transfer),
        Op::get("/topics", "Study topics", topics),
        Op::post("/topics", "Create a topic", create_topic),
        Op::get("/docs", "Campaign documents", docs),
        Op::post("/docs", "Create a campaign document", create_doc),
        Op::post("/conferences", "Record a study conference", create_conference),
        Op::get("/conferences/{id}", "A conference with points and attendance", conference),
        Op::put("/conferences/{id}", "Change a conference", update_conference),
        Op::delete(
            "/conferences/{id}",
            "Delete a conference with its attendance and connection points",
            delete_conference,
        ),
        Op::post("/conferences/{id}/attendance", "Record attendance (a list of people)", attendance),
        Op::post("/conferences/{id}/points", "Add or change a connection point", point),
        // The import bounds its body itself, by the import limits, after the role check.
        Op::post("/imports/{kind}", "Import a .csv/.xlsx file (the raw body)", import)
            .kinds(Kind::all())
            .map_route(|r| r.layer(DefaultBodyLimit::disable())),
        Op::get("/exports/{kind}", "Export as .xlsx in the columns of the matching import", export)
            .kinds(Kind::exportable()),
        Op::get("/audit", "Audit log in scope, newest first", audit),
        Op::get(
            "/settings/study-share",
            "Share (per mille) of regular meetings with study content that makes a cell count",
            study_share,
        ),
        Op::put("/settings/study-share", "Change that share", set_study_share),
    ]
    .into_iter()
    .chain(reports::operations())
    .collect()
}

pub fn router() -> Router<AppState> {
    operations()
        .into_iter()
        .fold(Router::new().route("/openapi.json", get(openapi::document)), |r, op| r.route(op.path, op.route))
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
        let Json(mut v) =
            Json::<Value>::from_request(req, state).await.map_err(|e| ApiError(invalid(&e.body_text())))?;
        whole_numbers_as_integers(&mut v);
        serde_path_to_error::deserialize(v).map(Body).map_err(|e| ApiError(named(e.path(), invalid(e.inner()))))
    }
}

/// `2025.0` is the integer 2025 in JSON (and in JSON Schema), though serde reads it only as a
/// float: a number without a fraction becomes an integer before the body is read.
fn whole_numbers_as_integers(v: &mut Value) {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() <= openapi::MAX_SAFE_INTEGER as f64) {
                *v = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(o) => o.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
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

fn ok<T>(v: T) -> Answer<T> {
    Ok(Json(v))
}

/// The number of a record just made.
#[derive(Serialize, JsonSchema)]
struct Created {
    id: Id,
}

fn created(id: Id) -> Answer<Created> {
    ok(Created { id })
}

#[derive(Serialize, JsonSchema)]
struct CreatedMany {
    ids: Vec<Id>,
}

/// A change made.
#[derive(Serialize, JsonSchema)]
struct Done {
    ok: bool,
}

fn done() -> Answer<Done> {
    ok(Done { ok: true })
}

/// How many rows were recorded.
#[derive(Serialize, JsonSchema)]
struct Recorded {
    recorded: usize,
}

fn recorded(recorded: usize) -> Answer<Recorded> {
    ok(Recorded { recorded })
}

#[derive(Serialize, JsonSchema)]
struct Me {
    user_id: Id,
    username: String,
    role: Role,
    /// The unit whose subtree the account sees; absent: the whole tree.
    scope_unit_id: Option<Id>,
}

async fn me(ApiActor(a): ApiActor) -> Answer<Me> {
    ok(Me { user_id: a.user_id, username: a.username, role: a.role, scope_unit_id: a.scope })
}

async fn tokens(State(st): State<AppState>, ApiActor(a): ApiActor) -> Answer<Vec<lamtheo_store::users::TokenRow>> {
    ok(st.app.list_tokens(&a).await?)
}

#[derive(Deserialize, JsonSchema)]
struct TokenBody {
    #[schemars(length(min = 1, max = 100), regex(pattern = r"^[^\x00-\x1f\x7f-\x9f]+$"))]
    name: String,
}

/// A token just made: its secret is shown this once.
#[derive(Serialize, JsonSchema)]
struct NewToken {
    id: Id,
    token: String,
}

#[derive(Serialize, JsonSchema)]
struct Revoked {
    revoked: Id,
}

/// A new token for the caller; the secret is in this answer only.
async fn create_token(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<TokenBody>) -> Answer<NewToken> {
    let (id, token) = st.app.create_token(&a, &b.name).await?;
    ok(NewToken { id, token })
}

async fn revoke_token(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<Revoked> {
    st.app.revoke_token(&a, id).await?;
    ok(Revoked { revoked: id })
}

#[derive(Deserialize, JsonSchema)]
struct FindQuery {
    #[serde(default)]
    q: String,
    #[schemars(range(min = 1))]
    unit: Option<Id>,
}

#[derive(Deserialize, JsonSchema)]
struct UnitsQuery {
    #[serde(default)]
    q: String,
    #[schemars(length(max = 64))]
    /// Exactly this code: the unit, or none when there is no such unit in scope.
    code: Option<String>,
}

async fn find_units(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Params(q): Params<UnitsQuery>,
) -> Answer<Vec<Unit>> {
    match q.code {
        Some(code) => match st.app.unit_by_code(&a, code.trim()) {
            Ok(u) => ok(vec![u]),
            // Out of scope looks the same as absent, as everywhere.
            Err(e) if matches!(e.code, ErrorCode::NotFound | ErrorCode::Forbidden) => ok(Vec::new()),
            Err(e) => Err(e.into()),
        },
        None => ok(st.app.find_units(&a, &q.q, 500)),
    }
}

async fn unit_levels(State(st): State<AppState>, ApiActor(_): ApiActor) -> Answer<Vec<UnitLevel>> {
    ok(st.app.levels().await?)
}

async fn unit_kinds(State(st): State<AppState>, ApiActor(_): ApiActor) -> Answer<Vec<UnitKind>> {
    ok(st.app.kinds().await?)
}

/// The kind as stored (a blank English name becomes the Vietnamese one).
async fn create_unit_kind(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Body(n): Body<NewKind>,
) -> Answer<UnitKind> {
    ok(st.app.add_kind(&a, n).await?)
}

async fn create_unit(State(st): State<AppState>, ApiActor(a): ApiActor, Body(n): Body<NewUnit>) -> Answer<Created> {
    created(st.app.create_unit(&a, n).await?)
}

#[derive(Deserialize, JsonSchema)]
struct AsOf {
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    as_of: Option<NaiveDate>,
}

async fn unit(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<AsOf>,
) -> Answer<UnitView> {
    ok(st.app.unit_view(&a, id, q.as_of.unwrap_or_else(|| st.app.today()))?)
}

#[derive(Deserialize, JsonSchema)]
struct FiguresQuery {
    #[schemars(regex(pattern = r"^((0?[1-9]|1[0-2])/20[0-9]{2}|20[0-9]{2}-(0[1-9]|1[0-2]))$"))]
    /// "2025-01" or "1/2025"
    from: Option<String>,
    #[schemars(regex(pattern = r"^((0?[1-9]|1[0-2])/20[0-9]{2}|20[0-9]{2}-(0[1-9]|1[0-2]))$"))]
    to: Option<String>,
    #[schemars(with = "Option<NaiveDate>")]
    /// "2025-12-31" or "31/12/2025"
    as_of: Option<String>,
}

async fn figures(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<FiguresQuery>,
) -> Answer<FiguresAnswer> {
    let (period, as_of) =
        fmt::period_and_as_of(q.from.as_deref(), q.to.as_deref(), q.as_of.as_deref(), st.app.today())?;
    ok(unit_figures(&st.app, &a, id, period, as_of).await?)
}

/// Every figure of a unit's page, as numbers and as printed: the API's answer and
/// `lamtheo figures --json`.
pub async fn unit_figures(
    app: &lamtheo_app::App,
    a: &lamtheo_domain::access::Actor,
    id: Id,
    period: lamtheo_domain::period::Period,
    as_of: NaiveDate,
) -> Result<FiguresAnswer, Error> {
    // Read before the figures: they hold at least every change committed by then.
    let current_to = app.current_to();
    let r = app.unit_report(a, id, period, as_of).await?;
    let plans = app.plan_figures(a, id, period, as_of).await?;
    let both_plans = app.both_plans(a, id, period, as_of).await?;
    let movements = app.unit_movements(a, id, period, as_of).await?;
    let covenants = app.unit_covenants(a, id, period, as_of).await?;
    let evaluations = evaluation_groups(app.evaluation_report(a, id, period.to.year(), 0, as_of, false).await?);
    let tasks = app.task_report(a, id, period, as_of).await?;
    let records = app.record_figures(a, id, period, as_of).await?;
    let codes: std::collections::HashMap<Id, String> =
        app.topics().await?.into_iter().map(|t| (t.id, t.code)).collect();
    let rate = |f: &Figures| Rate {
        permille: f.rate_permille(),
        label: f.rate_label(),
        cells_label: f.cells_label(),
        cells_rate: f.cells_rate_label(),
    };
    Ok(FiguresAnswer {
        unit_id: id,
        period: PeriodAnswer { from: fmt::month(period.from), to: fmt::month(period.to) },
        as_of,
        current_to,
        figures: r.figures,
        rate: rate(&r.figures),
        children: r
            .children
            .iter()
            .map(|c| ChildFigures {
                unit_id: c.unit_id,
                historic: c.historic,
                figures: c.figures,
                rate: rate(&c.figures),
            })
            .collect(),
        topics: r
            .topics
            .iter()
            .map(|t| TopicFigures {
                code: codes.get(&t.topic_id).cloned().unwrap_or_default(),
                label: t.label(),
                people_label: t.people_label(),
                people_rate: t.people_rate(),
                studied: t.studied,
                eligible: t.eligible,
                topic_id: t.topic_id,
                deadline: t.deadline,
                completed: t.completed.clone(),
                expected: t.expected.clone(),
            })
            .collect(),
        plans: plans
            .iter()
            .map(|p| PlanFigures { figure: *p, label: p.label(), rate: p.rate(), label_all: p.label_all() })
            .collect(),
        both_plans,
        evaluations,
        tasks,
        records,
        movements: movements
            .iter()
            .map(|m| MovementFigures {
                movement_id: m.movement.id,
                title: m.movement.title.clone(),
                expected: m.expected,
                registered: m.registered,
                registered_members: m.registered_members,
                registered_non_members: m.registered_non_members,
            })
            .collect(),
        covenants: covenants
            .iter()
            .map(|(c, own)| CovenantFigures {
                covenant_id: c.campaign.id,
                title: c.campaign.title.clone(),
                year: c.campaign.year,
                signed: c.signed,
                expected: c.expected,
                pilots: c.pilots,
                average: c.average.clone(),
                bands: c.bands,
                rank: own.as_ref().map(|r| r.rank),
                total: own.as_ref().map(|r| r.total),
            })
            .collect(),
    })
}

/// A unit's figures for a period: what its page shows, as numbers and as labels.
#[derive(Serialize, JsonSchema)]
pub struct FiguresAnswer {
    unit_id: Id,
    period: PeriodAnswer,
    as_of: NaiveDate,
    /// The time the figures are current to ("số liệu đến"): every change committed before it
    /// is counted.
    current_to: chrono::DateTime<chrono::Utc>,
    figures: Figures,
    rate: Rate,
    children: Vec<ChildFigures>,
    topics: Vec<TopicFigures>,
    plans: Vec<PlanFigures>,
    /// People who made both the term plan and the year's plan (the period's last year).
    both_plans: lamtheo_domain::plans::MadeOf,
    /// Ratings of the period's last year, by group.
    evaluations: Vec<EvaluationGroup>,
    /// Breakthrough tasks: the unit's own, and by level over the subtree.
    tasks: lamtheo_app::tasks::TaskReport,
    /// The record kinds' sections (good models, …): figures over the subtree and by child.
    records: Vec<SectionFigures>,
    movements: Vec<MovementFigures>,
    covenants: Vec<CovenantFigures>,
}

impl FiguresAnswer {
    /// Every figure with its label, as the unit page prints it (`lamtheo figures`).
    pub fn labelled(&self) -> Vec<(String, String)> {
        let f = &self.figures;
        let n = |x: u64| fmt::int(x);
        let mut out = vec![
            (
                "Kỳ / period".to_string(),
                format!("{}–{}, đến ngày {}", self.period.from, self.period.to, fmt::date(self.as_of)),
            ),
            ("Số liệu đến / figures current to".into(), fmt::moment(crate::i18n::Lang::default(), self.current_to)),
            ("Hội nghị học tập, quán triệt".into(), n(f.conferences)),
            ("Lượt cán bộ, đảng viên dự hội nghị".into(), n(f.member_attendances)),
            ("Lượt đoàn viên, hội viên, nhân dân dự hội nghị".into(), n(f.other_attendances)),
            (
                "Người tham gia / người thuộc diện".into(),
                format!("{}/{} ({})", n(f.participants), n(f.eligible), self.rate.label),
            ),
            (
                "Buổi sinh hoạt chi bộ thường kỳ (có nội dung học tập)".into(),
                format!("{} ({})", n(f.meetings), n(f.meetings_with_study)),
            ),
            ("Lượt dự sinh hoạt chi bộ".into(), n(f.meeting_member_attendances + f.meeting_other_attendances)),
            (
                "Chi bộ đưa nội dung học tập vào sinh hoạt thường xuyên".into(),
                format!("{} ({})", self.rate.cells_label, self.rate.cells_rate),
            ),
        ];
        for t in &self.topics {
            out.push((format!("Chuyên đề {}: đơn vị hoàn thành đúng hạn", t.code), t.label.clone()));
            out.push((
                format!("Chuyên đề {}: cán bộ, đảng viên đã học tập", t.code),
                format!("{} ({})", t.people_label, t.people_rate),
            ));
        }
        for p in &self.plans {
            let years = lamtheo_domain::vn::fmt_years(p.figure.from_year, p.figure.to_year);
            out.push((format!("{} {years}: đảng viên", p.figure.kind.label_vi()), format!("{} ({})", p.label, p.rate)));
            out.push((format!("{} {years}: tất cả", p.figure.kind.label_vi()), p.label_all.clone()));
        }
        let b = &self.both_plans;
        out.push((
            "Cả kế hoạch nhiệm kỳ và kế hoạch năm (đảng viên; tất cả)".into(),
            format!(
                "{}/{}; {}/{}",
                fmt::int(b.made),
                fmt::int(b.expected),
                fmt::int(b.made_all),
                fmt::int(b.expected_all)
            ),
        ));
        for e in &self.evaluations {
            out.push((
                format!("Xếp loại tốt trở lên ({})", e.group),
                format!("{}/{} ({})", fmt::int(e.good_or_better), fmt::int(e.evaluated), e.rate),
            ));
        }
        out.push((
            "Nhiệm vụ đột phá: đơn vị xác định, nhiệm vụ".into(),
            format!("{} đơn vị, {} nhiệm vụ", fmt::int(self.tasks.units), fmt::int(self.tasks.tasks)),
        ));
        for l in &self.tasks.by_level {
            out.push((format!("Nhiệm vụ đột phá ({})", l.name_vi), l.label.clone()));
            for k in &l.kinds {
                out.push((format!("Nhiệm vụ đột phá ({} — {})", l.name_vi, k.name_vi), k.label.clone()));
            }
        }
        for section in &self.records {
            out.extend(lamtheo_app::records::labelled(section));
        }
        for m in &self.movements {
            out.push((
                format!("Phong trào «{}»: đăng ký / thuộc diện", m.title),
                format!("{}/{}", m.registered, m.expected),
            ));
        }
        for c in &self.covenants {
            out.push((
                format!("Giao ước «{}»: đã ký / phải ký", c.title),
                format!("{}/{}, điểm bình quân {}", c.signed, c.expected, c.average),
            ));
        }
        out
    }
}

/// Months as "1/2025".
#[derive(Serialize, JsonSchema)]
struct PeriodAnswer {
    from: String,
    to: String,
}

/// The participation rate: per mille (absent when nobody is eligible) and as printed.
#[derive(Serialize, JsonSchema)]
struct Rate {
    permille: Option<u64>,
    /// "70,1%"
    label: String,
    /// Cells bringing study into their regular meetings: "176/251".
    cells_label: String,
    cells_rate: String,
}

#[derive(Serialize, JsonSchema)]
struct ChildFigures {
    unit_id: Id,
    historic: bool,
    figures: Figures,
    rate: Rate,
}

#[derive(Serialize, JsonSchema)]
struct TopicFigures {
    topic_id: Id,
    /// The topic's code ("CD-2025").
    code: String,
    deadline: Option<NaiveDate>,
    completed: Vec<Id>,
    expected: Vec<Id>,
    /// "10/12"
    label: String,
    /// People of the subtree in the deadline's month, and those present at a conference on
    /// the topic by the deadline: "2.210/2.372", "93,2%".
    studied: u64,
    eligible: u64,
    people_label: String,
    people_rate: String,
}

#[derive(Serialize, JsonSchema)]
struct PlanFigures {
    #[serde(flatten)]
    figure: lamtheo_app::plans::PlanFigure,
    /// "1.234/1.300"
    label: String,
    /// "94,9%"
    rate: String,
    /// Everyone on the rolls: "20.310/21.004".
    label_all: String,
}

#[derive(Serialize, JsonSchema)]
struct MovementFigures {
    movement_id: Id,
    title: String,
    expected: usize,
    registered: usize,
    registered_members: usize,
    registered_non_members: usize,
}

#[derive(Serialize, JsonSchema)]
struct CovenantFigures {
    covenant_id: Id,
    title: String,
    year: i32,
    signed: usize,
    expected: usize,
    pilots: usize,
    average: String,
    bands: [usize; 3],
    /// The unit's own place, when it is a signatory.
    rank: Option<usize>,
    total: Option<i32>,
}

async fn lineage(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<Vec<LineageEvent>> {
    ok(st.app.lineage(&a, id).await?)
}

#[derive(Deserialize, JsonSchema)]
struct OnQuery {
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    on: Option<NaiveDate>,
}

async fn members(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<OnQuery>,
) -> Answer<Vec<Person>> {
    ok(st.app.members_on(&a, id, q.on.unwrap_or_else(|| st.app.today())).await?)
}

#[derive(Deserialize, JsonSchema)]
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
) -> Answer<Vec<Conference>> {
    // Open ends, within the dates every engine stores (PostgreSQL's start in 4713 BC).
    let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    let from = q.from.unwrap_or(first).max(first);
    let to = q.to.unwrap_or(last).min(last);
    ok(st.app.conferences_of(&a, id, from, to).await?)
}

#[derive(Deserialize, JsonSchema)]
struct RenameBody {
    #[schemars(schema_with = "lamtheo_domain::text::schema::name")]
    name: String,
    #[serde(deserialize_with = "vn::de_date")]
    on: NaiveDate,
}

async fn rename(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<RenameBody>,
) -> Answer<Done> {
    st.app.rename_unit(&a, id, &b.name, b.on).await?;
    done()
}

#[derive(Deserialize, JsonSchema)]
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
) -> Answer<Done> {
    st.app.move_unit(&a, id, b.parent_id, b.on).await?;
    done()
}

#[derive(Deserialize, JsonSchema)]
struct CloseBody {
    #[serde(deserialize_with = "vn::de_date")]
    on: NaiveDate,
}

async fn close(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<CloseBody>,
) -> Answer<Done> {
    st.app.close_unit(&a, id, b.on).await?;
    done()
}

#[derive(Deserialize, JsonSchema)]
struct MergeBody {
    #[schemars(length(min = 1))]
    sources: Vec<Id>,
    target: MergeTarget,
    #[serde(deserialize_with = "vn::de_date")]
    on: NaiveDate,
    #[schemars(schema_with = "lamtheo_domain::text::schema::free_or_empty")]
    #[serde(default)]
    note: String,
}

async fn merge(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<MergeBody>) -> Answer<Created> {
    created(st.app.merge_units(&a, &b.sources, b.target, b.on, &b.note).await?)
}

async fn split(State(st): State<AppState>, ApiActor(a): ApiActor, Body(plan): Body<SplitPlan>) -> Answer<CreatedMany> {
    ok(CreatedMany { ids: st.app.split_unit(&a, plan).await? })
}

async fn find_people(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Params(q): Params<FindQuery>,
) -> Answer<Vec<Person>> {
    ok(st.app.search_people(&a, &q.q, q.unit, 500).await?)
}

async fn create_person(State(st): State<AppState>, ApiActor(a): ApiActor, Body(n): Body<NewPerson>) -> Answer<Created> {
    created(st.app.add_person(&a, n).await?)
}

async fn person(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<PersonView> {
    ok(st.app.person(&a, id).await?)
}

async fn update_person(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(u): Body<PersonUpdate>,
) -> Answer<Done> {
    st.app.update_person_from(&a, PersonUpdate { person: Person { id, ..u.person }, ..u }).await?;
    done()
}

async fn change_post(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(c): Body<PostChange>,
) -> Answer<Done> {
    st.app.change_post(&a, id, c).await?;
    done()
}

#[derive(Deserialize, JsonSchema)]
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
) -> Answer<Done> {
    st.app.transfer_person(&a, id, b.unit_id, b.on).await?;
    done()
}

async fn topics(State(st): State<AppState>, ApiActor(_): ApiActor) -> Answer<Vec<Topic>> {
    ok(st.app.topics().await?)
}

async fn create_topic(State(st): State<AppState>, ApiActor(a): ApiActor, Body(t): Body<Topic>) -> Answer<Created> {
    created(st.app.add_topic(&a, t).await?)
}

async fn docs(State(st): State<AppState>, ApiActor(_): ApiActor) -> Answer<Vec<CampaignDoc>> {
    ok(st.app.docs().await?)
}

async fn create_doc(State(st): State<AppState>, ApiActor(a): ApiActor, Body(d): Body<CampaignDoc>) -> Answer<Created> {
    created(st.app.add_doc(&a, &d.code, &d.title, d.issued_on).await?)
}

async fn create_conference(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Body(c): Body<ConferenceInput>,
) -> Answer<Created> {
    created(st.app.create_conference(&a, c).await?)
}

async fn conference(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<ConferenceView> {
    ok(st.app.conference(&a, id).await?)
}

async fn update_conference(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(c): Body<ConferenceInput>,
) -> Answer<Done> {
    st.app.update_conference(&a, id, c).await?;
    done()
}

async fn delete_conference(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<Done> {
    st.app.delete_conference(&a, id).await?;
    done()
}

async fn attendance(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(rows): Body<Vec<AttendanceInput>>,
) -> Answer<Recorded> {
    recorded(st.app.record_attendance(&a, id, &rows).await?)
}

#[derive(Deserialize, JsonSchema)]
struct PointBody {
    unit_id: Id,
    #[schemars(range(min = 0))]
    #[serde(default)]
    others_count: i64,
    #[schemars(range(min = 0))]
    #[serde(default)]
    unlisted_members: i64,
}

async fn point(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<PointBody>,
) -> Answer<Done> {
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
    done()
}

#[derive(Deserialize, JsonSchema)]
struct ImportQuery {
    #[schemars(length(max = 255), regex(pattern = r"^[^\x00-\x1f/\\]*\.([cC][sS][vV]|[xX][lL][sS][xX])$"))]
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
) -> Answer<ImportSummary> {
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
) -> Result<Xlsx, ApiError> {
    let kind = Kind::from_slug(&kind).ok_or_else(Error::not_found)?;
    Ok(Xlsx(crate::export_xlsx(&st.app, &a, kind, q).await?))
}

/// The audit page's filters: account, unit (with its subtree), kind and id of record, days.
#[derive(Deserialize, JsonSchema)]
struct AuditQuery {
    #[schemars(range(min = 1))]
    before: Option<Id>,
    who: Option<String>,
    #[schemars(range(min = 1))]
    unit: Option<Id>,
    entity: Option<String>,
    #[schemars(range(min = 1))]
    id: Option<Id>,
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    to: Option<NaiveDate>,
}

async fn audit(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Params(q): Params<AuditQuery>,
) -> Answer<Vec<AuditEntry>> {
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

/// The share of regular meetings with study content that makes a cell count, per mille.
#[derive(Serialize, JsonSchema)]
struct Share {
    permille: u32,
}

async fn study_share(State(st): State<AppState>, ApiActor(_): ApiActor) -> Answer<Share> {
    ok(Share { permille: st.app.study_share().await? })
}

#[derive(Deserialize, JsonSchema)]
struct ShareBody {
    #[schemars(range(min = 1, max = 1000))]
    permille: u32,
}

async fn set_study_share(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<ShareBody>) -> Answer<Share> {
    st.app.set_study_share(&a, b.permille).await?;
    ok(Share { permille: b.permille })
}

async fn my_page(State(st): State<AppState>, ApiActor(a): ApiActor) -> Answer<MyPage> {
    ok(st.app.my_page(&a).await?)
}

#[derive(Deserialize, JsonSchema)]
struct PlanBody {
    kind: lamtheo_domain::plans::PlanKind,
    #[schemars(range(min = *YEARS.start(), max = *YEARS.end()))]
    year: i32,
    #[schemars(schema_with = "lamtheo_domain::text::schema::free")]
    content: String,
    #[serde(default)]
    submit: bool,
}

async fn save_plan(State(st): State<AppState>, ApiActor(a): ApiActor, Body(b): Body<PlanBody>) -> Answer<Created> {
    created(st.app.save_own_plan(&a, b.kind, b.year, &b.content, b.submit).await?)
}

#[derive(Deserialize)]
struct ReviewBody {
    acknowledge: bool,
    #[serde(default)]
    comment: String,
}

/// Returning a plan needs a comment saying why; acknowledging one does not.
impl JsonSchema for ReviewBody {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ReviewBody".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        use lamtheo_domain::text::schema::{free, free_or_empty};
        schemars::json_schema!({"oneOf": [
            {"type": "object", "required": ["acknowledge"],
             "properties": {"acknowledge": {"const": true}, "comment": free_or_empty(g)}},
            {"type": "object", "required": ["acknowledge", "comment"],
             "properties": {"acknowledge": {"const": false}, "comment": free(g)}}
        ]})
    }
}

async fn review_plan(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<ReviewBody>,
) -> Answer<Done> {
    st.app.review_plan(&a, id, b.acknowledge, &b.comment).await?;
    done()
}

#[derive(Deserialize, JsonSchema)]
struct YearQuery {
    #[schemars(range(min = *YEARS.start(), max = *YEARS.end()))]
    year: Option<i32>,
}

async fn unit_plans(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<YearQuery>,
) -> Answer<Vec<ReviewRow>> {
    let today = st.app.today();
    ok(st.app.plans_of_unit(&a, id, q.year.unwrap_or_else(|| chrono::Datelike::year(&today)), today).await?)
}

async fn unit_tasks(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<FiguresQuery>,
) -> Answer<TaskReport> {
    let (period, as_of) =
        fmt::period_and_as_of(q.from.as_deref(), q.to.as_deref(), q.as_of.as_deref(), st.app.today())?;
    ok(st.app.task_report(&a, id, period, as_of).await?)
}

/// A record of one of the record kinds, in its kind's keys (`lamtheo_domain::records`).
#[derive(Deserialize)]
#[serde(transparent)]
struct RecordBody(Value);

impl JsonSchema for RecordBody {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RecordBody".into()
    }

    /// Any of the kinds' schemas (the path's kind says which).
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let any: Vec<Value> = lamtheo_domain::records::kinds().map(|k| k.json_schema()).collect();
        schemars::json_schema!({ "anyOf": any })
    }
}

/// The kind named in a path.
fn record_kind(kind: &str) -> Result<&'static lamtheo_domain::records::RecordSpec, Error> {
    lamtheo_domain::records::kind(kind).ok_or_else(Error::not_found)
}

/// The record `id`, which must be of `kind`.
async fn record_of(st: &AppState, a: &lamtheo_domain::access::Actor, kind: &str, id: Id) -> Result<RecordView, Error> {
    let r = st.app.record(a, id).await?;
    if r.kind != record_kind(kind)?.slug {
        return Err(Error::not_found());
    }
    Ok(r)
}

async fn unit_records(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, kind)): Path<(Id, String)>,
) -> Answer<Vec<RecordView>> {
    ok(st.app.records_of(&a, record_kind(&kind)?, id).await?)
}

async fn save_record(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(kind): Path<String>,
    Body(RecordBody(body)): Body<RecordBody>,
) -> Answer<Created> {
    created(st.app.save_record(&a, record_kind(&kind)?, &body).await?)
}

async fn record(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path((kind, id)): Path<(String, Id)>,
) -> Answer<RecordView> {
    ok(record_of(&st, &a, &kind, id).await?)
}

async fn update_record(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path((kind, id)): Path<(String, Id)>,
    Body(RecordBody(body)): Body<RecordBody>,
) -> Answer<RecordView> {
    record_of(&st, &a, &kind, id).await?;
    st.app.update_record(&a, id, &body).await?;
    ok(st.app.record(&a, id).await?)
}

async fn delete_record(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path((kind, id)): Path<(String, Id)>,
) -> Answer<Done> {
    record_of(&st, &a, &kind, id).await?;
    st.app.delete_record(&a, id).await?;
    done()
}

/// An image of the column: its number, type and size, and the line an article shows it with.
#[derive(Serialize, JsonSchema)]
struct ImageAnswer {
    id: Id,
    content_type: String,
    size: i64,
    /// "/column/images/12"
    path: String,
}

async fn unit_images(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
) -> Answer<Vec<ImageAnswer>> {
    let images = st.app.images_of(&a, id).await?;
    ok(images
        .into_iter()
        .map(|(id, content_type, size)| ImageAnswer { id, content_type, size, path: format!("/column/images/{id}") })
        .collect())
}

async fn upload_image(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    body: axum::body::Body,
) -> Answer<Created> {
    st.app.check_image_upload(&a, id)?;
    let bytes = axum::body::to_bytes(body, lamtheo_app::column::IMAGE_BYTES)
        .await
        .map_err(|_| Error::msg(ErrorCode::TooLarge, "Ảnh lớn quá 2 MB", "The image is larger than 2 MB"))?;
    created(st.app.add_image(&a, id, &bytes).await?)
}

async fn unit_forms(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
) -> Answer<Vec<lamtheo_domain::records::indicators::IndicatorForm>> {
    ok(st.app.forms_of(&a, id).await?)
}

#[derive(Deserialize, JsonSchema)]
struct FormQuery {
    /// The form's code.
    #[schemars(schema_with = "lamtheo_domain::text::schema::code")]
    form: String,
    /// "5/2025", "Q2/2025", "H1/2025" or "2025".
    #[schemars(regex(pattern = r"^((0?[1-9]|1[0-2])|[Qq][1-4]|[Hh][12])/20[0-9]{2}$|^20[0-9]{2}$"))]
    period: String,
}

async fn indicator_entry(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<FormQuery>,
) -> Answer<lamtheo_app::indicators::Entry> {
    ok(st.app.indicator_entry(&a, id, &q.form, &q.period).await?)
}

async fn indicator_completeness(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<FormQuery>,
) -> Answer<Vec<lamtheo_app::indicators::Completeness>> {
    st.app.check(&a, id, lamtheo_domain::access::Resource::Activity, false)?;
    ok(st.app.completeness(&a, &q.form, &q.period).await?)
}

#[derive(Deserialize, JsonSchema)]
struct IndicatorValueInput {
    #[schemars(schema_with = "lamtheo_domain::text::schema::code")]
    indicator: String,
    /// Empty: left as it was.
    #[schemars(range(min = 0, max = 9007199254740991i64))]
    value: Option<i64>,
    /// "", "gần", "trên" or "hơn".
    #[serde(default)]
    #[schemars(regex(pattern = r"^(|gần|trên|hơn)$"))]
    qualifier: String,
}

#[derive(Deserialize, JsonSchema)]
struct IndicatorValues {
    /// "5/2025", "Q2/2025", "H1/2025" or "2025".
    #[schemars(regex(pattern = r"^((0?[1-9]|1[0-2])|[Qq][1-4]|[Hh][12])/20[0-9]{2}$|^20[0-9]{2}$"))]
    period: String,
    values: Vec<IndicatorValueInput>,
}

async fn save_indicators(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<IndicatorValues>,
) -> Answer<ImportSummary> {
    let values: Vec<(String, Option<i64>, String)> =
        b.values.into_iter().map(|v| (v.indicator, v.value, v.qualifier)).collect();
    ok(st.app.save_indicator_values(&a, id, &b.period, &values).await?)
}

#[derive(Deserialize, JsonSchema)]
struct DefaultForm {
    /// Codes of the units that report on it.
    #[serde(default)]
    units: Vec<String>,
}

async fn default_indicator_form(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<DefaultForm>,
) -> Answer<Done> {
    st.app.default_indicator_form(&a, id, &b.units).await?;
    done()
}

async fn create_task(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(t): Body<lamtheo_domain::tasks::BreakthroughTask>,
) -> Answer<Created> {
    created(st.app.add_task(&a, lamtheo_domain::tasks::BreakthroughTask { unit_id: id, ..t }).await?)
}

async fn update_task(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(t): Body<lamtheo_domain::tasks::BreakthroughTask>,
) -> Answer<Done> {
    st.app.update_task(&a, lamtheo_domain::tasks::BreakthroughTask { id, ..t }).await?;
    done()
}

async fn rating_levels(State(st): State<AppState>, ApiActor(_): ApiActor) -> Answer<Vec<RatingLevel>> {
    ok(st.app.rating_levels().await?)
}

async fn evaluate(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Body(rows): Body<Vec<lamtheo_domain::evaluation::Evaluation>>,
) -> Answer<Recorded> {
    recorded(st.app.record_evaluations(&a, rows).await?)
}

#[derive(Deserialize, JsonSchema)]
struct EvalQuery {
    #[schemars(range(min = *YEARS.start(), max = *YEARS.end()))]
    year: i32,
    #[schemars(range(min = 0, max = 4))]
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
) -> Answer<Vec<EvaluationGroup>> {
    let as_of = q.as_of.unwrap_or_else(|| st.app.today());
    ok(evaluation_groups(st.app.evaluation_report(&a, id, q.year, q.quarter, as_of, false).await?))
}

fn evaluation_groups(report: Vec<lamtheo_app::evaluations::Distribution>) -> Vec<EvaluationGroup> {
    report
        .into_iter()
        .map(|d| EvaluationGroup {
            rate: d.rate(),
            group: d.group.to_string(),
            levels: d.levels,
            evaluated: d.evaluated,
            good_or_better: d.good_or_better,
            excellent: d.excellent,
            warning: d.warning,
        })
        .collect()
}

/// One group's ratings: counts by level, and the share rated good or better.
#[derive(Serialize, JsonSchema)]
struct EvaluationGroup {
    /// `members`, `key_cadres`, `member_key_cadres`, `non_member_key_cadres`, `organisations`.
    group: String,
    /// (scale, level code, level name, count), best levels first.
    levels: Vec<(String, String, String, i64)>,
    evaluated: i64,
    good_or_better: i64,
    excellent: i64,
    /// "93,9%"
    rate: String,
    /// Set when more are rated excellent than the rule allows.
    warning: Option<String>,
}

async fn movements(State(st): State<AppState>, ApiActor(a): ApiActor) -> Answer<Vec<Movement>> {
    ok(st.app.movements(&a).await?)
}

async fn create_movement(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Body(m): Body<lamtheo_domain::emulation::Movement>,
) -> Answer<Created> {
    created(st.app.create_movement(&a, m).await?)
}

#[derive(Deserialize, JsonSchema)]
struct MovementQuery {
    #[schemars(range(min = 1))]
    unit: Id,
    #[serde(default, deserialize_with = "vn::de_opt_date")]
    as_of: Option<NaiveDate>,
}

async fn movement_report(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Params(q): Params<MovementQuery>,
) -> Answer<MovementReport> {
    ok(st.app.movement_report(&a, id, q.unit, q.as_of.unwrap_or_else(|| st.app.today())).await?)
}

#[derive(Deserialize, JsonSchema)]
struct RegisterBody {
    person_id: Id,
    #[schemars(schema_with = "lamtheo_domain::text::schema::free")]
    content: String,
}

async fn register(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<RegisterBody>,
) -> Answer<Created> {
    created(st.app.register(&a, id, b.person_id, &b.content, st.app.today()).await?)
}

#[derive(Deserialize, JsonSchema)]
struct ReviewRegistrationBody {
    #[schemars(regex(pattern = r"^((0?[1-9]|1[0-2])/20[0-9]{2}|20[0-9]{2}-(0[1-9]|1[0-2]))$"))]
    /// "3/2025" or "2025-03"
    month: String,
    met: bool,
    #[schemars(schema_with = "lamtheo_domain::text::schema::free_or_empty")]
    #[serde(default)]
    comment: String,
}

async fn review_registration(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<ReviewRegistrationBody>,
) -> Answer<Done> {
    let month = fmt::parse_month("month", &b.month)?;
    st.app
        .review_registration(
            &a,
            lamtheo_domain::emulation::Review { registration_id: id, month: month.0, met: b.met, comment: b.comment },
        )
        .await?;
    done()
}

async fn covenants(State(st): State<AppState>, ApiActor(a): ApiActor) -> Answer<Vec<Campaign>> {
    ok(st.app.covenants(&a).await?)
}

#[derive(Deserialize, JsonSchema)]
struct CovenantBody {
    #[serde(flatten)]
    campaign: lamtheo_domain::covenant::Campaign,
    /// The signatory units.
    #[schemars(length(min = 1))]
    units: Vec<Id>,
}

async fn create_covenant(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Body(b): Body<CovenantBody>,
) -> Answer<Created> {
    created(st.app.create_covenant(&a, b.campaign, &b.units).await?)
}

async fn covenant(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<CovenantReport> {
    ok(st.app.covenant_report(&a, id).await?)
}

async fn sign_covenant(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<lamtheo_domain::covenant::Signatory>,
) -> Answer<Done> {
    st.app.sign_covenant(&a, id, b).await?;
    done()
}

async fn score_covenant(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Vec<lamtheo_domain::covenant::Score>>,
) -> Answer<Done> {
    st.app.score_covenant(&a, id, &b).await?;
    done()
}
