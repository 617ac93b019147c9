//! The consent ledger's hash chain. Each event's hash covers a canonical, length-prefixed encoding of its
//! fields (personal data only as digests, the consent text as the SHA-256 of the exact wording) plus the
//! previous event's hash for the same profile.

use crate::db::DbConn;
use crate::db::models::agreements;
use crate::db::models::consent_events::{self, NewConsentEvent};
use crate::domain::sha256_hex;
use chrono::NaiveDateTime;
use std::collections::HashMap;

/// The fields that the hash covers, borrowed from a stored or a new event.
struct Fields<'a> {
    profile_id: i64,
    agreement_key: &'a str,
    value: &'a str,
    previous: &'a str,
    version: i32,
    text_sha256: &'a str,
    source: &'a str,
    occurred_at: NaiveDateTime,
    recorded_at: NaiveDateTime,
    email_digest: &'a str,
    ip_digest: Option<&'a str>,
    user_agent_digest: Option<&'a str>,
    language: Option<&'a str>,
    prev_hash: Option<&'a str>,
}

fn hash(f: &Fields) -> String {
    let mut buf = String::with_capacity(512);
    let mut put = |v: Option<&str>| match v {
        Some(s) => {
            buf.push_str(&s.len().to_string());
            buf.push(':');
            buf.push_str(s);
        }
        None => buf.push('~'),
    };
    let ts = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    put(Some("assent-ledger-v1"));
    put(Some(&f.profile_id.to_string()));
    put(Some(f.agreement_key));
    put(Some(f.value));
    put(Some(f.previous));
    put(Some(&f.version.to_string()));
    put(Some(f.text_sha256));
    put(Some(f.source));
    put(Some(&ts(f.occurred_at)));
    put(Some(&ts(f.recorded_at)));
    put(Some(f.email_digest));
    put(f.ip_digest);
    put(f.user_agent_digest);
    put(f.language);
    put(f.prev_hash);
    sha256_hex(buf.as_bytes())
}

pub fn event_hash(ev: &NewConsentEvent) -> String {
    hash(&Fields {
        profile_id: ev.profile_id,
        agreement_key: &ev.agreement_key,
        value: &ev.value,
        previous: &ev.previous,
        version: ev.version,
        text_sha256: &ev.text_sha256,
        source: &ev.source,
        occurred_at: ev.occurred_at,
        recorded_at: ev.recorded_at,
        email_digest: &ev.email_digest,
        ip_digest: ev.ip_digest.as_deref(),
        user_agent_digest: ev.user_agent_digest.as_deref(),
        language: ev.language.as_deref(),
        prev_hash: ev.prev_hash.as_deref(),
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        events: u64,
    },
    Broken {
        event_id: i64,
        profile_id: i64,
        reason: String,
    },
}

/// Recomputes every profile's chain, a page at a time so memory stays flat.
pub fn verify(conn: &mut DbConn) -> diesel::QueryResult<Verdict> {
    let texts: HashMap<(i64, i32), String> = agreements::all_version_texts(conn)?
        .into_iter()
        .map(|(a, v, t)| ((a, v), sha256_hex(t.as_bytes())))
        .collect();
    let mut count = 0u64;
    let mut after = (i64::MIN, i64::MIN);
    let mut prev: Option<(i64, String)> = None;
    loop {
        let page = consent_events::page_after(conn, after, 1000)?;
        let Some(last) = page.last() else { break };
        after = (last.profile_id, last.id);
        for ev in page {
            let broken = |reason: &str| Verdict::Broken {
                event_id: ev.id,
                profile_id: ev.profile_id,
                reason: reason.into(),
            };
            let expected_prev = prev
                .as_ref()
                .filter(|(p, _)| *p == ev.profile_id)
                .map(|(_, h)| h.as_str());
            if ev.prev_hash.as_deref() != expected_prev {
                return Ok(broken(
                    "its link to the previous event of the profile does not match (an event was removed or reordered)",
                ));
            }
            let computed = hash(&Fields {
                profile_id: ev.profile_id,
                agreement_key: &ev.agreement_key,
                value: &ev.value,
                previous: &ev.previous,
                version: ev.version,
                text_sha256: &ev.text_sha256,
                source: &ev.source,
                occurred_at: ev.occurred_at,
                recorded_at: ev.recorded_at,
                email_digest: &ev.email_digest,
                ip_digest: ev.ip_digest.as_deref(),
                user_agent_digest: ev.user_agent_digest.as_deref(),
                language: ev.language.as_deref(),
                prev_hash: ev.prev_hash.as_deref(),
            });
            if computed != ev.hash {
                return Ok(broken(
                    "its hash does not match its contents (the event was edited)",
                ));
            }
            let digest_ok = |clear: &Option<String>, digest: &Option<String>| match clear {
                Some(c) => digest.as_deref() == Some(sha256_hex(c.as_bytes()).as_str()),
                None => true,
            };
            if !digest_ok(&ev.ip, &ev.ip_digest)
                || !digest_ok(&ev.user_agent, &ev.user_agent_digest)
            {
                return Ok(broken(
                    "its IP address or user agent differs from the recorded digest",
                ));
            }
            if texts.get(&(ev.agreement_id, ev.version)) != Some(&ev.text_sha256) {
                return Ok(broken(
                    "the consent text of its agreement version was changed or removed",
                ));
            }
            prev = Some((ev.profile_id, ev.hash));
            count += 1;
        }
    }
    Ok(Verdict::Intact { events: count })
}
