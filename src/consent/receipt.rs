//! Consent receipts (docs/receipt.md): everything a person agreed to or refused, with the exact wording
//! and the ledger events behind each state, as ISO/IEC TS 27560 information elements in Data Privacy
//! Vocabulary terms, signed by the organisation (a compact JWS, Ed25519). The person can keep it and
//! prove what was recorded without the organisation's help; `verify` also checks that every event it
//! names is still in the ledger with the same hash.

use crate::db::models::agreements::Agreement;
use crate::db::models::consent_events::{self, ConsentEvent};
use crate::db::models::profiles::Profile;
use crate::db::{DbConn, write_tx};
use crate::domain::{Sealer, jws, sha256_hex};
use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::{Value, json};

/// The JWS `typ` of a receipt.
pub const TYPE: &str = "assent-receipt+jwt";
/// What the receipt's `dct:conformsTo` names: DPV's profile of an ISO/IEC TS 27560 receipt.
pub const CONFORMS_TO: &str = "https://w3id.org/dpv/schema/dpv-27560#receipt";
/// The version of this receipt's shape (docs/receipt.md, docs/receipt.schema.json).
pub const SCHEMA: &str = "assent-receipt-1";

/// Who issues the receipt: the organisation's name and contact (`ASSENT_ORG_NAME`, `ASSENT_ORG_CONTACT`).
struct Controller<'a> {
    name: &'a str,
    contact: Option<&'a str>,
}

impl Controller<'static> {
    fn of_this_organisation() -> Controller<'static> {
        Controller {
            name: crate::brand::name(),
            contact: crate::brand::contact(),
        }
    }
}

/// The identifier the person knows themselves by: their email, else customId, uuid or phone.
fn subject(p: &Profile) -> (&'static str, &str) {
    let ids = [
        ("email", p.email.as_deref()),
        ("customId", p.custom_id.as_deref()),
        ("uuid", p.uuid.as_deref()),
        ("phone", p.phone.as_deref()),
    ];
    ids.into_iter()
        .find_map(|(name, v)| Some((name, v?)))
        .unwrap_or(("id", ""))
}

/// Where one agreement stands for the person (`given`, `withdrawn`, `refused`, `pending`: waiting for
/// the email confirmation, `never_given`), and as DPV's consent status where DPV has one.
fn state(
    enabled: bool,
    pending: bool,
    events: &[&ConsentEvent],
) -> (&'static str, Option<&'static str>) {
    let ever_given = events.iter().any(|e| e.event.value == "enabled");
    match (enabled, pending, events.is_empty(), ever_given) {
        (true, ..) => ("given", Some("dpv:ConsentGiven")),
        (false, true, ..) => ("pending", Some("dpv:ConsentRequested")),
        (false, false, true, _) => ("never_given", None),
        (false, false, false, true) => ("withdrawn", Some("dpv:ConsentWithdrawn")),
        (false, false, false, false) => ("refused", Some("dpv:ConsentRefused")),
    }
}

/// The receipt's content for a profile: each active agreement (and each archived one with events),
/// where it stands, the wording that state refers to, and every event of the ledger behind it.
fn build(
    conn: &mut DbConn,
    profile: &Profile,
    catalog: &[Agreement],
    controller: &Controller,
    now: NaiveDateTime,
) -> QueryResult<Value> {
    let standing = super::read::standing(conn, catalog, profile.id, now)?;
    let events = consent_events::for_profile(conn, profile.id)?;
    let time =
        |t: NaiveDateTime| crate::domain::time::rfc3339(t, crate::domain::time::Precision::Micros);
    let mut records = Vec::new();
    for s in &standing {
        let a = &s.agreement;
        let mine: Vec<&ConsentEvent> = events
            .iter()
            .filter(|e| e.event.agreement_id == a.id)
            .collect();
        if !a.active() && mine.is_empty() {
            continue;
        }
        let (words, status) = state(s.enabled, s.pending, &mine);
        // The wording the state refers to: the latest event's, else the one shown today.
        let (version, language, sha) = match mine.last() {
            Some(e) => (
                e.event.version,
                e.event.language.clone().unwrap_or_else(|| "en".into()),
                e.event.text_sha256.clone(),
            ),
            None => (a.version, a.language.clone(), sha256_hex(a.text.as_bytes())),
        };
        let text = a.wording(conn, version, Some(&language))?;
        let history: Vec<Value> = mine
            .iter()
            .map(|e| {
                json!({
                    "assent:eventId": e.id,
                    "dct:date": time(e.event.occurred_at),
                    "assent:recordedAt": time(e.event.recorded_at),
                    "assent:value": e.event.value,
                    "assent:previous": e.event.previous,
                    "assent:source": e.event.source,
                    "assent:noticeVersion": e.event.version,
                    "assent:noticeSha256": e.event.text_sha256,
                    "assent:gpc": e.event.gpc,
                    "assent:ledgerHash": e.event.hash,
                })
            })
            .collect();
        let mut record = json!({
            "@type": "dpv:ConsentRecord",
            "dct:identifier": a.key,
            "dct:title": a.title_in(&language),
            "assent:channel": a.channel,
            "assent:state": words,
            "dpv:hasNotice": {
                "@type": "dpv:ConsentNotice",
                "dct:hasVersion": version,
                "dct:language": language,
                "assent:sha256": sha,
                "dct:description": text,
            },
            "assent:events": history,
        });
        if let Some(status) = status {
            record["dpv:hasConsentStatus"] = json!(status);
        }
        records.push(record);
    }
    let (kind, id) = subject(profile);
    let anchor = super::anchor::proof_for(conn, profile.id)?;
    let mut receipt_id = [0u8; 16];
    rand::fill(&mut receipt_id);
    let controller = json!({
        "@type": "dpv:DataController",
        "dct:title": controller.name,
        "dpv:hasContact": controller.contact,
    });
    let mut receipt = json!({
        "@context": {
            "dpv": "https://w3id.org/dpv#",
            "dct": "http://purl.org/dc/terms/",
            "assent": "https://w3id.org/assent/receipt#",
        },
        "@type": "dpv:ConsentReceipt",
        "assent:schema": SCHEMA,
        "dct:conformsTo": CONFORMS_TO,
        "dct:identifier": format!("rcpt_{}", crate::domain::token::hex(&receipt_id)),
        "dct:created": time(now),
        "dct:publisher": controller.clone(),
        "dpv:hasDataController": controller,
        "dpv:hasDataSubject": {
            "@type": "dpv:DataSubject",
            "dct:identifier": id,
            "assent:identifierKind": kind,
        },
        "dpv:hasConsentRecord": records,
    });
    // The person's chain head in the newest anchor, and the path to its root (docs/anchor.md).
    if let Some(proof) = anchor {
        receipt["assent:anchor"] = proof;
    }
    Ok(receipt)
}

pub use super::keys::{KeyError, key_set, public_keys, rotate, signing_key};

/// A signed receipt for the profile (the JWS), by the current key.
pub fn issue(
    conn: &mut DbConn,
    sealer: &Sealer,
    profile: &Profile,
    catalog: &[Agreement],
) -> Result<String, KeyError> {
    let key = signing_key(conn, sealer)?;
    let controller = Controller::of_this_organisation();
    // One snapshot: a change committed meanwhile is either wholly in the receipt or not at all.
    let content = crate::db::tx::read_snapshot(conn, |c| {
        build(c, profile, catalog, &controller, crate::db::now())
    })?;
    Ok(jws::sign(&key, TYPE, &content))
}

/// A staff member's copy of a live profile's receipt, audited as `profile.receipt` (who took whose
/// record); `None` for a profile that is gone or erased.
pub fn issue_for_staff(
    conn: &mut DbConn,
    sealer: &Sealer,
    profile_id: i64,
    catalog: &[Agreement],
    by: &crate::domain::Actor,
) -> Result<Option<String>, KeyError> {
    let Some(profile) = crate::db::models::profiles::find(conn, profile_id)? else {
        return Ok(None);
    };
    let token = issue(conn, sealer, &profile, catalog)?;
    write_tx(conn, |c| {
        crate::db::models::audit_log::record(
            c,
            by,
            "profile.receipt",
            &profile_id.to_string(),
            None,
        )
    })?;
    Ok(Some(token))
}

/// What checking a receipt found.
#[derive(Debug)]
pub struct Checked {
    pub kid: String,
    pub receipt_id: String,
    /// Events the receipt names, and how many of them the ledger still holds unchanged.
    pub events: usize,
    /// Each event no longer in the ledger as the receipt has it: (event id, agreement, what is wrong).
    pub missing: Vec<(i64, String, &'static str)>,
    /// The anchor proof's check, when the receipt carries one: which anchor, or what failed.
    pub anchor: Option<Result<String, String>>,
}

/// Checks a receipt's signature against every key ever used here and, event by event, that the ledger
/// still holds what it names with the same hash. The error says why it could not be checked at all.
pub fn verify(conn: &mut DbConn, token: &str) -> Result<Checked, String> {
    let keys = public_keys(conn).map_err(|e| format!("cannot read the receipt keys: {e}"))?;
    let verified = jws::verify(token, |kid| {
        keys.iter().find(|(k, _)| k == kid).map(|(_, v)| *v)
    })?;
    let receipt = &verified.payload;
    if receipt["assent:schema"] != SCHEMA {
        return Err(format!(
            "its content is not an Assent receipt ({} is {})",
            "assent:schema", receipt["assent:schema"]
        ));
    }
    let mut checked = Checked {
        kid: verified.kid,
        receipt_id: receipt["dct:identifier"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        events: 0,
        missing: Vec::new(),
        anchor: None,
    };
    let mut named = Vec::new();
    let records = receipt["dpv:hasConsentRecord"]
        .as_array()
        .ok_or("it lists no consent records")?;
    for r in records {
        let agreement = r["dct:identifier"].as_str().unwrap_or_default();
        for e in r["assent:events"].as_array().into_iter().flatten() {
            let (Some(id), Some(hash)) = (
                e["assent:eventId"].as_i64(),
                e["assent:ledgerHash"].as_str(),
            ) else {
                return Err(format!("an event of {agreement} has no id or hash"));
            };
            checked.events += 1;
            named.push((id, hash.to_string()));
            let stored = consent_events::hash_of(conn, id)
                .map_err(|e| format!("cannot read the ledger: {e}"))?;
            match stored {
                None => checked
                    .missing
                    .push((id, agreement.into(), "is no longer in the ledger")),
                Some(h) if h != hash => checked.missing.push((
                    id,
                    agreement.into(),
                    "has another hash in the ledger (it was changed)",
                )),
                Some(_) => {}
            }
        }
    }
    if let Some(proof) = receipt.get("assent:anchor") {
        checked.anchor = Some(super::anchor::check_proof(conn, proof, &named));
    }
    Ok(checked)
}
