//! A fast local webhook receiver for `scripts/bench-webhooks.sh`: the test suite's receiver (it checks
//! every Standard Webhooks signature with the `standardwebhooks` crate), run as a program.
//!
//! `webhook_receiver PORT SECRET COUNT [FAIL_PERCENT]` answers until COUNT distinct messages were
//! accepted, then prints one line: `count=N first=EPOCH last=EPOCH lag_p50_ms=… lag_p99_ms=…
//! requests=… failed=… bad_signatures=… twice=… out_of_order=…` (lag: arrival minus the body's
//! `timestamp`, when the change was recorded; twice: messages accepted again after their first 2xx;
//! out_of_order: one person's changes that arrived after a later change of theirs, by `data.eventId`)
//! and exits. With COUNT 0 it answers until killed (`wrk` measures its own ceiling).

#[allow(dead_code)]
#[path = "../tests/api/helpers/receiver.rs"]
mod receiver;

use std::time::{Duration, UNIX_EPOCH};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: webhook_receiver PORT SECRET COUNT [FAIL_PERCENT]");
        std::process::exit(2);
    }
    let port: u16 = args[1].parse().expect("a port");
    let count: usize = args[3].parse().expect("a count");
    let rx = receiver::Receiver::start_on(port).await;
    rx.trust(&[&args[2]]);
    if let Some(p) = args.get(4) {
        rx.fail_percent(p.parse().expect("a percentage"));
    }
    println!("listening {}", rx.url);
    if count == 0 {
        std::future::pending::<()>().await;
    }
    let got = rx.wait_within(count, Duration::from_secs(3600)).await;
    let mut seen = std::collections::HashSet::new();
    let firsts: Vec<&receiver::Got> = got.iter().filter(|g| seen.insert(g.id.clone())).collect();
    let secs = |t: std::time::SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    let mut lags: Vec<f64> = firsts
        .iter()
        .filter_map(|g| {
            let at = chrono::DateTime::parse_from_rfc3339(g.body["timestamp"].as_str()?).ok()?;
            Some((secs(g.arrived) - at.timestamp_micros() as f64 / 1e6) * 1000.0)
        })
        .collect();
    lags.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        lags.get(((lags.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let first = firsts
        .iter()
        .map(|g| secs(g.arrived))
        .fold(f64::MAX, f64::min);
    let last = firsts.iter().map(|g| secs(g.arrived)).fold(0.0, f64::max);
    let twice = got.len() - firsts.len();
    // Per person, in order of arrival, each change must be newer than the one before.
    let mut newest: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    let mut by_arrival = firsts.clone();
    by_arrival.sort_by_key(|g| g.arrived);
    let mut out_of_order = 0;
    for g in by_arrival {
        let (Some(who), Some(event)) = (
            g.body["data"]["email"].as_str(),
            g.body["data"]["eventId"].as_i64(),
        ) else {
            continue;
        };
        let last = newest.entry(who).or_insert(i64::MIN);
        if event < *last {
            out_of_order += 1;
        }
        *last = (*last).max(event);
    }
    let seen_all = rx.seen();
    println!(
        "count={} first={first:.3} last={last:.3} lag_p50_ms={:.1} lag_p99_ms={:.1} requests={} failed={} bad_signatures={}",
        firsts.len(),
        pct(0.5),
        pct(0.99),
        seen_all.len(),
        seen_all.iter().filter(|s| s.status >= 300).count(),
        rx.bad_signatures()
    );
    println!("twice={twice} out_of_order={out_of_order}");
}
