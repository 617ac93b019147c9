//! Failed dashboard sign-ins, by subject (the digest of an account's email or of a client IP).

use crate::db::DbConn;
use crate::db::schema::login_failures;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Records one attempt per subject; returns the rows' ids.
pub fn record(conn: &mut DbConn, subjects: &[String], at: NaiveDateTime) -> QueryResult<Vec<i64>> {
    subjects
        .iter()
        .map(|s| {
            diesel::insert_into(login_failures::table)
                .values((login_failures::subject.eq(s), login_failures::at.eq(at)))
                .returning(login_failures::id)
                .get_result(conn)
        })
        .collect()
}

/// On PostgreSQL, holds `subjects` until the transaction ends (sorted: one lock order). SQLite's
/// `BEGIN IMMEDIATE` already serialises writers.
pub fn lock(conn: &mut DbConn, subjects: &[String]) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        let mut sorted: Vec<&String> = subjects.iter().collect();
        sorted.sort();
        for s in sorted {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<diesel::sql_types::Text, _>(s)
                .execute(c)?;
        }
    }
    Ok(())
}

pub fn delete(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::id.eq_any(ids))).execute(conn)
}

/// The failures `subject` had since `since`.
pub fn count_since(conn: &mut DbConn, subject: &str, since: NaiveDateTime) -> QueryResult<i64> {
    login_failures::table
        .filter(login_failures::subject.eq(subject))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)
}

pub fn delete_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::at.le(before))).execute(conn)
}
