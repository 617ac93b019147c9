//! The one read model of a profile's consents: every agreement with its current value and whether a
//! confirmation is waiting for it. The JSON API, the preference centre, the resignation page and the
//! dashboard all show consents through it, so they can never disagree.

use crate::db::DbConn;
use crate::db::models::agreements::Agreement;
use crate::db::models::{consents, optin_requests};
use chrono::NaiveDateTime;

#[derive(Clone, Debug)]
pub struct AgreementState {
    pub agreement: Agreement,
    pub enabled: bool,
    /// Asked for and not confirmed yet (never set for an enabled agreement).
    pub pending: bool,
}

/// Every agreement of `catalog`, in its order, as it stands for the profile at `now`.
pub fn standing(
    conn: &mut DbConn,
    catalog: &[Agreement],
    profile_id: i64,
    now: NaiveDateTime,
) -> diesel::QueryResult<Vec<AgreementState>> {
    let current = consents::for_profile(conn, crate::domain::ProfileId(profile_id))?;
    let waiting: Vec<i64> = optin_requests::pending_for_profile(conn, profile_id, now)?
        .iter()
        .flat_map(|r| optin_requests::decode_agreements(&r.agreements))
        .map(|(id, _, _)| id)
        .collect();
    Ok(catalog
        .iter()
        .map(|a| {
            let enabled = current
                .iter()
                .any(|c| c.agreement_id == a.id && c.is_enabled());
            AgreementState {
                agreement: a.clone(),
                enabled,
                pending: !enabled && waiting.contains(&a.id),
            }
        })
        .collect())
}
