//! The import's write side (issue 16): matching, dry run = commit, nothing half-written, undo,
//! audit, and the export -> import round trip.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::{Desk, TECH};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use ticketflow_core::directory::tools::CompanyTool;
use ticketflow_core::directory::Tier;
use ticketflow_core::export::{write_export, ExportFilter, ExportKind};
use ticketflow_core::store::{
    CompanyRef, ImportFile, ImportMode, ImportProgress, ImportReport, ImportRequest, Incoming,
    IncomingAsset, IncomingCompany, IncomingContact, IncomingRow, IncomingRunbook, RowProblem,
    Store,
};
use ticketflow_core::template::ToolKind;
use ticketflow_core::Result;

const SOURCE: &str = "connectwise";

fn request(mode: ImportMode) -> ImportRequest {
    ImportRequest {
        source: SOURCE.into(),
        files: vec![ImportFile {
            name: "directory.csv".into(),
            sha256: "ab".repeat(32),
        }],
        mode,
        default_tier: Tier::Silver,
        rows_total_estimate: None,
    }
}

fn company(ext: Option<&str>, name: &str) -> Incoming {
    Incoming::Company(IncomingCompany {
        external_id: ext.map(str::to_string),
        name: name.into(),
        tier: None,
        time_zone: Some("Europe/Paris".into()),
        calendar: None,
        active: Some(true),
        tools: Vec::new(),
    })
}

/// A company the source marks inactive.
fn inactive(ext: Option<&str>, name: &str) -> Incoming {
    match company(ext, name) {
        Incoming::Company(c) => Incoming::Company(IncomingCompany {
            active: Some(false),
            ..c
        }),
        _ => unreachable!("company() makes a company"),
    }
}

fn of(company_ext: Option<&str>, company_name: Option<&str>) -> CompanyRef {
    CompanyRef {
        external_id: company_ext.map(str::to_string),
        name: company_name.map(str::to_string),
    }
}

fn contact(
    ext: Option<&str>,
    company: CompanyRef,
    name: &str,
    email: Option<&str>,
) -> IncomingContact {
    IncomingContact {
        external_id: ext.map(str::to_string),
        company,
        name: name.into(),
        email: email.map(str::to_string),
        phone: None,
        upn: None,
        authorized: Some(true),
        terminated_on: None,
    }
}

fn asset(ext: Option<&str>, company: CompanyRef, hostname: &str) -> Incoming {
    Incoming::Asset(IncomingAsset {
        external_id: ext.map(str::to_string),
        company,
        hostname: hostname.into(),
        kind: Some("server".into()),
        serial: None,
        assigned_upn: None,
        rmm_id: None,
        rmm_url: None,
    })
}

fn rows(records: Vec<Incoming>) -> Vec<Result<IncomingRow>> {
    records
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            Ok(IncomingRow {
                file: 0,
                line: i as u64 + 2,
                raw: vec![format!("row {}", i + 2)],
                record: Ok(r),
            })
        })
        .collect()
}

fn go(_: ImportProgress) -> bool {
    true
}

fn run(store: &mut Store, mode: ImportMode, records: Vec<Incoming>) -> Result<ImportReport> {
    store.run_import(
        &request(mode),
        &mut rows(records).into_iter(),
        TECH,
        now(),
        &mut go,
    )
}

fn plan(store: &Store, mode: ImportMode, records: Vec<Incoming>) -> ImportReport {
    store
        .plan_import(&request(mode), &mut rows(records).into_iter(), &mut go)
        .unwrap()
}

fn now() -> DateTime<Utc> {
    common::monday_morning()
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().into()
}

/// A desk in a file (so a second connection can read every table as it is on disk).
fn desk() -> (tempfile::TempDir, PathBuf, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    let desk = Desk::on_file(&path);
    (dir, path, desk)
}

const DIRECTORY: &[&str] = &["companies", "contacts", "assets", "runbook_entries"];
const EVERYTHING: &[&str] = &[
    "companies",
    "contacts",
    "assets",
    "runbook_entries",
    "external_ids",
    "import_batches",
    "import_changes",
    "audit_events",
    "documents",
];

/// Every row of `tables`, every column, in a stable order, as text.
fn dump(path: &Path, tables: &[&str]) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2, 3"))
            .unwrap();
        let n = stmt.column_count();
        let mut q = stmt.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect();
            out.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    out
}

fn count(path: &Path, sql: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// A mixed batch over the test desk: new companies and contacts, an update of an existing
/// contact by its e-mail, an unchanged row, and rows refused for a missing company and an empty
/// name.
fn mixed(desk: &Desk) -> Vec<Incoming> {
    let caller_email = desk.caller.email.clone().unwrap();
    vec![
        company(Some("CW-1"), "Northwind"),
        company(None, "Fabrikam"), // exists as it is (24x7, no zone to place): unchanged
        Incoming::Contact(IncomingContact {
            phone: Some("+49 30 1234".into()),
            ..contact(
                None,
                of(None, Some("Contoso Legal")),
                "Dana Reyes",
                Some(&caller_email),
            )
        }),
        Incoming::Contact(contact(
            Some("P-1"),
            of(Some("CW-1"), None),
            "Nina North",
            Some("nina@northwind.example"),
        )),
        Incoming::Contact(contact(
            Some("P-2"),
            of(None, Some("Nowhere Inc")),
            "Lost Soul",
            None,
        )),
        Incoming::Contact(contact(Some("P-3"), of(Some("CW-1"), None), "   ", None)),
        asset(Some("D-1"), of(Some("CW-1"), None), "NW-SRV-01"),
        Incoming::Runbook(IncomingRunbook {
            external_id: Some("DOC-1".into()),
            company: Some(of(Some("CW-1"), None)),
            title: "VPN".into(),
            body: "Split tunnel".into(),
            created_at: None,
            updated_at: None,
        }),
    ]
}

#[test]
fn a_dry_run_counts_what_the_commit_does_and_writes_nothing() {
    let (_dir, path, mut desk) = desk();
    let before = dump(&path, EVERYTHING);
    let planned = plan(&desk.store, ImportMode::Both, mixed(&desk));
    assert_eq!(
        dump(&path, EVERYTHING),
        before,
        "the dry run wrote something"
    );
    assert_eq!(planned.batch_id, None);
    let records = mixed(&desk);
    let done = run(&mut desk.store, ImportMode::Both, records).unwrap();
    assert_eq!(planned.counts, done.counts);
    assert_eq!(planned.by_kind, done.by_kind);
    assert_eq!(planned.refused, done.refused);
    // And the counts are what the rows are.
    assert_eq!(
        (
            done.counts.created,
            done.counts.updated,
            done.counts.skipped,
            done.counts.refused
        ),
        (4, 1, 1, 2),
        "{done:?}"
    );
    let codes: Vec<(u64, &str)> = done
        .refused
        .iter()
        .map(|r| (r.line, r.code.as_str()))
        .collect();
    assert_eq!(codes, [(6, "COMPANY_NOT_FOUND"), (7, "FIELD_REQUIRED")]);
    assert_eq!(done.refused[0].raw, ["row 6"]);
    assert!(
        done.refused[0].message.contains("Nowhere Inc"),
        "{:?}",
        done.refused[0]
    );
}

#[test]
fn a_row_with_its_source_id_updates_the_record_that_id_named() {
    let (_dir, path, mut desk) = desk();
    let first = vec![
        company(Some("CW-1"), "Northwind"),
        Incoming::Contact(contact(
            Some("P-1"),
            of(Some("CW-1"), None),
            "Nina North",
            Some("nina@northwind.example"),
        )),
    ];
    run(&mut desk.store, ImportMode::Both, first).unwrap();
    let id: i64 = count(&path, "SELECT id FROM contacts WHERE name = 'Nina North'");
    // Renamed and re-addressed in the PSA: the id still names her.
    let second = vec![
        company(Some("CW-1"), "Northwind Traders"),
        Incoming::Contact(contact(
            Some("P-1"),
            of(Some("CW-1"), None),
            "Nina Northcott",
            Some("nina.n@northwind.example"),
        )),
    ];
    let r = run(&mut desk.store, ImportMode::Both, second).unwrap();
    assert_eq!((r.counts.created, r.counts.updated), (0, 2), "{r:?}");
    assert_eq!(
        count(&path, "SELECT id FROM contacts WHERE name = 'Nina Northcott' AND email = 'nina.n@northwind.example'"),
        id
    );
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM contacts WHERE name LIKE 'Nina%'"
        ),
        1
    );
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM companies WHERE name LIKE 'Northwind%'"
        ),
        1
    );
    // Update mode leaves new rows alone; create mode leaves existing ones alone.
    let r = run(
        &mut desk.store,
        ImportMode::Update,
        vec![Incoming::Contact(contact(
            Some("P-9"),
            of(Some("CW-1"), None),
            "New Person",
            None,
        ))],
    )
    .unwrap();
    assert_eq!((r.counts.created, r.counts.skipped), (0, 1));
    let r = run(
        &mut desk.store,
        ImportMode::Create,
        vec![Incoming::Contact(contact(
            Some("P-1"),
            of(Some("CW-1"), None),
            "Changed",
            None,
        ))],
    )
    .unwrap();
    assert_eq!((r.counts.updated, r.counts.skipped), (0, 1));
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM contacts WHERE name = 'Changed'"
        ),
        0
    );
}

#[test]
fn without_an_id_the_natural_key_matches() {
    let (_dir, path, mut desk) = desk();
    let contacts_before = count(&path, "SELECT count(*) FROM contacts");
    // The test desk's caller, by e-mail in another letter case: an update, not a new contact.
    let email = desk.caller.email.clone().unwrap().to_uppercase();
    let r = run(
        &mut desk.store,
        ImportMode::Both,
        vec![
            Incoming::Contact(IncomingContact {
                upn: Some("dana@contoso.example".into()),
                ..contact(
                    None,
                    of(None, Some("contoso legal")),
                    "Dana Reyes",
                    Some(&email),
                )
            }),
            asset(None, of(None, Some("Contoso Legal")), "contoso-lt-001"),
        ],
    )
    .unwrap();
    assert_eq!((r.counts.created, r.counts.updated), (0, 2), "{r:?}");
    assert_eq!(
        count(&path, "SELECT count(*) FROM contacts"),
        contacts_before
    );
    let upn: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT upn FROM contacts WHERE id = ?1",
            [desk.caller.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(upn, "dana@contoso.example");
    // The asset kept its kind's update and its id.
    assert_eq!(
        count(
            &path,
            &format!(
                "SELECT count(*) FROM assets WHERE id = {} AND kind = 'server'",
                desk.asset.id
            )
        ),
        1
    );
}

#[test]
fn two_rows_with_one_name_and_two_ids_are_two_records() {
    let (_dir, path, mut desk) = desk();
    let r = run(
        &mut desk.store,
        ImportMode::Both,
        vec![
            company(Some("CW-1"), "Northwind"),
            Incoming::Contact(contact(
                Some("P-1"),
                of(Some("CW-1"), None),
                "Sam Lee",
                Some("sam@northwind.example"),
            )),
            Incoming::Contact(contact(
                Some("P-2"),
                of(Some("CW-1"), None),
                "Sam Lee",
                Some("sam@northwind.example"),
            )),
            asset(Some("D-1"), of(Some("CW-1"), None), "NW-PC-01"),
            asset(Some("D-2"), of(Some("CW-1"), None), "NW-PC-01"),
            // A second company of that name with another id cannot be merged, nor can the desk
            // hold two companies of one name: refused, saying why.
            company(Some("CW-2"), "Northwind"),
        ],
    )
    .unwrap();
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM contacts WHERE name = 'Sam Lee'"
        ),
        2
    );
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM assets WHERE hostname = 'NW-PC-01'"
        ),
        2
    );
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM companies WHERE name = 'Northwind'"
        ),
        1
    );
    assert_eq!(r.counts.refused, 1);
    assert_eq!(r.refused[0].code, "NAME_TAKEN");
    // Re-imported, each id finds its own record again: nothing new, nothing merged.
    let again = run(
        &mut desk.store,
        ImportMode::Both,
        vec![
            Incoming::Contact(contact(
                Some("P-1"),
                of(Some("CW-1"), None),
                "Sam Lee",
                Some("sam@northwind.example"),
            )),
            Incoming::Contact(contact(
                Some("P-2"),
                of(Some("CW-1"), None),
                "Sam Lee",
                Some("sam@northwind.example"),
            )),
        ],
    )
    .unwrap();
    assert_eq!((again.counts.created, again.counts.skipped), (0, 2));
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM contacts WHERE name = 'Sam Lee'"
        ),
        2
    );
}

#[test]
fn terminated_and_inactive_contacts_arrive_so() {
    let (_dir, path, mut desk) = desk();
    let left = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    run(
        &mut desk.store,
        ImportMode::Both,
        vec![
            Incoming::Contact(IncomingContact {
                authorized: Some(false),
                ..contact(
                    Some("P-7"),
                    of(None, Some("Contoso Legal")),
                    "Inactive Ivy",
                    Some("ivy@contoso.example"),
                )
            }),
            Incoming::Contact(IncomingContact {
                authorized: Some(false),
                terminated_on: Some(left),
                ..contact(
                    Some("P-8"),
                    of(None, Some("Contoso Legal")),
                    "Gone Gary",
                    Some("gary@contoso.example"),
                )
            }),
            // The desk's authorized caller, now marked inactive in the PSA.
            Incoming::Contact(IncomingContact {
                authorized: Some(false),
                ..contact(
                    None,
                    of(None, Some("Contoso Legal")),
                    "Dana Reyes",
                    desk.caller.email.as_deref(),
                )
            }),
        ],
    )
    .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let contacts = desk.store.contacts_of(desk.company.id).unwrap();
    let named = |n: &str| contacts.iter().find(|c| c.name == n).unwrap().clone();
    assert!(named("Inactive Ivy")
        .refusal(today)
        .unwrap()
        .contains("not an authorized"));
    let gary = named("Gone Gary");
    assert_eq!(gary.terminated_on, Some(left));
    assert!(gary.refusal(today).unwrap().contains("terminated"));
    assert!(!named("Dana Reyes").authorized);
    // A later file without a termination column never un-terminates anybody.
    run(
        &mut desk.store,
        ImportMode::Both,
        vec![Incoming::Contact(contact(
            Some("P-8"),
            of(None, Some("Contoso Legal")),
            "Gone Gary",
            Some("gary@contoso.example"),
        ))],
    )
    .unwrap();
    assert_eq!(
        count(&path, "SELECT count(*) FROM contacts WHERE name = 'Gone Gary' AND terminated_on = '2026-02-01'"),
        1
    );
}

#[test]
fn a_client_the_source_marks_inactive_arrives_so_and_the_undo_gives_its_flag_back() {
    let (_dir, path, mut desk) = desk();
    let records = || {
        vec![
            // The desk's own client, now inactive in the PSA, and a new one that already was.
            inactive(None, "Contoso Legal"),
            inactive(Some("CW-9"), "Gone Client Ltd"),
        ]
    };
    let dry = plan(&desk.store, ImportMode::Both, records());
    assert_eq!((dry.counts.created, dry.counts.updated), (1, 1), "{dry:?}");
    let done = run(&mut desk.store, ImportMode::Both, records()).unwrap();
    assert_eq!(
        (done.counts.created, done.counts.updated),
        (1, 1),
        "{done:?}"
    );
    let flag = |path: &Path, name: &str| {
        count(
            path,
            &format!("SELECT active FROM companies WHERE name = '{name}'"),
        )
    };
    assert_eq!(flag(&path, "Contoso Legal"), 0);
    assert_eq!(flag(&path, "Gone Client Ltd"), 0);
    // Its callers are refused at intake, saying why and how to go on.
    let id = desk.new_ticket();
    let caller = desk.caller.id;
    let err = desk
        .step(
            id,
            "verify_caller",
            serde_json::json!({"contact": caller, "authorization": ticketflow_core::template::builtin::AUTHORIZED}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "CALLER_NOT_AUTHORIZED");
    assert!(
        err.to_string()
            .contains("Contoso Legal is an inactive client"),
        "{err}"
    );
    // The same file again changes nothing: the flag is already the file's.
    let again = plan(&desk.store, ImportMode::Both, records());
    assert_eq!(
        (
            again.counts.created,
            again.counts.updated,
            again.counts.skipped
        ),
        (0, 0, 2),
        "{again:?}"
    );
    // The undo puts the flag back as it was: the caller goes through.
    let undo = desk
        .store
        .undo_import(done.batch_id.unwrap(), TECH, now())
        .unwrap();
    assert_eq!(undo.restored, 1, "{undo:?}");
    assert_eq!(flag(&path, "Contoso Legal"), 1);
    desk.step(
        id,
        "verify_caller",
        serde_json::json!({"contact": caller, "authorization": ticketflow_core::template::builtin::AUTHORIZED}),
    )
    .unwrap();
}

#[test]
fn a_file_that_does_not_say_leaves_the_desks_standing_as_it_is() {
    let (_dir, path, mut desk) = desk();
    let contoso = desk.company.id;
    desk.store
        .set_company_active(contoso, false, TECH, now())
        .unwrap();
    let silent = |c: Incoming| match c {
        Incoming::Company(c) => Incoming::Company(IncomingCompany { active: None, ..c }),
        Incoming::Contact(c) => Incoming::Contact(IncomingContact {
            authorized: None,
            ..c
        }),
        other => other,
    };
    let contoso_ref = of(None, Some("Contoso Legal"));
    let records = || {
        vec![
            silent(company(None, "Contoso Legal")),
            silent(company(Some("CW-1"), "New Client Ltd")),
            // The desk took this caller off; the file has no column saying otherwise.
            silent(Incoming::Contact(contact(
                None,
                contoso_ref.clone(),
                "Temp Worker",
                Some("temp.worker@contoso.example"),
            ))),
            silent(Incoming::Contact(contact(
                None,
                of(Some("CW-1"), None),
                "Nell New",
                Some("nell@new.example"),
            ))),
        ]
    };
    let done = run(&mut desk.store, ImportMode::Both, records()).unwrap();
    assert_eq!(done.counts.created, 2, "{done:?}");
    let one = |sql: &str| count(&path, sql);
    assert_eq!(
        one("SELECT active FROM companies WHERE name = 'Contoso Legal'"),
        0,
        "a file's silence reactivated the client the desk had deactivated"
    );
    assert_eq!(
        one("SELECT authorized FROM contacts WHERE name = 'Temp Worker'"),
        0,
        "a file's silence re-authorized the caller the desk had taken off"
    );
    // What is new arrives active and authorized.
    assert_eq!(
        one("SELECT active FROM companies WHERE name = 'New Client Ltd'"),
        1
    );
    assert_eq!(
        one("SELECT authorized FROM contacts WHERE name = 'Nell New'"),
        1
    );
}

#[test]
fn an_autotask_client_marked_inactive_arrives_so_and_its_callers_are_refused() {
    use ticketflow_core::import;
    let (_dir, _path, mut desk) = desk();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/autotask");
    let mut rows: Vec<Result<IncomingRow>> = Vec::new();
    for (file, name) in ["companies.csv", "contacts.csv"].into_iter().enumerate() {
        let path = fixtures.join(name);
        let plans = import::inspect(&path, None, None, &[]).unwrap();
        rows.extend(
            import::rows(&path, &plans[0])
                .unwrap()
                .map(|r| Ok(IncomingRow::from_read(file, r))),
        );
    }
    let req = ImportRequest {
        source: "autotask".into(),
        ..request(ImportMode::Both)
    };
    desk.store
        .run_import(&req, &mut rows.into_iter(), TECH, now(), &mut go)
        .unwrap();
    let companies = desk.store.companies().unwrap();
    let named = |n: &str| companies.iter().find(|c| c.name == n).unwrap().clone();
    // "Active" = False in Autotask: the client arrives inactive; the others stay active.
    let old = named("Old Client Inc");
    assert!(!old.active);
    assert!(named("Acme Dental, LLC").active);
    // Olga is active in her own right; her client is not, so intake refuses her and says why.
    let olga = desk
        .store
        .contacts_of(old.id)
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Olga Berg")
        .unwrap();
    assert!(olga.authorized);
    let id = desk.new_ticket();
    let err = desk
        .step(
            id,
            "verify_caller",
            serde_json::json!({"contact": olga.id, "authorization": ticketflow_core::template::builtin::AUTHORIZED}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "CALLER_NOT_AUTHORIZED");
    assert!(
        err.to_string()
            .contains("Old Client Inc is an inactive client"),
        "{err}"
    );
}

/// Many rows, enough for several progress reports.
fn many(n: usize) -> Vec<Incoming> {
    let mut v = vec![company(Some("CW-BIG"), "Big Client")];
    v.extend((0..n).map(|i| {
        Incoming::Contact(contact(
            Some(&format!("P-{i}")),
            of(Some("CW-BIG"), None),
            &format!("Person {i}"),
            Some(&format!("p{i}@big.example")),
        ))
    }));
    v
}

#[test]
fn a_cancel_from_the_progress_bar_writes_nothing() {
    let (_dir, path, mut desk) = desk();
    let before = dump(&path, EVERYTHING);
    let mut reports = Vec::new();
    let mut cancel_second = |p: ImportProgress| {
        reports.push(p);
        reports.len() < 2
    };
    let req = ImportRequest {
        rows_total_estimate: Some(5001),
        ..request(ImportMode::Both)
    };
    let e = desk
        .store
        .run_import(
            &req,
            &mut rows(many(5000)).into_iter(),
            TECH,
            now(),
            &mut cancel_second,
        )
        .unwrap_err();
    assert_eq!(e.code(), "IMPORT_CANCELLED");
    assert_eq!(
        dump(&path, EVERYTHING),
        before,
        "a cancelled import left rows behind"
    );
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[1].rows_done, 2000);
    assert_eq!(reports[1].rows_total_estimate, Some(5001));
    assert!(reports[1].rows_per_sec > 0.0);
    assert!(reports[1].eta_secs.is_some());
}

#[test]
fn a_file_that_breaks_halfway_writes_nothing() {
    let (_dir, path, mut desk) = desk();
    let before = dump(&path, EVERYTHING);
    // The reader fails after 1,500 good rows.
    let mut broken = rows(many(3000));
    broken[1500] = Err(ticketflow_core::Error::invalid("file", "truncated"));
    let e = desk
        .store
        .run_import(
            &request(ImportMode::Both),
            &mut broken.into_iter(),
            TECH,
            now(),
            &mut go,
        )
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_INPUT");
    assert_eq!(dump(&path, EVERYTHING), before);
    // A row the database refuses (here a trigger stands for any failing write) halfway.
    Connection::open(&path)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER boom BEFORE INSERT ON contacts WHEN new.name = 'Person 1700'
             BEGIN SELECT RAISE(ABORT, 'boom'); END;",
        )
        .unwrap();
    let before = dump(&path, EVERYTHING);
    let e = run(&mut desk.store, ImportMode::Both, many(3000)).unwrap_err();
    assert_eq!(e.code(), "STORE_ERROR", "{e}");
    assert_eq!(dump(&path, EVERYTHING), before);
}

#[test]
fn undo_restores_the_desk_but_keeps_what_a_ticket_refers_to() {
    let (_dir, path, mut desk) = desk();
    let ticket = desk.new_ticket();
    let before = dump(&path, DIRECTORY);
    let records = mixed(&desk);
    let done = run(&mut desk.store, ImportMode::Both, records).unwrap();
    let batch = done.batch_id.unwrap();
    assert_ne!(dump(&path, DIRECTORY), before);
    // A ticket takes one of the imported contacts as its caller before the undo.
    let nina: i64 = count(&path, "SELECT id FROM contacts WHERE name = 'Nina North'");
    let nina_company: i64 = count(
        &path,
        &format!("SELECT company_id FROM contacts WHERE id = {nina}"),
    );
    Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE tickets SET contact_id = ?1 WHERE id = ?2",
            [nina, ticket],
        )
        .unwrap();
    let undo = desk.store.undo_import(batch, TECH, now()).unwrap();
    assert_eq!(undo.restored, done.counts.updated);
    let kept: Vec<i64> = undo.kept.iter().map(|k| k.record_id).collect();
    assert_eq!(kept, [nina_company, nina], "{undo:?}");
    assert!(undo.kept[1].reason.contains("T-"), "{:?}", undo.kept[1]);
    assert_eq!(undo.removed + undo.kept.len() as u64, done.counts.created);
    // Everything else is as it was before the import.
    let after: Vec<String> = dump(&path, DIRECTORY)
        .into_iter()
        .filter(|row| {
            !(row.starts_with(&format!("contacts: Integer({nina}) "))
                || row.starts_with(&format!("companies: Integer({nina_company}) ")))
        })
        .collect();
    assert_eq!(after, before);
    // Once only.
    let again = desk.store.undo_import(batch, TECH, now()).unwrap_err();
    assert_eq!(again.code(), "IMPORT_UNDO_BLOCKED");
    let listed = desk.store.import_batches().unwrap();
    assert_eq!(listed[0].id, batch);
    assert!(listed[0].undone_at.is_some());
}

#[test]
fn an_import_is_not_undone_under_a_later_one() {
    let (_dir, _path, mut desk) = desk();
    let first = run(
        &mut desk.store,
        ImportMode::Both,
        vec![company(Some("CW-1"), "Northwind")],
    )
    .unwrap();
    let second = run(
        &mut desk.store,
        ImportMode::Both,
        vec![company(Some("CW-1"), "Northwind Ltd")],
    )
    .unwrap();
    let e = desk
        .store
        .undo_import(first.batch_id.unwrap(), TECH, now())
        .unwrap_err();
    assert_eq!(e.code(), "IMPORT_UNDO_BLOCKED");
    assert!(
        e.to_string()
            .contains(&format!("undo import {}", second.batch_id.unwrap())),
        "{e}"
    );
    desk.store
        .undo_import(second.batch_id.unwrap(), TECH, now())
        .unwrap();
    desk.store
        .undo_import(first.batch_id.unwrap(), TECH, now())
        .unwrap();
    assert!(desk
        .store
        .companies()
        .unwrap()
        .iter()
        .all(|c| !c.name.starts_with("Northwind")));
}

#[test]
fn the_batch_and_its_undo_are_in_the_audit_chain() {
    let (_dir, path, mut desk) = desk();
    let events_before = count(&path, "SELECT count(*) FROM audit_events");
    let records = mixed(&desk);
    let done = run(&mut desk.store, ImportMode::Both, records).unwrap();
    // One event for the whole batch, not one per row.
    assert_eq!(
        count(&path, "SELECT count(*) FROM audit_events"),
        events_before + 1
    );
    let batch = done.batch_id.unwrap();
    desk.store.undo_import(batch, TECH, now()).unwrap();
    let conn = Connection::open(&path).unwrap();
    let events: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT action, actor, after FROM audit_events WHERE action LIKE 'import%' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(
        (events[0].0.as_str(), events[0].1.as_str()),
        ("import_batch", TECH)
    );
    let after: serde_json::Value = serde_json::from_str(&events[0].2).unwrap();
    assert_eq!(after["batch_id"], batch);
    assert_eq!(after["digest"], done.digest.as_str());
    assert_eq!(after["counts"]["created"], done.counts.created);
    assert_eq!(after["counts"]["refused"], done.counts.refused);
    assert_eq!(events[1].0, "import_undone");
    desk.store.verify_audit().unwrap();
}

// --- companies' tool links (issue 15) -------------------------------------------------------

fn tool(kind: ToolKind, url: &str) -> CompanyTool {
    CompanyTool {
        kind,
        label: String::new(),
        url_template: url.into(),
    }
}

fn with_tools(record: Incoming, tools: Vec<CompanyTool>) -> Incoming {
    match record {
        Incoming::Company(c) => Incoming::Company(IncomingCompany { tools, ..c }),
        other => other,
    }
}

/// Every company's links as (company name, kind, label, URL), in a stable order.
fn links(path: &Path) -> Vec<(String, String, String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT c.name, t.kind, t.label, t.url_template FROM company_tools t
             JOIN companies c ON c.id = t.company_id ORDER BY c.name, t.kind",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows
}

const SCREENCONNECT: &str =
    "https://contoso.screenconnect.example/Host#Access/All%20Machines//{hostname}";

/// The test desk's Contoso Legal with a remote-session link set in the company form.
fn contoso_with_a_link(desk: &mut Desk) {
    desk.store
        .set_company_tool(
            desk.company.id,
            &CompanyTool {
                kind: ToolKind::RemoteSession,
                label: "ScreenConnect".into(),
                url_template: SCREENCONNECT.into(),
            },
            "alex",
            now() - chrono::Duration::days(3),
        )
        .unwrap();
}

/// Contoso Legal: its remote-session link changed (label kept) and an RMM link added; a new
/// client with two links; a client whose only link is hostile.
fn linked() -> Vec<Incoming> {
    vec![
        with_tools(
            company(None, "Contoso Legal"),
            vec![
                tool(
                    ToolKind::RemoteSession,
                    "https://contoso.screenconnect.example/Host#Access/Servers//{hostname}",
                ),
                tool(
                    ToolKind::Rmm,
                    "https://rmm.example/sites/contoso?q={hostname}",
                ),
            ],
        ),
        with_tools(
            company(Some("CW-1"), "Northwind"),
            vec![
                tool(ToolKind::Psa, "https://psa.example/ticket/{psa_ticket}"),
                tool(ToolKind::Documentation, "HTTPS://docs.example/northwind"),
            ],
        ),
        with_tools(
            company(Some("CW-2"), "Evil Corp"),
            vec![tool(ToolKind::Psa, "javascript:alert(document.cookie)")],
        ),
    ]
}

#[test]
fn tool_links_are_written_counted_alike_in_the_dry_run_and_undone() {
    let (_dir, path, mut desk) = desk();
    contoso_with_a_link(&mut desk);
    let before = dump(&path, &["companies", "company_tools"]);
    let planned = plan(&desk.store, ImportMode::Both, linked());
    assert_eq!(
        dump(&path, &["companies", "company_tools"]),
        before,
        "the dry run wrote something"
    );
    let done = run(&mut desk.store, ImportMode::Both, linked()).unwrap();
    assert_eq!(planned.tool_links, done.tool_links);
    assert_eq!(planned.counts, done.counts);
    assert_eq!(
        (
            done.tool_links.added,
            done.tool_links.changed,
            done.tool_links.unchanged
        ),
        (3, 1, 0),
        "{done:?}"
    );
    // The hostile link refuses its row (and writes nothing of it), saying which link and why.
    assert_eq!(done.refused.len(), 1, "{done:?}");
    assert_eq!(done.refused[0].code, "TOOL_URL_INVALID");
    assert!(
        done.refused[0].message.contains("tool_psa"),
        "{:?}",
        done.refused[0]
    );
    assert_eq!(
        count(
            &path,
            "SELECT count(*) FROM companies WHERE name = 'Evil Corp'"
        ),
        0
    );
    let s = |v: &str| v.to_string();
    assert_eq!(
        links(&path),
        [
            (
                s("Contoso Legal"),
                s("remote_session"),
                // The company form's label stays: the file gives none for this link.
                s("ScreenConnect"),
                s("https://contoso.screenconnect.example/Host#Access/Servers//{hostname}")
            ),
            (
                s("Contoso Legal"),
                s("rmm"),
                s("RMM device"),
                s("https://rmm.example/sites/contoso?q={hostname}")
            ),
            (
                s("Northwind"),
                s("documentation"),
                s("Documentation"),
                // Stored as the company form stores it: scheme in lower case.
                s("https://docs.example/northwind")
            ),
            (
                s("Northwind"),
                s("psa"),
                s("PSA ticket"),
                s("https://psa.example/ticket/{psa_ticket}")
            ),
        ]
    );
    assert_eq!(
        count(
            &path,
            &format!("SELECT count(*) FROM company_tools WHERE updated_by = '{TECH}'")
        ),
        4
    );
    // The same file again changes no link.
    let again = plan(&desk.store, ImportMode::Both, linked());
    assert_eq!(
        (
            again.tool_links.added,
            again.tool_links.changed,
            again.tool_links.unchanged
        ),
        (0, 0, 4),
        "{again:?}"
    );
    // Undo: the links the batch added are gone, the one it changed is back as the company form
    // left it (who and when included), and the new client is removed with its links.
    let undo = desk
        .store
        .undo_import(done.batch_id.unwrap(), TECH, now())
        .unwrap();
    assert!(undo.kept.is_empty(), "{undo:?}");
    assert_eq!(dump(&path, &["companies", "company_tools"]), before);
}

#[test]
fn a_label_the_file_gives_replaces_the_stored_one_and_undo_puts_it_back() {
    let (_dir, path, mut desk) = desk();
    contoso_with_a_link(&mut desk);
    let before = dump(&path, &["companies", "company_tools"]);
    // Same link, the file's own label: only the label changes.
    let relabelled = || {
        vec![with_tools(
            company(None, "Contoso Legal"),
            vec![CompanyTool {
                label: "  Splashtop ".into(),
                ..tool(ToolKind::RemoteSession, SCREENCONNECT)
            }],
        )]
    };
    let done = run(&mut desk.store, ImportMode::Both, relabelled()).unwrap();
    assert_eq!(
        (done.tool_links.added, done.tool_links.changed),
        (0, 1),
        "{done:?}"
    );
    let stored = links(&path);
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].2.as_str(), stored[0].3.as_str()),
        ("Splashtop", SCREENCONNECT)
    );
    // The same file again is no change: the label is compared as stored (trimmed).
    let again = plan(&desk.store, ImportMode::Both, relabelled());
    assert_eq!(again.tool_links.unchanged, 1, "{again:?}");
    desk.store
        .undo_import(done.batch_id.unwrap(), TECH, now())
        .unwrap();
    assert_eq!(dump(&path, &["companies", "company_tools"]), before);
    assert_eq!(links(&path)[0].2, "ScreenConnect");
}

#[test]
fn a_link_set_since_keeps_the_imported_company_on_undo() {
    let (_dir, path, mut desk) = desk();
    let done = run(
        &mut desk.store,
        ImportMode::Both,
        vec![with_tools(
            company(Some("CW-1"), "Northwind"),
            vec![tool(
                ToolKind::Psa,
                "https://psa.example/ticket/{psa_ticket}",
            )],
        )],
    )
    .unwrap();
    assert_eq!(done.tool_links.added, 1);
    let northwind = count(&path, "SELECT id FROM companies WHERE name = 'Northwind'");
    desk.store
        .set_company_tool(
            northwind,
            &tool(ToolKind::Noc, "https://noc.example/northwind"),
            "alex",
            now() + chrono::Duration::hours(1),
        )
        .unwrap();
    let undo = desk
        .store
        .undo_import(done.batch_id.unwrap(), TECH, now())
        .unwrap();
    assert_eq!(undo.kept.len(), 1, "{undo:?}");
    assert!(undo.kept[0].reason.contains("tools"), "{undo:?}");
    // Kept whole: the imported link too, not half a company.
    assert_eq!(
        count(
            &path,
            &format!("SELECT count(*) FROM company_tools WHERE company_id = {northwind}")
        ),
        2
    );
}

/// Reads a CSV export back through the read side, as `import --source csv` does.
fn read_back(path: &Path) -> Vec<Result<IncomingRow>> {
    use ticketflow_core::import;
    let plans = import::inspect(path, Some(import::Source::Csv), None, &[]).unwrap();
    assert_eq!(plans.len(), 1);
    assert!(plans[0].missing_required.is_empty(), "{:?}", plans[0]);
    import::rows(path, &plans[0])
        .unwrap()
        .map(|r| Ok(IncomingRow::from_read(0, r)))
        .collect()
}

fn without_refusals(rows: Vec<Result<IncomingRow>>) -> Vec<Result<IncomingRow>> {
    for r in &rows {
        if let Ok(IncomingRow {
            record: Err(RowProblem { code, message }),
            line,
            ..
        }) = r
        {
            panic!("line {line}: {code} {message}");
        }
    }
    rows
}

#[test]
fn an_export_imported_into_an_empty_desk_reproduces_the_directory() {
    let (dir, path, mut desk) = desk();
    contoso_with_a_link(&mut desk);
    run(
        &mut desk.store,
        ImportMode::Both,
        vec![
            with_tools(
                company(Some("CW-1"), "Northwind"),
                vec![
                    // A label of its own, with what CSV must quote.
                    CompanyTool {
                        label: "Halo, \"PSA\"".into(),
                        ..tool(ToolKind::Psa, "https://psa.example/ticket/{psa_ticket}")
                    },
                    tool(
                        ToolKind::VendorStatus,
                        "https://status.example/?q=a,b&company={company}",
                    ),
                ],
            ),
            inactive(Some("CW-2"), "Old Client Ltd"),
            Incoming::Contact(IncomingContact {
                phone: Some("+1 555 0100".into()),
                upn: Some("nina@northwind.example".into()),
                terminated_on: NaiveDate::from_ymd_opt(2026, 1, 15),
                authorized: Some(false),
                ..contact(
                    Some("P-1"),
                    of(Some("CW-1"), None),
                    "Nina \"Nin\" North, Jr.",
                    Some("nina@northwind.example"),
                )
            }),
            asset(Some("D-1"), of(Some("CW-1"), None), "NW-SRV-01"),
            Incoming::Runbook(IncomingRunbook {
                external_id: None,
                company: Some(of(None, Some("Contoso Legal"))),
                title: "Printers".into(),
                body: "Line one\nline two, with a comma".into(),
                // Written long before this import, to the microsecond.
                created_at: Some(at("2025-11-03T08:15:00.250000Z")),
                updated_at: Some(at("2026-01-20T16:40:12.123456Z")),
            }),
            // Dated by the import that writes it.
            Incoming::Runbook(IncomingRunbook {
                external_id: None,
                company: None,
                title: "Desk-wide: password resets".into(),
                body: "Verify the caller first".into(),
                created_at: None,
                updated_at: None,
            }),
        ],
    )
    .unwrap();
    let kinds = [
        ExportKind::Companies,
        ExportKind::Contacts,
        ExportKind::Assets,
        ExportKind::Runbooks,
    ];
    let exported = |store: &Store, tag: &str| -> Vec<PathBuf> {
        kinds
            .iter()
            .map(|k| {
                let p = dir.path().join(format!("{tag}-{}.csv", k.as_str()));
                write_export(store, *k, &ExportFilter::default(), &p).unwrap();
                p
            })
            .collect()
    };
    let original = exported(&desk.store, "a");
    let mut empty = Store::open(&dir.path().join("empty/ticketflow.db")).unwrap();
    let mut all: Vec<Result<IncomingRow>> = Vec::new();
    for f in &original {
        all.extend(without_refusals(read_back(f)));
    }
    let req = ImportRequest {
        source: "csv".into(),
        ..request(ImportMode::Both)
    };
    // A month later: the entries' dates must come from the file, not from this import.
    let later = now() + chrono::Duration::days(30);
    let r = empty
        .run_import(&req, &mut all.into_iter(), TECH, later, &mut go)
        .unwrap();
    assert_eq!(r.counts.refused, 0, "{r:?}");
    let dates = |p: &Path| -> Vec<(String, String, String)> {
        let conn = Connection::open(p).unwrap();
        let mut stmt = conn
            .prepare("SELECT title, created_at, updated_at FROM runbook_entries ORDER BY title")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    let copied = dates(&dir.path().join("empty/ticketflow.db"));
    assert_eq!(copied, dates(&path));
    assert_eq!(
        copied,
        [
            (
                "Desk-wide: password resets".to_string(),
                "2026-03-02T09:00:00.000000Z".to_string(),
                "2026-03-02T09:00:00.000000Z".to_string()
            ),
            (
                "Printers".to_string(),
                "2025-11-03T08:15:00.250000Z".to_string(),
                "2026-01-20T16:40:12.123456Z".to_string()
            ),
        ]
    );
    // The inactive client arrives inactive, the others active.
    let standing: Vec<(String, bool)> = empty
        .companies()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.active))
        .collect();
    assert!(
        standing.contains(&("Old Client Ltd".to_string(), false)),
        "{standing:?}"
    );
    assert!(
        standing.contains(&("Northwind".to_string(), true)),
        "{standing:?}"
    );
    // Every company's links arrive with their labels: Contoso's "ScreenConnect" and
    // Northwind's own PSA label, not their kinds' titles; the one given none keeps the title.
    assert_eq!(r.tool_links.added, 3, "{r:?}");
    let copied_links = links(&dir.path().join("empty/ticketflow.db"));
    assert_eq!(copied_links, links(&path));
    let labels: Vec<&str> = copied_links.iter().map(|l| l.2.as_str()).collect();
    assert_eq!(
        labels,
        ["ScreenConnect", "Halo, \"PSA\"", "Vendor status"],
        "{copied_links:?}"
    );
    let copy = exported(&empty, "b");
    for (a, b) in original.iter().zip(&copy) {
        let read = |p: &PathBuf| {
            let lines: Vec<Vec<String>> = csv::Reader::from_path(p)
                .unwrap()
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            lines
        };
        assert_eq!(
            read(a),
            read(b),
            "{} differs after the round trip",
            a.display()
        );
        assert!(!read(a).is_empty());
    }
}

#[test]
fn exports_keep_to_the_client_and_the_days_asked_for() {
    let (_dir, path, desk) = desk();
    let rows = |kind: ExportKind, filter: ExportFilter| -> Vec<Vec<String>> {
        let mut out = Vec::new();
        desk.store
            .export_rows(kind, &filter, &mut |cells| {
                out.push(cells.iter().map(|c| c.text()).collect());
                Ok(())
            })
            .unwrap();
        out
    };
    let day = |s: &str| Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap());
    let events = count(&path, "SELECT count(*) FROM audit_events") as usize;
    // The desk's events were written on 2026-03-02 (UTC); the day is included, the next is not.
    let on = ExportFilter {
        company_id: None,
        from: day("2026-03-02"),
        to: day("2026-03-02"),
    };
    assert_eq!(rows(ExportKind::Audit, on).len(), events);
    let after = ExportFilter {
        from: day("2026-03-03"),
        to: None,
        ..on
    };
    assert!(rows(ExportKind::Audit, after).is_empty());
    let before = ExportFilter {
        from: None,
        to: day("2026-03-01"),
        ..on
    };
    assert!(rows(ExportKind::Audit, before).is_empty());
    // One client's contacts only, named by the desk's ids.
    let contoso = rows(
        ExportKind::Contacts,
        ExportFilter {
            company_id: Some(desk.company.id),
            ..Default::default()
        },
    );
    assert_eq!(contoso.len(), 3);
    assert!(contoso.iter().all(|r| r[2] == "Contoso Legal"));
    assert!(contoso
        .iter()
        .any(|r| r[0] == desk.caller.id.to_string() && r[7] == "yes"));
    assert!(contoso
        .iter()
        .any(|r| r[0] == desk.unauthorized.id.to_string() && r[7] == "no"));
    let fabrikam = rows(
        ExportKind::Assets,
        ExportFilter {
            company_id: Some(desk.other_company.id),
            ..Default::default()
        },
    );
    assert_eq!(fabrikam.len(), 1);
    assert_eq!(fabrikam[0][3], "FAB-SRV-01");
    // An unknown client is NOT_FOUND, not an empty file.
    let mut none = |_: Vec<ticketflow_core::export::Cell>| Ok(());
    let e = desk
        .store
        .export_rows(
            ExportKind::Contacts,
            &ExportFilter {
                company_id: Some(9999),
                ..Default::default()
            },
            &mut none,
        )
        .unwrap_err();
    assert_eq!(e.code(), "NOT_FOUND");
}

/// A file with one id (or one natural key) on two rows: the first row writes the record, the
/// second is refused naming why, so the file's later row never silently overwrites the earlier.
#[test]
fn a_second_row_for_the_same_record_is_refused_not_merged() {
    let (_dir, path, mut desk) = desk();
    let rows = vec![
        company(Some("C-1"), "Wingtip Import Test GmbH"),
        Incoming::Contact(contact(
            Some("P-7"),
            of(Some("C-1"), None),
            "Jana Müller",
            Some("jana@fabrikam.example"),
        )),
        Incoming::Contact(contact(
            Some("P-7"),
            of(Some("C-1"), None),
            "Jana Mueller-Schmidt",
            Some("jana.ms@fabrikam.example"),
        )),
        asset(None, of(Some("C-1"), None), "FAB-PC-01"),
        asset(None, of(Some("C-1"), None), "fab-pc-01"),
    ];
    let dry = plan(&desk.store, ImportMode::Both, rows.clone());
    let r = run(&mut desk.store, ImportMode::Both, rows).unwrap();
    assert_eq!(
        dry.counts, r.counts,
        "the dry run counts what the commit does"
    );
    assert_eq!((r.counts.created, r.counts.refused), (3, 2), "{r:?}");
    let codes: Vec<(u64, &str)> = r
        .refused
        .iter()
        .map(|x| (x.line, x.code.as_str()))
        .collect();
    assert_eq!(codes, vec![(4, "DUPLICATE_ROW"), (6, "DUPLICATE_ROW")]);
    let name: String = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT name FROM contacts WHERE email = 'jana@fabrikam.example'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Jana Müller", "the first row's values stand");
}

#[test]
fn a_runbook_entry_keeps_the_sources_dates_and_is_never_updated_before_it_was_created() {
    let (_dir, path, mut desk) = desk();
    let entry = |body: &str, created: Option<&str>, updated: Option<&str>| {
        Incoming::Runbook(IncomingRunbook {
            external_id: Some("KB-1".into()),
            company: None,
            title: "Printers".into(),
            body: body.into(),
            created_at: created.map(at),
            updated_at: updated.map(at),
        })
    };
    let dates = || -> (String, String) {
        Connection::open(&path)
            .unwrap()
            .query_row(
                "SELECT created_at, updated_at FROM runbook_entries WHERE title = 'Printers'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let import = |desk: &mut Desk, record: Incoming, when: DateTime<Utc>| {
        let r = desk
            .store
            .run_import(
                &request(ImportMode::Both),
                &mut rows(vec![record]).into_iter(),
                TECH,
                when,
                &mut go,
            )
            .unwrap();
        assert_eq!(r.counts.refused, 0, "{r:?}");
        r.counts
    };
    // Only a created date: it stands for the update too.
    import(
        &mut desk,
        entry("v1", Some("2026-02-10T08:00:00Z"), None),
        now(),
    );
    assert_eq!(
        dates(),
        (
            "2026-02-10T08:00:00.000000Z".to_string(),
            "2026-02-10T08:00:00.000000Z".to_string()
        )
    );
    // The same text again changes nothing, dates included.
    let later = now() + chrono::Duration::days(3);
    let counts = import(
        &mut desk,
        entry("v1", None, Some("2026-03-04T10:00:00Z")),
        later,
    );
    assert_eq!(counts.skipped, 1);
    assert_eq!(dates().1, "2026-02-10T08:00:00.000000Z");
    // A change dated by the source keeps that date (the creation stays)...
    import(
        &mut desk,
        entry("v2", None, Some("2026-03-04T10:00:00Z")),
        later,
    );
    assert_eq!(
        dates(),
        (
            "2026-02-10T08:00:00.000000Z".to_string(),
            "2026-03-04T10:00:00.000000Z".to_string()
        )
    );
    // ...a change the source dates before the entry was created is dated at the creation...
    import(
        &mut desk,
        entry("v3", None, Some("2025-12-24T00:00:00Z")),
        later,
    );
    assert_eq!(dates().1, "2026-02-10T08:00:00.000000Z");
    // ...and an undated change at the import's time.
    import(&mut desk, entry("v4", None, None), later);
    assert_eq!(dates().1, "2026-03-05T09:00:00.000000Z");
}
