//! Double opt-in: looking up a confirmation token, confirming it, and renewing an expired one.
//!
//! Both writers here follow the lock order of `consent`: the token only tells which profile to lock; the
//! request is read again once that lock is held, and judged with the time taken under it. A withdrawal
//! that ended the request (under the same lock) is therefore always seen.

use crate::consent::{self, ApplyError, Change, Meta, Recorded};
use crate::db::DbConn;
use crate::db::models::optin_requests::{self, NewOptinRequest, OptinRequest, State};
use crate::db::models::outbox::{self, Entry};
use crate::db::models::{agreements, profiles};
use crate::domain::allowance::Allowance;
use crate::domain::{AgreementId, ConsentValue, ProfileId, Signer, Source, sha256_hex};
use chrono::NaiveDateTime;

/// The request a token stands for, if the token is genuine.
pub fn find(
    conn: &mut DbConn,
    signer: &Signer,
    token: &str,
) -> diesel::QueryResult<Option<OptinRequest>> {
    let Some(uid) = signer.verify_optin(token) else {
        return Ok(None);
    };
    Ok(optin_requests::find_by_uid(conn, &uid)?
        .filter(|r| r.token_hash == sha256_hex(token.as_bytes())))
}

/// Takes the lock of the request's profile, then reads the request again and the time: from here to
/// the commit, nobody else can confirm, end or renew it.
fn lock_and_reread(
    conn: &mut DbConn,
    found: &OptinRequest,
) -> diesel::QueryResult<Option<(OptinRequest, NaiveDateTime)>> {
    if !profiles::lock(conn, ProfileId(found.profile_id))? {
        return Ok(None);
    }
    let now = crate::db::now();
    Ok(optin_requests::find(conn, found.id)?.map(|r| (r, now)))
}

/// One agreement of a request, with the exact wording the person was shown.
#[derive(Clone, Debug)]
pub struct Requested {
    pub id: i64,
    pub title: String,
    /// The language of `text`, for the page's `lang` markup.
    pub language: String,
    pub text: String,
    /// The agreement is flagged "a GPC signal means no".
    pub gpc: bool,
}

pub fn requested(conn: &mut DbConn, request: &OptinRequest) -> diesel::QueryResult<Vec<Requested>> {
    let all = agreements::all(conn)?;
    let mut out = Vec::new();
    for (id, version, language) in optin_requests::decode_agreements(&request.agreements) {
        let Some(a) = all.iter().find(|a| a.id == id) else {
            continue;
        };
        let text = a.wording(conn, version, language.as_deref())?;
        out.push(Requested {
            id,
            title: a
                .title_in(language.as_deref().unwrap_or(&a.language))
                .to_string(),
            language: language.unwrap_or_else(|| a.language.clone()),
            text,
            gpc: a.gpc,
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
    /// The person withdrew one of the agreements before confirming: the request is over.
    Cancelled,
    Unknown,
}

/// Enables what the request asked for (source `confirmation`) and marks the email confirmed.
pub fn confirm(
    conn: &mut DbConn,
    signer: &Signer,
    token: &str,
    meta: &Meta,
) -> Result<Confirmed, ApplyError> {
    let Some(found) = find(conn, signer, token)? else {
        return Ok(Confirmed::Unknown);
    };
    crate::db::write_tx(conn, |conn| {
        let Some((request, now)) = lock_and_reread(conn, &found)? else {
            return Ok(Confirmed::Unknown);
        };
        let profile_id = request.profile_id;
        match request.state(now) {
            State::Pending => {}
            State::Confirmed => return Ok(Confirmed::Already { profile_id }),
            State::Cancelled => return Ok(Confirmed::Cancelled),
            State::Expired => return Ok(Confirmed::Expired),
        }
        optin_requests::mark_confirmed(conn, request.id, now)?;
        if profiles::mark_email_confirmed(conn, profile_id, now)? {
            // The address is proven now: systems that keep the profile hear of it.
            let subscribers = crate::events::Subscribers::load(conn)?;
            if !subscribers.is_empty()
                && let Some(p) = profiles::find(conn, profile_id)?
            {
                let updated = crate::events::Happened::profile(
                    crate::events::EventKind::ProfileUpdated,
                    profile_id,
                    (&p).into(),
                    &Source::Confirmation.to_string(),
                    now,
                );
                subscribers.queue(conn, &[updated])?;
            }
        }
        let active: Vec<i64> = agreements::all(conn)?
            .into_iter()
            .filter(|a| a.active())
            .map(|a| a.id)
            .collect();
        let changes: Vec<Change> = optin_requests::decode_agreements(&request.agreements)
            .into_iter()
            .filter(|(id, _, _)| active.contains(id))
            .map(|(agreement_id, version, language)| Change {
                agreement_id: AgreementId(agreement_id),
                value: ConsentValue::Enabled,
                version: Some(version),
                language,
            })
            .collect();
        // Consent asked for or confirmed while the browser sent Global Privacy Control was given
        // knowingly against it: the event says so.
        let meta = Meta {
            source: Source::Confirmation,
            gpc: meta.gpc || request.gpc,
            ..meta.clone()
        };
        let recorded = consent::apply(conn, ProfileId(profile_id), &changes, &meta)?;
        Ok(Confirmed::Now {
            profile_id,
            recorded,
        })
    })
}

pub enum Renewed {
    Sent,
    /// The address has had its share of form emails for now: nothing is sent, the page is the same.
    OverAllowance,
    StillValid,
    AlreadyConfirmed,
    Cancelled,
    Unknown,
}

/// Takes one email from the allowance of form emails of `profile` (locked by the caller); false when
/// it is used up, and then nothing is sent.
fn take_form_email(
    conn: &mut DbConn,
    profile: &profiles::Profile,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<bool> {
    let mut allowance = Allowance {
        mails: profile.form_mails,
        window: profile.form_mail_window,
    };
    if !allowance.take(now) {
        return Ok(false);
    }
    profiles::set_allowance(conn, profile.id, allowance)?;
    Ok(true)
}

/// Queues the email with a preference link that a person asked for on the public form, in the caller's
/// write transaction. A known address pays from its allowance of form emails; an unknown one is left
/// for the mail worker to find unknown, so both take the same path here and timing reveals nothing.
pub fn queue_preference_link(conn: &mut DbConn, recipient: &str) -> diesel::QueryResult<()> {
    let now = crate::db::now();
    let mut send = true;
    if let Some(p) = profiles::find_by_email(conn, recipient)? {
        profiles::lock(conn, ProfileId(p.id))?;
        send = match profiles::find(conn, p.id)? {
            Some(p) => take_form_email(conn, &p, now)?,
            None => false,
        };
    }
    outbox::enqueue(
        conn,
        &[Entry::email(
            crate::domain::EmailKind::PreferencesLink,
            recipient,
            serde_json::json!({ "send": send }),
            now,
        )],
    )?;
    Ok(())
}

/// Queues the email with the person's signed consent record (asked for on the preference centre, whose
/// signed link proves the address is theirs), from their allowance of form emails. False when the
/// allowance is used up for now, or the profile is gone: then nothing is sent.
pub fn queue_receipt(conn: &mut DbConn, profile_id: i64) -> diesel::QueryResult<bool> {
    let now = crate::db::now();
    if !profiles::lock(conn, ProfileId(profile_id))? {
        return Ok(false);
    }
    let Some(p) = profiles::find(conn, profile_id)? else {
        return Ok(false);
    };
    let Some(email) = p.email.clone() else {
        return Ok(false);
    };
    if !take_form_email(conn, &p, now)? {
        return Ok(false);
    }
    outbox::enqueue(
        conn,
        &[Entry::email(
            crate::domain::EmailKind::Receipt,
            &email,
            serde_json::json!({ "profile_id": profile_id }),
            now,
        )
        .about(profile_id)],
    )?;
    Ok(true)
}

/// Sends a fresh link for an expired request, to the address that made it, for the same wording. It is
/// a form-triggered email like any other and takes one unit of the address's allowance.
pub fn renew(
    conn: &mut DbConn,
    signer: &Signer,
    token: &str,
    ttl: chrono::Duration,
) -> diesel::QueryResult<Renewed> {
    let Some(found) = find(conn, signer, token)? else {
        return Ok(Renewed::Unknown);
    };
    crate::db::write_tx(conn, |conn| {
        let Some((old, now)) = lock_and_reread(conn, &found)? else {
            return Ok(Renewed::Unknown);
        };
        match old.state(now) {
            State::Expired => {}
            State::Pending => return Ok(Renewed::StillValid),
            State::Confirmed => return Ok(Renewed::AlreadyConfirmed),
            State::Cancelled => return Ok(Renewed::Cancelled),
        }
        let Some(profile) = profiles::find(conn, old.profile_id)? else {
            return Ok(Renewed::Unknown);
        };
        let Some(email) = profile.email.clone() else {
            return Ok(Renewed::Unknown);
        };
        if !take_form_email(conn, &profile, now)? {
            return Ok(Renewed::OverAllowance);
        }
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
                gpc: old.gpc,
            }],
        )?;
        outbox::enqueue(
            conn,
            &[Entry::email(
                crate::domain::EmailKind::Confirm,
                &email,
                serde_json::json!({"uid": uid}),
                now,
            )
            .about(old.profile_id)],
        )?;
        Ok(Renewed::Sent)
    })
}
