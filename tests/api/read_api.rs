use crate::helpers::*;

#[tokio::test]
async fn api_keys_are_required_and_checked() {
    let app = TestApp::spawn().await;
    app.subscribe_confirmed("kim@example.com", &["newsletter_agreement"])
        .await;
    let r = app
        .http
        .get(app.url("/api/v1/profiles/kim@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized");
    assert!(body["message"].as_str().unwrap().contains("Bearer"));
    let (status, body) = app
        .api("/api/v1/profiles/kim@example.com", "ak_wrong")
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );

    // A key made by the real CLI: printed once, alone on the last line.
    let out = app.cli(&["apikey", "create", "--name", "crm"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.trim_end().lines().last().unwrap().to_string();
    assert!(key.starts_with("ak_"));
    assert_eq!(
        app.count("api_keys WHERE key_hash LIKE 'ak_%'"),
        0,
        "only the hash is stored"
    );
    let dup = app.cli(&["apikey", "create", "--name", "crm"]);
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));

    let r = app
        .http
        .get(app.url("/api/v1/profiles/kim@example.com"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (status, body) = app.api("/api/v1/profiles/kim@example.com", &key).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], "kim@example.com");
    assert!(body["createdAt"].as_str().unwrap().ends_with('Z'));
    let (status, body) = app.api("/api/v1/profiles/nobody@example.com", &key).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
    let (status, body) = app
        .api("/api/v1/profiles/not-an-email/consents", &key)
        .await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid")));
}

#[tokio::test]
async fn health_liveness_pages_and_security_headers() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/livez").await, (200, "ok".to_string()));
    assert_eq!(app.get("/healthz").await, (200, "ok".to_string()));
    let r = app
        .http
        .get(app.url("/subscribe?agreements=newsletter_agreement,sms_agreement"))
        .send()
        .await
        .unwrap();
    let h = r.headers().clone();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"<html lang="en">"#));
    assert_eq!(page.matches("<h1>").count(), 1);
    assert!(page.contains(r#"<label for="email">"#) && page.contains("<main"));
    assert_eq!(page.matches(r#"type="checkbox""#).count(), 2);
    assert!(!page.contains("checked"), "checkboxes start unticked");
    assert!(
        page.contains("I agree to receive news and offers by text message"),
        "each with its consent text"
    );
    let (status, css) = app.get("/static/assent.css").await;
    assert_eq!(status, 200);
    assert!(css.contains(":focus-visible"));
}

#[tokio::test]
async fn head_is_answered_wherever_get_is() {
    let app = TestApp::spawn().await;
    let mail = app
        .subscribe_confirmed("hd@example.com", &["newsletter_agreement"])
        .await;
    let key = app.api_key().await;
    let unsubscribe = mail.unsubscribe_url();
    let confirm = mail.link(&format!("{}/confirm/", app.base)).unwrap();
    for path in [
        "/livez",
        "/healthz",
        "/subscribe",
        "/preferences",
        "/static/assent.css",
        unsubscribe.as_str(),
        confirm.as_str(),
    ] {
        let get = app.http.get(app.url(path)).send().await.unwrap();
        let head = app.http.head(app.url(path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }
    let head = app
        .http
        .head(app.url("/api/v1/profiles/hd@example.com"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    // HEAD changes nothing, like GET: the one-click endpoint's page stays a page.
    assert_eq!(app.count("consent_events"), 1);
}
