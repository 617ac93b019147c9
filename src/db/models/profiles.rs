use crate::db::DbConn;
use crate::db::kept::{Binds, PgBinds, Row, Values, chunks, insert, kept};
use crate::db::pg_column::Column;
use crate::db::schema::profiles;
use crate::db::time_text::{MaybeTimeText, TimeText};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The columns of a new profile, in the order every insert binds them (its `Row`, `pg_insert`).
macro_rules! columns {
    () => {
        "email, custom_id, phone, first_name, last_name, attributes, form_mails, form_mail_window, \
         created_at, updated_at, consent_mask, uuid, details"
    };
}

/// PostgreSQL: one array per column of `columns!()`, as `unnest` takes them; bound by `bind_pg_arrays`.
macro_rules! pg_unnest {
    () => {
        "unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int4[], \
         ?::timestamp[], ?::timestamp[], ?::timestamp[], ?::int8[], ?::text[], ?::text[])"
    };
}
pub(crate) use {columns, pg_unnest};

/// PostgreSQL: `INSERT INTO profiles` of one array per column and then `$tail` (the conflict rule and
/// what to return), so the statement is the same whatever the number of rows, and is kept prepared.
macro_rules! pg_insert_sql {
    ($tail:literal) => {
        concat!(
            "INSERT INTO profiles (",
            columns!(),
            ") SELECT * FROM ",
            pg_unnest!(),
            " ",
            $tail
        )
    };
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i64,
    pub email: Option<String>,
    pub custom_id: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub attributes: String,
    pub email_confirmed_at: Option<NaiveDateTime>,
    pub form_mails: i32,
    pub form_mail_window: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Right to erasure: when the personal data was blanked. An erased profile is gone for every page and
    /// write path; only the dashboard still shows its (digest-only) ledger.
    pub erased_at: Option<NaiveDateTime>,
    pub consent_mask: i64,
    /// Synerise's fourth identifier (a UUID, lower case), unique like email and customId.
    pub uuid: Option<String>,
    /// The standard fields besides names, as a JSON object (`domain::details::Details`).
    pub details: Option<String>,
}

impl Profile {
    /// What identifies the person in the ledger (entered there only as a digest).
    pub fn identity(&self) -> String {
        identity(&Ids {
            email: self.email.as_deref(),
            custom_id: self.custom_id.as_deref(),
            uuid: self.uuid.as_deref(),
            phone: self.phone.as_deref(),
        })
    }
}

/// A profile to create. Built once by each way in (sign-up forms now; the batch API, imports and
/// integrations later) and written by `upsert_many` on both engines.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = profiles, treat_none_as_default_value = false)]
pub struct NewProfile<'a> {
    pub email: Option<&'a str>,
    pub custom_id: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub attributes: &'a str,
    pub form_mails: i32,
    pub form_mail_window: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The agreements enabled when it is created with consents (imports), as bits.
    pub consent_mask: i64,
    pub uuid: Option<&'a str>,
    pub details: Option<&'a str>,
}

impl NewProfile<'_> {
    /// A profile with no name, identity, attributes or consents yet, created `now`; the caller sets
    /// what it knows (`NewProfile { phone: Some(p), ..NewProfile::blank(now) }`).
    pub fn blank(now: NaiveDateTime) -> Self {
        NewProfile {
            email: None,
            custom_id: None,
            phone: None,
            first_name: None,
            last_name: None,
            attributes: "{}",
            form_mails: 0,
            form_mail_window: None,
            created_at: now,
            updated_at: now,
            consent_mask: 0,
            uuid: None,
            details: None,
        }
    }
}

/// A profile as `upsert_many` left it.
#[derive(Clone, Debug, QueryableByName)]
pub struct Upserted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub email: Option<String>,
    /// Created by this call, rather than found.
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub created: bool,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub form_mails: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    pub form_mail_window: Option<NaiveDateTime>,
}

impl Upserted {
    pub fn allowance(&self) -> crate::domain::allowance::Allowance {
        crate::domain::allowance::Allowance {
            mails: self.form_mails,
            window: self.form_mail_window,
        }
    }
}

/// Creates the profiles whose email is not known yet and returns every one of them, new or found, locked
/// for the rest of the transaction. An existing profile is left as it is. `rows` must hold each address
/// once; they are written in address order, so overlapping batches of two writers (or nodes) cannot
/// deadlock.
pub fn upsert_many(conn: &mut DbConn, rows: &mut [NewProfile]) -> QueryResult<Vec<Upserted>> {
    use diesel::sql_types::{Nullable, Text};
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    rows.sort_by(|a, b| a.email.cmp(&b.email));
    match conn {
        // PostgreSQL: the same rows as one array per column, so the statement is the same whatever the
        // batch size and stays prepared (a multi-row VALUES is parsed and planned anew for each size).
        DbConn::Pg(c) => pg_insert(
            c,
            rows,
            pg_insert_sql!(
                "ON CONFLICT (email) DO UPDATE SET email = excluded.email \
                 RETURNING id, email, xmax = 0 AS created, form_mails, form_mail_window"
            ),
        ),
        // The no-op update lets RETURNING yield existing rows too. SQLite has one writer at a time, so a
        // row stamped with this batch's time was created by it. Chunks of a few sizes, each statement
        // kept prepared: diesel's own multi-row insert was parsed anew for every batch, a tenth of a
        // sign-up's work.
        DbConn::Sqlite(c) => {
            use diesel::sql_types::{BigInt, Integer, Timestamp};
            #[derive(QueryableByName)]
            struct Found {
                #[diesel(sql_type = BigInt)]
                id: i64,
                #[diesel(sql_type = Nullable<Text>)]
                email: Option<String>,
                #[diesel(sql_type = Timestamp)]
                created_at: TimeText,
                #[diesel(sql_type = Integer)]
                form_mails: i32,
                #[diesel(sql_type = Nullable<Timestamp>)]
                form_mail_window: Option<TimeText>,
            }
            let stamp = rows[0].created_at;
            let mut out = Vec::with_capacity(rows.len());
            for chunk in chunks(rows) {
                let found: Vec<Found> = insert(
                    INSERT_PROFILES,
                    chunk,
                    "ON CONFLICT (email) DO UPDATE SET email = excluded.email \
                     RETURNING id, email, created_at, form_mails, form_mail_window",
                )
                .load(c)?;
                out.extend(found.into_iter().map(|f| Upserted {
                    id: f.id,
                    email: f.email,
                    created: f.created_at.0 == stamp,
                    form_mails: f.form_mails,
                    form_mail_window: f.form_mail_window.map(|t| t.0),
                }));
            }
            Ok(out)
        }
    }
}

/// The head of `kept::insert` for new profiles.
const INSERT_PROFILES: &str = concat!("INSERT INTO profiles (", columns!(), ")");

impl Row<diesel::sqlite::Sqlite> for NewProfile<'_> {
    fn bind<'b>(&'b self, v: &mut Values<'_, '_, 'b, diesel::sqlite::Sqlite>) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
        v.value::<Nullable<Text>, _>(&self.email)?
            .value::<Nullable<Text>, _>(&self.custom_id)?
            .value::<Nullable<Text>, _>(&self.phone)?
            .value::<Nullable<Text>, _>(&self.first_name)?
            .value::<Nullable<Text>, _>(&self.last_name)?
            .value::<Text, _>(&self.attributes)?
            .value::<Integer, _>(&self.form_mails)?
            .value::<Nullable<Timestamp>, _>(MaybeTimeText::of(&self.form_mail_window))?
            .value::<Timestamp, _>(TimeText::of(&self.created_at))?
            .value::<Timestamp, _>(TimeText::of(&self.updated_at))?
            .value::<BigInt, _>(&self.consent_mask)?
            .value::<Nullable<Text>, _>(&self.uuid)?
            .value::<Nullable<Text>, _>(&self.details)?;
        Ok(())
    }
}

/// Creates profiles known to be new (the caller found none with their emails, customIds or phones, and
/// holds the batch lock) and returns each one made. On PostgreSQL one that a sign-up
/// created meanwhile is skipped, not returned: the caller applies that row the slow way.
pub fn insert_new(conn: &mut DbConn, rows: &[NewProfile]) -> QueryResult<Vec<Made>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    Ok(match conn {
        // First `COPY` (about half the time of the insert below, which must check every row for a
        // conflict), under a savepoint: should a sign-up have taken one of the addresses meanwhile, the
        // unique index refuses the copy, the savepoint undoes it, and the insert that skips taken rows
        // runs instead. Both write in address order, as every writer that locks profiles by address.
        DbConn::Pg(c) => match c.transaction(|c| copy_new(c, rows)) {
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => pg_insert::<Made>(
                c,
                rows,
                pg_insert_sql!(
                    "AS u(email) ORDER BY u.email COLLATE \"C\" ON CONFLICT DO NOTHING \
                     RETURNING id, email, custom_id, phone, uuid"
                ),
            )?,
            made => made?,
        },
        // One writer at a time: nobody can have taken an address since the caller looked.
        DbConn::Sqlite(c) => {
            let mut made = Vec::with_capacity(rows.len());
            for chunk in chunks(rows) {
                made.extend(
                    insert(
                        INSERT_PROFILES,
                        chunk,
                        "RETURNING id, email, custom_id, phone, uuid",
                    )
                    .load::<Made>(c)?,
                );
            }
            made
        }
    })
}

/// A new profile with the id taken for it beforehand, for `COPY`, which returns nothing.
#[derive(Insertable)]
#[diesel(table_name = profiles, treat_none_as_default_value = false)]
struct Numbered<'a> {
    id: i64,
    email: Option<&'a str>,
    custom_id: Option<&'a str>,
    phone: Option<&'a str>,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    attributes: &'a str,
    form_mails: i32,
    form_mail_window: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    consent_mask: i64,
    uuid: Option<&'a str>,
    details: Option<&'a str>,
}

/// PostgreSQL: takes an id for each row from the profiles' sequence and copies the rows in, in address
/// order. A row whose address, customId or uuid is taken fails the whole copy.
fn copy_new(c: &mut diesel::PgConnection, rows: &[NewProfile]) -> QueryResult<Vec<Made>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let ids = kept("SELECT nextval('profiles_id_seq') AS id FROM generate_series(1, ?)")
        .bind::<diesel::sql_types::Integer, _>(rows.len() as i32)
        .load::<Id>(c)?;
    let mut numbered: Vec<Numbered> = rows
        .iter()
        .zip(ids)
        .map(|(r, Id { id })| Numbered {
            id,
            email: r.email,
            custom_id: r.custom_id,
            phone: r.phone,
            first_name: r.first_name,
            last_name: r.last_name,
            attributes: r.attributes,
            form_mails: r.form_mails,
            form_mail_window: r.form_mail_window,
            created_at: r.created_at,
            updated_at: r.updated_at,
            consent_mask: r.consent_mask,
            uuid: r.uuid,
            details: r.details,
        })
        .collect();
    // Byte order is `COLLATE "C"`.
    numbered.sort_unstable_by(|a, b| a.email.cmp(&b.email));
    diesel::copy_from(profiles::table)
        .from_insertable(&numbered)
        .execute(c)?;
    Ok(numbered
        .into_iter()
        .map(|n| Made {
            id: n.id,
            email: n.email.map(str::to_string),
            custom_id: n.custom_id.map(str::to_string),
            phone: n.phone.map(str::to_string),
            uuid: n.uuid.map(str::to_string),
        })
        .collect())
}

/// A profile `insert_new` made.
#[derive(QueryableByName)]
pub struct Made {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub custom_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub phone: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub uuid: Option<String>,
}

/// PostgreSQL: runs `sql` (from `pg_insert_sql!`) for `rows`.
fn pg_insert<'a, T>(
    c: &mut diesel::PgConnection,
    rows: &'a [NewProfile<'a>],
    sql: &'static str,
) -> QueryResult<Vec<T>>
where
    T: QueryableByName<diesel::pg::Pg> + 'static,
{
    bind_pg_arrays(kept(sql), rows).load(c)
}

/// Binds `rows` as the arrays of `pg_unnest!()`, each written in one pass (`Column`).
pub(crate) fn bind_pg_arrays<'a, Q>(q: Q, rows: &'a [NewProfile<'a>]) -> impl PgBinds + use<'a, Q>
where
    Q: PgBinds,
{
    use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamp};
    let col = |f: fn(&NewProfile<'a>) -> Option<&'a str>| rows.iter().map(f).collect::<Vec<_>>();
    q.bind::<Array<Nullable<Text>>, _>(Column(col(|r| r.email)))
        .bind::<Array<Nullable<Text>>, _>(Column(col(|r| r.custom_id)))
        .bind::<Array<Nullable<Text>>, _>(Column(col(|r| r.phone)))
        .bind::<Array<Nullable<Text>>, _>(Column(col(|r| r.first_name)))
        .bind::<Array<Nullable<Text>>, _>(Column(col(|r| r.last_name)))
        .bind::<Array<Text>, _>(Column(
            rows.iter().map(|r| r.attributes).collect::<Vec<_>>(),
        ))
        .bind::<Array<Integer>, _>(Column(
            rows.iter().map(|r| r.form_mails).collect::<Vec<_>>(),
        ))
        .bind::<Array<Nullable<Timestamp>>, _>(Column(
            rows.iter().map(|r| r.form_mail_window).collect::<Vec<_>>(),
        ))
        .bind::<Array<Timestamp>, _>(Column(
            rows.iter().map(|r| r.created_at).collect::<Vec<_>>(),
        ))
        .bind::<Array<Timestamp>, _>(Column(
            rows.iter().map(|r| r.updated_at).collect::<Vec<_>>(),
        ))
        .bind::<Array<BigInt>, _>(Column(
            rows.iter().map(|r| r.consent_mask).collect::<Vec<_>>(),
        ))
        .bind::<Array<Nullable<Text>>, _>(Column(col(|r| r.uuid)))
        .bind::<Array<Nullable<Text>>, _>(Column(col(|r| r.details)))
}

/// The live profiles with any of these emails, customIds or uuids, then those holding any of these
/// phones (each profile once). On PostgreSQL they are locked for the rest of the transaction, in address
/// order (the order of the sign-up writer), then by id.
pub fn find_many(
    conn: &mut DbConn,
    emails: &[&str],
    custom_ids: &[&str],
    uuids: &[&str],
    phones: &[&str],
) -> QueryResult<Vec<Profile>> {
    let mut found = Vec::new();
    for (emails, custom_ids) in emails
        .chunks(crate::db::IN_LIST)
        .chain(std::iter::repeat(&[][..]))
        .zip(
            custom_ids
                .chunks(crate::db::IN_LIST)
                .chain(std::iter::repeat(&[][..])),
        )
        .take(
            emails
                .len()
                .max(custom_ids.len())
                .div_ceil(crate::db::IN_LIST),
        )
    {
        // A macro, as the selection's type names the engine.
        macro_rules! query {
            ($by:expr) => {
                // No `erased_at IS NULL` here: an erased profile has neither an email nor a customId
                // left, and that filter tempts PostgreSQL into scanning every live profile.
                profiles::table.filter($by).select(Profile::as_select())
            };
        }
        macro_rules! load {
            ($by:expr) => {
                match conn {
                    DbConn::Pg(c) => query!($by)
                        .order((
                            diesel::dsl::sql::<diesel::sql_types::Text>("email COLLATE \"C\""),
                            profiles::id,
                        ))
                        .for_update()
                        .load(c)?,
                    DbConn::Sqlite(c) => query!($by).load(c)?,
                }
            };
        }
        // Only the lists that have values: SQLite reads `custom_id IN ()` by scanning every profile
        // (80 ms a batch at a million), even beside an indexed `email IN (…)`.
        found.extend(match (emails.is_empty(), custom_ids.is_empty()) {
            (false, true) => load!(profiles::email.eq_any(emails)),
            (true, false) => load!(profiles::custom_id.eq_any(custom_ids)),
            _ => load!(
                profiles::email
                    .eq_any(emails)
                    .or(profiles::custom_id.eq_any(custom_ids))
            ),
        });
    }
    // uuids (Synerise's) and phones are looked up on their own: most batches give neither, and a
    // phone may name several profiles. An erased profile has neither left.
    macro_rules! also_by {
        ($column:ident, $values:expr) => {
            for chunk in $values.chunks(crate::db::IN_LIST) {
                let known: std::collections::HashSet<i64> = found.iter().map(|p| p.id).collect();
                macro_rules! query {
                    () => {
                        profiles::table
                            .filter(profiles::$column.eq_any(chunk))
                            .order(profiles::id)
                            .select(Profile::as_select())
                    };
                }
                let more: Vec<Profile> = match conn {
                    DbConn::Pg(c) => query!().for_update().load(c)?,
                    DbConn::Sqlite(c) => query!().load(c)?,
                };
                found.extend(more.into_iter().filter(|p| !known.contains(&p.id)));
            }
        };
    }
    also_by!(uuid, uuids);
    also_by!(phone, phones);
    Ok(found)
}

/// A profile's fields as a batch writer leaves them (all of them, already merged with what it held).
#[derive(Clone, Debug)]
pub struct Rewrite {
    pub id: i64,
    pub email: Option<String>,
    pub custom_id: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub attributes: String,
    pub updated_at: NaiveDateTime,
    pub consent_mask: i64,
    pub uuid: Option<String>,
    pub details: Option<String>,
    /// Whether the address was confirmed (not written: carried for the `profile.updated` payload).
    pub email_confirmed: bool,
}

/// Writes rewritten profiles the caller has locked.
pub fn rewrite_many(conn: &mut DbConn, rows: &[Rewrite]) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    match conn {
        DbConn::Pg(c) => {
            use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamp};
            let col = |f: &dyn Fn(&Rewrite) -> Option<&str>| rows.iter().map(f).collect::<Vec<_>>();
            diesel::sql_query(
                "UPDATE profiles p SET email = u.email, custom_id = u.custom_id, phone = u.phone, \
                 first_name = u.first_name, last_name = u.last_name, attributes = u.attributes, \
                 updated_at = u.updated_at, consent_mask = u.consent_mask, uuid = u.uuid, details = u.details \
                 FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamp[], $9::int8[], $10::text[], $11::text[]) \
                 AS u(id, email, custom_id, phone, first_name, last_name, attributes, updated_at, consent_mask, uuid, details) \
                 WHERE p.id = u.id",
            )
            .bind::<Array<BigInt>, _>(rows.iter().map(|r| r.id).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(col(&|r| r.email.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(col(&|r| r.custom_id.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(col(&|r| r.phone.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(col(&|r| r.first_name.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(col(&|r| r.last_name.as_deref()))
            .bind::<Array<Text>, _>(rows.iter().map(|r| r.attributes.as_str()).collect::<Vec<_>>())
            .bind::<Array<Timestamp>, _>(rows.iter().map(|r| r.updated_at).collect::<Vec<_>>())
            .bind::<Array<BigInt>, _>(rows.iter().map(|r| r.consent_mask).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(col(&|r| r.uuid.as_deref()))
            .bind::<Array<Nullable<Text>>, _>(col(&|r| r.details.as_deref()))
            .execute(c)?;
        }
        DbConn::Sqlite(c) => {
            let mut json = crate::db::json_rows::JsonRows::default();
            for r in rows {
                json.row()
                    .int(r.id)
                    .opt(r.email.as_deref())
                    .opt(r.custom_id.as_deref())
                    .opt(r.phone.as_deref())
                    .opt(r.first_name.as_deref())
                    .opt(r.last_name.as_deref())
                    .text(&r.attributes)
                    .time(r.updated_at)
                    .int(r.consent_mask)
                    .opt(r.uuid.as_deref())
                    .opt(r.details.as_deref());
            }
            diesel::sql_query(
                "UPDATE profiles SET email = u.value ->> 1, custom_id = u.value ->> 2, phone = u.value ->> 3, \
                 first_name = u.value ->> 4, last_name = u.value ->> 5, attributes = u.value ->> 6, \
                 updated_at = u.value ->> 7, consent_mask = u.value ->> 8, uuid = u.value ->> 9, \
                 details = u.value ->> 10 \
                 FROM json_each(?) AS u WHERE profiles.id = u.value ->> 0",
            )
            .bind::<diesel::sql_types::Text, _>(json.finish())
            .execute(c)?;
        }
    }
    Ok(())
}

/// On PostgreSQL, makes writers of batches (the batch API, imports, integrations) take turns until the
/// transaction ends, so two never create or change the same person at once (SQLite's write
/// transactions take turns anyway). Taken before any profile row lock.
pub fn batch_writers_take_turns(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        // Every read of a batch looks rows up by key. Planned for arrays of hundreds of keys, with
        // statistics that lag behind a growing import (or none, autovacuum off), PostgreSQL may pick a
        // scan of the whole table instead: ten times slower at 400,000 profiles, and growing.
        use diesel::connection::SimpleConnection;
        c.batch_execute("SELECT pg_advisory_xact_lock(7270003); SET LOCAL enable_seqscan = off")?;
    }
    Ok(())
}

/// The live profile with this customId.
pub fn find_by_custom_id(conn: &mut DbConn, custom_id: &str) -> QueryResult<Option<Profile>> {
    profiles::table
        .filter(profiles::custom_id.eq(custom_id))
        .filter(profiles::erased_at.is_null())
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

/// A person's identifiers, as an item or a profile gives them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ids<'a> {
    pub email: Option<&'a str>,
    pub custom_id: Option<&'a str>,
    pub uuid: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// What identifies a person in the ledger and in erasure tombstones: their email, else their customId,
/// else their uuid, else their phone (E.164). (The uuid came last and ranks above the phone: no profile
/// held one before, so no identity changed.)
pub fn identity(ids: &Ids) -> String {
    match ids {
        Ids { email: Some(e), .. } => e.to_string(),
        Ids {
            custom_id: Some(c), ..
        } => format!("customId:{c}"),
        Ids { uuid: Some(u), .. } => format!("uuid:{u}"),
        Ids { phone: Some(p), .. } => format!("phone:{p}"),
        _ => String::new(),
    }
}

/// The tombstone identity of one identifier alone (`customId:…`, `uuid:…`, `phone:…`, or the email).
pub fn identity_of(kind: Identifier, value: &str) -> String {
    let mut ids = Ids::default();
    match kind {
        Identifier::Email => ids.email = Some(value),
        Identifier::CustomId => ids.custom_id = Some(value),
        Identifier::Uuid => ids.uuid = Some(value),
        Identifier::Phone => ids.phone = Some(value),
    }
    identity(&ids)
}

/// The kinds of identifier a person may be known by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Identifier {
    Email,
    CustomId,
    Uuid,
    Phone,
}

/// The live profile with this uuid.
pub fn find_by_uuid(conn: &mut DbConn, uuid: &str) -> QueryResult<Option<Profile>> {
    profiles::table
        .filter(profiles::uuid.eq(uuid))
        .filter(profiles::erased_at.is_null())
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

/// The one live profile holding this number (E.164): a number names a person only when exactly one
/// profile holds it, so several sharing it are an error holding their ids.
pub fn find_one_by_phone(
    conn: &mut DbConn,
    phone: &str,
) -> QueryResult<Result<Option<Profile>, Vec<i64>>> {
    let mut found = find_by_phone(conn, phone)?;
    Ok(match found.len() {
        0 | 1 => Ok(found.pop()),
        _ => Err(found.iter().map(|p| p.id).collect()),
    })
}

/// The live profiles holding this phone number (E.164), oldest first: a number may be shared.
pub fn find_by_phone(conn: &mut DbConn, phone: &str) -> QueryResult<Vec<Profile>> {
    profiles::table
        .filter(profiles::phone.eq(phone))
        .filter(profiles::erased_at.is_null())
        .order(profiles::id)
        .select(Profile::as_select())
        .load(conn)
}

/// A profile that was not erased.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Profile>> {
    profiles::table
        .find(id)
        .filter(profiles::erased_at.is_null())
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

/// A profile, erased or not (the dashboard shows what is left of an erased one).
pub fn find_any(conn: &mut DbConn, id: i64) -> QueryResult<Option<Profile>> {
    profiles::table
        .find(id)
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Profile>> {
    profiles::table
        .filter(profiles::email.eq(email))
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

/// Takes the profile's write lock for the rest of the transaction (a row lock on PostgreSQL; SQLite
/// write transactions are already exclusive). Returns false when the profile does not exist or was
/// erased.
pub fn lock(conn: &mut DbConn, id: crate::domain::ProfileId) -> QueryResult<bool> {
    let n = diesel::update(
        profiles::table
            .find(id.0)
            .filter(profiles::erased_at.is_null()),
    )
    .set(profiles::id.eq(profiles::id))
    .execute(conn)?;
    Ok(n == 1)
}

/// Stamps a change and stores the profile's enabled agreements as a bit mask.
pub fn touch(conn: &mut DbConn, id: i64, at: NaiveDateTime, mask: i64) -> QueryResult<()> {
    diesel::update(profiles::table.find(id))
        .set((profiles::updated_at.eq(at), profiles::consent_mask.eq(mask)))
        .execute(conn)?;
    Ok(())
}

/// Marks the profile's address confirmed; false when it already was.
pub fn mark_email_confirmed(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        profiles::table
            .find(id)
            .filter(profiles::email_confirmed_at.is_null()),
    )
    .set((
        profiles::email_confirmed_at.eq(at),
        profiles::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Right to erasure: blanks every personal field and marks the profile erased.
pub fn blank(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(profiles::table.find(id))
        .set((
            profiles::email.eq(None::<String>),
            profiles::custom_id.eq(None::<String>),
            profiles::phone.eq(None::<String>),
            profiles::uuid.eq(None::<String>),
            profiles::details.eq(None::<String>),
            profiles::first_name.eq(None::<String>),
            profiles::last_name.eq(None::<String>),
            profiles::attributes.eq("{}"),
            profiles::consent_mask.eq(0),
            profiles::erased_at.eq(at),
            profiles::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores what is left of a profile's allowance of form emails (see `domain::allowance`).
pub fn set_allowance(
    conn: &mut DbConn,
    id: i64,
    allowance: crate::domain::allowance::Allowance,
) -> QueryResult<()> {
    diesel::update(profiles::table.find(id))
        .set((
            profiles::form_mails.eq(allowance.mails),
            profiles::form_mail_window.eq(allowance.window),
        ))
        .execute(conn)?;
    Ok(())
}

/// Profiles whose email or customId starts with `q`, whose uuid is `q` (in lower case), or whose phone
/// is `q` or `phone` (`q` read as a number, in E.164), newest first, with ids below `before` (keyset pagination: no page costs more than
/// the one before it).
pub fn search(
    conn: &mut DbConn,
    q: Option<&str>,
    phone: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Profile>> {
    let mut query = profiles::table
        .select(Profile::as_select())
        .order(profiles::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(profiles::id.lt(before));
    }
    if let Some(q) = q {
        // A prefix as a range, so the unique indexes on email and customId serve it on both engines.
        let end = format!("{q}\u{10ffff}");
        query = query.filter(
            profiles::email
                .ge(q)
                .and(profiles::email.lt(end.clone()))
                .or(profiles::custom_id.ge(q).and(profiles::custom_id.lt(end)))
                .or(profiles::phone.eq_any([Some(q), phone].into_iter().flatten()))
                .or(profiles::uuid.eq(q.to_ascii_lowercase())),
        );
    }
    query.load(conn)
}

/// (profile, consent mask) of these profiles, for the ledger check.
pub fn masks_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    profiles::table
        .filter(profiles::id.eq_any(ids))
        .select((profiles::id, profiles::consent_mask))
        .load(conn)
}

/// The profiles an audience rule holds, as a filter for a `profiles` query (both engines have `&` on
/// 64-bit integers).
pub fn in_audience(
    rule: &crate::domain::audience::Rule,
) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    use crate::domain::audience::Match;
    let m = rule.mask;
    diesel::dsl::sql(&match rule.how {
        Match::All => format!("(profiles.consent_mask & {m}) = {m}"),
        Match::Any => format!("(profiles.consent_mask & {m}) <> 0"),
        Match::None => format!("(profiles.consent_mask & {m}) = 0"),
    })
}

/// The id of the `n`th profile (erased ones too) after id `after`, in id order: where a chunk of `n`
/// ends; `None` when fewer are left.
pub fn nth_id_after(conn: &mut DbConn, after: i64, n: i64) -> QueryResult<Option<i64>> {
    profiles::table
        .filter(profiles::id.gt(after))
        .order(profiles::id)
        .select(profiles::id)
        .offset(n - 1)
        .first::<i64>(conn)
        .optional()
}

/// What a row of the CSV export needs of a profile.
pub struct ExportRow {
    pub id: i64,
    /// email, customId, phone, firstName, lastName
    pub texts: [Option<String>; 5],
    pub confirmed: bool,
    pub mask: i64,
    pub created: Stamp,
    pub updated: Stamp,
    /// The optional columns' cells, where the export has any.
    pub extra: Vec<String>,
}

/// The uuid and standard fields (as stored) of the live profiles with ids in `(after, upto]`, for the
/// export's optional columns: read apart from `export_page`, so an export without them reads nothing more.
pub fn export_extras(
    conn: &mut DbConn,
    after: i64,
    upto: i64,
) -> QueryResult<std::collections::HashMap<i64, (Option<String>, Option<String>)>> {
    let rows: Vec<(i64, Option<String>, Option<String>)> = profiles::table
        .filter(profiles::id.gt(after))
        .filter(profiles::id.le(upto))
        .filter(profiles::erased_at.is_null())
        .filter(
            profiles::uuid
                .is_not_null()
                .or(profiles::details.is_not_null()),
        )
        .select((profiles::id, profiles::uuid, profiles::details))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, u, d)| (id, (u, d))).collect())
}

/// A profile's time as the engine gives it most cheaply: SQLite stores text (`YYYY-MM-DD HH:MM:SS…`,
/// which chrono would parse slowly), PostgreSQL sends 8 binary bytes.
pub enum Stamp {
    Stored(String),
    At(chrono::NaiveDateTime),
}

/// The live profiles with ids in `(after, upto]` that `rule` holds (changed after `changed_since`), in
/// id order, for the CSV export.
pub fn export_page(
    conn: &mut DbConn,
    after: i64,
    upto: i64,
    rule: Option<crate::domain::audience::Rule>,
    changed_since: Option<NaiveDateTime>,
) -> QueryResult<Vec<ExportRow>> {
    // The same keyset query on both engines; only the time columns' types differ (see `Stamp`).
    macro_rules! keyset {
        ($created:expr, $updated:expr, $stamp:path) => {{
            let mut q = profiles::table
                .filter(profiles::id.gt(after))
                .filter(profiles::id.le(upto))
                .filter(profiles::erased_at.is_null())
                .order(profiles::id)
                .select((
                    profiles::id,
                    (
                        profiles::email,
                        profiles::custom_id,
                        profiles::phone,
                        profiles::first_name,
                        profiles::last_name,
                    ),
                    profiles::email_confirmed_at.is_not_null(),
                    profiles::consent_mask,
                    $created,
                    $updated,
                ))
                .into_boxed();
            if let Some(rule) = rule {
                q = q.filter(in_audience(&rule));
            }
            if let Some(t) = changed_since {
                q = q.filter(profiles::updated_at.gt(t));
            }
            Ok(q.load(conn)?
                .into_iter()
                .map(
                    |(id, (a, b, c, d, e), confirmed, mask, created, updated)| ExportRow {
                        id,
                        texts: [a, b, c, d, e],
                        confirmed,
                        mask,
                        created: $stamp(created),
                        updated: $stamp(updated),
                        extra: Vec::new(),
                    },
                )
                .collect())
        }};
    }
    use diesel::dsl::sql;
    use diesel::sql_types::Text;
    match conn {
        DbConn::Sqlite(_) => keyset!(
            sql::<Text>("created_at"),
            sql::<Text>("updated_at"),
            Stamp::Stored
        ),
        DbConn::Pg(_) => keyset!(profiles::created_at, profiles::updated_at, Stamp::At),
    }
}

/// Whether a profile row exists (erased or not).
pub fn exists(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(profiles::table.find(id))).get_result(conn)
}
