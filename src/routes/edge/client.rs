//! Who a request comes from, as recorded with a consent.

use super::AppState;
use actix_web::{HttpRequest, web};

/// Request metadata recorded with a consent: client IP and user agent (bounded, single-line).
/// Behind a reverse proxy (`ASSENT_TRUST_PROXY=true`) the IP comes from `X-Forwarded-For`.
pub fn client_meta(req: &HttpRequest) -> (Option<String>, Option<String>) {
    let trust_proxy = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.trust_proxy);
    let peer = || req.peer_addr().map(|a| a.ip().to_string());
    // The proxy appends the address it saw to X-Forwarded-For: only the last entry is the proxy's word,
    // earlier ones are whatever the client sent.
    let forwarded = || {
        let header = req.headers().get("x-forwarded-for")?.to_str().ok()?;
        parse_ip(header.rsplit(',').next()?)
    };
    let ip = if trust_proxy {
        forwarded().or_else(peer)
    } else {
        peer()
    };
    let ua = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.chars()
                .filter(|c| !c.is_control())
                .take(512)
                .collect::<String>()
        })
        .filter(|v| !v.is_empty());
    (ip, ua)
}

/// An IP address from a forwarding header value (`1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`, `::1`); anything
/// else is not recorded rather than recorded wrong.
fn parse_ip(v: &str) -> Option<String> {
    use std::net::{IpAddr, SocketAddr};
    let v = v.trim();
    v.parse::<IpAddr>()
        .or_else(|_| v.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_string())
}

/// The browser sends Global Privacy Control: `Sec-GPC: 1` (any other value is no signal).
pub fn sends_gpc(req: &HttpRequest) -> bool {
    req.headers()
        .get("sec-gpc")
        .is_some_and(|v| v.as_bytes().trim_ascii() == b"1")
}
