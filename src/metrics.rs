//! What operators graph and alert on: counters of this process, and the text Prometheus scrapes at
//! `GET /metrics` (OpenMetrics; off unless `ASSENT_METRICS_TOKEN` is set, see `routes::public::health`).
//!
//! Each node counts what it did; Prometheus adds the nodes up. What the database holds (outbox depth,
//! dead letters, running jobs) is read when scraped and given as gauges, the same from every node.
//! Counts that belong to a write transaction (consent changes) are held until it commits
//! (`crate::db::tx`), so a rolled-back or retried transaction counts nothing.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Request {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Change {
    /// The kind of source (`form`, `api`, `integration`, `admin`, …), never the name after its colon:
    /// an admin's address does not belong in a metric.
    source: String,
    value: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Lane {
    lane: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    lane: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Kind {
    kind: String,
}

type Seconds = Gauge<f64, AtomicU64>;

struct Metrics {
    registry: Registry,
    requests: Family<Request, Counter>,
    latency: Family<Route, Histogram, fn() -> Histogram>,
    changes: Family<Change, Counter>,
    signups: Counter,
    deliveries: Family<Outcome, Counter>,
    due: Family<Lane, Gauge>,
    oldest_due: Family<Lane, Seconds>,
    dead: Family<Lane, Gauge>,
    jobs_running: Family<Kind, Gauge>,
    job_rows_done: Family<Kind, Gauge>,
    sendfiles_failing: Gauge,
    pool_open: Gauge,
    pool_in_use: Gauge,
}

fn latency_buckets() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut m = Metrics {
        registry: Registry::with_prefix("assent"),
        requests: Family::default(),
        latency: Family::new_with_constructor(latency_buckets),
        changes: Family::default(),
        signups: Counter::default(),
        deliveries: Family::default(),
        due: Family::default(),
        oldest_due: Family::default(),
        dead: Family::default(),
        jobs_running: Family::default(),
        job_rows_done: Family::default(),
        sendfiles_failing: Gauge::default(),
        pool_open: Gauge::default(),
        pool_in_use: Gauge::default(),
    };
    let r = &mut m.registry;
    r.register(
        "http_requests",
        "HTTP requests answered, by route pattern, method and status",
        m.requests.clone(),
    );
    r.register(
        "http_request_duration_seconds",
        "Time to answer an HTTP request, by route pattern and method",
        m.latency.clone(),
    );
    r.register(
        "consent_changes",
        "Consent changes recorded in the ledger by this node, by kind of source and value",
        m.changes.clone(),
    );
    r.register(
        "signups",
        "Sign-ups acknowledged by this node (each committed before its page was answered)",
        m.signups.clone(),
    );
    r.register(
        "deliveries",
        "Emails and webhook deliveries attempted by this node, by lane and outcome (delivered or failed)",
        m.deliveries.clone(),
    );
    r.register(
        "outbox_due",
        "Emails and webhook deliveries waiting to be sent, by lane (all nodes)",
        m.due.clone(),
    );
    r.register(
        "outbox_oldest_due_seconds",
        "How long the oldest waiting row of each lane has been due (0: none waiting)",
        m.oldest_due.clone(),
    );
    r.register(
        "outbox_dead_letters",
        "Rows given up on after their last retry, by lane (all nodes)",
        m.dead.clone(),
    );
    r.register(
        "jobs_running",
        "Jobs under way (imports), by kind (all nodes)",
        m.jobs_running.clone(),
    );
    r.register(
        "job_rows_done",
        "Rows done by the jobs under way, by kind",
        m.job_rows_done.clone(),
    );
    r.register(
        "sendfiles_failing",
        "Send-files whose last run failed (they retry on their schedule)",
        m.sendfiles_failing.clone(),
    );
    r.register(
        "db_pool_connections",
        "Database connections this node holds open",
        m.pool_open.clone(),
    );
    r.register(
        "db_pool_in_use",
        "Database connections of this node in use at the time of the scrape",
        m.pool_in_use.clone(),
    );
    m
});

static ON: AtomicBool = AtomicBool::new(false);

/// Turns counting on (at start-up, when metrics are served): off, nothing is counted and the request
/// path does not even look up its route pattern.
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
    LazyLock::force(&METRICS);
}

pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// An HTTP request answered.
pub fn request(route: &str, method: &str, status: u16, seconds: f64) {
    let m = &*METRICS;
    let (route, method) = (route.to_string(), method.to_string());
    m.requests
        .get_or_create(&Request {
            route: route.clone(),
            method: method.clone(),
            status,
        })
        .inc();
    m.latency
        .get_or_create(&Route { route, method })
        .observe(seconds);
}

thread_local! {
    /// Consent changes of this thread's open write transaction: (kind of source, value, how many).
    static PENDING: RefCell<Vec<(String, String, u64)>> = const { RefCell::new(Vec::new()) };
}

/// Ledger events written in this thread's write transaction, as (source, value); counted once it
/// commits.
pub fn consent_changes<'a>(events: impl Iterator<Item = (&'a str, &'a str)>) {
    if !enabled() {
        return;
    }
    let mut counts: HashMap<(&str, &str), u64> = HashMap::new();
    for (source, value) in events {
        let kind = source.split(':').next().unwrap_or(source);
        *counts.entry((kind, value)).or_default() += 1;
    }
    PENDING.with_borrow_mut(|p| {
        p.extend(
            counts
                .into_iter()
                .map(|((kind, value), n)| (kind.to_string(), value.to_string(), n)),
        )
    });
}

/// The write transaction ended (`crate::db::tx`): its counts are kept if it committed.
pub fn settle(committed: bool) {
    if !enabled() {
        return;
    }
    let pending = PENDING.with_borrow_mut(std::mem::take);
    if committed {
        for (source, value, n) in pending {
            METRICS
                .changes
                .get_or_create(&Change { source, value })
                .inc_by(n);
        }
    }
}

/// Where this thread's open transaction stands, to go back to (`rolled_back_to`) when a savepoint in
/// it rolls back.
pub fn mark() -> usize {
    PENDING.with_borrow(Vec::len)
}

/// A savepoint rolled back: the changes counted since `mark` were not written.
pub fn rolled_back_to(mark: usize) {
    PENDING.with_borrow_mut(|p| p.truncate(mark));
}

pub fn signups(n: u64) {
    if enabled() {
        METRICS.signups.inc_by(n);
    }
}

/// One round of a delivery lane (`email` or `webhook`).
pub fn deliveries(lane: &str, delivered: u64, failed: u64) {
    if !enabled() {
        return;
    }
    for (outcome, n) in [("delivered", delivered), ("failed", failed)] {
        if n > 0 {
            METRICS
                .deliveries
                .get_or_create(&Outcome {
                    lane: lane.into(),
                    outcome: outcome.into(),
                })
                .inc_by(n);
        }
    }
}

/// One lane of the outbox as the database holds it.
pub struct LaneState {
    pub lane: &'static str,
    pub due: i64,
    pub oldest_due_seconds: f64,
    pub dead: i64,
}

/// What the database holds and this node's pool, when scraped.
pub struct Snapshot {
    pub lanes: Vec<LaneState>,
    /// (kind, jobs running, rows they have done)
    pub jobs: Vec<(String, i64, i64)>,
    pub sendfiles_failing: i64,
    pub pool_open: u32,
    pub pool_idle: u32,
}

/// The scrape: every metric in the OpenMetrics text format.
pub fn render(now: Snapshot) -> String {
    let m = &*METRICS;
    for l in &now.lanes {
        let lane = Lane {
            lane: l.lane.into(),
        };
        m.due.get_or_create(&lane).set(l.due);
        m.oldest_due.get_or_create(&lane).set(l.oldest_due_seconds);
        m.dead.get_or_create(&lane).set(l.dead);
    }
    for (kind, running, rows) in &now.jobs {
        let kind = Kind { kind: kind.clone() };
        m.jobs_running.get_or_create(&kind).set(*running);
        m.job_rows_done.get_or_create(&kind).set(*rows);
    }
    m.sendfiles_failing.set(now.sendfiles_failing);
    m.pool_open.set(now.pool_open.into());
    m.pool_in_use
        .set(i64::from(now.pool_open) - i64::from(now.pool_idle));
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &m.registry)
        .expect("writing to a String cannot fail");
    out
}
