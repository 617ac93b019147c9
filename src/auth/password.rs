//! argon2id password hashes (the crate's defaults are OWASP's: 19 MiB, 2 passes, 1 lane).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::OnceLock;

pub const MIN_LEN: usize = 12;

/// Refuses passwords that are short, repetitive, common, or made of the account's own email.
/// Why a password is refused (its English words are the command line's and the catalogue's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weak {
    TooShort,
    TooLong,
    Repetitive,
    HasEmail,
    Common,
}

impl std::fmt::Display for Weak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Weak::TooShort => write!(
                f,
                "The password is too short: use at least {MIN_LEN} characters (a few unrelated words work well)."
            ),
            Weak::TooLong => f.write_str("The password is too long: at most 256 characters."),
            Weak::Repetitive => f.write_str("The password repeats too few different characters."),
            Weak::HasEmail => {
                f.write_str("The password must not contain the account's email address.")
            }
            Weak::Common => f.write_str(
                "The password contains a very common password; choose something less guessable.",
            ),
        }
    }
}

pub fn check_strength(password: &str, email: &str) -> Result<(), Weak> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(Weak::TooShort);
    }
    if chars > 256 {
        return Err(Weak::TooLong);
    }
    let distinct: std::collections::HashSet<char> = password.chars().collect();
    if distinct.len() < 5 {
        return Err(Weak::Repetitive);
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 4 && lower.contains(&local) {
        return Err(Weak::HasEmail);
    }
    const COMMON: [&str; 8] = [
        "password", "123456", "qwerty", "letmein", "welcome", "admin", "iloveyou", "abc123",
    ];
    if COMMON.iter().any(|c| lower.contains(c)) {
        return Err(Weak::Common);
    }
    Ok(())
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?
        .to_string())
}

/// Checks a password against a stored hash. With no hash (unknown account) it checks against a dummy
/// one, so that an unknown email and a wrong password take the same time.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("a dummy password nobody has").expect("hashing works"));
    let hash = stored.unwrap_or(dummy);
    let ok = PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false);
    ok && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        let e = "ann@example.com";
        assert!(
            check_strength("short", e)
                .unwrap_err()
                .to_string()
                .contains("too short")
        );
        assert!(
            check_strength("aaaaaaaaaaaaaaa", e)
                .unwrap_err()
                .to_string()
                .contains("different")
        );
        assert!(
            check_strength("MyPassword2026!", e)
                .unwrap_err()
                .to_string()
                .contains("common")
        );
        assert!(
            check_strength("ann-annexample-x", e).is_ok(),
            "'ann' is too short to count"
        );
        assert!(check_strength("correct horse battery", e).is_ok());
    }

    #[test]
    fn hashes_verify_and_unknown_accounts_never_do() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&h)));
        assert!(!verify("wrong horse battery", Some(&h)));
        assert!(!verify("a dummy password nobody has", None));
    }
}
