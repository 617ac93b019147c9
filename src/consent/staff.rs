//! A staff member's change to a person's agreements: applied only where the value is still the one
//! the dashboard showed them, so a withdrawal the person made meanwhile is never overwritten unseen.
//! Applied and audited in one transaction.

use super::{ApplyError, Change, Meta};
use crate::db::DbConn;
use crate::db::models::{audit_log, consents, profiles};
use crate::db::write_tx;
use crate::domain::{Actor, AgreementId, ConsentValue, ProfileId};

/// One agreement the staff member changed: the value the page showed, and the one they chose.
#[derive(Clone, Debug)]
pub struct Seen {
    pub agreement_id: AgreementId,
    pub title: String,
    pub was: ConsentValue,
    pub now: ConsentValue,
}

#[derive(Debug)]
pub enum Changed {
    Saved,
    /// These agreements (titles) changed after the page was shown: nothing was applied.
    Conflict(Vec<String>),
    /// No such live profile.
    Gone,
}

/// Applies `seen` to the profile with the staff member's reason (in `meta`), if every value is still
/// as shown; audited as `profile.consent` with what changed (the reason stays in the ledger only,
/// where erasure can blank it).
pub fn change_as_shown(
    conn: &mut DbConn,
    profile_id: ProfileId,
    seen: &[Seen],
    meta: &Meta,
    by: &Actor,
) -> Result<Changed, ApplyError> {
    write_tx(conn, |c| {
        if !profiles::lock(c, profile_id)? {
            return Ok(Changed::Gone);
        }
        let current = consents::for_profile(c, profile_id)?;
        let held =
            |agreement: i64| consents::held(current.iter().find(|c| c.agreement_id == agreement));
        let moved: Vec<String> = seen
            .iter()
            .filter(|s| held(s.agreement_id.0) != s.was)
            .map(|s| s.title.clone())
            .collect();
        if !moved.is_empty() {
            return Ok(Changed::Conflict(moved));
        }
        let changes: Vec<Change> = seen
            .iter()
            .map(|s| Change {
                agreement_id: s.agreement_id,
                value: s.now,
                version: None,
                language: None,
            })
            .collect();
        let recorded = super::apply(c, profile_id, &changes, meta)?;
        let detail = recorded
            .iter()
            .map(|r| {
                format!(
                    "{} {} -> {}",
                    r.agreement_key,
                    r.previous.as_str(),
                    r.value.as_str()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        audit_log::record(
            c,
            by,
            "profile.consent",
            &format!("profile {profile_id}"),
            Some(&detail),
        )?;
        Ok(Changed::Saved)
    })
}
