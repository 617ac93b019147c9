//! How an incoming integration proves its requests, as stored (a typed column: a row holding anything
//! else fails to load instead of being verified some other way).

/// The one way an integration's requests are proven, fixed when it is added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum IntegrationAuth {
    /// A JWT signed with HS256 and a shared secret.
    Hs256,
    /// A JWT signed with RS256; the sender's RSA public key is stored.
    Rs256,
    /// A JWT signed with ES256; the sender's P-256 public key is stored.
    Es256,
    /// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` with a shared secret.
    HmacSha256,
    /// Standard Webhooks 1.0 signatures with a `whsec_` secret.
    StandardWebhooks,
    /// Twilio's inbound SMS webhook, `X-Twilio-Signature` made with the account's auth token.
    TwilioSms,
    /// Inbound SMS as JSON `{"from", "to", "body", "id"}`, signed per Standard Webhooks.
    SmsStandardWebhooks,
}

impl IntegrationAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationAuth::Hs256 => "hs256",
            IntegrationAuth::Rs256 => "rs256",
            IntegrationAuth::Es256 => "es256",
            IntegrationAuth::HmacSha256 => "hmac_sha256",
            IntegrationAuth::StandardWebhooks => "standard_webhooks",
            IntegrationAuth::TwilioSms => "twilio_sms",
            IntegrationAuth::SmsStandardWebhooks => "sms_standard_webhooks",
        }
    }

    /// Receives text messages at `/integrations/NAME/sms` (and nothing at `/webhook`).
    pub fn is_sms(self) -> bool {
        matches!(
            self,
            IntegrationAuth::TwilioSms | IntegrationAuth::SmsStandardWebhooks
        )
    }

    pub fn parse(raw: &str) -> Result<IntegrationAuth, String> {
        Ok(match raw {
            "hs256" => IntegrationAuth::Hs256,
            "rs256" => IntegrationAuth::Rs256,
            "es256" => IntegrationAuth::Es256,
            "hmac_sha256" => IntegrationAuth::HmacSha256,
            "standard_webhooks" => IntegrationAuth::StandardWebhooks,
            "twilio_sms" => IntegrationAuth::TwilioSms,
            "sms_standard_webhooks" => IntegrationAuth::SmsStandardWebhooks,
            other => {
                return Err(format!(
                    "{other:?} is not a way an integration authenticates (hs256, rs256, es256, hmac_sha256, standard_webhooks, twilio_sms, sms_standard_webhooks)"
                ));
            }
        })
    }
}

super::column::stored_as_text!(IntegrationAuth);
