use super::private;
use crate::auth::Staff;
use crate::db::models::admin_users::{self, AdminUser};
use crate::error::{PageError, html};
use crate::routes::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    staff: Staff,
    users: Vec<AdminUser>,
}

pub async fn list(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let users = state.db(|c| Ok(admin_users::all(c)?)).await?;
    Ok(private(html(StatusCode::OK, &UsersPage { staff, users })))
}
