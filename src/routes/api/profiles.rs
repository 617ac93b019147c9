use super::wire;
use crate::consent::read;
use crate::db::models::{consent_events, profiles};
use crate::domain::Email;
use crate::routes::edge::AppState;
use crate::routes::edge::api_key::authenticate;
use crate::routes::edge::error::ApiError;
use crate::routes::edge::error::ErrorBody;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

/// The API gives times in microseconds.
fn rfc3339(t: NaiveDateTime) -> String {
    crate::domain::time::rfc3339(t, crate::domain::time::Precision::Micros)
}

async fn find(state: &AppState, raw: &str) -> Result<profiles::Profile, ApiError> {
    let email = Email::parse(raw).map_err(ApiError::Invalid)?;
    let e = email.to_string();
    state
        .db(move |c| Ok(profiles::find_by_email(c, &e)?))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No profile has the email address {email}.")))
}

/// A profile by email address
///
/// The profile with each agreement's current value among its attributes
/// (`"<agreement key>": "enabled" | "disabled"`).
#[utoipa::path(
    get,
    path = "/api/v1/profiles/{email}",
    operation_id = "getProfile",
    tag = "profiles",
    params(("email" = String, Path, description = "The profile's email address")),
    responses(
        (status = 200, description = "The profile", body = wire::Profile),
        (status = 401, description = "No valid API key", body = ErrorBody),
        (status = 404, description = "No profile has this email address", body = ErrorBody),
        (status = 422, description = "Not an email address", body = ErrorBody),
        (status = 503, description = "Unavailable; retry later", body = ErrorBody),
    ),
    security(("apiKey" = []))
)]
pub async fn get(
    req: HttpRequest,
    email: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    authenticate(&req, &state).await?;
    let profile = find(&state, &email).await?;
    let all = state.catalog.get().await?;
    let pid = profile.id;
    let standing = state
        .db(move |c| Ok(read::standing(c, &all, pid, crate::db::now())?))
        .await?;
    let mut attributes: Map<String, Value> =
        serde_json::from_str(&profile.attributes).unwrap_or_default();
    for s in &standing {
        let value = if s.enabled { "enabled" } else { "disabled" };
        attributes.insert(s.agreement.key.clone(), json!(value));
    }
    let pending_keys: Vec<String> = standing
        .iter()
        .filter(|s| s.pending)
        .map(|s| s.agreement.key.clone())
        .collect();
    Ok(HttpResponse::Ok().json(wire::Profile {
        email: profile.email,
        custom_id: profile.custom_id,
        phone: profile.phone,
        first_name: profile.first_name,
        last_name: profile.last_name,
        email_confirmed: profile.email_confirmed_at.is_some(),
        attributes,
        pending_agreements: pending_keys,
        created_at: rfc3339(profile.created_at),
        updated_at: rfc3339(profile.updated_at),
    }))
}

/// A profile's ledger
///
/// Every recorded change of the profile's consents, oldest first, with the hash that chains it.
#[utoipa::path(
    get,
    path = "/api/v1/profiles/{email}/consents",
    operation_id = "getLedger",
    tag = "profiles",
    params(("email" = String, Path, description = "The profile's email address")),
    responses(
        (status = 200, description = "The ledger, oldest first", body = Vec<wire::LedgerEntry>),
        (status = 401, description = "No valid API key", body = ErrorBody),
        (status = 404, description = "No profile has this email address", body = ErrorBody),
        (status = 422, description = "Not an email address", body = ErrorBody),
        (status = 503, description = "Unavailable; retry later", body = ErrorBody),
    ),
    security(("apiKey" = []))
)]
pub async fn consents(
    req: HttpRequest,
    email: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    authenticate(&req, &state).await?;
    let profile = find(&state, &email).await?;
    let pid = profile.id;
    let events = state
        .db(move |c| Ok(consent_events::for_profile(c, pid)?))
        .await?;
    let out: Vec<wire::LedgerEntry> = events
        .into_iter()
        .map(|stored| {
            let e = stored.event;
            wire::LedgerEntry {
                agreement: e.agreement_key,
                value: e.value,
                previous: e.previous,
                version: e.version,
                source: e.source,
                occurred_at: rfc3339(e.occurred_at),
                ip: e.ip,
                user_agent: e.user_agent,
                language: e.language,
                reason: e.reason,
                origin: e.origin,
                hash: e.hash,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}
