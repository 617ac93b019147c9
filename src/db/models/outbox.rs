//! The outbox: emails and webhook deliveries, written in the same transaction as the change that causes
//! them and delivered at least once by `crate::delivery`'s worker, one lane per deliverer.

use crate::db::DbConn;
use crate::db::kept::{Binds, PgBinds, Row, Values, chunks, insert, kept};
use crate::db::pg_column::Column;
use crate::db::schema::outbox;
use crate::db::time_text::TimeText;
use crate::db::tx::{Lane as Wake, wake_after_commit};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

/// Which deliverer a row is for: emails, or the webhook endpoint with this id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Email,
    Webhook(i64),
}

impl Lane {
    pub fn channel(self) -> &'static str {
        match self {
            Lane::Email => "email",
            Lane::Webhook(_) => "webhook",
        }
    }

    pub fn endpoint(self) -> Option<i64> {
        match self {
            Lane::Email => None,
            Lane::Webhook(id) => Some(id),
        }
    }
}

/// A row to queue. (`None` is written as NULL, so every insert is the same statement.)
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct Entry {
    pub channel: &'static str,
    pub kind: String,
    /// An email's address; empty for a webhook (its endpoint says where).
    pub recipient: String,
    pub payload: String,
    pub endpoint_id: Option<i64>,
    /// The profile a webhook row is about: one endpoint gets one profile's rows in order.
    pub profile_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub attempts: i32,
}

/// `INSERT INTO outbox (…)` with the columns in the order both engines bind them.
macro_rules! insert_head {
    () => {
        "INSERT INTO outbox (channel, kind, recipient, payload, endpoint_id, profile_id, created_at, \
         next_attempt_at, attempts)"
    };
}

/// PostgreSQL: one array per column of `insert_head!()`, as `unnest` takes them; bound by
/// `bind_pg_arrays`.
macro_rules! pg_unnest {
    () => {
        "unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::int8[], ?::timestamp[], \
         ?::timestamp[], ?::int4[])"
    };
}
pub(crate) use {insert_head, pg_unnest};

impl Row<diesel::sqlite::Sqlite> for Entry {
    fn bind<'b>(&'b self, v: &mut Values<'_, '_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        use diesel::sql_types::Nullable;
        v.value::<Text, _>(self.channel)?
            .value::<Text, _>(&self.kind)?
            .value::<Text, _>(&self.recipient)?
            .value::<Text, _>(&self.payload)?
            .value::<Nullable<BigInt>, _>(&self.endpoint_id)?
            .value::<Nullable<BigInt>, _>(&self.profile_id)?
            .value::<Timestamp, _>(TimeText::of(&self.created_at))?
            .value::<Timestamp, _>(TimeText::of(&self.next_attempt_at))?
            .value::<Integer, _>(&self.attempts)?;
        Ok(())
    }
}

impl Entry {
    /// The email is about this profile: erasing the profile finds it by the profile (an index that
    /// grows at its end), so the address need not be indexed, a random page written with every sign-up.
    pub fn about(mut self, profile_id: i64) -> Entry {
        self.profile_id = Some(profile_id);
        self
    }

    pub fn email(
        kind: crate::domain::EmailKind,
        recipient: &str,
        payload: serde_json::Value,
        now: NaiveDateTime,
    ) -> Entry {
        Entry {
            channel: Lane::Email.channel(),
            kind: kind.as_str().into(),
            recipient: recipient.into(),
            payload: payload.to_string(),
            endpoint_id: None,
            profile_id: None,
            created_at: now,
            next_attempt_at: now,
            attempts: 0,
        }
    }

    /// A webhook delivery of `body` (the request body, sent as is on every attempt).
    pub fn webhook(
        endpoint_id: i64,
        profile_id: Option<i64>,
        kind: &str,
        body: String,
        now: NaiveDateTime,
    ) -> Entry {
        Entry {
            channel: Lane::Webhook(endpoint_id).channel(),
            kind: kind.into(),
            recipient: String::new(),
            payload: body,
            endpoint_id: Some(endpoint_id),
            profile_id,
            created_at: now,
            next_attempt_at: now,
            attempts: 0,
        }
    }
}

#[derive(Clone, Debug, QueryableByName)]
pub struct Claimed {
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

/// Queues rows, in the caller's transaction (so they are delivered if and only if it commits).
pub fn enqueue(conn: &mut DbConn, rows: &[Entry]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    wake_deliverers(rows);
    match conn {
        // One array per column: one statement, kept prepared, whatever the batch size.
        DbConn::Pg(c) => {
            let mut n = 0;
            for chunk in rows.chunks(5000) {
                n += bind_pg_arrays(
                    kept(concat!(insert_head!(), " SELECT * FROM ", pg_unnest!())),
                    chunk,
                )
                .execute(c)?;
            }
            Ok(n)
        }
        // Chunks of a few sizes, each statement kept prepared (diesel's own insert is prepared anew
        // for every batch).
        DbConn::Sqlite(c) => {
            for chunk in chunks(rows) {
                insert(insert_head!(), chunk, "").execute(c)?;
            }
            Ok(rows.len())
        }
    }
}

/// Wakes, once the caller's transaction commits, the deliverers of `rows` (queued in it).
pub(crate) fn wake_deliverers(rows: &[Entry]) {
    if rows.iter().any(|r| r.endpoint_id.is_none()) {
        wake_after_commit(Wake::Email);
    }
    if rows.iter().any(|r| r.endpoint_id.is_some()) {
        wake_after_commit(Wake::Webhooks);
    }
}

/// Binds `rows` as the arrays of `pg_unnest!()`, each written in one pass (`Column`).
pub(crate) fn bind_pg_arrays<'a, Q>(q: Q, rows: &'a [Entry]) -> impl PgBinds + use<'a, Q>
where
    Q: PgBinds,
{
    use diesel::sql_types::{Array, Nullable};
    let text = |f: &dyn Fn(&'a Entry) -> &'a str| rows.iter().map(f).collect::<Vec<_>>();
    let id = |f: &dyn Fn(&'a Entry) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
    q.bind::<Array<Text>, _>(Column(text(&|r| r.channel)))
        .bind::<Array<Text>, _>(Column(text(&|r| &r.kind)))
        .bind::<Array<Text>, _>(Column(text(&|r| &r.recipient)))
        .bind::<Array<Text>, _>(Column(text(&|r| &r.payload)))
        .bind::<Array<Nullable<BigInt>>, _>(Column(id(&|r| r.endpoint_id)))
        .bind::<Array<Nullable<BigInt>>, _>(Column(id(&|r| r.profile_id)))
        .bind::<Array<Timestamp>, _>(Column(
            rows.iter().map(|r| r.created_at).collect::<Vec<_>>(),
        ))
        .bind::<Array<Timestamp>, _>(Column(
            rows.iter().map(|r| r.next_attempt_at).collect::<Vec<_>>(),
        ))
        .bind::<Array<Integer>, _>(Column(rows.iter().map(|r| r.attempts).collect::<Vec<_>>()))
}

/// Leases up to `limit` due rows of `lane` until `lease_until` for the process `claim_id` (see
/// `crate::node`); rows whose worker died come back after the lease, or at once when their node restarts.
/// A webhook row waits while an earlier row about the same profile to the same endpoint is undelivered,
/// so one profile's changes arrive in order. On PostgreSQL `SKIP LOCKED` lets many nodes claim side by
/// side without taking each other's rows.
pub fn claim(
    conn: &mut DbConn,
    lane: Lane,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
    claim_id: &str,
) -> QueryResult<Vec<Claimed>> {
    const PENDING: &str = "sent_at IS NULL AND dead_at IS NULL";
    let (lane_filter, order) = match lane {
        Lane::Email => (
            "o.channel = 'email' AND o.endpoint_id IS NULL".to_string(),
            String::new(),
        ),
        Lane::Webhook(id) => (
            format!("o.channel = 'webhook' AND o.endpoint_id = {id}"),
            format!(
                " AND (o.profile_id IS NULL OR NOT EXISTS (SELECT 1 FROM outbox e WHERE e.endpoint_id = {id} \
                 AND e.profile_id = o.profile_id AND e.id < o.id AND e.{PENDING}))"
            ),
        ),
    };
    let due = format!(
        "{lane_filter} AND o.{PENDING} AND o.next_attempt_at <= $2 \
         AND (o.locked_until IS NULL OR o.locked_until < $2){order} ORDER BY o.next_attempt_at, o.id LIMIT $3"
    );
    const RETURNING: &str = "RETURNING id, kind, recipient, payload, attempts, created_at";
    match conn {
        DbConn::Pg(c) => diesel::sql_query(format!(
            "UPDATE outbox SET locked_until = $1, claimed_by = $4 WHERE id IN \
             (SELECT o.id FROM outbox o WHERE {due} FOR UPDATE SKIP LOCKED) {RETURNING}"
        ))
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .bind::<Text, _>(claim_id)
        .load(c),
        DbConn::Sqlite(c) => diesel::sql_query(
            format!(
                "UPDATE outbox SET locked_until = $1, claimed_by = $4 WHERE id IN \
                 (SELECT o.id FROM outbox o WHERE {due}) {RETURNING}"
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
        outbox::table
            .filter(outbox::claimed_by.ge(from))
            .filter(outbox::claimed_by.lt(to))
            .filter(outbox::claimed_by.ne(&node.claim_id))
            .filter(outbox::locked_until.is_not_null()),
    )
    .set((
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
}

/// A row this worker still holds: its lease is the one this worker set. If the lease ran out and another
/// worker took the row over, this worker's late result is not written over the other's.
fn mine(
    id: i64,
    lease: NaiveDateTime,
) -> diesel::dsl::Filter<
    diesel::dsl::Find<outbox::table, i64>,
    diesel::dsl::Eq<outbox::locked_until, Option<NaiveDateTime>>,
> {
    outbox::table
        .find(id)
        .filter(outbox::locked_until.eq(Some(lease)))
}

/// What a receiver answered (webhooks), for the delivery log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub code: Option<i32>,
    pub latency_ms: Option<i32>,
    /// The start of the response body.
    pub start: Option<String>,
}

pub fn mark_sent(
    conn: &mut DbConn,
    id: i64,
    lease: NaiveDateTime,
    now: NaiveDateTime,
    answer: &Answer,
) -> QueryResult<()> {
    diesel::update(mine(id, lease))
        .set((
            outbox::sent_at.eq(now),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::response_code.eq(answer.code),
            outbox::latency_ms.eq(answer.latency_ms),
            outbox::response_start.eq(&answer.start),
        ))
        .execute(conn)?;
    Ok(())
}

/// `mark_sent` for a round's deliveries at once: on PostgreSQL one statement (a round trip per row
/// was most of a round's cost there), on SQLite, in process, row by row.
pub fn mark_sent_many(
    conn: &mut DbConn,
    sent: &[(i64, &Answer)],
    lease: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let DbConn::Pg(c) = conn else {
        for (id, answer) in sent {
            mark_sent(conn, *id, lease, now, answer)?;
        }
        return Ok(());
    };
    use diesel::sql_types::{Array, Nullable};
    for chunk in sent.chunks(1000) {
        diesel::sql_query(
            "UPDATE outbox SET sent_at = $1, locked_until = NULL, attempts = outbox.attempts + 1, \
             response_code = u.code, latency_ms = u.latency, response_start = u.start \
             FROM unnest($2::int8[], $3::int4[], $4::int4[], $5::text[]) AS u(id, code, latency, start) \
             WHERE outbox.id = u.id AND outbox.locked_until = $6",
        )
        .bind::<Timestamp, _>(now)
        .bind::<Array<BigInt>, _>(chunk.iter().map(|(id, _)| *id).collect::<Vec<_>>())
        .bind::<Array<Nullable<Integer>>, _>(chunk.iter().map(|(_, a)| a.code).collect::<Vec<_>>())
        .bind::<Array<Nullable<Integer>>, _>(
            chunk.iter().map(|(_, a)| a.latency_ms).collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Text>>, _>(
            chunk.iter().map(|(_, a)| a.start.clone()).collect::<Vec<_>>(),
        )
        .bind::<Timestamp, _>(lease)
        .execute(c)?;
    }
    Ok(())
}

/// Closes a row that leads to no email. The address is blanked: it may belong to someone who is not
/// known here (a preference link asked for an unknown address), and is then not kept.
pub fn mark_skipped(
    conn: &mut DbConn,
    id: i64,
    lease: NaiveDateTime,
    now: NaiveDateTime,
    why: &str,
) -> QueryResult<()> {
    diesel::update(mine(id, lease))
        .set((
            outbox::sent_at.eq(now),
            outbox::recipient.eq(""),
            outbox::last_error.eq(why),
            outbox::locked_until.eq(None::<NaiveDateTime>),
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
    answer: &Answer,
) -> QueryResult<()> {
    diesel::update(mine(id, lease))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(error),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::next_attempt_at.eq(retry_at.unwrap_or(now)),
            outbox::dead_at.eq(if retry_at.is_none() { Some(now) } else { None }),
            outbox::response_code.eq(answer.code),
            outbox::latency_ms.eq(answer.latency_ms),
            outbox::response_start.eq(&answer.start),
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
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::locked_until.eq(lease)),
    )
    .set((
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::next_attempt_at.eq(retry_at),
        outbox::last_error.eq(error),
    ))
    .execute(conn)?;
    Ok(())
}

/// How long a delivered row stays (for the delivery pages); dead letters stay until retried.
pub const SENT_KEPT: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// Deletes the rows delivered before `before`; returns how many.
pub fn prune_sent(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(outbox::table.filter(outbox::sent_at.lt(before))).execute(conn)
}

/// Right to erasure: every email to this profile or, for emails queued without one, to this address,
/// sent or not, is forgotten (queued ones are never sent).
pub fn forget_emails(
    conn: &mut DbConn,
    profile_ids: &[i64],
    addresses: &[&str],
) -> QueryResult<usize> {
    let mine = diesel::delete(
        outbox::table
            .filter(outbox::channel.eq(Lane::Email.channel()))
            .filter(outbox::profile_id.eq_any(profile_ids)),
    )
    .execute(conn)?;
    // By address only where no profile was named: the partial index `outbox_recipient` holds just those.
    let by_address = diesel::delete(
        outbox::table
            .filter(outbox::profile_id.is_null())
            .filter(outbox::recipient.eq_any(addresses)),
    )
    .execute(conn)?;
    Ok(mine + by_address)
}

/// Right to erasure: the webhook deliveries about this profile that are done (delivered or dead) are
/// forgotten. Queued ones still go out: they tell the receiving systems that every consent was withdrawn.
pub fn forget_profile(conn: &mut DbConn, profile_id: i64) -> QueryResult<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::profile_id.eq(profile_id))
            .filter(
                outbox::sent_at
                    .is_not_null()
                    .or(outbox::dead_at.is_not_null()),
            ),
    )
    .execute(conn)
}

/// The webhook deliveries about a profile that are still to go out: (id, body).
pub fn queued_for_profile(conn: &mut DbConn, profile_id: i64) -> QueryResult<Vec<(i64, String)>> {
    outbox::table
        .filter(outbox::profile_id.eq(profile_id))
        .filter(outbox::channel.eq("webhook"))
        .filter(outbox::sent_at.is_null())
        .filter(outbox::dead_at.is_null())
        .select((outbox::id, outbox::payload))
        .load(conn)
}

/// Replaces a queued row's body (an erasure blanking the person's data in it).
pub fn set_payload(conn: &mut DbConn, id: i64, payload: &str) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set(outbox::payload.eq(payload))
        .execute(conn)
}

/// Sets aside the oldest deliveries still queued for an endpoint beyond the newest `keep`, as dead
/// letters with `reason` (the delivery log lists them, with Redeliver); how many.
pub fn shed_backlog(
    conn: &mut DbConn,
    endpoint_id: i64,
    keep: i64,
    now: NaiveDateTime,
    reason: &str,
) -> QueryResult<usize> {
    let queued = || {
        outbox::table
            .filter(outbox::endpoint_id.eq(endpoint_id))
            .filter(outbox::sent_at.is_null())
            .filter(outbox::dead_at.is_null())
    };
    let waiting: i64 = queued().count().get_result(conn)?;
    if waiting <= keep {
        return Ok(0);
    }
    let oldest: Vec<i64> = queued()
        .order(outbox::id)
        .select(outbox::id)
        .limit(waiting - keep)
        .load(conn)?;
    let mut n = 0;
    for ids in oldest.chunks(crate::db::IN_LIST) {
        n += diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
            .set((
                outbox::dead_at.eq(Some(now)),
                outbox::last_error.eq(Some(reason)),
                outbox::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    Ok(n)
}

/// A deleted endpoint's deliveries go with it.
pub fn forget_endpoint(conn: &mut DbConn, endpoint_id: i64) -> QueryResult<usize> {
    diesel::delete(outbox::table.filter(outbox::endpoint_id.eq(endpoint_id))).execute(conn)
}

/// Which rows a delivery page lists.
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

/// One row as a delivery page shows it (an email's payload stays out: it holds a link secret).
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub profile_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub dead_at: Option<NaiveDateTime>,
    pub response_code: Option<i32>,
    pub latency_ms: Option<i32>,
    pub response_start: Option<String>,
}

impl Listed {
    /// Leased by a worker right now.
    pub fn sending(&self, now: &NaiveDateTime) -> bool {
        self.locked_until.is_some_and(|l| l > *now)
    }
}

type OutboxQuery<'a> = outbox::BoxedQuery<'a, <DbConn as diesel::Connection>::Backend>;

/// The rows of one lane.
fn of_lane<'a>(lane: Lane) -> OutboxQuery<'a> {
    let q = outbox::table
        .filter(outbox::channel.eq(lane.channel()))
        .into_boxed();
    match lane.endpoint() {
        Some(id) => q.filter(outbox::endpoint_id.eq(id)),
        None => q.filter(outbox::endpoint_id.is_null()),
    }
}

fn on_shelf(q: OutboxQuery<'_>, shelf: Shelf) -> OutboxQuery<'_> {
    match shelf {
        Shelf::Queued => q
            .filter(outbox::sent_at.is_null())
            .filter(outbox::dead_at.is_null()),
        Shelf::Sent => q.filter(outbox::sent_at.is_not_null()),
        Shelf::Dead => q.filter(outbox::dead_at.is_not_null()),
    }
}

/// Up to `limit` rows of a lane's shelf, newest first, with ids below `before`.
pub fn list(
    conn: &mut DbConn,
    lane: Lane,
    shelf: Shelf,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Listed>> {
    let mut q = on_shelf(of_lane(lane), shelf)
        .select(Listed::as_select())
        .order(outbox::id.desc())
        .limit(limit);
    if let Some(b) = before {
        q = q.filter(outbox::id.lt(b));
    }
    q.load(conn)
}

/// The figures at the top of a delivery page.
#[derive(Debug, Default)]
pub struct Summary {
    pub queued: i64,
    /// Queued and already due: what the worker should be sending now.
    pub due: i64,
    pub dead: i64,
    pub sent_last_day: i64,
    /// Attempts in the last 24 hours that failed (webhooks; a retried row counts its last failure).
    pub failed_last_day: i64,
    pub last_sent_at: Option<NaiveDateTime>,
    /// The oldest row still queued, and the last error it met.
    pub oldest_queued: Option<(NaiveDateTime, Option<String>)>,
}

impl Summary {
    /// Delivered share of the last day's attempts, in percent (none: nothing was tried).
    pub fn success_rate(&self) -> Option<u32> {
        let all = self.sent_last_day + self.failed_last_day;
        (all > 0).then(|| ((self.sent_last_day * 100) / all) as u32)
    }
}

pub fn summary(conn: &mut DbConn, lane: Lane, now: NaiveDateTime) -> QueryResult<Summary> {
    let day_ago = now - chrono::TimeDelta::days(1);
    // Rows closed without an email (`mark_skipped` blanks their address) were never sent.
    let sent = || {
        let q = on_shelf(of_lane(lane), Shelf::Sent);
        match lane {
            Lane::Email => q.filter(outbox::recipient.ne("")),
            Lane::Webhook(_) => q,
        }
    };
    Ok(Summary {
        queued: on_shelf(of_lane(lane), Shelf::Queued)
            .count()
            .get_result(conn)?,
        due: on_shelf(of_lane(lane), Shelf::Queued)
            .filter(outbox::next_attempt_at.le(now))
            .count()
            .get_result(conn)?,
        dead: on_shelf(of_lane(lane), Shelf::Dead)
            .count()
            .get_result(conn)?,
        sent_last_day: sent()
            .filter(outbox::sent_at.gt(day_ago))
            .count()
            .get_result(conn)?,
        failed_last_day: of_lane(lane)
            .filter(outbox::sent_at.is_null())
            .filter(outbox::attempts.gt(0))
            .filter(outbox::last_error.is_not_null())
            .filter(outbox::created_at.gt(day_ago))
            .count()
            .get_result(conn)?,
        last_sent_at: sent()
            .select(diesel::dsl::max(outbox::sent_at))
            .get_result(conn)?,
        oldest_queued: on_shelf(of_lane(lane), Shelf::Queued)
            .order(outbox::id)
            .select((outbox::created_at, outbox::last_error))
            .first(conn)
            .optional()?,
    })
}

/// Gives a lane's dead letters (all of them, or the one with `id`) a new round of attempts, due now;
/// returns how many. Their last error stays until the next attempt replaces it.
pub fn revive(
    conn: &mut DbConn,
    lane: Lane,
    id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let ids: Vec<i64> = {
        let mut q = on_shelf(of_lane(lane), Shelf::Dead).select(outbox::id);
        if let Some(id) = id {
            q = q.filter(outbox::id.eq(id));
        }
        q.load(conn)?
    };
    if !ids.is_empty() {
        wake_after_commit(match lane {
            Lane::Email => Wake::Email,
            Lane::Webhook(_) => Wake::Webhooks,
        });
    }
    let mut n = 0;
    for chunk in ids.chunks(crate::db::IN_LIST) {
        n += diesel::update(outbox::table.filter(outbox::id.eq_any(chunk)))
            .set((
                outbox::dead_at.eq(None::<NaiveDateTime>),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(n)
}

/// One channel of the outbox over every endpoint, for metrics.
pub struct ChannelState {
    pub channel: &'static str,
    /// Rows still to be sent (due now or waiting for a retry).
    pub waiting: i64,
    /// The earliest time a waiting row was due, among those due by `now`.
    pub oldest_due: Option<NaiveDateTime>,
    pub dead: i64,
}

/// The newest delivery error of a channel: (when the row is next tried or was given up, the error).
pub fn last_error(
    conn: &mut DbConn,
    channel: &str,
) -> QueryResult<Option<(NaiveDateTime, String)>> {
    let row: Option<(NaiveDateTime, Option<NaiveDateTime>, Option<String>)> = outbox::table
        .filter(outbox::channel.eq(channel))
        .filter(outbox::last_error.is_not_null())
        .order(outbox::id.desc())
        .select((outbox::next_attempt_at, outbox::dead_at, outbox::last_error))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(next, dead, error)| Some((dead.unwrap_or(next), error?))))
}

/// Each channel's waiting rows, oldest due time and dead letters.
pub fn channels(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<ChannelState>> {
    [Lane::Email.channel(), Lane::Webhook(0).channel()]
        .into_iter()
        .map(|channel| {
            let waiting = || {
                outbox::table
                    .filter(outbox::channel.eq(channel))
                    .filter(outbox::sent_at.is_null())
                    .filter(outbox::dead_at.is_null())
            };
            Ok(ChannelState {
                channel,
                waiting: waiting().count().get_result(conn)?,
                oldest_due: waiting()
                    .filter(outbox::next_attempt_at.le(now))
                    .select(diesel::dsl::min(outbox::next_attempt_at))
                    .get_result(conn)?,
                dead: outbox::table
                    .filter(outbox::channel.eq(channel))
                    .filter(outbox::dead_at.is_not_null())
                    .count()
                    .get_result(conn)?,
            })
        })
        .collect()
}
