//! Staff on a profile: changing a value with a reason, stale forms, and the right to erasure.

use crate::helpers::browser::{Browser, PASSWORD, staff, staff_user};
use crate::helpers::*;

fn profile_id(app: &TestApp, email: &str) -> i64 {
    assent::db::models::profiles::find_by_email(&mut app.conn(), email)
        .unwrap()
        .expect("the profile exists")
        .id
}

/// The `was=` fields and ticked boxes of the profile page's form as it stands, with some boxes changed.
async fn consent_form(b: &Browser, id: i64) -> Vec<(String, String)> {
    let (_, page, _) = b.get(&format!("/admin/profiles/{id}")).await;
    let mut form = Vec::new();
    for part in page.split("name=\"was\" value=\"").skip(1) {
        let was = part.split('"').next().unwrap().to_string();
        let (key, value) = was.split_once(':').unwrap();
        if value == "enabled" {
            form.push(("agreement".to_string(), key.to_string()));
        }
        form.push(("was".to_string(), was.clone()));
    }
    form.push(("csrf_token".into(), crate::helpers::browser::csrf(&page)));
    form
}

fn tick(form: &mut Vec<(String, String)>, key: &str, on: bool) {
    form.retain(|(k, v)| !(k == "agreement" && v == key));
    if on {
        form.push(("agreement".into(), key.into()));
    }
}

fn value(app: &TestApp, id: i64, key: &str) -> String {
    use assent::db::schema::{agreements as a, consents as c};
    use diesel::prelude::*;
    c::table
        .inner_join(a::table)
        .filter(c::profile_id.eq(id).and(a::key.eq(key)))
        .select(c::value)
        .first::<String>(&mut app.conn())
        .optional()
        .unwrap()
        .unwrap_or_else(|| "disabled".into())
}

#[tokio::test]
async fn staff_change_a_value_with_a_reason_and_never_overwrite_a_change_they_did_not_see() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    let mail = app
        .subscribe_confirmed("ola@example.com", &["newsletter_agreement"])
        .await;
    let id = profile_id(&app, "ola@example.com");
    let path = format!("/admin/profiles/{id}/consents");

    // No reason: nothing saved, the form says why next to the field.
    let mut form = consent_form(&b, id).await;
    tick(&mut form, "sms_agreement", true);
    let (status, page, _) = b.post_owned(&path, &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains("Say why") && page.contains("aria-invalid=\"true\""),
        "{page}"
    );
    assert_eq!(value(&app, id, "sms_agreement"), "disabled");

    // With a reason: applied through the one write path, source admin:<email>, reason in the ledger.
    form.push(("reason".into(), "Asked us by phone on 3 May".into()));
    let (status, _, location) = b.post_owned(&path, &form).await;
    assert_eq!(status, 303);
    assert_eq!(location, Some(format!("/admin/profiles/{id}?done=saved")));
    assert_eq!(value(&app, id, "sms_agreement"), "enabled");
    let (_, page, _) = b.get(&format!("/admin/profiles/{id}?done=saved")).await;
    assert!(page.contains("admin:mia@shop.example"), "{page}");
    assert!(
        page.contains("Reason: Asked us by phone on 3 May"),
        "{page}"
    );
    assert!(page.contains("Chain intact"), "{page}");
    // The reason is part of the append-only ledger: it cannot be edited, only blanked by erasure.
    let edited = app.try_exec(&format!(
        "UPDATE consent_events SET reason = 'Made up later' WHERE profile_id = {id} AND reason IS NOT NULL"
    ));
    assert!(format!("{edited:?}").contains("append-only"), "{edited:?}");
    let key = app.api_key().await;
    let (_, ledger) = app
        .api("/api/v1/profiles/ola@example.com/consents", &key)
        .await;
    let last = ledger.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["source"], "admin:mia@shop.example", "{ledger}");
    assert_eq!(last["agreement"], "sms_agreement");

    // The person withdraws the newsletter while a staff member has the page open (newsletter still
    // ticked there). Saving another change must not bring the newsletter back.
    let mut stale = consent_form(&b, id).await;
    assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
    tick(&mut stale, "push_agreement", true);
    stale.push(("reason".into(), "Requested in the shop".into()));
    let (status, _, _) = b.post_owned(&path, &stale).await;
    assert_eq!(status, 303);
    assert_eq!(
        value(&app, id, "newsletter_agreement"),
        "disabled",
        "what the person was told holds"
    );
    assert_eq!(value(&app, id, "push_agreement"), "enabled");

    // Changing a value that moved since the page was shown: nothing is saved, the page says what moved.
    let mut stale = consent_form(&b, id).await;
    let prefs = mail
        .link(&format!("{}/preferences/", app.base))
        .expect("a preference link");
    assert_eq!(
        app.post(
            &prefs,
            &[
                ("agreement", "newsletter_agreement"),
                ("agreement", "sms_agreement"),
                ("agreement", "push_agreement")
            ]
        )
        .await
        .0,
        200
    );
    tick(&mut stale, "sms_agreement", false);
    tick(&mut stale, "newsletter_agreement", true);
    stale.push(("reason".into(), "Typed in from a paper form".into()));
    let (status, page, _) = b.post_owned(&path, &stale).await;
    assert_eq!(status, 409, "{page}");
    assert!(
        page.contains("Nothing was saved: Email newsletter changed"),
        "{page}"
    );
    assert_eq!(
        value(&app, id, "sms_agreement"),
        "enabled",
        "nothing of a refused form applies"
    );

    // An unchanged form records nothing; a forged agreement key is a clear 400.
    let before = app.count("consent_events");
    let form = consent_form(&b, id).await;
    let (status, _, location) = b.post_owned(&path, &form).await;
    assert_eq!(
        (status, location),
        (303, Some(format!("/admin/profiles/{id}?done=unchanged")))
    );
    assert_eq!(app.count("consent_events"), before);
    let mut forged = consent_form(&b, id).await;
    forged.push(("was".into(), "no_such_agreement:enabled".into()));
    assert_eq!(b.post_owned(&path, &forged).await.0, 400);
    // Without the CSRF token: 403.
    let form: Vec<(String, String)> = consent_form(&b, id)
        .await
        .into_iter()
        .filter(|(k, _)| k != "csrf_token")
        .collect();
    assert_eq!(b.post_owned(&path, &form).await.0, 403);
    assert!(app.cli(&["ledger", "verify"]).status.success());
}

#[tokio::test]
async fn erasure_blanks_the_person_keeps_the_proof_and_stops_re_creation() {
    let app = TestApp::spawn().await;
    staff_user(&app, "mia@shop.example", "marketer");
    staff_user(&app, "abe@shop.example", "admin");
    let marketer = Browser::new(&app);
    let admin = Browser::new(&app);
    assert_eq!(marketer.sign_in("mia@shop.example", PASSWORD).await.0, 303);
    assert_eq!(admin.sign_in("abe@shop.example", PASSWORD).await.0, 303);
    let mail = app
        .subscribe_confirmed(
            "ola@example.com",
            &["newsletter_agreement", "sms_agreement"],
        )
        .await;
    // A request still waiting for confirmation, and its email.
    app.subscribe("ola@example.com", &["push_agreement"]).await;
    app.mail().wait_for(2).await;
    let id = profile_id(&app, "ola@example.com");
    let path = format!("/admin/profiles/{id}/erase");
    let erase_form = [("reason", "Asked to be forgotten"), ("confirm", "yes")];

    // Marketers cannot erase, and do not see the form.
    assert_eq!(
        marketer
            .submit(&format!("/admin/profiles/{id}"), &path, &erase_form)
            .await
            .0,
        403
    );
    let (_, page, _) = marketer.get(&format!("/admin/profiles/{id}")).await;
    assert!(!page.contains("/erase"));
    // Without the confirmation box: 422, nothing erased.
    let (status, page, _) = admin
        .submit(
            &format!("/admin/profiles/{id}"),
            &path,
            &[("reason", "Asked to be forgotten")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("cannot be undone"));
    assert_eq!(value(&app, id, "newsletter_agreement"), "enabled");

    let (status, _, location) = admin
        .submit(&format!("/admin/profiles/{id}"), &path, &erase_form)
        .await;
    assert_eq!(
        (status, location),
        (303, Some(format!("/admin/profiles/{id}?done=erased")))
    );

    // The dashboard shows what is left: no address, the withdrawals, an intact chain.
    let (status, page, _) = admin
        .get(&format!("/admin/profiles/{id}?done=erased"))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Erased profile") && page.contains("Chain intact"),
        "{page}"
    );
    assert!(
        !page.contains("ola@example.com"),
        "no trace of the address: {page}"
    );
    assert!(page.contains("admin:abe@shop.example"));
    // Everything was withdrawn, the pending request ended, the data blanked; digests stay.
    assert_eq!(value(&app, id, "newsletter_agreement"), "disabled");
    assert_eq!(value(&app, id, "sms_agreement"), "disabled");
    assert_eq!(
        app.count(&format!(
            "profiles WHERE id = {id} AND (email IS NOT NULL OR erased_at IS NULL)"
        )),
        0
    );
    assert_eq!(app.count(&format!("consent_events WHERE profile_id = {id} AND (ip IS NOT NULL OR user_agent IS NOT NULL) AND source NOT LIKE 'admin:%'")), 0);
    assert_eq!(
        app.count(&format!(
            "consent_events WHERE profile_id = {id} AND ip_digest IS NULL"
        )),
        0
    );
    assert_eq!(app.count(&format!("optin_requests WHERE profile_id = {id} AND cancelled_at IS NULL AND confirmed_at IS NULL")), 0);
    assert_eq!(app.count("outbox WHERE recipient = 'ola@example.com'"), 0);
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The person's old links lead nowhere; the API no longer knows the address.
    let (status, _) = app.get(&mail.unsubscribe_url()).await;
    assert_eq!(status, 404);
    let key = app.api_key().await;
    assert_eq!(
        app.api("/api/v1/profiles/ola@example.com", &key).await.0,
        404
    );
    // The tombstone: an import (later issue) asks this, by address.
    assert!(assent::db::models::erasures::is_erased(&mut app.conn(), "ola@example.com").unwrap());
    assert!(
        !assent::db::models::erasures::is_erased(&mut app.conn(), "someone@example.com").unwrap()
    );
    // The audit log names the profile, not the address.
    let (_, audit, _) = admin.get("/admin/audit").await;
    assert!(audit.contains("profile.erase") && audit.contains(&format!("profile {id}")));
    // Erasing twice is harmless.
    let (status, _, _) = admin
        .submit(&format!("/admin/profiles/{id}"), &path, &erase_form)
        .await;
    assert_eq!(status, 303, "{status}");
    assert_eq!(
        app.count("audit_log WHERE action = 'profile.erase'"),
        1,
        "erased once"
    );
    // The person may come back by themselves, through the form, as a new profile.
    app.subscribe_confirmed("ola@example.com", &["newsletter_agreement"])
        .await;
    assert_ne!(profile_id(&app, "ola@example.com"), id);
}

#[tokio::test]
async fn assent_profile_erase_does_the_same_from_the_command_line() {
    let app = TestApp::spawn().await;
    app.subscribe_confirmed("Kim@Example.COM", &["newsletter_agreement"])
        .await;
    let id = profile_id(&app, "Kim@example.com");
    let out = app.cli(&["profile", "erase", "Kim@EXAMPLE.com"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("Erased profile {id}: 1 agreement withdrawn")),
        "{stdout}"
    );
    assert_eq!(value(&app, id, "newsletter_agreement"), "disabled");
    assert_eq!(
        app.count(&format!(
            "consent_events WHERE profile_id = {id} AND source = 'admin:cli'"
        )),
        1
    );
    assert_eq!(
        app.count("audit_log WHERE action = 'profile.erase' AND actor = 'cli'"),
        1
    );
    assert!(app.cli(&["ledger", "verify"]).status.success());
    // Again: the address is no longer known, and the answer says why.
    let out = app.cli(&["profile", "erase", "Kim@example.com"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no profile has the address Kim@example.com")
    );
    let out = app.cli(&["profile", "erase", "not-an-address"]);
    assert_eq!(out.status.code(), Some(1));
}

/// (value, source) of a profile's events for one agreement.
fn events_of(app: &TestApp, id: i64, key: &str) -> Vec<(String, String)> {
    use assent::db::schema::consent_events as e;
    use diesel::prelude::*;
    e::table
        .filter(e::profile_id.eq(id).and(e::agreement_key.eq(key)))
        .order(e::id)
        .select((e::value, e::source))
        .load(&mut app.conn())
        .unwrap()
}

#[tokio::test]
async fn staff_changes_and_erasure_race_the_person_and_each_other() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "abe@shop.example", "admin").await;
    let mail = app
        .subscribe_confirmed("ola@example.com", &["newsletter_agreement"])
        .await;
    let id = profile_id(&app, "ola@example.com");
    // Every staff form was loaded before any of this started: newsletter enabled, SMS disabled.
    let shown = consent_form(&b, id).await;
    let mut enable_sms = shown.clone();
    tick(&mut enable_sms, "sms_agreement", true);
    enable_sms.push(("reason".into(), "Phone call".into()));
    let mut withdraw = shown.clone();
    tick(&mut withdraw, "newsletter_agreement", false);
    withdraw.push(("reason".into(), "Phone call".into()));
    let url = app.url(&format!("/admin/profiles/{id}/consents"));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..300 {
        let http = b.http.clone();
        let (url, one_click) = (url.clone(), mail.unsubscribe_url());
        let form = if i % 3 == 0 {
            enable_sms.clone()
        } else {
            withdraw.clone()
        };
        set.spawn(async move {
            if i % 3 == 2 {
                let r = http
                    .post(&one_click)
                    .form(&[("List-Unsubscribe", "One-Click")])
                    .send()
                    .await
                    .unwrap();
                ("one_click", r.status().as_u16())
            } else {
                let r = http.post(&url).form(&form).send().await.unwrap();
                (
                    if i % 3 == 0 { "sms" } else { "withdraw" },
                    r.status().as_u16(),
                )
            }
        });
    }
    let answers = set.join_all().await;
    let count = |kind: &str, status: u16| {
        answers
            .iter()
            .filter(|(k, s)| *k == kind && *s == status)
            .count()
    };
    assert_eq!(count("one_click", 200), 100, "{answers:?}");
    assert_eq!(count("sms", 303) + count("sms", 409), 100, "{answers:?}");
    assert_eq!(
        count("withdraw", 303) + count("withdraw", 409),
        100,
        "{answers:?}"
    );
    // One form saw SMS disabled and made it so; every later one was told it had moved.
    assert_eq!(count("sms", 303), 1, "{answers:?}");
    assert_eq!(events_of(&app, id, "sms_agreement").len(), 1);
    // The newsletter was withdrawn exactly once, by whoever came first; a staff member told "saved" made it.
    let newsletter = events_of(&app, id, "newsletter_agreement");
    assert_eq!(newsletter.len(), 2, "{newsletter:?}");
    assert_eq!(newsletter[1].0, "disabled");
    let by_staff = newsletter[1].1 == "admin:abe@shop.example";
    assert_eq!(
        count("withdraw", 303),
        usize::from(by_staff),
        "{newsletter:?} {answers:?}"
    );
    assert_eq!(value(&app, id, "newsletter_agreement"), "disabled");
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Erasure racing confirmations of the same person: erased in the end, nothing enabled, chain intact.
    let pending = app.subscribe_pending("kim@example.com").await;
    let confirm = pending.link(&format!("{}/confirm/", app.base)).unwrap();
    let kim = profile_id(&app, "kim@example.com");
    let (_, page, _) = b.get(&format!("/admin/profiles/{kim}")).await;
    let token = crate::helpers::browser::csrf(&page);
    let erase_url = app.url(&format!("/admin/profiles/{kim}/erase"));
    let mut set = tokio::task::JoinSet::new();
    for i in 0..100 {
        let (http, confirm, erase_url, token) = (
            b.http.clone(),
            confirm.clone(),
            erase_url.clone(),
            token.clone(),
        );
        set.spawn(async move {
            if i % 10 == 0 {
                let form = [
                    ("reason", "Asked to be forgotten"),
                    ("confirm", "yes"),
                    ("csrf_token", token.as_str()),
                ];
                (
                    "erase",
                    http.post(&erase_url)
                        .form(&form)
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16(),
                )
            } else {
                (
                    "confirm",
                    http.post(&confirm).send().await.unwrap().status().as_u16(),
                )
            }
        });
    }
    let answers = set.join_all().await;
    assert!(
        answers.iter().all(|(k, s)| match *k {
            "erase" => *s == 303,
            _ => *s == 200 || *s == 404,
        }),
        "{answers:?}"
    );
    assert_eq!(app.count(&format!("profiles WHERE id = {kim} AND erased_at IS NOT NULL AND email IS NULL AND consent_mask = 0")), 1);
    assert_eq!(value(&app, kim, "newsletter_agreement"), "disabled");
    let kim_events = events_of(&app, kim, "newsletter_agreement");
    assert!(
        kim_events.is_empty()
            || kim_events
                == [
                    ("enabled".to_string(), "confirmation".to_string()),
                    ("disabled".to_string(), "admin:abe@shop.example".to_string())
                ],
        "{kim_events:?}"
    );
    // A person told "confirmed" was confirmed before the erasure, which then withdrew it.
    let confirmed = answers.iter().any(|(k, s)| *k == "confirm" && *s == 200);
    assert_eq!(
        confirmed,
        !kim_events.is_empty(),
        "{answers:?} {kim_events:?}"
    );
    assert_eq!(
        app.count(&format!(
            "audit_log WHERE action = 'profile.erase' AND subject = 'profile {kim}'"
        )),
        1,
        "ten simultaneous erasures erase once"
    );
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test]
async fn bad_input_on_the_profile_forms_gets_a_clear_answer() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "abe@shop.example", "admin").await;
    app.subscribe_confirmed("ola@example.com", &["newsletter_agreement"])
        .await;
    let id = profile_id(&app, "ola@example.com");
    let page = format!("/admin/profiles/{id}");
    let consents = format!("{page}/consents");
    let before = app.count("consent_events");
    // A `was` field without a value, or with a value that is not one: 400, nothing applied.
    for was in ["sms_agreement", "sms_agreement:maybe"] {
        let form = [
            ("was", was),
            ("agreement", "sms_agreement"),
            ("reason", "r"),
        ];
        assert_eq!(b.submit(&page, &consents, &form).await.0, 400, "{was}");
    }
    // A reason on two lines or too long: 422 next to the field.
    for reason in ["first line\nsecond line", &"x".repeat(501)] {
        let form = [
            ("was", "sms_agreement:disabled"),
            ("agreement", "sms_agreement"),
            ("reason", reason),
        ];
        let (status, body, _) = b.submit(&page, &consents, &form).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("id=\"reason-error\""), "{body}");
    }
    // Unknown profiles: 404 for a change and for an erasure.
    let form = [
        ("was", "sms_agreement:disabled"),
        ("agreement", "sms_agreement"),
        ("reason", "r"),
    ];
    assert_eq!(
        b.submit(&page, "/admin/profiles/999999/consents", &form)
            .await
            .0,
        404
    );
    let erase = [("reason", "r"), ("confirm", "yes")];
    assert_eq!(
        b.submit(&page, "/admin/profiles/999999/erase", &erase)
            .await
            .0,
        404
    );
    // Erasure without a reason: 422, and the box the admin ticked and the form come back.
    let (status, body, _) = b
        .submit(
            &page,
            &format!("{page}/erase"),
            &[("reason", " "), ("confirm", "yes")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("id=\"erase-reason-error\""), "{body}");
    // Without the box: the reason typed is kept, the error sits by the box.
    let (status, body, _) = b
        .submit(
            &page,
            &format!("{page}/erase"),
            &[("reason", "Letter of 2 May")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("value=\"Letter of 2 May\"") && body.contains("id=\"erase-confirm-error\""),
        "{body}"
    );
    assert_eq!(app.count("consent_events"), before, "nothing was recorded");
    assert_eq!(
        app.count(&format!("profiles WHERE id = {id} AND erased_at IS NULL")),
        1
    );
    // The command line refuses an empty or multi-line reason.
    for reason in ["", "two\nlines"] {
        let out = app.cli(&["profile", "erase", "ola@example.com", "--reason", reason]);
        assert_eq!(out.status.code(), Some(1), "{reason:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--reason"),
            "{reason:?}"
        );
    }
}
