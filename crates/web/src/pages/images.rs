//! A department's images for the public column: the list, with the line an article uses
//! to show each, and the upload (PNG, JPEG or WebP; the role and scope are checked before a
//! byte is read, and no more than the limit is read).
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::Router;
use lamtheo_app::column::IMAGE_BYTES;
use lamtheo_domain::{Error, ErrorCode, Id};

use super::{render, Ctx, PageResult};
use crate::i18n::Lang;
use crate::session::Session;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/units/{id}/images", get(list).post(upload))
}

#[derive(Template)]
#[template(path = "images.html")]
struct ImagesPage {
    t: Lang,
    c: Ctx,
    unit_id: Id,
    unit_name: String,
    /// (id, content type, size as printed).
    images: Vec<(Id, String, String)>,
    can_write: bool,
}

async fn list(State(st): State<AppState>, Path(unit): Path<Id>, s: Session) -> PageResult {
    let view = st.app.unit_view(&s.actor, unit, st.app.today()).map_err(|e| s.fail(e))?;
    let images = st.app.images_of(&s.actor, unit).await.map_err(|e| s.fail(e))?;
    let images = images
        .into_iter()
        .map(|(id, ty, size)| (id, ty, format!("{} KB", crate::fmt::int((size + 1023) / 1024))))
        .collect();
    let can_write = st.app.check_image_upload(&s.actor, unit).is_ok();
    render(s.t, ImagesPage { t: s.t, c: Ctx::of(&s), unit_id: unit, unit_name: view.name_on, images, can_write })
}

async fn upload(State(st): State<AppState>, Path(unit): Path<Id>, s: Session, req: Request) -> PageResult {
    // The role and scope first: the form is not even parsed for an account that may not.
    st.app.check_image_upload(&s.actor, unit).map_err(|e| s.fail(e))?;
    let mut mp = Multipart::from_request(req, &st).await.map_err(|e| {
        s.fail(Error::msg(
            ErrorCode::InvalidInput,
            format!("Tải ảnh lên không thành công: {e}"),
            format!("Upload failed: {e}"),
        ))
    })?;
    let failed = |e: axum::extract::multipart::MultipartError| {
        s.fail(Error::msg(
            ErrorCode::InvalidInput,
            format!("Tải ảnh lên không thành công: {e}"),
            format!("Upload failed: {e}"),
        ))
    };
    let (mut csrf, mut bytes) = (None, Vec::new());
    while let Some(mut field) = mp.next_field().await.map_err(failed)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                if csrf.as_deref() != Some(s.csrf.as_str()) {
                    return Err(s.fail(Error::new(ErrorCode::CsrfFailed)));
                }
                while let Some(chunk) = field.chunk().await.map_err(failed)? {
                    if bytes.len() + chunk.len() > IMAGE_BYTES {
                        return Err(s.fail(Error::msg(
                            ErrorCode::TooLarge,
                            "Ảnh lớn quá 2 MB",
                            "The image is larger than 2 MB",
                        )));
                    }
                    bytes.extend_from_slice(&chunk);
                }
            }
            _ => {}
        }
    }
    if csrf.as_deref() != Some(s.csrf.as_str()) {
        return Err(s.fail(Error::new(ErrorCode::CsrfFailed)));
    }
    st.app.add_image(&s.actor, unit, &bytes).await.map_err(|e| s.fail(e))?;
    Ok(Redirect::to(&format!("/units/{unit}/images")).into_response())
}
