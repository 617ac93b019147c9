//! The one-at-a-time writer: an item that names a person an earlier item of its batch named, or that
//! changes a profile's email or customId, is applied on its own, in order, through `consent::apply_all`.

use super::item::{
    Done, ERASED, Found, Item, changes_of, identities, merged, meta_of, named, new_attributes,
};
use crate::consent::{ApplyError, Meta};
use crate::db::DbConn;
use crate::db::models::{erasures, profiles};
use crate::domain::ProfileId;

/// Queues `profile.created` or `profile.updated` for the webhooks that want it.
fn tell(
    conn: &mut DbConn,
    kind: crate::events::EventKind,
    profile_id: i64,
    data: crate::events::ProfileData<'_>,
    meta: &Meta,
) -> diesel::QueryResult<()> {
    crate::events::tell_profile(conn, kind, profile_id, data, &meta.source.to_string())
}

/// Why an item's savepoint was rolled back.
pub enum Refused {
    Item(String),
    Apply(ApplyError),
}

impl From<diesel::result::Error> for Refused {
    fn from(e: diesel::result::Error) -> Self {
        Refused::Apply(ApplyError::Db(e))
    }
}

impl From<ApplyError> for Refused {
    fn from(e: ApplyError) -> Self {
        Refused::Apply(e)
    }
}

/// The live profile an item names (`item::named`): `Ok(None)` when there is none, the inner error when
/// its identifiers name two different profiles.
fn resolve(conn: &mut DbConn, item: &Item) -> diesel::QueryResult<Result<Option<i64>, String>> {
    let id = |p: Option<profiles::Profile>| p.map(|p| p.id);
    let found = Found {
        email: match &item.email {
            Some(e) => id(profiles::find_by_email(conn, e.as_str())?),
            None => None,
        },
        custom_id: match &item.custom_id {
            Some(c) => id(profiles::find_by_custom_id(conn, c)?),
            None => None,
        },
        uuid: match &item.uuid {
            Some(u) => id(profiles::find_by_uuid(conn, u)?),
            None => None,
        },
    };
    let by_phone: Vec<i64> = match &item.phone {
        Some(p) => profiles::find_by_phone(conn, p)?
            .iter()
            .map(|p| p.id)
            .collect(),
        None => Vec::new(),
    };
    Ok(named(item, found, &by_phone))
}

/// One item, one statement at a time: its profile found and locked (or created), its fields set, its
/// consents applied. The inner error is the item's refusal.
pub fn apply_one(
    conn: &mut DbConn,
    item: &Item,
    meta: &Meta,
) -> Result<Result<(Done, Vec<String>), String>, ApplyError> {
    let email = item.email.as_ref().map(|e| e.as_str());
    let custom = item.custom_id.as_deref();
    let now = crate::db::now();
    let (profile_id, created) = match resolve(conn, item)? {
        Err(why) => return Ok(Err(why)),
        Ok(Some(id)) => {
            if !profiles::lock(conn, ProfileId(id))? {
                return Ok(Err(
                    "the profile was erased or removed meanwhile; send the item again".into(),
                ));
            }
            // Read again under the lock: a form, an erasure or a staff member may have changed it
            // between finding and locking.
            if resolve(conn, item)? != Ok(Some(id)) {
                return Ok(Err(
                    "the profile changed while this batch was applied; send the item again".into(),
                ));
            }
            (id, false)
        }
        Ok(None) => {
            // Nobody has this email, customId or phone: refused if it was an erased person's, else
            // created. (A live profile that a form created again after an erasure is updated like any
            // other.)
            for identity in identities(item) {
                if erasures::is_erased(conn, &identity)? {
                    return Ok(Err(ERASED.into()));
                }
            }
            let attributes = new_attributes(item);
            let details = item.details.as_ref().and_then(|d| d.to_stored());
            let mut row = [profiles::NewProfile {
                email,
                custom_id: custom,
                phone: item.phone.as_deref(),
                first_name: item.first_name.as_deref(),
                last_name: item.last_name.as_deref(),
                attributes: &attributes,
                form_mails: 0,
                form_mail_window: None,
                created_at: now,
                updated_at: now,
                consent_mask: 0,
                uuid: item.uuid.as_deref(),
                details: details.as_deref(),
            }];
            // A sign-up may have created the address since: then it comes back, locked, to update.
            let made = profiles::upsert_many(conn, &mut row)?;
            let made = made.first().ok_or(diesel::result::Error::NotFound)?;
            if made.created {
                tell(
                    conn,
                    crate::events::EventKind::ProfileCreated,
                    made.id,
                    (&row[0]).into(),
                    meta,
                )?;
            }
            (made.id, made.created)
        }
    };
    let mut changed = false;
    if !created {
        let p = profiles::find(conn, profile_id)?
            .ok_or(ApplyError::NoProfile(ProfileId(profile_id)))?;
        let (row, differs) = match merged(&p, item, now) {
            Ok(m) => m,
            Err(why) => return Ok(Err(why)),
        };
        if differs {
            profiles::rewrite_many(conn, std::slice::from_ref(&row))?;
            tell(
                conn,
                crate::events::EventKind::ProfileUpdated,
                profile_id,
                (&row).into(),
                meta,
            )?;
            changed = true;
        }
    }
    let applied = crate::consent::apply_all(
        conn,
        ProfileId(profile_id),
        &changes_of(item),
        &meta_of(item, meta),
    )?;
    let done = if created {
        Done::Created
    } else if changed || !applied.recorded.is_empty() {
        Done::Updated
    } else {
        Done::Unchanged
    };
    Ok(Ok((done, applied.stale)))
}
