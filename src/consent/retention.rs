//! Data minimisation: an address that signed up but never confirmed anything is not kept for ever.
//!
//! A profile is removed, with its opt-in requests and its emails, once every one of its requests ended
//! (expired, or was cancelled by a withdrawal) longer ago than the retention period and nothing else
//! holds it: no ledger event, no consent value, a confirmed email never, and no data beyond what a
//! sign-up form stores (a profile that another system created or enriched is never swept). A sweep runs
//! on one node at a time and takes each profile's lock first, like every writer (see `consent`).

use crate::db::DbConn;
use crate::db::models::outbox;
use crate::db::schema::{consent_events, consents, optin_requests, profiles};
use crate::db::write_tx;
use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

/// Profiles removed per transaction.
const BATCH: i64 = 500;

/// Profiles that may go: every request ended before `cutoff`, nothing else holds them.
fn removable(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    among: Option<&[i64]>,
) -> QueryResult<Vec<(i64, Option<String>)>> {
    let requests = || optin_requests::table.filter(optin_requests::profile_id.eq(profiles::id));
    let still_open = optin_requests::confirmed_at
        .is_not_null()
        .or(optin_requests::cancelled_at.gt(cutoff))
        .or(optin_requests::cancelled_at
            .is_null()
            .and(optin_requests::expires_at.gt(cutoff)));
    let mut q = profiles::table
        .filter(profiles::erased_at.is_null())
        .filter(profiles::email_confirmed_at.is_null())
        .filter(profiles::custom_id.is_null())
        .filter(profiles::phone.is_null())
        .filter(profiles::last_name.is_null())
        .filter(profiles::attributes.eq("{}"))
        .filter(not(exists(
            consent_events::table.filter(consent_events::profile_id.eq(profiles::id)),
        )))
        .filter(not(exists(
            consents::table.filter(consents::profile_id.eq(profiles::id)),
        )))
        .filter(exists(requests()))
        .filter(not(exists(requests().filter(still_open))))
        .select((profiles::id, profiles::email))
        .order(profiles::id)
        .limit(BATCH)
        .into_boxed();
    if let Some(ids) = among {
        q = q.filter(profiles::id.eq_any(ids));
    }
    q.load(conn)
}

/// One transaction's worth: removes up to `BATCH` profiles; returns how many. On PostgreSQL it does
/// nothing (returns 0) while another node is sweeping.
fn sweep_batch(conn: &mut DbConn, cutoff: NaiveDateTime) -> QueryResult<usize> {
    // Looked for outside any transaction: most sweeps find nothing and then take no write lock at all.
    let found: Vec<i64> = removable(conn, cutoff, None)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    if found.is_empty() {
        return Ok(0);
    }
    write_tx(conn, |conn| {
        if !crate::db::tx::try_sweep_lock(conn, crate::db::tx::Sweep::Retention)? {
            return Ok(0);
        }
        // The profiles first, then decide again under their locks: a sign-up may have just arrived.
        diesel::update(profiles::table.filter(profiles::id.eq_any(&found)))
            .set(profiles::id.eq(profiles::id))
            .execute(conn)?;
        let gone = removable(conn, cutoff, Some(&found))?;
        let ids: Vec<i64> = gone.iter().map(|(id, _)| *id).collect();
        let emails: Vec<&str> = gone.iter().filter_map(|(_, e)| e.as_deref()).collect();
        diesel::delete(optin_requests::table.filter(optin_requests::profile_id.eq_any(&ids)))
            .execute(conn)?;
        outbox::forget_emails(conn, &ids, &emails)?;
        diesel::delete(profiles::table.filter(profiles::id.eq_any(&ids))).execute(conn)
    })
}

/// Removes every profile that has been unconfirmed for longer than `keep` after its last request ended.
pub fn sweep(conn: &mut DbConn, now: NaiveDateTime, keep: chrono::Duration) -> QueryResult<usize> {
    let cutoff = now - keep;
    let mut total = 0;
    loop {
        let n = sweep_batch(conn, cutoff)?;
        total += n;
        if n < BATCH as usize {
            return Ok(total);
        }
    }
}
