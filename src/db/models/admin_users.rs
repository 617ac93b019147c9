use crate::db::DbConn;
use crate::db::schema::admin_users;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = admin_users)]
pub struct AdminUser {
    pub id: i64,
    pub email: String,
    pub role: crate::domain::Role,
    pub password_hash: String,
    pub password_changed_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// The dashboard language they chose (a catalogue tag), or none for their browser's.
    pub language: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = admin_users)]
pub struct NewAdminUser<'a> {
    pub email: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub password_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// `None` when the email already has an account.
pub fn insert(conn: &mut DbConn, user: &NewAdminUser) -> QueryResult<Option<i64>> {
    let insert = diesel::insert_into(admin_users::table).values(user);
    crate::on_backend!(conn, |c| insert
        .on_conflict(admin_users::email)
        .do_nothing()
        .returning(admin_users::id)
        .get_result(c)
        .optional())
}

/// Whether any dashboard user exists (none: a fresh install).
pub fn any(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        admin_users::table.select(admin_users::id),
    ))
    .get_result(conn)
}

/// How many admins can sign in. On PostgreSQL it first takes a lock that changes of users' status take
/// in turn (SQLite write transactions do anyway), so two admins disabling each other cannot both pass.
pub fn enabled_admins(conn: &mut DbConn) -> QueryResult<i64> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7270002)").execute(c)?;
    }
    admin_users::table
        .filter(admin_users::role.eq("admin"))
        .filter(admin_users::disabled_at.is_null())
        .count()
        .get_result(conn)
}

pub fn set_disabled(conn: &mut DbConn, id: i64, at: Option<NaiveDateTime>) -> QueryResult<usize> {
    diesel::update(admin_users::table.find(id))
        .set(admin_users::disabled_at.eq(at))
        .execute(conn)
}

/// Their dashboard language: a catalogue tag, or none for their browser's.
pub fn set_language(conn: &mut DbConn, id: i64, language: Option<&str>) -> QueryResult<usize> {
    diesel::update(admin_users::table.find(id))
        .set(admin_users::language.eq(language))
        .execute(conn)
}

pub fn set_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(admin_users::table.find(id))
        .set((
            admin_users::password_hash.eq(hash),
            admin_users::password_changed_at.eq(at),
        ))
        .execute(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<AdminUser>> {
    admin_users::table
        .find(id)
        .select(AdminUser::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<AdminUser>> {
    admin_users::table
        .filter(admin_users::email.eq(email))
        .select(AdminUser::as_select())
        .first(conn)
        .optional()
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<AdminUser>> {
    admin_users::table
        .order(admin_users::email)
        .select(AdminUser::as_select())
        .load(conn)
}
