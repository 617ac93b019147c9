//! Background work that must never silently disappear: a thread or task that panics is logged and
//! started again (after a short pause, so a panic on every start cannot spin a core).

use std::future::Future;
use std::time::Duration;

const RESTART_PAUSE: Duration = Duration::from_millis(200);

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Runs `work` on a thread named `name`, again whenever it panics, until it returns.
pub fn thread(name: String, work: impl Fn() + Send + 'static) {
    let label = name.clone();
    std::thread::Builder::new()
        .name(name)
        .spawn(move || {
            loop {
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&work)) {
                    Ok(()) => return,
                    Err(p) => {
                        tracing::error!(worker = %label, panic = %panic_message(&*p), "background worker panicked; restarting it");
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
    tokio::spawn(async move {
        loop {
            match tokio::spawn(make()).await {
                Err(e) if e.is_panic() => {
                    let p = e.into_panic();
                    tracing::error!(worker = name, panic = %panic_message(&*p), "background worker panicked; restarting it");
                    tokio::time::sleep(RESTART_PAUSE).await;
                }
                _ => return,
            }
        }
    });
}
