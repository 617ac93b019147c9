//! Text messages a person sends back: STOP withdraws every SMS agreement of the number's profiles,
//! START gives back exactly what the last STOP took, anything else changes nothing; Twilio's signature
//! (fixed vectors made with Python's hmac/hashlib and checked with Twilio's own library) and the
//! generic kind's Standard Webhooks signature (made by the `standardwebhooks` crate) prove the sender.

use crate::helpers::*;
use serde_json::{Value, json};

const BASE: &str = "https://consent.example.com";

fn vectors() -> Value {
    let raw = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/sms/twilio_vectors.json"
    ))
    .unwrap();
    serde_json::from_str(&raw).unwrap()
}

/// A server behind `BASE` (the address Twilio calls and signs) with the integration `texts`.
async fn twilio_app() -> (TestApp, Value) {
    let app = TestApp::spawn_with(Options {
        env: vec![("ASSENT_BASE_URL", BASE.into())],
        ..Options::default()
    })
    .await;
    let v = vectors();
    let out = app.cli(&[
        "integration",
        "add",
        "--name",
        "texts",
        "--sms",
        "twilio",
        "--key",
        v["token"].as_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("/integrations/texts/sms"));
    (app, v)
}

/// Posts a Twilio case as Twilio would, with `signature` (its own unless another is given).
async fn twilio(app: &TestApp, case: &Value, signature: Option<&str>) -> (u16, String) {
    let params: Vec<(String, String)> = case["params"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let r = app
        .http
        .post(app.url("/integrations/texts/sms"))
        .header(
            "X-Twilio-Signature",
            signature.unwrap_or(case["signature"].as_str().unwrap()),
        )
        .form(&params)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn sms_value(app: &TestApp, phone: &str) -> Vec<(String, String)> {
    let mut c = app.conn();
    let agreements = assent::db::models::agreements::all(&mut c).unwrap();
    let mut values = Vec::new();
    for p in assent::db::models::profiles::find_by_phone(&mut c, phone).unwrap() {
        for v in assent::db::models::consents::for_profile(&mut c, assent::domain::ProfileId(p.id))
            .unwrap()
        {
            let key = agreements
                .iter()
                .find(|a| a.id == v.agreement_id)
                .unwrap()
                .key
                .clone();
            values.push((key, v.value.to_string()));
        }
    }
    values.sort();
    values
}

/// The events the texts caused, in order.
fn sources(app: &TestApp) -> Vec<String> {
    let mut c = app.conn();
    let mut out = Vec::new();
    let ann = assent::db::models::profiles::find_by_email(&mut c, "ann@example.com")
        .unwrap()
        .unwrap();
    for e in assent::db::models::consent_events::for_profile(&mut c, ann.id).unwrap() {
        if e.event.source.starts_with("sms:") {
            out.push(format!(
                "{}:{}:{}",
                e.event.agreement_key, e.event.value, e.event.source
            ));
        }
    }
    out
}

#[tokio::test]
async fn stop_withdraws_sms_start_gives_back_what_stop_took_and_help_changes_nothing() {
    let (app, v) = twilio_app().await;
    let key = app.api_key().await;
    // Ann agreed to SMS and push by the API; her number is written her own way.
    let r = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(&key)
        .json(
            &json!([{"email": "ann@example.com", "phone": "+48 601 234 567",
                        "agreements": {"sms": true, "push": true}}]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let cases = &v["cases"];

    let (status, body) = twilio(&app, &cases["stop"], None).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<Response/>"), "{body}");
    assert_eq!(
        sms_value(&app, "+48601234567"),
        [
            ("push_agreement".to_string(), "enabled".to_string()),
            ("sms_agreement".to_string(), "disabled".to_string()),
        ]
    );
    // Twilio retries when it missed the answer: answered the same, recorded once, audited.
    let events = app.count("consent_events");
    assert_eq!(twilio(&app, &cases["stop"], None).await, (status, body));
    assert_eq!(app.count("consent_events"), events);
    assert_eq!(
        app.count("audit_log WHERE action = 'integration.replay'"),
        1
    );

    // HELP, and a sentence that merely contains STOP: nothing changes.
    assert_eq!(twilio(&app, &cases["help"], None).await.0, 200);
    assert_eq!(twilio(&app, &cases["other"], None).await.0, 200);
    assert_eq!(app.count("consent_events"), events);

    // START gives back SMS (what STOP took), nothing else.
    assert_eq!(twilio(&app, &cases["start"], None).await.0, 200);
    assert_eq!(
        sms_value(&app, "+48601234567"),
        [
            ("push_agreement".to_string(), "enabled".to_string()),
            ("sms_agreement".to_string(), "enabled".to_string()),
        ]
    );
    assert_eq!(
        sources(&app),
        [
            "sms_agreement:disabled:sms:stop",
            "sms_agreement:enabled:sms:start"
        ]
    );
    // The ledger, through the API, names the message that did it.
    let (_, ledger) = app
        .api("/api/v1/profiles/ann@example.com/consents", &key)
        .await;
    let last = ledger.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["source"], "sms:start", "{last}");
    assert!(
        last["reason"].as_str().unwrap().contains("SM0003"),
        "{last}"
    );

    // An unknown number's STOP makes a profile of its own with the withdrawal, so an older import
    // cannot enable SMS for it; the webhooks are told of the new profile as of any other.
    app.db.cli_ok(
        &[
            "webhook",
            "add",
            "--url",
            "http://127.0.0.1:9/hook",
            "--events",
            "profile.created",
        ],
        &[("ASSENT_ALLOW_PRIVATE_TARGETS", "true")],
    );
    assert_eq!(twilio(&app, &cases["stop_unknown"], None).await.0, 200);
    assert_eq!(
        app.count("outbox WHERE payload LIKE '%profile.created%' AND payload LIKE '%+48601999888%' AND payload LIKE '%sms:stop%'"),
        1
    );
    assert_eq!(
        sms_value(&app, "+48601999888"),
        [("sms_agreement".to_string(), "disabled".to_string())]
    );
    let r = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(&key)
        .json(
            &json!([{"phone": "+48601999888", "agreements": {"sms": true},
                        "consentedAt": "2020-01-01T00:00:00Z"}]),
        )
        .send()
        .await
        .unwrap();
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["stale"][0]["index"], 0, "{answer}");
    assert_eq!(
        sms_value(&app, "+48601999888"),
        [("sms_agreement".to_string(), "disabled".to_string())]
    );
    assert_eq!(app.cli(&["ledger", "verify"]).status.code(), Some(0));
}

#[tokio::test]
async fn a_forged_or_unsigned_message_is_refused_and_changes_nothing() {
    let (app, v) = twilio_app().await;
    let stop = &v["cases"]["stop"];
    // Signed for another body (HELP's signature on STOP's form), garbage, and none at all.
    let other = v["cases"]["help"]["signature"].as_str().unwrap();
    for signature in [other, "bm90IGEgc2lnbmF0dXJl", "!!"] {
        let (status, body) = twilio(&app, stop, Some(signature)).await;
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("X-Twilio-Signature"), "{body}");
    }
    let r = app
        .http
        .post(app.url("/integrations/texts/sms"))
        .form(&[
            ("From", "+48601234567"),
            ("Body", "STOP"),
            ("MessageSid", "SMx"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // JSON to a Twilio integration, and a message to the profile webhook: precise refusals.
    let r = app
        .http
        .post(app.url("/integrations/texts/sms"))
        .json(&json!({"from": "+48601234567"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = app
        .http
        .post(app.url("/integrations/texts/webhook"))
        .json(&json!({"email": "a@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("/integrations/texts/sms"));
    assert_eq!(app.count("consent_events"), 0);
    assert_eq!(app.count("profiles"), 0);
}

/// A generic SMS gateway registered as `gw`, signing with the `standardwebhooks` crate.
struct Gateway(standardwebhooks::Webhook);

impl Gateway {
    fn add(app: &TestApp) -> Gateway {
        let out = app.cli(&["integration", "add", "--name", "gw", "--sms", "generic"]);
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let whsec = stdout.lines().last().unwrap().trim().to_string();
        assert!(whsec.starts_with("whsec_"), "{stdout}");
        Gateway(standardwebhooks::Webhook::new(&whsec).unwrap())
    }

    /// `message` relayed to `/integrations/gw/sms` under the Standard Webhooks id `id`.
    fn send(&self, app: &TestApp, id: &str, message: &Value) -> reqwest::RequestBuilder {
        let payload = message.to_string();
        let now = chrono::Utc::now().timestamp();
        let signature = self.0.sign(id, now, payload.as_bytes()).unwrap();
        app.http
            .post(app.url("/integrations/gw/sms"))
            .header("Content-Type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", signature)
            .body(payload)
    }
}

#[tokio::test]
async fn a_generic_gateway_signs_json_and_gets_204() {
    let app = TestApp::spawn().await;
    let gw = Gateway::add(&app);
    let send = |body: Value, id: &'static str| gw.send(&app, id, &body).send();
    let stop =
        json!({"from": "+44 20 7946 0958", "to": "+447700900000", "body": "stopall", "id": "m-1"});
    let r = send(stop.clone(), "w1").await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        sms_value(&app, "+442079460958"),
        [("sms_agreement".to_string(), "disabled".to_string())]
    );
    // The same message id with the same message is answered the same; with another, refused.
    assert_eq!(send(stop, "w2").await.unwrap().status(), 204);
    let changed =
        json!({"from": "+44 20 7946 0958", "to": "+447700900000", "body": "START", "id": "m-1"});
    assert_eq!(send(changed, "w3").await.unwrap().status(), 409);
    // A number that is not one, and a missing id: 400 naming the field.
    let r = send(json!({"from": "hello", "body": "STOP", "id": "m-2"}), "w4")
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("from:"));
    let r = send(json!({"from": "+442079460958", "body": "STOP"}), "w5")
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(app.count("consent_events"), 1);
}

/// A STOP racing an import that enables SMS for the same number, hundreds at once: the later event by
/// time wins, so the person who texted STOP after the import's time is not texted again.
#[tokio::test]
async fn stops_racing_a_batch_that_enables_sms_keep_the_later_word() {
    let app = TestApp::spawn().await;
    let gw = Gateway::add(&app);
    let key = app.api_key().await;
    // 100 people on SMS; each then texts STOP while a batch reporting an older opt-in arrives.
    let people: Vec<String> = (0..100).map(|i| format!("+4860100{i:04}")).collect();
    let items: Vec<Value> = people
        .iter()
        .map(|p| json!({"phone": p, "agreements": {"sms": true}}))
        .collect();
    let r = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(&key)
        .json(&items)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let opted_in = (chrono::Utc::now() - chrono::TimeDelta::minutes(5)).to_rfc3339();
    let mut work = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let text = json!({"from": p, "body": "STOP", "id": format!("race-{i}")});
        let stop = gw.send(&app, &format!("w{i}"), &text).send();
        let again = app
            .http
            .post(app.url("/v4/clients/batch"))
            .bearer_auth(&key)
            .json(&json!([{"phone": p, "agreements": {"sms": true}, "consentedAt": opted_in}]))
            .send();
        work.push(async move {
            let (a, b) = futures::join!(stop, again);
            (a.unwrap().status().as_u16(), b.unwrap().status().as_u16())
        });
    }
    let answers = futures::future::join_all(work).await;
    assert!(answers.iter().all(|a| *a == (204, 202)), "{answers:?}");
    for p in &people {
        assert_eq!(
            sms_value(&app, p),
            [("sms_agreement".to_string(), "disabled".to_string())],
            "{p}"
        );
    }
    assert_eq!(app.count("profiles"), 100);
}

#[tokio::test]
async fn an_sms_integration_is_refused_until_it_says_how_it_is_proven() {
    let app = TestApp::spawn().await;
    let refused = |args: &[&str], says: &str| {
        let mut all = vec!["integration", "add", "--name", "texts"];
        all.extend_from_slice(args);
        let out = app.cli(&all);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            !out.status.success() && stderr.contains(says),
            "{args:?}: {stderr}"
        );
    };
    refused(&["--sms", "twilio"], "--sms twilio needs --key");
    refused(&["--sms", "twilio", "--key", "short"], "auth token");
    refused(
        &[
            "--sms",
            "generic",
            "--key",
            "0123456789abcdef0123456789abcdef",
        ],
        "--key goes with --sms twilio",
    );
    refused(
        &[
            "--sms",
            "twilio",
            "--key",
            "0123456789abcdef0123456789abcdef",
            "--secret",
            "whsec_x",
        ],
        "--secret goes with",
    );
    refused(&["--sms", "fax"], "fax");
    assert_eq!(app.count("integrations"), 0);

    // The dashboard offers both kinds, with the same refusal.
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let (status, page, _) = admin
        .submit(
            "/admin/integrations",
            "/admin/integrations",
            &[("name", "texts"), ("auth", "twilio_sms"), ("key", "short")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("auth token"), "{page}");
    let key = "0123456789abcdef0123456789abcdef";
    let (status, page, _) = admin
        .submit(
            "/admin/integrations",
            "/admin/integrations",
            &[("name", "texts"), ("auth", "twilio_sms"), ("key", key)],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let (status, page, _) = admin
        .submit(
            "/admin/integrations",
            "/admin/integrations",
            &[
                ("name", "gw"),
                ("auth", "sms_standard_webhooks"),
                ("key", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("whsec_"), "{page}");
    let out = app.cli(&["integration", "list"]);
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        list.contains("texts\ttwilio_sms") && list.contains("gw\tsms_standard_webhooks"),
        "{list}"
    );
}

/// Hundreds of STOPs and STARTs for one number at once: each message is recorded once, the value held
/// is the one the ledger's last event says, and the chain stays whole.
#[tokio::test]
async fn stops_and_starts_for_one_number_at_once_leave_the_ledgers_last_word() {
    let app = TestApp::spawn().await;
    let gw = Gateway::add(&app);
    let key = app.api_key().await;
    let r = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(&key)
        .json(&json!([{"email": "ann@example.com", "phone": "+48601234567", "agreements": {"sms": true}}]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let texts = (0..300).map(|i| {
        // 150 messages, each sent twice (as a gateway that retries would), STOP and START in turn.
        let message = i / 2;
        let word = if message % 2 == 0 { "STOP" } else { "START" };
        let text = json!({"from": "+48 601 234 567", "body": word, "id": format!("m{message}")});
        gw.send(&app, &format!("w{i}"), &text).send()
    });
    let answers = futures::future::join_all(texts).await;
    assert!(
        answers.iter().all(|a| a.as_ref().unwrap().status() == 204),
        "{answers:?}"
    );
    let (_, ledger) = app
        .api("/api/v1/profiles/consents?phone=%2B48601234567", &key)
        .await;
    let events: Vec<&Value> = ledger
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["agreement"] == "sms_agreement")
        .collect();
    let last = events.last().unwrap();
    assert_eq!(
        sms_value(&app, "+48601234567"),
        [(
            "sms_agreement".to_string(),
            last["value"].as_str().unwrap().to_string()
        )]
    );
    // No message recorded twice; every event after the first is a change from the one before.
    let mut reasons: Vec<&str> = events
        .iter()
        .skip(1)
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    let n = reasons.len();
    reasons.sort_unstable();
    reasons.dedup();
    assert_eq!(reasons.len(), n, "a message recorded twice");
    for pair in events.windows(2) {
        assert_ne!(pair[0]["value"], pair[1]["value"], "{ledger}");
    }
    assert_eq!(app.cli(&["ledger", "verify"]).status.code(), Some(0));
}
