//! One tracing span per request: method, route pattern (never the path itself, which may hold a token
//! or an address), status and latency. Log lines written while handling a request carry these fields.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use std::future::Future;
use tracing::Instrument;

pub fn trace<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, Error>> + use<S, B>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: MessageBody + 'static,
{
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = tracing::field::Empty,
        status = tracing::field::Empty,
        micros = tracing::field::Empty,
    );
    // Matching the route pattern costs about as much as answering /livez: only when it is logged or
    // counted.
    let counted = crate::metrics::enabled();
    let route = (counted || !span.is_disabled())
        .then(|| req.match_pattern().unwrap_or_else(|| "(no route)".into()));
    if let Some(route) = route.as_deref().filter(|_| !span.is_disabled()) {
        span.record("route", tracing::field::display(route));
    }
    let method = counted.then(|| req.method().to_string());
    let started = std::time::Instant::now();
    let call = span.in_scope(|| srv.call(req));
    async move {
        let res = call.await;
        let span = tracing::Span::current();
        let status = res.as_ref().map_or(500, |r| r.status().as_u16());
        span.record("status", status);
        span.record("micros", started.elapsed().as_micros() as u64);
        if let (Some(route), Some(method)) = (&route, &method) {
            crate::metrics::request(route, method, status, started.elapsed().as_secs_f64());
        }
        if status >= 500 {
            tracing::warn!("request failed");
        } else {
            tracing::debug!("request done");
        }
        res
    }
    .instrument(span)
}
