//! The OpenAPI 3.1 document of /api/v1, written from one table of the routes so that it
//! stays short and in step with `api::router` (a test checks every route is listed).
use axum::Json;
use lamtheo_importer::Kind;
use serde_json::{json, Map, Value};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// (method, path, summary, request body schema, query parameters; a name ending in `!` is
/// required)
type Operation = (&'static str, &'static str, &'static str, Option<&'static str>, &'static [&'static str]);

pub const OPERATIONS: &[Operation] = &[
    ("get", "/me", "Who am I (user, role, scope)", None, &[]),
    ("get", "/tokens", "The caller's API tokens (never their secrets)", None, &[]),
    ("post", "/tokens", "Make an API token for the caller; the secret is in this answer only", Some("Token"), &[]),
    ("delete", "/tokens/{id}", "Revoke one of the caller's API tokens", None, &[]),
    ("get", "/me/page", "The caller's own record, plans, commitments and attendance (member accounts)", None, &[]),
    ("put", "/me/plans", "Write or submit the caller's own plan or commitment", Some("PlanInput"), &[]),
    ("post", "/plans/{id}/review", "Acknowledge or return a submitted plan (the cell)", Some("PlanReview"), &[]),
    ("get", "/units/{id}/plans", "A unit's members with their plans and commitments of a year", None, &["year"]),
    (
        "get",
        "/units/{id}/tasks",
        "Breakthrough tasks: the unit's own, and by level over the subtree",
        None,
        &["from", "to", "as_of"],
    ),
    ("post", "/units/{id}/tasks", "Add a breakthrough task to a unit", Some("Task"), &[]),
    ("put", "/tasks/{id}", "Change a breakthrough task (status, result…)", Some("Task"), &[]),
    (
        "get",
        "/rating-levels",
        "Rating scales and their levels (data: QĐ 124, QĐ 366 with scores, older scales)",
        None,
        &[],
    ),
    (
        "post",
        "/evaluations",
        "Record ratings of people or units (a score on a scored scale decides the level)",
        Some("Evaluations"),
        &[],
    ),
    (
        "get",
        "/units/{id}/evaluations",
        "Distribution by level and share rated good or better, by group, with the 20% rule's warning",
        None,
        &["year!", "quarter", "as_of"],
    ),
    ("get", "/covenants", "Emulation covenants visible to the caller", None, &[]),
    (
        "post",
        "/covenants",
        "Organise a covenant: content groups with maximum scores, signatory units",
        Some("Covenant"),
        &[],
    ),
    ("get", "/covenants/{id}", "Signed/expected, average, score bands and the ranking table", None, &[]),
    ("post", "/covenants/{id}/sign", "Record a unit's signature (date, pilot)", Some("Signatory"), &[]),
    (
        "post",
        "/covenants/{id}/scores",
        "Score signatories per content group (the organiser)",
        Some("CovenantScores"),
        &[],
    ),
    ("get", "/movements", "Emulation movements visible to the caller", None, &[]),
    ("post", "/movements", "Launch an emulation movement", Some("Movement"), &[]),
    (
        "get",
        "/movements/{id}/report",
        "Registered / expected over a unit's subtree, members and non-members, monthly reviews",
        None,
        &["unit!", "as_of"],
    ),
    (
        "post",
        "/movements/{id}/registrations",
        "Register a person (oneself, or someone in scope)",
        Some("Registration"),
        &[],
    ),
    (
        "post",
        "/registrations/{id}/reviews",
        "The cell's monthly review of a registration",
        Some("RegistrationReview"),
        &[],
    ),
    ("get", "/units", "Find units in scope by name or code (accents ignored), or by exact code", None, &["q", "code"]),
    ("post", "/units", "Create a unit", Some("NewUnit"), &[]),
    ("post", "/units/merge", "Merge units into a new or existing unit on a date", Some("Merge"), &[]),
    ("post", "/units/split", "Split a unit, reassigning members and children", Some("SplitPlan"), &[]),
    ("get", "/units/{id}", "A unit as of a date, with its path and children", None, &["as_of"]),
    (
        "get",
        "/units/{id}/figures",
        "Participation figures for a period as of a date, by child unit, with topic completion",
        None,
        &["from", "to", "as_of"],
    ),
    ("get", "/units/{id}/lineage", "Lineage events of a unit", None, &[]),
    ("get", "/units/{id}/members", "Roster of a unit on a date", None, &["on"]),
    ("get", "/units/{id}/conferences", "Conferences held by a unit", None, &["from", "to"]),
    ("post", "/units/{id}/rename", "Rename a unit from a date", Some("Rename"), &[]),
    ("post", "/units/{id}/move", "Move a unit under another from a date", Some("Move"), &[]),
    ("post", "/units/{id}/close", "Close a unit on a date", Some("Close"), &[]),
    ("get", "/people", "Search people in scope (accents and đ/d ignored, Vietnamese order)", None, &["q", "unit"]),
    ("post", "/people", "Add a person with a membership", Some("NewPerson"), &[]),
    ("get", "/people/{id}", "A person with memberships", None, &[]),
    ("put", "/people/{id}", "Update a person", Some("Person"), &[]),
    ("post", "/people/{id}/transfer", "Transfer a person to another unit", Some("Transfer"), &[]),
    ("get", "/topics", "Study topics", None, &[]),
    ("post", "/topics", "Create a topic", Some("Topic"), &[]),
    ("get", "/docs", "Campaign documents", None, &[]),
    ("post", "/docs", "Create a campaign document", Some("CampaignDoc"), &[]),
    ("post", "/conferences", "Record a study conference", Some("Conference"), &[]),
    ("get", "/conferences/{id}", "A conference with points and attendance", None, &[]),
    ("put", "/conferences/{id}", "Change a conference", Some("Conference"), &[]),
    ("post", "/conferences/{id}/attendance", "Record attendance (a list of people)", Some("AttendanceList"), &[]),
    ("post", "/conferences/{id}/points", "Add or change a connection point", Some("Point"), &[]),
    (
        "post",
        "/imports/{kind}",
        "Import a .csv/.xlsx file (raw body); kind: units, people, conferences, attendance, points, plans, registrations, reviews, evaluations, covenant_units, covenant_scores, tasks",
        None,
        &["file!"],
    ),
    (
        "get",
        "/exports/{kind}",
        "Export as .xlsx in the import columns; kind: plans, evaluations, tasks (unit, year) or registrations, reviews (of = movement, unit), covenant_units, covenant_scores (of = covenant)",
        None,
        &["unit", "year", "of"],
    ),
    ("get", "/audit", "Audit log in scope, newest first", None, &["before", "who", "unit", "entity", "id", "from", "to"]),
    (
        "get",
        "/settings/study-share",
        "Share (per mille) of regular meetings with study content that makes a cell count",
        None,
        &[],
    ),
    ("put", "/settings/study-share", "Change that share", Some("StudyShare"), &[]),
];

fn schemas() -> Value {
    let date = json!({"type": "string", "format": "date", "example": "2025-07-01"});
    let id = json!({"type": "integer", "format": "int64"});
    let new_unit = json!({"type": "object", "required": ["code", "name", "kind", "opened_on"], "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string", "example": "chi_bo"}, "parent_id": id, "opened_on": date}});
    json!({
        "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "string", "enum": ["not_found", "forbidden", "unauthenticated", "invalid_input", "conflict", "csrf_failed", "rate_limited", "import_rejected", "internal", "too_large", "method_not_allowed", "timeout"]},
            "field": {"type": "string"}, "message": {"type": "string"}, "message_en": {"type": "string"}, "details": {"type": "array", "items": {"type": "string"}}}}}},
        "NewUnit": new_unit,
        "Merge": {"type": "object", "required": ["sources", "target", "on"], "properties": {
            "sources": {"type": "array", "items": id}, "on": date, "note": {"type": "string"},
            "target": {"oneOf": [{"type": "object", "properties": {"existing": id}}, {"type": "object", "properties": {"new": {"$ref": "#/components/schemas/NewUnit"}}}]}}},
        "SplitPlan": {"type": "object", "required": ["source", "on", "targets", "members"], "properties": {
            "source": id, "on": date, "targets": {"type": "array", "items": {"$ref": "#/components/schemas/NewUnit"}},
            "members": {"type": "array", "items": {"type": "array", "prefixItems": [id, {"type": "integer"}]}, "description": "[person id, target index]"},
            "children": {"type": "array", "items": {"type": "array", "prefixItems": [id, {"type": "integer"}]}}}},
        "Rename": {"type": "object", "required": ["name", "on"], "properties": {"name": {"type": "string"}, "on": date}},
        "Move": {"type": "object", "required": ["parent_id", "on"], "properties": {"parent_id": id, "on": date}},
        "Close": {"type": "object", "required": ["on"], "properties": {"on": date}},
        "Person": {"type": "object", "required": ["full_name"], "properties": {
            "person_code": {"type": "string"}, "card_no": {"type": "string"}, "full_name": {"type": "string"}, "gender": {"enum": ["male", "female"]},
            "birth_date": date, "ethnicity": {"type": "string"}, "is_member": {"type": "boolean"}, "admitted_on": date, "official_on": date,
            "position": {"type": "string"}, "key_cadre": {"type": "boolean"}, "head_of_unit": {"type": "boolean"}}},
        "NewPerson": {"allOf": [{"$ref": "#/components/schemas/Person"}, {"type": "object", "required": ["unit_id", "since"], "properties": {"unit_id": id, "since": date}}]},
        "Transfer": {"type": "object", "required": ["unit_id", "on"], "properties": {"unit_id": id, "on": date}},
        "Topic": {"type": "object", "required": ["code", "title", "year"], "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "year": {"type": "integer"}, "term_wide": {"type": "boolean"}, "deadline": date, "doc_id": id, "unit_id": {"type": "integer", "format": "int64", "description": "the issuing unit: the topic applies to its subtree only; left out: the whole tree (root accounts only)"}}},
        "CampaignDoc": {"type": "object", "required": ["code", "title"], "properties": {"code": {"type": "string", "example": "01-KL/TW"}, "title": {"type": "string"}, "issued_on": date}},
        "Conference": {"type": "object", "required": ["unit_id", "held_on", "title"], "properties": {
            "code": {"type": "string"}, "unit_id": id, "held_on": date, "title": {"type": "string"}, "level": {"type": "string"}, "online": {"type": "boolean"},
            "others_count": {"type": "integer", "minimum": 0}, "unlisted_members": {"type": "integer", "minimum": 0}, "topic_ids": {"type": "array", "items": id},
            "regular_meeting": {"type": "boolean", "description": "a party cell's regular meeting"}, "study_content": {"type": "boolean", "description": "the meeting included studying and following Uncle Ho"}}},
        "AttendanceList": {"type": "array", "items": {"type": "object", "required": ["person_id", "status"], "properties": {
            "person_id": id, "status": {"enum": ["present", "excused", "absent"]}, "point_unit_id": id}}},
        "PlanInput": {"type": "object", "required": ["kind", "year", "content"], "properties": {
            "kind": {"enum": ["term_plan", "year_plan", "commitment"]}, "year": {"type": "integer"}, "content": {"type": "string"}, "submit": {"type": "boolean"}}},
        "PlanReview": {"type": "object", "required": ["acknowledge"], "properties": {"acknowledge": {"type": "boolean"}, "comment": {"type": "string"}}},
        "Task": {"type": "object", "required": ["unit_id", "from_year", "to_year", "title", "status"], "properties": {
            "unit_id": id, "from_year": {"type": "integer"}, "to_year": {"type": "integer"}, "title": {"type": "string"}, "field": {"type": "string"},
            "responsible": {"type": "string"}, "status": {"enum": ["planned", "in_progress", "done", "dropped"]}, "result": {"type": "string"}}},
        "Evaluations": {"type": "array", "items": {"type": "object", "required": ["subject", "subject_id", "year", "scale"], "properties": {
            "subject": {"enum": ["person", "unit"]}, "subject_id": id, "year": {"type": "integer"}, "quarter": {"type": "integer", "minimum": 0, "maximum": 4},
            "scale": {"type": "string", "example": "qd124"}, "level_code": {"type": "string"}, "score": {"type": "integer"}, "note": {"type": "string"}}}},
        "Movement": {"type": "object", "required": ["unit_id", "title", "from_date", "to_date", "expected"], "properties": {
            "unit_id": id, "title": {"type": "string"}, "from_date": date, "to_date": date, "expected": {"enum": ["key_cadres", "members", "everyone"]}}},
        "Registration": {"type": "object", "required": ["person_id", "content"], "properties": {"person_id": id, "content": {"type": "string"}}},
        "RegistrationReview": {"type": "object", "required": ["month", "met"], "properties": {"month": {"type": "string", "example": "3/2025"}, "met": {"type": "boolean"}, "comment": {"type": "string"}}},
        "Covenant": {"type": "object", "required": ["unit_id", "title", "year", "groups", "units"], "properties": {
            "unit_id": id, "title": {"type": "string"}, "year": {"type": "integer"},
            "groups": {"type": "array", "items": {"type": "object", "properties": {"title": {"type": "string"}, "max_score": {"type": "integer"}}}},
            "units": {"type": "array", "items": id}}},
        "Signatory": {"type": "object", "required": ["unit_id"], "properties": {"unit_id": id, "signed_on": date, "pilot": {"type": "boolean"}}},
        "CovenantScores": {"type": "array", "items": {"type": "object", "properties": {"unit_id": id, "group": {"type": "integer"}, "score": {"type": "integer"}}}},
        "Token": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "maxLength": 100}}},
        "StudyShare": {"type": "object", "required": ["permille"], "properties": {"permille": {"type": "integer", "minimum": 1, "maximum": 1000}}},
        "Point": {"type": "object", "required": ["unit_id"], "properties": {"unit_id": id, "others_count": {"type": "integer"}, "unlisted_members": {"type": "integer"}}},
    })
}

/// What a query parameter takes, by its name (and, for `from`/`to`, by the operation: the
/// figures take months, other lists days). Years are those the service accepts (`check_year`).
fn query_schema(path: &str, name: &str) -> Value {
    let months = path.ends_with("/figures") || path.ends_with("/tasks");
    match name {
        "from" | "to" if months => {
            json!({"type": "string", "pattern": "^(0?[1-9]|1[0-2])/20[0-9]{2}$", "example": "1/2025", "description": "month/year"})
        }
        "from" | "to" | "as_of" | "on" => {
            json!({"type": "string", "format": "date", "description": "2024-05-16 or 16/5/2024"})
        }
        "year" => json!({"type": "integer", "minimum": 2000, "maximum": 2100}),
        "quarter" => json!({"type": "integer", "minimum": 0, "maximum": 4, "description": "0: the whole year"}),
        "unit" if path == "/audit" => json!({"type": "string", "description": "a unit's code: its subtree"}),
        "before" | "id" | "of" | "unit" => id_schema(),
        _ => json!({"type": "string"}),
    }
}

fn id_schema() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": 1})
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for (method, path, summary, body, query) in OPERATIONS {
        let mut params: Vec<Value> = query
            .iter()
            .map(|q| {
                let (name, required) = q.strip_suffix('!').map_or((*q, false), |n| (n, true));
                json!({"name": name, "in": "query", "required": required, "schema": query_schema(path, name)})
            })
            .collect();
        if path.contains("{id}") {
            params.push(json!({"name": "id", "in": "path", "required": true, "schema": id_schema()}));
        }
        if path.contains("{kind}") {
            let kinds: &[Kind] = if path.starts_with("/exports") { Kind::EXPORTABLE } else { &Kind::ALL };
            let kinds: Vec<&str> = kinds.iter().map(|k| k.slug()).collect();
            params.push(json!({"name": "kind", "in": "path", "required": true, "schema": {"enum": kinds}}));
        }
        let mut op = json!({
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {}}},
                "default": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if path.starts_with("/exports") {
            op["responses"]["200"] = json!({"description": "The .xlsx file", "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}});
        }
        if let Some(schema) = body {
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        } else if path.starts_with("/imports") {
            op["requestBody"] = json!({"required": true, "content": {"application/octet-stream": {}}});
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "lamtheo API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh — tracking and roll-up API. Authenticate with `Authorization: Bearer <token>` (tokens are created on the account page)."},
        "servers": [{"url": "/api/v1"}],
        "components": {"schemas": schemas(), "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": paths,
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}
