//! Double opt-in: looking up a confirmation token, confirming it, and renewing an expired one.

use crate::consent::{self, ApplyError, Change, Meta, Recorded};
use crate::db::DbConn;
use crate::db::models::optin_requests::{self, NewOptinRequest, OptinRequest};
use crate::db::models::outbox::{self, NewMail};
use crate::db::models::{agreements, profiles};
use crate::domain::{ConsentValue, Signer, Source, sha256_hex};
use chrono::NaiveDateTime;

pub enum Lookup {
    Unknown,
    Pending(OptinRequest),
    Expired(OptinRequest),
    Confirmed(OptinRequest),
}

pub fn lookup(
    conn: &mut DbConn,
    signer: &Signer,
    token: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<Lookup> {
    let Some(uid) = signer.verify_optin(token) else {
        return Ok(Lookup::Unknown);
    };
    let found = optin_requests::find_by_uid(conn, &uid)?
        .filter(|r| r.token_hash == sha256_hex(token.as_bytes()));
    Ok(match found {
        None => Lookup::Unknown,
        Some(r) if r.confirmed_at.is_some() => Lookup::Confirmed(r),
        Some(r) if r.expires_at <= now => Lookup::Expired(r),
        Some(r) => Lookup::Pending(r),
    })
}

/// One agreement of a request, with the exact wording the person was shown.
#[derive(Clone, Debug)]
pub struct Requested {
    pub id: i64,
    pub title: String,
    pub text: String,
}

pub fn requested(conn: &mut DbConn, request: &OptinRequest) -> diesel::QueryResult<Vec<Requested>> {
    let all = agreements::all(conn)?;
    let mut out = Vec::new();
    for (id, version) in optin_requests::decode_agreements(&request.agreements) {
        let Some(a) = all.iter().find(|a| a.id == id) else {
            continue;
        };
        let (text, _) = a.wording(conn, version)?;
        out.push(Requested {
            id,
            title: a.title.clone(),
            text,
        });
    }
    Ok(out)
}

pub enum Confirmed {
    Now {
        profile_id: i64,
        recorded: Vec<Recorded>,
    },
    Already {
        profile_id: i64,
    },
    Expired,
    Unknown,
}

/// Enables what the request asked for (source `confirmation`) and marks the email confirmed.
pub fn confirm(
    conn: &mut DbConn,
    signer: &Signer,
    token: &str,
    meta: &Meta,
) -> Result<Confirmed, ApplyError> {
    consent::write_tx(conn, |conn| {
        let request = match lookup(conn, signer, token, meta.occurred_at)? {
            Lookup::Unknown => return Ok(Confirmed::Unknown),
            Lookup::Expired(_) => return Ok(Confirmed::Expired),
            Lookup::Confirmed(r) => {
                return Ok(Confirmed::Already {
                    profile_id: r.profile_id,
                });
            }
            Lookup::Pending(r) => r,
        };
        if !optin_requests::mark_confirmed(conn, request.id, meta.occurred_at)? {
            return Ok(Confirmed::Already {
                profile_id: request.profile_id,
            });
        }
        profiles::mark_email_confirmed(conn, request.profile_id, meta.occurred_at)?;
        let active: Vec<i64> = agreements::all(conn)?
            .into_iter()
            .filter(|a| a.active())
            .map(|a| a.id)
            .collect();
        let changes: Vec<Change> = optin_requests::decode_agreements(&request.agreements)
            .into_iter()
            .filter(|(id, _)| active.contains(id))
            .map(|(agreement_id, version)| Change {
                agreement_id,
                value: ConsentValue::Enabled,
                version: Some(version),
            })
            .collect();
        let meta = Meta {
            source: Source::Confirmation,
            ..meta.clone()
        };
        let recorded = consent::apply(conn, request.profile_id, &changes, &meta)?;
        Ok(Confirmed::Now {
            profile_id: request.profile_id,
            recorded,
        })
    })
}

pub enum Renewed {
    Sent,
    StillValid,
    AlreadyConfirmed,
    Unknown,
}

/// Sends a fresh link for an expired request, to the address that made it, for the same wording.
pub fn renew(
    conn: &mut DbConn,
    signer: &Signer,
    token: &str,
    ttl: chrono::Duration,
) -> diesel::QueryResult<Renewed> {
    let now = crate::db::now();
    consent::write_tx(conn, |conn| {
        let old = match lookup(conn, signer, token, now)? {
            Lookup::Unknown => return Ok(Renewed::Unknown),
            Lookup::Pending(_) => return Ok(Renewed::StillValid),
            Lookup::Confirmed(_) => return Ok(Renewed::AlreadyConfirmed),
            Lookup::Expired(r) => r,
        };
        let Some(email) = profiles::find(conn, old.profile_id)?.and_then(|p| p.email) else {
            return Ok(Renewed::Unknown);
        };
        let (uid, _token, token_hash) = signer.new_optin();
        optin_requests::insert_many(
            conn,
            &[NewOptinRequest {
                profile_id: old.profile_id,
                token_hash,
                uid: uid.clone(),
                agreements: old.agreements.clone(),
                language: old.language.clone(),
                ip: old.ip.clone(),
                user_agent: old.user_agent.clone(),
                created_at: now,
                expires_at: now + ttl,
            }],
        )?;
        outbox::insert_many(
            conn,
            &[NewMail::new(
                "confirm",
                &email,
                serde_json::json!({"uid": uid}),
                now,
            )],
        )?;
        Ok(Renewed::Sent)
    })
}
