//! The overview: the figures first (profiles, and every agreement's enabled count, from one histogram of
//! consent masks), then the chart of opt-ins and opt-outs over the last 90 days, then the same counts as
//! a table.

use super::{chart, private};
use crate::audiences::Histogram;
use crate::audiences::daily::{self, Day};
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct OverviewPage {
    staff: Staff,
    profiles: i64,
    /// (agreement title, key, profiles with it enabled)
    enabled: Vec<(String, String, i64)>,
    /// The agreement the chart is limited to, if any (key).
    chart_for: String,
    chart: String,
    days: Vec<Day>,
}

/// `?agreement=KEY`: the agreement whose history the chart shows (none: sign-ups of all).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ChartQuery {
    agreement: String,
}

impl crate::routes::edge::Fields for ChartQuery {}

pub async fn page(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let all = state.catalog.get().await?;
    let chart_for = Form::query::<ChartQuery>(&req)?.agreement;
    let agreement = match chart_for.as_str() {
        "" => None,
        key => Some(
            all.iter()
                .find(|a| a.key == key)
                .ok_or_else(|| {
                    PageError::BadRequest(staff.lang.with(
                        "overview-no-such-agreement",
                        &[("value", &key.chars().take(70).collect::<String>())],
                    ))
                })?
                .id,
        ),
    };
    let (histogram, days) = state
        .db(move |c| {
            let today = crate::db::now().date();
            Ok((Histogram::load(c)?, daily::series(c, today, agreement)?))
        })
        .await?;
    let enabled = all
        .iter()
        .filter(|a| a.active())
        .map(|a| (a.title.clone(), a.key.clone(), histogram.enabled(a)))
        .collect();
    let chart = chart::svg(&days, &staff.lang);
    Ok(private(html(
        StatusCode::OK,
        &OverviewPage {
            staff,
            profiles: histogram.profiles(),
            enabled,
            chart_for,
            chart,
            days,
        },
    )))
}

impl OverviewPage {
    fn agreements(&self) -> &[(String, String, i64)] {
        &self.enabled
    }
}
