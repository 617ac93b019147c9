//! Link tokens. Every token in a link is URL-safe base64 (`[A-Za-z0-9_-]`) and carries an HMAC made with
//! the deployment's secret key, so it cannot be guessed or forged, and nothing usable is stored:
//! - double-opt-in tokens are `uid || HMAC(key, "optin:" || uid)`; the database keeps the request's uid
//!   (useless without the key) and the token's SHA-256, and the mail worker re-derives the token from the
//!   uid when it sends the email;
//! - unsubscribe and preference tokens are signed statements "profile P, agreements A…", valid until the
//!   secret key changes, so the links in old emails and exported CSVs keep working.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = hmac::Hmac<Sha256>;

const TAG_LEN: usize = 16;
const MAX_AGREEMENTS: usize = 64;

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

#[derive(Clone)]
pub struct Signer {
    link_key: Vec<u8>,
    /// `link_key`'s HMAC states, computed once: an export signs two links per row.
    keyed: ShortMac,
}

/// HMAC-SHA256 under one key of at most 64 bytes, for messages of at most 55 bytes: the inner and
/// outer states after the key blocks are kept, so a tag costs exactly two SHA-256 compressions and no
/// allocation or buffering. The same tags as the `hmac` crate (a test checks).
#[derive(Clone)]
struct ShortMac {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl ShortMac {
    const IV: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];

    fn new(key: &[u8]) -> ShortMac {
        assert!(key.len() <= 64, "a key of at most one block");
        let mut block = [0u8; 64];
        block[..key.len()].copy_from_slice(key);
        let (mut inner, mut outer) = (Self::IV, Self::IV);
        sha2::block_api::compress256(&mut inner, &[block.map(|b| b ^ 0x36)]);
        sha2::block_api::compress256(&mut outer, &[block.map(|b| b ^ 0x5c)]);
        ShortMac { inner, outer }
    }

    /// The tag of `msg` (at most 55 bytes: one padded block after the key's).
    fn tag(&self, msg: &[u8]) -> [u8; 32] {
        // One final block: the message, 0x80, zeros, and the bit length of key block + message.
        let last = |state: &[u32; 8], msg: &[u8]| {
            let mut block = [0u8; 64];
            block[..msg.len()].copy_from_slice(msg);
            block[msg.len()] = 0x80;
            block[56..].copy_from_slice(&(((64 + msg.len()) * 8) as u64).to_be_bytes());
            let mut state = *state;
            sha2::block_api::compress256(&mut state, &[block]);
            let mut out = [0u8; 32];
            for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            out
        };
        assert!(msg.len() <= 55, "a short message");
        last(&self.outer, &last(&self.inner, msg))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    Unsubscribe = 1,
    Preferences = 2,
}

/// A signed reference to a profile: who the link is for and, for unsubscribe links, which agreements it
/// withdraws (empty means every email agreement).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkToken {
    pub kind: LinkKind,
    pub profile_id: i64,
    pub agreement_ids: Vec<i64>,
}

impl Signer {
    pub fn new(secret: &[u8]) -> Signer {
        let link_key = hmac(secret, b"assent link tokens v1").to_vec();
        Signer {
            keyed: ShortMac::new(&link_key),
            link_key,
        }
    }

    /// A new opt-in request: its uid (hex; time-ordered so the index grows at its end, random after the
    /// first 8 bytes), its token (`uid || HMAC(key, uid)`, shown only in the email) and the token's hash.
    pub fn new_optin(&self) -> (String, String, String) {
        let mut uid = [0u8; 16];
        let micros = chrono::Utc::now().timestamp_micros() as u64;
        uid[..8].copy_from_slice(&micros.to_be_bytes());
        rand::fill(&mut uid[8..]);
        let uid = hex(&uid);
        let token = self.optin_token(&uid);
        let hash = sha256_hex(token.as_bytes());
        (uid, token, hash)
    }

    /// Re-derives the token of an opt-in request from its uid (the mail worker does this to send it).
    pub fn optin_token(&self, uid: &str) -> String {
        let mut bytes = unhex(uid).unwrap_or_default();
        let tag = hmac(&self.link_key, &[b"optin:".as_slice(), &bytes].concat());
        bytes.extend_from_slice(&tag[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The uid inside a genuine opt-in token (constant-time tag check); `None` if malformed or forged.
    pub fn verify_optin(&self, token: &str) -> Option<String> {
        if !looks_like_token(token) {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != 16 + TAG_LEN {
            return None;
        }
        let (uid, tag) = bytes.split_at(16);
        let mut mac =
            HmacSha256::new_from_slice(&self.link_key).expect("HMAC takes any key length");
        mac.update(b"optin:");
        mac.update(uid);
        mac.verify_truncated_left(tag).ok()?;
        Some(hex(uid))
    }

    /// The unique part of the `Message-ID` of outbox row `id`: the same on every attempt to send that row
    /// (so a receiver can drop a duplicate sent after a crash), unguessable, and different across
    /// deployments and database resets (the row's creation time and this deployment's key go into it).
    pub fn message_id(&self, id: i64, created_at: chrono::NaiveDateTime) -> String {
        let tag = hmac(
            &self.link_key,
            format!(
                "message-id:{id}:{}",
                created_at.and_utc().timestamp_micros()
            )
            .as_bytes(),
        );
        format!("{id}.{}", hex(&tag[..10]))
    }

    /// The sign-in form's CSRF token for the random value in the visitor's `assent-login` cookie (a
    /// double-submit token: another site can neither read the cookie nor compute the token).
    pub fn login_csrf(&self, nonce: &str) -> String {
        let tag = hmac(&self.link_key, format!("login-csrf:{nonce}").as_bytes());
        URL_SAFE_NO_PAD.encode(&tag[..16])
    }

    pub fn link(&self, kind: LinkKind, profile_id: i64, agreement_ids: &[i64]) -> String {
        let mut bytes = Vec::with_capacity(10 + 4 * agreement_ids.len() + TAG_LEN);
        bytes.push(kind as u8);
        bytes.extend_from_slice(&profile_id.to_be_bytes());
        let ids = &agreement_ids[..agreement_ids.len().min(MAX_AGREEMENTS)];
        bytes.push(ids.len() as u8);
        for id in ids {
            bytes.extend_from_slice(&(*id as u32).to_be_bytes());
        }
        let mut mac =
            HmacSha256::new_from_slice(&self.link_key).expect("HMAC takes any key length");
        mac.update(&bytes);
        bytes.extend_from_slice(&mac.finalize().into_bytes()[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The same token as `link(kind, profile_id, &[])`, appended to `out` without allocating: the CSV
    /// export writes two per row.
    pub fn link_into(&self, out: &mut String, kind: LinkKind, profile_id: i64) {
        let mut bytes = [0u8; 10 + TAG_LEN];
        bytes[0] = kind as u8;
        bytes[1..9].copy_from_slice(&profile_id.to_be_bytes());
        bytes[9] = 0;
        let tag = self.keyed.tag(&bytes[..10]);
        bytes[10..].copy_from_slice(&tag[..TAG_LEN]);
        URL_SAFE_NO_PAD.encode_string(bytes, out);
    }

    /// Checks a link token (constant-time tag comparison). `None` for anything malformed or forged.
    pub fn verify_link(&self, expected: LinkKind, token: &str) -> Option<LinkToken> {
        if token.len() > 600
            || !token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() < 10 + TAG_LEN {
            return None;
        }
        let (body, tag) = bytes.split_at(bytes.len() - TAG_LEN);
        let mut mac =
            HmacSha256::new_from_slice(&self.link_key).expect("HMAC takes any key length");
        mac.update(body);
        mac.verify_truncated_left(tag).ok()?;
        let kind = match body[0] {
            1 => LinkKind::Unsubscribe,
            2 => LinkKind::Preferences,
            _ => return None,
        };
        if kind != expected {
            return None;
        }
        let profile_id = i64::from_be_bytes(body[1..9].try_into().ok()?);
        let count = body[9] as usize;
        if body.len() != 10 + 4 * count {
            return None;
        }
        let agreement_ids = body[10..]
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as i64)
            .collect();
        Some(LinkToken {
            kind,
            profile_id,
            agreement_ids,
        })
    }
}

/// Constant-time comparison of two tokens.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// 256 random bits, URL-safe base64: session ids, CSRF tokens and API keys.
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// A token shape check before any database work: URL-safe alphabet and a sane length.
pub fn looks_like_token(token: &str) -> bool {
    (20..=600).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_mac_gives_the_hmac_crates_tags() {
        for key_len in [0, 1, 32, 63, 64] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 3) as u8).collect();
            let short = ShortMac::new(&key);
            for len in 0..=55 {
                let msg: Vec<u8> = (0..len).map(|i| (i * 31 + key_len) as u8).collect();
                let mut mac = HmacSha256::new_from_slice(&key).unwrap();
                mac.update(&msg);
                assert_eq!(
                    short.tag(&msg)[..],
                    mac.finalize().into_bytes()[..],
                    "key {key_len}, message {len}"
                );
            }
        }
    }

    #[test]
    fn links_written_in_place_are_the_same_tokens() {
        let s = Signer::new(b"0123456789abcdef0123456789abcdef");
        for (kind, id) in [
            (LinkKind::Unsubscribe, 1),
            (LinkKind::Preferences, 987_654_321),
        ] {
            let mut out = String::from("prefix/");
            s.link_into(&mut out, kind, id);
            assert_eq!(out, format!("prefix/{}", s.link(kind, id, &[])));
        }
    }

    #[test]
    fn link_tokens_round_trip_and_reject_tampering() {
        let s = Signer::new(b"0123456789abcdef0123456789abcdef");
        let t = s.link(LinkKind::Unsubscribe, 42, &[1, 3]);
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        let parsed = s.verify_link(LinkKind::Unsubscribe, &t).unwrap();
        assert_eq!((parsed.profile_id, parsed.agreement_ids), (42, vec![1, 3]));
        assert!(
            s.verify_link(LinkKind::Preferences, &t).is_none(),
            "kinds are not interchangeable"
        );
        let other = Signer::new(b"another key, another deployment!!");
        assert!(other.verify_link(LinkKind::Unsubscribe, &t).is_none());
        let mut chars: Vec<char> = t.chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        assert!(
            s.verify_link(
                LinkKind::Unsubscribe,
                &chars.into_iter().collect::<String>()
            )
            .is_none()
        );
    }

    #[test]
    fn optin_tokens_are_unique_and_rederivable() {
        let s = Signer::new(b"0123456789abcdef0123456789abcdef");
        let (uid, token, hash) = s.new_optin();
        let (uid2, token2, _) = s.new_optin();
        assert_ne!((uid.clone(), token.clone()), (uid2.clone(), token2));
        assert_eq!(s.optin_token(&uid), token);
        assert_eq!(sha256_hex(token.as_bytes()), hash);
        assert!(looks_like_token(&token));
        assert_eq!(s.verify_optin(&token), Some(uid.clone()));
        assert!(uid < uid2, "uids are time-ordered");
        let other = Signer::new(b"another key, another deployment!!");
        assert_eq!(other.verify_optin(&token), None);
        let mut forged = token.clone().into_bytes();
        forged[30] = if forged[30] == b'A' { b'B' } else { b'A' };
        assert_eq!(s.verify_optin(&String::from_utf8(forged).unwrap()), None);
    }
}
