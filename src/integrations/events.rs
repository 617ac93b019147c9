//! Another Assent's outgoing webhooks, read as what they mean here, so one Assent can feed another
//! without translation: its event shape (`{"type", "timestamp", "data"}`) becomes a batch item
//! (`consent.changed`: the agreement of the same key at the value and time given; `profile.created`,
//! `profile.updated`: the profile's fields), an erasure (`profile.erased`), or no profile at all
//! (`webhook.test`).

use serde_json::{Map, Value};

/// What a delivery asks for.
pub enum Incoming {
    /// Profile objects in the batch API's shape (none for a test event).
    Profiles(Vec<Value>),
    /// Erase the person the sender knew by these identifiers.
    Erase(Named),
}

/// The identifiers another Assent's `profile.erased` names a person by (those it had).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    pub email: Option<String>,
    pub custom_id: Option<String>,
    /// Lower case.
    pub uuid: Option<String>,
    /// E.164.
    pub phone: Option<String>,
}

/// The delivery's meaning when the body is an Assent event; `None` when it is not one (profiles).
pub fn read(body: &Value) -> Option<Result<Incoming, String>> {
    let event = body.as_object()?;
    let kind = event.get("type")?.as_str()?;
    let data = event.get("data")?.as_object()?;
    let text = |k: &str| data.get(k).and_then(Value::as_str).map(String::from);
    let mut item = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v.filter(|v| !v.is_null()) {
            item.insert(k.to_string(), v);
        }
    };
    put("email", data.get("email").cloned());
    put("customId", data.get("customId").cloned());
    put("uuid", data.get("uuid").cloned());
    Some(match kind {
        "consent.changed" => {
            let (Some(agreement), Some(value)) = (text("agreement"), data.get("value").cloned())
            else {
                return Some(Err(
                    "a consent.changed event needs data.agreement and data.value".into(),
                ));
            };
            let mut attributes = Map::new();
            attributes.insert(agreement, value);
            put("attributes", Some(Value::Object(attributes)));
            put("consentedAt", data.get("occurredAt").cloned());
            Ok(Incoming::Profiles(vec![Value::Object(item)]))
        }
        "profile.created" | "profile.updated" => {
            for field in ["phone", "firstName", "lastName", "attributes"]
                .into_iter()
                .chain(crate::domain::details::FIELDS)
            {
                put(field, data.get(field).cloned());
            }
            Ok(Incoming::Profiles(vec![Value::Object(item)]))
        }
        // Identifiers that do not read as such name nobody here.
        "profile.erased" => Ok(Incoming::Erase(Named {
            email: text("email"),
            custom_id: text("customId"),
            uuid: text("uuid").and_then(|u| crate::domain::uuid::parse(&u).ok()),
            phone: text("phone").and_then(|p| crate::domain::phone::normalise(&p, None).ok()),
        })),
        // The sender's anchor is about its own ledger: nothing to apply here, and not an error.
        "webhook.test" | "ledger.anchored" => Ok(Incoming::Profiles(Vec::new())),
        other => Err(format!(
            "the event type {:?} is not one Assent sends (consent.changed, profile.created, profile.updated, profile.erased, ledger.anchored, webhook.test)",
            other.chars().take(40).collect::<String>()
        )),
    })
}
