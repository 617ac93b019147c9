//! HTTP: handlers parse input and render output; business rules live in `consent` and `db`.

pub mod admin;
pub mod api;
mod assets;
pub mod edge;
pub mod public;

use actix_web::web;

/// A route for GET that answers HEAD too (monitors and link checkers send HEAD; actix sends no body).
pub fn get() -> actix_web::Route {
    use actix_web::guard;
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

pub fn configure(
    cfg: &mut web::ServiceConfig,
    sessions: crate::auth::sessions::DbSessionStore,
    cookies: &admin::Cookies,
) {
    assets::configure(cfg);
    public::configure(cfg);
    api::configure(cfg);
    admin::configure(cfg, sessions, cookies);
}
