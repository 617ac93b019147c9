use super::{Gpc, honour_gpc, page_lang, private};
use crate::consent::Meta;
use crate::consent::optin::{self, Confirmed, Renewed, Requested};
use crate::db::models::optin_requests::State;
use crate::domain::{LinkKind, Source};
use crate::i18n::Lang;
use crate::routes::edge::error::{PageError, PublicError, html};
use crate::routes::edge::{AppState, client_meta, sends_gpc};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "public/confirm.html")]
struct ConfirmPage {
    t: Lang,
    action: String,
    agreements: Vec<Requested>,
    gpc: Gpc,
}

#[derive(Template)]
#[template(path = "public/confirmed.html")]
struct ConfirmedPage {
    t: Lang,
    already: bool,
    preferences_url: String,
    gpc: Gpc,
}

#[derive(Template)]
#[template(path = "public/renewed.html")]
struct RenewedPage {
    t: Lang,
}

fn unknown(t: &Lang) -> PageError {
    PageError::Public(PublicError::new(
        404,
        t,
        "err-not-found",
        "err-unknown-confirm",
    ))
}

/// The person said no to what this link asks for (unsubscribe, preference centre) after it was sent.
fn cancelled(t: &Lang) -> PageError {
    let mut e = PublicError::new(410, t, "err-ended-title", "err-cancelled");
    e.link = Some((format!("/subscribe?lang={}", t.code()), "err-to-signup"));
    PageError::Public(e)
}

fn expired(t: &Lang, token: &str) -> PageError {
    let mut e = PublicError::new(410, t, "err-expired-title", "err-expired");
    e.action = Some((
        format!("/confirm/{token}/renew?lang={}", t.code()),
        "err-expired-button",
    ));
    PageError::Public(e)
}

fn confirmed_page(
    state: &AppState,
    t: Lang,
    profile_id: i64,
    already: bool,
    gpc: Gpc,
) -> HttpResponse {
    let preferences_url = format!(
        "/preferences/{}",
        state.signer.link(LinkKind::Preferences, profile_id, &[])
    );
    private(html(
        StatusCode::OK,
        &ConfirmedPage {
            t,
            already,
            preferences_url,
            gpc,
        },
    ))
}

/// Shows what will be confirmed. Changes nothing, so mail scanners that prefetch links consent for no one;
/// only a browser sending Global Privacy Control has the person's agreements flagged for it withdrawn.
pub async fn page(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let t = token.clone();
    let signer = state.signer.clone();
    let found = state
        .db(move |c| {
            let Some(r) = optin::find(c, &signer, &t)? else {
                return Ok(None);
            };
            let state = r.state(crate::db::now());
            let agreements = match state {
                State::Pending => optin::requested(c, &r)?,
                _ => Vec::new(),
            };
            Ok(Some((state, r.profile_id, agreements, r.language)))
        })
        .await?;
    // The request's own language is the profile's saved one here.
    let saved = found.as_ref().map(|f| f.3.clone());
    let t = page_lang(&req, None, saved.as_deref());
    let gpc = match &found {
        Some((State::Pending | State::Confirmed, profile_id, ..)) => {
            honour_gpc(&req, &state, *profile_id, &t).await?
        }
        _ => Gpc::default(),
    };
    match found {
        Some((State::Pending, _, agreements, _)) => Ok(private(html(
            StatusCode::OK,
            &ConfirmPage {
                action: format!("/confirm/{token}?lang={}", t.code()),
                t,
                agreements,
                gpc,
            },
        ))),
        Some((State::Confirmed, profile_id, _, _)) => {
            Ok(confirmed_page(&state, t, profile_id, true, gpc))
        }
        Some((State::Cancelled, ..)) => Err(cancelled(&t)),
        Some((State::Expired, ..)) => Err(expired(&t, &token)),
        None => Err(unknown(&t)),
    }
}

pub async fn submit(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    // The body is never read: the page's language comes with the form's action (`?lang=`).
    let lang = page_lang(&req, None, None);
    let token = token.into_inner();
    let meta = Meta::now(Source::Confirmation, client_meta(&req)).with_gpc(sends_gpc(&req));
    let t = token.clone();
    let signer = state.signer.clone();
    let outcome = state
        .db(move |c| Ok(optin::confirm(c, &signer, &t, &meta)?))
        .await?;
    match outcome {
        Confirmed::Now {
            profile_id,
            recorded,
        } => {
            tracing::info!(
                profile_id,
                changes = recorded.len(),
                "double opt-in confirmed"
            );
            Ok(confirmed_page(
                &state,
                lang,
                profile_id,
                false,
                Gpc::default(),
            ))
        }
        Confirmed::Already { profile_id } => Ok(confirmed_page(
            &state,
            lang,
            profile_id,
            true,
            Gpc::default(),
        )),
        Confirmed::Expired => Err(expired(&lang, &token)),
        Confirmed::Cancelled => Err(cancelled(&lang)),
        Confirmed::Unknown => Err(unknown(&lang)),
    }
}

/// Sends a new confirmation link for an expired one.
pub async fn renew(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let lang = page_lang(&req, None, None);
    let token = token.into_inner();
    let t = token.clone();
    let signer = state.signer.clone();
    let ttl = state.optin_ttl;
    let outcome = state
        .db(move |c| Ok(optin::renew(c, &signer, &t, ttl)?))
        .await?;
    match outcome {
        Renewed::Sent => Ok(private(html(StatusCode::OK, &RenewedPage { t: lang }))),
        // The same page as when a link is sent, as on every public form.
        Renewed::OverAllowance => Ok(private(html(StatusCode::OK, &RenewedPage { t: lang }))),
        Renewed::Cancelled => Err(cancelled(&lang)),
        Renewed::StillValid | Renewed::AlreadyConfirmed => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/confirm/{token}")))
            .finish()),
        Renewed::Unknown => Err(unknown(&lang)),
    }
}
