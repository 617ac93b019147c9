//! Send-files to an SFTP server (pure Rust: `russh` and `russh-sftp`, no system OpenSSL).
//!
//! The CSV streams from the export straight into the remote file, so a run costs about what a plain
//! export costs. It is written as `PATH.part` and renamed when complete, so whoever picks files up
//! never sees half of one. The server's host key is pinned on first use; a changed key fails the run
//! until an admin forgets the pinned one.

use russh::keys::{HashAlg, PrivateKeyWithHashAlg, ssh_key::public::KeyData};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

/// The SSH port when the target names none.
const PORT: u16 = 22;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// `sftp://USER@HOST[:PORT]/PATH`, `PATH` possibly holding `{date}` and `{time}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub user: String,
    pub host: String,
    pub port: u16,
    /// As given: absolute, or relative to the user's home when it starts with `/~/`.
    pub path: String,
}

impl Target {
    pub fn parse(raw: &str) -> Result<Target, String> {
        let raw = raw.trim();
        let rest = raw
            .get(..7)
            .filter(|s| s.eq_ignore_ascii_case("sftp://"))
            .map(|_| &raw[7..])
            .ok_or_else(|| format!("{raw:?} does not start with sftp://"))?;
        let form = "an SFTP target looks like sftp://USER@HOST[:PORT]/PATH";
        let (authority, path) = rest
            .split_once('/')
            .ok_or_else(|| format!("{form}: the path is missing"))?;
        let path = format!("/{path}");
        if path.ends_with('/') || path == "/~" {
            return Err(format!(
                "{form}: the path names a folder; end it with a file name such as consents-{{date}}.csv"
            ));
        }
        if path.chars().any(char::is_control) {
            return Err("the path holds control characters".into());
        }
        let (user, hostport) = authority
            .rsplit_once('@')
            .ok_or_else(|| format!("{form}: the user name is missing"))?;
        if user.is_empty() {
            return Err(format!("{form}: the user name is missing"));
        }
        if user.contains(':') {
            return Err(
                "put the SFTP password in ASSENT_SENDFILE_PASSWORD_<NAME>, not in the address"
                    .into(),
            );
        }
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| format!("{form}: an IPv6 address needs its closing ]"))?;
            (h, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c == '/') {
            return Err(format!("{form}: the host is missing or malformed"));
        }
        let port = match port {
            None => PORT,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("{p:?} is not a port number"))?,
        };
        Ok(Target {
            user: user.to_string(),
            host: host.to_string(),
            port,
            path,
        })
    }

    /// The remote file for a run that started at `at` (UTC): `{date}` becomes `2026-11-29`, `{time}`
    /// `142500`; a path under `/~/` is relative to the user's home folder.
    pub fn remote_path(&self, at: chrono::NaiveDateTime) -> String {
        let p = self
            .path
            .replace("{date}", &at.format("%Y-%m-%d").to_string())
            .replace("{time}", &at.format("%H%M%S").to_string());
        match p.strip_prefix("/~/") {
            Some(home) => home.to_string(),
            None => p,
        }
    }
}

/// How to log in: a key file (its passphrase, if any) or a password.
pub enum Login {
    Key {
        path: String,
        passphrase: Option<String>,
    },
    Password(String),
}

/// Reads and parses a private key file, with what is wrong when it cannot.
pub fn load_key(path: &str, passphrase: Option<&str>) -> Result<russh::keys::PrivateKey, String> {
    russh::keys::load_secret_key(path, passphrase).map_err(|e| match e {
        russh::keys::Error::IO(io) => format!("cannot read the key file {path}: {io}"),
        e => format!(
            "the key file {path} is not an OpenSSH or PEM private key, or its passphrase (ASSENT_SENDFILE_PASSPHRASE_<NAME>) is missing or wrong: {e}"
        ),
    })
}

/// How a host key is pinned and shown: `ssh-ed25519 SHA256:…`.
fn describe_key(key: &KeyData) -> String {
    format!("{} {}", key.algorithm(), key.fingerprint(HashAlg::Sha256))
}

/// Checks the server's key against the pinned one and remembers what it showed.
struct Client {
    pinned: Option<String>,
    shown: Arc<Mutex<Option<String>>>,
}

impl russh::client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let data = match key {
            russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } => key.key_data(),
            russh::keys::PublicKeyOrCertificate::Certificate(c) => c.public_key(),
        };
        let shown = describe_key(data);
        let ok = self.pinned.as_ref().is_none_or(|p| *p == shown);
        *self.shown.lock().expect("not poisoned") = Some(shown);
        Ok(ok)
    }
}

/// A `Write` for the blocking export that hands its bytes to the async upload in large chunks.
pub struct ChunkWriter {
    buf: Vec<u8>,
    tx: mpsc::Sender<Vec<u8>>,
}

/// Large hand-overs between the export thread and the upload (and a deep queue of SSH messages below):
/// on 2 cores, 256 KiB chunks and russh's default queue of 100 left the export waiting often enough to
/// cost about a tenth of the run.
const CHUNK: usize = 1024 * 1024;

impl ChunkWriter {
    pub fn new(tx: mpsc::Sender<Vec<u8>>) -> ChunkWriter {
        ChunkWriter {
            buf: Vec::with_capacity(CHUNK),
            tx,
        }
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        // The upload ended early (it failed): stop the export.
        self.tx
            .blocking_send(full)
            .map_err(|_| std::io::Error::other("the upload stopped"))
    }
}

/// Connects, checks the host key, logs in, and writes the chunks from `rx` to `remote` (through
/// `remote.part`). `rows` gives the export's row count once the export is done. Returns the host key
/// the server showed once it passed the check (to pin when none is), and the rows and bytes sent.
pub async fn upload(
    target: &Target,
    addrs: &[SocketAddr],
    pinned: Option<String>,
    login: &Login,
    remote: &str,
    rx: mpsc::Receiver<Vec<u8>>,
    rows: tokio::task::JoinHandle<anyhow::Result<u64>>,
) -> (Option<String>, Result<(u64, u64), String>) {
    let shown = Arc::new(Mutex::new(None));
    let result = session(target, addrs, pinned, &shown, login, remote, rx, rows).await;
    let shown = shown.lock().expect("not poisoned").clone();
    (shown, result)
}

#[allow(clippy::too_many_arguments)]
async fn session(
    target: &Target,
    addrs: &[SocketAddr],
    pinned: Option<String>,
    shown: &Arc<Mutex<Option<String>>>,
    login: &Login,
    remote: &str,
    rx: mpsc::Receiver<Vec<u8>>,
    rows: tokio::task::JoinHandle<anyhow::Result<u64>>,
) -> Result<(u64, u64), String> {
    let where_ = format!("{}:{}", target.host, target.port);
    let mut session = connect(addrs, pinned, shown, &where_).await?;
    log_in(&mut session, target, login, &where_).await?;
    let sftp = open_sftp(&session, &where_).await?;
    let part = format!("{remote}.part");
    let written = write_file(&sftp, &part, remote, rx, rows, &where_).await;
    if written.is_err() {
        // Leaves no half file behind (best effort: the connection may be gone).
        let _ = sftp.remove_file(part).await;
    }
    let _ = sftp.close().await;
    let _ = session
        .disconnect(russh::Disconnect::ByApplication, "done", "en")
        .await;
    written
}

/// Connects and completes the SSH handshake, refusing a host key other than the pinned one; what the
/// server showed is kept in `shown` once the handshake succeeded.
async fn connect(
    addrs: &[SocketAddr],
    pinned: Option<String>,
    shown: &Arc<Mutex<Option<String>>>,
    where_: &str,
) -> Result<russh::client::Handle<Client>, String> {
    let client = Client {
        pinned: pinned.clone(),
        shown: shown.clone(),
    };
    let config = Arc::new(russh::client::Config {
        nodelay: true,
        inactivity_timeout: Some(Duration::from_secs(300)),
        window_size: 16 * 1024 * 1024,
        maximum_packet_size: 256 * 1024,
        channel_buffer_size: 1024,
        // AES-GCM first: hardware-accelerated on both ends (aws-lc here, OpenSSL in OpenSSH), where
        // ChaCha20 costs the server about twice the CPU for a bulk upload.
        preferred: russh::Preferred {
            cipher: std::borrow::Cow::Borrowed(&[
                russh::cipher::AES_128_GCM,
                russh::cipher::AES_256_GCM,
                russh::cipher::CHACHA20_POLY1305,
                russh::cipher::AES_256_CTR,
                russh::cipher::AES_128_CTR,
            ]),
            ..Default::default()
        },
        ..Default::default()
    });
    let socket = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(addrs))
        .await
        .map_err(|_| format!("cannot connect to {where_}: no answer in 15 s"))?
        .map_err(|e| format!("cannot connect to {where_}: {e}"))?;
    let handshake = tokio::time::timeout(
        CONNECT_TIMEOUT,
        russh::client::connect_stream(config, socket, client),
    )
    .await
    .map_err(|_| format!("{where_} did not complete the SSH handshake in 15 s"))?;
    // What the server showed counts (and is pinned when none is) only once the handshake succeeded.
    let shown_now = shown.lock().expect("not poisoned").take();
    let session = match (handshake, &pinned, &shown_now) {
        (_, Some(p), Some(s)) if p != s => {
            return Err(format!(
                "the SFTP server's host key changed: {where_} showed {s}, but {p} is pinned. If the server's key was replaced on purpose, forget the pinned key on the send-files page"
            ));
        }
        (Ok(session), _, _) => session,
        (Err(e), _, _) => return Err(format!("SSH handshake with {where_} failed: {e}")),
    };
    *shown.lock().expect("not poisoned") = shown_now;
    Ok(session)
}

/// Logs in as the target's user with the key or password.
async fn log_in(
    session: &mut russh::client::Handle<Client>,
    target: &Target,
    login: &Login,
    where_: &str,
) -> Result<(), String> {
    let auth = match login {
        Login::Key { path, passphrase } => {
            let key = load_key(path, passphrase.as_deref())?;
            let hash = session
                .best_supported_rsa_hash()
                .await
                .map_err(|e| format!("SSH with {where_} failed: {e}"))?
                .flatten();
            session
                .authenticate_publickey(
                    &target.user,
                    PrivateKeyWithHashAlg::new(Arc::new(key), hash),
                )
                .await
        }
        Login::Password(p) => session.authenticate_password(&target.user, p).await,
    }
    .map_err(|e| format!("SSH with {where_} failed while logging in: {e}"))?;
    if !auth.success() {
        let what = match login {
            Login::Key { path, .. } => format!("the key {path}"),
            Login::Password(_) => "the password".to_string(),
        };
        return Err(format!("{where_} refused {what} for user {}", target.user));
    }
    Ok(())
}

/// Opens the SFTP subsystem, with writes large and many in flight (a bulk upload).
async fn open_sftp(
    session: &russh::client::Handle<Client>,
    where_: &str,
) -> Result<russh_sftp::client::SftpSession, String> {
    let channel = session
        .channel_open_session()
        .await
        .map_err(|e| format!("{where_} refused an SSH session: {e}"))?;
    channel
        .request_subsystem(true, "sftp")
        .await
        .map_err(|e| format!("{where_} offers no SFTP: {e}"))?;
    russh_sftp::client::SftpSession::new_with_config(
        channel.into_stream(),
        russh_sftp::client::Config {
            max_write_packet_len: 255 * 1024,
            max_concurrent_writes: 32,
            request_timeout_secs: 60,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| format!("{where_} did not start SFTP: {e}"))
}

/// Writes the chunks from `rx` to `part`, then renames it to `remote` (replacing an older file of that
/// name) once the export's row count is in; the rows and bytes written.
async fn write_file(
    sftp: &russh_sftp::client::SftpSession,
    part: &str,
    remote: &str,
    mut rx: mpsc::Receiver<Vec<u8>>,
    rows: tokio::task::JoinHandle<anyhow::Result<u64>>,
    where_: &str,
) -> Result<(u64, u64), String> {
    let mut file = sftp
        .create(part.to_string())
        .await
        .map_err(|e| format!("cannot create {part} on {where_}: {e}"))?;
    let mut bytes = 0u64;
    while let Some(chunk) = rx.recv().await {
        file.write_all(&chunk)
            .await
            .map_err(|e| format!("writing {part} on {where_} failed: {e}"))?;
        bytes += chunk.len() as u64;
    }
    let rows = rows
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot write the file: {e:#}"))?;
    file.shutdown()
        .await
        .map_err(|e| format!("closing {part} on {where_} failed: {e}"))?;
    // SFTP's rename does not replace: a file from an earlier run of the same name goes first.
    if sftp.try_exists(remote).await.unwrap_or(false) {
        sftp.remove_file(remote)
            .await
            .map_err(|e| format!("cannot replace {remote} on {where_}: {e}"))?;
    }
    sftp.rename(part.to_string(), remote)
        .await
        .map_err(|e| format!("cannot rename {part} to {remote} on {where_}: {e}"))?;
    Ok((rows, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_with_clear_errors() {
        let t = Target::parse("sftp://crm@files.example.com:2222/in/consents-{date}.csv").unwrap();
        assert_eq!(
            (t.user.as_str(), t.host.as_str(), t.port, t.path.as_str()),
            ("crm", "files.example.com", 2222, "/in/consents-{date}.csv")
        );
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .unwrap()
            .and_hms_opt(14, 5, 9)
            .unwrap();
        assert_eq!(t.remote_path(at), "/in/consents-2026-11-29.csv");
        let home = Target::parse("SFTP://u@[::1]/~/out/{date}-{time}.csv").unwrap();
        assert_eq!((home.host.as_str(), home.port), ("::1", 22));
        assert_eq!(home.remote_path(at), "out/2026-11-29-140509.csv");
        for (bad, says) in [
            ("sftp://files.example.com/x.csv", "user name"),
            ("sftp://u:secret@h/x.csv", "ASSENT_SENDFILE_PASSWORD_"),
            ("sftp://u@h/in/", "file name"),
            ("sftp://u@h", "path"),
            ("sftp://u@h:99999/x.csv", "port"),
            ("sftp://u@/x.csv", "host"),
            ("ftp://u@h/x.csv", "sftp://"),
        ] {
            let e = Target::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
