//! API keys (admins): create one (shown once, only its hash is stored), see when each was last used,
//! revoke. The same keys as `assent apikey create`.

use super::{private, see_other};
use crate::auth::Staff;
use crate::db::models::api_keys::{self, ApiKey};
use crate::error::{PageError, html};
use crate::routes::{AppState, Form};
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
    if Form::parse(req.query_string().as_bytes()).get("done") == Some("revoked") {
        p.notice = Some("Revoked: requests with that key are refused from now on.".into());
    }
    Ok(private(html(StatusCode::OK, &p)))
}

pub async fn create(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form = staff.form(&req, body).await?;
    let raw = form.get("name").unwrap_or("");
    let name = match api_keys::check_name(raw) {
        Ok(n) => n.to_string(),
        Err(e) => {
            let mut p = page(&state, staff).await?;
            p.name = raw.chars().take(80).collect();
            p.name_error = Some(e);
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
        }
    };
    let (key, hash) = crate::routes::api::new_key();
    let (who, n) = (staff.clone(), name.clone());
    let made = super::write(&state, move |c| {
        let made = api_keys::insert(c, &n, &hash)?.is_some();
        if made {
            who.audit(c, "apikey.create", &n, None)?;
        }
        Ok(made)
    })
    .await?;
    let mut p = page(&state, staff).await?;
    if !made {
        p.name = name.clone();
        p.name_error = Some(format!(
            "A key named \u{201c}{name}\u{201d} already exists (names stay in the ledger); choose another."
        ));
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
    }
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
    let revoked = super::write(&state, move |c| {
        let name = api_keys::revoke(c, id, crate::db::now())?;
        if let Some(n) = &name {
            staff.audit(c, "apikey.revoke", n, None)?;
        }
        Ok(name)
    })
    .await?;
    match revoked {
        Some(_) => Ok(see_other("/admin/apikeys?done=revoked")),
        None => Err(PageError::NotFound(
            "There is no live API key with this id.".into(),
        )),
    }
}
