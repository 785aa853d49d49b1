//! Ticketflow's core: the workflow rules, SLA engine, audit chain and SQLite store.
//!
//! No Tauri here: the rules build and test without a window, and the same code serves the
//! desktop shell and the `ticketflow-cli` command line.

pub mod audit;
pub mod canonical;
pub mod checkpoint;
pub mod clock;
pub mod demo;
pub mod directory;
pub mod error;
pub mod export;
pub mod import;
pub mod mail;
pub mod paths;
pub mod priority;
pub mod qbr;
pub mod record;
pub mod report;
pub mod secrets;
pub mod signature;
pub mod signing;
pub mod sla;
pub mod store;
pub mod template;
pub mod text;
mod text_enum;
pub mod ticket;
pub mod view;
pub mod workflow;

pub use error::{Error, ErrorPayload, Result};
