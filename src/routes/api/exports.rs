use crate::exports::{self, Export, Filter};
use crate::routes::edge::api_key::authenticate;
use crate::routes::edge::error::ApiError;
use crate::routes::edge::{AppState, Form};
use actix_web::{HttpRequest, HttpResponse, web};

/// Profiles as CSV
///
/// Every profile, or those of one agreement's status or of one audience, streamed as CSV with a column
/// per agreement (the columns are listed in docs/reference.md). Fields that a spreadsheet would run as a
/// formula are written with a leading `'` unless `ASSENT_CSV_RAW=true`.
#[utoipa::path(
    get,
    path = "/api/v1/exports/profiles.csv",
    operation_id = "exportProfiles",
    tag = "exports",
    params(
        ("agreement" = Option<String>, Query, nullable = false, description = "An agreement's key; with `status`"),
        ("status" = Option<super::wire::State>, Query, nullable = false, description = "With `agreement`"),
        ("audience" = Option<String>, Query, nullable = false, description = "An audience's name, instead of `agreement` and `status`"),
        ("columns" = Option<String>, Query, nullable = false, description = "Optional columns after the usual ones, comma-separated: `uuid`, `displayName`, `company`, `address`, `city`, `province`, `zipCode`, `countryCode`, `birthDate`, `sex`, `avatarUrl`, `anonymous`, `tags` (joined by `|`)"),
    ),
    responses(
        (status = 200, description = "The CSV, streamed", content_type = "text/csv", body = String),
        (status = 401, description = "No valid API key", body = crate::routes::edge::error::ErrorBody, headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 422, description = "An unknown agreement, status, audience or column", body = crate::routes::edge::error::ErrorBody),
        (status = 503, description = "Unavailable; retry later", body = crate::routes::edge::error::ErrorBody),
    ),
    security(("apiKey" = []))
)]
pub async fn profiles_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    authenticate(&req, &state).await?;
    Ok(exports::stream(
        state.pool.clone(),
        export_for(&req, &state).await?.map_err(ApiError::Invalid)?,
    ))
}

/// The export a request asks for (`agreement=KEY&status=enabled|disabled`, or `audience=NAME`; and
/// `columns=uuid,city,…`), or what the caller should fix (the inner error: a 4xx, never a database
/// failure).
pub async fn export_for(
    req: &HttpRequest,
    state: &AppState,
) -> anyhow::Result<Result<Export, String>> {
    let query = Form::parse(req.query_string().as_bytes());
    let catalog = state.catalog.get().await?;
    let pick = |k: &str| query.get(k).map(String::from);
    let (agreement, status, audience) = (pick("agreement"), pick("status"), pick("audience"));
    let columns = match exports::parse_columns(query.get("columns").unwrap_or("")) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let all = catalog.to_vec();
    let filter = state
        .db(move |c| {
            Ok(Filter::choose(
                c,
                &all,
                agreement.as_deref(),
                status.as_deref(),
                audience.as_deref(),
            )?)
        })
        .await?;
    Ok(filter.map(|filter| Export {
        catalog: catalog.to_vec(),
        filter,
        signer: state.signer.clone(),
        base_url: state.composer.base_url.clone(),
        cells: state.csv,
        columns,
    }))
}
