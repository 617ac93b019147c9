use crate::db::DbConn;
use crate::db::schema::admin_users;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = admin_users)]
pub struct AdminUser {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub password_hash: String,
    pub password_changed_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
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

pub fn insert(conn: &mut DbConn, user: &NewAdminUser) -> QueryResult<i64> {
    diesel::insert_into(admin_users::table)
        .values(user)
        .returning(admin_users::id)
        .get_result(conn)
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
