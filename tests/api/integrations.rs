//! `POST /integrations/{name}/webhook`: JWTs made by an independent implementation (PyJWT; see
//! tests/fixtures/jwt/make_vectors.py) for HS256, RS256 and ES256, and the tokens an attacker would try;
//! HMAC (X-Hub-Signature-256) and Standard Webhooks signatures, good and bad, with replays refused.

use crate::helpers::*;
use serde_json::{Value, json};

fn vectors() -> Value {
    serde_json::from_str(include_str!("../fixtures/jwt/vectors.json")).unwrap()
}

fn token(name: &str) -> String {
    vectors()["tokens"][name].as_str().unwrap().to_string()
}

fn add(app: &TestApp, args: &[&str]) -> String {
    let mut all = vec!["integration", "add"];
    all.extend_from_slice(args);
    let out = app.cli(&all);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

pub async fn send(
    app: &TestApp,
    name: &str,
    headers: &[(&str, String)],
    body: &Value,
) -> (u16, Value) {
    let mut req = app
        .http
        .post(app.url(&format!("/integrations/{name}/webhook")))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn bearer(t: &str) -> Vec<(&'static str, String)> {
    vec![("Authorization", format!("Bearer {t}"))]
}

fn person(email: &str) -> Value {
    json!({"email": email, "agreements": {"email": true}, "consentedAt": "2026-05-01T10:00:00Z"})
}

#[tokio::test]
async fn jwts_from_another_implementation_are_accepted_for_their_own_algorithm_only() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let v = vectors();
    let dir = app.db.dir();
    let (rs, es) = (dir.join("rs.pem"), dir.join("es.pem"));
    std::fs::write(&rs, v["rs256_public_pem"].as_str().unwrap()).unwrap();
    std::fs::write(&es, v["es256_public_pem"].as_str().unwrap()).unwrap();
    add(
        &app,
        &[
            "--name",
            "crm",
            "--hs256-secret",
            v["hs256_secret"].as_str().unwrap(),
        ],
    );
    assert!(
        add(
            &app,
            &[
                "--name",
                "shop",
                "--public-key-pem",
                &rs.display().to_string()
            ]
        )
        .contains("(rs256)")
    );
    assert!(
        add(
            &app,
            &[
                "--name",
                "app",
                "--public-key-pem",
                &es.display().to_string()
            ]
        )
        .contains("(es256)")
    );

    for (integration, name, email) in [
        ("crm", "hs256_valid", "hs@example.com"),
        ("shop", "rs256_valid", "rs@example.com"),
        ("app", "es256_valid", "es@example.com"),
    ] {
        let (status, answer) = send(&app, integration, &bearer(&token(name)), &person(email)).await;
        assert_eq!(status, 202, "{name}: {answer}");
        assert_eq!(answer["created"], 1, "{answer}");
        let (_, events) = app
            .api(&format!("/api/v1/profiles/{email}/consents"), &key)
            .await;
        assert_eq!(
            events[0]["source"],
            format!("integration:{integration}"),
            "{events}"
        );
    }

    // A token sent again with the same body (a sender retrying after a lost answer) gets the first
    // answer and applies nothing; with another body it is refused.
    let events = app.count("consent_events");
    let (status, again) = send(
        &app,
        "crm",
        &bearer(&token("hs256_valid")),
        &person("hs@example.com"),
    )
    .await;
    assert_eq!(status, 202, "{again}");
    assert_eq!(again["created"], 1, "the first answer: {again}");
    assert_eq!(app.count("consent_events"), events, "nothing applied twice");
    assert_eq!(
        app.count("audit_log WHERE action = 'integration.replay' AND subject = 'crm'"),
        1
    );
    let (status, answer) = send(
        &app,
        "crm",
        &bearer(&token("hs256_valid")),
        &person("other@example.com"),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("another body"),
        "{answer}"
    );

    // An array works as the batch API's; tokens without a jti carry no replay protection of their own.
    let many = json!([person("a1@example.com"), {"email": "bad"}]);
    for _ in 0..2 {
        let (status, answer) = send(&app, "crm", &bearer(&token("hs256_no_jti")), &many).await;
        assert_eq!(status, 202, "{answer}");
        assert_eq!(answer["rejected"][0]["index"], 1, "{answer}");
    }

    let refused = [
        ("crm", "hs256_expired", "expired"),
        ("crm", "hs256_not_yet_valid", "not valid yet (nbf)"),
        ("crm", "hs256_no_exp", "no exp claim"),
        ("crm", "hs256_wrong_key", "does not verify"),
        ("crm", "alg_none", "\"none\" is never accepted"),
        ("crm", "rs256_valid", "accepts HS256 only"),
        (
            "shop",
            "hs256_signed_with_rs256_public_pem",
            "accepts RS256 only",
        ),
        ("shop", "rs256_wrong_key", "does not verify"),
        ("shop", "es256_valid", "accepts RS256 only"),
        ("app", "hs256_second", "accepts ES256 only"),
    ];
    let before = app.count("consent_events");
    for (integration, name, says) in refused {
        let (status, answer) = send(
            &app,
            integration,
            &bearer(&token(name)),
            &person("x@example.com"),
        )
        .await;
        assert_eq!(status, 401, "{integration} must refuse {name}: {answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(says),
            "{name}: {answer}"
        );
    }
    let (status, answer) = send(&app, "crm", &[], &person("x@example.com")).await;
    assert_eq!(status, 401, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );
    assert_eq!(
        app.count("consent_events"),
        before,
        "nothing refused was applied"
    );

    let (status, _) = send(
        &app,
        "nobody",
        &bearer(&token("hs256_second")),
        &person("x@example.com"),
    )
    .await;
    assert_eq!(status, 404);
    let out = app.cli(&["integration", "disable", "--name", "crm"]);
    assert!(out.status.success());
    let (status, _) = send(
        &app,
        "crm",
        &bearer(&token("hs256_second")),
        &person("x@example.com"),
    )
    .await;
    assert_eq!(status, 404, "a disabled integration takes nothing");
}

/// `sha256=<hex HMAC-SHA256 of the body>`, as GitHub-style senders sign.
pub fn hub_signature(secret: &str, body: &Value) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.to_string().as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

#[tokio::test]
async fn body_signatures_hmac_and_standard_webhooks_are_checked_and_a_retry_is_answered_once() {
    let app = TestApp::spawn().await;
    let secret = "an-hmac-secret-of-at-least-32-characters";
    add(&app, &["--name", "shop", "--hmac-secret", secret]);
    let body = person("h@example.com");
    let sig = hub_signature(secret, &body);
    let (status, answer) = send(&app, "shop", &[("X-Hub-Signature-256", sig.clone())], &body).await;
    assert_eq!(status, 202, "{answer}");
    let tampered = person("h2@example.com");
    let (status, answer) = send(&app, "shop", &[("X-Hub-Signature-256", sig)], &tampered).await;
    assert_eq!(status, 401, "another body, same signature: {answer}");
    let (status, _) = send(&app, "shop", &[], &body).await;
    assert_eq!(status, 401);
    // A body signature names no message, so a replay cannot be told apart: a change must carry its
    // time (a replay after a later change then arrives stale).
    let untimed = json!({"email": "u@example.com", "agreements": {"email": true}});
    let sig = hub_signature(secret, &untimed);
    let (status, answer) = send(
        &app,
        "shop",
        &[("X-Hub-Signature-256", sig.clone())],
        &untimed,
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    assert!(
        answer["rejected"][0]["error"]
            .as_str()
            .unwrap()
            .contains("give consentedAt"),
        "{answer}"
    );

    // Standard Webhooks: the secret is made and shown once.
    let out = add(&app, &["--name", "peer", "--standard-webhooks"]);
    let whsec = out.lines().last().unwrap().trim().to_string();
    assert!(whsec.starts_with("whsec_"), "{out}");
    let now = chrono::Utc::now().timestamp();
    let signed = |id: &str, ts: i64, body: &Value| {
        let sig = assent::domain::signing::signature(&whsec, id, ts, body.to_string().as_bytes())
            .unwrap();
        vec![
            ("webhook-id", id.to_string()),
            ("webhook-timestamp", ts.to_string()),
            ("webhook-signature", format!("v1,bm90LXRoaXMtb25l {sig}")),
        ]
    };
    let body = person("s@example.com");
    let (status, answer) = send(&app, "peer", &signed("msg_1", now, &body), &body).await;
    assert_eq!(
        status, 202,
        "one of several signatures matching is enough: {answer}"
    );
    let first = answer;
    // The sender retries (its 2xx was lost) with a fresh timestamp: the first answer, nothing applied
    // again; another body under the same id is refused.
    let (status, answer) = send(&app, "peer", &signed("msg_1", now + 1, &body), &body).await;
    assert_eq!(status, 202, "the same message again: {answer}");
    assert_eq!(answer, first);
    let other = person("s2@example.com");
    let (status, answer) = send(&app, "peer", &signed("msg_1", now, &other), &other).await;
    assert_eq!(status, 409, "another body under a used id: {answer}");
    let (status, answer) = send(&app, "peer", &signed("msg_2", now - 600, &body), &body).await;
    assert_eq!(status, 401, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("at most 300 s")
    );
    let mut forged = signed("msg_3", now, &body);
    forged[2].1 = "v1,AAAA".into();
    let (status, _) = send(&app, "peer", &forged, &body).await;
    assert_eq!(status, 401);
    assert_eq!(
        app.count("profiles"),
        2,
        "only the two proven requests created anyone"
    );
}

#[tokio::test]
async fn adding_an_integration_refuses_weak_secrets_bad_keys_and_taken_names() {
    let app = TestApp::spawn().await;
    let pem = app.db.dir().join("not.pem");
    std::fs::write(
        &pem,
        "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    for (args, says) in [
        (
            vec!["--name", "crm", "--hs256-secret", "short"],
            "at least 32 characters",
        ),
        (
            vec!["--name", "Bad Name", "--standard-webhooks"],
            "not an integration name",
        ),
        (
            vec!["--name", "crm", "--public-key-pem", pem.to_str().unwrap()],
            "not a PEM public key",
        ),
        (vec!["--name", "crm"], "say how its requests are proven"),
    ] {
        let mut all = vec!["integration", "add"];
        all.extend_from_slice(&args);
        let out = app.cli(&all);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    add(&app, &["--name", "crm", "--standard-webhooks"]);
    let out = app.cli(&["integration", "add", "--name", "crm", "--standard-webhooks"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = app.cli(&["integration", "list"]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("crm\tstandard_webhooks\tactive\tlast used never")
    );
}

#[tokio::test]
async fn an_admin_adds_and_disables_an_integration_in_the_dashboard() {
    let app = TestApp::spawn().await;
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let (status, page, _) = admin
        .submit(
            "/admin/integrations",
            "/admin/integrations",
            &[("name", "crm"), ("auth", "hs256"), ("key", "short")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("at least 32 characters"), "{page}");
    let (status, page, _) = admin
        .submit(
            "/admin/integrations",
            "/admin/integrations",
            &[("name", "peer"), ("auth", "standard_webhooks"), ("key", "")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let needle = "<code class=\"secret\">";
    let at = page.find(needle).expect("the secret is shown once") + needle.len();
    let whsec = page[at..].split('<').next().unwrap().to_string();
    assert!(whsec.starts_with("whsec_"), "{whsec}");
    // The shown secret works.
    let body = person("d@example.com");
    let now = chrono::Utc::now().timestamp();
    let sig =
        assent::domain::signing::signature(&whsec, "m1", now, body.to_string().as_bytes()).unwrap();
    let headers = [
        ("webhook-id", "m1".to_string()),
        ("webhook-timestamp", now.to_string()),
        ("webhook-signature", sig),
    ];
    assert_eq!(send(&app, "peer", &headers, &body).await.0, 202);
    // Disabled, it takes nothing; the audit log says who did what.
    let (status, _, _) = admin
        .submit(
            "/admin/integrations",
            "/admin/integrations/peer/disable",
            &[],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(send(&app, "peer", &headers, &body).await.0, 404);
    let (_, audit, _) = admin.get("/admin/audit").await;
    assert!(
        audit.contains("integration.add") && audit.contains("integration.disable"),
        "{audit}"
    );
}

/// Headers of a Standard Webhooks delivery of `body`, signed now with `whsec`.
fn delivery(whsec: &str, id: &str, body: &Value) -> Vec<(&'static str, String)> {
    delivery_raw(whsec, id, body.to_string().as_bytes())
}

#[tokio::test]
async fn simultaneous_deliveries_on_one_profile_end_at_the_latest_reported_value() {
    let app = TestApp::spawn().await;
    let out = add(&app, &["--name", "peer", "--standard-webhooks"]);
    let whsec = out.lines().last().unwrap().trim().to_string();
    let mut set = tokio::task::JoinSet::new();
    // 200 deliveries at once, each a yes or a no at its own minute; the last minute says no.
    for minute in 0..200u32 {
        let at = format!("2026-05-01T{:02}:{:02}:00Z", minute / 60, minute % 60);
        let body = json!({"email": "race@example.com", "agreements": {"email": minute % 2 == 0}, "consentedAt": at});
        let req = deliver(&app, &whsec, &format!("msg_{minute}"), &body);
        set.spawn(async move { req.send().await.unwrap().status().as_u16() });
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|s| *s == 202), "{answers:?}");
    assert_eq!(app.count("profiles"), 1);
    assert_eq!(
        crate::batch::value_of(&app, "race@example.com", "newsletter_agreement").as_deref(),
        Some("disabled")
    );
    // Whatever the order of arrival, the ledger only ever moved forward in reported time.
    let key = app.api_key().await;
    let (_, events) = app
        .api("/api/v1/profiles/race@example.com/consents", &key)
        .await;
    let times: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["occurredAt"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert!(app.cli(&["ledger", "verify"]).status.success());
}

#[tokio::test]
async fn an_import_and_deliveries_on_the_same_people_at_once_keep_the_newer_answer() {
    let app = TestApp::spawn().await;
    let out = add(&app, &["--name", "peer", "--standard-webhooks"]);
    let whsec = out.lines().last().unwrap().trim().to_string();
    // The file says yes at 10:00 for 300 people; the other system says no at 11:00, at the same time.
    let mut csv = b"email,newsletter_agreement,consentedAt\n".to_vec();
    for i in 0..300 {
        csv.extend_from_slice(format!("p{i}@example.com,yes,2026-05-01 10:00:00\n").as_bytes());
    }
    let path = app.db.dir().join("yes.csv");
    std::fs::write(&path, csv).unwrap();
    let import = std::process::Command::new(env!("CARGO_BIN_EXE_assent"))
        .args(["import", path.to_str().unwrap()])
        .env("ASSENT_DATABASE_URL", &app.db.url)
        .env("ASSENT_DATA_DIR", &app.data_dir)
        .env("ASSENT_IMPORT_CHUNK_ROWS", "20")
        .env("ASSENT_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..300 {
        let body = json!({"email": format!("p{i}@example.com"), "agreements": {"email": false}, "consentedAt": "2026-05-01T11:00:00Z"});
        let req = deliver(&app, &whsec, &format!("no_{i}"), &body);
        set.spawn(async move { req.send().await.unwrap().status().as_u16() });
    }
    let answers = set.join_all().await;
    let out = import.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(answers.iter().all(|s| *s == 202), "{answers:?}");
    assert_eq!(
        app.count("profiles"),
        300,
        "one profile per person, whoever created it"
    );
    assert_eq!(
        app.count("consents WHERE value = 'enabled'"),
        0,
        "the older yes never overrides the newer no, whichever arrived first"
    );
    assert!(app.cli(&["ledger", "verify"]).status.success());
}

#[tokio::test]
async fn bad_requests_to_an_integration_get_a_clear_answer_and_change_nothing() {
    let app = TestApp::spawn().await;
    let out = add(&app, &["--name", "peer", "--standard-webhooks"]);
    let whsec = out.lines().last().unwrap().trim().to_string();
    let post = |body: Vec<u8>, content_type: &'static str, headers: Vec<(&'static str, String)>| {
        let mut req = app
            .http
            .post(app.url("/integrations/peer/webhook"))
            .header("Content-Type", content_type)
            .body(body);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        async move {
            let r = req.send().await.unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let body = person("b@example.com");
    let signed = delivery(&whsec, "m1", &body);
    let (status, answer) = post(body.to_string().into_bytes(), "text/plain", signed).await;
    assert_eq!(status, 415, "{answer}");
    let (status, answer) = post(vec![b'x'; 11 << 20], "application/json", vec![]).await;
    assert_eq!(status, 413, "{answer}");
    let raw = br#"{"email": "#.to_vec();
    let (status, answer) = post(
        raw.clone(),
        "application/json",
        delivery_raw(&whsec, "m2", &raw),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{answer}"
    );
    let many = Value::Array(
        (0..1001)
            .map(|i| person(&format!("m{i}@example.com")))
            .collect(),
    );
    let (status, answer) = post(
        many.to_string().into_bytes(),
        "application/json",
        delivery(&whsec, "m3", &many),
    )
    .await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("at most 1000"),
        "{answer}"
    );
    let (status, answer) = post(
        b"42".to_vec(),
        "application/json",
        delivery_raw(&whsec, "m4", b"42"),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("a profile object or an array"),
        "{answer}"
    );
    assert_eq!(app.count("profiles"), 0);
}

/// A signed Standard Webhooks delivery of `body` to the integration `peer`, ready to send.
fn deliver(app: &TestApp, whsec: &str, id: &str, body: &Value) -> reqwest::RequestBuilder {
    let mut req = app
        .http
        .post(app.url("/integrations/peer/webhook"))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    for (k, v) in delivery(whsec, id, body) {
        req = req.header(k, v);
    }
    req
}

/// `delivery` for a body that is not JSON.
fn delivery_raw(whsec: &str, id: &str, body: &[u8]) -> Vec<(&'static str, String)> {
    let now = chrono::Utc::now().timestamp();
    let sig = assent::domain::signing::signature(whsec, id, now, body).unwrap();
    vec![
        ("webhook-id", id.to_string()),
        ("webhook-timestamp", now.to_string()),
        ("webhook-signature", sig),
    ]
}
