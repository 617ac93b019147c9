//! Phone numbers as identifiers: stored in E.164 however written, a profile created, found and erased
//! by its number alone, a number that never merges two people, and a bad number refused naming the
//! field on every way in.

use crate::helpers::browser::staff;
use crate::helpers::*;
use serde_json::{Value, json};

pub async fn batch(app: &TestApp, key: &str, body: &Value) -> Value {
    let r = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    r.json().await.unwrap()
}

fn refusals(answer: &Value) -> Vec<(u64, String)> {
    answer["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["index"].as_u64().unwrap(),
                r["error"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn phone_region() -> Options {
    Options {
        env: vec![("ASSENT_DEFAULT_PHONE_REGION", "PL".into())],
        ..Options::default()
    }
}

#[tokio::test]
async fn a_person_known_only_by_a_phone_is_created_found_and_erased_by_it() {
    let app = TestApp::spawn_with(phone_region()).await;
    let key = app.api_key().await;
    let answer = batch(
        &app,
        &key,
        &json!([{"phone": "601 234 567", "firstName": "Ola", "agreements": {"sms": true}}]),
    )
    .await;
    assert_eq!(answer["accepted"], 1, "{answer}");
    // The same number in three other notations is the same person.
    for written in ["+48 601-234-567", "0048601234567", "tel:+48.601.234.567"] {
        let answer = batch(
            &app,
            &key,
            &json!([{"phone": written, "lastName": "Nowak"}]),
        )
        .await;
        assert_eq!(answer["accepted"], 1, "{written}: {answer}");
    }
    assert_eq!(app.count("profiles"), 1);
    for query in [
        "phone=%2B48601234567",
        "phone=601%20234%20567",
        "phone=0048-601-234-567",
    ] {
        let (status, p) = app.api(&format!("/api/v1/profiles?{query}"), &key).await;
        assert_eq!(status, 200, "{query}: {p}");
        assert_eq!(p["phone"], "+48601234567");
        assert_eq!(p["email"], Value::Null);
        assert_eq!(
            (p["firstName"].as_str(), p["lastName"].as_str()),
            (Some("Ola"), Some("Nowak"))
        );
        assert_eq!(p["attributes"]["sms_agreement"], "enabled");
    }
    let (status, ledger) = app
        .api("/api/v1/profiles/consents?phone=%2B48601234567", &key)
        .await;
    assert_eq!(status, 200);
    assert_eq!(ledger.as_array().unwrap().len(), 1, "{ledger}");
    let (status, e) = app.api("/api/v1/profiles?phone=%2B48601234568", &key).await;
    assert_eq!((status, e["error"].as_str()), (404, Some("not_found")));
    let (status, e) = app.api("/api/v1/profiles?phone=12", &key).await;
    assert_eq!(status, 422, "{e}");
    assert!(e["message"].as_str().unwrap().contains("phone"), "{e}");
    let (status, _) = app
        .api(
            "/api/v1/profiles?phone=%2B48601234567&email=a%40example.com",
            &key,
        )
        .await;
    assert_eq!(status, 422);

    // The dashboard finds the number as a person types it.
    let staff = staff(&app, "mia@shop.example", "marketer").await;
    let (_, page, _) = staff.get("/admin/profiles?q=601+234+567").await;
    assert!(page.contains("+48601234567"), "{page}");

    // Erased by the number: the tombstone keeps a later push of the same number from creating them.
    let out = app.cli_env(
        &["profile", "erase", "--phone", "601-234-567"],
        &[("ASSENT_DEFAULT_PHONE_REGION", "PL")],
    );
    assert!(out.status.success(), "{out:?}");
    let answer = batch(
        &app,
        &key,
        &json!([{"phone": "+48601234567", "agreements": {"sms": true}}]),
    )
    .await;
    let refused = refusals(&answer);
    assert_eq!(refused.len(), 1, "{answer}");
    assert!(refused[0].1.contains("erased"), "{answer}");
    assert_eq!(app.cli(&["ledger", "verify"]).status.code(), Some(0));
}

#[tokio::test]
async fn a_number_never_merges_two_people() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let answer = batch(
        &app,
        &key,
        &json!([
            {"email": "ann@example.com", "phone": "+48 601 234 567"},
            {"customId": "crm-7", "phone": "+48 601 000 000"},
        ]),
    )
    .await;
    assert_eq!(answer["accepted"], 2, "{answer}");
    let answer = batch(
        &app,
        &key,
        &json!([
            // Another person giving Ann's number: refused, Ann's profile untouched.
            {"email": "bob@example.com", "phone": "+48601234567", "agreements": {"sms": true}},
            // Ann's email with crm-7's number: two people.
            {"email": "ann@example.com", "phone": "+48601000000"},
            // Ann with her own number, and crm-7 with a new one: fine.
            {"email": "ann@example.com", "phone": "+48601234567", "firstName": "Ann"},
            {"customId": "crm-7", "phone": "+44 20 7946 0958"},
            // Not a number, or no country: refused naming the field.
            {"email": "cy@example.com", "phone": "601 234 567"},
            {"email": "cy@example.com", "phone": "+48 60"},
        ]),
    )
    .await;
    let refused = refusals(&answer);
    assert_eq!(answer["accepted"], 2, "{answer}");
    assert_eq!(
        refused.iter().map(|r| r.0).collect::<Vec<_>>(),
        [0, 1, 4, 5],
        "{answer}"
    );
    assert!(
        refused[0].1.contains("belongs to another profile"),
        "{answer}"
    );
    assert!(
        refused[1].1.contains("belongs to another profile"),
        "{answer}"
    );
    assert!(
        refused[2].1.starts_with("phone:") && refused[2].1.contains("country code"),
        "{answer}"
    );
    assert!(
        refused[3].1.starts_with("phone:") && refused[3].1.contains("digits"),
        "{answer}"
    );
    assert_eq!(app.count("profiles"), 2);
    let (_, crm) = app.api("/api/v1/profiles?customId=crm-7", &key).await;
    assert_eq!(crm["phone"], "+442079460958");

    // A number two profiles share (written before numbers were identifiers) names neither of them.
    app.exec("UPDATE profiles SET phone = '+48601234567'");
    let answer = batch(
        &app,
        &key,
        &json!([{"phone": "+48601234567", "agreements": {"sms": true}}]),
    )
    .await;
    let refused = refusals(&answer);
    assert!(
        refused[0].1.contains("2 profiles share the phone"),
        "{answer}"
    );
    let (status, e) = app.api("/api/v1/profiles?phone=%2B48601234567", &key).await;
    assert_eq!(status, 409, "{e}");
    let out = app.cli(&["profile", "erase", "--phone", "+48601234567"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 profiles share the phone"));
    assert_eq!(app.count("erasures"), 0);
}

#[tokio::test]
async fn many_pushes_of_one_new_number_at_once_make_one_person() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let notations = [
        "+48 601 234 567",
        "0048601234567",
        "+48-601-234-567",
        "tel:+48601234567",
    ];
    let pushes = (0..200).map(|i| {
        let (app, key) = (&app, &key);
        let body = json!([{"phone": notations[i % 4], "attributes": {format!("n{i}"): i}}]);
        async move { batch(app, key, &body).await }
    });
    let answers = futures::future::join_all(pushes).await;
    assert!(answers.iter().all(|a| a["accepted"] == 1), "{answers:?}");
    assert_eq!(app.count("profiles"), 1);
    let (_, p) = app.api("/api/v1/profiles?phone=%2B48601234567", &key).await;
    assert_eq!(p["attributes"].as_object().unwrap().len(), 200 + 3, "{p}");
}

#[tokio::test]
async fn an_import_reads_numbers_of_its_region_and_refuses_a_row_whose_number_it_cannot() {
    let app = TestApp::spawn().await;
    let file = app.db.dir().join("people.csv");
    std::fs::write(
        &file,
        "email,phone,sms_agreement\nann@example.com,601 234 567,enabled\nbob@example.com,+44 20 7946 0958,enabled\n",
    )
    .unwrap();
    let path = file.display().to_string();
    // Without a region, Ann's number cannot be read: her row is refused naming the field.
    let out = app.cli(&["import", &path, "--errors", &format!("{path}.errors")]);
    let report = std::fs::read_to_string(format!("{path}.errors")).unwrap_or_default();
    assert!(
        report.contains("phone:") && report.contains("country code"),
        "{out:?} {report}"
    );
    assert_eq!(app.count("profiles"), 1);
    let out = app.cli(&["import", &path, "--phone-region", "pl"]);
    assert!(out.status.success(), "{out:?}");
    let key = app.api_key().await;
    let (_, ann) = app.api("/api/v1/profiles/ann@example.com", &key).await;
    assert_eq!(ann["phone"], "+48601234567");
    let out = app.cli(&["import", &path, "--phone-region", "XX"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--phone-region"),
        "{out:?}"
    );
}
