//! `/.well-known/gpc.json`: the Global Privacy Control support resource (GPC specification, section
//! "The GPC support resource"). Assent honours the signal wherever it applies: every consent event
//! records it, and agreements flagged "a GPC signal means no" are withdrawn by it.

use crate::routes::edge::AppState;
use crate::routes::edge::error::PageError;
use actix_web::{HttpResponse, web};

/// `{"gpc": true, "lastUpdate": "YYYY-MM-DD"}`: the date any agreement's flag last changed, or, before
/// any did, the date of the first agreement (since when the policy has been the same).
pub async fn support(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let all = state.catalog.get().await?;
    let last = all
        .iter()
        .filter_map(|a| a.gpc_changed_at)
        .max()
        .or_else(|| all.iter().map(|a| a.created_at).min())
        .unwrap_or_else(crate::db::now);
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "max-age=3600"))
        .json(serde_json::json!({
            "gpc": true,
            "lastUpdate": last.date().format("%Y-%m-%d").to_string(),
        })))
}
