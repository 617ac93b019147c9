//! Global Privacy Control: agreements flagged "a GPC signal means no", a browser's `Sec-GPC: 1` on every
//! public page, the ledger's record of the signal, and `/.well-known/gpc.json`. Both engines.

use crate::helpers::browser::{Browser, staff};
use crate::helpers::*;
use serde_json::{Value, json};

const SHARING: &str = "sharing_agreement";
const SHARING_TITLE: &str = "Sharing with partners";

/// A GET as a browser that sends Global Privacy Control.
async fn gpc_get(app: &TestApp, path: &str) -> (u16, String) {
    let r = app
        .http
        .get(app.url(path))
        .header("Sec-GPC", "1")
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A form POST as a browser that sends Global Privacy Control.
async fn gpc_post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = app
        .http
        .post(app.url(path))
        .header("Sec-GPC", "1")
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A marketer creates the agreement to share data with partners, flagged for GPC.
pub async fn flagged_agreement(app: &TestApp) -> Browser {
    let b = staff(app, "mara@example.com", "marketer").await;
    let (status, page, _) = b
        .submit(
            "/admin/agreements/new",
            "/admin/agreements",
            &[
                ("key", SHARING),
                ("title", SHARING_TITLE),
                ("channel", "other"),
                (
                    "text",
                    "You may share my data with partners for their offers.",
                ),
                ("gpc", "on"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    b
}

/// The preference link of the page a confirmation ends on.
pub fn preference_link(page: &str) -> String {
    let token = page
        .split("href=\"/preferences/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a preference link");
    format!("/preferences/{token}")
}

/// Signs `email` up for the newsletter and sharing (without the signal) and confirms; returns the
/// confirmation email and the preference link.
async fn both_enabled(app: &TestApp, email: &str) -> (Email, String) {
    let before = app.mail().count();
    let (status, _) = app
        .subscribe(email, &["newsletter_agreement", SHARING])
        .await;
    assert_eq!(status, 200);
    let mail = app.mail().wait_for(before + 1).await.pop().unwrap();
    let confirm = mail.link(&app.url("/confirm/")).expect("a confirm link");
    let (status, page) = app.post(&confirm, &[]).await;
    assert_eq!(status, 200, "{page}");
    (mail, preference_link(&page))
}

/// The value each agreement has for `email` in the database.
fn held(app: &TestApp, email: &str, key: &str) -> i64 {
    app.count(&format!(
        "consents c JOIN agreements a ON a.id = c.agreement_id JOIN profiles p ON p.id = c.profile_id \
         WHERE p.email = '{email}' AND a.key = '{key}' AND c.value = 'enabled'"
    ))
}

/// The profile's ledger as the API gives it.
async fn ledger(app: &TestApp, key: &str, email: &str) -> Vec<Value> {
    let (status, body) = app
        .api(&format!("/api/v1/profiles/{email}/consents"), key)
        .await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

fn entries<'a>(ledger: &'a [Value], agreement: &str) -> Vec<&'a Value> {
    ledger
        .iter()
        .filter(|e| e["agreement"] == agreement)
        .collect()
}

#[tokio::test]
async fn a_gpc_signal_withdraws_flagged_agreements_where_the_person_is_known_and_the_ledger_says_so()
 {
    let app = TestApp::spawn().await;
    let marketer = flagged_agreement(&app).await;
    let key = app.api_key().await;

    // Without the signal, the preference centre changes nothing and shows no note.
    let (_, prefs) = both_enabled(&app, "ann@example.com").await;
    let (status, page) = app.get(&prefs).await;
    assert_eq!(status, 200);
    assert!(!page.contains("Global Privacy Control") && !page.contains("gpc-note"));
    assert_eq!(held(&app, "ann@example.com", SHARING), 1);

    // With it, the flagged agreement is withdrawn (source gpc), the newsletter is not, and the page says so.
    let (status, page) = gpc_get(&app, &prefs).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(
            "Because your browser sent a Global Privacy Control signal, we withdrew: {SHARING_TITLE}."
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            r#"value="{SHARING}" aria-describedby="gpc-{SHARING}""#
        )),
        "now unticked, with the note: {page}"
    );
    assert!(page.contains(r#"value="newsletter_agreement" checked"#));
    assert_eq!(held(&app, "ann@example.com", SHARING), 0);
    assert_eq!(held(&app, "ann@example.com", "newsletter_agreement"), 1);
    let l = ledger(&app, &key, "ann@example.com").await;
    let sharing = entries(&l, SHARING);
    assert_eq!(sharing.len(), 2, "{l:?}");
    assert_eq!(
        (&sharing[0]["source"], &sharing[0]["gpc"]),
        (&"confirmation".into(), &false.into())
    );
    assert_eq!(
        (
            &sharing[1]["source"],
            &sharing[1]["value"],
            &sharing[1]["gpc"]
        ),
        (&"gpc".into(), &"disabled".into(), &true.into())
    );
    assert_eq!(entries(&l, "newsletter_agreement")[0]["gpc"], false);

    // Seen again: nothing more to withdraw, nothing recorded, no notice.
    let events = app.count("consent_events");
    let (_, page) = gpc_get(&app, &prefs).await;
    assert!(!page.contains("we withdrew"));
    assert_eq!(app.count("consent_events"), events);

    // Ticked again with the signal on: kept, knowingly (the event records the signal), and the next
    // visit with the signal leaves it alone.
    let (status, page) = gpc_post(
        &app,
        &prefs,
        &[
            ("agreement", "newsletter_agreement"),
            ("agreement", SHARING),
        ],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(held(&app, "ann@example.com", SHARING), 1);
    let (_, page) = gpc_get(&app, &prefs).await;
    assert!(!page.contains("we withdrew"), "{page}");
    assert!(page.contains(&format!(r#"value="{SHARING}" checked"#)));
    assert_eq!(held(&app, "ann@example.com", SHARING), 1);
    let l = ledger(&app, &key, "ann@example.com").await;
    let last = entries(&l, SHARING).pop().unwrap().clone();
    assert_eq!(
        (&last["source"], &last["value"], &last["gpc"]),
        (&"preferences".into(), &"enabled".into(), &true.into())
    );

    // The resignation page withdraws flagged agreements too (and only those: its button is not pressed).
    let (mail, _) = both_enabled(&app, "bob@example.com").await;
    let (status, page) = gpc_get(&app, &mail.unsubscribe_url()).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("we withdrew: Sharing with partners"),
        "{page}"
    );
    assert_eq!(held(&app, "bob@example.com", SHARING), 0);
    assert_eq!(held(&app, "bob@example.com", "newsletter_agreement"), 1);

    // So does the confirmation link, opened again after it was used.
    let (mail, _) = both_enabled(&app, "cy@example.com").await;
    let confirm = mail.link(&app.url("/confirm/")).unwrap();
    let (status, page) = gpc_get(&app, &confirm).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("we withdrew: Sharing with partners"),
        "{page}"
    );
    assert_eq!(held(&app, "cy@example.com", SHARING), 0);

    // Staff see the signal on the profile's history.
    let (_, list, _) = marketer.get("/admin/profiles?q=ann%40example.com").await;
    let id = list
        .split("href=\"/admin/profiles/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("ann in the list");
    let (_, page, _) = marketer.get(&format!("/admin/profiles/{id}")).await;
    assert_eq!(
        page.matches("The browser sent Global Privacy Control")
            .count(),
        2,
        "the withdrawal and the consent ticked again: {page}"
    );

    // Every one of these events is in the hash chain, the signal included.
    let out = app.cli(&["ledger", "verify"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        app.count("consent_events WHERE source = 'gpc' AND gpc"),
        3,
        "ann, bob and cy, once each"
    );
}

#[tokio::test]
async fn the_sign_up_form_notes_the_signal_and_a_consent_given_anyway_is_recorded_with_it() {
    let app = TestApp::spawn().await;
    flagged_agreement(&app).await;
    let path = format!("/subscribe?agreements=newsletter_agreement,{SHARING}");

    // The blank form, without and with the signal (each kept apart by the page cache and by caches in
    // between, through Vary).
    let r = app.http.get(app.url(&path)).send().await.unwrap();
    assert_eq!(r.headers()["vary"], "Sec-GPC");
    let page = r.text().await.unwrap();
    assert!(!page.contains("gpc-note"), "{page}");
    let (status, page) = gpc_get(&app, &path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(
            r#"<input type="checkbox" id="agreement-{SHARING}" name="agreement" value="{SHARING}" aria-describedby="gpc-{SHARING}">"#
        )),
        "unticked, described by the note: {page}"
    );
    assert!(page.contains("Your browser asks not to sell or share your data."));
    assert_eq!(
        page.matches("gpc-note").count(),
        1,
        "the newsletter is not flagged"
    );
    let (_, page) = app.get(&path).await;
    assert!(
        !page.contains("gpc-note"),
        "the cache keeps both forms apart"
    );
    let (_, page) = gpc_get(&app, "/subscribe?lang=pl&agreements=sharing_agreement").await;
    assert!(page.contains("Twoja przeglądarka prosi"), "{page}");

    // Ticked anyway: the confirmation page notes it, and the consent records the signal even though
    // the confirmation itself came without it.
    let (status, page) = gpc_post(
        &app,
        "/subscribe",
        &[("email", "dee@example.com"), ("agreement", SHARING)],
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let mail = app.mail().wait_for(1).await.pop().unwrap();
    let confirm = mail.link(&app.url("/confirm/")).unwrap();
    let (status, page) = gpc_get(&app, &confirm).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Confirming this agreement overrides that signal"),
        "{page}"
    );
    assert_eq!(held(&app, "dee@example.com", SHARING), 0, "nothing yet");
    let (status, page) = app.post(&confirm, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(held(&app, "dee@example.com", SHARING), 1);
    assert_eq!(
        app.count("consent_events WHERE source = 'confirmation' AND gpc"),
        1
    );
    // Given knowingly: the preference centre with the signal leaves it.
    let (_, page) = gpc_get(&app, &preference_link(&page)).await;
    assert!(!page.contains("we withdrew"), "{page}");
    assert_eq!(held(&app, "dee@example.com", SHARING), 1);

    // Any change a browser makes with the signal records it: here the resignation page's button.
    let (mail, _) = both_enabled(&app, "eve@example.com").await;
    let (status, page) = gpc_post(&app, &mail.unsubscribe_url(), &[]).await;
    assert_eq!(status, 200, "{page}");
    let withdrawn = app.count("consent_events WHERE source = 'unsubscribe'");
    assert!(withdrawn > 0);
    assert_eq!(
        app.count("consent_events WHERE source = 'unsubscribe' AND gpc"),
        withdrawn
    );
    assert_eq!(
        app.count("consent_events WHERE source = 'confirmation' AND NOT gpc"),
        2,
        "eve's confirmation came without it"
    );
}

#[tokio::test]
async fn staff_set_the_flag_and_gpc_json_gives_the_date_it_last_changed() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/.well-known/gpc.json").await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(v, serde_json::json!({"gpc": true, "lastUpdate": today}));

    let b = flagged_agreement(&app).await;
    let (_, page, _) = b.get(&format!("/admin/agreements/{SHARING}")).await;
    assert!(page.contains(r#"name="gpc" value="on" checked"#), "{page}");
    // The flag's last change, moved into the past where a test can tell it from today.
    app.exec("UPDATE agreements SET gpc_changed_at = '2026-01-15 10:00:00' WHERE gpc_changed_at IS NOT NULL");
    let edit = |gpc: &'static str| {
        let mut form = vec![
            ("title", SHARING_TITLE),
            (
                "text",
                "You may share my data with partners for their offers.",
            ),
        ];
        if !gpc.is_empty() {
            form.push(("gpc", gpc));
        }
        form
    };
    // A retitle leaves the flag (and its date) alone.
    let path = format!("/admin/agreements/{SHARING}");
    let (status, page, _) = b.submit(&path, &path, &edit("on")).await;
    assert_eq!(status, 303, "{page}");
    let (_, body) = app.get("/.well-known/gpc.json").await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["lastUpdate"],
        "2026-01-15"
    );
    // A value that is not a checkbox's is refused, naming what to do.
    let (status, page, _) = b.submit(&path, &path, &edit("maybe")).await;
    assert_eq!(status, 422);
    assert!(page.contains("Tick the box or leave it empty"), "{page}");
    // Unticked: the flag is off, audited, and the date is today's.
    let (status, page, _) = b.submit(&path, &path, &edit("")).await;
    assert_eq!(status, 303, "{page}");
    let (_, page, _) = b.get(&path).await;
    assert!(
        page.contains(r#"name="gpc" value="on" aria-describedby"#),
        "{page}"
    );
    let (_, body) = app.get("/.well-known/gpc.json").await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["lastUpdate"],
        today.as_str()
    );
    assert_eq!(
        app.count(
            "audit_log WHERE action = 'agreement.edit' AND detail LIKE '%GPC signals ignored%'"
        ),
        1
    );
    assert_eq!(
        app.count(
            "audit_log WHERE action = 'agreement.create' AND detail LIKE '%a GPC signal means no%'"
        ),
        1
    );
}

/// Hundreds of page views with the signal at once, and preference saves in between: the flagged
/// agreement is withdrawn once by the signal, and what each page said is what the ledger holds.
#[tokio::test]
async fn simultaneous_gpc_page_views_withdraw_once() {
    let app = TestApp::allowing_private_targets().await;
    let rx = crate::helpers::receiver::Receiver::start().await;
    let (_, secret) = crate::webhooks::add_webhook(&app, &rx.url, "consent.changed", &[]);
    rx.trust(&[&secret]);
    flagged_agreement(&app).await;
    let (_, prefs) = both_enabled(&app, "fay@example.com").await;
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let (http, url) = (app.http.clone(), app.url(&prefs));
        tasks.push(tokio::spawn(async move {
            let r = http.get(url).header("Sec-GPC", "1").send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.text().await.unwrap().contains("we withdrew")
        }));
    }
    let mut said = 0;
    for t in tasks {
        said += usize::from(t.await.unwrap());
    }
    assert_eq!(said, 1, "exactly one page said it withdrew");
    assert_eq!(app.count("consent_events WHERE source = 'gpc'"), 1);
    assert_eq!(held(&app, "fay@example.com", SHARING), 0);
    assert!(app.cli(&["ledger", "verify"]).status.success());
    // Other systems hear of it like any change: the two confirmations, then the withdrawal by gpc.
    let got = rx.wait_for(3).await;
    let by_gpc: Vec<_> = got
        .iter()
        .filter(|g| g.body["data"]["source"] == "gpc")
        .collect();
    assert_eq!(by_gpc.len(), 1, "{got:?}");
    assert_eq!(
        (
            &by_gpc[0].body["data"]["agreement"],
            &by_gpc[0].body["data"]["value"],
            &by_gpc[0].body["data"]["email"]
        ),
        (
            &json!(SHARING),
            &json!("disabled"),
            &json!("fay@example.com")
        )
    );
}
