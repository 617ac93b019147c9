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
        ],
        &["migrate"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].contains("ASSENT_DATABASE_URL") && lines[0].contains("sqlite://"));
    assert!(lines.iter().any(|l| l.contains("ASSENT_MAIL_FROM")));
    assert!(lines.iter().any(|l| l.contains("ASSENT_OPTIN_TTL_HOURS")));
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
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    let help = assent(&[], &["--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    for word in ["serve", "migrate", "apikey", "ledger"] {
        assert!(text.contains(word), "{text}");
    }
}
