//! The profiles CSV: the same rows from the API, the dashboard and `assent export`.

use crate::helpers::browser::{Browser, staff_user};
use crate::helpers::*;

/// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

async fn csv(app: &TestApp, key: &str, query: &str) -> (u16, String) {
    let r = app
        .http
        .get(app.url(&format!("/api/v1/exports/profiles.csv{query}")))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_csv_export_is_exact_filtered_and_its_links_work_everywhere() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    app.subscribe_confirmed("a@example.com", &["newsletter_agreement"])
        .await;
    app.subscribe_confirmed("b@example.com", &["newsletter_agreement", "sms_agreement"])
        .await;
    let form = [
        ("email", "c@example.com"),
        ("name", "Lee, \"Cy\""),
        ("agreement", "newsletter_agreement"),
    ];
    assert_eq!(app.post("/subscribe", &form).await.0, 200);

    let (status, text) = csv(&app, &key, "").await;
    assert_eq!(status, 200);
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0].join(","),
        "email,customId,phone,firstName,lastName,emailConfirmed,newsletter_agreement,sms_agreement,push_agreement,createdAt,updatedAt,unsubscribeUrl,preferencesUrl"
    );
    let emails: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        emails,
        ["a@example.com", "b@example.com", "c@example.com"],
        "in creation order"
    );
    assert_eq!(rows[2][5..9], ["true", "enabled", "enabled", "disabled"]);
    assert_eq!(rows[3][3], "Lee, \"Cy\"", "quoted as RFC 4180 wants");
    assert_eq!(rows[3][5..7], ["false", "disabled"]);
    assert!(rows[1][9].ends_with('Z'));

    // Filters.
    let (_, text) = csv(&app, &key, "?agreement=sms_agreement&status=enabled").await;
    let only: Vec<String> = parse_csv(&text)[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(only, ["b@example.com"]);
    let (_, text) = csv(
        &app,
        &key,
        "?agreement=newsletter_agreement&status=disabled",
    )
    .await;
    let only: Vec<String> = parse_csv(&text)[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(only, ["c@example.com"]);
    for bad in [
        "?agreement=nope",
        "?status=enabled",
        "?agreement=sms_agreement&status=maybe",
    ] {
        let (status, body) = csv(&app, &key, bad).await;
        assert_eq!(status, 422, "{bad}: {body}");
        assert!(body.contains("\"invalid\""), "{body}");
    }
    assert_eq!(csv(&app, "ak_wrong", "").await.0, 401);

    // `assent export` writes the same bytes.
    let file = app.data_dir.join("export.csv");
    let out = app.cli_env(
        &["export", "-o", file.to_str().unwrap()],
        &[("ASSENT_BASE_URL", app.base.as_str())],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text_of_all(&app, &key).await
    );
    // A file it cannot finish (here: a folder is in the way) fails loudly and leaves nothing behind.
    let blocked = app.data_dir.join("blocked.csv");
    std::fs::create_dir(&blocked).unwrap();
    let out = app.cli(&["export", "-o", blocked.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    assert!(!app.data_dir.join("blocked.csv.partial").exists());

    // The dashboard download: admins only.
    staff_user(&app, "abe@shop.example", "admin");
    staff_user(&app, "mia@shop.example", "marketer");
    let admin = Browser::new(&app);
    admin
        .sign_in("abe@shop.example", "correct horse battery staple")
        .await;
    let (status, body, _) = admin
        .get("/admin/exports/profiles.csv?agreement=&status=enabled")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body, text_of_all(&app, &key).await);
    let (status, body, _) = admin
        .get("/admin/exports/profiles.csv?agreement=nope")
        .await;
    assert_eq!(status, 400, "an unknown agreement gets a page that says so");
    assert!(body.contains("There is no agreement"), "{body}");
    let marketer = Browser::new(&app);
    marketer
        .sign_in("mia@shop.example", "correct horse battery staple")
        .await;
    assert_eq!(marketer.get("/admin/exports/profiles.csv").await.0, 403);

    // The exported unsubscribe link works as a one-click URL for a sending system.
    let b = &parse_csv(&text_of_all(&app, &key).await)[2];
    assert_eq!(app.one_click(&b[11]).await, 200);
    let (_, profile) = app.api("/api/v1/profiles/b@example.com", &key).await;
    assert_eq!(profile["attributes"]["newsletter_agreement"], "disabled");
    assert_eq!(
        app.get(&b[12]).await.0,
        200,
        "the preference link opens the preference centre"
    );
}

async fn text_of_all(app: &TestApp, key: &str) -> String {
    csv(app, key, "").await.1
}

#[tokio::test]
async fn a_large_export_streams_every_row_across_chunks_in_id_order() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    // 2,500 profiles over sparse ids spanning several chunks of ids, with whole chunks empty between.
    let chunk = assent::exports::CHUNK;
    let id = |i: i64| {
        if i < 1200 {
            1 + i * 7
        } else {
            3 * chunk + i * 11
        }
    };
    let values: Vec<String> = (0..2500)
        .map(|i| format!("({}, 'bulk{i:05}@example.com', '{{}}', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')", id(i)))
        .collect();
    for part in values.chunks(500) {
        app.exec(&format!(
            "INSERT INTO profiles (id, email, attributes, form_mails, created_at, updated_at) VALUES {}",
            part.join(",")
        ));
    }
    assert!(id(2499) > 5 * chunk, "the ids span more than five chunks");
    let expected: Vec<String> = (0..2500)
        .map(|i| format!("bulk{i:05}@example.com"))
        .collect();
    let (status, text) = csv(&app, &key, "").await;
    assert_eq!(status, 200);
    let rows = parse_csv(&text);
    let emails: Vec<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(emails, expected, "every row once, in id order");
    // The command line reads the same chunks.
    let out = app.cli_env(&["export"], &[("ASSENT_BASE_URL", app.base.as_str())]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout == text.as_bytes(),
        "the command line's CSV is the same"
    );
}

/// `assent export -o FILE` shows its progress (rows, rate) on a terminal, and nothing but its summary
/// line where standard error is not one (scripts, logs, CI).
#[tokio::test]
async fn an_export_to_a_file_shows_its_progress_only_on_a_terminal() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let items: Vec<serde_json::Value> = (0..300)
        .map(|i| serde_json::json!({"email": format!("p{i}@example.com"), "agreements": {"email": true}}))
        .collect();
    let answer = crate::phones::batch(&app, &key, &serde_json::json!(items)).await;
    assert_eq!(answer["created"], 300, "{answer}");
    let file = app.data_dir.join("all.csv");
    let out = app.cli(&["export", "-o", file.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("300 profiles written to {}\n", file.display())
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 301);

    // The same through a pseudo-terminal (util-linux `script`): the progress line is drawn.
    if !std::path::Path::new("/usr/bin/script").exists() {
        eprintln!("SKIPPED: the terminal half needs /usr/bin/script (util-linux)");
        return;
    }
    let file = app.data_dir.join("again.csv");
    let assent = app.db.command(&[], &[]);
    let mut script = std::process::Command::new("/usr/bin/script");
    script.args([
        "-qec",
        &format!(
            "{} export -o {}",
            assent.get_program().to_str().unwrap(),
            file.display()
        ),
        "/dev/null",
    ]);
    for (k, v) in assent.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    let out = script.output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains(" rows"), "a progress line: {shown:?}");
    assert!(shown.contains("300 profiles written to"), "{shown:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 301);
}
