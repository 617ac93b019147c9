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
        "/brand.css",
        crate::routes::get().to(|| async {
            HttpResponse::Ok()
                .content_type("text/css; charset=utf-8")
                .insert_header(("Cache-Control", "public, max-age=300"))
                .body(crate::brand::css())
        }),
    )
    .route(
        "/brand/logo",
        crate::routes::get().to(|| async {
            match crate::brand::logo() {
                Some((bytes, kind)) => HttpResponse::Ok()
                    .content_type(*kind)
                    .insert_header(("Cache-Control", "public, max-age=300"))
                    // An SVG logo is shown as an image only, never run as a document.
                    .insert_header((
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'",
                    ))
                    .body(bytes.as_slice()),
                None => HttpResponse::NotFound().finish(),
            }
        }),
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
