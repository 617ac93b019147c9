//! The JSON API, authenticated with `Authorization: Bearer <API key>`.

pub(crate) mod batch;
pub(crate) mod exports;
mod integrations;
mod profiles;

use crate::routes::edge::error::ApiError;
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
