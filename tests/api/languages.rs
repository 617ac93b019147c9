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
