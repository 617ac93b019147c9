//! Send-files to a real OpenSSH server (see `sshd.rs`): the remote file is the export, complete (never a
//! `.part` left behind); the host key is pinned on first use and a changed one fails runs visibly until
//! an admin forgets it; a refused key and a server that is down are failures that say why.

use crate::helpers::*;
use crate::sendfiles::{cli, people};
use crate::sshd::{Sshd, fingerprint, keygen};
use serde_json::json;

#[tokio::test]
async fn an_sftp_send_file_writes_the_export_and_pins_the_host_key() {
    let app = TestApp::allowing_private_targets().await;
    let Some(sshd) = Sshd::start().await else {
        return;
    };
    people(
        &app,
        json!([
            {"email": "ann@example.com", "agreements": {"email": true}},
            {"email": "bob@example.com", "agreements": {"email": false}},
            {"email": "cy@example.com", "agreements": {"email": true}},
        ]),
    )
    .await;
    let key = sshd.key.display().to_string();
    let target = sshd.target("consents-{date}.csv");
    let (ok, out) = cli(
        &app,
        &[
            "sendfile",
            "add",
            "--name",
            "vault",
            "--target",
            &target,
            "--key",
            &key,
            "--agreement",
            "newsletter_agreement",
        ],
        &[],
    )
    .await;
    assert!(ok, "{out}");
    let (ok, out) = cli(&app, &["sendfile", "run", "vault"], &[]).await;
    assert!(ok, "{out}\nsshd: {}", sshd.log());
    assert!(out.contains("Sent 2 rows"), "{out}");

    // One complete file named for the run's date, holding exactly what `assent export` gives.
    let files = sshd.files();
    assert_eq!(files.len(), 1, "{files:?}");
    let (name, body) = &files[0];
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let yesterday = (chrono::Utc::now() - chrono::TimeDelta::days(1))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        *name == format!("consents-{today}.csv") || *name == format!("consents-{yesterday}.csv"),
        "{name}"
    );
    let export = app.cli(&["export", "--agreement", "newsletter_agreement"]);
    assert!(export.status.success());
    assert_eq!(body, &String::from_utf8_lossy(&export.stdout));
    assert!(body.contains("ann@example.com") && !body.contains("bob@example.com"));

    // The pinned key is the server's, as ssh-keygen fingerprints it.
    let pinned = fingerprint(&sshd.host_key());
    let (_, listed) = cli(&app, &["sendfile", "list"], &[]).await;
    assert!(listed.contains(&format!("host key {pinned}")), "{listed}");
    let admin = crate::helpers::browser::staff(&app, "admin@example.com", "admin").await;
    let (_, page, _) = admin.get("/admin/sendfiles").await;
    assert!(page.contains(&pinned), "{page}");

    // The server's key changes: runs fail, say so, write nothing and count nothing as a success.
    sshd.new_host_key();
    let (ok, out) = cli(&app, &["sendfile", "run", "vault"], &[]).await;
    assert!(!ok);
    assert!(
        out.contains("host key changed") && out.contains(&pinned),
        "{out}"
    );
    assert_eq!(sshd.files().len(), 1);
    assert_eq!(app.count("sendfiles WHERE failures = 1"), 1);
    let (_, page, _) = admin.get("/admin/sendfiles").await;
    assert!(
        page.contains("host key changed") && page.contains("1 failed in a row"),
        "{page}"
    );

    // The admin accepts the new key; a run from the dashboard (the server's own runner) pins it.
    let (status, _, location) = admin
        .submit(
            "/admin/sendfiles",
            "/admin/sendfiles/vault/forget-host-key",
            &[],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some("/admin/sendfiles?forgot=vault"));
    let (status, _, _) = admin
        .submit("/admin/sendfiles", "/admin/sendfiles/vault/run", &[])
        .await;
    assert_eq!(status, 303);
    eventually("the dashboard's run is done", || {
        app.count("jobs WHERE kind = 'sendfile' AND status = 'done' AND error IS NULL") == 2
    })
    .await;
    let renewed = fingerprint(&sshd.host_key());
    assert_ne!(renewed, pinned);
    let (_, listed) = cli(&app, &["sendfile", "list"], &[]).await;
    assert!(listed.contains(&format!("host key {renewed}")), "{listed}");
    assert_eq!(app.count("sendfiles WHERE failures = 0"), 1);
    let (_, audit, _) = admin.get("/admin/audit").await;
    assert!(audit.contains("sendfile.forget_host_key"), "{audit}");
    let (status, page, _) = admin
        .submit(
            "/admin/sendfiles",
            "/admin/sendfiles/ghost/forget-host-key",
            &[],
        )
        .await;
    assert_eq!(status, 404);
    assert!(page.contains("there is no send-file named ghost"), "{page}");
}

#[tokio::test]
async fn a_refused_key_or_a_server_that_is_down_fails_the_run_with_the_reason() {
    let app = TestApp::allowing_private_targets().await;
    let Some(mut sshd) = Sshd::start().await else {
        return;
    };
    people(
        &app,
        json!([{"email": "ann@example.com", "agreements": {"email": true}}]),
    )
    .await;
    // An RSA key the server does not know yet.
    let rsa = keygen(&sshd.dir, "rsa_key", "rsa");
    let target = sshd.target("out/{date}-{time}.csv");
    std::fs::create_dir_all(sshd.dir.join("files/out")).unwrap();
    let rsa_path = rsa.display().to_string();
    let (ok, out) = cli(
        &app,
        &[
            "sendfile", "add", "--name", "crm", "--target", &target, "--key", &rsa_path,
        ],
        &[],
    )
    .await;
    assert!(ok, "{out}");
    let (ok, out) = cli(&app, &["sendfile", "run", "crm"], &[]).await;
    assert!(!ok);
    assert!(
        out.contains(&format!(
            "refused the key {rsa_path} for user {}",
            sshd.user
        )),
        "{out}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(sshd.dir.join("files/out"))
        .unwrap()
        .collect();
    assert!(leftovers.is_empty(), "nothing written: {leftovers:?}");

    // Authorized, the RSA key logs in (rsa-sha2 signatures) and the file arrives.
    sshd.authorize(&rsa);
    let (ok, out) = cli(&app, &["sendfile", "run", "crm"], &[]).await;
    assert!(ok, "{out}\nsshd: {}", sshd.log());
    let out_dir: Vec<String> = std::fs::read_dir(sshd.dir.join("files/out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(out_dir.len(), 1, "{out_dir:?}");
    assert!(
        out_dir[0].ends_with(".csv") && !out_dir[0].contains(".part"),
        "{out_dir:?}"
    );

    // Down: the run fails, says it cannot connect, and waits for its retry.
    sshd.stop().await;
    let (ok, out) = cli(&app, &["sendfile", "run", "crm"], &[]).await;
    assert!(!ok);
    assert!(out.contains("cannot connect to 127.0.0.1"), "{out}");
    assert_eq!(app.count("sendfiles WHERE failures = 1"), 1);
}

#[test]
fn bad_sftp_send_files_are_refused_when_added() {
    let db = TestDb::migrated();
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let out = db.command(args, env).output().unwrap();
        assert!(!out.status.success(), "{args:?} was accepted");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let add = |target: &str| {
        vec![
            "sendfile".to_string(),
            "add".into(),
            "--name".into(),
            "x".into(),
            "--target".into(),
            target.into(),
        ]
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let allow = [ALLOW];
    let e = run(&args(&add("sftp://files.example.com/x.csv")), &allow);
    assert!(e.contains("user name is missing"), "{e}");
    let e = run(&args(&add("sftp://u:pw@files.example.com/x.csv")), &allow);
    assert!(e.contains("ASSENT_SENDFILE_PASSWORD_"), "{e}");
    // Neither a key nor a password.
    let e = run(&args(&add("sftp://u@127.0.0.1/x.csv")), &allow);
    assert!(
        e.contains("--key FILE") && e.contains("ASSENT_SENDFILE_PASSWORD_X"),
        "{e}"
    );
    // A key file that is missing, or not a key.
    let mut missing = add("sftp://u@127.0.0.1/x.csv");
    missing.extend(["--key".into(), "/nonexistent/id_ed25519".into()]);
    let e = run(&args(&missing), &allow);
    assert!(
        e.contains("cannot read the key file /nonexistent/id_ed25519"),
        "{e}"
    );
    let not_key = db.dir().join("not-a-key");
    std::fs::write(&not_key, "hello").unwrap();
    let mut bad = add("sftp://u@127.0.0.1/x.csv");
    bad.extend(["--key".into(), not_key.display().to_string()]);
    let e = run(&args(&bad), &allow);
    assert!(e.contains("is not an OpenSSH or PEM private key"), "{e}");
    // A private address without ASSENT_ALLOW_PRIVATE_TARGETS.
    let e = run(
        &args(&add("sftp://u@127.0.0.1/x.csv")),
        &[("ASSENT_SENDFILE_PASSWORD_X", "pw")],
    );
    assert!(e.contains("ASSENT_ALLOW_PRIVATE_TARGETS"), "{e}");
    let listed = db.command(&["sendfile", "list"], &[]).output().unwrap();
    assert!(
        listed.status.success() && listed.stdout.is_empty(),
        "nothing was added"
    );
}
