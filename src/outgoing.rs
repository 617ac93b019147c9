//! Requests Assent makes to addresses that users configure (webhooks, send-file): one HTTP client, and
//! the guard that keeps such a target from reaching into the server's own network. A target that is or
//! resolves to a loopback, private, link-local or unique-local address is refused when it is saved and
//! again when a request goes out (DNS can change in between), unless `ASSENT_ALLOW_PRIVATE_TARGETS`.
//! Redirects are never followed: a receiver cannot send us elsewhere.

use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

/// Whether requests to `ip` are allowed without `ASSENT_ALLOW_PRIVATE_TARGETS`.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible form (::a.b.c.d) reach an
        // IPv4 address: judged as that address.
        IpAddr::V6(v6) => match v6.to_ipv4() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT) and the benchmarking range.
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19))
        // IETF protocol assignments (192.0.0.0/24).
        || (a == 192 && b == 0 && c == 0)
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7, link-local fe80::/10, the old site-local fec0::/10, documentation
        // 2001:db8::/32.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // 6to4 and NAT64 wrap IPv4 addresses that may be private.
        || first == 0x2002
        || (first == 0x64 && ip.segments()[1] == 0xff9b))
}

/// Checks the form of a target URL: `http` or `https`, a host, no credentials, a sane length.
pub fn parse_url(raw: &str) -> Result<Url, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("give the URL to send to".into());
    }
    if raw.len() > 2000 {
        return Err("the URL is longer than 2,000 characters".into());
    }
    let url = Url::parse(raw).map_err(|e| format!("{raw:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{}: is not supported here; use an https:// (or http://) URL",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "put no user name or password in the URL; the request is signed instead".into(),
        );
    }
    if url.fragment().is_some() {
        return Err("the URL has a #fragment, which is never sent; leave it out".into());
    }
    Ok(url)
}

/// Resolves the URL's host now (blocking) and refuses it if any address it has is not public.
pub fn check_target(url: &Url, allow_private: bool) -> Result<(), String> {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    check_host(
        host.trim_start_matches('[').trim_end_matches(']'),
        port,
        allow_private,
    )
    .map(drop)
}

/// Resolves `host` now (blocking) and judges its addresses: the save-time check of every target.
pub fn check_host(host: &str, port: u16, allow_private: bool) -> Result<Vec<SocketAddr>, String> {
    if allow_private {
        return Ok(Vec::new());
    }
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => (host, port)
            .to_socket_addrs()
            .map_err(|e| format!("{host} cannot be resolved: {e}"))?
            .collect(),
    };
    judge(host, addrs)
}

/// Resolves `host` at send time and judges its addresses, for connections made outside the HTTP client.
pub async fn resolve_checked(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, String> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("{host} cannot be resolved: {e}"))?
        .collect();
    if allow_private {
        return Ok(addrs);
    }
    judge(host, addrs)
}

/// The guard's one rule: a host is refused when any of its addresses is not public.
fn judge(host: &str, addrs: Vec<SocketAddr>) -> Result<Vec<SocketAddr>, String> {
    match addrs.iter().find(|a| !is_public(a.ip())) {
        Some(a) => Err(private_refusal(host, a.ip())),
        None if addrs.is_empty() => Err(format!("{host} has no address")),
        None => Ok(addrs),
    }
}

fn private_refusal(host: &str, ip: IpAddr) -> String {
    format!(
        "{host} is a loopback, private or link-local address ({ip}); targets inside this network are refused unless ASSENT_ALLOW_PRIVATE_TARGETS=true"
    )
}

/// Whether the URL names a literal IP address that is not allowed (the resolver never sees those).
pub fn literal_refused(url: &Url, allow_private: bool) -> Option<String> {
    if allow_private {
        return None;
    }
    let ip: IpAddr = match url.host()? {
        url::Host::Ipv4(ip) => ip.into(),
        url::Host::Ipv6(ip) => ip.into(),
        url::Host::Domain(_) => return None,
    };
    (!is_public(ip)).then(|| private_refusal(url.host_str().unwrap_or_default(), ip))
}

/// Resolves names at request time and drops the request if the name now points inside.
struct Guarded;

impl reqwest::dns::Resolve for Guarded {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs = resolve_checked(&host, 0, false).await?;
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// A failed request as a person reads it: what kind of failure, then the whole chain of causes (DNS,
/// the guard's refusal, connect, TLS, timeout).
pub fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "no answer in time".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "the request failed".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The client for user-configured targets: keep-alive connections, a whole-request timeout, no
/// redirects, and the resolver guard unless private targets are allowed. `HTTP_PROXY`, `HTTPS_PROXY`
/// and the like are ignored: through a proxy the guard would only see the proxy's name. A proxy is used
/// only when set explicitly (`ASSENT_OUTGOING_PROXY`); targets are then still checked when saved and
/// when their URL names an address, and the proxy is trusted to refuse the rest.
pub fn client(allow_private: bool, proxy: Option<&str>, timeout: Duration) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .pool_idle_timeout(Duration::from_secs(60))
        .user_agent(concat!("Assent/", env!("CARGO_PKG_VERSION")))
        .no_proxy();
    match proxy {
        Some(p) => {
            b = b.proxy(reqwest::Proxy::all(p).expect("checked when the settings were read"))
        }
        None if !allow_private => b = b.dns_resolver(Arc::new(Guarded)),
        None => {}
    }
    b.build().expect("an HTTP client with rustls")
}

/// Checks an `ASSENT_OUTGOING_PROXY` value.
pub fn check_proxy(raw: &str) -> Result<(), String> {
    let url = Url::parse(raw).map_err(|e| format!("{raw:?} is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{raw:?}: give the proxy as http://HOST:PORT"));
    }
    reqwest::Proxy::all(raw)
        .map(drop)
        .map_err(|e| format!("{raw:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_addresses_are_not_public() {
        for inside in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "fec0::1",
            "192.0.0.8",
        ] {
            assert!(!is_public(inside.parse().unwrap()), "{inside}");
        }
        for outside in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(is_public(outside.parse().unwrap()), "{outside}");
        }
    }

    #[test]
    fn target_urls_are_checked() {
        assert!(parse_url("https://crm.example/hooks").is_ok());
        assert!(parse_url("ftp://crm.example/").unwrap_err().contains("ftp"));
        assert!(parse_url("https://u:p@crm.example/").is_err());
        assert!(parse_url("not a url").is_err());
        assert!(parse_url("").is_err());
        let local = parse_url("http://127.0.0.1:9/x").unwrap();
        assert!(
            check_target(&local, false)
                .unwrap_err()
                .contains("ASSENT_ALLOW_PRIVATE_TARGETS")
        );
        assert!(check_target(&local, true).is_ok());
        assert!(literal_refused(&local, false).is_some());
        let v6 = parse_url("http://[::1]:9/x").unwrap();
        assert!(check_target(&v6, false).is_err());
        let named = parse_url("http://localhost:9/x").unwrap();
        assert!(check_target(&named, false).is_err());
    }
}
