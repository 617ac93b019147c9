use super::wire;
use crate::consent::read;
use crate::db::models::{consent_events, profiles};
use crate::domain::Email;
use crate::domain::phone::{self, Region};
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
    find_by(state, By::Email(email)).await
}

/// The query that names a profile: exactly one of these (described once for both routes).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
#[allow(dead_code)] // read by `by_query`, which says what is wrong with a query
struct Named {
    /// The profile's email address
    #[param(nullable = false)]
    email: Option<String>,
    /// The profile's customId
    #[param(nullable = false)]
    custom_id: Option<String>,
    /// The profile's phone number, in any common notation (`+48 601 234 567`; without `+` as a
    /// number of `ASSENT_DEFAULT_PHONE_REGION`)
    #[param(nullable = false)]
    phone: Option<String>,
    /// The profile's uuid (Synerise's identifier)
    #[param(
        nullable = false,
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    uuid: Option<String>,
}

/// How a caller names a profile.
enum By {
    Email(Email),
    CustomId(String),
    /// In E.164.
    Phone(String),
    /// Lower case.
    Uuid(String),
}

/// `?email=E`, `?customId=C`, `?phone=P` or `?uuid=U`: exactly one.
fn by_query(req: &HttpRequest, region: Option<Region>) -> Result<By, ApiError> {
    let query = crate::routes::edge::Form::parse(req.query_string().as_bytes());
    let given: Vec<(&str, &str)> = ["email", "customId", "phone", "uuid"]
        .into_iter()
        .filter_map(|k| query.get(k).map(|v| (k, v.trim())))
        .collect();
    match given.as_slice() {
        [("email", e)] => Ok(By::Email(Email::parse(e).map_err(ApiError::Invalid)?)),
        [("customId", c)] if !c.is_empty() => Ok(By::CustomId(c.to_string())),
        [("phone", p)] => Ok(By::Phone(
            phone::normalise(p, region).map_err(|e| ApiError::Invalid(format!("phone: {e}")))?,
        )),
        [("uuid", u)] => Ok(By::Uuid(
            crate::domain::uuid::parse(u).map_err(ApiError::Invalid)?,
        )),
        _ => Err(ApiError::Invalid(
            "Name the profile by exactly one of ?email=ADDRESS, ?customId=ID, ?phone=NUMBER or ?uuid=UUID."
                .into(),
        )),
    }
}

async fn find_by(state: &AppState, by: By) -> Result<profiles::Profile, ApiError> {
    let (found, missing) = match by {
        By::Email(email) => {
            let e = email.to_string();
            let found = state
                .db(move |c| Ok(profiles::find_by_email(c, &e)?))
                .await?;
            (found, format!("No profile has the email address {email}."))
        }
        By::CustomId(id) => {
            let i = id.clone();
            let found = state
                .db(move |c| Ok(profiles::find_by_custom_id(c, &i)?))
                .await?;
            (found, format!("No profile has the customId {id:?}."))
        }
        By::Phone(number) => {
            let n = number.clone();
            let found = state
                .db(move |c| Ok(profiles::find_one_by_phone(c, &n)?))
                .await?
                .map_err(|shared| {
                    ApiError::Conflict(format!(
                        "{} profiles share the phone {number}: name the person by ?email=, ?customId= or ?uuid=.",
                        shared.len()
                    ))
                })?;
            (found, format!("No profile has the phone {number}."))
        }
        By::Uuid(uuid) => {
            let u = uuid.clone();
            let found = state
                .db(move |c| Ok(profiles::find_by_uuid(c, &u)?))
                .await?;
            (found, format!("No profile has the uuid {uuid}."))
        }
    };
    found.ok_or(ApiError::NotFound(missing))
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
        (status = 401, description = "No valid API key", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
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
    profile_answer(&state, profile).await
}

/// A profile by email address, customId, phone or uuid
///
/// The same answer as `GET /api/v1/profiles/{email}`, for a profile named by `?email=`, `?customId=`
/// (a profile another system knows only by its own id), `?phone=` or `?uuid=` (Synerise's).
#[utoipa::path(
    get,
    path = "/api/v1/profiles",
    operation_id = "findProfile",
    tag = "profiles",
    params(Named),
    responses(
        (status = 200, description = "The profile", body = wire::Profile),
        (status = 401, description = "No valid API key", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 404, description = "No profile is named so", body = ErrorBody),
        (status = 409, description = "Several profiles share the phone number", body = ErrorBody),
        (status = 422, description = "Not exactly one of them given, or not an email address, phone number or UUID", body = ErrorBody),
        (status = 503, description = "Unavailable; retry later", body = ErrorBody),
    ),
    security(("apiKey" = []))
)]
pub async fn find_one(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    authenticate(&req, &state).await?;
    let profile = find_by(&state, by_query(&req, state.phone_region)?).await?;
    profile_answer(&state, profile).await
}

/// A profile's ledger, by email address, customId, phone or uuid
///
/// The same answer as `GET /api/v1/profiles/{email}/consents`, for a profile named by `?email=`,
/// `?customId=`, `?phone=` or `?uuid=`.
#[utoipa::path(
    get,
    path = "/api/v1/profiles/consents",
    operation_id = "findLedger",
    tag = "profiles",
    params(Named),
    responses(
        (status = 200, description = "The ledger, oldest first", body = Vec<wire::LedgerEntry>),
        (status = 401, description = "No valid API key", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 404, description = "No profile is named so", body = ErrorBody),
        (status = 409, description = "Several profiles share the phone number", body = ErrorBody),
        (status = 422, description = "Not exactly one of them given, or not an email address, phone number or UUID", body = ErrorBody),
        (status = 503, description = "Unavailable; retry later", body = ErrorBody),
    ),
    security(("apiKey" = []))
)]
pub async fn find_ledger(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    authenticate(&req, &state).await?;
    let profile = find_by(&state, by_query(&req, state.phone_region)?).await?;
    ledger_answer(&state, profile).await
}

/// A profile and its current consents, as the API gives them.
async fn profile_answer(
    state: &AppState,
    profile: profiles::Profile,
) -> Result<HttpResponse, ApiError> {
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
    let details = crate::domain::details::Details::stored(profile.details.as_deref());
    Ok(HttpResponse::Ok().json(wire::Profile {
        email: profile.email,
        custom_id: profile.custom_id,
        uuid: profile.uuid,
        phone: profile.phone,
        first_name: profile.first_name,
        last_name: profile.last_name,
        details: details.into(),
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
        (status = 401, description = "No valid API key", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
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
    ledger_answer(&state, profile).await
}

/// A profile's ledger, oldest first, as the API gives it.
async fn ledger_answer(
    state: &AppState,
    profile: profiles::Profile,
) -> Result<HttpResponse, ApiError> {
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
                gpc: e.gpc,
                hash: e.hash,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

/// A profile's signed consent receipt
///
/// Everything the person agreed to or refused, with the exact wording and the ledger events behind each
/// state (ISO/IEC TS 27560 elements in DPV terms, documented in docs/receipt.md with a JSON Schema),
/// as a compact JWS signed with Ed25519 (`alg: EdDSA`, `kid`: a key of
/// `/.well-known/assent-receipt-keys.json`). No receipt is given for an erased person.
#[utoipa::path(
    get,
    path = "/api/v1/profiles/{email}/receipt",
    operation_id = "getReceipt",
    tag = "profiles",
    params(("email" = String, Path, description = "The profile's email address")),
    responses(
        (status = 200, description = "The signed receipt", content_type = "application/jose", body = String),
        (status = 401, description = "No valid API key", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 404, description = "No profile has this email address", body = ErrorBody),
        (status = 422, description = "Not an email address", body = ErrorBody),
        (status = 503, description = "Unavailable; retry later", body = ErrorBody),
    ),
    security(("apiKey" = []))
)]
pub async fn receipt(
    req: HttpRequest,
    email: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    authenticate(&req, &state).await?;
    let profile = find(&state, &email).await?;
    receipt_answer(&state, profile).await
}

/// A profile's signed consent receipt, by email address, customId, phone or uuid
///
/// The same answer as `GET /api/v1/profiles/{email}/receipt`, for a profile named by `?email=`,
/// `?customId=`, `?phone=` or `?uuid=`.
#[utoipa::path(
    get,
    path = "/api/v1/profiles/receipt",
    operation_id = "findReceipt",
    tag = "profiles",
    params(Named),
    responses(
        (status = 200, description = "The signed receipt", content_type = "application/jose", body = String),
        (status = 401, description = "No valid API key", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 404, description = "No profile is named so", body = ErrorBody),
        (status = 409, description = "Several profiles share the phone number", body = ErrorBody),
        (status = 422, description = "Not exactly one of them given, or not an email address, phone number or UUID", body = ErrorBody),
        (status = 503, description = "Unavailable; retry later", body = ErrorBody),
    ),
    security(("apiKey" = []))
)]
pub async fn find_receipt(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    authenticate(&req, &state).await?;
    let profile = find_by(&state, by_query(&req, state.phone_region)?).await?;
    receipt_answer(&state, profile).await
}

/// The profile's receipt, signed now.
async fn receipt_answer(
    state: &AppState,
    profile: profiles::Profile,
) -> Result<HttpResponse, ApiError> {
    let all = state.catalog.get().await?;
    let sealer = state.sealer.clone();
    let signed = state
        .db(move |c| Ok(crate::consent::receipt::issue(c, &sealer, &profile, &all)?))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/jose")
        .body(signed))
}
