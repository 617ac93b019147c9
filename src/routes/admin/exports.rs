//! CSV export from the dashboard (admins only).

use super::private;
use crate::db::models::agreements::Agreement;
use crate::domain::Actor;
use crate::routes::edge::AppState;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/exports.html")]
struct ExportsPage {
    staff: Staff,
    agreements: Vec<Agreement>,
}

pub async fn page(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let agreements = state.catalog.get().await?.to_vec();
    Ok(private(html(
        StatusCode::OK,
        &ExportsPage { staff, agreements },
    )))
}

pub async fn download(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let export = crate::routes::api::exports::export_for(&req, &state)
        .await?
        .map_err(PageError::BadRequest)?;
    let (subject, by) = (req.query_string().to_string(), Actor::from(&staff));
    state
        .db(move |c| Ok(crate::exports::record_download(c, &subject, &by)?))
        .await?;
    Ok(crate::exports::stream(state.pool.clone(), export))
}
