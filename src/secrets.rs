//! The secrets Assent keeps in its database, sealed (`domain::seal`): webhook signing secrets (current and
//! previous), integration keys and shared secrets, and the private halves of the receipt signing keys. Values written before sealing existed are sealed
//! when the server starts (and by `assent migrate`); after `ASSENT_SECRET_KEY` changes, `assent secrets
//! reseal` opens each value with the current key or `ASSENT_PREVIOUS_SECRET_KEY` and seals it anew.

use crate::db::DbConn;
use crate::db::models::{integrations, receipt_keys, webhook_endpoints};
use crate::domain::Sealer;
use crate::domain::seal::Unsealable;

/// Why secrets could not be sealed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error("{what}: {why}")]
    Unsealable { what: String, why: Unsealable },
}

/// Seals every stored secret that is still in clear; the number sealed.
pub fn seal_clear(conn: &mut DbConn, sealer: &Sealer) -> Result<usize, SealError> {
    rewrite(conn, &mut |_, stored| {
        Ok((!Sealer::is_sealed(stored)).then(|| sealer.seal(stored)))
    })
}

/// Checks that every stored secret opens with `sealer`: a server started with another
/// `ASSENT_SECRET_KEY` than its secrets were sealed under would fail every delivery and integration
/// request, so it is told at start-up instead.
pub fn check_open(conn: &mut DbConn, sealer: &Sealer) -> Result<(), SealError> {
    let opens = |what: String, stored: &str| {
        sealer
            .open(stored)
            .map(drop)
            .map_err(|why| SealError::Unsealable { what, why })
    };
    for (id, secret, previous) in webhook_endpoints::secrets(conn)? {
        opens(format!("webhook {id}"), &secret)?;
        if let Some(p) = previous {
            opens(format!("webhook {id} (previous secret)"), &p)?;
        }
    }
    for (id, key) in integrations::keys(conn)? {
        opens(format!("integration {id}"), &key)?;
    }
    for (kid, key) in receipt_keys::private_keys(conn)? {
        opens(format!("receipt key {kid}"), &key)?;
    }
    Ok(())
}

/// Seals every stored secret anew under `current`, opening each with `current` or else `previous`
/// (so it can be run again after an interruption); the number resealed.
pub fn reseal(
    conn: &mut DbConn,
    current: &Sealer,
    previous: Option<&Sealer>,
) -> Result<usize, SealError> {
    rewrite(conn, &mut |what, stored| {
        let clear = current
            .open(stored)
            .or_else(|e| previous.map_or(Err(e), |p| p.open(stored)))
            .map_err(|why| SealError::Unsealable {
                what: what.to_string(),
                why,
            })?;
        Ok(Some(current.seal(&clear)))
    })
}

/// Runs `each` over every stored secret (named for errors) in one write transaction, storing what it
/// returns instead; the number of values changed.
fn rewrite(
    conn: &mut DbConn,
    each: &mut dyn FnMut(&str, &str) -> Result<Option<String>, SealError>,
) -> Result<usize, SealError> {
    crate::db::scrubbing(conn, |conn| rewrite_in_tx(conn, each))
}

fn rewrite_in_tx(
    conn: &mut DbConn,
    each: &mut dyn FnMut(&str, &str) -> Result<Option<String>, SealError>,
) -> Result<usize, SealError> {
    crate::db::write_tx(conn, |c| {
        let mut n = 0;
        for (id, secret, previous) in webhook_endpoints::secrets(c)? {
            let what = format!("webhook {id}");
            let new = each(&what, &secret)?;
            let old = match &previous {
                Some(p) => each(&format!("{what} (previous secret)"), p)?,
                None => None,
            };
            if new.is_some() || old.is_some() {
                n += usize::from(new.is_some()) + usize::from(old.is_some());
                let secret = new.unwrap_or(secret);
                let previous = old.or(previous);
                webhook_endpoints::set_secrets(c, id, &secret, previous.as_deref())?;
            }
        }
        for (id, key) in integrations::keys(c)? {
            if let Some(sealed) = each(&format!("integration {id}"), &key)? {
                integrations::set_key(c, id, &sealed)?;
                n += 1;
            }
        }
        for (kid, key) in receipt_keys::private_keys(c)? {
            if let Some(sealed) = each(&format!("receipt key {kid}"), &key)? {
                receipt_keys::set_private_key(c, &kid, &sealed)?;
                n += 1;
            }
        }
        Ok(n)
    })
}

impl crate::db::tx::Transient for SealError {
    fn is_transient(&self) -> bool {
        matches!(self, SealError::Db(e) if e.is_transient())
    }
}
