//! The one write path for consent changes, and the flows built on it.
//!
//! `apply` compares each requested change with the current value and, inside the caller's transaction,
//! appends the hash-chained ledger event, updates the current value and queues the side effects.
//! A change to the value already held records nothing and triggers nothing.
//!
//! Lock order, the same on every path: **the profile first, always.** A writer that touches a profile's
//! consents, ledger chain, opt-in requests or email allowance first takes that profile's lock
//! (`profiles::lock`, or the row lock of the sign-up upsert, taken in address order for a batch), and only
//! then reads what it decides on, with the time taken under the lock. A token or a link only tells which
//! profile to lock. So a confirmation and a withdrawal of the same person are serialised, each sees what
//! the other did, and what a person was told is what the database holds. On SQLite every write
//! transaction is exclusive anyway (`BEGIN IMMEDIATE`); on PostgreSQL a deadlock or serialization failure
//! that still happens is retried by `write_tx`, never shown to the person.

pub mod anchor;
pub mod batch;
pub mod catalog;

pub mod erase;
pub mod gpc;
pub mod keys;
pub mod ledger;
pub mod optin;
pub mod read;
pub mod receipt;
pub mod retention;
pub mod signup;
pub mod sms;
pub mod staff;
pub mod wording;

use crate::db::models::{consent_events, consents, optin_requests, profiles};
use crate::db::tx::Transient;
use crate::db::write_tx;
use crate::db::{DbConn, models::agreements};
use crate::domain::{AgreementId, ConsentValue, ProfileId, Source, sha256_hex};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Change {
    pub agreement_id: AgreementId,
    pub value: ConsentValue,
    /// The version of the wording the person saw; `None` means the current one.
    pub version: Option<i32>,
    /// The language of that wording; `None` means the agreement's own language.
    pub language: Option<String>,
}

/// Who/when/how of a change: recorded with every event it produces.
#[derive(Clone, Debug)]
pub struct Meta {
    pub source: Source,
    /// When the change happened: stamped by this server, or reported by the caller (API, import).
    pub occurred_at: NaiveDateTime,
    /// `occurred_at` came from the caller. Only then is a change older than the latest recorded one
    /// ignored (a late import never revives a newer withdrawal); a change stamped here always applies,
    /// so a node with a lagging clock can never swallow a withdrawal.
    pub reported: bool,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Why a staff member made the change, or why an imported one was made (recorded, and covered by
    /// the chain through its digest).
    pub reason: Option<String>,
    /// The tool an imported change comes from (`mailchimp`, …), recorded on the event.
    pub origin: Option<String>,
    /// The request carried Global Privacy Control (`Sec-GPC: 1`), recorded on the event.
    pub gpc: bool,
}

impl Meta {
    /// A change made now, through this server, by the client with this (IP, user agent).
    pub fn now(source: Source, (ip, user_agent): (Option<String>, Option<String>)) -> Meta {
        Meta {
            source,
            occurred_at: crate::db::now(),
            reported: false,
            ip,
            user_agent,
            reason: None,
            origin: None,
            gpc: false,
        }
    }

    /// The same, noting whether the request carried Global Privacy Control.
    pub fn with_gpc(self, gpc: bool) -> Meta {
        Meta { gpc, ..self }
    }

    /// A change made by a staff member, with the reason they gave.
    pub fn staff(who: String, client: (Option<String>, Option<String>), reason: &str) -> Meta {
        Meta {
            reason: Some(reason.to_string()),
            ..Meta::now(Source::Admin(who), client)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub event_id: i64,
    pub agreement_key: String,
    pub value: ConsentValue,
    pub previous: ConsentValue,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("profile {0} does not exist")]
    NoProfile(ProfileId),
    #[error("agreement {0} does not exist")]
    NoAgreement(AgreementId),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What `apply_all` did: the events it recorded, and the agreement keys of reported changes it ignored
/// because the profile already held a later one (a late import never revives a newer withdrawal).
#[derive(Debug, Default)]
pub struct Applied {
    pub recorded: Vec<Recorded>,
    pub stale: Vec<String>,
}

/// Applies changes to one profile. Must run inside a write transaction (`write_tx`).
pub fn apply(
    conn: &mut DbConn,
    profile_id: ProfileId,
    changes: &[Change],
    meta: &Meta,
) -> Result<Vec<Recorded>, ApplyError> {
    Ok(apply_all(conn, profile_id, changes, meta)?.recorded)
}

/// `apply`, also saying which reported changes were too old to apply.
pub fn apply_all(
    conn: &mut DbConn,
    profile_id: ProfileId,
    changes: &[Change],
    meta: &Meta,
) -> Result<Applied, ApplyError> {
    if !profiles::lock(conn, profile_id)? {
        return Err(ApplyError::NoProfile(profile_id));
    }
    let profile = profiles::find(conn, profile_id.0)?.ok_or(ApplyError::NoProfile(profile_id))?;
    let catalog: HashMap<i64, agreements::Agreement> = agreements::all(conn)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let held = consents::for_profile(conn, profile_id)?;
    let last_hash = consent_events::last_hash(conn, profile_id.0)?;
    // Taken under the lock, so events stamped here are in the same order as the chain.
    let recorded_at = crate::db::now();
    let mut plan = decide(
        &Decision {
            catalog: &catalog,
            meta,
            recorded_at,
        },
        &held,
        changes,
        &mut |a, version, language| {
            a.wording(conn, version, Some(language))
                .map(|text| sha256_hex(text.as_bytes()))
        },
    )?;
    plan.seal(
        profile_id.0,
        &sha256_hex(profile.identity().as_bytes()),
        last_hash,
    );
    if !plan.cancel.is_empty() {
        optin_requests::cancel_covering(
            conn,
            profile_id.0,
            &plan.cancel,
            plan.cancel_made_before,
            recorded_at,
        )?;
    }
    for (agreement_id, to) in &plan.advances {
        consents::advance(conn, profile_id, AgreementId(*agreement_id), *to)?;
    }
    let mut recorded = Vec::with_capacity(plan.events.len());
    for (ev, (row, existed)) in plan.events.iter().zip(&plan.puts) {
        let event_id = consent_events::insert(conn, ev)?;
        consents::put(conn, row, *existed)?;
        recorded.push(Recorded {
            event_id,
            agreement_key: ev.agreement_key.clone(),
            value: consents::held(Some(row)),
            previous: if ev.previous == "enabled" {
                ConsentValue::Enabled
            } else {
                ConsentValue::Disabled
            },
        });
    }
    if let Some(mask) = plan.mask {
        profiles::touch(conn, profile_id.0, recorded_at, mask)?;
    }
    if !recorded.is_empty() {
        let subscribers = crate::events::Subscribers::load(conn)?;
        if !subscribers.is_empty() {
            let happened: Vec<_> = plan
                .events
                .iter()
                .zip(&recorded)
                .filter_map(|(ev, r)| {
                    crate::events::Happened::consent(
                        profile.email.as_deref(),
                        profile.custom_id.as_deref(),
                        ev,
                        r.event_id,
                    )
                })
                .collect();
            subscribers.queue(conn, &happened)?;
        }
    }
    Ok(Applied {
        recorded,
        stale: plan.stale,
    })
}

/// What a decision about one profile's changes depends on besides the profile itself.
pub struct Decision<'a> {
    pub catalog: &'a HashMap<i64, agreements::Agreement>,
    pub meta: &'a Meta,
    /// The time taken under the profile's lock.
    pub recorded_at: NaiveDateTime,
}

/// What applying changes to one profile writes. `decide` makes it from what the profile holds; the one
/// profile writer (`apply_all`) and the set-based one (`batch::set`) both write it, so both behave alike.
#[derive(Debug, Default)]
pub struct Plan {
    /// Ledger events in chain order; `seal` gives them their profile, digests and hashes.
    pub events: Vec<consent_events::EventBody>,
    /// The current value each event leaves, and whether a row was there before.
    pub puts: Vec<(consents::Consent, bool)>,
    /// Same answers reported again later: (agreement, time) to move the value's time to.
    pub advances: Vec<(i64, NaiveDateTime)>,
    /// Agreements refused: open confirmation requests for them end, those made up to
    /// `cancel_made_before` when it is set.
    pub cancel: Vec<i64>,
    pub cancel_made_before: Option<NaiveDateTime>,
    /// Keys of reported changes older than what the profile holds.
    pub stale: Vec<String>,
    /// The enabled agreements as bits afterwards, when anything was recorded.
    pub mask: Option<i64>,
}

impl Plan {
    /// Gives the events their profile and chains them after `last_hash`.
    pub fn seal(&mut self, profile_id: i64, identity_digest: &str, last_hash: Option<String>) {
        let mut prev = last_hash;
        for (ev, (row, _)) in self.events.iter_mut().zip(self.puts.iter_mut()) {
            ev.profile_id = profile_id;
            row.profile_id = profile_id;
            ev.email_digest = identity_digest.to_string();
            ev.prev_hash = prev;
            ev.hash = ledger::event_hash(ev);
            prev = Some(ev.hash.clone());
        }
    }
}

/// Decides what `changes` do to a profile that holds `held` (read under its lock): which are recorded,
/// which only move a value's time, which are too late. Pure but for `wording`, which gives the SHA-256
/// of an agreement's wording at a version in a language.
pub fn decide(
    d: &Decision,
    held: &[consents::Consent],
    changes: &[Change],
    wording: &mut dyn FnMut(&agreements::Agreement, i32, &str) -> QueryResult<String>,
) -> Result<Plan, ApplyError> {
    let meta = d.meta;
    let mut current: HashMap<i64, consents::Consent> =
        held.iter().map(|c| (c.agreement_id, c.clone())).collect();
    let recorded_at = d.recorded_at;
    let caller = meta.source.is_caller();
    let occurred_at = occurred_at(meta, recorded_at);
    // A reported change older than the time of the value held is too late to apply. On a tie a "no"
    // wins: systems that report whole seconds often send a yes and a no with the same time. A caller's
    // "yes" without a time is compared at the request's time (so `[no, yes]` in one request ends "no");
    // a "no" stamped here always applies, so a node with a lagging clock never swallows a withdrawal.
    let late = |existing: Option<&consents::Consent>, value: ConsentValue| {
        (meta.reported || (caller && value == ConsentValue::Enabled))
            && existing.is_some_and(|c| {
                c.occurred_at > occurred_at
                    || (c.occurred_at == occurred_at
                        && !c.is_enabled()
                        && value == ConsentValue::Enabled)
            })
    };
    let mut plan = Plan {
        // Saying no also ends any confirmation still waiting for the same agreement; a reported "no"
        // only ends requests made before it, and a stale one none.
        cancel: changes
            .iter()
            .filter(|c| c.value == ConsentValue::Disabled)
            .filter(|c| !late(current.get(&c.agreement_id.0), c.value))
            .map(|c| c.agreement_id.0)
            .collect(),
        cancel_made_before: meta.reported.then_some(occurred_at),
        ..Plan::default()
    };
    for change in changes {
        let agreement = d
            .catalog
            .get(&change.agreement_id.0)
            .ok_or(ApplyError::NoAgreement(change.agreement_id))?;
        let existing = current.get(&change.agreement_id.0);
        let previous = consents::held(existing);
        let late = late(existing, change.value);
        if previous == change.value {
            // The same answer again records nothing, but later reports are compared with its time: a
            // newer one moves the value's time forward, and a caller's refusal of an agreement never
            // set is recorded, with or without a time of its own (so "no" at 10:00 is proven, and a
            // "yes" reported for 9:00 afterwards cannot revive it).
            match existing {
                Some(c) if c.occurred_at < occurred_at => {
                    plan.advances.push((agreement.id, occurred_at));
                    if let Some(c) = current.get_mut(&agreement.id) {
                        c.occurred_at = occurred_at;
                    }
                    continue;
                }
                None if meta.reported || caller => {}
                _ => continue,
            }
        }
        if late {
            plan.stale.push(agreement.key.clone());
            continue;
        }
        let (version, language) = shown(agreement, change);
        let text_sha256 = wording(agreement, version, &language)?;
        plan.events.push(consent_events::EventBody {
            value: change.value.as_str().into(),
            previous: previous.as_str().into(),
            version,
            text_sha256,
            occurred_at,
            recorded_at,
            // The language of the wording the person saw.
            language: Some(language),
            ..event_of(meta, agreement)
        });
        let row = consents::Consent {
            profile_id: 0,
            agreement_id: agreement.id,
            value: change.value,
            version,
            occurred_at,
        };
        plan.puts.push((row.clone(), existing.is_some()));
        current.insert(agreement.id, row);
    }
    // An advance made moot by a later recorded event of the same agreement is dropped.
    plan.advances
        .retain(|(a, _)| !plan.puts.iter().any(|(r, _)| r.agreement_id == *a));
    if !plan.events.is_empty() {
        // The enabled agreements as bits, for counts and audiences at any size (see `audiences`).
        plan.mask = Some(
            current
                .values()
                .filter(|c| c.is_enabled())
                .filter_map(|c| d.catalog.get(&c.agreement_id))
                .fold(0i64, |m, a| m | a.bit()),
        );
    }
    Ok(plan)
}

/// When a change happened. Another system's change has a time even when it gave none: the request's,
/// shared by all its items. A change made through Assent's pages is stamped when recorded.
fn occurred_at(meta: &Meta, recorded_at: NaiveDateTime) -> NaiveDateTime {
    if meta.reported || meta.source.is_caller() {
        // A reported time cannot lie in the future, where it would outrank every later change.
        crate::db::truncate(meta.occurred_at).min(recorded_at)
    } else {
        recorded_at
    }
}

/// The wording the person saw: the version and language given, else the current one in the language
/// given, else the agreement's own current text.
fn shown(agreement: &agreements::Agreement, change: &Change) -> (i32, String) {
    match (change.version, change.language.as_deref()) {
        (Some(v), language) => (v, language.unwrap_or(&agreement.language).to_string()),
        (None, Some(language)) => {
            let w = agreement.wording_in(language);
            (w.version, w.language)
        }
        (None, None) => (agreement.version, agreement.language.clone()),
    }
}

/// A ledger event of `agreement` with how the change came (`meta`); the caller fills in what changed.
fn event_of(meta: &Meta, agreement: &agreements::Agreement) -> consent_events::EventBody {
    let digest = |v: &Option<String>| v.as_deref().map(|v| sha256_hex(v.as_bytes()));
    consent_events::EventBody {
        profile_id: 0,
        agreement_id: agreement.id,
        agreement_key: agreement.key.clone(),
        value: String::new(),
        previous: String::new(),
        version: 0,
        text_sha256: String::new(),
        source: meta.source.to_string(),
        occurred_at: NaiveDateTime::default(),
        recorded_at: NaiveDateTime::default(),
        email_digest: String::new(),
        ip: meta.ip.clone(),
        ip_digest: digest(&meta.ip),
        user_agent: meta.user_agent.clone(),
        user_agent_digest: digest(&meta.user_agent),
        language: None,
        prev_hash: None,
        hash: String::new(),
        reason: meta.reason.clone(),
        reason_digest: digest(&meta.reason),
        origin: meta.origin.clone(),
        gpc: meta.gpc,
    }
}

impl Transient for ApplyError {
    fn is_transient(&self) -> bool {
        matches!(self, ApplyError::Db(e) if e.is_transient())
    }
}
