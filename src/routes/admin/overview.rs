use super::private;
use crate::auth::Staff;
use crate::db::models::consents;
use crate::db::schema::profiles;
use crate::error::{PageError, html};
use crate::routes::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    staff: Staff,
    profiles: i64,
    /// (agreement title, key, profiles with it enabled)
    enabled: Vec<(String, String, i64)>,
}

pub async fn page(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let all = state.catalog.get().await?;
    let (total, counts) = state
        .db(|c| {
            let total: i64 = profiles::table.count().get_result(c)?;
            let counts = consents::enabled_counts(c)?;
            Ok((total, counts))
        })
        .await?;
    let enabled = all
        .iter()
        .filter(|a| a.active())
        .map(|a| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == a.id)
                .map_or(0, |(_, n)| *n);
            (a.title.clone(), a.key.clone(), n)
        })
        .collect();
    Ok(private(html(
        StatusCode::OK,
        &OverviewPage {
            staff,
            profiles: total,
            enabled,
        },
    )))
}
