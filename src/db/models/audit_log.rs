//! What staff and operators changed: one row per dashboard or command-line action, written in the same
//! transaction as the change where there is one.

use crate::db::DbConn;
use crate::db::schema::audit_log;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub id: i64,
    /// `admin:<email>` for dashboard users, `cli` for the command line.
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: Option<String>,
    pub ip: Option<String>,
    pub at: NaiveDateTime,
}

pub fn record(
    conn: &mut DbConn,
    by: &crate::domain::Actor,
    action: &str,
    subject: &str,
    detail: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor.eq(&by.name),
            audit_log::action.eq(action),
            audit_log::subject.eq(subject),
            audit_log::detail.eq(detail),
            audit_log::ip.eq(by.ip.as_deref()),
            audit_log::at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest entries first, with ids below `before` (keyset pages).
pub fn page(conn: &mut DbConn, before: Option<i64>, limit: i64) -> QueryResult<Vec<Entry>> {
    let mut q = audit_log::table
        .select(Entry::as_select())
        .order(audit_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(audit_log::id.lt(b));
    }
    q.load(conn)
}
