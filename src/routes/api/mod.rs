//! The JSON API, authenticated with `Authorization: Bearer <API key>`.

pub(crate) mod batch;
pub(crate) mod exports;
mod integrations;
mod profiles;

use crate::db::models::api_keys;
use crate::domain::sha256_hex;
use crate::error::ApiError;
use crate::routes::AppState;
use actix_web::{HttpRequest, HttpResponse, web};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/v4/clients/batch")
            .wrap(actix_web::middleware::DefaultHeaders::new().add(("Cache-Control", "no-store")))
            .route(web::post().to(batch::post)),
    );
    cfg.service(
        web::resource("/integrations/{name}/webhook")
            .wrap(actix_web::middleware::DefaultHeaders::new().add(("Cache-Control", "no-store")))
            .route(web::post().to(integrations::webhook)),
    );
    cfg.service(
        web::scope("/api/v1")
            // Personal data: never stored by caches on the way.
            .wrap(actix_web::middleware::DefaultHeaders::new().add(("Cache-Control", "no-store")))
            .route("/profiles/{email}", crate::routes::get().to(profiles::get))
            .route(
                "/profiles/{email}/consents",
                crate::routes::get().to(profiles::consents),
            )
            .route(
                "/exports/profiles.csv",
                crate::routes::get().to(exports::profiles_csv),
            )
            .default_service(web::to(not_found)),
    );
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "There is no API route {} {}.",
        req.method(),
        req.path()
    )))
}

/// Prefix of every API key, so leaked keys are easy to recognise and scan for.
pub const KEY_PREFIX: &str = "ak_";

pub fn new_key() -> (String, String) {
    let key = format!("{KEY_PREFIX}{}", crate::auth::staff::new_token());
    let hash = sha256_hex(key.as_bytes());
    (key, hash)
}

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
