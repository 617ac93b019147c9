use crate::consent::read;
use crate::db::models::{consent_events, profiles};
use crate::domain::Email;
use crate::routes::edge::AppState;
use crate::routes::edge::api_key::authenticate;
use crate::routes::edge::error::ApiError;
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

/// The profile with its current consent values as attributes (`"<agreement key>": "enabled"|"disabled"`).
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
    let pending_keys: Vec<&str> = standing
        .iter()
        .filter(|s| s.pending)
        .map(|s| s.agreement.key.as_str())
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "email": profile.email,
        "customId": profile.custom_id,
        "phone": profile.phone,
        "firstName": profile.first_name,
        "lastName": profile.last_name,
        "emailConfirmed": profile.email_confirmed_at.is_some(),
        "attributes": attributes,
        "pendingAgreements": pending_keys,
        "createdAt": rfc3339(profile.created_at),
        "updatedAt": rfc3339(profile.updated_at),
    })))
}

/// The profile's ledger, oldest first.
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
    let out: Vec<Value> = events
        .into_iter()
        .map(|stored| {
            let e = stored.event;
            json!({
                "agreement": e.agreement_key,
                "value": e.value,
                "previous": e.previous,
                "version": e.version,
                "source": e.source,
                "occurredAt": rfc3339(e.occurred_at),
                "ip": e.ip,
                "userAgent": e.user_agent,
                "language": e.language,
                "hash": e.hash,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}
