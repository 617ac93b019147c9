//! Standard Webhooks 1.0 signing (https://www.standardwebhooks.com): `whsec_` secrets and the `v1,`
//! signature over `{id}.{timestamp}.{body}`, used to sign what Assent sends and to check what
//! integrations send it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use sha2::Sha256;

/// A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    rand::fill(&mut key);
    format!("whsec_{}", STANDARD.encode(key))
}

/// Checks a secret given by an operator (to share one between two systems): `whsec_` and the base64 of
/// 24 to 64 random bytes, as Standard Webhooks asks.
pub fn check_secret(secret: &str) -> Result<(), String> {
    let bytes = secret
        .strip_prefix("whsec_")
        .and_then(|b| STANDARD.decode(b).ok())
        .ok_or("a secret is whsec_ followed by base64, e.g. the whsec_… another Assent printed")?;
    if !(24..=64).contains(&bytes.len()) {
        return Err(format!(
            "the secret holds {} bytes; Standard Webhooks secrets hold 24 to 64",
            bytes.len()
        ));
    }
    Ok(())
}

/// The key bytes of a Standard Webhooks secret.
fn key(secret: &str) -> Result<Vec<u8>, String> {
    STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| "the integration's secret is not whsec_<base64>".to_string())
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, as Standard Webhooks 1.0 signs.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, String> {
    let mut mac = start(secret, id, timestamp)?;
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The HMAC of a Standard Webhooks signature with `{id}.{timestamp}.` already fed, waiting for the body
/// (so a receiver can feed the body as it arrives instead of holding all of it first).
pub fn start(secret: &str, id: &str, timestamp: i64) -> Result<hmac::Hmac<Sha256>, String> {
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&key(secret)?)
        .map_err(|_| "unusable key".to_string())?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    Ok(mac)
}

/// The signature bytes of each `v1,<base64>` entry of a `webhook-signature` header (several during a
/// secret rotation); entries of other versions are left out.
pub fn given(header: &str) -> Vec<Vec<u8>> {
    header
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|b| STANDARD.decode(b).ok())
        .filter(|b| b.len() == 32)
        .collect()
}

#[cfg(test)]
mod tests {
    /// The example in the Standard Webhooks specification's repository.
    #[test]
    fn signs_the_standard_webhooks_example() {
        let sig = super::signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
