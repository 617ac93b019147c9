//! Turns an outbox row into a message. Rows hold references (an opt-in request's uid, a profile id),
//! never a usable token; links are re-derived here with the secret key.

use crate::consent::optin::{self, Requested};
use crate::db::DbConn;
use crate::db::models::{agreements, optin_requests, outbox::Claimed, profiles};
use crate::domain::{EmailKind, LinkKind, Signer};
use askama::Template;
use lettre::Message;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

#[derive(Clone)]
pub struct Composer {
    pub base_url: String,
    pub from: Mailbox,
    pub signer: Signer,
    pub optin_ttl_hours: i64,
    pub dkim: Option<super::dkim::Dkim>,
    /// Opens the receipt signing key, for the consent record attached to a `receipt` email.
    pub sealer: crate::domain::Sealer,
}

/// What every email template can show.
pub struct EmailView {
    /// The email's language: the request's for a confirmation, else the profile's saved one.
    pub t: crate::i18n::Lang,
    pub name: Option<String>,
    pub confirm_url: String,
    pub preferences_url: String,
    pub unsubscribe_url: String,
    pub agreements: Vec<Requested>,
    pub ttl_hours: i64,
}

macro_rules! email_templates {
    ($($subject:ident = $s:literal, $text:ident = $t:literal, $html:ident = $h:literal;)*) => {$(
        #[derive(Template)]
        #[template(path = $s)]
        #[allow(dead_code)] // subjects may not use every field
        struct $subject<'a> { v: &'a EmailView }
        #[derive(Template)]
        #[template(path = $t)]
        struct $text<'a> { v: &'a EmailView }
        #[derive(Template)]
        #[template(path = $h)]
        struct $html<'a> { v: &'a EmailView }
    )*};
}

email_templates! {
    ConfirmSubject = "email/confirm/subject.txt", ConfirmText = "email/confirm/body.txt", ConfirmHtml = "email/confirm/body.html";
    AlreadySubject = "email/already_subscribed/subject.txt", AlreadyText = "email/already_subscribed/body.txt", AlreadyHtml = "email/already_subscribed/body.html";
    PrefsSubject = "email/preferences_link/subject.txt", PrefsText = "email/preferences_link/body.txt", PrefsHtml = "email/preferences_link/body.html";
    ReceiptSubject = "email/receipt/subject.txt", ReceiptText = "email/receipt/body.txt", ReceiptHtml = "email/receipt/body.html";
}

/// A composed email, plus the link a developer without a mail server needs.
pub struct Composed {
    pub message: Message,
    pub link: String,
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

impl Composer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub fn unsubscribe_url(&self, profile_id: i64, agreement_ids: &[i64]) -> String {
        self.url(&format!(
            "/unsubscribe/{}",
            self.signer
                .link(LinkKind::Unsubscribe, profile_id, agreement_ids)
        ))
    }

    pub fn preferences_url(&self, profile_id: i64) -> String {
        self.url(&format!(
            "/preferences/{}",
            self.signer.link(LinkKind::Preferences, profile_id, &[])
        ))
    }

    /// `Ok(None)`: the row leads to no email (a preference link asked for an unknown address, or a
    /// request or profile that no longer exists).
    /// What a row's email is about: the profile, the agreements it asks for or names, the confirmation
    /// link, the language it was asked in. `None`: nothing is to be sent (the request or the allowance
    /// is gone).
    fn about(&self, conn: &mut DbConn, row: &Claimed) -> anyhow::Result<Option<About>> {
        let payload: serde_json::Value = serde_json::from_str(&row.payload)?;
        let kind = EmailKind::parse(&row.kind).map_err(|e| anyhow::anyhow!(e))?;
        let (profile, agreements, confirm_url, language) = match kind {
            EmailKind::Confirm => {
                let uid = payload["uid"].as_str().unwrap_or_default();
                let Some(request) = optin_requests::find_by_uid(conn, uid)? else {
                    return Ok(None);
                };
                let token = self.signer.optin_token(uid);
                let agreements = optin::requested(conn, &request)?;
                (
                    profiles::find(conn, request.profile_id)?,
                    agreements,
                    self.url(&format!("/confirm/{token}")),
                    Some(request.language),
                )
            }
            EmailKind::AlreadySubscribed => {
                let id = payload["profile_id"].as_i64().unwrap_or_default();
                let wanted: Vec<i64> = payload["agreements"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_i64())
                    .collect();
                // Each text as a page in the profile's language shows it.
                let language = optin_requests::latest_language(conn, id)?;
                let t = crate::i18n::negotiate(None, language.as_deref(), None);
                let agreements = agreements::all(conn)?
                    .into_iter()
                    .filter(|a| wanted.contains(&a.id))
                    .map(|a| {
                        let w = a.wording_in(t.code());
                        Requested {
                            id: a.id,
                            title: a.title_in(t.code()).to_string(),
                            language: w.language,
                            text: w.text,
                            gpc: a.gpc,
                        }
                    })
                    .collect();
                (
                    profiles::find(conn, id)?,
                    agreements,
                    String::new(),
                    language,
                )
            }
            // Over the address's allowance of form emails: nothing is sent.
            EmailKind::PreferencesLink if payload["send"] == false => return Ok(None),
            EmailKind::PreferencesLink => (
                profiles::find_by_email(conn, &row.recipient)?,
                Vec::new(),
                String::new(),
                None,
            ),
            EmailKind::Receipt => (
                profiles::find(conn, payload["profile_id"].as_i64().unwrap_or_default())?,
                Vec::new(),
                String::new(),
                None,
            ),
        };
        Ok(Some(About {
            kind,
            profile,
            agreements,
            confirm_url,
            language,
        }))
    }

    pub fn compose(&self, conn: &mut DbConn, row: &Claimed) -> anyhow::Result<Option<Composed>> {
        let Some(About {
            kind,
            profile,
            agreements,
            confirm_url,
            language,
        }) = self.about(conn, row)?
        else {
            return Ok(None);
        };
        let Some(profile) = profile else {
            return Ok(None);
        };
        let Some(email) = profile.email.clone() else {
            return Ok(None);
        };
        // A name typed into a public form is only used once its address is confirmed: before that it may be
        // a stranger's words, addressed to someone else's inbox.
        let name = profile
            .first_name
            .clone()
            .filter(|_| profile.email_confirmed_at.is_some());
        let ids: Vec<i64> = agreements.iter().map(|a| a.id).collect();
        let language = match language {
            Some(l) => Some(l),
            None => optin_requests::latest_language(conn, profile.id)?,
        };
        let view = EmailView {
            t: crate::i18n::negotiate(None, language.as_deref(), None),
            name: name.clone(),
            confirm_url,
            preferences_url: self.preferences_url(profile.id),
            unsubscribe_url: self.unsubscribe_url(profile.id, &ids),
            agreements,
            ttl_hours: self.optin_ttl_hours,
        };
        let v = &view;
        let (subject, text, html, link) = texts(kind, v)?;
        let to = Mailbox::new(name, email.parse()?);
        let body = MultiPart::alternative_plain_html(text, html);
        // The consent record, signed when the email is made (from the ledger as it stands then).
        let body = if kind == EmailKind::Receipt {
            let catalog = agreements::all(conn)?;
            let token = crate::consent::receipt::issue(conn, &self.sealer, &profile, &catalog)?;
            let id = crate::domain::jws::payload(&token)
                .and_then(|p| p["dct:identifier"].as_str().map(String::from))
                .unwrap_or_else(|| "receipt".into());
            MultiPart::mixed().multipart(body).singlepart(
                lettre::message::Attachment::new(format!("consent-record-{id}.jws"))
                    .body(token, "application/jose".parse()?),
            )
        } else {
            body
        };
        let mut message = Message::builder()
            .message_id(Some(format!(
                "<assent.{}@{}>",
                self.signer.message_id(row.id, row.created_at),
                self.from.email.domain()
            )))
            .from(self.from.clone())
            .to(to)
            .subject(subject.trim())
            .header(ListUnsubscribe(format!("<{}>", view.unsubscribe_url)))
            .header(ListUnsubscribePost)
            .multipart(body)?;
        if let Some(dkim) = &self.dkim {
            dkim.sign(&mut message);
        }
        Ok(Some(Composed {
            message,
            link: link.clone(),
        }))
    }
}

/// An email's subject, plain text, HTML and main link, by its kind.
fn texts<'v>(
    kind: EmailKind,
    v: &'v EmailView,
) -> anyhow::Result<(String, String, String, &'v String)> {
    Ok(match kind {
        EmailKind::Confirm => (
            ConfirmSubject { v }.render()?,
            ConfirmText { v }.render()?,
            ConfirmHtml { v }.render()?,
            &v.confirm_url,
        ),
        EmailKind::AlreadySubscribed => (
            AlreadySubject { v }.render()?,
            AlreadyText { v }.render()?,
            AlreadyHtml { v }.render()?,
            &v.preferences_url,
        ),
        EmailKind::PreferencesLink => (
            PrefsSubject { v }.render()?,
            PrefsText { v }.render()?,
            PrefsHtml { v }.render()?,
            &v.preferences_url,
        ),
        EmailKind::Receipt => (
            ReceiptSubject { v }.render()?,
            ReceiptText { v }.render()?,
            ReceiptHtml { v }.render()?,
            &v.preferences_url,
        ),
    })
}

/// What an email is about (see `Composer::about`).
struct About {
    kind: EmailKind,
    profile: Option<profiles::Profile>,
    agreements: Vec<Requested>,
    confirm_url: String,
    language: Option<String>,
}
