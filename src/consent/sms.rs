//! Keywords a person texts back (CTIA): STOP withdraws every SMS agreement of every profile holding the
//! number, START gives back exactly what the last STOP took, anything else changes nothing. The changes
//! go through the one write path with the source `sms:stop` / `sms:start` and the message id in the
//! event's reason, so the profile page shows which message did it.

use super::{ApplyError, Change, Meta, apply_all};
use crate::db::DbConn;
use crate::db::models::{agreements, consent_events, erasures, profiles};
use crate::domain::{AgreementId, ConsentValue, ProfileId, Source};

/// What a message asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    Stop,
    Start,
    /// HELP, or any other text: nothing changes.
    Other,
}

impl Keyword {
    /// The keyword of a message: its whole trimmed body, in any case.
    pub fn of(body: &str) -> Keyword {
        match body.trim().to_ascii_uppercase().as_str() {
            "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" => Keyword::Stop,
            "START" | "UNSTOP" | "YES" => Keyword::Start,
            _ => Keyword::Other,
        }
    }
}

/// The reason recorded on each event a message causes: how the person said it, and its id.
fn reason(keyword: Keyword, message_id: &str) -> String {
    let word = if keyword == Keyword::Stop {
        "STOP"
    } else {
        "START"
    };
    format!("replied {word} by text message (message {message_id})")
}

/// Applies a message from `phone` (E.164), in the caller's write transaction. `meta` carries the
/// gateway's address; its source is set here.
pub fn hear(
    conn: &mut DbConn,
    phone: &str,
    keyword: Keyword,
    message_id: &str,
    meta: &Meta,
) -> Result<(), ApplyError> {
    if keyword == Keyword::Other {
        return Ok(());
    }
    // Like a batch: a profile made for an unknown number must not race a batch making it too.
    profiles::batch_writers_take_turns(conn)?;
    let meta = Meta {
        source: if keyword == Keyword::Stop {
            Source::SmsStop
        } else {
            Source::SmsStart
        },
        reason: Some(reason(keyword, message_id)),
        ..meta.clone()
    };
    let sms: Vec<i64> = agreements::all(conn)?
        .into_iter()
        .filter(|a| a.channel == "sms" && a.active())
        .map(|a| a.id)
        .collect();
    let mut holders: Vec<i64> = profiles::find_by_phone(conn, phone)?
        .iter()
        .map(|p| p.id)
        .collect();
    if holders.is_empty() && keyword == Keyword::Stop {
        // An unknown number's STOP is kept, so no later import can enable SMS for it with an older
        // time; an erased person's number stays erased.
        if erasures::is_erased(
            conn,
            &profiles::identity_of(profiles::Identifier::Phone, phone),
        )? {
            return Ok(());
        }
        holders.push(new_phone_only(conn, phone, &meta)?);
    }
    for id in holders {
        let agreements = match keyword {
            Keyword::Stop => sms.clone(),
            _ => taken_by_last_stop(conn, id)?,
        };
        let value = if keyword == Keyword::Stop {
            ConsentValue::Disabled
        } else {
            ConsentValue::Enabled
        };
        let changes: Vec<Change> = agreements
            .into_iter()
            .filter(|a| sms.contains(a))
            .map(|a| Change {
                agreement_id: AgreementId(a),
                value,
                version: None,
                language: None,
            })
            .collect();
        apply_all(conn, ProfileId(id), &changes, &meta)?;
    }
    Ok(())
}

/// The agreements the profile's last STOP withdrew (were enabled before it) and that nothing changed
/// since: a START gives back exactly those.
fn taken_by_last_stop(conn: &mut DbConn, profile_id: i64) -> diesel::QueryResult<Vec<i64>> {
    let events = consent_events::for_profile(conn, profile_id)?;
    let stop = Source::SmsStop.to_string();
    let Some(last) = events.iter().rev().find(|e| e.event.source == stop) else {
        return Ok(Vec::new());
    };
    // One message's events share its reason (which names the message id).
    let message = last.event.reason.clone();
    Ok(events
        .iter()
        .filter(|e| e.event.source == stop && e.event.reason == message)
        .filter(|e| e.event.previous == ConsentValue::Enabled.as_str())
        // Not if the person (or anyone) changed that agreement after the STOP.
        .filter(|e| {
            !events
                .iter()
                .any(|later| later.id > e.id && later.event.agreement_id == e.event.agreement_id)
        })
        .map(|e| e.event.agreement_id)
        .collect())
}

/// A profile known only by its phone number, told to the webhooks as created.
fn new_phone_only(conn: &mut DbConn, phone: &str, meta: &Meta) -> diesel::QueryResult<i64> {
    let now = crate::db::now();
    let row = profiles::NewProfile {
        phone: Some(phone),
        ..profiles::NewProfile::blank(now)
    };
    let made = profiles::insert_new(conn, std::slice::from_ref(&row))?;
    let id = made
        .first()
        .map(|m| m.id)
        .ok_or(diesel::result::Error::NotFound)?;
    let created = crate::events::EventKind::ProfileCreated;
    crate::events::tell_profile(conn, created, id, (&row).into(), &meta.source.to_string())?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_the_whole_trimmed_body_in_any_case() {
        for stop in [
            "STOP",
            " stop\n",
            "StopAll",
            "unsubscribe",
            "CANCEL",
            "end",
            "Quit",
        ] {
            assert_eq!(Keyword::of(stop), Keyword::Stop, "{stop:?}");
        }
        for start in ["START", "unstop", " Yes "] {
            assert_eq!(Keyword::of(start), Keyword::Start, "{start:?}");
        }
        for other in ["HELP", "stop please", "STOP!", "", "no", "S T O P"] {
            assert_eq!(Keyword::of(other), Keyword::Other, "{other:?}");
        }
    }
}
