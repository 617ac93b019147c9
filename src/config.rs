//! Settings from the environment (CONTRACT.md, "Settings"), validated once at start-up.

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
    /// The organisation's name, accent colour and logo on pages and emails.
    pub brand: crate::brand::Brand,
    pub log: String,
}

impl Settings {
    /// Reads every variable and reports every mistake, one line each, instead of stopping at the first.
    pub fn from_env() -> Result<Settings, Vec<String>> {
        Settings::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Settings, Vec<String>> {
        let mut errors = Vec::new();
        let mut check = |var: &str, r: Result<(), String>| {
            if let Err(e) = r {
                errors.push(format!("{var}: {e}"));
            }
        };

        let data_dir = PathBuf::from(get("ASSENT_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let db_url = get("ASSENT_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("assent.db").display()));
        let database = Target::parse(&db_url);
        check(
            "ASSENT_DATABASE_URL",
            database.as_ref().map(|_| ()).map_err(Clone::clone),
        );

        let bind = get("ASSENT_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        check(
            "ASSENT_BIND",
            match bind.rsplit_once(':') {
                Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(()),
                _ => Err(format!(
                    "{bind:?} is not HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:0"
                )),
            },
        );

        let base_url = get("ASSENT_BASE_URL").map(|u| u.trim_end_matches('/').to_string());
        if let Some(u) = &base_url {
            check(
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

        let secret_key = match get("ASSENT_SECRET_KEY") {
            Some(v) => match STANDARD.decode(v.trim()) {
                Ok(k) if k.len() >= 32 => Some(k),
                Ok(k) => {
                    check(
                        "ASSENT_SECRET_KEY",
                        Err(format!(
                            "decodes to {} bytes; at least 32 are needed",
                            k.len()
                        )),
                    );
                    None
                }
                Err(e) => {
                    check(
                        "ASSENT_SECRET_KEY",
                        Err(format!(
                            "is not base64 ({e}); make one with `openssl rand -base64 32`"
                        )),
                    );
                    None
                }
            },
            None => None,
        };

        let smtp_url = get("ASSENT_SMTP_URL");
        if let Some(u) = &smtp_url {
            check(
                "ASSENT_SMTP_URL",
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(u)
                    .map(|_| ())
                    .map_err(|e| format!("{e}; expected smtp://HOST:PORT, smtp://HOST:587?tls=required or smtps://HOST:465")),
            );
        }

        let mail_from_raw =
            get("ASSENT_MAIL_FROM").unwrap_or_else(|| "Assent <no-reply@localhost>".into());
        let mail_from = mail_from_raw.parse::<Mailbox>();
        check(
            "ASSENT_MAIL_FROM",
            mail_from.as_ref().map(|_| ()).map_err(|e| {
                format!("{mail_from_raw:?} is not a mailbox ({e}), e.g. Shop <news@shop.example>")
            }),
        );

        let dkim = match (
            get("ASSENT_DKIM_SELECTOR"),
            get("ASSENT_DKIM_DOMAIN"),
            get("ASSENT_DKIM_PRIVATE_KEY_FILE"),
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
                    check(
                        "ASSENT_DKIM_SELECTOR",
                        Err(format!("{selector:?} is not a DNS label, e.g. assent2026")),
                    );
                }
                if !dns_ok(&domain) || !domain.contains('.') {
                    check(
                        "ASSENT_DKIM_DOMAIN",
                        Err(format!("{domain:?} is not a domain, e.g. shop.example")),
                    );
                }
                match std::fs::read_to_string(&file) {
                    Err(e) => {
                        check(
                            "ASSENT_DKIM_PRIVATE_KEY_FILE",
                            Err(format!("cannot read {file}: {e}")),
                        );
                        None
                    }
                    Ok(pem) => match crate::mail::dkim::Dkim::load(&selector, &domain, &pem) {
                        Ok(d) => Some(d),
                        Err(e) => {
                            check("ASSENT_DKIM_PRIVATE_KEY_FILE", Err(format!("{file}: {e}")));
                            None
                        }
                    },
                }
            }
            _ => {
                check(
                    "ASSENT_DKIM_SELECTOR",
                    Err("DKIM needs all three of ASSENT_DKIM_SELECTOR, ASSENT_DKIM_DOMAIN and ASSENT_DKIM_PRIVATE_KEY_FILE".into()),
                );
                None
            }
        };

        let ttl = get("ASSENT_OPTIN_TTL_HOURS").unwrap_or_else(|| "168".into());
        let optin_hours = ttl
            .parse::<u32>()
            .ok()
            .filter(|h| (1..=24 * 365).contains(h));
        check(
            "ASSENT_OPTIN_TTL_HOURS",
            optin_hours
                .map(|_| ())
                .ok_or_else(|| format!("{ttl:?} is not a number of hours between 1 and 8760")),
        );

        let days = get("ASSENT_UNCONFIRMED_RETENTION_DAYS").unwrap_or_else(|| "30".into());
        let retention_days = days.parse::<u32>().ok().filter(|d| *d <= 3650);
        check(
            "ASSENT_UNCONFIRMED_RETENTION_DAYS",
            retention_days.map(|_| ()).ok_or_else(|| {
                format!("{days:?} is not a number of days between 0 (keep for ever) and 3650")
            }),
        );

        let rows = get("ASSENT_IMPORT_CHUNK_ROWS").unwrap_or_else(|| "5000".into());
        let import_chunk = rows
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=50_000).contains(n));
        check(
            "ASSENT_IMPORT_CHUNK_ROWS",
            import_chunk
                .map(|_| ())
                .ok_or_else(|| format!("{rows:?} is not a number of rows between 1 and 50000")),
        );

        let raw = get("ASSENT_WEBHOOK_FIRST_RETRY_MS").unwrap_or_else(|| "5000".into());
        let webhook_first_retry = raw
            .parse::<u64>()
            .ok()
            .filter(|n| *n <= 3_600_000)
            .map(std::time::Duration::from_millis);
        check(
            "ASSENT_WEBHOOK_FIRST_RETRY_MS",
            webhook_first_retry
                .map(|_| ())
                .ok_or_else(|| format!("{raw:?} is not a number of milliseconds up to 3600000")),
        );

        let mut flag = |var: &str| {
            let raw = get(var).unwrap_or_else(|| "false".into());
            let v = match raw.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            };
            check(
                var,
                v.map(|_| ())
                    .ok_or_else(|| format!("{raw:?} is not true or false")),
            );
            v.unwrap_or(false)
        };
        let allow_private_targets = flag("ASSENT_ALLOW_PRIVATE_TARGETS");
        let trust_proxy = flag("ASSENT_TRUST_PROXY");

        let mut brand = crate::brand::Brand::default();
        if let Some(name) = get("ASSENT_ORG_NAME") {
            let name = name.trim().to_string();
            check(
                "ASSENT_ORG_NAME",
                (name.chars().count() <= 80 && !name.chars().any(char::is_control))
                    .then_some(())
                    .ok_or_else(|| "give a name of at most 80 characters on one line".to_string()),
            );
            brand.name = name;
        }
        if let Some(raw) = get("ASSENT_BRAND_COLOR") {
            let c = crate::brand::check_color(&raw);
            brand.color = c.as_ref().ok().copied();
            check("ASSENT_BRAND_COLOR", c.map(drop));
        }
        if let Some(path) = get("ASSENT_LOGO") {
            let l = crate::brand::read_logo(&path);
            check("ASSENT_LOGO", l.as_ref().map(drop).map_err(Clone::clone));
            brand.logo = l.ok();
        }

        let log = get("ASSENT_LOG").unwrap_or_else(|| "info".into());
        check(
            "ASSENT_LOG",
            tracing_subscriber::EnvFilter::try_new(&log)
                .map(|_| ())
                .map_err(|e| format!("{log:?}: {e}")),
        );

        if !errors.is_empty() {
            return Err(errors);
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
            webhook_first_retry: webhook_first_retry.expect("checked"),
            log,
        })
    }
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
