//! `POST /v4/clients/batch`: up to 1,000 profiles from another system (Synerise's shape), each checked
//! on its own; the valid ones applied in one transaction, each change with source `api:<key name>`;
//! 202 with the items refused and the changes that were too old to apply. An `Idempotency-Key` makes a
//! retry answer the first answer again without applying anything twice.

use super::wire;
use crate::consent::Meta;
use crate::consent::batch::once::{self, Answer};
use crate::consent::batch::{self, Item, MAX_ITEMS, Outcome};
use crate::domain::{Source, sha256_hex};
use crate::routes::edge::error::ApiError;
use crate::routes::edge::error::ErrorBody;
use crate::routes::edge::{AppState, BodyError, client_meta, read_body};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

/// The largest request body: 1,000 profiles with room for their attributes.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// Upsert up to 1,000 profiles
///
/// Each profile is checked on its own; the valid ones are applied in one transaction, each change with
/// the source `api:<key name>`. Missing profiles are created. A change older (by `consentedAt`) than the
/// profile's latest for that agreement is not applied and is listed as stale, so a late import never
/// revives a newer withdrawal.
#[utoipa::path(
    post,
    path = "/v4/clients/batch",
    operation_id = "upsertProfiles",
    tag = "profiles",
    params(("Idempotency-Key" = Option<String>, Header, nullable = false,
        description = "1 to 255 printable ASCII characters; a retry with the same key and body gets the first answer again (header `Idempotent-Replayed: true`) and applies nothing twice, for 24 hours")),
    request_body(content = Vec<wire::ProfileIn>, description = "At most 1,000 profiles"),
    responses(
        (status = 202, description = "Applied: what became of each item", body = wire::BatchAnswer,
            headers(("Idempotent-Replayed" = String, description = "`true` when this is the answer to an earlier request with the same Idempotency-Key and body"))),
        (status = 400, description = "Not JSON, not an array, or a bad Idempotency-Key", body = ErrorBody),
        (status = 401, description = "No valid API key", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 413, description = "Larger than 10 MiB", body = ErrorBody),
        (status = 415, description = "Not declared as application/json", body = ErrorBody),
        (status = 422, description = "More than 1,000 profiles, or an Idempotency-Key reused with another body", body = ErrorBody),
        (status = 503, description = "Unavailable; nothing was changed, retry later", body = ErrorBody),
    ),
    security(("apiKey" = []))
)]
pub async fn post(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let key_name = crate::routes::edge::api_key::authenticate(&req, &state).await?;
    require_json(&req)?;
    let idempotency = match req.headers().get("Idempotency-Key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
                .ok_or_else(|| {
                    ApiError::Malformed(
                        "Idempotency-Key must be 1 to 255 printable ASCII characters, e.g. a UUID."
                            .into(),
                    )
                })?
                .to_string(),
        ),
    };
    let body = read_json(&req, body).await?;
    let values = profiles_of(&body, false)?;
    let (items, outcome) = check_items(&state, values).await?;
    let meta = Meta::now(Source::Api(key_name.clone()), client_meta(&req));
    let key = idempotency.map(|key| once::Key {
        owner: key_name,
        key,
        digest: sha256_hex(&body),
    });
    let answer = state
        .db(move |c| {
            Ok(once::apply_once(
                c,
                key.as_ref(),
                &items,
                &outcome.rejected,
                &meta,
                &render,
            )?)
        })
        .await?;
    let body = match answer {
        Answer::Fresh(body, accepted) => {
            tracing::info!(accepted, "batch applied");
            body
        }
        Answer::Replayed(body) => {
            return Ok(HttpResponse::Accepted()
                .content_type("application/json")
                .insert_header(("Idempotent-Replayed", "true"))
                .body(body));
        }
        Answer::Conflict => {
            return Err(ApiError::Invalid(
                "This Idempotency-Key was already used, within the last 24 hours, for a different request body; use a new key for a new batch.".into(),
            ));
        }
    };
    Ok(HttpResponse::Accepted()
        .content_type("application/json")
        .body(body))
}

/// 415 unless the body is declared as JSON.
pub fn require_json(req: &HttpRequest) -> Result<(), ApiError> {
    if !content_type_is(req, "application/json") {
        return Err(ApiError::WrongType(
            "Send the profiles as JSON, with `Content-Type: application/json`.".into(),
        ));
    }
    Ok(())
}

/// Whether the request declares this media type (parameters such as `charset` aside).
pub fn content_type_is(req: &HttpRequest, wanted: &str) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(wanted))
}

/// The body, at most `MAX_BODY` bytes, arriving in time.
pub async fn read_json(req: &HttpRequest, body: web::Payload) -> Result<web::Bytes, ApiError> {
    read_body(req, body, MAX_BODY).await.map_err(body_error)
}

/// The API's answer to a body that could not be read.
pub fn body_error(e: BodyError) -> ApiError {
    match e {
        BodyError::TooLarge(n) => ApiError::TooLarge(n),
        BodyError::Broken(m) => ApiError::Malformed(format!("the body could not be read: {m}")),
        BodyError::TooSlow(d) => ApiError::Malformed(format!(
            "the body did not arrive within {} seconds",
            d.as_secs()
        )),
    }
}

/// The profiles of a JSON body: an array of them, or (`one_allowed`) a single profile object.
pub fn profiles_of(body: &[u8], one_allowed: bool) -> Result<Vec<Value>, ApiError> {
    profiles_in(parse_json(body)?, one_allowed)
}

/// A JSON body, or what is wrong with it.
pub fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice::<Value>(body)
        .map_err(|e| ApiError::Malformed(format!("The body is not valid JSON: {e}.")))
}

/// The profiles of a parsed body: an array of them, or (`one_allowed`) a single profile object.
pub fn profiles_in(body: Value, one_allowed: bool) -> Result<Vec<Value>, ApiError> {
    match body {
        Value::Array(items) => Ok(items),
        one @ Value::Object(_) if one_allowed => Ok(vec![one]),
        _ if one_allowed => Err(ApiError::Malformed(
            "The body must be a profile object or an array of them: {\"email\": …}.".into(),
        )),
        _ => Err(ApiError::Malformed(
            "The body must be a JSON array of profiles: [{\"email\": …}, …].".into(),
        )),
    }
}

/// At most `MAX_ITEMS` profiles, each checked on its own: the valid ones by index, and an outcome that
/// holds the refused ones.
pub async fn check_items(
    state: &AppState,
    values: Vec<Value>,
) -> Result<(Vec<(usize, Item)>, Outcome), ApiError> {
    if values.len() > MAX_ITEMS {
        return Err(ApiError::Invalid(format!(
            "{} profiles in one request; send at most {MAX_ITEMS} per request.",
            values.len()
        )));
    }
    let catalog = state.catalog.get().await?;
    let now = crate::db::now();
    let mut outcome = Outcome::default();
    let mut items: Vec<(usize, Item)> = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        match batch::parse(v, &catalog, now, state.phone_region) {
            Ok(item) => items.push((i, item)),
            Err(why) => outcome.rejected.push((i, why)),
        }
    }
    Ok((items, outcome))
}

/// The batch answer as JSON, its items by index.
pub fn render(done: &mut Outcome) -> String {
    serde_json::to_string(&wire::BatchAnswer::of(done)).expect("a batch answer is JSON")
}
