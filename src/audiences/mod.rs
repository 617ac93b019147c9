//! Audiences: the profiles with all of, any of, or none of a set of agreements enabled.
//!
//! Every profile carries its enabled agreements as bits (`profiles.consent_mask`, one bit per agreement,
//! kept by `consent::apply` under the profile's lock). So one scan of a small index gives how many live
//! profiles hold each combination (a `Histogram` of a few dozen rows at any size), from which the
//! overview, every agreement's count and every audience's count are computed; and an export selects an
//! audience with one bit test per row.

pub mod daily;
pub mod saved;

use crate::db::DbConn;
use crate::db::models::agreements::Agreement;
use crate::db::schema::profiles;
pub use crate::domain::audience::{Match, Rule};
use diesel::prelude::*;

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
