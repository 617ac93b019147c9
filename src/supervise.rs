//! Background work that must never silently disappear: a thread or task that panics is logged and
//! started again (after a short pause, so a panic on every start cannot spin a core).

use chrono::{DateTime, Utc};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

const RESTART_PAUSE: Duration = Duration::from_millis(200);

/// A supervised worker of this process, as the health page shows it.
#[derive(Clone, Debug)]
pub struct Worker {
    pub name: String,
    pub started_at: DateTime<Utc>,
    /// Still working (false once its work returned, as at shutdown).
    pub alive: bool,
    pub restarts: u32,
    /// When it last panicked, and the panic's message.
    pub last_panic: Option<(DateTime<Utc>, String)>,
}

static WORKERS: Mutex<Vec<Worker>> = Mutex::new(Vec::new());

/// Every worker this process started, in the order they started.
pub fn workers() -> Vec<Worker> {
    WORKERS.lock().map(|w| w.clone()).unwrap_or_default()
}

/// Registers a worker; returns its place in the list.
fn register(name: &str) -> usize {
    let mut all = WORKERS.lock().unwrap_or_else(|p| p.into_inner());
    all.push(Worker {
        name: name.to_string(),
        started_at: Utc::now(),
        alive: true,
        restarts: 0,
        last_panic: None,
    });
    all.len() - 1
}

fn note(at: usize, change: impl FnOnce(&mut Worker)) {
    let mut all = WORKERS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(w) = all.get_mut(at) {
        change(w);
    }
}

fn panicked(at: usize, message: String) {
    note(at, |w| {
        w.restarts += 1;
        w.last_panic = Some((Utc::now(), message));
    });
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Runs `work` on a thread named `name`, again whenever it panics, until it returns.
pub fn thread(name: String, work: impl Fn() + Send + 'static) {
    let label = name.clone();
    let me = register(&name);
    std::thread::Builder::new()
        .name(name)
        .spawn(move || {
            loop {
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&work)) {
                    Ok(()) => return note(me, |w| w.alive = false),
                    Err(p) => {
                        let message = panic_message(&*p);
                        tracing::error!(worker = %label, panic = %message, "background worker panicked; restarting it");
                        panicked(me, message);
                        std::thread::sleep(RESTART_PAUSE);
                    }
                }
            }
        })
        .expect("spawn a worker thread");
}

/// Runs the future that `make` builds as a tokio task, and a new one whenever it panics, until one returns.
pub fn task<F, Fut>(name: &'static str, make: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let me = register(name);
    tokio::spawn(async move {
        loop {
            match tokio::spawn(make()).await {
                Err(e) if e.is_panic() => {
                    let message = panic_message(&*e.into_panic());
                    tracing::error!(worker = name, panic = %message, "background worker panicked; restarting it");
                    panicked(me, message);
                    tokio::time::sleep(RESTART_PAUSE).await;
                }
                _ => return note(me, |w| w.alive = false),
            }
        }
    });
}
