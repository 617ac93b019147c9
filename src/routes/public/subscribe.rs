use super::forms::SignupFields;
use crate::consent::signup::Signup;
use crate::db::models::agreements::Agreement;
use crate::i18n::{Lang, accept_language, negotiate};
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form, client_meta, sends_gpc};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template, Default)]
#[template(path = "public/subscribe.html")]
struct SubscribePage {
    agreements: Vec<Agreement>,
    /// The `agreements=` list the form was opened with, kept so a re-rendered form shows the same set.
    listed: String,
    /// The page's language.
    t: Lang,
    email: String,
    name: String,
    ticked: Vec<String>,
    email_error: Option<String>,
    name_error: Option<String>,
    agreement_error: Option<String>,
    /// The browser sends Global Privacy Control: agreements flagged for it carry a note.
    gpc: bool,
}

impl SubscribePage {
    fn is_ticked(&self, key: &str) -> bool {
        self.ticked.iter().any(|k| k == key)
    }

    fn has_errors(&self) -> bool {
        self.email_error.is_some() || self.name_error.is_some() || self.agreement_error.is_some()
    }
}

#[derive(Template)]
#[template(path = "public/subscribed.html")]
struct SubscribedPage {
    t: Lang,
    email: String,
    again_url: String,
}

/// The active agreements named in `agreements=K1,K2` (default: the newsletter), in that order.
fn listed(all: &[Agreement], keys: &str, t: &Lang) -> Result<Vec<Agreement>, PageError> {
    let keys = if keys.trim().is_empty() {
        "newsletter_agreement"
    } else {
        keys
    };
    let not_found = |message, value: Option<&str>| {
        let mut page =
            crate::routes::edge::error::PublicError::new(404, t, "err-not-found", message);
        page.value = value.map(|v| v.chars().take(70).collect());
        PageError::Public(page)
    };
    let mut out = Vec::new();
    for key in keys.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        match all.iter().find(|a| a.key == key) {
            Some(a) if a.active() => {
                if !out.iter().any(|o: &Agreement| o.id == a.id) {
                    out.push(a.clone())
                }
            }
            Some(_) => {}
            None => return Err(not_found("err-agreement-unknown-link", Some(key))),
        }
    }
    if out.is_empty() {
        return Err(not_found("err-agreements-ended", None));
    }
    Ok(out)
}

/// The blank form is the same for everyone who reads that language: it is rendered once per catalog
/// snapshot, query string, language and Global Privacy Control signal.
pub async fn form(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let all = state.catalog.get().await?;
    let query = Form::parse(req.query_string().as_bytes());
    let t = negotiate(query.get("lang"), None, accept_language(&req));
    let gpc = sends_gpc(&req);
    let key = format!("{}#{}#{gpc}", req.query_string(), t.code());
    let body = match all.cached_page(&key) {
        Some(body) => body,
        None => {
            let list = query.get("agreements").unwrap_or("").to_string();
            let page = SubscribePage {
                agreements: listed(&all, &list, &t)?,
                listed: list,
                t,
                gpc,
                ..Default::default()
            };
            let body =
                web::Bytes::from(page.render().map_err(|e| PageError::Unexpected(e.into()))?);
            all.keep_page(&key, body.clone());
            body
        }
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // The page differs with the signal: a cache in between must keep both.
        .insert_header((actix_web::http::header::VARY, "Sec-GPC"))
        .body(body))
}

pub async fn submit(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let fields: SignupFields = Form::read(&req, body).await?.decode()?;
    let all = state.catalog.get().await?;
    let t = negotiate(fields.lang.as_deref(), None, accept_language(&req));
    let request = match fields.check(&all, &t) {
        Ok(request) => request,
        Err(errors) => {
            let mut page = SubscribePage {
                agreements: listed(&all, &fields.agreements, &t).unwrap_or_default(),
                listed: fields.agreements.clone(),
                t,
                // Shown again only as far as a form field needs.
                email: fields.email.chars().take(300).collect(),
                name: fields.name.chars().take(300).collect(),
                ticked: fields.choice.ticked.clone(),
                email_error: errors.email,
                name_error: errors.name,
                agreement_error: errors.agreement,
                gpc: sends_gpc(&req),
            };
            // The form must still show every ticked agreement, even one missing from its list.
            for key in &page.ticked {
                if let Some(a) = all.iter().find(|a| &a.key == key && a.active())
                    && !page.agreements.iter().any(|x| x.id == a.id)
                {
                    page.agreements.push(a.clone());
                }
            }
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };

    let (ip, user_agent) = client_meta(&req);
    let (uid, _token, token_hash) = state.signer.new_optin();
    // The request keeps the page's language: the profile's saved language from then on. (The ledger
    // records the language of the wording shown, which is the page's where the agreement has a text in
    // it.)
    let signup = Signup {
        email: request.email.clone(),
        name: request.name,
        agreements: request.agreements,
        language: t.code().to_string(),
        ip,
        user_agent,
        uid,
        token_hash,
        gpc: sends_gpc(&req),
    };
    state
        .batcher
        .submit(signup)
        .await
        .map_err(|e| PageError::Unexpected(anyhow::anyhow!(e)))?;
    Ok(html(
        StatusCode::OK,
        &SubscribedPage {
            again_url: format!("/subscribe?lang={}", t.code()),
            t,
            email: request.email.to_string(),
        },
    ))
}
