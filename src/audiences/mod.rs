//! Audiences: the profiles with all of, any of, or none of a set of agreements enabled.
//!
//! Every profile carries its enabled agreements as bits (`profiles.consent_mask`, one bit per agreement,
//! kept by `consent::apply` under the profile's lock). So one scan of a small index gives how many live
//! profiles hold each combination (a `Histogram` of a few dozen rows at any size), from which the
//! overview, every agreement's count and every audience's count are computed; and an export selects an
//! audience with one bit test per row.

pub mod daily;

use crate::db::DbConn;
use crate::db::models::agreements::Agreement;
use crate::db::schema::profiles;
use diesel::prelude::*;

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
    /// The rule over these agreements (by key, from `catalog`); the error names an unknown key.
    pub fn new(how: Match, keys: &[&str], catalog: &[Agreement]) -> Result<Rule, String> {
        if keys.is_empty() {
            return Err("Choose at least one agreement.".into());
        }
        let mut mask = 0;
        for key in keys {
            let a = catalog.iter().find(|a| a.key == *key).ok_or_else(|| {
                format!(
                    "There is no agreement {:?}.",
                    key.chars().take(70).collect::<String>()
                )
            })?;
            mask |= a.bit();
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

    /// The same test in SQL, for a `profiles` query (both engines have `&` on 64-bit integers).
    pub fn sql(&self) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
        let m = self.mask;
        diesel::dsl::sql(&match self.how {
            Match::All => format!("(profiles.consent_mask & {m}) = {m}"),
            Match::Any => format!("(profiles.consent_mask & {m}) <> 0"),
            Match::None => format!("(profiles.consent_mask & {m}) = 0"),
        })
    }
}

/// How many live (not erased) profiles hold each combination of enabled agreements.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    buckets: Vec<(i64, i64)>,
}

impl Histogram {
    pub fn load(conn: &mut DbConn) -> QueryResult<Histogram> {
        let buckets = profiles::table
            .filter(profiles::erased_at.is_null())
            .group_by(profiles::consent_mask)
            .select((profiles::consent_mask, diesel::dsl::count_star()))
            .load(conn)?;
        Ok(Histogram { buckets })
    }

    pub fn profiles(&self) -> i64 {
        self.buckets.iter().map(|(_, n)| n).sum()
    }

    pub fn count(&self, rule: &Rule) -> i64 {
        self.buckets
            .iter()
            .filter(|(m, _)| rule.matches(*m))
            .map(|(_, n)| n)
            .sum()
    }

    /// Profiles with this agreement enabled.
    pub fn enabled(&self, agreement: &Agreement) -> i64 {
        self.count(&Rule {
            how: Match::All,
            mask: agreement.bit(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_count_from_the_histogram() {
        // bits: 1 = newsletter, 2 = sms, 4 = alcohol
        let h = Histogram {
            buckets: vec![(0, 10), (1, 5), (3, 4), (7, 2), (4, 1)],
        };
        let rule = |how, mask| h.count(&Rule { how, mask });
        assert_eq!(h.profiles(), 22);
        assert_eq!(rule(Match::All, 1 | 2), 6);
        assert_eq!(rule(Match::Any, 1 | 4), 12);
        assert_eq!(rule(Match::None, 1 | 2), 11);
        assert_eq!(rule(Match::All, 4), 3);
    }
}
