//! The JSON API, authenticated with `Authorization: Bearer <API key>` (integrations by their own proof),
//! and its OpenAPI description.

pub(crate) mod batch;
pub mod doc;
pub(crate) mod exports;
mod integrations;
mod profiles;
mod sms;
pub mod wire;

use crate::routes::edge::error::ApiError;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::HttpMethod;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Personal data: never stored by caches on the way.
    let no_store =
        || actix_web::middleware::DefaultHeaders::new().add(("Cache-Control", "no-store"));
    let mut v1 = web::scope("/api/v1").wrap(no_store());
    for (_, path, route) in routes() {
        match path.strip_prefix("/api/v1") {
            Some(within) => v1 = v1.route(within, route),
            None => {
                cfg.service(web::resource(path).wrap(no_store()).route(route));
            }
        }
    }
    cfg.service(v1.default_service(web::to(not_found)));
}

/// Every API route, each at the method and path of its handler's OpenAPI annotation (`doc::ApiDoc` must
/// list them all; a test holds it to that).
pub fn routes() -> Vec<(Method, String, actix_web::Route)> {
    vec![
        documented::<batch::__path_post, _, _>(batch::post),
        documented::<integrations::__path_webhook, _, _>(integrations::webhook),
        documented::<sms::__path_sms, _, _>(sms::sms),
        // Before `/profiles/{email}`, which would otherwise take `consents` for an address.
        documented::<profiles::__path_find_one, _, _>(profiles::find_one),
        documented::<profiles::__path_find_ledger, _, _>(profiles::find_ledger),
        documented::<profiles::__path_find_receipt, _, _>(profiles::find_receipt),
        documented::<profiles::__path_get, _, _>(profiles::get),
        documented::<profiles::__path_consents, _, _>(profiles::consents),
        documented::<profiles::__path_receipt, _, _>(profiles::receipt),
        documented::<exports::__path_profiles_csv, _, _>(exports::profiles_csv),
        documented::<doc::__path_openapi_json, _, _>(doc::openapi_json),
    ]
}

/// `handler` at the one method and path its annotation `P` gives (a GET answers HEAD too).
fn documented<P: utoipa::Path, F, Args>(handler: F) -> (Method, String, actix_web::Route)
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    let (method, route) = match P::methods().as_slice() {
        [HttpMethod::Get] => (Method::GET, crate::routes::get()),
        [HttpMethod::Post] => (Method::POST, web::post()),
        _ => panic!("{}: give each API route one method, GET or POST", P::path()),
    };
    (method, P::path(), route.to(handler))
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "There is no API route {} {}.",
        req.method(),
        req.path()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::OpenApi;

    #[test]
    fn the_description_lists_exactly_the_routes_served() {
        let served: std::collections::BTreeSet<String> = routes()
            .into_iter()
            .map(|(m, p, _)| format!("{m} {p}"))
            .collect();
        let doc = doc::ApiDoc::openapi();
        let mut described = std::collections::BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for (m, op) in [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put)] {
                if op.is_some() {
                    described.insert(format!("{m} {path}"));
                }
            }
            assert!(item.delete.is_none() && item.patch.is_none(), "{path}");
        }
        assert_eq!(served, described);
        assert_eq!(serde_json::to_value(&doc).unwrap()["openapi"], "3.1.0");
    }

    #[test]
    fn the_described_profile_shape_is_the_one_the_parser_reads() {
        let doc = doc::ApiDoc::openapi();
        let schema = serde_json::to_value(&doc.components.unwrap().schemas["ProfileIn"]).unwrap();
        let mut described: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut read = crate::consent::batch::FIELDS.to_vec();
        read.extend(crate::domain::details::FIELDS);
        described.sort();
        read.sort();
        assert_eq!(described, read);
        assert_eq!(schema["additionalProperties"], false);
    }
}
