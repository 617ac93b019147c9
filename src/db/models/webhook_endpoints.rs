//! Outgoing webhook endpoints: where changes are pushed, which ones, and the secrets that sign them.

use crate::db::DbConn;
use crate::db::schema::webhook_endpoints;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub agreements: String,
    pub exclude_sources: String,
    pub integration_id: Option<i64>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_until: Option<NaiveDateTime>,
    pub paused_at: Option<NaiveDateTime>,
    pub disabled_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an endpoint is told about: the parts an admin edits.
#[derive(Clone, Debug, PartialEq, Eq, AsChangeset, Insertable)]
#[diesel(table_name = webhook_endpoints, treat_none_as_null = true)]
pub struct Settings {
    pub url: String,
    pub events: String,
    pub agreements: String,
    pub exclude_sources: String,
    pub integration_id: Option<i64>,
}

pub fn insert(
    conn: &mut DbConn,
    settings: &Settings,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(webhook_endpoints::table)
        .values((
            settings,
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::created_at.eq(now),
            webhook_endpoints::updated_at.eq(now),
        ))
        .returning(webhook_endpoints::id)
        .get_result(conn)
}

pub fn update(
    conn: &mut DbConn,
    id: i64,
    settings: &Settings,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(webhook_endpoints::table.find(id))
        .set((settings, webhook_endpoints::updated_at.eq(now)))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Endpoint>> {
    webhook_endpoints::table
        .find(id)
        .select(Endpoint::as_select())
        .first(conn)
        .optional()
}

/// Whether any endpoint exists.
pub fn any(conn: &mut DbConn) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Any {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        any: bool,
    }
    let q = crate::db::kept::kept("SELECT EXISTS (SELECT 1 FROM webhook_endpoints) AS any");
    Ok(crate::on_backend!(conn, |c| q.get_result::<Any>(c))?.any)
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Endpoint>> {
    webhook_endpoints::table
        .order(webhook_endpoints::id)
        .select(Endpoint::as_select())
        .load(conn)
}

/// The ids of endpoints that are neither paused nor disabled: the ones a worker delivers to.
pub fn active_ids(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::paused_at.is_null())
        .order(webhook_endpoints::id)
        .select(webhook_endpoints::id)
        .load(conn)
}

/// Pauses (with why, when it stopped by itself) or resumes an endpoint; false when there is none.
pub fn set_paused(
    conn: &mut DbConn,
    id: i64,
    paused: Option<NaiveDateTime>,
    reason: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::paused_at.eq(paused),
            webhook_endpoints::disabled_reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Every endpoint's stored secrets: (id, secret, previous secret).
pub fn secrets(conn: &mut DbConn) -> QueryResult<Vec<(i64, String, Option<String>)>> {
    webhook_endpoints::table
        .select((
            webhook_endpoints::id,
            webhook_endpoints::secret,
            webhook_endpoints::previous_secret,
        ))
        .order(webhook_endpoints::id)
        .load(conn)
}

/// Replaces an endpoint's stored secrets with the same secrets sealed anew.
pub fn set_secrets(
    conn: &mut DbConn,
    id: i64,
    secret: &str,
    previous: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::previous_secret.eq(previous),
        ))
        .execute(conn)
}

/// A new secret; the current one keeps signing (alongside) until `grace_until`.
pub fn rotate(
    conn: &mut DbConn,
    id: i64,
    secret: &str,
    grace_until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::previous_secret.eq(webhook_endpoints::secret.nullable()),
            webhook_endpoints::previous_until.eq(grace_until),
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    Ok(diesel::delete(webhook_endpoints::table.find(id)).execute(conn)? == 1)
}
