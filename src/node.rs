//! Which running process this is. Outbox rows record the process that leased them, so a node that
//! restarts (after a crash or kill -9) takes back its own earlier claims at once instead of waiting out
//! their leases. A node is named by its host and listening port: no two live processes share both.

/// This process: `name` is stable across restarts, `claim_id` is new at every start.
#[derive(Clone, Debug)]
pub struct Node {
    pub name: String,
    pub claim_id: String,
}

impl Node {
    pub fn new(port: u16) -> Node {
        let name = format!("{}:{port}", hostname());
        let mut start = [0u8; 6];
        rand::fill(&mut start);
        let start: String = start.iter().map(|b| format!("{b:02x}")).collect();
        Node {
            claim_id: format!("{name}#{start}"),
            name,
        }
    }

    /// A command-line process (`assent import`): named by its host and process id.
    pub fn cli() -> Node {
        let name = format!("{}:cli", hostname());
        Node {
            claim_id: format!("{name}#{}", std::process::id()),
            name,
        }
    }

    /// Whether the holder of a claim is certainly gone: an earlier start of this node, or a command-line
    /// process of this host that no longer runs. (Elsewhere only its lease tells.)
    pub fn holder_gone(&self, claim: &str) -> bool {
        let Some((name, start)) = claim.rsplit_once('#') else {
            return false;
        };
        if name == self.name && claim != self.claim_id && !name.ends_with(":cli") {
            return true;
        }
        let cli = format!("{}:cli", hostname());
        match start.parse::<i32>() {
            // SAFETY: kill with signal 0 only asks whether the process exists.
            Ok(pid) if name == cli && pid > 0 => {
                let alive = unsafe { libc::kill(pid, 0) };
                alive == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
            }
            _ => false,
        }
    }

    /// The range of `claimed_by` values of every start of this node: `[name#, name$)` (`$` follows `#`).
    pub fn claims_range(&self) -> (String, String) {
        (format!("{}#", self.name), format!("{}$", self.name))
    }
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into the buffer it is given.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    match std::str::from_utf8(&buf[..end]) {
        Ok(h) if ok && !h.is_empty() => h.to_string(),
        _ => "localhost".into(),
    }
}
