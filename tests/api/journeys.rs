use crate::helpers::*;

#[tokio::test]
async fn subscribe_confirm_preferences_one_click_and_verify() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;

    // Sign up: a "check your inbox" page, nothing enabled yet.
    let (status, page) = app
        .post(
            "/subscribe",
            &[
                ("email", "Ann.Lee@Example.COM"),
                ("name", "Ann"),
                ("agreement", "newsletter_agreement"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Check your inbox"), "{page}");

    // The confirmation email arrives with the confirm link and the unsubscribe headers.
    let mail = app.mail().wait_for(1).await.remove(0);
    assert!(
        mail.to.contains("Ann.Lee@example.com"),
        "domain lower-cased, local part kept: {}",
        mail.to
    );
    let confirm = mail
        .link(&format!("{}/confirm/", app.base))
        .expect("the text part holds the confirm link");
    let token = confirm.rsplit('/').next().unwrap();
    assert!(
        token.len() >= 32
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert!(
        mail.unsubscribe_url()
            .starts_with(&format!("{}/unsubscribe/", app.base))
    );
    assert_eq!(
        mail.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(
        mail.text.contains("/unsubscribe/"),
        "a visible unsubscribe link"
    );
    assert!(mail.html.contains("Confirm my subscription"));
    assert!(
        mail.text.starts_with("Hello,") && !mail.to.contains("Ann <"),
        "no typed name before the address is confirmed"
    );
    assert!(
        mail.text
            .contains("I agree to receive the newsletter by email"),
        "the exact wording is in the email"
    );

    let (_, profile) = app.api("/api/v1/profiles/Ann.Lee@example.com", &key).await;
    assert_eq!(profile["attributes"]["newsletter_agreement"], "disabled");
    assert_eq!(
        profile["pendingAgreements"],
        serde_json::json!(["newsletter_agreement"])
    );
    assert_eq!(profile["emailConfirmed"], false);
    assert_eq!(profile["firstName"], "Ann");

    // GET shows the button and changes nothing (mail scanners prefetch links).
    let (status, page) = app.get(&confirm).await;
    assert_eq!(status, 200);
    assert!(page.contains("Yes, confirm") && page.contains("Email newsletter"));
    let (_, profile) = app.api("/api/v1/profiles/Ann.Lee@example.com", &key).await;
    assert_eq!(profile["attributes"]["newsletter_agreement"], "disabled");
    assert_eq!(app.count("consent_events"), 0);

    // POST confirms.
    let (status, page) = app.post(&confirm, &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("you are subscribed"), "{page}");
    let (_, profile) = app.api("/api/v1/profiles/Ann.Lee@example.com", &key).await;
    assert_eq!(profile["attributes"]["newsletter_agreement"], "enabled");
    assert_eq!(profile["attributes"]["sms_agreement"], "disabled");
    assert_eq!(profile["emailConfirmed"], true);
    assert_eq!(profile["pendingAgreements"], serde_json::json!([]));
    let (_, ledger) = app
        .api("/api/v1/profiles/Ann.Lee@example.com/consents", &key)
        .await;
    assert_eq!(ledger.as_array().unwrap().len(), 1);
    assert_eq!(ledger[0]["agreement"], "newsletter_agreement");
    assert_eq!(
        (ledger[0]["value"].as_str(), ledger[0]["previous"].as_str()),
        (Some("enabled"), Some("disabled"))
    );
    assert_eq!(ledger[0]["source"], "confirmation");
    assert_eq!(ledger[0]["version"], 1);
    assert_eq!(ledger[0]["ip"], "127.0.0.1");
    assert_eq!(
        ledger[0]["language"], "en",
        "the language of the wording shown"
    );
    assert_eq!(ledger[0]["hash"].as_str().unwrap().len(), 64);

    // The preference centre, reached from the confirmation page: add SMS.
    let prefs = page
        .split("href=\"/preferences/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a preference link");
    let prefs = format!("/preferences/{prefs}");
    let (status, page) = app.get(&prefs).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"value="newsletter_agreement" checked"#),
        "enabled agreements are ticked"
    );
    assert!(page.contains(r#"value="sms_agreement">"#), "others are not");
    let (status, page) = app
        .post(
            &prefs,
            &[
                ("agreement", "newsletter_agreement"),
                ("agreement", "sms_agreement"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("1 change recorded"), "{page}");
    let (_, ledger) = app
        .api("/api/v1/profiles/Ann.Lee@example.com/consents", &key)
        .await;
    assert_eq!(
        ledger.as_array().unwrap().len(),
        2,
        "only the difference is recorded"
    );
    assert_eq!(
        (
            ledger[1]["agreement"].as_str(),
            ledger[1]["source"].as_str()
        ),
        (Some("sms_agreement"), Some("preferences"))
    );

    // RFC 8058 one-click from the email header: no cookie, no CSRF token, no redirect (200 itself).
    assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
    let (_, profile) = app.api("/api/v1/profiles/Ann.Lee@example.com", &key).await;
    assert_eq!(profile["attributes"]["newsletter_agreement"], "disabled");
    assert_eq!(
        profile["attributes"]["sms_agreement"], "enabled",
        "the link withdraws only what the email was about"
    );
    let (_, ledger) = app
        .api("/api/v1/profiles/Ann.Lee@example.com/consents", &key)
        .await;
    assert_eq!(ledger[2]["source"], "one_click");
    // Repeating it is harmless and records nothing.
    assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
    let (_, ledger) = app
        .api("/api/v1/profiles/Ann.Lee@example.com/consents", &key)
        .await;
    assert_eq!(ledger.as_array().unwrap().len(), 3);

    // The real CLI checks the chain.
    let out = app.cli(&["ledger", "verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("3 events"), "{stdout}");
}

#[tokio::test]
async fn confirming_twice_changes_nothing_the_second_time() {
    let app = TestApp::spawn().await;
    let mail = app
        .subscribe_confirmed("bo@example.org", &["newsletter_agreement", "sms_agreement"])
        .await;
    assert_eq!(app.count("consent_events"), 2);
    let confirm = mail.link(&format!("{}/confirm/", app.base)).unwrap();
    let (status, page) = app.post(&confirm, &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Already confirmed"));
    assert_eq!(app.count("consent_events"), 2);
}

#[tokio::test]
async fn expired_link_answers_410_and_offers_a_new_one() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.subscribe("cy@example.net", &["newsletter_agreement"])
            .await
            .0,
        200
    );
    let first = app.mail().wait_for(1).await.remove(0);
    let confirm = first.link(&format!("{}/confirm/", app.base)).unwrap();
    // Let the request age past its TTL.
    app.exec("UPDATE optin_requests SET expires_at = created_at");

    let (status, page) = app.get(&confirm).await;
    assert_eq!(status, 410);
    assert!(page.contains("Send me a new link"), "{page}");
    let (status, _) = app.post(&confirm, &[]).await;
    assert_eq!(status, 410);
    assert_eq!(app.count("consent_events"), 0);

    let (status, page) = app.post(&format!("{confirm}/renew"), &[]).await;
    assert_eq!(status, 200, "{page}");
    let second = app.mail().wait_for(2).await.remove(1);
    let renewed = second.link(&format!("{}/confirm/", app.base)).unwrap();
    assert_ne!(renewed, confirm);
    assert_eq!(app.post(&renewed, &[]).await.0, 200);
    let key = app.api_key().await;
    let (_, profile) = app.api("/api/v1/profiles/cy@example.net", &key).await;
    assert_eq!(profile["attributes"]["newsletter_agreement"], "enabled");
}

#[tokio::test]
async fn resubscribing_a_confirmed_address_downgrades_nothing_and_reveals_nothing() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    app.subscribe_confirmed("dee@example.com", &["newsletter_agreement"])
        .await;
    let events = app.count("consent_events");

    let (status, known) = app
        .post(
            "/subscribe",
            &[
                ("email", "dee@EXAMPLE.com"),
                ("name", "Mallory"),
                ("agreement", "newsletter_agreement"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let (status, unknown) = app
        .post(
            "/subscribe",
            &[
                ("email", "new@example.com"),
                ("agreement", "newsletter_agreement"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        known.replace("dee@example.com", "X"),
        unknown.replace("new@example.com", "X"),
        "the same page either way"
    );

    let (_, profile) = app.api("/api/v1/profiles/dee@example.com", &key).await;
    assert_eq!(profile["attributes"]["newsletter_agreement"], "enabled");
    assert_eq!(profile["emailConfirmed"], true);
    assert_eq!(profile["pendingAgreements"], serde_json::json!([]));
    assert_eq!(
        profile["firstName"],
        serde_json::Value::Null,
        "a form cannot overwrite what is stored"
    );
    assert_eq!(app.count("consent_events"), events);

    // The known address is told it is already subscribed, with a way to manage it; no confirm link.
    let mails = app.mail().wait_for(3).await;
    let dee: Vec<_> = mails
        .iter()
        .filter(|m| m.to.contains("dee@example.com"))
        .collect();
    assert_eq!(dee.len(), 2);
    assert!(dee[1].subject.contains("already subscribed"));
    assert!(dee[1].link(&format!("{}/confirm/", app.base)).is_none());
    assert!(dee[1].link(&format!("{}/preferences/", app.base)).is_some());
}

#[tokio::test]
async fn resignation_page_shows_and_withdraws_with_one_button() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let mail = app
        .subscribe_confirmed("eve@example.com", &["newsletter_agreement"])
        .await;
    let url = mail.unsubscribe_url();
    let (status, page) = app.get(&url).await;
    assert_eq!(status, 200);
    assert!(page.contains("Email newsletter") && page.contains("currently on"));
    assert!(
        page.contains("/preferences/"),
        "a link to the preference centre"
    );
    assert_eq!(app.count("consent_events"), 1, "the GET changes nothing");

    let (status, page) = app.post(&url, &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("You are unsubscribed"));
    let (_, ledger) = app
        .api("/api/v1/profiles/eve@example.com/consents", &key)
        .await;
    assert_eq!(ledger[1]["source"], "unsubscribe");
    assert_eq!(ledger[1]["value"], "disabled");
}

#[tokio::test]
async fn preferences_link_by_email_is_the_same_for_known_and_unknown_addresses() {
    let app = TestApp::spawn().await;
    app.subscribe_confirmed("fay@example.com", &["newsletter_agreement"])
        .await;
    let (s1, unknown) = app
        .post("/preferences", &[("email", "nobody@example.com")])
        .await;
    let (s2, known) = app
        .post("/preferences", &[("email", "fay@example.com")])
        .await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(
        unknown.replace("nobody@example.com", "X"),
        known.replace("fay@example.com", "X")
    );

    let mails = app.mail().wait_for(2).await;
    let link = mails[1]
        .link(&format!("{}/preferences/", app.base))
        .expect("a preference link");
    assert!(mails[1].to.contains("fay@example.com"));
    assert!(mails[1].list_unsubscribe.is_some());
    // The unknown address got nothing: every outbox row is processed and only two emails went out.
    eventually("outbox not drained", || {
        app.count("outbox WHERE sent_at IS NULL") == 0
    })
    .await;
    assert_eq!(app.mail().count(), 2);
    assert_eq!(
        app.count("outbox WHERE recipient = 'nobody@example.com'"),
        0,
        "unknown addresses are not kept"
    );
    let (status, page) = app.get(&link).await;
    assert_eq!(status, 200);
    assert!(page.contains("fay@example.com"));
}

#[tokio::test]
async fn the_recorded_ip_comes_from_the_proxy_only_when_it_is_trusted() {
    for trust_proxy in [false, true] {
        let app = TestApp::spawn_with(Options {
            trust_proxy,
            ..Options::default()
        })
        .await;
        assert_eq!(
            app.subscribe("pat@example.com", &["newsletter_agreement"])
                .await
                .0,
            200
        );
        let mail = app.mail().wait_for(1).await.remove(0);
        let confirm = mail.link(&format!("{}/confirm/", app.base)).unwrap();
        let r = app
            .http
            .post(&confirm)
            .header("X-Forwarded-For", "198.51.100.66, 203.0.113.7")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let key = app.api_key().await;
        let (_, ledger) = app
            .api("/api/v1/profiles/pat@example.com/consents", &key)
            .await;
        let expected = if trust_proxy {
            "203.0.113.7"
        } else {
            "127.0.0.1"
        };
        assert_eq!(ledger[0]["ip"], expected, "trust_proxy = {trust_proxy}");
    }
}

#[tokio::test]
async fn a_withdrawal_applies_even_when_another_node_stamped_a_later_time() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let mail = app
        .subscribe_confirmed("quin@example.com", &["newsletter_agreement"])
        .await;
    // The confirmation was recorded by a node whose clock runs an hour ahead.
    let later = if app.db.is_postgres() {
        "occurred_at + INTERVAL '1 hour'"
    } else {
        "datetime(occurred_at, '+1 hour')"
    };
    app.exec(&format!("UPDATE consents SET occurred_at = {later}"));
    assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
    let (_, profile) = app.api("/api/v1/profiles/quin@example.com", &key).await;
    assert_eq!(profile["attributes"]["newsletter_agreement"], "disabled");
    let (_, ledger) = app
        .api("/api/v1/profiles/quin@example.com/consents", &key)
        .await;
    assert_eq!(ledger.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn one_click_sent_as_multipart_form_data_is_a_one_click() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let mail = app
        .subscribe_confirmed("rae@example.com", &["newsletter_agreement"])
        .await;
    let body = "--b0undary\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b0undary--\r\n";
    let r = app
        .http
        .post(mail.unsubscribe_url())
        .header("Content-Type", "multipart/form-data; boundary=b0undary")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, ledger) = app
        .api("/api/v1/profiles/rae@example.com/consents", &key)
        .await;
    assert_eq!(
        (ledger[1]["source"].as_str(), ledger[1]["value"].as_str()),
        (Some("one_click"), Some("disabled"))
    );

    let r = app
        .http
        .post(mail.unsubscribe_url())
        .header("Content-Type", "multipart/form-data; boundary=b0undary")
        .body("--b0undary\r\nno headers end here")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        400,
        "malformed multipart gets a clear 400"
    );
}

#[tokio::test]
async fn unsubscribing_before_confirming_ends_the_waiting_request() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    assert_eq!(
        app.subscribe("sam@example.com", &["newsletter_agreement"])
            .await
            .0,
        200
    );
    let mail = app.mail().wait_for(1).await.remove(0);
    let (_, profile) = app.api("/api/v1/profiles/sam@example.com", &key).await;
    assert_eq!(
        profile["pendingAgreements"],
        serde_json::json!(["newsletter_agreement"])
    );

    assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
    let (_, profile) = app.api("/api/v1/profiles/sam@example.com", &key).await;
    assert_eq!(profile["pendingAgreements"], serde_json::json!([]));
    let confirm = mail.link(&format!("{}/confirm/", app.base)).unwrap();
    assert_eq!(
        app.post(&confirm, &[]).await.0,
        410,
        "the old link can no longer enable anything"
    );
    assert_eq!(app.count("consent_events"), 0);

    // The ended link says why and points to the sign-up form; it cannot be renewed into a new email.
    let (status, page) = app.get(&confirm).await;
    assert_eq!(status, 410);
    assert!(
        page.contains("cancelled when you unsubscribed")
            && page.contains(r#"href="/subscribe?lang=en""#),
        "{page}"
    );
    assert!(!page.contains("Send me a new link"), "{page}");
    for _ in 0..3 {
        let (status, page) = app.post(&format!("{confirm}/renew"), &[]).await;
        assert_eq!(status, 410, "{page}");
    }
    assert_eq!(
        app.count("outbox"),
        1,
        "no new confirmation to an address that just unsubscribed"
    );
}

#[tokio::test]
async fn renewals_take_from_the_allowance_of_form_emails() {
    let app = TestApp::spawn().await;
    let first = app.subscribe_pending("ren@example.com").await;
    let confirm = first.link(&format!("{}/confirm/", app.base)).unwrap();
    app.exec("UPDATE optin_requests SET expires_at = created_at");
    // The sign-up took the first of the 3 emails an hour; two renewals may send, the rest may not.
    for _ in 0..6 {
        let (status, page) = app.post(&format!("{confirm}/renew"), &[]).await;
        assert_eq!(
            status, 200,
            "the same page whether or not a link is sent: {page}"
        );
    }
    assert_eq!(app.count("outbox"), 3);
    assert_eq!(app.count("optin_requests"), 3);
    app.mail().wait_for(3).await;
}
