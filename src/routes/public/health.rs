use crate::routes::edge::AppState;
use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;

/// Process liveness; touches nothing (also the baseline for benchmarks).
pub async fn livez() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// Readiness: 200 when the database answers.
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.db(|c| Ok(c.batch_execute("SELECT 1")?)).await {
        Ok(()) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database does not answer");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("database unavailable")
        }
    }
}
