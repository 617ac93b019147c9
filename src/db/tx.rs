//! Write transactions: `write_tx` runs one, again when it fails transiently (a deadlock or a
//! serialization failure on PostgreSQL, a busy database on SQLite), and once it commits wakes this node's
//! workers for the work it left (`Lane`): a write path only queues rows, and never has to remember whom
//! to tell. Other nodes' workers find the rows at their next poll.

use super::DbConn;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use std::cell::Cell;
use std::sync::LazyLock;
use tokio::sync::watch;

/// Background work a transaction can leave: outbox rows of either channel, or import and send-file jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Email = 0,
    Webhooks = 1,
    Jobs = 2,
}

const LANES: usize = 3;

/// One counter per lane, bumped when work for it is committed; each worker watches its lane's.
static WAKES: LazyLock<[watch::Sender<u64>; LANES]> =
    LazyLock::new(|| std::array::from_fn(|_| watch::channel(0).0));

thread_local! {
    /// The lanes this thread's open transaction left work for, as bits.
    static PENDING: Cell<u8> = const { Cell::new(0) };
}

/// Wakes `lane`'s workers once this thread's write transaction commits (nothing if it rolls back).
pub fn wake_after_commit(lane: Lane) {
    PENDING.set(PENDING.get() | 1 << lane as u8);
}

/// Wakes `lane`'s workers now.
pub fn wake(lane: Lane) {
    WAKES[lane as usize].send_modify(|n| *n = n.wrapping_add(1));
}

/// What a worker of `lane` waits on: it changes whenever work for the lane is committed.
pub fn watch(lane: Lane) -> watch::Receiver<u64> {
    WAKES[lane as usize].subscribe()
}

fn committed(ok: bool) {
    crate::metrics::settle(ok);
    let pending = PENDING.replace(0);
    if ok {
        for lane in [Lane::Email, Lane::Webhooks, Lane::Jobs] {
            if pending & 1 << lane as u8 != 0 {
                wake(lane);
            }
        }
    }
}

/// Errors after which the whole transaction may simply be run again.
pub trait Transient {
    fn is_transient(&self) -> bool;
}

impl Transient for diesel::result::Error {
    fn is_transient(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
            // PostgreSQL 40P01 and SQLite's SQLITE_BUSY have no kind of their own in diesel.
            Error::DatabaseError(_, info) => {
                let m = info.message();
                m.contains("deadlock detected") || m.contains("database is locked")
            }
            _ => false,
        }
    }
}

/// How often `write_tx` runs a transaction that keeps failing transiently before giving up.
const ATTEMPTS: u32 = 8;

/// Runs `f` in a write transaction, again (up to `ATTEMPTS` times) when it fails transiently: `f` must
/// decide from what it reads inside the transaction. On SQLite it begins `IMMEDIATE`, so a transaction
/// that reads before it writes waits for the write lock up front instead of failing later.
pub fn write_tx<T, E>(
    conn: &mut DbConn,
    mut f: impl FnMut(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error> + Transient + std::fmt::Display,
{
    let mut attempt = 1;
    loop {
        let outcome = write_tx_once(conn, &mut f);
        committed(outcome.is_ok());
        match outcome {
            Err(e) if e.is_transient() && attempt < ATTEMPTS => {
                tracing::warn!(attempt, error = %e, "write transaction failed transiently; running it again");
                // A short, growing, jittered pause lets the other transaction finish first.
                let ms = (1u64 << attempt.min(6)) + rand::random_range(0..5u64);
                std::thread::sleep(std::time::Duration::from_millis(ms));
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Runs `f` in a read-only transaction that sees one consistent snapshot of the whole database
/// (PostgreSQL: `REPEATABLE READ`; a SQLite read transaction always does), so rows committed meanwhile by
/// a running server cannot look half-written.
pub fn read_snapshot<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> QueryResult<T>,
) -> QueryResult<T> {
    use diesel::connection::SimpleConnection;
    conn.transaction(|conn| {
        if let DbConn::Pg(c) = conn {
            c.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(conn)
    })
}

/// Work that one node at a time does across all nodes (PostgreSQL advisory locks; on SQLite the write
/// transaction is exclusive anyway).
#[derive(Clone, Copy, Debug)]
pub enum Sweep {
    /// Removing unconfirmed profiles past their retention (`consent::retention`).
    Retention = 7301926,
}

/// In a write transaction: takes `sweep`'s lock until the transaction ends, or says that another node
/// holds it (always true on SQLite).
pub fn try_sweep_lock(conn: &mut DbConn, sweep: Sweep) -> QueryResult<bool> {
    let DbConn::Pg(c) = conn else {
        return Ok(true);
    };
    #[derive(QueryableByName)]
    struct Got {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        got: bool,
    }
    let lock: Got = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS got")
        .bind::<diesel::sql_types::BigInt, _>(sweep as i64)
        .get_result(c)?;
    Ok(lock.got)
}

fn write_tx_once<T, E>(
    conn: &mut DbConn,
    f: &mut impl FnMut(&mut DbConn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Pg(_) => conn.transaction(f),
        DbConn::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            let result = f(conn);
            let DbConn::Sqlite(c) = conn else {
                unreachable!("backend cannot change")
            };
            match result {
                Ok(v) => match <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction(c) {
                    Ok(()) => Ok(v),
                    Err(e) => {
                        let _ = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(c);
                        Err(e.into())
                    }
                },
                Err(e) => {
                    <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(c)?;
                    Err(e)
                }
            }
        }
    }
}
