//! Sign-ins are limited per account and per client IP: at most `MAX` failed attempts in `WINDOW`; beyond
//! that the 429 page, without the password even being checked. Subjects are stored as digests.
//!
//! An attempt is written down *before* its password is checked and taken back if it succeeds, so a burst
//! of simultaneous guesses cannot all pass the count before any of them is recorded.

use crate::db::DbConn;
use crate::db::models::login_failures;
use crate::domain::sha256_hex;
use chrono::NaiveDateTime;

pub const MAX: i64 = 5;
pub const WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

pub fn subjects(email: &str, ip: Option<&str>) -> Vec<String> {
    let mut s = vec![sha256_hex(
        format!("email:{}", email.to_lowercase()).as_bytes(),
    )];
    if let Some(ip) = ip {
        s.push(sha256_hex(format!("ip:{ip}").as_bytes()));
    }
    s
}

/// An attempt under way: its rows count as failures until `succeeded` takes them back.
pub struct Attempt(Vec<i64>);

/// Records an attempt for `subjects`; `None` (and nothing kept) when one of them already had `MAX`
/// failures in the window. Counting and recording happen in one write transaction that simultaneous
/// attempts on the same subject take in turn (SQLite's write lock; on PostgreSQL an advisory lock per
/// subject, taken in sorted order), so a burst gets exactly `MAX` tries.
pub fn begin(
    conn: &mut DbConn,
    subjects: &[String],
    now: NaiveDateTime,
) -> diesel::QueryResult<Option<Attempt>> {
    crate::db::write_tx(conn, |c| {
        login_failures::lock(c, subjects)?;
        if login_failures::most_since(c, subjects, now - WINDOW)? >= MAX {
            return Ok(None);
        }
        Ok(Some(Attempt(login_failures::record(c, subjects, now)?)))
    })
}

/// The password was right: the attempt is not a failure.
pub fn succeeded(conn: &mut DbConn, attempt: Attempt) -> diesel::QueryResult<()> {
    login_failures::delete(conn, &attempt.0)?;
    Ok(())
}
