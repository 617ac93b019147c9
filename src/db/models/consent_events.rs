use crate::db::DbConn;
use crate::db::kept::{self, Row, Values, chunks};
use crate::db::schema::consent_events;
use crate::db::time_text::TimeText;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A stored ledger event: its id and what it records.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = consent_events)]
pub struct ConsentEvent {
    pub id: i64,
    #[diesel(embed)]
    pub event: EventBody,
}

/// Everything an event records; the hash chain covers all of it (personal data only as digests).
/// (`None` is written as NULL, so every insert is the same statement and stays prepared.)
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = consent_events, treat_none_as_default_value = false)]
pub struct EventBody {
    pub profile_id: i64,
    pub agreement_id: i64,
    pub agreement_key: String,
    pub value: String,
    pub previous: String,
    pub version: i32,
    pub text_sha256: String,
    pub source: String,
    pub occurred_at: NaiveDateTime,
    pub recorded_at: NaiveDateTime,
    pub email_digest: String,
    pub ip: Option<String>,
    pub ip_digest: Option<String>,
    pub user_agent: Option<String>,
    pub user_agent_digest: Option<String>,
    pub language: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: String,
    /// Why a staff member made this change (required from the dashboard); blanked by erasure.
    pub reason: Option<String>,
    pub reason_digest: Option<String>,
    /// The tool the event was imported from (`mailchimp`, `listmonk`, `synerise`), if any.
    pub origin: Option<String>,
    /// The request that made the change carried Global Privacy Control (`Sec-GPC: 1`).
    pub gpc: bool,
}

pub fn insert(conn: &mut DbConn, ev: &EventBody) -> QueryResult<i64> {
    crate::metrics::consent_changes(std::iter::once((ev.source.as_str(), ev.value.as_str())));
    diesel::insert_into(consent_events::table)
        .values(ev)
        .returning(consent_events::id)
        .get_result(conn)
}

/// Ledger events recorded since `since` with ids above `after`, oldest first, with the profile's current
/// email and customId (for replaying them to a webhook).
pub fn recorded_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(ConsentEvent, Option<String>, Option<String>)>> {
    use crate::db::schema::profiles;
    consent_events::table
        .inner_join(profiles::table)
        .filter(consent_events::recorded_at.ge(since))
        .filter(consent_events::id.gt(after))
        .filter(profiles::erased_at.is_null())
        .order(consent_events::id)
        .limit(limit)
        .select((
            ConsentEvent::as_select(),
            profiles::email,
            profiles::custom_id,
        ))
        .load(conn)
}

pub fn last_hash(conn: &mut DbConn, profile_id: i64) -> QueryResult<Option<String>> {
    consent_events::table
        .filter(consent_events::profile_id.eq(profile_id))
        .order(consent_events::id.desc())
        .select(consent_events::hash)
        .first(conn)
        .optional()
}

pub fn for_profile(conn: &mut DbConn, profile_id: i64) -> QueryResult<Vec<ConsentEvent>> {
    consent_events::table
        .filter(consent_events::profile_id.eq(profile_id))
        .order(consent_events::id)
        .select(ConsentEvent::as_select())
        .load(conn)
}

/// Events after (profile, id) in (profile, id) order, for keyset pages. `profile_id >= p` bounds the
/// index scan: the OR alone makes PostgreSQL walk the (profile, id) index from its start on every page,
/// and a whole pass quadratic.
macro_rules! after {
    ($p:expr, $i:expr) => {
        consent_events::profile_id.ge($p).and(
            consent_events::profile_id
                .gt($p)
                .or(consent_events::id.gt($i)),
        )
    };
}

/// One page of the whole ledger in chain order (profile, then event id), after the given position.
pub fn page_after(
    conn: &mut DbConn,
    after: (i64, i64),
    limit: i64,
) -> QueryResult<Vec<ConsentEvent>> {
    let (p, i) = after;
    consent_events::table
        .filter(after!(p, i))
        .order((consent_events::profile_id, consent_events::id))
        .limit(limit)
        .select(ConsentEvent::as_select())
        .load(conn)
}

/// Right to erasure: blanks the clear IP address, user agent and reason of a profile's events. Their
/// digests stay, so the chain still verifies.
pub fn blank_personal(conn: &mut DbConn, profile_id: i64) -> QueryResult<usize> {
    diesel::update(consent_events::table.filter(consent_events::profile_id.eq(profile_id)))
        .set((
            consent_events::ip.eq(None::<String>),
            consent_events::user_agent.eq(None::<String>),
            consent_events::reason.eq(None::<String>),
        ))
        .execute(conn)
}

#[derive(QueryableByName)]
struct Inserted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    profile_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    agreement_id: i64,
}

/// `INSERT INTO consent_events (…)` with every column, in the order both engines bind them.
const HEAD: &str = "INSERT INTO consent_events (profile_id, agreement_id, agreement_key, value, \
    previous, version, text_sha256, source, occurred_at, recorded_at, email_digest, ip, ip_digest, \
    user_agent, user_agent_digest, language, prev_hash, hash, reason, reason_digest, origin, gpc)";

/// The ids of `chunk`'s events, in its order, from the rows an insert returned, matched back by
/// (profile, agreement): ids rise in insertion order, so a profile's events for one agreement (if ever
/// more than one) keep their order.
fn matched(chunk: &[EventBody], mut back: Vec<Inserted>) -> QueryResult<Vec<i64>> {
    back.sort_unstable_by_key(|r| (r.profile_id, r.agreement_id, r.id));
    let mut taken = vec![false; back.len()];
    let mut ids = Vec::with_capacity(chunk.len());
    for e in chunk {
        let from = back
            .partition_point(|r| (r.profile_id, r.agreement_id) < (e.profile_id, e.agreement_id));
        let i = (from..back.len())
            .find(|&i| !taken[i])
            .filter(|&i| {
                (back[i].profile_id, back[i].agreement_id) == (e.profile_id, e.agreement_id)
            })
            .ok_or(diesel::result::Error::NotFound)?;
        taken[i] = true;
        ids.push(back[i].id);
    }
    Ok(ids)
}

impl Row<diesel::sqlite::Sqlite> for EventBody {
    fn bind<'b>(&'b self, v: &mut Values<'_, '_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamp};
        v.value::<BigInt, _>(&self.profile_id)?
            .value::<BigInt, _>(&self.agreement_id)?
            .value::<Text, _>(&self.agreement_key)?
            .value::<Text, _>(&self.value)?
            .value::<Text, _>(&self.previous)?
            .value::<Integer, _>(&self.version)?
            .value::<Text, _>(&self.text_sha256)?
            .value::<Text, _>(&self.source)?
            .value::<Timestamp, _>(TimeText::of(&self.occurred_at))?
            .value::<Timestamp, _>(TimeText::of(&self.recorded_at))?
            .value::<Text, _>(&self.email_digest)?
            .value::<Nullable<Text>, _>(&self.ip)?
            .value::<Nullable<Text>, _>(&self.ip_digest)?
            .value::<Nullable<Text>, _>(&self.user_agent)?
            .value::<Nullable<Text>, _>(&self.user_agent_digest)?
            .value::<Nullable<Text>, _>(&self.language)?
            .value::<Nullable<Text>, _>(&self.prev_hash)?
            .value::<Text, _>(&self.hash)?
            .value::<Nullable<Text>, _>(&self.reason)?
            .value::<Nullable<Text>, _>(&self.reason_digest)?
            .value::<Nullable<Text>, _>(&self.origin)?
            .value::<Bool, _>(&self.gpc)?;
        Ok(())
    }
}

/// Appends sealed events (in chain order per profile) whose profiles the caller holds. With `ids`, also
/// returns the new events' ids, in the order of `events` (otherwise an empty list, for speed).
pub fn insert_many(conn: &mut DbConn, events: &[EventBody], ids: bool) -> QueryResult<Vec<i64>> {
    crate::metrics::consent_changes(events.iter().map(|e| (e.source.as_str(), e.value.as_str())));
    let mut made = Vec::with_capacity(if ids { events.len() } else { 0 });
    match conn {
        // Without ids, `COPY`: the engine's own bulk path, which inserts while the rows stream in.
        DbConn::Pg(c) if !ids => {
            diesel::copy_from(consent_events::table)
                .from_insertable(events)
                .execute(c)?;
        }
        // One statement whatever the count: a column per array.
        DbConn::Pg(c) => {
            use diesel::sql_types::{Array, BigInt, Bool, Integer, Nullable, Text, Timestamp};
            for chunk in events.chunks(5000) {
                let text = |f: &dyn Fn(&EventBody) -> &str| chunk.iter().map(f).collect::<Vec<_>>();
                let opt = |f: &dyn Fn(&EventBody) -> Option<&str>| {
                    chunk.iter().map(f).collect::<Vec<_>>()
                };
                let q = diesel::sql_query(format!(
                    "{HEAD} SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::int4[], \
                     $7::text[], $8::text[], $9::timestamp[], $10::timestamp[], $11::text[], $12::text[], $13::text[], \
                     $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], \
                     $21::text[], $22::bool[]){}",
                    if ids { " RETURNING id, profile_id, agreement_id" } else { "" }
                ))
                .bind::<Array<BigInt>, _>(chunk.iter().map(|e| e.profile_id).collect::<Vec<_>>())
                .bind::<Array<BigInt>, _>(chunk.iter().map(|e| e.agreement_id).collect::<Vec<_>>())
                .bind::<Array<Text>, _>(text(&|e| &e.agreement_key))
                .bind::<Array<Text>, _>(text(&|e| &e.value))
                .bind::<Array<Text>, _>(text(&|e| &e.previous))
                .bind::<Array<Integer>, _>(chunk.iter().map(|e| e.version).collect::<Vec<_>>())
                .bind::<Array<Text>, _>(text(&|e| &e.text_sha256))
                .bind::<Array<Text>, _>(text(&|e| &e.source))
                .bind::<Array<Timestamp>, _>(chunk.iter().map(|e| e.occurred_at).collect::<Vec<_>>())
                .bind::<Array<Timestamp>, _>(chunk.iter().map(|e| e.recorded_at).collect::<Vec<_>>())
                .bind::<Array<Text>, _>(text(&|e| &e.email_digest))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.ip.as_deref()))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.ip_digest.as_deref()))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.user_agent.as_deref()))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.user_agent_digest.as_deref()))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.language.as_deref()))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.prev_hash.as_deref()))
                .bind::<Array<Text>, _>(text(&|e| &e.hash))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.reason.as_deref()))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.reason_digest.as_deref()))
                .bind::<Array<Nullable<Text>>, _>(opt(&|e| e.origin.as_deref()))
                .bind::<Array<Bool>, _>(chunk.iter().map(|e| e.gpc).collect::<Vec<_>>());
                made.extend(matched(chunk, q.load(c)?)?);
            }
        }
        // Chunks of a few sizes, each statement kept prepared (it was one statement per event).
        DbConn::Sqlite(c) => {
            for chunk in chunks(events) {
                if ids {
                    let back = kept::insert(HEAD, chunk, "RETURNING id, profile_id, agreement_id")
                        .load(c)?;
                    made.extend(matched(chunk, back)?);
                } else {
                    kept::insert(HEAD, chunk, "").execute(c)?;
                }
            }
        }
    }
    Ok(made)
}

/// The hash of the latest event of each of these profiles that has one: (profile, hash).
pub fn last_hashes(conn: &mut DbConn, profile_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    let mut found = Vec::with_capacity(profile_ids.len());
    for chunk in profile_ids.chunks(crate::db::IN_LIST) {
        let latest: Vec<Option<i64>> = consent_events::table
            .filter(consent_events::profile_id.eq_any(chunk))
            .group_by(consent_events::profile_id)
            .select(diesel::dsl::max(consent_events::id))
            .load(conn)?;
        let latest: Vec<i64> = latest.into_iter().flatten().collect();
        found.extend(
            consent_events::table
                .filter(consent_events::id.eq_any(latest))
                .select((consent_events::profile_id, consent_events::hash))
                .load::<(i64, String)>(conn)?,
        );
    }
    Ok(found)
}

/// Whether the latest event of each of these agreements of one profile came with Global Privacy Control:
/// (agreement, carried the signal), for agreements that have an event.
pub fn latest_signals(
    conn: &mut DbConn,
    profile_id: i64,
    agreement_ids: &[i64],
) -> QueryResult<Vec<(i64, bool)>> {
    let mut out = Vec::with_capacity(agreement_ids.len());
    for &agreement_id in agreement_ids {
        let gpc: Option<bool> = consent_events::table
            .filter(consent_events::profile_id.eq(profile_id))
            .filter(consent_events::agreement_id.eq(agreement_id))
            .order(consent_events::id.desc())
            .select(consent_events::gpc)
            .first(conn)
            .optional()?;
        out.extend(gpc.map(|g| (agreement_id, g)));
    }
    Ok(out)
}

/// The stored hash of one event, if it is still in the ledger.
pub fn hash_of(conn: &mut DbConn, id: i64) -> QueryResult<Option<String>> {
    consent_events::table
        .find(id)
        .select(consent_events::hash)
        .first(conn)
        .optional()
}

/// The newest event's id (0 for an empty ledger).
pub fn last_id(conn: &mut DbConn) -> QueryResult<i64> {
    consent_events::table
        .select(diesel::dsl::max(consent_events::id))
        .first::<Option<i64>>(conn)
        .map(Option::unwrap_or_default)
}

/// (profile, event id, hash) of up to `limit` events after `after` in (profile, id) order, up to event
/// `upto`: the chains' links, a page at a time, for checking many anchors in one pass.
pub fn links_after(
    conn: &mut DbConn,
    after: (i64, i64),
    upto: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, i64, String)>> {
    let (p, i) = after;
    consent_events::table
        .filter(after!(p, i))
        .filter(consent_events::id.le(upto))
        .order((consent_events::profile_id, consent_events::id))
        .limit(limit)
        .select((
            consent_events::profile_id,
            consent_events::id,
            consent_events::hash,
        ))
        .load(conn)
}
