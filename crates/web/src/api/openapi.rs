//! The OpenAPI 3.1 document of /api/v1, generated from the handlers themselves.
//!
//! Each operation is declared once, in `api::operations`: method, path, summary, handler.
//! The router is built from those declarations, and so is the document: an operation's
//! query parameters, request body and answer are read off its handler's argument and return
//! types (`Params<Q>`, `Body<B>`, a raw file body, `Answer<R>` or `Xlsx`), and their schemas
//! are derived (schemars) from the very types serde reads and writes, with the limits the
//! validation applies (lengths, patterns, ranges). Nothing about a route is written twice.
use std::future::Future;
use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::handler::Handler;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Json;
use lamtheo_importer::Kind;
use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

use super::{Body, Params};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiActor;
use crate::AppState;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One operation of the API: what the router serves and what the document says of it.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    summary: &'static str,
    pub route: MethodRouter<AppState>,
    describe: fn(&mut Description),
    /// The kinds of record a `{kind}` in the path takes.
    kinds: &'static [Kind],
}

impl Operation {
    fn new<H, T, A>(filter: MethodFilter, method: &'static str, path: &'static str, summary: &'static str, h: H) -> Self
    where
        H: Handler<T, AppState> + Described<A>,
        T: 'static,
    {
        Operation { method, path, summary, route: on(filter, h), describe: <H as Described<A>>::describe, kinds: &[] }
    }

    pub fn get<H: Handler<T, AppState> + Described<A>, T: 'static, A>(
        path: &'static str,
        summary: &'static str,
        h: H,
    ) -> Self {
        Self::new(MethodFilter::GET, "get", path, summary, h)
    }
    pub fn post<H: Handler<T, AppState> + Described<A>, T: 'static, A>(
        path: &'static str,
        summary: &'static str,
        h: H,
    ) -> Self {
        Self::new(MethodFilter::POST, "post", path, summary, h)
    }
    pub fn put<H: Handler<T, AppState> + Described<A>, T: 'static, A>(
        path: &'static str,
        summary: &'static str,
        h: H,
    ) -> Self {
        Self::new(MethodFilter::PUT, "put", path, summary, h)
    }
    pub fn delete<H: Handler<T, AppState> + Described<A>, T: 'static, A>(
        path: &'static str,
        summary: &'static str,
        h: H,
    ) -> Self {
        Self::new(MethodFilter::DELETE, "delete", path, summary, h)
    }

    /// The kinds of record the `{kind}` of the path takes.
    pub fn kinds(self, kinds: &'static [Kind]) -> Self {
        Operation { kinds, ..self }
    }

    /// The route changed (a layer added, say).
    pub fn map_route(self, f: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>) -> Self {
        Operation { route: f(self.route), ..self }
    }
}

/// What the document says of one operation, filled in by its handler's types.
pub struct Description {
    /// Requests are described as serde reads them, answers as serde writes them.
    reads: SchemaGenerator,
    writes: SchemaGenerator,
    query: Option<Value>,
    body: Option<Value>,
    answer: Option<Value>,
}

fn generator(contract: Contract) -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.inline_subschemas = true;
    settings.meta_schema = None;
    settings.contract = contract;
    settings.into_generator()
}

/// The schema of what serde reads as a `T`. serde reads a plain `Option` field left out as
/// `None`, so such a field is not required (schemars lists it as required but nullable).
fn as_read<T: JsonSchema>(reads: &mut SchemaGenerator) -> Value {
    fn optional_fields_not_required(v: &mut Value) {
        match v {
            Value::Object(o) => {
                if let (Some(Value::Object(props)), Some(Value::Array(required))) =
                    (o.get("properties"), o.get("required"))
                {
                    let nullable = |name: &Value| {
                        let t = name.as_str().and_then(|n| props.get(n)).map(|p| &p["type"]);
                        t.and_then(Value::as_array).is_some_and(|ts| ts.iter().any(|t| t == "null"))
                    };
                    let kept: Vec<Value> = required.iter().filter(|r| !nullable(r)).cloned().collect();
                    o.insert("required".into(), Value::Array(kept));
                }
                o.values_mut().for_each(optional_fields_not_required);
            }
            Value::Array(items) => items.iter_mut().for_each(optional_fields_not_required),
            _ => {}
        }
    }
    let mut schema = reads.subschema_for::<T>().to_value();
    optional_fields_not_required(&mut schema);
    bounded_integers(&mut schema);
    schema
}

/// The largest integer a JSON number holds exactly (2^53 - 1): no id or count comes near it.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Every integer a request may hold, within what its Rust type and a JSON number hold: the
/// bounds a schema leaves open are the type's (`i32`), or ±(2^53 - 1) for 64-bit ones.
fn bounded_integers(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.get("type")
                .is_some_and(|t| t == "integer" || t.as_array().is_some_and(|ts| ts.iter().any(|t| t == "integer")))
            {
                let (min, max) = match o.get("format").and_then(Value::as_str) {
                    Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
                    Some("uint32") => (0, i64::from(u32::MAX)),
                    Some(f) if f.starts_with('u') => (0, MAX_SAFE_INTEGER),
                    _ => (-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER),
                };
                o.entry("minimum").or_insert(min.into());
                o.entry("maximum").or_insert(max.into());
            }
            o.values_mut().for_each(bounded_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bounded_integers),
        _ => {}
    }
}

/// A handler argument's part in the document.
pub trait Arg {
    fn describe(_: &mut Description) {}
}
impl Arg for State<AppState> {}
impl Arg for ApiActor {}
impl<T> Arg for Path<T> {}
impl<T: JsonSchema> Arg for Params<T> {
    fn describe(d: &mut Description) {
        d.query = Some(as_read::<T>(&mut d.reads));
    }
}
impl<T: JsonSchema> Arg for Body<T> {
    fn describe(d: &mut Description) {
        let schema = as_read::<T>(&mut d.reads);
        d.body = Some(json!({"required": true, "content": {"application/json": {"schema": schema}}}));
    }
}
/// A raw body: an uploaded file.
impl Arg for axum::body::Body {
    fn describe(d: &mut Description) {
        d.body = Some(json!({"required": true, "description": "The file's bytes (.csv or .xlsx)",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}));
    }
}

/// A handler's answer in the document.
pub trait Answer {
    fn describe(d: &mut Description);
}
impl<T: JsonSchema> Answer for Result<Json<T>, ApiError> {
    fn describe(d: &mut Description) {
        let mut schema = d.writes.subschema_for::<T>().to_value();
        tuples_as_plain_arrays(&mut schema);
        d.answer = Some(json!({"description": "OK", "content": {"application/json": {"schema": schema}}}));
    }
}

/// A tuple in an answer (`[month, met, not met]`) as an array of any of its item types:
/// Schemathesis 4.32 cannot validate answers against `prefixItems` (schemathesis#3842), the
/// JSON Schema 2020-12 way of saying "these types in this order". Requests keep it.
fn tuples_as_plain_arrays(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(items)) = o.remove("prefixItems") {
                o.insert("items".into(), json!({"anyOf": items}));
            }
            o.values_mut().for_each(tuples_as_plain_arrays);
        }
        Value::Array(items) => items.iter_mut().for_each(tuples_as_plain_arrays),
        _ => {}
    }
}

/// An .xlsx file as an answer.
pub struct Xlsx(pub axum::response::Response);

impl axum::response::IntoResponse for Xlsx {
    fn into_response(self) -> axum::response::Response {
        self.0
    }
}
impl Answer for Result<Xlsx, ApiError> {
    fn describe(d: &mut Description) {
        d.answer = Some(
            json!({"description": "The .xlsx file", "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}),
        );
    }
}

/// A .pdf file as an answer.
pub struct Pdf(pub axum::response::Response);

impl axum::response::IntoResponse for Pdf {
    fn into_response(self) -> axum::response::Response {
        self.0
    }
}
impl Answer for Result<Pdf, ApiError> {
    fn describe(d: &mut Description) {
        d.answer = Some(
            json!({"description": "The .pdf file", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}),
        );
    }
}

/// Handlers whose arguments and answer the document can describe.
pub trait Described<Args> {
    fn describe(d: &mut Description);
}

macro_rules! described {
    ($($arg:ident),*) => {
        impl<F, Fut, $($arg,)*> Described<($($arg,)*)> for F
        where
            F: FnOnce($($arg),*) -> Fut,
            Fut: Future,
            Fut::Output: Answer,
            $($arg: Arg,)*
        {
            fn describe(d: &mut Description) {
                $(<$arg as Arg>::describe(d);)*
                <Fut::Output as Answer>::describe(d);
            }
        }
    };
}
described!();
described!(A1);
described!(A1, A2);
described!(A1, A2, A3);
described!(A1, A2, A3, A4);
described!(A1, A2, A3, A4, A5);

/// A query struct's fields as query parameters. `null` is what serde reads for a field left
/// out; a query string cannot send it.
fn query_parameters(schema: &Value) -> Vec<Value> {
    let required: Vec<&str> =
        schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else { return Vec::new() };
    properties
        .iter()
        .map(|(name, s)| {
            let mut s = s.clone();
            if let Some(types) = s["type"].as_array() {
                let types: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                s["type"] = if types.len() == 1 { types[0].clone() } else { Value::Array(types) };
            }
            let mut p =
                json!({"name": name, "in": "query", "required": required.contains(&name.as_str()), "schema": s});
            if let Some(d) = p["schema"].as_object_mut().and_then(|s| s.remove("description")) {
                p["description"] = d;
            }
            p
        })
        .collect()
}

fn operation(op: &Operation) -> Value {
    let mut d = Description {
        reads: generator(Contract::Deserialize),
        writes: generator(Contract::Serialize),
        query: None,
        body: None,
        answer: None,
    };
    (op.describe)(&mut d);
    let mut params = d.query.as_ref().map(query_parameters).unwrap_or_default();
    if op.path.contains("{id}") {
        params.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}}));
    }
    if op.path.contains("{version}") {
        params.push(json!({"name": "version", "in": "path", "required": true, "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 2147483647}}));
    }
    if op.method == "post" {
        params.push(json!({"name": "Idempotency-Key", "in": "header", "required": false,
            "description": "Names this submission: a repeat with the same key (within a day, to the same route, with the same body) answers with the first one's answer and records nothing; the same key with another body answers 409",
            "schema": {"type": "string", "minLength": 16, "maxLength": 128, "pattern": "^[A-Za-z0-9_-]+$"}}));
    }
    if op.path.contains("{kind}") {
        let kinds: Vec<&str> = op.kinds.iter().map(|k| k.slug()).collect();
        params
            .push(json!({"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": kinds}}));
    }
    let error = generator(Contract::Serialize).subschema_for::<ErrorBody>().to_value();
    let mut o = json!({
        "summary": op.summary,
        "parameters": params,
        "responses": {
            "200": d.answer,
            "default": {"description": "An error: its code, the field or parameter it concerns, the message in Vietnamese and English",
                        "content": {"application/json": {"schema": error}}}
        }
    });
    if let Some(body) = d.body {
        o["requestBody"] = body;
    }
    o
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for op in super::operations() {
        let entry = paths.entry(op.path.to_string()).or_insert_with(|| json!({}));
        entry[op.method] = operation(&op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "lamtheo API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh — tracking and roll-up API. Authenticate with `Authorization: Bearer <token>` (tokens are made on the account page or with `lamtheo token add`). Dates are read as 2024-05-16 or 16/5/2024 and written ISO. A request that breaks a rule about the records already stored (a unit that still has members, a plan not yet submitted) answers 409; a request whose values do not fit together (a period that ends before it starts) answers 422."},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": paths,
    })
}

/// The document is the same for the life of the process: built once.
pub async fn document() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(DOCUMENT.get_or_init(build).clone())
}
