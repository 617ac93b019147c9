//! The set-based writer of batch items (batch API, imports, integrations): a set of items costs a
//! handful of statements (find and lock the profiles named, check tombstones, create the new ones, read
//! the current values and chain ends, write events, values and profiles together) instead of about
//! twenty per item. Each item is decided by the same `decide` as a single change, so both writers
//! behave alike; whatever the set cannot take safely is handed back for the one-at-a-time path.

use super::item::{self as batch, Done, Item, Outcome};
use crate::consent::{ApplyError, Decision, Meta, Plan, decide};
use crate::db::DbConn;
use crate::db::models::agreements::{self, Agreement};
use crate::db::models::{consent_events, consents, erasures, optin_requests, profiles};
use crate::domain::sha256_hex;
use crate::events::{EventKind, Happened, ProfileData, Subscribers};
use std::collections::{HashMap, HashSet};

/// Applies what it can of `items` together, in the caller's write transaction (which holds the batch
/// lock). Returns the positions in `items` left for the one-at-a-time path, in order: items naming a
/// person that an earlier item named, items that change a profile's email or customId, and (PostgreSQL)
/// new people a sign-up created meanwhile.
pub fn apply_set(
    conn: &mut DbConn,
    items: &[(usize, Item)],
    meta: &Meta,
    outcome: &mut Outcome,
) -> Result<Vec<usize>, ApplyError> {
    let now = crate::db::now();
    let (set, mut later) = first_naming(items);
    let named = sort_out(conn, items, &set, &mut later)?;

    let catalog: HashMap<i64, Agreement> = agreements::all(conn)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    // Batch items always give the current wording in the agreement's own language.
    let texts: HashMap<i64, String> = catalog
        .values()
        .map(|a| (a.id, sha256_hex(a.text.as_bytes())))
        .collect();
    let mut wording = |a: &Agreement, version: i32, language: &str| match texts.get(&a.id) {
        Some(t) if version == a.version && language == a.language => Ok(t.clone()),
        _ => Err(diesel::result::Error::NotFound),
    };
    let recorded_at = crate::db::now();
    // Each item decided like a single change, with its own reported time.
    let mut plan_for = |item: &Item, holds: &[consents::Consent]| {
        let item_meta = batch::meta_of(item, meta);
        let d = Decision {
            catalog: &catalog,
            meta: &item_meta,
            recorded_at,
        };
        decide(&d, holds, &batch::changes_of(item), &mut wording)
    };
    // Webhooks: described only when some endpoint exists.
    let subscribers = Subscribers::load(conn)?;
    let mut w = Writes {
        tell: !subscribers.is_empty(),
        source: meta.source.to_string(),
        recorded_at,
        ..Writes::default()
    };
    let created = create_new(conn, items, &named.new, &mut plan_for, &mut w, outcome, now)?;
    later.extend(created);
    update_known(conn, items, &named, &mut plan_for, &mut w, outcome)?;
    w.store(conn, &subscribers)?;
    later.sort_unstable();
    Ok(later)
}

/// Splits `items` (by position) into the set, one item per person, and those that wait: an item naming
/// an email, customId or phone an earlier item named waits, in order. (Names are kept as (kind, text),
/// so an email, a customId and a phone never collide.)
fn first_naming(items: &[(usize, Item)]) -> (Vec<usize>, Vec<usize>) {
    let mut later = Vec::new();
    let mut named: HashSet<(u8, &str)> = HashSet::new();
    let mut set = Vec::with_capacity(items.len());
    for (pos, (_, item)) in items.iter().enumerate() {
        let names = [
            item.email.as_ref().map(|e| (0, e.as_str())),
            item.custom_id.as_deref().map(|c| (1, c)),
            item.phone.as_deref().map(|p| (2, p)),
        ];
        let seen = names.iter().flatten().any(|n| named.contains(n));
        // Kept even when the item waits, so a later one naming the same person waits behind it.
        named.extend(names.into_iter().flatten());
        if seen {
            later.push(pos);
        } else {
            set.push(pos);
        }
    }

    (set, later)
}

/// The live profiles the set names (on PostgreSQL, locked), and which items are about a known one
/// (`existing`: item position, index in `found`) or a new person (`new`). An item that cannot be told
/// safely in a set goes to `later`.
struct Named {
    found: Vec<profiles::Profile>,
    existing: Vec<(usize, usize)>,
    new: Vec<usize>,
}

fn sort_out(
    conn: &mut DbConn,
    items: &[(usize, Item)],
    set: &[usize],
    later: &mut Vec<usize>,
) -> Result<Named, ApplyError> {
    let emails: Vec<&str> = set
        .iter()
        .filter_map(|&p| items[p].1.email.as_ref().map(|e| e.as_str()))
        .collect();
    let customs: Vec<&str> = set
        .iter()
        .filter_map(|&p| items[p].1.custom_id.as_deref())
        .collect();
    let uuids: Vec<&str> = set
        .iter()
        .filter_map(|&p| items[p].1.uuid.as_deref())
        .collect();
    let phones: Vec<&str> = set
        .iter()
        .filter_map(|&p| items[p].1.phone.as_deref())
        .collect();
    let found = profiles::find_many(conn, &emails, &customs, &uuids, &phones)?;
    let by_email: HashMap<&str, usize> = found
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.email.as_deref().map(|e| (e, i)))
        .collect();
    let by_custom: HashMap<&str, usize> = found
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.custom_id.as_deref().map(|c| (c, i)))
        .collect();
    let by_uuid: HashMap<&str, usize> = found
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.uuid.as_deref().map(|u| (u, i)))
        .collect();
    let mut by_phone: HashMap<&str, Vec<i64>> = HashMap::new();
    for p in &found {
        if let Some(phone) = p.phone.as_deref() {
            by_phone.entry(phone).or_default().push(p.id);
        }
    }
    let index: HashMap<i64, usize> = found.iter().enumerate().map(|(i, p)| (p.id, i)).collect();

    let mut existing: Vec<(usize, usize)> = Vec::new();
    let mut new: Vec<usize> = Vec::new();
    let mut claimed: HashSet<i64> = HashSet::new();
    for &pos in set {
        let (_, item) = &items[pos];
        let email = item.email.as_ref().map(|e| e.as_str());
        let custom = item.custom_id.as_deref();
        let uuid = item.uuid.as_deref();
        let id_of = |f: Option<&usize>| f.map(|&f| found[f].id);
        let ids = batch::Found {
            email: id_of(email.and_then(|e| by_email.get(e))),
            custom_id: id_of(custom.and_then(|c| by_custom.get(c))),
            uuid: id_of(uuid.and_then(|u| by_uuid.get(u))),
        };
        let holders = item
            .phone
            .as_deref()
            .and_then(|p| by_phone.get(p))
            .map(Vec::as_slice)
            .unwrap_or_default();
        match batch::named(item, ids, holders) {
            // As the database stands before this batch: an earlier item may still change that (by
            // giving a profile another email, customId or phone), so the one-at-a-time path decides.
            Err(_) => later.push(pos),
            Ok(Some(id)) => {
                let f = index[&id];
                let p = &found[f];
                let renames = email.is_some_and(|e| p.email.as_deref() != Some(e))
                    || custom.is_some_and(|c| p.custom_id.as_deref() != Some(c))
                    || uuid.is_some_and(|u| p.uuid.as_deref() != Some(u))
                    || (item.phone.as_deref()).is_some_and(|n| p.phone.as_deref() != Some(n));
                // A second item for the same profile (named another way), or one that gives it a new
                // email, customId, uuid or phone (which another writer may be taking, or an earlier item of
                // this batch be refused for), goes one at a time, in order.
                if !claimed.insert(p.id) || renames {
                    later.push(pos);
                } else {
                    existing.push((pos, f));
                }
            }
            Ok(None) => new.push(pos),
        }
    }

    Ok(Named {
        found,
        existing,
        new,
    })
}

/// What the set writes at the end, all at once, and what it tells the webhooks.
#[derive(Default)]
struct Writes {
    tell: bool,
    source: String,
    recorded_at: chrono::NaiveDateTime,
    events: Vec<consent_events::EventBody>,
    values: Vec<consents::Consent>,
    /// The values of the profiles the set made.
    first_values: Vec<consents::Consent>,
    rewrites: Vec<profiles::Rewrite>,
    refusals: Vec<(i64, Vec<i64>, Option<chrono::NaiveDateTime>)>,
    happened: Vec<Happened>,
    /// The identities of the profiles whose consent changes are told, by profile id.
    names: HashMap<i64, (Option<String>, Option<String>)>,
}

/// How one item is decided against what its profile holds.
type PlanFor<'a> = dyn FnMut(&Item, &[consents::Consent]) -> Result<Plan, ApplyError> + 'a;

/// The identity digests of each new person (their email's, customId's and phone's, the first being
/// the one their ledger is kept under), and which of those digests an erasure left as a tombstone.
fn tombstones(
    conn: &mut DbConn,
    items: &[(usize, Item)],
    new: &[usize],
) -> Result<(Vec<Vec<String>>, HashSet<String>), ApplyError> {
    let digests: Vec<Vec<String>> = new
        .iter()
        .map(|&pos| {
            batch::identities(&items[pos].1)
                .map(|i| sha256_hex(i.as_bytes()))
                .collect()
        })
        .collect();
    let all: Vec<String> = digests.iter().flatten().cloned().collect();
    let erased = erasures::erased_among(conn, &all)?;
    Ok((digests, erased))
}

/// New people: not an erased one's identity, then created with their consents. Returns the positions
/// of items whose person a sign-up created meanwhile (for the one-at-a-time path).
#[allow(clippy::too_many_arguments)]
fn create_new(
    conn: &mut DbConn,
    items: &[(usize, Item)],
    new: &[usize],
    plan_for: &mut PlanFor,
    w: &mut Writes,
    outcome: &mut Outcome,
    now: chrono::NaiveDateTime,
) -> Result<Vec<usize>, ApplyError> {
    let mut later = Vec::new();
    let (digests, erased) = tombstones(conn, items, new)?;
    let mut creating = Vec::with_capacity(new.len());
    for (&pos, identities) in new.iter().zip(digests) {
        let (index, item) = &items[pos];
        if identities.iter().any(|i| erased.contains(i)) {
            outcome.rejected.push((*index, batch::ERASED.into()));
            continue;
        }
        let plan = plan_for(item, &[])?;
        let identity = identities.into_iter().next().unwrap_or_default();
        let details = item.details.as_ref().and_then(|d| d.to_stored());
        creating.push((pos, identity, batch::new_attributes(item), details, plan));
    }
    let rows: Vec<profiles::NewProfile> = creating
        .iter()
        .map(|(pos, _, attributes, details, plan)| {
            let item = &items[*pos].1;
            profiles::NewProfile {
                email: item.email.as_ref().map(|e| e.as_str()),
                custom_id: item.custom_id.as_deref(),
                phone: item.phone.as_deref(),
                first_name: item.first_name.as_deref(),
                last_name: item.last_name.as_deref(),
                attributes,
                form_mails: 0,
                form_mail_window: None,
                created_at: now,
                updated_at: now,
                consent_mask: plan.mask.unwrap_or(0),
                uuid: item.uuid.as_deref(),
                details: details.as_deref(),
            }
        })
        .collect();
    let made = profiles::insert_new(conn, &rows)?;
    drop(rows);
    // Each made profile by the identity its item named it with first.
    let made: HashMap<String, i64> = made
        .into_iter()
        .map(|m| {
            let identity = profiles::identity(&profiles::Ids {
                email: m.email.as_deref(),
                custom_id: m.custom_id.as_deref(),
                uuid: m.uuid.as_deref(),
                phone: m.phone.as_deref(),
            });
            (identity, m.id)
        })
        .collect();
    for (pos, identity, attributes, details, mut plan) in creating {
        let (index, item) = &items[pos];
        let named = profiles::identity(&item.ids());
        let id = made.get(&named);
        let Some(&id) = id else {
            // Someone took the address meanwhile: applied to their profile, one at a time.
            later.push(pos);
            continue;
        };
        plan.seal(id, &identity, None);
        if w.tell {
            let data = ProfileData {
                email: item.email.as_ref().map(|e| e.as_str()),
                custom_id: item.custom_id.as_deref(),
                phone: item.phone.as_deref(),
                uuid: item.uuid.as_deref(),
                first_name: item.first_name.as_deref(),
                last_name: item.last_name.as_deref(),
                attributes: &attributes,
                details: details.as_deref(),
                email_confirmed: false,
            };
            w.happened.push(Happened::profile(
                EventKind::ProfileCreated,
                id,
                data,
                &w.source,
                w.recorded_at,
            ));
            w.names.insert(
                id,
                (
                    item.email.as_ref().map(|e| e.to_string()),
                    item.custom_id.clone(),
                ),
            );
        }
        w.first_values
            .extend(plan.puts.into_iter().map(|(row, _)| row));
        w.events.append(&mut plan.events);
        outcome.accept(*index, Done::Created, plan.stale);
    }

    Ok(later)
}

/// Known people: their current values and chain ends, then each decided like a single change.
fn update_known(
    conn: &mut DbConn,
    items: &[(usize, Item)],
    named: &Named,
    plan_for: &mut PlanFor,
    w: &mut Writes,
    outcome: &mut Outcome,
) -> Result<(), ApplyError> {
    let (found, existing) = (&named.found, &named.existing);
    let ids: Vec<i64> = existing.iter().map(|&(_, f)| found[f].id).collect();
    let mut held: HashMap<i64, Vec<consents::Consent>> = HashMap::new();
    for c in consents::for_profiles(conn, &ids)? {
        held.entry(c.profile_id).or_default().push(c);
    }
    let ends: HashMap<i64, String> = consent_events::last_hashes(conn, &ids)?
        .into_iter()
        .collect();
    for &(pos, f) in existing {
        let (index, item) = &items[pos];
        let p = &found[f];
        let (mut row, differs) = match batch::merged(p, item, w.recorded_at) {
            Ok(m) => m,
            Err(why) => {
                outcome.rejected.push((*index, why));
                continue;
            }
        };
        let holds = held.get(&p.id).map(Vec::as_slice).unwrap_or_default();
        let mut plan = plan_for(item, holds)?;
        plan.seal(
            p.id,
            &sha256_hex(p.identity().as_bytes()),
            ends.get(&p.id).cloned(),
        );
        if !plan.cancel.is_empty() {
            w.refusals.push((
                p.id,
                std::mem::take(&mut plan.cancel),
                plan.cancel_made_before,
            ));
        }
        for (agreement_id, to) in &plan.advances {
            if let Some(c) = holds.iter().find(|c| c.agreement_id == *agreement_id) {
                w.values.push(consents::Consent {
                    occurred_at: *to,
                    ..c.clone()
                });
            }
        }
        let recorded = !plan.events.is_empty();
        if w.tell {
            if differs {
                w.happened.push(Happened::profile(
                    EventKind::ProfileUpdated,
                    p.id,
                    (&row).into(),
                    &w.source,
                    w.recorded_at,
                ));
            }
            w.names.insert(p.id, (p.email.clone(), p.custom_id.clone()));
        }
        if differs || recorded {
            row.consent_mask = plan.mask.unwrap_or(p.consent_mask);
            w.rewrites.push(row);
        }
        w.values.extend(plan.puts.into_iter().map(|(row, _)| row));
        w.events.append(&mut plan.events);
        let done = if differs || recorded {
            Done::Updated
        } else {
            Done::Unchanged
        };
        outcome.accept(*index, done, plan.stale);
    }

    Ok(())
}

impl Writes {
    /// Writes it all: the refusals' ended requests, the profiles, the ledger events, the current values,
    /// and the webhooks' rows.
    fn store(mut self, conn: &mut DbConn, subscribers: &Subscribers) -> Result<(), ApplyError> {
        let refusals: Vec<(i64, &[i64], _)> = self
            .refusals
            .iter()
            .map(|(id, a, t)| (*id, a.as_slice(), *t))
            .collect();
        optin_requests::cancel_covering_many(conn, &refusals, self.recorded_at)?;
        profiles::rewrite_many(conn, &self.rewrites)?;
        let ids = consent_events::insert_many(conn, &self.events, self.tell)?;
        consents::insert_new(conn, &self.first_values)?;
        consents::upsert_many(conn, &self.values)?;
        if self.tell {
            for (ev, id) in self.events.iter().zip(ids) {
                let (email, custom) = self.names.get(&ev.profile_id).cloned().unwrap_or_default();
                self.happened.extend(Happened::consent(
                    email.as_deref(),
                    custom.as_deref(),
                    ev,
                    id,
                ));
            }
            subscribers.queue(conn, &self.happened)?;
        }
        Ok(())
    }
}
