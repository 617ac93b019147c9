//! Storage: one binary, two engines. The scheme of `ASSENT_DATABASE_URL` picks SQLite or PostgreSQL;
//! `DbConn` is a diesel `MultiConnection` so most queries are written once.

pub mod json_rows;
pub mod kept;
pub mod models;
pub mod pg_column;
pub mod schema;
pub mod time_text;
pub mod tx;

pub use tx::write_tx;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::path::PathBuf;
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same query body on the inner connection of either backend, for the few diesel features
/// the `MultiConnection` derive cannot express (upserts, multi-row inserts, `RETURNING` rows, `SKIP LOCKED`).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    /// Picks the engine from the URL scheme, never by trial, so a bad URL names its real problem.
    pub fn parse(url: &str) -> Result<Target, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://./data/assent.db".into());
            }
            Ok(Target::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Target::Postgres(url.to_string()))
        } else {
            Err("must start with sqlite://, postgres:// or postgresql://".into())
        }
    }

    pub fn engine(&self) -> &'static str {
        match self {
            Target::Sqlite(_) => "SQLite",
            Target::Postgres(_) => "PostgreSQL",
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Target::Sqlite(_))
    }

    fn connect(&self) -> Result<DbConn, ConnectionError> {
        match self {
            Target::Sqlite(path) => {
                sqlite_multithread();
                let mut c = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first, so that concurrent connections wait instead of failing while WAL is set.
                c.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(c))
            }
            Target::Postgres(url) => Ok(DbConn::Pg(PgConnection::establish(url)?)),
        }
    }
}

/// Puts SQLite in multi-thread mode before the first connection opens (call it before any other SQLite
/// use in the process; `Target::connect` does): no mutex around every call on a
/// connection (a tenth of a large export's time went to them). Safe because a diesel connection is used
/// by one thread at a time (`SqliteConnection` is not `Sync`; the pool hands each to one user).
pub fn sqlite_multithread() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: called before any connection exists in this process (it is the first thing the
        // first SQLite connection does); if SQLite was somehow initialised already, it only answers
        // SQLITE_MISUSE and stays in its default, serialised mode.
        let rc =
            unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD) };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(rc, "SQLite stays in serialised mode");
        }
    });
}

pub struct Manager {
    target: Target,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.target.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// What opening the database does about its schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    /// Apply pending migrations (`assent serve`).
    Migrate,
    /// Change nothing; the caller migrates itself (`assent migrate`, to report what it applied).
    Leave,
    /// Change nothing, and refuse a database that is missing or not fully migrated (read-only and
    /// maintenance commands must never change the schema behind the operator's back).
    Require,
}

/// Opens the pool, doing what `schema` says about migrations. Errors name the engine and the real cause.
pub fn connect(target: &Target, size: u32, schema: Schema) -> anyhow::Result<Pool> {
    if let Target::Sqlite(path) = target {
        if schema == Schema::Require && !path.exists() {
            anyhow::bail!(
                "SQLite: there is no database at {} (check ASSENT_DATABASE_URL, or create it with `assent migrate`)",
                path.display()
            );
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("SQLite: cannot create the folder {}", dir.display()))?;
        }
    }
    // Try once by hand first: r2d2 would retry for its whole timeout and then hide the cause.
    let mut first = target
        .connect()
        .map_err(|e| anyhow::anyhow!("{}: cannot connect: {}", target.engine(), e))?;
    match schema {
        Schema::Migrate => {
            migrate(&mut first)
                .with_context(|| format!("{}: migrations failed", target.engine()))?;
        }
        Schema::Leave => {}
        Schema::Require => {
            let pending = pending_migrations(&mut first)?;
            if pending > 0 {
                anyhow::bail!(
                    "{}: the database is not up to date ({pending} migrations pending); run `assent migrate` first",
                    target.engine()
                );
            }
        }
    }
    drop(first);
    r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(Duration::from_secs(10))
        .build(Manager {
            target: target.clone(),
        })
        .map_err(|e| anyhow::anyhow!("{}: cannot open a connection pool: {}", target.engine(), e))
}

/// How many migrations this build has that the database has not applied.
pub fn pending_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let pending = match conn {
        DbConn::Sqlite(c) => c.pending_migrations(SQLITE_MIGRATIONS).map(|m| m.len()),
        DbConn::Pg(c) => c.pending_migrations(PG_MIGRATIONS).map(|m| m.len()),
    };
    pending.map_err(|e| anyhow::anyhow!("cannot read the applied migrations: {e}"))
}

/// Applies pending migrations; returns how many ran. On PostgreSQL an advisory lock keeps
/// many nodes starting at once from racing each other.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<usize> {
    match conn {
        DbConn::Sqlite(c) => Ok(c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .len()),
        DbConn::Pg(c) => {
            c.batch_execute("SELECT pg_advisory_lock(7301925)")?;
            let ran = c
                .run_pending_migrations(PG_MIGRATIONS)
                .map(|v| v.len())
                .map_err(|e| anyhow::anyhow!("{e}"));
            c.batch_execute("SELECT pg_advisory_unlock(7301925)")?;
            ran
        }
    }
}

/// The current time at the precision both engines store (microseconds), so hashes recompute exactly.
pub fn now() -> chrono::NaiveDateTime {
    truncate(chrono::Utc::now().naive_utc())
}

pub fn truncate(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Timelike};
    let t = t.trunc_subsecs(6);
    debug_assert!(t.nanosecond().is_multiple_of(1000));
    t
}

/// Runs `f` so that the values it overwrites leave no copy in the database's files. On SQLite the old
/// content of changed rows would stay in the page's free space and in the WAL: `secure_delete` zeroes
/// it, and a truncating checkpoint afterwards empties the WAL. (A PostgreSQL dump holds only live rows;
/// old row versions go with vacuum.)
pub fn scrubbing<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA secure_delete = ON")?;
    }
    let result = f(conn);
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA secure_delete = OFF")?;
        if result.is_ok() {
            c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
        }
    }
    result
}

/// The database's engine ("SQLite", "PostgreSQL") and size on disk in bytes (SQLite: the main file's pages;
/// PostgreSQL: the whole database, every schema in it), for the health page.
pub fn engine_and_size(conn: &mut DbConn) -> QueryResult<(&'static str, i64)> {
    #[derive(QueryableByName)]
    struct Size {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        bytes: i64,
    }
    Ok(match conn {
        DbConn::Sqlite(c) => (
            "SQLite",
            diesel::sql_query(
                "SELECT p.page_count * s.page_size AS bytes FROM pragma_page_count() p, pragma_page_size() s",
            )
            .get_result::<Size>(c)?
            .bytes,
        ),
        DbConn::Pg(c) => (
            "PostgreSQL",
            diesel::sql_query("SELECT pg_database_size(current_database()) AS bytes")
                .get_result::<Size>(c)?
                .bytes,
        ),
    })
}

/// Most values in one `IN (…)` list (SQLite allows 32,766 bound values per statement).
pub const IN_LIST: usize = 2000;

/// PostgreSQL: refreshes a table's planner statistics when a tenth of its rows changed since they were
/// taken (what autovacuum does, for servers where it is off). A queue table like the outbox grows from
/// nothing to a large backlog quickly, and with statistics of the empty table the planner picks plans
/// that scan the whole backlog per row. Returns whether it ran. SQLite: nothing to do.
pub fn analyze_if_stale(conn: &mut DbConn, table: &str) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Stale {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        stale: bool,
    }
    let DbConn::Pg(c) = conn else {
        return Ok(false);
    };
    let stale = diesel::sql_query(
        "SELECT COALESCE(s.n_mod_since_analyze > 1000 + 0.1 * GREATEST(c.reltuples, 0), false) AS stale \
         FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid \
         WHERE c.oid = to_regclass($1)",
    )
    .bind::<diesel::sql_types::Text, _>(table)
    .get_result::<Stale>(c)
    .optional()?
    .is_some_and(|s| s.stale);
    if stale {
        diesel::sql_query(format!("ANALYZE {table}")).execute(c)?;
    }
    Ok(stale)
}
