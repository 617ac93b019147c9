//! The public forms must not become a way to flood someone's inbox. Every email that a form makes Assent
//! send to an address (a confirmation, "already subscribed", a preference link) takes one unit of that
//! address's allowance: `MAX` per `WINDOW`. Beyond it the form answers exactly as usual and nothing is
//! sent. The allowance lives on the profile, so it holds across nodes.

use chrono::NaiveDateTime;

pub const MAX: i32 = 3;
pub const WINDOW: chrono::TimeDelta = chrono::TimeDelta::hours(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// Emails sent in the window that started at `window`.
    pub mails: i32,
    pub window: Option<NaiveDateTime>,
}

impl Allowance {
    /// The allowance of a profile created now by a form that sends it its first email.
    pub fn first(now: NaiveDateTime) -> Allowance {
        Allowance {
            mails: 1,
            window: Some(now),
        }
    }

    /// Takes one email from the allowance; false when it is used up.
    pub fn take(&mut self, now: NaiveDateTime) -> bool {
        match self.window {
            Some(start) if start > now - WINDOW => {
                if self.mails >= MAX {
                    return false;
                }
                self.mails += 1;
            }
            _ => *self = Allowance::first(now),
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_max_per_window_then_a_fresh_window() {
        let t0 = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        let mut a = Allowance {
            mails: 0,
            window: None,
        };
        assert!((0..MAX).all(|_| a.take(t0)));
        assert!(!a.take(t0 + chrono::TimeDelta::minutes(59)));
        assert!(a.take(t0 + WINDOW + chrono::TimeDelta::seconds(1)));
        assert_eq!(a.mails, 1);
    }
}
