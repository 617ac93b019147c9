//! Synerise's whole profile shape: `uuid` as a fourth identifier, the standard fields (displayName …
//! tags), and Synerise's agreement channels beyond email, SMS and push; stored, returned by the API,
//! sent in webhooks, exported on request, on every way in. Both engines.

use crate::helpers::browser::staff;
use crate::helpers::receiver::Receiver;
use crate::helpers::*;
use crate::phones::batch;
use crate::webhooks::add_webhook;
use serde_json::{Value, json};

const UUID: &str = "0B5C1E9E-93D4-4D57-A3F1-6A6F0C0B2F1D";
const UUID_LOWER: &str = "0b5c1e9e-93d4-4d57-a3f1-6a6f0c0b2f1d";

fn refusal(answer: &Value) -> String {
    answer["rejected"][0]["error"]
        .as_str()
        .unwrap_or_else(|| panic!("a refusal in {answer}"))
        .to_string()
}

/// A marketer makes the agreement Synerise's web push channel sets; their dashboard browser.
async fn web_push_agreement(app: &TestApp) -> crate::helpers::browser::Browser {
    let b = staff(app, "mara@example.com", "marketer").await;
    let (status, page, _) = b
        .submit(
            "/admin/agreements/new",
            "/admin/agreements",
            &[
                ("key", "webpush_agreement"),
                ("title", "Web push"),
                ("channel", "push"),
                ("text", "I agree to receive web push notifications."),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    b
}

/// Every standard field as Synerise sends it, and what Assent keeps of it.
fn full_shape() -> Value {
    json!({
        "email": "ann@example.com",
        "customId": "crm-1",
        "uuid": UUID,
        "phone": "+48 601 234 567",
        "firstName": "Ann",
        "lastName": "Kowalska",
        "displayName": "Ann K.",
        "company": "Shop sp. z o.o.",
        "address": "ul. Długa 1",
        "city": "Kraków",
        "province": "małopolskie",
        "zipCode": "30-001",
        "countryCode": "pl",
        "birthDate": "1990-02-28",
        "sex": "FEMALE",
        "avatarUrl": "https://cdn.example.com/a.png",
        "anonymous": false,
        "tags": ["vip", "b2b"],
        "agreements": {"email": true, "sms": false, "push": true, "webPush": true},
        "attributes": {"loyalty": "gold"}
    })
}

/// The fields as the API and webhooks give them back.
fn kept() -> Vec<(&'static str, Value)> {
    vec![
        ("email", json!("ann@example.com")),
        ("customId", json!("crm-1")),
        ("uuid", json!(UUID_LOWER)),
        ("phone", json!("+48601234567")),
        ("firstName", json!("Ann")),
        ("lastName", json!("Kowalska")),
        ("displayName", json!("Ann K.")),
        ("company", json!("Shop sp. z o.o.")),
        ("address", json!("ul. Długa 1")),
        ("city", json!("Kraków")),
        ("province", json!("małopolskie")),
        ("zipCode", json!("30-001")),
        ("countryCode", json!("PL")),
        ("birthDate", json!("1990-02-28")),
        ("sex", json!("FEMALE")),
        ("avatarUrl", json!("https://cdn.example.com/a.png")),
        ("anonymous", json!(false)),
        ("tags", json!(["vip", "b2b"])),
    ]
}

#[tokio::test]
async fn a_synerise_profile_in_its_full_shape_is_kept_and_read_back_everywhere() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start().await;
    let (_, secret) = add_webhook(&app, &rx.url, "profile.created", &[]);
    rx.trust(&[&secret]);
    // Synerise's web push channel is an agreement here once the organisation makes one.
    let key = app.api_key().await;
    let answer = batch(&app, &key, &json!([full_shape()])).await;
    assert!(
        refusal(&answer).contains("agreements.webPush: there is no agreement webpush_agreement"),
        "{answer}"
    );
    let b = web_push_agreement(&app).await;
    let answer = batch(&app, &key, &json!([full_shape()])).await;
    assert_eq!(
        (&answer["created"], &answer["rejected"]),
        (&json!(1), &json!([])),
        "{answer}"
    );

    // The profile API, by each identifier.
    for query in [
        format!("uuid={UUID}"),
        format!("uuid={UUID_LOWER}"),
        "customId=crm-1".into(),
        "email=ann%40example.com".into(),
        "phone=%2B48601234567".into(),
    ] {
        let (status, p) = app.api(&format!("/api/v1/profiles?{query}"), &key).await;
        assert_eq!(status, 200, "{query}: {p}");
        for (field, value) in kept() {
            assert_eq!(p[field], value, "{query}: {field} in {p}");
        }
        assert_eq!(p["attributes"]["loyalty"], "gold");
        assert_eq!(p["attributes"]["webpush_agreement"], "enabled");
        assert_eq!(p["attributes"]["sms_agreement"], "disabled");
    }
    let (status, ledger) = app
        .api(&format!("/api/v1/profiles/consents?uuid={UUID}"), &key)
        .await;
    assert_eq!(status, 200);
    assert_eq!(ledger.as_array().unwrap().len(), 4, "{ledger}");
    let (status, body) = app.api("/api/v1/profiles?uuid=not-a-uuid", &key).await;
    assert_eq!(status, 422);
    assert!(
        body["message"].as_str().unwrap().contains("is not a UUID"),
        "{body}"
    );
    let (status, _) = app
        .api(
            "/api/v1/profiles?uuid=11111111-2222-3333-4444-555555555555",
            &key,
        )
        .await;
    assert_eq!(status, 404);

    // The webhook's profile.created carries every field.
    let got = rx.wait_for(1).await;
    let data = &got[0].body["data"];
    for (field, value) in kept() {
        assert_eq!(data[field], value, "{field} in {data}");
    }

    // The CSV: unchanged by default, the optional columns at the end on request.
    let plain = app.db.cli_ok(&["export"], &[]);
    let header = plain.lines().next().unwrap();
    assert!(
        header.ends_with("unsubscribeUrl,preferencesUrl") && !header.contains("uuid"),
        "{header}"
    );
    let out = app.db.cli_ok(
        &[
            "export",
            "--columns",
            "uuid,displayName,countryCode,birthDate,sex,anonymous,tags,city",
        ],
        &[],
    );
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("{header},uuid,displayName,countryCode,birthDate,sex,anonymous,tags,city")
    );
    assert!(
        lines.next().unwrap().ends_with(&format!(
            ",{UUID_LOWER},Ann K.,PL,1990-02-28,FEMALE,false,vip|b2b,Kraków"
        )),
        "{out}"
    );
    let bad = app.cli(&["export", "--columns", "uuid,shoeSize"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("\"shoeSize\" is not an optional column"),
        "{bad:?}"
    );
    let r = app
        .http
        .get(app.url("/api/v1/exports/profiles.csv?columns=uuid,tags"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",uuid,tags"), "{csv}");
    assert!(csv.contains(&format!(",{UUID_LOWER},vip|b2b\r\n")), "{csv}");
    let (status, body) = app
        .api("/api/v1/exports/profiles.csv?columns=uuid,shoeSize", &key)
        .await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("\"shoeSize\" is not an optional column: choose from uuid, displayName"),
        "{body}"
    );

    // The dashboard's profile page shows them, and its search finds the uuid.
    let (_, list, _) = b.get(&format!("/admin/profiles?q={UUID}")).await;
    let id = list
        .split("href=\"/admin/profiles/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("found by uuid");
    let (_, page, _) = b.get(&format!("/admin/profiles/{id}")).await;
    for shown in [
        UUID_LOWER,
        "Ann K.",
        "Kraków",
        "30-001",
        "1990-02-28",
        "vip|b2b",
    ] {
        assert!(page.contains(shown), "{shown}");
    }
    assert!(page.contains("Date of birth") && page.contains("Postal code"));
}

#[tokio::test]
async fn a_uuid_names_a_person_like_an_email_and_bad_fields_are_refused_by_name() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let answer = batch(
        &app,
        &key,
        &json!([
            {"uuid": UUID, "city": "Gdańsk", "tags": ["a"], "agreements": {"email": true}},
            {"email": "bob@example.com", "agreements": {"email": true}}
        ]),
    )
    .await;
    assert_eq!(answer["created"], 2, "{answer}");
    // A uuid alone finds its person again; fields left out stay, fields given replace.
    let answer = batch(
        &app,
        &key,
        &json!([{"uuid": UUID_LOWER, "tags": ["b", "b"], "sex": "other"}]),
    )
    .await;
    assert_eq!(answer["updated"], 1, "{answer}");
    let (_, p) = app
        .api(&format!("/api/v1/profiles?uuid={UUID}"), &key)
        .await;
    assert_eq!(
        (&p["city"], &p["tags"], &p["sex"], &p["email"]),
        (
            &json!("Gdańsk"),
            &json!(["b"]),
            &json!("OTHER"),
            &Value::Null
        )
    );
    // The same again changes nothing.
    let answer = batch(&app, &key, &json!([{"uuid": UUID, "tags": ["b"]}])).await;
    assert_eq!(answer["unchanged"], 1, "{answer}");
    // An email that is another profile's beside a known uuid: refused, like email and customId.
    let answer = batch(
        &app,
        &key,
        &json!([{"uuid": UUID, "email": "bob@example.com"}]),
    )
    .await;
    assert!(
        refusal(&answer).contains("belong to two different profiles"),
        "{answer}"
    );
    // A new email beside a known uuid gives that profile the address.
    let answer = batch(
        &app,
        &key,
        &json!([{"uuid": UUID, "email": "uma@example.com"}]),
    )
    .await;
    assert_eq!(answer["updated"], 1, "{answer}");
    assert_eq!(app.count("profiles"), 2);

    for (item, says) in [
        (json!({"uuid": "1234"}), "uuid \"1234\" is not a UUID"),
        (
            json!({"email": "x@example.com", "countryCode": "XX"}),
            "countryCode \"XX\" is not an ISO 3166-1 alpha-2",
        ),
        (
            json!({"email": "x@example.com", "birthDate": "1990-02-30"}),
            "birthDate \"1990-02-30\" is not a date",
        ),
        (
            json!({"email": "x@example.com", "sex": "F"}),
            "sex \"F\" is not one of FEMALE, MALE, NOT_SPECIFIED, OTHER",
        ),
        (
            json!({"email": "x@example.com", "avatarUrl": "ftp://x"}),
            "avatarUrl",
        ),
        (json!({"email": "x@example.com", "tags": "vip"}), ""),
        (
            json!({"email": "x@example.com", "anonymous": 1}),
            "anonymous must be true or false",
        ),
        (
            json!({"email": "x@example.com", "agreements": {"bluetooth": true}}),
            "there is no agreement bluetooth_agreement",
        ),
        (
            json!({"email": "x@example.com", "agreements": {"fax": true}}),
            "agreements.fax: the channels are email, sms, push, webPush, bluetooth, rfid, wifi",
        ),
        (
            json!({"email": "x@example.com", "shoeSize": 42}),
            "unknown field \"shoeSize\"",
        ),
    ] {
        let answer = batch(&app, &key, &json!([item.clone()])).await;
        if says.is_empty() {
            assert_eq!(
                answer["created"], 1,
                "a CSV-style list of tags is read: {answer}"
            );
            continue;
        }
        assert!(refusal(&answer).contains(says), "{item}: {answer}");
    }
    assert_eq!(
        app.count("profiles WHERE details LIKE '%vip%'"),
        1,
        "only the good item stored"
    );

    // Erased by uuid, then refused by it.
    let out = app.db.cli_ok(&["profile", "erase", "--uuid", UUID], &[]);
    assert!(out.contains("Erased profile"), "{out}");
    let answer = batch(&app, &key, &json!([{"uuid": UUID, "city": "Łódź"}])).await;
    assert!(refusal(&answer).contains("was erased"), "{answer}");
    assert_eq!(
        app.count(
            "profiles WHERE erased_at IS NOT NULL AND (uuid IS NOT NULL OR details IS NOT NULL)"
        ),
        0,
        "the erased profile keeps neither its uuid nor its fields"
    );
}

#[tokio::test]
async fn an_import_and_another_assent_carry_the_synerise_fields() {
    let app = TestApp::spawn().await;
    let dir = app.data_dir.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("synerise.csv");
    std::fs::write(
        &csv,
        format!(
            "uuid,email,city,countryCode,tags,anonymous,agreements.email\n\
             {UUID},ann@example.com,Kraków,pl,vip|b2b,true,true\n\
             11111111-2222-3333-4444-555555555555,,Gdańsk,XX,,,true\n"
        ),
    )
    .unwrap();
    let out = app.cli(&["import", csv.to_str().unwrap(), "--from", "synerise"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("countryCode") && text.contains("XX") && text.contains("ISO 3166-1"),
        "{text}"
    );
    let key = app.api_key().await;
    let (status, p) = app
        .api(&format!("/api/v1/profiles?uuid={UUID}"), &key)
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        (&p["city"], &p["countryCode"], &p["tags"], &p["anonymous"]),
        (
            &json!("Kraków"),
            &json!("PL"),
            &json!(["vip", "b2b"]),
            &json!(true)
        )
    );
    assert_eq!(p["attributes"]["newsletter_agreement"], "enabled");

    // Another Assent's profile.updated, as its webhook sends it: the fields arrive by their names.
    let item = assent::integrations::events::read(&json!({
        "type": "profile.updated",
        "timestamp": "2026-12-05T10:00:00Z",
        "data": {"email": "ann@example.com", "uuid": UUID_LOWER, "city": "Wrocław", "tags": null,
                 "company": "Shop", "phone": null}
    }));
    let Some(Ok(assent::integrations::events::Incoming::Profiles(items))) = item else {
        panic!("a profile item");
    };
    assert_eq!(
        items[0],
        json!({"email": "ann@example.com", "uuid": UUID_LOWER, "city": "Wrocław", "company": "Shop"})
    );
}

/// Another Assent's `profile.erased` names the person by every identifier it had: a person known here
/// only by a uuid, or only by a phone, is erased too; a number several profiles share erases nobody.
#[tokio::test]
async fn another_assents_erasure_finds_the_person_by_uuid_or_phone() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let answer = batch(
        &app,
        &key,
        &json!([
            {"uuid": UUID, "agreements": {"email": true}},
            {"phone": "+48 601 234 567", "agreements": {"sms": true}},
            {"email": "a@example.com"},
            {"email": "b@example.com"}
        ]),
    )
    .await;
    assert_eq!(answer["created"], 4, "{answer}");
    // A number two profiles share (as data from before phones were identifiers may).
    app.exec("UPDATE profiles SET phone = '+48602000000' WHERE email IN ('a@example.com', 'b@example.com')");
    let whsec = crate::hostile::add_peer(&app.db, "peer");
    crate::webhooks::add_webhook(&app, "http://127.0.0.1:9/next", "profile.erased", &[]);
    for (i, (data, erased)) in [
        (json!({"email": null, "uuid": UUID, "phone": null}), 1),
        (
            json!({"email": null, "customId": null, "phone": "+48601234567"}),
            1,
        ),
        (json!({"phone": "+48602000000"}), 0),
    ]
    .into_iter()
    .enumerate()
    {
        let body =
            json!({"type": "profile.erased", "timestamp": "2026-12-05T10:00:00Z", "data": data});
        let (status, answer) =
            crate::hostile::deliver_event(&app, "peer", &whsec, &format!("msg_{i}"), &body).await;
        assert_eq!(status, 202, "{answer}");
        assert_eq!(answer["erased"], erased, "{body}: {answer}");
    }
    assert_eq!(app.count("profiles WHERE erased_at IS NOT NULL"), 2);
    assert_eq!(
        app.count("profiles WHERE erased_at IS NULL AND phone = '+48602000000'"),
        2
    );
    // And this Assent tells the next one every identifier the person had.
    assert_eq!(
        app.count(&format!(
            "outbox WHERE kind = 'profile.erased' AND payload LIKE '%\"uuid\":\"{UUID_LOWER}\"%'"
        )),
        1
    );
    assert_eq!(
        app.count(
            "outbox WHERE kind = 'profile.erased' AND payload LIKE '%\"phone\":\"+48601234567\"%'"
        ),
        1
    );
}

/// A Synerise export's further channel columns (`agreements.webPush`, …) set the agreement of that key
/// where the organisation made one, and stay attributes where it did not; the file is never refused
/// for them.
#[tokio::test]
async fn synerise_channel_columns_set_the_agreements_that_exist() {
    let app = TestApp::spawn().await;
    web_push_agreement(&app).await;
    let dir = app.data_dir.join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("channels.csv");
    std::fs::write(
        &csv,
        "email,agreements.email,agreements.webPush,agreements.wifi\nann@example.com,true,true,false\n",
    )
    .unwrap();
    app.db.cli_ok(
        &["import", csv.to_str().unwrap(), "--from", "synerise"],
        &[],
    );
    let key = app.api_key().await;
    let (status, p) = app.api("/api/v1/profiles/ann@example.com", &key).await;
    assert_eq!(status, 200);
    assert_eq!(p["attributes"]["newsletter_agreement"], "enabled");
    assert_eq!(p["attributes"]["webpush_agreement"], "enabled", "{p}");
    assert_eq!(p["attributes"]["agreements.wifi"], "false", "{p}");
}

/// Hundreds of simultaneous batches naming one new person by their uuid alone, in either case, each
/// setting other fields: exactly one profile, holding every field and every consent.
#[tokio::test]
async fn simultaneous_pushes_of_one_new_uuid_make_one_profile() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..200 {
        let (http, url, key) = (app.http.clone(), app.url("/v4/clients/batch"), key.clone());
        let uuid = if i % 2 == 0 { UUID } else { UUID_LOWER };
        let body = json!([{"uuid": uuid, "attributes": {format!("a{i}"): i}, "city": "Gdańsk",
                           "agreements": {"email": true}}]);
        sends.spawn(async move {
            let r = http
                .post(url)
                .bearer_auth(key)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 202);
            r.json::<Value>().await.unwrap()
        });
    }
    let mut created = 0;
    while let Some(answer) = sends.join_next().await {
        let answer = answer.unwrap();
        assert_eq!(answer["accepted"], 1, "{answer}");
        created += answer["created"].as_u64().unwrap();
    }
    assert_eq!(created, 1, "one of the 200 created the person");
    assert_eq!(app.count("profiles"), 1);
    let (_, p) = app
        .api(&format!("/api/v1/profiles?uuid={UUID}"), &key)
        .await;
    assert_eq!(p["city"], "Gdańsk");
    assert_eq!(p["attributes"].as_object().unwrap().len(), 200 + 3, "{p}");
    assert_eq!(p["attributes"]["newsletter_agreement"], "enabled");
    assert_eq!(
        app.count("consent_events WHERE agreement_key = 'newsletter_agreement'"),
        1
    );
}
