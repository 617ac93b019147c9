//! What an email in the outbox is for; stored as the outbox row's `kind`. A stored kind this version
//! does not know (written by a newer one, say) is an error the outbox keeps the row for, rather than an
//! email of some other kind.

super::column::words! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum EmailKind ("an email kind") {
        /// Asks the person to confirm the agreements a form asked for (double opt-in).
        Confirm = "confirm",
        /// Tells someone who asked again for agreements already enabled that they are, with their
        /// preference link (the form's page says nothing about who is known).
        AlreadySubscribed = "already_subscribed",
        /// The preference centre's link, asked for by address.
        PreferencesLink = "preferences_link",
        /// The person's signed consent receipt, asked for on the preference centre (attached).
        Receipt = "receipt",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_as_written() {
        for k in EmailKind::ALL {
            assert_eq!(EmailKind::parse(k.as_str()), Ok(*k));
        }
        assert!(EmailKind::parse("welcome").is_err());
    }
}
