//! Users (admins): create one, set a password, disable or enable. The same rules as `assent admin …`
//! (`auth::users`); a disabled user or a new password ends that user's sessions on every node.

use super::{private, see_other};
use crate::auth::password::{self, Weak};
use crate::auth::users::{self, Changed};
use crate::db::models::admin_users::{self, AdminUser};
use crate::domain::Actor;
use crate::i18n::Lang;
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::staff;
use crate::routes::edge::{AppState, Fields, Form};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    staff: Staff,
    users: Vec<AdminUser>,
    email: String,
    role: String,
    email_error: Option<String>,
    role_error: Option<String>,
    password_error: Option<String>,
    min_len: usize,
}

impl UsersPage {
    fn has_errors(&self) -> bool {
        self.email_error.is_some() || self.role_error.is_some() || self.password_error.is_some()
    }
}

/// Why a field of a user was refused, in `lang`. `auth::users` and `auth::password` say it in English
/// (for `assent admin …` too); the email's reason is the public forms' (`i18n::email_error`), the
/// password's comes typed (`password::Weak`).
fn invalid_message(lang: &Lang, invalid: &users::Invalid, email: &str, role: &str) -> String {
    let min = password::MIN_LEN.to_string();
    match (invalid.field, invalid.weak) {
        ("email", _) => crate::i18n::email_error(lang, email),
        ("role", _) => lang.with("users-role-invalid", &[("value", &format!("{role:?}"))]),
        ("current", _) => lang.t("user-wrong-current"),
        (_, Some(Weak::TooShort)) => lang.with("users-password-too-short", &[("min", &min)]),
        (_, Some(Weak::TooLong)) => lang.with("users-password-too-long", &[("max", "256")]),
        (_, Some(Weak::Repetitive)) => lang.t("users-password-repetitive"),
        (_, Some(Weak::HasEmail)) => lang.t("users-password-has-email"),
        (_, Some(Weak::Common)) => lang.t("users-password-common"),
        (_, None) => invalid.message.clone(),
    }
}

async fn users_page(state: &AppState, staff: Staff) -> Result<UsersPage, PageError> {
    let users = state.db(|c| Ok(admin_users::all(c)?)).await?;
    Ok(UsersPage {
        staff,
        users,
        email: String::new(),
        role: "marketer".into(),
        email_error: None,
        role_error: None,
        password_error: None,
        min_len: password::MIN_LEN,
    })
}

pub async fn list(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let p = users_page(&state, staff).await?;
    Ok(private(html(StatusCode::OK, &p)))
}

/// The add-user form.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct UserFields {
    email: String,
    role: String,
    password: String,
}

impl Fields for UserFields {}

/// The set-password form (`current`: the user's own password, when it is their own account).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PasswordFields {
    password: String,
    current: String,
}

impl Fields for PasswordFields {}

pub async fn create(
    req: HttpRequest,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: UserFields = staff.fields(&req, body).await?;
    let email = form.email.trim().to_string();
    let (role, secret) = (form.role, form.password);
    let (e, r) = (email.clone(), role.clone());
    let prepared = web::block(move || users::prepare(&e, &r, &secret))
        .await
        .map_err(|e| PageError::Unexpected(e.into()))??;
    let by = Actor::from(&staff);
    // A refusal: the field and why, in the staff member's language.
    let outcome = match prepared {
        Err(invalid) => Err((
            invalid.field,
            invalid_message(&staff.lang, &invalid, &email, &role),
        )),
        Ok(user) => {
            let made = state.db(move |c| Ok(users::create(c, &user, &by)?)).await?;
            made.ok_or(("email", staff.t("users-exists")))
        }
    };
    match outcome {
        Ok(id) => {
            tracing::info!(user_id = id, "dashboard user created in the dashboard");
            Ok(see_other(format!("/admin/users/{id}?done=created")))
        }
        Err((field, message)) => {
            let mut p = users_page(&state, staff).await?;
            p.email = email.chars().take(254).collect();
            p.role = if role == "admin" { "admin" } else { "marketer" }.into();
            let slot = match field {
                "email" => &mut p.email_error,
                "role" => &mut p.role_error,
                _ => &mut p.password_error,
            };
            *slot = Some(message);
            Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    staff: Staff,
    user: AdminUser,
    is_self: bool,
    notice: Option<String>,
    refused: Option<String>,
    password_error: Option<String>,
    current_error: Option<String>,
    min_len: usize,
}

impl UserPage {
    /// What a new password must be, and whose sessions end.
    fn password_help(&self) -> String {
        let id = if self.is_self {
            "user-password-help-self"
        } else {
            "user-password-help-other"
        };
        self.staff
            .lang
            .with(id, &[("min", &self.min_len.to_string())])
    }
}

async fn user_page(state: &AppState, staff: Staff, id: i64) -> Result<UserPage, PageError> {
    let user = state
        .db(move |c| Ok(admin_users::find(c, id)?))
        .await?
        .ok_or_else(|| PageError::NotFound(staff.t("user-not-found")))?;
    Ok(UserPage {
        is_self: user.id == staff.user.id,
        staff,
        user,
        notice: None,
        refused: None,
        password_error: None,
        current_error: None,
        min_len: password::MIN_LEN,
    })
}

pub async fn show(
    req: HttpRequest,
    id: web::Path<i64>,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let mut p = user_page(&state, staff, id.into_inner()).await?;
    p.notice = match Form::query::<super::Done>(&req)?.done.as_str() {
        done @ ("created" | "password" | "disable" | "enable") => {
            Some(p.staff.t(&format!("user-done-{done}")))
        }
        _ => None,
    };
    Ok(private(html(StatusCode::OK, &p)))
}

pub async fn set_password(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    session: Session,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: PasswordFields = staff.fields(&req, body).await?;
    let id = id.into_inner();
    let mut p = user_page(&state, staff.clone(), id).await?;
    let (email, secret) = (p.user.email.clone(), form.password);
    // Your own password only with the current one: a borrowed session must not lock the owner out.
    let current = p
        .is_self
        .then(|| (form.current, p.user.password_hash.clone()));
    let checked = web::block(move || {
        if let Some((given, stored)) = current
            && !password::verify(&given, Some(&stored))
        {
            return Ok(Err(users::Invalid {
                field: "current",
                // Worded by `invalid_message`.
                message: String::new(),
                weak: None,
            }));
        }
        users::hash_for(&email, &secret)
    })
    .await
    .map_err(|e| PageError::Unexpected(e.into()))??;
    let hash = match checked {
        Ok(h) => h,
        Err(invalid) => {
            let slot = if invalid.field == "current" {
                &mut p.current_error
            } else {
                &mut p.password_error
            };
            *slot = Some(invalid_message(&staff.lang, &invalid, "", ""));
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
        }
    };
    let by = Actor::from(&staff);
    let changed = state
        .db(move |c| Ok(users::set_password(c, id, &hash, &by)?))
        .await?;
    done(changed, &staff.lang)?;
    if p.is_self {
        // Every session of this user ended with the new password; this one carries on, renewed.
        let user = state
            .db(move |c| Ok(admin_users::find(c, id)?))
            .await?
            .ok_or_else(|| PageError::NotFound(staff.t("user-not-found")))?;
        staff::renew(&session, &user)?;
    }
    Ok(see_other(format!("/admin/users/{id}?done=password")))
}

/// `POST /admin/users/{id}/disable` (`DISABLED`) and `…/enable`.
pub async fn set_disabled<const DISABLED: bool>(
    req: HttpRequest,
    id: web::Path<i64>,
    body: web::Payload,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (id, disabled) = (id.into_inner(), DISABLED);
    staff.form(&req, body).await?;
    if id == staff.user.id {
        return Err(PageError::Forbidden(staff.t("user-not-yourself")));
    }
    let by = Actor::from(&staff);
    let changed = state
        .db(move |c| Ok(users::set_disabled(c, id, disabled, &by)?))
        .await?;
    if let Changed::Refused(_) = changed {
        // The one refusal: disabling the last admin who can sign in.
        let mut p = user_page(&state, staff, id).await?;
        let why = p
            .staff
            .lang
            .with("user-only-admin", &[("email", &p.user.email)]);
        p.refused = Some(why);
        return Ok(private(html(StatusCode::CONFLICT, &p)));
    }
    done(changed, &staff.lang)?;
    let what = if disabled { "disable" } else { "enable" };
    Ok(see_other(format!("/admin/users/{id}?done={what}")))
}

fn done(changed: Changed, lang: &Lang) -> Result<(), PageError> {
    match changed {
        Changed::Done(_) => Ok(()),
        Changed::NoSuchUser => Err(PageError::NotFound(lang.t("user-not-found"))),
        Changed::Refused(why) => Err(PageError::Forbidden(why)),
    }
}

#[cfg(test)]
mod i18n_tests {
    use super::*;
    use crate::domain::Role;

    /// The English catalogue says exactly what `auth` says, and each reason has its own translation.
    #[test]
    fn every_refusal_of_a_new_user_is_worded_by_the_catalogue() {
        let (en, pl) = (Lang::default(), Lang::find("pl").unwrap());
        let long = "x".repeat(300);
        for secret in [
            "short",
            long.as_str(),
            "aaaaaaaaaaaaaaa",
            "anna-likes-hiking",
            "my password is long",
        ] {
            let reason = password::check_strength(secret, "anna@example.com").unwrap_err();
            let english = reason.to_string();
            let invalid = users::Invalid {
                field: "password",
                message: english.clone(),
                weak: Some(reason),
            };
            assert_eq!(invalid_message(&en, &invalid, "", ""), english);
            assert_ne!(invalid_message(&pl, &invalid, "", ""), english, "{secret}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        for raw in ["", "nope", long.as_str()] {
            let english = crate::domain::Email::parse(raw).unwrap_err();
            let invalid = users::Invalid {
                field: "email",
                message: english.clone(),
                weak: None,
            };
            assert_eq!(invalid_message(&en, &invalid, raw, ""), english);
        }
        let english = Role::parse("boss").unwrap_err();
        let invalid = users::Invalid {
            field: "role",
            message: english.clone(),
            weak: None,
        };
        assert_eq!(invalid_message(&en, &invalid, "", "boss"), english);
    }
}
