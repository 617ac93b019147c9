//! Emails as a lane of the outbox (`crate::delivery`): rows are composed and sent over SMTP. Failures
//! are retried with growing delays and end, visibly, as dead letters; while the SMTP server is
//! unreachable the worker backs off as a whole instead of burning every row's attempts.

use super::compose::{Composed, Composer};
use crate::db::models::outbox::{Answer, Claimed, Lane};
use crate::db::{DbConn, Pool};
use crate::delivery::{Attempt, Deliver, Worker};
use crate::domain::redact_addresses;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

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

    async fn send_one(&self, mail: &Composed) -> Result<(), SendError> {
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

/// Emails, as one lane of the outbox.
pub struct Email {
    pub composer: Composer,
    pub mailer: Mailer,
    pub retry_base: Duration,
}

impl Deliver for Email {
    type Ready = Composed;

    fn lane(&self) -> Lane {
        Lane::Email
    }

    fn claim_size(&self) -> i64 {
        CLAIM
    }

    /// One at a time: when the server turns out to be down, the rest of the round is not tried.
    fn in_flight(&self) -> usize {
        1
    }

    fn lease(&self) -> Duration {
        LEASE
    }

    fn retry_delay(&self, attempts: i32) -> Option<Duration> {
        let step = BACKOFF.get(usize::try_from(attempts).ok()?.checked_sub(1)?)?;
        Some(self.retry_base * *step)
    }

    fn prepare(
        &self,
        conn: &mut DbConn,
        rows: &[Claimed],
    ) -> Vec<Result<Option<Composed>, String>> {
        rows.iter()
            .map(|row| {
                self.composer
                    .compose(conn, row)
                    .map_err(|e| format!("{e:#}"))
            })
            .collect()
    }

    async fn send(&self, mail: Composed) -> Attempt {
        match self.mailer.send_one(&mail).await {
            Ok(()) => Attempt::Delivered(Answer::default()),
            Err(SendError::Rejected(e)) => Attempt::Failed {
                error: e,
                answer: Answer::default(),
                permanent: true,
                not_before: None,
                gone: false,
            },
            Err(SendError::Retry(e)) => Attempt::retry(e, Answer::default()),
            Err(SendError::Unreachable(e)) => Attempt::Unreachable(e),
        }
    }

    fn nothing_sent(&self) -> &'static str {
        "nothing sent: unknown address, vanished request, or the address used up its allowance of form emails"
    }
}

/// Runs the email lane until the process ends.
pub async fn run_worker(pool: Pool, email: Arc<Email>, node: crate::node::Node) {
    let retry_base = email.retry_base;
    Worker {
        pool,
        deliver: email,
        claim_id: node.claim_id,
    }
    .run(
        crate::db::tx::watch(crate::db::tx::Lane::Email),
        Duration::from_secs(1),
        retry_base,
        None,
    )
    .await
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
