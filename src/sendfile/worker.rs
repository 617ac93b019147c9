//! Runs send-file jobs: writes the CSV to a file under the data folder (memory stays flat), sends it,
//! and records the run with its rows, bytes, duration and error in one transaction with the schedule's
//! bookkeeping. The server runs due schedules; `assent sendfile run` runs one in its own process.

use super::{KIND, Params, backoff};
use crate::db::models::jobs::{self, Job};
use crate::db::models::sendfiles::{self, Sendfile};
use crate::db::{DbConn, Pool};
use crate::node::Node;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A run holds its job this long, renewed while it works.
const LEASE: Duration = Duration::from_secs(60);
const RENEW: Duration = Duration::from_secs(20);

/// What a process needs to run send-files.
#[derive(Clone)]
pub struct Runner {
    pub pool: Pool,
    pub node: Node,
    pub allow_private: bool,
    /// `ASSENT_OUTGOING_PROXY`, when set.
    pub proxy: Option<String>,
    pub base_url: String,
    pub signer: crate::domain::Signer,
    pub data_dir: PathBuf,
    /// How the CSV's fields are written (`ASSENT_CSV_RAW`).
    pub cells: crate::domain::csv::Cells,
}

/// What a finished run sent; stored as its job's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sent {
    pub rows: u64,
    pub bytes: u64,
    #[serde(rename = "duration_ms")]
    pub millis: u64,
}

/// A finished job's outcome, as `run` reports it.
pub fn outcome(job: &Job) -> Result<Sent, String> {
    if let Some(e) = &job.error {
        return Err(e.clone());
    }
    Ok(serde_json::from_str(&job.counts).unwrap_or_default())
}

fn delta(d: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(d).expect("a short duration")
}

impl Runner {
    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConn) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || f(&mut *pool.get()?)).await?
    }

    /// Runs job `id` if no other process holds it. `Ok(None)`: someone else does.
    pub async fn run(&self, id: i64) -> anyhow::Result<Option<Result<Sent, String>>> {
        let (claim_id, node) = (self.node.claim_id.clone(), self.node.clone());
        let claimed = self
            .db(move |c| {
                let now = crate::db::now();
                Ok(crate::db::write_tx(c, |c| {
                    jobs::claim(c, id, &claim_id, now, now + delta(LEASE), &|h| {
                        node.holder_gone(h)
                    })
                })?)
            })
            .await?;
        let Ok(job) = claimed else {
            return Ok(None);
        };
        let started = Instant::now();
        let started_at = job.started_at.unwrap_or_else(crate::db::now);
        let params: Params = serde_json::from_str(&job.params)?;
        let sid = params.sendfile_id;
        let sendfile = self.db(move |c| Ok(sendfiles::find(c, sid)?)).await?;

        // Keeps the lease while the file is written and sent.
        let (pool, claim_id) = (self.pool.clone(), self.node.claim_id.clone());
        let keeper = tokio::spawn(async move {
            loop {
                tokio::time::sleep(RENEW).await;
                let (pool, claim_id) = (pool.clone(), claim_id.clone());
                let _ = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
                    let now = crate::db::now();
                    Ok(jobs::progress(
                        &mut *pool.get()?,
                        id,
                        &claim_id,
                        0,
                        None,
                        "{}",
                        now,
                        now + delta(LEASE),
                    )?)
                })
                .await;
            }
        });
        let result = match &sendfile {
            None => Err("the send-file was deleted".to_string()),
            Some(s) => self.send(id, s, started_at).await,
        };
        keeper.abort();
        let millis = started.elapsed().as_millis() as u64;
        let sent = result.map(|(rows, bytes)| Sent {
            rows,
            bytes,
            millis,
        });
        let (claim_id, recorded) = (self.node.claim_id.clone(), sent.clone());
        self.db(move |c| {
            crate::db::write_tx(c, |c| {
                let now = crate::db::now();
                // A failed run records how long it tried, and nothing as sent.
                let counts = recorded.clone().unwrap_or(Sent {
                    millis,
                    ..Sent::default()
                });
                let rows = counts.rows as i64;
                let text = serde_json::to_string(&counts).expect("plain JSON");
                jobs::progress(c, id, &claim_id, rows, Some(rows), &text, now, now)?;
                let error = recorded.as_ref().err().map(String::as_str);
                if !jobs::finish(c, id, &claim_id, error, now)? {
                    // Taken over after our lease lapsed: the other holder records its own run.
                    return Ok(());
                }
                match (&recorded, sendfiles::find(c, sid)?) {
                    (Ok(_), Some(_)) => sendfiles::succeeded(c, sid, started_at)?,
                    (Err(_), Some(s)) => {
                        let retry = now + backoff(s.failures);
                        sendfiles::failed(c, sid, retry.min(s.next_run_at))?;
                    }
                    (_, None) => {}
                }
                Ok::<_, diesel::result::Error>(())
            })?;
            Ok(())
        })
        .await?;
        match &sent {
            Ok(s) => tracing::info!(
                job = id,
                rows = s.rows,
                bytes = s.bytes,
                "send-file delivered"
            ),
            Err(e) => {
                tracing::warn!(job = id, error = %e, "send-file run failed; it is tried again later (see the dashboard's send-file page)")
            }
        }
        Ok(Some(sent))
    }

    /// Sends the file: (rows, bytes), or why it failed.
    async fn send(
        &self,
        job: i64,
        s: &Sendfile,
        at: chrono::NaiveDateTime,
    ) -> Result<(u64, u64), String> {
        match super::check_target(&s.target, self.allow_private)? {
            super::Target::Http(url) => self.send_http(job, s, &url).await,
            super::Target::Sftp(t) => self.send_sftp(s, &t, at).await,
        }
    }

    /// HTTP: the file is written first and sent with its length (many receivers, such as presigned
    /// object-store uploads, refuse a body of unknown length).
    async fn send_http(
        &self,
        job: i64,
        s: &Sendfile,
        url: &reqwest::Url,
    ) -> Result<(u64, u64), String> {
        let dir = self.data_dir.join("sendfile");
        let path = dir.join(format!("run-{job}.csv"));
        let (me, s2, p2) = (self.clone(), s.clone(), path.clone());
        let written = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
            std::fs::create_dir_all(&dir)?;
            let file = std::fs::File::create(&p2)?;
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, file);
            let rows = me.export(&s2, &mut w)?;
            std::io::Write::flush(&mut w)?;
            Ok(rows)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot write the file: {e:#}"));
        let result = match written {
            Ok(rows) => self.upload(url, s, &path, rows).await,
            Err(e) => Err(e),
        };
        let _ = std::fs::remove_file(&path);
        result
    }

    /// SFTP: the export streams straight into the remote file; the host key is pinned on first use.
    async fn send_sftp(
        &self,
        s: &Sendfile,
        t: &super::sftp::Target,
        at: chrono::NaiveDateTime,
    ) -> Result<(u64, u64), String> {
        use super::sftp::{self, Login};
        let login = match &s.ssh_key {
            Some(path) => Login::Key {
                path: path.clone(),
                passphrase: std::env::var(super::secret_var("PASSPHRASE", &s.name)).ok(),
            },
            None => Login::Password(
                std::env::var(super::secret_var("PASSWORD", &s.name)).map_err(|_| {
                    format!(
                        "no key file and no {} for this SFTP target",
                        super::secret_var("PASSWORD", &s.name)
                    )
                })?,
            ),
        };
        let addrs = crate::outgoing::resolve_checked(&t.host, t.port, self.allow_private).await?;
        let (tx, rx) = tokio::sync::mpsc::channel(8);
        let (me, s2) = (self.clone(), s.clone());
        let rows = tokio::task::spawn_blocking(move || {
            let mut w = sftp::ChunkWriter::new(tx);
            let rows = me.export(&s2, &mut w)?;
            std::io::Write::flush(&mut w)?;
            Ok::<_, anyhow::Error>(rows)
        });
        let remote = t.remote_path(at);
        let (shown, result) =
            sftp::upload(t, &addrs, s.host_key.clone(), &login, &remote, rx, rows).await;
        if let (None, Some(key)) = (&s.host_key, shown) {
            let id = s.id;
            self.db(move |c| Ok(sendfiles::pin_host_key(c, id, &key)?))
                .await
                .map_err(|e| format!("cannot pin the host key: {e:#}"))?;
        }
        result
    }

    /// Writes the export CSV of the send-file's profiles to `w`; returns the rows.
    fn export(&self, s: &Sendfile, w: &mut impl std::io::Write) -> anyhow::Result<u64> {
        use crate::exports::{Export, Filter};
        let mut conn = self.pool.get()?;
        let catalog = crate::db::models::agreements::all(&mut conn)?;
        let mut filter = Filter::choose(
            &mut conn,
            &catalog,
            s.agreement.as_deref(),
            s.status.as_deref(),
            s.audience.as_deref(),
        )?
        .map_err(anyhow::Error::msg)?;
        drop(conn);
        if s.changed_only {
            filter.changed_since = s.last_success_at;
        }
        let export = Export {
            catalog,
            filter,
            signer: self.signer.clone(),
            base_url: self.base_url.clone(),
            cells: self.cells,
            columns: Vec::new(),
        };
        export.write_all(&self.pool, w)
    }

    async fn upload(
        &self,
        url: &reqwest::Url,
        s: &Sendfile,
        path: &std::path::Path,
        rows: u64,
    ) -> Result<(u64, u64), String> {
        if let Some(why) = crate::outgoing::literal_refused(url, self.allow_private) {
            return Err(why);
        }
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| e.to_string())?;
        let bytes = file.metadata().await.map_err(|e| e.to_string())?.len();
        let client = crate::outgoing::client(
            self.allow_private,
            self.proxy.as_deref(),
            Duration::from_secs(1800),
        );
        let method = if s.method == "PUT" {
            reqwest::Method::PUT
        } else {
            reqwest::Method::POST
        };
        let mut req = client
            .request(method, url.clone())
            .header("content-type", "text/csv; charset=utf-8")
            .header("content-length", bytes)
            .header("x-assent-rows", rows)
            .header("x-assent-sendfile", &s.name)
            // 1 MiB reads: `Body::from(file)` reads 4 KiB at a time, each a trip to the blocking
            // pool, which made the upload 2.9 times as slow as writing the file.
            .body(reqwest::Body::wrap_stream(
                tokio_util::io::ReaderStream::with_capacity(file, 1 << 20),
            ));
        if let Ok(token) = std::env::var(super::secret_var("TOKEN", &s.name)) {
            req = req.bearer_auth(token);
        } else if let Ok(pair) = std::env::var(super::secret_var("BASIC", &s.name)) {
            let (user, pass) = pair.split_once(':').unwrap_or((&pair, ""));
            req = req.basic_auth(user, Some(pass));
        }
        let answer = req.send().await.map_err(|e| {
            format!(
                "cannot send to {}: {}",
                url.host_str().unwrap_or_default(),
                crate::outgoing::describe(&e)
            )
        })?;
        let status = answer.status();
        if status.is_success() {
            Ok((rows, bytes))
        } else {
            let start: String = answer
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            Err(format!("the receiver answered {status}: {start}"))
        }
    }
}

/// The server's runner: every second, starts the due schedules' runs and runs open runs nobody holds.
pub async fn run(runner: Runner) {
    let mut wake = crate::db::tx::watch(crate::db::tx::Lane::Jobs);
    loop {
        let due = runner
            .db(|c| {
                let now = crate::db::now();
                super::start_due(c, now)?;
                Ok(jobs::open(c, KIND)?)
            })
            .await;
        match due {
            Ok(open) => {
                for job in open {
                    if let Err(e) = runner.run(job.id).await {
                        tracing::error!(job = job.id, error = %e, "cannot run a send-file; retrying");
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot read the send-file schedules; retrying"),
        }
        crate::delivery::pause(&mut wake, Duration::from_secs(1)).await;
    }
}
