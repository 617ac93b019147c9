//! Dashboard users and API keys: accounts and passwords, sessions kept in the app's own database, and
//! sign-in throttling. (The staff member a request is made by is the HTTP edge's: `routes::edge::staff`.)

pub mod api_keys;
pub mod password;
pub mod sessions;
pub mod throttle;
pub mod users;
