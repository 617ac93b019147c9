//! The anchored ledger: `assent ledger anchor`, `ledger verify --anchor FILE` and against the stored
//! anchors, the daily anchor sent by the `ledger.anchored` webhook, the receipts' inclusion proofs, and
//! anchors made while hundreds of changes are written. Anchors and proofs are also checked with hashlib
//! and PyJWT (`tests/anchor_check.py`, `tests/receipt_check.py`). Both engines.

use crate::helpers::*;
use serde_json::{Value, json};
use std::path::PathBuf;

/// `assent ledger anchor`: the anchor it printed, and a file holding it.
fn anchor(app: &TestApp) -> (Value, PathBuf) {
    let printed = app.db.cli_ok(&["ledger", "anchor"], &[]);
    let doc: Value = serde_json::from_str(&printed).expect("the anchor is JSON");
    let file = app
        .data_dir
        .join(format!("anchor-{}.json", rand::random::<u32>()));
    std::fs::write(&file, &printed).unwrap();
    (doc, file)
}

/// `assent ledger verify`, against the anchor in `file` or the stored ones: (exit code, output).
fn verify(app: &TestApp, file: Option<&std::path::Path>) -> (i32, String) {
    let mut args = vec!["ledger", "verify"];
    if let Some(f) = file {
        args.extend(["--anchor", f.to_str().unwrap()]);
    }
    let out = app.cli(&args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{text}");
    (out.status.code().unwrap_or(-1), text)
}

#[derive(diesel::QueryableByName)]
struct HeadRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    profile_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    hash: String,
}

/// Every profile's last event, read with plain SQL (not Assent's code), in profile order.
fn heads(app: &TestApp) -> Vec<(i64, i64, String)> {
    let rows: Vec<HeadRow> = diesel::RunQueryDsl::load(
        diesel::sql_query(
            "SELECT e.profile_id, e.id, e.hash FROM consent_events e WHERE e.id = \
             (SELECT max(id) FROM consent_events WHERE profile_id = e.profile_id) ORDER BY e.profile_id",
        ),
        &mut app.conn(),
    )
    .unwrap();
    rows.into_iter()
        .map(|r| (r.profile_id, r.id, r.hash))
        .collect()
}

/// The anchor checked by `tests/anchor_check.py` against the published keys and the heads read from
/// the database: the root it recomputed (`None` where the Python libraries are missing and allowed to
/// be).
async fn independently_checked(app: &TestApp, file: &std::path::Path) -> Option<String> {
    let (status, keys) = app.get("/.well-known/assent-receipt-keys.json").await;
    assert_eq!(status, 200);
    let (k, h) = (
        app.data_dir.join("anchor-keys.json"),
        app.data_dir.join("anchor-heads.json"),
    );
    std::fs::write(&k, keys).unwrap();
    std::fs::write(&h, json!(heads(app)).to_string()).unwrap();
    let v = python_check("anchor_check.py", &[file, &k, &h])?;
    Some(v["root"].as_str().unwrap().to_string())
}

/// The app's sealer (its secret key is in its data folder), for making anchors in the test itself.
fn sealer(app: &TestApp) -> assent::domain::Sealer {
    let (url, dir) = (app.db.url.clone(), app.data_dir.display().to_string());
    let settings = assent::config::Settings::from_lookup(|k| match k {
        "ASSENT_DATABASE_URL" => Some(url.clone()),
        "ASSENT_DATA_DIR" => Some(dir.clone()),
        _ => None,
    })
    .unwrap();
    assent::domain::Sealer::new(&settings.secret_key)
}

fn profile_id(app: &TestApp, email: &str) -> i64 {
    let mut c = app.conn();
    assent::db::models::profiles::find_by_email(&mut c, email)
        .unwrap()
        .unwrap()
        .id
}

/// What only a database owner can do: deleting a whole profile, and cutting the newest event off
/// another's chain with its current value put back, pass the chain check; the anchor names both.
#[tokio::test]
async fn an_anchor_names_the_profiles_whose_chains_were_deleted_or_cut() {
    let app = TestApp::spawn().await;
    for who in ["ann", "bob", "cid"] {
        let mail = app
            .subscribe_confirmed(&format!("{who}@example.com"), &["newsletter_agreement"])
            .await;
        if who == "bob" {
            assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
        }
    }
    let (ann, bob) = (
        profile_id(&app, "ann@example.com"),
        profile_id(&app, "bob@example.com"),
    );
    let (doc, file) = anchor(&app);
    let a = &doc["anchor"];
    assert_eq!(
        (a["profiles"].as_i64(), a["events"].as_i64()),
        (Some(3), Some(4))
    );
    assert_eq!(a["lastEventId"], app.count("consent_events"));
    assert_eq!(app.count("anchors"), 1);
    if let Some(root) = independently_checked(&app, &file).await {
        assert_eq!(a["root"], root.as_str());
    }

    // Chains extended after the anchor still hold; a second anchor covers Dee too.
    let mail = app
        .subscribe_confirmed("dee@example.com", &["newsletter_agreement"])
        .await;
    assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
    let dee = profile_id(&app, "dee@example.com");
    let (code, said) = verify(&app, Some(&file));
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("holds: every chain head"), "{said}");
    assert!(said.contains("ledger intact"), "{said}");
    anchor(&app);
    let (code, said) = verify(&app, None);
    assert_eq!(code, 0, "{said}");
    assert!(
        said.contains("ledger intact: 6 events verified, 2 anchors hold"),
        "{said}"
    );

    // The owner drops the guard, deletes Ann with her events and values, and cuts Bob's and Dee's
    // withdrawals off their chains, putting their newsletters back on as they were before.
    crate::ledger::drop_guard(&app);
    let mut sql = vec![
        format!("DELETE FROM consents WHERE profile_id = {ann}"),
        format!("DELETE FROM consent_events WHERE profile_id = {ann}"),
        format!("DELETE FROM optin_requests WHERE profile_id = {ann}"),
        format!("DELETE FROM profiles WHERE id = {ann}"),
    ];
    for p in [bob, dee] {
        sql.extend([
            format!(
                "DELETE FROM consent_events WHERE id = (SELECT max(id) FROM consent_events WHERE profile_id = {p})"
            ),
            format!("UPDATE consents SET value = 'enabled' WHERE profile_id = {p}"),
            format!("UPDATE profiles SET consent_mask = 1 WHERE id = {p}"),
        ]);
    }
    for q in sql {
        app.exec(&q);
    }
    // The chains alone cannot see it.
    assert!(matches!(
        assent::consent::ledger::verify(&mut app.conn()).unwrap(),
        assent::consent::ledger::Verdict::Intact { events: 3 }
    ));
    let gone = format!(
        "profile {ann}: its chain is gone (the profile itself was deleted); the anchor covered it up to event"
    );
    let cut = format!(
        "profile {bob}: its chain was cut short; the anchor covered it up to event 3, it now ends at event 2"
    );
    // The anchor kept elsewhere names the two profiles it covered.
    let (code, said) = verify(&app, Some(&file));
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("every hash chain intact"), "{said}");
    assert!(said.contains("BROKEN: 2 profiles lost what"), "{said}");
    assert!(said.contains(&gone) && said.contains(&cut), "{said}");
    assert!(!said.contains(&format!("profile {dee}")), "{said}");
    assert!(!said.contains("ledger intact"), "{said}");
    // The stored ones: the first names the same two, the second Dee as well.
    let (code, said) = verify(&app, None);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("stored anchor 1 BROKEN: 2 profiles lost what"),
        "{said}"
    );
    assert!(
        said.contains("stored anchor 2 BROKEN: 3 profiles lost what"),
        "{said}"
    );
    assert!(
        said.contains(&format!("profile {dee}: its chain was cut short")),
        "{said}"
    );
    assert!(said.contains(&gone) && said.contains(&cut), "{said}");

    // Without the heads kept in the database (the owner deleted them too), the anchor kept elsewhere
    // still refuses the ledger, saying why it cannot name the profiles.
    app.exec("DELETE FROM anchor_blocks");
    let (code, said) = verify(&app, Some(&file));
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("BROKEN: the ledger no longer holds what the anchor of")
            && said.contains("up to that event it now has 2 profiles and 2 events"),
        "{said}"
    );
    // And with the anchors deleted as well, only the copy kept elsewhere still sees it.
    app.exec("DELETE FROM anchors");
    let (code, said) = verify(&app, None);
    assert_eq!(code, 0, "{said}");
    assert_eq!(verify(&app, Some(&file)).0, 1);
}

/// An anchor file changed anywhere, cut short, not an anchor, signed by another organisation, or a
/// stored anchor edited in place: each refused with what failed, never a panic.
#[tokio::test]
async fn a_changed_or_foreign_anchor_is_refused_naming_what_failed() {
    let app = TestApp::spawn().await;
    app.subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let (_, file) = anchor(&app);
    let text = std::fs::read_to_string(&file).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let sig = doc["signature"].as_str().unwrap();
    let flip = |s: &str, at: usize| {
        let mut b = s.as_bytes().to_vec();
        b[at] = if b[at] == b'A' { b'B' } else { b'A' };
        String::from_utf8(b).unwrap()
    };
    let mut more_events = doc.clone();
    more_events["anchor"]["events"] = json!(2);
    let other = TestApp::spawn().await;
    other
        .subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let (_, foreign) = anchor(&other);
    let cases = [
        (
            more_events.to_string(),
            "its readable part differs from what is signed, at \"events\"",
        ),
        (
            json!({"anchor": doc["anchor"], "signature": flip(sig, sig.len() - 5)}).to_string(),
            "its signature does not match its contents",
        ),
        (
            json!({"anchor": doc["anchor"], "signature": flip(sig, sig.find('.').unwrap() + 9)})
                .to_string(),
            "",
        ),
        (text[..text.len() / 2].to_string(), "it is not JSON"),
        (
            json!({"anchor": doc["anchor"]}).to_string(),
            "it has no \"signature\"",
        ),
        (
            sig[..sig.rfind('.').unwrap()].to_string(),
            "not a compact JWS",
        ),
        (
            std::fs::read_to_string(&foreign).unwrap(),
            "which is not one of this organisation's receipt keys",
        ),
    ];
    for (i, (bad, why)) in cases.iter().enumerate() {
        let f = app.data_dir.join(format!("bad-{i}.json"));
        std::fs::write(&f, bad).unwrap();
        let (code, said) = verify(&app, Some(&f));
        assert_eq!(code, 1, "case {i}: {said}");
        assert!(said.contains("NOT valid: "), "case {i}: {said}");
        assert!(said.contains(why), "case {i} ({why}): {said}");
    }
    // The stored anchor edited in place, without its signature.
    assert_eq!(verify(&app, None).0, 0);
    app.exec(&format!("UPDATE anchors SET root = '{}'", "0".repeat(64)));
    let (code, said) = verify(&app, None);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("stored anchor 1 NOT valid: its stored row differs from its signed copy"),
        "{said}"
    );
}

/// A receipt made after an anchor carries the path from the person's chain head to the anchor's
/// root, across blocks of heads; `receipt verify` and hashlib both walk it; a receipt names an anchor
/// that was removed.
#[tokio::test]
async fn receipts_carry_a_path_to_the_anchor_that_anyone_can_walk() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let receipt = |email: &str| {
        let url = app.url(&format!("/api/v1/profiles/{email}/receipt"));
        let (http, key) = (app.http.clone(), key.clone());
        async move { keyed_text(&http, &url, &key).await }
    };
    app.subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let before = receipt("ann@example.com").await;
    assert!(
        jws_part(&before, 1).get("assent:anchor").is_none(),
        "no anchor yet"
    );
    // More than one block of heads (4,096), so that paths cross blocks.
    for round in 0..5 {
        let items: Vec<Value> = (0..1000)
            .map(|i| json!({"email": format!("p{round}-{i}@example.com"), "agreements": {"email": true}}))
            .collect();
        crate::phones::batch(&app, &key, &json!(items)).await;
    }
    let (doc, _) = anchor(&app);
    let root = doc["anchor"]["root"].as_str().unwrap().to_string();
    assert_eq!(doc["anchor"]["profiles"], 5001);
    // Each person's leaf is their place in profile order (PostgreSQL's batch writer may number a
    // request's new profiles in another order than its items).
    let order: Vec<i64> = heads(&app).iter().map(|h| h.0).collect();
    app.subscribe_confirmed("new@example.com", &["newsletter_agreement"])
        .await;
    for email in [
        "ann@example.com",
        "p4-999@example.com",
        "p2-500@example.com",
    ] {
        let id = profile_id(&app, email);
        let index = order.iter().position(|p| *p == id).unwrap();
        let token = receipt(email).await;
        let proof = jws_part(&token, 1)["assent:anchor"].clone();
        assert_eq!(proof["assent:root"], root.as_str(), "{email}");
        assert_eq!(proof["assent:leafIndex"], index, "{email}");
        assert_eq!(proof["assent:treeSize"], 5001);
        if let Some(checked) = crate::receipts::independently_checked(&app, &token).await {
            assert_eq!(
                checked["receipt"]["assent:anchor"]["assent:root"],
                root.as_str()
            );
        }
        let (code, said) = crate::receipts::cli_verify(&app, &token);
        assert_eq!(code, 0, "{said}");
        assert!(
            said.contains("anchor proof holds: its chain head (event"),
            "{said}"
        );
    }
    // Someone the anchor did not cover yet gets a receipt without a proof.
    let token = receipt("new@example.com").await;
    assert!(jws_part(&token, 1).get("assent:anchor").is_none());
    // A receipt whose anchor was removed from the database says so.
    let token = receipt("ann@example.com").await;
    app.exec("DELETE FROM anchors");
    let (code, said) = crate::receipts::cli_verify(&app, &token);
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("anchor proof FAILS: the anchor its proof names")
            && said.contains("is not in this database: it was removed"),
        "{said}"
    );
}

/// The server anchors the ledger by itself (ASSENT_LEDGER_ANCHOR_HOURS) and sends the anchor to the
/// endpoints that subscribe to `ledger.anchored`; what they get verifies the ledger on its own.
#[tokio::test]
async fn the_daily_anchor_is_sent_to_the_webhooks_that_want_it() {
    let app = TestApp::spawn_with(Options {
        env: vec![
            ("ASSENT_ALLOW_PRIVATE_TARGETS", "true".into()),
            ("ASSENT_LEDGER_ANCHOR_HOURS", "24".into()),
        ],
        ..Options::default()
    })
    .await;
    let rx = crate::helpers::receiver::Receiver::start().await;
    let (_, secret) = crate::webhooks::add_webhook(&app, &rx.url, "ledger.anchored", &[]);
    rx.trust(&[&secret]);
    app.subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let got = rx.wait_for(1).await;
    let body = &got[0].body;
    assert_eq!(body["type"], "ledger.anchored");
    assert_eq!(body["data"]["anchor"]["profiles"], 1);
    assert_eq!(rx.bad_signatures(), 0);
    // Kept by the receiver, the webhook's body (or its data) is an anchor file.
    for kept in [body.clone(), body["data"].clone()] {
        let f = app.data_dir.join("kept.json");
        std::fs::write(&f, kept.to_string()).unwrap();
        let (code, said) = verify(&app, Some(&f));
        assert_eq!(code, 0, "{said}");
    }
    // Another Assent that gets it through its integration takes it without applying anything.
    let whsec = crate::hostile::add_peer(&app.db, "peer");
    let (status, answer) =
        crate::hostile::deliver_event(&app, "peer", &whsec, "msg_anchor", body).await;
    assert!((200..300).contains(&status), "{status} {answer}");
    // It is not made again within the day, however often housekeeping runs.
    app.subscribe_confirmed("bob@example.com", &["newsletter_agreement"])
        .await;
    assert_eq!(app.count("anchors"), 1);
}

/// Anchors made over and over while hundreds of changes are written at once each cover whole
/// transactions only: afterwards the ledger holds every one of them. (Without PostgreSQL's share lock
/// an anchor reads the last event id while an earlier id is still uncommitted, and this fails.)
#[tokio::test]
async fn anchors_made_during_hundreds_of_simultaneous_changes_all_hold() {
    let app = TestApp::spawn().await;
    let key = app.api_key().await;
    let sealer = sealer(&app);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let anchoring = {
        let (mut conn, done) = (app.conn(), done.clone());
        std::thread::spawn(move || {
            let mut made: i64 = 0;
            while !done.load(std::sync::atomic::Ordering::SeqCst) || made < 3 {
                assent::consent::anchor::make(&mut conn, &sealer, 7).unwrap();
                made += 1;
            }
            made
        })
    };
    // 400 requests at once, each in one transaction: two new people, and one of 20 who change often.
    let mut tasks = Vec::new();
    for r in 0..400usize {
        let (http, url, key) = (app.http.clone(), app.url("/v4/clients/batch"), key.clone());
        tasks.push(tokio::spawn(async move {
            let items = json!([
                {"email": format!("new{r}@example.com"), "agreements": {"email": true}},
                {"email": format!("p{}@example.com", r % 20), "agreements": {"email": r % 2 == 0, "sms": r % 3 == 0}},
                {"email": format!("also{r}@example.com"), "agreements": {"sms": true}},
            ]);
            let r = http.post(url).bearer_auth(key).json(&items).send().await.unwrap();
            assert_eq!(r.status(), 202);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let made = tokio::task::spawn_blocking(move || anchoring.join().unwrap())
        .await
        .unwrap();
    assert_eq!(app.count("anchors"), made);
    let (code, said) = verify(&app, None);
    assert_eq!(code, 0, "{made} anchors: {said}");
    assert!(said.contains(&format!("{made} anchors hold")), "{said}");
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// PostgreSQL sessions other than the test's own waiting for a lock, whose statement starts with `sql`.
fn waiting(app: &TestApp, sql: &str) -> i64 {
    let rows: Vec<Count> = diesel::RunQueryDsl::load(
        diesel::sql_query(format!(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
             AND state = 'active' AND query LIKE '{sql}%'"
        )),
        &mut app.conn(),
    )
    .unwrap();
    rows[0].n
}

/// The case the share lock is for (PostgreSQL, where writers run side by side): a change holds an
/// uncommitted event id while a later id commits, and an anchor is made just then. The anchor waits
/// for the change, so it covers both or neither; without the lock it would cover the later event
/// only, and the ledger would then hold an event the anchor says it did not have. (SQLite's writers
/// take turns, so no id is ever left uncommitted behind a committed one.)
#[tokio::test]
async fn an_anchor_waits_for_a_change_that_holds_an_earlier_event_id() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::spawn().await;
    if !app.db.is_postgres() {
        return;
    }
    let key = app.api_key().await;
    app.subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let bob = app
        .subscribe_confirmed("bob@example.com", &["newsletter_agreement"])
        .await;
    let ann = profile_id(&app, "ann@example.com");
    // Hold Ann's current values, so that a change of hers stops after writing its event.
    let mut holder = app.conn();
    let assent::db::DbConn::Pg(pg) = &mut holder else {
        unreachable!()
    };
    pg.batch_execute(&format!(
        "BEGIN; SELECT 1 FROM consents WHERE profile_id = {ann} FOR UPDATE"
    ))
    .unwrap();
    let change = {
        let (http, url, key) = (app.http.clone(), app.url("/v4/clients/batch"), key.clone());
        tokio::spawn(async move {
            let items = json!([{"email": "ann@example.com", "agreements": {"email": false}}]);
            http.post(url)
                .bearer_auth(key)
                .json(&items)
                .send()
                .await
                .unwrap()
                .status()
        })
    };
    eventually("Ann's change waits with its event written", || {
        waiting(&app, "INSERT INTO consents") == 1
    })
    .await;
    let last_before = app.count("consent_events");
    // Bob's withdrawal commits a later event meanwhile.
    assert_eq!(app.one_click(&bob.unsubscribe_url()).await, 200);
    let (mut conn, sealer) = (app.conn(), sealer(&app));
    let anchoring =
        std::thread::spawn(move || assent::consent::anchor::make(&mut conn, &sealer, 7).unwrap());
    eventually("the anchor waits for the change, or was made", || {
        anchoring.is_finished() || waiting(&app, "LOCK TABLE consent_events") == 1
    })
    .await;
    pg.batch_execute("COMMIT").unwrap();
    assert_eq!(change.await.unwrap(), 202);
    let made = tokio::task::spawn_blocking(move || anchoring.join().unwrap())
        .await
        .unwrap();
    assert_eq!(made.document["anchor"]["lastEventId"], last_before + 2);
    let (code, said) = verify(&app, None);
    assert_eq!(code, 0, "{said}");
}

/// Several nodes finding the daily anchor due at once store one anchor between them; the others see
/// it made and store nothing (both engines).
#[tokio::test]
async fn nodes_finding_the_daily_anchor_due_at_once_make_one() {
    let app = TestApp::spawn().await;
    app.subscribe_confirmed("ann@example.com", &["newsletter_agreement"])
        .await;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
    let nodes: Vec<_> = (0..6)
        .map(|_| {
            let (mut conn, sealer, barrier) = (app.conn(), sealer(&app), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                assent::consent::anchor::make_if_due(
                    &mut conn,
                    &sealer,
                    chrono::Duration::hours(24),
                    7,
                )
                .unwrap()
                .is_some()
            })
        })
        .collect();
    let stored = tokio::task::spawn_blocking(move || {
        nodes
            .into_iter()
            .map(|n| usize::from(n.join().unwrap()))
            .sum::<usize>()
    })
    .await
    .unwrap();
    assert_eq!(stored, 1, "one node stored the anchor");
    assert_eq!(app.count("anchors"), 1);
    assert_eq!(verify(&app, None).0, 0);
}
