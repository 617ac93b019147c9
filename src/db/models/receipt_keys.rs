use crate::db::DbConn;
use crate::db::schema::receipt_keys;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A receipt signing key as stored: its public half in base64url, its private half sealed.
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = receipt_keys)]
pub struct ReceiptKey {
    pub kid: String,
    pub public_key: String,
    pub private_key: String,
    pub created_at: NaiveDateTime,
}

/// The key receipts are signed with now: the newest.
pub fn current(conn: &mut DbConn) -> QueryResult<Option<ReceiptKey>> {
    receipt_keys::table
        .order((receipt_keys::created_at.desc(), receipt_keys::kid.desc()))
        .select(ReceiptKey::as_select())
        .first(conn)
        .optional()
}

/// Every key ever used, oldest first: (kid, public key).
pub fn public_keys(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    receipt_keys::table
        .order((receipt_keys::created_at, receipt_keys::kid))
        .select((receipt_keys::kid, receipt_keys::public_key))
        .load(conn)
}

pub fn insert(conn: &mut DbConn, key: &ReceiptKey) -> QueryResult<()> {
    diesel::insert_into(receipt_keys::table)
        .values(key)
        .execute(conn)?;
    Ok(())
}

/// Every key's sealed private half: (kid, sealed), for checking and resealing.
pub fn private_keys(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    receipt_keys::table
        .order(receipt_keys::kid)
        .select((receipt_keys::kid, receipt_keys::private_key))
        .load(conn)
}

/// Replaces a key's stored private half with the same key sealed anew.
pub fn set_private_key(conn: &mut DbConn, kid: &str, sealed: &str) -> QueryResult<()> {
    diesel::update(receipt_keys::table.find(kid))
        .set(receipt_keys::private_key.eq(sealed))
        .execute(conn)?;
    Ok(())
}
