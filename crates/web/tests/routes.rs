//! The scope matrix through HTTP, generated from the router: every route the pages and the
//! API serve (read from the `.route(…)` calls of `src/`, so a new route cannot be missed) must
//! have a line in `MATRIX`, and for every role and for a record inside and outside the role's
//! scope (district H1 / H2) the answer is the one the rights table gives.
use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use lamtheo_app::auth::NewUser;
use lamtheo_app::App;
use lamtheo_domain::access::{Actor, Resource, Role};
use lamtheo_domain::Id;
use lamtheo_importer::Kind;
use tower::ServiceExt;

/// The kind of record a route's `{id}` (or query) names, so the test can fill in one inside
/// and one outside the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rec {
    Unit,
    Person,
    Conference,
    Movement,
    Covenant,
    Task,
    Plan,
    /// A good model (a record of the record kinds).
    Model,
    Registration,
    User,
    /// A report request from the district to its cell.
    Request,
    /// The cell's report for it (approved: it locked the cell's 2023).
    Report,
    /// The report's issued document.
    Document,
    /// The lock of the cell's 2023.
    Lock,
}

/// What a route answers.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Needs no session (login, style sheet, language, API description).
    Public,
    /// Any signed-in account, whatever its role: its own things (home, account, "mine").
    Own,
    /// Lists what the role may see of `Resource`: 200, or 403 for a role that does not read it.
    List(Resource),
    /// Reads `Resource` of a record: 200 inside the scope for a role that reads it, 404
    /// outside, 403 for a role that does not read it.
    Read(Resource, Rec),
    /// The form that changes `Resource` of a record: 200 inside the scope for a role that
    /// may change it, 404 outside, 403 for a role that may not.
    Form(Resource, Rec),
    /// Changes `Resource` of a record, sent with a body that parses: a role without the right
    /// gets 403 (inside and outside), a role with it gets 404 outside the scope. The success
    /// inside the scope is proved by the service's tests (`crates/app/tests`), not repeated
    /// here, so that the matrix leaves the data as it found it.
    Write(Resource, Rec, &'static str),
    /// Changes something that is not a record of a unit (the account itself, the shared
    /// catalogue, the study-share setting): a role without the right gets 403.
    WriteRole(Resource, &'static str),
    /// Changes what applies to every unit (topics, the study-share setting): 403 for a role
    /// without the right and for any account not scoped at a root unit (every account here
    /// but the administrator is scoped at a district).
    Root(Resource, &'static str),
    /// The import upload: every row is checked by the service (`crates/app/tests/scope.rs`,
    /// `privacy.rs`); here a file naming the other district must be refused.
    Import,
    /// The account's own person's page: for an account linked to a person, else 403.
    Mine,
    /// An import job of another session (or none): unknown to everyone.
    Unknown,
}

use Rec::*;
use Resource as R;
use Rule::*;

/// Every (method, path) served, and its rule. `{id}` is filled in from `Rec`; a `?…{id}`
/// in the query too.
const MATRIX: &[(&str, &str, Rule)] = &[
    // Pages.
    ("GET", "/static/{file}", Public),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", Own),
    ("GET", "/lang/{code}", Public),
    ("GET", "/account", Own),
    ("POST", "/account/password", Own),
    ("POST", "/account/tokens", Own),
    // Another account's token is "not found" to the owner of the session (`http.rs`).
    ("POST", "/account/tokens/{id}/revoke", Own),
    ("GET", "/", Own),
    ("GET", "/me", Mine),
    ("POST", "/me/plans", Own),
    ("GET", "/units/search", Own),
    ("GET", "/units/{id}", Read(R::Unit, Unit)),
    ("POST", "/units/{id}/children", Write(R::Tree, Unit, "code=NEW&name=Moi&kind=chi_bo&opened_on=01/01/2025")),
    ("POST", "/units/{id}/rename", Write(R::Tree, Unit, "name=Moi&on=01/01/2025")),
    ("POST", "/units/{id}/move", Write(R::Tree, Unit, "parent_code=CB1&on=01/01/2025")),
    ("POST", "/units/{id}/close", Write(R::Tree, Unit, "on=01/01/2025")),
    ("POST", "/units/{id}/merge", Write(R::Tree, Unit, "others=&target_code=CB1&on=01/01/2025")),
    ("GET", "/units/{id}/split", Form(R::Tree, Unit)),
    ("POST", "/units/{id}/split", Write(R::Tree, Unit, "on=01/01/2025")),
    ("GET", "/units/{id}/members", Read(R::Person, Unit)),
    ("POST", "/units/{id}/members", Write(R::Person, Unit, "full_name=Moi&card_no=NEW1&since=01/01/2025")),
    ("GET", "/units/{id}/evaluations", Read(R::Unit, Unit)),
    ("GET", "/units/{id}/evaluations.xlsx", Read(R::Unit, Unit)),
    ("POST", "/units/{id}/evaluations", Write(R::Activity, Unit, "year=2024&quarter=0&scale=qd124&ul{id}=tot")),
    ("GET", "/units/{id}/plans", Read(R::Person, Unit)),
    ("POST", "/plans/{id}/review", Write(R::Person, Plan, "decision=ack&back=/")),
    ("POST", "/units/{id}/tasks", Write(R::Activity, Unit, "title=Moi&from_year=2025&to_year=2025")),
    ("POST", "/tasks/{id}", Write(R::Activity, Task, "title=Moi&from_year=2025&to_year=2025")),
    ("GET", "/units/{id}/records/{kind}", Read(R::Activity, Unit)),
    (
        "POST",
        "/units/{id}/records/{kind}",
        Write(
            R::Activity,
            Unit,
            "code=MH-MOI&name=Moi&kind=mo_hinh&unit={code}&registered_on=01/01/2025&status=registered",
        ),
    ),
    ("GET", "/units/{id}/indicators", Read(R::Activity, Unit)),
    (
        "POST",
        "/units/{id}/indicators",
        Write(R::Activity, Unit, "form=BM-TUYENTRUYEN-{code}&period=Q2/2025&v_TT-TINBAI=3"),
    ),
    ("POST", "/units/{id}/indicators/default", Write(R::Activity, Unit, "units=")),
    ("GET", "/units/{id}/images", Read(R::Activity, Unit)),
    ("POST", "/units/{id}/images", Write(R::Activity, Unit, "")),
    // No published article shows image 0: not found, to anyone.
    ("GET", "/column/images/{id}", Unknown),
    ("GET", "/column", Public),
    ("GET", "/column/feed.xml", Public),
    ("GET", "/column/{code}", Public),
    ("POST", "/column/{code}", Public),
    ("GET", "/records/{id}", Read(R::Activity, Model)),
    (
        "POST",
        "/records/{id}",
        Write(
            R::Activity,
            Model,
            "code=MH-MOI&name=Moi&kind=mo_hinh&unit={code}&registered_on=01/01/2025&status=registered",
        ),
    ),
    ("POST", "/records/{id}/delete", Write(R::Activity, Model, "")),
    ("GET", "/units/{id}/figures.xlsx", Read(R::Unit, Unit)),
    ("GET", "/units/{id}/reports", Read(R::Report, Unit)),
    (
        "POST",
        "/units/{id}/reports",
        Write(R::Report, Unit, "title=Moi&from=1/2025&to=6/2025&deadline=15/7/2025&recipients="),
    ),
    ("POST", "/units/{id}/reports/own", Write(R::Report, Unit, "from=1/2025&to=12/2025")),
    ("POST", "/units/{id}/congresses", Write(R::Report, Unit, "held_on=20/8/2025")),
    ("GET", "/units/{id}/report/{format}", Read(R::Report, Unit)),
    ("GET", "/report-requests/{id}", Read(R::Report, Request)),
    ("POST", "/report-requests/{id}/remind", Write(R::Report, Request, "unit={unit}")),
    ("POST", "/report-requests/{id}/open", Write(R::Report, Request, "unit={unit}")),
    ("GET", "/reports/{id}", Read(R::Report, Report)),
    ("POST", "/reports/{id}", Write(R::Report, Report, "version=1")),
    ("POST", "/reports/{id}/autosave", Write(R::Report, Report, "version=1")),
    ("POST", "/reports/{id}/refresh", Write(R::Report, Report, "")),
    ("POST", "/reports/{id}/restore", Write(R::Report, Report, "version=1&current=1")),
    ("POST", "/reports/{id}/quote", Write(R::Report, Report, "source=1&section=0")),
    ("POST", "/reports/{id}/submit", Write(R::Report, Report, "signer=Moi")),
    ("POST", "/reports/{id}/decide", Write(R::Report, Report, "decision=return&comment=Moi")),
    ("GET", "/reports/{id}/draft/{format}", Read(R::Report, Report)),
    ("GET", "/documents/{id}/{format}", Read(R::Report, Document)),
    ("POST", "/locks/{id}/unlock", Write(R::Report, Lock, "reason=Moi")),
    ("GET", "/units/{id}/conferences/new", Form(R::Conference, Unit)),
    ("POST", "/conferences", Write(R::Conference, Unit, "unit_id={id}&held_on=01/02/2025&title=Moi")),
    ("GET", "/conferences/{id}", Read(R::Conference, Conference)),
    ("GET", "/conferences/{id}/edit", Form(R::Conference, Conference)),
    ("POST", "/conferences/{id}", Write(R::Conference, Conference, "unit_id={unit}&held_on=01/02/2025&title=Sua")),
    ("POST", "/conferences/{id}/delete", Write(R::Conference, Conference, "confirm=1")),
    ("POST", "/conferences/{id}/attendance", Write(R::Conference, Conference, "p1=present")),
    ("POST", "/conferences/{id}/points", Write(R::Conference, Conference, "unit_code=CB1")),
    ("GET", "/people", Read(R::Person, Unit)),
    ("GET", "/people/{id}", Read(R::Person, Person)),
    ("POST", "/people/{id}", Write(R::Person, Person, "full_name=Moi")),
    ("POST", "/people/{id}/transfer", Write(R::Person, Person, "unit_code=CB1&on=01/01/2025")),
    ("GET", "/topics", Own),
    ("POST", "/topics/new", Root(R::Catalogue, "code=CD&title=Moi&year=2025")),
    ("POST", "/docs/new", WriteRole(R::Catalogue, "code=VB&title=Moi")),
    ("POST", "/settings/study-share", Root(R::Catalogue, "percent=80")),
    ("GET", "/movements", List(R::Activity)),
    (
        "POST",
        "/movements",
        Write(
            R::Activity,
            Unit,
            "title=Moi&unit_code={code}&from_date=01/01/2025&to_date=31/12/2025&expected=everyone",
        ),
    ),
    ("GET", "/movements/{id}", Read(R::Activity, Movement)),
    ("GET", "/movements/{id}/figures.xlsx", Read(R::Activity, Movement)),
    ("POST", "/movements/{id}/register", Write(R::Person, Movement, "person_id={person}&content=Moi")),
    ("POST", "/registrations/{id}/review", Write(R::Person, Registration, "month=3/2025&met=1&back=/")),
    ("GET", "/covenants", List(R::Activity)),
    (
        "POST",
        "/covenants",
        Write(R::Activity, Unit, "title=Moi&year=2025&unit_code={code}&groups=Nhom|10&units={code}"),
    ),
    ("GET", "/covenants/{id}", Read(R::Activity, Covenant)),
    ("GET", "/covenants/{id}/ranking.xlsx", Read(R::Activity, Covenant)),
    ("POST", "/covenants/{id}/sign", Write(R::Activity, Covenant, "unit_id={unit}&signed_on=01/03/2025")),
    ("POST", "/covenants/{id}/scores", Write(R::Activity, Covenant, "s{unit}_0=5")),
    ("GET", "/imports", Own),
    ("POST", "/imports", Import),
    ("GET", "/imports/jobs/{id}", Unknown),
    ("GET", "/imports/jobs/{id}/errors.csv", Unknown),
    ("GET", "/imports/templates/{file}", Own),
    ("GET", "/exports/{file}", Read(R::Activity, Unit)),
    ("GET", "/admin/users", List(R::Users)),
    ("POST", "/admin/users", WriteRole(R::Users, "username=moi&password=mat-khau-dai&role=readonly")),
    ("GET", "/admin/users/{id}", Form(R::Users, User)),
    ("POST", "/admin/users/{id}", Write(R::Users, User, "role=readonly&scope_code=&person=")),
    ("POST", "/admin/users/{id}/active", Write(R::Users, User, "active=0")),
    ("POST", "/admin/users/{id}/password", Write(R::Users, User, "")),
    ("POST", "/admin/users/{id}/tokens/{token}/revoke", Write(R::Users, User, "")),
    ("GET", "/admin/kinds", List(R::Users)),
    // Kinds are shared by every unit: an administrator of the whole tree adds them.
    ("POST", "/admin/kinds", Root(R::Users, "code=moi&name_vi=Moi&level=co_so")),
    ("GET", "/audit", List(R::Audit)),
    // API.
    ("GET", "/api/v1/openapi.json", Public),
    ("GET", "/api/v1/me", Own),
    ("GET", "/api/v1/tokens", Own),
    ("POST", "/api/v1/tokens", Own),
    ("DELETE", "/api/v1/tokens/{id}", Own),
    ("GET", "/api/v1/me/page", Mine),
    ("PUT", "/api/v1/me/plans", Own),
    ("POST", "/api/v1/plans/{id}/review", Write(R::Person, Plan, r#"{"acknowledge":true}"#)),
    ("GET", "/api/v1/units/{id}/plans", Read(R::Person, Unit)),
    ("GET", "/api/v1/units/{id}/tasks", Read(R::Activity, Unit)),
    (
        "POST",
        "/api/v1/units/{id}/tasks",
        Write(
            R::Activity,
            Unit,
            r#"{"unit_id":{id},"from_year":2025,"to_year":2025,"title":"Moi","status":"planned"}"#,
        ),
    ),
    (
        "PUT",
        "/api/v1/tasks/{id}",
        Write(
            R::Activity,
            Task,
            r#"{"unit_id":{unit},"from_year":2025,"to_year":2025,"title":"Moi","status":"planned"}"#,
        ),
    ),
    ("GET", "/api/v1/units/{id}/records/{kind}", Read(R::Activity, Unit)),
    (
        "POST",
        "/api/v1/records/{kind}",
        Write(
            R::Activity,
            Unit,
            r#"{"code":"MH-MOI","name":"Moi","kind":"mo_hinh","unit":"{code}","registered_on":"2025-01-01","status":"registered"}"#,
        ),
    ),
    ("GET", "/api/v1/records/{kind}/{id}", Read(R::Activity, Model)),
    (
        "PUT",
        "/api/v1/records/{kind}/{id}",
        Write(
            R::Activity,
            Model,
            r#"{"code":"MH-MOI","name":"Moi","kind":"mo_hinh","unit":"{code}","registered_on":"2025-01-01","status":"registered"}"#,
        ),
    ),
    ("DELETE", "/api/v1/records/{kind}/{id}", Write(R::Activity, Model, "")),
    ("GET", "/api/v1/units/{id}/images", Read(R::Activity, Unit)),
    ("POST", "/api/v1/units/{id}/images", Write(R::Activity, Unit, "")),
    ("GET", "/api/v1/units/{id}/indicator-forms", Read(R::Activity, Unit)),
    ("GET", "/api/v1/units/{id}/indicators", Read(R::Activity, Unit)),
    (
        "PUT",
        "/api/v1/units/{id}/indicators",
        Write(R::Activity, Unit, r#"{"period":"Q2/2025","values":[{"indicator":"TT-TINBAI","value":3}]}"#),
    ),
    ("GET", "/api/v1/units/{id}/indicators/completeness", Read(R::Activity, Unit)),
    ("POST", "/api/v1/units/{id}/indicators/default", Write(R::Activity, Unit, r#"{"units":[]}"#)),
    ("GET", "/api/v1/rating-levels", Own),
    ("GET", "/api/v1/covenants", List(R::Activity)),
    (
        "POST",
        "/api/v1/covenants",
        Write(
            R::Activity,
            Unit,
            r#"{"unit_id":{id},"title":"Moi","year":2025,"groups":[{"title":"N","max_score":10}],"units":[{id}]}"#,
        ),
    ),
    ("GET", "/api/v1/covenants/{id}", Read(R::Activity, Covenant)),
    (
        "POST",
        "/api/v1/covenants/{id}/sign",
        Write(R::Activity, Covenant, r#"{"unit_id":{unit},"signed_on":"2025-03-01","pilot":false}"#),
    ),
    (
        "POST",
        "/api/v1/covenants/{id}/scores",
        Write(R::Activity, Covenant, r#"[{"unit_id":{unit},"group":0,"score":5}]"#),
    ),
    ("GET", "/api/v1/movements", List(R::Activity)),
    (
        "POST",
        "/api/v1/movements",
        Write(
            R::Activity,
            Unit,
            r#"{"unit_id":{id},"title":"Moi","from_date":"2025-01-01","to_date":"2025-12-31","expected":"everyone"}"#,
        ),
    ),
    ("GET", "/api/v1/movements/{id}/report", Read(R::Activity, Movement)),
    (
        "POST",
        "/api/v1/movements/{id}/registrations",
        Write(R::Person, Movement, r#"{"person_id":{person},"content":"Moi"}"#),
    ),
    ("POST", "/api/v1/registrations/{id}/reviews", Write(R::Person, Registration, r#"{"month":"3/2025","met":true}"#)),
    (
        "POST",
        "/api/v1/evaluations",
        Write(
            R::Activity,
            Unit,
            r#"[{"subject":"unit","subject_id":{id},"year":2024,"scale":"qd124","level_code":"tot"}]"#,
        ),
    ),
    ("GET", "/api/v1/units/{id}/evaluations", Read(R::Unit, Unit)),
    ("GET", "/api/v1/unit-levels", Own),
    ("GET", "/api/v1/unit-kinds", Own),
    ("POST", "/api/v1/unit-kinds", Root(R::Users, r#"{"code":"moi","name_vi":"Moi","level":"co_so"}"#)),
    ("GET", "/api/v1/units", Own),
    (
        "POST",
        "/api/v1/units",
        Write(
            R::Tree,
            Unit,
            r#"{"code":"NEW","name":"Moi","kind":"chi_bo","parent_id":{id},"opened_on":"2025-01-01"}"#,
        ),
    ),
    (
        "POST",
        "/api/v1/units/merge",
        Write(R::Tree, Unit, r#"{"sources":[{id}],"target":{"existing":{id}},"on":"2025-01-01"}"#),
    ),
    (
        "POST",
        "/api/v1/units/split",
        Write(R::Tree, Unit, r#"{"source":{id},"on":"2025-01-01","targets":[],"members":[]}"#),
    ),
    ("GET", "/api/v1/units/{id}", Read(R::Unit, Unit)),
    ("GET", "/api/v1/units/{id}/figures", Read(R::Unit, Unit)),
    ("GET", "/api/v1/units/{id}/lineage", Read(R::Unit, Unit)),
    ("GET", "/api/v1/units/{id}/members", Read(R::Person, Unit)),
    ("GET", "/api/v1/units/{id}/conferences", Read(R::Conference, Unit)),
    ("POST", "/api/v1/units/{id}/rename", Write(R::Tree, Unit, r#"{"name":"Moi","on":"2025-01-01"}"#)),
    ("POST", "/api/v1/units/{id}/move", Write(R::Tree, Unit, r#"{"parent_id":{id},"on":"2025-01-01"}"#)),
    ("POST", "/api/v1/units/{id}/close", Write(R::Tree, Unit, r#"{"on":"2025-01-01"}"#)),
    ("GET", "/api/v1/people", Read(R::Person, Unit)),
    (
        "POST",
        "/api/v1/people",
        Write(
            R::Person,
            Unit,
            r#"{"id":0,"full_name":"Moi","card_no":"NEW1","is_member":true,"key_cadre":false,"head_of_unit":false,"unit_id":{id},"since":"2025-01-01"}"#,
        ),
    ),
    ("GET", "/api/v1/people/{id}", Read(R::Person, Person)),
    (
        "PUT",
        "/api/v1/people/{id}",
        Write(
            R::Person,
            Person,
            r#"{"id":{id},"full_name":"Moi","is_member":true,"key_cadre":false,"head_of_unit":false}"#,
        ),
    ),
    ("POST", "/api/v1/people/{id}/transfer", Write(R::Person, Person, r#"{"unit_id":{unit},"on":"2025-01-01"}"#)),
    (
        "POST",
        "/api/v1/people/{id}/posts",
        Write(R::Person, Person, r#"{"post_from":"2025-01-01","position":"Bí thư","key_cadre":true}"#),
    ),
    ("GET", "/api/v1/topics", Own),
    (
        "POST",
        "/api/v1/topics",
        Root(R::Catalogue, r#"{"id":0,"code":"CD","title":"Moi","year":2025,"term_wide":false}"#),
    ),
    ("GET", "/api/v1/docs", Own),
    ("POST", "/api/v1/docs", WriteRole(R::Catalogue, r#"{"id":0,"code":"VB","title":"Moi"}"#)),
    (
        "POST",
        "/api/v1/conferences",
        Write(R::Conference, Unit, r#"{"unit_id":{id},"held_on":"2025-02-01","title":"Moi"}"#),
    ),
    ("GET", "/api/v1/conferences/{id}", Read(R::Conference, Conference)),
    (
        "PUT",
        "/api/v1/conferences/{id}",
        Write(R::Conference, Conference, r#"{"unit_id":{unit},"held_on":"2025-02-01","title":"Moi"}"#),
    ),
    ("DELETE", "/api/v1/conferences/{id}", Write(R::Conference, Conference, "")),
    (
        "POST",
        "/api/v1/conferences/{id}/attendance",
        Write(R::Conference, Conference, r#"[{"person_id":{person},"status":"present"}]"#),
    ),
    ("POST", "/api/v1/conferences/{id}/points", Write(R::Conference, Conference, r#"{"unit_id":{unit}}"#)),
    ("POST", "/api/v1/imports/{kind}", Import),
    ("GET", "/api/v1/exports/{kind}", Read(R::Activity, Unit)),
    ("GET", "/api/v1/audit", List(R::Audit)),
    ("GET", "/api/v1/units/{id}/report-requests", Read(R::Report, Unit)),
    (
        "POST",
        "/api/v1/units/{id}/report-requests",
        Write(R::Report, Unit, r#"{"title":"Moi","period":{"from":24300,"to":24305},"deadline":"2025-07-15"}"#),
    ),
    ("POST", "/api/v1/units/{id}/reports", Write(R::Report, Unit, r#"{"period":{"from":24300,"to":24311}}"#)),
    ("GET", "/api/v1/report-requests/{id}", Read(R::Report, Request)),
    ("POST", "/api/v1/report-requests/{id}/open", Write(R::Report, Request, r#"{"unit":{unit}}"#)),
    ("POST", "/api/v1/report-requests/{id}/remind", Write(R::Report, Request, r#"{"unit":{unit}}"#)),
    ("GET", "/api/v1/reports/{id}", Read(R::Report, Report)),
    ("GET", "/api/v1/reports/{id}/figures", Read(R::Report, Report)),
    ("GET", "/api/v1/reports/{id}/versions", Read(R::Report, Report)),
    ("GET", "/api/v1/reports/{id}/versions/{version}", Read(R::Report, Report)),
    ("POST", "/api/v1/reports/{id}/restore", Write(R::Report, Report, r#"{"version":1,"current":1}"#)),
    ("PUT", "/api/v1/reports/{id}", Write(R::Report, Report, r#"{"version":1,"summary":"Moi","sections":[]}"#)),
    ("POST", "/api/v1/reports/{id}/refresh", Write(R::Report, Report, "")),
    ("POST", "/api/v1/reports/{id}/quote", Write(R::Report, Report, r#"{"source":1,"section":0}"#)),
    ("POST", "/api/v1/reports/{id}/submit", Write(R::Report, Report, r#"{"signer_title":"Bí thư","signer":"Moi"}"#)),
    ("POST", "/api/v1/reports/{id}/decide", Write(R::Report, Report, r#"{"approve":false,"comment":"Moi"}"#)),
    ("GET", "/api/v1/documents/{id}", Read(R::Report, Document)),
    ("GET", "/api/v1/units/{id}/locks", Read(R::Report, Unit)),
    ("GET", "/api/v1/units/{id}/register", Read(R::Report, Unit)),
    ("POST", "/api/v1/units/{id}/congresses", Write(R::Report, Unit, r#"{"held_on":"2025-08-20"}"#)),
    ("POST", "/api/v1/locks/{id}/unlock", Write(R::Report, Lock, r#"{"reason":"Moi"}"#)),
    ("GET", "/api/v1/settings/study-share", Own),
    ("PUT", "/api/v1/settings/study-share", Root(R::Catalogue, r#"{"permille":800}"#)),
];

/// Every (method, path) the router serves: the pages' read from the
/// `.route("…", get(…).post(…))` calls in `src/` (axum cannot list its routes), the API's from
/// the list its router is built from.
fn served() -> BTreeSet<(String, String)> {
    let mut out: BTreeSet<(String, String)> = lamtheo_web::api_operations().into_iter().collect();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap();
            let prefix = if path.components().any(|c| c.as_os_str() == "api") { "/api/v1" } else { "" };
            for call in src.split(".route(").skip(1) {
                // The call's text up to its closing parenthesis.
                let mut depth = 1;
                let end = call
                    .char_indices()
                    .find(|(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(call.len(), |(i, _)| i);
                let call = &call[..end];
                if !call.trim_start().starts_with('"') {
                    // The API's routes, made from its list of operations (read above).
                    continue;
                }
                let route = call.split('"').nth(1).expect("a route's path is a string literal");
                // The methods are named after the path (which may itself end in "/delete").
                let after_path = call.splitn(3, '"').nth(2).unwrap_or_default();
                let methods = after_path.split(|c: char| !c.is_ascii_alphanumeric() && c != '_');
                let mut any = false;
                for m in methods.filter(|m| matches!(*m, "get" | "post" | "put" | "delete" | "patch")) {
                    out.insert((m.to_uppercase(), format!("{prefix}{route}")));
                    any = true;
                }
                assert!(any, "no method found in .route({call})");
            }
        }
    }
    out
}

#[test]
fn every_route_is_in_the_matrix() {
    let served = served();
    assert!(served.len() > 90, "the route scan found only {} routes", served.len());
    let listed: BTreeSet<(String, String)> = MATRIX.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    assert_eq!(listed.len(), MATRIX.len(), "a route is listed twice in MATRIX");
    let missing: Vec<_> = served.difference(&listed).collect();
    assert!(missing.is_empty(), "routes with no line in the scope matrix: {missing:?}");
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(stale.is_empty(), "matrix lines for routes that are not served: {stale:?}");
}

/// The OpenAPI document lists exactly the operations the API serves: a route without its
/// operation in the document, or an operation no route serves, fails.
#[tokio::test]
async fn the_openapi_document_lists_exactly_the_api_routes() {
    let served: BTreeSet<(String, String)> = served()
        .into_iter()
        .filter_map(|(m, p)| Some((m, p.strip_prefix("/api/v1")?.to_string())))
        .filter(|(_, p)| p != "/openapi.json")
        .collect();
    assert!(served.len() > 40, "the route scan found only {} API routes", served.len());
    let (_, url) = lamtheo_store::testing::fresh_databases().await.remove(0);
    let router = lamtheo_web::router(App::open(&url).await.unwrap(), false);
    let doc = call(&router, Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
    let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| (m.to_uppercase(), path.clone())))
        .collect();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(undocumented.is_empty(), "routes missing from the OpenAPI document: {undocumented:?}");
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(unserved.is_empty(), "operations in the OpenAPI document that no route serves: {unserved:?}");
    // The kinds a file route takes are the kinds it serves.
    let kinds = |path: &str, method: &str| -> Vec<String> {
        let params = doc["paths"][path][method]["parameters"].as_array().unwrap();
        let kind = params.iter().find(|p| p["name"] == "kind").unwrap();
        kind["schema"]["enum"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect()
    };
    let all: Vec<String> = Kind::all().iter().map(|k| k.slug().to_string()).collect();
    assert_eq!(kinds("/imports/{kind}", "post"), all);
    let exportable: Vec<String> = Kind::exportable().iter().map(|k| k.slug().to_string()).collect();
    assert_eq!(kinds("/exports/{kind}", "get"), exportable);
    assert!(doc["paths"]["/exports/{kind}"]["get"]["responses"]["200"]["content"]
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
        .is_object());
    // Every operation answers with a described body, and errors with the error shape.
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let ok = &op["responses"]["200"]["content"];
            let schema = ok["application/json"]["schema"]
                .as_object()
                .or(ok["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]["schema"].as_object())
                .or(ok["application/pdf"]["schema"].as_object());
            assert!(schema.is_some_and(|s| !s.is_empty()), "{method} {path} has no answer schema");
            let error = &op["responses"]["default"]["content"]["application/json"]["schema"];
            assert_eq!(
                error["properties"]["error"]["required"],
                serde_json::json!(["code", "message", "message_en", "details"])
            );
            // `field` is a string when it is there, never null.
            assert_eq!(error["properties"]["error"]["properties"]["field"]["type"], "string", "{method} {path}");
        }
    }
    // Request bodies say what serde reads: fields with defaults are not required, and the
    // limits the validation applies are in the schema.
    let body = |path: &str, method: &str| {
        doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"].clone()
    };
    let person = body("/people", "post");
    let mut required: Vec<&str> = person["required"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    required.sort();
    assert_eq!(required, ["full_name", "since", "unit_id"]);
    assert_eq!(person["properties"]["full_name"]["maxLength"], 500);
    assert!(person["anyOf"].is_array(), "a card number or a person ID: {person}");
    assert_eq!(body("/topics", "post")["properties"]["code"]["maxLength"], 64);
    let kind = body("/unit-kinds", "post");
    let mut required: Vec<&str> = kind["required"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    required.sort();
    assert_eq!(required, ["code", "level", "name_vi"], "{kind}");
    assert_eq!(
        (kind["properties"]["code"]["maxLength"].as_u64(), kind["properties"]["name_vi"]["maxLength"].as_u64()),
        (Some(64), Some(500))
    );
    assert_eq!(body("/covenants/{id}/sign", "post")["required"], serde_json::json!(["unit_id"]));
    let figures = doc["paths"]["/units/{id}/figures"]["get"]["parameters"].as_array().unwrap();
    assert!(figures.iter().any(|p| p["name"] == "as_of" && p["schema"]["format"] == "date"));
    let evaluations = doc["paths"]["/units/{id}/evaluations"]["get"]["parameters"].as_array().unwrap();
    let year = evaluations.iter().find(|p| p["name"] == "year").unwrap();
    assert_eq!((year["required"].as_bool(), year["schema"]["minimum"].as_i64()), (Some(true), Some(2000)));
    // Answers are described as serde writes them.
    let unit = &doc["paths"]["/units/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(unit["properties"]["path"]["items"]["required"], serde_json::json!(["id", "name"]));
}

const UNITS: &str = "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên,Ngày thành lập
T,Tỉnh ủy Long An,tinh_uy,,01/01/2000
H1,Huyện ủy Bến Lức,huyen_uy,T,01/01/2000
H2,Huyện ủy Cần Giuộc,huyen_uy,T,01/01/2000
CB1,Chi bộ ấp 1,chi_bo,H1,01/01/2000
CB2,Chi bộ ấp 2,chi_bo,H2,01/01/2000
";
const PEOPLE: &str = "Số thẻ đảng viên,Họ và tên,Mã đơn vị,Ngày bắt đầu sinh hoạt
A1,Đặng Thị Hoa,CB1,01/01/2015
B1,Trần Văn Bình,CB2,01/01/2015
";
const CONFS: &str = "Mã hội nghị,Mã đơn vị tổ chức,Ngày,Tên hội nghị
HN-A,CB1,05/03/2024,Sinh hoạt chi bộ ấp 1
HN-B,CB2,05/03/2024,Sinh hoạt chi bộ ấp 2
";
const PASSWORD: &str = "mat-khau-dai";

/// One record of each kind on each side: `[inside H1, outside (H2)]`.
struct Records {
    ids: BTreeMap<Rec, [Id; 2]>,
    /// The unit code, a person and a unit of each side, for bodies.
    codes: [&'static str; 2],
    people: [Id; 2],
    cells: [Id; 2],
}

async fn records(app: &App) -> Records {
    let sys = Actor::system();
    let quiet = |_: &str, _: u64, _: u64| {};
    app.import(&sys, Kind::Units, "u.csv", UNITS.as_bytes(), &quiet).await.unwrap();
    app.import(&sys, Kind::People, "p.csv", PEOPLE.as_bytes(), &quiet).await.unwrap();
    app.import(&sys, Kind::Conferences, "c.csv", CONFS.as_bytes(), &quiet).await.unwrap();
    let unit = |code: &str| app.unit_by_code(&sys, code).unwrap().id;
    let (h, cells) = ([unit("H1"), unit("H2")], [unit("CB1"), unit("CB2")]);
    let mut people = [0; 2];
    for (i, name) in ["dang thi hoa", "tran van binh"].into_iter().enumerate() {
        people[i] = app.search_people(&sys, name, None, 1).await.unwrap()[0].id;
    }
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let mut ids: BTreeMap<Rec, [Id; 2]> = BTreeMap::new();
    // The cells: inside every account's scope (the member's is the first cell).
    ids.insert(Unit, cells);
    ids.insert(Person, people);
    let mut confs = [0; 2];
    for i in 0..2 {
        confs[i] = app.conferences_of(&sys, cells[i], d(2024, 1, 1), d(2024, 12, 31)).await.unwrap()[0].id;
    }
    ids.insert(Conference, confs);
    let mut movements = [0; 2];
    let mut covenants = [0; 2];
    let mut tasks = [0; 2];
    let mut plans = [0; 2];
    let mut registrations = [0; 2];
    let mut users = [0; 2];
    let mut models = [0; 2];
    for i in 0..2 {
        let model = serde_json::json!({
            "code": format!("MH-{i}"), "name": "Mô hình", "kind": "mo_hinh", "unit": format!("CB{}", i + 1),
            "registered_on": "2025-01-01", "status": "registered",
        });
        models[i] = app.save_record(&sys, &lamtheo_domain::records::models::MODELS, &model).await.unwrap();
        app.default_indicator_form(&sys, cells[i], &[format!("CB{}", i + 1)]).await.unwrap();
        // A published article whose address is the side's code (lower case), for the column.
        let article = serde_json::json!({
            "code": format!("cb{}", i + 1), "title": "Bài", "body": "Nội dung", "unit": format!("CB{}", i + 1),
            "status": "published", "published_on": "2025-01-01",
        });
        app.save_record(&sys, &lamtheo_domain::records::articles::ARTICLES, &article).await.unwrap();
        let m = lamtheo_domain::emulation::Movement {
            id: 0,
            unit_id: h[i],
            title: "Thi đua".into(),
            from_date: d(2025, 1, 1),
            to_date: d(2025, 12, 31),
            expected: lamtheo_domain::emulation::Expected::Everyone,
        };
        movements[i] = app.create_movement(&sys, m).await.unwrap();
        registrations[i] = app.register(&sys, movements[i], people[i], "Cam kết", d(2025, 2, 1)).await.unwrap();
        let groups = vec![lamtheo_domain::covenant::ContentGroup { title: "Nhóm".into(), max_score: 20 }];
        let c =
            lamtheo_domain::covenant::Campaign {
                id: 0, unit_id: h[i], title: "Giao ước".into(), year: 2025, groups
            };
        covenants[i] = app.create_covenant(&sys, c, &[cells[i]]).await.unwrap();
        let task = lamtheo_domain::tasks::BreakthroughTask {
            id: 0,
            unit_id: cells[i],
            from_year: 2025,
            to_year: 2025,
            title: "Nhiệm vụ".into(),
            field: String::new(),
            responsible: String::new(),
            status: lamtheo_domain::tasks::TaskStatus::Planned,
            result: String::new(),
        };
        tasks[i] = app.add_task(&sys, task).await.unwrap();
        let owner = Actor { person_id: Some(people[i]), role: Role::Member, scope: Some(cells[i]), ..sys.clone() };
        plans[i] =
            app.save_own_plan(&owner, lamtheo_domain::plans::PlanKind::YearPlan, 2025, "Kế hoạch", true).await.unwrap();
        let user = NewUser {
            username: format!("khac-{i}"),
            password: PASSWORD.into(),
            role: Role::ReadOnly,
            scope_unit_id: Some(h[i]),
            person_id: None,
        };
        users[i] = app.add_user(&sys, user).await.unwrap();
    }
    ids.insert(Movement, movements);
    ids.insert(Covenant, covenants);
    ids.insert(Task, tasks);
    ids.insert(Plan, plans);
    ids.insert(Registration, registrations);
    ids.insert(User, users);
    ids.insert(Model, models);
    // Each district asks its cell for its 2023 report, which is submitted and approved.
    let (mut requests, mut reports, mut documents, mut locks) = ([0; 2], [0; 2], [0; 2], [0; 2]);
    for i in 0..2 {
        use lamtheo_domain::period::{Month, Period};
        let new = lamtheo_app::report::workflow::NewRequest {
            title: "Tổng kết năm 2023".into(),
            period: Period::new(Month::new(2023, 1), Month::new(2023, 12)),
            deadline: d(2024, 1, 15),
            recipients: vec![format!("CB{}", i + 1)],
            outline: None,
            copy_of: None,
        };
        requests[i] = app.create_request(&sys, h[i], new).await.unwrap();
        reports[i] = app.open_report(&sys, requests[i], cells[i]).await.unwrap().id;
        documents[i] = app.submit_report(&sys, reports[i], ("Bí thư", "Người ký")).await.unwrap().id;
        app.decide_report(&sys, reports[i], true, "").await.unwrap();
        locks[i] = app.locks_of(&sys, cells[i]).await.unwrap()[0].id;
    }
    ids.insert(Request, requests);
    ids.insert(Report, reports);
    ids.insert(Document, documents);
    ids.insert(Lock, locks);
    Records { ids, codes: ["CB1", "CB2"], people, cells }
}

struct Res {
    status: StatusCode,
    body: String,
}

async fn call(router: &Router, req: Request<Body>) -> Res {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 10 << 20).await.unwrap();
    Res { status, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// Logs in and returns (cookie header, csrf token).
async fn login(router: &Router, user: &str) -> (String, String) {
    // The login form carries its own CSRF token: a cookie and a hidden field.
    let form = call(router, Request::get("/login").body(Body::empty()).unwrap()).await;
    let login_csrf = form.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap();
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("lt_login={login_csrf}"))
        .body(Body::from(format!("username={user}&password={PASSWORD}&csrf={login_csrf}")))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login {user}");
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let page =
        call(router, Request::get("/account").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    let csrf = page.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (cookie, csrf)
}

/// The request of a matrix line for a record (`side` 0: inside H1, 1: outside).
fn request(method: &str, path: &str, rule: Rule, r: &Records, side: usize, cookie: &str, csrf: &str) -> Request<Body> {
    let rec = match rule {
        Read(_, rec) | Form(_, rec) | Write(_, rec, _) => Some(rec),
        _ => None,
    };
    let id = rec.map(|rec| r.ids[&rec][side]).unwrap_or(0);
    let fill = |s: &str| {
        s.replace("{id}", &id.to_string())
            .replace("{unit}", &r.cells[side].to_string())
            .replace("{person}", &r.people[side].to_string())
            .replace("{code}", r.codes[side])
    };
    // A `{kind}` is an import kind, or a record kind on the records' routes.
    let kind = if path.contains("/records/") { "models" } else { "tasks" };
    let mut uri = fill(path)
        .replace("{code}", "vi")
        .replace("/static/{file}", "/static/forms.js")
        .replace("{file}", "tasks.csv")
        .replace("{kind}", kind)
        .replace("{format}", "pdf")
        .replace("{version}", "1")
        .replace("{token}", "1");
    // Routes whose record is in the query.
    let unit = r.ids[&Unit][side];
    if path.ends_with("/exports/{kind}") || path.ends_with("/exports/{file}") {
        uri = format!("{}?unit={unit}&year=2025", uri.replace("tasks.csv", "tasks.xlsx"));
    } else if matches!(path, "/people" | "/api/v1/people") {
        uri = format!("{uri}?unit={unit}");
    } else if path == "/units/search" {
        uri = format!("{uri}?q=ap");
    } else if path == "/api/v1/movements/{id}/report" {
        uri = format!("{uri}?unit={}", r.cells[side]);
    } else if path == "/api/v1/units/{id}/evaluations" {
        uri = format!("{uri}?year=2024");
    } else if path.starts_with("/api/v1/units/{id}/indicators") && method == "GET" {
        uri = format!("{uri}?form=BM-TUYENTRUYEN-{}&period=Q2/2025", r.codes[side]);
    } else if path == "/api/v1/imports/{kind}" {
        uri = format!("{uri}?file=t.csv");
    }
    let api = path.starts_with("/api/");
    let body = match rule {
        Write(_, _, b) | WriteRole(_, b) | Root(_, b) => fill(b),
        Import => format!("Mã đơn vị,Từ năm,Tên nhiệm vụ\nCB{},2025,Lén\n", side + 1),
        _ => String::new(),
    };
    let mut req = Request::builder().method(method).uri(uri).header(header::COOKIE, cookie);
    if method != "GET" {
        req = req.header("x-csrf-token", csrf);
    }
    if method == "GET" {
        return req.body(Body::empty()).unwrap();
    }
    if path == "/imports" {
        let boundary = "XyZ";
        let part = |name: &str, extra: &str, value: &str| {
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n{value}\r\n")
        };
        let multipart = format!(
            "{}{}{}--{boundary}--\r\n",
            part("csrf", "", csrf),
            part("kind", "", "tasks"),
            part("file", "; filename=\"t.csv\"", &body)
        );
        return req
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(multipart))
            .unwrap();
    }
    if api {
        let kind = if path.starts_with("/api/v1/imports") { "text/csv" } else { "application/json" };
        return req.header(header::CONTENT_TYPE, kind).body(Body::from(body)).unwrap();
    }
    let body = if body.is_empty() { format!("csrf={csrf}") } else { format!("csrf={csrf}&{body}") };
    req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body)).unwrap()
}

/// What the rights table says a role gets; None: the request is not sent (a write the
/// role may make, which the service's tests prove, or an own or public one that would end
/// the session or change the account: `http.rs` covers those).
fn expected(method: &str, rule: Rule, role: Role, side: usize) -> Option<Vec<StatusCode>> {
    use StatusCode as S;
    // An administrator without a scope unit reaches everything.
    let inside = side == 0 || role == Role::Admin;
    Some(match rule {
        Public | Own if method != "GET" => return None,
        Public | Own => vec![S::OK, S::SEE_OTHER],
        Mine if role == Role::Member => vec![S::OK],
        Mine => vec![S::FORBIDDEN],
        Unknown => vec![S::NOT_FOUND],
        // Outside the scope a refused role may learn nothing either: "not found" will do.
        List(res) => vec![if role.can_read(res) { S::OK } else { S::FORBIDDEN }],
        Read(res, _) if !role.can_read(res) && inside => vec![S::FORBIDDEN],
        Read(res, _) if !role.can_read(res) => vec![S::FORBIDDEN, S::NOT_FOUND],
        Form(res, _) if !role.can_write(res) && inside => vec![S::FORBIDDEN],
        Read(_, _) | Form(_, _) if inside => vec![S::OK],
        Form(res, _) if !role.can_write(res) => vec![S::FORBIDDEN, S::NOT_FOUND],
        Read(_, _) | Form(_, _) => vec![S::NOT_FOUND],
        // Any account linked to a person registers itself.
        Write(_, Movement, _) if role == Role::Member && side == 0 => return None,
        Write(res, _, _) | WriteRole(res, _) if !role.can_write(res) && inside => vec![S::FORBIDDEN],
        Write(res, _, _) if !role.can_write(res) => vec![S::FORBIDDEN, S::NOT_FOUND],
        WriteRole(res, _) if !role.can_write(res) => vec![S::FORBIDDEN],
        Write(_, _, _) if inside => return None,
        Write(_, _, _) => vec![S::NOT_FOUND],
        WriteRole(_, _) => return None,
        // The administrator of the whole tree may (scoped accounts here are at a district).
        Root(res, _) if role.can_write(res) && role == Role::Admin => return None,
        Root(_, _) => vec![S::FORBIDDEN],
        // A file naming the other district: refused row by row (422) by the API; the page
        // starts a job that fails (303).
        Import if !inside => vec![S::FORBIDDEN, S::UNPROCESSABLE_ENTITY, S::SEE_OTHER],
        Import => return None,
    })
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_rights_table_says() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let r = records(&app).await;
        let router = lamtheo_web::router(app.clone(), false);
        let sys = Actor::system();
        let mut failures = Vec::new();
        for role in Role::ALL {
            // Every account scoped at the first district (an administrator at none); the
            // member is the first cell's person.
            let name = format!("u-{}", role.as_str());
            let member = role == Role::Member;
            let user = NewUser {
                username: name.clone(),
                password: PASSWORD.into(),
                role,
                scope_unit_id: if role == Role::Admin {
                    None
                } else if member {
                    Some(r.cells[0])
                } else {
                    Some(r.ids[&Unit][0])
                },
                person_id: member.then_some(r.people[0]),
            };
            app.add_user(&sys, user).await.unwrap();
            let (cookie, csrf) = login(&router, &name).await;
            for (method, path, rule) in MATRIX {
                for side in 0..2 {
                    let Some(want) = expected(method, *rule, role, side) else { continue };
                    let res = call(&router, request(method, path, *rule, &r, side, &cookie, &csrf)).await;
                    if !want.contains(&res.status) {
                        let side = ["inside", "outside"][side];
                        // The error's English message (JSON) or the page's heading.
                        let body = res.body.split("\"message_en\":").nth(1).or_else(|| res.body.split("<h1>").nth(1));
                        let body: String = body.unwrap_or("").chars().take(100).collect();
                        failures.push(format!(
                            "{engine} {role:?} {method} {path} ({side}): {}, want {want:?}: {body}",
                            res.status
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} answers differ from the rights table:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

/// The same-site links (`href="/…"`) and the actions of POST forms on a page.
fn links_and_forms(html: &str) -> (Vec<String>, Vec<String>) {
    let attr = |name: &str| -> Vec<String> {
        html.split(name).skip(1).filter_map(|rest| rest.split('"').next()).map(|v| v.replace("&amp;", "&")).collect()
    };
    let links = attr("href=\"").into_iter().filter(|l| l.starts_with('/') && !l.starts_with("/static/")).collect();
    let forms = html
        .split("<form")
        .skip(1)
        .filter(|f| f.split('>').next().is_some_and(|tag| tag.contains("method=\"post\"")))
        .filter_map(|f| f.split("action=\"").nth(1).and_then(|a| a.split('"').next()).map(str::to_string))
        .collect();
    (links, forms)
}

#[tokio::test]
async fn pages_show_no_link_or_button_the_account_cannot_use() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let r = records(&app).await;
        let router = lamtheo_web::router(app.clone(), false);
        let sys = Actor::system();
        let (cell, district) = (r.cells[0], r.ids[&Unit][0]);
        let pages = [
            "/".to_string(),
            format!("/units/{cell}"),
            format!("/units/{cell}/evaluations"),
            format!("/movements/{}?unit={cell}", r.ids[&Movement][0]),
            format!("/covenants/{}", r.ids[&Covenant][0]),
            format!("/conferences/{}", r.ids[&Conference][0]),
            "/movements".into(),
            "/covenants".into(),
            "/topics".into(),
        ];
        let mut failures = Vec::new();
        for role in Role::ALL {
            let name = format!("x-{}", role.as_str());
            let member = role == Role::Member;
            let user = NewUser {
                username: name.clone(),
                password: PASSWORD.into(),
                role,
                scope_unit_id: Some(if member { cell } else { district }),
                person_id: member.then_some(r.people[0]),
            };
            app.add_user(&sys, user).await.unwrap();
            let (cookie, _) = login(&router, &name).await;
            let get = |uri: String| Request::get(uri).header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
            for page in &pages {
                let res = call(&router, get(page.clone())).await;
                if !matches!(res.status, StatusCode::OK | StatusCode::SEE_OTHER) {
                    failures.push(format!("{engine} {role:?} {page}: {}", res.status));
                    continue;
                }
                let (links, forms) = links_and_forms(&res.body);
                for link in links.into_iter().filter(|l| !l.starts_with("/lang/")) {
                    let status = call(&router, get(link.clone())).await.status;
                    if status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
                        failures.push(format!("{engine} {role:?} {page}: a link to {link} answers {status}"));
                    }
                }
                // Accounts that change nothing see no form that changes anything.
                if matches!(role, Role::Inspector | Role::ReadOnly) {
                    for action in forms.iter().filter(|a| *a != "/logout") {
                        failures.push(format!("{engine} {role:?} {page}: a form posts to {action}"));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} links or buttons that cannot be used:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[tokio::test]
async fn a_signatory_records_its_signature_on_the_page_and_the_pilot_mark_stays() {
    for (engine, url) in lamtheo_store::testing::fresh_databases().await {
        let app = App::open(&url).await.unwrap();
        let r = records(&app).await;
        let router = lamtheo_web::router(app.clone(), false);
        let sys = Actor::system();
        // The first district's covenant, its cell marked a pilot by the organiser.
        let (covenant, cell) = (r.ids[&Covenant][0], r.cells[0]);
        let pilot = lamtheo_domain::covenant::Signatory { unit_id: cell, signed_on: None, pilot: true };
        app.sign_covenant(&sys, covenant, pilot).await.unwrap();
        let user = NewUser {
            username: "bt-ap1".into(),
            password: PASSWORD.into(),
            role: Role::Secretary,
            scope_unit_id: Some(cell),
            person_id: None,
        };
        app.add_user(&sys, user).await.unwrap();
        let (cookie, csrf) = login(&router, "bt-ap1").await;
        let page = Request::get(format!("/covenants/{covenant}")).header(header::COOKIE, &cookie).body(Body::empty());
        let page = call(&router, page.unwrap()).await;
        assert!(!page.body.contains("name=\"pilot\""), "{engine}: the cell's secretary is offered the pilot box");
        let req = Request::post(format!("/covenants/{covenant}/sign"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&unit_id={cell}&signed_on=01/03/2025")))
            .unwrap();
        let res = call(&router, req).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{engine}: {}", res.body);
        let report = app.covenant_report(&sys, covenant).await.unwrap();
        assert_eq!((report.signed, report.pilots), (1, 1), "{engine}");
    }
}
