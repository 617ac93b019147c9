//! Write paths under hundreds of simultaneous requests on the same profiles: what a person was told is
//! what the database holds, on both engines.

use crate::helpers::*;
use assent::db::models::{consent_events, consents, optin_requests, profiles};
use tokio::task::JoinSet;

/// Signs up `n` new addresses at once; returns each address with its confirmation email.
pub async fn pending_signups(app: &TestApp, n: usize, tag: &str) -> Vec<(String, Email)> {
    let mut set = JoinSet::new();
    for i in 0..n {
        let (http, url) = (app.http.clone(), app.url("/subscribe"));
        let email = format!("{tag}-{i}@race.example");
        set.spawn(async move {
            let r = http
                .post(url)
                .form(&[
                    ("email", email.as_str()),
                    ("agreement", "newsletter_agreement"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 200, "sign-up of {email}");
        });
    }
    set.join_all().await;
    let mails = app.mail().wait_for(n).await;
    (0..n)
        .map(|i| {
            let email = format!("{tag}-{i}@race.example");
            let mail = mails
                .iter()
                .find(|m| m.to.contains(&email))
                .unwrap_or_else(|| panic!("no confirmation email for {email}"))
                .clone();
            (email, mail)
        })
        .collect()
}

async fn post_status(
    http: reqwest::Client,
    url: String,
    form: &'static [(&'static str, &'static str)],
) -> u16 {
    http.post(url)
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// (value, source) of each ledger event of the address, oldest first, and its current newsletter value.
fn ledger_and_value(app: &TestApp, email: &str) -> (Vec<(String, String)>, String) {
    let mut c = app.conn();
    let p = profiles::find_by_email(&mut c, email).unwrap().unwrap();
    let events = consent_events::for_profile(&mut c, p.id)
        .unwrap()
        .into_iter()
        .map(|e| (e.event.value, e.event.source))
        .collect();
    let value = consents::for_profile(&mut c, assent::domain::ProfileId(p.id))
        .unwrap()
        .into_iter()
        .map(|c| c.value.to_string())
        .next()
        .unwrap_or_else(|| "disabled".into());
    (events, value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_that_answered_200_always_holds_against_a_racing_confirmation() {
    const PAIRS: usize = 200;
    let app = TestApp::spawn().await;
    let signups = pending_signups(&app, PAIRS, "pair").await;

    // Each person presses "confirm" and, at the same moment, their mail client sends the one-click.
    let mut set = JoinSet::new();
    for (email, mail) in signups {
        let confirm = mail.link(&format!("{}/confirm/", app.base)).unwrap();
        let unsubscribe = mail.unsubscribe_url();
        let http = app.http.clone();
        set.spawn(async move {
            let c = tokio::spawn(post_status(http.clone(), confirm, &[]));
            let u = tokio::spawn(post_status(
                http,
                unsubscribe,
                &[("List-Unsubscribe", "One-Click")],
            ));
            (email, c.await.unwrap(), u.await.unwrap())
        });
    }
    let outcomes = set.join_all().await;

    let (mut confirmed_first, mut withdrawn_first) = (0, 0);
    for (email, confirm, withdraw) in outcomes {
        assert_eq!(withdraw, 200, "{email}: the withdrawal must never fail");
        let (events, value) = ledger_and_value(&app, &email);
        assert_eq!(
            value, "disabled",
            "{email}: told 'withdrawn' (confirm answered {confirm}) but the value is {value}; ledger {events:?}"
        );
        match confirm {
            200 => {
                confirmed_first += 1;
                assert_eq!(
                    events,
                    [
                        ("enabled".to_string(), "confirmation".to_string()),
                        ("disabled".to_string(), "one_click".to_string())
                    ],
                    "{email}: confirmed first, so the withdrawal is the later event"
                );
            }
            410 => {
                withdrawn_first += 1;
                assert!(events.is_empty(), "{email}: {events:?}");
                let mut c = app.conn();
                let p = profiles::find_by_email(&mut c, &email).unwrap().unwrap();
                let pending =
                    optin_requests::pending_for_profile(&mut c, p.id, assent::db::now()).unwrap();
                assert!(
                    pending.is_empty(),
                    "{email}: the withdrawal ended the request"
                );
            }
            other => panic!("{email}: confirmation answered {other}"),
        }
    }
    eprintln!("{confirmed_first} pairs confirmed first, {withdrawn_first} withdrawn first");
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signup_that_races_the_retention_sweep_is_never_lost() {
    const N: usize = 150;
    let app = TestApp::spawn().await;
    let signups = pending_signups(&app, N, "sweep").await;
    // Every address is now past the retention period, and the sweep runs every 100 ms...
    app.age_requests(None, 40);
    // ...while each person signs up again.
    let mut set = JoinSet::new();
    for (email, _) in &signups {
        let (http, url, email) = (app.http.clone(), app.url("/subscribe"), email.clone());
        set.spawn(async move {
            let form = [("email", email.as_str()), ("agreement", "sms_agreement")];
            (
                email.clone(),
                http.post(url)
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16(),
            )
        });
    }
    let outcomes = set.join_all().await;
    // Let the sweep run a few more rounds.
    let mut rounds = 0;
    eventually("a few sweep rounds", || {
        rounds += 1;
        rounds > 25
    })
    .await;
    for (email, status) in outcomes {
        assert_eq!(status, 200, "{email}");
        let mut c = app.conn();
        let p = profiles::find_by_email(&mut c, &email)
            .unwrap()
            .unwrap_or_else(|| panic!("{email}: acknowledged sign-up, but the profile is gone"));
        let open = optin_requests::pending_for_profile(&mut c, p.id, assent::db::now()).unwrap();
        assert!(
            open.iter().any(|r| r.agreements.starts_with("2:")),
            "{email}: acknowledged sign-up, but its request is gone"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_path_at_once_on_one_profile_keeps_one_consistent_ledger() {
    const REQUESTS: usize = 300;
    let app = TestApp::spawn().await;
    let mail = app
        .subscribe_confirmed("busy@example.com", &["newsletter_agreement"])
        .await;
    let unsubscribe = mail.unsubscribe_url();
    let (_, page) = app
        .post(&mail.link(&format!("{}/confirm/", app.base)).unwrap(), &[])
        .await;
    let prefs = page
        .split("href=\"/preferences/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|t| app.url(&format!("/preferences/{t}")))
        .expect("a preference link");

    // Preference-centre saves with different choices, one-click withdrawals and new sign-ups of the
    // same address, all at once.
    let mut set = JoinSet::new();
    for i in 0..REQUESTS {
        let http = app.http.clone();
        let (prefs, unsubscribe, subscribe) =
            (prefs.clone(), unsubscribe.clone(), app.url("/subscribe"));
        set.spawn(async move {
            let req = match i % 3 {
                0 => {
                    let mut form = vec![];
                    if i % 2 == 0 {
                        form.push(("agreement", "newsletter_agreement"));
                    }
                    if i % 5 < 2 {
                        form.push(("agreement", "sms_agreement"));
                    }
                    http.post(prefs).form(&form)
                }
                1 => http
                    .post(unsubscribe)
                    .form(&[("List-Unsubscribe", "One-Click")]),
                _ => http.post(subscribe).form(&[
                    ("email", "busy@example.com"),
                    ("agreement", "push_agreement"),
                ]),
            };
            req.send().await.unwrap().status().as_u16()
        });
    }
    let statuses = set.join_all().await;
    assert!(
        statuses.iter().all(|s| *s == 200),
        "every request answered 200: {statuses:?}"
    );

    // Each event's "previous" is the value of the event before it for the same agreement: no two
    // writers ever decided from the same stale value.
    let mut c = app.conn();
    let p = profiles::find_by_email(&mut c, "busy@example.com")
        .unwrap()
        .unwrap();
    let events = consent_events::for_profile(&mut c, p.id).unwrap();
    assert!(
        events.len() > 10,
        "the requests changed things: {}",
        events.len()
    );
    let mut last: std::collections::HashMap<String, String> = Default::default();
    for e in &events {
        let before = last
            .get(&e.event.agreement_key)
            .cloned()
            .unwrap_or_else(|| "disabled".into());
        assert_eq!(
            e.event.previous, before,
            "event {} of {}",
            e.id, e.event.agreement_key
        );
        assert_ne!(
            e.event.value, e.event.previous,
            "only real changes are recorded"
        );
        last.insert(e.event.agreement_key.clone(), e.event.value.clone());
    }
    for current in consents::for_profile(&mut c, assent::domain::ProfileId(p.id)).unwrap() {
        let key = events
            .iter()
            .find(|e| e.event.agreement_id == current.agreement_id)
            .unwrap();
        assert_eq!(
            Some(&current.value.to_string()),
            last.get(&key.event.agreement_key)
        );
    }
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Hundreds of sign-ups of one new address at once: on PostgreSQL two writers race to create it in
/// their one statement each, the loser's batch falls back to the general path. One profile, every
/// sign-up answered 200, and no more confirmations queued than the address's allowance, each with its
/// opt-in request, all counted on the profile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_sign_ups_of_one_new_address_make_one_profile_within_its_allowance() {
    let app = TestApp::spawn().await;
    let mut set = JoinSet::new();
    for i in 0..300 {
        let (http, url) = (app.http.clone(), app.url("/subscribe"));
        // Each agreement in turn: every sign-up asks for something, none of it enabled yet.
        let form: &'static [(&str, &str)] = match i % 3 {
            0 => &[
                ("email", "crowd@race.example"),
                ("agreement", "newsletter_agreement"),
            ],
            1 => &[
                ("email", "crowd@race.example"),
                ("agreement", "sms_agreement"),
            ],
            _ => &[
                ("email", "crowd@race.example"),
                ("agreement", "push_agreement"),
            ],
        };
        set.spawn(post_status(http, url, form));
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|s| *s == 200), "{answers:?}");
    assert_eq!(app.count("profiles"), 1, "one profile for one address");
    let p = profiles::find_by_email(&mut app.conn(), "crowd@race.example")
        .unwrap()
        .unwrap();
    let confirmations = app.count(&format!(
        "outbox WHERE kind = 'confirm' AND recipient = 'crowd@race.example' AND profile_id = {}",
        p.id
    ));
    let requests = app.count(&format!("optin_requests WHERE profile_id = {}", p.id));
    assert_eq!(
        confirmations,
        i64::from(assent::domain::allowance::MAX),
        "the allowance is used up, and no more"
    );
    assert_eq!(requests, confirmations, "each confirmation has its request");
    assert_eq!(
        i64::from(p.form_mails),
        confirmations,
        "every email counted"
    );
    assert_eq!(app.count("outbox"), confirmations, "nothing else queued");
}
