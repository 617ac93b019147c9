//! A real headless Chromium for the browser journeys, driven over WebDriver (Debian's `chromium` and
//! `chromium-driver`, through `fantoccini`). Each test gets its own chromedriver on a free port and its
//! own profile folder; a journey that fails saves a screenshot and the page's HTML under
//! `target/browser-artifacts/`.
//!
//! Where Chromium is absent the journeys skip with one loud line, unless ASSENT_TEST_REQUIRE_BROWSER=1
//! (CI sets it after installing both packages).

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const DRIVER: &str = "/usr/bin/chromedriver";

pub struct Chrome {
    pub client: Client,
    /// Where downloads land.
    pub downloads: PathBuf,
    name: String,
    driver: Child,
}

/// Where failed journeys leave their screenshots and page sources.
pub fn artifacts() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target/")
        .join("browser-artifacts")
}

impl Chrome {
    /// Starts Chromium for the test `name`, or `None` (after one loud line) where it is not installed.
    pub async fn start(name: &str) -> Option<Chrome> {
        Self::start_with(name, &[]).await
    }

    /// `start` with more Chromium switches.
    pub async fn start_with(name: &str, extra: &[&str]) -> Option<Chrome> {
        if !Path::new(CHROMIUM).exists() || !Path::new(DRIVER).exists() {
            crate::helpers::missing_tool(
                "ASSENT_TEST_REQUIRE_BROWSER",
                &format!(
                    "the browser journey {name} needs {CHROMIUM} and {DRIVER} (apt-get install chromium chromium-driver)"
                ),
            );
            return None;
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("chrome-{name}-{}", rand::random::<u32>()));
        let downloads = dir.join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let port = crate::helpers::Binary::free_port();
        let driver = Command::new(DRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ]
        .iter()
        .chain(extra)
        .map(|a| a.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", dir.join("profile").display()));
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": args,
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!("an object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver takes a moment to listen; connecting is retried until it does (10 s at most).
        let mut tries = 0;
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if tries < 100 => {
                    tries += 1;
                    if tries % 20 == 0 {
                        eprintln!("waiting for chromedriver: {e}");
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot start a Chromium session: {e}"),
            }
        };
        Some(Chrome {
            client,
            downloads,
            name: name.to_string(),
            driver,
        })
    }

    /// Runs a journey; if it fails, saves a screenshot and the page's HTML first, then fails.
    pub async fn journey<F, Fut>(mut self, f: F)
    where
        F: FnOnce(Client) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        use futures::FutureExt;
        let outcome = std::panic::AssertUnwindSafe(f(self.client.clone()))
            .catch_unwind()
            .await;
        if let Err(panic) = outcome {
            let dir = artifacts();
            let _ = std::fs::create_dir_all(&dir);
            if let Ok(png) = self.client.screenshot().await {
                let path = dir.join(format!("{}.png", self.name));
                let _ = std::fs::write(&path, png);
                eprintln!("screenshot of the failed journey: {}", path.display());
            }
            if let Ok(html) = self.client.source().await {
                let _ = std::fs::write(dir.join(format!("{}.html", self.name)), html);
            }
            let _ = self.client.clone().close().await;
            let _ = self.driver.kill();
            std::panic::resume_unwind(panic);
        }
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// Types into the field with this id, as a person would (click, then keys).
pub async fn type_into(c: &Client, id: &str, text: &str) {
    let field = c.find(Locator::Id(id)).await.unwrap();
    field.click().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// The button (or link) whose text contains `text`.
pub async fn button(c: &Client, text: &str) -> fantoccini::elements::Element {
    let xpath = format!(
        "//button[contains(normalize-space(.), '{text}')] | //a[contains(normalize-space(.), '{text}')]"
    );
    c.find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no button or link {text:?}: {e}"))
}

/// The page's language: `<html lang>`.
pub async fn html_lang(c: &Client) -> Option<String> {
    c.find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap()
}

/// Clicks the button (or link) whose text contains `text` and waits for the page it leads to: the old
/// document is gone and the new one has loaded.
pub async fn click_text(c: &Client, text: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    button(c, text).await.click().await.unwrap();
    wait_for_new_page(c, old, text).await;
}

/// Waits until the document `old` is gone and the new one has loaded (`what` led there).
pub async fn wait_for_new_page(c: &Client, old: fantoccini::elements::Element, what: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let gone = old.tag_name().await.is_err();
        let loaded = c
            .execute("return document.readyState", vec![])
            .await
            .is_ok_and(|s| s == "complete");
        if gone && loaded {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what:?} led to no new page in 15 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The page's main heading.
pub async fn heading(c: &Client) -> String {
    c.find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The visible text of the whole page.
pub async fn page_text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A Chrome DevTools Protocol command, sent through chromedriver (`goog/cdp/execute`).
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

/// From now on the browser sends Global Privacy Control (`Sec-GPC: 1`) with every request, as Firefox
/// and Brave do when it is switched on (Chromium has no switch for it, so the header is set through
/// the DevTools protocol).
pub async fn send_gpc(c: &Client) {
    for (cmd, params) in [
        ("Network.enable", serde_json::json!({})),
        (
            "Network.setExtraHTTPHeaders",
            serde_json::json!({"headers": {"Sec-GPC": "1"}}),
        ),
    ] {
        c.issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    }
}
