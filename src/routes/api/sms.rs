//! `POST /integrations/{name}/sms`: a text message a person sent to an SMS integration's number,
//! relayed by Twilio (a form signed with `X-Twilio-Signature`) or another gateway (JSON signed per
//! Standard Webhooks). Its keyword is heard by `consent::sms`; each message id is applied once.

use super::integrations::{active, proven_body, sender};
use super::wire::{SmsIn, TwilioSms};
use crate::consent::sms::Keyword;
use crate::domain::IntegrationAuth;
use crate::integrations::{Delivery, Received};
use crate::routes::edge::AppState;
use crate::routes::edge::error::{ApiError, ErrorBody};
use actix_web::{HttpRequest, HttpResponse, web};

/// A text message is small; Twilio's form with every optional field is well under this.
const MAX_MESSAGE: usize = 64 * 1024;
/// Twilio's answer: an empty TwiML document (no reply is sent; Twilio's own STOP handling, if on,
/// answers the person).
const TWIML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

/// Receive a text message (SMS keywords)
///
/// STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or QUIT withdraws every `sms` agreement of every profile
/// with the sender's number (source `sms:stop`; an unknown number gets a profile of its own, so no
/// older import can enable SMS for it). START, UNSTOP or YES enables again exactly what the last STOP
/// withdrew (`sms:start`). Anything else (HELP included) changes nothing. Twilio's form is proven by
/// `X-Twilio-Signature` over `ASSENT_BASE_URL` and the path; the generic JSON by Standard Webhooks
/// headers. A message id seen before with the same content is answered the same and recorded once.
#[utoipa::path(
    post,
    path = "/integrations/{name}/sms",
    operation_id = "receiveSms",
    tag = "integrations",
    params(("name" = String, Path, description = "The SMS integration's name")),
    request_body(content(
        (TwilioSms = "application/x-www-form-urlencoded"),
        (SmsIn = "application/json"),
    )),
    responses(
        (status = 200, description = "Twilio: heard; an empty TwiML answer", content_type = "text/xml", body = String),
        (status = 204, description = "Generic: heard"),
        (status = 400, description = "Not a form (Twilio) or JSON (generic), or a field missing or not a phone number", body = ErrorBody),
        (status = 401, description = "Not proven to come from this integration", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 404, description = "No active SMS integration has this name", body = ErrorBody),
        (status = 409, description = "The message id came before with another content", body = ErrorBody),
        (status = 413, description = "Larger than 64 KiB", body = ErrorBody),
        (status = 415, description = "Not the integration's content type", body = ErrorBody),
        (status = 503, description = "Busy or unavailable; retry later", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying, when the error is `busy`"))),
    ),
    security(("twilioSignature" = []), ("standardWebhooks" = []))
)]
pub async fn sms(
    req: HttpRequest,
    name: web::Path<String>,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let integration = active(&state, &name, true).await?;
    let twilio = integration.auth == IntegrationAuth::TwilioSms;
    let wanted = if twilio {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    if !super::batch::content_type_is(&req, wanted) {
        return Err(ApiError::WrongType(format!(
            "Integration {name} takes its messages as {wanted}."
        )));
    }
    let (body, _) = proven_body(&req, body, &state, &integration, MAX_MESSAGE).await?;
    let message = if twilio {
        from_twilio(&body)
    } else {
        from_json(&body)
    }
    .map_err(ApiError::Malformed)?;
    let phone = crate::domain::phone::normalise(&message.from, state.phone_region)
        .map_err(|e| ApiError::Malformed(format!("from: {e}")))?;
    let keyword = Keyword::of(&message.body);
    let (verified, digest) =
        crate::integrations::sms_replay(&message.id, &phone, &message.to, &message.body);
    let (meta, actor) = sender(&req, &integration);
    let received = state
        .db(move |c| {
            Ok(crate::integrations::receive(
                c,
                &integration,
                &verified,
                &digest,
                Delivery::Sms {
                    phone: &phone,
                    keyword,
                    message_id: &message.id,
                },
                &meta,
                &actor,
                &|_| String::new(),
            )?)
        })
        .await?;
    match received {
        Received::Applied(_) | Received::Again(_) if twilio => Ok(HttpResponse::Ok()
            .content_type("text/xml; charset=utf-8")
            .body(TWIML)),
        Received::Applied(_) | Received::Again(_) => Ok(HttpResponse::NoContent().finish()),
        Received::Conflict => Err(ApiError::Conflict(format!(
            "Integration {name}: this message id was already used with another message; give each message its own id."
        ))),
    }
}

/// A message as the route needs it, whichever gateway sent it.
struct Message {
    from: String,
    to: String,
    body: String,
    id: String,
}

/// Twilio's form: `From`, `To`, `Body`, `MessageSid` (and many more, ignored).
fn from_twilio(body: &[u8]) -> Result<Message, String> {
    let mut m = Message {
        from: String::new(),
        to: String::new(),
        body: String::new(),
        id: String::new(),
    };
    for (k, v) in form_urlencoded::parse(body) {
        match k.as_ref() {
            "From" => m.from = v.into_owned(),
            "To" => m.to = v.into_owned(),
            "Body" => m.body = v.into_owned(),
            "MessageSid" => m.id = v.into_owned(),
            _ => {}
        }
    }
    check(m, "From", "MessageSid")
}

/// The generic JSON: `{"from", "to", "body", "id"}`.
fn from_json(body: &[u8]) -> Result<Message, String> {
    let m: SmsIn = serde_json::from_slice(body).map_err(|e| {
        format!("The body must be JSON {{\"from\", \"to\", \"body\", \"id\"}} (strings): {e}.")
    })?;
    check(
        Message {
            from: m.from,
            to: m.to.unwrap_or_default(),
            body: m.body.unwrap_or_default(),
            id: m.id,
        },
        "from",
        "id",
    )
}

fn check(m: Message, from: &str, id: &str) -> Result<Message, String> {
    if m.from.trim().is_empty() {
        return Err(format!("{from} is missing: the sender's phone number."));
    }
    if m.id.trim().is_empty() || m.id.len() > 200 {
        return Err(format!(
            "{id} is missing or longer than 200 characters: the message's id."
        ));
    }
    Ok(m)
}
