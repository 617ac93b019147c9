//! Incoming integrations: how a request to `/integrations/{name}/webhook` proves it comes from the
//! system registered under that name. Each integration accepts exactly one way, fixed when it is added:
//! - a JWT in `Authorization: Bearer`, signed with HS256 (shared secret), RS256 or ES256 (public key);
//!   only that algorithm, never `none`; `exp` required, 60 s of clock skew allowed; a `jti` seen before
//!   is a replay;
//! - `X-Hub-Signature-256: sha256=<hex>`, an HMAC-SHA256 of the body (GitHub, Shopify-style senders);
//! - Standard Webhooks 1.0 (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), so one
//!   Assent can receive another's deliveries; 5 minutes of tolerance, a message id seen before is a replay.

pub mod events;
pub mod verify;

pub use verify::{Pending, Verified};

use crate::domain::IntegrationAuth;

/// The way of a public key given as PEM: RS256 for an RSA key, ES256 for a P-256 one.
pub fn kind_of_public_key(pem: &str) -> Result<IntegrationAuth, String> {
    if jsonwebtoken::DecodingKey::from_rsa_pem(pem.as_bytes()).is_ok() {
        return Ok(IntegrationAuth::Rs256);
    }
    if jsonwebtoken::DecodingKey::from_ec_pem(pem.as_bytes()).is_ok() {
        return Ok(IntegrationAuth::Es256);
    }
    Err("the file is not a PEM public key (RSA for RS256, P-256 for ES256): -----BEGIN PUBLIC KEY----- …".into())
}

/// How a new integration's requests are to be proven, as its creator gives it.
pub enum Proof {
    Hs256(String),
    /// A PEM public key: RS256 for RSA, ES256 for P-256.
    PublicKey(String),
    Hmac(String),
    /// The secret given (shared with the sender), or a new one made here.
    StandardWebhooks(Option<String>),
    /// Twilio's inbound SMS, signed with the account's auth token.
    TwilioSms(String),
    /// Inbound SMS as JSON signed per Standard Webhooks: the secret given, or a new one.
    SmsStandardWebhooks(Option<String>),
}

/// An integration ready to store. `shown` is a secret made here, to show its creator once.
pub struct NewIntegration {
    pub name: String,
    pub auth: IntegrationAuth,
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
        Proof::Hs256(s) => (IntegrationAuth::Hs256, strong(s)?, None),
        Proof::PublicKey(pem) => (kind_of_public_key(&pem)?, pem, None),
        Proof::Hmac(s) => (IntegrationAuth::HmacSha256, strong(s)?, None),
        Proof::StandardWebhooks(Some(s)) => {
            crate::domain::signing::check_secret(&s)?;
            (IntegrationAuth::StandardWebhooks, s, None)
        }
        Proof::StandardWebhooks(None) => {
            let s = crate::domain::signing::new_secret();
            (IntegrationAuth::StandardWebhooks, s.clone(), Some(s))
        }
        Proof::TwilioSms(token) => {
            let token = token.trim().to_string();
            if token.len() < 32 {
                return Err("give the Twilio account's auth token (32 characters, in the Twilio console under Account Info)".into());
            }
            (IntegrationAuth::TwilioSms, token, None)
        }
        Proof::SmsStandardWebhooks(Some(s)) => {
            crate::domain::signing::check_secret(&s)?;
            (IntegrationAuth::SmsStandardWebhooks, s, None)
        }
        Proof::SmsStandardWebhooks(None) => {
            let s = crate::domain::signing::new_secret();
            (IntegrationAuth::SmsStandardWebhooks, s.clone(), Some(s))
        }
    };
    Ok(NewIntegration {
        name,
        auth,
        key,
        shown,
    })
}

/// Stores a prepared integration (its key sealed) with its audit row; false when the name is taken.
pub fn add(
    conn: &mut crate::db::DbConn,
    new: &NewIntegration,
    by: &crate::domain::Actor,
    sealer: &crate::domain::Sealer,
) -> diesel::QueryResult<bool> {
    let sealed = sealer.seal(&new.key);
    crate::db::write_tx(conn, |c| {
        let now = crate::db::now();
        let made = crate::db::models::integrations::insert(c, &new.name, new.auth, &sealed, now)?;
        if made.is_some() {
            crate::db::models::audit_log::record(
                c,
                by,
                "integration.add",
                &new.name,
                Some(new.auth.as_str()),
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

/// What became of a proven delivery.
pub enum Received {
    /// Applied now; the answer (as `render` gave it) is kept for the message id's retries.
    Applied(String),
    /// The same message (id and body) was applied before: nothing is applied again, and the sender gets
    /// the first answer. A sender retries when a 2xx was lost; punishing that would dead-letter a message
    /// that arrived.
    Again(String),
    /// The message id came before with another body: refused.
    Conflict,
}

/// What a proven delivery asks to apply.
pub enum Delivery<'a> {
    /// Checked items, and those already refused (index, why).
    Items(
        &'a [(usize, crate::consent::batch::Item)],
        Vec<(usize, String)>,
    ),
    /// Another Assent's `profile.erased`: erase the person known by these identifiers here too.
    Erase(&'a events::Named),
    /// A text message from `phone` (E.164) with this keyword and id.
    Sms {
        phone: &'a str,
        keyword: crate::consent::sms::Keyword,
        message_id: &'a str,
    },
}

/// What a delivery did, for the caller to put into words (its answer is kept for the message's retries).
pub enum Done<'a> {
    Items(&'a mut crate::consent::batch::Outcome),
    /// Whether a profile was erased.
    Erased(bool),
    /// A text message was heard (its changes are in the ledger; the route's answer is fixed).
    Sms,
}

/// How long a text message's id is remembered, so a gateway's retry is recognised.
const SMS_REMEMBERED: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// How a text message is told apart from a retry of it: its own id (`MessageSid`, `id`) is the replay
/// key, kept 30 days, and what it says (sender, recipient, text), not how the gateway spelled its form,
/// is the content a retry must repeat. Returns the replay and the content's digest, for `receive`.
pub fn sms_replay(message_id: &str, phone: &str, to: &str, text: &str) -> (Verified, String) {
    let verified = Verified {
        replay: Some((
            format!("sms:{message_id}"),
            crate::db::now() + SMS_REMEMBERED,
        )),
    };
    let digest = crate::domain::sha256_hex(format!("{phone}\n{to}\n{text}").as_bytes());
    (verified, digest)
}

/// When nothing tells a replayed request from a new one (a body signature, a JWT without jti), each
/// profile must carry its time, so that a request replayed after a later change arrives stale: items
/// with consents but no time are refused.
pub fn refuse_untimed(
    verified: &Verified,
    items: &mut Vec<(usize, crate::consent::batch::Item)>,
    rejected: &mut Vec<(usize, String)>,
) {
    if verified.replay.is_some() {
        return;
    }
    items.retain(|(index, item)| {
        if item.consents.is_empty() || item.consented_at.is_some() {
            return true;
        }
        rejected.push((
            *index,
            "give consentedAt: this integration's requests carry no message id, so a change without its time could be replayed".into(),
        ));
        false
    });
}

/// Applies a proven delivery in one write transaction. A message id is used up only with the changes
/// it brought, and remembered with its body's digest and answer; a retry of the same message is
/// answered the same and audited as `integration.replay`.
#[allow(clippy::too_many_arguments)]
pub fn receive(
    conn: &mut crate::db::DbConn,
    integration: &crate::db::models::integrations::Integration,
    verified: &Verified,
    body_sha256: &str,
    delivery: Delivery<'_>,
    meta: &crate::consent::Meta,
    by: &crate::domain::Actor,
    render: &dyn Fn(Done<'_>) -> String,
) -> Result<Received, crate::consent::ApplyError> {
    use crate::db::models::integrations::{self as stored, Use};
    crate::db::write_tx(conn, |c| {
        if let Some((message, until)) = &verified.replay {
            match stored::first_use(c, integration.id, message, *until, body_sha256)? {
                Use::First => {}
                Use::Again(answer) => {
                    let what = Some(message.as_str());
                    crate::db::models::audit_log::record(
                        c,
                        by,
                        "integration.replay",
                        &integration.name,
                        what,
                    )?;
                    return Ok(Received::Again(answer.unwrap_or_else(|| "{}".into())));
                }
                Use::Other => return Ok(Received::Conflict),
            }
        }
        let answer = match &delivery {
            Delivery::Items(items, rejected) => {
                let mut done = crate::consent::batch::Outcome {
                    rejected: rejected.clone(),
                    ..Default::default()
                };
                crate::consent::batch::apply(c, items, meta, &mut done)?;
                render(Done::Items(&mut done))
            }
            Delivery::Erase(named) => render(Done::Erased(erase_named(c, named, meta, by)?)),
            Delivery::Sms {
                phone,
                keyword,
                message_id,
            } => {
                crate::consent::sms::hear(c, phone, *keyword, message_id, meta)?;
                render(Done::Sms)
            }
        };
        stored::used(c, integration.id, crate::db::now())?;
        if let Some((message, _)) = &verified.replay {
            stored::answered(c, integration.id, message, &answer)?;
        }
        Ok(Received::Applied(answer))
    })
}

/// Erases the profile the sender knew by its email (else customId, uuid, or a phone only one profile
/// holds), as `assent profile erase` does, audited as the integration's `profile.erase`; false when
/// there is none (already erased, or never sent here).
fn erase_named(
    conn: &mut crate::db::DbConn,
    named: &events::Named,
    meta: &crate::consent::Meta,
    by: &crate::domain::Actor,
) -> Result<bool, crate::consent::ApplyError> {
    use crate::db::models::profiles;
    let mut found = None;
    if let Some(e) = &named.email {
        found = profiles::find_by_email(conn, e)?.filter(|p| p.erased_at.is_none());
    }
    if found.is_none()
        && let Some(c) = &named.custom_id
    {
        found = profiles::find_by_custom_id(conn, c)?;
    }
    if found.is_none()
        && let Some(u) = &named.uuid
    {
        found = profiles::find_by_uuid(conn, u)?;
    }
    if found.is_none()
        && let Some(p) = &named.phone
    {
        // A number several profiles share names none of them.
        found = profiles::find_one_by_phone(conn, p)?.unwrap_or(None);
    }
    let Some(p) = found else { return Ok(false) };
    let meta = crate::consent::Meta {
        reason: Some("erased on the system that sent it (profile.erased)".into()),
        ..meta.clone()
    };
    Ok(matches!(
        crate::consent::erase::erase_recorded(conn, p.id, &meta, by)?,
        crate::consent::erase::Erased::Now { .. }
    ))
}
