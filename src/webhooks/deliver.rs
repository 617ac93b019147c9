//! Webhook delivery: one outbox lane per endpoint, so a slow or dead receiver never holds up another.
//! Each request is signed per Standard Webhooks 1.0 at the moment it is sent (with both secrets during
//! a rotation's grace period); only a 2xx answer counts as delivered; `Retry-After` is honoured; a 410
//! pauses the endpoint until an admin resumes it.

use crate::db::models::outbox::{Answer, Claimed, Lane};
use crate::db::models::webhook_endpoints;
use crate::db::{DbConn, Pool};
use crate::delivery::{Attempt, Deliver, Worker};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Waits between attempts, as docs/reference.md promises ("Outgoing webhooks"): about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h; after
/// the eighth attempt the row is dead-lettered.
const SCHEDULE_SECS: [u64; 7] = [5, 300, 1800, 7200, 18000, 36000, 86400];
/// Requests in flight per endpoint, rows per claim, and a lease longer than a round can take (all its
/// requests timing out one after another in `IN_FLIGHT` lanes).
const IN_FLIGHT: usize = 16;
const CLAIM: i64 = 256;
/// Bytes of a response body kept for the delivery log.
const KEEP: usize = 200;

/// How webhooks are sent on this node.
#[derive(Clone)]
pub struct Settings {
    /// Opens the endpoints' sealed secrets.
    pub sealer: crate::domain::Sealer,
    pub allow_private: bool,
    /// `ASSENT_OUTGOING_PROXY`, when set.
    pub proxy: Option<String>,
    /// A whole request, connection included.
    pub timeout: Duration,
    /// The first retry's wait; later ones keep the schedule's proportions (tests shrink it).
    pub first_retry: Duration,
}

/// The deliverer of one endpoint's lane.
pub struct Webhook {
    pub endpoint_id: i64,
    pub client: reqwest::Client,
    pub settings: Settings,
}

/// A request ready to go: the signatures are made when it is sent.
pub struct Request {
    url: reqwest::Url,
    message_id: String,
    body: String,
    secrets: Vec<String>,
}

/// The `webhook-signature` header: one `v1,<sig>` per secret, space-separated.
pub fn signatures(
    secrets: &[String],
    message_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, String> {
    let signed: Result<Vec<String>, String> = secrets
        .iter()
        .map(|s| crate::domain::signing::signature(s, message_id, timestamp, body))
        .collect();
    Ok(signed?.join(" "))
}

/// `Retry-After` as seconds or an HTTP date, at most a day.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let raw = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let wait = match raw.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(raw).ok()?;
            (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .unwrap_or_default()
        }
    };
    Some(wait.min(Duration::from_secs(86400)))
}

/// The start of a response body, read no further than needed.
async fn body_start(mut r: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < KEEP {
        match r.chunk().await {
            Ok(Some(c)) => kept.extend_from_slice(&c[..c.len().min(KEEP - kept.len())]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

impl Deliver for Webhook {
    type Ready = Request;

    fn lane(&self) -> Lane {
        Lane::Webhook(self.endpoint_id)
    }

    fn claim_size(&self) -> i64 {
        CLAIM
    }

    fn in_flight(&self) -> usize {
        IN_FLIGHT
    }

    fn lease(&self) -> Duration {
        self.settings.timeout * (CLAIM as u32 / IN_FLIGHT as u32 + 1) + Duration::from_secs(60)
    }

    fn retry_delay(&self, attempts: i32) -> Option<Duration> {
        let secs = SCHEDULE_SECS.get(usize::try_from(attempts).ok()?.checked_sub(1)?)?;
        Some(
            self.settings
                .first_retry
                .mul_f64(*secs as f64 / SCHEDULE_SECS[0] as f64),
        )
    }

    fn open(&self, conn: &mut DbConn) -> diesel::QueryResult<bool> {
        Ok(webhook_endpoints::find(conn, self.endpoint_id)?.is_some_and(|e| e.paused_at.is_none()))
    }

    fn prepare(&self, conn: &mut DbConn, rows: &[Claimed]) -> Vec<Result<Option<Request>, String>> {
        let endpoint = match webhook_endpoints::find(conn, self.endpoint_id) {
            Ok(Some(e)) => e,
            Ok(None) => return rows.iter().map(|_| Ok(None)).collect(),
            Err(e) => return rows.iter().map(|_| Err(e.to_string())).collect(),
        };
        let url = match reqwest::Url::parse(&endpoint.url) {
            Ok(u) => u,
            Err(e) => {
                return rows
                    .iter()
                    .map(|_| Err(format!("the endpoint's URL: {e}")))
                    .collect();
            }
        };
        let now = crate::db::now();
        let mut secrets = vec![endpoint.secret.as_str()];
        if let (Some(old), Some(until)) = (&endpoint.previous_secret, endpoint.previous_until)
            && until > now
        {
            secrets.push(old.as_str());
        }
        let secrets = match secrets
            .into_iter()
            .map(|s| self.settings.sealer.open(s))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(s) => s,
            Err(e) => return rows.iter().map(|_| Err(e.to_string())).collect(),
        };
        rows.iter()
            .map(|row| {
                Ok(Some(Request {
                    url: url.clone(),
                    message_id: format!("msg_{}", row.id),
                    body: row.payload.clone(),
                    secrets: secrets.clone(),
                }))
            })
            .collect()
    }

    async fn send(&self, r: Request) -> Attempt {
        if let Some(why) = crate::outgoing::literal_refused(&r.url, self.settings.allow_private) {
            return Attempt::retry(why, Answer::default());
        }
        let timestamp = chrono::Utc::now().timestamp();
        let signature = match signatures(&r.secrets, &r.message_id, timestamp, r.body.as_bytes()) {
            Ok(s) => s,
            Err(e) => return Attempt::retry(e, Answer::default()),
        };
        let started = Instant::now();
        let sent = self
            .client
            .post(r.url)
            .header("content-type", "application/json")
            .header("webhook-id", &r.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(r.body)
            .send()
            .await;
        let latency = |started: Instant| i32::try_from(started.elapsed().as_millis()).ok();
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                let answer = Answer {
                    latency_ms: latency(started),
                    ..Answer::default()
                };
                return Attempt::retry(crate::outgoing::describe(&e), answer);
            }
        };
        let status = response.status();
        let wait = retry_after(response.headers());
        let start = body_start(response).await;
        let answer = Answer {
            code: Some(i32::from(status.as_u16())),
            latency_ms: latency(started),
            start: Some(start).filter(|s| !s.is_empty()),
        };
        if status.is_success() {
            return Attempt::Delivered(answer);
        }
        Attempt::Failed {
            error: format!("the receiver answered {status}"),
            answer,
            permanent: false,
            not_before: wait,
            gone: status == reqwest::StatusCode::GONE,
        }
    }

    fn gone(&self, conn: &mut DbConn, why: &str) -> diesel::QueryResult<()> {
        tracing::warn!(
            webhook = self.endpoint_id,
            "the receiver answered 410 Gone: endpoint paused; resume it in the dashboard or with assent webhook resume"
        );
        webhook_endpoints::set_paused(
            conn,
            self.endpoint_id,
            Some(crate::db::now()),
            Some(&format!("{why}: paused until resumed")),
        )?;
        Ok(())
    }
}

struct Running {
    stop: Arc<AtomicBool>,
    /// Set when the lane's loop returned by itself (rather than panicking).
    ended: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

/// Keeps one lane running per active endpoint: starts lanes for new or resumed endpoints, stops those of
/// paused or deleted ones, and restarts (and logs) a lane that died. Each lane is woken by the commits
/// that queue webhook deliveries (`db::tx::Lane::Webhooks`).
pub async fn run_lanes(pool: Pool, node: crate::node::Node, settings: Settings) {
    let client = crate::outgoing::client(
        settings.allow_private,
        settings.proxy.as_deref(),
        settings.timeout,
    );
    let mut lanes: HashMap<i64, Running> = HashMap::new();
    loop {
        let p = pool.clone();
        let active = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<i64>> {
            let mut conn = p.get()?;
            // The claim's plan depends on the backlog's size being known (see `analyze_if_stale`).
            crate::db::analyze_if_stale(&mut conn, "outbox")?;
            Ok(webhook_endpoints::active_ids(&mut conn)?)
        })
        .await;
        match active {
            Ok(Ok(ids)) => {
                lanes.retain(|id, lane| {
                    let keep = ids.contains(id) && !lane.task.is_finished();
                    if !keep {
                        if lane.task.is_finished() && !lane.ended.load(Ordering::Relaxed) {
                            tracing::error!(
                                webhook = id,
                                "a webhook lane panicked; starting it again"
                            );
                        }
                        lane.stop.store(true, Ordering::Relaxed);
                        // So that it notices now rather than at its next idle check.
                        crate::db::tx::wake(crate::db::tx::Lane::Webhooks);
                    }
                    keep
                });
                for id in ids {
                    lanes.entry(id).or_insert_with(|| {
                        let stop = Arc::new(AtomicBool::new(false));
                        let worker = Worker {
                            pool: pool.clone(),
                            deliver: Arc::new(Webhook {
                                endpoint_id: id,
                                client: client.clone(),
                                settings: settings.clone(),
                            }),
                            claim_id: node.claim_id.clone(),
                        };
                        let ended = Arc::new(AtomicBool::new(false));
                        let run = worker.run(
                            crate::db::tx::watch(crate::db::tx::Lane::Webhooks),
                            Duration::from_millis(500),
                            settings.first_retry.min(Duration::from_secs(5)),
                            Some(stop.clone()),
                        );
                        let done = ended.clone();
                        let task = tokio::spawn(async move {
                            run.await;
                            done.store(true, Ordering::Relaxed);
                        });
                        Running { stop, ended, task }
                    });
                }
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot read the webhook endpoints; retrying")
            }
            Err(e) => tracing::error!(error = %e, "reading the webhook endpoints failed; retrying"),
        }
        // New endpoints and resumed ones are picked up within a second.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
