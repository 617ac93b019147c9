//! Proving a request to `/integrations/{name}/webhook`, in two steps so a stranger's body is never
//! held for nothing: first everything the headers can prove (a JWT: all of it; a body signature: that
//! it is there and well formed, and for Standard Webhooks that the timestamp is fresh), then the body,
//! fed into the HMAC as it arrives.

use crate::domain::IntegrationAuth;
use actix_web::http::header::HeaderMap;
use chrono::NaiveDateTime;
use hmac::{KeyInit, Mac};
use sha2::Sha256;

/// Clock skew allowed for a JWT's `exp` and `nbf`.
pub const LEEWAY: i64 = 60;
/// How far a Standard Webhooks timestamp may be from now.
pub const TOLERANCE: i64 = 300;

/// A request proven to come from the integration; `replay` is its message id and how long it must be
/// remembered, when it has one.
#[derive(Debug, PartialEq, Eq)]
pub struct Verified {
    pub replay: Option<(String, NaiveDateTime)>,
}

/// What the headers proved, and what the body still has to.
pub struct Pending {
    body: BodyProof,
    /// The message id (`jti`, `webhook-id`), known before the body (a used one still needs its body:
    /// the same body is answered as before, another one refused).
    pub replay: Option<(String, NaiveDateTime)>,
}

enum BodyProof {
    /// A JWT proves the request by itself.
    Nothing,
    /// An HMAC-SHA256 over the body must equal one of `given` (constant-time compared).
    Mac {
        mac: hmac::Hmac<Sha256>,
        given: Vec<Vec<u8>>,
        wrong: &'static str,
    },
    /// Twilio's signature: an HMAC-SHA1 over the URL followed by the form's parameters sorted by name
    /// (each name then its value), so the whole (small) body is kept until it can be sorted.
    Twilio {
        mac: hmac::Hmac<sha1::Sha1>,
        given: Vec<u8>,
        body: Vec<u8>,
    },
}

impl Pending {
    /// True when the body must arrive before the sender is proven.
    pub fn needs_body(&self) -> bool {
        !matches!(self.body, BodyProof::Nothing)
    }

    /// Feeds the next piece of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        match &mut self.body {
            BodyProof::Mac { mac, .. } => mac.update(chunk),
            BodyProof::Twilio { body, .. } => body.extend_from_slice(chunk),
            BodyProof::Nothing => {}
        }
    }

    /// The verdict, once the whole body was fed.
    pub fn finish(self) -> Result<Verified, String> {
        match self.body {
            BodyProof::Mac { mac, given, wrong } => {
                // Several signatures may be sent (during a secret rotation): one that matches is
                // enough.
                if !given.iter().any(|g| mac.clone().verify_slice(g).is_ok()) {
                    return Err(wrong.into());
                }
            }
            BodyProof::Twilio {
                mut mac,
                given,
                body,
            } => {
                let mut params: Vec<(String, String)> = form_urlencoded::parse(&body)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                params.sort();
                for (k, v) in &params {
                    mac.update(k.as_bytes());
                    mac.update(v.as_bytes());
                }
                if mac.verify_slice(&given).is_err() {
                    return Err("X-Twilio-Signature does not match this integration's auth token and address (is ASSENT_BASE_URL the address Twilio calls?)".into());
                }
            }
            BodyProof::Nothing => {}
        }
        Ok(Verified {
            replay: self.replay,
        })
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// Checks what the headers can prove against the integration's way and key. `url` is the address the
/// sender called, as it saw it (Twilio signs it). The error says what is wrong, for the 401.
pub fn headers(
    auth: IntegrationAuth,
    key: &str,
    headers: &HeaderMap,
    url: &str,
    now: NaiveDateTime,
) -> Result<Pending, String> {
    match auth {
        IntegrationAuth::TwilioSms => {
            use base64::Engine;
            let given = header(headers, "x-twilio-signature")
                .ok_or("X-Twilio-Signature is missing (Twilio signs every webhook it sends)")?;
            let given = base64::engine::general_purpose::STANDARD
                .decode(given)
                .ok()
                .filter(|g| g.len() == 20)
                .ok_or("X-Twilio-Signature must be a base64 HMAC-SHA1")?;
            let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes())
                .map_err(|_| "unusable key")?;
            mac.update(url.as_bytes());
            Ok(Pending {
                body: BodyProof::Twilio {
                    mac,
                    given,
                    body: Vec::new(),
                },
                replay: None,
            })
        }
        IntegrationAuth::Hs256 | IntegrationAuth::Rs256 | IntegrationAuth::Es256 => {
            let replay = jwt(auth, key, headers, now)?;
            Ok(Pending {
                body: BodyProof::Nothing,
                replay,
            })
        }
        IntegrationAuth::HmacSha256 => {
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
            let mac =
                hmac::Hmac::<Sha256>::new_from_slice(key.as_bytes()).map_err(|_| "unusable key")?;
            Ok(Pending {
                body: BodyProof::Mac {
                    mac,
                    given: vec![sig],
                    wrong: "the body's signature does not match this integration's secret",
                },
                replay: None,
            })
        }
        IntegrationAuth::StandardWebhooks | IntegrationAuth::SmsStandardWebhooks => {
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
            let given = crate::domain::signing::given(
                header(headers, "webhook-signature")
                    .ok_or("webhook-signature is missing (Standard Webhooks)")?,
            );
            if given.is_empty() {
                return Err(
                    "webhook-signature must hold v1,<base64 HMAC-SHA256> (Standard Webhooks)"
                        .into(),
                );
            }
            let mac = crate::domain::signing::start(key, id, ts)?;
            // Within the tolerance of now, so always in range.
            let until = now + chrono::TimeDelta::seconds(TOLERANCE - age);
            Ok(Pending {
                body: BodyProof::Mac {
                    mac,
                    given,
                    wrong: "webhook-signature does not match this integration's secret",
                },
                replay: Some((format!("msg:{id}"), until)),
            })
        }
    }
}

#[derive(serde::Deserialize)]
struct Claims {
    /// Optional here so a token without it gets the validator's clear answer, not a parse error.
    exp: Option<i64>,
    nbf: Option<i64>,
    jti: Option<String>,
}

/// A JWT proves everything from the header; its `jti` (if any) is the message id.
fn jwt(
    auth: IntegrationAuth,
    key: &str,
    headers: &HeaderMap,
    now: NaiveDateTime,
) -> Result<Option<(String, NaiveDateTime)>, String> {
    use jsonwebtoken::errors::ErrorKind;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    let token = header(headers, "authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or("send a signed JWT as Authorization: Bearer <token>")?;
    let (alg, key) = match auth {
        IntegrationAuth::Hs256 => (Algorithm::HS256, DecodingKey::from_secret(key.as_bytes())),
        IntegrationAuth::Rs256 => (Algorithm::RS256, DecodingKey::from_rsa_pem(key.as_bytes())),
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
    // Off by default in jsonwebtoken: a token must not be used before its `nbf`.
    validation.validate_nbf = true;
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
    // jsonwebtoken checks exp and nbf against the system clock; the database's clock is the one this
    // server decides with, so check again with it.
    let now_s = now.and_utc().timestamp();
    let exp = data
        .claims
        .exp
        .ok_or("the token has no exp claim; tokens must expire")?;
    if exp + LEEWAY < now_s {
        return Err("the token has expired".into());
    }
    if data.claims.nbf.is_some_and(|nbf| nbf - LEEWAY > now_s) {
        return Err("the token is not valid yet (nbf)".into());
    }
    // A jti must be remembered until its token expires; a time past any calendar cannot be.
    let until = chrono::DateTime::from_timestamp(exp.saturating_add(LEEWAY), 0)
        .map(|t| t.naive_utc())
        .ok_or("the token's exp is out of range")?;
    Ok(data.claims.jti.map(|j| (format!("jti:{j}"), until)))
}
