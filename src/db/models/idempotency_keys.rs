//! The first answer to each batch request sent with an `Idempotency-Key`, per API key, for 24 hours.

use crate::db::DbConn;
use crate::db::schema::idempotency_keys;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub const KEPT: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// The stored (request digest, answer) for this API key's idempotency key, if it is younger than `KEPT`.
/// On PostgreSQL it first takes a lock on the key until the transaction ends, so a retry sent while the
/// first request is still being applied waits for its answer instead of applying the batch again
/// (SQLite's write transactions take turns anyway).
pub fn claim(
    conn: &mut DbConn,
    api_key: &str,
    key: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(String, String)>> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind::<diesel::sql_types::Text, _>(format!("idempotency:{api_key}:{key}"))
            .execute(c)?;
    }
    idempotency_keys::table
        .filter(idempotency_keys::api_key.eq(api_key))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .filter(idempotency_keys::created_at.gt(now - KEPT))
        .select((idempotency_keys::request_sha256, idempotency_keys::response))
        .first(conn)
        .optional()
}

/// Keeps the answer (replacing an expired one with the same key).
pub fn store(
    conn: &mut DbConn,
    api_key: &str,
    key: &str,
    request_sha256: &str,
    response: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        idempotency_keys::table
            .filter(idempotency_keys::api_key.eq(api_key))
            .filter(idempotency_keys::idempotency_key.eq(key)),
    )
    .execute(conn)?;
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::api_key.eq(api_key),
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::request_sha256.eq(request_sha256),
            idempotency_keys::response.eq(response),
            idempotency_keys::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete_before(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.le(before)))
        .execute(conn)
}
