//! Assent: a self-hosted consent and agreements hub. See DESIGN.md in the shared folder for the shape.

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
pub mod error;
pub mod exports;
pub mod i18n;
pub mod imports;
pub mod integrations;
pub mod mail;
pub mod node;
pub mod outgoing;
pub mod routes;
pub mod sendfile;
pub mod startup;
pub mod supervise;
pub mod webhooks;
