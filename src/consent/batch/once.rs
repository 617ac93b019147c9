//! A batch sent with an idempotency key is applied at most once: a retry of the same request (same key,
//! same body) gets the first answer again, and a key reused for a different body is refused. The key is
//! claimed, the batch applied and its answer stored in one transaction.

use super::{Item, Outcome, apply};
use crate::consent::{ApplyError, Meta};
use crate::db::DbConn;
use crate::db::models::idempotency_keys;
use crate::db::write_tx;

/// The idempotency key of a request: whose it is (the API key's name), the key, the body's digest.
pub struct Key {
    pub owner: String,
    pub key: String,
    pub digest: String,
}

/// What a batch request gets.
pub enum Answer {
    /// Applied now: the answer's body and how many items were accepted.
    Fresh(String, usize),
    /// The same request was applied before: its answer then.
    Replayed(String),
    /// The key was used for a different body.
    Conflict,
}

/// Applies `items` (with the items refused before, in `rejected`) unless `key` was seen; `render` makes
/// the answer's body from the outcome.
pub fn apply_once(
    conn: &mut DbConn,
    key: Option<&Key>,
    items: &[(usize, Item)],
    rejected: &[(usize, String)],
    meta: &Meta,
    render: &dyn Fn(&mut Outcome) -> String,
) -> Result<Answer, ApplyError> {
    write_tx(conn, |c| {
        let now = crate::db::now();
        if let Some(k) = key
            && let Some((first_digest, first)) = idempotency_keys::claim(c, &k.owner, &k.key, now)?
        {
            return Ok(if first_digest == k.digest {
                Answer::Replayed(first)
            } else {
                Answer::Conflict
            });
        }
        let mut done = Outcome {
            rejected: rejected.to_vec(),
            ..Outcome::default()
        };
        apply(c, items, meta, &mut done)?;
        let body = render(&mut done);
        if let Some(k) = key {
            idempotency_keys::store(c, &k.owner, &k.key, &k.digest, &body, now)?;
        }
        Ok(Answer::Fresh(body, done.accepted()))
    })
}
