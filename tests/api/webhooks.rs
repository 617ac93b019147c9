//! Outgoing webhooks against a real HTTP receiver in the test process that checks every signature with
//! the `standardwebhooks` crate: at-least-once delivery in order per profile while requests fail,
//! Retry-After, 410, timeouts and dropped connections, excluded sources and the integration echo rule,
//! secret rotation, a killed server, and the command line.

use crate::helpers::receiver::{Receiver, Reply};
use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// `assent webhook add …`: the new endpoint's id and secret.
pub fn add_webhook(app: &TestApp, url: &str, events: &str, extra: &[&str]) -> (i64, String) {
    let mut args = vec!["webhook", "add", "--url", url, "--events", events];
    args.extend_from_slice(extra);
    let out = app.cli_env(&args, &[ALLOW]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = stdout
        .split_whitespace()
        .nth(2)
        .and_then(|w| w.trim_end_matches(':').parse().ok())
        .unwrap_or_else(|| panic!("an id in {stdout:?}"));
    let secret = stdout.lines().last().unwrap().trim().to_string();
    assert!(secret.starts_with("whsec_"), "{stdout}");
    (id, secret)
}

/// `assent webhook add` for every consent change on a database that `Binary` servers use; its secret.
pub fn webhook_on(db: &TestDb, url: &str) -> String {
    let out = db
        .command(
            &[
                "webhook",
                "add",
                "--url",
                url,
                "--events",
                "consent.changed",
            ],
            &[ALLOW],
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string()
}

fn cli_ok(app: &TestApp, args: &[&str]) -> String {
    let out = app.cli_env(args, &[ALLOW]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

pub async fn batch(app: &TestApp, key: &str, items: &Value) {
    let r = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(key)
        .json(items)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let answer: Value = r.json().await.unwrap();
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["rejected"], json!([]), "{answer}");
}

fn minutes_ago(m: i64) -> String {
    (chrono::Utc::now() - chrono::TimeDelta::minutes(m))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn drained(app: &TestApp) {
    eventually("every webhook delivery is done", || {
        app.count("outbox WHERE channel = 'webhook' AND sent_at IS NULL AND dead_at IS NULL") == 0
    })
    .await;
}

#[tokio::test]
async fn a_thousand_changes_arrive_signed_once_each_and_in_order_per_profile_while_30_percent_of_requests_fail()
 {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (_, secret) = add_webhook(&app, &rx.url, "profile.created,consent.changed", &[]);
    rx.trust(&[&secret]);
    rx.fail_percent(30);
    let key = app.api_key().await;
    // 100 people; each round turns their newsletter on or off again, one minute later than before.
    for round in 0..10 {
        let items: Vec<Value> = (0..100)
            .map(|i| {
                json!({"email": format!("p{i}@example.com"), "agreements": {"email": round % 2 == 0},
                       "consentedAt": minutes_ago(60 - round)})
            })
            .collect();
        batch(&app, &key, &json!(items)).await;
    }
    assert_eq!(app.count("consent_events"), 1000);
    let got = rx.wait_for(1100).await;
    drained(&app).await;

    assert_eq!(rx.bad_signatures(), 0);
    let failed = rx.seen().iter().filter(|s| s.status == 500).count();
    assert!(failed > 150, "about 30% of requests failed ({failed})");
    assert_eq!(app.count("outbox WHERE dead_at IS NOT NULL"), 0);
    // Each message once as far as the receiver's log of firsts goes, and per person in ledger order.
    let mut first: Vec<&crate::helpers::receiver::Got> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for g in &got {
        if ids.insert(g.id.clone()) {
            first.push(g);
        }
    }
    assert_eq!(first.len(), 1100);
    let mut per_person: HashMap<String, Vec<&Value>> = HashMap::new();
    for g in &first {
        let email = g.body["data"]["email"].as_str().unwrap().to_string();
        per_person.entry(email).or_default().push(&g.body);
    }
    assert_eq!(per_person.len(), 100);
    let mut event_ids = Vec::new();
    for (email, bodies) in &per_person {
        assert_eq!(bodies[0]["type"], "profile.created", "{email}");
        let changes: Vec<&&Value> = bodies[1..].iter().collect();
        assert_eq!(changes.len(), 10, "{email}");
        for (round, b) in changes.iter().enumerate() {
            assert_eq!(b["type"], "consent.changed");
            let want = if round % 2 == 0 {
                "enabled"
            } else {
                "disabled"
            };
            assert_eq!(
                b["data"]["value"], want,
                "{email} round {round}: {bodies:?}"
            );
            assert_eq!(b["data"]["agreement"], "newsletter_agreement");
            assert!(b["data"]["source"].as_str().unwrap().starts_with("api:"));
        }
        let ids: Vec<i64> = changes
            .iter()
            .map(|b| b["data"]["eventId"].as_i64().unwrap())
            .collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{email}: {ids:?}");
        event_ids.extend(ids);
    }
    event_ids.sort();
    let mut ledger: Vec<i64> = {
        use assent::db::schema::consent_events::dsl::*;
        use diesel::prelude::*;
        consent_events.select(id).load(&mut app.conn()).unwrap()
    };
    ledger.sort();
    assert_eq!(event_ids, ledger, "every ledger event was delivered");
}

#[tokio::test]
async fn a_410_pauses_the_endpoint_and_resuming_delivers_what_queued_meanwhile() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (id, secret) = add_webhook(&app, &rx.url, "consent.changed", &[]);
    rx.trust(&[&secret]);
    rx.script([Reply::Status(410)]);
    let key = app.api_key().await;
    let one = |e: &str| json!([{"email": e, "agreements": {"email": true}}]);
    batch(&app, &key, &one("a@example.com")).await;
    eventually("the endpoint is paused", || {
        app.count(&format!(
            "webhook_endpoints WHERE id = {id} AND paused_at IS NOT NULL AND disabled_reason LIKE '%410%'"
        )) == 1
    })
    .await;
    let listed = cli_ok(&app, &["webhook", "list"]);
    assert!(listed.contains("disabled"), "{listed}");
    batch(&app, &key, &one("b@example.com")).await;
    assert_eq!(
        app.count(&format!(
            "outbox WHERE endpoint_id = {id} AND sent_at IS NULL"
        )),
        2,
        "both wait while the endpoint is paused"
    );
    assert!(rx.got().is_empty());
    cli_ok(&app, &["webhook", "resume", &id.to_string()]);
    let got = rx.wait_for(2).await;
    let mut emails: Vec<&str> = got
        .iter()
        .map(|g| g.body["data"]["email"].as_str().unwrap())
        .collect();
    emails.sort();
    assert_eq!(emails, ["a@example.com", "b@example.com"]);
}

/// A pause holds from the next round on, on the node that delivers, even when another process (here
/// the command line) paused it: before, the running lane went on for up to a second, so a benchmark's
/// changes went to a receiver that was no longer listening.
#[tokio::test]
async fn a_pause_from_another_process_holds_from_the_next_round() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (id, secret) = add_webhook(&app, &rx.url, "consent.changed", &[]);
    rx.trust(&[&secret]);
    let key = app.api_key().await;
    let one = |e: &str| json!([{"email": e, "agreements": {"email": true}}]);
    batch(&app, &key, &one("before@example.com")).await;
    rx.wait_for(1).await;
    // The lane is running and is woken by the next commit at once.
    cli_ok(&app, &["webhook", "pause", &id.to_string()]);
    batch(&app, &key, &one("paused@example.com")).await;
    // A window for a lane that ignored the pause to deliver (the old one did within milliseconds);
    // nothing may arrive in it.
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(rx.got().len(), 1, "delivered while paused: {:?}", rx.got());
    }
    assert_eq!(
        app.count(&format!(
            "outbox WHERE endpoint_id = {id} AND sent_at IS NULL AND attempts = 0"
        )),
        1,
        "the change waits, untried"
    );
    cli_ok(&app, &["webhook", "resume", &id.to_string()]);
    let got = rx.wait_for(2).await;
    assert_eq!(got[1].body["data"]["email"], "paused@example.com");
}

#[tokio::test]
async fn retry_after_is_honoured_and_timeouts_and_dropped_connections_are_retried() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (id, secret) = add_webhook(&app, &rx.url, "consent.changed", &[]);
    rx.trust(&[&secret]);
    // 429 asking for 2 s, then a connection closed mid-answer, then no answer within the 2 s timeout.
    rx.script([
        Reply::RetryAfter(429, 2),
        Reply::Vanish,
        Reply::Slow(Duration::from_secs(3)),
    ]);
    let key = app.api_key().await;
    batch(
        &app,
        &key,
        &json!([{"email": "r@example.com", "agreements": {"email": true}}]),
    )
    .await;
    rx.wait_for(1).await;
    drained(&app).await;
    // The too-late answer is logged when its sleep ends, after the retry that succeeded.
    eventually("four requests were seen", || rx.seen().len() == 4).await;
    let seen = rx.seen();
    assert_eq!(seen[1].status, 0, "{seen:?}");
    assert_eq!(seen[0].status, 429);
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(1900),
        "Retry-After: 2 waited only {waited:?}"
    );
    assert!(
        seen.iter().all(|s| s.id == seen[0].id),
        "one message, retried"
    );
    let mut c = app.conn();
    let rows = assent::db::models::outbox::list(
        &mut c,
        assent::db::models::outbox::Lane::Webhook(id),
        assent::db::models::outbox::Shelf::Sent,
        None,
        10,
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].attempts, 4);
    assert_eq!(rows[0].response_code, Some(200));
    assert_eq!(rows[0].response_start.as_deref(), Some("ok"));
    assert!(
        rows[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("no answer in time")),
        "{:?}",
        rows[0].last_error
    );
}

#[tokio::test]
async fn excluded_sources_and_the_linked_integrations_own_changes_are_never_sent() {
    let app = TestApp::allowing_private_targets().await;
    let shop_secret = "a-shared-secret-of-at-least-32-characters!";
    cli_ok(
        &app,
        &[
            "integration",
            "add",
            "--name",
            "crm",
            "--hmac-secret",
            shop_secret,
        ],
    );
    // The CRM's own endpoint (linked to its integration), and an analytics endpoint that skips the API.
    let crm = Receiver::start().await;
    let analytics = Receiver::start().await;
    let (crm_id, s1) = add_webhook(&app, &crm.url, "consent.changed", &["--integration", "crm"]);
    let (an_id, s2) = add_webhook(
        &app,
        &analytics.url,
        "consent.changed",
        &[
            "--exclude-source",
            "api",
            "--agreement",
            "newsletter_agreement",
        ],
    );
    crm.trust(&[&s1]);
    analytics.trust(&[&s2]);

    // From the CRM: not echoed back to it; analytics gets it.
    let body = json!({"email": "from-crm@example.com", "agreements": {"email": true}, "consentedAt": minutes_ago(5)});
    let sig = crate::integrations::hub_signature(shop_secret, &body);
    let (status, answer) =
        crate::integrations::send(&app, "crm", &[("X-Hub-Signature-256", sig)], &body).await;
    assert_eq!(status, 202, "{answer}");
    // From the API: the CRM gets it; analytics excludes api:*.
    let key = app.api_key().await;
    batch(
        &app,
        &key,
        &json!([{"email": "from-api@example.com", "agreements": {"email": true, "sms": true}}]),
    )
    .await;
    drained(&app).await;

    let emails = |rx: &Receiver| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = rx
            .got()
            .iter()
            .map(|g| {
                (
                    g.body["data"]["email"].as_str().unwrap().to_string(),
                    g.body["data"]["agreement"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        emails(&crm),
        [
            (
                "from-api@example.com".to_string(),
                "newsletter_agreement".to_string()
            ),
            (
                "from-api@example.com".to_string(),
                "sms_agreement".to_string()
            ),
        ]
    );
    assert_eq!(
        emails(&analytics),
        [(
            "from-crm@example.com".to_string(),
            "newsletter_agreement".to_string()
        )]
    );
    assert_eq!(
        app.count(&format!(
            "outbox WHERE endpoint_id = {crm_id} AND payload LIKE '%from-crm%'"
        )),
        0,
        "an echo is never even queued"
    );
    assert_eq!(
        app.count(&format!(
            "outbox WHERE endpoint_id = {an_id} AND payload LIKE '%from-api%'"
        )),
        0
    );
}

#[tokio::test]
async fn a_rotated_secret_signs_alongside_the_old_one_during_the_grace_period() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (id, old) = add_webhook(&app, &rx.url, "profile.created", &[]);
    let out = cli_ok(&app, &["webhook", "rotate", &id.to_string()]);
    let new = out.lines().last().unwrap().trim().to_string();
    assert!(new.starts_with("whsec_") && new != old, "{out}");
    // A receiver that knows only one of the two secrets accepts either way.
    rx.trust(&[&old]);
    let key = app.api_key().await;
    batch(&app, &key, &json!([{"email": "one@example.com"}])).await;
    let got = rx.wait_for(1).await;
    assert_eq!(
        got[0].signature.split(' ').count(),
        2,
        "{}",
        got[0].signature
    );
    rx.trust(&[&new]);
    batch(&app, &key, &json!([{"email": "two@example.com"}])).await;
    rx.wait_for(2).await;
    assert_eq!(rx.bad_signatures(), 0);
    // After the grace period, only the new secret signs.
    app.exec(&format!(
        "UPDATE webhook_endpoints SET previous_until = created_at WHERE id = {id}"
    ));
    batch(&app, &key, &json!([{"email": "three@example.com"}])).await;
    let got = rx.wait_for(3).await;
    let last = got
        .iter()
        .find(|g| g.body["data"]["email"] == "three@example.com")
        .unwrap();
    assert_eq!(last.signature.split(' ').count(), 1);
    rx.trust(&[&old]);
    batch(&app, &key, &json!([{"email": "four@example.com"}])).await;
    eventually("the old secret no longer verifies", || {
        rx.bad_signatures() > 0
    })
    .await;
}

#[tokio::test]
async fn the_command_line_manages_endpoints_and_refuses_private_or_malformed_targets() {
    let app = TestApp::allowing_private_targets().await;
    let refused = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["webhook", "add"];
        all.extend_from_slice(args);
        let out = app.cli_env(&all, env);
        assert!(!out.status.success(), "{args:?} was accepted");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = refused(
        &[
            "--url",
            "http://127.0.0.1:9/x",
            "--events",
            "consent.changed",
        ],
        &[],
    );
    assert!(e.contains("ASSENT_ALLOW_PRIVATE_TARGETS"), "{e}");
    let e = refused(
        &[
            "--url",
            "http://localhost:9/x",
            "--events",
            "consent.changed",
        ],
        &[],
    );
    assert!(e.contains("private"), "{e}");
    let e = refused(
        &["--url", "http://[fd00::1]/x", "--events", "consent.changed"],
        &[],
    );
    assert!(e.contains("private"), "{e}");
    let e = refused(
        &[
            "--url",
            "ftp://example.com/x",
            "--events",
            "consent.changed",
        ],
        &[ALLOW],
    );
    assert!(e.contains("ftp"), "{e}");
    let e = refused(
        &[
            "--url",
            "http://127.0.0.1:9/x",
            "--events",
            "consent.deleted",
        ],
        &[ALLOW],
    );
    assert!(e.contains("consent.deleted"), "{e}");
    let e = refused(
        &[
            "--url",
            "http://127.0.0.1:9/x",
            "--events",
            "consent.changed",
            "--agreement",
            "nope",
        ],
        &[ALLOW],
    );
    assert!(e.contains("nope"), "{e}");
    assert_eq!(app.count("webhook_endpoints"), 0);

    let rx = Receiver::start().await;
    let (id, secret) = add_webhook(&app, &rx.url, "profile.created", &[]);
    rx.trust(&[&secret]);
    let id = id.to_string();
    cli_ok(&app, &["webhook", "pause", &id]);
    assert!(cli_ok(&app, &["webhook", "list"]).contains("paused"));
    let key = app.api_key().await;
    batch(&app, &key, &json!([{"email": "queued@example.com"}])).await;
    assert_eq!(app.count("outbox WHERE channel = 'webhook'"), 1);
    cli_ok(&app, &["webhook", "delete", &id]);
    assert_eq!(
        app.count("outbox WHERE channel = 'webhook'"),
        0,
        "its queue goes with it"
    );
    assert_eq!(app.count("webhook_endpoints"), 0);
    let out = app.cli_env(&["webhook", "resume", &id], &[ALLOW]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no webhook"));
    assert_eq!(
        app.count("audit_log WHERE action LIKE 'webhook.%'"),
        3,
        "add, pause and delete are audited"
    );
}

#[tokio::test]
async fn a_server_killed_while_delivering_loses_nothing() {
    let db = TestDb::new();
    let rx = Receiver::start().await;
    let port = Binary::free_port();
    let env = [(ALLOW.0, ALLOW.1.to_string())];
    let first = Binary::start(&db, port, &env, false);
    first.ready().await;
    // The app's own helpers work on the same database.
    let secret = webhook_on(&db, &rx.url);
    rx.trust(&[&secret]);
    // Slow answers keep requests in flight when the server dies.
    rx.script(std::iter::repeat_n(
        Reply::Delay(Duration::from_millis(300)),
        400,
    ));
    let key = db.api_key();
    let http = reqwest::Client::new();
    let items: Vec<Value> = (0..300)
        .map(|i| json!({"email": format!("k{i}@example.com"), "agreements": {"email": true}}))
        .collect();
    let r = http
        .post(format!("{}/v4/clients/batch", first.base))
        .bearer_auth(&key)
        .json(&items)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    eventually("some deliveries arrived", || rx.distinct() >= 20).await;
    drop(first); // SIGKILL, with requests in flight and rows claimed.
    assert!(rx.distinct() < 300, "killed before it finished");
    let second = Binary::start(&db, port, &env, false);
    second.ready().await;
    let got = rx.wait_for(300).await;
    let mut emails: Vec<String> = got
        .iter()
        .map(|g| g.body["data"]["email"].as_str().unwrap().to_string())
        .collect();
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), 300, "every change arrived at least once");
    assert_eq!(rx.bad_signatures(), 0);
    drop(second);
}

#[tokio::test]
async fn an_admin_manages_an_endpoint_and_its_deliveries_in_the_dashboard() {
    // Retries without waiting, so a delivery dead-letters within the test.
    let app = TestApp::spawn_with(Options {
        env: vec![(ALLOW.0, ALLOW.1.into())],
        webhook_first_retry: Duration::ZERO,
        ..Options::default()
    })
    .await;
    let marketer = crate::helpers::browser::staff(&app, "m@example.com", "marketer").await;
    assert_eq!(marketer.get("/admin/webhooks").await.0, 403);
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let (status, page, _) = admin
        .submit(
            "/admin/webhooks",
            "/admin/webhooks",
            &[("url", "ftp://crm.example/x"), ("event", "consent.changed")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("ftp: is not supported"), "{page}");
    assert_eq!(app.count("webhook_endpoints"), 0);

    let rx = Receiver::start().await;
    let (status, page, _) = admin
        .submit(
            "/admin/webhooks",
            "/admin/webhooks",
            &[
                ("url", rx.url.as_str()),
                ("event", "consent.changed"),
                ("agreement", "newsletter_agreement"),
                ("exclude_sources", "import"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let needle = "<code class=\"secret\">";
    let at = page.find(needle).expect("the secret is shown once") + needle.len();
    let secret = page[at..].split('<').next().unwrap().to_string();
    rx.trust(&[&secret]);
    let id: i64 = {
        use assent::db::schema::webhook_endpoints::dsl::*;
        use diesel::prelude::*;
        webhook_endpoints.select(id).first(&mut app.conn()).unwrap()
    };
    let show = format!("/admin/webhooks/{id}");

    // A test event arrives, and the log shows the receiver's answer.
    let (status, _, _) = admin.submit(&show, &format!("{show}/test"), &[]).await;
    assert_eq!(status, 303);
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].body["type"], "webhook.test");
    drained(&app).await;
    let (_, page, _) = admin.get(&show).await;
    assert!(
        page.contains("webhook.test") && page.contains("<td>200</td>"),
        "{page}"
    );
    assert!(page.contains("100%"), "the success rate: {page}");

    // Every attempt fails: a dead letter, shown with its error, and redelivered on request.
    rx.script(std::iter::repeat_n(Reply::Status(503), 8));
    let key = app.api_key().await;
    batch(
        &app,
        &key,
        &json!([{"email": "d@example.com", "agreements": {"email": true, "sms": true}}]),
    )
    .await;
    eventually("the delivery is dead-lettered", || {
        app.count(&format!(
            "outbox WHERE endpoint_id = {id} AND dead_at IS NOT NULL"
        )) == 1
    })
    .await;
    let (_, page, _) = admin.get(&format!("{show}?status=dead")).await;
    assert!(page.contains("the receiver answered 503"), "{page}");
    assert_eq!(
        app.count(&format!(
            "outbox WHERE endpoint_id = {id} AND payload LIKE '%sms_agreement%'"
        )),
        0,
        "only the chosen agreement is sent"
    );
    let (status, _, _) = admin
        .submit(
            &format!("{show}?status=dead"),
            &format!("{show}/redeliver"),
            &[],
        )
        .await;
    assert_eq!(status, 303);
    let got = rx.wait_for(2).await;
    assert!(
        got.iter()
            .any(|g| g.body["data"]["email"] == "d@example.com")
    );

    // Replay: the consent change goes out again under a new message id.
    let since = (chrono::Utc::now() - chrono::TimeDelta::hours(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let (status, _, location) = admin
        .submit(
            &show,
            &format!("{show}/replay"),
            &[("since", since.as_str())],
        )
        .await;
    assert_eq!(status, 303);
    assert!(location.unwrap().contains("n=1"));
    let got = rx.wait_for(3).await;
    assert_eq!(
        got.iter()
            .filter(|g| g.body["data"]["email"] == "d@example.com")
            .count(),
        2
    );
    let (status, page, _) = admin
        .submit(&show, &format!("{show}/replay"), &[("since", "yesterday")])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("Nothing was queued"), "{page}");

    // Edit, pause, rotate, delete.
    let (status, _, _) = admin
        .submit(
            &show,
            &show,
            &[
                ("url", rx.url.as_str()),
                ("event", "profile.created"),
                ("exclude_sources", ""),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        app.count(&format!(
            "webhook_endpoints WHERE id = {id} AND events = 'profile.created' AND agreements = ''"
        )),
        1
    );
    assert_eq!(
        admin.submit(&show, &format!("{show}/pause"), &[]).await.0,
        303
    );
    let (_, page, _) = admin.get(&show).await;
    assert!(page.contains("paused since"), "{page}");
    let (status, page, _) = admin.submit(&show, &format!("{show}/rotate"), &[]).await;
    assert_eq!(status, 200);
    let at = page.find(needle).expect("the new secret is shown once") + needle.len();
    assert_ne!(page[at..].split('<').next().unwrap(), secret);
    // Addresses that name nothing here.
    assert_eq!(admin.get(&format!("{show}?status=bogus")).await.0, 400);
    assert_eq!(
        admin.submit(&show, &format!("{show}/explode"), &[]).await.0,
        404
    );
    assert_eq!(admin.get("/admin/webhooks/999999").await.0, 404);
    assert_eq!(
        admin.submit(&show, &format!("{show}/delete"), &[]).await.0,
        303
    );
    assert_eq!(admin.get(&show).await.0, 404);
    let (_, audit, _) = admin.get("/admin/audit").await;
    for action in [
        "webhook.add",
        "webhook.redeliver",
        "webhook.replay",
        "webhook.edit",
        "webhook.pause",
        "webhook.rotate",
        "webhook.delete",
    ] {
        assert!(audit.contains(action), "{action} in {audit}");
    }
}

#[tokio::test]
async fn two_hundred_simultaneous_changes_to_one_profile_arrive_in_ledger_order_ending_at_what_is_stored()
 {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (_, secret) = add_webhook(&app, &rx.url, "consent.changed", &[]);
    rx.trust(&[&secret]);
    let key = app.api_key().await;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..200 {
        let (http, url, key) = (app.http.clone(), app.url("/v4/clients/batch"), key.clone());
        sends.spawn(async move {
            let item = json!([{"email": "race@example.com", "agreements": {"email": i % 2 == 0},
                               "consentedAt": minutes_ago(300 - i)}]);
            let r = http
                .post(url)
                .bearer_auth(&key)
                .json(&item)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 202);
        });
    }
    sends.join_all().await;
    // A refusal of what was never given is recorded as proof but sent as no change.
    let events = app.count("consent_events WHERE value <> previous");
    if events == 0 {
        // The latest "no" came first: every other change was older, so nothing changed and nothing
        // is sent (its refusal is kept as proof).
        drained(&app).await;
        assert_eq!(rx.distinct(), 0);
        assert_eq!(
            crate::batch::value_of(&app, "race@example.com", "newsletter_agreement").as_deref(),
            Some("disabled")
        );
        return;
    }
    let got = rx.wait_for(events as usize).await;
    drained(&app).await;
    assert_eq!(
        rx.distinct(),
        events as usize,
        "one delivery per ledger event"
    );
    let mut ids = std::collections::HashSet::new();
    let firsts: Vec<&Value> = got
        .iter()
        .filter(|g| ids.insert(g.id.clone()))
        .map(|g| &g.body)
        .collect();
    let order: Vec<i64> = firsts
        .iter()
        .map(|b| b["data"]["eventId"].as_i64().unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let last = firsts.last().unwrap()["data"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        Some(last),
        crate::batch::value_of(&app, "race@example.com", "newsletter_agreement"),
        "the last delivery says what the database holds"
    );
}

#[tokio::test]
async fn two_nodes_share_the_deliveries_without_sending_one_twice() {
    let db = TestDb::new();
    let rx = Receiver::start().await;
    let env = [(ALLOW.0, ALLOW.1.to_string())];
    let a = Binary::start(&db, Binary::free_port(), &env, false);
    a.ready().await;
    let b = Binary::start(&db, Binary::free_port(), &env, false);
    b.ready().await;
    let secret = webhook_on(&db, &rx.url);
    rx.trust(&[&secret]);
    let key = db.api_key();
    // Both nodes take changes, both deliver.
    let http = reqwest::Client::new();
    for (n, node) in [&a, &b, &a, &b].iter().enumerate() {
        let items: Vec<Value> = (0..250)
            .map(|i| json!({"email": format!("n{n}-{i}@example.com"), "agreements": {"email": true}}))
            .collect();
        let r = http
            .post(format!("{}/v4/clients/batch", node.base))
            .bearer_auth(&key)
            .json(&items)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202);
    }
    let got = rx.wait_for(1000).await;
    assert_eq!(got.len(), 1000, "no delivery went out twice");
    assert_eq!(rx.bad_signatures(), 0);
}

#[tokio::test]
async fn an_erasure_is_announced_after_the_withdrawals_to_the_endpoints_that_asked_for_it() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (_, secret) = add_webhook(&app, &rx.url, "consent.changed,profile.erased", &[]);
    rx.trust(&[&secret]);
    let other = Receiver::start().await;
    let (_, other_secret) = add_webhook(&app, &other.url, "consent.changed", &[]);
    other.trust(&[&other_secret]);
    let key = app.api_key().await;
    batch(
        &app,
        &key,
        &json!([{"email": "gone@example.com", "customId": "crm-7", "agreements": {"email": true}}]),
    )
    .await;
    let out = app.cli(&["profile", "erase", "gone@example.com"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The consent, its withdrawal by the erasure, then the erasure itself, with the identities the
    // receiver knows the person by.
    let got = rx.wait_for(3).await;
    drained(&app).await;
    let kinds: Vec<(&str, &str)> = got
        .iter()
        .map(|g| {
            (
                g.body["type"].as_str().unwrap(),
                g.body["data"]["value"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("consent.changed", "enabled"),
            ("consent.changed", "disabled"),
            ("profile.erased", "")
        ]
    );
    let erased = &got[2].body["data"];
    assert_eq!(
        (&erased["email"], &erased["customId"]),
        (&json!("gone@example.com"), &json!("crm-7"))
    );
    assert!(erased["occurredAt"].as_str().is_some(), "{erased}");
    // An endpoint that did not ask for erasures hears only of the two consent changes.
    let heard: Vec<String> = other
        .wait_for(2)
        .await
        .iter()
        .map(|g| g.body["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(heard, ["consent.changed", "consent.changed"]);
    // Erasing again announces nothing more.
    app.cli(&["profile", "erase", "gone@example.com"]);
    assert_eq!(
        app.count("outbox WHERE channel = 'webhook' AND kind = 'profile.erased'"),
        1
    );
}
