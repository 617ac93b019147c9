//! What a dashboard user may do.

/// Stored as the text `admin` or `marketer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Role {
    Admin,
    Marketer,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Role, String> {
        match raw {
            "admin" => Ok(Role::Admin),
            "marketer" => Ok(Role::Marketer),
            other => Err(format!("{other:?} is not a role; use admin or marketer")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Marketer => "marketer",
        }
    }
}

super::column::stored_as_text!(Role);
