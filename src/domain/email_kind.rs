//! What an email in the outbox is for; stored as the outbox row's `kind`.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    /// Asks the person to confirm the agreements a form asked for (double opt-in).
    Confirm,
    /// Tells someone who asked again for agreements already enabled that they are, with their
    /// preference link (the form's page says nothing about who is known).
    AlreadySubscribed,
    /// The preference centre's link, asked for by address.
    PreferencesLink,
}

impl EmailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Confirm => "confirm",
            EmailKind::AlreadySubscribed => "already_subscribed",
            EmailKind::PreferencesLink => "preferences_link",
        }
    }

    /// A stored kind; an unknown one (written by a newer version, say) is an error the outbox keeps
    /// the row for, rather than an email of some other kind.
    pub fn parse(raw: &str) -> Result<EmailKind, String> {
        [
            EmailKind::Confirm,
            EmailKind::AlreadySubscribed,
            EmailKind::PreferencesLink,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
        .ok_or_else(|| format!("unknown email kind {raw:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_as_written() {
        for k in [
            EmailKind::Confirm,
            EmailKind::AlreadySubscribed,
            EmailKind::PreferencesLink,
        ] {
            assert_eq!(EmailKind::parse(k.as_str()), Ok(k));
        }
        assert!(EmailKind::parse("welcome").is_err());
    }
}
