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
