//! Failed sign-ins are limited per account and per client IP: after `MAX` failures in `WINDOW`, further
//! attempts get a 429 page without the password even being checked. Subjects are stored as digests.

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

pub fn blocked(
    conn: &mut DbConn,
    subjects: &[String],
    now: NaiveDateTime,
) -> diesel::QueryResult<bool> {
    Ok(login_failures::most_since(conn, subjects, now - WINDOW)? >= MAX)
}

pub fn failed(
    conn: &mut DbConn,
    subjects: &[String],
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    login_failures::delete_before(conn, now - WINDOW * 10)?;
    login_failures::record(conn, subjects, now)
}
