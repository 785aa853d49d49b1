//! The launch view's data, handed to the page with the scripts that run before its own.
//!
//! WebKitGTK answers the page's first IPC calls only after it has drawn a first frame (150–200 ms
//! later on a 2-core machine without a GPU), so a queue fetched over IPC at launch is painted at
//! least a frame late. The shell reads the queue's first page and its count before the window
//! opens and defines them as `window.__TICKETFLOW_LAUNCH__`; `ui/src/ipc/launch.ts` answers the
//! UI's first matching calls from it, once.

use serde::Serialize;
use tauri::plugin::{Builder, TauriPlugin};
use tauri::Runtime;
use ticketflow_core::store::{HandoverSession, QueueQuery, QueueRow};

use crate::AppState;

/// Rows in the first page: the queue's page size (`PAGE_SIZE` in
/// `ui/src/components/QueueView.svelte`). The UI only takes the page for a request of exactly this
/// limit, so a mismatch costs the speed-up, never correctness.
pub const FIRST_PAGE: u32 = 200;

/// What the page finds in `window.__TICKETFLOW_LAUNCH__`: the unfiltered queue's first page, or
/// (and then no queue at all) the hand-over under way, so the first frame is the hand-over screen.
#[derive(Debug, Serialize)]
struct Launch {
    limit: u32,
    rows: Vec<QueueRow>,
    count: i64,
    handover: Option<HandoverSession>,
}

/// A plugin whose only part is the script defining the launch data, or `None` when the store
/// cannot answer (the UI then asks over IPC and shows the coded error it gets).
pub fn plugin<R: Runtime>(state: &AppState) -> Option<TauriPlugin<R>> {
    let script = script(state)?;
    Some(Builder::new("launch").js_init_script(script).build())
}

/// The unfiltered queue's first page in the default order (what needs action first: priority,
/// then the SLA deadline), as the UI asks for it: with no sort keys (`ui/src/lib/queue-sort.ts`).
fn first_page() -> QueueQuery {
    QueueQuery {
        offset: Some(0),
        limit: Some(FIRST_PAGE),
        ..QueueQuery::default()
    }
}

fn script(state: &AppState) -> Option<String> {
    let launch = state
        .with_store_in_handover(|store, now| match store.handover()? {
            Some(handover) => Ok(Launch {
                limit: 0,
                rows: Vec::new(),
                count: 0,
                handover: Some(handover),
            }),
            None => Ok(Launch {
                limit: FIRST_PAGE,
                rows: store.queue(&first_page(), now)?,
                count: store.queue_count(&QueueQuery::default(), now)?,
                handover: None,
            }),
        })
        .ok()?;
    // JSON is a JavaScript expression; ticket text stays a string in it (the page renders it as text).
    let json = serde_json::to_string(&launch).ok()?;
    Some(format!(
        "Object.defineProperty(window, '__TICKETFLOW_LAUNCH__', {{ value: {json}, configurable: true }});"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use ticketflow_core::clock::SystemClock;
    use ticketflow_core::error::ErrorPayload;
    use ticketflow_core::store::Store;

    fn launch_json(script: &str) -> serde_json::Value {
        let start = script.find("value: ").expect("value") + "value: ".len();
        let end = script.rfind(", configurable").expect("end");
        serde_json::from_str(&script[start..end]).expect("the launch data is JSON")
    }

    #[test]
    fn the_script_carries_the_first_page_and_the_count_the_commands_would_answer() {
        let mut store = Store::open_in_memory().expect("store");
        ticketflow_core::demo::generate(&mut store, 480, 7, |_, _| {}).expect("demo data");
        let state = AppState::new(store, Arc::new(SystemClock));
        let script = script(&state).expect("a script");
        let data = launch_json(&script);

        let (rows, count) = state
            .with_store(|store, now| {
                Ok((
                    store.queue(&first_page(), now)?,
                    store.queue_count(&QueueQuery::default(), now)?,
                ))
            })
            .expect("queue");
        assert_eq!(data["limit"], FIRST_PAGE);
        assert_eq!(data["count"], count);
        assert!(
            count > i64::from(FIRST_PAGE),
            "the desk fills more than a page"
        );
        let numbers: Vec<&str> = data["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| row["number"].as_str().expect("number"))
            .collect();
        let expected: Vec<&str> = rows.iter().map(|row| row.number.as_str()).collect();
        assert_eq!(numbers.len(), FIRST_PAGE as usize);
        assert_eq!(numbers, expected);
    }

    #[test]
    fn during_a_hand_over_the_script_carries_it_and_no_queue() {
        let mut store = Store::open_in_memory().expect("store");
        ticketflow_core::demo::generate(&mut store, 40, 3, |_, _| {}).expect("demo data");
        let now = ticketflow_core::demo::anchor();
        let escalated = store
            .queue(&QueueQuery::default(), now)
            .expect("queue")
            .into_iter()
            .find(|row| row.status == ticketflow_core::ticket::TicketStatus::Escalated)
            .expect("an escalated demo ticket");
        let mut fix = ticketflow_core::ticket::Values::new();
        fix.insert("notes".into(), "reset".into());
        fix.insert(
            "infrastructure".into(),
            ticketflow_core::template::builtin::NO_SHARED_INFRA.into(),
        );
        let actor = store.actor().expect("a technician");
        store
            .complete_step(escalated.id, 12, fix, &actor, now)
            .expect("the fix");
        store
            .start_handover(escalated.id, "We reset it.", now)
            .expect("hand-over");
        let state = AppState::new(store, Arc::new(SystemClock));
        let data = launch_json(&script(&state).expect("a script"));
        assert_eq!(data["handover"]["ticket_id"], escalated.id);
        assert_eq!(
            data["rows"],
            serde_json::json!([]),
            "no other ticket reaches the page"
        );
        assert_eq!(data["count"], 0);
    }

    #[test]
    fn an_unavailable_store_gives_no_script() {
        let error = ErrorPayload {
            code: "STORE_UNAVAILABLE".into(),
            message: "cannot open".into(),
        };
        let state = AppState::unavailable(error, Arc::new(SystemClock));
        assert!(script(&state).is_none());
    }
}
