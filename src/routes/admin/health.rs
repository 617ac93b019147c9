//! The health page (admins only): the figures `GET /metrics` gives a monitoring system, at a glance, with
//! what a person needs to act on them: the engine, version and database size, this process's workers,
//! each delivery lane's backlog and last error, running jobs and failing send-files.

use super::private;
use crate::db::models::outbox::{self, ChannelState};
use crate::db::models::{jobs, sendfiles};
use crate::routes::edge::AppState;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::supervise::Worker;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

/// One delivery lane (email, webhook) as the page shows it.
struct LaneRow {
    lane: ChannelState,
    /// How long the oldest due message has waited, in seconds (0: none is due).
    oldest_due_seconds: i64,
    last_error: Option<(NaiveDateTime, String)>,
}

#[derive(Template)]
#[template(path = "admin/health.html")]
struct HealthPage {
    staff: Staff,
    engine: &'static str,
    version: &'static str,
    database_bytes: i64,
    node: String,
    lanes: Vec<LaneRow>,
    /// (kind, running, rows done)
    jobs: Vec<(String, i64, i64)>,
    sendfiles_failing: i64,
    workers: Vec<Worker>,
    pool_open: u32,
    pool_idle: u32,
}

pub async fn page(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let now = crate::db::now();
    let (engine, database_bytes, lanes, jobs, sendfiles_failing) = state
        .db(move |c| {
            let (engine, size) = crate::db::engine_and_size(c)?;
            let mut lanes = Vec::new();
            for lane in outbox::channels(c, now)? {
                lanes.push(LaneRow {
                    oldest_due_seconds: lane
                        .oldest_due
                        .map_or(0, |t| (now - t).num_seconds().max(0)),
                    last_error: outbox::last_error(c, lane.channel)?,
                    lane,
                });
            }
            Ok((
                engine,
                size,
                lanes,
                jobs::running(c)?,
                sendfiles::failing(c)?,
            ))
        })
        .await?;
    let pool = state.pool.state();
    Ok(private(html(
        StatusCode::OK,
        &HealthPage {
            staff,
            engine,
            version: env!("CARGO_PKG_VERSION"),
            database_bytes,
            node: state.node.name.clone(),
            lanes,
            jobs,
            sendfiles_failing,
            workers: crate::supervise::workers(),
            pool_open: pool.connections,
            pool_idle: pool.idle_connections,
        },
    )))
}
