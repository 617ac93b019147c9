//! The sign-up form builder: the code it gives is a working form on any website, posting to /subscribe
//! with the wording versions it shows; its preview is that same markup, rendered by the server.

use crate::helpers::browser::staff;
use crate::helpers::*;

/// The text of the page's `<textarea id="code">`, unescaped.
fn code_of(page: &str) -> String {
    let at = page.find(r#"<textarea id="code""#).expect("a code box");
    let start = at + page[at..].find('>').unwrap() + 1;
    let end = start + page[start..].find("</textarea>").unwrap();
    page[start..end]
        .replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&gt;", ">")
        .replace("&#62;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// (name, value) of every `<input type="hidden">` in some markup.
pub fn hidden_fields(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| {
        let needle = format!(r#"{name}=""#);
        tag.find(&needle).map(|i| {
            tag[i + needle.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_string()
        })
    };
    html.split("<input")
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap()])
        .filter(|t| t.contains(r#"type="hidden""#))
        .map(|t| (attr(t, "name").unwrap(), attr(t, "value").unwrap()))
        .collect()
}

#[tokio::test]
async fn the_built_form_works_from_any_page_and_guards_its_wording() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;

    // The first visit shows the newsletter form.
    let (status, page, _) = b.get("/admin/forms").await;
    assert_eq!(status, 200, "{page}");
    assert!(code_of(&page).contains(r#"value="newsletter_agreement""#));

    // Ticked in any order, the agreements appear in the list's order.
    let (status, page, _) = b
        .get("/admin/forms?built=1&agreement=sms_agreement&agreement=newsletter_agreement&button=Join+us")
        .await;
    assert_eq!(status, 200, "{page}");
    let code = code_of(&page);
    assert!(
        code.contains(&format!(r#"action="{}/subscribe""#, app.base)),
        "{code}"
    );
    assert!(code.find("newsletter_agreement:1").unwrap() < code.find("sms_agreement:1").unwrap());
    assert!(code.contains(">Join us</button>"), "{code}");
    assert!(
        !code.contains(r#"name="name""#),
        "no name field unless asked for"
    );
    // The preview is the same markup, inert.
    let preview = page
        .split(r#"<div class="preview" inert>"#)
        .nth(1)
        .expect("a preview");
    assert!(preview.starts_with(code.as_str()), "{preview}");

    // Pasted into a website and submitted by a person: a real sign-up with its confirmation email.
    let mut form = hidden_fields(&code);
    assert!(form.contains(&("shown".into(), "sms_agreement:1:en".into())));
    form.push(("email".into(), "web@example.com".into()));
    form.push(("agreement".into(), "sms_agreement".into()));
    let submit = |form: Vec<(String, String)>| {
        let http = app.http.clone();
        let url = app.url("/subscribe");
        async move {
            let r = http.post(url).form(&form).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, answer) = submit(form.clone()).await;
    assert_eq!(status, 200, "{answer}");
    let mail = app.mail().wait_for(1).await;
    assert!(mail[0].to.contains("web@example.com"));

    // The SMS text is reworded: the old code no longer records consent to words nobody saw.
    let (status, _, _) = b
        .submit(
            "/admin/agreements/sms_agreement",
            "/admin/agreements/sms_agreement",
            &[
                ("title", "SMS"),
                ("text", "Texts about offers, at most weekly."),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let mut again = form.clone();
    for (k, v) in again.iter_mut() {
        if k == "email" {
            *v = "late@example.com".into();
        }
    }
    let (status, answer) = submit(again).await;
    assert_eq!(status, 422, "{answer}");
    assert!(
        answer.contains("Texts about offers, at most weekly."),
        "{answer}"
    );
    let (_, page, _) = b.get("/admin/forms?built=1&agreement=sms_agreement").await;
    assert!(
        code_of(&page).contains("sms_agreement:2"),
        "fresh code has the new version"
    );
}

#[tokio::test]
async fn the_builder_refuses_what_cannot_be_on_a_form() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    b.submit(
        "/admin/agreements/push_agreement",
        "/admin/agreements/push_agreement/archive",
        &[],
    )
    .await;
    let (_, page, _) = b.get("/admin/forms").await;
    assert!(
        !page.contains("pick-push_agreement"),
        "archived ones are not offered"
    );
    for query in [
        "built=1&agreement=push_agreement",
        "built=1&agreement=nope",
        "built=1&agreement=sms_agreement&button=Join%0Aus",
        "built=1&agreement=sms_agreement&lang=xx",
    ] {
        let (status, page, _) = b.get(&format!("/admin/forms?{query}")).await;
        assert_eq!(status, 400, "{query}: {page}");
    }
    let (status, page, _) = b.get("/admin/forms?built=1").await;
    assert_eq!(status, 200);
    assert!(page.contains("Tick at least one agreement"), "{page}");
    assert!(!page.contains(r#"<textarea id="code""#));
    // With the newsletter archived, the first visit shows the first agreement still active.
    b.submit(
        "/admin/agreements/newsletter_agreement",
        "/admin/agreements/newsletter_agreement/archive",
        &[],
    )
    .await;
    let (status, page, _) = b.get("/admin/forms").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        code_of(&page).contains(r#"value="sms_agreement""#),
        "{page}"
    );
}

#[tokio::test]
async fn a_form_built_in_german_speaks_german_and_records_the_german_wording() {
    let app = TestApp::spawn().await;
    let b = staff(&app, "mia@shop.example", "marketer").await;
    let german = "Ich möchte Angebote per SMS erhalten. Widerruf jederzeit mit STOP.";
    let (status, page, _) = b
        .submit(
            "/admin/agreements/sms_agreement",
            "/admin/agreements/sms_agreement",
            &[
                ("title", "Text messages (SMS)"),
                ("text", "I agree to receive news and offers by text message (SMS) to my phone number. I can withdraw this consent at any time by replying STOP or in my preferences."),
                ("title_de", "SMS-Angebote"),
                ("text_de", german),
            ],
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let (status, page, _) = b
        .get("/admin/forms?built=1&agreement=sms_agreement&agreement=newsletter_agreement&lang=de")
        .await;
    assert_eq!(status, 200, "{page}");
    let code = code_of(&page);
    // German labels and button, the German SMS text, and the newsletter's English one (it has no German
    // text) marked as English.
    for part in [
        r#"lang="de""#,
        ">E-Mail-Adresse</label>",
        ">Anmelden</button>",
        "<strong>SMS-Angebote</strong>",
        german,
        r#"value="sms_agreement:1:de""#,
        r#"value="newsletter_agreement:1:en""#,
    ] {
        assert!(code.contains(part), "{part} in {code}");
    }
    let mut form = hidden_fields(&code);
    form.push(("email".into(), "ute@example.com".into()));
    form.push(("agreement".into(), "sms_agreement".into()));
    let r = app
        .http
        .post(app.url("/subscribe"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let mail = app.mail().wait_for(1).await.pop().unwrap();
    assert!(
        mail.subject.contains("bestätigen") && mail.text.contains(german),
        "{} {}",
        mail.subject,
        mail.text
    );
    let confirm = mail.link(&app.url("/confirm/")).unwrap();
    assert_eq!(app.post(&confirm[app.url("").len()..], &[]).await.0, 200);
    let key = app.api_key().await;
    let (_, ledger) = app
        .api("/api/v1/profiles/ute@example.com/consents", &key)
        .await;
    assert_eq!(
        (
            &ledger[0]["agreement"],
            &ledger[0]["version"],
            &ledger[0]["language"]
        ),
        (
            &serde_json::json!("sms_agreement"),
            &serde_json::json!(1),
            &serde_json::json!("de")
        ),
        "{ledger}"
    );
}
