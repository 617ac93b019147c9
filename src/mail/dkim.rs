//! DKIM signing (optional): Gmail and Yahoo require it of bulk senders, and RFC 8058 asks that the
//! signature cover `List-Unsubscribe` and `List-Unsubscribe-Post`.

use lettre::Message;
use lettre::message::dkim::{
    DkimCanonicalization, DkimCanonicalizationType, DkimConfig, DkimSigningAlgorithm,
    DkimSigningKey, dkim_sign,
};
use lettre::message::header::HeaderName;
use std::sync::Arc;

/// The headers every signature covers.
pub const SIGNED_HEADERS: [&str; 7] = [
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
];

#[derive(Clone, Debug)]
pub struct Dkim(Arc<DkimConfig>);

impl Dkim {
    /// Reads the private key: RSA as PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`, what
    /// `openssl genrsa` writes), or Ed25519 as PKCS#8 (`openssl genpkey -algorithm ed25519`).
    pub fn load(selector: &str, domain: &str, pem: &str) -> Result<Dkim, String> {
        let key = signing_key(pem)?;
        let headers = SIGNED_HEADERS
            .iter()
            .map(|h| HeaderName::new_from_ascii_str(h))
            .collect();
        Ok(Dkim(Arc::new(DkimConfig::new(
            selector.to_string(),
            domain.to_string(),
            key,
            headers,
            DkimCanonicalization {
                header: DkimCanonicalizationType::Relaxed,
                body: DkimCanonicalizationType::Relaxed,
            },
        ))))
    }

    pub fn sign(&self, message: &mut Message) {
        dkim_sign(message, &self.0);
    }
}

fn signing_key(pem: &str) -> Result<DkimSigningKey, String> {
    use base64::Engine;
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let pem = pem.trim();
    if pem.starts_with("-----BEGIN RSA PRIVATE KEY-----") {
        return DkimSigningKey::new(pem, DkimSigningAlgorithm::Rsa)
            .map_err(|e| format!("not a readable RSA key ({e})"));
    }
    if !pem.starts_with("-----BEGIN PRIVATE KEY-----") {
        return Err(
            "expected a PEM private key (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)".into(),
        );
    }
    if let Ok(rsa) = rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
        let pkcs1 = rsa
            .to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
            .map_err(|e| format!("cannot re-encode the RSA key ({e})"))?;
        return DkimSigningKey::new(&pkcs1, DkimSigningAlgorithm::Rsa)
            .map_err(|e| format!("not a readable RSA key ({e})"));
    }
    // PKCS#8 Ed25519: a fixed 16-byte prefix (version, algorithm 1.3.101.112), then the 32-byte seed.
    const ED25519_PREFIX: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| format!("the PEM body is not base64 ({e})"))?;
    match der.strip_prefix(&ED25519_PREFIX[..]) {
        Some(seed) if seed.len() == 32 => DkimSigningKey::new(
            &base64::engine::general_purpose::STANDARD.encode(seed),
            DkimSigningAlgorithm::Ed25519,
        )
        .map_err(|e| format!("not a readable Ed25519 key ({e})")),
        _ => Err("a PKCS#8 key that is neither RSA nor Ed25519".into()),
    }
}
