//! The organisation's brand on the real binary: its name in titles and headers, its logo, its accent
//! colour for light and dark mode, and a colour too pale to read refused with the reason.

use crate::helpers::*;

#[tokio::test]
async fn pages_carry_the_organisations_name_logo_and_colour() {
    let db = TestDb::migrated();
    let logo = db.dir().join("logo.svg");
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#5b2a86"/></svg>"##;
    std::fs::write(&logo, svg).unwrap();
    let env = [
        ("ASSENT_ORG_NAME", "Lakeside Books".to_string()),
        ("ASSENT_ORG_CONTACT", "privacy@lakeside.example".to_string()),
        ("ASSENT_BRAND_COLOR", "#5b2a86".to_string()),
        ("ASSENT_LOGO", logo.display().to_string()),
    ];
    let server = Binary::start(&db, Binary::free_port(), &env, false);
    server.ready().await;
    let http = reqwest::Client::new();
    let page = text(&http, &format!("{}/subscribe", server.base)).await;
    assert!(page.contains("· Lakeside Books</title>"), "{page}");
    assert!(
        page.contains(r#"<img src="/brand/logo" alt="" height="32"> Lakeside Books"#),
        "{page}"
    );
    assert!(page.contains(r#"<link rel="stylesheet" href="/brand.css">"#));

    let logo = http
        .get(format!("{}/brand/logo", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    assert_eq!(logo.text().await.unwrap(), svg);
    let css = text(&http, &format!("{}/brand.css", server.base)).await;
    assert!(css.contains(":root { --brand: #5b2a86;"), "{css}");
    // Dark mode gets a lighter shade of the same colour, not the default blue.
    let dark = css
        .split("prefers-color-scheme: dark")
        .nth(1)
        .expect("a dark-mode rule");
    assert!(
        dark.contains("--brand: #") && !dark.contains("#5b2a86") && !dark.contains("#8ab4f8"),
        "{css}"
    );

    // A consent receipt names the organisation as the controller, with its contact.
    let key = db.api_key();
    let answer = http
        .post(format!("{}/v4/clients/batch", server.base))
        .bearer_auth(&key)
        .json(&serde_json::json!([{"email": "ann@example.com", "agreements": {"email": true}}]))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let receipt_url = format!("{}/api/v1/profiles/ann@example.com/receipt", server.base);
    let token = keyed_text(&http, &receipt_url, &key).await;
    let payload = jws_part(&token, 1);
    assert_eq!(
        payload["dpv:hasDataController"],
        serde_json::json!({"@type": "dpv:DataController", "dct:title": "Lakeside Books",
                           "dpv:hasContact": "privacy@lakeside.example"})
    );

    // Without settings: the default look, and no logo to fetch.
    drop(server);
    let plain = Binary::start(&db, Binary::free_port(), &[], false);
    plain.ready().await;
    let page = text(&http, &format!("{}/subscribe", plain.base)).await;
    assert!(
        page.contains("· Assent</title>") && page.contains(r#"src="/static/favicon.svg""#),
        "{page}"
    );
    assert_eq!(
        http.get(format!("{}/brand/logo", plain.base))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[test]
fn a_colour_too_pale_to_read_or_a_bad_logo_is_refused_with_the_reason() {
    let db = TestDb::new();
    let out = db
        .command(
            &["migrate"],
            &[
                ("ASSENT_BRAND_COLOR", "#ffcc00"),
                ("ASSENT_LOGO", "/nonexistent/logo.gif"),
            ],
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ASSENT_BRAND_COLOR: #ffcc00 on white has a contrast of"),
        "{err}"
    );
    assert!(
        err.contains(
            "ASSENT_LOGO: /nonexistent/logo.gif: the logo must be an .svg, .png, .jpg or .webp file"
        ),
        "{err}"
    );
}

async fn text(http: &reqwest::Client, url: &str) -> String {
    http.get(url).send().await.unwrap().text().await.unwrap()
}
