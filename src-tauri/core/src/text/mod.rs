//! Untrusted text as it is shown: what a name or a note really holds, made visible.

pub mod visible;
