//! The organisation's signing keys (Ed25519), which sign consent receipts and ledger anchors: kept in
//! the database with the private half sealed, so every node of one database signs with the same newest
//! key; every key ever used stays listed, so whatever it signed still verifies after a rotation.

use crate::db::models::receipt_keys::{self, ReceiptKey};
use crate::db::{DbConn, write_tx};
use crate::domain::{Sealer, jws};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the stored receipt key {0} cannot be opened with ASSENT_SECRET_KEY (was the key changed without `assent secrets reseal`?)"
    )]
    Unsealable(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl crate::db::tx::Transient for KeyError {
    fn is_transient(&self) -> bool {
        matches!(self, KeyError::Db(e) if e.is_transient())
    }
}

/// On PostgreSQL, makes changes of the receipt keys wait for each other until the transaction ends
/// (SQLite's write transactions take turns anyway).
pub(super) fn take_turns(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        use diesel::RunQueryDsl;
        diesel::sql_query("SELECT pg_advisory_xact_lock(7270005)").execute(c)?;
    }
    Ok(())
}

/// Makes a new signing key, stored with its private half sealed; returns it.
fn make_key(conn: &mut DbConn, sealer: &Sealer, now: NaiveDateTime) -> QueryResult<SigningKey> {
    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    let key = SigningKey::from_bytes(&seed);
    let public = key.verifying_key();
    receipt_keys::insert(
        conn,
        &ReceiptKey {
            kid: jws::kid(&public),
            public_key: B64.encode(public.to_bytes()),
            private_key: sealer.seal(&B64.encode(seed)),
            created_at: now,
        },
    )?;
    Ok(key)
}

fn open(stored: &ReceiptKey, sealer: &Sealer) -> Result<SigningKey, KeyError> {
    let seed: [u8; 32] = sealer
        .open(&stored.private_key)
        .ok()
        .and_then(|s| B64.decode(s).ok())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| KeyError::Unsealable(stored.kid.clone()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key receipts are signed with now: the newest stored, made on first use (every node of one
/// database shares it).
pub fn signing_key(conn: &mut DbConn, sealer: &Sealer) -> Result<SigningKey, KeyError> {
    if let Some(stored) = receipt_keys::current(conn)? {
        return open(&stored, sealer);
    }
    write_tx(conn, |c| {
        // Two nodes starting at once make one key: the second finds the first's.
        take_turns(c)?;
        match receipt_keys::current(c)? {
            Some(stored) => open(&stored, sealer),
            None => Ok(make_key(c, sealer, crate::db::now())?),
        }
    })
}

/// A new signing key from now on; the earlier ones stay listed, so their receipts still verify.
/// Returns its id.
pub fn rotate(conn: &mut DbConn, sealer: &Sealer) -> QueryResult<String> {
    write_tx(conn, |c| {
        take_turns(c)?;
        // Strictly after the newest, whatever the clocks of the nodes say.
        let now = match receipt_keys::current(c)? {
            Some(k) if k.created_at >= crate::db::now() => {
                k.created_at + chrono::TimeDelta::microseconds(1)
            }
            _ => crate::db::now(),
        };
        Ok(jws::kid(&make_key(c, sealer, now)?.verifying_key()))
    })
}

/// Every key ever used, by id, for verifying.
pub fn public_keys(conn: &mut DbConn) -> QueryResult<Vec<(String, VerifyingKey)>> {
    Ok(receipt_keys::public_keys(conn)?
        .into_iter()
        .filter_map(|(kid, x)| Some((kid, jws::public_key(&x).ok()?)))
        .collect())
}

/// `/.well-known/assent-receipt-keys.json`: every key ever used, as a JWK set.
pub fn key_set(conn: &mut DbConn) -> QueryResult<Value> {
    let keys: Vec<Value> = public_keys(conn)?
        .iter()
        .map(|(_, k)| jws::jwk(k))
        .collect();
    Ok(json!({ "keys": keys }))
}
