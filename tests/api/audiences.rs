//! Overview counts, audiences (all / any / none, saved), export by audience, and the 90-day chart.

use crate::helpers::browser::{Browser, PASSWORD, staff_user};
use crate::helpers::*;

/// The number in the first `<strong>` after `marker`.
fn strong_after(page: &str, marker: &str) -> i64 {
    let at = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {page}"));
    let rest = &page[at..];
    let s = rest.find("<strong>").unwrap() + "<strong>".len();
    rest[s..].split('<').next().unwrap().parse().unwrap()
}

async fn audience_count(b: &Browser, query: &str) -> (u16, i64) {
    let (status, page, _) = b.get(&format!("/admin/audiences?{query}")).await;
    if status != 200 {
        return (status, -1);
    }
    (status, strong_after(&page, "class=\"result\""))
}

fn csv_emails(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn counts_audiences_exports_and_the_chart_agree_with_the_ledger() {
    let app = TestApp::spawn().await;
    staff_user(&app, "mia@shop.example", "marketer");
    staff_user(&app, "abe@shop.example", "admin");
    let marketer = Browser::new(&app);
    let admin = Browser::new(&app);
    assert_eq!(marketer.sign_in("mia@shop.example", PASSWORD).await.0, 303);
    assert_eq!(admin.sign_in("abe@shop.example", PASSWORD).await.0, 303);
    app.subscribe_confirmed("a@example.com", &["newsletter_agreement"])
        .await;
    app.subscribe_confirmed("b@example.com", &["newsletter_agreement", "sms_agreement"])
        .await;
    app.subscribe_confirmed("c@example.com", &["sms_agreement"])
        .await;
    app.subscribe_pending("d@example.com").await;
    app.subscribe_confirmed("e@example.com", &["newsletter_agreement"])
        .await;
    let e = assent::db::models::profiles::find_by_email(&mut app.conn(), "e@example.com")
        .unwrap()
        .unwrap()
        .id;
    let out = app.cli(&["profile", "erase", "e@example.com"]);
    assert!(out.status.success());

    // The overview: erased profiles are not counted.
    let (status, page, _) = marketer.get("/admin").await;
    assert_eq!(status, 200);
    assert_eq!(strong_after(&page, "<h1>Overview"), 4, "{page}");
    assert!(
        page.contains(
            "<code>newsletter_agreement</code></td><td class=\"num\">2</td><td class=\"num\">2</td>"
        ),
        "{page}"
    );
    assert!(
        page.contains("<code>sms_agreement</code></td><td class=\"num\">2</td>"),
        "{page}"
    );
    // The agreements list: enabled, and waiting to confirm (d).
    let (_, page, _) = marketer.get("/admin/agreements").await;
    assert!(
        page.contains("<td class=\"num\">2</td>\n        <td class=\"num\">1</td>"),
        "{page}"
    );

    // Combinations.
    let both = "rule=all&agreement=newsletter_agreement&agreement=sms_agreement";
    assert_eq!(audience_count(&marketer, both).await, (200, 1));
    let any = "rule=any&agreement=newsletter_agreement&agreement=sms_agreement";
    assert_eq!(audience_count(&marketer, any).await, (200, 3));
    assert_eq!(
        audience_count(&marketer, "rule=none&agreement=newsletter_agreement").await,
        (200, 2)
    );
    assert_eq!(
        audience_count(&marketer, "rule=all&agreement=no_such")
            .await
            .0,
        422
    );
    assert_eq!(
        audience_count(&marketer, "rule=most&agreement=sms_agreement")
            .await
            .0,
        422
    );
    assert_eq!(audience_count(&marketer, "rule=all").await.0, 422);

    // Saved under a name (marketers may), listed with its count; a second of that name is refused.
    let (status, page, location) = marketer
        .submit(
            &format!("/admin/audiences?{both}"),
            "/admin/audiences",
            &[
                ("rule", "all"),
                ("agreement", "newsletter_agreement"),
                ("agreement", "sms_agreement"),
                ("name", "Both channels"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/admin/audiences?done=saved")),
        "{page}"
    );
    let (_, page, _) = marketer.get("/admin/audiences").await;
    assert!(page.contains("<td>Both channels</td>\n        <td>all of Email newsletter, Text messages (SMS)</td>\n        <td class=\"num\">1</td>"), "{page}");
    assert!(!page.contains("Export CSV"), "exports are for admins");
    let (_, page, _) = admin.get("/admin/audiences").await;
    assert!(
        page.contains("/admin/exports/profiles.csv?audience=Both%20channels"),
        "{page}"
    );
    let (status, page, _) = marketer
        .submit(
            "/admin/audiences",
            "/admin/audiences",
            &[
                ("rule", "any"),
                ("agreement", "sms_agreement"),
                ("name", "Both channels"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("already exists"), "{page}");
    let (status, _, _) = marketer
        .submit(
            "/admin/audiences",
            "/admin/audiences",
            &[
                ("rule", "any"),
                ("agreement", "sms_agreement"),
                ("name", ""),
            ],
        )
        .await;
    assert_eq!(status, 422);

    // Exported by audience: the dashboard, the API and the command line give the same rows.
    let (status, text, _) = admin
        .get("/admin/exports/profiles.csv?audience=Both%20channels")
        .await;
    assert_eq!(status, 200);
    assert_eq!(csv_emails(&text), ["b@example.com"]);
    let key = app.api_key().await;
    let r = app
        .http
        .get(app.url("/api/v1/exports/profiles.csv?audience=Both%20channels"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(csv_emails(&r.text().await.unwrap()), ["b@example.com"]);
    let out = app.cli(&["export", "--audience", "Both channels"]);
    assert!(out.status.success());
    assert_eq!(
        csv_emails(&String::from_utf8_lossy(&out.stdout)),
        ["b@example.com"]
    );
    // The whole export never lists the erased profile; an unknown audience is a clear error everywhere.
    let out = app.cli(&["export"]);
    assert_eq!(
        csv_emails(&String::from_utf8_lossy(&out.stdout)),
        [
            "a@example.com",
            "b@example.com",
            "c@example.com",
            "d@example.com"
        ]
    );
    let out = app.cli(&["export", "--audience", "Nobody"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("There is no saved audience \"Nobody\""));
    let r = app
        .http
        .get(app.url("/api/v1/exports/profiles.csv?audience=Nobody"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        admin
            .get("/admin/exports/profiles.csv?audience=Both%20channels&agreement=sms_agreement")
            .await
            .0,
        400
    );

    // The chart: today's opt-ins and the erasure's opt-out, as a figure and as a table.
    let today = assent::db::now().date();
    let (_, page, _) = marketer.get("/admin").await;
    assert!(
        page.contains("<svg class=\"chart\"") && page.contains("role=\"img\""),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "<td>{today}</td><td class=\"num\">5</td><td class=\"num\">1</td>"
        )),
        "{page}"
    );
    let (_, page, _) = marketer.get("/admin?agreement=sms_agreement").await;
    assert!(
        page.contains(&format!(
            "<td>{today}</td><td class=\"num\">2</td><td class=\"num\">0</td>"
        )),
        "{page}"
    );
    assert_eq!(marketer.get("/admin?agreement=nope").await.0, 400);
    // A closed day is counted once into the daily table and read from there.
    let ten_days_ago = today - chrono::Days::new(10);
    // (The ledger is append-only, so the past day gets copies of e's two events, on a chain of their own.)
    app.exec(&format!(
        "INSERT INTO consent_events (profile_id, agreement_id, agreement_key, value, previous, version, text_sha256, source, occurred_at, recorded_at, email_digest, prev_hash, hash) \
         SELECT profile_id, agreement_id, agreement_key, value, previous, version, text_sha256, source, occurred_at, '{ten_days_ago} 12:00:00', email_digest, 'copy' || hash, 'copy' || hash \
         FROM consent_events WHERE profile_id = {e}"
    ));
    // Closed days are counted once; start over as a fresh database would, so that day is counted anew.
    app.exec("DELETE FROM consent_daily");
    let (_, page, _) = marketer.get("/admin").await;
    assert!(
        page.contains(&format!(
            "<td>{ten_days_ago}</td><td class=\"num\">1</td><td class=\"num\">1</td>"
        )),
        "{page}"
    );
    assert_eq!(
        app.count(&format!(
            "consent_daily WHERE day = '{ten_days_ago}' AND agreement_id = 0"
        )),
        1
    );
    assert_eq!(
        app.count("consent_daily WHERE agreement_id = 0"),
        assent::audiences::daily::DAYS - 2,
        "every closed day of the span is counted once"
    );

    // Deleting a saved audience (audited).
    let (_, page, _) = marketer.get("/admin/audiences").await;
    let at = page.find("/admin/audiences/").unwrap();
    let path = page[at..].split('"').next().unwrap().to_string();
    assert_eq!(marketer.submit("/admin/audiences", &path, &[]).await.0, 303);
    let (_, page, _) = marketer.get("/admin/audiences").await;
    assert!(!page.contains("Both channels"));
    assert_eq!(
        app.count("audit_log WHERE action IN ('audience.create', 'audience.delete')"),
        2
    );
}

#[tokio::test]
async fn ledger_verify_catches_a_consent_mask_that_disagrees_with_the_values() {
    let app = TestApp::spawn().await;
    app.subscribe_confirmed("a@example.com", &["newsletter_agreement"])
        .await;
    assert!(app.cli(&["ledger", "verify"]).status.success());
    app.exec("UPDATE profiles SET consent_mask = 0 WHERE email = 'a@example.com'");
    let out = app.cli(&["ledger", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("consent mask"));
}
