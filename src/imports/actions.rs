//! What staff do to an import from the dashboard: upload a file (a draft job), start it with its mapping
//! (or a dry run), cancel it. Each changes the job and writes its audit row in one transaction.

use super::{KIND, Params};
use crate::db::DbConn;
use crate::db::models::audit_log;
use crate::db::models::jobs::{self, JobStatus};
use crate::db::write_tx;
use crate::domain::Actor;
use diesel::QueryResult;

/// How long an uploaded file may wait for its mapping before the draft and the file go.
pub const DRAFT_KEPT: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Removes the drafts `node` made that nobody started within `DRAFT_KEPT`, with their uploaded files
/// (each node its own: the file is on its disk); how many.
pub fn forget_abandoned(
    conn: &mut DbConn,
    node: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    let mut n = 0;
    for job in jobs::stale_drafts(conn, KIND, node, now - DRAFT_KEPT)? {
        if jobs::delete_draft(conn, job.id)? {
            if let Ok(p) = serde_json::from_str::<Params>(&job.params)
                && p.owned
            {
                let _ = std::fs::remove_file(p.path);
            }
            n += 1;
        }
    }
    Ok(n)
}

/// A draft job for a file uploaded to `node`'s disk, waiting for its mapping; its id.
pub fn draft(
    conn: &mut DbConn,
    params: &Params,
    node: &str,
    created_by: &str,
    by: &Actor,
) -> QueryResult<i64> {
    write_tx(conn, |c| {
        let now = crate::db::now();
        let id = jobs::create(
            c,
            &jobs::NewJob {
                kind: KIND,
                params: &serde_json::to_string(params).unwrap_or_default(),
                status: JobStatus::Draft,
                node: Some(node),
                created_by,
                created_at: now,
                updated_at: now,
            },
        )?;
        audit_log::record(
            c,
            by,
            "import.upload",
            &format!("job {id}"),
            Some(&params.name),
        )?;
        Ok(id)
    })
}

/// Queues the draft `id` with its final parameters (`params.dry_run` for a dry run); false when it is
/// no longer a draft.
pub fn start(conn: &mut DbConn, id: i64, params: &Params, by: &Actor) -> QueryResult<bool> {
    write_tx(conn, |c| {
        let now = crate::db::now();
        let json = serde_json::to_string(params).unwrap_or_default();
        let is_import = jobs::find(c, id)?.is_some_and(|j| j.kind == KIND);
        let ok = is_import
            && jobs::set_params(c, id, &json, now)?
            && jobs::set_status(c, id, &[JobStatus::Draft], JobStatus::Queued, now)?;
        if ok {
            let what = if params.dry_run {
                "import.dry_run"
            } else {
                "import.start"
            };
            audit_log::record(c, by, what, &format!("job {id}"), Some(&params.name))?;
        }
        Ok(ok)
    })
}

/// Cancels the open import `id`; false when there is none. A draft's or a queued job's own uploaded
/// file goes at once; a running one's when its runner sees the cancellation.
pub fn cancel(conn: &mut DbConn, id: i64, by: &Actor) -> QueryResult<bool> {
    let cancelled = write_tx(conn, |c| -> QueryResult<Option<jobs::Job>> {
        let Some(job) = jobs::find(c, id)?.filter(|j| j.kind == KIND) else {
            return Ok(None);
        };
        let open = [JobStatus::Draft, JobStatus::Queued, JobStatus::Running];
        if !jobs::set_status(c, id, &open, JobStatus::Cancelled, crate::db::now())? {
            return Ok(None);
        }
        audit_log::record(c, by, "import.cancel", &format!("job {id}"), None)?;
        Ok(Some(job))
    })?;
    let Some(job) = cancelled else {
        return Ok(false);
    };
    if job.status != JobStatus::Running
        && let Ok(p) = serde_json::from_str::<Params>(&job.params)
        && p.owned
    {
        let _ = std::fs::remove_file(p.path);
    }
    Ok(true)
}
