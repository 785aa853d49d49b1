//! The workflow without dead ends (issue 12) on the built-in template. The tests themselves are
//! in `rules_suite/no_dead_ends.rs`, shared with `workflow_rules_renumbered.rs`.

mod common;

use common::Desk;
use ticketflow_core::template::builtin as b;

/// A desk on the built-in template, as a new desk starts.
fn desk() -> Desk {
    let d = Desk::new();
    assert_eq!(
        (d.template.key.as_str(), d.template.version),
        (b::BUILTIN_KEY, b::BUILTIN_VERSION),
        "a new desk's tickets follow the built-in template"
    );
    d
}

#[path = "rules_suite/no_dead_ends.rs"]
mod no_dead_ends;
