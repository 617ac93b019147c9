//! Reordering agreements: the order of the dashboard list is the order of the public forms and of the
//! CSV's agreement columns; simultaneous moves never leave two agreements on one place.

use crate::helpers::browser::{csrf, staff};
use crate::helpers::*;

/// Where each key first appears in a page.
fn order_in(page: &str, keys: &[&str]) -> Vec<usize> {
    keys.iter()
        .map(|k| {
            page.find(k)
                .unwrap_or_else(|| panic!("{k} is not on the page: {page}"))
        })
        .collect()
}

fn positions(app: &TestApp) -> Vec<(String, i32)> {
    assent::db::models::agreements::all(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|a| (a.key, a.position))
        .collect()
}

#[tokio::test]
async fn moving_an_agreement_reorders_forms_and_the_csv_columns() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    app.subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let key = app.api_key().await;
    let export = || async {
        let r = app
            .http
            .get(app.url("/api/v1/exports/profiles.csv"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        let csv = r.text().await.unwrap();
        let mut lines = csv.lines();
        let header = lines.next().unwrap().to_string();
        // The preference link is the row's last field (URLs hold no commas).
        let prefs = lines
            .next()
            .unwrap()
            .rsplit(',')
            .next()
            .unwrap()
            .to_string();
        (header, prefs.strip_prefix(&app.base).unwrap().to_string())
    };
    let (header, prefs) = export().await;
    assert!(
        header.contains("newsletter_agreement,sms_agreement,push_agreement"),
        "{header}"
    );
    let (_, before) = app.get(&prefs).await;
    let keys = ["newsletter_agreement", "sms_agreement", "push_agreement"];
    let at = order_in(&before, &keys);
    assert!(at[0] < at[1] && at[1] < at[2], "the default order: {at:?}");

    let (status, _, location) = b
        .submit(
            "/admin/agreements",
            "/admin/agreements/push_agreement/move",
            &[("direction", "up")],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/admin/agreements#agreement-push_agreement"))
    );
    b.submit(
        "/admin/agreements",
        "/admin/agreements/push_agreement/move",
        &[("direction", "up")],
    )
    .await;
    // At once on this node's preference centre: push, newsletter, sms.
    let (_, after) = app.get(&prefs).await;
    let at = order_in(&after, &keys);
    assert!(at[2] < at[0] && at[0] < at[1], "{at:?}");
    let (_, list, _) = b.get("/admin/agreements").await;
    let at = order_in(
        &list,
        &[
            "/admin/agreements/push_agreement\"",
            "/admin/agreements/newsletter_agreement\"",
            "/admin/agreements/sms_agreement\"",
        ],
    );
    assert!(at[0] < at[1] && at[1] < at[2], "the list: {at:?}");
    // The first has no "up" button, the last no "down".
    assert_eq!(list.matches(r#"name="direction" value="up""#).count(), 2);
    assert_eq!(list.matches(r#"name="direction" value="down""#).count(), 2);

    // The CSV's agreement columns follow.
    let (header, _) = export().await;
    assert!(
        header.contains("push_agreement,newsletter_agreement,sms_agreement"),
        "{header}"
    );

    // Already first: nothing moves, nothing is audited. A bad direction is a clear 400.
    b.submit(
        "/admin/agreements",
        "/admin/agreements/push_agreement/move",
        &[("direction", "up")],
    )
    .await;
    assert_eq!(app.count("audit_log WHERE action = 'agreement.move'"), 2);
    let (status, page, _) = b
        .submit(
            "/admin/agreements",
            "/admin/agreements/push_agreement/move",
            &[("direction", "sideways")],
        )
        .await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("direction=up"), "{page}");
    let (status, _, _) = b
        .submit(
            "/admin/agreements",
            "/admin/agreements/no_such_agreement/move",
            &[("direction", "up")],
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn simultaneous_moves_keep_one_agreement_on_each_place() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    let (_, page, _) = b.get("/admin/agreements").await;
    let token = csrf(&page);
    let keys = ["newsletter_agreement", "sms_agreement", "push_agreement"];
    let mut set = tokio::task::JoinSet::new();
    for i in 0..200 {
        let key = keys[i % 3];
        let direction = if i % 2 == 0 { "up" } else { "down" };
        let req = b
            .http
            .post(app.url(&format!("/admin/agreements/{key}/move")))
            .form(&[("csrf_token", token.as_str()), ("direction", direction)]);
        set.spawn(async move { req.send().await.unwrap().status().as_u16() });
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|s| *s == 303), "{answers:?}");
    let mut places: Vec<i32> = positions(&app).into_iter().map(|(_, p)| p).collect();
    places.sort();
    assert_eq!(places, vec![1, 2, 3], "one agreement on each place");
    // Every move that happened is audited, in the order they took turns: replaying them gives the
    // order the database holds.
    let mut log = assent::db::models::audit_log::page(&mut app.conn(), None, 1000).unwrap();
    log.reverse();
    let mut replay: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let mut moved = 0;
    for e in log.iter().filter(|e| e.action == "agreement.move") {
        let at = replay.iter().position(|k| *k == e.subject).unwrap();
        let to = if e.detail.as_deref() == Some("up") {
            at - 1
        } else {
            at + 1
        };
        replay.swap(at, to);
        moved += 1;
    }
    assert!(moved > 0, "some moves happened");
    let held: Vec<String> = positions(&app).into_iter().map(|(k, _)| k).collect();
    assert_eq!(held, replay);
}
