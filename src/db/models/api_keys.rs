use crate::db::DbConn;
use crate::db::schema::api_keys;
use diesel::prelude::*;

pub fn insert(conn: &mut DbConn, name: &str, key_hash: &str) -> QueryResult<i64> {
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::name.eq(name),
            api_keys::key_hash.eq(key_hash),
            api_keys::created_at.eq(crate::db::now()),
        ))
        .returning(api_keys::id)
        .get_result(conn)
}

/// The name of the live key with this hash. Lookup is by a SHA-256 of a 256-bit random key, so the
/// comparison leaks nothing useful through timing.
pub fn name_for_hash(conn: &mut DbConn, key_hash: &str) -> QueryResult<Option<String>> {
    api_keys::table
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .select(api_keys::name)
        .first(conn)
        .optional()
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

/// A key's name as it appears in the ledger (`api:<name>`), or what is wrong with it.
pub fn check_name(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err("Use 1 to 64 letters, digits, '-', '_' or '.' (it appears in the ledger as api:<name>).".into());
    }
    Ok(name)
}

/// Every key, live ones first, newest first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<ApiKey>> {
    api_keys::table
        .order((api_keys::revoked_at.is_not_null(), api_keys::id.desc()))
        .select(ApiKey::as_select())
        .load(conn)
}

/// Notes a use of the key, at most once a minute (so busy clients do not write on every request).
pub fn touch(conn: &mut DbConn, key_hash: &str, now: chrono::NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        api_keys::table
            .filter(api_keys::key_hash.eq(key_hash))
            .filter(
                api_keys::last_used_at
                    .is_null()
                    .or(api_keys::last_used_at.lt(now - chrono::TimeDelta::minutes(1))),
            ),
    )
    .set(api_keys::last_used_at.eq(now))
    .execute(conn)?;
    Ok(())
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
