//! `POST /integrations/{name}/webhook`: one profile or an array of them from a registered system,
//! authenticated as that integration is configured (`crate::integrations`), checked and applied like
//! the batch API's items, each change with the source `integration:<name>`.

use super::batch::{MAX_BODY, body_error, check_items, parse_json, profiles_in, require_json};
use super::wire::{self, WebhookAnswer};
use crate::consent::Meta;
use crate::db::models::integrations;
use crate::domain::Source;
use crate::integrations::events::{self, Incoming};
use crate::integrations::{Delivery, Done, Received, verify};
use crate::routes::edge::error::ApiError;
use crate::routes::edge::error::ErrorBody;
use crate::routes::edge::form::{declared_length, read_body};
use crate::routes::edge::unverified::{self, Refused};
use crate::routes::edge::{AppState, client_meta};
use actix_web::{HttpRequest, HttpResponse, web};

/// Deliver profiles or an event from a registered system
///
/// One profile or an array of them, in the batch endpoint's shape, or another Assent's outgoing event;
/// each change with the source `integration:<name>`. The request proves its sender the one way the
/// integration was registered with: a JWT (HS256, RS256 or ES256, `exp` required), an
/// `X-Hub-Signature-256` HMAC of the body, or Standard Webhooks headers. A message id (`jti`,
/// `webhook-id`) seen before with the same body is answered as the first time and applies nothing.
#[utoipa::path(
    post,
    path = "/integrations/{name}/webhook",
    operation_id = "deliver",
    tag = "integrations",
    params(("name" = String, Path, description = "The integration's name")),
    request_body(content = wire::WebhookBody),
    responses(
        (status = 202, description = "Applied, or applied before under this message id", body = WebhookAnswer),
        (status = 400, description = "Not JSON, or not a profile, an array of them or an event", body = ErrorBody),
        (status = 401, description = "Not proven to come from this integration", body = ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 404, description = "No active integration has this name", body = ErrorBody),
        (status = 409, description = "The message id came before with another body", body = ErrorBody),
        (status = 413, description = "Larger than 10 MiB", body = ErrorBody),
        (status = 415, description = "Not declared as application/json", body = ErrorBody),
        (status = 422, description = "An event Assent does not send, or more than 1,000 profiles", body = ErrorBody),
        (status = 503, description = "Busy or unavailable; retry later", body = ErrorBody,
            headers(("Retry-After" = u32, description = "Seconds to wait before retrying, when the error is `busy`"))),
    ),
    security(("integrationJwt" = []), ("hubSignature" = []), ("standardWebhooks" = []))
)]
pub async fn webhook(
    req: HttpRequest,
    name: web::Path<String>,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let integration = active(&state, &name, false).await?;
    require_json(&req)?;
    let (body, verified) = proven_body(&req, body, &state, &integration, MAX_BODY).await?;
    // Profiles in the batch API's shape, or another Assent's event.
    let value = parse_json(&body)?;
    let incoming = match events::read(&value) {
        Some(read) => read.map_err(ApiError::Invalid)?,
        None => Incoming::Profiles(profiles_in(value, true)?),
    };
    let (values, erase) = match incoming {
        Incoming::Profiles(values) => (values, None),
        Incoming::Erase(named) => (Vec::new(), Some(named)),
    };
    let (mut items, mut outcome) = check_items(&state, values).await?;
    crate::integrations::refuse_untimed(&verified, &mut items, &mut outcome.rejected);
    let (meta, actor) = sender(&req, &integration);
    let digest = crate::domain::sha256_hex(&body);
    let answer = state
        .db(move |c| {
            Ok(crate::integrations::receive(
                c,
                &integration,
                &verified,
                &digest,
                match &erase {
                    None => Delivery::Items(&items, outcome.rejected),
                    Some(named) => Delivery::Erase(named),
                },
                &meta,
                &actor,
                &worded,
            )?)
        })
        .await?;
    match answer {
        Received::Applied(body) | Received::Again(body) => Ok(HttpResponse::Accepted()
            .content_type("application/json")
            .body(body)),
        Received::Conflict => Err(ApiError::Conflict(format!(
            "Integration {name}: this message id (webhook-id or jti) was already used with another body; give each message its own id."
        ))),
    }
}

/// The active integration `name` that takes this route's deliveries (`sms`: text messages, else
/// profiles and events), or a 404 that says where its deliveries go.
pub(super) async fn active(
    state: &AppState,
    name: &str,
    sms: bool,
) -> Result<integrations::Integration, ApiError> {
    let n = name.to_string();
    let found = state
        .db(move |c| Ok(integrations::find(c, &n)?))
        .await?
        .filter(|i| i.disabled_at.is_none());
    Err(ApiError::NotFound(match found {
        Some(i) if i.auth.is_sms() == sms => return Ok(i),
        Some(_) if sms => format!(
            "{name} is not an SMS integration: its deliveries go to /integrations/{name}/webhook."
        ),
        Some(_) => {
            format!("{name} is an SMS integration: its messages go to /integrations/{name}/sms.")
        }
        None => format!("There is no active integration named {name:?}."),
    }))
}

/// How a delivery's changes are recorded (source `integration:NAME`, the sender's address) and who
/// they are audited as.
pub(super) fn sender(
    req: &HttpRequest,
    integration: &integrations::Integration,
) -> (Meta, crate::domain::Actor) {
    let meta = Meta::now(
        Source::Integration(integration.name.clone()),
        client_meta(req),
    );
    let actor = crate::domain::Actor {
        name: format!("integration:{}", integration.name),
        ip: meta.ip.clone(),
    };
    (meta, actor)
}

/// The body of a request (at most `limit` bytes) and what proves it came from `integration`. What the
/// headers can prove is proven before a byte of the body is read; a body that needs its signature
/// checked is held against the budget of unverified bodies while it arrives.
pub(super) async fn proven_body(
    req: &HttpRequest,
    body: web::Payload,
    state: &AppState,
    integration: &integrations::Integration,
    limit: usize,
) -> Result<(web::Bytes, verify::Verified), ApiError> {
    if declared_length(req).is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge(limit));
    }
    let refused = |why: String| {
        tracing::warn!(integration = %integration.name, reason = %why, "integration request refused");
        ApiError::Unauthorized(format!("Integration {}: {why}.", integration.name))
    };
    let key = state
        .sealer
        .open(&integration.key)
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    // The address as the sender called it: Twilio signs it.
    let url = format!("{}{}", state.composer.base_url, req.uri());
    let pending = verify::headers(
        integration.auth,
        &key,
        req.headers(),
        &url,
        crate::db::now(),
    )
    .map_err(refused)?;
    if !pending.needs_body() {
        let body = read_body(req, body, limit).await.map_err(body_error)?;
        return Ok((body, pending.finish().map_err(refused)?));
    }
    unverified::read(req, body, limit, pending, &state.unverified)
        .await
        .map_err(|e| match e {
            Refused::Body(e) => body_error(e),
            Refused::Busy => ApiError::Busy(
                "Too many unverified requests are arriving at once; retry in a few seconds.".into(),
            ),
            Refused::Unproven(why) => refused(why),
        })
}

impl unverified::Check for verify::Pending {
    type Verdict = verify::Verified;
    fn update(&mut self, chunk: &[u8]) {
        verify::Pending::update(self, chunk)
    }
    fn finish(self) -> Result<verify::Verified, String> {
        verify::Pending::finish(self)
    }
}

/// A delivery's answer as JSON.
fn worded(done: Done<'_>) -> String {
    let answer = match done {
        Done::Items(outcome) => WebhookAnswer::Batch(wire::BatchAnswer::of(outcome)),
        Done::Erased(erased) => WebhookAnswer::Erasure(wire::ErasureAnswer {
            accepted: 1,
            erased: u8::from(erased),
        }),
        // Never asked for here (`/sms` has its own answers).
        Done::Sms => return String::new(),
    };
    serde_json::to_string(&answer).expect("an answer is JSON")
}
