//! Saved audiences as staff manage them: each save and delete is audited in its own transaction.

use crate::db::DbConn;
use crate::db::models::{audiences, audit_log};
use crate::db::write_tx;
use crate::domain::Actor;
use crate::domain::audience::Match;
use diesel::QueryResult;

/// Saves the audience `name` ("profiles with `how` of `keys` enabled"); `None` when the name is taken.
pub fn save(
    conn: &mut DbConn,
    name: &str,
    how: Match,
    keys: &[&str],
    by: &Actor,
) -> QueryResult<Option<i64>> {
    write_tx(conn, |c| {
        let id = audiences::insert(c, name, how, keys, &by.name)?;
        if id.is_some() {
            let detail = format!("{} {}", how.as_str(), keys.join(","));
            audit_log::record(c, by, "audience.create", name, Some(&detail))?;
        }
        Ok(id)
    })
}

/// Deletes the saved audience `id`; false when there is none.
pub fn delete(conn: &mut DbConn, id: i64, by: &Actor) -> QueryResult<bool> {
    write_tx(conn, |c| {
        let Some(name) = audiences::delete(c, id)? else {
            return Ok(false);
        };
        audit_log::record(c, by, "audience.delete", &name, None)?;
        Ok(true)
    })
}
