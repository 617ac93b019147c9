//! `assent import`: the four formats with a column mapping, dry runs, bad rows reported by number, files
//! refused whole before anything is written, late rows that never revive a withdrawal, and an import
//! killed mid-file that resumes to the same end as an uninterrupted one.

use crate::helpers::*;
use serde_json::Value;

/// Writes a file into the test's folder and returns its path.
fn file(app: &TestApp, name: &str, bytes: &[u8]) -> String {
    let path = app.db.dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn import(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    let out = app.cli(&all);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn profile(app: &TestApp, key: &str, email: &str) -> Value {
    let (status, p) = app.api(&format!("/api/v1/profiles/{email}"), key).await;
    assert_eq!(status, 200, "{email}: {p}");
    p
}

async fn consents(app: &TestApp, key: &str, email: &str) -> Vec<Value> {
    let (_, events) = app
        .api(&format!("/api/v1/profiles/{email}/consents"), key)
        .await;
    events.as_array().unwrap().clone()
}

/// The same three people in each format, with the columns named as another system names them.
fn people(format: &str) -> Vec<u8> {
    match format {
        "csv" => "\u{feff}E-mail;CRM id;Name;nl_optin;sms;city\n\
                  ann@example.com;crm-1;Ann;Yes;N;\"Kraków; Old Town\"\n\
                  bo@example.com;crm-2;\"Bo \"\"B\"\"\";0;TRUE;\n\
                  \n\
                  cy@example.com;crm-3;Cy;enabled;disabled;\"Multi\nline\"\n"
            .as_bytes()
            .to_vec(),
        "json" => br#"[
            {"E-mail": "ann@example.com", "CRM id": "crm-1", "Name": "Ann", "nl_optin": "Yes", "sms": "N", "city": "Krak\u00f3w; Old Town"},
            {"E-mail": "bo@example.com", "CRM id": "crm-2", "Name": "Bo \"B\"", "nl_optin": 0, "sms": true},
            {"E-mail": "cy@example.com", "CRM id": "crm-3", "Name": "Cy", "nl_optin": "enabled", "sms": "disabled", "city": "Multi\nline"}
        ]"#
        .to_vec(),
        "jsonl" => br#"{"E-mail": "ann@example.com", "CRM id": "crm-1", "Name": "Ann", "nl_optin": "Yes", "sms": "N", "city": "Krak\u00f3w; Old Town"}
{"E-mail": "bo@example.com", "CRM id": "crm-2", "Name": "Bo \"B\"", "nl_optin": 0, "sms": true}

{"E-mail": "cy@example.com", "CRM id": "crm-3", "Name": "Cy", "nl_optin": "enabled", "sms": "disabled", "city": "Multi\nline"}
"#
        .to_vec(),
        _ => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<profiles>\n\
              <profile><E-mail>ann@example.com</E-mail><CRM_id>crm-1</CRM_id><Name>Ann</Name><nl_optin>Yes</nl_optin><sms>N</sms><city>Kraków; Old Town</city></profile>\n\
              <profile><E-mail>bo@example.com</E-mail><CRM_id>crm-2</CRM_id><Name>Bo &quot;B&quot;</Name><nl_optin>0</nl_optin><sms>TRUE</sms></profile>\n\
              <profile>\n  <E-mail>cy@example.com</E-mail>\n  <CRM_id>crm-3</CRM_id><Name><![CDATA[Cy]]></Name><nl_optin>enabled</nl_optin><sms>disabled</sms><city>Multi&#10;line</city>\n</profile>\n</profiles>\n"
            .as_bytes()
            .to_vec(),
    }
}

#[tokio::test]
async fn each_format_with_a_mapping_gives_the_same_profiles_and_consents() {
    for format in ["csv", "json", "jsonl", "xml"] {
        let app = TestApp::spawn().await;
        let key = app.api_key().await;
        let path = file(&app, &format!("people.{format}"), &people(format));
        let id = if format == "xml" { "CRM_id" } else { "CRM id" };
        let id_map = format!("{id}=customId");
        let args = [
            path.as_str(),
            "--map",
            "E-mail=email",
            "--map",
            &id_map,
            "--map",
            "Name=firstName",
            "--map",
            "nl_optin=newsletter_agreement",
            "--map",
            "sms=sms_agreement",
            "--map",
            "city=attributes.city",
        ];
        let (ok, out, err) = import(&app, &args);
        assert!(ok, "{format}: {out}{err}");
        assert!(
            out.contains("created 3, updated 0, unchanged 0, stale 0, rejected 0"),
            "{format}: {out}"
        );
        let ann = profile(&app, &key, "ann@example.com").await;
        assert_eq!(ann["customId"], "crm-1", "{format}");
        assert_eq!(ann["firstName"], "Ann", "{format}");
        assert_eq!(ann["attributes"]["city"], "Kraków; Old Town", "{format}");
        assert_eq!(ann["attributes"]["newsletter_agreement"], "enabled");
        assert_eq!(ann["attributes"]["sms_agreement"], "disabled");
        let bo = profile(&app, &key, "bo@example.com").await;
        assert_eq!(
            bo["firstName"], "Bo \"B\"",
            "{format}: quotes inside a field"
        );
        assert_eq!(bo["attributes"]["newsletter_agreement"], "disabled");
        assert_eq!(bo["attributes"]["sms_agreement"], "enabled");
        let cy = profile(&app, &key, "cy@example.com").await;
        assert_eq!(cy["attributes"]["city"], "Multi\nline", "{format}");
        assert_eq!(cy["attributes"]["newsletter_agreement"], "enabled");
        // Ann's and Cy's newsletter yes and Bo's SMS yes, and the three refusals of agreements never
        // set, recorded as proof although the file gave no time (a later "yes" from before cannot revive
        // them).
        assert_eq!(
            app.count("consent_events WHERE value <> previous"),
            3,
            "{format}"
        );
        assert_eq!(app.count("consent_events"), 6, "{format}");
        let events = consents(&app, &key, "ann@example.com").await;
        let job = out
            .split("as job ")
            .nth(1)
            .unwrap()
            .split(':')
            .next()
            .unwrap();
        assert_eq!(events[0]["source"], format!("import:{job}"), "{format}");
        assert!(app.cli(&["ledger", "verify"]).status.success());

        // The same file again changes nothing and records nothing.
        let (ok, out, _) = import(&app, &args);
        assert!(ok);
        assert!(
            out.contains("created 0, updated 0, unchanged 3, stale 0, rejected 0"),
            "{format}: {out}"
        );
        assert_eq!(app.count("consent_events"), 6);
    }
}

#[tokio::test]
async fn a_dry_run_checks_every_row_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let path = file(
        &app,
        "dry.csv",
        b"email,newsletter_agreement\nann@example.com,1\nnot-an-email,1\nbo@example.com,0\n",
    );
    let (ok, out, err) = import(&app, &[&path, "--dry-run"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert!(
        out.contains("created 2, updated 0, unchanged 0, stale 0, rejected 1"),
        "{out}"
    );
    assert!(out.contains("row 2: email:"), "{out}");
    for table in ["profiles", "consent_events", "consents", "jobs", "job_rows"] {
        assert_eq!(app.count(table), 0, "{table} after a dry run");
    }
}

#[tokio::test]
async fn bad_rows_are_reported_by_number_and_the_good_ones_still_apply() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let mut csv = b"email,firstName,newsletter_agreement,sms_agreement\n".to_vec();
    csv.extend_from_slice(b"ann@example.com,Ann,1,0\n"); // row 1: fine
    csv.extend_from_slice(b"not-an-email,X,1,1\n"); // row 2: invalid email
    csv.extend_from_slice(b"bo@example.com,Bo,maybe,1\n"); // row 3: not a consent value
    csv.extend_from_slice(b"cy@example.com,Cy,1\n"); // row 4: a field short
    csv.extend_from_slice(b"di@example.com,D\xe9si,1,1\n"); // row 5: Latin-1, not UTF-8
    csv.extend_from_slice(b",NoOne,1,1\n"); // row 6: nobody named
    csv.extend_from_slice(b"ed@example.com,Ed,yes,no\n"); // row 7: fine
    let path = file(&app, "bad.csv", &csv);
    let report = app.db.dir().join("errors.csv");
    let (ok, out, err) = import(&app, &[&path, "--errors", &report.display().to_string()]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("created 2, updated 0, unchanged 0, stale 0, rejected 5"),
        "{out}"
    );
    for (row, reason) in [
        (2, "email:"),
        (3, "\"maybe\" is not a consent value"),
        (4, "has 3 fields where the header has 4"),
        (5, "is not UTF-8"),
        (6, "give an email, a customId, a uuid or a phone"),
    ] {
        assert!(
            out.lines()
                .any(|l| l.contains(&format!("row {row}: ")) && l.contains(reason)),
            "row {row} should say {reason:?}: {out}"
        );
    }
    let report = std::fs::read_to_string(report).unwrap();
    assert!(
        report.starts_with("row,outcome,message\n2,rejected,"),
        "{report}"
    );
    assert_eq!(report.lines().count(), 6, "{report}");
    assert_eq!(
        profile(&app, &key, "ed@example.com").await["attributes"]["newsletter_agreement"],
        "enabled"
    );
    assert_eq!(app.count("profiles"), 2);
    // The job keeps the same report for the dashboard.
    assert_eq!(app.count("job_rows"), 5);
}

#[tokio::test]
async fn files_that_cannot_be_read_whole_are_refused_before_anything_is_written() {
    let app = TestApp::spawn().await;
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "unmapped.csv",
            b"email,shoe_size\nann@example.com,42\n".to_vec(),
            "\"shoe_size\" is not mapped",
        ),
        (
            "utf16.csv",
            [0xFF, 0xFE].into_iter().chain("email\n".encode_utf16().flat_map(u16::to_le_bytes)).collect(),
            "UTF-16",
        ),
        (
            "latin1.csv",
            b"e\xe9mail\nann@example.com\n".to_vec(),
            "not UTF-8",
        ),
        (
            "dtd.xml",
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<profiles><profile><email>&x;</email></profile></profiles>".to_vec(),
            "DTDs and entity declarations are refused",
        ),
        (
            "object.json",
            br#"{"email": "ann@example.com"}"#.to_vec(),
            "a JSON array of profiles",
        ),
    ];
    for (name, bytes, says) in cases {
        let path = file(&app, name, &bytes);
        let (ok, out, err) = import(&app, &[&path]);
        assert!(!ok, "{name}: {out}");
        assert!(err.contains(says), "{name} should say {says:?}: {err}");
        assert_eq!(app.count("profiles"), 0, "{name}");
    }
    assert_eq!(
        app.count("jobs"),
        0,
        "no job is made for a file refused up front"
    );

    // A JSON array broken half-way: the rows before the break are applied, and the command fails.
    let path = file(
        &app,
        "broken.json",
        br#"[{"email": "ann@example.com"}, {"email": "bo@example.com"}, {"email": "cy@exa"#,
    );
    let (ok, out, err) = import(&app, &[&path]);
    assert!(!ok, "{out}");
    assert!(err.contains("stops being readable after row 2"), "{err}");
    assert_eq!(app.count("profiles"), 2);

    // A quote left open makes the rest of a CSV one field: refused, not read into memory.
    let mut open_quote = b"email,firstName\nfay@example.com,\"Fay\n".to_vec();
    open_quote.extend(std::iter::repeat_n(b'x', 2 << 20));
    let path = file(&app, "open-quote.csv", &open_quote);
    let (ok, _, err) = import(&app, &[&path]);
    assert!(!ok);
    assert!(
        err.contains("a quote left open makes the rest of the file one field"),
        "{err}"
    );
    assert_eq!(app.count("profiles"), 2);

    // One element is held while it is read, so one far too large stops the file there.
    let mut huge =
        br#"[{"email": "dee@example.com"}, {"email": "ed@example.com", "attributes": {"x": ""#
            .to_vec();
    huge.extend(std::iter::repeat_n(b'a', 2 << 20));
    huge.extend_from_slice(br#""}}]"#);
    let path = file(&app, "huge.json", &huge);
    let (ok, _, err) = import(&app, &[&path]);
    assert!(!ok);
    assert!(err.contains("a profile larger than 1048576 bytes"), "{err}");
    assert_eq!(app.count("profiles"), 3, "the row before it is applied");
}

#[tokio::test]
async fn a_late_row_never_revives_a_newer_withdrawal() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let newer = file(
        &app,
        "newer.csv",
        b"email,newsletter_agreement,consentedAt\nann@example.com,no,2026-05-02 10:00:00\n",
    );
    assert!(import(&app, &[&newer]).0);
    // A nightly file from an older system state, with a fixed time for the whole file.
    let older = file(
        &app,
        "older.csv",
        b"email,newsletter_agreement\nann@example.com,yes\n",
    );
    let (ok, out, _) = import(&app, &[&older, "--consented-at", "2026-05-01T08:00:00Z"]);
    assert!(ok);
    assert!(out.contains("stale 1"), "{out}");
    assert_eq!(
        profile(&app, &key, "ann@example.com").await["attributes"]["newsletter_agreement"],
        "disabled"
    );
    let events = consents(&app, &key, "ann@example.com").await;
    assert_eq!(events.len(), 1, "only the refusal is recorded: {events:?}");
    assert!(
        events[0]["occurredAt"]
            .as_str()
            .unwrap()
            .starts_with("2026-05-02T10:00:00")
    );
}

/// The profiles, their consents and the number of events of each, as an import leaves them.
fn state(app: &TestApp) -> Vec<(String, String, String, i64)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        email: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        first_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        consents: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        events: i64,
    }
    use diesel::RunQueryDsl;
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT p.email, p.first_name, \
         COALESCE((SELECT string_agg(c.agreement_id || '=' || c.value, ',') FROM \
           (SELECT * FROM consents c WHERE c.profile_id = p.id ORDER BY c.agreement_id) c), '') AS consents, \
         (SELECT count(*) FROM consent_events e WHERE e.profile_id = p.id) AS events \
         FROM profiles p ORDER BY p.email",
    )
    .load(&mut app.conn())
    .or_else(|_| {
        // SQLite spells string_agg group_concat before 3.44.
        diesel::sql_query(
            "SELECT p.email, p.first_name, \
             COALESCE((SELECT group_concat(c.agreement_id || '=' || c.value, ',') FROM \
               (SELECT * FROM consents c WHERE c.profile_id = p.id ORDER BY c.agreement_id) c), '') AS consents, \
             (SELECT count(*) FROM consent_events e WHERE e.profile_id = p.id) AS events \
             FROM profiles p ORDER BY p.email",
        )
        .load(&mut app.conn())
    })
    .unwrap();
    rows.into_iter()
        .map(|r| (r.email, r.first_name, r.consents, r.events))
        .collect()
}

#[tokio::test]
async fn an_import_killed_mid_file_resumes_and_ends_as_an_uninterrupted_one() {
    let mut csv =
        b"email,firstName,newsletter_agreement,sms_agreement,push_agreement,consentedAt\n".to_vec();
    for i in 0..6000 {
        csv.extend_from_slice(
            format!(
                "p{i}@example.com,P{i},{},{},{},2026-05-01 12:00:00\n",
                i % 2,
                i % 3 == 0,
                if i % 5 == 0 { "yes" } else { "no" }
            )
            .as_bytes(),
        );
        if i % 1000 == 7 {
            csv.extend_from_slice(b"broken-row\n");
        }
    }
    let small = [("ASSENT_IMPORT_CHUNK_ROWS", "200")];

    // The run that is killed: stopped (SIGSTOP) as soon as its first chunks are committed, so it
    // cannot finish before the kill, then killed with SIGKILL.
    let app = TestApp::spawn().await;
    let path = file(&app, "big.csv", &csv);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_assent"))
        .args(["import", &path])
        .env("ASSENT_DATABASE_URL", &app.db.url)
        .env("ASSENT_DATA_DIR", &app.data_dir)
        .env("ASSENT_IMPORT_CHUNK_ROWS", "200")
        .env("ASSENT_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let done = || {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Done {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            done: i64,
        }
        diesel::sql_query("SELECT done FROM jobs")
            .load::<Done>(&mut app.conn())
            .ok()
            .and_then(|d| d.first().map(|d| d.done))
            .unwrap_or(0)
    };
    eventually("the import has committed its first rows", || done() >= 400).await;
    // SAFETY: signalling our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGSTOP) };
    let at_kill = done();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        at_kill < 6006,
        "the import was killed mid-file (at row {at_kill})"
    );
    assert!(app.count("profiles") > 0 && app.count("profiles") < 6000);

    // The same command again resumes the job after its last committed row.
    let out = app.cli_env(&["import", &path], &small);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains(&format!("after row {at_kill}")), "{stderr}");
    assert!(
        stdout.contains("created 6000, updated 0, unchanged 0, stale 0, rejected 6"),
        "{stdout}"
    );
    assert_eq!(app.count("jobs"), 1, "the same job, resumed");
    assert_eq!(app.count("job_rows"), 6, "each bad row reported once");
    assert!(app.cli(&["ledger", "verify"]).status.success());

    // An uninterrupted run of the same file ends in the same state.
    let clean = TestApp::spawn().await;
    let path = file(&clean, "big.csv", &csv);
    let out = clean.cli_env(&["import", &path], &small);
    assert!(out.status.success());
    assert_eq!(state(&app), state(&clean));
    assert_eq!(app.count("consent_events"), clean.count("consent_events"));
}

/// Uploads a file through the dashboard's form, with the CSRF token of the imports page unless told
/// otherwise: (status, body, Location).
pub async fn upload(
    b: &crate::helpers::browser::Browser,
    app: &TestApp,
    name: &str,
    bytes: &[u8],
    csrf: Option<&str>,
) -> (u16, String, Option<String>) {
    upload_from(b, app, name, bytes, csrf, "").await
}

/// `upload`, saying which tool the file was exported from ("" for none).
pub async fn upload_from(
    b: &crate::helpers::browser::Browser,
    app: &TestApp,
    name: &str,
    bytes: &[u8],
    csrf: Option<&str>,
    from: &str,
) -> (u16, String, Option<String>) {
    let (_, page, _) = b.get("/admin/imports").await;
    let token = csrf.map_or_else(|| crate::helpers::browser::csrf(&page), str::to_string);
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("format", "auto")
        .text("delimiter", "auto")
        .text("from", from.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    let r = b
        .http
        .post(app.url("/admin/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), r.text().await.unwrap(), location)
}

#[tokio::test]
async fn an_admin_uploads_maps_and_follows_an_import_in_the_dashboard() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let csv = "E-mail;Vorname;Newsletter;Shoe size\n\
               ann@example.com;Ann;ja;38\n\
               bo@example.com;Bo;nein;44\n\
               broken;X;1;1\n";
    let (status, body, location) =
        upload(&admin, &app, "crm export.csv", csv.as_bytes(), None).await;
    assert_eq!(status, 303, "{body}");
    let job_page = location.unwrap();

    // The mapping page shows the first rows and guesses what it can.
    let (status, page, _) = admin.get(&job_page).await;
    assert_eq!(status, 200);
    assert!(page.contains("<td>ann@example.com</td>"), "{page}");
    assert!(
        page.contains(r#"<option value="email" selected>"#),
        "E-mail is taken for email: {page}"
    );
    assert!(
        page.contains(r#"<option value="attributes.Shoe size" selected>"#),
        "{page}"
    );

    // A value that is no consent value ("ja") is the row's problem, shown after the run; a wrong time
    // is refused before anything starts.
    let mapping = [
        ("col_0", "E-mail"),
        ("map_0", "email"),
        ("col_1", "Vorname"),
        ("map_1", "firstName"),
        ("col_2", "Newsletter"),
        ("map_2", "newsletter_agreement"),
        ("col_3", "Shoe size"),
        ("map_3", "attributes.shoe_size"),
    ];
    let mut bad_time = mapping.to_vec();
    bad_time.push(("consented_at", "yesterday"));
    let start = format!("{job_page}/start");
    let (status, page, _) = admin.submit(&job_page, &start, &bad_time).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Consent time:"), "{page}");
    assert_eq!(app.count("profiles"), 0);

    let mut ok = mapping.to_vec();
    ok.push(("consented_at", "2026-05-01 09:30:00"));
    let (status, _, location) = admin.submit(&job_page, &start, &ok).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some(job_page.as_str()))
    );
    let mut last = String::new();
    for _ in 0..200 {
        let (_, page, _) = admin.get(&job_page).await;
        if page.contains("Status: <strong>done</strong>") {
            last = page;
            break;
        }
        assert!(
            page.contains(r#"<meta http-equiv="refresh" content="2">"#)
                || page.contains("Status: <strong>queued"),
            "a running import's page refreshes itself: {page}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(last.contains("3 of 3 rows (100%)"), "{last}");
    assert!(
        !last.contains("http-equiv=\"refresh\""),
        "a finished import's page stays still"
    );
    assert!(
        last.contains(
            "<td>1</td><td>rejected</td><td>Newsletter: &#34;ja&#34; is not a consent value"
        ),
        "the refused rows are listed: {last}"
    );

    // Every refused row is in the downloadable report.
    let (status, report, _) = admin.get(&format!("{job_page}/errors.csv")).await;
    assert_eq!(status, 200);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "row,outcome,message");
    assert!(
        lines.iter().any(
            |l| l.starts_with("1,rejected,") && l.contains("\"\"ja\"\" is not a consent value")
        ),
        "{report}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("3,rejected,") && l.contains("email")),
        "{report}"
    );
    // Bo's "nein" is no consent value either; nobody was created from a bad row.
    assert_eq!(app.count("profiles"), 0, "{report}");

    // The uploaded file is gone once the job has ended.
    assert_eq!(
        std::fs::read_dir(app.data_dir.join("imports"))
            .unwrap()
            .count(),
        0
    );
    let _ = key;
}

#[tokio::test]
async fn the_import_pages_are_for_admins_and_uploads_need_the_form_token() {
    let app = TestApp::spawn().await;
    let marketer = crate::helpers::browser::staff(&app, "m@example.com", "marketer").await;
    let (status, _, _) = marketer.get("/admin/imports").await;
    assert_eq!(status, 403);
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let (status, page, _) = upload(
        &admin,
        &app,
        "a.csv",
        b"email\nann@example.com\n",
        Some("forged"),
    )
    .await;
    assert_eq!(status, 403, "{page}");
    assert_eq!(app.count("jobs"), 0);
    assert!(
        !app.data_dir.join("imports").exists()
            || std::fs::read_dir(app.data_dir.join("imports"))
                .unwrap()
                .count()
                == 0
    );
    // A file that is not UTF-8 is refused at once, with the reason.
    let (status, page, _) =
        upload(&admin, &app, "a.csv", b"e\xe9mail\nann@example.com\n", None).await;
    assert_eq!(status, 422);
    assert!(page.contains("not UTF-8"), "{page}");
    assert_eq!(app.count("jobs"), 0);

    // No file, or two files in one upload: a clear answer, and nothing kept.
    let (_, page, _) = admin.get("/admin/imports").await;
    let token = crate::helpers::browser::csrf(&page);
    let send = |form: reqwest::multipart::Form| {
        let req = admin.http.post(app.url("/admin/imports")).multipart(form);
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let part = |name: &str| {
        reqwest::multipart::Part::bytes(b"email\nann@example.com\n".to_vec())
            .file_name(name.to_string())
    };
    let (status, page) =
        send(reqwest::multipart::Form::new().text("csrf_token", token.clone())).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("Choose a file to import."), "{page}");
    let two = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part("file", part("a.csv"))
        .part("file", part("b.csv"));
    let (status, page) = send(two).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("Upload one file at a time."), "{page}");
    assert_eq!(app.count("jobs"), 0);
    let left = std::fs::read_dir(app.data_dir.join("imports")).map_or(0, |d| d.count());
    assert_eq!(left, 0, "no uploaded file is left behind");
}

/// `/admin/imports/{id}/cancel` cancels imports only: given the id of another kind of job (a send-file
/// run), it answers 404 and leaves that job as it was, with nothing audited.
#[tokio::test]
async fn cancelling_an_import_leaves_other_kinds_of_jobs_alone() {
    use assent::db::models::jobs;
    let app = TestApp::spawn().await;
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let now = assent::db::now();
    let id = jobs::create(
        &mut app.conn(),
        &jobs::NewJob {
            kind: "sendfile",
            params: "{}",
            status: jobs::JobStatus::Draft,
            node: None,
            created_by: "test",
            created_at: now,
            updated_at: now,
        },
    )
    .unwrap();
    let (status, _, _) = admin
        .submit(
            "/admin/imports",
            &format!("/admin/imports/{id}/cancel"),
            &[],
        )
        .await;
    assert_eq!(status, 404);
    let job = jobs::find(&mut app.conn(), id).unwrap().unwrap();
    assert_eq!(
        job.status.as_str(),
        "draft",
        "the send-file's job was not cancelled"
    );
    let audited: i64 = {
        use assent::db::schema::audit_log;
        use diesel::prelude::*;
        audit_log::table
            .filter(audit_log::action.eq("import.cancel"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(audited, 0, "no import was cancelled, so none is audited");
}
