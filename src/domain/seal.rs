//! Secrets kept sealed at rest: AES-256-GCM under a key derived from `ASSENT_SECRET_KEY` with HKDF-SHA256
//! and a purpose label, so a copy of the database (a backup, a dump, a stolen disk) does not hold a
//! webhook's signing secret or an integration's shared secret in clear. A sealed value reads
//! `sealed:v1:` and the base64 of a random 96-bit nonce followed by the ciphertext and its tag.

use aes_gcm::aead::{Aead, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const PREFIX: &str = "sealed:v1:";
/// The HKDF `info`: a key for this purpose only, never the one that signs links.
const PURPOSE: &[u8] = b"assent sealed secrets v1";

/// Seals and opens secrets with one key.
#[derive(Clone)]
pub struct Sealer {
    cipher: aes_gcm::Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer")
    }
}

impl Sealer {
    /// The sealer of a secret key (`ASSENT_SECRET_KEY`, or `ASSENT_PREVIOUS_SECRET_KEY` to reseal).
    pub fn new(secret_key: &[u8]) -> Sealer {
        let mut key = [0u8; 32];
        hkdf::Hkdf::<sha2::Sha256>::new(None, secret_key)
            .expand(PURPOSE, &mut key)
            .expect("32 bytes is a valid HKDF-SHA256 length");
        Sealer {
            cipher: aes_gcm::Aes256Gcm::new_from_slice(&key).expect("a 32-byte key"),
        }
    }

    /// Whether a stored value is sealed (rather than a clear one written before sealing existed).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }

    pub fn seal(&self, clear: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::fill(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&nonce.into(), clear.as_bytes())
            .expect("AES-GCM encrypts any secret of sane length");
        let mut raw = nonce.to_vec();
        raw.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(raw))
    }

    /// The clear value of a stored one: opened when sealed, as it is when written before sealing. An
    /// error means the value was sealed under another key (see `assent secrets reseal`) or altered.
    pub fn open(&self, stored: &str) -> Result<String, Unsealable> {
        let Some(b64) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let raw = STANDARD.decode(b64).map_err(|_| Unsealable)?;
        if raw.len() < 12 + 16 {
            return Err(Unsealable);
        }
        let (nonce, sealed) = raw.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| Unsealable)?;
        let clear = self
            .cipher
            .decrypt(&nonce.into(), sealed)
            .map_err(|_| Unsealable)?;
        String::from_utf8(clear).map_err(|_| Unsealable)
    }
}

/// A sealed value that this key cannot open.
#[derive(Debug, PartialEq, Eq)]
pub struct Unsealable;

impl std::fmt::Display for Unsealable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "a stored secret was sealed under another ASSENT_SECRET_KEY; set ASSENT_PREVIOUS_SECRET_KEY to the old key and run `assent secrets reseal`",
        )
    }
}

impl std::error::Error for Unsealable {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key() {
        let a = Sealer::new(b"a secret key of at least thirty-two bytes!");
        let b = Sealer::new(b"another secret key, also long enough......");
        let sealed = a.seal("whsec_abc");
        assert!(Sealer::is_sealed(&sealed));
        assert!(!sealed.contains("whsec_abc"));
        assert_ne!(sealed, a.seal("whsec_abc"), "a fresh nonce each time");
        assert_eq!(a.open(&sealed).unwrap(), "whsec_abc");
        assert_eq!(b.open(&sealed), Err(Unsealable));
        assert_eq!(a.open("clear-from-before").unwrap(), "clear-from-before");
        let mut raw = STANDARD
            .decode(sealed.strip_prefix(PREFIX).unwrap())
            .unwrap();
        *raw.last_mut().unwrap() ^= 1;
        assert_eq!(
            a.open(&format!("{PREFIX}{}", STANDARD.encode(raw))),
            Err(Unsealable)
        );
    }
}
