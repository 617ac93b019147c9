//! A staff member's own page: the dashboard's language (stored; none means the browser's).

use super::private;
use crate::i18n::Lang;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Fields, Form};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    staff: Staff,
    /// (tag, the language's own name), every catalogue.
    choices: Vec<(String, String)>,
    saved: bool,
}

#[derive(serde::Deserialize)]
struct LanguageFields {
    /// A catalogue tag, or empty for the browser's language.
    #[serde(default)]
    language: String,
}

impl Fields for LanguageFields {}

pub async fn page(req: HttpRequest, staff: Staff) -> Result<HttpResponse, PageError> {
    let saved = Form::query::<super::Done>(&req)?.done == "language";
    Ok(private(html(
        StatusCode::OK,
        &AccountPage {
            staff,
            choices: Lang::choices(),
            saved,
        },
    )))
}

pub async fn set_language(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: LanguageFields = staff.fields(&req, body).await?;
    let language = match form.language.as_str() {
        "" => None,
        tag => Some(
            Lang::find(tag)
                .filter(|l| l.code() == tag)
                .ok_or_else(|| {
                    PageError::BadRequest(staff.lang.with(
                        "account-no-such-language",
                        &[("value", &tag.chars().take(35).collect::<String>())],
                    ))
                })?
                .code()
                .to_string(),
        ),
    };
    let (id, by) = (staff.user.id, crate::domain::Actor::from(&staff));
    state
        .db(move |c| {
            Ok(crate::auth::users::set_language(
                c,
                id,
                language.as_deref(),
                &by,
            )?)
        })
        .await?;
    Ok(super::see_other("/admin/account?done=language"))
}
