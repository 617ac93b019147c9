//! Sign-ups with double opt-in, written by group commit.
//!
//! A sign-up upserts the profile, records a pending opt-in request (its token only as a hash) and queues
//! the confirmation email; it enables nothing. Handlers hand sign-ups to a few writer threads which drain
//! whatever has queued up and commit it as one transaction with one multi-row statement per table, so
//! the cost of a commit (an fsync) is shared by every sign-up in it. A handler answers only after the
//! transaction holding its sign-up has committed.

use crate::db::models::consents;
use crate::db::models::optin_requests::{self, NewOptinRequest};
use crate::db::models::outbox::{self, Entry};
use crate::db::models::profiles::{self as profile_rows, NewProfile};
use crate::db::models::signups as signup_rows;
use crate::db::write_tx;
use crate::db::{DbConn, Pool};
use crate::domain::Email;
use crate::domain::allowance::Allowance;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Most sign-ups in one transaction; bounded by the bind-parameter limits of both engines.
const MAX_BATCH: usize = 256;

#[derive(Clone, Debug)]
pub struct Signup {
    pub email: Email,
    pub name: Option<String>,
    /// (agreement id, version, language) of the wording shown on the form
    pub agreements: Vec<(i64, i32, String)>,
    pub language: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub uid: String,
    pub token_hash: String,
    /// The request carried Global Privacy Control (kept with the opt-in request for its confirmation).
    pub gpc: bool,
}

/// Writes a batch of sign-ups in the caller's transaction: the profiles, then only what is not enabled
/// yet is requested, each request with its email, within each address's allowance of form emails.
pub fn record_batch(
    conn: &mut DbConn,
    signups: &[Signup],
    ttl: chrono::Duration,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // On PostgreSQL a round trip costs more than the rows it carries: new addresses (the common case)
    // take one statement, and only sign-ups of known addresses the general path. (A sign-up asking for
    // nothing, which the forms refuse, would be told "already subscribed" with its profile's id in the
    // email's payload, which that statement cannot fill in.)
    let known = if matches!(conn, DbConn::Pg(_)) && signups.iter().all(|s| !s.agreements.is_empty())
    {
        record_new_pg(conn, signups, ttl, now)?
    } else {
        signups.iter().collect()
    };
    if known.is_empty() {
        return Ok(());
    }
    record_any(conn, &known, ttl, now)
}

/// The general path, on both engines: upserts every profile, then asks.
fn record_any(
    conn: &mut DbConn,
    signups: &[&Signup],
    ttl: chrono::Duration,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let mut new_profiles = new_profiles(signups.iter().copied(), now);
    // Re-subscribing never downgrades or overwrites: an existing profile keeps its data as it is (a public
    // form cannot prove who typed it).
    let rows = profile_rows::upsert_many(conn, &mut new_profiles)?;
    // `new_profiles` is sorted by address: a created profile's row is found without a map.
    let created = rows.iter().filter(|r| r.created).filter_map(|r| {
        let at = new_profiles
            .binary_search_by(|p| p.email.cmp(&r.email.as_deref()))
            .ok()?;
        Some((r.id, &new_profiles[at]))
    });
    announce(conn, created, now)?;
    // Only profiles that existed before may have agreements enabled already; a batch of new addresses
    // skips that query.
    let existing: Vec<i64> = rows.iter().filter(|r| !r.created).map(|r| r.id).collect();
    let enabled: HashSet<(i64, i64)> = if existing.is_empty() {
        HashSet::new()
    } else {
        consents::enabled_among(conn, &existing)?
            .into_iter()
            .collect()
    };
    let mut asks = Asks::new(&rows, signups.len());
    for s in signups {
        asks.ask(s, &enabled, ttl, now)?;
    }
    asks.write(conn)
}

/// PostgreSQL, for addresses not seen before: their profiles, opt-in requests and emails in one
/// statement (`signup_rows::create`). Returns the sign-ups whose address was known already, for the
/// general path.
fn record_new_pg<'s>(
    conn: &mut DbConn,
    signups: &'s [Signup],
    ttl: chrono::Duration,
    now: NaiveDateTime,
) -> QueryResult<Vec<&'s Signup>> {
    let DbConn::Pg(c) = conn else {
        return Ok(signups.iter().collect());
    };
    let rows = new_profiles(signups.iter(), now);
    // Asked as if every address were new, nothing enabled: each profile's id is its position in `rows`
    // (from 1) until the statement gives the real one. What a known address was asked is not written.
    let assumed: Vec<profile_rows::Upserted> = rows
        .iter()
        .zip(1..)
        .map(|(p, n)| profile_rows::Upserted {
            id: n,
            email: p.email.map(String::from),
            created: true,
            form_mails: p.form_mails,
            form_mail_window: p.form_mail_window,
        })
        .collect();
    let mut asks = Asks::new(&assumed, signups.len());
    let nothing = HashSet::new();
    for s in signups {
        asks.ask(s, &nothing, ttl, now)?;
    }
    let created = signup_rows::create(c, &rows, &asks.requests, &asks.mails)?;
    let id_of: HashMap<i64, i64> = created.ids.iter().copied().collect();
    // A second sign-up of a new address in this batch took from its allowance.
    for n in &asks.changed {
        if let Some(&id) = id_of.get(n) {
            profile_rows::set_allowance(conn, id, asks.allowance[n].0)?;
        }
    }
    if created.hooks {
        let made = created
            .ids
            .iter()
            .map(|&(n, id)| (id, &rows[n as usize - 1]));
        announce(conn, made, now)?;
    }
    Ok(signups
        .iter()
        .filter(|s| {
            let n = asks.id_of.get(s.email.as_str());
            !n.is_some_and(|n| id_of.contains_key(n))
        })
        .collect())
}

/// The profile each address would get: one row per address (PostgreSQL refuses to upsert the same row
/// twice in one statement), sorted by address.
fn new_profiles<'s>(
    signups: impl Iterator<Item = &'s Signup>,
    now: NaiveDateTime,
) -> Vec<NewProfile<'s>> {
    let mut seen = HashSet::new();
    let mut rows: Vec<NewProfile> = signups
        .filter(|s| seen.insert(s.email.as_str()))
        .map(|s| NewProfile {
            email: Some(s.email.as_str()),
            first_name: s.name.as_deref(),
            // The confirmation this sign-up sends is the first email of the new profile's allowance.
            form_mails: Allowance::first(now).mails,
            form_mail_window: Allowance::first(now).window,
            ..NewProfile::blank(now)
        })
        .collect();
    rows.sort_unstable_by(|a, b| a.email.cmp(&b.email));
    rows
}

/// Announces the profiles just created to webhook subscribers, if there are any.
fn announce<'p>(
    conn: &mut DbConn,
    created: impl Iterator<Item = (i64, &'p NewProfile<'p>)>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let subscribers = crate::events::Subscribers::load(conn)?;
    if subscribers.is_empty() {
        return Ok(());
    }
    let happened: Vec<_> = created
        .map(|(id, p)| {
            crate::events::Happened::profile(
                crate::events::EventKind::ProfileCreated,
                id,
                p.into(),
                "form",
                now,
            )
        })
        .collect();
    subscribers.queue(conn, &happened)?;
    Ok(())
}

/// What a batch of sign-ups asks for: opt-in requests and their emails, within each address's
/// allowance of form emails.
struct Asks<'a> {
    id_of: HashMap<&'a str, i64>,
    /// Each profile's allowance, and whether it was created just now (and so has paid for its first
    /// email).
    allowance: HashMap<i64, (Allowance, bool)>,
    /// Profiles whose allowance changed.
    changed: HashSet<i64>,
    requests: Vec<NewOptinRequest>,
    mails: Vec<Entry>,
}

impl<'a> Asks<'a> {
    fn new(rows: &'a [profile_rows::Upserted], n: usize) -> Asks<'a> {
        Asks {
            id_of: rows
                .iter()
                .filter_map(|r| Some((r.email.as_deref()?, r.id)))
                .collect(),
            allowance: rows
                .iter()
                .map(|r| (r.id, (r.allowance(), r.created)))
                .collect(),
            changed: HashSet::new(),
            requests: Vec::with_capacity(n),
            mails: Vec::with_capacity(n),
        }
    }

    fn ask(
        &mut self,
        s: &Signup,
        enabled: &HashSet<(i64, i64)>,
        ttl: chrono::Duration,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let profile_id = *self
            .id_of
            .get(s.email.as_str())
            .ok_or(diesel::result::Error::NotFound)?;
        let (left, created_now) = self
            .allowance
            .get_mut(&profile_id)
            .ok_or(diesel::result::Error::NotFound)?;
        if std::mem::take(created_now) {
            // Its first email, already counted when the profile was created.
        } else if left.take(now) {
            self.changed.insert(profile_id);
        } else {
            return Ok(()); // The address had its share of form emails for now: the page is the same, no email.
        }
        let pending: Vec<(i64, i32, String)> = s
            .agreements
            .iter()
            .filter(|(a, _, _)| !enabled.contains(&(profile_id, *a)))
            .cloned()
            .collect();
        if pending.is_empty() {
            // Everything asked for is already enabled: say so by email (with a preference link), and
            // show the same page as for anyone else, so the form reveals nothing about who is known.
            let ids: Vec<i64> = s.agreements.iter().map(|(a, _, _)| *a).collect();
            self.mails.push(
                Entry::email(
                    crate::domain::EmailKind::AlreadySubscribed,
                    s.email.as_str(),
                    serde_json::json!({"profile_id": profile_id, "agreements": ids}),
                    now,
                )
                .about(profile_id),
            );
            return Ok(());
        }
        self.requests.push(NewOptinRequest {
            profile_id,
            token_hash: s.token_hash.clone(),
            uid: s.uid.clone(),
            agreements: optin_requests::encode_agreements(&pending),
            language: s.language.clone(),
            ip: s.ip.clone(),
            user_agent: s.user_agent.clone(),
            created_at: now,
            expires_at: now + ttl,
            gpc: s.gpc,
        });
        self.mails.push(
            Entry::email(
                crate::domain::EmailKind::Confirm,
                s.email.as_str(),
                serde_json::json!({"uid": s.uid}),
                now,
            )
            .about(profile_id),
        );
        Ok(())
    }

    fn write(self, conn: &mut DbConn) -> QueryResult<()> {
        optin_requests::insert_many(conn, &self.requests)?;
        outbox::enqueue(conn, &self.mails)?;
        for id in self.changed {
            profile_rows::set_allowance(conn, id, self.allowance[&id].0)?;
        }
        Ok(())
    }
}

/// A sign-up and where its outcome goes. The sign-up comes back with the outcome, so that its memory is
/// freed by the worker thread that allocated it: freed in the writer, it contended for that thread's
/// malloc arena (0.07 futex waits a sign-up, against 0.003 so).
type Job = (Signup, oneshot::Sender<(Result<(), String>, Signup)>);

/// Hands sign-ups to the group-commit writers.
#[derive(Clone)]
pub struct Batcher {
    tx: mpsc::UnboundedSender<Job>,
}

/// Runs in a writer thread before each batch is written. Only tests set one (to make a writer panic
/// and prove that it is restarted).
pub type BatchHook = Arc<dyn Fn(&[Signup]) + Send + Sync>;

impl Batcher {
    /// Starts `writers` supervised writer threads: one that panics is logged and restarted; the sign-ups
    /// of the batch it was writing are answered with an error (never with a false success).
    pub fn start(
        pool: Pool,
        writers: usize,
        ttl: chrono::Duration,
        hook: Option<BatchHook>,
    ) -> Batcher {
        let (tx, rx) = mpsc::unbounded_channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..writers {
            let (rx, pool, hook) = (rx.clone(), pool.clone(), hook.clone());
            crate::supervise::thread(format!("signup-writer-{n}"), move || {
                writer(&rx, &pool, ttl, hook.as_ref())
            });
        }
        Batcher { tx }
    }

    /// Resolves once the sign-up is committed.
    pub async fn submit(&self, signup: Signup) -> Result<(), String> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send((signup, done))
            .map_err(|_| "the sign-up writer has stopped".to_string())?;
        let (outcome, _signup) = wait
            .await
            .map_err(|_| "the sign-up writer stopped before committing".to_string())?;
        outcome
    }
}

fn writer(
    rx: &Mutex<mpsc::UnboundedReceiver<Job>>,
    pool: &Pool,
    ttl: chrono::Duration,
    hook: Option<&BatchHook>,
) {
    loop {
        let mut signups = Vec::with_capacity(MAX_BATCH);
        let mut waiting = Vec::with_capacity(MAX_BATCH);
        {
            // A writer that panicked never held this lock while failing, but stay usable if one did.
            let mut rx = rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let Some(first) = rx.blocking_recv() else {
                return;
            };
            let mut next = Some(first);
            while let Some((signup, done)) = next {
                signups.push(signup);
                waiting.push(done);
                next = if signups.len() < MAX_BATCH {
                    rx.try_recv().ok()
                } else {
                    None
                };
            }
        }
        if let Some(hook) = hook {
            hook(&signups);
        }
        let started = std::time::Instant::now();
        let outcome = commit(pool, &signups, ttl);
        tracing::debug!(
            size = signups.len(),
            micros = started.elapsed().as_micros() as u64,
            ok = outcome.is_ok(),
            "sign-up batch written"
        );
        // A failed batch is retried one sign-up at a time, so one bad row fails only itself.
        let outcomes: Vec<Result<(), String>> = match outcome {
            Ok(()) => vec![Ok(()); signups.len()],
            Err(e) if signups.len() > 1 => {
                tracing::warn!(error = %e, size = signups.len(), "sign-up batch failed; retrying its sign-ups one by one");
                signups
                    .iter()
                    .map(|s| commit(pool, std::slice::from_ref(s), ttl))
                    .collect()
            }
            Err(e) => vec![Err(e)],
        };
        crate::metrics::signups(outcomes.iter().filter(|o| o.is_ok()).count() as u64);
        for ((done, outcome), signup) in waiting.into_iter().zip(outcomes).zip(signups) {
            if let Err(e) = &outcome {
                tracing::error!(error = %e, "sign-up could not be saved");
            }
            let _ = done.send((outcome, signup));
        }
    }
}

fn commit(pool: &Pool, signups: &[Signup], ttl: chrono::Duration) -> Result<(), String> {
    let mut conn = pool
        .get()
        .map_err(|e| format!("no database connection: {e}"))?;
    write_tx(&mut conn, |c| {
        record_batch(c, signups, ttl, crate::db::now())
    })
    .map_err(|e| format!("database error: {e}"))
}
