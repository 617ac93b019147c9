//! actix-session state in the app's own database: every node sees the same sessions, logout or a
//! disabled user ends a session everywhere, and the SQLite default needs nothing else running. Only the
//! SHA-256 of a session key is stored; the key itself lives only in the visitor's cookie.

use crate::db::Pool;
use crate::db::models::admin_sessions;
use crate::domain::sha256_hex;
use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use std::collections::HashMap;

type State = HashMap<String, String>;

#[derive(Clone)]
pub struct DbSessionStore {
    pool: Pool,
}

impl DbSessionStore {
    pub fn new(pool: Pool) -> DbSessionStore {
        DbSessionStore { pool }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut crate::db::DbConn) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        actix_web::web::block(move || f(&mut *pool.get()?)).await?
    }
}

fn key_hash(key: &SessionKey) -> String {
    sha256_hex(key.as_ref().as_bytes())
}

fn expiry(ttl: &Duration) -> chrono::NaiveDateTime {
    crate::db::now() + chrono::Duration::seconds(ttl.whole_seconds())
}

fn new_key() -> SessionKey {
    SessionKey::try_from(crate::domain::token::new_token()).expect("43 characters fit a cookie")
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let hash = key_hash(session_key);
        let state = self
            .run(move |c| Ok(admin_sessions::load(c, &hash, crate::db::now())?))
            .await
            .map_err(LoadError::Other)?;
        state
            .map(|s| serde_json::from_str(&s).map_err(|e| LoadError::Deserialization(e.into())))
            .transpose()
    }

    async fn save(&self, session_state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let state = serde_json::to_string(&session_state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        let key = new_key();
        let (hash, expires) = (key_hash(&key), expiry(ttl));
        self.run(move |c| Ok(admin_sessions::insert(c, &hash, &state, expires)?))
            .await
            .map_err(SaveError::Other)?;
        Ok(key)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let state = serde_json::to_string(&session_state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        let (hash, expires) = (key_hash(&session_key), expiry(ttl));
        let found = self
            .run(move |c| Ok(admin_sessions::update(c, &hash, Some(&state), expires)?))
            .await
            .map_err(UpdateError::Other)?;
        if found {
            return Ok(session_key);
        }
        // The session ended meanwhile (logout in another tab, or on another node): never revive it; the
        // visitor gets a fresh, empty (signed-out) session instead.
        self.save(State::new(), ttl).await.map_err(|e| match e {
            SaveError::Serialization(e) => UpdateError::Serialization(e),
            SaveError::Other(e) => UpdateError::Other(e),
        })
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &Duration,
    ) -> Result<(), anyhow::Error> {
        let (hash, expires) = (key_hash(session_key), expiry(ttl));
        self.run(move |c| Ok(admin_sessions::update(c, &hash, None, expires)?))
            .await
            .map(|_| ())
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let hash = key_hash(session_key);
        self.run(move |c| Ok(admin_sessions::delete(c, &hash)?))
            .await
    }
}
