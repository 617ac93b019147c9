use std::fmt;

/// An agreement key: `^[a-z][a-z0-9_]{1,62}$`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AgreementKey(String);

impl AgreementKey {
    pub fn parse(raw: &str) -> Result<AgreementKey, String> {
        let mut chars = raw.chars();
        let ok = (2..=63).contains(&raw.len())
            && chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(AgreementKey(raw.to_string()))
        } else {
            Err(format!(
                "{:?} is not an agreement key (lower-case letters, digits and _, starting with a letter)",
                raw
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Keys a new agreement may not take: `/admin/agreements/new` is the page for creating one, so an
    /// agreement keyed `new` could never be opened.
    pub fn is_reserved(raw: &str) -> bool {
        raw == "new"
    }
}

impl fmt::Display for AgreementKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether an agreement is given. Stored as the text `enabled` or `disabled` (a typed column: a row
/// holding anything else fails to load instead of counting as a refusal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum ConsentValue {
    Enabled,
    Disabled,
}

impl ConsentValue {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentValue::Enabled => "enabled",
            ConsentValue::Disabled => "disabled",
        }
    }

    pub fn parse(raw: &str) -> Result<ConsentValue, String> {
        match raw {
            "enabled" => Ok(ConsentValue::Enabled),
            "disabled" => Ok(ConsentValue::Disabled),
            other => Err(format!(
                "{other:?} is not a consent value; use \"enabled\" or \"disabled\""
            )),
        }
    }
}

super::column::stored_as_text!(ConsentValue);
