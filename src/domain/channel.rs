//! How the people who enable an agreement are reached.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
    Push,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Email, Channel::Sms, Channel::Push, Channel::Other];
    /// Their names, as stored and as forms send them.
    pub const NAMES: [&'static str; 4] = [
        Channel::Email.as_str(),
        Channel::Sms.as_str(),
        Channel::Push.as_str(),
        Channel::Other.as_str(),
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Push => "push",
            Channel::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}
