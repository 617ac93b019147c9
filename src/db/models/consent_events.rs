use crate::db::DbConn;
use crate::db::schema::consent_events;
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
#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = consent_events)]
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
}

pub fn insert(conn: &mut DbConn, ev: &EventBody) -> QueryResult<i64> {
    diesel::insert_into(consent_events::table)
        .values(ev)
        .returning(consent_events::id)
        .get_result(conn)
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

/// One page of the whole ledger in chain order (profile, then event id), after the given position.
pub fn page_after(
    conn: &mut DbConn,
    after: (i64, i64),
    limit: i64,
) -> QueryResult<Vec<ConsentEvent>> {
    let (p, i) = after;
    consent_events::table
        .filter(
            consent_events::profile_id
                .gt(p)
                .or(consent_events::profile_id
                    .eq(p)
                    .and(consent_events::id.gt(i))),
        )
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
