//! Row structs and their queries, one file per table. Functions take a connection so they compose
//! inside one transaction.

pub mod admin_sessions;
pub mod admin_users;
pub mod agreements;
pub mod anchors;
pub mod api_keys;
pub mod audiences;
pub mod audit_log;
pub mod consent_events;
pub mod consents;
pub mod erasures;
pub mod idempotency_keys;
pub mod integrations;
pub mod jobs;
pub mod login_failures;
pub mod optin_requests;
pub mod outbox;
pub mod profiles;
pub mod receipt_keys;
pub mod sendfiles;
pub mod signups;
pub mod webhook_endpoints;
