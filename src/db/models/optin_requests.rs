use crate::db::DbConn;
use crate::db::kept::{Binds, PgBinds, Row, Values, chunks, insert, kept};
use crate::db::pg_column::Column;
use crate::db::schema::optin_requests;
use crate::db::time_text::TimeText;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = optin_requests)]
pub struct OptinRequest {
    pub id: i64,
    pub profile_id: i64,
    pub uid: String,
    pub token_hash: String,
    pub agreements: String,
    pub language: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    /// Ended by the person saying no to one of its agreements: never confirmable or renewable again.
    pub cancelled_at: Option<NaiveDateTime>,
    /// The sign-up's request carried Global Privacy Control.
    pub gpc: bool,
}

/// Where a request stands at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Pending,
    Confirmed,
    /// Ended by a withdrawal of one of its agreements.
    Cancelled,
    Expired,
}

impl OptinRequest {
    pub fn state(&self, now: NaiveDateTime) -> State {
        if self.confirmed_at.is_some() {
            State::Confirmed
        } else if self.cancelled_at.is_some() {
            State::Cancelled
        } else if self.expires_at <= now {
            State::Expired
        } else {
            State::Pending
        }
    }
}

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = optin_requests, treat_none_as_default_value = false)]
pub struct NewOptinRequest {
    pub profile_id: i64,
    pub uid: String,
    pub token_hash: String,
    pub agreements: String,
    pub language: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub gpc: bool,
}

/// `INSERT INTO optin_requests (…)` with the columns in the order both engines bind them.
macro_rules! insert_head {
    () => {
        "INSERT INTO optin_requests (profile_id, uid, token_hash, agreements, language, ip, user_agent, \
         created_at, expires_at, gpc)"
    };
}

/// PostgreSQL: one array per column of `insert_head!()`, as `unnest` takes them; bound by
/// `bind_pg_arrays`.
macro_rules! pg_unnest {
    () => {
        "unnest(?::int8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], \
         ?::timestamp[], ?::timestamp[], ?::bool[])"
    };
}
pub(crate) use {insert_head, pg_unnest};

impl Row<diesel::sqlite::Sqlite> for NewOptinRequest {
    fn bind<'b>(&'b self, v: &mut Values<'_, '_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamp};
        v.value::<BigInt, _>(&self.profile_id)?
            .value::<Text, _>(&self.uid)?
            .value::<Text, _>(&self.token_hash)?
            .value::<Text, _>(&self.agreements)?
            .value::<Text, _>(&self.language)?
            .value::<Nullable<Text>, _>(&self.ip)?
            .value::<Nullable<Text>, _>(&self.user_agent)?
            .value::<Timestamp, _>(TimeText::of(&self.created_at))?
            .value::<Timestamp, _>(TimeText::of(&self.expires_at))?
            .value::<Bool, _>(&self.gpc)?;
        Ok(())
    }
}

/// The agreements a request asks for, with the version and language of the wording the person was shown:
/// stored as `id:version:language,…` (requests made before translations existed have no language: the
/// agreement's own).
pub fn encode_agreements(items: &[(i64, i32, String)]) -> String {
    items
        .iter()
        .map(|(id, v, language)| format!("{id}:{v}:{language}"))
        .collect::<Vec<_>>()
        .join(",")
}

pub fn decode_agreements(s: &str) -> Vec<(i64, i32, Option<String>)> {
    s.split(',')
        .filter_map(|p| {
            let mut parts = p.splitn(3, ':');
            let id = parts.next()?.parse().ok()?;
            let version = parts.next()?.parse().ok()?;
            Some((id, version, parts.next().map(String::from)))
        })
        .collect()
}

pub fn insert_many(conn: &mut DbConn, rows: &[NewOptinRequest]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    match conn {
        // One array per column: one statement, kept prepared, whatever the batch size.
        DbConn::Pg(c) => bind_pg_arrays(
            kept(concat!(insert_head!(), " SELECT * FROM ", pg_unnest!())),
            rows,
        )
        .execute(c),
        // Chunks of a few sizes, each statement kept prepared (diesel's own insert is prepared anew
        // for every row).
        DbConn::Sqlite(c) => {
            for chunk in chunks(rows) {
                insert(insert_head!(), chunk, "").execute(c)?;
            }
            Ok(rows.len())
        }
    }
}

/// Binds `rows` as the arrays of `pg_unnest!()`, each written in one pass (`Column`).
pub(crate) fn bind_pg_arrays<'a, Q>(q: Q, rows: &'a [NewOptinRequest]) -> impl PgBinds + use<'a, Q>
where
    Q: PgBinds,
{
    use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamp};
    let text = |f: &dyn Fn(&'a NewOptinRequest) -> &'a str| rows.iter().map(f).collect::<Vec<_>>();
    let opt =
        |f: &dyn Fn(&'a NewOptinRequest) -> Option<&'a str>| rows.iter().map(f).collect::<Vec<_>>();
    q.bind::<Array<BigInt>, _>(Column(
        rows.iter().map(|r| r.profile_id).collect::<Vec<_>>(),
    ))
    .bind::<Array<Text>, _>(Column(text(&|r| &r.uid)))
    .bind::<Array<Text>, _>(Column(text(&|r| &r.token_hash)))
    .bind::<Array<Text>, _>(Column(text(&|r| &r.agreements)))
    .bind::<Array<Text>, _>(Column(text(&|r| &r.language)))
    .bind::<Array<Nullable<Text>>, _>(Column(opt(&|r| r.ip.as_deref())))
    .bind::<Array<Nullable<Text>>, _>(Column(opt(&|r| r.user_agent.as_deref())))
    .bind::<Array<Timestamp>, _>(Column(
        rows.iter().map(|r| r.created_at).collect::<Vec<_>>(),
    ))
    .bind::<Array<Timestamp>, _>(Column(
        rows.iter().map(|r| r.expires_at).collect::<Vec<_>>(),
    ))
    .bind::<Array<Bool>, _>(Column(rows.iter().map(|r| r.gpc).collect::<Vec<_>>()))
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OptinRequest>> {
    optin_requests::table
        .find(id)
        .select(OptinRequest::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_uid(conn: &mut DbConn, uid: &str) -> QueryResult<Option<OptinRequest>> {
    optin_requests::table
        .filter(optin_requests::uid.eq(uid))
        .select(OptinRequest::as_select())
        .first(conn)
        .optional()
}

/// Marks the request confirmed; false when it was confirmed or ended meanwhile.
pub fn mark_confirmed(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        optin_requests::table
            .find(id)
            .filter(optin_requests::confirmed_at.is_null())
            .filter(optin_requests::cancelled_at.is_null()),
    )
    .set(optin_requests::confirmed_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// Requests still waiting for their confirmation click.
pub fn pending_for_profile(
    conn: &mut DbConn,
    profile_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<OptinRequest>> {
    optin_requests::table
        .filter(optin_requests::profile_id.eq(profile_id))
        .filter(optin_requests::confirmed_at.is_null())
        .filter(optin_requests::cancelled_at.is_null())
        .filter(optin_requests::expires_at.gt(now))
        .order(optin_requests::id)
        .select(OptinRequest::as_select())
        .load(conn)
}

/// Ends the waiting requests of a profile that ask for any of `agreement_ids` (the person has since said
/// no to them), so their confirmation links can no longer enable anything. Returns how many ended.
/// The caller holds the profile's lock (see `consent`), as does every path that confirms a request.
pub fn cancel_covering(
    conn: &mut DbConn,
    profile_id: i64,
    agreement_ids: &[i64],
    made_before: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    cancel_covering_many(conn, &[(profile_id, agreement_ids, made_before)], now)
}

/// `cancel_covering` for many profiles at once: (profile, agreements refused, made up to), each profile
/// once and locked by the caller.
pub fn cancel_covering_many(
    conn: &mut DbConn,
    refusals: &[(i64, &[i64], Option<NaiveDateTime>)],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    if refusals.is_empty() {
        return Ok(0);
    }
    let profiles: Vec<i64> = refusals.iter().map(|r| r.0).collect();
    let mut ids = Vec::new();
    for chunk in profiles.chunks(crate::db::IN_LIST) {
        let open: Vec<OptinRequest> = optin_requests::table
            .filter(optin_requests::profile_id.eq_any(chunk))
            .filter(optin_requests::confirmed_at.is_null())
            .filter(optin_requests::cancelled_at.is_null())
            .filter(optin_requests::expires_at.gt(now))
            .select(OptinRequest::as_select())
            .load(conn)?;
        ids.extend(
            open.into_iter()
                .filter(|r| {
                    refusals.iter().any(|(p, agreements, made_before)| {
                        *p == r.profile_id
                            && made_before.is_none_or(|t| r.created_at <= t)
                            && decode_agreements(&r.agreements)
                                .iter()
                                .any(|(a, _, _)| agreements.contains(a))
                    })
                })
                .map(|r| r.id),
        );
    }
    if ids.is_empty() {
        return Ok(0);
    }
    let mut n = 0;
    for chunk in ids.chunks(crate::db::IN_LIST) {
        n += diesel::update(optin_requests::table.filter(optin_requests::id.eq_any(chunk)))
            .set(optin_requests::cancelled_at.eq(now))
            .execute(conn)?;
    }
    Ok(n)
}

/// Right to erasure: the clear IP address and user agent of the profile's requests go.
pub fn blank_personal(conn: &mut DbConn, profile_id: i64) -> QueryResult<usize> {
    diesel::update(optin_requests::table.filter(optin_requests::profile_id.eq(profile_id)))
        .set((
            optin_requests::ip.eq(None::<String>),
            optin_requests::user_agent.eq(None::<String>),
        ))
        .execute(conn)
}

/// Per agreement, how many profiles wait to confirm it (an open request asks for it and it is not
/// enabled yet). Reads only open requests, which expire within the opt-in TTL.
pub fn pending_counts(
    conn: &mut DbConn,
    catalog: &[crate::db::models::agreements::Agreement],
    now: NaiveDateTime,
) -> QueryResult<std::collections::HashMap<i64, i64>> {
    use crate::db::schema::profiles;
    let open: Vec<(i64, String, i64)> = optin_requests::table
        .inner_join(profiles::table)
        .filter(optin_requests::confirmed_at.is_null())
        .filter(optin_requests::cancelled_at.is_null())
        .filter(optin_requests::expires_at.gt(now))
        .select((
            optin_requests::profile_id,
            optin_requests::agreements,
            profiles::consent_mask,
        ))
        .load(conn)?;
    let mut seen = std::collections::HashSet::new();
    let mut counts = std::collections::HashMap::new();
    for (profile, asked, mask) in open {
        for (agreement, _, _) in decode_agreements(&asked) {
            let enabled = catalog
                .iter()
                .find(|a| a.id == agreement)
                .is_some_and(|a| mask & a.bit() != 0);
            if !enabled && seen.insert((profile, agreement)) {
                *counts.entry(agreement).or_insert(0) += 1;
            }
        }
    }
    Ok(counts)
}

/// The language of the profile's latest request: the language it signed up in, its saved language.
pub fn latest_language(conn: &mut DbConn, profile_id: i64) -> QueryResult<Option<String>> {
    optin_requests::table
        .filter(optin_requests::profile_id.eq(profile_id))
        .order(optin_requests::id.desc())
        .select(optin_requests::language)
        .first(conn)
        .optional()
}
