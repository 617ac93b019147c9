//! Email: composing messages from the outbox rows, and the worker that delivers them with retries.

mod compose;
pub mod dead;
pub mod dkim;
mod worker;

pub use compose::Composer;
pub use worker::{Email, Mailer, run_worker};
