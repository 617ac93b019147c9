//! What the tests share: a fresh database per test (SQLite file or PostgreSQL schema), the server on port
//! 0 with a real SMTP server in the test process, the command line, the dashboard browser (`browser`)
//! and the webhook receiver (`receiver`).

pub mod browser;
pub mod receiver;

use assent::config::Settings;
use assent::db::{DbConn, Target};
use assent::startup::{Application, Tuning};
use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::Notify;

/// How long a test waits for something that happens in the background (an email, a retry).
pub const PATIENCE: Duration = Duration::from_secs(15);

fn random_suffix() -> String {
    let mut b = [0u8; 6];
    rand::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Waits until `done` holds (checked every 20 ms), failing the test after `PATIENCE`: for outcomes
/// that background workers produce.
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Like `eventually`, for conditions that must be awaited.
pub async fn eventually_async<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A fresh database for one test: a temporary SQLite file, or a fresh schema on the PostgreSQL server
/// named by ASSENT_TEST_DATABASE_URL. Removed when dropped.
pub struct TestDb {
    pub target: Target,
    pub url: String,
    dir: PathBuf,
    pg: Option<(String, String)>,
}

/// An HTTP client for talking to the server under test. It lets go of a kept-alive connection after a
/// second of quiet, well before the server closes it (5 s): otherwise a request sent just as the server
/// closes the connection fails in transit, a race of the test's client (hyper does not resend a POST)
/// that shows up on a loaded machine. No redirects are followed: tests look at them.
pub fn client() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(1))
        .redirect(reqwest::redirect::Policy::none())
}

impl TestDb {
    /// A fresh database with every migration applied by `assent migrate`.
    pub fn migrated() -> TestDb {
        let db = TestDb::new();
        let out = db.command(&["migrate"], &[]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        db
    }

    pub fn new() -> TestDb {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("assent-test-{}", random_suffix()));
        std::fs::create_dir_all(&dir).unwrap();
        match std::env::var("ASSENT_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin) => {
                assert!(
                    admin.starts_with("postgres"),
                    "ASSENT_TEST_DATABASE_URL must be a postgres:// URL"
                );
                let schema = format!("assent_test_{}", random_suffix());
                let mut c = <diesel::PgConnection as diesel::Connection>::establish(&admin)
                    .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL at {admin}: {e}"));
                c.batch_execute(&format!("CREATE SCHEMA {schema}")).unwrap();
                // Proof for CI that the PostgreSQL run really happened.
                let marker =
                    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("postgres-schemas-used");
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(marker)
                    .unwrap();
                std::io::Write::write_all(&mut f, format!("{schema}\n").as_bytes()).unwrap();
                let sep = if admin.contains('?') { '&' } else { '?' };
                let url = format!("{admin}{sep}options=-csearch_path%3D{schema}");
                TestDb {
                    target: Target::parse(&url).unwrap(),
                    url,
                    dir,
                    pg: Some((admin, schema)),
                }
            }
            None => {
                let url = format!("sqlite://{}", dir.join("assent.db").display());
                TestDb {
                    target: Target::parse(&url).unwrap(),
                    url,
                    dir,
                    pg: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// Every byte the database keeps: the SQLite file with its WAL, or a `pg_dump` of the test schema
    /// (for "no secret is stored in clear" checks).
    pub fn raw_bytes(&self) -> Vec<u8> {
        match &self.pg {
            Some((admin, schema)) => {
                let out = std::process::Command::new("pg_dump")
                    .args(["--schema", schema, "--data-only", admin])
                    .output()
                    .expect("pg_dump runs");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                out.stdout
            }
            None => {
                let file = self.dir.join("assent.db");
                let mut all = Vec::new();
                for f in [file.clone(), file.with_extension("db-wal")] {
                    if let Ok(bytes) = std::fs::read(&f) {
                        all.extend(bytes);
                    }
                }
                all
            }
        }
    }

    /// A folder of this test's own, removed with the database.
    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, schema)) = &self.pg
            && let Ok(mut c) = <diesel::PgConnection as diesel::Connection>::establish(admin)
        {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A connection of the test's own to its database.
pub fn conn_to(db: &TestDb) -> DbConn {
    match &db.target {
        Target::Sqlite(p) => {
            // As the app does before its first connection (the mode is per process).
            assent::db::sqlite_multithread();
            let mut c =
                <diesel::SqliteConnection as diesel::Connection>::establish(&p.to_string_lossy())
                    .unwrap();
            c.batch_execute("PRAGMA busy_timeout = 10000").unwrap();
            DbConn::Sqlite(c)
        }
        Target::Postgres(u) => {
            DbConn::Pg(<diesel::PgConnection as diesel::Connection>::establish(u).unwrap())
        }
    }
}

/// A real SMTP server inside the test process: enough ESMTP to accept what lettre sends.
#[derive(Clone)]
pub struct MailServer {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    arrived: Arc<Notify>,
    /// While set, the server demands authentication and refuses every login (535).
    pub refuse_logins: Arc<std::sync::atomic::AtomicBool>,
    /// How many of the next messages are refused with 451 after their data arrived (still recorded).
    fail_data: Arc<std::sync::atomic::AtomicUsize>,
    /// How many of the next messages are refused for good (554) after their data arrived.
    reject_data: Arc<std::sync::atomic::AtomicUsize>,
}

impl MailServer {
    pub async fn start() -> MailServer {
        Self::start_on(0).await
    }

    pub async fn start_on(port: u16) -> MailServer {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let server = MailServer {
            port: listener.local_addr().unwrap().port(),
            messages: Arc::default(),
            refuse_logins: Arc::default(),
            fail_data: Arc::default(),
            reject_data: Arc::default(),
            arrived: Arc::new(Notify::new()),
        };
        let s = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(s.clone().session(stream));
            }
        });
        server
    }

    async fn session(self, stream: tokio::net::TcpStream) {
        let (r, mut w) = stream.into_split();
        let mut lines = BufReader::new(r).lines();
        let _ = w.write_all(b"220 test-smtp ESMTP ready\r\n").await;
        while let Ok(Some(line)) = lines.next_line().await {
            let cmd = line.to_ascii_uppercase();
            let refuse = self.refuse_logins.load(std::sync::atomic::Ordering::SeqCst);
            let reply: &[u8] = if cmd.starts_with("EHLO") {
                b"250-test-smtp\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8\r\n"
            } else if cmd.starts_with("AUTH") {
                if refuse {
                    b"535 5.7.8 authentication failed\r\n"
                } else {
                    b"235 2.7.0 accepted\r\n"
                }
            } else if refuse && cmd.starts_with("MAIL") {
                b"530 5.7.0 authentication required\r\n"
            } else if cmd.starts_with("DATA") {
                let _ = w.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
                let mut data = String::new();
                while let Ok(Some(l)) = lines.next_line().await {
                    if l == "." {
                        break;
                    }
                    data.push_str(
                        l.strip_prefix('.')
                            .filter(|_| l.starts_with(".."))
                            .unwrap_or(&l),
                    );
                    data.push_str("\r\n");
                }
                self.messages.lock().unwrap().push(data);
                self.arrived.notify_waiters();
                let take = |n: &std::sync::atomic::AtomicUsize| {
                    n.fetch_update(
                        std::sync::atomic::Ordering::SeqCst,
                        std::sync::atomic::Ordering::SeqCst,
                        |n| n.checked_sub(1),
                    )
                    .is_ok()
                };
                if take(&self.reject_data) {
                    b"554 5.7.1 message refused by policy\r\n"
                } else if take(&self.fail_data) {
                    b"451 4.3.0 try again later\r\n"
                } else {
                    b"250 OK queued\r\n"
                }
            } else if cmd.starts_with("QUIT") {
                let _ = w.write_all(b"221 bye\r\n").await;
                return;
            } else if cmd.starts_with("HELO")
                || cmd.starts_with("MAIL")
                || cmd.starts_with("RCPT")
                || cmd.starts_with("RSET")
                || cmd.starts_with("NOOP")
            {
                b"250 OK\r\n"
            } else {
                b"502 not implemented\r\n"
            };
            if w.write_all(reply).await.is_err() {
                return;
            }
        }
    }

    pub fn fail_next_data(&self, n: usize) {
        self.fail_data.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn reject_next_data(&self, n: usize) {
        self.reject_data
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// The `n`th message exactly as it arrived (dot-unstuffed), for checks of signatures.
    pub fn raw(&self, n: usize) -> String {
        self.messages.lock().unwrap()[n].clone()
    }

    pub fn count(&self) -> usize {
        self.messages.lock().unwrap().len()
    }

    /// Waits until at least `n` messages have arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Email> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let notified = self.arrived.notified();
            if self.count() >= n {
                return self
                    .messages
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|m| Email::parse(m))
                    .collect();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "expected {n} emails within {PATIENCE:?}, got {}",
                    self.count()
                );
            }
        }
    }
}

/// A received email, decoded.
#[derive(Debug, Clone)]
pub struct Email {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
    pub text: String,
    pub html: String,
}

impl Email {
    fn parse(raw: &str) -> Email {
        use mailparse::MailHeaderMap;
        let m = mailparse::parse_mail(raw.as_bytes()).expect("a parsable email");
        let part = |ct: &str| {
            m.subparts
                .iter()
                .find(|p| p.ctype.mimetype == ct)
                .map(|p| p.get_body().unwrap())
                .unwrap_or_default()
        };
        Email {
            message_id: m.headers.get_first_value("Message-ID").unwrap_or_default(),
            to: m.headers.get_first_value("To").unwrap_or_default(),
            subject: m.headers.get_first_value("Subject").unwrap_or_default(),
            list_unsubscribe: m.headers.get_first_value("List-Unsubscribe"),
            list_unsubscribe_post: m.headers.get_first_value("List-Unsubscribe-Post"),
            text: part("text/plain"),
            html: part("text/html"),
        }
    }

    /// The first link in the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let start = self.text.find(prefix)?;
        let rest = &self.text[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '"')
            .unwrap_or(rest.len());
        Some(rest[..end].to_string())
    }

    pub fn unsubscribe_url(&self) -> String {
        let h = self
            .list_unsubscribe
            .clone()
            .expect("a List-Unsubscribe header");
        h.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    }
}

/// The setting that lets outgoing requests reach private addresses, for tests with local receivers.
pub const ALLOW: (&str, &str) = ("ASSENT_ALLOW_PRIVATE_TARGETS", "true");

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub db: TestDb,
    pub mail: Option<MailServer>,
    pub data_dir: PathBuf,
    handle: actix_web::dev::ServerHandle,
}

pub struct Options {
    pub smtp_port: Option<u16>,
    pub with_mail_server: bool,
    pub mail_retry_base: Duration,
    pub trust_proxy: bool,
    pub body_deadline: Duration,
    pub signup_hook: Option<assent::consent::signup::BatchHook>,
    pub retention_days: u32,
    /// The first webhook retry's wait (later ones keep the schedule's proportions).
    pub webhook_first_retry: Duration,
    /// Further settings (`ASSENT_*` name, value).
    pub env: Vec<(&'static str, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            smtp_port: None,
            with_mail_server: true,
            mail_retry_base: Duration::from_millis(100),
            trust_proxy: false,
            body_deadline: Duration::from_secs(10),
            signup_hook: None,
            retention_days: 30,
            webhook_first_retry: Duration::from_millis(1),
            env: Vec::new(),
        }
    }
}

impl TestApp {
    /// A server that may send to private addresses (the test's own receivers are on 127.0.0.1).
    pub async fn allowing_private_targets() -> TestApp {
        TestApp::spawn_with(Options {
            env: vec![(ALLOW.0, ALLOW.1.into())],
            ..Options::default()
        })
        .await
    }

    pub async fn spawn() -> TestApp {
        Self::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(opts: Options) -> TestApp {
        let db = TestDb::new();
        let mail = if opts.with_mail_server {
            Some(MailServer::start().await)
        } else {
            None
        };
        let smtp_port = opts.smtp_port.or(mail.as_ref().map(|m| m.port));
        let data_dir = db.dir.join("data");
        let url = db.url.clone();
        let dir = data_dir.display().to_string();
        let settings = Settings::from_lookup(|k| match k {
            "ASSENT_DATABASE_URL" => Some(url.clone()),
            "ASSENT_BIND" => Some("127.0.0.1:0".into()),
            "ASSENT_DATA_DIR" => Some(dir.clone()),
            "ASSENT_SMTP_URL" => smtp_port.map(|p| format!("smtp://127.0.0.1:{p}")),
            "ASSENT_LOG" => Some("warn".into()),
            "ASSENT_TRUST_PROXY" => Some(opts.trust_proxy.to_string()),
            "ASSENT_UNCONFIRMED_RETENTION_DAYS" => Some(opts.retention_days.to_string()),
            "ASSENT_WEBHOOK_FIRST_RETRY_MS" => {
                Some(opts.webhook_first_retry.as_millis().to_string())
            }
            other => opts
                .env
                .iter()
                .find(|(k, _)| *k == other)
                .map(|(_, v)| v.clone())
                // Housekeeping runs every 100 ms here: anchors only when a test asks for them.
                .or_else(|| (other == "ASSENT_LEDGER_ANCHOR_HOURS").then(|| "0".into())),
        })
        .expect("valid test settings");
        let tuning = Tuning {
            mail_retry_base: opts.mail_retry_base,
            http_workers: 2,
            body_deadline: opts.body_deadline,
            signup_hook: opts.signup_hook,
            retention_every: Duration::from_millis(100),
            webhook_timeout: Duration::from_secs(2),
        };
        let app = Application::build(settings, tuning)
            .await
            .expect("the application starts");
        // The bound address, which is also the base URL unless a test sets ASSENT_BASE_URL (a proxy's).
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        let http = client().build().unwrap();
        TestApp {
            base,
            http,
            db,
            mail,
            data_dir,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .http
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    pub async fn subscribe(&self, email: &str, agreements: &[&str]) -> (u16, String) {
        let mut form = vec![("email", email)];
        form.extend(agreements.iter().map(|a| ("agreement", *a)));
        self.post("/subscribe", &form).await
    }

    /// An RFC 8058 one-click unsubscribe, as a mail client sends it: no cookie, no CSRF token.
    pub async fn one_click(&self, url: &str) -> u16 {
        let r = self
            .http
            .post(url)
            .form(&[("List-Unsubscribe", "One-Click")])
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    }

    pub fn mail(&self) -> &MailServer {
        self.mail.as_ref().expect("this test app has a mail server")
    }

    /// Subscribes to the newsletter and waits for the confirmation email (not confirmed).
    pub async fn subscribe_pending(&self, email: &str) -> Email {
        let before = self.mail().count();
        assert_eq!(
            self.subscribe(email, &["newsletter_agreement"]).await.0,
            200
        );
        self.mail().wait_for(before + 1).await.pop().unwrap()
    }

    /// Subscribes, waits for the confirmation email and confirms it; returns the email.
    pub async fn subscribe_confirmed(&self, email: &str, agreements: &[&str]) -> Email {
        let before = self.mail().count();
        assert_eq!(self.subscribe(email, agreements).await.0, 200);
        let mail = self.mail().wait_for(before + 1).await.pop().unwrap();
        let confirm = mail
            .link(&format!("{}/confirm/", self.base))
            .expect("a confirm link");
        assert_eq!(self.post(&confirm, &[]).await.0, 200);
        mail
    }

    pub fn conn(&self) -> DbConn {
        conn_to(&self.db)
    }

    /// Moves the opt-in requests of `email` (of every address: `None`) `days` into the past.
    pub fn age_requests<'a>(&self, email: impl Into<Option<&'a str>>, days: i64) {
        use assent::db::schema::{optin_requests as o, profiles as p};
        use diesel::prelude::*;
        let mut c = self.conn();
        let mut q = o::table
            .inner_join(p::table)
            .select((o::id, o::created_at, o::expires_at))
            .into_boxed();
        if let Some(email) = email.into() {
            q = q.filter(p::email.eq(email));
        }
        let rows: Vec<(i64, chrono::NaiveDateTime, chrono::NaiveDateTime)> =
            q.load(&mut c).unwrap();
        let back = chrono::Duration::days(days);
        for (id, created, expires) in rows {
            diesel::update(o::table.find(id))
                .set((
                    o::created_at.eq(created - back),
                    o::expires_at.eq(expires - back),
                ))
                .execute(&mut c)
                .unwrap();
        }
    }

    /// Rows in a table, for "nothing was written" checks.
    pub fn count(&self, table: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rows: Vec<N> = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .load(&mut self.conn())
            .unwrap();
        rows[0].n
    }

    pub fn exec(&self, sql: &str) {
        self.try_exec(sql).unwrap();
    }

    pub fn try_exec(&self, sql: &str) -> diesel::QueryResult<()> {
        self.conn().batch_execute(sql)
    }

    pub async fn api_key(&self) -> String {
        self.db.api_key()
    }

    pub async fn api(&self, path: &str, key: &str) -> (u16, serde_json::Value) {
        let r = self
            .http
            .get(self.url(path))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    /// Runs the real `assent` binary against this test's database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        self.cli_env(args, &[])
    }

    /// Runs the real `assent` binary against this test's database, with further settings.
    pub fn cli_env(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        self.db.command(args, env).output().unwrap()
    }
}

impl TestDb {
    /// The real `assent` binary with these arguments and settings, on this database and its data folder
    /// (the one `TestApp` and `Binary` use).
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_assent"));
        cmd.args(args)
            .env("ASSENT_DATABASE_URL", &self.url)
            .env("ASSENT_DATA_DIR", self.dir().join("data"))
            .env("ASSENT_LOG", "warn")
            .env("ASSENT_LEDGER_ANCHOR_HOURS", "0")
            .stdin(std::process::Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs the real `assent` binary (as `command`), which must succeed; its standard output.
    pub fn cli_ok(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        let out = self.command(args, env).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{args:?}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// A new API key on this database.
    pub fn api_key(&self) -> String {
        let (key, hash) = assent::auth::api_keys::new_key();
        assent::db::models::api_keys::insert(
            &mut conn_to(self),
            &format!("test-{}", random_suffix()),
            &hash,
        )
        .unwrap();
        key
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the server (and its pool) before the database goes away.
        // The stop command is sent on the call; the returned future only waits for it to finish.
        drop(self.handle.stop(false));
    }
}

/// The real `assent serve` binary on a test database, killed with SIGKILL when dropped (also when the
/// test fails, so no server outlives it).
pub struct Binary {
    pub child: std::process::Child,
    pub base: String,
}

impl Binary {
    /// Starts it on 127.0.0.1:`port`; its log (stdout) is kept for `log()` when `keep_log` is set.
    pub fn start(db: &TestDb, port: u16, env: &[(&str, String)], keep_log: bool) -> Binary {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_assent"));
        cmd.arg("serve")
            .env("ASSENT_DATABASE_URL", &db.url)
            .env("ASSENT_DATA_DIR", db.dir().join("data"))
            .env("ASSENT_BIND", format!("127.0.0.1:{port}"))
            .env("ASSENT_LOG", "warn")
            // Anchors (and the signing key the first one makes) only when a test asks, as in TestApp.
            .env("ASSENT_LEDGER_ANCHOR_HOURS", "0")
            .stderr(std::process::Stdio::null())
            .stdout(if keep_log {
                std::process::Stdio::piped()
            } else {
                std::process::Stdio::null()
            });
        for (k, v) in env {
            cmd.env(k, v);
        }
        Binary {
            child: cmd.spawn().unwrap(),
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A port that was free a moment ago.
    pub fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    pub async fn ready(&self) {
        let http = client().build().unwrap();
        let url = format!("{}/livez", self.base);
        eventually_async("the server answers", || async {
            http.get(&url).send().await.is_ok()
        })
        .await;
    }

    /// Kills the server and returns everything it logged.
    pub fn log(mut self) -> String {
        let _ = self.child.kill();
        let mut out = String::new();
        if let Some(mut stdout) = self.child.stdout.take() {
            std::io::Read::read_to_string(&mut stdout, &mut out).unwrap();
        }
        out
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test that needs an outside tool skips with one loud line where the tool is missing, unless `var=1`
/// (CI sets it after installing the tool): then the missing tool fails the test.
pub fn missing_tool(var: &str, why: &str) {
    let required = std::env::var(var).is_ok_and(|v| v == "1");
    assert!(!required, "{why}, but {var}=1");
    eprintln!("SKIPPED: {why}");
}

/// Runs one of the repository's independent checkers, `tests/<script>` (Python's PyJWT, jsonschema,
/// hashlib), which must accept what it is given: what it printed, as JSON; `None` where its libraries
/// are missing and the run does not require them (CI does, with ASSENT_TEST_REQUIRE_PYJWT=1).
pub fn python_check(script: &str, args: &[&std::path::Path]) -> Option<serde_json::Value> {
    let out = std::process::Command::new("python3")
        .arg(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests")
                .join(script),
        )
        .args(args)
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    if out.status.code() == Some(3) {
        missing_tool("ASSENT_TEST_REQUIRE_PYJWT", &said);
        return None;
    }
    assert!(out.status.success(), "{script} refused it: {said}");
    Some(serde_json::from_str(&said).unwrap())
}

/// One part of a compact JWS (0: the header, 1: the payload) as JSON: what a receipt says, unchecked.
pub fn jws_part(token: &str, part: usize) -> serde_json::Value {
    use base64::Engine;
    let b64 = token.trim().split('.').nth(part).expect("a JWS part");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON")
}

/// A GET with an API key that must answer 200; its body as text (a receipt, a CSV).
pub async fn keyed_text(http: &reqwest::Client, url: &str, key: &str) -> String {
    let r = http.get(url).bearer_auth(key).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    r.text().await.unwrap()
}
