//! Roles, the actor behind every request, and what each role may do within its scope.
//!
//! Scope itself (is this unit inside the actor's subtree?) is checked in one place, the
//! application service; this module only says which kinds of things a role may read or change.
use serde::{Deserialize, Serialize};

use crate::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Staff,
    Secretary,
    Member,
    Inspector,
    /// `read_only`; `readonly` (what the command line and the database used to say) is
    /// accepted too.
    #[serde(alias = "readonly")]
    ReadOnly,
}

/// What is being read or changed, for the rights table below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// Units, their figures and the tree.
    Unit,
    /// Restructuring the tree: create, rename, move, close, merge, split.
    Tree,
    /// People and their memberships (personal data).
    Person,
    /// Conferences, attendance, topics.
    Conference,
    /// Topics and campaign documents (shared catalogue).
    Catalogue,
    /// Campaign activities recorded for units: breakthrough tasks and the like.
    Activity,
    /// The periodic report: requests, drafts, submission, approval and locks.
    Report,
    Audit,
    Users,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Admin, Role::Staff, Role::Secretary, Role::Member, Role::Inspector, Role::ReadOnly];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Secretary => "secretary",
            Role::Member => "member",
            Role::Inspector => "inspector",
            Role::ReadOnly => "read_only",
        }
    }
    /// A role by its name. Accounts made before the name was `read_only` are stored as
    /// `readonly`, so both read back the same (the users table is not rewritten).
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "readonly" => Some(Role::ReadOnly),
            _ => Role::ALL.into_iter().find(|r| r.as_str() == s),
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Staff => "Cán bộ ban tuyên giáo",
            Role::Secretary => "Bí thư",
            Role::Member => "Đảng viên",
            Role::Inspector => "Kiểm tra viên",
            Role::ReadOnly => "Chỉ xem",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Staff => "Propaganda department staff",
            Role::Secretary => "Secretary",
            Role::Member => "Party member",
            Role::Inspector => "Inspector",
            Role::ReadOnly => "Read only",
        }
    }

    /// May this role read this kind of thing inside its scope?
    pub fn can_read(self, r: Resource) -> bool {
        use Resource::*;
        match self {
            Role::Admin => true,
            Role::Staff | Role::Inspector => !matches!(r, Users),
            Role::Secretary => !matches!(r, Users | Audit),
            // A member sees the figures and conferences of their unit, and only their own record
            // (checked by the service: person reads are limited to the actor's own person).
            Role::Member => matches!(r, Unit | Conference | Catalogue | Person | Activity),
            Role::ReadOnly => matches!(r, Unit | Conference | Catalogue | Activity | Report),
        }
    }

    /// May this role change this kind of thing inside its scope?
    pub fn can_write(self, r: Resource) -> bool {
        use Resource::*;
        match self {
            Role::Admin => !matches!(r, Audit),
            Role::Staff => matches!(r, Unit | Tree | Person | Conference | Catalogue | Activity | Report),
            Role::Secretary => matches!(r, Person | Conference | Activity | Report),
            Role::Member | Role::Inspector | Role::ReadOnly => false,
        }
    }
}

/// Who is acting: every service call takes one. `scope` None means the whole country and is
/// given only to administrators created without a scope unit.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Actor {
    pub user_id: Id,
    pub username: String,
    pub role: Role,
    pub scope: Option<Id>,
    /// The person record of a member account, for "my own data".
    pub person_id: Option<Id>,
    /// Ties the audit records of one request together.
    pub request_id: String,
}

impl Actor {
    /// The built-in actor for command-line work (imports, demo, generator): an administrator
    /// of the whole tree. Its writes are audited under this name.
    pub fn system() -> Actor {
        Actor {
            user_id: 0,
            username: "system".into(),
            role: Role::Admin,
            scope: None,
            person_id: None,
            request_id: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_users_and_nobody_writes_audit() {
        for r in Role::ALL {
            assert_eq!(r.can_write(Resource::Users), r == Role::Admin);
            assert!(!r.can_write(Resource::Audit));
        }
        assert!(!Role::ReadOnly.can_read(Resource::Person));
        // One name printed everywhere (as the API's JSON says it); the old one still read.
        assert_eq!(Role::ReadOnly.as_str(), "read_only");
        assert_eq!(serde_json::to_value(Role::ReadOnly).unwrap(), "read_only");
        for name in ["read_only", "readonly"] {
            assert_eq!(Role::parse(name), Some(Role::ReadOnly), "{name}");
            assert_eq!(serde_json::from_value::<Role>(name.into()).unwrap(), Role::ReadOnly, "{name}");
        }
        assert!(!Role::Inspector.can_write(Resource::Conference));
        assert!(Role::Secretary.can_write(Resource::Conference));
        assert!(!Role::Secretary.can_write(Resource::Tree));
    }
}
