use crate::db::models::{jobs, outbox, sendfiles};
use crate::routes::edge::AppState;
use actix_web::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web};
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

/// `GET /metrics` for Prometheus (OpenMetrics text), with `Authorization: Bearer <ASSENT_METRICS_TOKEN>`;
/// without that setting it is not served (404).
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let text = "text/plain; charset=utf-8";
    let Some(token) = state.metrics_token.as_deref() else {
        return HttpResponse::NotFound()
            .content_type(text)
            .body("Metrics are not served here: set ASSENT_METRICS_TOKEN to serve them here with a token, or read them on the address of ASSENT_METRICS_BIND.");
    };
    let given = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !crate::domain::token::same(given, token) {
        return HttpResponse::Unauthorized()
            .insert_header((WWW_AUTHENTICATE, "Bearer"))
            .content_type(text)
            .body("Give the metrics token: Authorization: Bearer <ASSENT_METRICS_TOKEN>.");
    }
    exposition(&state).await
}

/// `GET /metrics` on `ASSENT_METRICS_BIND`'s own address: no token, as that address is reached only from
/// where the operator chose.
pub async fn metrics_open(state: web::Data<AppState>) -> HttpResponse {
    exposition(&state).await
}

/// The metrics as they are now: this process's counters and the database's queues.
async fn exposition(state: &AppState) -> HttpResponse {
    let text = "text/plain; charset=utf-8";
    let now = crate::db::now();
    let read = state
        .db(move |c| {
            Ok((
                outbox::channels(c, now)?,
                jobs::running(c)?,
                sendfiles::failing(c)?,
            ))
        })
        .await;
    let (channels, jobs, sendfiles_failing) = match read {
        Ok(read) => read,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database does not answer");
            return HttpResponse::ServiceUnavailable()
                .content_type(text)
                .body("database unavailable");
        }
    };
    let pool = state.pool.state();
    let lanes = channels
        .into_iter()
        .map(|c| crate::metrics::LaneState {
            lane: c.channel,
            due: c.waiting,
            oldest_due_seconds: c
                .oldest_due
                .map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0),
            dead: c.dead,
        })
        .collect();
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(crate::metrics::render(crate::metrics::Snapshot {
            lanes,
            jobs,
            sendfiles_failing,
            pool_open: pool.connections,
            pool_idle: pool.idle_connections,
        }))
}
