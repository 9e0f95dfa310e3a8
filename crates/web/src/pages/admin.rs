//! Administration: accounts, unit kinds and their levels, and the audit log.
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use lamtheo_app::audit::{AuditNames, AuditQuery};
use lamtheo_app::auth::NewUser;
use lamtheo_app::tree::NewKind;
use lamtheo_domain::access::{Resource, Role};
use lamtheo_domain::{Error, Id};
use serde::Deserialize;

use super::{render, Ctx, PageResult};
use crate::i18n::Lang;
use crate::session::{Posted, Session};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/users/{id}", get(user_page).post(save_user))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/users/{id}/tokens/{token}/revoke", post(revoke_token))
        .route("/admin/kinds", get(kinds).post(add_kind))
        .route("/audit", get(audit))
}

pub struct UserRow {
    pub id: Id,
    pub username: String,
    pub role: String,
    pub scope: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    t: Lang,
    c: Ctx,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
}

async fn users(State(st): State<AppState>, s: Session) -> PageResult {
    let list = st.app.list_users(&s.actor).await.map_err(|e| s.fail(e))?;
    let today = st.app.today();
    let users = list
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            scope: u
                .scope_unit_id
                .and_then(|id| st.app.unit_view(&s.actor, id, today).ok())
                .map(|v| format!("{} ({})", v.name_on, v.unit.code))
                .unwrap_or_else(|| s.t.s("Toàn hệ thống", "Everything").into()),
            username: u.username,
            role: s.t.s(u.role.label_vi(), u.role.label_en()).to_string(),
            active: u.active,
        })
        .collect();
    let roles = Role::ALL.iter().map(|r| (r.as_str(), s.t.s(r.label_vi(), r.label_en()))).collect();
    render(s.t, UsersPage { t: s.t, c: Ctx::of(&s), users, roles })
}

#[derive(Deserialize)]
struct UserForm {
    username: String,
    password: String,
    role: String,
    #[serde(default)]
    scope_code: String,
}

async fn add_user(State(st): State<AppState>, p: Posted<UserForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let role =
        Role::parse(&f.role).ok_or_else(|| s.fail(Error::field("role", "Vai trò không hợp lệ", "Unknown role")))?;
    let scope = scope_of(&st, &s, &f.scope_code)?;
    st.app
        .add_user(
            &s.actor,
            NewUser { username: f.username, password: f.password, role, scope_unit_id: scope, person_id: None },
        )
        .await
        .map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    t: Lang,
    c: Ctx,
    user: lamtheo_store::users::User,
    roles: Vec<(&'static str, &'static str)>,
    scope_code: String,
    /// The linked person: (card number or identifier, name).
    person: Option<(String, String)>,
    /// (id, name, made on, revoked on).
    tokens: Vec<(Id, String, String, Option<String>)>,
    /// The temporary password just made, shown once.
    temporary: Option<String>,
}

/// An account: its role, scope and person to change, a password to reset, its API tokens.
async fn user_page(State(st): State<AppState>, Path(id): Path<Id>, s: Session) -> PageResult {
    show_user(&st, id, s, None).await
}

async fn show_user(st: &AppState, id: Id, s: Session, temporary: Option<String>) -> PageResult {
    let app = &st.app;
    let user = app.user(&s.actor, id).await.map_err(|e| s.fail(e))?;
    let scope_code = match user.scope_unit_id {
        Some(u) => app.unit_view(&s.actor, u, app.today()).map(|v| v.unit.code).unwrap_or_default(),
        None => String::new(),
    };
    let person = match user.person_id {
        Some(p) => app
            .person(&s.actor, p)
            .await
            .ok()
            .map(|v| (v.person.natural_key().unwrap_or_default().to_string(), v.person.full_name)),
        None => None,
    };
    let tokens = app
        .user_tokens(&s.actor, id)
        .await
        .map_err(|e| s.fail(e))?
        .into_iter()
        .map(|t| {
            (t.id, t.name, crate::fmt::moment(s.t, t.created_at), t.revoked_at.map(|r| crate::fmt::moment(s.t, r)))
        })
        .collect();
    let roles = Role::ALL.iter().map(|r| (r.as_str(), s.t.s(r.label_vi(), r.label_en()))).collect();
    render(s.t, UserPage { t: s.t, c: Ctx::of(&s), user, roles, scope_code, person, tokens, temporary })
}

#[derive(Deserialize)]
struct AccessForm {
    role: String,
    #[serde(default)]
    scope_code: String,
    /// The person's card number or identifier; empty: none.
    #[serde(default)]
    person: String,
}

async fn save_user(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<AccessForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let app = &st.app;
    let role =
        Role::parse(&f.role).ok_or_else(|| s.fail(Error::field("role", "Vai trò không hợp lệ", "Unknown role")))?;
    let scope = scope_of(&st, &s, &f.scope_code)?;
    let person = match f.person.trim() {
        "" => None,
        key => Some(
            app.person_by_key(&s.actor, key)
                .await
                .map_err(|e| s.fail(e))?
                .ok_or_else(|| {
                    s.fail(Error::field(
                        "person",
                        format!("Không có người có số thẻ hay mã định danh «{key}» trong phạm vi của bạn"),
                        format!("No person with card number or identifier «{key}» in your scope"),
                    ))
                })?
                .id,
        ),
    };
    app.set_user_access(&s.actor, id, role, scope, person).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

/// A new temporary password, shown once on the account's page.
async fn reset_password(
    State(st): State<AppState>,
    Path(id): Path<Id>,
    p: Posted<HashMap<String, String>>,
) -> PageResult {
    let s = p.session;
    let temporary = st.app.reset_password(&s.actor, id).await.map_err(|e| s.fail(e))?;
    show_user(&st, id, s, Some(temporary)).await
}

async fn revoke_token(
    State(st): State<AppState>,
    Path((id, token)): Path<(Id, Id)>,
    p: Posted<HashMap<String, String>>,
) -> PageResult {
    let s = p.session;
    st.app.revoke_user_token(&s.actor, id, token).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

/// An account's scope unit by its code on the form (empty: the whole tree).
fn scope_of(st: &AppState, s: &Session, code: &str) -> Result<Option<Id>, crate::error::WebError> {
    match code.trim() {
        "" => Ok(None),
        code => st.app.unit_by_code(&s.actor, code).map(|u| Some(u.id)).map_err(|_| {
            s.fail(Error::field(
                "scope_code",
                format!("Không có đơn vị mã «{code}» trong phạm vi của bạn"),
                format!("No unit with code «{code}» in your scope"),
            ))
        }),
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
}

async fn set_active(State(st): State<AppState>, Path(id): Path<Id>, p: Posted<ActiveForm>) -> PageResult {
    let s = p.session;
    st.app.set_user_active(&s.actor, id, p.form.active == "1").await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// A unit kind as the kinds page lists it.
pub struct KindRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub level: String,
    pub party: bool,
}

#[derive(Template)]
#[template(path = "kinds.html")]
struct KindsPage {
    t: Lang,
    c: Ctx,
    kinds: Vec<KindRow>,
    /// (code, name) of each level, from the top down, for the form.
    levels: Vec<(String, String)>,
    /// The form to add a kind: for an administrator of the whole tree.
    can_add: bool,
}

/// The unit kinds with their levels (the top level first), and the form to add one.
async fn kinds(State(st): State<AppState>, s: Session) -> PageResult {
    if !s.actor.role.can_read(Resource::Users) {
        return Err(s.fail(Error::forbidden()));
    }
    let t = s.t;
    let levels = st.app.levels().await.map_err(|e| s.fail(e))?;
    let mut kinds = st.app.kinds().await.map_err(|e| s.fail(e))?;
    // By level, in the kinds' own order within each (a stable sort keeps it).
    kinds.sort_by_key(|k| levels.iter().position(|l| l.code == k.level).unwrap_or(levels.len()));
    let kinds = kinds
        .into_iter()
        .map(|k| KindRow {
            level: levels
                .iter()
                .find(|l| l.code == k.level)
                .map_or_else(|| k.level.clone(), |l| t.s(&l.name_vi, &l.name_en).to_string()),
            code: k.code,
            name_vi: k.name_vi,
            name_en: k.name_en,
            party: k.party,
        })
        .collect();
    let levels = levels.iter().map(|l| (l.code.clone(), t.s(&l.name_vi, &l.name_en).to_string())).collect();
    let can_add = st.app.check_everyone(&s.actor, Resource::Users).is_ok();
    render(t, KindsPage { t, c: Ctx::of(&s), kinds, levels, can_add })
}

#[derive(Deserialize)]
struct KindForm {
    code: String,
    name_vi: String,
    #[serde(default)]
    name_en: String,
    level: String,
    /// A ticked box sends "1"; an unticked one nothing.
    #[serde(default)]
    party: String,
}

async fn add_kind(State(st): State<AppState>, p: Posted<KindForm>) -> PageResult {
    let (s, f) = (p.session, p.form);
    let kind =
        NewKind { code: f.code, name_vi: f.name_vi, name_en: f.name_en, level: f.level, party: !f.party.is_empty() };
    st.app.add_kind(&s.actor, kind).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to("/admin/kinds").into_response())
}

/// The audit page's filters, as typed (every one optional); parsed with errors naming them.
#[derive(Deserialize, Default)]
struct AuditParams {
    #[serde(default)]
    who: String,
    /// A unit's code: its subtree.
    #[serde(default)]
    unit: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    before: String,
}

const AUDIT_PAGE: i64 = 100;

fn id_param(field: &str, s: &str) -> Result<Option<Id>, Error> {
    match s.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| Error::field(field, format!("«{v}» không phải một số"), format!("«{v}» is not a number"))),
    }
}

fn date_param(field: &str, s: &str) -> Result<Option<chrono::NaiveDate>, Error> {
    match s.trim() {
        "" => Ok(None),
        v => crate::fmt::parse_date(field, v).map(Some),
    }
}

/// Kinds of record the log knows, for the filter and the "what" column (import files are
/// named after their kind, which is plural).
const ENTITIES: &[(&str, &str, &str)] = &[
    ("unit", "Đơn vị", "Unit"),
    ("unit_kind", "Loại đơn vị", "Unit kind"),
    ("person", "Người", "Person"),
    ("conference", "Hội nghị", "Conference"),
    ("covenant", "Giao ước", "Covenant"),
    ("user", "Tài khoản", "Account"),
    ("api_token", "Khóa API", "API token"),
    ("personal_plan", "Kế hoạch cá nhân", "Personal plan"),
    ("emulation_movement", "Phong trào thi đua", "Emulation movement"),
    ("emulation_registration", "Đăng ký thi đua", "Emulation registration"),
    ("evaluation", "Xếp loại", "Rating"),
    ("breakthrough_task", "Nhiệm vụ đột phá", "Breakthrough task"),
    ("topic", "Chuyên đề", "Topic"),
    ("campaign_doc", "Văn bản", "Document"),
    ("setting", "Cài đặt", "Setting"),
    ("units", "Tệp đơn vị", "Units file"),
    ("people", "Tệp nhân sự", "People file"),
    ("conferences", "Tệp hội nghị", "Conferences file"),
    ("points", "Tệp điểm cầu", "Connection points file"),
    ("attendance", "Tệp điểm danh", "Attendance file"),
    ("personal_plans", "Tệp kế hoạch cá nhân", "Personal plans file"),
    ("emulation_registrations", "Tệp đăng ký thi đua", "Registrations file"),
    ("emulation_reviews", "Tệp đánh giá hằng tháng", "Monthly reviews file"),
    ("evaluations", "Tệp xếp loại", "Ratings file"),
    ("covenant_signatories", "Tệp đơn vị ký giao ước", "Covenant signatories file"),
    ("covenant_scores", "Tệp điểm giao ước", "Covenant scores file"),
    ("breakthrough_tasks", "Tệp nhiệm vụ đột phá", "Breakthrough tasks file"),
    ("report", "Báo cáo", "Report"),
    ("report_request", "Yêu cầu báo cáo", "Report request"),
    ("period_lock", "Khóa số liệu kỳ báo cáo", "Period lock"),
    ("congress", "Đại hội", "Congress"),
    ("image", "Hình ảnh", "Image"),
    ("token", "Khóa API", "API token"),
];

const ACTIONS: &[(&str, &str, &str)] = &[
    ("create", "Tạo mới", "Created"),
    ("update", "Sửa", "Changed"),
    ("delete", "Xóa", "Deleted"),
    ("submit", "Gửi", "Submitted"),
    ("return", "Trả lại", "Returned"),
    ("approve", "Duyệt", "Approved"),
    ("restore", "Khôi phục", "Restored"),
    ("lock", "Khóa số liệu", "Locked"),
    ("unlock", "Mở khóa số liệu", "Unlocked"),
    ("remind", "Nhắc", "Reminded"),
    ("reset_password", "Đặt lại mật khẩu", "Reset the password"),
    ("import", "Nhập tệp", "Imported a file"),
    ("import_row", "Nhập từ tệp", "Imported row"),
    ("attendance", "Điểm danh", "Attendance"),
    ("set_point", "Điểm cầu", "Connection point"),
    ("change_password", "Đổi mật khẩu", "Changed password"),
    ("revoke", "Thu hồi", "Revoked"),
    ("activate", "Mở lại", "Reactivated"),
    ("deactivate", "Khóa", "Deactivated"),
    ("rename", "Đổi tên", "Renamed"),
    ("move", "Chuyển cấp trên", "Moved"),
    ("close", "Giải thể", "Closed"),
    ("merge", "Hợp nhất", "Merged"),
    ("split", "Chia tách", "Split"),
    ("transfer", "Chuyển sinh hoạt", "Transferred"),
    ("post", "Thay đổi chức vụ", "Changed post"),
    ("register", "Đăng ký", "Registered"),
    ("review", "Đánh giá", "Reviewed"),
    ("evaluate", "Xếp loại", "Rated"),
    ("sign", "Ký", "Signed"),
    ("score", "Chấm điểm", "Scored"),
];

/// Field names in before/after, in the page's language (others show as they are stored).
const FIELDS: &[(&str, &str, &str)] = &[
    ("username", "tên đăng nhập", "username"),
    ("role", "vai trò", "role"),
    ("scope_unit_id", "phạm vi", "scope"),
    ("unit_id", "đơn vị", "unit"),
    ("parent_id", "cấp trên", "parent"),
    ("point_unit_id", "điểm cầu", "connection point"),
    ("person_id", "người", "person"),
    ("conference_id", "hội nghị", "conference"),
    ("user_id", "tài khoản", "account"),
    ("code", "mã", "code"),
    ("name", "tên", "name"),
    ("name_vi", "tên", "name"),
    ("name_en", "tên tiếng Anh", "English name"),
    ("level", "cấp", "level"),
    ("party", "tổ chức đảng", "party organisation"),
    ("full_name", "họ và tên", "full name"),
    ("title", "tiêu đề", "title"),
    ("status", "trạng thái", "status"),
    ("active", "đang hoạt động", "active"),
    ("held_on", "ngày", "held on"),
    ("file", "tệp", "file"),
    ("summary", "kết quả", "summary"),
    ("rows", "dòng", "rows"),
    ("created", "mới", "created"),
    ("updated", "cập nhật", "updated"),
    ("unchanged", "không đổi", "unchanged"),
    ("tokens_revoked", "khóa API bị thu hồi", "API tokens revoked"),
    ("sessions_ended", "phiên bị đóng", "sessions ended"),
    ("content", "nội dung", "content"),
    ("comment", "nhận xét", "comment"),
    ("position", "chức vụ", "position"),
    ("key_cadre", "cán bộ chủ chốt", "key cadre"),
    ("head_of_unit", "người đứng đầu", "head of unit"),
    ("valid_from", "từ ngày", "from"),
    ("valid_to", "đến ngày", "until"),
    ("post_from", "chức vụ có hiệu lực từ ngày", "post effective from"),
    ("achievement", "thành tích", "achievement"),
    ("admitted_on", "ngày vào Đảng", "admitted on"),
    ("amount", "số lượng", "amount"),
    ("annexes", "phụ lục", "annexes"),
    ("answer", "trả lời", "answer"),
    ("article", "bài viết", "article"),
    ("as_of", "cây tổ chức tại ngày", "tree as of"),
    ("audience", "đối tượng", "audience"),
    ("author", "tác giả", "author"),
    ("birth_date", "ngày sinh", "birth date"),
    ("body", "nội dung", "body"),
    ("card_no", "số thẻ đảng viên", "card number"),
    ("columns", "cột", "columns"),
    ("deadline", "hạn", "deadline"),
    ("decision_no", "số quyết định", "decision number"),
    ("denominator", "mẫu số", "denominator"),
    ("depth", "số cấp", "depth"),
    ("doc_id", "văn bản", "document"),
    ("document", "văn bản", "document"),
    ("edited", "đã sửa", "edited"),
    ("email", "thư điện tử", "email"),
    ("ethnicity", "dân tộc", "ethnicity"),
    ("exemplar", "điển hình", "exemplar"),
    ("exemplars", "điển hình", "exemplars"),
    ("expected", "thuộc diện", "expected"),
    ("field", "lĩnh vực", "field"),
    ("figures", "số liệu", "figures"),
    ("fill", "viết từ số liệu", "filled from"),
    ("form", "biểu mẫu", "form"),
    ("from", "từ", "from"),
    ("from_date", "từ ngày", "from"),
    ("gender", "giới tính", "gender"),
    ("group", "nhóm", "group"),
    ("groups", "nhóm nội dung", "groups"),
    ("guidance", "hướng dẫn", "guidance"),
    ("heading", "tiêu đề mục", "heading"),
    ("indicator", "chỉ tiêu", "indicator"),
    ("indicators", "chỉ tiêu", "indicators"),
    ("is_member", "là đảng viên", "party member"),
    ("issuer", "cơ quan ban hành", "issuer"),
    ("kind", "loại", "kind"),
    ("link", "liên kết", "link"),
    ("manner", "hình thức", "manner"),
    ("max_score", "điểm tối đa", "maximum score"),
    ("measure", "đơn vị tính", "measure"),
    ("members_moved", "đảng viên chuyển", "members moved"),
    ("model", "mô hình", "model"),
    ("models", "mô hình", "models"),
    ("note", "ghi chú", "note"),
    ("number", "số", "number"),
    ("on", "ngày", "on"),
    ("on_behalf", "thay mặt", "on behalf of"),
    ("online", "trực tuyến", "online"),
    ("opened_on", "ngày thành lập", "founded on"),
    ("others_count", "lượt đoàn viên, hội viên, nhân dân", "other attendances"),
    ("outline", "đề cương", "outline"),
    ("paragraphs", "đoạn", "paragraphs"),
    ("parent_body", "cấp ủy cấp trên", "parent body"),
    ("part_of", "thuộc", "part of"),
    ("period", "kỳ", "period"),
    ("period_type", "loại kỳ", "kind of period"),
    ("person_code", "mã định danh", "person code"),
    ("pilot", "đơn vị điểm", "pilot"),
    ("place", "địa danh", "place"),
    ("published_on", "ngày đăng", "published on"),
    ("qualifier", "ước lượng", "qualifier"),
    ("received_on", "ngày nhận", "received on"),
    ("recipient", "người, đơn vị nhận", "recipient"),
    ("recipients", "nơi nhận", "recipients"),
    ("recognised_on", "ngày công nhận", "recognised on"),
    ("registered_on", "ngày đăng ký", "registered on"),
    ("regular_meeting", "sinh hoạt chi bộ thường kỳ", "regular meeting"),
    ("reminded_at", "ngày nhắc", "reminded at"),
    ("round", "đợt", "round"),
    ("score", "điểm", "score"),
    ("sections", "các mục", "sections"),
    ("signed_on", "ngày ký", "signed on"),
    ("signer", "người ký", "signer"),
    ("source", "nguồn", "source"),
    ("sources", "đơn vị nguồn", "sources"),
    ("state", "tình trạng", "state"),
    ("stock", "tồn", "stock"),
    ("strengths", "ưu điểm", "strengths"),
    ("study_content", "có nội dung học tập", "study content"),
    ("subject", "đối tượng", "subject"),
    ("subject_people", "người được đánh giá", "people rated"),
    ("subject_units", "tổ chức được đánh giá", "units rated"),
    ("symbol", "ký hiệu", "symbol"),
    ("target", "đơn vị đích", "target"),
    ("term_wide", "toàn khóa", "for the whole term"),
    ("text", "nội dung", "text"),
    ("to", "đến", "to"),
    ("to_date", "đến ngày", "to"),
    ("topic_ids", "chuyên đề", "topics"),
    ("total", "tổng", "total"),
    ("unit", "đơn vị", "unit"),
    ("unit_name", "tên đơn vị", "unit name"),
    ("units", "đơn vị", "units"),
    ("unlisted_members", "lượt cán bộ, đảng viên ngoài danh sách", "unlisted member attendances"),
    ("value", "giá trị", "value"),
    ("word", "từ", "word"),
    ("year", "năm", "year"),
];

/// The kind of record an audit entry is about: the table above, else a record kind (its
/// records by their kind's name, its file as «Tệp …»), else the code as stored.
fn entity_label(t: Lang, code: &str) -> String {
    if ENTITIES.iter().any(|(c, _, _)| *c == code) {
        return label(t, ENTITIES, code).to_string();
    }
    for spec in lamtheo_domain::records::kinds() {
        let title = t.s(spec.title_vi, spec.title_en);
        if spec.entity == code {
            return title.to_string();
        }
        if spec.slug == code {
            return format!("{} {title}", t.s("Tệp", "File:"));
        }
    }
    code.to_string()
}

fn label<'a>(t: Lang, table: &'a [(&str, &'a str, &'a str)], code: &'a str) -> &'a str {
    table.iter().find(|(c, _, _)| *c == code).map_or(code, |(_, vi, en)| t.s(vi, en))
}

/// At most this many elements of a list are spelled out (an attendance sheet can be long).
const LIST_SHOWN: usize = 20;

/// A before/after value for people: field names in the page's language and ids as names.
fn describe(t: Lang, names: &AuditNames, key: &str, v: &serde_json::Value) -> String {
    use serde_json::Value;
    let id_name = |id: Id| -> Option<String> {
        let map = match key {
            k if k.ends_with("unit_id") || k == "parent_id" => &names.units,
            "person_id" => &names.people,
            "user_id" => &names.users,
            "conference_id" => &names.conferences,
            "covenant_id" | "campaign_id" => &names.covenants,
            _ => return None,
        };
        Some(map.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
    };
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => t.s(if *b { "có" } else { "không" }, if *b { "yes" } else { "no" }).into(),
        Value::Number(n) => n.as_i64().and_then(id_name).unwrap_or_else(|| n.to_string()),
        Value::String(s) => coded(t, key, s).unwrap_or_else(|| s.clone()),
        // A report paragraph's sources are the draft's internal names of figures: counted,
        // not spelled out.
        Value::Array(a) if key == "figures" && a.iter().all(Value::is_string) => {
            format!("{} {}", a.len(), t.s("số liệu", "figures"))
        }
        Value::Array(a) => {
            let mut parts: Vec<String> = a.iter().take(LIST_SHOWN).map(|x| describe(t, names, key, x)).collect();
            if a.len() > LIST_SHOWN {
                parts.push(format!("… (+{})", a.len() - LIST_SHOWN));
            }
            parts.join("; ")
        }
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .filter(|(k, _)| k.as_str() != "id")
                .map(|(k, v)| format!("{}: {}", label(t, FIELDS, k), describe(t, names, k, v)))
                .collect();
            if key.is_empty() {
                parts.join(", ")
            } else {
                format!("({})", parts.join(", "))
            }
        }
    }
}

/// A stored code (a status, a role) in the page's language, if it is one.
fn coded(t: Lang, key: &str, code: &str) -> Option<String> {
    use lamtheo_domain::conference::AttendanceStatus;
    use lamtheo_domain::plans::PlanStatus;
    let v = serde_json::Value::String(code.to_string());
    let label = match key {
        "role" => Role::parse(code).map(|r| t.s(r.label_vi(), r.label_en()))?,
        "status" => match (AttendanceStatus::parse(code), serde_json::from_value::<PlanStatus>(v)) {
            (Some(a), _) => t.s(a.label_vi(), a.label_en()),
            (None, Ok(p)) => t.s(p.label_vi(), p.label_en()),
            (None, Err(_)) => record_choice(key, code).map(|c| t.s(c.vi, c.en))?,
        },
        // A record's choice («giay_khen» is «Giấy khen»), by its column's key.
        _ => record_choice(key, code).map(|c| t.s(c.vi, c.en))?,
    };
    Some(label.to_string())
}

/// The choice `code` of a record kind's column `key`, if some kind has it.
fn record_choice(key: &str, code: &str) -> Option<&'static lamtheo_domain::columns::Choice> {
    lamtheo_domain::records::kinds()
        .flat_map(|spec| spec.columns.iter())
        .filter(|c| c.key == key)
        .flat_map(|c| c.choices.iter())
        .find(|c| c.value == code)
}

fn describe_json(t: Lang, names: &AuditNames, json: Option<&str>) -> String {
    match json.map(serde_json::from_str::<serde_json::Value>) {
        None => String::new(),
        Some(Ok(v)) => describe(t, names, "", &v),
        Some(Err(_)) => json.unwrap_or_default().to_string(),
    }
}

pub struct AuditRow {
    pub id: Id,
    pub at: String,
    pub who: String,
    pub action: String,
    pub entity: String,
    /// The record's name, and the link to its own history.
    pub subject: Option<(String, String)>,
    pub unit: String,
    pub before: String,
    pub after: String,
    pub request_id: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: Lang,
    c: Ctx,
    rows: Vec<AuditRow>,
    f: AuditParams,
    entities: Vec<(&'static str, &'static str)>,
    /// Query strings of the next (older) page and of the first page, with the same filters.
    older: Option<String>,
    newest: Option<String>,
}

async fn audit(State(st): State<AppState>, s: Session, Query(f): Query<AuditParams>) -> PageResult {
    let q = (|| -> Result<AuditQuery, Error> {
        let unit = match f.unit.trim() {
            "" => None,
            code => Some(
                st.app
                    .unit_by_code(&s.actor, code)
                    .map_err(|_| {
                        Error::field(
                            "unit",
                            format!("Không có đơn vị mã «{code}» trong phạm vi của bạn"),
                            format!("No unit with code «{code}» in your scope"),
                        )
                    })?
                    .id,
            ),
        };
        Ok(AuditQuery {
            who: Some(f.who.clone()),
            unit,
            entity: Some(f.entity.trim().to_string()),
            entity_id: id_param("id", &f.id)?,
            from: date_param("from", &f.from)?,
            to: date_param("to", &f.to)?,
            before: id_param("before", &f.before)?,
            limit: AUDIT_PAGE,
        })
    })()
    .map_err(|e| s.fail(e))?;
    let entries = st.app.audit_search(&s.actor, &q).await.map_err(|e| s.fail(e))?;
    let names = st.app.audit_names(&s.actor, &entries).await.map_err(|e| s.fail(e))?;
    let t = s.t;
    let page = |before: Option<Id>| {
        let mut pairs: Vec<(&str, String)> = [
            ("who", &f.who),
            ("unit", &f.unit),
            ("entity", &f.entity),
            ("id", &f.id),
            ("from", &f.from),
            ("to", &f.to),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim().to_string()))
        .collect();
        if let Some(b) = before {
            pairs.push(("before", b.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    };
    let older = (entries.len() as i64 == AUDIT_PAGE).then(|| entries.last().map(|e| page(Some(e.id)))).flatten();
    let newest = q.before.map(|_| page(None));
    let rows = entries
        .into_iter()
        .map(|e| {
            let subject = e.entity_id.map(|id| {
                let name = match e.entity.as_str() {
                    "unit" => names.units.get(&id),
                    "person" => names.people.get(&id),
                    "user" => names.users.get(&id),
                    "conference" => names.conferences.get(&id),
                    "covenant" => names.covenants.get(&id),
                    _ => None,
                };
                (name.cloned().unwrap_or_else(|| format!("#{id}")), format!("/audit?entity={}&id={id}", e.entity))
            });
            AuditRow {
                id: e.id,
                at: e.at.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M:%S").to_string(),
                who: e.username,
                action: label(t, ACTIONS, &e.action).to_string(),
                entity: entity_label(t, &e.entity),
                subject,
                unit: e.scope_unit_id.and_then(|u| names.units.get(&u).cloned()).unwrap_or_default(),
                before: describe_json(t, &names, e.before.as_deref()),
                after: describe_json(t, &names, e.after.as_deref()),
                request_id: e.request_id,
            }
        })
        .collect();
    let entities = ENTITIES.iter().map(|(code, vi, en)| (*code, t.s(vi, en))).collect();
    render(t, AuditPage { t, c: Ctx::of(&s), rows, f, entities, older, newest })
}
