//! The periodic report in the API: requests, each unit's report and its way up (save,
//! refresh, submit, return or approve), the issued documents, and the locked periods.
use axum::extract::{Path, State};
use lamtheo_app::report::locks::LockView;
use lamtheo_app::report::workflow::{
    DraftEdit, FiguresCheck, IssuedView, NewRequest, Recipient, RegisterEntry, ReportView, RequestView,
};
use lamtheo_app::report::Format;
use lamtheo_domain::Id;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::openapi::{Operation as Op, Pdf};
use super::{created, done, ok, Answer, Body, Created, Done};
use crate::error::ApiError;
use crate::session::ApiActor;
use crate::AppState;

pub fn operations() -> Vec<Op> {
    vec![
        Op::get("/units/{id}/report-requests", "The report requests a unit made and those it received", requests),
        Op::post(
            "/units/{id}/report-requests",
            "Ask the units under this one for a report (period, deadline, outline or last year's)",
            create_request,
        ),
        Op::post("/units/{id}/reports", "Draft a report of the unit's own (no request) from its figures", start_own),
        Op::get("/report-requests/{id}", "A request, and for the asking unit where each unit's report stands", request),
        Op::post(
            "/report-requests/{id}/open",
            "A unit's report for the request, drafted from its figures the first time",
            open,
        ),
        Op::post("/report-requests/{id}/remind", "Remind a unit that has not submitted (a notice on its page)", remind),
        Op::get("/reports/{id}", "A report: its draft, state, comment and issued documents", report),
        Op::get(
            "/reports/{id}/figures",
            "The report's figures (its annexes) beside the same figures read now, for the upper level's check",
            figures,
        ),
        Op::put("/reports/{id}", "Save the drafter's text (summary and paragraphs) over the version read", save),
        Op::post(
            "/reports/{id}/refresh",
            "Write the paragraphs from the figures again (the drafter's text stays)",
            refresh,
        ),
        Op::post(
            "/reports/{id}/quote",
            "Quote a section of an approved report from below into the same section",
            quote,
        ),
        Op::get("/reports/{id}/versions", "The report's saved versions, newest first (who saved each, when)", versions),
        Op::get("/reports/{id}/versions/{version}", "The draft as it was saved in a version", version),
        Op::post(
            "/reports/{id}/restore",
            "Make a saved version the text again, saved as a new version over the one read",
            restore,
        ),
        Op::post("/reports/{id}/submit", "Submit: numbered in the register, rendered and kept as issued", submit),
        Op::post(
            "/reports/{id}/decide",
            "The asking unit returns the report with a comment, or approves it (locks the period)",
            decide,
        ),
        Op::get("/documents/{id}", "An issued document's .pdf, as it was issued", document),
        Op::get(
            "/units/{id}/register",
            "The unit's register of outgoing documents and its congresses (each opens a term)",
            register,
        ),
        Op::post(
            "/units/{id}/congresses",
            "Record the day of the unit's congress: the register numbers afresh from it",
            record_congress,
        ),
        Op::get("/units/{id}/locks", "Locked periods of the unit's subtree and above it", locks),
        Op::post("/locks/{id}/unlock", "Unlock a period (the upper level, with a reason)", unlock),
    ]
}

#[derive(Serialize, JsonSchema)]
struct Requests {
    made: Vec<RequestView>,
    received: Vec<RequestView>,
}

async fn requests(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<Requests> {
    let (made, received) = st.app.requests_of(&a, id).await?;
    ok(Requests { made, received })
}

async fn create_request(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<NewRequest>,
) -> Answer<Created> {
    created(st.app.create_request(&a, id, b).await?)
}

#[derive(Serialize, JsonSchema)]
struct RequestStatus {
    request: RequestView,
    /// Each unit asked and where its report stands (for the asking unit's readers).
    units: Vec<Recipient>,
}

#[derive(Deserialize, JsonSchema)]
struct PeriodBody {
    period: lamtheo_domain::period::Period,
}

async fn start_own(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<PeriodBody>,
) -> Answer<Created> {
    created(st.app.start_report(&a, id, b.period).await?)
}

#[derive(Deserialize, JsonSchema)]
struct Quote {
    #[schemars(range(min = 1))]
    source: Id,
    #[schemars(range(max = 100))]
    section: usize,
}

async fn quote(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Quote>,
) -> Answer<Saved> {
    ok(Saved { version: st.app.quote(&a, id, b.source, b.section).await? })
}

async fn request(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<RequestStatus> {
    let request = st.app.request(&a, id).await?;
    let upper = st.app.may(&a, request.unit_id, lamtheo_domain::access::Resource::Report, false);
    let units = if upper { st.app.request_status(&a, id).await? } else { vec![] };
    ok(RequestStatus { request, units })
}

#[derive(Deserialize, JsonSchema)]
struct UnitRef {
    #[schemars(range(min = 1))]
    unit: Id,
}

async fn open(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<UnitRef>,
) -> Answer<ReportView> {
    ok(st.app.open_report(&a, id, b.unit).await?)
}

async fn remind(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<UnitRef>,
) -> Answer<Done> {
    st.app.remind(&a, id, b.unit).await?;
    done()
}

async fn report(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<ReportView> {
    ok(st.app.report(&a, id).await?)
}

async fn figures(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<FiguresCheck> {
    ok(st.app.report_figures(&a, id).await?)
}

#[derive(Deserialize, JsonSchema)]
struct Save {
    /// The version read (a save over a newer one is refused with 409).
    version: i32,
    #[serde(flatten)]
    edit: DraftEdit,
}

#[derive(Serialize, JsonSchema)]
struct Saved {
    version: i32,
}

async fn save(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Save>,
) -> Answer<Saved> {
    ok(Saved { version: st.app.save_report(&a, id, b.edit, b.version).await? })
}

async fn refresh(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<Saved> {
    ok(Saved { version: st.app.refresh_report(&a, id).await? })
}

#[derive(Deserialize, JsonSchema)]
struct Submit {
    /// "Bí thư", "Phó Bí thư".
    #[schemars(length(max = 200))]
    signer_title: String,
    #[schemars(length(max = 200))]
    signer: String,
}

async fn submit(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Submit>,
) -> Answer<IssuedView> {
    ok(st.app.submit_report(&a, id, (&b.signer_title, &b.signer)).await?)
}

#[derive(Deserialize, JsonSchema)]
struct Decide {
    approve: bool,
    /// Required to return the report.
    #[serde(default)]
    #[schemars(length(max = 5000))]
    comment: String,
}

async fn decide(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Decide>,
) -> Answer<Done> {
    st.app.decide_report(&a, id, b.approve, &b.comment).await?;
    done()
}

async fn document(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Result<Pdf, ApiError> {
    let (bytes, name) = st.app.issued_file(&a, id, Format::Pdf).await?;
    Ok(Pdf(crate::download(&name, bytes)))
}

async fn locks(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<Vec<LockView>> {
    ok(st.app.locks_of(&a, id).await?)
}

#[derive(Deserialize, JsonSchema)]
struct Reason {
    #[schemars(length(max = 5000))]
    reason: String,
}

async fn unlock(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Reason>,
) -> Answer<Done> {
    st.app.unlock(&a, id, &b.reason).await?;
    done()
}

#[derive(Serialize, JsonSchema)]
struct Register {
    /// The days of the unit's congresses, earliest first.
    congresses: Vec<chrono::NaiveDate>,
    /// The register's term today: "2025–2030".
    term: String,
    /// The documents issued, newest first.
    documents: Vec<RegisterEntry>,
}

async fn register(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<Register> {
    let congresses = st.app.congresses(&a, id).await?;
    let term = lamtheo_app::report::workflow::term_of(st.app.today(), &congresses);
    ok(Register { documents: st.app.outgoing_register(&a, id).await?, term, congresses })
}

#[derive(Deserialize, JsonSchema)]
struct Congress {
    /// The congress's day (2025-08-20 or 20/8/2025).
    #[serde(deserialize_with = "lamtheo_domain::vn::de_date")]
    held_on: chrono::NaiveDate,
}

async fn record_congress(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Congress>,
) -> Answer<Done> {
    st.app.record_congress(&a, id, b.held_on).await?;
    done()
}

#[derive(Serialize, JsonSchema)]
struct SavedVersion {
    version: i32,
    /// RFC 3339.
    saved_at: String,
    saved_by: String,
}

async fn versions(State(st): State<AppState>, ApiActor(a): ApiActor, Path(id): Path<Id>) -> Answer<Vec<SavedVersion>> {
    let all = st.app.report_versions(&a, id).await?;
    ok(all.into_iter().map(|(version, saved_at, saved_by)| SavedVersion { version, saved_at, saved_by }).collect())
}

async fn version(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path((id, version)): Path<(Id, i32)>,
) -> Answer<lamtheo_app::report::Draft> {
    ok(st.app.report_version(&a, id, version).await?)
}

#[derive(Deserialize, JsonSchema)]
struct Restore {
    /// The saved version to make the text again.
    version: i32,
    /// The version read (a restore over a newer one is refused with 409).
    current: i32,
}

async fn restore(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    Path(id): Path<Id>,
    Body(b): Body<Restore>,
) -> Answer<Saved> {
    ok(Saved { version: st.app.restore_version(&a, id, b.version, b.current).await? })
}
