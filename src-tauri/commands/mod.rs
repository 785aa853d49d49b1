//! IPC commands, one module per domain. Each is thin: arguments -> core call -> `{code, message}`.
//! Commands that touch the store are `async` so SQLite never runs on the window's main thread.

pub mod diagnostics;
pub mod directory;
pub mod fields;
pub mod handover;
pub mod import;
pub mod mail;
pub mod qbr;
pub mod queue;
pub mod records;
pub mod reports;
pub mod search;
pub mod signing;
pub mod sla_settings;
pub mod technicians;
pub mod templates;
pub mod tickets;
pub mod tools;
