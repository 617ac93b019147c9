use std::fmt;

/// An email address as Assent stores it: trimmed, the domain lower-cased, the local part kept as typed.
/// Deliberately strict (ASCII `atext` local part, a dotted DNS domain) so it is always safe to put in a header.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

pub const MAX_LEN: usize = 254;

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("Enter your email address.".into());
        }
        if s.len() > MAX_LEN {
            return Err(format!(
                "That email address is too long: at most {MAX_LEN} characters."
            ));
        }
        let invalid = || {
            format!(
                "\u{201c}{}\u{201d} is not a valid email address; use the form name@example.com.",
                shorten(s)
            )
        };
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(invalid());
        };
        if local.is_empty()
            || local.len() > 64
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
        {
            return Err(invalid());
        }
        if !local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c))
        {
            return Err(invalid());
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| {
                l.is_empty()
                    || l.len() > 63
                    || l.starts_with('-')
                    || l.ends_with('-')
                    || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            || labels
                .last()
                .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(invalid());
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub fn shorten(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() > 60 {
        clean.chars().take(57).collect::<String>() + "…"
    } else {
        clean
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn normalises_domain_and_trims() {
        assert_eq!(
            Email::parse("  Ann.Lee+news@Example.COM ")
                .unwrap()
                .as_str(),
            "Ann.Lee+news@example.com"
        );
    }

    #[test]
    fn rejects_what_cannot_be_delivered_or_injects_headers() {
        for bad in [
            "",
            "plain",
            "a@b",
            "@example.com",
            "a@.com",
            "a..b@example.com",
            "a@exa mple.com",
            "a@example.com\r\nBcc: x@y.com",
            "a\n@example.com",
            "a@-x.com",
            "a@example.123",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).unwrap_err().contains("too long"));
    }
}
