//! API keys (admins): create one (shown once, only its hash is stored), see when each was last used,
//! revoke. The same keys as `assent apikey create`.

use super::{Done, Named};
use super::{private, see_other};
use crate::db::models::api_keys::{self, ApiKey};
use crate::domain::Actor;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/apikeys.html")]
struct KeysPage {
    staff: Staff,
    keys: Vec<ApiKey>,
    /// A key just created: shown this once.
    created: Option<(String, String)>,
    name: String,
    name_error: Option<String>,
    notice: Option<String>,
}

async fn page(state: &AppState, staff: Staff) -> Result<KeysPage, PageError> {
    let keys = state.db(|c| Ok(api_keys::all(c)?)).await?;
    Ok(KeysPage {
        staff,
        keys,
        created: None,
        name: String::new(),
        name_error: None,
        notice: None,
    })
}

pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let mut p = page(&state, staff).await?;
    if Form::query::<Done>(&req)?.done == "revoked" {
        p.notice = Some(p.staff.t("apikeys-done-revoked"));
    }
    Ok(private(html(StatusCode::OK, &p)))
}

pub async fn create(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: Named = staff.fields(&req, body).await?;
    let raw = form.name.as_str();
    let name = match crate::domain::name::api_key(raw) {
        Ok(n) => n.to_string(),
        Err(_) => {
            // `domain::name` has one rule, and says it in English.
            let mut p = page(&state, staff).await?;
            p.name = raw.chars().take(80).collect();
            p.name_error = Some(p.staff.t("apikeys-name-invalid"));
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
        }
    };
    let (by, n) = (Actor::from(&staff), name.clone());
    let made = state
        .db(move |c| Ok(crate::auth::api_keys::create(c, &n, &by)?))
        .await?;
    let mut p = page(&state, staff).await?;
    let Some(key) = made else {
        p.name = name.clone();
        p.name_error = Some(p.staff.lang.with("apikeys-name-taken", &[("name", &name)]));
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
    };
    tracing::info!(key = %name, "API key created in the dashboard");
    // Shown in this answer only (no redirect, never cached): the key is not stored anywhere.
    p.created = Some((name, key));
    Ok(private(html(StatusCode::OK, &p)))
}

pub async fn revoke(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let id = id.into_inner();
    let by = Actor::from(&staff);
    let revoked = state
        .db(move |c| Ok(crate::auth::api_keys::revoke(c, id, &by)?))
        .await?;
    match revoked {
        Some(_) => Ok(see_other("/admin/apikeys?done=revoked")),
        None => Err(PageError::NotFound(staff.t("apikeys-not-found"))),
    }
}

#[cfg(test)]
mod i18n_tests {
    /// The English catalogue says exactly what `domain::name` says.
    #[test]
    fn the_refused_name_is_worded_by_the_catalogue() {
        let english = crate::domain::name::api_key("a b").unwrap_err();
        let en = crate::i18n::Lang::default();
        assert_eq!(en.t("apikeys-name-invalid"), english);
    }
}
