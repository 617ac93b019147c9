//! Incoming integrations and the message ids they have used.

use crate::db::DbConn;
use crate::db::schema::{integration_replays, integrations};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = integrations)]
pub struct Integration {
    pub id: i64,
    pub name: String,
    pub auth: crate::domain::IntegrationAuth,
    pub key: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub disabled_at: Option<NaiveDateTime>,
}

/// Adds an integration; `None` when the name is taken.
pub fn insert(
    conn: &mut DbConn,
    name: &str,
    auth: crate::domain::IntegrationAuth,
    key: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let insert = diesel::insert_into(integrations::table).values((
        integrations::name.eq(name),
        integrations::auth.eq(auth),
        integrations::key.eq(key),
        integrations::created_at.eq(now),
    ));
    crate::on_backend!(conn, |c| insert
        .on_conflict(integrations::name)
        .do_nothing()
        .returning(integrations::id)
        .get_result(c)
        .optional())
}

pub fn find(conn: &mut DbConn, name: &str) -> QueryResult<Option<Integration>> {
    integrations::table
        .filter(integrations::name.eq(name))
        .select(Integration::as_select())
        .first(conn)
        .optional()
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Integration>> {
    integrations::table
        .order(integrations::name)
        .select(Integration::as_select())
        .load(conn)
}

/// Disables (or enables again) an integration; false when there is none by that name.
pub fn set_disabled(conn: &mut DbConn, name: &str, at: Option<NaiveDateTime>) -> QueryResult<bool> {
    let n = diesel::update(integrations::table.filter(integrations::name.eq(name)))
        .set(integrations::disabled_at.eq(at))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn used(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(integrations::table.find(id))
        .set(integrations::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Every integration's stored key: (id, key).
pub fn keys(conn: &mut DbConn) -> QueryResult<Vec<(i64, String)>> {
    integrations::table
        .select((integrations::id, integrations::key))
        .order(integrations::id)
        .load(conn)
}

/// Replaces an integration's stored key with the same key sealed anew.
pub fn set_key(conn: &mut DbConn, id: i64, key: &str) -> QueryResult<usize> {
    diesel::update(integrations::table.find(id))
        .set(integrations::key.eq(key))
        .execute(conn)
}

/// What a message id was used for before.
#[derive(Debug, PartialEq, Eq)]
pub enum Use {
    /// Not before: it is recorded now with the body's digest (`answered` stores the answer, in the same
    /// transaction).
    First,
    /// The same body came with it before, and got this answer.
    Again(Option<String>),
    /// Another body came with it before.
    Other,
}

/// Records a message id as used until `expires_at` with the SHA-256 of its body, or says how it was used
/// before. Concurrent first uses wait for each other on the key; the second then sees the first's answer.
pub fn first_use(
    conn: &mut DbConn,
    integration_id: i64,
    message_id: &str,
    expires_at: NaiveDateTime,
    body_sha256: &str,
) -> QueryResult<Use> {
    let insert = diesel::insert_into(integration_replays::table).values((
        integration_replays::integration_id.eq(integration_id),
        integration_replays::message_id.eq(message_id),
        integration_replays::expires_at.eq(expires_at),
        integration_replays::body_sha256.eq(body_sha256),
    ));
    if crate::on_backend!(conn, |c| insert.on_conflict_do_nothing().execute(c))? == 1 {
        return Ok(Use::First);
    }
    let (digest, answer): (Option<String>, Option<String>) = integration_replays::table
        .find((integration_id, message_id))
        .select((
            integration_replays::body_sha256,
            integration_replays::answer,
        ))
        .first(conn)?;
    // Ids remembered before bodies were (no digest) count as another body: never applied twice.
    Ok(if digest.as_deref() == Some(body_sha256) {
        Use::Again(answer)
    } else {
        Use::Other
    })
}

/// Stores the answer a first use got, for its retries.
pub fn answered(
    conn: &mut DbConn,
    integration_id: i64,
    message_id: &str,
    answer: &str,
) -> QueryResult<usize> {
    diesel::update(integration_replays::table.find((integration_id, message_id)))
        .set(integration_replays::answer.eq(answer))
        .execute(conn)
}

/// Forgets message ids that can no longer be replayed (their token or signature has expired).
pub fn forget_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(integration_replays::table.filter(integration_replays::expires_at.lt(now)))
        .execute(conn)
}
