//! The server's import runner: takes the open import jobs of this node (the dashboard's uploads are on
//! its disk) one at a time, resumes one an earlier start of this node left half done, and runs it. Woken
//! when an import is started, and every few seconds in case a wake-up was missed.

use super::{Counts, JobRef, KIND, Params};
use crate::db::Pool;
use crate::db::models::jobs;
use crate::node::Node;
use std::collections::HashMap;
use std::sync::Arc;

const POLL: std::time::Duration = std::time::Duration::from_secs(5);
/// Runs of a job that failed in a row (not by a problem of its file, which ends it at once) before it
/// is marked failed rather than tried again.
const ATTEMPTS: u32 = 3;

pub async fn run(pool: Pool, node: Node, chunk: usize) {
    let mut wake = crate::db::tx::watch(crate::db::tx::Lane::Jobs);
    let failures = Arc::new(std::sync::Mutex::new(HashMap::new()));
    loop {
        let (p, n, f) = (pool.clone(), node.clone(), failures.clone());
        let runs = move || {
            let mut failures = f.lock().unwrap_or_else(|e| e.into_inner());
            run_open(&p, &n, chunk, &mut failures)
        };
        match tokio::task::spawn_blocking(runs).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::error!(error = %e, "import runner: cannot read the open imports; trying again shortly")
            }
            // A panic is the supervisor's to log and restart.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => return,
        }
        crate::delivery::pause(&mut wake, POLL).await;
    }
}

/// Runs every open import job of this node that nobody else holds, oldest first. `failures` counts the
/// failed runs of each job in a row.
pub fn run_open(
    pool: &Pool,
    node: &Node,
    chunk: usize,
    failures: &mut HashMap<i64, u32>,
) -> anyhow::Result<()> {
    let open = jobs::open(&mut *pool.get()?, KIND)?;
    for job in open
        .into_iter()
        .filter(|j| j.node.as_deref() == Some(&node.name))
    {
        let now = crate::db::now();
        let taken = super::claim(&mut *pool.get()?, job.id, node, now)?;
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
            Ok(s) => {
                failures.remove(&job.id);
                tracing::info!(
                    job = job.id,
                    rows = s.status.done,
                    seconds = started.elapsed().as_secs_f64(),
                    rejected = s.status.counts.rejected,
                    stopped = s.error.as_deref().unwrap_or(""),
                    "import finished"
                )
            }
            Err(e) => {
                // Cancelled in the dashboard, or taken over: the file of a cancelled upload goes.
                let now_job = jobs::find(&mut *pool.get()?, job.id)?;
                if now_job.is_some_and(|j| j.status == jobs::JobStatus::Cancelled) {
                    tracing::info!(job = job.id, "import cancelled");
                    if params.owned {
                        let _ = std::fs::remove_file(&params.path);
                    }
                } else {
                    let n = failures.entry(job.id).or_insert(0);
                    *n += 1;
                    if *n >= ATTEMPTS {
                        let why = format!("stopped after {ATTEMPTS} attempts: {e}");
                        jobs::finish(
                            &mut *pool.get()?,
                            job.id,
                            &node.claim_id,
                            Some(&why),
                            crate::db::now(),
                        )?;
                        failures.remove(&job.id);
                        if params.owned {
                            let _ = std::fs::remove_file(&params.path);
                        }
                        tracing::error!(job = job.id, error = %e, "import failed {ATTEMPTS} times in a row; marked failed");
                    } else {
                        tracing::error!(job = job.id, error = %e, "import stopped; trying again shortly from its last committed row");
                    }
                }
            }
        }
    }
    Ok(())
}
