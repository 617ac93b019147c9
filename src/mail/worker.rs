//! The mail worker: claims due outbox rows, composes and sends them, and records the outcome.
//! Failures are retried with growing delays and end, visibly, as dead letters; while the SMTP server is
//! unreachable the worker backs off as a whole instead of burning every row's attempts.

use super::compose::{Composed, Composer};
use crate::db::Pool;
use crate::db::models::outbox;
use crate::domain::redact_addresses;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Delay before attempt n+1, in multiples of the base delay (10 s by default: 10 s, 30 s, 1 min, 5 min,
/// 15 min, 1 h, 3 h, 6 h, 12 h, 24 h); after the last one the row is dead-lettered (about 2 days).
const BACKOFF: [u32; 10] = [1, 3, 6, 30, 90, 360, 1080, 2160, 4320, 8640];
/// Rows per claim, and how long they stay leased: longer than sending them all can take (8 × the 20 s
/// SMTP timeout), so another worker never takes over rows that are still being sent.
const CLAIM: i64 = 8;
const LEASE: Duration = Duration::from_secs(300);

#[derive(Clone)]
pub enum Mailer {
    /// The transport, and where it goes (`smtp://host:port`, without credentials) for people to read.
    Smtp(AsyncSmtpTransport<Tokio1Executor>, String),
    /// No SMTP server configured: `.eml` files in a folder, and the link in the log.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl Mailer {
    pub fn from_settings(
        smtp_url: Option<&str>,
        data_dir: &std::path::Path,
    ) -> anyhow::Result<Mailer> {
        match smtp_url {
            Some(url) => Ok(Mailer::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
                without_credentials(url),
            )),
            None => {
                let dir = data_dir.join("mail");
                std::fs::create_dir_all(&dir)?;
                Ok(Mailer::Files(AsyncFileTransport::new(&dir), dir))
            }
        }
    }

    /// Where emails go, for the delivery page.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_, target) => format!("the SMTP server {target}"),
            Mailer::Files(_, dir) => format!(
                "files in {} (no ASSENT_SMTP_URL is set, so nothing reaches an inbox)",
                dir.display()
            ),
        }
    }

    /// Connects to the SMTP server (with TLS and sign-in as configured) and checks it answers, or that
    /// the mail folder can be written.
    pub async fn check(&self) -> Result<(), String> {
        match self {
            Mailer::Smtp(t, _) => match t.test_connection().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("the server accepted the connection but did not answer".into()),
                Err(e) => Err(redact_addresses(&e.to_string())),
            },
            Mailer::Files(_, dir) => {
                let probe = dir.join(".assent-check");
                std::fs::write(&probe, b"")
                    .and_then(|()| std::fs::remove_file(&probe))
                    .map_err(|e| format!("cannot write to {}: {e}", dir.display()))
            }
        }
    }

    async fn send(&self, mail: &Composed) -> Result<(), SendError> {
        match self {
            Mailer::Smtp(t, _) => t
                .send(mail.message.clone())
                .await
                .map(|_| ())
                .map_err(classify),
            Mailer::Files(t, dir) => {
                let id = t
                    .send(mail.message.clone())
                    .await
                    .map_err(|e| SendError::Unreachable(e.to_string()))?;
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), link = %mail.link, "email written (no ASSENT_SMTP_URL set)");
                Ok(())
            }
        }
    }
}

/// `smtp://user:secret@host:587?tls=required` as `smtp://host:587`.
fn without_credentials(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("smtp", url));
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = rest.split(['/', '?']).next().unwrap_or(rest);
    format!("{scheme}://{host}")
}

/// Sorts an SMTP failure by what it is about: this message, or the connection to the server.
fn classify(e: lettre::transport::smtp::Error) -> SendError {
    let code = e.status().map(|c| c.to_string());
    match code.as_deref() {
        // Service unavailable, TLS or authentication problems: every message would fail the same way
        // (an expired password must not dead-letter the whole outbox).
        Some("421" | "454" | "530" | "534" | "535" | "538") => {
            SendError::Unreachable(e.to_string())
        }
        _ if e.is_permanent() => SendError::Rejected(e.to_string()),
        _ if e.is_transient() => SendError::Retry(e.to_string()),
        _ => SendError::Unreachable(e.to_string()),
    }
}

enum SendError {
    /// The server refused this message for good (5xx).
    Rejected(String),
    /// The server asked to try later (4xx).
    Retry(String),
    /// No conversation with the server happened; other rows would fail the same way.
    Unreachable(String),
}

pub async fn run_worker(
    pool: Pool,
    composer: Composer,
    mailer: Mailer,
    wake: Arc<Notify>,
    retry_base: Duration,
    node: crate::node::Node,
) {
    let mut idle_backoff = retry_base;
    loop {
        let p = pool.clone();
        let c = composer.clone();
        let claim_id = node.claim_id.clone();
        let lease = crate::db::now() + chrono::Duration::from_std(LEASE).expect("a short duration");
        let batch = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<_>> {
            let mut conn = p.get()?;
            let rows = outbox::claim(&mut conn, crate::db::now(), lease, CLAIM, &claim_id)?;
            Ok(rows
                .into_iter()
                .map(|row| {
                    let composed = c.compose(&mut conn, &row);
                    (row, composed)
                })
                .collect())
        })
        .await;
        let batch = match batch {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "mail worker cannot read the outbox; retrying");
                pause(&wake, retry_base).await;
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "mail worker task failed");
                pause(&wake, retry_base).await;
                continue;
            }
        };
        if batch.is_empty() {
            pause(&wake, Duration::from_secs(1)).await;
            continue;
        }

        let mut outcomes = Vec::with_capacity(batch.len());
        let mut unreachable: Option<String> = None;
        for (row, composed) in &batch {
            if let Some(why) = &unreachable {
                outcomes.push((row.id, row.attempts, Outcome::Release(why.clone())));
                continue;
            }
            let outcome = match composed {
                Ok(None) => Outcome::Nothing,
                Err(e) => Outcome::Failed(format!("cannot compose: {e:#}"), false),
                Ok(Some(mail)) => match mailer.send(mail).await {
                    Ok(()) => Outcome::Sent,
                    Err(SendError::Rejected(e)) => Outcome::Failed(e, true),
                    Err(SendError::Retry(e)) => Outcome::Failed(e, false),
                    Err(SendError::Unreachable(e)) => {
                        tracing::warn!(error = %redact_addresses(&e), "SMTP server unreachable; emails wait in the outbox and are retried");
                        unreachable = Some(e.clone());
                        Outcome::Release(e)
                    }
                },
            };
            outcomes.push((row.id, row.attempts, outcome));
        }
        let release_at = chrono::Duration::from_std(idle_backoff).unwrap_or_default();
        let p = pool.clone();
        let saved = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = p.get()?;
            let now = crate::db::now();
            let mut released = Vec::new();
            let mut reason = String::new();
            for (id, attempts, outcome) in outcomes {
                match outcome {
                    Outcome::Sent => outbox::mark_sent(&mut conn, id, lease, now)?,
                    Outcome::Nothing => outbox::mark_skipped(&mut conn, id, lease, now)?,
                    Outcome::Failed(e, permanent) => {
                        let step = BACKOFF.get(attempts as usize).filter(|_| !permanent);
                        let retry_at = step.map(|n| now + chrono::Duration::from_std(retry_base * *n).unwrap_or_default());
                        if retry_at.is_none() {
                            tracing::error!(outbox_id = id, error = %redact_addresses(&e), "email dead-lettered; see email_outbox.last_error");
                        } else {
                            tracing::warn!(outbox_id = id, attempt = attempts + 1, error = %redact_addresses(&e), "email failed; will retry");
                        }
                        outbox::mark_failed(&mut conn, id, lease, &e, now, retry_at)?;
                    }
                    Outcome::Release(e) => {
                        released.push(id);
                        reason = e;
                    }
                }
            }
            if !released.is_empty() {
                outbox::release(&mut conn, &released, lease, now + release_at, &reason)?;
            }
            Ok(())
        })
        .await;
        if let Ok(Err(e)) | Err(e) = saved.map_err(anyhow::Error::from) {
            tracing::error!(error = %e, "mail worker cannot record delivery results; rows are retried after their lease");
        }
        if unreachable.is_some() {
            // Not woken by new rows: they would fail the same way until the server is back.
            tokio::time::sleep(idle_backoff).await;
            idle_backoff = (idle_backoff * 2).min(Duration::from_secs(300));
        } else {
            idle_backoff = retry_base;
        }
    }
}

enum Outcome {
    Sent,
    Nothing,
    Failed(String, bool),
    Release(String),
}

async fn pause(wake: &Notify, max: Duration) {
    tokio::select! {
        _ = wake.notified() => {}
        _ = tokio::time::sleep(max) => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_smtp_target_is_shown_without_credentials() {
        let shown = |u| super::without_credentials(u);
        assert_eq!(
            shown("smtp://ann:p@ss@mail.example:587?tls=required"),
            "smtp://mail.example:587"
        );
        assert_eq!(shown("smtps://mail.example"), "smtps://mail.example");
        assert_eq!(shown("smtp://127.0.0.1:2525/"), "smtp://127.0.0.1:2525");
    }
}
