//! The email outbox: rows written in the same transaction as the change that causes them, delivered
//! at least once by the mail worker.

use crate::db::DbConn;
use crate::db::schema::email_outbox;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = email_outbox, treat_none_as_default_value = false)]
pub struct NewMail {
    pub kind: String,
    pub recipient: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub attempts: i32,
}

impl NewMail {
    pub fn new(
        kind: &str,
        recipient: &str,
        payload: serde_json::Value,
        now: NaiveDateTime,
    ) -> NewMail {
        NewMail {
            kind: kind.into(),
            recipient: recipient.into(),
            payload: payload.to_string(),
            created_at: now,
            next_attempt_at: now,
            attempts: 0,
        }
    }
}

#[derive(Clone, Debug, QueryableByName)]
pub struct ClaimedMail {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub recipient: String,
    #[diesel(sql_type = Text)]
    pub payload: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
}

/// Queues emails, in the caller's transaction (so they are sent if and only if it commits).
pub fn enqueue(conn: &mut DbConn, rows: &[NewMail]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    match conn {
        // One array per column: one prepared statement whatever the batch size (see `profiles::upsert_many`).
        DbConn::Pg(c) => {
            use diesel::sql_types::Array;
            let text = |f: &dyn Fn(&NewMail) -> &str| {
                rows.iter().map(|r| f(r).to_string()).collect::<Vec<_>>()
            };
            diesel::sql_query(
                "INSERT INTO email_outbox (kind, recipient, payload, created_at, next_attempt_at, attempts) \
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp[], $5::timestamp[], $6::int4[])",
            )
            .bind::<Array<Text>, _>(text(&|r| &r.kind))
            .bind::<Array<Text>, _>(text(&|r| &r.recipient))
            .bind::<Array<Text>, _>(text(&|r| &r.payload))
            .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.created_at).collect::<Vec<_>>())
            .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.next_attempt_at).collect::<Vec<_>>())
            .bind::<Array<Integer>, _>(rows.iter().map(|r| r.attempts).collect::<Vec<_>>())
            .execute(c)
        }
        DbConn::Sqlite(c) => diesel::insert_into(email_outbox::table)
            .values(rows)
            .execute(c),
    }
}

/// Leases up to `limit` due rows until `lease_until` for the process `claim_id` (see `crate::node`);
/// rows whose worker died come back after the lease, or at once when their node restarts.
/// On PostgreSQL `SKIP LOCKED` lets many nodes claim side by side without taking each other's rows.
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
    claim_id: &str,
) -> QueryResult<Vec<ClaimedMail>> {
    const DUE: &str = "sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $2 \
                       AND (locked_until IS NULL OR locked_until < $2) ORDER BY next_attempt_at, id LIMIT $3";
    const RETURNING: &str = "RETURNING id, kind, recipient, payload, attempts, created_at";
    match conn {
        DbConn::Pg(c) => diesel::sql_query(format!(
            "UPDATE email_outbox SET locked_until = $1, claimed_by = $4 WHERE id IN \
             (SELECT id FROM email_outbox WHERE {DUE} FOR UPDATE SKIP LOCKED) {RETURNING}"
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .bind::<Text, _>(claim_id)
        .load(c),
        DbConn::Sqlite(c) => diesel::sql_query(
            format!(
                "UPDATE email_outbox SET locked_until = $1, claimed_by = $4 WHERE id IN \
                 (SELECT id FROM email_outbox WHERE {DUE}) {RETURNING}"
            )
            .replace('$', "?"),
        )
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .bind::<Text, _>(claim_id)
        .load(c),
    }
}

/// Gives back the rows that earlier starts of this node leased and never finished (the process died):
/// they are due again at once. Returns how many.
pub fn release_earlier_claims(conn: &mut DbConn, node: &crate::node::Node) -> QueryResult<usize> {
    let (from, to) = node.claims_range();
    diesel::update(
        email_outbox::table
            .filter(email_outbox::claimed_by.ge(from))
            .filter(email_outbox::claimed_by.lt(to))
            .filter(email_outbox::claimed_by.ne(&node.claim_id))
            .filter(email_outbox::locked_until.is_not_null()),
    )
    .set((
        email_outbox::locked_until.eq(None::<NaiveDateTime>),
        email_outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
}

/// A row this worker still holds: its lease is the one this worker set. If the lease ran out and another
/// worker took the row over, this worker's late result is not written over the other's.
fn mine(
    id: i64,
    lease: NaiveDateTime,
) -> diesel::dsl::Filter<
    diesel::dsl::Find<email_outbox::table, i64>,
    diesel::dsl::Eq<email_outbox::locked_until, Option<NaiveDateTime>>,
> {
    email_outbox::table
        .find(id)
        .filter(email_outbox::locked_until.eq(Some(lease)))
}

pub fn mark_sent(
    conn: &mut DbConn,
    id: i64,
    lease: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(mine(id, lease))
        .set((
            email_outbox::sent_at.eq(now),
            email_outbox::locked_until.eq(None::<NaiveDateTime>),
            email_outbox::attempts.eq(email_outbox::attempts + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes a row that leads to no email. The address is blanked: it may belong to someone who is not
/// known here (a preference link asked for an unknown address), and is then not kept.
pub fn mark_skipped(
    conn: &mut DbConn,
    id: i64,
    lease: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(mine(id, lease))
        .set((
            email_outbox::sent_at.eq(now),
            email_outbox::recipient.eq(""),
            email_outbox::last_error.eq("nothing sent: unknown address, vanished request, or the address used up its allowance of form emails"),
            email_outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or dead-lettered when `retry_at` is `None`.
pub fn mark_failed(
    conn: &mut DbConn,
    id: i64,
    lease: NaiveDateTime,
    error: &str,
    now: NaiveDateTime,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(mine(id, lease))
        .set((
            email_outbox::attempts.eq(email_outbox::attempts + 1),
            email_outbox::last_error.eq(error),
            email_outbox::locked_until.eq(None::<NaiveDateTime>),
            email_outbox::next_attempt_at.eq(retry_at.unwrap_or(now)),
            email_outbox::dead_at.eq(if retry_at.is_none() { Some(now) } else { None }),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives leased rows back untouched (the transport was down, so no attempt was made).
pub fn release(
    conn: &mut DbConn,
    ids: &[i64],
    lease: NaiveDateTime,
    retry_at: NaiveDateTime,
    error: &str,
) -> QueryResult<()> {
    diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq_any(ids))
            .filter(email_outbox::locked_until.eq(lease)),
    )
    .set((
        email_outbox::locked_until.eq(None::<NaiveDateTime>),
        email_outbox::next_attempt_at.eq(retry_at),
        email_outbox::last_error.eq(error),
    ))
    .execute(conn)?;
    Ok(())
}

/// How long a sent email's row stays (for the delivery page); dead letters stay until retried.
pub const SENT_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// Deletes the rows of emails sent before `before`; returns how many.
pub fn prune_sent(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(email_outbox::table.filter(email_outbox::sent_at.lt(before))).execute(conn)
}

/// Right to erasure: every email to this address, sent or not, is forgotten (queued ones are never sent).
pub fn forget_recipient(conn: &mut DbConn, recipient: &str) -> QueryResult<usize> {
    diesel::delete(email_outbox::table.filter(email_outbox::recipient.eq(recipient))).execute(conn)
}

/// Which emails the delivery page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shelf {
    /// Waiting for their first or next attempt (or being sent right now).
    Queued,
    Sent,
    Dead,
}

impl Shelf {
    pub fn parse(raw: &str) -> Option<Shelf> {
        match raw {
            "queued" => Some(Shelf::Queued),
            "sent" => Some(Shelf::Sent),
            "dead" => Some(Shelf::Dead),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Shelf::Queued => "queued",
            Shelf::Sent => "sent",
            Shelf::Dead => "dead",
        }
    }
}

/// One email as the delivery page shows it (the payload stays out: it holds a link secret).
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub dead_at: Option<NaiveDateTime>,
}

/// Up to `limit` emails of a shelf, newest first, with ids below `before`.
pub fn list(
    conn: &mut DbConn,
    shelf: Shelf,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Listed>> {
    let mut q = email_outbox::table
        .select(Listed::as_select())
        .order(email_outbox::id.desc())
        .limit(limit)
        .into_boxed();
    q = match shelf {
        Shelf::Queued => q
            .filter(email_outbox::sent_at.is_null())
            .filter(email_outbox::dead_at.is_null()),
        Shelf::Sent => q.filter(email_outbox::sent_at.is_not_null()),
        Shelf::Dead => q.filter(email_outbox::dead_at.is_not_null()),
    };
    if let Some(b) = before {
        q = q.filter(email_outbox::id.lt(b));
    }
    q.load(conn)
}

/// The figures at the top of the delivery page.
#[derive(Debug, Default)]
pub struct Summary {
    pub queued: i64,
    /// Queued and already due: what the worker should be sending now.
    pub due: i64,
    pub dead: i64,
    pub sent_last_day: i64,
    pub last_sent_at: Option<NaiveDateTime>,
    /// The oldest email still queued, and the last error it met.
    pub oldest_queued: Option<(NaiveDateTime, Option<String>)>,
}

pub fn summary(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Summary> {
    let queued = || {
        email_outbox::table
            .filter(email_outbox::sent_at.is_null())
            .filter(email_outbox::dead_at.is_null())
    };
    // Rows closed without an email (`mark_skipped` blanks their address) were never sent.
    let sent = || {
        email_outbox::table
            .filter(email_outbox::sent_at.is_not_null())
            .filter(email_outbox::recipient.ne(""))
    };
    Ok(Summary {
        queued: queued().count().get_result(conn)?,
        due: queued()
            .filter(email_outbox::next_attempt_at.le(now))
            .count()
            .get_result(conn)?,
        dead: email_outbox::table
            .filter(email_outbox::dead_at.is_not_null())
            .count()
            .get_result(conn)?,
        sent_last_day: sent()
            .filter(email_outbox::sent_at.gt(now - chrono::TimeDelta::days(1)))
            .count()
            .get_result(conn)?,
        last_sent_at: sent()
            .select(diesel::dsl::max(email_outbox::sent_at))
            .get_result(conn)?,
        oldest_queued: queued()
            .order(email_outbox::id)
            .select((email_outbox::created_at, email_outbox::last_error))
            .first(conn)
            .optional()?,
    })
}

/// Gives dead letters (all of them, or the one with `id`) a new round of attempts, due now; returns how
/// many. Their last error stays until the next attempt replaces it.
pub fn revive(conn: &mut DbConn, id: Option<i64>, now: NaiveDateTime) -> QueryResult<usize> {
    let dead = email_outbox::table.filter(email_outbox::dead_at.is_not_null());
    let set = (
        email_outbox::dead_at.eq(None::<NaiveDateTime>),
        email_outbox::attempts.eq(0),
        email_outbox::next_attempt_at.eq(now),
    );
    match id {
        Some(id) => diesel::update(dead.filter(email_outbox::id.eq(id)))
            .set(set)
            .execute(conn),
        None => diesel::update(dead).set(set).execute(conn),
    }
}
