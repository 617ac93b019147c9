//! End-to-end journeys in a real headless Chromium (see `chrome.rs`) against the real server with a real
//! SMTP server: what customers, marketers and admins do, by typing and clicking, checked against what the
//! ledger then holds.

use crate::chrome::{Chrome, button, click_text, heading, page_text, type_into};
use crate::helpers::browser::{PASSWORD, staff_user};
use crate::helpers::*;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

async fn tick(c: &Client, id: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub async fn sign_in(c: &Client, app: &TestApp, email: &str) {
    c.goto(&app.url("/admin/login")).await.unwrap();
    type_into(c, "email", email).await;
    type_into(c, "password", PASSWORD).await;
    click_text(c, "Sign in").await;
    assert!(
        !c.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/admin/login"),
        "{email} is signed in: {}",
        page_text(c).await
    );
}

#[tokio::test]
async fn a_customer_subscribes_confirms_chooses_and_withdraws_in_a_browser() {
    let app = TestApp::spawn().await;
    let Some(chrome) = Chrome::start("customer").await else {
        return;
    };
    chrome
        .journey(|c| async move {
            c.goto(&app.url("/subscribe?agreements=newsletter_agreement,sms_agreement"))
                .await
                .unwrap();
            type_into(&c, "email", "ada@example.com").await;
            type_into(&c, "name", "Ada").await;
            tick(&c, "agreement-newsletter_agreement").await;
            click_text(&c, "Sign up").await;
            assert_eq!(heading(&c).await, "Check your inbox");
            // Asking changes nothing yet.
            assert_eq!(app.count("consent_events WHERE value = 'enabled'"), 0);

            let mail = app.mail().wait_for(1).await;
            let confirm = mail[0].link(&app.url("/confirm/")).expect("a confirm link");
            c.goto(&confirm).await.unwrap();
            click_text(&c, "Yes, confirm").await;
            assert_eq!(heading(&c).await, "Thank you, you are subscribed");
            assert_eq!(
                app.count(
                    "consent_events WHERE agreement_key = 'newsletter_agreement' \
                     AND value = 'enabled' AND source = 'confirmation'"
                ),
                1
            );

            // The preference centre: text messages too.
            click_text(&c, "Manage your preferences").await;
            assert_eq!(heading(&c).await, "Your preferences");
            tick(&c, "agreement-sms_agreement").await;
            click_text(&c, "Save my choices").await;
            assert!(
                page_text(&c).await.contains("1 change recorded."),
                "{}",
                page_text(&c).await
            );
            assert_eq!(
                app.count(
                    "consent_events WHERE agreement_key = 'sms_agreement' \
                     AND value = 'enabled' AND source = 'preferences'"
                ),
                1
            );

            // The resignation page from the email withdraws what the email was about.
            c.goto(&mail[0].unsubscribe_url()).await.unwrap();
            assert_eq!(heading(&c).await, "Unsubscribe");
            click_text(&c, "Unsubscribe").await;
            assert_eq!(heading(&c).await, "You are unsubscribed");
            assert_eq!(
                app.count(
                    "consent_events WHERE agreement_key = 'newsletter_agreement' \
                     AND value = 'disabled' AND source = 'unsubscribe'"
                ),
                1
            );
            assert_eq!(
                app.count(
                    "consents c JOIN agreements a ON a.id = c.agreement_id \
                     WHERE a.key = 'newsletter_agreement' AND c.value = 'disabled'"
                ),
                1,
                "what the page said is what the database holds"
            );
        })
        .await;
}

#[tokio::test]
async fn a_marketer_creates_an_agreement_sees_it_on_the_forms_and_finds_a_profile() {
    let app = TestApp::spawn().await;
    let Some(chrome) = Chrome::start("marketer").await else {
        return;
    };
    staff_user(&app, "mia@shop.example", "marketer");
    app.subscribe_confirmed("bea@example.com", &["newsletter_agreement"])
        .await;
    chrome
        .journey(|c| async move {
            sign_in(&c, &app, "mia@shop.example").await;
            c.goto(&app.url("/admin/agreements/new")).await.unwrap();
            type_into(&c, "key", "alcohol_agreement").await;
            type_into(&c, "title", "Offers featuring alcohol").await;
            type_into(
                &c,
                "text",
                "I am of legal drinking age and want offers that feature alcohol.",
            )
            .await;
            click_text(&c, "Create agreement").await;
            assert!(
                page_text(&c).await.contains("Saved."),
                "{}",
                page_text(&c).await
            );

            // The form builder previews it …
            c.goto(&app.url("/admin/forms")).await.unwrap();
            tick(&c, "pick-alcohol_agreement").await;
            click_text(&c, "Show the form and its code").await;
            let preview = c
                .find(Locator::Css(".preview"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(preview.contains("Offers featuring alcohol"), "{preview}");
            // … and the sign-up page offers it with its words.
            c.goto(&app.url("/subscribe?agreements=alcohol_agreement"))
                .await
                .unwrap();
            let page = page_text(&c).await;
            assert!(
                page.contains("Offers featuring alcohol") && page.contains("legal drinking age"),
                "{page}"
            );

            // The profile and its history.
            c.goto(&app.url("/admin/profiles")).await.unwrap();
            type_into(&c, "q", "bea@example.com").await;
            click_text(&c, "Search").await;
            click_text(&c, "bea@example.com").await;
            let page = page_text(&c).await;
            assert!(page.contains("Consent history"), "{page}");
            assert!(page.contains("confirmation"), "{page}");
        })
        .await;
}

/// The navigation: a sidebar on a wide screen marking the page you are on, a menu behind a link on a
/// phone (no JavaScript needed), the marketer's shorter list, and the language each person picks.
#[tokio::test]
async fn staff_find_their_way_by_the_grouped_navigation_on_a_wide_screen_and_a_phone() {
    let app = TestApp::spawn().await;
    let Some(chrome) = Chrome::start("navigation").await else {
        return;
    };
    staff_user(&app, "ops@shop.example", "admin");
    staff_user(&app, "mia@shop.example", "marketer");
    let app = &app;
    chrome
        .journey(|c| async move {
            let current = |c: Client| async move {
                let mut marked = Vec::new();
                for a in c
                    .find_all(Locator::Css("nav a[aria-current=page]"))
                    .await
                    .unwrap()
                {
                    marked.push(a.text().await.unwrap());
                }
                marked
            };
            let visible = |c: Client, css: &'static str| async move {
                c.find(Locator::Css(css))
                    .await
                    .unwrap()
                    .is_displayed()
                    .await
                    .unwrap()
            };
            sign_in(&c, app, "ops@shop.example").await;
            // Wide: the sidebar is there without asking; a click marks the new page.
            assert!(visible(c.clone(), "nav#menu").await);
            assert!(!visible(c.clone(), "a.menu-open").await);
            assert_eq!(current(c.clone()).await, ["Overview"]);
            let groups = c
                .find(Locator::Css("nav#menu"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            for group in ["PEOPLE", "CONSENT", "DATA", "SETTINGS"] {
                assert!(groups.contains(group), "{group} in {groups}");
            }
            click_text(&c, "Webhooks").await;
            assert_eq!(heading(&c).await, "Webhooks");
            assert_eq!(current(c.clone()).await, ["Webhooks"]);
            // A page inside a section marks its section.
            c.goto(&app.url("/admin/agreements/newsletter_agreement"))
                .await
                .unwrap();
            assert_eq!(current(c.clone()).await, ["Agreements"]);

            // A phone: the menu is behind its link, and opens and leads on without JavaScript.
            c.set_window_size(390, 844).await.unwrap();
            c.goto(&app.url("/admin")).await.unwrap();
            assert!(!visible(c.clone(), "nav#menu").await);
            c.find(Locator::Css("a.menu-open"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            assert!(visible(c.clone(), "nav#menu").await);
            click_text(&c, "Health").await;
            assert_eq!(heading(&c).await, "Health");
            assert!(
                !visible(c.clone(), "nav#menu").await,
                "closed again on the new page"
            );

            // Their own page: the dashboard in the language they pick, remembered.
            c.set_window_size(1280, 900).await.unwrap();
            click_text(&c, "ops@shop.example").await;
            tick(&c, "language-de").await;
            click_text(&c, "Save").await;
            assert_eq!(heading(&c).await, "Ihr Konto");
            c.goto(&app.url("/admin")).await.unwrap();
            assert_eq!(current(c.clone()).await, ["Übersicht"]);
            assert_eq!(crate::chrome::html_lang(&c).await.as_deref(), Some("de"));
            click_text(&c, "Abmelden").await;

            // A marketer sees the groups of their work only.
            sign_in(&c, app, "mia@shop.example").await;
            let groups = c
                .find(Locator::Css("nav#menu"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                groups.contains("Agreements") && groups.contains("Profiles"),
                "{groups}"
            );
            assert!(
                !groups.contains("Webhooks") && !groups.contains("Users"),
                "{groups}"
            );
        })
        .await;
    assert_eq!(
        app.count("audit_log WHERE action = 'user.language' AND actor = 'admin:ops@shop.example'"),
        1
    );
}

#[tokio::test]
async fn an_admin_downloads_the_csv_export_through_the_browser() {
    let app = TestApp::spawn().await;
    let Some(chrome) = Chrome::start("export").await else {
        return;
    };
    staff_user(&app, "root@shop.example", "admin");
    app.subscribe_confirmed("cy@example.com", &["newsletter_agreement"])
        .await;
    let downloads = chrome.downloads.clone();
    chrome
        .journey(|c| async move {
            sign_in(&c, &app, "root@shop.example").await;
            c.goto(&app.url("/admin/exports")).await.unwrap();
            // A download leaves the page where it is: a plain click.
            button(&c, "Download profiles.csv")
                .await
                .click()
                .await
                .unwrap();
            let file = downloads.join("profiles.csv");
            // Chromium reserves the final name with an empty file and fills `…crdownload` beside it,
            // renaming that over the reservation when done: complete means no partial file is left.
            let folder = downloads.clone();
            eventually("the download is complete", || {
                file.exists()
                    && std::fs::read_dir(&folder).is_ok_and(|d| {
                        d.flatten()
                            .all(|e| !e.file_name().to_string_lossy().ends_with(".crdownload"))
                    })
            })
            .await;
            let csv = std::fs::read_to_string(&file).unwrap();
            let mut lines = csv.lines();
            let header = lines.next().unwrap();
            assert!(
                header.starts_with("email,") && header.contains("newsletter_agreement"),
                "{header}"
            );
            let row = lines.next().expect("one profile");
            assert!(row.starts_with("cy@example.com,"), "{row}");
            assert!(row.contains("enabled"), "{row}");
            assert_eq!(lines.next(), None);
        })
        .await;
}

#[tokio::test]
async fn keyboard_only_sign_up_and_pages_that_fit_a_phone() {
    let app = TestApp::spawn().await;
    staff_user(&app, "ops@shop.example", "admin");
    let Some(chrome) = Chrome::start("keyboard").await else {
        return;
    };
    chrome
        .journey(|c| async move {
            c.goto(&app.url("/subscribe?agreements=newsletter_agreement"))
                .await
                .unwrap();
            // The first Tab reaches the skip link, shown with a visible focus ring; following it
            // lands in the content.
            let focused = press(&c, Key::Tab).await;
            assert_eq!(focused.text().await.unwrap(), "Skip to content");
            let ring: String = serde_json::from_value(
                c.execute(
                    "const s = getComputedStyle(document.activeElement); \
                     return s.outlineStyle + ' ' + s.outlineWidth;",
                    vec![],
                )
                .await
                .unwrap(),
            )
            .unwrap();
            assert!(
                ring.starts_with("solid") && !ring.ends_with(" 0px"),
                "{ring}"
            );
            let rect = c
                .execute(
                    "return document.activeElement.getBoundingClientRect().left;",
                    vec![],
                )
                .await
                .unwrap();
            assert!(
                rect.as_f64().unwrap() >= 0.0,
                "the skip link is on screen when focused"
            );
            press(&c, Key::Enter).await;
            assert!(c.current_url().await.unwrap().as_str().ends_with("#main"));

            // Tab order follows the form; the whole sign-up is done with keys alone.
            let mut order = Vec::new();
            for _ in 0..4 {
                let el = press(&c, Key::Tab).await;
                let what = c
                    .execute(
                        "const e = document.activeElement; return e.id || e.tagName.toLowerCase();",
                        vec![],
                    )
                    .await
                    .unwrap();
                order.push(what.as_str().unwrap().to_string());
                if order.last().is_some_and(|id| id == "email") {
                    el.send_keys("kim@example.com").await.unwrap();
                }
                if order
                    .last()
                    .is_some_and(|id| id == "agreement-newsletter_agreement")
                {
                    el.send_keys(" ").await.unwrap();
                }
            }
            assert_eq!(
                order,
                ["email", "name", "agreement-newsletter_agreement", "button"],
                "focus order"
            );
            let old = c.find(Locator::Css("html")).await.unwrap();
            press(&c, Key::Enter).await;
            crate::chrome::wait_for_new_page(&c, old, "Enter on Sign up").await;
            assert_eq!(heading(&c).await, "Check your inbox");

            // An error is tied to its field and announced.
            c.goto(&app.url("/subscribe")).await.unwrap();
            type_into(&c, "email", "not-an-email").await;
            click_text(&c, "Sign up").await;
            let email = c.find(Locator::Id("email")).await.unwrap();
            assert_eq!(
                email.attr("aria-invalid").await.unwrap().as_deref(),
                Some("true")
            );
            let described = email.attr("aria-describedby").await.unwrap().unwrap();
            let error = c.find(Locator::Id(&described)).await.unwrap();
            assert!(!error.text().await.unwrap().is_empty());

            // A 360-pixel-wide phone (or a 720-pixel window at 200% zoom): nothing is cut off or
            // needs sideways scrolling.
            c.set_window_size(360, 740).await.unwrap();
            let width = c
                .execute("return window.innerWidth;", vec![])
                .await
                .unwrap();
            assert!(
                width.as_u64().unwrap() <= 400,
                "the viewport is phone-sized: {width}"
            );
            for path in [
                "/subscribe?agreements=newsletter_agreement,sms_agreement,push_agreement",
                "/preferences",
                "/admin/login",
                "/no/such/page",
            ] {
                assert_fits(&c, &app.url(path)).await;
            }
            // The dashboard too: wide tables scroll inside their own box, the page does not.
            sign_in(&c, &app, "ops@shop.example").await;
            for path in [
                "/admin",
                "/admin/profiles",
                "/admin/profiles/1",
                "/admin/agreements",
                "/admin/audiences",
                "/admin/users",
                "/admin/webhooks",
                "/admin/sendfiles",
                "/admin/imports",
                "/admin/email",
                "/admin/audit",
            ] {
                assert_fits(&c, &app.url(path)).await;
            }
        })
        .await;
}

/// Presses a key on whatever has focus; returns what has focus then.
async fn press(c: &Client, key: Key) -> fantoccini::elements::Element {
    c.active_element()
        .await
        .unwrap()
        .send_keys(&String::from(char::from(key)))
        .await
        .unwrap();
    c.active_element().await.unwrap()
}

/// Opens a page and checks that it needs no sideways scrolling.
async fn assert_fits(c: &Client, url: &str) {
    c.goto(url).await.unwrap();
    let fits = c
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(fits, serde_json::json!(true), "{url} scrolls sideways");
}

/// A browser that sends Global Privacy Control: the sign-up form notes it beside the flagged agreement,
/// a consent ticked anyway is recorded with the signal, and the preference centre of a person who
/// agreed without it withdraws that agreement and says so.
#[tokio::test]
async fn a_browser_sending_global_privacy_control_is_heard_on_every_page() {
    let app = TestApp::spawn().await;
    crate::gpc::flagged_agreement(&app).await;
    // Gil agreed to both earlier, in a browser without the signal.
    let mail = app
        .subscribe_confirmed(
            "gil@example.com",
            &["newsletter_agreement", "sharing_agreement"],
        )
        .await;
    // The used link leads to the page with the preference link.
    let (_, page) = app
        .post(&mail.link(&app.url("/confirm/")).unwrap(), &[])
        .await;
    let prefs = app.url(&crate::gpc::preference_link(&page));

    let Some(chrome) = Chrome::start("gpc").await else {
        return;
    };
    // The pages with the signal's notes pass axe too, where its tools are installed.
    let axe_source = crate::accessibility::tools().map(|(source, _)| source);
    let axe_clean = |c: Client, page: &'static str| {
        let source = axe_source.clone();
        async move {
            if let Some(source) = source {
                let found = crate::accessibility::axe(&c, &source).await;
                assert!(found.is_empty(), "{page}: {found:#?}");
            }
        }
    };
    chrome
        .journey(|c| async move {
            crate::chrome::send_gpc(&c).await;
            c.goto(&app.url(
                "/subscribe?agreements=newsletter_agreement,sharing_agreement",
            ))
            .await
            .unwrap();
            let note = c
                .find(Locator::Id("gpc-sharing_agreement"))
                .await
                .expect("the note beside the flagged agreement");
            assert!(
                note.text().await.unwrap().starts_with("Your browser asks not to sell or share"),
                "{}",
                note.text().await.unwrap()
            );
            let sharing = c.find(Locator::Id("agreement-sharing_agreement")).await.unwrap();
            assert!(!sharing.is_selected().await.unwrap(), "shown unticked");
            axe_clean(c.clone(), "sign-up with the signal").await;
            type_into(&c, "email", "hal@example.com").await;
            tick(&c, "agreement-newsletter_agreement").await;
            tick(&c, "agreement-sharing_agreement").await;
            click_text(&c, "Sign up").await;
            assert_eq!(heading(&c).await, "Check your inbox");

            let mail = app.mail().wait_for(2).await;
            let confirm = mail[1].link(&app.url("/confirm/")).expect("a confirm link");
            c.goto(&confirm).await.unwrap();
            assert!(
                page_text(&c)
                    .await
                    .contains("Confirming this agreement overrides that signal"),
                "{}",
                page_text(&c).await
            );
            axe_clean(c.clone(), "confirmation with the signal").await;
            click_text(&c, "Yes, confirm").await;
            assert_eq!(heading(&c).await, "Thank you, you are subscribed");
            assert_eq!(
                app.count(
                    "consent_events e JOIN profiles p ON p.id = e.profile_id \
                     WHERE p.email = 'hal@example.com' AND e.value = 'enabled' AND e.gpc"
                ),
                2,
                "both consents record that the browser sent the signal"
            );

            // Gil opens his preference centre in this browser: the signal withdraws sharing.
            c.goto(&prefs).await.unwrap();
            assert!(
                page_text(&c).await.contains(
                    "Because your browser sent a Global Privacy Control signal, we withdrew: Sharing with partners."
                ),
                "{}",
                page_text(&c).await
            );
            axe_clean(c.clone(), "preferences with the signal").await;
            let sharing = c.find(Locator::Id("agreement-sharing_agreement")).await.unwrap();
            assert!(!sharing.is_selected().await.unwrap());
            let newsletter = c
                .find(Locator::Id("agreement-newsletter_agreement"))
                .await
                .unwrap();
            assert!(newsletter.is_selected().await.unwrap());
            assert_eq!(
                app.count(
                    "consents c JOIN profiles p ON p.id = c.profile_id JOIN agreements a ON a.id = c.agreement_id \
                     WHERE p.email = 'gil@example.com' AND a.key = 'sharing_agreement' AND c.value = 'disabled'"
                ),
                1,
                "what the page said is what the database holds"
            );
            assert_eq!(app.count("consent_events WHERE source = 'gpc' AND gpc"), 1);
        })
        .await;
}
