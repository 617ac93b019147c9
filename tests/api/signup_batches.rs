//! The group-commit writer's batches give the same result on both engines.

use crate::helpers::*;
use assent::consent::signup::{Signup, record_batch};
use assent::db::models::{optin_requests, profiles};
use assent::db::write_tx;
use assent::domain::{Email, Signer};

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
