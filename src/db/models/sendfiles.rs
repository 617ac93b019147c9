//! Scheduled send-files: what to send where, and when next.

use crate::db::DbConn;
use crate::db::schema::sendfiles;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = sendfiles)]
pub struct Sendfile {
    pub id: i64,
    pub name: String,
    pub target: String,
    pub method: String,
    pub agreement: Option<String>,
    pub status: Option<String>,
    pub audience: Option<String>,
    pub every_minutes: i32,
    pub at_minute: Option<i32>,
    pub changed_only: bool,
    pub next_run_at: NaiveDateTime,
    pub failures: i32,
    pub last_success_at: Option<NaiveDateTime>,
    pub paused_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub ssh_key: Option<String>,
    pub host_key: Option<String>,
}

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = sendfiles, treat_none_as_default_value = false)]
pub struct NewSendfile {
    pub name: String,
    pub target: String,
    pub method: String,
    pub agreement: Option<String>,
    pub status: Option<String>,
    pub audience: Option<String>,
    pub every_minutes: i32,
    pub at_minute: Option<i32>,
    pub changed_only: bool,
    pub next_run_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub ssh_key: Option<String>,
}

/// Adds a send-file; `None` when the name is taken.
pub fn insert(conn: &mut DbConn, new: &NewSendfile) -> QueryResult<Option<i64>> {
    let q = diesel::insert_into(sendfiles::table).values(new);
    crate::on_backend!(conn, |c| q
        .on_conflict(sendfiles::name)
        .do_nothing()
        .returning(sendfiles::id)
        .get_result(c)
        .optional())
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Sendfile>> {
    sendfiles::table
        .order(sendfiles::name)
        .select(Sendfile::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Sendfile>> {
    sendfiles::table
        .find(id)
        .select(Sendfile::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Sendfile>> {
    sendfiles::table
        .filter(sendfiles::name.eq(name))
        .select(Sendfile::as_select())
        .first(conn)
        .optional()
}

/// Send-files whose time has come.
pub fn due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<Sendfile>> {
    sendfiles::table
        .filter(sendfiles::paused_at.is_null())
        .filter(sendfiles::next_run_at.le(now))
        .order(sendfiles::next_run_at)
        .select(Sendfile::as_select())
        .load(conn)
}

/// Moves a due send-file's next run from `was` to `next`; false when another node did first (so only
/// one node starts the run).
pub fn advance(
    conn: &mut DbConn,
    id: i64,
    was: NaiveDateTime,
    next: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        sendfiles::table
            .find(id)
            .filter(sendfiles::next_run_at.eq(was)),
    )
    .set(sendfiles::next_run_at.eq(next))
    .execute(conn)?;
    Ok(n == 1)
}

/// A run succeeded: the next "changed since" starts where it started.
pub fn succeeded(conn: &mut DbConn, id: i64, started: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sendfiles::table.find(id))
        .set((
            sendfiles::last_success_at.eq(started),
            sendfiles::failures.eq(0),
        ))
        .execute(conn)?;
    Ok(())
}

/// A run failed: tried again at `next`.
pub fn failed(conn: &mut DbConn, id: i64, next: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sendfiles::table.find(id))
        .set((
            sendfiles::failures.eq(sendfiles::failures + 1),
            sendfiles::next_run_at.eq(next),
        ))
        .execute(conn)?;
    Ok(())
}

/// Pins the host key an SFTP server showed first; false when one is pinned already.
pub fn pin_host_key(conn: &mut DbConn, id: i64, key: &str) -> QueryResult<bool> {
    let n = diesel::update(
        sendfiles::table
            .find(id)
            .filter(sendfiles::host_key.is_null()),
    )
    .set(sendfiles::host_key.eq(key))
    .execute(conn)?;
    Ok(n == 1)
}

/// Forgets the pinned host key, so the next run trusts (and pins) the key the server shows then.
pub fn unpin_host_key(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::update(sendfiles::table.find(id))
        .set(sendfiles::host_key.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// Locks a send-file's row for the rest of the transaction (PostgreSQL; SQLite's write transactions
/// already run one at a time), so checking for an open run and creating one are a single step.
pub fn lock(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        sendfiles::table
            .find(id)
            .select(sendfiles::id)
            .for_update()
            .first::<i64>(c)
            .optional()?;
    }
    Ok(())
}

/// Pauses (no scheduled runs) or resumes a send-file; resuming schedules the next run after `now`.
pub fn set_paused(
    conn: &mut DbConn,
    id: i64,
    paused: Option<NaiveDateTime>,
    next_run_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(sendfiles::table.find(id))
        .set((
            sendfiles::paused_at.eq(paused),
            sendfiles::next_run_at.eq(next_run_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::delete(sendfiles::table.find(id)).execute(conn)?;
    Ok(())
}

/// How many send-files failed their last run (and are retrying).
pub fn failing(conn: &mut DbConn) -> QueryResult<i64> {
    sendfiles::table
        .filter(sendfiles::failures.gt(0))
        .count()
        .get_result(conn)
}
