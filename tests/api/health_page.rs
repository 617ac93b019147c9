//! `/admin/health`: what an admin needs at a glance, from the real database and the real workers.

use crate::helpers::browser::{staff, staff_language};
use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn the_health_page_shows_the_engine_the_lanes_with_their_last_error_and_the_workers() {
    let app = TestApp::allowing_private_targets().await;
    // A webhook to a port where nothing listens: its first delivery fails, and the page says why.
    crate::webhooks::add_webhook(&app, "http://127.0.0.1:9/hook", "consent.changed", &[]);
    let key = app.api_key().await;
    crate::webhooks::batch(
        &app,
        &key,
        &json!([{"email": "h@example.com", "agreements": {"email": true}}]),
    )
    .await;
    eventually("the delivery failed once", || {
        app.count("outbox WHERE channel = 'webhook' AND last_error IS NOT NULL") == 1
    })
    .await;

    let admin = staff(&app, "ops@shop.example", "admin").await;
    let (status, page, _) = admin.get("/admin/health").await;
    assert_eq!(status, 200, "{page}");
    let engine = if app.db.is_postgres() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    assert!(page.contains(&format!("<dd>{engine}</dd>")), "{page}");
    assert!(page.contains(env!("CARGO_PKG_VERSION")), "{page}");
    let webhook_row = page
        .split(r#"<tr id="lane-webhook">"#)
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("a row for the webhook lane");
    assert!(
        webhook_row.contains(">1</td>"),
        "one waiting: {webhook_row}"
    );
    assert!(
        !webhook_row.contains("none"),
        "its last error is shown: {webhook_row}"
    );
    // The workers of this process, running.
    for worker in ["webhooks", "mail", "imports", "sendfile", "housekeeping"] {
        assert!(
            page.contains(&format!("<code>{worker}</code>")),
            "{worker}: {page}"
        );
    }
    assert!(page.contains(r#"<span class="state on">running</span>"#));

    // In German for someone who chose it; a marketer may not see it.
    staff_language(&app, "ops@shop.example", "de");
    let (_, page, _) = admin.get("/admin/health").await;
    assert!(
        page.contains("Systemzustand") && page.contains("Unzustellbar"),
        "{page}"
    );
    let marketer = staff(&app, "mia@shop.example", "marketer").await;
    assert_eq!(marketer.get("/admin/health").await.0, 403);
}
