//! What happened to a profile, as typed values: emitted by the consent core in the change's own
//! transaction, turned into one outbox row per webhook endpoint that wants it (`Subscribers::queue`), and
//! delivered by `webhooks`. Living below both, it lets the core tell the world without knowing who listens.
//!
//! Loop safety: an endpoint never gets a change whose source it excludes, nor one that came in through
//! the incoming integration it is linked to (the other direction of the same external system).

use crate::db::DbConn;
use crate::db::models::consent_events::EventBody;
use crate::db::models::integrations;
use crate::db::models::outbox::{self, Entry};
use crate::db::models::profiles::{NewProfile, Profile, Rewrite};
use crate::db::models::webhook_endpoints::{self, Endpoint};
use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::{Value, json};

/// What can happen to a profile; an endpoint subscribes to some of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    ProfileCreated,
    ProfileUpdated,
    ConsentChanged,
    ProfileErased,
    /// The ledger was anchored (`consent::anchor`): about no profile.
    LedgerAnchored,
}

impl EventKind {
    /// The name receivers see in `type` and endpoints list in their subscriptions.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::ProfileCreated => "profile.created",
            EventKind::ProfileUpdated => "profile.updated",
            EventKind::ConsentChanged => "consent.changed",
            EventKind::ProfileErased => "profile.erased",
            EventKind::LedgerAnchored => "ledger.anchored",
        }
    }
}

/// Something that happened to a profile (or, for an anchor, to the whole ledger), as the write paths
/// describe it.
#[derive(Clone, Debug)]
pub struct Happened {
    pub profile_id: Option<i64>,
    pub kind: EventKind,
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
    pub uuid: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    /// The stored attributes (a JSON object as text).
    pub attributes: &'a str,
    /// The stored standard fields (`domain::details::Details` as JSON).
    pub details: Option<&'a str>,
    /// The person confirmed the address (double opt-in).
    pub email_confirmed: bool,
}

impl<'a> From<&'a Profile> for ProfileData<'a> {
    fn from(p: &'a Profile) -> Self {
        ProfileData {
            email: p.email.as_deref(),
            custom_id: p.custom_id.as_deref(),
            phone: p.phone.as_deref(),
            uuid: p.uuid.as_deref(),
            first_name: p.first_name.as_deref(),
            last_name: p.last_name.as_deref(),
            attributes: &p.attributes,
            details: p.details.as_deref(),
            email_confirmed: p.email_confirmed_at.is_some(),
        }
    }
}

impl<'a> From<&'a NewProfile<'a>> for ProfileData<'a> {
    fn from(p: &'a NewProfile<'a>) -> Self {
        ProfileData {
            email: p.email,
            custom_id: p.custom_id,
            phone: p.phone,
            uuid: p.uuid,
            first_name: p.first_name,
            last_name: p.last_name,
            attributes: p.attributes,
            details: p.details,
            email_confirmed: false,
        }
    }
}

impl<'a> From<&'a Rewrite> for ProfileData<'a> {
    fn from(p: &'a Rewrite) -> Self {
        ProfileData {
            email: p.email.as_deref(),
            custom_id: p.custom_id.as_deref(),
            phone: p.phone.as_deref(),
            uuid: p.uuid.as_deref(),
            first_name: p.first_name.as_deref(),
            last_name: p.last_name.as_deref(),
            attributes: &p.attributes,
            details: p.details.as_deref(),
            email_confirmed: p.email_confirmed,
        }
    }
}

/// Webhook payloads give times in milliseconds.
pub fn rfc3339(t: NaiveDateTime) -> String {
    crate::domain::time::rfc3339(t, crate::domain::time::Precision::Millis)
}

impl Happened {
    /// `profile.created` or `profile.updated`.
    pub fn profile(
        kind: EventKind,
        profile_id: i64,
        p: ProfileData<'_>,
        source: &str,
        at: NaiveDateTime,
    ) -> Happened {
        let attributes: Value = serde_json::from_str(p.attributes).unwrap_or_else(|_| json!({}));
        let mut data = json!({
            "email": p.email,
            "customId": p.custom_id,
            "uuid": p.uuid,
            "phone": p.phone,
            "firstName": p.first_name,
            "lastName": p.last_name,
            "attributes": attributes,
            "emailConfirmed": p.email_confirmed,
            "source": source,
            "occurredAt": rfc3339(at),
        });
        // The standard fields under their own names, null where not given (as the profile API).
        if let Value::Object(m) = &mut data {
            m.extend(crate::domain::details::Details::stored(p.details).to_object());
        }
        Happened {
            profile_id: Some(profile_id),
            kind,
            agreement: None,
            source: source.to_string(),
            at,
            data,
        }
    }

    /// `consent.changed`, from the ledger event that recorded it; none for an event whose value is the
    /// one held before (a refusal of an agreement never given is recorded as proof, but is not news).
    pub fn consent(
        email: Option<&str>,
        custom_id: Option<&str>,
        ev: &EventBody,
        event_id: i64,
    ) -> Option<Happened> {
        (ev.value != ev.previous).then(|| Happened {
            profile_id: Some(ev.profile_id),
            kind: EventKind::ConsentChanged,
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
        })
    }

    /// A profile erased: the identities it had, so a receiver can erase its own copy of the person.
    pub fn erased(
        profile_id: i64,
        ids: &crate::db::models::profiles::Ids,
        source: &str,
        at: NaiveDateTime,
    ) -> Happened {
        Happened {
            profile_id: Some(profile_id),
            kind: EventKind::ProfileErased,
            agreement: None,
            source: source.to_string(),
            at,
            data: json!({
                "email": ids.email,
                "customId": ids.custom_id,
                "uuid": ids.uuid,
                "phone": ids.phone,
                "source": source,
                "occurredAt": rfc3339(at),
            }),
        }
    }

    /// The ledger anchored: `data` is the anchor as signed and its signature (`consent::anchor`).
    pub fn anchored(data: Value, at: NaiveDateTime) -> Happened {
        Happened {
            profile_id: None,
            kind: EventKind::LedgerAnchored,
            agreement: None,
            source: "ledger".into(),
            at,
            data,
        }
    }

    /// The request body: the same bytes on every attempt.
    pub fn body(&self) -> String {
        json!({"type": self.kind.as_str(), "timestamp": rfc3339(self.at), "data": self.data})
            .to_string()
    }
}

/// A queued webhook body with the person's data blanked as an erasure blanks the profile (identifiers,
/// names, attributes): what a receiver learns from it then is only that something happened. `None` when
/// the body holds nothing to blank.
pub fn blank_personal(body: &str) -> Option<String> {
    let mut v: serde_json::Value = serde_json::from_str(body).ok()?;
    let data = v.get_mut("data")?.as_object_mut()?;
    let mut changed = false;
    for field in ["email", "customId", "phone", "firstName", "lastName"] {
        if let Some(x) = data.get_mut(field)
            && !x.is_null()
        {
            *x = serde_json::Value::Null;
            changed = true;
        }
    }
    if let Some(a) = data.get_mut("attributes")
        && a.as_object().is_some_and(|m| !m.is_empty())
    {
        *a = json!({});
        changed = true;
    }
    changed.then(|| v.to_string())
}

/// The items of a comma-separated setting (events, agreements, sources of an endpoint).
pub fn list(raw: &str) -> impl Iterator<Item = &str> {
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
        list(&e.events).any(|t| t == h.kind.as_str())
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

/// Queues `profile.created` or `profile.updated` for the webhooks that want it (a single profile's
/// write; the batch writer describes many at once with `Subscribers::queue`).
pub fn tell_profile(
    conn: &mut DbConn,
    kind: EventKind,
    profile_id: i64,
    data: ProfileData<'_>,
    source: &str,
) -> QueryResult<()> {
    let subscribers = Subscribers::load(conn)?;
    if !subscribers.is_empty() {
        let h = Happened::profile(kind, profile_id, data, source, crate::db::now());
        subscribers.queue(conn, &[h])?;
    }
    Ok(())
}

impl Subscribers {
    pub fn load(conn: &mut DbConn) -> QueryResult<Subscribers> {
        // Asked on every write; most often there is no endpoint, and this kept statement answers that
        // for a fifth of the work of the full query (a fifth of a sign-up batch's work on PostgreSQL).
        if !webhook_endpoints::any(conn)? {
            return Ok(Subscribers(Vec::new()));
        }
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

    /// Only the endpoint `id` (for a replay to it).
    pub fn only(self, id: i64) -> Subscribers {
        Subscribers(self.0.into_iter().filter(|s| s.endpoint.id == id).collect())
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
                    h.profile_id,
                    h.kind.as_str(),
                    body,
                    now,
                ));
            }
        }
        outbox::enqueue(conn, &rows)
    }
}
