//! Every public page state (blank, error, success, expired, unknown) and every dashboard page passes
//! axe-core run in a real Chromium at the WCAG 2.0 and 2.1 A and AA tags with zero violations, and the
//! server's HTML of each, and the HTML part of every email sent meanwhile, passes the Nu HTML checker
//! (`vnu.jar`) with zero errors. Any finding is listed with its page and selector (axe) or line (vnu);
//! `target/a11y-report.txt` lists every page checked with its counts.
//!
//! The tools come from `tests/a11y` (`npm ci --prefix tests/a11y`; vnu needs Java). Without them, or
//! without Chromium, the test is skipped with one loud line, unless ASSENT_TEST_REQUIRE_BROWSER=1.

use crate::chrome::{Chrome, wait_for_new_page};
use crate::helpers::browser::{Browser, staff_language, staff_user};
use crate::helpers::*;
use fantoccini::{Client, Locator};
use serde_json::json;
use std::path::PathBuf;

const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

pub(crate) fn tools() -> Option<(String, PathBuf)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/a11y/node_modules");
    let axe = dir.join("axe-core/axe.min.js");
    let vnu = dir.join("vnu-jar/build/dist/vnu.jar");
    let java = std::process::Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !axe.exists() || !vnu.exists() || !java {
        missing_tool(
            "ASSENT_TEST_REQUIRE_BROWSER",
            "the accessibility and HTML checks need `npm ci --prefix tests/a11y` and Java",
        );
        return None;
    }
    Some((std::fs::read_to_string(axe).unwrap(), vnu))
}

/// A page state: a GET, or a POST of these fields (dashboard forms get the CSRF token of `from`).
#[derive(Clone)]
enum Visit {
    Get(String),
    Post {
        from: Option<String>,
        path: String,
        fields: Vec<(String, String)>,
    },
}

struct Page {
    name: String,
    visit: Visit,
}

fn get(name: &str, path: impl Into<String>) -> Page {
    Page {
        name: name.into(),
        visit: Visit::Get(path.into()),
    }
}

fn post(name: &str, from: Option<&str>, path: impl Into<String>, fields: &[(&str, &str)]) -> Page {
    Page {
        name: name.into(),
        visit: Visit::Post {
            from: from.map(str::to_string),
            path: path.into(),
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        },
    }
}

/// Link tokens for one round of the public pages (each round consumes its own).
struct Tokens {
    confirm: String,
    expired: String,
    unsubscribe: String,
    preferences: String,
}

async fn tokens(app: &TestApp, round: &str) -> Tokens {
    let path = |link: String| link[app.url("").len()..].to_string();
    let pending = app
        .subscribe_pending(&format!("pending-{round}@example.com"))
        .await;
    let old = format!("old-{round}@example.com");
    let expired = app.subscribe_pending(&old).await;
    app.age_requests(old.as_str(), 30);
    let confirmed = app
        .subscribe_confirmed(
            &format!("yes-{round}@example.com"),
            &["newsletter_agreement"],
        )
        .await;
    let prefs = confirmed
        .link(&app.url("/preferences/"))
        .expect("a preferences link");
    Tokens {
        confirm: path(pending.link(&app.url("/confirm/")).unwrap()),
        expired: path(expired.link(&app.url("/confirm/")).unwrap()),
        unsubscribe: path(confirmed.unsubscribe_url()),
        preferences: path(prefs),
    }
}

fn public_pages(t: &Tokens, round: &str) -> Vec<Page> {
    let email = format!("new-{round}@example.com");
    let known = format!("yes-{round}@example.com");
    vec![
        get(
            "subscribe (blank)",
            "/subscribe?agreements=newsletter_agreement,sms_agreement",
        ),
        post(
            "subscribe (error)",
            None,
            "/subscribe",
            &[
                ("email", "not-an-email"),
                ("agreement", "newsletter_agreement"),
            ],
        ),
        post(
            "subscribe (success)",
            None,
            "/subscribe",
            &[("email", &email), ("agreement", "newsletter_agreement")],
        ),
        post(
            "subscribe (already subscribed)",
            None,
            "/subscribe",
            &[("email", &known), ("agreement", "newsletter_agreement")],
        ),
        get("confirm", t.confirm.clone()),
        post("confirm (success)", None, t.confirm.clone(), &[]),
        post("confirm (already used)", None, t.confirm.clone(), &[]),
        get("confirm (expired)", t.expired.clone()),
        post("confirm (expired, POST)", None, t.expired.clone(), &[]),
        post(
            "confirm (new link sent)",
            None,
            format!("{}/renew", t.expired),
            &[],
        ),
        get("confirm (unknown)", "/confirm/nosuchtoken0000000000000000"),
        get("unsubscribe", t.unsubscribe.clone()),
        post("unsubscribe (done)", None, t.unsubscribe.clone(), &[]),
        get("preferences", t.preferences.clone()),
        get("consent record", format!("{}/receipt", t.preferences)),
        post(
            "preferences (saved)",
            None,
            t.preferences.clone(),
            &[("agreement", "sms_agreement")],
        ),
        get("preferences (ask for a link)", "/preferences"),
        post(
            "preferences (link sent)",
            None,
            "/preferences",
            &[("email", &known)],
        ),
        post(
            "preferences (error)",
            None,
            "/preferences",
            &[("email", "nope")],
        ),
        get("not found", "/no/such/page"),
    ]
}

/// The rows the dashboard pages show, made before the pages are visited.
#[derive(Clone, Copy)]
struct Ids {
    profile: i64,
    user: i64,
    /// An uploaded import waiting for its mapping, and one that ran.
    draft: i64,
    import: i64,
}

fn dashboard_pages(ids: Ids) -> Vec<Page> {
    let Ids {
        profile,
        user,
        draft,
        import,
    } = ids;
    let mut pages: Vec<Page> = [
        ("overview", "/admin".to_string()),
        ("profiles", "/admin/profiles".into()),
        ("profiles (search)", "/admin/profiles?q=yes".into()),
        ("profile", format!("/admin/profiles/{profile}")),
        ("agreements", "/admin/agreements".into()),
        ("agreement (new)", "/admin/agreements/new".into()),
        (
            "agreement (edit)",
            "/admin/agreements/newsletter_agreement".into(),
        ),
        ("sign-up form builder", "/admin/forms".into()),
        (
            "sign-up form builder (preview)",
            "/admin/forms?built=1&agreement=newsletter_agreement&with_name=1".into(),
        ),
        (
            "sign-up form builder (preview in German)",
            "/admin/forms?built=1&agreement=newsletter_agreement&agreement=sms_agreement&lang=de"
                .into(),
        ),
        ("audiences", "/admin/audiences".into()),
        ("users", "/admin/users".into()),
        ("user", format!("/admin/users/{user}")),
        ("API keys", "/admin/apikeys".into()),
        ("exports", "/admin/exports".into()),
        ("imports", "/admin/imports".into()),
        ("import (mapping)", format!("/admin/imports/{draft}")),
        ("import (finished)", format!("/admin/imports/{import}")),
        ("integrations", "/admin/integrations".into()),
        ("webhooks", "/admin/webhooks".into()),
        ("webhook", "/admin/webhooks/1".into()),
        ("send-files", "/admin/sendfiles".into()),
        ("email", "/admin/email".into()),
        ("audit", "/admin/audit".into()),
        ("health", "/admin/health".into()),
        ("account", "/admin/account".into()),
    ]
    .into_iter()
    .map(|(n, p)| get(n, p))
    .collect();
    pages.push(post(
        "agreement (new, errors)",
        Some("/admin/agreements/new"),
        "/admin/agreements",
        &[
            ("key", "Bad Key!"),
            ("channel", "email"),
            ("title", ""),
            ("text", ""),
        ],
    ));
    pages.push(post(
        "agreement (edit, errors)",
        Some("/admin/agreements/sms_agreement"),
        "/admin/agreements/sms_agreement",
        &[("title", ""), ("text", "x"), ("text_pl", "\u{7}")],
    ));
    pages.push(post(
        "send-files (error)",
        Some("/admin/sendfiles"),
        "/admin/sendfiles",
        &[("name", "x"), ("target", "gopher://x/"), ("method", "POST")],
    ));
    pages
}

/// Runs axe on the page Chromium shows; its violations, one line each with their selectors.
pub(crate) async fn axe(c: &Client, source: &str) -> Vec<String> {
    c.execute(&format!("{source}\nreturn true;"), vec![])
        .await
        .unwrap();
    let found = c
        .execute_async(
            r#"const [tags, done] = arguments;
            axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
              .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help} at `
                  + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));"#,
            vec![json!(TAGS)],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

/// Shows a page state in Chromium: a GET navigates; a POST submits a form built in the page (with the
/// page's CSRF token for the dashboard), as a person's browser would.
async fn show(c: &Client, app: &TestApp, visit: &Visit) {
    match visit {
        Visit::Get(path) => c.goto(&app.url(path)).await.unwrap(),
        Visit::Post { from, path, fields } => {
            let start = from.as_deref().unwrap_or("/livez");
            c.goto(&app.url(start)).await.unwrap();
            let old = c.find(Locator::Css("html")).await.unwrap();
            c.execute(
                r#"const [action, fields, withToken] = arguments;
                const token = document.querySelector('input[name=csrf_token]');
                const f = document.createElement('form');
                f.method = 'post'; f.action = action;
                const all = withToken && token ? [...fields, ['csrf_token', token.value]] : fields;
                for (const [k, v] of all) {
                  const i = document.createElement('input');
                  i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
                }
                document.body.appendChild(f);
                f.submit();"#,
                vec![json!(app.url(path)), json!(fields), json!(from.is_some())],
            )
            .await
            .unwrap();
            wait_for_new_page(c, old, path).await;
        }
    }
}

/// The server's own HTML of a page state (what vnu checks), `None` for a redirect.
async fn raw(b: &Browser, visit: &Visit) -> Option<String> {
    let (status, body, _) = match visit {
        Visit::Get(path) => b.get(path).await,
        Visit::Post { from, path, fields } => {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            match from {
                Some(from) => b.submit(from, path, &fields).await,
                None => b.post(path, &fields).await,
            }
        }
    };
    (!(300..400).contains(&status)).then_some(body)
}

/// Runs vnu over these files; its errors, one line each with the file's page name.
fn vnu(jar: &PathBuf, files: &[(String, PathBuf)]) -> Vec<(String, String)> {
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json"])
        .args(files.iter().map(|(_, p)| p))
        .output()
        .expect("java runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stderr)
        .or_else(|_| serde_json::from_slice(&out.stdout))
        .unwrap_or_else(|e| panic!("vnu said: {e}\n{}", String::from_utf8_lossy(&out.stderr)));
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let file = m["url"].as_str().unwrap_or("").trim_start_matches("file:");
            let page = files
                .iter()
                .find(|(_, p)| p.to_str() == Some(file))
                .map_or(file.to_string(), |(n, _)| n.clone());
            (
                page,
                format!(
                    "line {}: {}",
                    m["lastLine"].as_u64().unwrap_or(0),
                    m["message"].as_str().unwrap_or("")
                ),
            )
        })
        .collect()
}

/// The public page states in each language: `lang=` on every address and in every form; names get
/// ` [pl]` and the like (English keeps the plain name).
fn public_states(rounds: &[(&Tokens, String, &str)]) -> Vec<(String, Visit)> {
    let mut all = Vec::new();
    for (tokens, round, lang) in rounds {
        let tag = if *lang == "en" {
            String::new()
        } else {
            format!(" [{lang}]")
        };
        let with_lang = |path: &str| {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}lang={lang}")
        };
        for p in public_pages(tokens, round) {
            let visit = match p.visit {
                Visit::Get(path) => Visit::Get(with_lang(&path)),
                Visit::Post {
                    from,
                    path,
                    mut fields,
                } => {
                    fields.push(("lang".into(), lang.to_string()));
                    Visit::Post {
                        from,
                        path: with_lang(&path),
                        fields,
                    }
                }
            };
            all.push((format!("{} (public){tag}", p.name), visit));
        }
    }
    all
}

/// Shows the public page states, the sign-in page and, signed in, every dashboard page, and runs axe
/// on each; names get `suffix`.
/// An import left at its mapping page and one that ran, uploaded by an admin.
async fn dashboard_rows(app: &TestApp) -> Ids {
    let admin = crate::helpers::browser::staff(app, "ada@shop.example", "admin").await;
    let file = b"email,newsletter_agreement\nan@example.com,enabled\n";
    let mut uploaded = Vec::new();
    for name in ["waiting.csv", "ran.csv"] {
        let (status, page, location) = crate::imports::upload(&admin, app, name, file, None).await;
        assert_eq!(status, 303, "{page}");
        uploaded.push(location.expect("the import's page"));
    }
    let ran = &uploaded[1];
    let mapping = [
        ("col_0", "email"),
        ("map_0", "email"),
        ("col_1", "newsletter_agreement"),
        ("map_1", "newsletter_agreement"),
        ("consented_at", "2026-05-01 09:30:00"),
    ];
    let (status, page, _) = admin.submit(ran, &format!("{ran}/start"), &mapping).await;
    assert_eq!(status, 303, "{page}");
    let id = |path: &str| path.rsplit('/').next().unwrap().parse().unwrap();
    eventually("the import ran", || {
        app.count(&format!("jobs WHERE id = {} AND status = 'done'", id(ran))) == 1
    })
    .await;
    // Each is the page it is named for.
    let (status, page, _) = admin.get(&uploaded[0]).await;
    assert!(status == 200 && page.contains(r#"name="map_0""#), "{page}");
    let (status, page, _) = admin.get(ran).await;
    assert!(status == 200 && page.contains("Finished "), "{page}");
    Ids {
        profile: 0,
        user: 0,
        draft: id(&uploaded[0]),
        import: id(ran),
    }
}

/// Every page of the dashboard's route table (`src/routes/admin/mod.rs`): each `GET` route with the
/// scopes it sits in, `{…}` for a path parameter. A page added there is a page this check visits, or
/// it fails.
fn dashboard_routes() -> Vec<String> {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/routes/admin/mod.rs"
    ))
    .unwrap();
    let text = &src[src.find("fn pages_of_everyone").expect("the route table")..];
    let (mut routes, mut scopes, mut depth) = (Vec::new(), Vec::<(i32, &str)>::new(), 0);
    for (i, c) in text.char_indices() {
        let rest = &text[i..];
        let quoted = |r: &'static str| {
            let r = rest.strip_prefix(r)?.trim_start().strip_prefix('"')?;
            Some((&r[..r.find('"')?], r[r.find('"')? + 1..].trim_start()))
        };
        if let Some((scope, _)) = quoted("web::scope(") {
            scopes.push((depth, scope));
        } else if let Some((path, after)) = quoted(".route(")
            && after
                .trim_start_matches(',')
                .trim_start()
                .starts_with("crate::routes::get()")
        {
            let prefix: String = scopes.iter().map(|(_, s)| *s).collect();
            routes.push(format!("/admin{prefix}{path}"));
        }
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                while scopes.last().is_some_and(|(d, _)| *d > depth) {
                    scopes.pop();
                }
            }
            _ => {}
        }
    }
    routes
}

/// Whether `path` (a query string left out) is a page of the route `pattern`.
fn is_page_of(path: &str, pattern: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (a, b): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), pattern.split('/').collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(s, p)| s == p || (p.starts_with('{') && p.ends_with('}')))
}

#[test]
fn the_check_visits_every_page_of_the_dashboards_route_table() {
    let routes = dashboard_routes();
    // Read right: the table has the pages this test knows are there.
    for known in [
        "/admin",
        "/admin/users/{id}",
        "/admin/imports/{id}",
        "/admin/webhooks/{id}",
    ] {
        assert!(routes.iter().any(|r| r == known), "{known} in {routes:?}");
    }
    let ids = Ids {
        profile: 1,
        user: 1,
        draft: 2,
        import: 3,
    };
    let visited: Vec<String> = dashboard_pages(ids)
        .into_iter()
        .filter_map(|p| match p.visit {
            Visit::Get(path) => Some(path),
            _ => None,
        })
        .chain(["/admin/login".to_string()])
        .collect();
    // CSV downloads and signed receipts are files, not pages.
    let missed: Vec<&String> = routes
        .iter()
        .filter(|r| !r.ends_with(".csv") && !r.ends_with(".jws"))
        .filter(|r| !visited.iter().any(|v| is_page_of(v, r)))
        .collect();
    assert!(
        missed.is_empty(),
        "dashboard pages the accessibility check does not visit: {missed:?}"
    );
}

async fn axe_pass(
    c: &Client,
    app: &TestApp,
    ids: Ids,
    public: Vec<(String, Visit)>,
    source: &str,
    suffix: &str,
    report: &mut Vec<(String, Vec<String>)>,
) {
    let mut pages: Vec<(String, Visit)> = public
        .into_iter()
        .map(|(name, visit)| (format!("{name}{suffix}"), visit))
        .collect();
    pages.push((
        format!("sign-in{suffix}"),
        Visit::Get("/admin/login".into()),
    ));
    for (name, visit) in &pages {
        show(c, app, visit).await;
        report.push((name.clone(), axe(c, source).await));
    }
    crate::browser::sign_in(c, app, "root@shop.example").await;
    for lang in DASHBOARD_LANGS {
        staff_language(app, "root@shop.example", lang);
        for p in dashboard_pages(ids) {
            show(c, app, &p.visit).await;
            let html_lang = crate::chrome::html_lang(c).await;
            assert_eq!(html_lang.as_deref(), Some(lang), "{} in {lang}", p.name);
            report.push((
                format!("{} (dashboard{}){suffix}", p.name, lang_suffix(lang)),
                axe(c, source).await,
            ));
        }
    }
    staff_language(app, "root@shop.example", "en");
}

/// Every dashboard page is checked in each of its languages.
const DASHBOARD_LANGS: [&str; 3] = ["en", "pl", "de"];

fn lang_suffix(lang: &str) -> String {
    if lang == "en" {
        String::new()
    } else {
        format!(", {lang}")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_and_email_passes_axe_and_the_html_validator() {
    let Some((axe_source, jar)) = tools() else {
        return;
    };
    let app = TestApp::spawn_with(Options {
        env: vec![("ASSENT_ALLOW_PRIVATE_TARGETS", "true".into())],
        ..Options::default()
    })
    .await;
    let Some(chrome) = Chrome::start("accessibility").await else {
        return;
    };
    // Something on every dashboard page.
    staff_user(&app, "root@shop.example", "admin");
    let _ = app.api_key().await;
    for args in [
        &[
            "webhook",
            "add",
            "--url",
            "http://127.0.0.1:9/hook",
            "--events",
            "consent.changed",
        ][..],
        &[
            "sendfile",
            "add",
            "--name",
            "crm",
            "--target",
            "http://127.0.0.1:9/in",
        ][..],
        &[
            "integration",
            "add",
            "--name",
            "shop",
            "--hs256-secret",
            "0123456789abcdef0123456789abcdef",
        ][..],
    ] {
        let out = app.cli_env(args, &[("ASSENT_ALLOW_PRIVATE_TARGETS", "true")]);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A German consent text: German pages show it, Polish ones the English text marked `lang="en"`.
    let (status, body, _) = crate::helpers::browser::staff(&app, "mia@shop.example", "marketer")
        .await
        .submit(
            "/admin/agreements/newsletter_agreement",
            "/admin/agreements/newsletter_agreement",
            &[
                ("title", "Email newsletter"),
                ("text", "I agree to receive the newsletter by email, with news, offers and updates. I can withdraw this consent at any time with the unsubscribe link in every email."),
                ("text_de", "Ich möchte den Newsletter per E-Mail erhalten. Ich kann jederzeit widerrufen."),
                ("title_de", "Newsletter per E-Mail"),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    // Fresh link tokens for every round (confirming uses them up), in every language.
    const LANGS: [&str; 3] = ["en", "pl", "de"];
    let mut raw_tokens = Vec::new();
    let mut web_tokens = Vec::new();
    for lang in LANGS {
        raw_tokens.push((tokens(&app, &format!("raw-{lang}")).await, lang));
        web_tokens.push((tokens(&app, &format!("web-{lang}")).await, lang));
    }
    let dark_tokens = tokens(&app, "dark").await;
    let rounds =
        |all: &'static str, tokens: &'_ [(Tokens, &'static str)]| -> Vec<(String, Visit)> {
            let list: Vec<(&Tokens, String, &str)> = tokens
                .iter()
                .map(|(t, lang)| (t, format!("{all}-{lang}"), *lang))
                .collect();
            public_states(&list)
        };
    let ids = Ids {
        profile: 1,
        user: 1,
        ..dashboard_rows(&app).await
    };

    // The server's HTML, for vnu.
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("a11y-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    let public = Browser::new(&app);
    let staff = crate::helpers::browser::staff(&app, "root@shop.example", "admin").await;
    let login = Browser::new(&app);
    let mut all_raw: Vec<(String, &Browser, Visit)> = rounds("raw", &raw_tokens)
        .into_iter()
        .map(|(name, visit)| (name, &public, visit))
        .collect();
    all_raw.push(("sign-in".into(), &login, Visit::Get("/admin/login".into())));
    all_raw.extend(
        dashboard_pages(ids)
            .into_iter()
            .map(|p| (format!("{} (dashboard)", p.name), &staff, p.visit)),
    );
    for (i, (name, b, visit)) in all_raw.iter().enumerate() {
        if let Some(html) = raw(b, visit).await {
            let path = dir.join(format!("page-{i}.html"));
            std::fs::write(&path, html).unwrap();
            files.push((name.clone(), path));
        }
    }
    // The dashboard again in its other languages.
    for lang in DASHBOARD_LANGS.iter().filter(|l| **l != "en") {
        staff_language(&app, "root@shop.example", lang);
        for (i, p) in dashboard_pages(ids).into_iter().enumerate() {
            if let Some(html) = raw(&staff, &p.visit).await {
                assert!(
                    html.contains(&format!("<html lang=\"{lang}\"")),
                    "{} in {lang}",
                    p.name
                );
                let path = dir.join(format!("page-{lang}-{i}.html"));
                std::fs::write(&path, html).unwrap();
                files.push((format!("{} (dashboard{})", p.name, lang_suffix(lang)), path));
            }
        }
    }
    staff_language(&app, "root@shop.example", "en");
    // Three emails per round of tokens (seven rounds), then each raw round's: a confirmation, "already
    // subscribed", a new confirmation link and a preferences link.
    for (i, m) in app.mail().wait_for(7 * 3 + 3 * 4).await.iter().enumerate() {
        let path = dir.join(format!("email-{i}.html"));
        std::fs::write(&path, &m.html).unwrap();
        files.push((format!("mail {:?}", m.subject), path));
    }
    // A canary with known errors proves the checker and this reading of its report work.
    let canary = dir.join("canary.html");
    std::fs::write(
        &canary,
        "<!doctype html><title>x</title><p><div>x</p><img src=a>",
    )
    .unwrap();
    files.push(("canary".into(), canary));
    let mut html_errors = vnu(&jar, &files);
    let canary_errors = html_errors.iter().filter(|(p, _)| p == "canary").count();
    assert!(
        canary_errors >= 2,
        "vnu found {canary_errors} errors in the canary"
    );
    html_errors.retain(|(p, _)| p != "canary");
    files.pop();

    // Each state in Chromium, for axe: in the light scheme, then in the dark one.
    let mut report: Vec<(String, Vec<String>)> = Vec::new();
    let (app2, report_ref) = (&app, &mut report);
    let source = &axe_source;
    chrome
        .journey(|c| async move {
            // The canary: a page with known violations proves axe runs and its findings are read.
            c.goto("data:text/html,<title>x</title><img src=x>")
                .await
                .unwrap();
            let canary = axe(&c, source).await;
            assert!(
                canary.iter().any(|v| v.starts_with("image-alt"))
                    && canary.iter().any(|v| v.starts_with("html-has-lang")),
                "{canary:?}"
            );
            axe_pass(
                &c,
                app2,
                ids,
                rounds("web", &web_tokens),
                source,
                "",
                report_ref,
            )
            .await;
        })
        .await;
    let dark_public = public_states(&[(&dark_tokens, "dark".into(), "en")]);
    let dark = Chrome::start_with(
        "accessibility-dark",
        &["--blink-settings=preferredColorScheme=0"],
    )
    .await
    .expect("Chromium ran a moment ago");
    let report_ref = &mut report;
    dark.journey(|c| async move {
        c.goto(&app2.url("/subscribe")).await.unwrap();
        let is_dark = c
            .execute(
                "return matchMedia('(prefers-color-scheme: dark)').matches;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(is_dark, json!(true), "the dark scheme is in force");
        axe_pass(&c, app2, ids, dark_public, source, " [dark]", report_ref).await;
    })
    .await;

    // One report: every page with its counts; then every finding.
    let mut lines = Vec::new();
    let mut findings = Vec::new();
    for (name, violations) in &report {
        let errors: Vec<&String> = html_errors
            .iter()
            .filter(|(p, _)| p == name)
            .map(|(_, e)| e)
            .collect();
        lines.push(format!(
            "{name}: axe {}, vnu {}",
            violations.len(),
            errors.len()
        ));
        findings.extend(violations.iter().map(|v| format!("{name}: axe: {v}")));
        findings.extend(errors.iter().map(|e| format!("{name}: vnu: {e}")));
    }
    for (name, e) in &html_errors {
        if name.starts_with("mail ") {
            findings.push(format!("{name}: vnu: {e}"));
        }
    }
    for (name, _) in files.iter().filter(|(n, _)| n.starts_with("mail ")) {
        let n = html_errors.iter().filter(|(p, _)| p == name).count();
        lines.push(format!("{name}: vnu {n}"));
    }
    let text = format!("{}\n\n{}\n", lines.join("\n"), findings.join("\n"));
    let _ = std::fs::write(
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../a11y-report.txt"),
        &text,
    );
    assert!(report.len() >= 250, "{} page states checked", report.len());
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        text
    );
}

/// Makes the README's screenshots: each public page at phone and desktop width, into docs/screenshots/.
/// Run by `scripts/screenshots.sh` (ignored otherwise: it writes into the source tree).
#[tokio::test]
#[ignore]
async fn screenshots_of_the_public_pages() {
    let app = TestApp::spawn().await;
    let Some(chrome) = Chrome::start("screenshots").await else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let phone = tokens(&app, "phone").await;
    let desktop = tokens(&app, "desktop").await;
    let (app2, dir1) = (&app, &dir);
    chrome
        .journey(|c| async move {
            for (width, height, t, round) in [
                (360, 740, &phone, "phone"),
                (1024, 720, &desktop, "desktop"),
            ] {
                c.set_window_size(width, height).await.unwrap();
                for p in public_pages(t, round) {
                    let wanted = [
                        "subscribe (blank)",
                        "subscribe (error)",
                        "subscribe (success)",
                        "confirm",
                        "confirm (success)",
                        "confirm (expired)",
                        "unsubscribe",
                        "unsubscribe (done)",
                        "preferences",
                        "preferences (ask for a link)",
                    ];
                    if !wanted.contains(&p.name.as_str()) {
                        continue;
                    }
                    show(&c, app2, &p.visit).await;
                    let slug: String = p
                        .name
                        .chars()
                        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
                        .collect::<String>()
                        .split('-')
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join("-");
                    let png = c.screenshot().await.unwrap();
                    std::fs::write(dir1.join(format!("{slug}-{round}.png")), png).unwrap();
                }
            }
        })
        .await;
    // The sign-up page in dark mode.
    let dark = Chrome::start_with(
        "screenshots-dark",
        &["--blink-settings=preferredColorScheme=0"],
    )
    .await
    .expect("Chromium ran a moment ago");
    let dir2 = dir.clone();
    dark.journey(|c| async move {
        for (width, height, round) in [(360, 740, "phone"), (1024, 720, "desktop")] {
            c.set_window_size(width, height).await.unwrap();
            c.goto(&app2.url("/subscribe?agreements=newsletter_agreement,sms_agreement"))
                .await
                .unwrap();
            let png = c.screenshot().await.unwrap();
            std::fs::write(dir2.join(format!("subscribe-dark-{round}.png")), png).unwrap();
        }
    })
    .await;
}

/// Makes the README's dashboard screenshots: the overview with its chart, agreements, a profile with
/// its history, a finished import, webhooks and health, at phone and desktop width, light and dark, into
/// docs/screenshots/admin-*.png. Run by `scripts/screenshots.sh` (ignored otherwise).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn screenshots_of_the_dashboard() {
    let app = TestApp::allowing_private_targets().await;
    let rx = crate::helpers::receiver::Receiver::start().await;
    let (_, secret) =
        crate::webhooks::add_webhook(&app, &rx.url, "consent.changed,profile.created", &[]);
    rx.trust(&[&secret]);
    let key = app.api_key().await;
    // Three months of sign-ups, and some who left again later.
    let at = |days: i64, minutes: i64| {
        (chrono::Utc::now() - chrono::TimeDelta::days(days) - chrono::TimeDelta::minutes(minutes))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let names = [
        "Ada", "Bea", "Cem", "Dora", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jana",
    ];
    for chunk in (0..600).collect::<Vec<i64>>().chunks(200) {
        let items: Vec<serde_json::Value> = chunk
            .iter()
            .map(|i| {
                let day = 88 - (i * i) % 89 * (i % 3 + 1) / 3;
                // Only what they agreed to: a "no" never given is not an opt-out.
                let agreed: serde_json::Map<String, serde_json::Value> =
                    [("email", true), ("sms", i % 3 == 0), ("push", i % 5 == 0)]
                        .into_iter()
                        .filter(|(_, on)| *on)
                        .map(|(k, on)| (k.to_string(), json!(on)))
                        .collect();
                json!({"email": format!("{}{i}@example.com", names[*i as usize % 10].to_lowercase()),
                       "firstName": names[*i as usize % 10],
                       "agreements": agreed,
                       "consentedAt": at(day, *i)})
            })
            .collect();
        crate::webhooks::batch(&app, &key, &json!(items)).await;
    }
    let leaving: Vec<serde_json::Value> = (0..600)
        .filter(|i| i % 7 == 0)
        .map(|i| {
            json!({"email": format!("{}{i}@example.com", names[i as usize % 10].to_lowercase()),
                   "agreements": {"email": false}, "consentedAt": at(i % 40, 1)})
        })
        .collect();
    crate::webhooks::batch(&app, &key, &json!(leaving)).await;
    // The chart counts changes on the day they were recorded, and these were all recorded just now: in
    // this throwaway database (only here) the ledger's guard is lifted and each change is dated back to
    // when it was given, so the picture has three months to show.
    app.exec(
        "DROP TRIGGER consent_events_append_only_update; \
         UPDATE consent_events SET recorded_at = occurred_at; DELETE FROM consent_daily",
    );
    // The profile shown: a history of a few changes.
    staff_user(&app, "root@shop.example", "admin");
    let ids = dashboard_rows(&app).await;
    let profile = assent::db::models::profiles::find_by_email(&mut app.conn(), "ada0@example.com")
        .unwrap()
        .expect("the profile exists")
        .id;
    eventually("the webhook deliveries are done", || {
        app.count("outbox WHERE channel = 'webhook' AND sent_at IS NULL AND dead_at IS NULL") == 0
    })
    .await;
    let pages = [
        ("overview", "/admin".to_string()),
        ("agreements", "/admin/agreements".into()),
        ("profile", format!("/admin/profiles/{profile}")),
        ("import", format!("/admin/imports/{}", ids.import)),
        ("webhooks", "/admin/webhooks".into()),
        ("health", "/admin/health".into()),
    ];
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    for (scheme, switches) in [
        ("", &[][..]),
        ("-dark", &["--blink-settings=preferredColorScheme=0"][..]),
    ] {
        let chrome = Chrome::start_with(&format!("dashboard-screenshots{scheme}"), switches)
            .await
            .expect("Chromium (apt-get install chromium chromium-driver)");
        let (app2, dir2, pages2) = (&app, &dir, &pages);
        chrome
            .journey(|c| async move {
                crate::browser::sign_in(&c, app2, "root@shop.example").await;
                for (width, height, round) in [(390, 844, "phone"), (1366, 1024, "desktop")] {
                    c.set_window_size(width, height).await.unwrap();
                    for (name, path) in pages2 {
                        c.goto(&app2.url(path)).await.unwrap();
                        let png = c.screenshot().await.unwrap();
                        std::fs::write(dir2.join(format!("admin-{name}{scheme}-{round}.png")), png)
                            .unwrap();
                    }
                }
            })
            .await;
    }
}
