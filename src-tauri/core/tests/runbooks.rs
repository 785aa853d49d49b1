//! Runbook entries written on the desk: create, update, get, list and search, the coded refusals,
//! the audit trail, and step 20's "Entry created" / "Entry updated" proven by what the ticket did.

mod common;

use chrono::{DateTime, Utc};
use common::{Desk, TECH};
use serde_json::json;
use ticketflow_core::store::{
    DocumentKind, RunbookEntry, RunbookInput, RunbookQuery, Store, RUNBOOK_BODY_MAX,
    RUNBOOK_TITLE_MAX,
};
use ticketflow_core::template::builtin as b;
use ticketflow_core::ticket::Ticket;
use ticketflow_core::Error;

fn input(company_id: Option<i64>, title: &str, body: &str) -> RunbookInput {
    RunbookInput {
        company_id,
        title: title.into(),
        body: body.into(),
    }
}

/// Creates an entry as the desk's technician, which the test expects to be accepted.
fn create(
    store: &mut Store,
    input: RunbookInput,
    from_ticket: Option<i64>,
    now: DateTime<Utc>,
) -> RunbookEntry {
    store
        .create_runbook_entry(&input, from_ticket, TECH, now)
        .unwrap()
}

/// Updates entry `id` as the desk's technician, which the test expects to be accepted.
fn update(
    store: &mut Store,
    id: i64,
    input: RunbookInput,
    from_ticket: Option<i64>,
    now: DateTime<Utc>,
) -> RunbookEntry {
    store
        .update_runbook_entry(id, &input, from_ticket, TECH, now)
        .unwrap()
}

fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> &'static str {
    r.expect_err("expected a refusal").code()
}

fn events(d: &Desk) -> u64 {
    d.store.verify_audit().unwrap().events
}

/// Completes step 20 (Runbook) of ticket `id` with `outcome`, naming `runbooks`.
fn step_20(d: &mut Desk, id: i64, outcome: &str, runbooks: &[i64]) -> Result<Ticket, Error> {
    d.step(id, 20, json!({"outcome": outcome, "runbooks": runbooks}))
}

fn runbook_titles(d: &Desk, query: &str) -> Vec<String> {
    d.store
        .search_documents(query, 20)
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == DocumentKind::Runbook)
        .map(|h| h.title)
        .collect()
}

#[test]
fn an_entry_is_created_read_and_found() {
    let mut d = Desk::new();
    let actor = d.store.actor().unwrap();
    assert_eq!(actor, TECH);
    let now = d.tick(1);
    let client = d
        .store
        .create_runbook_entry(
            &input(
                Some(d.company.id),
                "Outlook token cache",
                "Close Outlook.\nDelete the TokenBroker cache.",
            ),
            None,
            &actor,
            now,
        )
        .unwrap();
    let desk_wide = d
        .store
        .create_runbook_entry(
            &input(None, "Printer spooler restarts", "net stop spooler"),
            None,
            &actor,
            now,
        )
        .unwrap();
    assert_eq!(client.company.as_deref(), Some("Contoso Legal"));
    assert_eq!(desk_wide.company_id, None);
    assert_eq!(client.created_at, client.updated_at);
    let read = d.store.runbook_entry(client.id).unwrap();
    assert_eq!(read, client);
    assert_eq!(read.body, "Close Outlook.\nDelete the TokenBroker cache.");

    // The desk's search (tickets and runbooks) and the runbook search both find it.
    assert_eq!(
        runbook_titles(&d, "tokenbroker"),
        vec!["Outlook token cache"]
    );
    let hits = d.store.search_runbook_entries("tokenbr", None, 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].excerpt.contains("TokenBroker"), "{:?}", hits[0]);
    // Step 9's search for a client offers its entries and the desk-wide ones, not another's.
    let step9 = d
        .store
        .search_runbooks(d.company.id, "spooler", 10)
        .unwrap();
    assert_eq!(step9.len(), 1);
    assert!(d
        .store
        .search_runbooks(d.other_company.id, "tokenbroker", 10)
        .unwrap()
        .is_empty());
    assert!(d
        .store
        .search_runbook_entries("spooler", Some(d.company.id), 10)
        .unwrap()
        .is_empty());
}

#[test]
fn bad_input_is_refused_with_a_code_and_nothing_is_written() {
    let mut d = Desk::new();
    let now = d.tick(1);
    let before = events(&d);
    let company = Some(d.company.id);
    let refusals = [
        (input(company, "   ", "x"), "RUNBOOK_TITLE_INVALID"),
        (
            input(company, &"t".repeat(RUNBOOK_TITLE_MAX + 1), "x"),
            "RUNBOOK_TITLE_INVALID",
        ),
        (
            input(company, "Big", &"é".repeat(RUNBOOK_BODY_MAX + 1)),
            "RUNBOOK_BODY_TOO_LONG",
        ),
        (input(Some(999_999), "Ghost client", "x"), "NOT_FOUND"),
    ];
    for (i, want) in &refusals {
        assert_eq!(
            code(d.store.create_runbook_entry(i, None, TECH, now)),
            *want,
            "{}",
            i.title
        );
    }
    assert_eq!(
        code(
            d.store
                .create_runbook_entry(&input(company, "Fine", "x"), None, " ", now)
        ),
        "INVALID_INPUT",
        "a blank actor"
    );
    // The largest body and title are taken.
    let max = create(
        &mut d.store,
        input(
            company,
            &"t".repeat(RUNBOOK_TITLE_MAX),
            &"é".repeat(RUNBOOK_BODY_MAX),
        ),
        None,
        now,
    );
    assert_eq!(
        events(&d),
        before + 1,
        "one event, for the one entry written"
    );
    assert_eq!(code(d.store.runbook_entry(max.id + 1)), "NOT_FOUND");
    assert_eq!(
        code(
            d.store
                .update_runbook_entry(max.id + 1, &input(company, "x", "y"), None, TECH, now)
        ),
        "NOT_FOUND"
    );
    for (i, want) in &refusals[..3] {
        assert_eq!(
            code(d.store.update_runbook_entry(max.id, i, None, TECH, now)),
            *want
        );
    }
    assert_eq!(
        d.store
            .runbook_entries(&RunbookQuery {
                company_id: None,
                offset: 0,
                limit: 10
            })
            .unwrap()
            .total,
        1
    );
    assert_eq!(events(&d), before + 1);
}

#[test]
fn an_update_is_audited_bumps_updated_at_and_moves_the_index() {
    let mut d = Desk::new();
    let created_at = d.tick(1);
    let e = create(
        &mut d.store,
        input(
            Some(d.company.id),
            "VPN split tunnel",
            "Use the legacy modem profile",
        ),
        None,
        created_at,
    );
    let id = d.intake();
    let later = d.tick(30);
    let before = events(&d);
    let after = update(
        &mut d.store,
        e.id,
        input(
            Some(d.company.id),
            "VPN full tunnel",
            "Profile moved to the cloud gateway",
        ),
        Some(id),
        later,
    );
    assert_eq!(events(&d), before + 1);
    assert_eq!(after.created_at, e.created_at);
    assert!(after.updated_at > e.updated_at);
    assert_eq!(d.store.runbook_entry(e.id).unwrap(), after);
    assert!(
        runbook_titles(&d, "modem").is_empty(),
        "the old text left the index"
    );
    assert_eq!(runbook_titles(&d, "gateway"), vec!["VPN full tunnel"]);
    assert!(d
        .store
        .search_runbook_entries("modem", None, 10)
        .unwrap()
        .is_empty());

    // The ticket's trail holds the change, before and after, by the current technician.
    let trail = d.store.ticket_audit(id, 50).unwrap();
    let ev = trail
        .iter()
        .find(|ev| ev.action == "runbook_entry_updated")
        .expect("the update is on the ticket's trail");
    assert_eq!(ev.actor, TECH);
    assert_eq!(ev.before["title"], json!("VPN split tunnel"));
    assert_eq!(ev.after["title"], json!("VPN full tunnel"));
    assert_eq!(
        ev.after["body"],
        json!("Profile moved to the cloud gateway")
    );

    // Saving what is already there is no update.
    assert_eq!(
        code(d.store.update_runbook_entry(
            e.id,
            &input(
                Some(d.company.id),
                "VPN full tunnel",
                "Profile moved to the cloud gateway"
            ),
            None,
            TECH,
            later
        )),
        "INVALID_INPUT"
    );
    // The entry is linked to a Contoso ticket: it cannot become Fabrikam's.
    assert_eq!(
        code(d.store.update_runbook_entry(
            e.id,
            &input(Some(d.other_company.id), "VPN full tunnel", "x"),
            None,
            TECH,
            later
        )),
        "RUNBOOK_OTHER_CLIENT"
    );
}

#[test]
fn the_list_is_newest_first_paged_and_per_client() {
    let mut d = Desk::new();
    let mut ids = Vec::new();
    for i in 0..5 {
        let company = if i % 2 == 0 { Some(d.company.id) } else { None };
        let now = d.tick(1);
        ids.push(
            create(
                &mut d.store,
                input(company, &format!("Entry {i}"), "text"),
                None,
                now,
            )
            .id,
        );
    }
    let page = |d: &Desk, company_id, offset, limit| {
        let p = d
            .store
            .runbook_entries(&RunbookQuery {
                company_id,
                offset,
                limit,
            })
            .unwrap();
        (p.total, p.rows.iter().map(|r| r.id).collect::<Vec<_>>())
    };
    assert_eq!(page(&d, None, 0, 2), (5, vec![ids[4], ids[3]]));
    assert_eq!(page(&d, None, 4, 2), (5, vec![ids[0]]));
    assert_eq!(
        page(&d, Some(d.company.id), 0, 10),
        (3, vec![ids[4], ids[2], ids[0]])
    );
    assert_eq!(page(&d, Some(d.other_company.id), 0, 10), (0, vec![]));
    // An edit brings the entry to the top.
    let now = d.tick(1);
    update(
        &mut d.store,
        ids[1],
        input(None, "Entry 1", "edited"),
        None,
        now,
    );
    assert_eq!(page(&d, None, 0, 1), (5, vec![ids[1]]));
    assert_eq!(
        code(d.store.runbook_entries(&RunbookQuery {
            company_id: Some(999_999),
            offset: 0,
            limit: 10
        })),
        "NOT_FOUND"
    );
}

#[test]
fn step_20_entry_created_needs_an_entry_this_ticket_created() {
    let mut d = Desk::new();
    let id = d.verified();
    let other_ticket = d.intake();
    let now = d.tick(1);
    let mine = Some(d.company.id);
    let existing = create(&mut d.store, input(mine, "Known before", "x"), None, now);
    d.store.link_runbook(id, existing.id, TECH, now).unwrap();
    let elsewhere = create(
        &mut d.store,
        input(mine, "Written on another ticket", "x"),
        Some(other_ticket),
        now,
    );
    for links in [vec![existing.id], vec![elsewhere.id], vec![]] {
        assert_eq!(
            code(step_20(&mut d, id, b::RUNBOOK_CREATED, &links)),
            "GATE_BLOCKED",
            "{links:?}"
        );
    }
    // An entry updated here is not one created here.
    let now = d.tick(1);
    update(
        &mut d.store,
        existing.id,
        input(mine, "Known before", "y"),
        Some(id),
        now,
    );
    assert_eq!(
        code(step_20(&mut d, id, b::RUNBOOK_CREATED, &[existing.id])),
        "GATE_BLOCKED"
    );
    let created = create(
        &mut d.store,
        input(mine, "Learned on this ticket", "z"),
        Some(id),
        now,
    );
    let view = d.store.ticket_view(id, now).unwrap();
    assert!(
        view.runbooks.iter().any(|r| r.id == created.id),
        "linked to the ticket"
    );
    let trail = d.store.ticket_audit(id, 50).unwrap();
    assert!(trail
        .iter()
        .any(|e| e.action == "runbook_entry_created" && e.actor == TECH));
    step_20(&mut d, id, b::RUNBOOK_CREATED, &[existing.id, created.id]).unwrap();
}

#[test]
fn step_20_entry_updated_needs_an_update_from_this_ticket() {
    let mut d = Desk::new();
    let id = d.verified();
    let now = d.tick(1);
    let mine = Some(d.company.id);
    let created_here = create(
        &mut d.store,
        input(mine, "Created here", "x"),
        Some(id),
        now,
    );
    assert_eq!(
        code(step_20(&mut d, id, b::RUNBOOK_UPDATED, &[created_here.id])),
        "GATE_BLOCKED",
        "created is not updated"
    );
    let desk_wide = create(&mut d.store, input(None, "Desk-wide", "x"), None, now);
    let now = d.tick(1);
    update(
        &mut d.store,
        desk_wide.id,
        input(None, "Desk-wide", "x, and y"),
        Some(id),
        now,
    );
    step_20(&mut d, id, b::RUNBOOK_UPDATED, &[desk_wide.id]).unwrap();
}

#[test]
fn a_ticket_writes_only_its_clients_entries_and_only_while_open() {
    let mut d = Desk::new();
    let id = d.intake();
    let now = d.tick(1);
    assert_eq!(
        code(d.store.create_runbook_entry(
            &input(Some(d.other_company.id), "Fabrikam's", "x"),
            Some(id),
            TECH,
            now
        )),
        "RUNBOOK_OTHER_CLIENT"
    );
    let fab = create(
        &mut d.store,
        input(Some(d.other_company.id), "Fabrikam's", "x"),
        None,
        now,
    );
    assert_eq!(
        code(d.store.update_runbook_entry(
            fab.id,
            &input(Some(d.other_company.id), "Fabrikam's", "y"),
            Some(id),
            TECH,
            now
        )),
        "RUNBOOK_OTHER_CLIENT"
    );
    assert_eq!(
        code(
            d.store
                .create_runbook_entry(&input(None, "x", "y"), Some(999_999), TECH, now)
        ),
        "NOT_FOUND"
    );

    let closed = d.ready_to_close();
    d.close(closed).unwrap();
    let now = d.tick(1);
    assert_eq!(
        code(
            d.store
                .create_runbook_entry(&input(None, "Too late", "x"), Some(closed), TECH, now)
        ),
        "TICKET_CLOSED"
    );
    // Without a ticket, the entry itself can still be written.
    create(&mut d.store, input(None, "After closing", "x"), None, now);
}

// The CLI: `ticketflow-cli runbook add|list|show|edit|search` on a desk set up through the store.

mod cli {
    use super::common::{berlin_hours, monday_morning, set_up, PIN, TECH};
    use std::process::{Command, Stdio};
    use tempfile::TempDir;
    use ticketflow_core::directory::{NewCompany, Tier};
    use ticketflow_core::store::Store;

    const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");

    struct Run {
        code: i32,
        stdout: String,
        stderr: String,
    }

    /// A data directory holding a set-up desk with one client, and a sandboxed home.
    struct Cli {
        home: TempDir,
        data: TempDir,
    }

    impl Cli {
        fn new(set_up_desk: bool) -> Cli {
            let data = TempDir::new().unwrap();
            let mut store =
                Store::open(&data.path().join(ticketflow_core::paths::DB_FILE)).unwrap();
            if set_up_desk {
                set_up(&mut store, TECH, PIN, monday_morning());
                store
                    .add_company(
                        &NewCompany {
                            name: "Contoso Legal".into(),
                            tier: Tier::Gold,
                            calendar: berlin_hours(),
                        },
                        TECH,
                        monday_morning(),
                    )
                    .unwrap();
            }
            Cli {
                home: TempDir::new().unwrap(),
                data,
            }
        }

        fn run(&self, args: &[&str]) -> Run {
            let o = Command::new(BIN)
                .arg("--data-dir")
                .arg(self.data.path())
                .args(args)
                .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
                .env("HOME", self.home.path())
                .env("XDG_DATA_HOME", self.home.path().join("xdg"))
                .stdin(Stdio::null())
                .output()
                .unwrap();
            Run {
                code: o.status.code().expect("not killed"),
                stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            }
        }

        fn ok(&self, args: &[&str]) -> String {
            let r = self.run(args);
            assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
            r.stdout
        }

        fn refused(&self, args: &[&str], code: &str) {
            let r = self.run(args);
            assert_eq!(r.code, 3, "{args:?}: {} {}", r.stdout, r.stderr);
            assert!(
                r.stderr.contains(&format!("error[{code}]")),
                "{args:?}: {}",
                r.stderr
            );
        }

        fn store(&self) -> Store {
            Store::open(&self.data.path().join(ticketflow_core::paths::DB_FILE)).unwrap()
        }
    }

    fn id_of(created: &str) -> String {
        created
            .split('#')
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("created runbook entry #ID")
            .to_string()
    }

    #[test]
    fn entries_are_added_listed_shown_edited_and_searched() {
        let cli = Cli::new(true);
        let file = cli.data.path().join("body.txt");
        std::fs::write(&file, "Line one\nThe plotter needs the PCL6 driver.\n").unwrap();
        let first = cli.ok(&[
            "runbook",
            "add",
            "--title",
            "Plotter driver",
            "--body-file",
            file.to_str().unwrap(),
            "--company",
            "contoso legal",
        ]);
        assert!(first.contains("(Contoso Legal)"), "{first}");
        let second = cli.ok(&[
            "runbook",
            "add",
            "--title",
            "Wi-Fi guest network",
            "--body",
            "SSID Guest",
        ]);
        assert!(second.contains("(desk-wide)"), "{second}");
        let (a, b) = (id_of(&first), id_of(&second));

        let list = cli.ok(&["runbook", "list"]);
        let pos = |t: &str| list.find(t).unwrap_or_else(|| panic!("{t} in {list}"));
        assert!(
            pos("Wi-Fi guest network") < pos("Plotter driver"),
            "newest first: {list}"
        );
        assert!(list.contains("2 of 2 entries"), "{list}");
        let contoso = cli.ok(&["runbook", "list", "--company", "Contoso Legal"]);
        assert!(
            contoso.contains("Plotter driver") && !contoso.contains("Wi-Fi"),
            "{contoso}"
        );

        let shown = cli.ok(&["runbook", "show", &a]);
        assert!(
            shown.contains("The plotter needs the PCL6 driver."),
            "{shown}"
        );
        assert!(shown.contains("client:  Contoso Legal"), "{shown}");

        cli.ok(&[
            "runbook",
            "edit",
            &b,
            "--body",
            "SSID Visitors, password on the board",
        ]);
        let shown = cli.ok(&["runbook", "show", &b]);
        assert!(
            shown.contains("Wi-Fi guest network") && shown.contains("SSID Visitors"),
            "{shown}"
        );
        let found = cli.ok(&["runbook", "search", "visitors"]);
        assert!(
            found.contains("Wi-Fi guest network") && found.contains("1 entries found"),
            "{found}"
        );
        assert!(cli
            .ok(&["runbook", "search", "guest"])
            .contains("1 entries found"));

        // Every change is the current technician's, on the audit chain: two adds and an edit.
        let conn =
            rusqlite::Connection::open(cli.data.path().join(ticketflow_core::paths::DB_FILE))
                .unwrap();
        let recent: Vec<(String, String)> = conn
            .prepare("SELECT actor, action FROM audit_events ORDER BY id DESC LIMIT 3")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let actions: Vec<&str> = recent.iter().map(|(_, a)| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "runbook_entry_updated",
                "runbook_entry_created",
                "runbook_entry_created"
            ]
        );
        assert!(recent.iter().all(|(actor, _)| actor == TECH), "{recent:?}");
        cli.store().verify_audit().unwrap();
    }

    #[test]
    fn bad_input_exits_3_with_its_code() {
        let cli = Cli::new(true);
        cli.refused(
            &["runbook", "add", "--title", " ", "--body", "x"],
            "RUNBOOK_TITLE_INVALID",
        );
        let big = cli.data.path().join("big.txt");
        std::fs::write(&big, "x".repeat(100_001)).unwrap();
        cli.refused(
            &[
                "runbook",
                "add",
                "--title",
                "Big",
                "--body-file",
                big.to_str().unwrap(),
            ],
            "RUNBOOK_BODY_TOO_LONG",
        );
        cli.refused(&["runbook", "add", "--title", "No text"], "INVALID_INPUT");
        cli.refused(
            &[
                "runbook",
                "add",
                "--title",
                "T",
                "--body-file",
                "/nonexistent/file",
            ],
            "INVALID_INPUT",
        );
        cli.refused(
            &[
                "runbook",
                "add",
                "--title",
                "T",
                "--body",
                "x",
                "--company",
                "Nobody Inc",
            ],
            "NOT_FOUND",
        );
        cli.refused(&["runbook", "show", "4242"], "NOT_FOUND");
        cli.refused(&["runbook", "edit", "4242", "--title", "x"], "NOT_FOUND");
        let created = cli.ok(&["runbook", "add", "--title", "T", "--body", "x"]);
        cli.refused(&["runbook", "edit", &id_of(&created)], "INVALID_INPUT");
        // --body and --body-file together is a usage error.
        let r = cli.run(&[
            "runbook",
            "add",
            "--title",
            "T",
            "--body",
            "x",
            "--body-file",
            "f",
        ]);
        assert_eq!(r.code, 2, "{}", r.stderr);
    }

    #[test]
    fn an_empty_desk_has_no_one_to_write_an_entry() {
        let cli = Cli::new(false);
        cli.refused(
            &["runbook", "add", "--title", "T", "--body", "x"],
            "NO_TECHNICIAN",
        );
        assert!(cli.ok(&["runbook", "list"]).contains("0 of 0 entries"));
    }
}
