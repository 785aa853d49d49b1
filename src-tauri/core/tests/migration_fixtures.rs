//! Databases written by every released schema version must open, migrate and keep their data,
//! hashes and signatures intact. One fixture per version lives in tests/fixtures/
//! (schema-vN.db, made with `ticketflow-cli demo-data --tickets 25 --seed 11`, then `backup`).

use ticketflow_core::store::{QueueQuery, Store};
use ticketflow_core::ticket::TicketStatus;

fn open_copy(name: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tmp");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dst = dir.path().join("t.db");
    std::fs::copy(&src, &dst).expect("fixture copies");
    let store = Store::open(&dst).expect("the fixture opens and migrates");
    (dir, store)
}

#[test]
fn schema_v1_database_opens_with_everything_intact() {
    let (_dir, store) = open_copy("schema-v1.db");
    assert_eq!(store.ticket_count().unwrap(), 25);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    let chain = store
        .verify_audit()
        .expect("audit chain intact after migration");
    assert!(chain.events > 300, "{}", chain.events);
    let now = ticketflow_core::demo::anchor();
    let closed = store
        .queue(
            &QueueQuery {
                status: Some(TicketStatus::Closed),
                limit: Some(100),
                ..Default::default()
            },
            now,
        )
        .unwrap();
    assert_eq!(closed.len(), 8);
    for row in closed {
        let sealed = store
            .closure_record(row.id)
            .expect("sealed record matches its stored hash");
        let t = store.ticket(row.id).unwrap();
        assert_eq!(t.record_hash.as_deref(), Some(sealed.hash.as_str()));
        for step in [13, 21] {
            let sig = t.value(step, "signature").expect("signature kept");
            let points: usize = sig["strokes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_array().unwrap().len())
                .sum();
            assert!(
                points >= 10,
                "ticket {} step {step} lost its strokes",
                t.number
            );
        }
    }
}
