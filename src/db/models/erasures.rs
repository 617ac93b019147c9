//! Tombstones of erased profiles: the SHA-256 of what each was known by (as the ledger's `email_digest`),
//! so a late import or integration cannot bring an erased person back.

use crate::db::DbConn;
use crate::db::schema::erasures;
use crate::domain::sha256_hex;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub fn record(
    conn: &mut DbConn,
    identities: &[String],
    profile_id: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    for identity in identities {
        // Erased before (the person came back through a form and was erased again): keep the first.
        if is_erased(conn, identity)? {
            continue;
        }
        diesel::insert_into(erasures::table)
            .values((
                erasures::identity_digest.eq(sha256_hex(identity.as_bytes())),
                erasures::profile_id.eq(profile_id),
                erasures::erased_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether a profile known by this identity (an email, or `customId:ID`) was erased.
pub fn is_erased(conn: &mut DbConn, identity: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        erasures::table.filter(erasures::identity_digest.eq(sha256_hex(identity.as_bytes()))),
    ))
    .get_result(conn)
}

/// Which of these identity digests (SHA-256 of an email or `customId:ID`) belong to erased profiles.
pub fn erased_among(
    conn: &mut DbConn,
    digests: &[String],
) -> QueryResult<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    // Most databases have no tombstone at all: one probe instead of one per digest (an import checks
    // every new person).
    if digests.is_empty()
        || !diesel::select(diesel::dsl::exists(
            erasures::table.select(erasures::identity_digest),
        ))
        .get_result::<bool>(conn)?
    {
        return Ok(found);
    }
    for chunk in digests.chunks(crate::db::IN_LIST) {
        found.extend(
            erasures::table
                .filter(erasures::identity_digest.eq_any(chunk))
                .select(erasures::identity_digest)
                .load::<String>(conn)?,
        );
    }
    Ok(found)
}
