//! `POST /v4/clients/batch`: profiles and consents from another system, item by item, with caller-reported
//! times that never revive a newer withdrawal, idempotent retries, and clear refusals.

use crate::helpers::*;
use serde_json::{Value, json};

async fn batch(app: &TestApp, key: &str, body: &Value) -> (u16, Value) {
    batch_with(app, key, body, None).await.0
}

/// (status, answer) and whether the answer says it was replayed.
async fn batch_with(
    app: &TestApp,
    key: &str,
    body: &Value,
    idempotency: Option<&str>,
) -> ((u16, Value), bool) {
    let mut req = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(key)
        .json(body);
    if let Some(k) = idempotency {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    let replayed = r.headers().contains_key("idempotent-replayed");
    ((r.status().as_u16(), r.json().await.unwrap()), replayed)
}

pub fn value_of(app: &TestApp, email: &str, agreement: &str) -> Option<String> {
    let mut c = app.conn();
    let p = assent::db::models::profiles::find_by_email(&mut c, email)
        .unwrap()
        .unwrap_or_else(|| panic!("no profile {email}"));
    let agreements = assent::db::models::agreements::all(&mut c).unwrap();
    let id = agreements.iter().find(|a| a.key == agreement).unwrap().id;
    assent::db::models::consents::for_profile(&mut c, assent::domain::ProfileId(p.id))
        .unwrap()
        .into_iter()
        .find(|x| x.agreement_id == id)
        .map(|x| x.value.to_string())
}

#[tokio::test]
async fn a_batch_creates_and_updates_profiles_and_records_every_change() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let (status, answer) = batch(
        &app,
        &key,
        &json!([
            {"email": "ann@example.com", "customId": "crm-1", "firstName": "Ann", "lastName": "Lee",
             "phone": "+48 600 100 200",
             "agreements": {"email": true, "sms": false},
             "attributes": {"city": "Kraków", "tier": 3, "push_agreement": "enabled"},
             "consentedAt": "2026-05-01T12:00:00Z"},
            {"customId": "crm-2", "attributes": {"sms_agreement": true}},
        ]),
    )
    .await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(
        answer,
        json!({"accepted": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": [], "stale": []})
    );

    let (_, ann) = app.api("/api/v1/profiles/ann@example.com", &key).await;
    assert_eq!(ann["customId"], "crm-1");
    assert_eq!(ann["phone"], "+48600100200");
    assert_eq!(ann["lastName"], "Lee");
    assert_eq!(ann["attributes"]["city"], "Kraków");
    assert_eq!(ann["attributes"]["tier"], 3, "JSON values kept as given");
    assert_eq!(ann["attributes"]["newsletter_agreement"], "enabled");
    assert_eq!(ann["attributes"]["push_agreement"], "enabled");
    assert_eq!(ann["attributes"]["sms_agreement"], "disabled");
    let (_, ledger) = app
        .api("/api/v1/profiles/ann@example.com/consents", &key)
        .await;
    let events = ledger.as_array().unwrap();
    // Two yeses, and the refusal of SMS (never set before) with its reported time, as proof.
    assert_eq!(events.len(), 3, "{ledger}");
    let sms = events
        .iter()
        .find(|e| e["agreement"] == "sms_agreement")
        .unwrap();
    assert_eq!(
        (&sms["value"], &sms["previous"]),
        (&json!("disabled"), &json!("disabled"))
    );
    for e in events {
        assert!(
            e["source"].as_str().unwrap().starts_with("api:test-"),
            "{e}"
        );
        let at = e["occurredAt"].as_str().unwrap();
        assert!(
            at.starts_with("2026-05-01T12:00:00"),
            "the reported time: {e}"
        );
        assert_eq!(e["ip"], "127.0.0.1");
    }
    let c = assent::db::models::profiles::find_by_custom_id(&mut app.conn(), "crm-2")
        .unwrap()
        .expect("a profile known only by customId");
    assert_eq!(c.email, None);

    // An update by customId adds the email; the same values again record nothing.
    let before = app.count("consent_events");
    let (status, answer) = batch(
        &app,
        &key,
        &json!([
            {"customId": "crm-2", "email": "bo@example.com", "attributes": {"sms_agreement": "enabled"}},
            {"email": "ann@example.com", "attributes": {"city": null, "tier": 4}},
        ]),
    )
    .await;
    assert_eq!((status, &answer["accepted"]), (202, &json!(2)), "{answer}");
    assert_eq!(
        answer["updated"], 2,
        "an email and attributes changed: {answer}"
    );
    assert_eq!(app.count("consent_events"), before, "no change, no event");
    assert_eq!(
        value_of(&app, "bo@example.com", "sms_agreement").as_deref(),
        Some("enabled")
    );
    let (_, ann) = app.api("/api/v1/profiles/ann@example.com", &key).await;
    assert_eq!(
        ann["attributes"].get("city"),
        None,
        "null removes an attribute"
    );
    assert_eq!(ann["attributes"]["tier"], 4);
    assert_eq!(ann["firstName"], "Ann", "fields not given are kept");
    assert!(app.cli(&["ledger", "verify"]).status.success());
}

#[tokio::test]
async fn an_older_change_never_revives_a_newer_withdrawal() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let set = |on: bool, at: &'static str| json!([{"email": "cy@example.com", "agreements": {"email": on}, "consentedAt": at}]);
    assert_eq!(
        batch(&app, &key, &set(true, "2026-03-01T00:00:00Z"))
            .await
            .0,
        202
    );
    assert_eq!(
        batch(&app, &key, &set(false, "2026-04-01T00:00:00Z"))
            .await
            .0,
        202
    );
    // The nightly import still has March's "yes".
    let (status, answer) = batch(&app, &key, &set(true, "2026-03-15T00:00:00Z")).await;
    assert_eq!(status, 202);
    assert_eq!(
        answer,
        json!({"accepted": 1, "created": 0, "updated": 0, "unchanged": 1, "rejected": [], "stale": [{"index": 0, "agreement": "newsletter_agreement"}]})
    );
    assert_eq!(
        value_of(&app, "cy@example.com", "newsletter_agreement").as_deref(),
        Some("disabled")
    );
    // A withdrawal through the public pages is stamped now: an import from before it is stale too.
    let (_, answer) = batch(&app, &key, &set(true, "2026-05-01T00:00:00Z")).await;
    assert_eq!(answer["stale"], json!([]));
    let unsubscribe_later = json!([{"email": "cy@example.com", "agreements": {"email": false}}]);
    batch(&app, &key, &unsubscribe_later).await;
    let (_, answer) = batch(&app, &key, &set(true, "2026-06-01T00:00:00Z")).await;
    assert_eq!(answer["stale"][0]["agreement"], "newsletter_agreement");
    assert_eq!(
        value_of(&app, "cy@example.com", "newsletter_agreement").as_deref(),
        Some("disabled")
    );
}

#[tokio::test]
async fn bad_items_are_refused_one_by_one_and_good_ones_still_apply() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    // Archived in the dashboard (which refreshes this node's catalog at once).
    crate::helpers::browser::staff_user(&app, "mia@shop.example", "marketer");
    let b = crate::helpers::browser::Browser::new(&app);
    assert_eq!(
        b.sign_in("mia@shop.example", "correct horse battery staple")
            .await
            .0,
        303
    );
    let archive = "/admin/agreements/push_agreement/archive";
    assert_eq!(b.submit("/admin/agreements", archive, &[]).await.0, 303);
    let items = json!([
        {"email": "ok@example.com", "agreements": {"email": true}},
        {"email": "not an address"},
        {"email": "x@example.com", "nickname": "X"},
        {"email": "x@example.com", "attributes": {"newsleter_agreement": true}},
        {"email": "x@example.com", "consentedAt": "2099-01-01T00:00:00Z"},
        {"email": "x@example.com", "attributes": {"sms_agreement": "maybe"}},
        {"email": "x@example.com", "agreements": {"push": true}},
        {"email": "x@example.com", "agreements": {"fax": true}},
        {"firstName": "Nobody"},
        "just a string",
        {"email": "x@example.com", "consentedAt": "yesterday"},
        {"email": "x@example.com", "phone": "call me"},
        {"email": "x@example.com", "attributes": {"big": "x".repeat(20_000)}},
        {"email": "also-ok@example.com", "attributes": {"sms_agreement": false}},
    ]);
    let (status, answer) = batch(&app, &key, &items).await;
    assert_eq!(status, 202, "{answer}");
    assert_eq!(answer["accepted"], 2, "{answer}");
    let rejected = answer["rejected"].as_array().unwrap();
    let expect = [
        (1, "email"),
        (2, "unknown field \"nickname\""),
        (3, "no agreement \"newsleter_agreement\""),
        (4, "in the future"),
        (5, "not a consent value"),
        (6, "archived"),
        (
            7,
            "the channels are email, sms, push, webPush, bluetooth, rfid, wifi",
        ),
        (8, "give an email, a customId, a uuid or a phone"),
        (9, "must be a JSON object"),
        (10, "RFC 3339"),
        (11, "phone"),
        (12, "larger than"),
    ];
    assert_eq!(rejected.len(), expect.len(), "{answer}");
    for ((index, says), r) in expect.iter().zip(rejected) {
        assert_eq!(r["index"], *index, "{r}");
        assert!(r["error"].as_str().unwrap().contains(says), "{index}: {r}");
    }
    assert_eq!(
        app.count("profiles"),
        2,
        "nothing written for a refused item"
    );
    assert_eq!(app.count("profiles WHERE email = 'x@example.com'"), 0);
}

#[tokio::test]
async fn an_email_and_a_custom_id_of_two_profiles_and_an_erased_person_are_refused() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    batch(
        &app,
        &key,
        &json!([{"email": "a@example.com", "customId": "A"}, {"email": "b@example.com", "customId": "B"}, {"email": "gone@example.com"}]),
    )
    .await;
    let out = app.cli(&["profile", "erase", "gone@example.com"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let profiles = app.count("profiles");
    let (status, answer) = batch(
        &app,
        &key,
        &json!([
            {"email": "a@example.com", "customId": "B", "agreements": {"email": true}},
            {"email": "gone@example.com", "agreements": {"email": true}},
        ]),
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(answer["accepted"], 0, "{answer}");
    assert!(
        answer["rejected"][0]["error"]
            .as_str()
            .unwrap()
            .contains("two different profiles")
    );
    assert!(
        answer["rejected"][1]["error"]
            .as_str()
            .unwrap()
            .contains("erased")
    );
    assert_eq!(
        app.count("profiles"),
        profiles,
        "the erased address is not created again"
    );
    assert_eq!(app.count("consent_events WHERE value = 'enabled'"), 0);
}

#[tokio::test]
async fn a_retried_request_gets_the_first_answer_and_applies_nothing_twice() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let body = json!([{"email": "dee@example.com", "agreements": {"email": true}}]);
    let (first, replayed) = batch_with(&app, &key, &body, Some("retry-1")).await;
    assert_eq!(first.0, 202);
    assert!(!replayed);
    // Meanwhile the person withdraws; the retry must not undo that.
    batch(
        &app,
        &key,
        &json!([{"email": "dee@example.com", "agreements": {"email": false}}]),
    )
    .await;
    let events = app.count("consent_events");
    let (again, replayed) = batch_with(&app, &key, &body, Some("retry-1")).await;
    assert_eq!(again, first, "the first answer again");
    assert!(replayed, "marked as a replay");
    assert_eq!(app.count("consent_events"), events, "nothing applied twice");
    assert_eq!(
        value_of(&app, "dee@example.com", "newsletter_agreement").as_deref(),
        Some("disabled")
    );
    // The same key with another body is a mistake worth saying.
    let other = json!([{"email": "eve@example.com"}]);
    let ((status, answer), _) = batch_with(&app, &key, &other, Some("retry-1")).await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("different request body")
    );
    // Another API key has its own keys.
    let key2 = app.api_key().await;
    let ((status, _), replayed) = batch_with(&app, &key2, &other, Some("retry-1")).await;
    assert_eq!((status, replayed), (202, false));

    // Many copies of one request at once: applied once, every answer the same.
    let body = json!([{"email": "fay@example.com", "agreements": {"email": true, "sms": true}}]);
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let req = app
            .http
            .post(app.url("/v4/clients/batch"))
            .bearer_auth(&key)
            .header("Idempotency-Key", "burst")
            .json(&body);
        set.spawn(async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        });
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, 202);
    assert_eq!(
        app.count("consent_events WHERE source LIKE 'api:%' AND agreement_key IN ('newsletter_agreement', 'sms_agreement') AND profile_id = (SELECT id FROM profiles WHERE email = 'fay@example.com')"),
        2
    );
}

#[tokio::test]
async fn requests_that_cannot_be_read_get_a_precise_answer() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let post = |auth: Option<&str>, content_type: &str, body: Vec<u8>| {
        let mut req = app
            .http
            .post(app.url("/v4/clients/batch"))
            .header("Content-Type", content_type.to_string())
            .body(body);
        if let Some(a) = auth {
            req = req.bearer_auth(a);
        }
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let json_type = "application/json";
    let one = br#"[{"email": "a@example.com"}]"#.to_vec();
    assert_eq!(post(None, json_type, one.clone()).await.0, 401);
    assert_eq!(post(Some("ak_wrong"), json_type, one.clone()).await.0, 401);
    let (status, e) = post(Some(&key), "text/csv", one).await;
    assert_eq!(
        (status, e["error"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let (status, e) = post(Some(&key), json_type, b"[{\"email\": ".to_vec()).await;
    assert_eq!(status, 400);
    assert!(
        e["message"].as_str().unwrap().contains("not valid JSON"),
        "{e}"
    );
    let (status, e) = post(
        Some(&key),
        json_type,
        b"{\"email\": \"a@example.com\"}".to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(e["message"].as_str().unwrap().contains("JSON array"), "{e}");
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({"email": format!("p{i}@example.com")}))
        .collect();
    let (status, e) = post(Some(&key), json_type, serde_json::to_vec(&many).unwrap()).await;
    assert_eq!(status, 422);
    assert!(
        e["message"].as_str().unwrap().contains("at most 1000"),
        "{e}"
    );
    let huge = format!(
        "[{{\"email\": \"a@example.com\", \"attributes\": {{\"x\": \"{}\"}}}}]",
        "x".repeat(11 << 20)
    );
    assert_eq!(post(Some(&key), json_type, huge.into_bytes()).await.0, 413);
    assert_eq!(app.count("profiles"), 0, "nothing was written");
}

#[tokio::test]
async fn simultaneous_batches_on_one_profile_end_at_the_latest_reported_value() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let mut set = tokio::task::JoinSet::new();
    // 200 requests, each saying yes or no at its own minute of the day; the last minute says no.
    for minute in 0..200u32 {
        let on = minute % 2 == 0;
        let at = format!("2026-05-01T{:02}:{:02}:00Z", minute / 60, minute % 60);
        let body = json!([{"email": "race@example.com", "customId": "race", "agreements": {"email": on, "sms": !on}, "consentedAt": at}]);
        let req = app
            .http
            .post(app.url("/v4/clients/batch"))
            .bearer_auth(&key)
            .json(&body);
        set.spawn(async move { req.send().await.unwrap().status().as_u16() });
    }
    let answers = set.join_all().await;
    assert!(answers.iter().all(|s| *s == 202), "{answers:?}");
    assert_eq!(
        app.count("profiles"),
        1,
        "one profile, however many created it at once"
    );
    // Minute 199 is odd: no to email, yes to SMS.
    assert_eq!(
        value_of(&app, "race@example.com", "newsletter_agreement").as_deref(),
        Some("disabled")
    );
    assert_eq!(
        value_of(&app, "race@example.com", "sms_agreement").as_deref(),
        Some("enabled")
    );
    assert!(app.cli(&["ledger", "verify"]).status.success());
}

#[tokio::test]
async fn reported_times_are_compared_fairly_with_the_pages_and_with_each_other() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    // A person signs up now; the CRM's refusal from yesterday does not end today's request.
    let mail = app.subscribe_pending("eli@example.com").await;
    let yesterday = (chrono::Utc::now() - chrono::TimeDelta::days(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let old_no = json!([{"email": "eli@example.com", "agreements": {"email": false}, "consentedAt": yesterday}]);
    assert_eq!(batch(&app, &key, &old_no).await.0, 202);
    let confirm = mail.link(&format!("{}/confirm/", app.base)).unwrap();
    let status = app
        .http
        .post(&confirm)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 200, "the newer request still confirms");
    assert_eq!(
        value_of(&app, "eli@example.com", "newsletter_agreement").as_deref(),
        Some("enabled")
    );

    // A yes and a no with the same time: the no wins, whichever arrives last.
    for (first, second) in [(true, false), (false, true)] {
        let email = format!("tie-{first}@example.com");
        let at = "2026-05-01T12:00:00Z";
        for on in [first, second] {
            let body = json!([{"email": email, "agreements": {"sms": on}, "consentedAt": at}]);
            assert_eq!(batch(&app, &key, &body).await.0, 202);
        }
        assert_eq!(
            value_of(&app, &email, "sms_agreement").as_deref(),
            Some("disabled"),
            "{email}"
        );
    }

    // A "no" said again now, unreported, moves the time: a "yes" reported for before it is stale.
    let fay = |on: bool, at: Option<&str>| match at {
        Some(at) => {
            json!([{"email": "fay@example.com", "agreements": {"push": on}, "consentedAt": at}])
        }
        None => json!([{"email": "fay@example.com", "agreements": {"push": on}}]),
    };
    batch(&app, &key, &fay(false, Some("2026-01-01T09:00:00Z"))).await;
    batch(&app, &key, &fay(false, None)).await;
    let (_, answer) = batch(&app, &key, &fay(true, Some(&yesterday))).await;
    assert_eq!(
        answer["stale"][0]["agreement"], "push_agreement",
        "{answer}"
    );
    assert_eq!(
        value_of(&app, "fay@example.com", "push_agreement").as_deref(),
        Some("disabled")
    );
}

#[tokio::test]
async fn a_person_who_came_back_after_an_erasure_can_be_updated() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    app.subscribe_confirmed("gil@example.com", &["newsletter_agreement"])
        .await;
    assert!(
        app.cli(&["profile", "erase", "gil@example.com"])
            .status
            .success()
    );
    // The person signs up again through the form (a new profile, a new double opt-in)...
    app.subscribe_confirmed("gil@example.com", &["newsletter_agreement"])
        .await;
    // ...and the CRM's withdrawal for them applies to that live profile.
    let no = json!([{"email": "gil@example.com", "agreements": {"email": false}}]);
    let (status, answer) = batch(&app, &key, &no).await;
    assert_eq!((status, &answer["accepted"]), (202, &json!(1)), "{answer}");
    assert_eq!(
        value_of(&app, "gil@example.com", "newsletter_agreement").as_deref(),
        Some("disabled")
    );
}

#[tokio::test]
async fn an_item_may_use_an_address_an_earlier_item_of_the_same_batch_freed() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let (status, answer) = batch(
        &app,
        &key,
        &json!([{"email": "a@example.com", "customId": "X"}, {"customId": "Y"}]),
    )
    .await;
    assert_eq!((status, &answer["created"]), (202, &json!(2)), "{answer}");
    // Item 0 moves X's profile to a new address; item 1 may then give the freed one to Y's.
    let (status, answer) = batch(
        &app,
        &key,
        &json!([
            {"customId": "X", "email": "b@example.com"},
            {"email": "a@example.com", "customId": "Y"},
            {"email": "old@example.com", "consentedAt": "1969-12-31T23:59:59Z"},
        ]),
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(answer["accepted"], 2, "{answer}");
    assert_eq!(answer["rejected"][0]["index"], 2, "{answer}");
    assert!(
        answer["rejected"][0]["error"]
            .as_str()
            .unwrap()
            .contains("before 1970"),
        "{answer}"
    );
    let (_, y) = app.api("/api/v1/profiles/a@example.com", &key).await;
    assert_eq!(y["customId"], "Y", "{y}");
    let (_, x) = app.api("/api/v1/profiles/b@example.com", &key).await;
    assert_eq!(x["customId"], "X", "{x}");
}

#[tokio::test]
async fn new_profiles_skip_an_address_a_sign_up_took_since_the_writer_looked() {
    use assent::db::models::profiles::{self, NewProfile};
    use diesel::Connection;
    let app = TestApp::spawn().await;
    if !app.db.is_postgres() {
        // SQLite's write transaction is exclusive: nobody can take an address after the writer looked.
        return;
    }
    app.post(
        "/subscribe",
        &[
            ("email", "taken@example.com"),
            ("agreement", "newsletter_agreement"),
        ],
    )
    .await;
    let new = |email| NewProfile {
        email: Some(email),
        ..NewProfile::blank(assent::db::now())
    };
    let mut c = app.conn();
    c.transaction(|c| {
        let rows = [
            new("first@example.com"),
            new("taken@example.com"),
            new("last@example.com"),
        ];
        let made = profiles::insert_new(c, &rows)?;
        let mut emails: Vec<_> = made.iter().filter_map(|m| m.email.as_deref()).collect();
        emails.sort_unstable();
        assert_eq!(emails, ["first@example.com", "last@example.com"]);
        // The transaction goes on: what it made is there to build on.
        let first = profiles::find_by_email(c, "first@example.com")?.expect("made");
        assert_eq!(
            Some(first.id),
            made.iter()
                .find(|m| m.email.as_deref() == Some("first@example.com"))
                .map(|m| m.id)
        );
        diesel::QueryResult::Ok(())
    })
    .unwrap();
    assert_eq!(app.count("profiles"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_and_batches_creating_the_same_new_people_at_once_make_one_profile_each() {
    const PEOPLE: usize = 20;
    const EACH: usize = 10;
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    // For each new person, sign-ups and batch requests naming them, all at once, interleaved; each
    // batch request also names people of other requests, so the set writer meets addresses that
    // sign-ups are creating.
    let mut set = tokio::task::JoinSet::new();
    for round in 0..EACH {
        for person in 0..PEOPLE {
            let email = format!("new{person}@example.com");
            let req = if (round + person) % 2 == 0 {
                app.http
                    .post(app.url("/subscribe"))
                    .form(&[("email", email.as_str()), ("agreement", "push_agreement")])
            } else {
                let items: Vec<Value> = (0..3)
                    .map(|k| {
                        let e = format!("new{}@example.com", (person + k * 7) % PEOPLE);
                        json!({"email": e, "agreements": {"sms": true}})
                    })
                    .collect();
                app.http
                    .post(app.url("/v4/clients/batch"))
                    .bearer_auth(&key)
                    .json(&json!(items))
            };
            set.spawn(async move { req.send().await.unwrap().status().as_u16() });
        }
    }
    let answers = set.join_all().await;
    assert!(
        answers.iter().all(|s| *s == 200 || *s == 202),
        "every request was taken: {answers:?}"
    );
    assert_eq!(app.count("profiles"), PEOPLE as i64, "one profile a person");
    for person in 0..PEOPLE {
        let email = format!("new{person}@example.com");
        // Batch requests named every person, each with a yes to SMS; sign-ups never change SMS.
        assert_eq!(
            value_of(&app, &email, "sms_agreement").as_deref(),
            Some("enabled"),
            "{email}"
        );
    }
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
