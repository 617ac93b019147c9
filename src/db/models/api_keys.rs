use crate::db::DbConn;
use crate::db::schema::api_keys;
use diesel::prelude::*;

/// Stores a new key's hash; `None` when the name is taken (the unique index decides, so two creations
/// at once cannot both succeed or fail with an error).
pub fn insert(conn: &mut DbConn, name: &str, key_hash: &str) -> QueryResult<Option<i64>> {
    let insert = diesel::insert_into(api_keys::table).values((
        api_keys::name.eq(name),
        api_keys::key_hash.eq(key_hash),
        api_keys::created_at.eq(crate::db::now()),
    ));
    crate::on_backend!(conn, |c| insert
        .on_conflict(api_keys::name)
        .do_nothing()
        .returning(api_keys::id)
        .get_result(c)
        .optional())
}

/// The name of the live key with this hash. Lookup is by a SHA-256 of a 256-bit random key, so the
/// comparison leaks nothing useful through timing.
/// Also notes the use, at most once a minute (so busy clients do not write on every request).
pub fn name_for_hash(conn: &mut DbConn, key_hash: &str) -> QueryResult<Option<String>> {
    let found: Option<(String, Option<chrono::NaiveDateTime>)> = api_keys::table
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .select((api_keys::name, api_keys::last_used_at))
        .first(conn)
        .optional()?;
    let now = crate::db::now();
    if let Some((_, used)) = &found
        && used.is_none_or(|t| t < now - chrono::TimeDelta::minutes(1))
    {
        diesel::update(api_keys::table.filter(api_keys::key_hash.eq(key_hash)))
            .set(api_keys::last_used_at.eq(now))
            .execute(conn)?;
    }
    Ok(found.map(|(name, _)| name))
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub created_at: chrono::NaiveDateTime,
    pub last_used_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

/// Every key, live ones first, newest first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<ApiKey>> {
    api_keys::table
        .order((api_keys::revoked_at.is_not_null(), api_keys::id.desc()))
        .select(ApiKey::as_select())
        .load(conn)
}

/// Revokes a live key; returns its name, or `None` if there is no live key with this id.
pub fn revoke(
    conn: &mut DbConn,
    id: i64,
    now: chrono::NaiveDateTime,
) -> QueryResult<Option<String>> {
    diesel::update(
        api_keys::table
            .find(id)
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(now))
    .returning(api_keys::name)
    .get_result(conn)
    .optional()
}
