//! Public pages in the customer's language: `?lang=` (or the form's `lang`), then the profile's saved
//! language (the one it signed up in), then the browser's `Accept-Language`, then English.

use crate::helpers::*;

async fn page(app: &TestApp, path: &str, accept: Option<&str>) -> (u16, String) {
    let mut req = app.http.get(app.url(path));
    if let Some(a) = accept {
        req = req.header("accept-language", a);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn lang_of(html: &str) -> &str {
    let at = html.find("<html lang=\"").expect("an html element") + 12;
    html[at..].split('"').next().unwrap()
}

#[tokio::test]
async fn pages_speak_the_chosen_language_in_order_of_precedence() {
    let app = TestApp::spawn().await;
    let (_, en) = page(&app, "/subscribe", None).await;
    assert_eq!(lang_of(&en), "en");
    assert!(en.contains("<h1>Sign up</h1>") && en.contains(">Skip to content<"));

    // The browser's language …
    let (_, de) = page(&app, "/subscribe", Some("fr-FR, de-DE;q=0.9, en;q=0.5")).await;
    assert_eq!(lang_of(&de), "de");
    assert!(
        de.contains("<h1>Anmelden</h1>") && de.contains(">Zum Inhalt springen<"),
        "{de}"
    );
    assert!(de.contains(r#"<input type="hidden" name="lang" value="de">"#));
    // … gives way to the one asked for; a language without a catalogue is passed over.
    let (_, pl) = page(&app, "/subscribe?lang=pl", Some("de")).await;
    assert_eq!(lang_of(&pl), "pl");
    assert!(
        pl.contains("<h1>Zapisz się</h1>") && pl.contains("Chcę otrzymywać"),
        "{pl}"
    );
    let (_, xx) = page(&app, "/subscribe?lang=xx", Some("pl-PL")).await;
    assert_eq!(lang_of(&xx), "pl");
    // The blank form is cached per language: English is still English.
    assert_eq!(lang_of(&page(&app, "/subscribe", None).await.1), "en");

    // A refused form answers in its language, with the error in it.
    let (status, body) = app
        .post(
            "/subscribe",
            &[
                ("email", "nope"),
                ("agreement", "newsletter_agreement"),
                ("lang", "de"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(lang_of(&body), "de");
    assert!(
        body.contains("„nope“ ist keine gültige E-Mail-Adresse"),
        "{body}"
    );

    // Signed up in Polish: the profile's pages stay Polish, whatever the browser says, unless asked.
    let (status, body) = app
        .post(
            "/subscribe",
            &[
                ("email", "ola@example.com"),
                ("agreement", "newsletter_agreement"),
                ("lang", "pl"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Sprawdź swoją skrzynkę")
            && body.contains("<strong>ola@example.com</strong>"),
        "{body}"
    );
    let mail = app.mail().wait_for(1).await.pop().unwrap();
    // The email is in the language of the page it was asked for on.
    assert_eq!(mail.subject, "Potwierdź swój zapis");
    assert!(
        mail.text.starts_with("Dzień dobry,")
            && mail.text.contains("potwierdź, że chcesz otrzymywać:"),
        "{}",
        mail.text
    );
    assert!(
        mail.html.contains(r#"<html lang="pl">"#) && mail.html.contains("Potwierdzam zapis"),
        "{}",
        mail.html
    );
    let confirm = mail.link(&app.url("/confirm/")).unwrap();
    let confirm = &confirm[app.url("").len()..];
    let (_, body) = page(&app, confirm, Some("de")).await;
    assert_eq!(lang_of(&body), "pl");
    assert!(
        body.contains("Tak, potwierdzam") && body.contains("?lang=pl"),
        "{body}"
    );
    let (_, body) = page(&app, &format!("{confirm}?lang=de"), Some("pl")).await;
    assert!(body.contains("Ja, bestätigen"), "{body}");
    let (status, body) = app.post(&format!("{confirm}?lang=pl"), &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains("Dziękujemy, zapis potwierdzony"), "{body}");

    let prefs = &mail.unsubscribe_url()[app.url("").len()..];
    let (_, body) = page(&app, prefs, Some("de")).await;
    assert_eq!(lang_of(&body), "pl", "saved beats the browser: {body}");
    assert!(
        body.contains("Przestańcie wysyłać na <strong>ola@example.com</strong>"),
        "{body}"
    );
    let (_, body) = page(&app, &format!("{prefs}?lang=de"), None).await;
    assert!(body.contains("Keine weiteren Sendungen an"), "{body}");
    // The unsubscribe form keeps the page's language.
    let (_, body) = app.post(prefs, &[("lang", "pl")]).await;
    assert!(body.contains("Wypisano Cię"), "{body}");
    // Error pages too: a broken link in German, an expired one in the language it was asked in.
    let (status, body) = page(&app, "/confirm/nosuchtoken000000000000", Some("de")).await;
    assert_eq!(status, 404);
    assert_eq!(lang_of(&body), "de");
    assert!(
        body.contains("<h1>Nicht gefunden</h1>") && body.contains("Fehler 404"),
        "{body}"
    );
    let (status, body) = page(&app, "/unsubscribe/broken", Some("pl")).await;
    assert_eq!(status, 404);
    assert!(body.contains("Ten link jest nieprawidłowy"), "{body}");
    app.post(
        "/subscribe",
        &[
            ("email", "late@example.com"),
            ("agreement", "newsletter_agreement"),
            ("lang", "pl"),
        ],
    )
    .await;
    let late = app.mail().wait_for(2).await.pop().unwrap();
    app.age_requests("late@example.com", 30);
    let late = &late.link(&app.url("/confirm/")).unwrap()[app.url("").len()..];
    let (status, body) = page(&app, late, None).await;
    assert_eq!(status, 410);
    assert!(
        body.contains("Ten link wygasł") && body.contains("Wyślij mi nowy link"),
        "{body}"
    );
    assert!(body.contains(&format!("{late}/renew?lang=pl")), "{body}");

    // Whatever the page's language, the ledger records the language of the wording agreed to.
    assert_eq!(
        app.count("consent_events WHERE source = 'confirmation' AND language = 'en'"),
        1
    );
}

/// The hidden fields of a page's form and its ticked agreement, ready to post as a person would.
fn filled(page: &str, email: &str, agreement: &str) -> Vec<(String, String)> {
    let mut form = crate::form_builder::hidden_fields(page);
    form.push(("email".into(), email.into()));
    form.push(("agreement".into(), agreement.into()));
    form
}

async fn post_form(app: &TestApp, path: &str, form: &[(String, String)]) -> (u16, String) {
    let r = app
        .http
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_consent_given_on_the_german_page_records_the_german_texts_version_and_language() {
    let app = TestApp::spawn().await;
    let b = crate::helpers::browser::staff(&app, "mia@shop.example", "marketer").await;
    let edit = |fields: Vec<(&'static str, String)>| {
        let b = &b;
        async move {
            let mut form: Vec<(&str, &str)> = vec![("title", "Email newsletter")];
            form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            let (status, page, _) = b
                .submit(
                    "/admin/agreements/newsletter_agreement",
                    "/admin/agreements/newsletter_agreement",
                    &form,
                )
                .await;
            assert_eq!(status, 303, "{page}");
        }
    };
    let en1 = "I agree to receive the newsletter by email, with news, offers and updates. I can withdraw this consent at any time with the unsubscribe link in every email.";
    let en2 = "I agree to receive the weekly newsletter by email. I can withdraw at any time.";
    let de1 = "Ich möchte den Newsletter per E-Mail erhalten. Ich kann jederzeit widerrufen.";
    let de2 = "Ich möchte den wöchentlichen Newsletter per E-Mail erhalten. Widerruf jederzeit.";
    // A German text is added (German version 1), then the English one is reworded (English version 2):
    // each language counts its own versions.
    let de_title = || ("title_de", "Newsletter per E-Mail".to_string());
    edit(vec![
        ("text", en1.into()),
        ("text_de", de1.into()),
        de_title(),
    ])
    .await;
    edit(vec![
        ("text", en2.into()),
        ("text_de", de1.into()),
        de_title(),
    ])
    .await;
    let (_, admin_page, _) = b.get("/admin/agreements/newsletter_agreement").await;
    assert!(
        admin_page.contains("de version 1")
            && admin_page.contains("en version 2")
            && admin_page.contains("en version 1")
            && !admin_page.contains("pl version"),
        "{admin_page}"
    );

    // Each page shows its language's text, and says which wording it showed; Polish has no text of
    // its own, so its page shows the English one, marked as English.
    let (_, de_page) = page(&app, "/subscribe?lang=de", None).await;
    assert!(de_page.contains(de1) && !de_page.contains(en2), "{de_page}");
    assert!(de_page.contains("<strong>Newsletter per E-Mail</strong>"));
    assert!(de_page.contains(r#"value="newsletter_agreement:1:de""#));
    let (_, pl_page) = page(&app, "/subscribe?lang=pl", None).await;
    assert!(
        pl_page.contains(&format!(
            r#"<span class="consent-text" lang="en">{en2}</span>"#
        )),
        "{pl_page}"
    );
    assert!(pl_page.contains(r#"value="newsletter_agreement:2:en""#));

    // Signed up and confirmed on the German page: the email quotes the German words, and the ledger
    // records German version 1, whose text the chain check finds.
    let (status, body) = post_form(
        &app,
        "/subscribe",
        &filled(&de_page, "jonas@example.com", "newsletter_agreement"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mail = app.mail().wait_for(1).await.pop().unwrap();
    assert!(
        mail.text.contains(de1) && mail.text.contains("Newsletter per E-Mail"),
        "{}",
        mail.text
    );
    let confirm = mail.link(&app.url("/confirm/")).unwrap();
    let (_, confirm_page) = app.get(&confirm[app.url("").len()..]).await;
    assert!(confirm_page.contains(de1), "{confirm_page}");
    assert_eq!(app.post(&confirm[app.url("").len()..], &[]).await.0, 200);
    let key = app.api_key().await;
    let (_, ledger) = app
        .api("/api/v1/profiles/jonas@example.com/consents", &key)
        .await;
    assert_eq!(ledger.as_array().unwrap().len(), 1, "{ledger}");
    assert_eq!(
        (&ledger[0]["version"], &ledger[0]["language"]),
        (&serde_json::json!(1), &serde_json::json!("de")),
        "{ledger}"
    );
    let german = format!(
        "consent_events WHERE source = 'confirmation' AND text_sha256 = '{}'",
        sha256_hex(de1)
    );
    assert_eq!(
        app.count(&german),
        1,
        "the event's digest is of the German words"
    );
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Someone on the English page at the same time agrees to the English version 2.
    let (_, en_page) = page(&app, "/subscribe?lang=en", None).await;
    post_form(
        &app,
        "/subscribe",
        &filled(&en_page, "jo@example.com", "newsletter_agreement"),
    )
    .await;
    let mail = app.mail().wait_for(2).await.pop().unwrap();
    assert_eq!(
        app.post(
            &mail.link(&app.url("/confirm/")).unwrap()[app.url("").len()..],
            &[]
        )
        .await
        .0,
        200
    );
    let (_, ledger) = app
        .api("/api/v1/profiles/jo@example.com/consents", &key)
        .await;
    assert_eq!(
        (&ledger[0]["version"], &ledger[0]["language"]),
        (&serde_json::json!(2), &serde_json::json!("en"))
    );

    // The German text is reworded while a German form is still open: that form is refused with the
    // new German words, and English stays at version 2.
    edit(vec![
        ("text", en2.into()),
        ("text_de", de2.into()),
        de_title(),
    ])
    .await;
    let (status, body) = post_form(
        &app,
        "/subscribe",
        &filled(&de_page, "late@example.com", "newsletter_agreement"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body.contains(de2) && body.contains(r#"value="newsletter_agreement:2:de""#),
        "{body}"
    );
    let (_, en_again) = page(&app, "/subscribe", None).await;
    assert!(en_again.contains(r#"value="newsletter_agreement:2:en""#));

    // The preference centre of a profile that signed up in German shows and records the German text.
    let prefs = mail_link(&app, "jonas@example.com", "/preferences/").await;
    let (_, prefs_page) = app.get(&prefs).await;
    assert!(prefs_page.contains(de2), "{prefs_page}");
    let mut form = crate::form_builder::hidden_fields(&prefs_page);
    form.retain(|(k, _)| k != "agreement");
    let (status, _) = post_form(&app, &prefs, &form).await;
    assert_eq!(status, 200);
    let (_, ledger) = app
        .api("/api/v1/profiles/jonas@example.com/consents", &key)
        .await;
    assert_eq!(
        (
            &ledger[1]["value"],
            &ledger[1]["version"],
            &ledger[1]["language"]
        ),
        (
            &serde_json::json!("disabled"),
            &serde_json::json!(2),
            &serde_json::json!("de")
        ),
        "{ledger}"
    );

    // A new German title alone makes no version.
    edit(vec![
        ("text", en2.into()),
        ("text_de", de2.into()),
        ("title_de", "Unser Newsletter".into()),
    ])
    .await;
    let (_, de_page) = page(&app, "/subscribe?lang=de", None).await;
    assert!(
        de_page.contains("<strong>Unser Newsletter</strong>")
            && de_page.contains(r#"value="newsletter_agreement:2:de""#)
    );

    // Taking the German text away: German pages show the English text again, and the history keeps
    // every German version.
    edit(vec![("text", en2.into()), ("text_de", String::new())]).await;
    let (_, de_page) = page(&app, "/subscribe?lang=de", None).await;
    assert!(
        de_page.contains(&format!(r#"lang="en">{en2}"#)) && !de_page.contains(de2),
        "{de_page}"
    );
    let (_, admin_page, _) = b.get("/admin/agreements/newsletter_agreement").await;
    assert!(
        admin_page.contains(de1) && admin_page.contains(de2),
        "{admin_page}"
    );
    let (_, audit, _) = crate::helpers::browser::staff(&app, "root@shop.example", "admin")
        .await
        .get("/admin/audit")
        .await;
    assert!(
        audit.contains("de text removed")
            && audit.contains("de version 2")
            && audit.contains("de title"),
        "{audit}"
    );
    let out = app.cli(&["ledger", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The link starting with `prefix` in the newest email to `to`, as a path.
async fn mail_link(app: &TestApp, to: &str, prefix: &str) -> String {
    let all = app.mail().wait_for(1).await;
    let mail = all
        .iter()
        .rev()
        .find(|m| m.to.contains(to))
        .expect("an email to them");
    mail.link(&app.url(prefix)).unwrap()[app.url("").len()..].to_string()
}

fn sha256_hex(s: &str) -> String {
    assent::domain::sha256_hex(s.as_bytes())
}

#[tokio::test]
async fn a_new_agreement_is_written_in_the_language_chosen_and_shown_as_such() {
    let app = TestApp::spawn().await;
    let b = crate::helpers::browser::staff(&app, "mia@shop.example", "marketer").await;
    let text = "Ich bin volljährig und möchte Angebote mit alkoholischen Getränken erhalten.";
    let (status, body, _) = b
        .submit(
            "/admin/agreements/new",
            "/admin/agreements",
            &[
                ("key", "alcohol_agreement"),
                ("title", "Alkohol"),
                ("channel", "other"),
                ("language", "de"),
                ("text", text),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    // A language without a catalogue is refused next to its field.
    let (status, body, _) = b
        .submit(
            "/admin/agreements/new",
            "/admin/agreements",
            &[
                ("key", "other_agreement"),
                ("title", "Other"),
                ("channel", "other"),
                ("language", "xx"),
                ("text", "Yes."),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.contains(r#"id="language-error""#), "{body}");

    // Its edit page offers English and Polish as translations, not German.
    let (_, body, _) = b.get("/admin/agreements/alcohol_agreement").await;
    assert!(body.contains("Consent text in Deutsch (de)"), "{body}");
    assert!(body.contains(r#"name="text_en""#) && body.contains(r#"name="text_pl""#));
    assert!(!body.contains(r#"name="text_de""#));
    // An English page shows the German text, marked German; consent there records German version 1.
    let (_, en_page) = page(
        &app,
        "/subscribe?agreements=alcohol_agreement&lang=en",
        None,
    )
    .await;
    assert!(
        en_page.contains(&format!(r#"lang="de">{text}"#)),
        "{en_page}"
    );
    app.subscribe_confirmed("ann@example.com", &["alcohol_agreement"])
        .await;
    let key = app.api_key().await;
    let (_, ledger) = app
        .api("/api/v1/profiles/ann@example.com/consents", &key)
        .await;
    assert_eq!(
        (&ledger[0]["version"], &ledger[0]["language"]),
        (&serde_json::json!(1), &serde_json::json!("de"))
    );
}

#[tokio::test]
async fn the_public_pages_generic_errors_speak_the_customers_language_and_the_dashboards_do_not() {
    let app = TestApp::spawn().await;
    // A missing page, in the browser's language, with a way on in it.
    let (status, body) = page(&app, "/no/such/page", Some("pl-PL,pl;q=0.9")).await;
    assert_eq!(status, 404);
    assert_eq!(lang_of(&body), "pl");
    assert!(
        body.contains("Pod tym adresem nie ma strony")
            && body.contains(r#"href="/subscribe?lang=pl""#),
        "{body}"
    );
    // A sign-up link naming an agreement that does not exist, in the language it asks for.
    let (status, body) = page(&app, "/subscribe?agreements=bogus_agreement&lang=de", None).await;
    assert_eq!(status, 404);
    assert!(
        body.contains("Es gibt keine Einwilligung namens „bogus_agreement“"),
        "{body}"
    );
    // A form too large to read: the browser's language (the form's own field is never read).
    let big = "a".repeat(70 * 1024);
    let r = app
        .http
        .post(app.url("/subscribe"))
        .header("accept-language", "de")
        .form(&[("email", "x@example.com"), ("pad", &big)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("<h1>Zu viele Daten</h1>") && lang_of(&body) == "de",
        "{body}"
    );
    // A broken multipart form, in Polish by `?lang=`.
    let r = app
        .http
        .post(app.url("/preferences?lang=pl"))
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nnot a part")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Nie udało się odczytać danych formularza"),
        "{body}"
    );
    assert_eq!(app.count("profiles"), 0, "nothing was written");

    // The dashboard and the API keep their own answers.
    let b = crate::helpers::browser::staff(&app, "mia@shop.example", "marketer").await;
    let (status, body, _) = b.get("/admin/no/such/page?lang=de").await;
    assert!(
        status == 404 && body.contains("There is no dashboard page at this address"),
        "{status} {body}"
    );
    let r = app
        .http
        .get(app.url("/api/v1/nowhere"))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(r.text().await.unwrap().contains(r#""error":"not_found""#));
}

#[tokio::test]
async fn invalid_translations_and_forged_wordings_get_422_and_write_nothing() {
    let app = TestApp::spawn().await;
    let b = crate::helpers::browser::staff(&app, "mia@shop.example", "marketer").await;
    let own = "I agree to receive the newsletter by email, with news, offers and updates. I can withdraw this consent at any time with the unsubscribe link in every email.";
    let long = "x".repeat(5001);
    let cases: [(&str, &str, &str, &str); 3] = [
        (
            "title_de",
            "Nur ein Titel",
            "text_de-error",
            "Give the consent text in Deutsch too",
        ),
        ("text_de", &long, "text_de-error", "too long"),
        ("text_pl", "Tak\u{7}", "text_pl-error", "control characters"),
    ];
    for (field, value, error_id, message) in cases {
        let (status, body, _) = b
            .submit(
                "/admin/agreements/newsletter_agreement",
                "/admin/agreements/newsletter_agreement",
                &[("title", "Email newsletter"), ("text", own), (field, value)],
            )
            .await;
        assert_eq!(status, 422, "{field}: {body}");
        assert!(
            body.contains(&format!(r#"id="{error_id}""#)) && body.contains(message),
            "{field}: {body}"
        );
    }
    assert_eq!(app.count("agreement_versions"), 3, "no version was made");
    assert_eq!(app.count("audit_log WHERE action = 'agreement.edit'"), 0);

    // A form claiming a wording in a language the agreement has no text in is shown the real one.
    let (status, body) = app
        .post(
            "/subscribe",
            &[
                ("email", "eve@example.com"),
                ("agreement", "newsletter_agreement"),
                ("shown", "newsletter_agreement:1:xx"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("has changed since this page was opened") && body.contains(own),
        "{body}"
    );
    assert_eq!(app.count("profiles"), 0);
    assert_eq!(app.count("optin_requests"), 0);
}
