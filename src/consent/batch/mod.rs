//! Profiles and consents pushed in by other systems (the batch API now; imports and integrations use the
//! same items): each item is checked on its own (`item`), and the valid ones are applied together, each
//! change through the one write path with the caller's `consentedAt`, so a late push never revives a newer
//! withdrawal. Most items are written set by set (`set`); the rest one at a time (`one`).

mod item;
pub mod once;
mod one;
mod set;

pub use item::{Done, FIELDS, Item, MAX_ATTRIBUTES, MAX_ITEMS, Outcome, Reported, parse};

use super::{ApplyError, Meta};
use crate::db::DbConn;
use crate::db::models::profiles;
use diesel::Connection;
use one::Refused;

/// Applies checked items in order, in the caller's write transaction. Most are applied together, set by
/// set (`set`); an item that names a person an earlier item named, or changes a profile's email
/// or customId, follows one at a time, in order. An item refused (an erased person, an email and a
/// customId of two different profiles, an address another profile took meanwhile) writes nothing.
pub fn apply(
    conn: &mut DbConn,
    items: &[(usize, Item)],
    meta: &Meta,
    outcome: &mut Outcome,
) -> Result<(), ApplyError> {
    // Batches take turns (SQLite's write transactions do anyway): one lock, however many people, so
    // two batches never interleave on a profile they name differently, and no lock table fills up.
    profiles::batch_writers_take_turns(conn)?;
    let later = set::apply_set(conn, items, meta, outcome)?;
    for pos in later {
        let (index, item) = &items[pos];
        // Each in a savepoint: rolled back, nothing of a refused item stays (nor is counted).
        let mark = crate::metrics::mark();
        let result = conn.transaction(|c| match one::apply_one(c, item, meta)? {
            Ok(done) => Ok(done),
            Err(why) => Err(Refused::Item(why)),
        });
        if result.is_err() {
            crate::metrics::rolled_back_to(mark);
        }
        match result {
            Ok((done, stale)) => outcome.accept(*index, done, stale),
            Err(Refused::Item(why)) => outcome.rejected.push((*index, why)),
            Err(Refused::Apply(ApplyError::Db(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )))) => outcome.rejected.push((
                *index,
                "another profile has just taken this email or customId; send the item again".into(),
            )),
            Err(Refused::Apply(e)) => return Err(e),
        }
    }
    Ok(())
}
