//! Parse-don't-validate types: once a value has one of these types it is known to be valid.

mod actor;
pub mod allowance;
pub mod audience;
mod channel;
pub mod column;
mod countries;
pub mod csv;
pub mod details;
pub mod email;
pub mod email_kind;
mod ids;
mod integration_auth;
pub mod jws;
pub mod merkle;
pub mod name;
pub mod phone;
mod phone_table;
mod role;
pub mod seal;
pub mod signing;
mod source;
pub mod time;
pub mod token;
pub mod uuid;
mod value;

pub use actor::Actor;
pub use channel::Channel;
pub use email::Email;
pub use email_kind::EmailKind;
pub use ids::{AgreementId, ProfileId};
pub use integration_auth::IntegrationAuth;
pub use role::Role;
pub use seal::Sealer;
pub use source::Source;
pub use token::{LinkKind, LinkToken, Signer, sha256_hex};
pub use value::{AgreementKey, ConsentValue};

/// Text for a log line with every word that holds an `@` (an email address, as SMTP servers quote them
/// in their errors) replaced by `[address]`: addresses do not belong in logs.
pub fn redact_addresses(text: &str) -> String {
    text.split(' ')
        .map(|w| if w.contains('@') { "[address]" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Free text from a form that may end up in an email header or body: bounded, single-line.
pub fn single_line(field: &str, raw: &str, max_chars: usize) -> Result<Option<String>, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().any(|c| c == '\r' || c == '\n') {
        return Err(format!("{field} must be on one line."));
    }
    if v.chars().any(char::is_control) {
        return Err(format!("{field} contains control characters; remove them."));
    }
    if v.chars().count() > max_chars {
        return Err(format!(
            "{field} is too long: at most {max_chars} characters."
        ));
    }
    Ok(Some(v.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_are_redacted_from_log_text() {
        assert_eq!(
            super::redact_addresses("550 5.1.1 <ann@example.com>: Recipient address rejected"),
            "550 5.1.1 [address] Recipient address rejected"
        );
    }
}
