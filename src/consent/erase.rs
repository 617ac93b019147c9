//! Right to erasure: a profile's personal data goes, its proof of consent stays.
//!
//! Every enabled agreement is withdrawn through the one write path (so nothing is sent to the person
//! again and counts drop), pending confirmations end, the clear IP addresses, user agents and staff
//! reasons of its events and requests are blanked (their digests stay, so `assent ledger verify` still
//! passes), emails to the address are forgotten, webhook deliveries still queued lose the person's
//! data, and a tombstone of its identities stops a late import
//! from re-creating the person. The dashboard and `assent profile erase` share this.

use super::{ApplyError, Change, Meta, apply};
use crate::db::DbConn;
use crate::db::models::{agreements, consent_events, erasures, optin_requests, outbox, profiles};
use crate::domain::ConsentValue;
use crate::domain::{AgreementId, ProfileId};

#[derive(Debug, PartialEq, Eq)]
pub enum Erased {
    Now { withdrawn: usize },
    Already,
    NoProfile,
}

/// Erases one profile in its own write transaction, with the audit row (`profile.erase`, naming the
/// profile by id and giving `meta.reason`) of `by` in the same transaction.
pub fn erase_audited(
    conn: &mut DbConn,
    profile_id: i64,
    meta: &Meta,
    by: &crate::domain::Actor,
) -> Result<Erased, ApplyError> {
    super::write_tx(conn, |c| erase_recorded(c, profile_id, meta, by))
}

/// `erase` with its audit row, inside the caller's write transaction (an integration's delivery erases
/// in the transaction that uses up its message id).
pub fn erase_recorded(
    conn: &mut DbConn,
    profile_id: i64,
    meta: &Meta,
    by: &crate::domain::Actor,
) -> Result<Erased, ApplyError> {
    let outcome = erase(conn, profile_id, meta)?;
    if let Erased::Now { .. } = outcome {
        let subject = format!("profile {profile_id}");
        let reason = meta.reason.as_deref();
        crate::db::models::audit_log::record(conn, by, "profile.erase", &subject, reason)?;
    }
    Ok(outcome)
}

/// Erases one profile. Must run inside a write transaction (`write_tx`).
pub fn erase(conn: &mut DbConn, profile_id: i64, meta: &Meta) -> Result<Erased, ApplyError> {
    // The profile's lock first, as on every path; it fails for an erased profile too.
    if !profiles::lock(conn, ProfileId(profile_id))? {
        return Ok(match profiles::find_any(conn, profile_id)? {
            Some(_) => Erased::Already,
            None => Erased::NoProfile,
        });
    }
    let profile =
        profiles::find(conn, profile_id)?.ok_or(ApplyError::NoProfile(ProfileId(profile_id)))?;
    // Blank the clear values first: the withdrawals below are recorded with the staff member's own
    // client and reason, which are not the person's data and stay.
    consent_events::blank_personal(conn, profile_id)?;
    optin_requests::blank_personal(conn, profile_id)?;
    // Deliveries queued before (for a failing or paused endpoint) lose the person's data too; those the
    // erasure queues below carry the identities the receivers need to erase their copy.
    for (id, body) in outbox::queued_for_profile(conn, profile_id)? {
        if let Some(blank) = crate::events::blank_personal(&body) {
            outbox::set_payload(conn, id, &blank)?;
        }
    }
    let changes: Vec<Change> = agreements::all(conn)?
        .iter()
        .map(|a| Change {
            agreement_id: AgreementId(a.id),
            value: ConsentValue::Disabled,
            version: None,
            language: None,
        })
        .collect();
    let withdrawn = apply(conn, ProfileId(profile_id), &changes, meta)?.len();
    outbox::forget_profile(conn, profile_id)?;
    let address: Vec<&str> = profile.email.iter().map(String::as_str).collect();
    outbox::forget_emails(conn, &[profile_id], &address)?;
    let mut identities = Vec::new();
    if let Some(email) = &profile.email {
        identities.push(email.clone());
    }
    use profiles::{Identifier, identity_of};
    for (kind, value) in [
        (Identifier::CustomId, &profile.custom_id),
        (Identifier::Uuid, &profile.uuid),
        (Identifier::Phone, &profile.phone),
    ] {
        if let Some(value) = value {
            identities.push(identity_of(kind, value));
        }
    }
    let now = crate::db::now();
    erasures::record(conn, &identities, profile_id, now)?;
    profiles::blank(conn, profile_id, now)?;
    // Systems that were sent the person are told to erase them too (GDPR Art. 19), after the
    // withdrawals, in the same transaction.
    let subscribers = crate::events::Subscribers::load(conn)?;
    if !subscribers.is_empty() {
        let ids = profiles::Ids {
            email: profile.email.as_deref(),
            custom_id: profile.custom_id.as_deref(),
            uuid: profile.uuid.as_deref(),
            phone: profile.phone.as_deref(),
        };
        let erased =
            crate::events::Happened::erased(profile_id, &ids, &meta.source.to_string(), now);
        subscribers.queue(conn, &[erased])?;
    }
    Ok(Erased::Now { withdrawn })
}
