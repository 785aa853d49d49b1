//! IPC commands, one module per domain. Each is thin: arguments -> core call -> `{code, message}`.

pub mod diagnostics;
pub mod queue;
