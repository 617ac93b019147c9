//! Settings from the environment (docs/reference.md, "Settings"), validated once at start-up.

use crate::db::Target;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use lettre::message::Mailbox;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Settings {
    pub database: Target,
    pub bind: String,
    /// `None`: derived from the bound address once the listener is up.
    pub base_url: Option<String>,
    pub data_dir: PathBuf,
    pub secret_key: Vec<u8>,
    pub smtp_url: Option<String>,
    pub mail_from: Mailbox,
    /// DKIM signing of every email, when `ASSENT_DKIM_*` are set.
    pub dkim: Option<crate::mail::dkim::Dkim>,
    pub optin_ttl: chrono::Duration,
    /// How long an address that never confirmed anything is kept after its last request ended
    /// (`None`: kept for ever).
    pub unconfirmed_retention: Option<chrono::Duration>,
    pub allow_private_targets: bool,
    /// Take the client IP recorded with consents from `Forwarded`/`X-Forwarded-For` (only behind a proxy).
    pub trust_proxy: bool,
    /// Rows an import applies per transaction (and between progress updates).
    pub import_chunk: usize,
    /// The wait before a failed webhook's first retry; later waits keep the schedule's proportions.
    pub webhook_first_retry: std::time::Duration,
    /// Bytes that all request bodies read before their sender is proven (integration webhooks signed
    /// over the body) may hold together; beyond it such requests get 503 at once.
    pub unverified_bodies: usize,
    /// How every CSV Assent writes treats fields a spreadsheet would run as formulas.
    pub csv: crate::domain::csv::Cells,
    /// The proxy every outgoing request goes through (`ASSENT_OUTGOING_PROXY`); environment proxies
    /// are ignored.
    pub outgoing_proxy: Option<String>,
    /// The key secrets were sealed under before `ASSENT_SECRET_KEY` changed (`assent secrets reseal`).
    pub previous_secret_key: Option<Vec<u8>>,
    /// Deliveries a paused endpoint may have waiting; beyond it the oldest are dead-lettered.
    pub webhook_backlog_max: i64,
    /// The organisation's name, accent colour and logo on pages and emails.
    pub brand: crate::brand::Brand,
    pub log: String,
    /// The bearer token that opens `GET /metrics` on the main address (`None`: not served there).
    pub metrics_token: Option<String>,
    /// A second address serving only `GET /metrics`, without a token (its network is its protection).
    /// With neither this nor the token, metrics are off and nothing is counted.
    pub metrics_bind: Option<String>,
    /// The country of phone numbers written without `+` (`ASSENT_DEFAULT_PHONE_REGION`); `None`: such
    /// numbers are refused.
    pub phone_region: Option<crate::domain::phone::Region>,
    /// How often the server anchors the ledger (`ASSENT_LEDGER_ANCHOR_HOURS`; `None`: only by command).
    pub anchor_every: Option<chrono::Duration>,
    /// How many of the newest anchors keep their chain heads (`ASSENT_LEDGER_ANCHOR_KEEP`).
    pub anchor_keep: i64,
}

impl Settings {
    /// Reads every variable and reports every mistake, one line each, instead of stopping at the first.
    pub fn from_env() -> Result<Settings, Vec<String>> {
        Settings::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Settings, Vec<String>> {
        let mut r = Reader {
            get: &get,
            errors: Vec::new(),
        };
        let data_dir = PathBuf::from(r.get("ASSENT_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let db_url = r
            .get("ASSENT_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("assent.db").display()));
        let database = Target::parse(&db_url);
        r.check(
            "ASSENT_DATABASE_URL",
            database.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let (bind, base_url) = address(&mut r);
        let secret_key = secret_key(&mut r);
        let previous_secret_key = key(&mut r, "ASSENT_PREVIOUS_SECRET_KEY");
        let (smtp_url, mail_from, dkim) = mail(&mut r);
        let optin_hours = r.number(
            "ASSENT_OPTIN_TTL_HOURS",
            "168",
            |h: &u32| (1..=24 * 365).contains(h),
            |v| format!("{v:?} is not a number of hours between 1 and 8760"),
        );
        let retention_days = r.number(
            "ASSENT_UNCONFIRMED_RETENTION_DAYS",
            "30",
            |d: &u32| *d <= 3650,
            |v| format!("{v:?} is not a number of days between 0 (keep for ever) and 3650"),
        );
        let import_chunk = r.number(
            "ASSENT_IMPORT_CHUNK_ROWS",
            "5000",
            |n: &usize| (1..=50_000).contains(n),
            |v| format!("{v:?} is not a number of rows between 1 and 50000"),
        );
        let first_retry_ms = r.number(
            "ASSENT_WEBHOOK_FIRST_RETRY_MS",
            "5000",
            |n: &u64| *n <= 3_600_000,
            |v| format!("{v:?} is not a number of milliseconds up to 3600000"),
        );
        let unverified_mb = r.number(
            "ASSENT_UNVERIFIED_BODIES_MB",
            "32",
            |n: &usize| (1..=4096).contains(n),
            |v| format!("{v:?} is not a number of MiB between 1 and 4096"),
        );
        let backlog_max = r.number(
            "ASSENT_WEBHOOK_BACKLOG_MAX",
            "100000",
            |n: &i64| *n >= 1,
            |v| format!("{v:?} is not a number of deliveries, at least 1"),
        );
        let anchor_hours = r.number(
            "ASSENT_LEDGER_ANCHOR_HOURS",
            "24",
            |h: &u32| *h <= 24 * 366,
            |v| format!("{v:?} is not a number of hours between 0 (only `assent ledger anchor`) and 8784"),
        );
        let anchor_keep = r.number(
            "ASSENT_LEDGER_ANCHOR_KEEP",
            "7",
            |n: &i64| (1..=10_000).contains(n),
            |v| format!("{v:?} is not a number of anchors between 1 and 10000"),
        );
        let allow_private_targets = r.flag("ASSENT_ALLOW_PRIVATE_TARGETS");
        let csv_raw = r.flag("ASSENT_CSV_RAW");
        let outgoing_proxy = r.get("ASSENT_OUTGOING_PROXY");
        if let Some(p) = &outgoing_proxy {
            r.check("ASSENT_OUTGOING_PROXY", crate::outgoing::check_proxy(p));
        }
        let trust_proxy = r.flag("ASSENT_TRUST_PROXY");
        let metrics_token = metrics_token(&mut r);
        let metrics_bind = r.get("ASSENT_METRICS_BIND");
        if let Some(m) = &metrics_bind {
            let check = host_port(m).and_then(|()| {
                (*m != bind).then_some(()).ok_or_else(|| {
                    format!("{m:?} is ASSENT_BIND's address; give metrics another port")
                })
            });
            r.check("ASSENT_METRICS_BIND", check);
        }
        let phone_region = match r.get("ASSENT_DEFAULT_PHONE_REGION") {
            None => None,
            Some(v) => {
                let region = crate::domain::phone::Region::parse(&v);
                r.check("ASSENT_DEFAULT_PHONE_REGION", region.clone().map(drop));
                region.ok()
            }
        };
        let brand = brand(&mut r);
        let log = r.get("ASSENT_LOG").unwrap_or_else(|| "info".into());
        r.check(
            "ASSENT_LOG",
            tracing_subscriber::EnvFilter::try_new(&log)
                .map(|_| ())
                .map_err(|e| format!("{log:?}: {e}")),
        );

        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        let secret_key = match secret_key {
            Some(k) => k,
            None => load_or_create_secret(&data_dir)
                .map_err(|e| vec![format!("ASSENT_SECRET_KEY: {e}")])?,
        };
        Ok(Settings {
            database: database.expect("checked"),
            bind,
            base_url,
            data_dir,
            secret_key,
            smtp_url,
            mail_from: mail_from.expect("checked"),
            dkim,
            optin_ttl: chrono::Duration::hours(optin_hours.expect("checked") as i64),
            unconfirmed_retention: retention_days
                .filter(|d| *d > 0)
                .map(|d| chrono::Duration::days(d as i64)),
            allow_private_targets,
            brand,
            trust_proxy,
            import_chunk: import_chunk.expect("checked"),
            webhook_first_retry: std::time::Duration::from_millis(first_retry_ms.expect("checked")),
            unverified_bodies: unverified_mb.expect("checked") << 20,
            csv: crate::domain::csv::Cells { raw: csv_raw },
            outgoing_proxy,
            previous_secret_key,
            webhook_backlog_max: backlog_max.expect("checked"),
            log,
            metrics_token,
            metrics_bind,
            phone_region,
            anchor_every: anchor_hours
                .filter(|h| *h > 0)
                .map(|h| chrono::Duration::hours(h as i64)),
            anchor_keep: anchor_keep.expect("checked"),
        })
    }
}

/// The variables as they are read, and every mistake found so far (one line each).
struct Reader<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
    errors: Vec<String>,
}

impl Reader<'_> {
    fn get(&self, var: &str) -> Option<String> {
        (self.get)(var)
    }

    fn check(&mut self, var: &str, r: Result<(), String>) {
        if let Err(e) = r {
            self.errors.push(format!("{var}: {e}"));
        }
    }

    /// A number (else `default`) that `ok` accepts; `wrong` says what it must be.
    fn number<T: std::str::FromStr>(
        &mut self,
        var: &str,
        default: &str,
        ok: impl Fn(&T) -> bool,
        wrong: impl Fn(&str) -> String,
    ) -> Option<T> {
        let raw = self.get(var).unwrap_or_else(|| default.into());
        let n = raw.parse::<T>().ok().filter(ok);
        self.check(var, n.as_ref().map(|_| ()).ok_or_else(|| wrong(&raw)));
        n
    }

    /// `true`/`1`/`yes` or `false`/`0`/`no` (the default).
    fn flag(&mut self, var: &str) -> bool {
        let raw = self.get(var).unwrap_or_else(|| "false".into());
        let v = match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => None,
        };
        self.check(
            var,
            v.map(|_| ())
                .ok_or_else(|| format!("{raw:?} is not true or false")),
        );
        v.unwrap_or(false)
    }
}

/// An address to listen on: HOST:PORT.
fn host_port(bind: &str) -> Result<(), String> {
    match bind.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(()),
        _ => Err(format!(
            "{bind:?} is not HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:0"
        )),
    }
}

/// `ASSENT_BIND` and `ASSENT_BASE_URL`.
fn address(r: &mut Reader) -> (String, Option<String>) {
    let bind = r
        .get("ASSENT_BIND")
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    r.check("ASSENT_BIND", host_port(&bind));

    let base_url = r
        .get("ASSENT_BASE_URL")
        .map(|u| u.trim_end_matches('/').to_string());
    if let Some(u) = &base_url {
        r.check(
            "ASSENT_BASE_URL",
            if (u.starts_with("http://") || u.starts_with("https://"))
                && !u.contains(char::is_whitespace)
            {
                Ok(())
            } else {
                Err(format!("{u:?} must be an absolute http:// or https:// URL"))
            },
        );
    }
    (bind, base_url)
}

/// `ASSENT_SECRET_KEY` (`None`: read or made in the data folder once every setting is checked).
/// The bearer token of `GET /metrics`: long enough that guessing it is hopeless.
fn metrics_token(r: &mut Reader) -> Option<String> {
    let token = r.get("ASSENT_METRICS_TOKEN")?;
    r.check(
        "ASSENT_METRICS_TOKEN",
        (token.len() >= 24 && token.bytes().all(|b| b.is_ascii_graphic()))
            .then_some(())
            .ok_or_else(|| {
                "use at least 24 printable characters without spaces (e.g. `openssl rand -hex 32`)"
                    .to_string()
            }),
    );
    Some(token)
}

fn secret_key(r: &mut Reader) -> Option<Vec<u8>> {
    key(r, "ASSENT_SECRET_KEY")
}

/// A base64 key of at least 32 bytes from `var`.
fn key(r: &mut Reader, var: &str) -> Option<Vec<u8>> {
    match r.get(var) {
        Some(v) => match STANDARD.decode(v.trim()) {
            Ok(k) if k.len() >= 32 => Some(k),
            Ok(k) => {
                r.check(
                    var,
                    Err(format!(
                        "decodes to {} bytes; at least 32 are needed",
                        k.len()
                    )),
                );
                None
            }
            Err(e) => {
                r.check(
                    var,
                    Err(format!(
                        "is not base64 ({e}); make one with `openssl rand -base64 32`"
                    )),
                );
                None
            }
        },
        None => None,
    }
}

/// `ASSENT_SMTP_URL`, `ASSENT_MAIL_FROM` and the `ASSENT_DKIM_*` settings.
fn mail(
    r: &mut Reader,
) -> (
    Option<String>,
    Result<Mailbox, lettre::address::AddressError>,
    Option<crate::mail::dkim::Dkim>,
) {
    let smtp_url = r.get("ASSENT_SMTP_URL");
    if let Some(u) = &smtp_url {
        r.check(
            "ASSENT_SMTP_URL",
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(u)
                .map(|_| ())
                .map_err(|e| format!("{e}; expected smtp://HOST:PORT, smtp://HOST:587?tls=required or smtps://HOST:465")),
        );
    }

    let mail_from_raw = r
        .get("ASSENT_MAIL_FROM")
        .unwrap_or_else(|| "Assent <no-reply@localhost>".into());
    let mail_from = mail_from_raw.parse::<Mailbox>();
    r.check(
        "ASSENT_MAIL_FROM",
        mail_from.as_ref().map(|_| ()).map_err(|e| {
            format!("{mail_from_raw:?} is not a mailbox ({e}), e.g. Shop <news@shop.example>")
        }),
    );
    (smtp_url, mail_from, dkim(r))
}

/// DKIM signing: all three of `ASSENT_DKIM_SELECTOR`, `ASSENT_DKIM_DOMAIN` and `ASSENT_DKIM_PRIVATE_KEY_FILE`, or none.
fn dkim(r: &mut Reader) -> Option<crate::mail::dkim::Dkim> {
    match (
        r.get("ASSENT_DKIM_SELECTOR"),
        r.get("ASSENT_DKIM_DOMAIN"),
        r.get("ASSENT_DKIM_PRIVATE_KEY_FILE"),
    ) {
        (None, None, None) => None,
        (Some(selector), Some(domain), Some(file)) => {
            let dns_ok = |v: &str| {
                !v.is_empty()
                    && v.split('.').all(|l| {
                        !l.is_empty()
                            && l.chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    })
            };
            if !dns_ok(&selector) {
                r.check(
                    "ASSENT_DKIM_SELECTOR",
                    Err(format!("{selector:?} is not a DNS label, e.g. assent2026")),
                );
            }
            if !dns_ok(&domain) || !domain.contains('.') {
                r.check(
                    "ASSENT_DKIM_DOMAIN",
                    Err(format!("{domain:?} is not a domain, e.g. shop.example")),
                );
            }
            match std::fs::read_to_string(&file) {
                Err(e) => {
                    r.check(
                        "ASSENT_DKIM_PRIVATE_KEY_FILE",
                        Err(format!("cannot read {file}: {e}")),
                    );
                    None
                }
                Ok(pem) => match crate::mail::dkim::Dkim::load(&selector, &domain, &pem) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        r.check("ASSENT_DKIM_PRIVATE_KEY_FILE", Err(format!("{file}: {e}")));
                        None
                    }
                },
            }
        }
        _ => {
            r.check(
                "ASSENT_DKIM_SELECTOR",
                Err("DKIM needs all three of ASSENT_DKIM_SELECTOR, ASSENT_DKIM_DOMAIN and ASSENT_DKIM_PRIVATE_KEY_FILE".into()),
            );
            None
        }
    }
}

/// `ASSENT_ORG_NAME`, `ASSENT_ORG_CONTACT`, `ASSENT_BRAND_COLOR` and `ASSENT_LOGO`.
fn brand(r: &mut Reader) -> crate::brand::Brand {
    let mut brand = crate::brand::Brand::default();
    if let Some(name) = r.get("ASSENT_ORG_NAME") {
        let name = name.trim().to_string();
        r.check(
            "ASSENT_ORG_NAME",
            (name.chars().count() <= 80 && !name.chars().any(char::is_control))
                .then_some(())
                .ok_or_else(|| "give a name of at most 80 characters on one line".to_string()),
        );
        brand.name = name;
    }
    if let Some(contact) = r.get("ASSENT_ORG_CONTACT") {
        let contact = contact.trim().to_string();
        r.check(
            "ASSENT_ORG_CONTACT",
            (!contact.is_empty()
                && contact.chars().count() <= 200
                && !contact.chars().any(char::is_control))
                .then_some(())
                .ok_or_else(|| {
                    "give an address or a URL people can write to about their data, on one line (at most 200 characters)"
                        .to_string()
                }),
        );
        brand.contact = Some(contact);
    }
    if let Some(raw) = r.get("ASSENT_BRAND_COLOR") {
        let c = crate::brand::check_color(&raw);
        brand.color = c.as_ref().ok().copied();
        r.check("ASSENT_BRAND_COLOR", c.map(drop));
    }
    if let Some(path) = r.get("ASSENT_LOGO") {
        let l = crate::brand::read_logo(&path);
        r.check("ASSENT_LOGO", l.as_ref().map(drop).map_err(Clone::clone));
        brand.logo = l.ok();
    }
    brand
}

/// Without `ASSENT_SECRET_KEY`, one key is generated on first run and kept in `DATA_DIR/secret.key`.
fn load_or_create_secret(data_dir: &Path) -> Result<Vec<u8>, String> {
    let path = data_dir.join("secret.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return STANDARD
            .decode(text.trim())
            .ok()
            .filter(|k| k.len() >= 32)
            .ok_or_else(|| {
                format!(
                    "{} is not 32+ bytes of base64; delete it to make a new one",
                    path.display()
                )
            });
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let mut key = vec![0u8; 32];
    rand::fill(&mut key[..]);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    use std::io::Write;
    opts.open(&path)
        .and_then(|mut f| f.write_all(STANDARD.encode(&key).as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::Settings;
    use std::collections::HashMap;

    #[test]
    fn every_mistake_gets_its_own_line() {
        let env: HashMap<&str, &str> = [
            ("ASSENT_DATABASE_URL", "mysql://x"),
            ("ASSENT_BIND", "8080"),
            ("ASSENT_OPTIN_TTL_HOURS", "soon"),
            ("ASSENT_SECRET_KEY", "c2hvcnQ="),
            ("ASSENT_ALLOW_PRIVATE_TARGETS", "maybe"),
        ]
        .into();
        let errors = Settings::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap_err();
        let vars: Vec<&str> = errors
            .iter()
            .map(|e| e.split(':').next().unwrap())
            .collect();
        assert_eq!(
            vars,
            [
                "ASSENT_DATABASE_URL",
                "ASSENT_BIND",
                "ASSENT_SECRET_KEY",
                "ASSENT_OPTIN_TTL_HOURS",
                "ASSENT_ALLOW_PRIVATE_TARGETS"
            ]
        );
    }

    #[test]
    fn a_phone_region_must_be_a_country_with_phone_numbers() {
        let env: HashMap<&str, &str> = [("ASSENT_DEFAULT_PHONE_REGION", "Poland")].into();
        let errors = Settings::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("ASSENT_DEFAULT_PHONE_REGION: \"Poland\""),
            "{errors:?}"
        );
        assert!(errors[0].contains("ISO 3166-1 alpha-2"), "{errors:?}");
        let env: HashMap<&str, &str> = [("ASSENT_DEFAULT_PHONE_REGION", "pl")].into();
        let settings = Settings::from_lookup(|k| env.get(k).map(|v| v.to_string()));
        assert_eq!(
            settings.map(|s| s.phone_region.map(|r| r.code)).ok(),
            Some(Some("PL"))
        );
    }

    #[test]
    fn anchor_settings_are_checked_and_zero_hours_means_by_command_only() {
        let bad: HashMap<&str, &str> = [
            ("ASSENT_LEDGER_ANCHOR_HOURS", "daily"),
            ("ASSENT_LEDGER_ANCHOR_KEEP", "0"),
        ]
        .into();
        let errors = Settings::from_lookup(|k| bad.get(k).map(|v| v.to_string())).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].starts_with("ASSENT_LEDGER_ANCHOR_HOURS: \"daily\" is not a number of hours"),
            "{errors:?}"
        );
        assert!(
            errors[1].starts_with("ASSENT_LEDGER_ANCHOR_KEEP: \"0\" is not a number of anchors"),
            "{errors:?}"
        );
        let off: HashMap<&str, &str> = [("ASSENT_LEDGER_ANCHOR_HOURS", "0")].into();
        let settings = Settings::from_lookup(|k| off.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!((settings.anchor_every, settings.anchor_keep), (None, 7));
        let settings = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(settings.anchor_every, Some(chrono::Duration::hours(24)));
    }

    #[test]
    fn dkim_settings_come_as_three_and_the_key_must_be_readable() {
        let only_selector: HashMap<&str, &str> = [("ASSENT_DKIM_SELECTOR", "s1")].into();
        let errors =
            Settings::from_lookup(|k| only_selector.get(k).map(|v| v.to_string())).unwrap_err();
        assert!(errors[0].contains("needs all three"), "{errors:?}");
        let bad_key: HashMap<&str, &str> = [
            ("ASSENT_DKIM_SELECTOR", "s1"),
            ("ASSENT_DKIM_DOMAIN", "shop.example"),
            ("ASSENT_DKIM_PRIVATE_KEY_FILE", "Cargo.toml"),
        ]
        .into();
        let errors = Settings::from_lookup(|k| bad_key.get(k).map(|v| v.to_string())).unwrap_err();
        assert!(
            errors[0].starts_with("ASSENT_DKIM_PRIVATE_KEY_FILE") && errors[0].contains("PEM"),
            "{errors:?}"
        );
    }
}
