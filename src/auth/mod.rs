//! Dashboard users: passwords, sessions kept in the app's own database, sign-in throttling, and the
//! staff member a request is made by (with role and CSRF token).

pub mod password;
pub mod sessions;
pub mod staff;
pub mod throttle;
pub mod users;

pub use staff::{Role, Staff};
