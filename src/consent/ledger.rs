//! The consent ledger's hash chain. Each event's hash covers a canonical, length-prefixed encoding of its
//! fields (personal data only as digests, the consent text as the SHA-256 of the exact wording) plus the
//! previous event's hash for the same profile.

use crate::db::DbConn;
use crate::db::models::consent_events::{self, EventBody};
use crate::db::models::{agreements, consents};
use crate::domain::sha256_hex;
use chrono::NaiveDateTime;
use std::collections::HashMap;

/// The event's hash: SHA-256 over a length-prefixed encoding of every recorded field except the clear
/// personal values (their digests stand in for them) and the hash itself.
pub fn event_hash(ev: &EventBody) -> String {
    let mut buf = String::with_capacity(512);
    let mut put = |v: Option<&str>| match v {
        Some(s) => {
            buf.push_str(&s.len().to_string());
            buf.push(':');
            buf.push_str(s);
        }
        None => buf.push('~'),
    };
    let ts = |t: NaiveDateTime| {
        let mut s = String::with_capacity(27);
        crate::domain::time::write_rfc3339(&mut s, t, crate::domain::time::Precision::Micros);
        s
    };
    put(Some("assent-ledger-v1"));
    put(Some(&ev.profile_id.to_string()));
    put(Some(&ev.agreement_key));
    put(Some(&ev.value));
    put(Some(&ev.previous));
    put(Some(&ev.version.to_string()));
    put(Some(&ev.text_sha256));
    put(Some(&ev.source));
    put(Some(&ts(ev.occurred_at)));
    put(Some(&ts(ev.recorded_at)));
    put(Some(&ev.email_digest));
    put(ev.ip_digest.as_deref());
    put(ev.user_agent_digest.as_deref());
    put(ev.language.as_deref());
    put(ev.prev_hash.as_deref());
    // Added with staff reasons: only events that have one encode it, so every earlier hash stays valid
    // (and the length prefixes keep the encoding unambiguous).
    if let Some(reason) = &ev.reason_digest {
        put(Some(reason));
    }
    // Added with imports from other tools, named so it can never be read as a reason's digest.
    if let Some(origin) = &ev.origin {
        put(Some("origin"));
        put(Some(origin));
    }
    // Added with Global Privacy Control: only events whose request carried the signal encode it.
    if ev.gpc {
        put(Some("gpc"));
    }
    sha256_hex(buf.as_bytes())
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

/// Recomputes every profile's chain, a page at a time so memory stays flat, on one consistent snapshot
/// (so changes made meanwhile by a running server cannot look like tampering).
pub fn verify(conn: &mut DbConn) -> diesel::QueryResult<Verdict> {
    verify_in_pages(conn, 1000)
}

pub fn verify_in_pages(conn: &mut DbConn, page_size: i64) -> diesel::QueryResult<Verdict> {
    crate::db::tx::read_snapshot(conn, |conn| verify_snapshot(conn, page_size))
}

/// The SHA-256 of every version's wording, by (agreement, language, version).
type Texts = HashMap<(i64, String, i32), String>;

fn version_texts(conn: &mut DbConn) -> diesel::QueryResult<Texts> {
    Ok(agreements::all_version_texts(conn)?
        .into_iter()
        .map(|(a, l, v, t)| ((a, l, v), sha256_hex(t.as_bytes())))
        .collect())
}

/// What is wrong with a stored event, given the hash of the profile's event before it.
fn event_fault(ev: &EventBody, expected_prev: Option<&str>, texts: &Texts) -> Option<&'static str> {
    if ev.prev_hash.as_deref() != expected_prev {
        return Some(
            "its link to the previous event of the profile does not match (an event was removed or reordered)",
        );
    }
    if event_hash(ev) != ev.hash {
        return Some("its hash does not match its contents (the event was edited)");
    }
    let digest_ok = |clear: &Option<String>, digest: &Option<String>| match clear {
        Some(c) => digest.as_deref() == Some(sha256_hex(c.as_bytes()).as_str()),
        None => true,
    };
    if !digest_ok(&ev.ip, &ev.ip_digest) || !digest_ok(&ev.user_agent, &ev.user_agent_digest) {
        return Some("its IP address or user agent differs from the recorded digest");
    }
    if !digest_ok(&ev.reason, &ev.reason_digest) {
        return Some("its reason differs from the recorded digest");
    }
    // Every event records its wording's language (English for events from before there was a choice).
    let language = ev.language.clone().unwrap_or_else(|| "en".into());
    if texts.get(&(ev.agreement_id, language, ev.version)) != Some(&ev.text_sha256) {
        return Some("the consent text of its agreement version was changed or removed");
    }
    None
}

/// Checks one profile's chain and its current values (for the dashboard's "chain intact" mark).
pub fn verify_profile(conn: &mut DbConn, profile_id: i64) -> diesel::QueryResult<Verdict> {
    let texts = version_texts(conn)?;
    let events = consent_events::for_profile(conn, profile_id)?;
    let mut prev: Option<String> = None;
    let mut newest = HashMap::new();
    for stored in &events {
        let ev = &stored.event;
        if let Some(reason) = event_fault(ev, prev.as_deref(), &texts) {
            return Ok(Verdict::Broken {
                event_id: stored.id,
                profile_id,
                reason: reason.into(),
            });
        }
        prev = Some(ev.hash.clone());
        newest.insert((profile_id, ev.agreement_id), (stored.id, ev.value.clone()));
    }
    Ok(
        compare_current(conn, &mut newest, &[profile_id])?.unwrap_or(Verdict::Intact {
            events: events.len() as u64,
        }),
    )
}

fn verify_snapshot(conn: &mut DbConn, page_size: i64) -> diesel::QueryResult<Verdict> {
    let texts = version_texts(conn)?;
    let mut count = 0u64;
    let mut after = (i64::MIN, i64::MIN);
    let mut prev: Option<(i64, String)> = None;
    // The newest event per (profile, agreement) of the profiles not yet compared with their current values.
    let mut newest: HashMap<(i64, i64), (i64, String)> = HashMap::new();
    loop {
        let page = consent_events::page_after(conn, after, page_size)?;
        let Some(last) = page.last() else { break };
        after = (last.event.profile_id, last.id);
        for stored in page {
            let ev = &stored.event;
            let broken = |reason: &str| Verdict::Broken {
                event_id: stored.id,
                profile_id: ev.profile_id,
                reason: reason.into(),
            };
            let expected_prev = prev
                .as_ref()
                .filter(|(p, _)| *p == ev.profile_id)
                .map(|(_, h)| h.as_str());
            if let Some(reason) = event_fault(ev, expected_prev, &texts) {
                return Ok(broken(reason));
            }
            prev = Some((ev.profile_id, ev.hash.clone()));
            newest.insert(
                (ev.profile_id, ev.agreement_id),
                (stored.id, ev.value.clone()),
            );
            count += 1;
        }
        // Profiles before this page's last one are complete (pages run in profile order): a chain cut
        // short at its end shows up as a current value that its newest event does not explain.
        let done: Vec<i64> = newest
            .keys()
            .map(|(p, _)| *p)
            .filter(|p| *p < after.0)
            .collect();
        if let Some(v) = compare_current(conn, &mut newest, &done)? {
            return Ok(v);
        }
    }
    let rest: Vec<i64> = newest.keys().map(|(p, _)| *p).collect();
    if let Some(v) = compare_current(conn, &mut newest, &rest)? {
        return Ok(v);
    }
    if let Some(profile_id) = consents::without_events(conn)? {
        return Ok(Verdict::Broken {
            event_id: 0,
            profile_id,
            reason: "the profile has consent values but no ledger events (its events were deleted)"
                .into(),
        });
    }
    Ok(Verdict::Intact { events: count })
}

/// Each agreement's bit in `profiles.consent_mask`.
fn mask_bits(conn: &mut DbConn) -> diesel::QueryResult<HashMap<i64, i64>> {
    Ok(agreements::all(conn)?
        .into_iter()
        .map(|a| (a.id, a.bit()))
        .collect())
}

/// Checks that the current values of `profiles` are exactly what their newest events say, and that
/// their consent masks (what counts and audiences read) agree with those values; then forgets them.
fn compare_current(
    conn: &mut DbConn,
    newest: &mut HashMap<(i64, i64), (i64, String)>,
    profiles: &[i64],
) -> diesel::QueryResult<Option<Verdict>> {
    if profiles.is_empty() {
        return Ok(None);
    }
    let mut profiles = profiles.to_vec();
    profiles.sort_unstable();
    profiles.dedup();
    let current = consents::values_of(conn, &profiles)?;
    let bits = mask_bits(conn)?;
    let mut expected: HashMap<i64, i64> = HashMap::new();
    for (profile_id, agreement_id, value) in &current {
        if value == "enabled" {
            *expected.entry(*profile_id).or_default() |=
                bits.get(agreement_id).copied().unwrap_or(0);
        }
    }
    for (profile_id, mask) in crate::db::models::profiles::masks_of(conn, &profiles)? {
        if expected.get(&profile_id).copied().unwrap_or(0) != mask {
            return Ok(Some(Verdict::Broken {
                event_id: 0,
                profile_id,
                reason: "its consent mask does not match its current values (counts and audiences would be wrong)".into(),
            }));
        }
    }
    for (profile_id, agreement_id, value) in &current {
        match newest.get(&(*profile_id, *agreement_id)) {
            Some((_, v)) if v == value => {}
            Some((event_id, _)) => {
                return Ok(Some(Verdict::Broken {
                    event_id: *event_id,
                    profile_id: *profile_id,
                    reason: "it is the profile's newest event for its agreement but the current value differs (later events were removed)".into(),
                }));
            }
            None => {
                return Ok(Some(Verdict::Broken {
                    event_id: 0,
                    profile_id: *profile_id,
                    reason: format!(
                        "the current value of agreement {agreement_id} has no event behind it"
                    ),
                }));
            }
        }
    }
    for p in &profiles {
        newest.retain(|(pid, _), _| pid != p);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed event and its hash, computed independently (Python's hashlib over the documented encoding).
    /// A change of field order, encoding or time format breaks every stored chain, so it must fail here.
    #[test]
    fn event_hash_matches_the_fixed_test_vector() {
        let t = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        let ev = EventBody {
            profile_id: 42,
            agreement_id: 1,
            agreement_key: "newsletter_agreement".into(),
            value: "enabled".into(),
            previous: "disabled".into(),
            version: 3,
            text_sha256: sha256_hex(b"I agree."),
            source: "confirmation".into(),
            occurred_at: t("2026-11-29 12:34:56.123456"),
            recorded_at: t("2026-11-29 12:34:56.654321"),
            email_digest: sha256_hex(b"ann@example.com"),
            // The clear values are not hashed: only their digests are.
            ip: Some("203.0.113.7".into()),
            ip_digest: Some(sha256_hex(b"203.0.113.7")),
            user_agent: Some("ignored by the hash".into()),
            user_agent_digest: None,
            language: Some("en".into()),
            prev_hash: Some("ab".repeat(32)),
            hash: String::new(),
            reason: None,
            reason_digest: None,
            origin: None,
            gpc: false,
        };
        assert_eq!(
            event_hash(&ev),
            "014a9d8e55521c33650c0bba068c29bca7ee3d420b2464e004e2d83cf13965b7"
        );
        let erased = EventBody {
            ip: None,
            user_agent: None,
            ..ev.clone()
        };
        assert_eq!(
            event_hash(&erased),
            event_hash(&ev),
            "erasing clear values keeps the chain"
        );
        // A staff change's reason is covered through its digest: appended, so the vector above holds.
        let with_reason = EventBody {
            reason: Some("Asked by phone".into()),
            reason_digest: Some(sha256_hex(b"Asked by phone")),
            ..ev.clone()
        };
        assert_eq!(
            event_hash(&with_reason),
            "3353016a935e0776c04f9eaa82f6a55a4cc6d327d4c47154f9b492abddaa183e"
        );
        assert_eq!(
            event_hash(&EventBody {
                reason: None,
                ..with_reason.clone()
            }),
            event_hash(&with_reason),
            "erasing the reason keeps the chain"
        );
        // An imported event's origin: appended after a label, so it cannot pass for a reason's digest.
        let imported = EventBody {
            origin: Some("mailchimp".into()),
            ..with_reason.clone()
        };
        assert_eq!(
            event_hash(&imported),
            "b37c28a6a68a5ee4cd7c1df69d356e8e1c6376d0b93e34d771843f747a27873b"
        );
        let imported = EventBody {
            origin: Some("mailchimp".into()),
            ..ev.clone()
        };
        assert_eq!(
            event_hash(&imported),
            "1d833f02c6f47c88378febca499b6ea87beeff2df244be7270550e6047da0f8e"
        );
        // A request that carried Global Privacy Control: the label alone is appended, last.
        let signalled = EventBody {
            gpc: true,
            ..ev.clone()
        };
        assert_eq!(
            event_hash(&signalled),
            "eb7bd49060a56df87cb3d4d69ff4b44d810bc0ecd2e0f7328fa8596fd20a6d41"
        );
        assert_eq!(
            event_hash(&EventBody {
                gpc: true,
                ..imported
            }),
            "2b07eaf1cbfea529d2603ac572a32e53e133853cb04ae08c1f2b43cbfb0fd51a"
        );
    }
}
