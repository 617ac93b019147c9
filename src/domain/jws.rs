//! Compact JSON Web Signatures with Ed25519 (RFC 7515, `alg: EdDSA` of RFC 8037), as consent receipts
//! are signed: the key's id is its RFC 7638 JWK thumbprint, so anyone holding the public key can
//! recompute it, and a key set (`{"keys": […]}`) lists each public key as an OKP JWK.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A public key as a JWK set lists it: `{"kty": "OKP", "crv": "Ed25519", "x", "kid", "use": "sig"}`.
pub fn jwk(key: &VerifyingKey) -> Value {
    json!({
        "kty": "OKP",
        "crv": "Ed25519",
        "x": B64.encode(key.to_bytes()),
        "kid": kid(key),
        "use": "sig",
        "alg": "EdDSA",
    })
}

/// The key's RFC 7638 thumbprint: base64url of the SHA-256 of its required members in lexical order.
pub fn kid(key: &VerifyingKey) -> String {
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        B64.encode(key.to_bytes())
    );
    B64.encode(Sha256::digest(canonical.as_bytes()))
}

/// The public key of a JWK's `x` (base64url of 32 bytes).
pub fn public_key(x: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = B64
        .decode(x)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the key is not 32 bytes of base64url")?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "the key is not an Ed25519 point".to_string())
}

/// The payload of a compact JWS, unchecked (for showing what was just signed).
pub fn payload(token: &str) -> Option<Value> {
    let part = token.split('.').nth(1)?;
    serde_json::from_slice(&B64.decode(part).ok()?).ok()
}

/// `header.payload.signature`, the header `{"alg": "EdDSA", "kid", "typ"}`.
pub fn sign(key: &SigningKey, typ: &str, payload: &Value) -> String {
    let header = json!({"alg": "EdDSA", "kid": kid(&key.verifying_key()), "typ": typ});
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(payload.to_string())
    );
    let signature = key.sign(input.as_bytes());
    format!("{input}.{}", B64.encode(signature.to_bytes()))
}

/// A compact JWS taken apart: its key id and payload, once `key_of(kid)` gave the key that verifies it.
#[derive(Debug)]
pub struct Verified {
    pub kid: String,
    pub payload: Value,
}

/// Checks a compact JWS; the error says what failed (its shape, its header, an unknown key, the
/// signature).
pub fn verify(
    token: &str,
    key_of: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<Verified, String> {
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(format!(
            "not a compact JWS: it has {} parts separated by dots, not 3",
            parts.len()
        ));
    };
    let json_part = |part: &str, what: &str| -> Result<Value, String> {
        B64.decode(part)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| format!("its {what} is not base64url-encoded JSON"))
    };
    let head = json_part(header, "header")?;
    if head["alg"] != "EdDSA" {
        return Err(format!(
            "its algorithm is {}, not EdDSA",
            head["alg"].to_string().chars().take(40).collect::<String>()
        ));
    }
    let kid = head["kid"]
        .as_str()
        .ok_or("its header names no key (kid)")?
        .to_string();
    let key = key_of(&kid).ok_or_else(|| {
        format!(
            "it is signed by the key {:?}, which is not one of this organisation's receipt keys",
            kid.chars().take(60).collect::<String>()
        )
    })?;
    let signature: [u8; 64] = B64
        .decode(signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("its signature is not 64 bytes of base64url (the receipt was cut short?)")?;
    key.verify_strict(
        format!("{header}.{payload}").as_bytes(),
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| {
        "its signature does not match its contents (the receipt was changed after it was signed)"
            .to_string()
    })?;
    Ok(Verified {
        kid,
        payload: json_part(payload, "payload")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn a_signed_payload_verifies_and_any_change_is_named() {
        let k = key();
        let token = sign(&k, "assent-receipt+jwt", &json!({"a": 1}));
        let vk = k.verifying_key();
        let known = |kid: &str| (kid == super::kid(&vk)).then_some(vk);
        let v = verify(&token, known).unwrap();
        assert_eq!(v.payload, json!({"a": 1}));
        // Another payload under the same signature.
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], B64.encode(r#"{"a":2}"#), parts[2]);
        assert!(
            verify(&forged, known)
                .unwrap_err()
                .contains("does not match")
        );
        assert!(
            verify(&token[..token.len() - 10], known)
                .unwrap_err()
                .contains("64 bytes")
        );
        assert!(verify("a.b", known).unwrap_err().contains("2 parts"));
        let other = sign(&SigningKey::from_bytes(&[8u8; 32]), "x", &json!({}));
        assert!(verify(&other, known).unwrap_err().contains("not one of"));
    }

    /// RFC 8037, appendix A: the Ed25519 key, its thumbprint (A.3) and the signature of "Example of
    /// Ed25519 signing" (A.4), computed by the RFC's authors.
    #[test]
    fn the_rfc_8037_vectors_hold() {
        let d: [u8; 32] = B64
            .decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
            .unwrap()
            .try_into()
            .unwrap();
        let k = SigningKey::from_bytes(&d);
        assert_eq!(
            B64.encode(k.verifying_key().to_bytes()),
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        );
        assert_eq!(
            kid(&k.verifying_key()),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
        let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        assert_eq!(
            B64.encode(k.sign(input.as_bytes()).to_bytes()),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
    }
}
