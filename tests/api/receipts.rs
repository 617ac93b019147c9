//! Signed consent receipts: the person's readable record and signed copy from the preference centre,
//! the API's, the published keys, `assent receipt verify` and `rotate-key`; every receipt checked by
//! independent implementations (PyJWT for the EdDSA signature, jsonschema for the content). Both
//! engines.

use crate::helpers::*;
use serde_json::{Value, json};

/// A receipt checked by `tests/receipt_check.py` against the app's published keys: its content, or
/// `None` where the Python libraries are missing and the run does not require them (CI does).
pub async fn independently_checked(app: &TestApp, token: &str) -> Option<Value> {
    let (status, keys) = app.get("/.well-known/assent-receipt-keys.json").await;
    assert_eq!(status, 200);
    let dir = app.data_dir.join("receipt-check");
    std::fs::create_dir_all(&dir).unwrap();
    let (t, k) = (dir.join("receipt.jws"), dir.join("keys.json"));
    std::fs::write(&t, token).unwrap();
    std::fs::write(&k, keys).unwrap();
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/receipt.schema.json");
    python_check("receipt_check.py", &[&t, &k, &schema])
}

/// `assent receipt verify` on a receipt: (exit code, what it printed).
pub fn cli_verify(app: &TestApp, token: &str) -> (i32, String) {
    let file = app
        .data_dir
        .join(format!("r-{}.jws", rand::random::<u32>()));
    std::fs::write(&file, token).unwrap();
    let out = app.cli(&["receipt", "verify", file.to_str().unwrap()]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn records(receipt: &Value) -> Vec<(String, String)> {
    receipt["dpv:hasConsentRecord"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["dct:identifier"].as_str().unwrap().to_string(),
                r["assent:state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_person_keeps_a_signed_receipt_that_anyone_can_check() {
    // (The organisation's name and contact are the process's: `brand.rs` checks them on the binary.)
    let app = TestApp::spawn().await;
    // Ann: the newsletter given, SMS given then withdrawn on the preference centre, push never.
    let mail = app
        .subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let (_, page) = app
        .post(&mail.link(&app.url("/confirm/")).unwrap(), &[])
        .await;
    let prefs = crate::gpc::preference_link(&page);
    assert!(
        page.contains(&format!("href=\"{prefs}/receipt?lang=en\"")),
        "the confirmation's page leads to the record too: {page}"
    );
    for ticked in [
        &[
            ("agreement", "newsletter_agreement"),
            ("agreement", "sms_agreement"),
        ][..],
        &[("agreement", "newsletter_agreement")][..],
    ] {
        assert_eq!(app.post(&prefs, ticked).await.0, 200);
    }

    // The preference centre leads to the readable record, in the person's language.
    let (_, page) = app.get(&prefs).await;
    assert!(
        page.contains(&format!("href=\"{prefs}/receipt?lang=en\"")),
        "{page}"
    );
    let (status, page) = app.get(&format!("{prefs}/receipt")).await;
    assert_eq!(status, 200);
    for shown in [
        "Your consent record",
        "What Assent has recorded for ann@example.com",
        "Email newsletter <span class=\"state\">given</span>",
        "Text messages (SMS) <span class=\"state\">withdrawn</span>",
        "Push notifications <span class=\"state\">never given</span>",
        "I agree to receive the newsletter by email",
        "<code>confirmation</code>",
        "<code>preferences</code>",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    // Or by email, from the address's allowance of form emails, the signed copy attached.
    let before = app.mail().count();
    let (status, page) = app.post(&format!("{prefs}/receipt"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("On its way"), "{page}");
    app.mail().wait_for(before + 1).await;
    let raw = app.mail().raw(before);
    assert!(raw.contains("Subject: Your consent record"), "{raw}");
    assert!(raw.contains("Content-Type: application/jose"), "{raw}");
    assert!(
        raw.contains("Content-Disposition: attachment;") && raw.contains("\"consent-record-rcpt_"),
        "{raw}"
    );
    let (_, polish) = app.get(&format!("{prefs}/receipt?lang=pl")).await;
    assert!(polish.contains("Zapis Twoich zgód") && polish.contains("wycofana"));

    // The signed copy: a file to keep, checked by PyJWT and the JSON Schema.
    let r = app
        .http
        .get(app.url(&format!("{prefs}/receipt.jws")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/jose");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"consent-record-rcpt_")
    );
    assert_eq!(r.headers()["cache-control"], "no-store");
    let token = r.text().await.unwrap();
    if let Some(checked) = independently_checked(&app, &token).await {
        assert_eq!(checked["typ"], "assent-receipt+jwt");
        let receipt = &checked["receipt"];
        assert_eq!(
            records(receipt),
            [
                ("newsletter_agreement".into(), "given".into()),
                ("sms_agreement".into(), "withdrawn".into()),
                ("push_agreement".into(), "never_given".into()),
            ]
        );
        assert_eq!(receipt["dpv:hasDataController"]["dct:title"], "Assent");
        assert_eq!(
            receipt["dpv:hasDataSubject"]["dct:identifier"],
            "ann@example.com"
        );
        let sms = &receipt["dpv:hasConsentRecord"][1];
        assert_eq!(sms["dpv:hasConsentStatus"], "dpv:ConsentWithdrawn");
        let events = sms["assent:events"].as_array().unwrap();
        assert_eq!(
            events
                .iter()
                .map(|e| e["assent:value"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["enabled", "disabled"]
        );
        // The hashes are the ledger's own, as the API gives them.
        let key = app.api_key().await;
        let (_, ledger) = app
            .api("/api/v1/profiles/ann@example.com/consents", &key)
            .await;
        let hashes: Vec<&Value> = ledger
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["hash"])
            .collect();
        assert!(hashes.contains(&&events[1]["assent:ledgerHash"]));
    }
    let (code, said) = cli_verify(&app, &token);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("valid") && said.contains("all 3 ledger events"),
        "{said}"
    );

    // Another system asks through the API, by any identifier.
    let key = app.api_key().await;
    for path in [
        "/api/v1/profiles/ann@example.com/receipt",
        "/api/v1/profiles/receipt?email=ann%40example.com",
    ] {
        let r = app
            .http
            .get(app.url(path))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], "application/jose");
        let token = r.text().await.unwrap();
        if let Some(checked) = independently_checked(&app, &token).await {
            assert_eq!(records(&checked["receipt"]).len(), 3);
        }
    }
    let (status, _) = app
        .api("/api/v1/profiles/nobody@example.com/receipt", &key)
        .await;
    assert_eq!(status, 404);
    let r = app
        .http
        .get(app.url("/api/v1/profiles/ann@example.com/receipt"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // A forged, cut or foreign receipt is refused, naming what failed.
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload = jws_part(&token, 1);
    payload["dpv:hasConsentRecord"][1]["assent:state"] = json!("given");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            payload.to_string()
        ),
        parts[2]
    );
    for (bad, says) in [
        (forged.as_str(), "signature does not match its contents"),
        (&token[..token.len() - 20], "not 64 bytes"),
        ("hello", "not a compact JWS"),
    ] {
        let (code, said) = cli_verify(&app, bad);
        assert_eq!(code, 1, "{said}");
        assert!(said.contains(says), "{says}: {said}");
    }
    let other = TestApp::spawn().await;
    other
        .subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let other_key = other.api_key().await;
    let foreign = keyed_text(
        &other.http,
        &other.url("/api/v1/profiles/ann@example.com/receipt"),
        &other_key,
    )
    .await;
    let (code, said) = cli_verify(&app, &foreign);
    assert_eq!(code, 1);
    assert!(
        said.contains("not one of this organisation's receipt keys"),
        "{said}"
    );

    // A new key from now on: the old receipt still verifies, new ones carry the new key.
    let out = app.cli(&["receipt", "rotate-key"]);
    assert!(out.status.success(), "{out:?}");
    let (_, keys) = app.get("/.well-known/assent-receipt-keys.json").await;
    let keys: Value = serde_json::from_str(&keys).unwrap();
    assert_eq!(keys["keys"].as_array().unwrap().len(), 2, "{keys}");
    assert_eq!(cli_verify(&app, &token).0, 0);
    let fresh = keyed_text(
        &app.http,
        &app.url("/api/v1/profiles/ann@example.com/receipt"),
        &key,
    )
    .await;
    let kid = |t: &str| jws_part(t, 0)["kid"].as_str().unwrap().to_string();
    assert_ne!(kid(&fresh), kid(&token));
    assert_eq!(kid(&fresh), keys["keys"][1]["kid"]);
    if independently_checked(&app, &fresh).await.is_some() {
        assert!(
            independently_checked(&app, &token).await.is_some(),
            "the old one too"
        );
    }

    // Staff hand it over from the dashboard; the audit log says who took whose record.
    let marketer = crate::helpers::browser::staff(&app, "mara@example.com", "marketer").await;
    let (_, list, _) = marketer.get("/admin/profiles?q=ann%40example.com").await;
    let id = list
        .split("href=\"/admin/profiles/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("ann in the list")
        .to_string();
    let staff_download = format!("/admin/profiles/{id}/receipt.jws");
    let (_, page, _) = marketer.get(&format!("/admin/profiles/{id}")).await;
    assert!(
        page.contains(&format!("href=\"{staff_download}\"")),
        "{page}"
    );
    let r = marketer
        .http
        .get(app.url(&staff_download))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/jose");
    let staff_copy = r.text().await.unwrap();
    assert_eq!(cli_verify(&app, &staff_copy).0, 0);
    assert_eq!(
        app.count("audit_log WHERE action = 'profile.receipt' AND actor LIKE '%mara@example.com%'"),
        1
    );
    let anonymous = app.http.get(app.url(&staff_download)).send().await.unwrap();
    assert_ne!(anonymous.status(), 200, "only staff");

    // Erased: the earlier receipt still verifies (the ledger keeps the hashes), no new one is given.
    app.db.cli_ok(&["profile", "erase", "ann@example.com"], &[]);
    assert_eq!(cli_verify(&app, &token).0, 0);
    let (status, _) = app
        .api("/api/v1/profiles/ann@example.com/receipt", &key)
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.get(&format!("{prefs}/receipt")).await;
    assert_eq!(status, 404);
    let (status, _, _) = marketer.get(&staff_download).await;
    assert_eq!(status, 404);

    // A database owner deletes the newest event: the receipt names it.
    crate::ledger::drop_guard(&app);
    let newest = events_of(&token);
    app.exec(&format!(
        "DELETE FROM consent_events WHERE id = {}",
        newest.last().unwrap()
    ));
    let (code, said) = cli_verify(&app, &token);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains(&format!(
            "event {} (sms_agreement) is no longer in the ledger",
            newest.last().unwrap()
        )),
        "{said}"
    );
}

/// The ledger event ids a receipt names, in order.
fn events_of(token: &str) -> Vec<i64> {
    let payload = jws_part(token, 1);
    let mut ids: Vec<i64> = payload["dpv:hasConsentRecord"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["assent:events"].as_array().unwrap().clone())
        .map(|e| e["assent:eventId"].as_i64().unwrap())
        .collect();
    ids.sort();
    ids
}

/// Receipts asked for while hundreds of changes are written: each one as a single moment of the ledger
/// (every state the last event of its agreement), one signing key made however many ask first, and
/// every receipt verifies.
#[tokio::test]
async fn receipts_made_during_hundreds_of_changes_are_each_one_moment_of_the_ledger() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let body = |on: bool, minute: u32| {
        json!([{"email": "bo@example.com", "agreements": {"email": on, "sms": !on},
                "consentedAt": format!("2026-01-01T10:{:02}:{:02}Z", minute / 60, minute % 60)}])
    };
    let mut tasks = Vec::new();
    for i in 0..300u32 {
        let (http, url, k) = (app.http.clone(), app.url("/v4/clients/batch"), key.clone());
        let b = body(i % 2 == 0, i);
        tasks.push(tokio::spawn(async move {
            let r = http.post(url).bearer_auth(k).json(&b).send().await.unwrap();
            assert_eq!(r.status(), 202);
            None::<String>
        }));
        if i % 5 == 0 {
            let (http, url, k) = (
                app.http.clone(),
                app.url("/api/v1/profiles/bo@example.com/receipt"),
                key.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let r = http.get(url).bearer_auth(k).send().await.unwrap();
                // Before the first batch made the profile there is nobody to give a receipt for.
                let found = r.status() == 200;
                let text = r.text().await.unwrap();
                found.then_some(text)
            }));
        }
    }
    let mut receipts = Vec::new();
    for t in tasks {
        receipts.extend(t.await.unwrap());
    }
    assert!(receipts.len() > 40, "{}", receipts.len());
    assert_eq!(
        app.count("receipt_keys"),
        1,
        "one key, however many asked at once"
    );
    for token in &receipts {
        let payload = jws_part(token, 1);
        for r in payload["dpv:hasConsentRecord"].as_array().unwrap() {
            let last = r["assent:events"]
                .as_array()
                .unwrap()
                .last()
                .map(|e| e["assent:value"].as_str().unwrap().to_string());
            let state = r["assent:state"].as_str().unwrap();
            match last.as_deref() {
                Some("enabled") => assert_eq!(state, "given", "{r}"),
                Some("disabled") => assert!(["withdrawn", "refused"].contains(&state), "{r}"),
                _ => assert_eq!(state, "never_given", "{r}"),
            }
        }
        assert_eq!(cli_verify(&app, token).0, 0);
    }
}
