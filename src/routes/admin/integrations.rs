//! Incoming integrations (admins): add one with how its requests are proven (the same rules as
//! `assent integration add`), see when each was last used, disable or enable it.

use super::{private, see_other};
use crate::db::models::integrations::{self, Integration};
use crate::domain::Actor;
use crate::integrations::Proof;
use crate::routes::edge::AppState;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/integrations.html")]
struct Page {
    staff: Staff,
    integrations: Vec<Integration>,
    base_url: String,
    name: String,
    auth: String,
    error: Option<String>,
    /// A secret made for the integration just added: shown this once.
    created: Option<(String, Option<String>)>,
}

impl Page {
    /// Where an integration receives profiles.
    fn receiver(&self, name: &str) -> String {
        format!("{}/integrations/{name}/webhook", self.base_url)
    }
}

async fn page(state: &AppState, staff: Staff) -> Result<Page, PageError> {
    let integrations = state.db(|c| Ok(integrations::all(c)?)).await?;
    Ok(Page {
        staff,
        integrations,
        base_url: state.composer.base_url.clone(),
        name: String::new(),
        auth: "hs256".into(),
        error: None,
        created: None,
    })
}

pub async fn list(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    Ok(private(html(StatusCode::OK, &page(&state, staff).await?)))
}

/// The add form: a name, how its requests are proven, and the key or secret that proves them.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct IntegrationFields {
    name: String,
    auth: String,
    key: String,
}

impl crate::routes::edge::Fields for IntegrationFields {}

pub async fn create(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: IntegrationFields = staff.fields(&req, body).await?;
    let name = form.name.trim().to_string();
    let auth = form.auth;
    let key = form.key.trim().to_string();
    let proof = match auth.as_str() {
        "hs256" => Ok(Proof::Hs256(key)),
        "public_key" => Ok(Proof::PublicKey(key)),
        "hmac_sha256" => Ok(Proof::Hmac(key)),
        "standard_webhooks" => Ok(Proof::StandardWebhooks(None)),
        "twilio_sms" => Ok(Proof::TwilioSms(key)),
        "sms_standard_webhooks" => Ok(Proof::SmsStandardWebhooks(None)),
        _ => Err(staff.t("integrations-choose-proof")),
    };
    let prepared = proof.and_then(|p| crate::integrations::prepare(&name, p));
    let new = match prepared {
        Ok(n) => n,
        Err(e) => {
            let mut p = page(&state, staff).await?;
            p.name = name.chars().take(63).collect();
            p.auth = auth;
            p.error = Some(e);
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
        }
    };
    let by = Actor::from(&staff);
    let (name, shown) = (new.name.clone(), new.shown.clone());
    let sealer = state.sealer.clone();
    let made = state
        .db(move |c| Ok(crate::integrations::add(c, &new, &by, &sealer)?))
        .await?;
    let mut p = page(&state, staff).await?;
    if !made {
        p.name = name.clone();
        p.error = Some(p.staff.lang.with("integrations-exists", &[("name", &name)]));
        return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
    }
    tracing::info!(integration = %name, "integration added in the dashboard");
    // Shown in this answer only (never cached, no redirect).
    p.created = Some((name, shown));
    Ok(private(html(StatusCode::OK, &p)))
}

pub async fn set_disabled<const DISABLE: bool>(
    req: HttpRequest,
    name: web::Path<String>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    staff.form(&req, body).await?;
    let name = name.into_inner();
    let by = Actor::from(&staff);
    let done = state
        .db(move |c| Ok(crate::integrations::set_disabled(c, &name, DISABLE, &by)?))
        .await?;
    if !done {
        return Err(PageError::NotFound(staff.t("integrations-none-named")));
    }
    Ok(see_other("/admin/integrations"))
}
