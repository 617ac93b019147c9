//! Builds the application: database, workers and the HTTP server on a bound listener (port 0 works).

use crate::config::Settings;
use crate::consent::signup::Batcher;
use crate::db;
use crate::domain::Signer;
use crate::error::PageError;
use crate::mail::{Composer, Mailer, run_worker};
use crate::routes::{self, AppState, Catalog};
use actix_web::dev::Server;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpRequest, HttpServer, web};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

pub struct Application {
    port: u16,
    base_url: String,
    server: Server,
}

/// Knobs that are not settings a deployment needs, but that tests and benchmarks turn.
#[derive(Clone, Debug)]
pub struct Tuning {
    /// First retry delay of a failed email; later ones grow from it.
    pub mail_retry_base: Duration,
    /// HTTP worker threads (default: one per core).
    pub http_workers: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            mail_retry_base: Duration::from_secs(10),
            http_workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        }
    }
}

impl Application {
    pub async fn build(settings: Settings, tuning: Tuning) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(&settings.bind).map_err(|e| {
            anyhow::anyhow!("cannot listen on {} (ASSENT_BIND): {e}", settings.bind)
        })?;
        let addr = listener.local_addr()?;
        let base_url = settings
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));

        let target = settings.database.clone();
        let pool = tokio::task::spawn_blocking(move || db::connect(&target, 10)).await??;
        tracing::info!(engine = settings.database.engine(), "database ready");

        let signer = Signer::new(&settings.secret_key);
        let composer = Composer {
            base_url: base_url.clone(),
            from: settings.mail_from.clone(),
            signer: signer.clone(),
            optin_ttl_hours: settings.optin_ttl.num_hours(),
        };
        let mail_wakeup = Arc::new(Notify::new());
        let mailer = Mailer::from_settings(settings.smtp_url.as_deref(), &settings.data_dir)?;
        if let Mailer::Files(_, dir) = &mailer {
            tracing::info!(folder = %dir.display(), "no ASSENT_SMTP_URL: emails are written as .eml files and their links logged");
        }
        tokio::spawn(run_worker(
            pool.clone(),
            composer.clone(),
            mailer,
            mail_wakeup.clone(),
            tuning.mail_retry_base,
        ));

        // SQLite has one writer at a time; on PostgreSQL a second writer overlaps round trips.
        let writers = if settings.database.is_sqlite() { 1 } else { 2 };
        let batcher = Batcher::start(
            pool.clone(),
            writers,
            settings.optin_ttl,
            mail_wakeup.clone(),
        );
        let state = web::Data::new(AppState {
            catalog: Catalog::new(pool.clone()),
            pool,
            signer,
            composer,
            batcher,
            mail_wakeup,
            optin_ttl: settings.optin_ttl,
            trust_proxy: settings.trust_proxy,
        });
        let hsts = base_url.starts_with("https://");
        let server = HttpServer::new(move || {
            let mut headers = DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("X-Frame-Options", "DENY"))
                .add(("Referrer-Policy", "no-referrer"))
                .add((
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                     frame-ancestors 'none'; base-uri 'none'",
                ))
                .add(("Permissions-Policy", "interest-cohort=(), camera=(), microphone=(), geolocation=()"))
                .add(("Cross-Origin-Opener-Policy", "same-origin"));
            if hsts {
                headers = headers.add(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"));
            }
            App::new()
                .wrap(headers)
                .app_data(state.clone())
                .configure(routes::configure)
                .default_service(web::to(not_found))
        })
        .workers(tuning.http_workers)
        .listen(listener)?
        .run();
        tracing::info!(address = %addr, base_url = %base_url, "Assent is listening");
        Ok(Application {
            port: addr.port(),
            base_url,
            server,
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

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

async fn not_found(req: HttpRequest) -> actix_web::HttpResponse {
    use actix_web::ResponseError;
    if req.path().starts_with("/api/") {
        let msg = format!("There is no API route {} {}.", req.method(), req.path());
        return crate::error::ApiError::NotFound(msg).error_response();
    }
    PageError::NotFound(
        "There is no page at this address. Check the link, or go to the sign-up page.".into(),
    )
    .error_response()
}
