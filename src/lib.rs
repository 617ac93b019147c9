//! Assent: a self-hosted consent and agreements hub. docs/architecture.md describes its layers, the
//! one write path, the outbox and the ledger; docs/architecture.md, "Layers", draws the layers.

pub mod audiences;
pub mod auth;
pub mod brand;
pub mod cli;
pub mod commands;
pub mod config;
pub mod consent;
pub mod db;
pub mod delivery;
pub mod domain;
pub mod events;
pub mod exports;
pub mod i18n;
pub mod imports;
pub mod integrations;
pub mod mail;
pub mod metrics;
pub mod node;
pub mod outgoing;
pub mod routes;
pub mod secrets;
pub mod sendfile;
pub mod startup;
pub mod supervise;
pub mod webhooks;
