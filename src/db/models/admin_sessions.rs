//! Dashboard session state, keyed by the SHA-256 of the session key (the cookie holds the key itself).

use crate::db::DbConn;
use crate::db::schema::admin_sessions;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The state of a live session.
pub fn load(conn: &mut DbConn, key_hash: &str, now: NaiveDateTime) -> QueryResult<Option<String>> {
    admin_sessions::table
        .find(key_hash)
        .filter(admin_sessions::expires_at.gt(now))
        .select(admin_sessions::state)
        .first(conn)
        .optional()
}

pub fn insert(
    conn: &mut DbConn,
    key_hash: &str,
    state: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(admin_sessions::table)
        .values((
            admin_sessions::key_hash.eq(key_hash),
            admin_sessions::state.eq(state),
            admin_sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Updates a session's state and expiry; false when it no longer exists (ended meanwhile).
pub fn update(
    conn: &mut DbConn,
    key_hash: &str,
    state: Option<&str>,
    expires_at: NaiveDateTime,
) -> QueryResult<bool> {
    let target = admin_sessions::table.find(key_hash);
    let n = match state {
        Some(state) => diesel::update(target)
            .set((
                admin_sessions::state.eq(state),
                admin_sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set(admin_sessions::expires_at.eq(expires_at))
            .execute(conn)?,
    };
    Ok(n == 1)
}

pub fn delete(conn: &mut DbConn, key_hash: &str) -> QueryResult<()> {
    diesel::delete(admin_sessions::table.find(key_hash)).execute(conn)?;
    Ok(())
}

/// Forgets sessions that have expired.
pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(admin_sessions::table.filter(admin_sessions::expires_at.le(now))).execute(conn)
}
