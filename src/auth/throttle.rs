//! Sign-ins are limited so that guessing stays slow without letting a stranger lock a user out: failed
//! attempts are counted per account and client address together (5 a minute), per client address over
//! all accounts (20 a minute), and per account from anywhere (100 an hour). Beyond any of them the 429
//! page, without the password even being checked. Subjects are stored as digests.
//!
//! An attempt is written down *before* its password is checked and taken back if it succeeds, so a burst
//! of simultaneous guesses cannot all pass the count before any of them is recorded.

use crate::db::DbConn;
use crate::db::models::login_failures;
use crate::domain::sha256_hex;
use chrono::{NaiveDateTime, TimeDelta};

/// One account from one address.
pub const PAIR: (i64, TimeDelta) = (5, TimeDelta::minutes(1));
/// Any accounts from one address.
pub const ADDRESS: (i64, TimeDelta) = (20, TimeDelta::minutes(1));
/// One account from anywhere: generous, so only a wide guessing campaign reaches it.
pub const ACCOUNT: (i64, TimeDelta) = (100, TimeDelta::hours(1));
/// How long failures are kept: the longest window.
pub const KEPT: TimeDelta = TimeDelta::hours(1);

/// A subject (as stored) and its limit: at most `max` failures within `window`.
pub struct Limit {
    subject: String,
    max: i64,
    window: TimeDelta,
}

/// The limits an attempt to sign in as `email` from `ip` counts against.
pub fn limits(email: &str, ip: Option<&str>) -> Vec<Limit> {
    let email = email.to_lowercase();
    let limit = |text: String, (max, window): (i64, TimeDelta)| Limit {
        subject: sha256_hex(text.as_bytes()),
        max,
        window,
    };
    let mut l = vec![
        limit(format!("pair:{email}|{}", ip.unwrap_or("-")), PAIR),
        limit(format!("email:{email}"), ACCOUNT),
    ];
    if let Some(ip) = ip {
        l.push(limit(format!("ip:{ip}"), ADDRESS));
    }
    l
}

/// An attempt under way: its rows count as failures until `succeeded` takes them back.
pub struct Attempt(Vec<i64>);

/// Records an attempt against `limits`; `None` (and nothing kept) when one of them is reached. Counting
/// and recording happen in one write transaction that simultaneous attempts on the same subject take in
/// turn (SQLite's write lock; on PostgreSQL an advisory lock per subject, taken in sorted order), so a
/// burst gets exactly as many tries as its limit.
pub fn begin(
    conn: &mut DbConn,
    limits: &[Limit],
    now: NaiveDateTime,
) -> diesel::QueryResult<Option<Attempt>> {
    let subjects: Vec<String> = limits.iter().map(|l| l.subject.clone()).collect();
    crate::db::write_tx(conn, |c| {
        login_failures::lock(c, &subjects)?;
        for l in limits {
            if login_failures::count_since(c, &l.subject, now - l.window)? >= l.max {
                return Ok(None);
            }
        }
        Ok(Some(Attempt(login_failures::record(c, &subjects, now)?)))
    })
}

/// The password was right: the attempt is not a failure.
pub fn succeeded(conn: &mut DbConn, attempt: Attempt) -> diesel::QueryResult<()> {
    login_failures::delete(conn, &attempt.0)?;
    Ok(())
}
