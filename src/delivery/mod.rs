//! One delivery mechanism for every side effect (emails, webhooks): rows of the outbox, written in the
//! change's transaction, are claimed under a lease, delivered through a `Deliver` implementation,
//! retried on that deliverer's schedule and, after the last attempt, dead-lettered where the dashboard
//! shows them. A worker serves one lane (`outbox::Lane`), so a slow webhook endpoint never holds up email
//! or another endpoint. `Worker::step` is one round (claim, deliver, record), which tests can drive.

use crate::db::models::outbox::{self, Answer, Claimed, Lane};
use crate::db::{DbConn, Pool};
use crate::domain::redact_addresses;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// How one attempt at one row went.
#[derive(Debug)]
pub enum Attempt {
    Delivered(Answer),
    /// Closed without delivering anything (there was nothing to send), with why.
    Nothing(&'static str),
    Failed {
        error: String,
        answer: Answer,
        /// Retrying cannot help (the receiver refused this row for good): dead-lettered at once.
        permanent: bool,
        /// The receiver asked not to be tried again before this long (`Retry-After`).
        not_before: Option<Duration>,
        /// The receiver said it is gone for good (HTTP 410): the deliverer is told (`Deliver::gone`).
        gone: bool,
    },
    /// No conversation with the receiver happened, so the rest of the round would fail the same way:
    /// the round's rows are given back untouched and the worker backs off as a whole.
    Unreachable(String),
}

impl Attempt {
    /// A failure worth retrying on the usual schedule.
    pub fn retry(error: impl Into<String>, answer: Answer) -> Attempt {
        Attempt::Failed {
            error: error.into(),
            answer,
            permanent: false,
            not_before: None,
            gone: false,
        }
    }

    /// An attempt that was made and failed (a row released untried when the receiver was already
    /// found unreachable is not one).
    fn failed(&self) -> bool {
        match self {
            Attempt::Failed { .. } => true,
            Attempt::Unreachable(why) => !why.is_empty(),
            _ => false,
        }
    }
}

/// One kind of delivery: what a lane's rows turn into and how they are sent.
pub trait Deliver: Send + Sync + 'static {
    /// A row made ready to send (a composed email, a signed request).
    type Ready: Send + 'static;

    fn lane(&self) -> Lane;
    /// Rows claimed per round, how many are sent at once, and how long a claim holds: longer than a
    /// round can take, so no other worker takes over rows that are still being sent.
    fn claim_size(&self) -> i64;
    fn in_flight(&self) -> usize;
    fn lease(&self) -> Duration;
    /// The wait before the next attempt once `attempts` have failed; `None` dead-letters the row.
    fn retry_delay(&self, attempts: i32) -> Option<Duration>;
    /// Blocking, with a connection: what to send for each claimed row, in order (`Ok(None)`: nothing).
    fn prepare(
        &self,
        conn: &mut DbConn,
        rows: &[Claimed],
    ) -> Vec<Result<Option<Self::Ready>, String>>;
    fn send(&self, ready: Self::Ready) -> impl Future<Output = Attempt> + Send;
    /// Blocking, before each claim: whether the target takes deliveries now (a paused webhook endpoint
    /// does not, from the round after the pause commits, whichever node paused it).
    fn open(&self, _conn: &mut DbConn) -> diesel::QueryResult<bool> {
        Ok(true)
    }
    /// Recorded on a row closed without sending (`prepare` gave `Ok(None)`).
    fn nothing_sent(&self) -> &'static str {
        "nothing to send"
    }
    /// Blocking, in the transaction that records a round: the receiver answered that it is gone.
    fn gone(&self, _conn: &mut DbConn, _why: &str) -> diesel::QueryResult<()> {
        Ok(())
    }
}

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub delivered: usize,
    pub unreachable: bool,
    pub gone: bool,
}

pub struct Worker<D: Deliver> {
    pub pool: Pool,
    pub deliver: Arc<D>,
    /// This process's claim id (`crate::node`).
    pub claim_id: String,
}

impl<D: Deliver> Clone for Worker<D> {
    fn clone(&self) -> Self {
        Worker {
            pool: self.pool.clone(),
            deliver: self.deliver.clone(),
            claim_id: self.claim_id.clone(),
        }
    }
}

fn delta(d: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::MAX)
}

impl<D: Deliver> Worker<D> {
    /// Claims due rows, sends them and records each result. `release_for` is how long rows wait when
    /// the receiver is unreachable.
    pub async fn step(&self, release_for: Duration) -> anyhow::Result<Round> {
        let d = self.deliver.clone();
        let lease = crate::db::now() + delta(d.lease());
        let (pool, claim_id) = (self.pool.clone(), self.claim_id.clone());
        let claimed = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = pool.get()?;
            if !d.open(&mut conn)? {
                return Ok((Vec::new(), Vec::new()));
            }
            let rows = outbox::claim(
                &mut conn,
                d.lane(),
                crate::db::now(),
                lease,
                d.claim_size(),
                &claim_id,
            )?;
            let ready = if rows.is_empty() {
                Vec::new()
            } else {
                d.prepare(&mut conn, &rows)
            };
            Ok((rows, ready))
        })
        .await??;
        let (rows, ready) = claimed;
        let mut round = Round {
            claimed: rows.len(),
            ..Round::default()
        };
        if rows.is_empty() {
            return Ok(round);
        }

        let stop = Arc::new(AtomicBool::new(false));
        let mut results = Vec::with_capacity(rows.len());
        let mut sending = tokio::task::JoinSet::new();
        for (row, ready) in rows.iter().zip(ready) {
            let ready = match ready {
                Ok(Some(r)) => r,
                Ok(None) => {
                    results.push((
                        row.id,
                        row.attempts,
                        Attempt::Nothing(self.deliver.nothing_sent()),
                    ));
                    continue;
                }
                Err(e) => {
                    results.push((
                        row.id,
                        row.attempts,
                        Attempt::retry(format!("cannot prepare: {e}"), Answer::default()),
                    ));
                    continue;
                }
            };
            while sending.len() >= self.deliver.in_flight().max(1) {
                if let Some(done) = sending.join_next().await {
                    results.push(done?);
                }
            }
            let (d, stop, id, attempts) =
                (self.deliver.clone(), stop.clone(), row.id, row.attempts);
            sending.spawn(async move {
                if stop.load(Ordering::Relaxed) {
                    return (id, attempts, Attempt::Unreachable(String::new()));
                }
                let attempt = d.send(ready).await;
                if matches!(attempt, Attempt::Unreachable(_)) {
                    stop.store(true, Ordering::Relaxed);
                }
                (id, attempts, attempt)
            });
        }
        while let Some(done) = sending.join_next().await {
            results.push(done?);
        }

        let failed = results.iter().filter(|(_, _, a)| a.failed()).count();
        let d = self.deliver.clone();
        let pool = self.pool.clone();
        round = tokio::task::spawn_blocking(move || -> anyhow::Result<Round> {
            let mut conn = pool.get()?;
            Ok(crate::db::write_tx(&mut conn, |c| {
                record(&*d, c, &results, lease, release_for)
            })?)
        })
        .await??;
        round.claimed = rows.len();
        crate::metrics::deliveries(
            self.deliver.lane().channel(),
            round.delivered as u64,
            failed as u64,
        );
        Ok(round)
    }

    /// Runs rounds until `stop` says so (or forever), sleeping while there is nothing due and backing
    /// off as a whole while the receiver is unreachable.
    pub async fn run(
        self,
        mut wake: watch::Receiver<u64>,
        idle: Duration,
        retry_base: Duration,
        stop: Option<Arc<AtomicBool>>,
    ) {
        let what = self.deliver.lane().channel();
        let mut backoff = retry_base;
        while !stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
            match self.step(backoff).await {
                // The receiver is gone for good (`Deliver::gone` has paused this lane's target).
                Ok(r) if r.gone => return,
                Ok(r) if r.unreachable => {
                    // Not woken by new rows: they would fail the same way until the receiver is back.
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(300));
                }
                Ok(r) => {
                    backoff = retry_base;
                    if r.claimed == 0 {
                        pause(&mut wake, idle).await;
                    }
                }
                Err(e) => {
                    tracing::error!(lane = what, error = %e, "delivery worker cannot read or update the outbox; retrying (claimed rows come back after their lease)");
                    pause(&mut wake, retry_base.max(Duration::from_millis(100))).await;
                }
            }
        }
    }
}

/// Records a round's results in one transaction.
fn record<D: Deliver>(
    d: &D,
    conn: &mut DbConn,
    results: &[(i64, i32, Attempt)],
    lease: chrono::NaiveDateTime,
    release_for: Duration,
) -> Result<Round, diesel::result::Error> {
    let now = crate::db::now();
    let what = d.lane().channel();
    let mut round = Round::default();
    let mut released = Vec::new();
    let mut sent = Vec::new();
    let mut reason = String::new();
    for (id, attempts, attempt) in results {
        let id = *id;
        match attempt {
            Attempt::Delivered(answer) => {
                sent.push((id, answer));
                round.delivered += 1;
            }
            Attempt::Nothing(why) => outbox::mark_skipped(conn, id, lease, now, why)?,
            Attempt::Failed {
                error,
                answer,
                permanent,
                not_before,
                gone,
            } => {
                let wait = d
                    .retry_delay(attempts + 1)
                    .filter(|_| !permanent)
                    .map(|w| not_before.map_or(w, |n| n.max(w)));
                let retry_at = wait.map(|w| now + delta(w));
                let shown = redact_addresses(error);
                match retry_at {
                    None => {
                        tracing::error!(lane = what, outbox_id = id, error = %shown, "delivery dead-lettered after its last attempt; retry it from the dashboard once the cause is fixed")
                    }
                    Some(_) => {
                        tracing::warn!(lane = what, outbox_id = id, attempt = attempts + 1, error = %shown, "delivery failed; will retry")
                    }
                }
                outbox::mark_failed(conn, id, lease, error, now, retry_at, answer)?;
                if *gone && !round.gone {
                    d.gone(conn, error)?;
                    round.gone = true;
                }
            }
            Attempt::Unreachable(e) => {
                released.push(id);
                if reason.is_empty() && !e.is_empty() {
                    reason = e.clone();
                }
                round.unreachable = true;
            }
        }
    }
    outbox::mark_sent_many(conn, &sent, lease, now)?;
    if !released.is_empty() {
        tracing::warn!(lane = what, error = %redact_addresses(&reason), "receiver unreachable; deliveries wait in the outbox and are retried");
        outbox::release(conn, &released, lease, now + delta(release_for), &reason)?;
    }
    Ok(round)
}

/// Waits until `wake` says work was committed (see `db::tx::Lane`), or at most `max`.
pub async fn pause(wake: &mut watch::Receiver<u64>, max: Duration) {
    tokio::select! {
        _ = wake.changed() => {}
        _ = tokio::time::sleep(max) => {}
    }
}
