//! Global Privacy Control: a browser's standing request not to sell or share the person's data
//! (`Sec-GPC: 1`). Agreements flagged "a GPC signal means no" are withdrawn, with the source `gpc`, when
//! such a browser opens a page that knows the person; consent given while the browser sent the signal
//! was given knowingly against it (its event records the signal) and is kept.

use crate::consent::{self, ApplyError, Change, Meta, Recorded};
use crate::db::DbConn;
use crate::db::models::agreements::Agreement;
use crate::db::models::{consent_events, consents, profiles};
use crate::domain::{AgreementId, ConsentValue, ProfileId, Source};

/// Withdraws the profile's enabled agreements among `flagged` (active agreements whose flag is set)
/// whose latest event came without the signal. `meta` is the page's (its client); the events record the
/// source `gpc` and the signal. Returns what was withdrawn.
pub fn honour(
    conn: &mut DbConn,
    profile_id: i64,
    flagged: &[Agreement],
    meta: &Meta,
) -> Result<Vec<Recorded>, ApplyError> {
    if flagged.is_empty() {
        return Ok(Vec::new());
    }
    crate::db::write_tx(conn, |conn| {
        // The profile's lock first (see `consent`): what is decided here is what it holds.
        if !profiles::lock(conn, ProfileId(profile_id))? {
            return Ok(Vec::new());
        }
        let enabled: Vec<i64> = consents::for_profile(conn, ProfileId(profile_id))?
            .into_iter()
            .filter(|c| c.is_enabled() && flagged.iter().any(|a| a.id == c.agreement_id))
            .map(|c| c.agreement_id)
            .collect();
        if enabled.is_empty() {
            return Ok(Vec::new());
        }
        let changes: Vec<Change> = consent_events::latest_signals(conn, profile_id, &enabled)?
            .into_iter()
            .filter(|(_, knowingly)| !knowingly)
            .map(|(agreement_id, _)| Change {
                agreement_id: AgreementId(agreement_id),
                value: ConsentValue::Disabled,
                version: None,
                language: None,
            })
            .collect();
        let meta = Meta {
            source: Source::Gpc,
            gpc: true,
            ..meta.clone()
        };
        consent::apply(conn, ProfileId(profile_id), &changes, &meta)
    })
}
