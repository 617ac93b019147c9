//! The group-commit writer's batches give the same result on both engines.

use crate::helpers::*;
use assent::consent::signup::{Signup, record_batch};
use assent::db::models::{optin_requests, profiles};
use assent::db::write_tx;
use assent::domain::{Email, Signer};
use diesel::RunQueryDsl;

/// An outbox row: its kind, one text column (the recipient or the payload) and the profile it is about.
#[derive(diesel::QueryableByName)]
struct Queued {
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    profile_id: i64,
}

fn signup(signer: &Signer, email: &str, agreements: Vec<(i64, i32)>) -> Signup {
    let (uid, _token, token_hash) = signer.new_optin();
    Signup {
        email: Email::parse(email).unwrap(),
        name: None,
        agreements: agreements
            .into_iter()
            .map(|(id, version)| (id, version, "en".to_string()))
            .collect(),
        language: "en".into(),
        ip: None,
        user_agent: None,
        uid,
        token_hash,
        gpc: false,
    }
}

#[tokio::test]
async fn two_signups_of_one_new_address_in_one_batch_are_both_honoured_within_the_allowance() {
    let app = TestApp::spawn().await;
    let signer = Signer::new(&[7u8; 32]);
    let mut c = app.conn();
    let now = assent::db::now();
    // newsletter (id 1) and sms (id 2), asked for by two sign-ups of the same new address, plus a third
    // sign-up of a second new address, all in one transaction as the writer would batch them.
    let batch = vec![
        signup(&signer, "twice@example.com", vec![(1, 1)]),
        signup(&signer, "other@example.com", vec![(1, 1)]),
        signup(&signer, "twice@example.com", vec![(2, 1)]),
    ];
    write_tx(&mut c, |c| {
        record_batch(c, &batch, chrono::Duration::hours(1), now)
    })
    .unwrap();

    let p = profiles::find_by_email(&mut c, "twice@example.com")
        .unwrap()
        .unwrap();
    let requests = optin_requests::pending_for_profile(&mut c, p.id, now).unwrap();
    let asked: Vec<String> = requests.iter().map(|r| r.agreements.clone()).collect();
    assert_eq!(
        asked,
        ["1:1:en", "2:1:en"],
        "each sign-up gets its own request"
    );
    assert_eq!(
        p.form_mails, 2,
        "both emails count against the address's allowance"
    );
    assert_eq!(app.count("profiles"), 2);
    assert_eq!(app.count("outbox"), 3, "one confirmation per sign-up");

    // The same again for the same address, later in the hour: one more email is allowed, then none.
    let more = vec![
        signup(&signer, "twice@example.com", vec![(3, 1)]),
        signup(&signer, "twice@example.com", vec![(3, 1)]),
    ];
    let later = now + chrono::Duration::minutes(5);
    write_tx(&mut c, |c| {
        record_batch(c, &more, chrono::Duration::hours(1), later)
    })
    .unwrap();
    assert_eq!(app.count("outbox"), 4);
    let p = profiles::find_by_email(&mut c, "twice@example.com")
        .unwrap()
        .unwrap();
    assert_eq!(p.form_mails, 3);
}

#[tokio::test]
async fn a_batch_of_new_and_known_addresses_attaches_every_request_email_and_announcement_to_its_own_profile()
 {
    let app = TestApp::spawn().await;
    let signer = Signer::new(&[7u8; 32]);
    let mut c = app.conn();
    let now = assent::db::now();
    write_tx(&mut c, |c| {
        record_batch(
            c,
            &[
                signup(&signer, "known@example.com", vec![(1, 1)]),
                signup(&signer, "enabled@example.com", vec![(1, 1)]),
            ],
            chrono::Duration::hours(1),
            now,
        )
    })
    .unwrap();
    // One known address has the newsletter enabled already; then webhooks are wanted for new profiles.
    app.exec(
        "INSERT INTO consents (profile_id, agreement_id, value, version, occurred_at) \
         SELECT id, 1, 'enabled', 1, created_at FROM profiles WHERE email = 'enabled@example.com'",
    );
    app.exec(
        "INSERT INTO webhook_endpoints (url, events, agreements, exclude_sources, secret, created_at, updated_at) \
         VALUES ('https://hooks.example/in', 'profile.created', '', '', 'sealed', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    );
    let before = app.count("outbox");

    // In address order the new ones fall before, between and after the known ones, so a profile's
    // position in the batch differs from its position among the new ones.
    let batch = vec![
        signup(&signer, "zeta@example.com", vec![(1, 1)]),
        signup(&signer, "known@example.com", vec![(2, 1)]),
        signup(&signer, "alpha@example.com", vec![(1, 1), (2, 1)]),
        signup(&signer, "enabled@example.com", vec![(1, 1)]),
        signup(&signer, "kappa@example.com", vec![(2, 1)]),
        signup(&signer, "zeta@example.com", vec![(2, 1)]),
    ];
    let later = now + chrono::Duration::minutes(1);
    write_tx(&mut c, |c| {
        record_batch(c, &batch, chrono::Duration::hours(1), later)
    })
    .unwrap();

    let id = |c: &mut assent::db::DbConn, email: &str| {
        profiles::find_by_email(c, email).unwrap().unwrap().id
    };
    for (email, asked) in [
        ("alpha@example.com", vec!["1:1:en,2:1:en"]),
        ("kappa@example.com", vec!["2:1:en"]),
        ("zeta@example.com", vec!["1:1:en", "2:1:en"]),
        ("known@example.com", vec!["1:1:en", "2:1:en"]),
        // Its request from the first batch; nothing new, since all it asked for is enabled.
        ("enabled@example.com", vec!["1:1:en"]),
    ] {
        let p = id(&mut c, email);
        let got: Vec<String> = optin_requests::pending_for_profile(&mut c, p, later)
            .unwrap()
            .iter()
            .map(|r| r.agreements.clone())
            .collect();
        assert_eq!(got, asked, "the requests of {email}");
    }
    // Every email of the batch names the profile it went to.
    let mails: Vec<(String, String, i64)> = diesel::sql_query(format!(
        "SELECT kind, recipient AS text, profile_id FROM outbox \
         WHERE channel = 'email' AND id > {before} ORDER BY recipient, id"
    ))
    .load::<Queued>(&mut c)
    .unwrap()
    .into_iter()
    .map(|r| (r.kind, r.text, r.profile_id))
    .collect();
    let want: Vec<(String, String, i64)> = [
        ("confirm", "alpha@example.com"),
        ("already_subscribed", "enabled@example.com"),
        ("confirm", "kappa@example.com"),
        ("confirm", "known@example.com"),
        ("confirm", "zeta@example.com"),
        ("confirm", "zeta@example.com"),
    ]
    .into_iter()
    .map(|(k, e)| (k.to_string(), e.to_string(), id(&mut c, e)))
    .collect();
    assert_eq!(mails, want);
    // The new profiles, and only they, are announced, each under its own id.
    let announced: Vec<(i64, String)> = diesel::sql_query(
        "SELECT kind, payload AS text, profile_id FROM outbox \
         WHERE channel = 'webhook' ORDER BY profile_id",
    )
    .load::<Queued>(&mut c)
    .unwrap()
    .into_iter()
    .map(|r| (r.profile_id, r.text))
    .collect();
    let mut want: Vec<i64> = ["alpha@example.com", "kappa@example.com", "zeta@example.com"]
        .iter()
        .map(|e| id(&mut c, e))
        .collect();
    want.sort();
    assert_eq!(
        announced.iter().map(|a| a.0).collect::<Vec<_>>(),
        want,
        "{announced:?}"
    );
    for (profile, payload) in &announced {
        let body: serde_json::Value = serde_json::from_str(payload).unwrap();
        let email = body
            .pointer("/data/email")
            .and_then(|e| e.as_str())
            .unwrap();
        assert_eq!(id(&mut c, email), *profile, "{payload}");
    }
    let zeta = profiles::find_by_email(&mut c, "zeta@example.com")
        .unwrap()
        .unwrap();
    assert_eq!(zeta.form_mails, 2, "both of zeta's emails count");
    assert_eq!(app.count("profiles"), 5);
}
