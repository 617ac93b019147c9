//! `assent import FILE --from mailchimp|listmonk|synerise`: each tool's export (tests/fixtures/presets/,
//! written in the layouts their documentation gives) imported with that one option. The ledger keeps
//! the original opt-in times and addresses, withdrawals keep their reasons, every event says which tool
//! it came from, and the chain verifies. `--set` and `--unmapped` for any file; the same choice on the
//! dashboard's upload page.

use crate::helpers::*;
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/presets/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The profile's ledger as the API gives it.
async fn ledger(app: &TestApp, key: &str, email: &str) -> Vec<Value> {
    let (status, body) = app
        .api(&format!("/api/v1/profiles/{email}/consents"), key)
        .await;
    assert_eq!(status, 200, "{email}: {body}");
    body.as_array().unwrap().clone()
}

async fn profile(app: &TestApp, key: &str, email: &str) -> Value {
    let (status, body) = app.api(&format!("/api/v1/profiles/{email}"), key).await;
    assert_eq!(status, 200, "{email}: {body}");
    body
}

/// The fields of a ledger entry a person reads: agreement, value, time, address, reason, origin.
fn said(e: &Value) -> Value {
    json!([
        e["agreement"],
        e["value"],
        e["occurredAt"],
        e["ip"],
        e["reason"],
        e["origin"]
    ])
}

#[tokio::test]
async fn mailchimp_exports_keep_opt_in_times_and_addresses_and_unsubscribes_keep_their_reason() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let import = |file: &str, more: &[&str]| {
        let path = fixture(file);
        let mut args = vec!["import", path.as_str(), "--from", "mailchimp"];
        args.extend_from_slice(more);
        app.db.cli_ok(&args, &[])
    };
    let warsaw = ["--timezone", "Europe/Warsaw"];

    // The subscribed export: the confirmation's time and address where there was one, else the opt-in's;
    // Warsaw's times in UTC (winter +1, summer +2).
    let out = import("mailchimp_subscribed.csv", &warsaw);
    assert!(
        out.contains("as Mailchimp subscribed members (times without an offset in Europe/Warsaw)"),
        "{out}"
    );
    assert!(
        out.contains("created 3, updated 0, unchanged 0, stale 0, rejected 0"),
        "{out}"
    );
    let enabled =
        |at: &str, ip: &str| json!(["newsletter_agreement", "enabled", at, ip, null, "mailchimp"]);
    let ann = ledger(&app, &key, "ann@example.com").await;
    assert_eq!(
        ann.iter().map(said).collect::<Vec<_>>(),
        [enabled("2024-03-01T09:05:00.000000Z", "203.0.113.6")]
    );
    let bob = ledger(&app, &key, "bob@example.com").await;
    assert_eq!(
        said(&bob[0]),
        enabled("2024-07-15T06:30:00.000000Z", "2001:db8::7")
    );
    let cy = ledger(&app, &key, "cy@example.com").await;
    assert_eq!(
        said(&cy[0]),
        enabled("2024-01-20T23:10:00.000000Z", "198.51.100.9")
    );
    let p = profile(&app, &key, "ann@example.com").await;
    assert_eq!(
        (p["firstName"].clone(), p["phone"].clone()),
        (json!("Ann"), json!("+48600100200"))
    );
    assert_eq!(p["attributes"]["mailchimpLeid"], "101");
    assert_eq!(p["attributes"]["TAGS"], r#""VIP","Spring""#);
    assert_eq!(p["attributes"]["newsletter_agreement"], "enabled");

    // The same export again changes nothing.
    let events = app.count("consent_events");
    let out = import("mailchimp_subscribed.csv", &warsaw);
    assert!(
        out.contains("created 0, updated 0, unchanged 3, stale 0, rejected 0"),
        "{out}"
    );
    assert_eq!(app.count("consent_events"), events);

    // The unsubscribed export: withdrawn at the unsubscribe time with the reason (the free text where
    // the reason is "Other"); its address columns tell of the opt-in, so the withdrawal has none.
    let out = import("mailchimp_unsubscribed.csv", &warsaw);
    assert!(out.contains("as Mailchimp unsubscribed members"), "{out}");
    let bob = ledger(&app, &key, "bob@example.com").await;
    assert_eq!(
        said(bob.last().unwrap()),
        json!([
            "newsletter_agreement",
            "disabled",
            "2024-09-02T16:00:00.000000Z",
            null,
            "I no longer want to receive these emails",
            "mailchimp"
        ])
    );
    let dee = ledger(&app, &key, "dee@example.com").await;
    assert_eq!(
        dee.iter().map(said).collect::<Vec<_>>(),
        [json!([
            "newsletter_agreement",
            "disabled",
            "2024-02-10T08:00:00.000000Z",
            null,
            "Too many emails",
            "mailchimp"
        ])]
    );
    assert_eq!(
        profile(&app, &key, "bob@example.com").await["attributes"]["newsletter_agreement"],
        "disabled"
    );

    // The cleaned export: no consent changes, the address marked undeliverable.
    let events = app.count("consent_events");
    import("mailchimp_cleaned.csv", &warsaw);
    assert_eq!(app.count("consent_events"), events);
    let cy = profile(&app, &key, "cy@example.com").await;
    assert_eq!(cy["attributes"]["undeliverable"], true);
    assert_eq!(cy["attributes"]["newsletter_agreement"], "enabled");

    // An old subscribed export after the unsubscribe revives nobody.
    import("mailchimp_subscribed.csv", &warsaw);
    assert_eq!(
        profile(&app, &key, "bob@example.com").await["attributes"]["newsletter_agreement"],
        "disabled"
    );

    let verified = app.db.cli_ok(&["ledger", "verify"], &[]);
    assert!(verified.contains("ledger intact"), "{verified}");
}

#[tokio::test]
async fn a_file_that_is_not_the_tools_export_or_has_bad_rows_is_refused_clearly() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    // Another tool's file: refused before anything is written, naming what was expected and found.
    let out = app.cli(&[
        "import",
        &fixture("listmonk_subscribers.csv"),
        "--from",
        "mailchimp",
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        said.contains("this is not a Mailchimp export: it needs the columns Email Address, and has uuid, email, name"),
        "{said}"
    );
    let out = app.cli(&[
        "import",
        &fixture("mailchimp_subscribed.csv"),
        "--from",
        "mailchimp",
        "--timezone",
        "Mars/Olympus",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"Mars/Olympus\" is not a time zone"));
    let out = app.cli(&[
        "import",
        &fixture("mailchimp_subscribed.csv"),
        "--from",
        "mailchimp",
        "--agreement",
        "nope",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--agreement nope: there is no such agreement")
    );
    // A shared value for something that is not a target, or not written TARGET=VALUE.
    for (set, says) in [
        ("shoe=44", r#"--set: "shoe" is not a target"#),
        (
            "newsletter_agreement",
            "is not a mapping: write TARGET=VALUE",
        ),
    ] {
        let out = app.cli(&["import", &fixture("synerise_profiles.csv"), "--set", set]);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && said.contains(says),
            "{set}: {said}"
        );
    }
    assert_eq!(app.count("profiles"), 0);

    // Rows whose address, time or reason cannot be read are refused with the reason; the others go in.
    let dir = app.db.dir();
    let path = dir.join("members.csv");
    std::fs::write(
        &path,
        "Email Address,OPTIN_TIME,OPTIN_IP\n\
         ok@example.com,2024-03-01 10:00:00,192.0.2.1\n\
         ip@example.com,2024-03-01 10:00:00,999.1.1.1\n\
         time@example.com,yesterday,192.0.2.1\n\
         future@example.com,2999-01-01 00:00:00,192.0.2.1\n",
    )
    .unwrap();
    let out = app.db.cli_ok(
        &["import", path.to_str().unwrap(), "--from", "mailchimp"],
        &[],
    );
    assert!(
        out.contains("created 1, updated 0, unchanged 0, stale 0, rejected 3"),
        "{out}"
    );
    assert!(
        out.contains(r#"row 2: OPTIN_IP: "999.1.1.1" is not an IP address"#),
        "{out}"
    );
    assert!(
        out.contains(r#"row 3: OPTIN_TIME: "yesterday" is not a time"#),
        "{out}"
    );
    assert!(
        out.contains("row 4: consentedAt 2999-01-01T00:00:00Z lies in the future"),
        "{out}"
    );
    assert_eq!(
        said_of(&ledger(&app, &key, "ok@example.com").await[0]),
        "192.0.2.1"
    );

    // With --from alone, times without an offset are UTC.
    let out = app.db.cli_ok(
        &[
            "import",
            &fixture("mailchimp_subscribed.csv"),
            "--from",
            "mailchimp",
        ],
        &[],
    );
    assert!(out.contains("(times without an offset in UTC)"), "{out}");
    let ann = ledger(&app, &key, "ann@example.com").await;
    assert_eq!(ann[0]["occurredAt"], "2024-03-01T10:05:00.000000Z");
}

fn said_of(e: &Value) -> &str {
    e["ip"].as_str().unwrap()
}

#[tokio::test]
async fn listmonk_and_synerise_exports_and_any_file_with_set_and_unmapped() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let lm = fixture("listmonk_subscribers.csv");

    // listmonk: a blocklisted subscriber withdraws every email agreement at its last change; the others
    // change consents only as --set says. Names and JSON attributes are kept.
    app.db.cli_ok(&["import", &lm, "--from", "listmonk"], &[]);
    let eve = profile(&app, &key, "eve@example.com").await;
    assert_eq!(eve["firstName"], "Eve Marsh");
    assert_eq!(
        (
            eve["attributes"]["city"].clone(),
            eve["attributes"]["plan"].clone()
        ),
        (json!("Kraków"), json!("pro"))
    );
    assert_eq!(
        eve["attributes"]["listmonkUuid"],
        "5e1f7c6a-0b4e-4f43-9d38-2d6c7a1e0a01"
    );
    assert!(ledger(&app, &key, "eve@example.com").await.is_empty());
    let finn = ledger(&app, &key, "finn@example.com").await;
    assert_eq!(
        finn.iter().map(said).collect::<Vec<_>>(),
        [json!([
            "newsletter_agreement",
            "disabled",
            "2024-06-30T18:00:00.000000Z",
            null,
            null,
            "listmonk"
        ])]
    );
    app.db.cli_ok(
        &[
            "import",
            &lm,
            "--from",
            "listmonk",
            "--set",
            "newsletter_agreement=enabled",
        ],
        &[],
    );
    assert_eq!(
        said(&ledger(&app, &key, "eve@example.com").await[0]),
        json!([
            "newsletter_agreement",
            "enabled",
            "2024-02-01T09:00:00.123456Z",
            null,
            null,
            "listmonk"
        ])
    );
    assert_eq!(
        profile(&app, &key, "finn@example.com").await["attributes"]["newsletter_agreement"],
        "disabled"
    );
    // Asked to, the name is split at its last word.
    app.db
        .cli_ok(&["import", &lm, "--from", "listmonk", "--split-name"], &[]);
    let eve = profile(&app, &key, "eve@example.com").await;
    assert_eq!(
        (eve["firstName"].clone(), eve["lastName"].clone()),
        (json!("Eve"), json!("Marsh"))
    );
    assert_eq!(
        profile(&app, &key, "finn@example.com").await["lastName"],
        Value::Null
    );

    // Synerise: the batch API's fields (its standard ones, such as city, too) and agreements by key;
    // other columns kept as attributes.
    app.db.cli_ok(
        &[
            "import",
            &fixture("synerise_profiles.csv"),
            "--from",
            "synerise",
        ],
        &[],
    );
    let gus = profile(&app, &key, "gus@example.com").await;
    assert_eq!(gus["customId"], "crm-1");
    assert_eq!(gus["city"], "Poznań");
    assert_eq!(gus["attributes"]["syneriseClientId"], "4711");
    assert_eq!(
        (
            gus["attributes"]["newsletter_agreement"].clone(),
            gus["attributes"]["sms_agreement"].clone(),
            gus["attributes"]["push_agreement"].clone()
        ),
        (json!("enabled"), json!("disabled"), json!("enabled"))
    );
    assert!(
        ledger(&app, &key, "gus@example.com")
            .await
            .iter()
            .all(|e| e["origin"] == "synerise")
    );

    // Any file: a column nothing maps refuses the file, unless --unmapped says what becomes of it.
    let path = app.db.dir().join("list.csv");
    std::fs::write(&path, "email,shoe size\nivy@example.com,38\n").unwrap();
    let path = path.to_str().unwrap();
    let out = app.cli(&["import", path]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(r#"the field "shoe size" is not mapped"#)
    );
    app.db.cli_ok(
        &[
            "import",
            path,
            "--unmapped",
            "ignore",
            "--set",
            "newsletter_agreement=enabled",
        ],
        &[],
    );
    let ivy = profile(&app, &key, "ivy@example.com").await;
    assert_eq!(
        ivy["attributes"],
        json!({"newsletter_agreement": "enabled", "push_agreement": "disabled", "sms_agreement": "disabled"})
    );
    assert_eq!(
        ledger(&app, &key, "ivy@example.com").await[0]["origin"],
        Value::Null
    );
    app.db
        .cli_ok(&["import", path, "--unmapped", "attributes"], &[]);
    assert_eq!(
        profile(&app, &key, "ivy@example.com").await["attributes"]["shoe size"],
        "38"
    );

    // A dry run shows the mapping and the first rows as they would be stored, and writes nothing.
    let events = app.count("consent_events");
    let out = app.db.cli_ok(
        &[
            "import",
            &fixture("mailchimp_subscribed.csv"),
            "--from",
            "mailchimp",
            "--timezone",
            "Europe/Warsaw",
            "--dry-run",
        ],
        &[],
    );
    for line in [
        "  OPTIN_IP      -> ip",
        "  CONFIRM_TIME  -> consentedAt",
        "  (every row) enabled -> newsletter_agreement",
        "  row 1: ann@example.com: newsletter_agreement enabled at 2024-03-01T09:05:00Z from 203.0.113.6",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    assert_eq!(app.count("consent_events"), events);
    assert!(
        app.db
            .cli_ok(&["ledger", "verify"], &[])
            .contains("ledger intact")
    );
}

#[tokio::test]
async fn an_admin_imports_a_mailchimp_export_in_the_dashboard_and_the_history_names_it() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let (_, page, _) = admin.get("/admin/imports").await;
    assert!(
        page.contains(r#"<option value="mailchimp">Mailchimp</option>"#),
        "{page}"
    );
    let export = std::fs::read(fixture("mailchimp_subscribed.csv")).unwrap();
    // A tool Assent has no preset for is refused with the ones it has, and keeps no upload.
    let (status, body, _) =
        crate::imports::upload_from(&admin, &app, "list.csv", &export, None, "hubspot").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("give mailchimp, listmonk or synerise"),
        "{body}"
    );
    assert_eq!(app.count("jobs"), 0);
    let (status, body, job) = crate::imports::upload_from(
        &admin,
        &app,
        "subscribed_members_export.csv",
        &export,
        None,
        "mailchimp",
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let job = job.unwrap();

    // The mapping page starts from the preset's mapping, still editable.
    let (_, page, _) = admin.get(&job).await;
    assert!(
        page.contains("Read as: Mailchimp subscribed members."),
        "{page}"
    );
    // Each column as the page shows it: its name and the target selected for it.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while let Some(at) = page.find(&format!(r#"name="col_{i}" value=""#)) {
        let column = page[at..].split('"').nth(3).unwrap().to_string();
        let select = &page[page.find(&format!(r#"<select id="map_{i}""#)).unwrap()..];
        let select = &select[..select.find("</select>").unwrap()];
        let chosen = select
            .split(r#"<option value=""#)
            .find(|o| o.contains("\" selected>"))
            .unwrap();
        let chosen = chosen.split('"').next().unwrap().to_string();
        fields.push((format!("col_{i}"), column));
        fields.push((format!("map_{i}"), chosen));
        i += 1;
    }
    let chosen: std::collections::HashMap<&str, &str> = fields
        .chunks(2)
        .map(|p| (p[0].1.as_str(), p[1].1.as_str()))
        .collect();
    assert_eq!(chosen["Email Address"], "email");
    assert_eq!(chosen["OPTIN_IP"], "ip");
    assert_eq!(chosen["CONFIRM_TIME"], "consentedAt");
    assert_eq!(chosen["LEID"], "attributes.mailchimpLeid");
    let start = format!("{job}/start");
    let with_zone = |zone: &'static str| {
        let mut form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        form.push(("timezone", zone));
        form
    };
    let (status, page, _) = admin
        .submit(&job, &start, &with_zone("Europe/Nowhere"))
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Europe/Nowhere is not a time zone"), "{page}");
    let (status, _, _) = admin
        .submit(&job, &start, &with_zone("Europe/Warsaw"))
        .await;
    assert_eq!(status, 303);
    for _ in 0..200 {
        if admin
            .get(&job)
            .await
            .1
            .contains("Status: <strong>done</strong>")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let ann = ledger(&app, &key, "ann@example.com").await;
    assert_eq!(
        said(&ann[0]),
        json!([
            "newsletter_agreement",
            "enabled",
            "2024-03-01T09:05:00.000000Z",
            "203.0.113.6",
            null,
            "mailchimp"
        ])
    );

    // The profile's history says where the change came from, in the staff member's language.
    let (_, list, _) = admin.get("/admin/profiles?q=ann%40example.com").await;
    let at = list.find("/admin/profiles/").unwrap();
    let link = list[at..].split('"').next().unwrap().to_string();
    let (_, page, _) = admin.get(&link).await;
    assert!(page.contains("imported from Mailchimp"), "{page}");
    assert!(page.contains("203.0.113.6"), "{page}");
}
