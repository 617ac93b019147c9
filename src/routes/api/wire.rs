//! What the JSON API receives and answers, as types. The handlers build their answers from these structs
//! and the OpenAPI description (`doc.rs`) is derived from the same structs, so the two cannot disagree.
//! Request bodies are read item by item from JSON (each item refused on its own, `consent::batch::parse`);
//! their types here describe that shape, and a unit test holds them to the parser's field list.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A profile with its current consents.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[schema(required = true)]
    pub email: Option<String>,
    /// The identifier another system knows the person by.
    #[schema(required = true)]
    pub custom_id: Option<String>,
    /// Synerise's identifier of the person, lower case.
    #[schema(
        required = true,
        pattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub uuid: Option<String>,
    /// In E.164 (`+48601234567`); a number stored before phones were identifiers keeps the notation
    /// it was written in (without `+`) until it is next written.
    #[schema(required = true)]
    pub phone: Option<String>,
    #[schema(required = true)]
    pub first_name: Option<String>,
    #[schema(required = true)]
    pub last_name: Option<String>,
    /// The standard fields (Synerise's profile shape), each `null` until given.
    #[serde(flatten)]
    pub details: DetailsOut,
    /// Whether the person confirmed the email address (double opt-in).
    pub email_confirmed: bool,
    /// The profile's own attributes, and each agreement's current value under its key
    /// (`"newsletter_agreement": "enabled"`).
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
    /// Agreements given on a form and waiting for the email confirmation.
    pub pending_agreements: Vec<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: String,
    /// The last change of the profile's fields or consents.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: String,
}

/// The standard fields of a profile besides its names (Synerise's profile shape), as the API answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DetailsOut {
    #[schema(required = true)]
    pub display_name: Option<String>,
    #[schema(required = true)]
    pub company: Option<String>,
    #[schema(required = true)]
    pub address: Option<String>,
    #[schema(required = true)]
    pub city: Option<String>,
    #[schema(required = true)]
    pub province: Option<String>,
    #[schema(required = true)]
    pub zip_code: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    #[schema(required = true, pattern = "^[A-Z]{2}$")]
    pub country_code: Option<String>,
    #[schema(required = true, format = Date)]
    pub birth_date: Option<String>,
    #[schema(required = true, value_type = Option<Sex>)]
    pub sex: Option<String>,
    #[schema(required = true)]
    pub avatar_url: Option<String>,
    #[schema(required = true)]
    pub anonymous: Option<bool>,
    #[schema(required = true)]
    pub tags: Option<Vec<String>>,
}

impl From<crate::domain::details::Details> for DetailsOut {
    fn from(d: crate::domain::details::Details) -> Self {
        DetailsOut {
            display_name: d.display_name,
            company: d.company,
            address: d.address,
            city: d.city,
            province: d.province,
            zip_code: d.zip_code,
            country_code: d.country_code,
            birth_date: d.birth_date,
            sex: d.sex,
            avatar_url: d.avatar_url,
            anonymous: d.anonymous,
            tags: d.tags,
        }
    }
}

/// How Synerise records a person's sex.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)] // a description of `domain::details::SEXES`
pub enum Sex {
    Female,
    Male,
    NotSpecified,
    Other,
}

/// Whether an agreement is given.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Enabled,
    Disabled,
}

/// One event of a profile's ledger: a change of one agreement, as recorded in the hash chain.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    /// The agreement's key.
    pub agreement: String,
    #[schema(value_type = State)]
    pub value: String,
    /// The value before this change (`disabled` when it had never been given).
    #[schema(value_type = State)]
    pub previous: String,
    /// The version of the agreement's wording the person saw.
    pub version: i32,
    /// Who or what made the change: `form`, `confirmation`, `one_click`, `gpc`, `api:<key>`, `integration:<name>`, …
    pub source: String,
    /// When the person made the change (as the sender reported it, for the API and imports).
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: String,
    /// The address the change came from, where it came from a browser or a caller.
    #[schema(required = true)]
    pub ip: Option<String>,
    #[schema(required = true)]
    pub user_agent: Option<String>,
    /// The language of the wording the person saw.
    #[schema(required = true)]
    pub language: Option<String>,
    /// A staff member's reason for the change, or an imported withdrawal's (Mailchimp's `UNSUB_REASON`).
    #[schema(required = true)]
    pub reason: Option<String>,
    /// The tool the event was imported from: `mailchimp`, `listmonk` or `synerise`.
    #[schema(required = true)]
    pub origin: Option<String>,
    /// The request that made the change carried Global Privacy Control (`Sec-GPC: 1`).
    pub gpc: bool,
    /// This event's SHA-256 in the profile's hash chain (hex).
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub hash: String,
}

/// What became of a batch: counts of the accepted items, and the refused and stale ones by index.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchAnswer {
    /// Items applied: created + updated + unchanged.
    pub accepted: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<Rejected>,
    /// Changes not applied because the profile already holds a later one for that agreement.
    pub stale: Vec<Stale>,
}

/// An item refused, and what to fix.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rejected {
    /// The item's position in the request, from 0.
    pub index: usize,
    /// What is wrong with it, and what to fix.
    pub error: String,
}

/// A change older than the profile's latest for that agreement.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stale {
    /// The item's position in the request, from 0.
    pub index: usize,
    /// The agreement whose change was not applied.
    pub agreement: String,
}

/// What became of another Assent's `profile.erased`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureAnswer {
    #[schema(minimum = 1, maximum = 1)]
    pub accepted: u8,
    /// 1 when a profile was erased here, 0 when there was none (already erased, or never sent).
    #[schema(minimum = 0, maximum = 1)]
    pub erased: u8,
}

/// The answer to an integration's delivery: a batch's, or an erasure's.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum WebhookAnswer {
    Batch(BatchAnswer),
    Erasure(ErasureAnswer),
}

impl BatchAnswer {
    /// The answer for an outcome, its items in index order.
    pub fn of(done: &mut crate::consent::batch::Outcome) -> BatchAnswer {
        done.rejected.sort_by_key(|(i, _)| *i);
        BatchAnswer {
            accepted: done.accepted(),
            created: done.created,
            updated: done.updated,
            unchanged: done.unchanged,
            rejected: done
                .rejected
                .iter()
                .map(|(index, error)| Rejected {
                    index: *index,
                    error: error.clone(),
                })
                .collect(),
            stale: done
                .stale
                .iter()
                .map(|(index, agreement)| Stale {
                    index: *index,
                    agreement: agreement.clone(),
                })
                .collect(),
        }
    }
}

/// A profile as another system sends it (Synerise's shape). Give an `email`, a `customId` or a `phone`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)] // a description of what `consent::batch::parse` reads
pub struct ProfileIn {
    #[schema(format = Email)]
    pub email: Option<String>,
    #[schema(max_length = 200)]
    pub custom_id: Option<String>,
    /// Synerise's identifier of the person (any case; kept in lower case). Unique like email and
    /// customId: those an item gives must all name the same profile.
    #[schema(
        pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    )]
    pub uuid: Option<String>,
    /// A phone number in any common notation (`+48 601 234 567`, `0048…`, `tel:+48…`; without `+`, a
    /// number of `ASSENT_DEFAULT_PHONE_REGION`), stored in E.164. A number only names a profile when
    /// the item gives no email or customId and exactly one profile holds it; beside either, it must be
    /// that profile's number or nobody's.
    #[schema(max_length = 40, pattern = r"^(?:[tT][eE][lL]:)?[0-9 +\-().\/]*$")]
    pub phone: Option<String>,
    #[schema(max_length = 200)]
    pub first_name: Option<String>,
    #[schema(max_length = 200)]
    pub last_name: Option<String>,
    #[schema(max_length = 200)]
    pub display_name: Option<String>,
    #[schema(max_length = 200)]
    pub company: Option<String>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
    #[schema(max_length = 100)]
    pub city: Option<String>,
    #[schema(max_length = 100)]
    pub province: Option<String>,
    #[schema(max_length = 20)]
    pub zip_code: Option<String>,
    /// ISO 3166-1 alpha-2 (any case; kept in upper case).
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country_code: Option<String>,
    /// `YYYY-MM-DD`, from 1900 to today.
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    #[schema(value_type = Option<Sex>)]
    pub sex: Option<String>,
    /// An http or https address.
    #[schema(max_length = 2000)]
    pub avatar_url: Option<String>,
    pub anonymous: Option<bool>,
    /// At most 100, each one line of at most 64 characters; duplicates are dropped.
    pub tags: Option<Vec<String>>,
    /// The agreements by channel: `email` sets `newsletter_agreement`, `sms` `sms_agreement`, `push`
    /// `push_agreement`; Synerise's `webPush`, `bluetooth`, `rfid` and `wifi` set `webpush_agreement`,
    /// `bluetooth_agreement`, `rfid_agreement` and `wifi_agreement` where such an agreement exists
    /// (else the item is refused, naming the agreement to create).
    pub agreements: Option<Channels>,
    /// The profile's attributes (a `null` removes one). A key that is an agreement's sets that agreement:
    /// `"enabled"`, `"disabled"`, `true` or `false`.
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<Map<String, Value>>,
    /// When the person gave these consents, if not now (RFC 3339); a change older than the profile's
    /// latest for that agreement is reported as stale and not applied.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub consented_at: Option<String>,
}

/// A text message as Twilio relays it (its inbound message webhook; other fields it sends are ignored).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // a description of what `routes::api::sms` reads from the form
pub struct TwilioSms {
    /// The sender's number, E.164
    #[schema(rename = "From")]
    pub from: String,
    /// The number it was sent to
    #[schema(rename = "To")]
    pub to: String,
    /// The text: a keyword such as STOP or START
    #[schema(rename = "Body")]
    pub body: String,
    /// Twilio's id of the message
    #[schema(rename = "MessageSid")]
    pub message_sid: String,
}

/// A text message as another gateway relays it, signed per Standard Webhooks.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SmsIn {
    /// The sender's number (`+48 601 234 567`; without `+`, of `ASSENT_DEFAULT_PHONE_REGION`)
    pub from: String,
    /// The number it was sent to
    pub to: Option<String>,
    /// The text: a keyword such as STOP or START
    pub body: Option<String>,
    /// The gateway's id of the message: the same id twice is one message
    #[schema(max_length = 200)]
    pub id: String,
}

/// The default agreements by channel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Channels {
    pub email: Option<bool>,
    pub sms: Option<bool>,
    pub push: Option<bool>,
    #[serde(rename = "webPush")]
    #[schema(rename = "webPush")]
    pub web_push: Option<bool>,
    pub bluetooth: Option<bool>,
    pub rfid: Option<bool>,
    pub wifi: Option<bool>,
}

/// Another Assent's outgoing webhook event, so one Assent can feed another.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct AssentEvent {
    /// `consent.changed`, `profile.created`, `profile.updated`, `profile.erased`, `ledger.anchored`
    /// (accepted, nothing applied) or `webhook.test`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the sender emitted the event.
    #[schema(value_type = String, format = DateTime)]
    pub timestamp: String,
    /// The event's payload, as Assent's outgoing webhooks send it (docs/reference.md).
    #[schema(value_type = Object)]
    pub data: Map<String, Value>,
}

/// What an integration may deliver: one profile, an array of them, or another Assent's event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum WebhookBody {
    Profile(ProfileIn),
    Profiles(Vec<ProfileIn>),
    Event(AssentEvent),
}
