//! A real HTTP receiver for outgoing webhooks, in the test process: a small HTTP/1.1 server (keep-alive)
//! that checks every request's Standard Webhooks signature with an independent implementation (the
//! `standardwebhooks` crate) and can be told to fail, throttle, vanish or go slow.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::Notify;

/// How the receiver answers a request.
#[derive(Clone, Debug)]
pub enum Reply {
    Status(u16),
    /// A status with `Retry-After: <seconds>`.
    RetryAfter(u16, u64),
    /// Reads the request, writes half a status line and closes the connection.
    Vanish,
    /// Answers 200 after this long; never counted as accepted (it is meant to be too late).
    Slow(Duration),
    /// Answers 200 after this long, counted as accepted.
    Delay(Duration),
    /// Answers 200 once the test says so (`Notify::notify_one`), counted as accepted.
    Hold(Arc<Notify>),
}

/// A request that was answered 2xx with a valid signature.
#[derive(Clone, Debug)]
pub struct Got {
    pub id: String,
    pub body: serde_json::Value,
    pub signature: String,
    /// When it arrived (wall clock), for the benchmark's lag figures.
    #[allow(dead_code)]
    pub arrived: std::time::SystemTime,
}

/// Every request, whatever it was answered.
#[derive(Clone, Debug)]
pub struct Seen {
    pub id: String,
    pub status: u16,
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    secrets: Mutex<Vec<String>>,
    got: Mutex<Vec<Got>>,
    /// The distinct message ids among `got`.
    ids: Mutex<std::collections::HashSet<String>>,
    seen: Mutex<Vec<Seen>>,
    script: Mutex<VecDeque<Reply>>,
    fail_percent: AtomicU32,
    /// Random failures per message id so far (never more than `MAX_RANDOM_FAILURES` for one message).
    failed: Mutex<std::collections::HashMap<String, u32>>,
    rng: AtomicU64,
    bad_signatures: AtomicUsize,
    arrived: Notify,
    /// Takes unsigned requests (send-files): each body with its headers.
    files: Mutex<Vec<File>>,
    plain: std::sync::atomic::AtomicBool,
}

/// An unsigned request's body and headers (a send-file).
#[derive(Clone, Debug)]
pub struct File {
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl File {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub const MAX_RANDOM_FAILURES: u32 = 4;

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Inner>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Self::start_on(0).await
    }

    pub async fn start_on(port: u16) -> Receiver {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let r = Receiver {
            url,
            inner: Arc::new(Inner {
                rng: AtomicU64::new(0x9e37_79b9_7f4a_7c15),
                ..Inner::default()
            }),
        };
        let me = r.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(me.clone().serve(stream));
            }
        });
        r
    }

    /// A receiver for send-files: no signatures; every body is kept (see `files`).
    pub async fn start_plain() -> Receiver {
        let r = Self::start().await;
        r.inner.plain.store(true, Ordering::SeqCst);
        r
    }

    pub fn files(&self) -> Vec<File> {
        self.inner.files.lock().unwrap().clone()
    }

    /// The secrets a signature may be made with (any one verifying is enough).
    pub fn trust(&self, secrets: &[&str]) {
        *self.inner.secrets.lock().unwrap() = secrets.iter().map(|s| s.to_string()).collect();
    }

    /// Answers the next requests as given, in order (then 200 again).
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.inner.script.lock().unwrap().extend(replies);
    }

    /// Fails this share of requests with 500, pseudo-randomly (but repeatably), and one message at most
    /// `MAX_RANDOM_FAILURES` times in a row, so a test's messages never run out of their 8 attempts
    /// (at 30% that would happen to about 1 in 15,000 messages).
    pub fn fail_percent(&self, p: u32) {
        self.inner.fail_percent.store(p, Ordering::SeqCst);
    }

    pub fn got(&self) -> Vec<Got> {
        self.inner.got.lock().unwrap().clone()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.inner.seen.lock().unwrap().clone()
    }

    pub fn bad_signatures(&self) -> usize {
        self.inner.bad_signatures.load(Ordering::SeqCst)
    }

    /// Distinct message ids accepted.
    pub fn distinct(&self) -> usize {
        self.inner.ids.lock().unwrap().len()
    }

    /// Waits (up to a minute) until `n` distinct messages were accepted.
    pub async fn wait_for(&self, n: usize) -> Vec<Got> {
        self.wait_within(n, Duration::from_secs(60)).await
    }

    /// Waits up to `limit` until `n` distinct messages were accepted.
    pub async fn wait_within(&self, n: usize, limit: Duration) -> Vec<Got> {
        let deadline = Instant::now() + limit;
        loop {
            let notified = self.inner.arrived.notified();
            if self.distinct() >= n {
                return self.got();
            }
            if Instant::now() > deadline {
                panic!(
                    "the receiver got {} distinct deliveries, expected {n} (requests seen: {})",
                    self.distinct(),
                    self.seen().len()
                );
            }
            let _ = tokio::time::timeout(Duration::from_millis(200), notified).await;
        }
    }

    fn next_random(&self) -> u32 {
        // xorshift64: the same sequence every run.
        let mut x = self.inner.rng.load(Ordering::SeqCst);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.inner.rng.store(x, Ordering::SeqCst);
        (x % 100) as u32
    }

    fn verified(&self, headers: &[(String, String)], body: &[u8]) -> bool {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            if let (Ok(k), Ok(v)) = (
                http::header::HeaderName::from_bytes(k.as_bytes()),
                http::header::HeaderValue::from_str(v),
            ) {
                map.append(k, v);
            }
        }
        let secrets = self.inner.secrets.lock().unwrap().clone();
        secrets.iter().any(|s| {
            standardwebhooks::Webhook::new(s)
                .map(|w| w.verify(body, &map).is_ok())
                .unwrap_or(false)
        })
    }

    async fn serve(self, stream: tokio::net::TcpStream) {
        let (r, mut w) = stream.into_split();
        let mut r = BufReader::new(r);
        loop {
            let mut head = Vec::new();
            loop {
                let mut line = String::new();
                match r.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if line == "\r\n" || line == "\n" {
                    break;
                }
                head.push(line.trim_end().to_string());
            }
            let headers: Vec<(String, String)> = head
                .iter()
                .skip(1)
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let len: usize = header("content-length").parse().unwrap_or(0);
            let mut body = vec![0; len];
            if r.read_exact(&mut body).await.is_err() {
                return;
            }
            let id = header("webhook-id");
            let reply = self.inner.script.lock().unwrap().pop_front();
            let reply = reply.unwrap_or_else(|| {
                let p = self.inner.fail_percent.load(Ordering::SeqCst);
                let mut failed = self.inner.failed.lock().unwrap();
                let so_far = failed.entry(id.clone()).or_default();
                if p > 0 && *so_far < MAX_RANDOM_FAILURES && self.next_random() < p {
                    *so_far += 1;
                    Reply::Status(500)
                } else {
                    Reply::Status(200)
                }
            });
            let late = matches!(reply, Reply::Slow(_));
            let (status, extra) = match reply {
                Reply::Vanish => {
                    self.inner.seen.lock().unwrap().push(Seen {
                        id,
                        status: 0,
                        at: Instant::now(),
                    });
                    let _ = w.write_all(b"HTTP/1.1 2").await;
                    return;
                }
                Reply::Slow(d) | Reply::Delay(d) => {
                    tokio::time::sleep(d).await;
                    (200, String::new())
                }
                Reply::Hold(gate) => {
                    gate.notified().await;
                    (200, String::new())
                }
                Reply::Status(s) => (s, String::new()),
                Reply::RetryAfter(s, secs) => (s, format!("retry-after: {secs}\r\n")),
            };
            let plain = self.inner.plain.load(Ordering::SeqCst);
            if plain && (200..300).contains(&status) {
                self.inner.files.lock().unwrap().push(File {
                    method: head[0].split(' ').next().unwrap_or_default().to_string(),
                    headers: headers.clone(),
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                self.inner.arrived.notify_waiters();
            }
            let good = plain || self.verified(&headers, &body);
            let status = if good { status } else { 401 };
            if !good {
                self.inner.bad_signatures.fetch_add(1, Ordering::SeqCst);
            }
            let now = Instant::now();
            self.inner.seen.lock().unwrap().push(Seen {
                id: id.clone(),
                status,
                at: now,
            });
            if (200..300).contains(&status) && !late && !plain {
                let parsed: serde_json::Value =
                    serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
                self.inner.ids.lock().unwrap().insert(id.clone());
                self.inner.got.lock().unwrap().push(Got {
                    id,
                    body: parsed,
                    signature: header("webhook-signature"),
                    arrived: std::time::SystemTime::now(),
                });
                self.inner.arrived.notify_waiters();
            }
            let text = if good { "ok" } else { "bad signature" };
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\n{extra}\r\n{text}",
                text.len()
            );
            if w.write_all(answer.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}
