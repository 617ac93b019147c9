use crate::db::DbConn;
use crate::db::kept::{Row, Values, chunks, insert};
use crate::db::schema::consents;
use crate::db::time_text::TimeText;
use crate::domain::{AgreementId, ConsentValue, ProfileId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents, treat_none_as_default_value = false)]
pub struct Consent {
    pub profile_id: i64,
    pub agreement_id: i64,
    pub value: ConsentValue,
    pub version: i32,
    pub occurred_at: NaiveDateTime,
}

impl Consent {
    pub fn is_enabled(&self) -> bool {
        self.value == ConsentValue::Enabled
    }
}

/// The value a current-value row stands for: a value never set is disabled.
pub fn held(row: Option<&Consent>) -> ConsentValue {
    row.map_or(ConsentValue::Disabled, |c| c.value)
}

pub fn for_profile(conn: &mut DbConn, profile_id: ProfileId) -> QueryResult<Vec<Consent>> {
    consents::table
        .filter(consents::profile_id.eq(profile_id.0))
        .select(Consent::as_select())
        .load(conn)
}

/// Profile ids among `profile_ids` with an agreement currently enabled, as (profile, agreement) pairs.
pub fn enabled_among(conn: &mut DbConn, profile_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    consents::table
        .filter(consents::profile_id.eq_any(profile_ids))
        .filter(consents::value.eq("enabled"))
        .select((consents::profile_id, consents::agreement_id))
        .load(conn)
}

/// Writes the current value; `exists` says whether a row is already there (the caller holds the lock).
pub fn put(conn: &mut DbConn, row: &Consent, exists: bool) -> QueryResult<()> {
    if exists {
        diesel::update(consents::table.find((row.profile_id, row.agreement_id)))
            .set((
                consents::value.eq(row.value),
                consents::version.eq(row.version),
                consents::occurred_at.eq(row.occurred_at),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(consents::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Moves the time of a current value forward without changing it: a caller reported the same answer
/// again, later, and an older report arriving afterwards must not count as newer.
pub fn advance(
    conn: &mut DbConn,
    profile_id: ProfileId,
    agreement_id: AgreementId,
    to: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(consents::table.find((profile_id.0, agreement_id.0)))
        .filter(consents::occurred_at.lt(to))
        .set(consents::occurred_at.eq(to))
        .execute(conn)?;
    Ok(())
}

/// Current values of many profiles, as (profile, agreement, value).
pub fn values_of(conn: &mut DbConn, profile_ids: &[i64]) -> QueryResult<Vec<(i64, i64, String)>> {
    consents::table
        .filter(consents::profile_id.eq_any(profile_ids))
        .select((
            consents::profile_id,
            consents::agreement_id,
            consents::value,
        ))
        .load(conn)
}

/// Current values whose profile has no ledger event at all (only possible if events were deleted).
pub fn without_events(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    use crate::db::schema::consent_events;
    consents::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            consent_events::table.filter(consent_events::profile_id.eq(consents::profile_id)),
        )))
        .select(consents::profile_id)
        .first(conn)
        .optional()
}

/// The current values of many profiles.
pub fn for_profiles(conn: &mut DbConn, profile_ids: &[i64]) -> QueryResult<Vec<Consent>> {
    let mut found = Vec::new();
    for chunk in profile_ids.chunks(crate::db::IN_LIST) {
        found.extend(
            consents::table
                .filter(consents::profile_id.eq_any(chunk))
                .select(Consent::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// Writes current values, inserting or replacing each (profile, agreement) row; the caller holds the
/// profiles.
pub fn upsert_many(conn: &mut DbConn, rows: &[Consent]) -> QueryResult<()> {
    write_many(
        conn,
        rows,
        "ON CONFLICT (profile_id, agreement_id) DO UPDATE SET value = excluded.value, \
         version = excluded.version, occurred_at = excluded.occurred_at",
    )
}

/// `INSERT INTO consents (…)` with the columns in the order both engines bind them.
const HEAD: &str = "INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at)";

impl Row<diesel::sqlite::Sqlite> for Consent {
    fn bind<'b>(&'b self, v: &mut Values<'_, '_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
        v.value::<BigInt, _>(&self.profile_id)?
            .value::<BigInt, _>(&self.agreement_id)?
            .value::<Text, _>(self.value.as_str())?
            .value::<Integer, _>(&self.version)?
            .value::<Timestamp, _>(TimeText::of(&self.occurred_at))?;
        Ok(())
    }
}

/// Writes the first values of profiles made in the caller's transaction, which no other row can
/// name yet: plain inserts, without the conflict check.
pub fn insert_new(conn: &mut DbConn, rows: &[Consent]) -> QueryResult<()> {
    write_many(conn, rows, "")
}

fn write_many(conn: &mut DbConn, rows: &[Consent], on_conflict: &'static str) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn {
        // New values, `COPY`: the engine's own bulk path, which inserts while the rows stream in.
        DbConn::Pg(c) if on_conflict.is_empty() => {
            diesel::copy_from(consents::table)
                .from_insertable(rows)
                .execute(c)?;
        }
        DbConn::Pg(c) => {
            use diesel::sql_types::{Array, BigInt, Integer, Text, Timestamp};
            for chunk in rows.chunks(5000) {
                diesel::sql_query(format!(
                    "{HEAD} SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::int4[], $5::timestamp[]) \
                     {on_conflict}"
                ))
                .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.profile_id).collect::<Vec<_>>())
                .bind::<Array<BigInt>, _>(chunk.iter().map(|r| r.agreement_id).collect::<Vec<_>>())
                .bind::<Array<Text>, _>(chunk.iter().map(|r| r.value.as_str()).collect::<Vec<_>>())
                .bind::<Array<Integer>, _>(chunk.iter().map(|r| r.version).collect::<Vec<_>>())
                .bind::<Array<Timestamp>, _>(chunk.iter().map(|r| r.occurred_at).collect::<Vec<_>>())
                .execute(c)?;
            }
        }
        // Chunks of a few sizes, each statement kept prepared.
        DbConn::Sqlite(c) => {
            for chunk in chunks(rows) {
                insert(HEAD, chunk, on_conflict).execute(c)?;
            }
        }
    }
    Ok(())
}
