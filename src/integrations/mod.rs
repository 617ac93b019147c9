//! Incoming integrations: how a request to `/integrations/{name}/webhook` proves it comes from the
//! system registered under that name. Each integration accepts exactly one way, fixed when it is added:
//! - a JWT in `Authorization: Bearer`, signed with HS256 (shared secret), RS256 or ES256 (public key);
//!   only that algorithm, never `none`; `exp` required, 60 s of clock skew allowed; a `jti` seen before
//!   is a replay;
//! - `X-Hub-Signature-256: sha256=<hex>`, an HMAC-SHA256 of the body (GitHub, Shopify-style senders);
//! - Standard Webhooks 1.0 (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), so one
//!   Assent can receive another's deliveries; 5 minutes of tolerance, a message id seen before is a replay.

use actix_web::http::header::HeaderMap;
use chrono::NaiveDateTime;
use hmac::{KeyInit, Mac};
use sha2::Sha256;

/// Clock skew allowed for a JWT's `exp`.
pub const LEEWAY: i64 = 60;
/// How far a Standard Webhooks timestamp may be from now.
pub const TOLERANCE: i64 = 300;

/// The ways an integration authenticates, as stored.
pub const AUTHS: [&str; 5] = [
    "hs256",
    "rs256",
    "es256",
    "hmac_sha256",
    "standard_webhooks",
];

/// The auth kind of a public key given as PEM: rs256 for an RSA key, es256 for a P-256 one.
pub fn kind_of_public_key(pem: &str) -> Result<&'static str, String> {
    if jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes()).is_ok() {
        return Ok("rs256");
    }
    if jsonwebtoken::DecodingKey::from_ec_pem(pem.as_bytes()).is_ok() {
        return Ok("es256");
    }
    Err("the file is not a PEM public key (RSA for RS256, P-256 for ES256): -----BEGIN PUBLIC KEY----- …".into())
}

/// How a new integration's requests are to be proven, as its creator gives it.
pub enum Proof {
    Hs256(String),
    /// A PEM public key: RS256 for RSA, ES256 for P-256.
    PublicKey(String),
    Hmac(String),
    /// A secret is made.
    StandardWebhooks,
}

/// An integration ready to store. `shown` is a secret made here, to show its creator once.
pub struct NewIntegration {
    pub name: String,
    pub auth: &'static str,
    pub key: String,
    pub shown: Option<String>,
}

/// Checks a new integration; the error names what to fix.
pub fn prepare(name: &str, proof: Proof) -> Result<NewIntegration, String> {
    let name = crate::domain::name::integration(name.trim())?.to_string();
    let strong = |s: String| {
        if s.len() >= 32 {
            Ok(s)
        } else {
            Err(
                "use a shared secret of at least 32 characters (e.g. `openssl rand -base64 32`)"
                    .to_string(),
            )
        }
    };
    let (auth, key, shown) = match proof {
        Proof::Hs256(s) => ("hs256", strong(s)?, None),
        Proof::PublicKey(pem) => (kind_of_public_key(&pem)?, pem, None),
        Proof::Hmac(s) => ("hmac_sha256", strong(s)?, None),
        Proof::StandardWebhooks => {
            let s = crate::domain::signing::new_secret();
            ("standard_webhooks", s.clone(), Some(s))
        }
    };
    Ok(NewIntegration {
        name,
        auth,
        key,
        shown,
    })
}

/// Stores a prepared integration with its audit row; false when the name is taken.
pub fn add(
    conn: &mut crate::db::DbConn,
    new: &NewIntegration,
    by: &crate::domain::Actor,
) -> diesel::QueryResult<bool> {
    crate::db::write_tx(conn, |c| {
        let now = crate::db::now();
        let made = crate::db::models::integrations::insert(c, &new.name, new.auth, &new.key, now)?;
        if made.is_some() {
            crate::db::models::audit_log::record(
                c,
                by,
                "integration.add",
                &new.name,
                Some(new.auth),
            )?;
        }
        Ok(made.is_some())
    })
}

/// Disables (or enables again) an integration with its audit row; false when there is none.
pub fn set_disabled(
    conn: &mut crate::db::DbConn,
    name: &str,
    disable: bool,
    by: &crate::domain::Actor,
) -> diesel::QueryResult<bool> {
    crate::db::write_tx(conn, |c| {
        let now = crate::db::now();
        let ok = crate::db::models::integrations::set_disabled(c, name, disable.then_some(now))?;
        if ok {
            let what = if disable {
                "integration.disable"
            } else {
                "integration.enable"
            };
            crate::db::models::audit_log::record(c, by, what, name, None)?;
        }
        Ok(ok)
    })
}

/// A request proven to come from the integration; `replay` is its message id and how long it must be
/// remembered, when it has one.
#[derive(Debug, PartialEq, Eq)]
pub struct Verified {
    pub replay: Option<(String, NaiveDateTime)>,
}

#[derive(serde::Deserialize)]
struct Claims {
    /// Optional here so a token without it gets the validator's clear answer, not a parse error.
    exp: Option<i64>,
    jti: Option<String>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// Checks a request against the integration's way and key. The error says what is wrong, for the 401.
pub fn verify(
    auth: &str,
    key: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: NaiveDateTime,
) -> Result<Verified, String> {
    match auth {
        "hs256" | "rs256" | "es256" => verify_jwt(auth, key, headers, now),
        "hmac_sha256" => {
            let given = header(headers, "x-hub-signature-256").ok_or(
                "sign the body: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>",
            )?;
            let hex = given
                .strip_prefix("sha256=")
                .ok_or("X-Hub-Signature-256 must be sha256=<hex>")?;
            let sig = (0..hex.len())
                .step_by(2)
                .map(|i| {
                    hex.get(i..i + 2)
                        .and_then(|b| u8::from_str_radix(b, 16).ok())
                })
                .collect::<Option<Vec<u8>>>()
                .filter(|s| s.len() == 32)
                .ok_or("X-Hub-Signature-256 must be sha256= and 64 hex digits")?;
            let mut mac =
                hmac::Hmac::<Sha256>::new_from_slice(key.as_bytes()).map_err(|_| "unusable key")?;
            mac.update(body);
            // Constant time.
            mac.verify_slice(&sig)
                .map_err(|_| "the body's signature does not match this integration's secret")?;
            Ok(Verified { replay: None })
        }
        "standard_webhooks" => {
            let id =
                header(headers, "webhook-id").ok_or("webhook-id is missing (Standard Webhooks)")?;
            let ts = header(headers, "webhook-timestamp")
                .ok_or("webhook-timestamp is missing (Standard Webhooks)")?;
            let ts: i64 = ts
                .parse()
                .map_err(|_| "webhook-timestamp must be whole seconds since 1970")?;
            let age = now.and_utc().timestamp() - ts;
            if age.abs() > TOLERANCE {
                return Err(format!(
                    "webhook-timestamp is {} s from this server's time; at most {TOLERANCE} s is accepted",
                    age.abs()
                ));
            }
            let given = header(headers, "webhook-signature")
                .ok_or("webhook-signature is missing (Standard Webhooks)")?;
            let expected = crate::domain::signing::signature(key, id, ts, body)?;
            // Several signatures may be sent (during a secret rotation): one that matches is enough.
            let matches = given
                .split(' ')
                .any(|s| crate::domain::token::same(s, &expected));
            if !matches {
                return Err("webhook-signature does not match this integration's secret".into());
            }
            // Within the tolerance of now, so always in range.
            let until = now + chrono::TimeDelta::seconds(TOLERANCE - age);
            Ok(Verified {
                replay: Some((format!("msg:{id}"), until)),
            })
        }
        other => Err(format!(
            "the integration's authentication {other:?} is unknown"
        )),
    }
}

fn verify_jwt(
    auth: &str,
    key: &str,
    headers: &HeaderMap,
    now: NaiveDateTime,
) -> Result<Verified, String> {
    use jsonwebtoken::errors::ErrorKind;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    let token = header(headers, "authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or("send a signed JWT as Authorization: Bearer <token>")?;
    let (alg, key) = match auth {
        "hs256" => (Algorithm::HS256, DecodingKey::from_secret(key.as_bytes())),
        "rs256" => (Algorithm::RS256, DecodingKey::from_rsa_pem(key.as_bytes())),
        _ => (Algorithm::ES256, DecodingKey::from_ec_pem(key.as_bytes())),
    };
    let key = key.map_err(|e| format!("the integration's key is unusable: {e}"))?;
    // Say plainly when the token names another algorithm (or none): only the integration's own is tried.
    match jsonwebtoken::decode_header(token) {
        Ok(h) if h.alg != alg => {
            return Err(format!(
                "the token is signed with {:?}; this integration accepts {alg:?} only",
                h.alg
            ));
        }
        Ok(_) => {}
        Err(_) => {
            return Err(format!(
                "the token's header is unreadable or names an algorithm other than {alg:?} (\"none\" is never accepted)"
            ));
        }
    }
    let mut validation = Validation::new(alg);
    validation.leeway = LEEWAY as u64;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp"]);
    let data =
        jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => "the token has expired".to_string(),
            ErrorKind::MissingRequiredClaim(c) => {
                format!("the token has no {c} claim; tokens must expire")
            }
            ErrorKind::InvalidSignature => {
                "the token's signature does not verify with this integration's key".into()
            }
            ErrorKind::InvalidAlgorithm => format!("only {alg:?} tokens are accepted"),
            ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
            other => format!("the token is not valid: {other:?}"),
        })?;
    // jsonwebtoken checks exp against the system clock; the database's clock is the one this server
    // decides with, so check again with it.
    let exp = data
        .claims
        .exp
        .ok_or("the token has no exp claim; tokens must expire")?;
    if exp + LEEWAY < now.and_utc().timestamp() {
        return Err("the token has expired".into());
    }
    // A jti must be remembered until its token expires; a time past any calendar cannot be.
    let until = chrono::DateTime::from_timestamp(exp.saturating_add(LEEWAY), 0)
        .map(|t| t.naive_utc())
        .ok_or("the token's exp is out of range")?;
    Ok(Verified {
        replay: data.claims.jti.map(|j| (format!("jti:{j}"), until)),
    })
}
