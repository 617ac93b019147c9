use crate::helpers::*;
use std::process::Command;

fn assent(env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assent"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn malformed_settings_stop_start_up_with_one_line_each() {
    let out = assent(
        &[
            ("ASSENT_DATABASE_URL", "mysql://db/x"),
            ("ASSENT_OPTIN_TTL_HOURS", "0"),
            ("ASSENT_MAIL_FROM", "not a mailbox"),
            ("ASSENT_METRICS_TOKEN", "short"),
        ],
        &["migrate"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    assert!(lines[0].contains("ASSENT_DATABASE_URL") && lines[0].contains("sqlite://"));
    assert!(lines.iter().any(|l| l.contains("ASSENT_MAIL_FROM")));
    assert!(lines.iter().any(|l| l.contains("ASSENT_OPTIN_TTL_HOURS")));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("ASSENT_METRICS_TOKEN") && l.contains("24 printable"))
    );
}

#[test]
fn a_database_that_cannot_be_reached_is_named_with_its_cause() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("unreachable-db");
    let data = dir.display().to_string();
    // Nothing listens on port 1.
    let out = assent(
        &[
            ("ASSENT_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
            ("ASSENT_DATA_DIR", &data),
        ],
        &["migrate"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PostgreSQL: cannot connect") && stderr.contains("127.0.0.1"),
        "{stderr}"
    );
    // A SQLite file in a folder that cannot be created.
    let out = assent(
        &[
            ("ASSENT_DATABASE_URL", "sqlite:///proc/assent/x.db"),
            ("ASSENT_DATA_DIR", &data),
        ],
        &["migrate"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SQLite"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn migrate_is_idempotent_and_help_explains_itself() {
    let app = TestApp::spawn().await;
    let out = app.cli(&["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("applied 0 migrations") && stdout.contains("up to date"),
        "{stdout}"
    );
    let help = assent(&[], &["--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    for word in ["serve", "migrate", "admin", "apikey", "ledger"] {
        assert!(text.contains(word), "{text}");
    }
}

#[test]
fn migrate_reports_what_it_applied_and_read_only_commands_never_change_the_schema() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("fresh-db-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.display().to_string();
    let url = format!("sqlite://{}", dir.join("assent.db").display());
    let env = [
        ("ASSENT_DATABASE_URL", url.as_str()),
        ("ASSENT_DATA_DIR", data.as_str()),
    ];

    // No database yet: the read-only command says so and creates nothing.
    let out = assent(&env, &["ledger", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no database at") && stderr.contains("assent migrate"),
        "{stderr}"
    );
    assert!(
        !dir.join("assent.db").exists(),
        "verify must not create a database"
    );

    // An empty, unmigrated database: refused with a clear message, left as it was.
    std::fs::create_dir_all(&dir).unwrap();
    assent::db::sqlite_multithread();
    <diesel::SqliteConnection as diesel::Connection>::establish(
        &dir.join("assent.db").to_string_lossy(),
    )
    .unwrap();
    let out = assent(&env, &["ledger", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("migrations pending") && stderr.contains("assent migrate"),
        "{stderr}"
    );
    let out = assent(&env, &["apikey", "create", "--name", "x"]);
    assert_eq!(out.status.code(), Some(1));

    // migrate applies them and says how many; a second run applies none.
    let out = assent(&env, &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let folders = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    assert!(
        stdout.contains(&format!("applied {folders} migrations")),
        "{stdout}"
    );
    let out = assent(&env, &["migrate"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("applied 0 migrations"));
    let out = assent(&env, &["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn request_logs_name_the_route_and_status_but_never_a_token_or_an_address() {
    let db = TestDb::new();
    let mail = MailServer::start().await;
    let env = [
        ("ASSENT_SMTP_URL", format!("smtp://127.0.0.1:{}", mail.port)),
        ("ASSENT_LOG", "debug".to_string()),
    ];
    let server = Binary::start(&db, Binary::free_port(), &env, true);
    server.ready().await;
    let http = reqwest::Client::new();
    let form = [
        ("email", "Secret.Person@example.com"),
        ("agreement", "newsletter_agreement"),
    ];
    let r = http
        .post(format!("{}/subscribe", server.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let email = mail.wait_for(1).await.remove(0);
    let confirm = email.link(&format!("{}/confirm/", server.base)).unwrap();
    let unsubscribe = email.unsubscribe_url();
    assert_eq!(http.post(&confirm).send().await.unwrap().status(), 200);
    let r = http
        .post(&unsubscribe)
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let missing = http
        .get(format!("{}/confirm/forged-token", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let log = server.log();
    for route in [
        "route=/subscribe",
        "route=/confirm/{token}",
        "route=/unsubscribe/{token}",
    ] {
        assert!(log.contains(route), "{route} in the log:\n{log}");
    }
    assert!(
        log.contains("status=200") && log.contains("status=404"),
        "{log}"
    );
    assert!(log.contains("micros="), "latency is logged: {log}");
    let confirm_token = confirm.rsplit('/').next().unwrap();
    let unsubscribe_token = unsubscribe.rsplit('/').next().unwrap();
    for secret in [
        confirm_token,
        unsubscribe_token,
        "forged-token",
        "Secret.Person",
        "example.com",
    ] {
        assert!(
            !log.contains(secret),
            "{secret:?} must not be logged:\n{log}"
        );
    }
}
