//! Builds the application: database, workers and the HTTP server on a bound listener (port 0 works).

use crate::config::Settings;
use crate::consent::signup::{BatchHook, Batcher};
use crate::db;
use crate::db::models::outbox;
use crate::domain::Signer;
use crate::mail::{Composer, Mailer, run_worker};
use crate::node::Node;
use crate::routes;
use crate::routes::edge::error::PageError;
use crate::routes::edge::{AppState, Catalog};
use actix_web::dev::Server;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpRequest, HttpServer, web};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

pub struct Application {
    port: u16,
    base_url: String,
    server: Server,
    /// The `ASSENT_METRICS_BIND` listener's server, if set.
    metrics: Option<Server>,
}

/// Knobs that are not settings a deployment needs, but that tests and benchmarks turn.
#[derive(Clone)]
pub struct Tuning {
    /// First retry delay of a failed email; later ones grow from it.
    pub mail_retry_base: Duration,
    /// HTTP worker threads (default: one per core).
    pub http_workers: usize,
    /// How long a client may take to send a request body (headers have 5 s).
    pub body_deadline: Duration,
    /// Runs before each sign-up batch is written (tests inject faults with it).
    pub signup_hook: Option<BatchHook>,
    /// How often never-confirmed addresses are swept (see `consent::retention`).
    pub retention_every: Duration,
    /// The timeout of a whole webhook request.
    pub webhook_timeout: Duration,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            mail_retry_base: Duration::from_secs(10),
            http_workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            body_deadline: Duration::from_secs(10),
            signup_hook: None,
            retention_every: Duration::from_secs(3600),
            webhook_timeout: Duration::from_secs(10),
        }
    }
}

/// Connects to the database and makes it ready for this node: migrated, every stored secret opening
/// under this server's key (and sealed, where an older version kept it in clear), and the work an
/// earlier run of this node had claimed but not finished taken back.
fn prepare_database(
    target: &db::Target,
    node: &Node,
    sealer: &crate::domain::Sealer,
) -> anyhow::Result<db::Pool> {
    let pool = db::connect(target, 10, db::Schema::Migrate)?;
    crate::secrets::check_open(&mut *pool.get()?, sealer)?;
    let sealed = crate::secrets::seal_clear(&mut *pool.get()?, sealer)?;
    if sealed > 0 {
        tracing::info!(
            secrets = sealed,
            "sealed the secrets that were kept in clear"
        );
    }
    let taken_back = outbox::release_earlier_claims(&mut *pool.get()?, node)?;
    if taken_back > 0 {
        tracing::info!(deliveries = taken_back, node = %node.name, "took back emails and webhook deliveries an earlier run of this node had claimed but not finished");
    }
    Ok(pool)
}

impl Application {
    pub async fn build(settings: Settings, tuning: Tuning) -> anyhow::Result<Application> {
        crate::brand::init(settings.brand.clone());
        let listener = TcpListener::bind(&settings.bind).map_err(|e| {
            anyhow::anyhow!("cannot listen on {} (ASSENT_BIND): {e}", settings.bind)
        })?;
        let addr = listener.local_addr()?;
        let base_url = settings
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));

        let node = Node::new(addr.port());
        let sealer = crate::domain::Sealer::new(&settings.secret_key);
        if settings.metrics_token.is_some() || settings.metrics_bind.is_some() {
            crate::metrics::enable();
        }
        // Bound before anything else starts, so a taken address stops the start-up with its name.
        let metrics_listener = match &settings.metrics_bind {
            Some(bind) => Some(TcpListener::bind(bind).map_err(|e| {
                anyhow::anyhow!("cannot listen on {bind} (ASSENT_METRICS_BIND): {e}")
            })?),
            None => None,
        };
        let (target, n, s) = (settings.database.clone(), node.clone(), sealer.clone());
        let pool = tokio::task::spawn_blocking(move || prepare_database(&target, &n, &s)).await??;
        tracing::info!(engine = settings.database.engine(), node = %node.claim_id, "database ready");

        let signer = Signer::new(&settings.secret_key);
        let composer = Composer {
            base_url: base_url.clone(),
            from: settings.mail_from.clone(),
            signer: signer.clone(),
            optin_ttl_hours: settings.optin_ttl.num_hours(),
            dkim: settings.dkim.clone(),
            sealer: crate::domain::Sealer::new(&settings.secret_key),
        };
        let mailer = Mailer::from_settings(settings.smtp_url.as_deref(), &settings.data_dir)?;
        if let Mailer::Files(_, dir) = &mailer {
            tracing::info!(folder = %dir.display(), "no ASSENT_SMTP_URL: emails are written as .eml files and their links logged");
        }
        start_workers(
            &settings,
            &tuning,
            &pool,
            &node,
            (&base_url, &signer, &composer, &mailer),
        );

        // SQLite has one writer at a time; on PostgreSQL a second writer overlaps round trips.
        let writers = if settings.database.is_sqlite() { 1 } else { 2 };
        let batcher = Batcher::start(
            pool.clone(),
            writers,
            settings.optin_ttl,
            tuning.signup_hook.clone(),
        );
        let state = web::Data::new(AppState {
            catalog: Catalog::new(pool.clone()),
            pool,
            signer,
            sealer: sealer.clone(),
            composer,
            batcher,
            mailer,
            optin_ttl: settings.optin_ttl,
            trust_proxy: settings.trust_proxy,
            body_deadline: tuning.body_deadline,
            node,
            data_dir: settings.data_dir.clone(),
            allow_private_targets: settings.allow_private_targets,
            unverified: routes::edge::unverified::Budget::new(settings.unverified_bodies),
            csv: settings.csv,
            phone_region: settings.phone_region,
            metrics_token: settings.metrics_token.clone(),
        });
        let per_worker = connections_per_worker(tuning.http_workers);
        let hsts = base_url.starts_with("https://");
        let cookies = routes::admin::Cookies {
            secure: hsts,
            key: actix_web::cookie::Key::derive_from(&settings.secret_key),
        };
        let sessions = crate::auth::sessions::DbSessionStore::new(state.pool.clone());
        let metrics_state = state.clone();
        let server = HttpServer::new(move || {
            let headers = security_headers(hsts);
            App::new()
                .wrap(actix_web::middleware::from_fn(
                    routes::public::localize_errors,
                ))
                .wrap_fn(routes::edge::slow_clients::hold_payload)
                .wrap(headers)
                .wrap_fn(routes::edge::spans::trace)
                .app_data(state.clone())
                .app_data(web::Data::new(cookies.clone()))
                .configure(|cfg| routes::configure(cfg, sessions.clone(), &cookies))
                .default_service(web::to(not_found))
        })
        .workers(tuning.http_workers)
        // Slow clients are cut off (headers 5 s, bodies `body_deadline`), and connections are bounded so
        // that those still arriving cannot use up the file descriptors or the memory.
        .client_request_timeout(Duration::from_secs(5))
        .max_connections(per_worker)
        .listen(listener)?
        .run();
        tracing::info!(address = %addr, base_url = %base_url, "Assent is listening");
        let metrics = match metrics_listener {
            Some(listener) => Some(metrics_server(listener, metrics_state)?),
            None => None,
        };
        Ok(Application {
            port: addr.port(),
            base_url,
            server,
            metrics,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (by a signal or the handle); the metrics address stops with it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Some(metrics) = self.metrics else {
            return self.server.await;
        };
        let stop = metrics.handle();
        let metrics = tokio::spawn(metrics);
        let served = self.server.await;
        stop.stop(true).await;
        let _ = metrics.await;
        served
    }
}

/// `ASSENT_METRICS_BIND`: a listener of its own serving `GET /metrics` alone, without a token, on one
/// worker (a scrape every few seconds needs no more).
fn metrics_server(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let addr = listener.local_addr()?;
    let server = HttpServer::new(move || {
        App::new()
            .wrap(security_headers(false))
            .app_data(state.clone())
            .route(
                "/metrics",
                crate::routes::get().to(routes::public::metrics_open),
            )
            .default_service(web::to(|| async {
                actix_web::HttpResponse::NotFound()
                    .content_type("text/plain; charset=utf-8")
                    .body("Only GET /metrics is served on this address.")
            }))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    tracing::info!(address = %addr, "metrics are served at /metrics on this address, without a token");
    Ok(server)
}

/// The headers every answer carries: no sniffing, no framing, no referrer, a strict content policy
/// (no script at all), and HSTS when the public address is https.
fn security_headers(hsts: bool) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ))
        .add((
            "Permissions-Policy",
            "interest-cohort=(), camera=(), microphone=(), geolocation=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if hsts {
        headers = headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ));
    }
    headers
}

/// Starts this node's supervised background work: the outbox lanes (email, webhooks), the import and
/// send-file runners, and housekeeping. Each wakes when a commit on this node leaves it work
/// (`db::tx::Lane`), and polls for what other nodes left.
fn start_workers(
    settings: &Settings,
    tuning: &Tuning,
    pool: &db::Pool,
    node: &Node,
    (base_url, signer, composer, mailer): (&str, &Signer, &Composer, &Mailer),
) {
    let email = Arc::new(crate::mail::Email {
        composer: composer.clone(),
        mailer: mailer.clone(),
        retry_base: tuning.mail_retry_base,
    });
    let (p, mnode) = (pool.clone(), node.clone());
    let (ip, inode, chunk) = (pool.clone(), node.clone(), settings.import_chunk);
    crate::supervise::task("imports", move || {
        crate::imports::worker::run(ip.clone(), inode.clone(), chunk)
    });
    let hooks = crate::webhooks::deliver::Settings {
        sealer: crate::domain::Sealer::new(&settings.secret_key),
        allow_private: settings.allow_private_targets,
        proxy: settings.outgoing_proxy.clone(),
        timeout: tuning.webhook_timeout,
        first_retry: settings.webhook_first_retry,
    };
    let (hp, hn) = (pool.clone(), node.clone());
    crate::supervise::task("webhooks", move || {
        crate::webhooks::deliver::run_lanes(hp.clone(), hn.clone(), hooks.clone())
    });
    let sendfiles = crate::sendfile::worker::Runner {
        pool: pool.clone(),
        node: node.clone(),
        allow_private: settings.allow_private_targets,
        proxy: settings.outgoing_proxy.clone(),
        base_url: base_url.to_string(),
        signer: signer.clone(),
        data_dir: settings.data_dir.clone(),
        cells: settings.csv,
    };
    crate::supervise::task("sendfile", move || {
        crate::sendfile::worker::run(sendfiles.clone())
    });
    crate::supervise::task("mail", move || {
        run_worker(p.clone(), email.clone(), mnode.clone())
    });

    let chores = Chores {
        keep: settings.unconfirmed_retention,
        backlog_max: settings.webhook_backlog_max,
        node: node.name.clone(),
        anchor_every: settings.anchor_every,
        anchor_keep: settings.anchor_keep,
        sealer: crate::domain::Sealer::new(&settings.secret_key),
    };
    let (p, every) = (pool.clone(), tuning.retention_every);
    crate::supervise::task("housekeeping", move || {
        housekeeping(p.clone(), chores.clone(), every)
    });
}

/// What housekeeping is told.
#[derive(Clone)]
struct Chores {
    /// How long never-confirmed addresses are kept after their requests ended (`None`: for ever).
    keep: Option<chrono::Duration>,
    /// Deliveries a paused endpoint may have waiting.
    backlog_max: i64,
    /// This node: it removes only its own abandoned uploads (they are on its disk).
    node: String,
    /// How often the ledger is anchored (`None`: only by command), and how many anchors keep their heads.
    anchor_every: Option<chrono::Duration>,
    anchor_keep: i64,
    sealer: crate::domain::Sealer,
}

/// Every `every`: forgets expired dashboard sessions, old failed sign-ins and integration message ids,
/// sets aside a paused endpoint's deliveries beyond its backlog, removes abandoned import uploads,
/// counts the overview chart's closed days, removes never-confirmed addresses once their requests
/// ended longer ago than `keep` (if set), and anchors the ledger when the last anchor is a day old.
async fn housekeeping(pool: db::Pool, chores: Chores, every: Duration) {
    loop {
        let (p, c) = (pool.clone(), chores.clone());
        let done = tokio::task::spawn_blocking(move || chores_once(&mut *p.get()?, &c)).await;
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "housekeeping failed; it runs again later"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed; it runs again later"),
        }
        tokio::time::sleep(every).await;
    }
}

/// One round of housekeeping, each step logged when it did something a person may want to know.
fn chores_once(conn: &mut db::DbConn, chores: &Chores) -> anyhow::Result<()> {
    let now = db::now();
    crate::db::models::admin_sessions::delete_expired(conn, now)?;
    crate::db::models::login_failures::delete_before(conn, now - crate::auth::throttle::KEPT)?;
    crate::db::models::idempotency_keys::delete_before(
        conn,
        now - crate::db::models::idempotency_keys::KEPT,
    )?;
    crate::db::models::outbox::prune_sent(conn, now - crate::db::models::outbox::SENT_KEPT)?;
    crate::db::models::integrations::forget_expired(conn, now)?;
    let shed = crate::webhooks::cap_backlogs(conn, chores.backlog_max, now)?;
    if shed > 0 {
        tracing::warn!(
            deliveries = shed,
            max = chores.backlog_max,
            "set aside the oldest deliveries of paused webhook endpoints as dead letters (ASSENT_WEBHOOK_BACKLOG_MAX); Redeliver sends them"
        );
    }
    let dropped = crate::imports::actions::forget_abandoned(conn, &chores.node, now)?;
    if dropped > 0 {
        tracing::info!(
            imports = dropped,
            "removed uploads whose import was never started within 24 hours"
        );
    }
    // Count the chart's closed days ahead of the first overview that needs them.
    crate::audiences::daily::roll_up_span(conn, now.date())?;
    if let Some(every) = chores.anchor_every
        && let Some(made) =
            crate::consent::anchor::make_if_due(conn, &chores.sealer, every, chores.anchor_keep)?
    {
        let a = &made.document["anchor"];
        tracing::info!(
            anchor = made.id,
            root = %a["root"].as_str().unwrap_or_default(),
            profiles = a["profiles"].as_i64().unwrap_or_default(),
            last_event = a["lastEventId"].as_i64().unwrap_or_default(),
            "anchored the ledger (ASSENT_LEDGER_ANCHOR_HOURS); `assent ledger verify` checks it"
        );
    }
    if let Some(keep) = chores.keep {
        let n = crate::consent::retention::sweep(conn, now, keep)?;
        if n > 0 {
            tracing::info!(
                profiles = n,
                days = keep.num_days(),
                "removed addresses that never confirmed (ASSENT_UNCONFIRMED_RETENTION_DAYS)"
            );
        }
    }
    Ok(())
}

/// Most connections served at once, per worker: 4,096 in all (enough that a few thousand stalled
/// clients, each cut off after the body deadline, leave room for everyone else, and at about 30 KB each
/// the memory they can pin stays near 120 MB), fewer if the file-descriptor limit (raised to its hard
/// maximum first) leaves less room beside the database pool, logs and mail connections.
fn connections_per_worker(workers: usize) -> usize {
    const MOST: usize = 4096;
    const RESERVED: u64 = 256;
    let workers = workers.max(1);
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    let limit = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return MOST;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max.min(65_536),
                rlim_max: lim.rlim_max,
            };
            if raised.rlim_cur > lim.rlim_cur && libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0
            {
                lim = raised;
            }
        }
        lim.rlim_cur
    };
    let room = limit.saturating_sub(RESERVED) as usize / workers;
    if room < MOST / workers {
        tracing::warn!(
            open_files = limit,
            connections = room * workers,
            "the open-file limit bounds the connections served at once; raise it (ulimit -n) for more"
        );
    }
    room.clamp(16, MOST / workers)
}

/// An error, not a response, so that a public page's 404 is answered in the customer's language.
async fn not_found(req: HttpRequest) -> Result<actix_web::HttpResponse, actix_web::Error> {
    if req.path().starts_with("/api/") {
        let msg = format!("There is no API route {} {}.", req.method(), req.path());
        return Err(crate::routes::edge::error::ApiError::NotFound(msg).into());
    }
    Err(PageError::NotFound(
        "There is no page at this address. Check the link, or go to the sign-up page.".into(),
    )
    .into())
}
