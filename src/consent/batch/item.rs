//! A batch item: one profile and its consents as other systems push them (the batch API, imports and
//! integrations), checked into an `Item`, and what applying a batch did (`Outcome`). Shared by the two
//! writers (`set` and `one`), which import this file and nothing of each other.

use super::super::{Change, Meta};
use crate::db::models::agreements::Agreement;
use crate::db::models::profiles;
use crate::domain::details::{self, Details};
use crate::domain::phone::{self, Region};
use crate::domain::{AgreementId, ConsentValue, Email, single_line};
use chrono::NaiveDateTime;
use serde_json::{Map, Value};

/// Most items in one request.
pub const MAX_ITEMS: usize = 1000;
/// Most bytes of a profile's attributes, as JSON.
pub const MAX_ATTRIBUTES: usize = 16 * 1024;
/// How far a `consentedAt` may lie ahead of this server's clock (theirs may run a little fast).
const SKEW: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// One checked item, ready to apply.
#[derive(Clone, Debug)]
pub struct Item {
    pub email: Option<Email>,
    pub custom_id: Option<String>,
    /// Synerise's identifier: a UUID, lower case.
    pub uuid: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The standard fields besides names (`displayName`, `city`, `tags`, …), where the item gives any.
    /// Boxed: most items have none.
    pub details: Option<Box<Details>>,
    /// Attributes to set; a `null` value removes the attribute.
    pub attributes: Map<String, Value>,
    /// (agreement id, key, value), one per agreement, the last given winning.
    pub consents: Vec<(i64, String, ConsentValue)>,
    pub consented_at: Option<NaiveDateTime>,
    /// Where and why the person made the change, when a file reports it (an import's `ip` and `reason`
    /// targets; the batch API and integrations record the request's own address instead). Boxed: most
    /// items have none, and an import holds thousands of items at once.
    pub reported: Option<Box<Reported>>,
}

impl Item {
    /// The item's identifiers.
    pub fn ids(&self) -> profiles::Ids<'_> {
        profiles::Ids {
            email: self.email.as_ref().map(|e| e.as_str()),
            custom_id: self.custom_id.as_deref(),
            uuid: self.uuid.as_deref(),
            phone: self.phone.as_deref(),
        }
    }
}

/// What a file says about how a change was made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reported {
    pub ip: Option<String>,
    pub reason: Option<String>,
}

/// The fields of an item besides the standard ones of `Details` (`routes::api::wire::ProfileIn`
/// describes them all).
pub const FIELDS: [&str; 9] = [
    "email",
    "customId",
    "uuid",
    "phone",
    "firstName",
    "lastName",
    "agreements",
    "attributes",
    "consentedAt",
];

/// The keys of `agreements` and the agreements they set: Synerise's channels.
const CHANNELS: [(&str, &str); 7] = [
    ("email", "newsletter_agreement"),
    ("sms", "sms_agreement"),
    ("push", "push_agreement"),
    ("webPush", "webpush_agreement"),
    ("bluetooth", "bluetooth_agreement"),
    ("rfid", "rfid_agreement"),
    ("wifi", "wifi_agreement"),
];

/// Checks one item (a JSON object in the shape of the batch endpoint, docs/reference.md, "The batch endpoint");
/// the error says what to fix.
/// `region` reads phone numbers written without a country code (`ASSENT_DEFAULT_PHONE_REGION`).
pub fn parse(
    value: &Value,
    catalog: &[Agreement],
    now: NaiveDateTime,
    region: Option<Region>,
) -> Result<Item, String> {
    let obj = value
        .as_object()
        .ok_or("each profile must be a JSON object")?;
    let known = |k: &str| FIELDS.contains(&k) || details::FIELDS.contains(&k);
    if let Some(unknown) = obj.keys().find(|k| !known(k)) {
        return Err(format!(
            "unknown field {unknown:?}; the fields are {}, {}, and custom data goes in \"attributes\"",
            FIELDS.join(", "),
            details::FIELDS.join(", ")
        ));
    }
    let mut item = person(obj, region)?;
    item.details = Details::parse(obj, now.date())?.map(Box::new);
    match obj.get("agreements") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (channel, v) in m {
                let Some((_, key)) = CHANNELS.iter().find(|(c, _)| c == channel) else {
                    return Err(format!(
                        "agreements.{channel}: the channels are {} (other agreements go in \"attributes\" by key)",
                        CHANNELS.map(|(c, _)| c).join(", ")
                    ));
                };
                let Value::Bool(on) = v else {
                    return Err(format!("agreements.{channel} must be true or false"));
                };
                // Synerise's channels beyond email, SMS and push are agreements only where the
                // organisation made them.
                if !catalog.iter().any(|a| a.key == *key) {
                    return Err(format!(
                        "agreements.{channel}: there is no agreement {key} to record it in; create one with that key (dashboard: Agreements, New agreement) and send it again"
                    ));
                }
                set_consent(&mut item, catalog, key, on_off(*on))?;
            }
        }
        Some(_) => return Err("agreements must be an object such as {\"email\": true}".into()),
    }
    match obj.get("attributes") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => attributes(&mut item, m, catalog)?,
        Some(_) => return Err("attributes must be an object".into()),
    }
    if let Some(at) = text(obj, "consentedAt")? {
        item.consented_at = Some(consented_at(at, now)?);
    }
    Ok(item)
}

/// The field `name` as text, if given (`null` counts as not given).
fn text<'a>(obj: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(format!("{name} must be a string")),
    }
}

/// Who the item is about: its identifiers (email, customId, phone in E.164) and names, checked.
fn person(obj: &Map<String, Value>, region: Option<Region>) -> Result<Item, String> {
    let line = |name: &str, max: usize| -> Result<Option<String>, String> {
        match text(obj, name)? {
            None => Ok(None),
            Some(s) => single_line(name, s, max),
        }
    };
    let email = text(obj, "email")?
        .map(|e| Email::parse(e).map_err(|e| format!("email: {e}")))
        .transpose()?;
    let custom_id = line("customId", 200)?;
    let uuid = line("uuid", 40)?
        .map(|u| crate::domain::uuid::parse(&u))
        .transpose()?;
    let phone = line("phone", 40)?
        .map(|p| phone::normalise(&p, region).map_err(|e| format!("phone: {e}")))
        .transpose()?;
    if email.is_none() && custom_id.is_none() && uuid.is_none() && phone.is_none() {
        return Err(
            "give an email, a customId, a uuid or a phone to say whose profile this is".into(),
        );
    }
    Ok(Item {
        email,
        custom_id,
        uuid,
        phone,
        details: None,
        first_name: line("firstName", 200)?,
        last_name: line("lastName", 200)?,
        attributes: Map::new(),
        consents: Vec::new(),
        consented_at: None,
        reported: None,
    })
}

/// Sets the agreement `key` to `value` in `item` (the last given wins); an unknown or archived agreement
/// is refused.
fn set_consent(
    item: &mut Item,
    catalog: &[Agreement],
    key: &str,
    value: ConsentValue,
) -> Result<(), String> {
    let a = catalog
        .iter()
        .find(|a| a.key == key)
        .ok_or_else(|| format!("there is no agreement {key:?}"))?;
    if !a.active() {
        return Err(format!(
            "the agreement {key:?} is archived and cannot be changed"
        ));
    }
    item.consents.retain(|(id, _, _)| *id != a.id);
    item.consents.push((a.id, a.key.clone(), value));
    Ok(())
}

/// The `attributes` object: a key that is an agreement's (or looks like one) sets that agreement, the
/// others are stored as the profile's attributes, within `MAX_ATTRIBUTES`.
fn attributes(
    item: &mut Item,
    m: &Map<String, Value>,
    catalog: &[Agreement],
) -> Result<(), String> {
    for (key, v) in m {
        if catalog.iter().any(|a| &a.key == key) || key.ends_with("_agreement") {
            let value = match v {
                Value::Bool(b) => on_off(*b),
                Value::String(s) => ConsentValue::parse(s)
                    .map_err(|e| format!("attributes.{key}: {e}, true or false"))?,
                _ => {
                    return Err(format!(
                        "attributes.{key} is an agreement: give \"enabled\", \"disabled\", true or false"
                    ));
                }
            };
            set_consent(item, catalog, key, value)?;
        } else if key.is_empty() || key.chars().count() > 64 {
            return Err("attribute names must have 1 to 64 characters".into());
        } else {
            item.attributes.insert(key.clone(), v.clone());
        }
    }
    if Value::Object(item.attributes.clone()).to_string().len() > MAX_ATTRIBUTES {
        return Err(format!(
            "attributes are larger than {MAX_ATTRIBUTES} bytes of JSON"
        ));
    }
    Ok(())
}

/// `consentedAt`: an RFC 3339 time, not before 1970 and not in the future (beyond `SKEW`).
fn consented_at(at: &str, now: NaiveDateTime) -> Result<NaiveDateTime, String> {
    let at = chrono::DateTime::parse_from_rfc3339(at)
        .map_err(|_| {
            format!("consentedAt {at:?} is not an RFC 3339 time such as 2026-05-01T12:00:00Z")
        })?
        .naive_utc();
    if at.and_utc().timestamp() < 0 {
        return Err(format!(
            "consentedAt {} lies before 1970: give the time the consent was really given",
            at.format("%Y-%m-%d")
        ));
    }
    if at > now + SKEW {
        return Err(format!(
            "consentedAt {} lies in the future",
            at.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    Ok(at)
}

fn on_off(on: bool) -> ConsentValue {
    if on {
        ConsentValue::Enabled
    } else {
        ConsentValue::Disabled
    }
}

/// What applying a batch did, by item index.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Accepted items that created a profile, changed one, or found it already as given.
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<(usize, String)>,
    /// Changes ignored because the profile already held a later one: (index, agreement key).
    pub stale: Vec<(usize, String)>,
}

/// What an accepted item did to its profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    Created,
    Updated,
    Unchanged,
}

impl Outcome {
    pub fn accepted(&self) -> usize {
        self.created + self.updated + self.unchanged
    }

    pub fn accept(&mut self, index: usize, done: Done, stale: Vec<String>) {
        match done {
            Done::Created => self.created += 1,
            Done::Updated => self.updated += 1,
            Done::Unchanged => self.unchanged += 1,
        }
        self.stale.extend(stale.into_iter().map(|key| (index, key)));
    }
}

/// The live profiles an item's unique identifiers found: its email's, its customId's and its uuid's.
#[derive(Clone, Copy, Debug, Default)]
pub struct Found {
    pub email: Option<i64>,
    pub custom_id: Option<i64>,
    pub uuid: Option<i64>,
}

/// The profile an item names, from what each of its identifiers found (`found`, and every live profile
/// holding its phone). Email, customId and uuid are unique: those given must all name the same profile
/// or none. A phone is the weakest (a number may be shared, and passes from one person to another): it
/// names a profile only when the item gives no other identifier, and then only a number exactly one
/// profile holds; beside another identifier it must be that profile's number or nobody's, so no write
/// ever merges two people on a number. `Ok(None)`: a new person; the error refuses the item.
pub fn named(item: &Item, found: Found, by_phone: &[i64]) -> Result<Option<i64>, String> {
    let given = [
        (
            "email",
            item.email.as_ref().map(|e| e.as_str()),
            found.email,
        ),
        ("customId", item.custom_id.as_deref(), found.custom_id),
        ("uuid", item.uuid.as_deref(), found.uuid),
    ];
    let mut known: Option<(&str, &str, i64)> = None;
    for (name, value, id) in given {
        let (Some(value), Some(id)) = (value, id) else {
            continue;
        };
        match known {
            Some((first, first_value, other)) if other != id => {
                return Err(format!(
                    "the {first} and the {name} belong to two different profiles ({first} {first_value}, {name} {value})"
                ));
            }
            _ => known = known.or(Some((name, value, id))),
        }
    }
    let phone = item.phone.as_deref().unwrap_or_default();
    let only_phone = given.iter().all(|(_, value, _)| value.is_none());
    match known.map(|(_, _, id)| id) {
        Some(id) if by_phone.is_empty() || by_phone.contains(&id) => Ok(Some(id)),
        None if by_phone.is_empty() => Ok(None),
        None if only_phone => match by_phone {
            [one] => Ok(Some(*one)),
            many => Err(format!(
                "{} profiles share the phone {phone}: name the person by email, customId or uuid too",
                many.len()
            )),
        },
        _ => Err(format!(
            "the phone {phone} belongs to another profile: give that profile's email, customId or uuid, or leave the phone out"
        )),
    }
}

/// Every identity an item gives (as erasure tombstones hold them): its email, customId, uuid and phone.
pub fn identities(item: &Item) -> impl Iterator<Item = String> + '_ {
    use profiles::{Identifier, identity_of};
    let email = item.email.as_ref().map(|e| e.to_string());
    let custom = (item.custom_id.as_deref()).map(|c| identity_of(Identifier::CustomId, c));
    let uuid = (item.uuid.as_deref()).map(|u| identity_of(Identifier::Uuid, u));
    let phone = (item.phone.as_deref()).map(|p| identity_of(Identifier::Phone, p));
    email.into_iter().chain(custom).chain(uuid).chain(phone)
}

/// The refusal of an erased person's identity.
pub const ERASED: &str =
    "this person's profile was erased (right to erasure) and is not created again";

/// The attributes a new profile gets from an item (a `null` sets nothing).
pub fn new_attributes(item: &Item) -> String {
    let attributes: Map<String, Value> = item
        .attributes
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Value::Object(attributes).to_string()
}

/// A stored profile with an item's fields laid over it: attributes merge (`null` removes one), a field
/// the item leaves out stays. The inner error refuses the item; the flag says whether anything differs.
pub fn merged(
    p: &profiles::Profile,
    item: &Item,
    now: NaiveDateTime,
) -> Result<(profiles::Rewrite, bool), String> {
    let Ok(Value::Object(mut attributes)) = serde_json::from_str::<Value>(&p.attributes) else {
        return Err(
            "the profile's stored attributes are not a JSON object; fix them before merging".into(),
        );
    };
    let before = attributes.clone();
    for (k, v) in &item.attributes {
        match v {
            Value::Null => attributes.remove(k),
            v => attributes.insert(k.clone(), v.clone()),
        };
    }
    let changed_attributes = attributes != before;
    let attributes = if changed_attributes {
        Value::Object(attributes).to_string()
    } else {
        p.attributes.clone()
    };
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(format!(
            "with these, the profile's attributes would be larger than {MAX_ATTRIBUTES} bytes of JSON"
        ));
    }
    let pick = |given: Option<&String>, held: &Option<String>| given.or(held.as_ref()).cloned();
    let email = item.email.as_ref().map(|e| e.as_str().to_string());
    let details = match &item.details {
        None => p.details.clone(),
        Some(given) => {
            let mut held = Details::stored(p.details.as_deref());
            held.overlay(given);
            held.to_stored()
        }
    };
    let row = profiles::Rewrite {
        id: p.id,
        email: pick(email.as_ref(), &p.email),
        custom_id: pick(item.custom_id.as_ref(), &p.custom_id),
        phone: pick(item.phone.as_ref(), &p.phone),
        first_name: pick(item.first_name.as_ref(), &p.first_name),
        last_name: pick(item.last_name.as_ref(), &p.last_name),
        attributes,
        updated_at: now,
        consent_mask: p.consent_mask,
        uuid: pick(item.uuid.as_ref(), &p.uuid),
        details,
        email_confirmed: p.email_confirmed_at.is_some(),
    };
    // Details compare as values: the same fields stored in another order are no change.
    let details_changed =
        Details::stored(row.details.as_deref()) != Details::stored(p.details.as_deref());
    let changed = changed_attributes
        || row.email != p.email
        || row.custom_id != p.custom_id
        || row.phone != p.phone
        || row.uuid != p.uuid
        || details_changed
        || row.first_name != p.first_name
        || row.last_name != p.last_name;
    Ok((row, changed))
}

/// The consent changes an item asks for.
pub fn changes_of(item: &Item) -> Vec<Change> {
    item.consents
        .iter()
        .map(|(id, _, value)| Change {
            agreement_id: AgreementId(*id),
            value: *value,
            version: None,
            language: None,
        })
        .collect()
}

/// The item's own time, address and reason where it reported them, else the request's (see `decide`).
pub fn meta_of(item: &Item, meta: &Meta) -> Meta {
    Meta {
        occurred_at: item.consented_at.unwrap_or(meta.occurred_at),
        reported: item.consented_at.is_some(),
        ip: item
            .reported
            .as_ref()
            .and_then(|r| r.ip.clone())
            .or_else(|| meta.ip.clone()),
        reason: item
            .reported
            .as_ref()
            .and_then(|r| r.reason.clone())
            .or_else(|| meta.reason.clone()),
        ..meta.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    fn catalog() -> Vec<Agreement> {
        let a = |id: i64, key: &str, archived: bool| Agreement {
            id,
            key: key.into(),
            title: key.into(),
            channel: "email".into(),
            position: id as i32,
            version: 1,
            archived_at: archived.then(crate::db::now),
            text: "Yes.".into(),
            language: "en".into(),
            mask_bit: id as i32 - 1,
            translations: Vec::new(),
            gpc: false,
            gpc_changed_at: None,
            created_at: crate::db::now(),
        };
        vec![
            a(1, "newsletter_agreement", false),
            a(2, "sms_agreement", false),
            a(3, "push_agreement", false),
            a(4, "old_agreement", true),
        ]
    }

    /// A random JSON value, biased towards the shapes the parser looks at.
    fn value(rng: &mut impl rand::Rng, depth: u32) -> Value {
        const KEYS: [&str; 14] = [
            "email",
            "customId",
            "phone",
            "firstName",
            "lastName",
            "agreements",
            "attributes",
            "consentedAt",
            "sms",
            "push",
            "newsletter_agreement",
            "old_agreement",
            "x_agreement",
            "",
        ];
        const TEXTS: [&str; 10] = [
            "ann@example.com",
            "not an email",
            "enabled",
            "disabled",
            "2026-05-01T12:00:00Z",
            "2999-01-01T00:00:00Z",
            "+48 600",
            "a\nb",
            "",
            "\u{0}\u{ffff}",
        ];
        match rng.random_range(0..if depth > 2 { 5 } else { 7 }) {
            0 => Value::Null,
            1 => Value::Bool(rng.random()),
            2 => json_number(rng),
            3 => Value::String(TEXTS[rng.random_range(0..TEXTS.len())].into()),
            4 => Value::String(
                (0..rng.random_range(0..300))
                    .map(|_| rng.random::<char>())
                    .collect(),
            ),
            5 => Value::Array(
                (0..rng.random_range(0..4))
                    .map(|_| value(rng, depth + 1))
                    .collect(),
            ),
            _ => Value::Object(
                (0..rng.random_range(0..6))
                    .map(|_| {
                        (
                            KEYS[rng.random_range(0..KEYS.len())].to_string(),
                            value(rng, depth + 1),
                        )
                    })
                    .collect(),
            ),
        }
    }

    fn json_number(rng: &mut impl rand::Rng) -> Value {
        serde_json::Number::from_f64(rng.random::<f64>() * 1e6).map_or(Value::Null, Value::Number)
    }

    #[test]
    fn random_items_never_panic_and_accepted_ones_are_whole() {
        let (catalog, now) = (catalog(), crate::db::now());
        let mut rng = rand::rng();
        let mut accepted = 0;
        for _ in 0..20_000 {
            let v = value(&mut rng, 0);
            if let Ok(item) = parse(&v, &catalog, now, None) {
                accepted += 1;
                assert!(item.email.is_some() || item.custom_id.is_some(), "{v}");
                let mut ids: Vec<i64> = item.consents.iter().map(|c| c.0).collect();
                ids.sort();
                ids.dedup();
                assert_eq!(
                    ids.len(),
                    item.consents.len(),
                    "one change per agreement: {v}"
                );
                assert!(
                    item.consents.iter().all(|c| c.0 != 4),
                    "never an archived one: {v}"
                );
                assert!(item.consented_at.is_none_or(|t| t <= now + SKEW), "{v}");
            }
        }
        // The generator reaches the accepting paths too, or this test would prove little.
        assert!(accepted > 0);
    }
}
