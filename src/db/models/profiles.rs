use crate::db::DbConn;
use crate::db::schema::profiles;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = profiles)]
pub struct Profile {
    pub id: i64,
    pub email: Option<String>,
    pub custom_id: Option<String>,
    pub phone: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub attributes: String,
    pub email_confirmed_at: Option<NaiveDateTime>,
    pub form_mails: i32,
    pub form_mail_window: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Profile {
    /// What identifies the person in the ledger (entered there only as a digest).
    pub fn identity(&self) -> String {
        identity(self.email.as_deref(), self.custom_id.as_deref())
    }
}

pub fn identity(email: Option<&str>, custom_id: Option<&str>) -> String {
    match (email, custom_id) {
        (Some(e), _) => e.to_string(),
        (None, Some(c)) => format!("customId:{c}"),
        (None, None) => String::new(),
    }
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Profile>> {
    profiles::table
        .find(id)
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Profile>> {
    profiles::table
        .filter(profiles::email.eq(email))
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

/// Takes the profile's write lock for the rest of the transaction (a row lock on PostgreSQL; SQLite
/// write transactions are already exclusive). Returns false when the profile does not exist.
pub fn lock(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let n = diesel::update(profiles::table.find(id))
        .set(profiles::id.eq(profiles::id))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn touch(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(profiles::table.find(id))
        .set(profiles::updated_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn mark_email_confirmed(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        profiles::table
            .find(id)
            .filter(profiles::email_confirmed_at.is_null()),
    )
    .set((
        profiles::email_confirmed_at.eq(at),
        profiles::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

/// Stores what is left of a profile's allowance of form emails (see `consent::throttle`).
pub fn set_allowance(
    conn: &mut DbConn,
    id: i64,
    allowance: crate::consent::throttle::Allowance,
) -> QueryResult<()> {
    diesel::update(profiles::table.find(id))
        .set((
            profiles::form_mails.eq(allowance.mails),
            profiles::form_mail_window.eq(allowance.window),
        ))
        .execute(conn)?;
    Ok(())
}
