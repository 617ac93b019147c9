//! The OpenAPI 3.1 description of the JSON API, at `GET /api/openapi.json`: derived from the handlers'
//! annotations and the answer types they build (`wire`), and the router registers each API route at the
//! path and method its annotation gives (`super::routes`), so the description lists what is served.

use super::{batch, exports, integrations, profiles, sms, wire};
use crate::routes::edge::error::{ErrorBody, ErrorCode};
use actix_web::HttpResponse;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Assent API",
        description = "Profiles and their consents in and out of Assent, the self-hosted consent and agreements hub. \
            Errors are JSON: `{\"error\": code, \"message\": what to fix}`. Times are RFC 3339, UTC.",
    ),
    paths(
        batch::post,
        integrations::webhook,
        sms::sms,
        profiles::get,
        profiles::consents,
        profiles::find_one,
        profiles::find_ledger,
        profiles::receipt,
        profiles::find_receipt,
        exports::profiles_csv,
        openapi_json,
    ),
    components(schemas(ErrorBody, ErrorCode, wire::State)),
    modifiers(&Schemes),
    tags(
        (name = "profiles", description = "Profiles and consents, read and written with an API key"),
        (name = "integrations", description = "Deliveries from registered systems, proven by signature"),
        (name = "exports", description = "Profiles as CSV"),
        (name = "meta", description = "This description"),
    )
)]
pub struct ApiDoc;

/// The ways a caller proves who it is.
struct Schemes;

impl utoipa::Modify for Schemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |format: Option<&str>, about: &str| {
            let mut http = Http::new(HttpAuthScheme::Bearer);
            http.bearer_format = format.map(String::from);
            http.description = Some(about.into());
            SecurityScheme::Http(http)
        };
        components.add_security_scheme(
            "apiKey",
            bearer(
                None,
                "An API key made with `assent apikey create` or on the dashboard's API keys page.",
            ),
        );
        components.add_security_scheme(
            "integrationJwt",
            bearer(
                Some("JWT"),
                "A JWT signed for the integration (HS256 with its shared secret, RS256 or ES256 with its key pair); `exp` required, `jti` makes retries safe.",
            ),
        );
        let header = |name: &str, about: &str| {
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(name, about)))
        };
        components.add_security_scheme(
            "hubSignature",
            header(
                "X-Hub-Signature-256",
                "`sha256=` and the hex HMAC-SHA256 of the body with the integration's shared secret.",
            ),
        );
        components.add_security_scheme(
            "standardWebhooks",
            header(
                "webhook-signature",
                "Standard Webhooks 1.0: `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64>` with the integration's `whsec_` secret.",
            ),
        );
        components.add_security_scheme(
            "twilioSignature",
            header(
                "X-Twilio-Signature",
                "Twilio's request signature: the base64 HMAC-SHA1, with the account's auth token, of the URL Twilio called (`ASSENT_BASE_URL` and the path) followed by each form parameter's name and value, sorted by name.",
            ),
        );
    }
}

/// This description
///
/// The OpenAPI 3.1 description of every JSON API route.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "getOpenApi",
    tag = "meta",
    responses((status = 200, description = "This document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

/// The description, made once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}
