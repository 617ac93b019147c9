use super::forms::UnsubscribeFields;
use super::{Gpc, apply, honour_gpc, linked_profile, page_lang, private};
use crate::consent::read;
use crate::consent::{Change, Meta};
use crate::db::models::agreements::Agreement;
use crate::domain::{ConsentValue, LinkKind, LinkToken, Source};
use crate::i18n::Lang;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form, client_meta, sends_gpc};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "public/unsubscribe.html")]
struct UnsubscribePage {
    t: Lang,
    action: String,
    email: String,
    /// (agreement, currently enabled)
    agreements: Vec<(Agreement, bool)>,
    preferences_url: String,
    done: bool,
    gpc: Gpc,
}

/// The agreements a link covers: the ones it names, or every email agreement when it names none.
fn covered(all: &[Agreement], link: &LinkToken) -> Vec<Agreement> {
    all.iter()
        .filter(|a| {
            if link.agreement_ids.is_empty() {
                a.channel == "email"
            } else {
                link.agreement_ids.contains(&a.id)
            }
        })
        .cloned()
        .collect()
}

async fn render(
    state: &AppState,
    t: Lang,
    token: &str,
    link: &LinkToken,
    email: String,
    done: bool,
    gpc: Gpc,
) -> Result<HttpResponse, PageError> {
    let all = state.catalog.get().await?;
    let pid = link.profile_id;
    let covered = covered(&all, link);
    let agreements = state
        .db(move |c| Ok(read::standing(c, &covered, pid, crate::db::now())?))
        .await?
        .into_iter()
        .map(|s| (s.agreement, s.enabled))
        .collect();
    let preferences_url = format!(
        "/preferences/{}",
        state.signer.link(LinkKind::Preferences, pid, &[])
    );
    let page = UnsubscribePage {
        t,
        action: format!("/unsubscribe/{token}"),
        email,
        agreements,
        preferences_url,
        done,
        gpc,
    };
    Ok(private(html(StatusCode::OK, &page)))
}

/// The resignation page: what the link covers and one button. The GET changes nothing, unless the
/// browser sends Global Privacy Control: then the agreements flagged for it are withdrawn.
pub async fn page(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (link, profile, saved) =
        linked_profile(&req, &state, LinkKind::Unsubscribe, &token).await?;
    let t = page_lang(&req, None, saved.as_deref());
    let gpc = honour_gpc(&req, &state, profile.id, &t).await?;
    render(
        &state,
        t,
        &token,
        &link,
        profile.email.unwrap_or_default(),
        false,
        gpc,
    )
    .await
}

/// Withdraws what the link covers. An RFC 8058 one-click POST (`List-Unsubscribe=One-Click`) does the same
/// with source `one_click`; it needs no cookie or CSRF token, the signed link is the authority.
pub async fn submit(
    req: HttpRequest,
    token: web::Path<String>,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let fields: UnsubscribeFields = Form::read(&req, body).await?.decode()?;
    let one_click = fields.one_click();
    let (link, profile, saved) =
        linked_profile(&req, &state, LinkKind::Unsubscribe, &token).await?;
    let all = state.catalog.get().await?;
    let changes = covered(&all, &link)
        .into_iter()
        .map(|a| Change {
            agreement_id: crate::domain::AgreementId(a.id),
            value: ConsentValue::Disabled,
            version: None,
            language: None,
        })
        .collect();
    let source = if one_click {
        Source::OneClick
    } else {
        Source::Unsubscribe
    };
    let meta = Meta::now(source, client_meta(&req)).with_gpc(sends_gpc(&req));
    let recorded = apply(&state, profile.id, changes, meta).await?;
    tracing::info!(
        profile_id = profile.id,
        one_click,
        withdrawn = recorded.len(),
        "unsubscribe"
    );
    if one_click {
        return Ok(private(
            HttpResponse::Ok()
                .content_type("text/plain; charset=utf-8")
                .body("unsubscribed"),
        ));
    }
    render(
        &state,
        page_lang(&req, fields.lang.as_deref(), saved.as_deref()),
        &token,
        &link,
        profile.email.unwrap_or_default(),
        true,
        Gpc::of(&req),
    )
    .await
}
