//! Audience rules: which profiles an audience holds, as a test on the bits of their enabled agreements
//! (`profiles.consent_mask`).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    All,
    Any,
    None,
}

impl Match {
    pub fn parse(raw: &str) -> Result<Match, String> {
        match raw {
            "all" => Ok(Match::All),
            "any" => Ok(Match::Any),
            "none" => Ok(Match::None),
            other => Err(format!(
                "{:?} is not a rule; use all, any or none",
                other.chars().take(20).collect::<String>()
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Match::All => "all",
            Match::Any => "any",
            Match::None => "none",
        }
    }

    /// How a person reads it: "all of", "any of", "none of".
    pub fn words(self) -> &'static str {
        match self {
            Match::All => "all of",
            Match::Any => "any of",
            Match::None => "none of",
        }
    }
}

/// Which profiles an audience holds, as a test on the consent mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub how: Match,
    pub mask: i64,
}

impl Rule {
    /// The rule over these agreements (by key; `bit_of` gives an agreement's bit in the consent mask);
    /// the error names an unknown key.
    pub fn new(
        how: Match,
        keys: &[&str],
        bit_of: impl Fn(&str) -> Option<i64>,
    ) -> Result<Rule, String> {
        if keys.is_empty() {
            return Err("Choose at least one agreement.".into());
        }
        let mut mask = 0;
        for key in keys {
            mask |= bit_of(key).ok_or_else(|| {
                format!(
                    "There is no agreement {:?}.",
                    key.chars().take(70).collect::<String>()
                )
            })?;
        }
        Ok(Rule { how, mask })
    }

    pub fn matches(&self, mask: i64) -> bool {
        match self.how {
            Match::All => mask & self.mask == self.mask,
            Match::Any => mask & self.mask != 0,
            Match::None => mask & self.mask == 0,
        }
    }
}
