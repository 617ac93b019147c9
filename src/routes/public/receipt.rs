//! Consent receipts for the person (`consent::receipt`): from the preference centre, a readable,
//! printable page of their record in their language and the signed receipt to keep
//! (`/preferences/{token}/receipt`, `…/receipt.jws`); and the organisation's receipt keys for anyone to
//! check one with (`/.well-known/assent-receipt-keys.json`).

use super::{linked_profile, page_lang, private};
use crate::consent::receipt;
use crate::domain::LinkKind;
use crate::i18n::Lang;
use crate::routes::edge::AppState;
use crate::routes::edge::error::{PageError, html};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::Value;

/// One agreement of the record as the page shows it.
struct Record {
    title: String,
    state: String,
    text: String,
    language: String,
    version: i64,
    /// (when, what, how)
    events: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "public/receipt.html")]
struct ReceiptPage {
    t: Lang,
    organisation: String,
    contact: Option<String>,
    subject: String,
    created: String,
    receipt_id: String,
    records: Vec<Record>,
    download_url: String,
    /// Where the "email it to me" form posts.
    action: String,
    /// After that form: whether the email was queued (else the allowance of form emails is used up).
    sent: Option<bool>,
}

/// The signed receipt of the person a preference link names, with its content.
async fn issue(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
) -> Result<(String, Value, Lang), PageError> {
    let (_, profile, saved) = linked_profile(req, state, LinkKind::Preferences, token).await?;
    let t = page_lang(req, None, saved.as_deref());
    let all = state.catalog.get().await?;
    let sealer = state.sealer.clone();
    let signed = state
        .db(move |c| Ok(receipt::issue(c, &sealer, &profile, &all)?))
        .await?;
    let payload = crate::domain::jws::payload(&signed).ok_or_else(|| {
        PageError::Unexpected(anyhow::anyhow!("a receipt just signed reads back"))
    })?;
    Ok((signed, payload, t))
}

/// The readable, printable record, with the signed receipt to download.
pub async fn page(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    render(&req, &state, &token, None).await
}

/// "Email it to me": the signed record by email, from the address's allowance of form emails.
pub async fn send(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (_, profile, _) = linked_profile(&req, &state, LinkKind::Preferences, &token).await?;
    let id = profile.id;
    let sent = state
        .db(move |c| {
            Ok(crate::db::write_tx(c, |c| {
                crate::consent::optin::queue_receipt(c, id)
            })?)
        })
        .await?;
    render(&req, &state, &token, Some(sent)).await
}

async fn render(
    req: &HttpRequest,
    state: &AppState,
    token: &str,
    sent: Option<bool>,
) -> Result<HttpResponse, PageError> {
    let (_, r, t) = issue(req, state, token).await?;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let records = r["dpv:hasConsentRecord"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|rec| Record {
            title: text(&rec["dct:title"]),
            state: t.with(
                "receipt-state",
                &[("state", rec["assent:state"].as_str().unwrap_or(""))],
            ),
            text: text(&rec["dpv:hasNotice"]["dct:description"]),
            language: text(&rec["dpv:hasNotice"]["dct:language"]),
            version: rec["dpv:hasNotice"]["dct:hasVersion"]
                .as_i64()
                .unwrap_or_default(),
            events: rec["assent:events"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    let when =
                        chrono::DateTime::parse_from_rfc3339(e["dct:date"].as_str().unwrap_or(""))
                            .map(|d| t.datetime(d.naive_utc()))
                            .unwrap_or_default();
                    let value = t.with(
                        "receipt-value",
                        &[("value", e["assent:value"].as_str().unwrap_or(""))],
                    );
                    (when, value, text(&e["assent:source"]))
                })
                .collect(),
        })
        .collect();
    let page = ReceiptPage {
        organisation: text(&r["dpv:hasDataController"]["dct:title"]),
        contact: r["dpv:hasDataController"]["dpv:hasContact"]
            .as_str()
            .map(String::from),
        subject: text(&r["dpv:hasDataSubject"]["dct:identifier"]),
        created: chrono::DateTime::parse_from_rfc3339(r["dct:created"].as_str().unwrap_or(""))
            .map(|d| t.datetime(d.naive_utc()))
            .unwrap_or_default(),
        receipt_id: text(&r["dct:identifier"]),
        records,
        download_url: format!("/preferences/{token}/receipt.jws?lang={}", t.code()),
        action: format!("/preferences/{token}/receipt?lang={}", t.code()),
        sent,
        t,
    };
    Ok(private(html(StatusCode::OK, &page)))
}

/// The signed receipt as a file to keep.
pub async fn download(
    req: HttpRequest,
    token: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (signed, r, _) = issue(&req, &state, &token).await?;
    let name = r["dct:identifier"].as_str().unwrap_or("receipt");
    Ok(private(
        HttpResponse::Ok()
            .content_type("application/jose")
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"consent-record-{name}.jws\""),
            ))
            .body(signed),
    ))
}

/// Every key receipts were ever signed with, as a JWK set, so old receipts stay verifiable.
pub async fn keys(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let sealer = state.sealer.clone();
    let set = state
        .db(move |c| {
            // The first receipt key is made here if no receipt was signed yet, so the set is never empty.
            receipt::signing_key(c, &sealer)?;
            Ok(receipt::key_set(c)?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "max-age=300"))
        .json(set))
}
