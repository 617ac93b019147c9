use super::authenticate;
use crate::db::models::{consent_events, consents, optin_requests, profiles};
use crate::domain::Email;
use crate::error::ApiError;
use crate::routes::AppState;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde_json::{Map, Value, json};

fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
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
    let (current, pending) = state
        .db(move |c| {
            Ok((
                consents::for_profile(c, pid)?,
                optin_requests::pending_for_profile(c, pid, crate::db::now())?,
            ))
        })
        .await?;
    let mut attributes: Map<String, Value> =
        serde_json::from_str(&profile.attributes).unwrap_or_default();
    for a in all.iter() {
        let on = current
            .iter()
            .any(|c| c.agreement_id == a.id && c.value == "enabled");
        attributes.insert(
            a.key.clone(),
            json!(if on { "enabled" } else { "disabled" }),
        );
    }
    let mut pending_keys: Vec<String> = Vec::new();
    for (id, _) in pending
        .iter()
        .flat_map(|r| optin_requests::decode_agreements(&r.agreements))
    {
        let enabled = current
            .iter()
            .any(|c| c.agreement_id == id && c.value == "enabled");
        if let Some(a) = all.iter().find(|a| a.id == id)
            && !enabled
            && !pending_keys.contains(&a.key)
        {
            pending_keys.push(a.key.clone());
        }
    }
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
