//! Campaign documents, topics, study conferences, connection points and attendance.
use chrono::NaiveDate;
use lamtheo_analytics::Delta;
use lamtheo_domain::access::{Actor, Resource};
use lamtheo_domain::conference::{Attendance, AttendanceStatus, CampaignDoc, Conference, ConnectionPoint, Topic};
use lamtheo_domain::text::{self, Text};
use lamtheo_domain::{Error, Id, Result};
use lamtheo_store::{conferences as store, people as people_store};
use serde::{Deserialize, Serialize};

use crate::audit::{snapshot, Change, Written};
use crate::App;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ConferenceView {
    pub conference: Conference,
    pub points: Vec<ConnectionPoint>,
    /// People recorded present (a figure, for everyone who sees the conference).
    pub present: usize,
    /// The attendance of the people whose personal data the actor may see (`sees_person`).
    pub attendance: Vec<Attendance>,
}

/// A conference as a form or the API sends it; `code` is generated when empty.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct ConferenceInput {
    #[schemars(schema_with = "lamtheo_domain::text::schema::code_or_empty")]
    #[serde(default)]
    pub code: String,
    pub unit_id: Id,
    #[serde(deserialize_with = "lamtheo_domain::vn::de_date")]
    pub held_on: NaiveDate,
    #[schemars(schema_with = "lamtheo_domain::text::schema::name")]
    pub title: String,
    #[schemars(schema_with = "lamtheo_domain::text::schema::name_or_empty")]
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub online: bool,
    #[schemars(range(min = 0))]
    #[serde(default)]
    pub others_count: i64,
    #[schemars(range(min = 0))]
    #[serde(default)]
    pub unlisted_members: i64,
    #[serde(default)]
    pub topic_ids: Vec<Id>,
    /// A party cell's regular meeting, and whether it included study content.
    #[serde(default)]
    pub regular_meeting: bool,
    #[serde(default)]
    pub study_content: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct AttendanceInput {
    pub person_id: Id,
    pub status: AttendanceStatus,
    #[serde(default)]
    pub point_unit_id: Option<Id>,
}

impl App {
    pub async fn docs(&self) -> Result<Vec<CampaignDoc>> {
        store::docs(&self.store).await
    }

    pub async fn topics(&self) -> Result<Vec<Topic>> {
        store::topics(&mut self.store.snapshot().await?).await
    }

    pub async fn add_doc(&self, actor: &Actor, code: &str, title: &str, issued_on: Option<NaiveDate>) -> Result<Id> {
        self.check_role(actor, Resource::Catalogue, true)?;
        if code.trim().is_empty() || title.trim().is_empty() {
            return Err(Error::field(
                if code.trim().is_empty() { "code" } else { "title" },
                "Cần nhập số hiệu và trích yếu",
                "The number and the title are required",
            ));
        }
        text::check_all([("code", code, Text::Code), ("title", title, Text::Name)])?;
        self.write(actor, async |tx| {
            let id = store::insert_doc(tx, code.trim(), title.trim(), issued_on).await?;
            let change = Change {
                action: "create",
                entity: "campaign_doc",
                entity_id: Some(id),
                unit: None,
                before: None,
                after: snapshot(&(code, title, issued_on)),
            };
            Ok(Written::new(id, change, vec![]))
        })
        .await
    }

    /// A topic counts in the completion figures of its issuing unit's subtree: issuing one
    /// needs the right to write there; one for the whole tree (no unit) needs the root.
    pub async fn add_topic(&self, actor: &Actor, t: Topic) -> Result<Id> {
        match t.unit_id {
            Some(unit) => self.check(actor, unit, Resource::Catalogue, true)?,
            None => self.check_everyone(actor, Resource::Catalogue)?,
        }
        if t.code.trim().is_empty() || t.code.chars().any(char::is_whitespace) {
            return Err(Error::field(
                "code",
                "Mã chuyên đề không được trống hay chứa dấu cách",
                "The topic code must not be blank or contain spaces",
            ));
        }
        if t.title.trim().is_empty() {
            return Err(Error::field("title", "Cần nhập tên chuyên đề", "The topic title is required"));
        }
        text::check_all([("code", t.code.as_str(), Text::Code), ("title", &t.title, Text::Name)])?;
        lamtheo_domain::period::check_year("year", t.year)?;
        self.write(actor, async |tx| {
            let id = store::insert_topic(tx, &t).await?;
            let change = Change {
                action: "create",
                entity: "topic",
                entity_id: Some(id),
                unit: t.unit_id,
                before: None,
                after: snapshot(&t),
            };
            Ok(Written::new(id, change, vec![Delta::Topics]))
        })
        .await
    }

    /// The share (per mille) of a cell's regular meetings with study content that makes it
    /// count as doing so regularly.
    pub async fn study_share(&self) -> Result<u32> {
        crate::loader::study_share(&mut self.store.snapshot().await?).await
    }

    pub async fn set_study_share(&self, actor: &Actor, permille: u32) -> Result<()> {
        self.check_everyone(actor, Resource::Catalogue)?;
        if permille == 0 || permille > 1000 {
            return Err(Error::field(
                "share",
                "Tỷ lệ phải từ 0,1% đến 100%",
                "The share must be between 0.1% and 100%",
            ));
        }
        let before = self.study_share().await?;
        self.write(actor, async |tx| {
            lamtheo_store::settings::set(tx, crate::loader::STUDY_SHARE_KEY, &permille.to_string()).await?;
            let change = Change {
                action: "update",
                entity: "setting",
                entity_id: None,
                unit: None,
                before: snapshot(&before),
                after: snapshot(&permille),
            };
            Ok(Written::new((), change, vec![Delta::StudyShare { permille }]))
        })
        .await
    }

    /// Conferences organised by a unit in a date range, newest first.
    pub async fn conferences_of(
        &self,
        actor: &Actor,
        unit: Id,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Conference>> {
        self.check(actor, unit, Resource::Conference, false)?;
        store::list_by_unit(&self.store, unit, from, to, 500).await
    }

    /// A conference is visible to whoever may see its organiser or one of its points.
    pub async fn conference(&self, actor: &Actor, id: Id) -> Result<ConferenceView> {
        let conference = store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        let mut snapshot = self.store.snapshot().await?;
        let points = store::points(&mut snapshot, id).await?;
        if let Err(denied) = self.check(actor, conference.unit_id, Resource::Conference, false) {
            if !points.iter().any(|p| self.check(actor, p.unit_id, Resource::Conference, false).is_ok()) {
                return Err(denied);
            }
        }
        let mut attendance = store::attendance(&mut snapshot, id).await?;
        let present = attendance.iter().filter(|a| a.status == AttendanceStatus::Present).count();
        attendance.retain(|a| self.sees_person(actor, a.person_id));
        Ok(ConferenceView { conference, points, present, attendance })
    }

    /// The checks of a conference, for the form, the API and the import alike.
    pub(crate) fn validate_conference(&self, c: &ConferenceInput, topics: &[Topic]) -> Result<()> {
        if c.title.trim().is_empty() {
            return Err(Error::field("title", "Cần nhập tên hội nghị", "The conference title is required"));
        }
        text::check_all([
            ("code", c.code.as_str(), Text::Code),
            ("title", &c.title, Text::Name),
            ("level", &c.level, Text::Name),
        ])?;
        if c.others_count < 0 || c.unlisted_members < 0 {
            let field = if c.others_count < 0 { "others_count" } else { "unlisted_members" };
            return Err(Error::field(field, "Số lượt không thể âm", "A count cannot be negative"));
        }
        if c.code.chars().any(char::is_whitespace) || c.code.chars().count() > 64 {
            return Err(Error::field(
                "code",
                "Mã hội nghị không được chứa dấu cách",
                "The conference code must not contain spaces",
            ));
        }
        if let Some(t) = c.topic_ids.iter().find(|t| !topics.iter().any(|x| x.id == **t)) {
            return Err(Error::conflict(
                "topic_ids",
                format!("Chuyên đề mã {t} không tồn tại"),
                format!("Topic {t} does not exist"),
            ));
        }
        let ix = self.index();
        if ix.tree().unit(c.unit_id).is_none_or(|u| u.opened_on > c.held_on) {
            return Err(Error::conflict(
                "held_on",
                "Đơn vị chưa thành lập vào ngày tổ chức",
                "The unit did not exist on that date",
            ));
        }
        Ok(())
    }

    pub(crate) fn conference_from(&self, id: Id, c: &ConferenceInput) -> Conference {
        let code = if c.code.trim().is_empty() {
            let unit_code = self.index().tree().unit(c.unit_id).map(|u| u.code.clone()).unwrap_or_default();
            format!("{unit_code}-{}-{:06x}", c.held_on.format("%Y%m%d"), rand::random::<u32>() & 0xFF_FFFF)
        } else {
            c.code.trim().to_string()
        };
        Conference {
            id,
            code,
            unit_id: c.unit_id,
            held_on: c.held_on,
            title: c.title.trim().to_string(),
            level: c.level.trim().to_string(),
            online: c.online,
            others_count: c.others_count,
            unlisted_members: c.unlisted_members,
            topic_ids: c.topic_ids.clone(),
            regular_meeting: c.regular_meeting,
            study_content: c.study_content,
        }
    }

    pub async fn create_conference(&self, actor: &Actor, input: ConferenceInput) -> Result<Id> {
        self.check(actor, input.unit_id, Resource::Conference, true)?;
        self.validate_conference(&input, &self.topics().await?)?;
        let mut conf = self.conference_from(0, &input);
        self.write(actor, async |tx| {
            conf.id = store::insert(tx, &conf).await?;
            let change = Change {
                action: "create",
                entity: "conference",
                entity_id: Some(conf.id),
                unit: Some(conf.unit_id),
                before: None,
                after: snapshot(&conf),
            };
            Ok(Written::new(conf.id, change, vec![Delta::AddConference { conference: conf.clone() }]))
        })
        .await
    }

    pub async fn update_conference(&self, actor: &Actor, id: Id, input: ConferenceInput) -> Result<()> {
        let before = store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, before.unit_id, Resource::Conference, true)?;
        self.check(actor, input.unit_id, Resource::Conference, true)?;
        self.validate_conference(&input, &self.topics().await?)?;
        let mut conf = self.conference_from(id, &input);
        if input.code.trim().is_empty() {
            conf.code = before.code.clone();
        }
        self.write_logged(actor, async |tx| {
            let attendance = store::attendance(tx, id).await?;
            let points = store::points(tx, id).await?;
            store::update(tx, &conf).await?;
            let change = Change {
                action: "update",
                entity: "conference",
                entity_id: Some(id),
                unit: Some(conf.unit_id),
                before: snapshot(&before),
                after: snapshot(&conf),
            };
            // Moving a conference moves its attendance and points with it.
            let mut deltas = Delta::remove_conference(&before, &points, &attendance);
            deltas.extend(Delta::add_conference(&conf, &points, &attendance));
            Ok(Written::new((), change, deltas))
        })
        .await
    }

    /// Conferences of the same unit, day and kind (a regular meeting or not) already recorded:
    /// a form asks before saving another, a likely double entry.
    pub async fn likely_duplicates(&self, actor: &Actor, c: &ConferenceInput) -> Result<Vec<Conference>> {
        let same_day = self.conferences_of(actor, c.unit_id, c.held_on, c.held_on).await?;
        Ok(same_day.into_iter().filter(|x| x.regular_meeting == c.regular_meeting).collect())
    }

    /// Deletes a conference recorded by mistake, with its attendance and connection points;
    /// the audit keeps all of it as it was.
    pub async fn delete_conference(&self, actor: &Actor, id: Id) -> Result<()> {
        let before = store::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, before.unit_id, Resource::Conference, true)?;
        self.write_logged(actor, async |tx| {
            let attendance = store::attendance(tx, id).await?;
            let points = store::points(tx, id).await?;
            store::delete(tx, id).await?;
            let change = Change {
                action: "delete",
                entity: "conference",
                entity_id: Some(id),
                unit: Some(before.unit_id),
                before: snapshot(
                    &serde_json::json!({"conference": before, "attendance": attendance, "points": points}),
                ),
                after: None,
            };
            Ok(Written::new((), change, Delta::remove_conference(&before, &points, &attendance)))
        })
        .await
    }

    /// Adds or changes a connection point of an online conference.
    pub async fn set_point(&self, actor: &Actor, point: ConnectionPoint) -> Result<()> {
        let conf = store::get(&self.store, point.conference_id).await?.ok_or_else(Error::not_found)?;
        self.check(actor, conf.unit_id, Resource::Conference, true)?;
        self.check(actor, point.unit_id, Resource::Conference, false)?;
        if point.others_count < 0 || point.unlisted_members < 0 {
            return Err(Error::field("others_count", "Số lượt không thể âm", "A count cannot be negative"));
        }
        if point.unit_id == conf.unit_id {
            return Err(Error::conflict(
                "unit_id",
                "Điểm cầu phải ở đơn vị khác đơn vị tổ chức",
                "A connection point must be at another unit",
            ));
        }
        self.write_logged(actor, async |tx| {
            let old = store::points(tx, conf.id).await?.into_iter().find(|p| p.unit_id == point.unit_id);
            store::upsert_point(tx, &point).await?;
            let change = Change {
                action: "set_point",
                entity: "conference",
                entity_id: Some(conf.id),
                unit: Some(point.unit_id),
                before: snapshot(&old),
                after: snapshot(&point),
            };
            let mut deltas: Vec<Delta> = old.into_iter().map(|point| Delta::RemovePoint { point }).collect();
            deltas.push(Delta::AddPoint { point });
            Ok(Written::new((), change, deltas))
        })
        .await
    }

    /// Whether the actor may record this person's attendance: someone who belongs (or
    /// belonged) to a unit in the actor's scope. The form, the API and the import all ask here.
    pub(crate) async fn may_attend(&self, actor: &Actor, person_id: Id) -> Result<bool> {
        let ms = people_store::memberships_of(&self.store, person_id).await?;
        Ok(ms.iter().any(|m| self.in_scope(actor, m.unit_id)))
    }

    /// Records attendance for several people at once (one audited transaction).
    pub async fn record_attendance(&self, actor: &Actor, conference_id: Id, rows: &[AttendanceInput]) -> Result<usize> {
        let conf = store::get(&self.store, conference_id).await?.ok_or_else(Error::not_found)?;
        let points = store::points(&mut self.store.snapshot().await?, conference_id).await?;
        for r in rows {
            let at = r.point_unit_id.unwrap_or(conf.unit_id);
            if r.point_unit_id.is_some_and(|p| !points.iter().any(|x| x.unit_id == p)) {
                return Err(Error::conflict(
                    "point_unit_id",
                    "Đơn vị này không phải điểm cầu của hội nghị",
                    "That unit is not a connection point of this conference",
                ));
            }
            self.check(actor, at, Resource::Conference, true)?;
            if !self.may_attend(actor, r.person_id).await? {
                return Err(Error::conflict(
                    "person_id",
                    format!("Không tìm thấy người mã {} trong phạm vi của bạn", r.person_id),
                    format!("Person {} is not in your scope", r.person_id),
                ));
            }
        }
        self.write_logged(actor, async |tx| {
            let mut changes = Vec::new();
            for r in rows {
                let old = store::get_attendance(tx, conference_id, r.person_id).await?;
                let new = Attendance {
                    conference_id,
                    person_id: r.person_id,
                    point_unit_id: r.point_unit_id,
                    status: r.status,
                };
                store::upsert_attendance(tx, &new).await?;
                changes.push((old, new));
            }
            // Before and after line up: the n-th of each is the same person (null before: new).
            let before: Vec<Option<&Attendance>> = changes.iter().map(|(o, _)| o.as_ref()).collect();
            let after: Vec<&Attendance> = changes.iter().map(|(_, n)| n).collect();
            let change = Change {
                action: "attendance",
                entity: "conference",
                entity_id: Some(conference_id),
                unit: Some(conf.unit_id),
                before: snapshot(&before),
                after: snapshot(&after),
            };
            let mut deltas = Vec::new();
            for (old, new) in &changes {
                deltas.extend(old.iter().map(|a| Delta::RemoveAttendance { attendance: a.clone() }));
                deltas.push(Delta::AddAttendance { attendance: new.clone() });
            }
            Ok(Written::new(changes.len(), change, deltas))
        })
        .await
    }
}
