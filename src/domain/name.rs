//! Names staff give to things that then appear in sources of the ledger (`api:<name>`,
//! `integration:<name>`). Each rule is the one such names have always had, kept so that every name
//! given before stays valid: integration and send-file names also live in URL paths and variable names,
//! so they are lower-case; API key names may use upper-case letters and dots.

/// An integration's or a send-file's name: a path segment of `/integrations/{name}/webhook`, the source
/// `integration:{name}`, and the suffix of a send-file's secret variables.
pub fn integration(name: &str) -> Result<&str, String> {
    let ok = (1..=63).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(format!(
            "{name:?} is not an integration name: 1 to 63 lower-case letters, digits, - and _"
        ))
    }
}

/// A key's name as it appears in the ledger (`api:<name>`), or what is wrong with it.
pub fn api_key(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err("Use 1 to 64 letters, digits, '-', '_' or '.' (it appears in the ledger as api:<name>).".into());
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(integration("crm").is_ok());
        assert!(integration("shop-eu_2").is_ok());
        for bad in ["", "CRM", "-x", "a/b", &"x".repeat(64)] {
            assert!(integration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn api_key_names() {
        assert_eq!(api_key(" CRM.prod-1 "), Ok("CRM.prod-1"));
        for bad in ["", "a b", "x/y", &"x".repeat(65)] {
            assert!(api_key(bad).is_err(), "{bad}");
        }
    }
}
