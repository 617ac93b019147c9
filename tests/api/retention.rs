//! Addresses that never confirmed anything are removed after the retention period, and nothing else is.

use crate::helpers::*;

fn profile_exists(app: &TestApp, email: &str) -> bool {
    assent::db::models::profiles::find_by_email(&mut app.conn(), email)
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn never_confirmed_addresses_are_removed_after_the_retention_period() {
    let app = TestApp::spawn().await;
    // Never confirmed; its link expired 31 days ago (it was valid for 7): removed with its rows.
    app.subscribe_pending("gone@example.com").await;
    app.age_requests("gone@example.com", 38);
    // Never confirmed, but its link expired only 20 days ago: kept.
    app.subscribe_pending("recent@example.com").await;
    app.age_requests("recent@example.com", 27);
    // Confirmed long ago, then unsubscribed: its ledger is proof and is kept.
    let mail = app
        .subscribe_confirmed("kept@example.com", &["newsletter_agreement"])
        .await;
    assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
    app.age_requests("kept@example.com", 400);
    // Known to another system (a customId): never swept.
    app.subscribe_pending("crm@example.com").await;
    app.exec("UPDATE profiles SET custom_id = 'c-1' WHERE email = 'crm@example.com'");
    app.age_requests("crm@example.com", 400);

    eventually("the sweep removes the expired address", || {
        !profile_exists(&app, "gone@example.com")
    })
    .await;
    for kept in ["recent@example.com", "kept@example.com", "crm@example.com"] {
        assert!(profile_exists(&app, kept), "{kept} must be kept");
    }
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let q = "SELECT COUNT(*) AS n FROM outbox WHERE recipient = 'gone@example.com'";
    let mails = diesel::RunQueryDsl::load::<N>(diesel::sql_query(q), &mut app.conn()).unwrap();
    assert_eq!(mails[0].n, 0, "its emails are gone too");
    assert_eq!(
        app.count("optin_requests"),
        3,
        "only its request was removed (4 before)"
    );
    let out = app.cli(&["ledger", "verify"]);
    assert!(out.status.success());
}

#[tokio::test]
async fn a_retention_of_0_days_keeps_every_address() {
    let app = TestApp::spawn_with(Options {
        retention_days: 0,
        ..Options::default()
    })
    .await;
    app.subscribe_pending("stays@example.com").await;
    app.age_requests("stays@example.com", 4000);
    // Give a sweep (were one running) many rounds to act: nothing may change.
    let other = TestApp::spawn().await;
    other.subscribe_pending("swept@example.com").await;
    other.age_requests("swept@example.com", 4000);
    eventually("the other app's sweep runs", || {
        !profile_exists(&other, "swept@example.com")
    })
    .await;
    assert!(profile_exists(&app, "stays@example.com"));
}
