//! The Users page and `assent admin password|disable|enable`: creating staff with the same rules as
//! `assent admin create`, and disabling or a new password ending that user's sessions everywhere.

use crate::helpers::browser::{Browser, PASSWORD, csrf, signed_in, staff, staff_user};
use crate::helpers::*;

const NEW_PASSWORD: &str = "purple walrus under seven bridges";

fn user_id(app: &TestApp, email: &str) -> i64 {
    assent::db::models::admin_users::find_by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
        .id
}

#[tokio::test]
async fn an_admin_creates_a_user_and_bad_fields_are_answered_next_to_the_field() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    let admin = signed_in(&app, "abe@shop.example", PASSWORD).await;
    let create = |email: &'static str, role: &'static str, password: &'static str| {
        let admin = &admin;
        async move {
            let form = [("email", email), ("role", role), ("password", password)];
            admin.submit("/admin/users", "/admin/users", &form).await
        }
    };
    // (email, role, password, the message a person reads, the field it belongs to)
    let bad = [
        ("not an address", "marketer", PASSWORD, "email"),
        ("kim@shop.example", "owner", PASSWORD, "role"),
        ("kim@shop.example", "marketer", "short", "password"),
        (
            "kimberly@shop.example",
            "marketer",
            "kimberly-at-the-shop",
            "password",
        ),
        ("abe@shop.example", "marketer", PASSWORD, "email"),
    ];
    for (email, role, password, field) in bad {
        let (status, page, _) = create(email, role, password).await;
        assert_eq!(status, 422, "{email} {role} {password}: {page}");
        assert!(
            page.contains(&format!(r#"id="{field}-error""#)),
            "the message sits next to {field}: {page}"
        );
        assert!(page.contains(r#"aria-invalid="true""#), "{page}");
        assert!(
            !page.contains(&format!(r#"value="{password}""#)),
            "a password is never sent back: {page}"
        );
    }
    assert_eq!(app.count("admin_users"), 1, "nothing was created");
    let (_, page, _) = create("abe@shop.example", "marketer", PASSWORD).await;
    assert!(page.contains("already exists"), "{page}");

    let (status, _, location) = create("Kim@Shop.Example", "marketer", PASSWORD).await;
    assert_eq!(status, 303);
    let id = user_id(&app, "Kim@shop.example");
    assert_eq!(location, Some(format!("/admin/users/{id}?done=created")));
    let (_, page, _) = admin.get(&location.unwrap()).await;
    assert!(page.contains("Created."), "{page}");
    assert!(page.contains("marketer"), "{page}");
    let (_, list, _) = admin.get("/admin/users").await;
    assert!(list.contains("Kim@shop.example"), "{list}");
    assert_eq!(
        app.count("audit_log WHERE action = 'user.create' AND actor = 'admin:abe@shop.example'"),
        1
    );
    // The new marketer signs in, and is a marketer.
    let kim = signed_in(&app, "Kim@shop.example", PASSWORD).await;
    assert_eq!(kim.get("/admin/profiles").await.0, 200);
    assert_eq!(kim.get("/admin/users").await.0, 403);
}

#[tokio::test]
async fn disabling_ends_every_session_at_once_and_enabling_lets_them_back() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    staff_user(&app, "mia@shop.example", "marketer");
    let admin = signed_in(&app, "abe@shop.example", PASSWORD).await;
    let laptop = signed_in(&app, "mia@shop.example", PASSWORD).await;
    let phone = signed_in(&app, "mia@shop.example", PASSWORD).await;
    let mia = user_id(&app, "mia@shop.example");
    let page = format!("/admin/users/{mia}");

    let (status, _, location) = admin.submit(&page, &format!("{page}/disable"), &[]).await;
    assert_eq!(
        (status, location),
        (303, Some(format!("{page}?done=disable")))
    );
    for b in [&laptop, &phone] {
        let (status, _, location) = b.get("/admin").await;
        assert_eq!((status, location.as_deref()), (303, Some("/admin/login")));
    }
    assert_eq!(
        Browser::new(&app)
            .sign_in("mia@shop.example", PASSWORD)
            .await
            .0,
        401
    );
    let (_, shown, _) = admin.get(&page).await;
    assert!(shown.contains("disabled since"), "{shown}");

    assert_eq!(
        admin.submit(&page, &format!("{page}/enable"), &[]).await.0,
        303
    );
    signed_in(&app, "mia@shop.example", PASSWORD).await;
    assert_eq!(
        app.count("audit_log WHERE action IN ('user.disable', 'user.enable')"),
        2
    );

    // Nobody disables themselves (the page does not offer it either).
    let abe = user_id(&app, "abe@shop.example");
    let (_, own, _) = admin.get(&format!("/admin/users/{abe}")).await;
    assert!(!own.contains("/disable"), "{own}");
    let (status, _, _) = admin
        .submit(&page, &format!("/admin/users/{abe}/disable"), &[])
        .await;
    assert_eq!(status, 403);
    assert_eq!(admin.get("/admin/users").await.0, 200, "still signed in");
    assert_eq!(
        admin
            .submit(&page, "/admin/users/999999/disable", &[])
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn a_new_password_ends_the_users_sessions_and_only_it_signs_in() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    staff_user(&app, "mia@shop.example", "marketer");
    let admin = signed_in(&app, "abe@shop.example", PASSWORD).await;
    let admin_elsewhere = signed_in(&app, "abe@shop.example", PASSWORD).await;
    let marketer = signed_in(&app, "mia@shop.example", PASSWORD).await;
    let mia = user_id(&app, "mia@shop.example");
    let page = format!("/admin/users/{mia}");
    let set = format!("{page}/password");

    let (status, body, _) = admin.submit(&page, &set, &[("password", "walrus")]).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains(r#"id="password-error""#), "{body}");
    assert_eq!(
        marketer.get("/admin").await.0,
        200,
        "a refused password changes nothing"
    );

    let (status, _, location) = admin
        .submit(&page, &set, &[("password", NEW_PASSWORD)])
        .await;
    assert_eq!(
        (status, location),
        (303, Some(format!("{page}?done=password")))
    );
    assert_eq!(marketer.get("/admin").await.0, 303, "her session ended");
    assert_eq!(
        Browser::new(&app)
            .sign_in("mia@shop.example", PASSWORD)
            .await
            .0,
        401
    );
    signed_in(&app, "mia@shop.example", NEW_PASSWORD).await;
    assert_eq!(app.count("audit_log WHERE action = 'user.password'"), 1);

    // An admin's own new password needs the current one (a borrowed session must not lock the owner
    // out); then this session carries on, renewed, and the others end.
    let abe = user_id(&app, "abe@shop.example");
    let own = format!("/admin/users/{abe}");
    let set_own = format!("{own}/password");
    for current in ["", "not my password at all"] {
        let (status, page, _loc) = admin
            .submit(
                &own,
                &set_own,
                &[("current", current), ("password", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(status, 422, "{page} {:?}", _loc);
        assert!(page.contains(r#"id="current-error""#), "{page}");
    }
    assert_eq!(
        admin_elsewhere.get("/admin").await.0,
        200,
        "nothing changed yet"
    );
    let (_, before, _) = admin.get(&own).await;
    let (status, _, _) = admin
        .submit(
            &own,
            &set_own,
            &[("current", PASSWORD), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        admin.get("/admin/users").await.0,
        200,
        "this session carries on"
    );
    assert_eq!(
        admin_elsewhere.get("/admin").await.0,
        303,
        "the other one ended"
    );
    // The renewed session has a new CSRF token, and its forms work.
    let (_, after, _) = admin.get("/admin/users").await;
    assert_ne!(
        csrf(&before),
        csrf(&after),
        "a new token with the new session id"
    );
    assert_eq!(admin.submit("/admin", "/admin/logout", &[]).await.0, 303);
}

#[tokio::test]
async fn two_admins_disabling_each_other_at_once_leave_one_who_can_sign_in() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    staff_user(&app, "bo@shop.example", "admin");
    for round in 0..20 {
        let abe = signed_in(&app, "abe@shop.example", PASSWORD).await;
        let bo = signed_in(&app, "bo@shop.example", PASSWORD).await;
        let (abe_id, bo_id) = (
            user_id(&app, "abe@shop.example"),
            user_id(&app, "bo@shop.example"),
        );
        let (_, p1, _) = abe.get("/admin/users").await;
        let (_, p2, _) = bo.get("/admin/users").await;
        let post = |b: &Browser, target: i64, token: String| {
            let req = b
                .http
                .post(app.url(&format!("/admin/users/{target}/disable")))
                .form(&[("csrf_token", token)]);
            async move {
                let r = req.send().await.unwrap();
                let to = r
                    .headers()
                    .get("location")
                    .map(|v| v.to_str().unwrap().to_string());
                (r.status().as_u16(), to.unwrap_or_default())
            }
        };
        let (a, b) = tokio::join!(post(&abe, bo_id, csrf(&p1)), post(&bo, abe_id, csrf(&p2)));
        let enabled = app.count("admin_users WHERE disabled_at IS NULL AND role = 'admin'");
        assert_eq!(enabled, 1, "round {round}: answers {a:?} and {b:?}");
        // One disabled the other; the other was refused (409: the only admin left) or, if its request
        // came after, found its session ended (sent to sign in). Never a 500.
        let done = [&a, &b]
            .iter()
            .filter(|(s, to)| *s == 303 && to.ends_with("?done=disable"))
            .count();
        assert_eq!(done, 1, "round {round}: {a:?} {b:?}");
        assert!(
            [&a, &b]
                .iter()
                .all(|(s, to)| *s == 409 || (*s == 303 && !to.is_empty())),
            "round {round}: {a:?} {b:?}"
        );
        app.exec("UPDATE admin_users SET disabled_at = NULL");
    }
}

#[tokio::test]
async fn the_command_line_sets_passwords_and_disables_but_never_the_last_admin() {
    let app = TestApp::spawn().await;
    staff_user(&app, "abe@shop.example", "admin");
    staff_user(&app, "mia@shop.example", "marketer");
    let marketer = signed_in(&app, "mia@shop.example", PASSWORD).await;
    let out = app.cli(&["admin", "disable", "--email", "abe@shop.example"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("only admin"), "{err}");
    let out = app.cli(&["admin", "disable", "--email", "nobody@shop.example"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no dashboard user"));

    let out = app.cli_env(
        &["admin", "password", "--email", "mia@shop.example"],
        &[("ASSENT_ADMIN_PASSWORD", "short")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too short"));
    assert_eq!(marketer.get("/admin").await.0, 200);
    let out = app.cli_env(
        &["admin", "password", "--email", "mia@shop.example"],
        &[("ASSENT_ADMIN_PASSWORD", NEW_PASSWORD)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(marketer.get("/admin").await.0, 303, "her session ended");
    signed_in(&app, "mia@shop.example", NEW_PASSWORD).await;

    let out = app.cli(&["admin", "disable", "--email", "mia@shop.example"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        Browser::new(&app)
            .sign_in("mia@shop.example", NEW_PASSWORD)
            .await
            .0,
        401
    );
    let out = app.cli(&["admin", "enable", "--email", "mia@shop.example"]);
    assert!(out.status.success());
    signed_in(&app, "mia@shop.example", NEW_PASSWORD).await;
    assert_eq!(
        app.count("audit_log WHERE actor = 'cli' AND action IN ('user.password', 'user.disable', 'user.enable')"),
        3
    );
}

#[tokio::test]
async fn a_staff_member_picks_the_dashboard_language_and_an_unknown_one_is_refused() {
    let app = TestApp::spawn().await;
    let mia = staff(&app, "mia@shop.example", "marketer").await;
    let language = || {
        assent::db::models::admin_users::find_by_email(&mut app.conn(), "mia@shop.example")
            .unwrap()
            .unwrap()
            .language
    };
    // Unknown, or a region variant Assent has no catalogue of its own for: 400, said in their language,
    // nothing stored.
    for bad in ["xx", "de-CH", "<b>"] {
        let (status, page, _) = mia
            .submit(
                "/admin/account",
                "/admin/account/language",
                &[("language", bad)],
            )
            .await;
        assert_eq!(status, 400, "{bad}: {page}");
        assert!(page.contains("There is no dashboard language"), "{page}");
        assert!(!page.contains("<b>"), "the value is escaped: {page}");
    }
    assert_eq!(language(), None);
    let (status, _, location) = mia
        .submit(
            "/admin/account",
            "/admin/account/language",
            &[("language", "pl")],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/admin/account?done=language"))
    );
    assert_eq!(language().as_deref(), Some("pl"));
    let (_, page, _) = mia.get("/admin/account?done=language").await;
    assert!(
        page.contains(r#"<html lang="pl">"#) && page.contains("Twoje konto"),
        "{page}"
    );
    // Empty: back to the browser's language.
    mia.submit(
        "/admin/account",
        "/admin/account/language",
        &[("language", "")],
    )
    .await;
    assert_eq!(language(), None);
    assert_eq!(app.count("audit_log WHERE action = 'user.language'"), 2);
}
