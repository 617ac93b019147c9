//! The audit log (admins only): what staff and operators changed, newest first.

use super::private;
use crate::db::models::audit_log::{self, Entry};
use crate::routes::edge::Staff;
use crate::routes::edge::error::{PageError, html};
use crate::routes::edge::{AppState, Form};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

const PAGE: i64 = 100;

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    staff: Staff,
    entries: Vec<Entry>,
    next: Option<String>,
}

pub async fn list(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let before = Form::query::<super::Before>(&req)?.id();
    let mut entries = state
        .db(move |c| Ok(audit_log::page(c, before, PAGE + 1)?))
        .await?;
    let next = super::next_page(&mut entries, PAGE, |e| e.id, "/admin/audit?");
    Ok(private(html(
        StatusCode::OK,
        &AuditPage {
            staff,
            entries,
            next,
        },
    )))
}
