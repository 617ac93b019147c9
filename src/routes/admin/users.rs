//! Users (admins): create one, set a password, disable or enable. The same rules as `assent admin …`
//! (`auth::users`); a disabled user or a new password ends that user's sessions on every node.

use super::{private, see_other};
use crate::auth::password;
use crate::auth::users::{self, Changed};
use crate::db::models::admin_users::{self, AdminUser};
use crate::domain::Actor;
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
    let outcome = match prepared {
        Err(invalid) => Err(invalid),
        Ok(user) => {
            let made = state.db(move |c| Ok(users::create(c, &user, &by)?)).await?;
            made.ok_or(users::Invalid {
                field: "email",
                message: "A dashboard user with this email already exists.".into(),
            })
        }
    };
    match outcome {
        Ok(id) => {
            tracing::info!(user_id = id, "dashboard user created in the dashboard");
            Ok(see_other(format!("/admin/users/{id}?done=created")))
        }
        Err(invalid) => {
            let mut p = users_page(&state, staff).await?;
            p.email = email.chars().take(254).collect();
            p.role = if role == "admin" { "admin" } else { "marketer" }.into();
            let slot = match invalid.field {
                "email" => &mut p.email_error,
                "role" => &mut p.role_error,
                _ => &mut p.password_error,
            };
            *slot = Some(invalid.message);
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

async fn user_page(state: &AppState, staff: Staff, id: i64) -> Result<UserPage, PageError> {
    let user = state
        .db(move |c| Ok(admin_users::find(c, id)?))
        .await?
        .ok_or_else(|| PageError::NotFound("There is no dashboard user with this id.".into()))?;
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
        "created" => {
            Some("Created. They can sign in at /admin/login with the password you chose.".into())
        }
        "password" => Some("Password set. Their other sessions have ended.".into()),
        "disable" => Some("Disabled: they are signed out everywhere and cannot sign in.".into()),
        "enable" => Some("Enabled: they can sign in again.".into()),
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
                message: "That is not your current password.".into(),
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
            *slot = Some(invalid.message);
            return Ok(private(html(StatusCode::UNPROCESSABLE_ENTITY, &p)));
        }
    };
    let by = Actor::from(&staff);
    let changed = state
        .db(move |c| Ok(users::set_password(c, id, &hash, &by)?))
        .await?;
    done(changed)?;
    if p.is_self {
        // Every session of this user ended with the new password; this one carries on, renewed.
        let user = state
            .db(move |c| Ok(admin_users::find(c, id)?))
            .await?
            .ok_or_else(|| {
                PageError::NotFound("There is no dashboard user with this id.".into())
            })?;
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
        return Err(PageError::Forbidden(
            "You cannot disable or enable your own account; ask another admin.".into(),
        ));
    }
    let by = Actor::from(&staff);
    let changed = state
        .db(move |c| Ok(users::set_disabled(c, id, disabled, &by)?))
        .await?;
    if let Changed::Refused(why) = changed {
        let mut p = user_page(&state, staff, id).await?;
        p.refused = Some(why);
        return Ok(private(html(StatusCode::CONFLICT, &p)));
    }
    done(changed)?;
    let what = if disabled { "disable" } else { "enable" };
    Ok(see_other(format!("/admin/users/{id}?done={what}")))
}

fn done(changed: Changed) -> Result<(), PageError> {
    match changed {
        Changed::Done(_) => Ok(()),
        Changed::NoSuchUser => Err(PageError::NotFound(
            "There is no dashboard user with this id.".into(),
        )),
        Changed::Refused(why) => Err(PageError::Forbidden(why)),
    }
}
