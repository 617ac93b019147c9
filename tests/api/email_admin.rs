//! The email delivery page: the outbox's shelves with their last error, a dead letter given a new round
//! of attempts and delivered, and the SMTP connection check against a real server and a missing one.

use crate::helpers::browser::staff;
use crate::helpers::*;

#[tokio::test]
async fn a_dead_letter_is_shown_with_its_error_retried_and_delivered() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "abe@shop.example", "admin").await;
    app.mail().reject_next_data(1);
    app.subscribe("dee@example.com", &["newsletter_agreement"])
        .await;
    eventually("the refused email is dead-lettered", || {
        app.count("outbox WHERE dead_at IS NOT NULL") == 1
    })
    .await;

    let (status, page, _) = b.get("/admin/email?status=dead").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("dee@example.com"), "{page}");
    assert!(
        page.contains("permanent error (554): 5.7.1 message refused by policy"),
        "{page}"
    );
    assert!(page.contains("<dt>Dead letters</dt><dd>1</dd>"), "{page}");
    assert!(
        page.contains("smtp://127.0.0.1:"),
        "the transport is named: {page}"
    );
    use assent::db::models::outbox::{Lane, Shelf, list};
    let dead_id = list(&mut app.conn(), Lane::Email, Shelf::Dead, None, 1).unwrap()[0].id;
    let retry = format!("/admin/email/{dead_id}/retry");
    assert!(
        page.contains(&format!(r#"action="{retry}""#)),
        "a retry button: {page}"
    );

    // A malformed id is a 404, never "every dead letter".
    for bad in ["abc", "99999999999999999999"] {
        let path = format!("/admin/email/{bad}/retry");
        assert_eq!(b.submit("/admin/email", &path, &[]).await.0, 404, "{bad}");
    }
    assert_eq!(app.count("outbox WHERE dead_at IS NOT NULL"), 1);
    let (status, _, location) = b.submit("/admin/email", &retry, &[]).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/admin/email?status=queued&retried=1"))
    );
    let mails = app.mail().wait_for(2).await;
    assert!(mails[1].to.contains("dee@example.com"));
    eventually("the retried email is recorded as sent", || {
        app.count("outbox WHERE sent_at IS NOT NULL AND dead_at IS NULL") == 1
    })
    .await;
    let (_, sent, _) = b.get("/admin/email?status=sent").await;
    assert!(sent.contains("dee@example.com"), "{sent}");
    assert!(sent.contains("<dt>Dead letters</dt><dd>0</dd>"), "{sent}");
    assert_eq!(
        app.count("audit_log WHERE action = 'email.retry' AND actor = 'admin:abe@shop.example'"),
        1
    );
    // Nothing left to retry: the same form is a clear 404, and nothing is written.
    assert_eq!(b.submit("/admin/email", &retry, &[]).await.0, 404);
    assert_eq!(app.count("audit_log WHERE action = 'email.retry'"), 1);
    assert_eq!(b.get("/admin/email?status=lost").await.0, 400);
}

#[tokio::test]
async fn every_dead_letter_can_be_retried_at_once() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "abe@shop.example", "admin").await;
    app.mail().reject_next_data(3);
    for who in ["a", "b", "c"] {
        app.subscribe(&format!("{who}@example.com"), &["newsletter_agreement"])
            .await;
    }
    eventually("three dead letters", || {
        app.count("outbox WHERE dead_at IS NOT NULL") == 3
    })
    .await;
    let (status, _, location) = b.submit("/admin/email", "/admin/email/retry", &[]).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/admin/email?status=queued&retried=3"))
    );
    let (_, page, _) = b.get(location.as_deref().unwrap()).await;
    assert!(page.contains("3 emails are queued again"), "{page}");
    app.mail().wait_for(6).await;
    eventually("all three sent", || {
        app.count("outbox WHERE sent_at IS NOT NULL") == 3
    })
    .await;
}

#[tokio::test]
async fn the_connection_check_talks_to_the_real_server_or_says_why_it_cannot() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "abe@shop.example", "admin").await;
    let (status, page, _) = b.submit("/admin/email", "/admin/email/check", &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("The connection works"), "{page}");

    // A server that is not there: the page says so, and that emails wait.
    let port = Binary::free_port();
    let down = TestApp::spawn_with(Options {
        smtp_port: Some(port),
        with_mail_server: false,
        ..Options::default()
    })
    .await;
    let b = staff(&down, "abe@shop.example", "admin").await;
    down.subscribe("eve@example.com", &["newsletter_agreement"])
        .await;
    let (status, page, _) = b.submit("/admin/email", "/admin/email/check", &[]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("The connection check failed"), "{page}");
    assert!(page.contains("Emails wait in the outbox"), "{page}");
    eventually("the worker tried", || {
        down.count("outbox WHERE last_error IS NOT NULL") == 1
    })
    .await;
    let (_, page, _) = b.get("/admin/email").await;
    assert!(page.contains("eve@example.com"), "{page}");
    assert!(page.contains("<dt>Queued</dt><dd>1</dd>"), "{page}");
    assert!(
        page.contains("last error:"),
        "the oldest queued email's error: {page}"
    );
}

#[tokio::test]
async fn sent_emails_are_kept_thirty_days_and_dead_letters_until_retried() {
    let app = TestApp::spawn().await;
    app.mail().reject_next_data(1);
    app.subscribe("old@example.com", &["newsletter_agreement"])
        .await;
    eventually("a dead letter", || {
        app.count("outbox WHERE dead_at IS NOT NULL") == 1
    })
    .await;
    for who in ["month", "recent"] {
        app.subscribe(&format!("{who}@example.com"), &["newsletter_agreement"])
            .await;
    }
    eventually("two sent", || {
        app.count("outbox WHERE sent_at IS NOT NULL") == 2
    })
    .await;
    let age = |column: &str, who: &str, days: i64| {
        let at = assent::db::now() - chrono::TimeDelta::days(days);
        app.exec(&format!(
            "UPDATE outbox SET {column} = '{}' WHERE recipient = '{who}@example.com'",
            at.format("%Y-%m-%d %H:%M:%S")
        ));
    };
    age("sent_at", "month", 31);
    age("sent_at", "recent", 29);
    age("dead_at", "old", 90);
    eventually("the month-old sent email is pruned by housekeeping", || {
        app.count("outbox WHERE recipient = 'month@example.com'") == 0
    })
    .await;
    assert_eq!(
        app.count("outbox WHERE recipient = 'recent@example.com'"),
        1
    );
    assert_eq!(
        app.count("outbox WHERE recipient = 'old@example.com' AND dead_at IS NOT NULL"),
        1,
        "a dead letter stays, however old"
    );
}
