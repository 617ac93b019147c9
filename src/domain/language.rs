/// A BCP 47-shaped language tag (`en`, `de-CH`). Unknown shapes fall back to English instead of failing,
/// since the tag only records which wording a person saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Language(String);

impl Language {
    pub fn parse_or_default(raw: Option<&str>) -> Language {
        raw.and_then(|r| Language::parse(r).ok())
            .unwrap_or_default()
    }

    pub fn parse(raw: &str) -> Result<Language, String> {
        let raw = raw.trim();
        let mut parts = raw.split('-');
        let primary = parts.next().unwrap_or_default();
        let ok = (2..=3).contains(&primary.len())
            && primary.chars().all(|c| c.is_ascii_alphabetic())
            && parts.all(|p| {
                (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if ok && raw.len() <= 35 {
            Ok(Language(raw.to_ascii_lowercase()))
        } else {
            Err(format!("{raw:?} is not a language tag such as en or de-CH"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Language {
    fn default() -> Self {
        Language("en".into())
    }
}
