//! Dashboard users: creating one, disabling it and setting its password. One place for the command
//! line (`assent admin …`) and the Users page, each change with its audit row in the same transaction.
//!
//! A disabled user or a changed password ends that user's sessions on every node: a session remembers
//! when the password was set, and `staff::load` compares it with the stored user on each request.

use super::password;
use crate::db::DbConn;
use crate::db::models::{admin_users, audit_log};
use crate::db::write_tx;
use crate::domain::Actor;
use crate::domain::Email;
use crate::domain::Role;

/// What is wrong with a submitted field, said so a person can fix it.
#[derive(Debug)]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
    /// For a refused password: why, so a page can say it in its own language.
    pub weak: Option<password::Weak>,
}

fn invalid(field: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        field,
        message: message.into(),
        weak: None,
    }
}

fn weak(reason: password::Weak) -> Invalid {
    Invalid {
        weak: Some(reason),
        ..invalid("password", reason.to_string())
    }
}

/// A new user, checked and with its password hashed (argon2 takes ~50 ms: call off the async executor).
pub struct NewUser {
    pub email: Email,
    pub role: Role,
    hash: String,
}

pub fn prepare(email: &str, role: &str, secret: &str) -> anyhow::Result<Result<NewUser, Invalid>> {
    let email = match Email::parse(email.trim()) {
        Ok(e) => e,
        Err(e) => return Ok(Err(invalid("email", e.to_string()))),
    };
    let role = match Role::parse(role) {
        Ok(r) => r,
        Err(e) => return Ok(Err(invalid("role", e))),
    };
    if let Err(e) = password::check_strength(secret, email.as_str()) {
        return Ok(Err(weak(e)));
    }
    Ok(Ok(NewUser {
        email,
        role,
        hash: password::hash(secret)?,
    }))
}

/// Stores the user; `None` when that email already has an account.
pub fn create(conn: &mut DbConn, user: &NewUser, by: &Actor) -> diesel::QueryResult<Option<i64>> {
    write_tx(conn, |c| {
        let now = crate::db::now();
        let id = admin_users::insert(
            c,
            &admin_users::NewAdminUser {
                email: user.email.as_str(),
                role: user.role.as_str(),
                password_hash: &user.hash,
                password_changed_at: now,
                created_at: now,
            },
        )?;
        if id.is_some() {
            let detail = Some(user.role.as_str());
            audit_log::record(c, by, "user.create", user.email.as_str(), detail)?;
        }
        Ok(id)
    })
}

/// What a user change did.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    Done(String),
    NoSuchUser,
    /// Refused, with the reason (e.g. disabling the last admin who can sign in).
    Refused(String),
}

/// Disables (`true`) or enables a user. The last enabled admin is never disabled: nobody could then
/// manage users from the dashboard.
pub fn set_disabled(
    conn: &mut DbConn,
    id: i64,
    disabled: bool,
    by: &Actor,
) -> diesel::QueryResult<Changed> {
    write_tx(conn, |c| {
        let Some(user) = admin_users::find(c, id)? else {
            return Ok(Changed::NoSuchUser);
        };
        if disabled
            && user.role == Role::Admin
            && user.disabled_at.is_none()
            && admin_users::enabled_admins(c)? <= 1
        {
            return Ok(Changed::Refused(format!(
                "{} is the only admin who can sign in; make another admin first.",
                user.email
            )));
        }
        let now = crate::db::now();
        admin_users::set_disabled(c, id, disabled.then_some(now))?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        audit_log::record(c, by, action, &user.email, None)?;
        Ok(Changed::Done(user.email))
    })
}

/// A new password, checked against the user's email and hashed (call off the async executor).
/// A staff member's dashboard language (a catalogue tag, or none for their browser's), audited.
pub fn set_language(
    conn: &mut DbConn,
    id: i64,
    language: Option<&str>,
    by: &Actor,
) -> diesel::QueryResult<()> {
    write_tx(conn, |c| {
        admin_users::set_language(c, id, language)?;
        let detail = serde_json::json!({ "language": language }).to_string();
        audit_log::record(c, by, "user.language", &by.name, Some(&detail))?;
        Ok(())
    })
}

pub fn hash_for(user_email: &str, secret: &str) -> anyhow::Result<Result<String, Invalid>> {
    if let Err(e) = password::check_strength(secret, user_email) {
        return Ok(Err(weak(e)));
    }
    Ok(Ok(password::hash(secret)?))
}

/// Sets a user's password (hashed by `hash_for`); every session of that user ends.
pub fn set_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    by: &Actor,
) -> diesel::QueryResult<Changed> {
    write_tx(conn, |c| {
        let Some(user) = admin_users::find(c, id)? else {
            return Ok(Changed::NoSuchUser);
        };
        admin_users::set_password(c, id, hash, crate::db::now())?;
        audit_log::record(c, by, "user.password", &user.email, None)?;
        Ok(Changed::Done(user.email))
    })
}
