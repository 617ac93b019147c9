//! Customer pages: sign-up, confirmation, resignation, preference centre, health.

mod confirm;
mod forms;
mod gpc;
mod health;
mod preferences;
mod receipt;
mod subscribe;
mod unsubscribe;

pub use health::metrics_open;

use crate::routes::edge::error::PageError;
use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/livez", crate::routes::get().to(health::livez))
        .route("/healthz", crate::routes::get().to(health::healthz))
        .route("/metrics", crate::routes::get().to(health::metrics))
        .route(
            "/.well-known/gpc.json",
            crate::routes::get().to(gpc::support),
        )
        .route("/subscribe", crate::routes::get().to(subscribe::form))
        .route("/subscribe", web::post().to(subscribe::submit))
        .route("/confirm/{token}", crate::routes::get().to(confirm::page))
        .route("/confirm/{token}", web::post().to(confirm::submit))
        .route("/confirm/{token}/renew", web::post().to(confirm::renew))
        .route(
            "/unsubscribe/{token}",
            crate::routes::get().to(unsubscribe::page),
        )
        .route("/unsubscribe/{token}", web::post().to(unsubscribe::submit))
        .route(
            "/preferences",
            crate::routes::get().to(preferences::ask_form),
        )
        .route("/preferences", web::post().to(preferences::ask_submit))
        .route(
            "/preferences/{token}",
            crate::routes::get().to(preferences::page),
        )
        .route("/preferences/{token}", web::post().to(preferences::submit))
        .route(
            "/preferences/{token}/receipt",
            crate::routes::get().to(receipt::page),
        )
        .route(
            "/preferences/{token}/receipt",
            web::post().to(receipt::send),
        )
        .route(
            "/preferences/{token}/receipt.jws",
            crate::routes::get().to(receipt::download),
        )
        .route(
            "/.well-known/assent-receipt-keys.json",
            crate::routes::get().to(receipt::keys),
        );
}

/// The paths that are not public pages: their errors stay the dashboard's (English) or the API's (JSON).
const NOT_PUBLIC: [&str; 7] = [
    "/metrics",
    "/admin",
    "/api/",
    "/v4/",
    "/integrations/",
    "/static/",
    "/brand",
];

/// Answers the public pages' generic errors (a missing page, a form that could not be read or was too
/// large or too slow, a database that is down) in the customer's language: that of `?lang=`, else of
/// the browser (a body that could not be read cannot say). The dashboard and the API are left alone.
pub async fn localize_errors(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let public = !NOT_PUBLIC.iter().any(|p| req.path().starts_with(p));
    let res = next.call(req).await?.map_into_boxed_body();
    let page = res
        .response()
        .error()
        .filter(|_| public)
        .and_then(|e| e.as_error::<PageError>())
        .and_then(|e| e.localized(&page_lang(res.request(), None, None)));
    Ok(match page {
        Some(page) => res.into_response(crate::routes::edge::error::public_page(&page)),
        None => res,
    })
}

/// Token pages must not be cached or leak their URL onwards.
pub(crate) fn private(mut res: actix_web::HttpResponse) -> actix_web::HttpResponse {
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    res
}

/// The page's language: `?lang=` or the form's `lang` field, then the profile's saved language, then
/// the browser's `Accept-Language`, then English.
fn page_lang(
    req: &actix_web::HttpRequest,
    form_lang: Option<&str>,
    saved: Option<&str>,
) -> crate::i18n::Lang {
    let query = crate::routes::edge::Form::parse(req.query_string().as_bytes());
    let explicit = form_lang.or(query.get("lang"));
    crate::i18n::negotiate(explicit, saved, crate::i18n::accept_language(req))
}

/// The profile a signed link is for, with its saved language.
async fn linked_profile(
    req: &actix_web::HttpRequest,
    state: &crate::routes::edge::AppState,
    kind: crate::domain::LinkKind,
    token: &str,
) -> Result<
    (
        crate::domain::LinkToken,
        crate::db::models::profiles::Profile,
        Option<String>,
    ),
    PageError,
> {
    let not_found = || {
        PageError::Public(crate::routes::edge::error::PublicError::new(
            404,
            &page_lang(req, None, None),
            "err-not-found",
            "err-bad-link",
        ))
    };
    let link = state
        .signer
        .verify_link(kind, token)
        .ok_or_else(not_found)?;
    let id = link.profile_id;
    let (profile, saved) = state
        .db(move |c| {
            Ok((
                crate::db::models::profiles::find(c, id)?,
                crate::db::models::optin_requests::latest_language(c, id)?,
            ))
        })
        .await?;
    Ok((link, profile.ok_or_else(not_found)?, saved))
}

/// Records changes for one profile through the one write path, in its own transaction.
async fn apply(
    state: &crate::routes::edge::AppState,
    profile_id: i64,
    changes: Vec<crate::consent::Change>,
    meta: crate::consent::Meta,
) -> Result<Vec<crate::consent::Recorded>, PageError> {
    Ok(state
        .db(move |c| {
            Ok(crate::db::write_tx(c, |c| {
                crate::consent::apply(c, crate::domain::ProfileId(profile_id), &changes, &meta)
            })?)
        })
        .await?)
}

/// What a page shows of Global Privacy Control: whether the browser sent it (flagged agreements get a
/// note), and the titles of the agreements it withdrew just now.
#[derive(Default)]
pub(crate) struct Gpc {
    pub sent: bool,
    pub withdrawn: Vec<String>,
}

impl Gpc {
    fn of(req: &actix_web::HttpRequest) -> Gpc {
        Gpc {
            sent: crate::routes::edge::sends_gpc(req),
            withdrawn: Vec::new(),
        }
    }
}

/// Global Privacy Control on a page that knows the person: withdraws their agreements flagged "a GPC
/// signal means no" (see `consent::gpc`) and gives the titles withdrawn, in the page's language, for the
/// page to say so. Nothing happens without the signal or without a flagged agreement.
async fn honour_gpc(
    req: &actix_web::HttpRequest,
    state: &crate::routes::edge::AppState,
    profile_id: i64,
    t: &crate::i18n::Lang,
) -> Result<Gpc, PageError> {
    let mut gpc = Gpc::of(req);
    if !gpc.sent {
        return Ok(gpc);
    }
    let all = state.catalog.get().await?;
    let flagged: Vec<_> = all
        .iter()
        .filter(|a| a.gpc && a.active())
        .cloned()
        .collect();
    if flagged.is_empty() {
        return Ok(gpc);
    }
    let meta = crate::consent::Meta::now(
        crate::domain::Source::Gpc,
        crate::routes::edge::client_meta(req),
    );
    let recorded = state
        .db(move |c| Ok(crate::consent::gpc::honour(c, profile_id, &flagged, &meta)?))
        .await?;
    if !recorded.is_empty() {
        tracing::info!(
            profile_id,
            withdrawn = recorded.len(),
            "Global Privacy Control honoured: flagged agreements withdrawn"
        );
    }
    gpc.withdrawn = recorded
        .iter()
        .filter_map(|r| all.iter().find(|a| a.key == r.agreement_key))
        .map(|a| a.title_in(t.code()).to_string())
        .collect();
    Ok(gpc)
}
