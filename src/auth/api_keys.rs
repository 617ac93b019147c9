//! API keys: `ak_` and 256 random bits; only their SHA-256 is stored, so a key is shown once, when made.
//! Creating and revoking one is audited in the same transaction.

use crate::db::DbConn;
use crate::db::models::{api_keys, audit_log};
use crate::db::write_tx;
use crate::domain::{Actor, sha256_hex};
use diesel::QueryResult;

/// Prefix of every API key, so leaked keys are easy to recognise and scan for.
pub const KEY_PREFIX: &str = "ak_";

/// A new key and the SHA-256 that is stored of it.
pub fn new_key() -> (String, String) {
    let key = format!("{KEY_PREFIX}{}", crate::domain::token::new_token());
    let hash = sha256_hex(key.as_bytes());
    (key, hash)
}

/// Creates a key named `name` (already checked by `domain::name::api_key`) and returns it, or `None` when
/// a key of that name exists (names stay in the ledger, so they are never reused).
pub fn create(conn: &mut DbConn, name: &str, by: &Actor) -> QueryResult<Option<String>> {
    let (key, hash) = new_key();
    write_tx(conn, |c| {
        if api_keys::insert(c, name, &hash)?.is_none() {
            return Ok(None);
        }
        audit_log::record(c, by, "apikey.create", name, None)?;
        Ok(Some(key.clone()))
    })
}

/// Revokes the live key `id`; returns its name, or `None` when there is no such live key.
pub fn revoke(conn: &mut DbConn, id: i64, by: &Actor) -> QueryResult<Option<String>> {
    write_tx(conn, |c| {
        let name = api_keys::revoke(c, id, crate::db::now())?;
        if let Some(n) = &name {
            audit_log::record(c, by, "apikey.revoke", n, None)?;
        }
        Ok(name)
    })
}
