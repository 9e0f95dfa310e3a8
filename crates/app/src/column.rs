//! The public column: published articles and their published feedback, read without an
//! account; readers' feedback received with a check against robots that needs no outside
//! service (a small sum, signed by the server, answered no sooner than a few seconds after
//! the form was shown, and a field people never see left empty), limited per address, and
//! kept waiting for moderation.
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lamtheo_domain::access::Actor;
use lamtheo_domain::records::articles::{Article, Feedback, ARTICLES, FEEDBACK};
use lamtheo_domain::records::RecordSpec;
use lamtheo_domain::{vn, Error, ErrorCode, Result};
use lamtheo_store::records as store;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::App;

/// Messages one address may send in the limiter's window.
const FEEDBACK_PER_ADDRESS: u32 = 5;
/// A form answered sooner than this was not filled in by a person.
const SOONEST: Duration = Duration::from_secs(3);
/// A form older than this asks again.
const LATEST: Duration = Duration::from_secs(2 * 3600);

/// A published article as the public column shows it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicArticle {
    pub article: Article,
    /// The publishing unit's name today (the column lists its articles by unit).
    pub unit_name: String,
    /// The names of the models it is about.
    pub models: Vec<String>,
    /// The exemplars it is about, as (name, achievement): a staff member linked them to a
    /// published article, which publishes them as a newspaper would; nothing else of an
    /// exemplar (its unit, its models, its record) is shown.
    pub exemplars: Vec<(String, String)>,
    /// Published feedback: name, content, the column's answer; never the email.
    pub feedback: Vec<PublicFeedback>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicFeedback {
    pub name: String,
    pub content: String,
    pub answer: String,
    pub received_on: chrono::NaiveDate,
}

/// The robot check of a feedback form: a question and the token that goes with it.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub question_vi: String,
    pub question_en: String,
    pub token: String,
}

/// What a reader sends.
#[derive(Debug, Clone, Default)]
pub struct Message {
    pub name: String,
    pub email: String,
    pub content: String,
    /// The challenge's token and the reader's answer.
    pub token: String,
    pub answer: String,
    /// A field hidden from people: robots fill it in.
    pub trap: String,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn published(a: &Article, today: chrono::NaiveDate) -> bool {
    a.status == "published" && a.published_on.is_some_and(|d| d <= today)
}

impl App {
    fn sign(&self, answer: &str, issued: u64) -> String {
        let mut h = Sha256::new();
        h.update(self.secret.as_bytes());
        h.update(answer.trim().as_bytes());
        h.update(issued.to_le_bytes());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A new check for a feedback form.
    pub fn feedback_challenge(&self) -> Challenge {
        let (a, b) = (1 + rand::random::<u8>() % 9, 1 + rand::random::<u8>() % 9);
        let issued = now_secs();
        Challenge {
            question_vi: format!("{a} cộng {b} bằng mấy?"),
            question_en: format!("What is {a} plus {b}?"),
            token: format!("{issued}.{}", self.sign(&(a + b).to_string(), issued)),
        }
    }

    /// Published articles, newest first, of a field and of a unit's subtree when given.
    pub async fn public_articles(&self, field: Option<&str>, unit: Option<&str>) -> Result<Vec<Article>> {
        let all = self.published_articles().await?;
        Ok(all.into_iter().filter(|a| self.in_column(a, field, unit)).collect())
    }

    /// Every published article, newest first.
    async fn published_articles(&self) -> Result<Vec<Article>> {
        let today = self.today();
        let mut out: Vec<Article> = store::of_kind(&self.store, ARTICLES.slug)
            .await?
            .into_iter()
            .filter_map(|r| serde_json::from_value::<Article>(r.body).ok())
            .filter(|a| published(a, today))
            .collect();
        out.sort_by(|a, b| b.published_on.cmp(&a.published_on).then_with(|| a.code.cmp(&b.code)));
        Ok(out)
    }

    /// Whether a published article is of `field` and of `unit`'s subtree (when given).
    pub fn in_column(&self, a: &Article, field: Option<&str>, unit: Option<&str>) -> bool {
        if field.is_some_and(|f| vn::fold(&a.field) != vn::fold(f)) {
            return false;
        }
        let Some(root) = unit else { return true };
        let ix = self.index();
        let tree = ix.tree();
        match (tree.by_code(&a.unit), tree.by_code(root)) {
            (Some(u), Some(r)) => tree.is_within_on(u.id, r.id, self.today()),
            _ => false,
        }
    }

    /// A published article with its published feedback; anything else is "not found".
    pub async fn public_article(&self, code: &str) -> Result<PublicArticle> {
        let found =
            store::of_kind(&self.store, ARTICLES.slug).await?.into_iter().find(|r| r.natural_key == vn::fold(code));
        let (id, article) = found
            .and_then(|r| serde_json::from_value::<Article>(r.body).ok().map(|a| (r.id, a)))
            .filter(|(_, a)| published(a, self.today()))
            .ok_or_else(Error::not_found)?;
        let mut feedback: Vec<PublicFeedback> = store::children(&self.store, id)
            .await?
            .into_iter()
            .filter_map(|r| serde_json::from_value::<Feedback>(r.body).ok())
            .filter(|f| f.status == "published")
            .map(|f| PublicFeedback { name: f.name, content: f.content, answer: f.answer, received_on: f.received_on })
            .collect();
        feedback.sort_by_key(|f| f.received_on);
        let unit_name = {
            let ix = self.index();
            let unit = ix.tree().by_code(&article.unit).map(|u| u.id);
            unit.and_then(|u| ix.tree().name_on(u, self.today())).unwrap_or_default().to_string()
        };
        let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
        let models = self.linked(&lamtheo_domain::records::models::MODELS, &article.models).await?;
        let models = models.iter().map(|m| text(m, "name")).collect();
        let exemplars = self.linked(&lamtheo_domain::records::recognitions::EXEMPLARS, &article.exemplars).await?;
        let exemplars = exemplars.iter().map(|e| (text(e, "name"), text(e, "achievement"))).collect();
        Ok(PublicArticle { article, unit_name, models, exemplars, feedback })
    }

    /// The records of `kind` an article links to by code, in the article's order.
    async fn linked(&self, kind: &RecordSpec, codes: &[String]) -> Result<Vec<serde_json::Value>> {
        if codes.is_empty() {
            return Ok(vec![]);
        }
        let found = store::of_kind(&self.store, kind.slug).await?;
        Ok(codes
            .iter()
            .filter_map(|c| found.iter().find(|r| r.natural_key == vn::fold(c)).map(|r| r.body.clone()))
            .collect())
    }

    /// Receives a reader's feedback on a published article from `client` (an address): the
    /// robot check and the address's limit first, then the same checks as any feedback;
    /// it waits for moderation.
    pub async fn submit_feedback(&self, code: &str, m: Message, client: &str) -> Result<()> {
        let refuse =
            |vi: &str, en: &str| Error { field: Some("answer".into()), ..Error::msg(ErrorCode::InvalidInput, vi, en) };
        let article = self.public_article(code).await?.article;
        if !self.limiter.allow(&format!("feedback {client}"), FEEDBACK_PER_ADDRESS) {
            return Err(Error::msg(
                ErrorCode::RateLimited,
                "Bạn đã gửi nhiều phản hồi; hãy thử lại sau ít phút",
                "You have sent many messages; try again in a few minutes",
            ));
        }
        let (issued, signature) = m.token.split_once('.').unwrap_or_default();
        let issued: u64 = issued.parse().unwrap_or_default();
        let age = Duration::from_secs(now_secs().saturating_sub(issued));
        if !m.trap.is_empty() || signature != self.sign(&m.answer, issued) {
            return Err(refuse("Câu trả lời kiểm tra chưa đúng", "The answer to the check is wrong"));
        }
        if age < SOONEST || age > LATEST {
            return Err(refuse(
                "Biểu mẫu đã cũ hoặc gửi quá nhanh; hãy trả lời lại",
                "The form is stale or was sent too fast; answer again",
            ));
        }
        let feedback = Feedback {
            article: article.code,
            number: format!("PH-{}-{:04x}", now_secs(), rand::random::<u16>()),
            name: m.name.trim().to_string(),
            email: m.email.trim().to_string(),
            content: m.content.trim().to_string(),
            received_on: self.today(),
            status: "pending".into(),
            answer: String::new(),
        };
        let body = serde_json::to_value(&feedback).map_err(Error::internal)?;
        let reader = Actor { username: "ban-doc".into(), ..Actor::system() };
        self.save_record(&reader, &FEEDBACK, &body).await.map(|_| ())
    }
}

/// The largest image one upload may be.
pub const IMAGE_BYTES: usize = 2 << 20;

/// The kinds of image accepted, by their first bytes (the name and the declared type of an
/// upload prove nothing): (magic, content type).
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Whether a published article's body names the image at `path` (not a longer number).
fn names(body: &str, path: &str) -> bool {
    body.match_indices(path).any(|(i, _)| !body[i + path.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

impl App {
    /// May the actor add images to the column for `unit`? Asked before an upload is read.
    pub fn check_image_upload(&self, actor: &Actor, unit: lamtheo_domain::Id) -> Result<()> {
        self.check(actor, unit, lamtheo_domain::access::Resource::Activity, true)
    }

    /// Keeps an uploaded image of `unit` (PNG, JPEG or WebP, at most `IMAGE_BYTES`), audited;
    /// an article shows it with «[Ảnh: /column/images/{id} | chú thích]».
    pub async fn add_image(&self, actor: &Actor, unit: lamtheo_domain::Id, bytes: &[u8]) -> Result<lamtheo_domain::Id> {
        self.check_image_upload(actor, unit)?;
        if bytes.len() > IMAGE_BYTES {
            return Err(Error::msg(ErrorCode::TooLarge, "Ảnh lớn quá 2 MB", "The image is larger than 2 MB"));
        }
        let content_type = image_type(bytes).ok_or_else(|| {
            Error::field("file", "Chỉ nhận ảnh PNG, JPEG hoặc WebP", "Only PNG, JPEG or WebP images are accepted")
        })?;
        self.write(actor, async |tx| {
            let id = lamtheo_store::images::insert(tx, unit, content_type, bytes).await?;
            let change = crate::audit::Change {
                action: "create",
                entity: "image",
                entity_id: Some(id),
                unit: Some(unit),
                before: None,
                after: crate::audit::snapshot(&serde_json::json!({"content_type": content_type, "size": bytes.len()})),
            };
            Ok(crate::audit::Written::new(id, change, vec![]))
        })
        .await
    }

    /// A unit's images: (id, content type, size), for the page that lists them.
    pub async fn images_of(
        &self,
        actor: &Actor,
        unit: lamtheo_domain::Id,
    ) -> Result<Vec<(lamtheo_domain::Id, String, i64)>> {
        self.check(actor, unit, lamtheo_domain::access::Resource::Activity, false)?;
        lamtheo_store::images::of_unit(&self.store, unit).await
    }

    /// An image for the public column: only one that a published article shows.
    pub async fn public_image(&self, id: lamtheo_domain::Id) -> Result<(String, Vec<u8>)> {
        let path = format!("/column/images/{id}");
        if !self.published_articles().await?.iter().any(|a| names(&a.body, &path)) {
            return Err(Error::not_found());
        }
        let (_, content_type, bytes) =
            lamtheo_store::images::get(&self.store, id).await?.ok_or_else(Error::not_found)?;
        Ok((content_type, bytes))
    }
}
