//! Who did something, as the audit log records it.

/// Who made a change, for the audit log: `admin:<email>` or `cli`, and the client's IP address.
#[derive(Clone, Debug)]
pub struct Actor {
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    /// The command line.
    pub fn cli() -> Actor {
        Actor {
            name: "cli".into(),
            ip: None,
        }
    }
}
