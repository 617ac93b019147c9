//! The kit every handler shares: app state, bounded and CSRF-checked forms, the staff session and its
//! role, the API key, client metadata, error pages, and the middleware for slow clients and request spans.

pub mod api_key;
pub mod client;
pub mod error;
pub mod form;
pub mod slow_clients;
pub mod spans;
pub mod staff;
pub mod state;
pub mod unverified;

pub use client::{client_meta, sends_gpc};
pub use form::{BodyError, Fields, Form, MAX_BODY, MAX_FORM, MAX_STAFF_FORM, read_body};
pub use staff::Staff;
pub use state::{AppState, Catalog};
