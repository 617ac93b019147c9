//! The server's import runner: takes the open import jobs of this node (the dashboard's uploads are on
//! its disk) one at a time, resumes one an earlier start of this node left half done, and runs it. Woken
//! when an import is started, and every few seconds in case a wake-up was missed.

use super::{Counts, JobRef, KIND, LEASE, Params};
use crate::consent::{ApplyError, write_tx};
use crate::db::Pool;
use crate::db::models::jobs;
use crate::node::Node;
use std::sync::Arc;
use tokio::sync::Notify;

const POLL: std::time::Duration = std::time::Duration::from_secs(5);

pub async fn run(pool: Pool, node: Node, chunk: usize, wakeup: Arc<Notify>) {
    loop {
        let (p, n) = (pool.clone(), node.clone());
        match tokio::task::spawn_blocking(move || run_open(&p, &n, chunk)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %e, "import runner: cannot read the open imports; trying again shortly")
            }
            // A panic is the supervisor's to log and restart.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => return,
        }
        tokio::select! {
            _ = wakeup.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Runs every open import job of this node that nobody else holds, oldest first.
pub fn run_open(pool: &Pool, node: &Node, chunk: usize) -> anyhow::Result<()> {
    let open = jobs::open(&mut *pool.get()?, KIND)?;
    for job in open
        .into_iter()
        .filter(|j| j.node.as_deref() == Some(&node.name))
    {
        let now = crate::db::now();
        let taken = write_tx(&mut *pool.get()?, |c| -> Result<_, ApplyError> {
            Ok(jobs::claim(
                c,
                job.id,
                &node.claim_id,
                now,
                now + LEASE,
                &|h| node.holder_gone(h),
            )?)
        })?;
        let Ok(job) = taken else { continue };
        let params: Params = match serde_json::from_str(&job.params) {
            Ok(p) => p,
            Err(e) => {
                jobs::finish(
                    &mut *pool.get()?,
                    job.id,
                    &node.claim_id,
                    Some(&format!("unreadable parameters: {e}")),
                    crate::db::now(),
                )?;
                continue;
            }
        };
        if job.done > 0 {
            tracing::info!(
                job = job.id,
                after_row = job.done,
                "resuming an interrupted import"
            );
        }
        let started = std::time::Instant::now();
        let result = super::run(
            pool,
            &params,
            Some(JobRef {
                id: job.id,
                claim_id: &node.claim_id,
                done: job.done as u64,
                total: job.total.map(|t| t as u64),
                counts: Counts::parse(&job.counts),
            }),
            chunk,
            &mut |_, _| {},
        );
        match result {
            Ok(s) => tracing::info!(
                job = job.id,
                rows = s.status.done,
                seconds = started.elapsed().as_secs_f64(),
                rejected = s.status.counts.rejected,
                stopped = s.error.as_deref().unwrap_or(""),
                "import finished"
            ),
            Err(e) => {
                // Cancelled in the dashboard, or taken over: the file of a cancelled upload goes.
                let now_job = jobs::find(&mut *pool.get()?, job.id)?;
                if now_job.is_some_and(|j| j.status == "cancelled") {
                    tracing::info!(job = job.id, "import cancelled");
                    if params.owned {
                        let _ = std::fs::remove_file(&params.path);
                    }
                } else {
                    tracing::error!(job = job.id, error = %e, "import stopped; it resumes after a restart");
                }
            }
        }
    }
    Ok(())
}
