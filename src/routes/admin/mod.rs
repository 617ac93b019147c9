//! The dashboard. Every page but sign-in needs a staff session (`routes::edge::staff::signed_in` on the whole
//! scope); admin-only pages sit in scopes behind `routes::edge::staff::admins_only`.

mod account;
mod agreements;
mod apikeys;
mod audiences;
mod audit;
mod chart;
mod email;
mod exports;
mod forms;
mod health;
mod imports;
mod integrations;
mod login;
mod overview;
mod profiles;
mod sendfiles;
mod users;
mod webhooks;

use crate::auth::sessions::DbSessionStore;
use crate::routes::edge::staff::{IDLE, admins_only, signed_in};
use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite};
use actix_web::middleware::from_fn;
use actix_web::web;

/// A group of the dashboard's navigation: its label (a catalogue message) and its pages.
pub struct NavGroup {
    pub id: &'static str,
    pub message: &'static str,
    /// Only admins see the group (its pages are behind `admins_only`).
    pub admins_only: bool,
    pub items: &'static [NavItem],
}

pub struct NavItem {
    pub href: &'static str,
    pub message: &'static str,
}

const fn item(href: &'static str, message: &'static str) -> NavItem {
    NavItem { href, message }
}

/// The navigation, grouped by what people come to do. The accessibility test visits every page here.
pub static NAV: &[NavGroup] = &[
    NavGroup {
        id: "people",
        message: "nav-people",
        admins_only: false,
        items: &[
            item("/admin", "nav-overview"),
            item("/admin/profiles", "nav-profiles"),
            item("/admin/audiences", "nav-audiences"),
        ],
    },
    NavGroup {
        id: "consent",
        message: "nav-consent",
        admins_only: false,
        items: &[
            item("/admin/agreements", "nav-agreements"),
            item("/admin/forms", "nav-forms"),
        ],
    },
    NavGroup {
        id: "data",
        message: "nav-data",
        admins_only: true,
        items: &[
            item("/admin/imports", "nav-imports"),
            item("/admin/exports", "nav-exports"),
            item("/admin/integrations", "nav-integrations"),
            item("/admin/webhooks", "nav-webhooks"),
            item("/admin/sendfiles", "nav-sendfiles"),
        ],
    },
    NavGroup {
        id: "settings",
        message: "nav-settings",
        admins_only: true,
        items: &[
            item("/admin/users", "nav-users"),
            item("/admin/apikeys", "nav-apikeys"),
            item("/admin/email", "nav-email"),
            item("/admin/audit", "nav-audit"),
            item("/admin/health", "nav-health"),
        ],
    },
];

/// Cookie settings that depend on how the dashboard is reached.
#[derive(Clone)]
pub struct Cookies {
    /// Served over https: `Secure` cookies with the `__Host-` prefix (bound to this host, path `/`).
    pub secure: bool,
    pub key: Key,
}

impl Cookies {
    pub fn session_name(&self) -> &'static str {
        if self.secure {
            "__Host-assent-session"
        } else {
            "assent-session"
        }
    }

    pub fn login_name(&self) -> &'static str {
        if self.secure {
            "__Host-assent-login"
        } else {
            "assent-login"
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig, store: DbSessionStore, cookies: &Cookies) {
    let sessions = SessionMiddleware::builder(store, cookies.key.clone())
        .cookie_name(cookies.session_name().into())
        .cookie_secure(cookies.secure)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Strict)
        .cookie_path("/".into())
        .session_lifecycle(
            BrowserSession::default()
                .state_ttl(actix_web::cookie::time::Duration::seconds(
                    IDLE.num_seconds(),
                ))
                .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
        )
        .build();
    cfg.service(
        web::scope("/admin")
            .wrap(sessions)
            .wrap(from_fn(crate::routes::edge::staff::localize_errors))
            // `/admin/users/abc`: the dashboard's 404 page, not a bare text answer.
            .app_data(web::PathConfig::default().error_handler(|_, req| {
                use actix_web::HttpMessage;
                let lang = req
                    .extensions()
                    .get::<crate::routes::edge::Staff>()
                    .map(|s| s.lang.clone())
                    .unwrap_or_default();
                crate::routes::edge::error::PageError::NotFound(lang.t("dash-error-no-page")).into()
            }))
            .service(
                web::resource("/login")
                    .route(crate::routes::get().to(login::page))
                    .route(web::post().to(login::submit)),
            )
            .service(
                web::scope("")
                    .wrap(from_fn(signed_in))
                    .configure(pages_of_everyone)
                    .configure(pages_of_admins)
                    .default_service(web::to(not_found)),
            ),
    );
}

/// The pages every signed-in staff member opens (marketers and admins; erasing is for admins).
fn pages_of_everyone(cfg: &mut web::ServiceConfig) {
    cfg.route("", crate::routes::get().to(overview::page))
        .route("/logout", web::post().to(login::logout))
        .route("/account", crate::routes::get().to(account::page))
        .route("/account/language", web::post().to(account::set_language))
        .route("/profiles", crate::routes::get().to(profiles::list))
        .route("/profiles/{id}", crate::routes::get().to(profiles::show))
        .route(
            "/profiles/{id}/receipt.jws",
            crate::routes::get().to(profiles::receipt),
        )
        .route("/profiles/{id}/consents", web::post().to(profiles::change))
        .service(
            web::scope("/profiles/{id}/erase")
                .wrap(from_fn(admins_only))
                .route("", web::post().to(profiles::erase)),
        )
        .route("/audiences", crate::routes::get().to(audiences::list))
        .route("/audiences", web::post().to(audiences::save))
        .route("/audiences/{id}/delete", web::post().to(audiences::delete))
        .route("/forms", crate::routes::get().to(forms::page))
        .route("/agreements", crate::routes::get().to(agreements::list))
        .route("/agreements", web::post().to(agreements::create))
        .route("/agreements/new", crate::routes::get().to(agreements::new))
        .route(
            "/agreements/{key}",
            crate::routes::get().to(agreements::show),
        )
        .route("/agreements/{key}", web::post().to(agreements::update))
        .route(
            "/agreements/{key}/move",
            web::post().to(agreements::reorder),
        )
        .route(
            "/agreements/{key}/archive",
            web::post().to(agreements::archive),
        );
}

/// The pages only admins open (a marketer gets 403 on the whole scope).
fn pages_of_admins(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/users")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(users::list))
            .route("", web::post().to(users::create))
            .route("/{id}", crate::routes::get().to(users::show))
            .route("/{id}/password", web::post().to(users::set_password))
            .route("/{id}/disable", web::post().to(users::set_disabled::<true>))
            .route("/{id}/enable", web::post().to(users::set_disabled::<false>)),
    )
    .service(
        web::scope("/apikeys")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(apikeys::list))
            .route("", web::post().to(apikeys::create))
            .route("/{id}/revoke", web::post().to(apikeys::revoke)),
    )
    .service(
        web::scope("/exports")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(exports::page))
            .route("/profiles.csv", crate::routes::get().to(exports::download)),
    )
    .service(
        web::scope("/imports")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(imports::list))
            .route("", web::post().to(imports::upload))
            .route("/{id}", crate::routes::get().to(imports::show))
            .route("/{id}/start", web::post().to(imports::start))
            .route("/{id}/cancel", web::post().to(imports::cancel))
            .route(
                "/{id}/errors.csv",
                crate::routes::get().to(imports::errors_csv),
            ),
    )
    .service(
        web::scope("/integrations")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(integrations::list))
            .route("", web::post().to(integrations::create))
            .route(
                "/{name}/disable",
                web::post().to(integrations::set_disabled::<true>),
            )
            .route(
                "/{name}/enable",
                web::post().to(integrations::set_disabled::<false>),
            ),
    )
    .service(
        web::scope("/webhooks")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(webhooks::list))
            .route("", web::post().to(webhooks::create))
            .route("/{id}", crate::routes::get().to(webhooks::show))
            .route("/{id}", web::post().to(webhooks::update))
            .route("/{id}/rotate", web::post().to(webhooks::rotate))
            .route("/{id}/test", web::post().to(webhooks::test))
            .route("/{id}/replay", web::post().to(webhooks::replay))
            .route("/{id}/redeliver", web::post().to(webhooks::redeliver))
            .route("/{id}/{action}", web::post().to(webhooks::act)),
    )
    .service(
        web::scope("/sendfiles")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(sendfiles::list))
            .route("", web::post().to(sendfiles::create))
            .route("/{name}/run", web::post().to(sendfiles::run_now))
            .route(
                "/{name}/forget-host-key",
                web::post().to(sendfiles::forget_host_key),
            )
            .route("/{name}/{act}", web::post().to(sendfiles::act)),
    )
    .service(
        web::scope("/email")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(email::page))
            .route("/check", web::post().to(email::check))
            .route("/retry", web::post().to(email::retry_all))
            .route("/{id}/retry", web::post().to(email::retry_one)),
    )
    .service(
        web::scope("/health")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(health::page)),
    )
    .service(
        web::scope("/audit")
            .wrap(from_fn(admins_only))
            .route("", crate::routes::get().to(audit::list)),
    );
}

async fn not_found(
    staff: crate::routes::edge::Staff,
) -> Result<actix_web::HttpResponse, crate::routes::edge::error::PageError> {
    Err(crate::routes::edge::error::PageError::NotFound(
        staff.t("dash-error-no-page"),
    ))
}

/// Dashboard pages are personal: never cached.
fn private(res: actix_web::HttpResponse) -> actix_web::HttpResponse {
    super::public::private(res)
}

/// 303 to another dashboard page (after a form was handled).
fn see_other(to: impl Into<String>) -> actix_web::HttpResponse {
    private(
        actix_web::HttpResponse::SeeOther()
            .insert_header(("Location", to.into()))
            .finish(),
    )
}

/// For a keyset query that fetched one row more than `page`: keeps the page, and gives the link to the
/// next one (`{base}before=<last id>`) when that extra row showed there is more.
fn next_page<T>(
    rows: &mut Vec<T>,
    page: i64,
    id: impl Fn(&T) -> i64,
    base: &str,
) -> Option<String> {
    if rows.len() as i64 <= page {
        return None;
    }
    rows.truncate(page as usize);
    rows.last().map(|last| format!("{base}before={}", id(last)))
}

/// `?done=WHAT` of a page a form redirected to: which notice to show.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Done {
    done: String,
}

impl crate::routes::edge::Fields for Done {}

/// A form with one field, `name`.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Named {
    name: String,
}

impl crate::routes::edge::Fields for Named {}

/// `?before=ID` of a page of a long list, newest first.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Before {
    before: Option<String>,
}

impl crate::routes::edge::Fields for Before {}

impl Before {
    /// The id the page ends before; `None` for the first page (or an id that is not a number).
    fn id(&self) -> Option<i64> {
        self.before.as_deref().and_then(|b| b.parse().ok())
    }
}
