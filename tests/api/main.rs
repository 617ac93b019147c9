//! Integration tests over real HTTP, real SMTP and a real database (SQLite by default, PostgreSQL when
//! ASSENT_TEST_DATABASE_URL is set). One binary; each test gets its own server and database.

mod accessibility;
mod admin;
mod agreement_order;
mod audiences;
mod bad_input;
mod batch;
mod brand;
mod browser;
mod chrome;
mod cli;
mod email_admin;
mod exports;
mod form_builder;
mod health_page;
mod helpers;
mod hostile;
mod imports;
mod integrations;
mod journeys;
mod languages;
mod layers;
mod ledger;
mod mail;
mod metrics;
mod profiles_admin;
mod races;
mod read_api;
mod retention;
mod schema;
mod sendfiles;
mod sftp;
mod signup_batches;
mod sshd;
mod users;
mod webhooks;
