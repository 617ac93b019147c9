use crate::db::DbConn;
use crate::db::schema::{agreement_versions, agreements};
use diesel::prelude::*;

/// An agreement with the wording of its current version: what forms show and what a consent refers to.
#[derive(Clone, Debug, Queryable)]
pub struct Agreement {
    pub id: i64,
    pub key: String,
    pub title: String,
    pub channel: String,
    pub position: i32,
    pub version: i32,
    pub archived_at: Option<chrono::NaiveDateTime>,
    pub text: String,
    pub language: String,
    pub mask_bit: i32,
}

/// Agreements ever created, archived ones included: one bit each in `profiles.consent_mask`.
pub const MAX_AGREEMENTS: i32 = 63;

impl Agreement {
    /// This agreement's bit in `profiles.consent_mask`.
    pub fn bit(&self) -> i64 {
        1i64 << self.mask_bit
    }

    pub fn active(&self) -> bool {
        self.archived_at.is_none()
    }

    /// The exact wording (text, language) of one of its versions, as a consent refers to it.
    pub fn wording(&self, conn: &mut DbConn, version: i32) -> QueryResult<(String, String)> {
        if version == self.version {
            return Ok((self.text.clone(), self.language.clone()));
        }
        agreement_versions::table
            .find((self.id, version))
            .select((agreement_versions::text, agreement_versions::language))
            .first(conn)
    }
}

/// On PostgreSQL, makes changes to the catalog's shape (creation, order) wait for each other until the
/// transaction ends; SQLite's write transactions are one at a time anyway.
fn take_turns(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7270001)").execute(c)?;
    }
    Ok(())
}

/// Moves an agreement one place earlier (`up`) or later in the display order (the order of forms and
/// of the CSV's columns), and numbers every position afresh from 1. `false` when it is already first
/// (or last). Call in a write transaction.
pub fn move_one(conn: &mut DbConn, id: i64, up: bool) -> QueryResult<bool> {
    take_turns(conn)?;
    let mut order: Vec<(i64, i32)> = agreements::table
        .order((agreements::position, agreements::id))
        .select((agreements::id, agreements::position))
        .load(conn)?;
    let Some(at) = order.iter().position(|(i, _)| *i == id) else {
        return Ok(false);
    };
    let to = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(to) = to.filter(|t| *t < order.len()) else {
        return Ok(false);
    };
    order.swap(at, to);
    for (n, (id, was)) in order.iter().enumerate() {
        let now = n as i32 + 1;
        if *was != now {
            diesel::update(agreements::table.find(id))
                .set(agreements::position.eq(now))
                .execute(conn)?;
        }
    }
    Ok(true)
}

/// Every agreement, archived ones included, in display order.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Agreement>> {
    agreements::table
        .inner_join(
            agreement_versions::table.on(agreement_versions::agreement_id
                .eq(agreements::id)
                .and(agreement_versions::version.eq(agreements::current_version))),
        )
        .order((agreements::position, agreements::id))
        .select((
            agreements::id,
            agreements::key,
            agreements::title,
            agreements::channel,
            agreements::position,
            agreements::current_version,
            agreements::archived_at,
            agreement_versions::text,
            agreement_versions::language,
            agreements::mask_bit,
        ))
        .load(conn)
}

/// All version texts, keyed by (agreement, version), for the ledger check.
pub fn all_version_texts(conn: &mut DbConn) -> QueryResult<Vec<(i64, i32, String)>> {
    agreement_versions::table
        .select((
            agreement_versions::agreement_id,
            agreement_versions::version,
            agreement_versions::text,
        ))
        .load(conn)
}

/// A version of an agreement's wording: (version, language, text, created_at).
pub type Version = (i32, String, String, chrono::NaiveDateTime);

/// Every version of one agreement, newest first.
pub fn versions(conn: &mut DbConn, agreement_id: i64) -> QueryResult<Vec<Version>> {
    agreement_versions::table
        .filter(agreement_versions::agreement_id.eq(agreement_id))
        .order(agreement_versions::version.desc())
        .select((
            agreement_versions::version,
            agreement_versions::language,
            agreement_versions::text,
            agreement_versions::created_at,
        ))
        .load(conn)
}

/// Whether a key was ever used, archived agreements included (a key never gets a second meaning).
pub fn key_taken(conn: &mut DbConn, key: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        agreements::table.filter(agreements::key.eq(key)),
    ))
    .get_result(conn)
}

#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    Id(i64),
    /// The key is or was in use (archived agreements keep theirs).
    KeyTaken,
    /// Every bit of the consent mask is given out.
    Full,
}

/// Creates an agreement with version 1 of its wording, last in display order, with the next free bit.
pub fn create(
    conn: &mut DbConn,
    key: &str,
    title: &str,
    channel: &str,
    text: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<Created> {
    // Creations take turns (SQLite write transactions do anyway), so two at once never pick the same
    // key, position or bit.
    take_turns(conn)?;
    if key_taken(conn, key)? {
        return Ok(Created::KeyTaken);
    }
    let (last, bits): (Option<i32>, Option<i32>) = agreements::table
        .select((
            diesel::dsl::max(agreements::position),
            diesel::dsl::max(agreements::mask_bit),
        ))
        .first(conn)?;
    let bit = bits.map_or(0, |b| b + 1);
    if bit >= MAX_AGREEMENTS {
        return Ok(Created::Full);
    }
    let id = diesel::insert_into(agreements::table)
        .values((
            agreements::key.eq(key),
            agreements::title.eq(title),
            agreements::channel.eq(channel),
            agreements::position.eq(last.unwrap_or(0) + 1),
            agreements::current_version.eq(1),
            agreements::created_at.eq(now),
            agreements::mask_bit.eq(bit),
        ))
        .returning(agreements::id)
        .get_result(conn)?;
    add_version(conn, id, 1, text, now)?;
    Ok(Created::Id(id))
}

fn add_version(
    conn: &mut DbConn,
    id: i64,
    version: i32,
    text: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(agreement_versions::table)
        .values((
            agreement_versions::agreement_id.eq(id),
            agreement_versions::version.eq(version),
            agreement_versions::language.eq("en"),
            agreement_versions::text.eq(text),
            agreement_versions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Renames an agreement and, when its wording changed, makes the new wording its next version (consents
/// already given keep the version they were given under). Returns the current version afterwards.
pub fn edit(
    conn: &mut DbConn,
    id: i64,
    title: &str,
    text: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<i32> {
    // The agreement's row lock first: two editors at once make two versions in turn, never a clash.
    diesel::update(agreements::table.find(id))
        .set(agreements::title.eq(title))
        .execute(conn)?;
    let current: i32 = agreements::table
        .find(id)
        .select(agreements::current_version)
        .first(conn)?;
    let (now_text,): (String,) = agreement_versions::table
        .find((id, current))
        .select((agreement_versions::text,))
        .first(conn)?;
    if now_text == text {
        return Ok(current);
    }
    add_version(conn, id, current + 1, text, now)?;
    diesel::update(agreements::table.find(id))
        .set(agreements::current_version.eq(current + 1))
        .execute(conn)?;
    Ok(current + 1)
}

/// Takes an agreement off every form; its history and consents stay. Returns false when it was already
/// archived.
pub fn archive(conn: &mut DbConn, id: i64, now: chrono::NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        agreements::table
            .find(id)
            .filter(agreements::archived_at.is_null()),
    )
    .set(agreements::archived_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}
