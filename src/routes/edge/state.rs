//! What every handler shares: the database pool, the link signer, the email composer, the sign-up
//! batcher and the cached agreements.

use crate::consent::signup::Batcher;
use crate::db::models::agreements::{self, Agreement};
use crate::db::{DbConn, Pool};
use crate::domain::Signer;
use crate::mail::Composer;
use actix_web::web;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

pub struct AppState {
    pub pool: Pool,
    pub signer: Signer,
    /// Seals and opens the secrets kept in the database.
    pub sealer: crate::domain::Sealer,
    pub composer: Composer,
    pub batcher: Batcher,
    pub catalog: Catalog,
    /// The transport the mail worker uses, for the delivery page's status and connection check.
    pub mailer: crate::mail::Mailer,
    pub optin_ttl: chrono::Duration,
    pub trust_proxy: bool,
    /// How long a client may take to send a request body once its headers are in.
    pub body_deadline: Duration,
    /// This process, and where its files live (uploaded imports).
    pub node: crate::node::Node,
    pub data_dir: std::path::PathBuf,
    /// Webhook targets on loopback or private addresses are allowed (`ASSENT_ALLOW_PRIVATE_TARGETS`).
    pub allow_private_targets: bool,
    /// What all bodies read before their sender is proven may hold together.
    pub unverified: super::unverified::Budget,
    /// How CSV fields are written (`ASSENT_CSV_RAW`).
    pub csv: crate::domain::csv::Cells,
    /// The country of phone numbers written without `+` (`ASSENT_DEFAULT_PHONE_REGION`).
    pub phone_region: Option<crate::domain::phone::Region>,
    /// The bearer token of `GET /metrics` (`None`: not served).
    pub metrics_token: Option<String>,
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
