//! Outgoing webhooks: endpoints that get every change as a Standard Webhooks request.
//!
//! The write paths describe what happened (`crate::events`), which queues one outbox row per interested
//! endpoint in the change's own transaction: a change is never committed without its deliveries, nor
//! delivered without being committed. Here: managing endpoints, and `deliver`, which sends the rows.

pub mod deliver;

use crate::db::DbConn;
use crate::db::models::outbox::{self, Entry};
use crate::db::models::webhook_endpoints::{self, Settings};
use crate::db::models::{audit_log, integrations};
use crate::domain::Actor;
use crate::events::{EventKind, Happened, Subscribers, list, rfc3339};
use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::json;

/// The event types an endpoint can subscribe to.
pub const EVENTS: [&str; 5] = [
    EventKind::ProfileCreated.as_str(),
    EventKind::ProfileUpdated.as_str(),
    EventKind::ConsentChanged.as_str(),
    EventKind::ProfileErased.as_str(),
    EventKind::LedgerAnchored.as_str(),
];
/// What a new endpoint gets unless told otherwise: every change of a profile (an anchor is for an
/// auditor's receiver, chosen on purpose).
pub const PROFILE_EVENTS: [&str; 4] = [EVENTS[0], EVENTS[1], EVENTS[2], EVENTS[3]];
/// Sent by "send a test event"; never a subscription.
pub const TEST_EVENT: &str = "webhook.test";
/// How long a rotated-out secret keeps signing, so receivers can switch without losing a request.
pub const ROTATION_GRACE: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// A new endpoint's or a rotation's secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    crate::domain::signing::new_secret()
}

/// An endpoint's settings as given on the command line or in the dashboard, checked.
pub struct Draft {
    pub url: String,
    pub events: Vec<String>,
    pub agreements: Vec<String>,
    pub exclude_sources: Vec<String>,
    /// The name of the incoming integration of the same external system.
    pub integration: Option<String>,
}

/// Checks a draft against the catalog and the network rules; the error says what to change.
pub fn check(
    conn: &mut DbConn,
    d: &Draft,
    allow_private: bool,
) -> anyhow::Result<Result<Settings, String>> {
    let url = match crate::outgoing::parse_url(&d.url)
        .and_then(|u| crate::outgoing::check_target(&u, allow_private).map(|()| u))
    {
        Ok(u) => u,
        Err(e) => return Ok(Err(e)),
    };
    let mut events = Vec::new();
    for e in d.events.iter().flat_map(|e| list(e)) {
        if !EVENTS.contains(&e) {
            return Ok(Err(format!(
                "{e:?} is not an event; choose from {}",
                EVENTS.join(", ")
            )));
        }
        if !events.contains(&e) {
            events.push(e);
        }
    }
    if events.is_empty() {
        return Ok(Err(format!(
            "choose at least one event: {}",
            EVENTS.join(", ")
        )));
    }
    let known: Vec<String> = crate::db::models::agreements::all(conn)?
        .into_iter()
        .map(|a| a.key)
        .collect();
    let mut agreements = Vec::new();
    for a in d.agreements.iter().flat_map(|a| list(a)) {
        if !known.iter().any(|k| k == a) {
            return Ok(Err(format!("there is no agreement with the key {a:?}")));
        }
        agreements.push(a);
    }
    let mut sources = Vec::new();
    for s in d.exclude_sources.iter().flat_map(|s| list(s)) {
        if s.len() > 200 || s.chars().any(char::is_whitespace) {
            return Ok(Err(format!(
                "{s:?} is not a source (like import, api:crm or integration:shop)"
            )));
        }
        sources.push(s);
    }
    let integration_id = match d
        .integration
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        None => None,
        Some(name) => match integrations::find(conn, name)? {
            Some(i) => Some(i.id),
            None => {
                return Ok(Err(format!(
                    "there is no incoming integration named {name:?}"
                )));
            }
        },
    };
    Ok(Ok(Settings {
        url: url.to_string(),
        events: events.join(","),
        agreements: agreements.join(","),
        exclude_sources: sources.join(","),
        integration_id,
    }))
}

/// Keeps a paused endpoint's queue from growing without end: beyond `keep` deliveries waiting, the
/// oldest are set aside as dead letters that say why (Redeliver sends them once the receiver is back);
/// how many.
pub fn cap_backlogs(
    conn: &mut DbConn,
    keep: i64,
    now: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    let reason = format!(
        "set aside: the endpoint was paused with more than {keep} deliveries waiting (ASSENT_WEBHOOK_BACKLOG_MAX); the oldest were moved here"
    );
    let mut n = 0;
    for e in webhook_endpoints::all(conn)?
        .iter()
        .filter(|e| e.paused_at.is_some())
    {
        n += crate::db::write_tx(conn, |c| outbox::shed_backlog(c, e.id, keep, now, &reason))?;
    }
    Ok(n)
}

/// Adds an endpoint (audited); returns its id and secret (stored sealed): `given` (checked by the
/// caller with `signing::check_secret`), shared with the receiver, or a new one.
pub fn add(
    conn: &mut DbConn,
    settings: &Settings,
    by: &Actor,
    sealer: &crate::domain::Sealer,
    given: Option<&str>,
) -> QueryResult<(i64, String)> {
    let secret = given.map_or_else(new_secret, String::from);
    let sealed = sealer.seal(&secret);
    let now = crate::db::now();
    crate::db::write_tx(conn, |c| {
        let id = webhook_endpoints::insert(c, settings, &sealed, now)?;
        audit_log::record(
            c,
            by,
            "webhook.add",
            &format!("webhook {id}"),
            Some(&settings.url),
        )?;
        Ok((id, secret.clone()))
    })
}

/// What an admin can do to an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Pause,
    Resume,
    Delete,
}

/// Pauses, resumes or deletes an endpoint (audited); false when there is none with that id.
pub fn act(conn: &mut DbConn, id: i64, action: Action, by: &Actor) -> QueryResult<bool> {
    let now = crate::db::now();
    crate::db::write_tx(conn, |c| {
        let done = match action {
            Action::Pause => webhook_endpoints::set_paused(c, id, Some(now), None)?,
            Action::Resume => webhook_endpoints::set_paused(c, id, None, None)?,
            Action::Delete => {
                outbox::forget_endpoint(c, id)?;
                webhook_endpoints::delete(c, id)?
            }
        };
        if done {
            let what = match action {
                Action::Pause => "webhook.pause",
                Action::Resume => "webhook.resume",
                Action::Delete => "webhook.delete",
            };
            audit_log::record(c, by, what, &format!("webhook {id}"), None)?;
        }
        Ok(done)
    })
}

/// Gives an endpoint a new secret (stored sealed); the old one keeps signing alongside for
/// `ROTATION_GRACE`.
pub fn rotate(
    conn: &mut DbConn,
    id: i64,
    by: &Actor,
    sealer: &crate::domain::Sealer,
) -> QueryResult<Option<String>> {
    let secret = new_secret();
    let sealed = sealer.seal(&secret);
    let now = crate::db::now();
    crate::db::write_tx(conn, |c| {
        if !webhook_endpoints::rotate(c, id, &sealed, now + ROTATION_GRACE, now)? {
            return Ok(None);
        }
        audit_log::record(c, by, "webhook.rotate", &format!("webhook {id}"), None)?;
        Ok(Some(secret.clone()))
    })
}

/// Saves new settings of the endpoint `id`, audited; false when there is no such endpoint.
pub fn edit(conn: &mut DbConn, id: i64, settings: &Settings, by: &Actor) -> QueryResult<bool> {
    crate::db::write_tx(conn, |c| {
        let done = webhook_endpoints::update(c, id, settings, crate::db::now())?;
        if done {
            audit_log::record(
                c,
                by,
                "webhook.edit",
                &format!("webhook {id}"),
                Some(&settings.url),
            )?;
        }
        Ok(done)
    })
}

/// Gives the endpoint's dead letters (all, or the one `row`) a new round of attempts, audited; returns
/// how many.
pub fn redeliver(conn: &mut DbConn, id: i64, row: Option<i64>, by: &Actor) -> QueryResult<usize> {
    crate::db::write_tx(conn, |c| {
        let n = outbox::revive(c, outbox::Lane::Webhook(id), row, crate::db::now())?;
        if n > 0 {
            audit_log::record(
                c,
                by,
                "webhook.redeliver",
                &format!("webhook {id}"),
                Some(&format!("{n} queued again")),
            )?;
        }
        Ok(n)
    })
}

/// `replay_since`, audited.
pub fn replay(conn: &mut DbConn, id: i64, since: NaiveDateTime, by: &Actor) -> QueryResult<usize> {
    let n = replay_since(conn, id, since)?;
    let detail = format!("{n} consent changes since {since} UTC");
    crate::db::write_tx(conn, |c| {
        audit_log::record(
            c,
            by,
            "webhook.replay",
            &format!("webhook {id}"),
            Some(&detail),
        )
    })?;
    Ok(n)
}

/// Queues a `webhook.test` delivery to one endpoint.
pub fn send_test(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    let now = crate::db::now();
    let body = json!({
        "type": TEST_EVENT,
        "timestamp": rfc3339(now),
        "data": {"message": "A test event from Assent: this endpoint is reachable and verifies signatures."},
    })
    .to_string();
    crate::db::write_tx(conn, |c| {
        outbox::enqueue(
            c,
            &[Entry::webhook(id, None, TEST_EVENT, body.clone(), now)],
        )?;
        Ok(())
    })
}

/// Queues again, for one endpoint and with its filters, every consent change recorded since `since`;
/// returns how many. Runs in chunks, each its own transaction.
pub fn replay_since(conn: &mut DbConn, id: i64, since: NaiveDateTime) -> QueryResult<usize> {
    use crate::db::models::consent_events;
    let Some(endpoint) = webhook_endpoints::find(conn, id)? else {
        return Ok(0);
    };
    let one = Subscribers::load(conn)?.only(endpoint.id);
    if one.is_empty() {
        return Ok(0);
    }
    let mut after = 0;
    let mut queued = 0;
    loop {
        let page = consent_events::recorded_since(conn, since, after, 2000)?;
        let Some(last) = page.last() else {
            return Ok(queued);
        };
        after = last.0.id;
        let happened: Vec<Happened> = page
            .iter()
            .filter_map(|(ev, email, custom)| {
                Happened::consent(email.as_deref(), custom.as_deref(), &ev.event, ev.id)
            })
            .collect();
        queued += crate::db::write_tx(conn, |c| one.queue(c, &happened))?;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sources_are_excluded_whole_or_by_kind() {
        assert!(crate::events::excluded("import", "import:42"));
        assert!(crate::events::excluded("api:crm, form", "api:crm"));
        assert!(!crate::events::excluded("api:crm", "api:shop"));
        assert!(!crate::events::excluded("", "form"));
        assert!(crate::events::excluded("form", "form"));
    }
}
