//! The dashboard's sign-in, sessions, roles and CSRF protection, with a cookie-keeping client.

use crate::helpers::browser::*;
use crate::helpers::*;

#[tokio::test]
async fn admin_create_sign_in_and_out_and_a_copied_cookie_dies_with_the_session() {
    let app = TestApp::spawn().await;
    // The command refuses a weak password with the reason, and creates the user with a good one.
    let create = |role: &str, password: &str| {
        app.cli_env(
            &[
                "admin",
                "create",
                "--email",
                "ada@shop.example",
                "--role",
                role,
            ],
            &[("ASSENT_ADMIN_PASSWORD", password)],
        )
    };
    let weak = create("admin", "short");
    assert_eq!(weak.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too short"));
    let ok = create("admin", PASSWORD);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let users = {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let q = "SELECT COUNT(*) AS n FROM audit_log WHERE actor = 'cli' AND action = 'user.create' AND subject = 'ada@shop.example'";
        diesel::sql_query(q).load::<N>(&mut app.conn()).unwrap()[0].n
    };
    assert_eq!(users, 1, "the command's action is in the audit log");
    let twice = create("marketer", PASSWORD);
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already exists"));

    let b = Browser::new(&app);
    // Wrong password and unknown email: the same 401 page.
    let (s1, wrong, _) = b
        .sign_in("ada@shop.example", "not the password at all")
        .await;
    let (s2, unknown, _) = b
        .sign_in("nobody@shop.example", "not the password at all")
        .await;
    assert_eq!((s1, s2), (401, 401));
    let message = "The email address or the password is not right.";
    assert!(wrong.contains(message) && unknown.contains(message));

    let r = b
        .http
        .get(format!("{}/admin/login", app.base))
        .send()
        .await
        .unwrap();
    let token = csrf(&r.text().await.unwrap());
    let r = b
        .http
        .post(format!("{}/admin/login", app.base))
        .form(&[
            ("email", "ada@shop.example"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/admin");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("assent-session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let (status, page, _) = b.get("/admin").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Overview") && page.contains("ada@shop.example"),
        "{page}"
    );
    assert_eq!(
        page.matches(r#"name="csrf_token""#).count(),
        1,
        "the sign-out form has a token"
    );

    // Sign out; the cookie as it was (say, copied by someone) no longer opens anything.
    let stolen = cookie.split(';').next().unwrap().to_string();
    let (status, _, location) = b.submit("/admin", "/admin/logout", &[]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/admin/login")));
    let (status, _, location) = b.get("/admin").await;
    assert_eq!((status, location.as_deref()), (303, Some("/admin/login")));
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/admin", app.base))
        .header("cookie", stolen)
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status(),
        303,
        "a copied session cookie dies at logout"
    );
}

#[tokio::test]
async fn roles_are_enforced_on_whole_scopes() {
    let app = TestApp::spawn().await;
    staff_user(&app, "mia@shop.example", "marketer");
    staff_user(&app, "abe@shop.example", "admin");
    let anonymous = Browser::new(&app);
    let marketer = Browser::new(&app);
    let admin = Browser::new(&app);
    assert_eq!(marketer.sign_in("mia@shop.example", PASSWORD).await.0, 303);
    assert_eq!(admin.sign_in("abe@shop.example", PASSWORD).await.0, 303);
    // (path, anonymous, marketer, admin)
    let matrix = [
        ("/admin", 303, 200, 200),
        ("/admin/users", 303, 403, 200),
        ("/admin/audit", 303, 403, 200),
        ("/admin/exports", 303, 403, 200),
        ("/admin/imports", 303, 403, 200),
        ("/admin/integrations", 303, 403, 200),
        ("/admin/imports/999", 303, 403, 404),
        ("/admin/profiles", 303, 200, 200),
        ("/admin/agreements", 303, 200, 200),
        ("/admin/agreements/new", 303, 200, 200),
        ("/admin/agreements/sms_agreement", 303, 200, 200),
        ("/admin/no-such-page", 303, 404, 404),
        ("/admin/users/whatever", 303, 403, 404),
        ("/admin/profiles/not-a-number", 303, 404, 404),
        ("/admin/users/1", 303, 403, 200),
        ("/admin/email", 303, 403, 200),
        ("/admin/forms", 303, 200, 200),
        ("/admin/email?status=dead", 303, 403, 200),
        ("/admin/apikeys", 303, 403, 200),
        ("/admin/exports/profiles.csv", 303, 403, 200),
        ("/admin/audiences", 303, 200, 200),
        ("/admin/profiles/999999", 303, 404, 404),
        ("/admin/agreements/no_such_agreement", 303, 404, 404),
    ];
    for (path, anon, mk, ad) in matrix {
        // Every page the admin reaches is the dashboard's HTML with the strict headers, 404s included.
        let r = admin.http.get(app.url(path)).send().await.unwrap();
        let h = |name: &str| {
            r.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("cache-control"), "no-store", "{path}");
        assert!(!h("content-security-policy").is_empty(), "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        if !path.ends_with(".csv") {
            assert!(h("content-type").starts_with("text/html"), "{path}");
        }
        let (a, _, location) = anonymous.get(path).await;
        assert_eq!(a, anon, "anonymous {path}");
        assert_eq!(
            location.as_deref(),
            Some("/admin/login"),
            "anonymous {path}"
        );
        assert_eq!(marketer.get(path).await.0, mk, "marketer {path}");
        assert_eq!(admin.get(path).await.0, ad, "admin {path}");
    }
    let (_, page, _) = admin.get("/admin/users").await;
    assert!(page.contains("mia@shop.example") && page.contains("marketer"));
    let (_, page, _) = marketer.get("/admin").await;
    assert!(
        !page.contains("/admin/users"),
        "marketers are not shown admin pages"
    );
    // Every dashboard page keeps the strict headers.
    let r = admin
        .http
        .get(format!("{}/admin", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert_eq!(r.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn every_post_needs_its_csrf_token() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    let b = Browser::new(&app);
    // The sign-in form: without a token, or with a token from another visitor's form.
    let (status, page, _) = b
        .post(
            "/admin/login",
            &[("email", "abe@shop.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 403, "{page}");
    let other = Browser::new(&app);
    let (_, their_page, _) = other.get("/admin/login").await;
    b.get("/admin/login").await;
    let sign_in_with = |page: String| {
        let b = &b;
        async move {
            let form = [
                ("email", "abe@shop.example"),
                ("password", PASSWORD),
                ("csrf_token", &csrf(&page)),
            ];
            b.post("/admin/login", &form).await.0
        }
    };
    assert_eq!(
        sign_in_with(their_page).await,
        403,
        "a token is bound to its own visitor"
    );
    // One visitor with two sign-in tabs open: the first tab's token still works.
    let (_, first_tab, _) = b.get("/admin/login").await;
    b.get("/admin/login").await;
    assert_eq!(
        sign_in_with(first_tab).await,
        303,
        "the older tab signs in too"
    );
    assert_eq!(b.submit("/admin", "/admin/logout", &[]).await.0, 303);
    // Signed in: sign-out without the session's token is refused and the session stays.
    assert_eq!(b.sign_in("abe@shop.example", PASSWORD).await.0, 303);
    assert_eq!(b.post("/admin/logout", &[]).await.0, 403);
    assert_eq!(
        b.post("/admin/logout", &[("csrf_token", "forged")]).await.0,
        403
    );
    assert_eq!(b.get("/admin").await.0, 200);
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_and_a_disabled_user_is_signed_out_everywhere() {
    let app = TestApp::spawn().await;
    let signed_in = staff(&app, "abe@shop.example", "admin").await;

    let b = Browser::new(&app);
    for _ in 0..5 {
        assert_eq!(
            b.sign_in("abe@shop.example", "guessing the password")
                .await
                .0,
            401
        );
    }
    let (status, page, _) = b.sign_in("abe@shop.example", PASSWORD).await;
    assert_eq!(status, 429, "even the right password waits: {page}");
    assert!(page.contains("Wait a minute"), "{page}");

    app.exec("UPDATE admin_users SET disabled_at = created_at WHERE email = 'abe@shop.example'");
    let sessions = app.count("admin_sessions");
    let (status, _, location) = signed_in.get("/admin").await;
    assert_eq!((status, location.as_deref()), (303, Some("/admin/login")));
    assert_eq!(
        app.count("admin_sessions"),
        sessions - 1,
        "the disabled user's session is deleted, not left to expire"
    );
}

#[tokio::test]
async fn a_marketer_creates_edits_and_archives_an_agreement_and_consents_keep_their_version() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    // The public pages have the catalog cached before the change.
    assert_eq!(app.get("/subscribe").await.0, 200);

    let v1 = "I agree to receive offers that feature alcoholic drinks. I am of legal drinking age.";
    let (status, page, location) = b
        .submit(
            "/admin/agreements/new",
            "/admin/agreements",
            &[
                ("key", "alcohol_agreement"),
                ("title", "Offers with alcohol"),
                ("channel", "other"),
                ("text", v1),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(
        location.as_deref(),
        Some("/admin/agreements/alcohol_agreement?saved=1")
    );
    let (status, page) = app.get("/subscribe?agreements=alcohol_agreement").await;
    assert_eq!(
        status, 200,
        "on this node the new agreement is on forms at once: {page}"
    );
    assert!(page.contains(v1));

    // Someone consents under version 1.
    app.subscribe_confirmed("ola@example.com", &["alcohol_agreement"])
        .await;

    // A new wording is version 2; the form shows both.
    let v2 = "I agree to receive offers that feature alcoholic drinks, by email or text message. I am of legal drinking age.";
    let (status, _, _) = b
        .submit(
            "/admin/agreements/alcohol_agreement",
            "/admin/agreements/alcohol_agreement",
            &[("title", "Offers with alcohol"), ("text", v2)],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page, _) = b.get("/admin/agreements/alcohol_agreement").await;
    assert!(
        page.contains("version 2") && page.contains(v1) && page.contains(v2),
        "{page}"
    );
    // Saving the same words again makes no version.
    b.submit(
        "/admin/agreements/alcohol_agreement",
        "/admin/agreements/alcohol_agreement",
        &[("title", "Offers with alcohol (18+)"), ("text", v2)],
    )
    .await;
    let (_, page, _) = b.get("/admin/agreements").await;
    assert!(page.contains("Offers with alcohol (18+)"));
    let (_, form) = app.get("/subscribe?agreements=alcohol_agreement").await;
    assert!(form.contains(v2) && !form.contains(v1));

    let key = app.api_key().await;
    let (_, ledger) = app
        .api("/api/v1/profiles/ola@example.com/consents", &key)
        .await;
    assert_eq!(ledger[0]["agreement"], "alcohol_agreement");
    assert_eq!(
        ledger[0]["version"], 1,
        "the consent keeps the wording it was given under"
    );
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Archived: off every form at once, history kept, key never reused.
    let (status, _, _) = b
        .submit(
            "/admin/agreements/alcohol_agreement",
            "/admin/agreements/alcohol_agreement/archive",
            &[],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        app.get("/subscribe?agreements=alcohol_agreement").await.0,
        404
    );
    let (_, page, _) = b.get("/admin/agreements/alcohol_agreement").await;
    assert!(page.contains("archived") && page.contains(v1));
    let (status, page, _) = b
        .submit(
            "/admin/agreements/new",
            "/admin/agreements",
            &[
                ("key", "alcohol_agreement"),
                ("title", "Other"),
                ("channel", "email"),
                ("text", "Something else."),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("already in use"), "{page}");

    // Each change is in the audit log, with who did it and from where (admins read it).
    let admin = staff(&app, "abe@shop.example", "admin").await;
    let (_, audit, _) = admin.get("/admin/audit").await;
    for action in ["agreement.create", "agreement.edit", "agreement.archive"] {
        assert!(audit.contains(action), "{action} in the audit log: {audit}");
    }
    assert!(audit.contains("admin:mia@shop.example") && audit.contains("127.0.0.1"));
    assert!(audit.contains("version 2"));
}

#[tokio::test]
async fn invalid_agreement_forms_get_422_next_to_the_field_and_write_nothing() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    let long = "x".repeat(5001);
    let ok = |k: &'static str, v: &'static str| (k, v);
    // (fields, the field whose error shows, what it says)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![
                ok("key", "Alcohol"),
                ok("title", "T"),
                ok("channel", "other"),
                ok("text", "Text."),
            ],
            "key",
            "lower-case",
        ),
        (
            vec![
                ok("key", "newsletter_agreement"),
                ok("title", "T"),
                ok("channel", "email"),
                ok("text", "Text."),
            ],
            "key",
            "already in use",
        ),
        (
            vec![
                ok("key", "a_b"),
                ok("title", ""),
                ok("channel", "email"),
                ok("text", "Text."),
            ],
            "title",
            "Give the agreement a title",
        ),
        (
            vec![
                ok("key", "a_b"),
                ok("title", "Two\r\nlines"),
                ok("channel", "email"),
                ok("text", "Text."),
            ],
            "title",
            "one line",
        ),
        (
            vec![
                ok("key", "a_b"),
                ok("title", "T"),
                ok("channel", "fax"),
                ok("text", "Text."),
            ],
            "channel",
            "email, SMS, push or other",
        ),
        (
            vec![
                ok("key", "a_b"),
                ok("title", "T"),
                ok("channel", "email"),
                ok("text", "  "),
            ],
            "text",
            "Write the consent text",
        ),
        (
            vec![
                ok("key", "a_b"),
                ok("title", "T"),
                ok("channel", "email"),
                ("text", long.as_str()),
            ],
            "text",
            "too long",
        ),
    ];
    for (form, field, message) in cases {
        let (status, page, _) = b
            .submit("/admin/agreements/new", "/admin/agreements", &form)
            .await;
        assert_eq!(status, 422, "{form:?}");
        let at = page
            .find(&format!("id=\"{field}-error\""))
            .unwrap_or_else(|| panic!("no {field} error for {form:?}: {page}"));
        assert!(
            page[at..].split("</p>").next().unwrap().contains(message),
            "{field}: {message}: {page}"
        );
    }
    // Editing: the same checks; unknown keys are 404.
    let (status, page, _) = b
        .submit(
            "/admin/agreements/sms_agreement",
            "/admin/agreements/sms_agreement",
            &[("title", "Texts renamed"), ("text", "")],
        )
        .await;
    assert_eq!(status, 422, "{page}");
    // The heading names the agreement as stored; the field keeps what was typed.
    let stored = assent::db::models::agreements::all(&mut app.conn())
        .unwrap()
        .into_iter()
        .find(|a| a.key == "sms_agreement")
        .unwrap()
        .title;
    assert!(page.contains(&format!("<h1>{stored} <span")), "{page}");
    assert!(page.contains(r#"value="Texts renamed""#), "{page}");
    assert_eq!(b.get("/admin/agreements/no_such_agreement").await.0, 404);
    // Without the CSRF token: 403. Without a session: to the sign-in page.
    let form = [
        ("key", "c_d"),
        ("title", "T"),
        ("channel", "email"),
        ("text", "Text."),
    ];
    assert_eq!(b.post("/admin/agreements", &form).await.0, 403);
    let (status, _, location) = Browser::new(&app).post("/admin/agreements", &form).await;
    assert_eq!((status, location.as_deref()), (303, Some("/admin/login")));
    assert_eq!(app.count("agreements"), 3, "nothing was written");
    assert_eq!(app.count("agreement_versions"), 3);
}

#[tokio::test]
async fn profiles_are_searched_page_by_page_and_show_their_proof_of_consent() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    for i in 0..60 {
        app.exec(&format!(
            "INSERT INTO profiles (email, custom_id, phone, attributes, form_mails, created_at, updated_at) \
             VALUES ('page{i:02}@example.com', 'crm-{i:02}', '+4930{i:04}', '{{}}', 0, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        ));
    }
    // 50 a page, newest first; the next page continues where this one ended.
    let (status, page, _) = b.get("/admin/profiles?q=page").await;
    assert_eq!(status, 200);
    assert_eq!(page.matches("@example.com</a>").count(), 50);
    assert!(page.contains("page59@example.com") && !page.contains("page09@example.com"));
    let next = page
        .split("href=\"")
        .find(|s| {
            s.starts_with("/admin/profiles?q=page&amp;before=")
                || s.starts_with("/admin/profiles?q=page&#38;before=")
        })
        .expect("a next-page link");
    let next = next
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let (_, page, _) = b.get(&next).await;
    assert_eq!(page.matches("@example.com</a>").count(), 10);
    assert!(page.contains("page09@example.com") && !page.contains("Next page"));
    // customId prefix and exact phone.
    let (_, page, _) = b.get("/admin/profiles?q=crm-4").await;
    assert_eq!(page.matches("@example.com</a>").count(), 10);
    let (_, page, _) = b.get("/admin/profiles?q=%2B49300007").await;
    assert_eq!(page.matches("@example.com</a>").count(), 1);
    assert!(page.contains("page07@example.com"));

    // A real person's page: values, and every event with the exact wording shown.
    let mail = app
        .subscribe_confirmed("pia@example.com", &["newsletter_agreement"])
        .await;
    assert_eq!(app.one_click(&mail.unsubscribe_url()).await, 200);
    let (_, list, _) = b.get("/admin/profiles?q=pia%40").await;
    let link = list
        .split("href=\"/admin/profiles/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (status, page, _) = b.get(&format!("/admin/profiles/{link}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Chain intact: 2 events verified"), "{page}");
    assert!(page.contains("confirmation") && page.contains("one_click"));
    assert!(
        page.contains("I agree to receive the newsletter by email"),
        "the wording shown"
    );
    assert!(page.contains("127.0.0.1"));
    // A current value changed behind the ledger's back is flagged.
    app.exec("UPDATE consents SET value = 'enabled'");
    let (_, page, _) = b.get(&format!("/admin/profiles/{link}")).await;
    assert!(page.contains("does NOT verify"), "{page}");

    assert_eq!(b.get("/admin/profiles/999999").await.0, 404);
    assert_eq!(b.get("/admin/profiles/not-a-number").await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_edits_of_one_agreement_each_become_a_version() {
    let app = TestApp::spawn().await;
    staff_user(&app, "mia@shop.example", "marketer");
    let b = std::sync::Arc::new(Browser::new(&app));
    assert_eq!(b.sign_in("mia@shop.example", PASSWORD).await.0, 303);
    let (_, page, _) = b.get("/admin/agreements/sms_agreement").await;
    let token = csrf(&page);
    let mut set = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (b, token) = (b.clone(), token.clone());
        set.spawn(async move {
            let text = format!("Wording number {i} for text messages.");
            let german = format!("Wortlaut Nummer {i} für SMS.");
            let form = [
                ("title", "SMS"),
                ("text", text.as_str()),
                ("text_de", german.as_str()),
                ("csrf_token", token.as_str()),
            ];
            b.post("/admin/agreements/sms_agreement", &form).await.0
        });
    }
    let statuses = set.join_all().await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    // 40 different wordings in each language: English versions 2 to 41 and German 1 to 40, each once,
    // and one current version per language, the newest.
    assert_eq!(app.count("agreement_versions"), 3 + 40 + 40);
    assert_eq!(app.count("agreement_versions WHERE is_current"), 3 + 1);
    let (_, page, _) = b.get("/admin/agreements/sms_agreement").await;
    assert!(
        page.contains("en version 41") && page.contains("de version 40"),
        "{page}"
    );
    for v in 1..=40 {
        assert!(page.contains(&format!("de version {v}<")), "de version {v}");
    }
    let out = app.cli(&["ledger", "verify"]);
    assert!(out.status.success());
}

#[tokio::test]
async fn admins_create_see_and_revoke_api_keys_in_the_dashboard() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    staff_user(&app, "mia@shop.example", "marketer");
    let admin = Browser::new(&app);
    let marketer = Browser::new(&app);
    assert_eq!(admin.sign_in("abe@shop.example", PASSWORD).await.0, 303);
    assert_eq!(marketer.sign_in("mia@shop.example", PASSWORD).await.0, 303);
    assert_eq!(marketer.get("/admin/apikeys").await.0, 403);
    assert_eq!(
        marketer
            .submit("/admin", "/admin/apikeys", &[("name", "crm")])
            .await
            .0,
        403
    );

    // Created: the key is in this answer only, and works at once.
    let (status, page, _) = admin
        .submit("/admin/apikeys", "/admin/apikeys", &[("name", "crm")])
        .await;
    assert_eq!(status, 200, "{page}");
    let at = page.find("<code class=\"secret\">").unwrap() + "<code class=\"secret\">".len();
    let key = page[at..].split('<').next().unwrap().to_string();
    assert!(key.starts_with("ak_"), "{key}");
    let (_, later, _) = admin.get("/admin/apikeys").await;
    assert!(!later.contains(&key), "shown only once");
    assert!(
        later.contains("<td>crm</td>") && later.contains("never"),
        "{later}"
    );
    app.subscribe_confirmed("ola@example.com", &["newsletter_agreement"])
        .await;
    assert_eq!(
        app.api("/api/v1/profiles/ola@example.com", &key).await.0,
        200
    );
    let (_, later, _) = admin.get("/admin/apikeys").await;
    assert!(!later.contains("never"), "its last use is shown: {later}");

    // Bad and duplicate names: 422 next to the field.
    let (status, page, _) = admin
        .submit("/admin/apikeys", "/admin/apikeys", &[("name", "no spaces")])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("name-error"), "{page}");
    let (status, page, _) = admin
        .submit("/admin/apikeys", "/admin/apikeys", &[("name", "crm")])
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("already exists"), "{page}");

    // Revoked: refused at once, listed as revoked, audited.
    let at = later.find("/admin/apikeys/").unwrap();
    let path = later[at..].split('"').next().unwrap().to_string();
    assert_eq!(admin.submit("/admin/apikeys", &path, &[]).await.0, 303);
    assert_eq!(
        app.api("/api/v1/profiles/ola@example.com", &key).await.0,
        401
    );
    let (_, page, _) = admin.get("/admin/apikeys").await;
    assert!(page.contains("revoked"), "{page}");
    assert_eq!(admin.submit("/admin/apikeys", &path, &[]).await.0, 404);
    assert_eq!(
        app.count("audit_log WHERE action IN ('apikey.create', 'apikey.revoke')"),
        2
    );
}

/// A profile, an audience and an API key to aim the dashboard's POST routes at.
async fn one_of_each(app: &TestApp, admin: &Browser) -> (i64, String, String) {
    app.subscribe_confirmed("ola@example.com", &["newsletter_agreement"])
        .await;
    let id = assent::db::models::profiles::find_by_email(&mut app.conn(), "ola@example.com")
        .unwrap()
        .unwrap()
        .id;
    let form = [
        ("rule", "any"),
        ("agreement", "sms_agreement"),
        ("name", "Texts"),
    ];
    assert_eq!(
        admin
            .submit("/admin/audiences", "/admin/audiences", &form)
            .await
            .0,
        303
    );
    assert_eq!(
        admin
            .submit("/admin/apikeys", "/admin/apikeys", &[("name", "crm")])
            .await
            .0,
        200
    );
    let (_, page, _) = admin.get("/admin/audiences").await;
    let at = page.find("/admin/audiences/").unwrap();
    let audience = page[at..].split('"').next().unwrap().to_string();
    let (_, page, _) = admin.get("/admin/apikeys").await;
    let at = page.find("/admin/apikeys/").unwrap();
    let key = page[at..].split('"').next().unwrap().to_string();
    (id, audience, key)
}

#[tokio::test]
async fn every_dashboard_post_checks_its_csrf_token_and_its_role() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    staff_user(&app, "mia@shop.example", "marketer");
    let admin = Browser::new(&app);
    let marketer = Browser::new(&app);
    assert_eq!(admin.sign_in("abe@shop.example", PASSWORD).await.0, 303);
    assert_eq!(marketer.sign_in("mia@shop.example", PASSWORD).await.0, 303);
    let (id, audience, key) = one_of_each(&app, &admin).await;
    let consents = format!("/admin/profiles/{id}/consents");
    let erase = format!("/admin/profiles/{id}/erase");
    let mia = assent::db::models::admin_users::find_by_email(&mut app.conn(), "mia@shop.example")
        .unwrap()
        .unwrap()
        .id;
    let (password, disable, enable) = (
        format!("/admin/users/{mia}/password"),
        format!("/admin/users/{mia}/disable"),
        format!("/admin/users/{mia}/enable"),
    );
    // (path, its fields, admins only)
    let routes: [(&str, Vec<(&str, &str)>, bool); 19] = [
        ("/admin/logout", vec![], false),
        ("/admin/account/language", vec![("language", "de")], false),
        (
            &consents,
            vec![
                ("was", "sms_agreement:disabled"),
                ("agreement", "sms_agreement"),
                ("reason", "r"),
            ],
            false,
        ),
        (&erase, vec![("reason", "r"), ("confirm", "yes")], true),
        (
            "/admin/agreements",
            vec![
                ("key", "wine_agreement"),
                ("title", "Wine"),
                ("channel", "other"),
                ("text", "Yes"),
            ],
            false,
        ),
        (
            "/admin/agreements/sms_agreement",
            vec![("title", "SMS"), ("text", "Texts, please.")],
            false,
        ),
        ("/admin/agreements/sms_agreement/archive", vec![], false),
        (
            "/admin/agreements/sms_agreement/move",
            vec![("direction", "up")],
            false,
        ),
        (
            "/admin/audiences",
            vec![
                ("rule", "all"),
                ("agreement", "sms_agreement"),
                ("name", "More"),
            ],
            false,
        ),
        (&audience, vec![], false),
        ("/admin/apikeys", vec![("name", "shop")], true),
        (&key, vec![], true),
        (
            "/admin/users",
            vec![
                ("email", "kim@shop.example"),
                ("role", "admin"),
                ("password", "purple walrus under seven bridges"),
            ],
            true,
        ),
        (
            &password,
            vec![("password", "purple walrus under seven bridges")],
            true,
        ),
        (&disable, vec![], true),
        (&enable, vec![], true),
        ("/admin/email/check", vec![], true),
        ("/admin/email/retry", vec![], true),
        ("/admin/email/1/retry", vec![], true),
    ];
    let changes = || {
        (
            app.count("audit_log"),
            app.count("consent_events"),
            app.count("admin_sessions"),
            app.count("admin_users WHERE disabled_at IS NULL"),
        )
    };
    let before = changes();
    for (path, fields, admins_only) in &routes {
        // Without a token, and with another session's token: 403, nothing changes.
        assert_eq!(admin.post(path, fields).await.0, 403, "no token: {path}");
        let (_, marketer_page, _) = marketer.get("/admin").await;
        let mut forged = fields.clone();
        let theirs = csrf(&marketer_page);
        forged.push(("csrf_token", theirs.as_str()));
        assert_eq!(
            admin.post(path, &forged).await.0,
            403,
            "another session's token: {path}"
        );
        // A marketer with a valid token on an admin-only route: 403.
        if *admins_only {
            assert_eq!(
                marketer.submit("/admin", path, fields).await.0,
                403,
                "marketer: {path}"
            );
        }
        // Anonymous: sent to sign in.
        let (status, _, location) = Browser::new(&app).post(path, fields).await;
        assert_eq!(
            (status, location.as_deref()),
            (303, Some("/admin/login")),
            "anonymous: {path}"
        );
    }
    assert_eq!(changes(), before, "no refused POST changed anything");
    assert_eq!(admin.get("/admin").await.0, 200, "still signed in");
}

#[tokio::test]
async fn simultaneous_saves_of_one_name_or_one_deletion_succeed_once() {
    let app = TestApp::spawn().await;
    let admin = staff(&app, "abe@shop.example", "admin").await;
    let (_, page, _) = admin.get("/admin/audiences").await;
    let token = csrf(&page);
    let post_all = |path: String, fields: Vec<(&'static str, &'static str)>, n: usize| {
        let (http, url, token) = (admin.http.clone(), app.url(&path), token.clone());
        async move {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..n {
                let (http, url, token) = (http.clone(), url.clone(), token.clone());
                let mut form: Vec<(&str, String)> =
                    fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
                form.push(("csrf_token", token));
                set.spawn(async move {
                    http.post(&url)
                        .form(&form)
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16()
                });
            }
            let mut answers = set.join_all().await;
            answers.sort();
            answers
        }
    };
    let one_then = |ok: u16, rest: u16, n: usize| {
        let mut v = vec![ok];
        v.extend(std::iter::repeat_n(rest, n - 1));
        v.sort();
        v
    };
    // Twenty saves of one audience name: one is saved, nineteen are told the name is taken.
    let answers = post_all(
        "/admin/audiences".into(),
        vec![
            ("rule", "all"),
            ("agreement", "sms_agreement"),
            ("name", "Texts"),
        ],
        20,
    )
    .await;
    assert_eq!(answers, one_then(303, 422, 20));
    assert_eq!(app.count("audiences"), 1);
    // Twenty API keys of one name: one is created (and shown), nineteen refused.
    let answers = post_all("/admin/apikeys".into(), vec![("name", "crm")], 20).await;
    assert_eq!(answers, one_then(200, 422, 20));
    assert_eq!(app.count("api_keys WHERE name = 'crm'"), 1);
    // Ten deletions of the audience, ten revocations of the key, ten archivings: each happens once.
    let (_, page, _) = admin.get("/admin/audiences").await;
    let at = page.find("/admin/audiences/").unwrap();
    let delete = page[at..].split('"').next().unwrap().to_string();
    assert_eq!(post_all(delete, vec![], 10).await, one_then(303, 404, 10));
    let (_, page, _) = admin.get("/admin/apikeys").await;
    let at = page.find("/admin/apikeys/").unwrap();
    let revoke = page[at..].split('"').next().unwrap().to_string();
    assert_eq!(post_all(revoke, vec![], 10).await, one_then(303, 404, 10));
    let archive = "/admin/agreements/sms_agreement/archive".to_string();
    assert_eq!(post_all(archive, vec![], 10).await, vec![303; 10]);
    for action in [
        "audience.create",
        "audience.delete",
        "apikey.create",
        "apikey.revoke",
        "agreement.archive",
    ] {
        assert_eq!(
            app.count(&format!("audit_log WHERE action = '{action}'")),
            1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn a_burst_of_wrong_passwords_gets_no_more_than_five_tries() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    let b = Browser::new(&app);
    let (_, page, _) = b.get("/admin/login").await;
    let token = csrf(&page);
    let mut set = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (http, url, token) = (b.http.clone(), app.url("/admin/login"), token.clone());
        set.spawn(async move {
            let guess = format!("guess number {i} of the password");
            let form = [
                ("email", "abe@shop.example"),
                ("password", guess.as_str()),
                ("csrf_token", token.as_str()),
            ];
            // A failure in transit is kept as an answer too, so that a failing run shows all of them.
            match http.post(&url).form(&form).send().await {
                Ok(r) => r.status().as_u16().to_string(),
                Err(e) => format!("{e:?}"),
            }
        });
    }
    let answers = set.join_all().await;
    assert_eq!(
        answers.iter().filter(|s| *s == "401").count(),
        5,
        "{answers:?}"
    );
    assert_eq!(
        answers.iter().filter(|s| *s == "429").count(),
        15,
        "{answers:?}"
    );
}

#[tokio::test]
async fn sign_in_matches_the_address_as_it_was_stored() {
    let app = TestApp::spawn().await;
    staff_user(&app, "kim@shop.example", "marketer");
    // `assent admin create` lower-cases the domain; so does sign-in.
    let b = Browser::new(&app);
    assert_eq!(b.sign_in("kim@Shop.Example", PASSWORD).await.0, 303);
    assert_eq!(b.get("/admin").await.0, 200);
}

#[tokio::test]
async fn agreement_keys_and_long_texts_at_the_edges() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    // `new` is where the creation form lives: refused as a key, next to the field.
    let form = [
        ("key", "new"),
        ("title", "New"),
        ("channel", "other"),
        ("text", "Yes"),
    ];
    let (status, page, _) = b
        .submit("/admin/agreements/new", "/admin/agreements", &form)
        .await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("reserved"), "{page}");
    // The longest text allowed, in a script that takes 3 bytes a character (9 once percent-encoded):
    // saved, not refused as too large.
    let text = "同意".repeat(2500);
    let form = [
        ("key", "cjk_agreement"),
        ("title", "CJK"),
        ("channel", "other"),
        ("text", text.as_str()),
    ];
    let (status, page, _) = b
        .submit("/admin/agreements/new", "/admin/agreements", &form)
        .await;
    assert_eq!(status, 303, "{page}");
    let (_, form_page) = app.get("/subscribe?agreements=cjk_agreement").await;
    assert!(form_page.contains(&text));
}

#[tokio::test]
async fn a_fresh_install_says_how_to_create_the_first_admin_and_the_command_sets_up_the_database() {
    // `assent admin create` as the very first command: no database yet (SQLite: no file; PostgreSQL:
    // an empty schema), and it creates and migrates it.
    let db = TestDb::new();
    let out = db.cli_ok(
        &[
            "admin",
            "create",
            "--email",
            "first@shop.example",
            "--role",
            "admin",
        ],
        &[("ASSENT_ADMIN_PASSWORD", PASSWORD)],
    );
    assert!(out.contains("Created admin first@shop.example"), "{out}");
    // The database is fully migrated: a command that refuses anything less runs.
    db.cli_ok(&["ledger", "verify"], &[]);

    // A server on a fresh database: its sign-in page says how to get in, until someone can.
    let app = TestApp::spawn().await;
    let hint = "assent admin create --email you@example.com --role admin";
    let b = Browser::new(&app);
    let (status, page, _) = b.get("/admin/login").await;
    assert_eq!(status, 200);
    assert!(page.contains(hint), "{page}");
    let token = csrf(&page);
    let (status, page, _) = b
        .post(
            "/admin/login",
            &[
                ("email", "someone@shop.example"),
                ("password", "a guess of a password"),
                ("csrf_token", &token),
            ],
        )
        .await;
    assert_eq!(status, 401);
    assert!(page.contains(hint), "a refused sign-in says it too");
    staff_user(&app, "abe@shop.example", "admin");
    let (_, page, _) = b.get("/admin/login").await;
    assert!(!page.contains(hint), "{page}");
    assert_eq!(b.sign_in("abe@shop.example", PASSWORD).await.0, 303);
}
