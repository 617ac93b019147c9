//! Static files, compiled into the binary so it runs from any folder.

use actix_web::{HttpResponse, web};

const CSS: &str = include_str!("../../static/assent.css");
const ICON: &str = include_str!("../../static/favicon.svg");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/static/assent.css",
        crate::routes::get().to(|| async { asset("text/css; charset=utf-8", CSS) }),
    )
    .route(
        "/static/favicon.svg",
        crate::routes::get().to(|| async { asset("image/svg+xml", ICON) }),
    )
    .route(
        "/favicon.ico",
        crate::routes::get().to(|| async { asset("image/svg+xml", ICON) }),
    );
}

fn asset(content_type: &str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(body)
}
