//! Outgoing webhooks: endpoints that get every change as a Standard Webhooks request.
//!
//! The write paths describe what happened (`Happened`) and `Subscribers::queue` turns that into one
//! outbox row per interested endpoint, in the change's own transaction: a change is never committed
//! without its deliveries, nor delivered without being committed. `deliver` sends the rows.
//!
//! Loop safety: an endpoint never gets a change whose source it excludes, nor one that came in through
//! the incoming integration it is linked to (the other direction of the same external system).

pub mod deliver;

use crate::auth::users::Actor;
use crate::db::DbConn;
use crate::db::models::consent_events::EventBody;
use crate::db::models::outbox::{self, Entry};
use crate::db::models::webhook_endpoints::{self, Endpoint, Settings};
use crate::db::models::{audit_log, integrations};
use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::{Value, json};
use std::cell::Cell;
use std::sync::LazyLock;

/// The event types an endpoint can subscribe to.
pub const EVENTS: [&str; 4] = [
    "profile.created",
    "profile.updated",
    "consent.changed",
    "profile.erased",
];
/// Sent by "send a test event"; never a subscription.
pub const TEST_EVENT: &str = "webhook.test";
/// How long a rotated-out secret keeps signing, so receivers can switch without losing a request.
pub const ROTATION_GRACE: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Something that happened to a profile, as the write paths describe it.
#[derive(Clone, Debug)]
pub struct Happened {
    pub profile_id: i64,
    pub kind: &'static str,
    /// The agreement a consent change is about.
    pub agreement: Option<String>,
    pub source: String,
    pub at: NaiveDateTime,
    pub data: Value,
}

/// A profile's fields as a webhook shows them.
pub struct ProfileData<'a> {
    pub email: Option<&'a str>,
    pub custom_id: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    /// The stored attributes (a JSON object as text).
    pub attributes: &'a str,
}

impl<'a> From<&'a crate::db::models::profiles::Profile> for ProfileData<'a> {
    fn from(p: &'a crate::db::models::profiles::Profile) -> Self {
        ProfileData {
            email: p.email.as_deref(),
            custom_id: p.custom_id.as_deref(),
            phone: p.phone.as_deref(),
            first_name: p.first_name.as_deref(),
            last_name: p.last_name.as_deref(),
            attributes: &p.attributes,
        }
    }
}

impl<'a> From<&'a crate::db::models::profiles::NewProfile<'a>> for ProfileData<'a> {
    fn from(p: &'a crate::db::models::profiles::NewProfile<'a>) -> Self {
        ProfileData {
            email: p.email,
            custom_id: p.custom_id,
            phone: p.phone,
            first_name: p.first_name,
            last_name: p.last_name,
            attributes: p.attributes,
        }
    }
}

impl<'a> From<&'a crate::db::models::profiles::Rewrite> for ProfileData<'a> {
    fn from(p: &'a crate::db::models::profiles::Rewrite) -> Self {
        ProfileData {
            email: p.email.as_deref(),
            custom_id: p.custom_id.as_deref(),
            phone: p.phone.as_deref(),
            first_name: p.first_name.as_deref(),
            last_name: p.last_name.as_deref(),
            attributes: &p.attributes,
        }
    }
}

fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Happened {
    /// `profile.created` or `profile.updated`.
    pub fn profile(
        kind: &'static str,
        profile_id: i64,
        p: ProfileData<'_>,
        source: &str,
        at: NaiveDateTime,
    ) -> Happened {
        let attributes: Value = serde_json::from_str(p.attributes).unwrap_or_else(|_| json!({}));
        Happened {
            profile_id,
            kind,
            agreement: None,
            source: source.to_string(),
            at,
            data: json!({
                "email": p.email,
                "customId": p.custom_id,
                "phone": p.phone,
                "firstName": p.first_name,
                "lastName": p.last_name,
                "attributes": attributes,
                "source": source,
                "occurredAt": rfc3339(at),
            }),
        }
    }

    /// `consent.changed`, from the ledger event that recorded it.
    pub fn consent(
        email: Option<&str>,
        custom_id: Option<&str>,
        ev: &EventBody,
        event_id: i64,
    ) -> Happened {
        Happened {
            profile_id: ev.profile_id,
            kind: "consent.changed",
            agreement: Some(ev.agreement_key.clone()),
            source: ev.source.clone(),
            at: ev.recorded_at,
            data: json!({
                "email": email,
                "customId": custom_id,
                "agreement": ev.agreement_key,
                "value": ev.value,
                "previous": ev.previous,
                "source": ev.source,
                "occurredAt": rfc3339(ev.occurred_at),
                "eventId": event_id,
            }),
        }
    }

    /// A profile erased: the identities it had, so a receiver can erase its own copy of the person.
    pub fn erased(
        profile_id: i64,
        email: Option<&str>,
        custom_id: Option<&str>,
        source: &str,
        at: NaiveDateTime,
    ) -> Happened {
        Happened {
            profile_id,
            kind: "profile.erased",
            agreement: None,
            source: source.to_string(),
            at,
            data: json!({
                "email": email,
                "customId": custom_id,
                "source": source,
                "occurredAt": rfc3339(at),
            }),
        }
    }

    /// The request body: the same bytes on every attempt.
    fn body(&self) -> String {
        json!({"type": self.kind, "timestamp": rfc3339(self.at), "data": self.data}).to_string()
    }
}

fn list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// An endpoint as the fan-out sees it.
struct Subscriber {
    endpoint: Endpoint,
    /// `integration:<name>` of the linked incoming integration.
    echo: Option<String>,
}

impl Subscriber {
    fn wants(&self, h: &Happened) -> bool {
        let e = &self.endpoint;
        list(&e.events).any(|t| t == h.kind)
            && (e.agreements.is_empty()
                || h.agreement
                    .as_deref()
                    .is_none_or(|a| list(&e.agreements).any(|k| k == a)))
            && !excluded(&e.exclude_sources, &h.source)
            && self.echo.as_deref() != Some(h.source.as_str())
    }
}

/// Whether `source` is in the comma-separated exclusion list: named whole (`api:crm`) or by its kind
/// (`import` covers every `import:<job>`).
pub fn excluded(list_text: &str, source: &str) -> bool {
    let kind = source.split(':').next().unwrap_or(source);
    list(list_text).any(|s| s == source || s == kind)
}

/// Every endpoint, read in the change's transaction (so one added a moment ago on another node is seen).
pub struct Subscribers(Vec<Subscriber>);

impl Subscribers {
    pub fn load(conn: &mut DbConn) -> QueryResult<Subscribers> {
        let endpoints = webhook_endpoints::all(conn)?;
        if endpoints.is_empty() {
            return Ok(Subscribers(Vec::new()));
        }
        let names: std::collections::HashMap<i64, String> = integrations::all(conn)?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect();
        Ok(Subscribers(
            endpoints
                .into_iter()
                .map(|endpoint| Subscriber {
                    echo: endpoint
                        .integration_id
                        .and_then(|i| names.get(&i))
                        .map(|n| format!("integration:{n}")),
                    endpoint,
                })
                .collect(),
        ))
    }

    /// No endpoint at all: the write paths skip describing what happened.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Queues a delivery of each change to each endpoint that wants it (paused endpoints too: they get
    /// the backlog when resumed).
    pub fn queue(&self, conn: &mut DbConn, happened: &[Happened]) -> QueryResult<usize> {
        let now = crate::db::now();
        let mut rows = Vec::new();
        for h in happened {
            let mut body = None;
            for s in self.0.iter().filter(|s| s.wants(h)) {
                let body = body.get_or_insert_with(|| h.body()).clone();
                rows.push(Entry::webhook(
                    s.endpoint.id,
                    Some(h.profile_id),
                    h.kind,
                    body,
                    now,
                ));
            }
        }
        if !rows.is_empty() {
            QUEUED.set(true);
        }
        outbox::enqueue(conn, &rows)
    }
}

thread_local! {
    /// This thread's transaction queued deliveries: wake the workers once it commits.
    static QUEUED: Cell<bool> = const { Cell::new(false) };
}

/// Bumped after a commit that queued deliveries; each node's delivery lanes watch it.
pub static WAKE: LazyLock<tokio::sync::watch::Sender<u64>> =
    LazyLock::new(|| tokio::sync::watch::channel(0).0);

/// Called by the transaction wrappers: after a commit, wakes the lanes if it queued deliveries.
pub fn committed(ok: bool) {
    if QUEUED.replace(false) && ok {
        WAKE.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// A new endpoint's or a rotation's secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    crate::integrations::new_standard_secret()
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

/// Adds an endpoint (audited); returns its id and secret.
pub fn add(conn: &mut DbConn, settings: &Settings, by: &Actor) -> QueryResult<(i64, String)> {
    let secret = new_secret();
    let now = crate::db::now();
    crate::consent::write_tx(conn, |c| {
        let id = webhook_endpoints::insert(c, settings, &secret, now)?;
        audit_log::record(
            c,
            &by.name,
            "webhook.add",
            &format!("webhook {id}"),
            Some(&settings.url),
            by.ip.as_deref(),
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
    crate::consent::write_tx(conn, |c| {
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
            audit_log::record(
                c,
                &by.name,
                what,
                &format!("webhook {id}"),
                None,
                by.ip.as_deref(),
            )?;
        }
        Ok(done)
    })
}

/// Gives an endpoint a new secret; the old one keeps signing alongside for `ROTATION_GRACE`.
pub fn rotate(conn: &mut DbConn, id: i64, by: &Actor) -> QueryResult<Option<String>> {
    let secret = new_secret();
    let now = crate::db::now();
    crate::consent::write_tx(conn, |c| {
        if !webhook_endpoints::rotate(c, id, &secret, now + ROTATION_GRACE, now)? {
            return Ok(None);
        }
        audit_log::record(
            c,
            &by.name,
            "webhook.rotate",
            &format!("webhook {id}"),
            None,
            by.ip.as_deref(),
        )?;
        Ok(Some(secret.clone()))
    })
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
    crate::consent::write_tx(conn, |c| {
        QUEUED.set(true);
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
    let subscriber = Subscribers::load(conn)?
        .0
        .into_iter()
        .find(|s| s.endpoint.id == endpoint.id);
    let Some(subscriber) = subscriber else {
        return Ok(0);
    };
    let one = Subscribers(vec![subscriber]);
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
            .map(|(ev, email, custom)| {
                Happened::consent(email.as_deref(), custom.as_deref(), &ev.event, ev.id)
            })
            .collect();
        queued += crate::consent::write_tx(conn, |c| one.queue(c, &happened))?;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sources_are_excluded_whole_or_by_kind() {
        assert!(super::excluded("import", "import:42"));
        assert!(super::excluded("api:crm, form", "api:crm"));
        assert!(!super::excluded("api:crm", "api:shop"));
        assert!(!super::excluded("", "form"));
        assert!(super::excluded("form", "form"));
    }
}
