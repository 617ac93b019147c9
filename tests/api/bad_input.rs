use crate::helpers::*;

/// Asserts that nothing at all was written.
fn assert_untouched(app: &TestApp) {
    for table in [
        "profiles",
        "optin_requests",
        "outbox",
        "consent_events",
        "consents",
    ] {
        assert_eq!(app.count(table), 0, "{table} must stay empty");
    }
}

#[tokio::test]
async fn invalid_signups_get_422_with_the_error_next_to_the_field_and_write_nothing() {
    let app = TestApp::spawn().await;
    let long = format!("{}@example.com", "a".repeat(260));
    // Padding that would push junk or a header line past a cut-off must not hide it.
    let padded_email = format!("victim@example.com{}junk", " ".repeat(300));
    let padded_name = format!("Eve{}\r\nBcc: a@b.c", " ".repeat(300));
    // (form fields, id of the error element, what the error says)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ("email", "not-an-email"),
                ("agreement", "newsletter_agreement"),
            ],
            "email-error",
            "not a valid email address",
        ),
        (
            vec![("email", &long), ("agreement", "newsletter_agreement")],
            "email-error",
            "too long",
        ),
        (
            vec![
                ("email", "x@example.com\r\nBcc: victim@example.com"),
                ("agreement", "newsletter_agreement"),
            ],
            "email-error",
            "not a valid email",
        ),
        (
            vec![("email", "x@example.com")],
            "agreement-error",
            "Tick at least one box",
        ),
        (
            vec![
                ("email", "x@example.com"),
                ("agreement", "no_such_agreement"),
            ],
            "agreement-error",
            "not something you can sign up for",
        ),
        (
            vec![
                ("email", "x@example.com"),
                ("name", "Eve\r\nBcc: a@b.c"),
                ("agreement", "newsletter_agreement"),
            ],
            "name-error",
            "one line",
        ),
        (
            vec![
                ("email", &padded_email),
                ("agreement", "newsletter_agreement"),
            ],
            "email-error",
            "too long",
        ),
        (
            vec![
                ("email", "x@example.com"),
                ("name", &padded_name),
                ("agreement", "newsletter_agreement"),
            ],
            "name-error",
            "one line",
        ),
        (vec![], "email-error", "Enter your email address"),
    ];
    for (form, id, message) in cases {
        let (status, page) = app.post("/subscribe", &form).await;
        assert_eq!(status, 422, "{form:?}");
        let at = page
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no {id} in the page for {form:?}"));
        assert!(
            page[at..].split("</p>").next().unwrap().contains(message),
            "{id} should say {message:?}: {page}"
        );
        assert!(page.contains("<form"), "the form is shown again");
    }
    // What the person typed is kept, escaped.
    let (_, page) = app
        .post(
            "/subscribe",
            &[
                ("email", "<script>@x"),
                ("agreement", "newsletter_agreement"),
            ],
        )
        .await;
    assert!(
        page.contains("&#60;script&#62;@x") || page.contains("&lt;script&gt;@x"),
        "{page}"
    );
    assert_untouched(&app);
}

#[tokio::test]
async fn archived_agreements_cannot_be_signed_up_for() {
    let app = TestApp::spawn().await;
    app.exec("UPDATE agreements SET archived_at = created_at WHERE key = 'sms_agreement'");
    let (status, page) = app
        .post(
            "/subscribe",
            &[("email", "x@example.com"), ("agreement", "sms_agreement")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    let (status, page) = app
        .get("/subscribe?agreements=sms_agreement,newsletter_agreement")
        .await;
    assert_eq!(status, 200);
    assert!(
        !page.contains(r#"value="sms_agreement""#)
            && page.contains(r#"value="newsletter_agreement""#)
    );
    let (status, page) = app.get("/subscribe?agreements=bogus_agreement").await;
    assert_eq!(status, 404);
    assert!(page.contains("bogus_agreement"));
    assert_untouched(&app);
}

#[tokio::test]
async fn oversize_bodies_get_413() {
    let app = TestApp::spawn().await;
    let big = "a".repeat(70 * 1024);
    for path in ["/subscribe", "/preferences", "/unsubscribe/abc"] {
        let (status, page) = app
            .post(path, &[("email", "x@example.com"), ("pad", &big)])
            .await;
        assert_eq!(status, 413, "{path}");
        assert!(page.contains("Too much data"), "an HTML page: {page}");
    }
    assert_untouched(&app);
}

#[tokio::test]
async fn unknown_malformed_and_forged_tokens_get_404_pages() {
    let app = TestApp::spawn().await;
    let mail = app
        .subscribe_confirmed("ida@example.com", &["newsletter_agreement"])
        .await;
    let real = mail.unsubscribe_url();
    let token = real.rsplit('/').next().unwrap();
    let mut forged: Vec<char> = token.chars().collect();
    forged[4] = if forged[4] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    for path in [
        "/confirm/nope".to_string(),
        "/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_string(),
        "/confirm/%00%0d%0a".to_string(),
        "/unsubscribe/nope".to_string(),
        format!("/unsubscribe/{forged}"),
        format!("/preferences/{forged}"),
        format!("/preferences/{token}"), // an unsubscribe token is not a preference token
    ] {
        let (status, page) = app.get(&path).await;
        assert_eq!(status, 404, "GET {path}");
        assert!(page.contains("<h1>"), "an HTML page for {path}");
        let (status, _) = app.post(&path, &[("List-Unsubscribe", "One-Click")]).await;
        assert_eq!(status, 404, "POST {path}");
    }
    let (status, _) = app.post("/confirm/nope/renew", &[]).await;
    assert_eq!(status, 404);
    assert_eq!(app.count("consent_events"), 1, "nothing changed");
}

#[tokio::test]
async fn preference_changes_with_unknown_agreements_are_refused_whole() {
    let app = TestApp::spawn().await;
    app.subscribe_confirmed("jo@example.com", &["newsletter_agreement"])
        .await;
    assert_eq!(
        app.post("/preferences", &[("email", "jo@example.com")])
            .await
            .0,
        200
    );
    let mail = app.mail().wait_for(2).await.remove(1);
    let link = mail.link(&format!("{}/preferences/", app.base)).unwrap();
    let (status, page) = app
        .post(
            &link,
            &[("agreement", "sms_agreement"), ("agreement", "made_up")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("made_up") && page.contains("Nothing was changed"));
    assert_eq!(app.count("consent_events"), 1);
    let (status, page) = app.post("/preferences", &[("email", "nope")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("email-error"));
    let padded = format!("victim@example.com{}junk", " ".repeat(300));
    let (status, page) = app.post("/preferences", &[("email", &padded)]).await;
    assert_eq!(
        status, 422,
        "the whole value is checked, not a cut-off copy"
    );
    assert!(page.contains("too long"), "{page}");
}

#[tokio::test]
async fn unknown_pages_get_html_404_and_api_routes_json_404() {
    let app = TestApp::spawn().await;
    let (status, page) = app.get("/nowhere").await;
    assert_eq!((status, page.contains("<h1>Not found</h1>")), (404, true));
    let key = app.api_key().await;
    let (status, body) = app.api("/api/v1/nowhere", &key).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn a_form_submitted_after_its_wording_changed_is_shown_again_with_the_new_text() {
    let app = TestApp::spawn().await;
    // The marketer rewords the newsletter consent (version 2) while a visitor still has version 1 open.
    app.exec(
        "UPDATE agreement_versions SET is_current = FALSE \
         WHERE agreement_id = (SELECT id FROM agreements WHERE key = 'newsletter_agreement'); \
         INSERT INTO agreement_versions (agreement_id, version, language, text, created_at, is_current) \
         SELECT id, 2, 'en', 'I agree to the weekly newsletter, version two.', created_at, TRUE FROM agreements WHERE key = 'newsletter_agreement'",
    );
    let stale = [
        ("email", "val@example.com"),
        ("agreement", "newsletter_agreement"),
        ("shown", "newsletter_agreement:1"),
    ];
    let (status, page) = app.post("/subscribe", &stale).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("has changed since this page was opened"),
        "{page}"
    );
    assert!(page.contains("version two") && page.contains(r#"value="newsletter_agreement:2:en""#));
    assert_untouched(&app);

    let fresh = [
        ("email", "val@example.com"),
        ("agreement", "newsletter_agreement"),
        ("shown", "newsletter_agreement:2"),
    ];
    assert_eq!(app.post("/subscribe", &fresh).await.0, 200);
    let mail = app.mail().wait_for(1).await.remove(0);
    assert!(mail.text.contains("version two"));
    assert_eq!(
        app.post(&mail.link(&format!("{}/confirm/", app.base)).unwrap(), &[])
            .await
            .0,
        200
    );
    let key = app.api_key().await;
    let (_, ledger) = app
        .api("/api/v1/profiles/val@example.com/consents", &key)
        .await;
    assert_eq!(ledger[0]["version"], 2);
}

#[tokio::test]
async fn the_public_forms_cannot_flood_an_inbox() {
    let app = TestApp::spawn().await;
    app.subscribe_confirmed("uma@example.com", &["newsletter_agreement"])
        .await;
    // A stranger keeps submitting the victim's address to both forms.
    for _ in 0..4 {
        assert_eq!(
            app.subscribe(
                "uma@example.com",
                &["newsletter_agreement", "sms_agreement"]
            )
            .await
            .0,
            200
        );
        assert_eq!(
            app.post("/preferences", &[("email", "uma@example.com")])
                .await
                .0,
            200
        );
    }
    eventually("the outbox is worked off", || {
        app.count("outbox WHERE sent_at IS NULL") == 0
    })
    .await;
    assert_eq!(
        app.mail().count(),
        assent::domain::allowance::MAX as usize,
        "one confirmation and two more, then nothing"
    );

    // An hour later the address has a fresh allowance.
    if app.db.is_postgres() {
        app.exec("UPDATE profiles SET form_mail_window = created_at - INTERVAL '2 hours'");
    } else {
        app.exec("UPDATE profiles SET form_mail_window = datetime(created_at, '-2 hours')");
    }
    assert_eq!(
        app.post("/preferences", &[("email", "uma@example.com")])
            .await
            .0,
        200
    );
    app.mail()
        .wait_for(assent::domain::allowance::MAX as usize + 1)
        .await;
}

/// Sends `head` and the start of a body, never the rest; returns what the server answered before it
/// closed the connection (failing the test if it keeps the connection open).
async fn stall(app: &TestApp, head: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, s.read_to_end(&mut answer))
        .await
        .expect("the server must close a stalled connection")
        .unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_client_that_stalls_while_sending_a_body_is_cut_off() {
    let app = TestApp::spawn_with(Options {
        body_deadline: std::time::Duration::from_millis(500),
        ..Options::default()
    })
    .await;
    let form = "Content-Type: application/x-www-form-urlencoded";
    let declared = |path: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\n{form}\r\nContent-Length: 4000\r\n\r\nemail=a%40example.com&agreement="
        )
    };
    let chunked = |path: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\n{form}\r\nTransfer-Encoding: chunked\r\n\r\n400\r\nemail=a"
        )
    };
    // Handlers that read the body answer 408 once the deadline passes, and the connection ends.
    for head in [
        declared("/subscribe"),
        chunked("/subscribe"),
        chunked("/preferences"),
    ] {
        let answer = stall(&app, head.clone()).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{head:?}: {answer}");
        assert!(answer.contains("took too long"), "an HTML page: {answer}");
    }
    // Where the handler never reads the body, the connection still ends after the answer.
    for head in [declared("/confirm/nope"), chunked("/confirm/nope")] {
        let answer = stall(&app, head.clone()).await;
        assert!(answer.starts_with("HTTP/1.1 404"), "{head:?}: {answer}");
    }
    assert_eq!(app.get("/livez").await.0, 200);
    assert_eq!(app.count("profiles"), 0, "nothing half-sent was saved");
}
