//! `POST /integrations/{name}/webhook`: one profile or an array of them from a registered system,
//! authenticated as that integration is configured (`crate::integrations`), checked and applied like
//! the batch API's items, each change with the source `integration:<name>`.

use super::batch::{check_items, profiles_of, read_json, render, require_json};
use crate::consent::batch::{self, Outcome};
use crate::consent::{ApplyError, Meta};
use crate::db::models::integrations;
use crate::db::write_tx;
use crate::domain::Source;
use crate::routes::edge::error::ApiError;
use crate::routes::edge::{AppState, client_meta};
use actix_web::{HttpRequest, HttpResponse, web};

pub async fn webhook(
    req: HttpRequest,
    name: web::Path<String>,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let n = name.clone();
    let integration = state
        .db(move |c| Ok(integrations::find(c, &n)?))
        .await?
        .filter(|i| i.disabled_at.is_none())
        .ok_or_else(|| {
            ApiError::NotFound(format!("There is no active integration named {name:?}."))
        })?;
    require_json(&req)?;
    // The body first: signatures cover it.
    let body = read_json(&req, body).await?;
    let now = crate::db::now();
    let verified = crate::integrations::verify(&integration.auth, &integration.key, req.headers(), &body, now)
        .map_err(|why| {
            tracing::warn!(integration = %integration.name, reason = %why, "integration request refused");
            ApiError::Unauthorized(format!("Integration {}: {why}.", integration.name))
        })?;
    let values = profiles_of(&body, true)?;
    let (mut items, mut outcome) = check_items(&state, values).await?;
    if verified.replay.is_none() {
        // Nothing tells a replayed request from a new one (a body signature, a JWT without jti): each
        // profile must carry its time, so a request replayed after a later change arrives stale.
        items.retain(|(index, item)| {
            let timed = item.consents.is_empty() || item.consented_at.is_some();
            if !timed {
                outcome.rejected.push((
                    *index,
                    "give consentedAt: this integration's requests carry no message id, so a change without its time could be replayed".into(),
                ));
            }
            timed
        });
    }
    let meta = Meta::now(
        Source::Integration(integration.name.clone()),
        client_meta(&req),
    );
    let id = integration.id;
    let answer = state
        .db(move |c| {
            Ok(write_tx(c, |c| -> Result<Option<String>, ApplyError> {
                // The message id is used up only with the changes it brought.
                if let Some((message, until)) = &verified.replay
                    && !integrations::first_use(c, id, message, *until)?
                {
                    return Ok(None);
                }
                let mut done = Outcome {
                    rejected: outcome.rejected.clone(),
                    ..Outcome::default()
                };
                batch::apply(c, &items, &meta, &mut done)?;
                integrations::used(c, id, crate::db::now())?;
                Ok(Some(render(&mut done)))
            })?)
        })
        .await?;
    match answer {
        Some(body) => Ok(HttpResponse::Accepted()
            .content_type("application/json")
            .body(body)),
        None => Err(ApiError::Unauthorized(format!(
            "Integration {}: this token or message was already used; send a new one for each request.",
            integration.name
        ))),
    }
}
