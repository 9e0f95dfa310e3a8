//! What a write changed, as the change log keeps it and every index applies it.
//!
//! A write appends its deltas to the change log in its own transaction; each server's index
//! applies the log's new entries in order (see `lamtheo_app`'s follower). A data delta costs
//! the index only the units and people it names, never the size of the tree. The few changes
//! that are not said row by row (the tree, the topics, an import) name what to read again.
use chrono::NaiveDate;
use lamtheo_domain::conference::{Attendance, AttendanceStatus, Conference, ConnectionPoint};
use lamtheo_domain::people::Membership;
use lamtheo_domain::period::Month;
use lamtheo_domain::plans::PlanMade;
use lamtheo_domain::Id;
use serde::{Deserialize, Serialize};

use crate::{Index, Rated};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Delta {
    AddConference {
        conference: Conference,
    },
    /// Removes a conference whose attendance and points were removed before it.
    RemoveConference {
        conference: Conference,
    },
    AddPoint {
        point: ConnectionPoint,
    },
    RemovePoint {
        point: ConnectionPoint,
    },
    AddAttendance {
        attendance: Attendance,
    },
    RemoveAttendance {
        attendance: Attendance,
    },
    AddMembership {
        membership: Membership,
    },
    /// Removes a membership by id (a change is a removal of the old version, then an add).
    RemoveMembership {
        membership: Membership,
    },
    /// Whether a person is a party member.
    Member {
        person_id: Id,
        member: bool,
    },
    /// A person's plan of a kind and years: made (submitted or acknowledged) or not.
    Plan {
        person_id: Id,
        plan: PlanMade,
        made: bool,
    },
    /// The rating of a person or an organisation for a year and quarter.
    Rating {
        rating: Rated,
    },
    /// The days a person held a key-cadre post (all of them, replacing what was known).
    KeyPosts {
        person_id: Id,
        posts: Vec<(NaiveDate, Option<NaiveDate>)>,
    },
    /// A person's registration for an emulation movement.
    Registration {
        id: Id,
        movement_id: Id,
        person_id: Id,
    },
    /// The monthly review of a registration.
    Review {
        registration_id: Id,
        month: Month,
        met: bool,
    },
    /// A breakthrough task chosen by a unit for some years (made or changed).
    Task {
        id: Id,
        unit_id: Id,
        from_year: i32,
        to_year: i32,
    },
    /// A record of a record kind made, changed (its facts replace the old) or deleted (no
    /// facts).
    Record {
        kind: String,
        id: Id,
        facts: Vec<lamtheo_domain::records::Fact>,
    },
    /// A covenant's list of signatories or its scores changed. The index holds nothing of
    /// covenants; the entry moves its position, so that answers remembered at the old one
    /// (the app's covenant reports) are not served again.
    Covenant {
        id: Id,
    },
    /// The share of a cell's meetings with study content that makes it "regular".
    StudyShare {
        permille: u32,
    },
    /// Topics changed: read them again.
    Topics,
    /// The tree changed (a unit made, renamed, moved, closed, merged or split): read it again.
    Tree,
    /// Too many rows changed to say one by one (an import): build the index again.
    Rebuild,
}

impl Delta {
    /// The deltas that take a conference out with everything counted under it.
    pub fn remove_conference(
        conference: &Conference,
        points: &[ConnectionPoint],
        attendance: &[Attendance],
    ) -> Vec<Delta> {
        let mut out: Vec<Delta> = attendance
            .iter()
            .filter(|a| a.status == AttendanceStatus::Present)
            .map(|a| Delta::RemoveAttendance { attendance: a.clone() })
            .collect();
        out.extend(points.iter().map(|p| Delta::RemovePoint { point: p.clone() }));
        out.push(Delta::RemoveConference { conference: conference.clone() });
        out
    }

    /// The deltas that end open memberships on `on` (as they were before).
    pub fn end_memberships(ended: &[Membership], on: chrono::NaiveDate) -> Vec<Delta> {
        ended
            .iter()
            .flat_map(|m| {
                [
                    Delta::RemoveMembership { membership: m.clone() },
                    Delta::AddMembership { membership: Membership { valid_to: Some(on), ..m.clone() } },
                ]
            })
            .collect()
    }

    /// The deltas that put a conference in with its points and attendance.
    pub fn add_conference(
        conference: &Conference,
        points: &[ConnectionPoint],
        attendance: &[Attendance],
    ) -> Vec<Delta> {
        let mut out = vec![Delta::AddConference { conference: conference.clone() }];
        out.extend(points.iter().map(|p| Delta::AddPoint { point: p.clone() }));
        out.extend(
            attendance
                .iter()
                .filter(|a| a.status == AttendanceStatus::Present)
                .map(|a| Delta::AddAttendance { attendance: a.clone() }),
        );
        out
    }
}

impl Index {
    /// Applies one data delta. `Topics`, `Tree` and `Rebuild` need the database: the follower
    /// reads what they name and hands it to `set_topics`, `set_tree`, or builds a new index;
    /// here they do nothing.
    pub fn apply(&mut self, delta: &Delta) {
        match delta {
            Delta::AddConference { conference } => self.add_conference(conference),
            Delta::RemoveConference { conference } => {
                self.remove_conference(conference);
                self.forget_conference(conference.id);
            }
            Delta::AddPoint { point } => self.add_point(point),
            Delta::RemovePoint { point } => self.remove_point(point),
            Delta::AddAttendance { attendance } => self.add_attendance(attendance),
            Delta::RemoveAttendance { attendance } => self.remove_attendance(attendance),
            Delta::AddMembership { membership } => self.add_membership(membership),
            Delta::RemoveMembership { membership } => self.remove_membership(membership),
            Delta::Member { person_id, member } => self.set_member(*person_id, *member),
            Delta::Plan { person_id, plan, made } => self.set_plan(*person_id, *plan, *made),
            Delta::Rating { rating: r } => {
                self.set_rating(r.subject, r.subject_id, r.year, r.quarter, Some((&r.scale, &r.level_code)))
            }
            Delta::KeyPosts { person_id, posts } => self.set_key_posts(*person_id, posts),
            Delta::Registration { id, movement_id, person_id } => self.set_registration(*id, *movement_id, *person_id),
            Delta::Review { registration_id, month, met } => self.set_review(*registration_id, *month, *met),
            Delta::Task { id, unit_id, from_year, to_year } => self.set_task(*id, *unit_id, *from_year, *to_year),
            Delta::Record { kind, id, facts } => self.set_record(kind, *id, facts),
            Delta::StudyShare { permille } => self.set_study_share(*permille),
            Delta::Covenant { .. } | Delta::Topics | Delta::Tree | Delta::Rebuild => {}
        }
    }
}
