//! Who an API request is made by: the API key in `Authorization: Bearer <key>` (only its SHA-256 is
//! stored, so the key is looked up by its hash).

use super::AppState;
use super::error::ApiError;
use crate::db::models::api_keys;
use crate::domain::sha256_hex;
use actix_web::HttpRequest;

/// The name of the API key the request carries, or 401.
pub async fn authenticate(req: &HttpRequest, state: &AppState) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::Unauthorized("Send your API key as `Authorization: Bearer <key>`.".into())
        })?;
    let key = header
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("The Authorization header must be `Bearer <key>`.".into())
        })?;
    let hash = sha256_hex(key.as_bytes());
    state
        .db(move |c| Ok(api_keys::name_for_hash(c, &hash)?))
        .await?
        .ok_or_else(|| ApiError::Unauthorized("This API key is not valid or was revoked. Create one with `assent apikey create --name NAME`.".into()))
}
