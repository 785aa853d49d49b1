//! Keyed checkpoints (issue 13, item 1): the chain's head signed with the keychain's key at every
//! seal and every CHECKPOINT_EVERY events, so a chain recomputed by whoever holds the file fails.

mod common;

use common::Desk;
use rusqlite::{params, Connection};
use std::sync::Arc;
use tempfile::TempDir;
use ticketflow_core::audit::{event_hash, AuditEvent};
use ticketflow_core::checkpoint::{CheckpointReason, CHECKPOINT_EVERY};
use ticketflow_core::directory::{NewCompany, Tier};
use ticketflow_core::signing::Identity;
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::Store;

fn identity() -> Arc<Identity> {
    Arc::new(Identity::ephemeral("Desk", common::monday_morning()).unwrap())
}

/// A desk whose store signs checkpoints, with one closed ticket.
fn keyed_desk() -> (Desk, Arc<Identity>, i64) {
    let mut desk = Desk::new();
    let id = identity();
    desk.store.set_checkpoint_key(Ok(Arc::clone(&id)));
    let ticket = desk.ready_to_close();
    desk.close(ticket).unwrap();
    (desk, id, ticket)
}

/// The desk copied to a file, for raw SQL as an attacker would use it.
fn on_disk(store: &Store) -> (TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    store.backup(&path).unwrap();
    (dir, path)
}

fn verify(
    path: &std::path::Path,
    id: &Identity,
) -> ticketflow_core::Result<ticketflow_core::audit::ChainReport> {
    Store::open_read_only(path)
        .unwrap()
        .verify_audit_with(Some(&id.certificates))
}

/// Runs `f` with the append-only triggers dropped, then puts them back as they were: what an
/// attacker who wants the schema to look untouched does.
fn guards_down(conn: &Connection, f: impl FnOnce()) {
    let saved: Vec<(String, String)> = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%append_only%'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(saved.len(), 13, "every append-only trigger of the schema");
    for (name, _) in &saved {
        conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
    }
    f();
    for (_, sql) in &saved {
        conn.execute_batch(sql).unwrap();
    }
}

fn events(conn: &Connection) -> Vec<AuditEvent> {
    let mut stmt = conn
        .prepare("SELECT id, ticket_id, actor, at, action, before, after, prev_hash, hash FROM audit_events ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| {
        Ok(AuditEvent {
            id: r.get("id")?,
            ticket_id: r.get("ticket_id")?,
            actor: r.get("actor")?,
            at: r.get("at")?,
            action: r.get("action")?,
            before: serde_json::from_str(&r.get::<_, String>("before")?).unwrap(),
            after: serde_json::from_str(&r.get::<_, String>("after")?).unwrap(),
            prev_hash: r.get("prev_hash")?,
            hash: r.get("hash")?,
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The attack of the issue: one event's actor changed, every later link recomputed, the head
/// moved to the new last hash. The chain alone cannot tell.
fn rewrite_event(conn: &Connection, target: i64, actor: &str) {
    rewrite_with(conn, target, |e| e.actor = actor.into());
}

#[test]
fn a_seal_is_checkpointed_at_once() {
    let (desk, _, ticket) = keyed_desk();
    let status = desk.store.checkpoint_status().unwrap();
    assert_eq!(status.unsigned_events, 0, "{status:?}");
    assert_eq!(status.checkpointed_through, status.events);
    assert!(
        status.checkpoints >= 2,
        "the first and the seal: {status:?}"
    );
    let anchor = desk.store.seal_anchor(ticket).unwrap().unwrap();
    let c = anchor.checkpoint.unwrap();
    assert_eq!(
        (c.event_id, c.reason),
        (anchor.seal_event.id, CheckpointReason::Seal)
    );
    assert_eq!(c.head_hash, anchor.seal_event.hash);
    let report = desk.store.verify_audit().unwrap();
    assert_eq!(report.checkpoints as i64, status.checkpoints);
}

#[test]
fn events_are_checkpointed_every_n_and_never_left_further_behind() {
    let mut desk = Desk::new();
    desk.store.set_checkpoint_key(Ok(identity()));
    let now = desk.tick(1);
    for i in 0..(CHECKPOINT_EVERY * 2 + 5) {
        let company = NewCompany {
            name: format!("Client {i}"),
            tier: Tier::Bronze,
            calendar: Calendar::AlwaysOn,
        };
        desk.store.add_company(&company, "admin", now).unwrap();
        let s = desk.store.checkpoint_status().unwrap();
        assert!(s.unsigned_events < CHECKPOINT_EVERY, "{s:?}");
    }
    let s = desk.store.checkpoint_status().unwrap();
    assert!(s.checkpoints >= 3, "{s:?}");
    assert_eq!(s.problem, None);
    desk.store.verify_audit().unwrap();
}

#[test]
fn without_a_key_the_desk_works_and_says_its_events_are_unsigned() {
    let mut desk = Desk::new();
    desk.store
        .set_checkpoint_key(Err("[KEYCHAIN_UNAVAILABLE] no Secret Service".into()));
    let ticket = desk.ready_to_close();
    desk.close(ticket).unwrap();
    let s = desk.store.checkpoint_status().unwrap();
    assert_eq!((s.checkpoints, s.unsigned_events), (0, s.events));
    assert!(s.problem.unwrap().contains("KEYCHAIN_UNAVAILABLE"));
    let report = desk.store.verify_audit().unwrap();
    assert_eq!(report.unsigned_events, report.events);
}

#[test]
fn a_recomputed_chain_fails_at_the_first_checkpoint_after_the_edit() {
    let (desk, id, _) = keyed_desk();
    let (_dir, path) = on_disk(&desk.store);
    let conn = Connection::open(&path).unwrap();
    let first_cp: i64 = conn
        .query_row(
            "SELECT event_id FROM audit_checkpoints WHERE seq = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let target = first_cp + 3;
    rewrite_event(&conn, target, "someone else");
    drop(conn);
    let e = verify(&path, &id).unwrap_err();
    assert_eq!(e.code(), "CHECKPOINT_INVALID", "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("checkpoint 2 "),
        "names the first checkpoint after the edit: {msg}"
    );
    assert!(
        msg.contains("rewritten") && msg.contains("checkpoint 1 at event"),
        "{msg}"
    );
}

#[test]
fn the_same_rewrite_passes_a_desk_without_checkpoints() {
    // What the checkpoints are for: the chain alone accepts a consistent rewrite.
    let mut desk = Desk::new();
    let ticket = desk.ready_to_close();
    desk.close(ticket).unwrap();
    let (_dir, path) = on_disk(&desk.store);
    rewrite_event(&Connection::open(&path).unwrap(), 3, "someone else");
    let report = verify(&path, &identity()).unwrap();
    assert_eq!(report.checkpoints, 0);
}

#[test]
fn checkpoints_cannot_be_removed_altered_or_forged() {
    let (desk, id, _) = keyed_desk();
    let (_dir, path) = on_disk(&desk.store);
    let count: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM audit_checkpoints", [], |r| r.get(0))
        .unwrap();
    assert!(count >= 2);
    let attacks: [(&str, &str); 4] = [
        ("DELETE FROM audit_checkpoints WHERE seq = 1", "removed"),
        (
            "UPDATE audit_checkpoints SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 2",
            "signature",
        ),
        (
            // Another first byte, whatever the random key's was.
            "UPDATE audit_checkpoints SET key_id = \
             CASE substr(key_id, 1, 2) WHEN 'ff' THEN '00' ELSE 'ff' END || substr(key_id, 3) \
             WHERE seq = 2",
            "another key",
        ),
        (
            "UPDATE audit_checkpoints SET signature = substr(signature, 1, length(signature) - 2) || \
             CASE substr(signature, -2) WHEN '00' THEN 'ff' ELSE '00' END WHERE seq = 2",
            "signature",
        ),
    ];
    for (sql, says) in attacks {
        let (_d, copy) = {
            let d = tempfile::tempdir().unwrap();
            let p = d.path().join("ticketflow.db");
            std::fs::copy(&path, &p).unwrap();
            (d, p)
        };
        let conn = Connection::open(&copy).unwrap();
        // Refused as long as the triggers stand.
        assert!(conn.execute(sql, []).is_err(), "{sql}");
        guards_down(&conn, || {
            conn.execute(sql, []).unwrap();
        });
        drop(conn);
        let e = verify(&copy, &id).unwrap_err();
        assert_eq!(e.code(), "CHECKPOINT_INVALID", "{sql}: {e}");
        assert!(e.to_string().contains(says), "{sql}: {e}");
    }
}

#[test]
fn removing_the_newest_events_is_caught_by_the_checkpoint_over_them() {
    let (desk, id, _) = keyed_desk();
    let (_dir, path) = on_disk(&desk.store);
    let conn = Connection::open(&path).unwrap();
    guards_down(&conn, || {
        let last: i64 = conn
            .query_row("SELECT max(id) FROM audit_events", [], |r| r.get(0))
            .unwrap();
        conn.execute("DELETE FROM audit_events WHERE id = ?1", [last])
            .unwrap();
        conn.execute(
            "UPDATE audit_head SET last_id = ?1, last_hash = (SELECT hash FROM audit_events WHERE id = ?1)",
            [last - 1],
        )
        .unwrap();
    });
    drop(conn);
    let e = verify(&path, &id).unwrap_err();
    assert!(
        e.to_string().contains("events were removed from the end"),
        "{e}"
    );
}

#[test]
fn checkpoints_need_the_desks_certificate() {
    let (desk, _, _) = keyed_desk();
    let (_dir, path) = on_disk(&desk.store);
    let store = Store::open_read_only(&path).unwrap();
    let e = store.verify_audit_with(None).unwrap_err();
    assert!(e.to_string().contains("certificates are missing"), "{e}");
    let stranger = identity();
    let e = store
        .verify_audit_with(Some(&stranger.certificates))
        .unwrap_err();
    assert!(e.to_string().contains("another key"), "{e}");
}

/// Rewrites event `target` with `edit`, recomputing every later link and the head.
fn rewrite_with(conn: &Connection, target: i64, edit: impl Fn(&mut AuditEvent)) {
    guards_down(conn, || rewrite_links(conn, target, edit));
}

fn rewrite_links(conn: &Connection, target: i64, edit: impl Fn(&mut AuditEvent)) {
    let mut prev = None;
    for mut e in events(conn) {
        if let Some(p) = prev.take() {
            e.prev_hash = p;
        }
        if e.id == target {
            edit(&mut e);
        }
        if e.id >= target {
            e.hash = event_hash(&e).unwrap();
            conn.execute(
                "UPDATE audit_events SET actor = ?1, after = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?5",
                params![e.actor, e.after.to_string(), e.prev_hash, e.hash, e.id],
            )
            .unwrap();
            conn.execute(
                "UPDATE audit_head SET last_hash = ?1 WHERE id = 1",
                [&e.hash],
            )
            .unwrap();
        }
        prev = Some(e.hash.clone());
    }
}

#[test]
fn a_report_tells_an_altered_file_from_a_desk_changed_after_it() {
    use ticketflow_core::report::{self, Verdict};
    let (mut desk, id, ticket) = keyed_desk();
    let number = desk.store.ticket(ticket).unwrap().number;
    let pdf =
        report::export_ticket(&mut desk.store, &number, &id, common::monday_morning()).unwrap();
    let seal = desk.store.seal_anchor(ticket).unwrap().unwrap().seal_event;

    // The file alone, and against the untouched desk.
    assert_eq!(
        report::verify_report_alone(&pdf).verdict(),
        Verdict::Verified
    );
    let (_dir, path) = on_disk(&desk.store);
    let check = |path: &std::path::Path, pdf: &[u8]| {
        let store = Store::open_read_only(path).unwrap();
        report::verify_report(pdf, &store, Some(&id.certificates)).unwrap()
    };
    assert_eq!(
        check(&path, &pdf).verdict(),
        Verdict::Verified,
        "{:?}",
        check(&path, &pdf)
    );

    // One byte of the file changed: the report was altered, with or without the desk.
    let mut altered = pdf.clone();
    let at = altered.len() / 3;
    altered[at] ^= 1;
    assert_eq!(
        report::verify_report_alone(&altered).verdict(),
        Verdict::ReportAltered
    );
    assert_eq!(check(&path, &altered).verdict(), Verdict::ReportAltered);

    // The seal event rewritten (and the chain after it recomputed): the report is authentic, the
    // desk changed after it, and the seal is named as the first event that differs.
    let copy = path.with_file_name("rewritten.db");
    std::fs::copy(&path, &copy).unwrap();
    rewrite_with(&Connection::open(&copy).unwrap(), seal.id, |e| {
        e.after["record_hash"] = "0".repeat(64).into();
    });
    let v = check(&copy, &pdf);
    assert_eq!(v.verdict(), Verdict::DeskChanged, "{v:?}");
    let history = v.checks.iter().find(|c| c.name == "desk history").unwrap();
    assert!(
        history
            .detail
            .contains(&format!("event {} (the seal) differs: after", seal.id)),
        "{history:?}"
    );

    // An earlier event rewritten: the seal's link no longer matches, and the desk's own check
    // names the checkpoint that no longer holds.
    let earlier = path.with_file_name("earlier.db");
    std::fs::copy(&path, &earlier).unwrap();
    rewrite_with(&Connection::open(&earlier).unwrap(), seal.id - 2, |e| {
        e.actor = "someone else".into();
    });
    let v = check(&earlier, &pdf);
    assert_eq!(v.verdict(), Verdict::DeskChanged, "{v:?}");
    let history = v.checks.iter().find(|c| c.name == "desk history").unwrap();
    assert!(
        history
            .detail
            .contains(&format!("an event before event {} differs", seal.id))
            && history.detail.contains("CHECKPOINT_INVALID"),
        "{history:?}"
    );
    // The file alone still verifies: nothing in it changed.
    assert_eq!(
        report::verify_report_alone(&pdf).verdict(),
        Verdict::Verified
    );
}

#[test]
fn a_dropped_guard_is_named_by_verification() {
    let (desk, id, _) = keyed_desk();
    let (_dir, path) = on_disk(&desk.store);
    for trigger in [
        "step_records_sealed_delete",
        "audit_events_append_only_update",
    ] {
        let copy = path.with_file_name(format!("{trigger}.db"));
        std::fs::copy(&path, &copy).unwrap();
        Connection::open(&copy)
            .unwrap()
            .execute_batch(&format!("DROP TRIGGER {trigger}"))
            .unwrap();
        let e = verify(&copy, &id).unwrap_err();
        assert_eq!(e.code(), "GUARDS_MISSING", "{e}");
        assert!(e.to_string().contains(trigger), "{e}");
    }
    verify(&path, &id).unwrap();
}

/// A desk whose identity lives in a (test) keychain, which remembers the newest checkpoint.
fn desk_with_keychain() -> (
    Desk,
    Arc<Identity>,
    ticketflow_core::secrets::SecretStore,
    TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let secrets = ticketflow_core::secrets::SecretStore::in_memory().unwrap();
    let id = Arc::new(
        Identity::load_or_create(dir.path(), &secrets, "Desk", common::monday_morning()).unwrap(),
    );
    let mut desk = Desk::new();
    desk.store.set_checkpoint_key(Ok(Arc::clone(&id)));
    let ticket = desk.ready_to_close();
    desk.close(ticket).unwrap();
    (desk, id, secrets, dir)
}

#[test]
fn the_keychain_remembers_the_newest_checkpoint_so_removing_it_shows() {
    let (desk, id, _secrets, _keep) = desk_with_keychain();
    let mark = desk
        .store
        .keychain_mark(&id)
        .unwrap()
        .expect("a mark after the seal's checkpoint");
    let last = desk.store.checkpoint_status().unwrap().checkpoints;
    assert_eq!(mark.seq, last);
    desk.store.check_mark(&mark).unwrap();

    // The desk in its file: there it takes a checkpoint, which the keychain remembers with its
    // location.
    let (_dir, path) = on_disk(&desk.store);
    {
        let mut store = Store::open(&path).unwrap();
        store.set_checkpoint_key(Ok(Arc::clone(&id)));
        store
            .set_report_appendix(false, "admin", common::monday_morning())
            .unwrap();
        store.checkpoint_on_close().unwrap().expect("a checkpoint");
    }
    let store = Store::open_read_only(&path).unwrap();
    let mark = store.keychain_mark(&id).unwrap().unwrap();
    assert!(mark.seq > last);
    drop(store);
    // Each location keeps its own mark: the desk it was copied from still has its older one.
    assert_eq!(desk.store.keychain_mark(&id).unwrap().unwrap().seq, last);

    // In place: the newest checkpoints deleted and the chain rewritten after the one that
    // remains. What is left verifies, but the desk no longer reaches the keychain's mark.
    let conn = Connection::open(&path).unwrap();
    guards_down(&conn, || {
        conn.execute("DELETE FROM audit_checkpoints WHERE seq > 1", [])
            .unwrap();
    });
    let first: i64 = conn
        .query_row("SELECT event_id FROM audit_checkpoints", [], |r| r.get(0))
        .unwrap();
    rewrite_event(&conn, first + 2, "someone else");
    drop(conn);
    let store = Store::open_read_only(&path).unwrap();
    let report = store.verify_audit_with(Some(&id.certificates)).unwrap();
    assert_eq!(report.checkpoints, 1, "what is left verifies on its own");
    let e = store.check_mark(&mark).unwrap_err();
    assert_eq!(e.code(), "CHECKPOINT_INVALID");
    assert!(e.to_string().contains("newer ones were removed"), "{e}");
}

#[test]
fn a_report_signed_here_against_replaced_certificates_blames_the_desk() {
    use ticketflow_core::report::{self, Verdict};
    let (mut desk, id, secrets, _keep) = desk_with_keychain();
    let query = ticketflow_core::store::QueueQuery {
        status: Some(ticketflow_core::ticket::TicketStatus::Closed),
        ..Default::default()
    };
    let rows = desk.store.queue(&query, common::monday_morning()).unwrap();
    let closed = rows.first().expect("the closed ticket");
    let pdf = report::export_ticket(
        &mut desk.store,
        &closed.number,
        &id,
        common::monday_morning(),
    )
    .unwrap();
    // The attacker's own certificates in the desk's folder.
    let theirs = identity();
    let v = report::verify_report(&pdf, &desk.store, Some(&theirs.certificates)).unwrap();
    assert_eq!(
        v.verdict(),
        Verdict::ReportAltered,
        "without the keychain: {v:?}"
    );
    let v = report::reclassify_with_keychain(&pdf, v, &secrets);
    assert_eq!(v.verdict(), Verdict::DeskChanged, "{v:?}");
    assert!(v
        .checks
        .iter()
        .any(|c| c.name == "certificate" && c.detail.contains("replaced")));
    // Another machine's keychain cannot vouch for it: the report stays unproven.
    let elsewhere = ticketflow_core::secrets::SecretStore::in_memory().unwrap();
    let v = report::verify_report(&pdf, &desk.store, Some(&theirs.certificates)).unwrap();
    assert_eq!(
        report::reclassify_with_keychain(&pdf, v, &elsewhere).verdict(),
        Verdict::ReportAltered
    );
}

#[test]
fn a_record_rewritten_with_its_hash_still_differs_from_its_seal_event() {
    let (desk, _, ticket) = keyed_desk();
    let (_dir, path) = on_disk(&desk.store);
    let conn = Connection::open(&path).unwrap();
    let record: String = conn
        .query_row(
            "SELECT record FROM closure_records WHERE ticket_id = ?1",
            [ticket],
            |r| r.get(0),
        )
        .unwrap();
    let forged = record.replacen("stale token", "user error", 1);
    assert_ne!(forged, record, "the record names the root cause");
    let hash = ticketflow_core::canonical::sha256_hex(forged.as_bytes());
    let triggers: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%sealed%'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
    }
    conn.execute(
        "UPDATE closure_records SET record = ?1 WHERE ticket_id = ?2",
        params![forged, ticket],
    )
    .unwrap();
    conn.execute(
        "UPDATE tickets SET record_hash = ?1 WHERE id = ?2",
        params![hash, ticket],
    )
    .unwrap();
    for (_, sql) in &triggers {
        conn.execute_batch(sql).unwrap();
    }
    drop(conn);
    let store = Store::open(&path).unwrap();
    let e = store.closure_record(ticket).unwrap_err();
    assert_eq!(e.code(), "RECORD_MISMATCH", "{e}");
    let e = store
        .ticket_view(ticket, common::monday_morning())
        .unwrap_err();
    assert_eq!(
        e.code(),
        "RECORD_MISMATCH",
        "the window shows no forged record: {e}"
    );
}
