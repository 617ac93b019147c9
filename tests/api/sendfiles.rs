//! Scheduled send-files to a real HTTP receiver in the test process: the file equals `assent export`,
//! "changed only" sends only what changed since the last success, a failed run is retried and never
//! counted a success, the schedule runs by itself, and two nodes never run one schedule twice.

use crate::helpers::receiver::{Receiver, Reply};
use crate::helpers::*;
use serde_json::json;

/// Runs `assent` on the test's database off this (single-threaded) runtime, so the in-process server
/// and receiver keep answering while it runs.
pub async fn cli(app: &TestApp, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut all_env = vec![ALLOW];
    all_env.extend_from_slice(env);
    let mut cmd = app.db.command(args, &all_env);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

pub async fn people(app: &TestApp, items: serde_json::Value) {
    let key = app.api_key().await;
    let r = app
        .http
        .post(app.url("/v4/clients/batch"))
        .bearer_auth(&key)
        .json(&items)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
}

#[tokio::test]
async fn a_send_file_carries_the_export_and_then_only_what_changed() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start_plain().await;
    people(
        &app,
        json!([
            {"email": "ann@example.com", "firstName": "Ann", "agreements": {"email": true}},
            {"email": "bob@example.com", "agreements": {"email": false}},
            {"email": "cy@example.com", "agreements": {"email": true, "sms": true}},
        ]),
    )
    .await;
    let (ok, out) = cli(
        &app,
        &[
            "sendfile",
            "add",
            "--name",
            "crm-nightly",
            "--target",
            &rx.url,
            "--agreement",
            "newsletter_agreement",
            "--status",
            "enabled",
            "--every",
            "1d",
            "--at",
            "02:30",
            "--changed-only",
        ],
        &[],
    )
    .await;
    assert!(ok, "{out}");
    assert!(out.contains("daily at 02:30 UTC"), "{out}");

    let token = ("ASSENT_SENDFILE_TOKEN_CRM_NIGHTLY", "s3cret");
    let (ok, out) = cli(&app, &["sendfile", "run", "crm-nightly"], &[token]).await;
    assert!(ok, "{out}");
    assert!(out.contains("Sent 2 rows"), "{out}");
    let files = rx.files();
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(f.method, "POST");
    assert_eq!(f.header("authorization"), Some("Bearer s3cret"));
    assert!(f.header("content-type").unwrap().starts_with("text/csv"));
    // The same bytes as `assent export` of the same filter.
    let export = app.cli(&[
        "export",
        "--agreement",
        "newsletter_agreement",
        "--status",
        "enabled",
    ]);
    assert_eq!(f.body, String::from_utf8_lossy(&export.stdout));
    assert!(f.body.contains("ann@example.com") && f.body.contains("cy@example.com"));
    assert!(!f.body.contains("bob@example.com"));

    // Nothing changed: only the header goes.
    let (ok, out) = cli(&app, &["sendfile", "run", "crm-nightly"], &[]).await;
    assert!(ok, "{out}");
    assert!(out.contains("Sent 0 rows"), "{out}");
    assert_eq!(rx.files()[1].body.lines().count(), 1, "the header only");
    // Bob opts in: the next file holds only him.
    people(
        &app,
        json!([{"email": "bob@example.com", "agreements": {"email": true}}]),
    )
    .await;
    let (ok, out) = cli(&app, &["sendfile", "run", "crm-nightly"], &[]).await;
    assert!(ok, "{out}");
    let body = &rx.files()[2].body;
    assert_eq!(body.lines().count(), 2, "{body}");
    assert!(body.contains("bob@example.com"));
    assert_eq!(
        app.count("jobs WHERE kind = 'sendfile' AND status = 'done'"),
        3
    );
    let (_, listed) = cli(&app, &["sendfile", "list"], &[]).await;
    assert!(
        listed.contains("crm-nightly") && listed.contains("last success"),
        "{listed}"
    );
}

#[tokio::test]
async fn a_failed_run_says_why_is_retried_and_is_never_counted_a_success() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start_plain().await;
    people(
        &app,
        json!([{"email": "ann@example.com", "agreements": {"email": true}}]),
    )
    .await;
    let (ok, out) = cli(
        &app,
        &[
            "sendfile",
            "add",
            "--name",
            "flaky",
            "--target",
            &rx.url,
            "--changed-only",
            "--every",
            "6h",
        ],
        &[],
    )
    .await;
    assert!(ok, "{out}");
    rx.script([Reply::Status(503)]);
    let (ok, out) = cli(&app, &["sendfile", "run", "flaky"], &[]).await;
    assert!(!ok, "{out}");
    assert!(out.contains("503"), "{out}");
    assert_eq!(
        app.count("jobs WHERE kind = 'sendfile' AND status = 'failed' AND error LIKE '%503%'"),
        1
    );
    assert_eq!(
        app.count("sendfiles WHERE failures = 1 AND last_success_at IS NULL"),
        1,
        "the failure is counted and \"changed since\" did not move"
    );
    // The retry comes within minutes, not at the next scheduled time.
    assert_eq!(
        app.count(&format!(
            "sendfiles WHERE next_run_at <= '{}'",
            (chrono::Utc::now() + chrono::TimeDelta::minutes(2)).format("%Y-%m-%d %H:%M:%S")
        )),
        1
    );
    // A receiver that is down.
    let (ok, out) = cli(
        &app,
        &[
            "sendfile",
            "add",
            "--name",
            "down",
            "--target",
            "http://127.0.0.1:9/x",
        ],
        &[],
    )
    .await;
    assert!(ok, "{out}");
    let (ok, out) = cli(&app, &["sendfile", "run", "down"], &[]).await;
    assert!(!ok && out.contains("cannot send"), "{out}");
    // The next success still carries what the failed run did not deliver.
    let (ok, out) = cli(&app, &["sendfile", "run", "flaky"], &[]).await;
    assert!(ok, "{out}");
    assert!(rx.files().last().unwrap().body.contains("ann@example.com"));

    // Bad input when adding.
    for (args, says) in [
        (vec!["--target", "ftp://example.com/x"], "ftp"),
        (vec!["--target", "sftp://u@example.com/x"], "sftp"),
        (vec!["--target", &rx.url, "--every", "3w"], "3w"),
        (vec!["--target", &rx.url, "--at", "25:00"], "25:00"),
        (vec!["--target", &rx.url, "--agreement", "nope"], "nope"),
        (vec!["--target", &rx.url, "--audience", "nobody"], "nobody"),
    ] {
        let mut all = vec!["sendfile", "add", "--name", "bad"];
        all.extend(args);
        let (ok, out) = cli(&app, &all, &[]).await;
        assert!(!ok && out.contains(says), "{all:?}: {out}");
    }
    let out = app.cli(&[
        "sendfile",
        "add",
        "--name",
        "inside",
        "--target",
        "http://127.0.0.1:9/x",
    ]);
    assert!(
        !out.status.success(),
        "refused without ASSENT_ALLOW_PRIVATE_TARGETS"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("ASSENT_ALLOW_PRIVATE_TARGETS"));
    let (ok, out) = cli(
        &app,
        &["sendfile", "add", "--name", "flaky", "--target", &rx.url],
        &[],
    )
    .await;
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = cli(&app, &["sendfile", "run", "ghost"], &[]).await;
    assert!(!ok && out.contains("no send-file named ghost"), "{out}");
}

#[tokio::test]
async fn due_schedules_run_by_themselves_once_even_with_two_nodes() {
    let db = TestDb::new();
    let rx = Receiver::start_plain().await;
    let env = [(ALLOW.0, ALLOW.1.to_string())];
    // One after the other: the first migrates the new database.
    let a = Binary::start(&db, Binary::free_port(), &env, false);
    a.ready().await;
    let b = Binary::start(&db, Binary::free_port(), &env, false);
    b.ready().await;
    let out = db
        .command(
            &[
                "sendfile", "add", "--name", "hourly", "--target", &rx.url, "--every", "1h",
            ],
            &[ALLOW],
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Its time comes.
    diesel::connection::SimpleConnection::batch_execute(
        &mut conn_to(&db),
        "UPDATE sendfiles SET next_run_at = created_at",
    )
    .unwrap();
    eventually("the scheduled run is done", || {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'sendfile' AND status = 'done'",
        )
        .get_result::<N>(&mut conn_to(&db))
        .map(|r| r.n == 1)
        .unwrap_or(false)
    })
    .await;
    // Both nodes look at due schedules every second; the one that moved it on ran it, and it is not
    // due again for an hour.
    assert_eq!(rx.files().len(), 1);
    let mut c = conn_to(&db);
    let runs: i64 = {
        use assent::db::schema::jobs::dsl::*;
        use diesel::prelude::*;
        jobs.filter(kind.eq("sendfile"))
            .count()
            .get_result(&mut c)
            .unwrap()
    };
    assert_eq!(runs, 1);
    drop((a, b));
}

#[tokio::test]
async fn an_admin_schedules_and_runs_a_send_file_in_the_dashboard() {
    let app = TestApp::allowing_private_targets().await;
    let marketer = crate::helpers::browser::staff(&app, "m@example.com", "marketer").await;
    assert_eq!(marketer.get("/admin/sendfiles").await.0, 403);
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    people(
        &app,
        json!([{"email": "ann@example.com", "agreements": {"email": true}}]),
    )
    .await;
    let rx = Receiver::start_plain().await;
    let form = |target: &str| {
        vec![
            ("name", "shop"),
            ("target", target),
            ("method", "PUT"),
            ("agreement", "newsletter_agreement"),
            ("status", "enabled"),
            ("every", "6h"),
            ("at", "01:15"),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect::<Vec<_>>()
    };
    let bad = form("gopher://shop.example/");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page, _) = admin
        .submit("/admin/sendfiles", "/admin/sendfiles", &bad)
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("gopher"), "{page}");
    let good = form(&rx.url);
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _) = admin
        .submit("/admin/sendfiles", "/admin/sendfiles", &good)
        .await;
    assert_eq!(status, 303);
    let (_, page, _) = admin.get("/admin/sendfiles").await;
    assert!(page.contains("every 6 h at 01:15 UTC"), "{page}");

    let (status, _, location) = admin
        .submit("/admin/sendfiles", "/admin/sendfiles/shop/run", &[])
        .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/admin/sendfiles?started=shop"));
    eventually("the run is done", || {
        app.count("jobs WHERE kind = 'sendfile' AND status = 'done'") == 1
    })
    .await;
    let files = rx.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].method, "PUT");
    assert!(files[0].body.contains("ann@example.com"));
    let (_, page, _) = admin.get("/admin/sendfiles").await;
    assert!(
        page.contains("<td>done</td>") && page.contains("<td>1</td>"),
        "{page}"
    );
    assert_eq!(
        admin
            .submit("/admin/sendfiles", "/admin/sendfiles/ghost/run", &[])
            .await
            .0,
        404
    );
    let (_, audit, _) = admin.get("/admin/audit").await;
    assert!(
        audit.contains("sendfile.add") && audit.contains("sendfile.run"),
        "{audit}"
    );
}

/// A signed-in admin to share between simultaneous requests, with the CSRF token of the send-files page.
async fn admin_with_token(
    app: &TestApp,
) -> (std::sync::Arc<crate::helpers::browser::Browser>, String) {
    let admin = std::sync::Arc::new(
        crate::helpers::browser::staff(app, "admin@example.com", "admin").await,
    );
    let (_, page, _) = admin.get("/admin/sendfiles").await;
    let token = crate::helpers::browser::csrf(&page);
    (admin, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_run_requests_start_one_run_and_admins_pause_resume_and_delete() {
    let app = TestApp::allowing_private_targets().await;
    let rx = Receiver::start_plain().await;
    // The first file is held unanswered until the test lets go, so its run stays open throughout.
    let gate = std::sync::Arc::new(tokio::sync::Notify::new());
    rx.script([Reply::Hold(gate.clone())]);
    let (ok, out) = cli(
        &app,
        &["sendfile", "add", "--name", "hold", "--target", &rx.url],
        &[],
    )
    .await;
    assert!(ok, "{out}");
    let (admin, token) = admin_with_token(&app).await;
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let (b, token) = (admin.clone(), token.clone());
        set.spawn(async move {
            b.post(
                "/admin/sendfiles/hold/run",
                &[("csrf_token", token.as_str())],
            )
            .await
            .0
        });
    }
    let answers = set.join_all().await;
    let started = answers.iter().filter(|s| **s == 303).count();
    let refused = answers.iter().filter(|s| **s == 409).count();
    assert_eq!((started, refused), (1, 99), "{answers:?}");
    assert_eq!(app.count("jobs WHERE kind = 'sendfile'"), 1);
    gate.notify_one();
    eventually("the one run is done", || {
        app.count("jobs WHERE kind = 'sendfile' AND status = 'done'") == 1
    })
    .await;
    assert_eq!(rx.files().len(), 1);

    // Paused: no scheduled runs, shown as such; resumed: scheduled again; deleted: gone, runs kept.
    let act = |what: &'static str| {
        let (b, token) = (admin.clone(), token.clone());
        async move {
            b.post(
                &format!("/admin/sendfiles/hold/{what}"),
                &[("csrf_token", token.as_str())],
            )
            .await
        }
    };
    let (status, _, location) = act("pause").await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some("/admin/sendfiles?name=hold&done=paused")
    );
    assert_eq!(app.count("sendfiles WHERE paused_at IS NOT NULL"), 1);
    let (_, page, _) = admin.get("/admin/sendfiles").await;
    assert!(
        page.contains("<td>paused</td>") && page.contains(">Resume<"),
        "{page}"
    );
    let (_, listed) = cli(&app, &["sendfile", "list"], &[]).await;
    assert!(listed.contains("(paused)"), "{listed}");
    // A time missed while paused is not made up: resuming schedules from now.
    app.exec("UPDATE sendfiles SET next_run_at = '2000-01-01 00:00:00'");
    assert_eq!(act("resume").await.0, 303);
    assert_eq!(
        app.count("sendfiles WHERE paused_at IS NULL AND next_run_at > '2001-01-01'"),
        1,
        "resuming schedules the next run from now, not the missed one"
    );
    assert_eq!(act("delete").await.0, 303);
    assert_eq!(app.count("sendfiles"), 0);
    assert_eq!(app.count("jobs WHERE kind = 'sendfile'"), 1);
    assert_eq!(act("pause").await.0, 404);
    assert_eq!(act("explode").await.0, 404);
    let (_, audit, _) = admin.get("/admin/audit").await;
    for a in ["sendfile.pause", "sendfile.resume", "sendfile.delete"] {
        assert!(audit.contains(a), "{a}: {audit}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_pauses_resumes_deletes_and_key_forgets_each_happen_once() {
    let app = TestApp::allowing_private_targets().await;
    let (ok, out) = cli(
        &app,
        &[
            "sendfile",
            "add",
            "--name",
            "gone",
            "--target",
            "http://127.0.0.1:9/in",
        ],
        &[],
    )
    .await;
    assert!(ok, "{out}");
    app.exec("UPDATE sendfiles SET host_key = 'ssh-ed25519 SHA256:pinned'");
    let (admin, token) = admin_with_token(&app).await;
    let at_once = |what: &'static str| {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..40 {
            let (b, token) = (admin.clone(), token.clone());
            set.spawn(async move {
                b.post(
                    &format!("/admin/sendfiles/gone/{what}"),
                    &[("csrf_token", token.as_str())],
                )
                .await
                .0
            });
        }
        set.join_all()
    };
    // Pausing and resuming: every request answers, each happens (and is audited) once, and a resume
    // asked for again does not move the schedule.
    let answers = at_once("pause").await;
    assert!(answers.iter().all(|s| *s == 303), "{answers:?}");
    assert_eq!(app.count("audit_log WHERE action = 'sendfile.pause'"), 1);
    assert_eq!(app.count("sendfiles WHERE paused_at IS NOT NULL"), 1);
    let answers = at_once("resume").await;
    assert!(answers.iter().all(|s| *s == 303), "{answers:?}");
    assert_eq!(app.count("audit_log WHERE action = 'sendfile.resume'"), 1);
    assert_eq!(app.count("sendfiles WHERE paused_at IS NULL"), 1);
    // Forgetting the pinned key: every request answers, the key is forgotten once.
    let answers = at_once("forget-host-key").await;
    assert!(answers.iter().all(|s| *s == 303), "{answers:?}");
    assert_eq!(
        app.count("audit_log WHERE action = 'sendfile.forget_host_key'"),
        1
    );
    assert_eq!(app.count("sendfiles WHERE host_key IS NULL"), 1);
    // Deleting: one request deletes, the others find nothing to delete.
    let answers = at_once("delete").await;
    let deleted = answers.iter().filter(|s| **s == 303).count();
    let missing = answers.iter().filter(|s| **s == 404).count();
    assert_eq!((deleted, missing), (1, 39), "{answers:?}");
    assert_eq!(app.count("audit_log WHERE action = 'sendfile.delete'"), 1);
    assert_eq!(app.count("sendfiles"), 0);
}
