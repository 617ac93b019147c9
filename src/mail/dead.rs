//! Dead letters of the email lane, retried by staff: a new round of attempts, audited.

use crate::db::DbConn;
use crate::db::models::{audit_log, outbox};
use crate::domain::Actor;
use diesel::QueryResult;

/// Gives every dead email (or the one `id`) a new round of attempts, due now; returns how many.
pub fn retry(conn: &mut DbConn, id: Option<i64>, by: &Actor) -> QueryResult<usize> {
    crate::db::write_tx(conn, |c| {
        let n = outbox::revive(c, outbox::Lane::Email, id, crate::db::now())?;
        if n > 0 {
            let subject = id.map_or("every dead letter".into(), |i| format!("email {i}"));
            let detail = format!("{n} queued again");
            audit_log::record(c, by, "email.retry", &subject, Some(&detail))?;
        }
        Ok(n)
    })
}
