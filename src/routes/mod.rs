//! HTTP: handlers parse input and render output; business rules live in `consent` and `db`.

pub mod admin;
pub mod api;
mod assets;
pub mod public;
pub mod slow_clients;
pub mod spans;

use crate::consent::signup::Batcher;
use crate::db::models::agreements::{self, Agreement};
use crate::db::{DbConn, Pool};
use crate::domain::Signer;
use crate::mail::Composer;
use actix_web::{HttpRequest, web};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Largest request body any API call accepts.
pub const MAX_BODY: usize = 64 * 1024;
/// Largest form a page accepts: a sign-up or preference form is a few hundred bytes; this leaves room
/// for a hundred agreements and keeps the memory a slow client can pin small.
pub const MAX_FORM: usize = 16 * 1024;
/// Dashboard forms (signed-in staff only) may be larger: a 5,000-character consent text in a non-Latin
/// script is up to 60 KB once percent-encoded.
pub const MAX_STAFF_FORM: usize = 128 * 1024;

pub struct AppState {
    pub pool: Pool,
    pub signer: Signer,
    pub composer: Composer,
    pub batcher: Batcher,
    pub catalog: Catalog,
    pub mail_wakeup: Arc<Notify>,
    /// The transport the mail worker uses, for the delivery page's status and connection check.
    pub mailer: crate::mail::Mailer,
    pub optin_ttl: chrono::Duration,
    pub trust_proxy: bool,
    /// How long a client may take to send a request body once its headers are in.
    pub body_deadline: Duration,
    /// This process, and where its files live (uploaded imports).
    pub node: crate::node::Node,
    pub data_dir: std::path::PathBuf,
    /// Wakes the import runner when an import is started.
    pub import_wakeup: Arc<Notify>,
    /// Webhook targets on loopback or private addresses are allowed (`ASSENT_ALLOW_PRIVATE_TARGETS`).
    pub allow_private_targets: bool,
    /// Wakes the send-file runner when a run is started from the dashboard.
    pub sendfile_wakeup: Arc<Notify>,
}

impl AppState {
    /// Runs blocking database work off the async executor.
    pub async fn db<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> anyhow::Result<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }
}

/// The agreements, cached for a moment: every form needs them and they change rarely. Other nodes'
/// edits show up within `TTL`.
pub struct Catalog {
    pool: Pool,
    cached: RwLock<Option<(Instant, Arc<Snapshot>)>>,
}

/// One load of the agreements, with the pages rendered from it (a blank sign-up form is the same for
/// everyone, so it is rendered once per snapshot).
pub struct Snapshot {
    agreements: Vec<Agreement>,
    pages: Mutex<HashMap<String, web::Bytes>>,
}

impl std::ops::Deref for Snapshot {
    type Target = [Agreement];
    fn deref(&self) -> &[Agreement] {
        &self.agreements
    }
}

impl Snapshot {
    const MAX_PAGES: usize = 256;

    /// A page rendered earlier from this snapshot under `key`.
    pub fn cached_page(&self, key: &str) -> Option<web::Bytes> {
        self.pages.lock().expect("page cache").get(key).cloned()
    }

    /// Keeps a rendered page (up to a bound, so odd query strings cannot grow it without limit).
    pub fn keep_page(&self, key: &str, page: web::Bytes) {
        let mut pages = self.pages.lock().expect("page cache");
        if pages.len() < Self::MAX_PAGES {
            pages.insert(key.to_string(), page);
        }
    }
}

impl Catalog {
    const TTL: Duration = Duration::from_secs(2);

    pub fn new(pool: Pool) -> Catalog {
        Catalog {
            pool,
            cached: RwLock::new(None),
        }
    }

    /// Forgets the cached agreements, so this node's next page shows a change made just now (other
    /// nodes see it within `TTL`).
    pub fn invalidate(&self) {
        *self.cached.write().expect("catalog lock") = None;
    }

    pub async fn get(&self) -> anyhow::Result<Arc<Snapshot>> {
        if let Some((at, snap)) = self.cached.read().expect("catalog lock").as_ref()
            && at.elapsed() < Self::TTL
        {
            return Ok(snap.clone());
        }
        let pool = self.pool.clone();
        let agreements = web::block(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            Ok(agreements::all(&mut conn)?)
        })
        .await??;
        let snap = Arc::new(Snapshot {
            agreements,
            pages: Mutex::default(),
        });
        *self.cached.write().expect("catalog lock") = Some((Instant::now(), snap.clone()));
        Ok(snap)
    }
}

/// Form fields in order, repeated names kept (`agreement=a&agreement=b`).
pub struct Form(pub Vec<(String, String)>);

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        Form(form_urlencoded::parse(body).into_owned().collect())
    }

    /// A submitted form: `application/x-www-form-urlencoded`, or `multipart/form-data` (which RFC 8058
    /// asks mail clients to use for one-click unsubscribes).
    pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<Form, BodyError> {
        Form::read_at_most(req, payload, MAX_FORM).await
    }

    /// A form of at most `limit` bytes (each scope chooses its own).
    pub async fn read_at_most(
        req: &HttpRequest,
        payload: web::Payload,
        limit: usize,
    ) -> Result<Form, BodyError> {
        let body = read_body(req, payload, limit).await?;
        let content_type = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        match content_type
            .split(';')
            .next()
            .map(|t| t.trim().to_ascii_lowercase())
            .as_deref()
        {
            Some("multipart/form-data") => multipart(content_type, &body)
                .map(Form)
                .ok_or_else(|| BodyError::Broken("the multipart form data is malformed".into())),
            _ => Ok(Form::parse(&body)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The text fields of a `multipart/form-data` body (file parts are read as text too; no form here has any).
fn multipart(content_type: &str, body: &[u8]) -> Option<Vec<(String, String)>> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()?
        .trim_matches('"');
    if boundary.is_empty() {
        return None;
    }
    let body = String::from_utf8_lossy(body);
    let mut fields = Vec::new();
    for part in body.split(&format!("--{boundary}")).skip(1) {
        if part.starts_with("--") {
            break; // the closing delimiter
        }
        let (headers, value) = part.split_once("\r\n\r\n")?;
        let name = headers
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("name="))
            .next()?
            .lines()
            .next()?
            .trim()
            .trim_matches('"');
        fields.push((
            name.to_string(),
            value.strip_suffix("\r\n").unwrap_or(value).to_string(),
        ));
    }
    Some(fields)
}

pub enum BodyError {
    TooLarge(usize),
    Broken(String),
    /// The client stopped sending before the whole body arrived.
    TooSlow(Duration),
}

/// Reads a body up to `limit` bytes, refusing larger ones before reading them where the length is declared,
/// and within the deadline: a client that sends part of a body and stalls is cut off, so it holds neither
/// a connection nor its buffers for long.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, BodyError> {
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(BodyError::TooLarge(limit));
    }
    let deadline = req
        .app_data::<web::Data<AppState>>()
        .map_or(Duration::from_secs(10), |s| s.body_deadline);
    match tokio::time::timeout(deadline, payload.to_bytes_limited(limit)).await {
        Ok(Ok(Ok(body))) => Ok(body),
        Ok(Ok(Err(e))) => Err(BodyError::Broken(e.to_string())),
        Ok(Err(_)) => Err(BodyError::TooLarge(limit)),
        Err(_) => Err(BodyError::TooSlow(deadline)),
    }
}

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
