use std::fmt;

/// How a consent change came about; recorded in every ledger event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Form,
    Confirmation,
    Preferences,
    Unsubscribe,
    OneClick,
    Admin(String),
    Api(String),
    Import(String),
    Integration(String),
    /// A person texted STOP (or UNSUBSCRIBE, …) to an SMS integration's number.
    SmsStop,
    /// A person texted START (or UNSTOP, YES) after a STOP.
    SmsStart,
    /// A browser sent Global Privacy Control to a page that knows the person, withdrawing an agreement
    /// flagged "a GPC signal means no".
    Gpc,
}

impl Source {
    /// A change another system reported (the batch API, an import, an integration, an SMS gateway),
    /// as opposed to one a person made through Assent's own pages or a staff member in the dashboard.
    pub fn is_caller(&self) -> bool {
        matches!(
            self,
            Source::Api(_)
                | Source::Import(_)
                | Source::Integration(_)
                | Source::SmsStop
                | Source::SmsStart
        )
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Form => f.write_str("form"),
            Source::Confirmation => f.write_str("confirmation"),
            Source::Preferences => f.write_str("preferences"),
            Source::Unsubscribe => f.write_str("unsubscribe"),
            Source::OneClick => f.write_str("one_click"),
            Source::Admin(who) => write!(f, "admin:{who}"),
            Source::Api(key) => write!(f, "api:{key}"),
            Source::Import(job) => write!(f, "import:{job}"),
            Source::Integration(name) => write!(f, "integration:{name}"),
            Source::SmsStop => f.write_str("sms:stop"),
            Source::SmsStart => f.write_str("sms:start"),
            Source::Gpc => f.write_str("gpc"),
        }
    }
}
