//! `ticketflow-cli import`, `import-undo` and `export` (issue 16): a dry run writes nothing, the
//! error file holds the refused rows plus their reason, exports open as CSV and XLSX. Every run
//! gets its own data directory and a sandboxed HOME.

use calamine::{open_workbook, Data, Reader, Xlsx};
use std::path::PathBuf;

#[path = "common/cli_desk.rs"]
mod cli_desk;

use cli_desk::CliDesk;

impl CliDesk {
    fn count(&self, sql: &str) -> i64 {
        self.sql().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Directory rows, import rows and audit events: what an import could write.
    fn written(&self) -> (i64, i64, i64, i64) {
        (
            self.count("SELECT count(*) FROM companies"),
            self.count("SELECT count(*) FROM contacts"),
            self.count("SELECT count(*) FROM import_batches"),
            self.count("SELECT count(*) FROM audit_events"),
        )
    }
}

const COMPANIES: &str = "external_id,name,tier,time_zone\r\n\
    C1,Northwind,gold,Europe/Paris\r\n\
    C2,Contoso,,America/New_York\r\n";
const CONTACTS: &str = "external_id,company_external_id,name,email,authorized\r\n\
    P1,C1,Nina North,nina@northwind.example,yes\r\n\
    P2,C9,Lost Soul,lost@example.com,yes\r\n\
    P3,C2,Sam Lee,sam@contoso.example,no\r\n";

#[test]
fn a_dry_run_counts_and_writes_nothing() {
    let desk = CliDesk::new("Import IT");
    let companies = desk.write("companies.csv", COMPANIES);
    let contacts = desk.write("contacts.csv", CONTACTS);
    let before = desk.written();
    let r = desk.run(&[
        "import",
        companies.to_str().unwrap(),
        contacts.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "dry run, nothing written: 4 would be created, 0 updated, 0 skipped, 1 refused"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("COMPANY_NOT_FOUND"), "{}", r.stdout);
    assert_eq!(desk.written(), before);
    // The real run does what the dry run said.
    let r = desk.run(&[
        "import",
        companies.to_str().unwrap(),
        contacts.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("import batch 1: 4 created, 0 updated, 0 skipped, 1 refused"),
        "{}",
        r.stdout
    );
    assert_eq!(desk.written().0 - before.0, 2);
    assert_eq!(desk.written().1 - before.1, 2);
    assert_eq!(
        desk.count("SELECT authorized FROM contacts WHERE name = 'Sam Lee'"),
        0
    );
    // And is undone as a whole.
    let r = desk.run(&["import-undo", "1"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("4 records removed"), "{}", r.stdout);
    assert_eq!((desk.written().0, desk.written().1), (before.0, before.1));
    let r = desk.run(&["import-undo", "1"]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("error[IMPORT_UNDO_BLOCKED]"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_error_file_holds_the_refused_rows_and_why() {
    let desk = CliDesk::new("Import IT");
    let companies = desk.write("companies.csv", COMPANIES);
    let contacts = desk.write("contacts.csv", CONTACTS);
    let errors = desk.home.path().join("errors.csv");
    let r = desk.run(&[
        "import",
        companies.to_str().unwrap(),
        contacts.to_str().unwrap(),
        "--dry-run",
        "--errors",
        errors.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let mut read = csv::Reader::from_path(&errors).unwrap();
    let header: Vec<String> = read.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header,
        [
            "external_id",
            "company_external_id",
            "name",
            "email",
            "authorized",
            "error"
        ]
    );
    let rows: Vec<Vec<String>> = read
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        &rows[0][..5],
        ["P2", "C9", "Lost Soul", "lost@example.com", "yes"]
    );
    assert!(rows[0][5].starts_with("COMPANY_NOT_FOUND"), "{:?}", rows[0]);
    // Fixed (the company id corrected) and imported again, the row goes in.
    let fixed = desk.write(
        "fixed.csv",
        "external_id,company_external_id,name,email,authorized\r\nP2,C1,Lost Soul,lost@example.com,yes\r\n",
    );
    let r = desk.run(&[
        "import",
        companies.to_str().unwrap(),
        fixed.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        desk.count("SELECT count(*) FROM contacts WHERE name = 'Lost Soul'"),
        1
    );
}

#[test]
fn exports_open_as_csv_and_xlsx() {
    let desk = CliDesk::new("Import IT");
    let companies = desk.write("companies.csv", COMPANIES);
    let contacts = desk.write(
        "contacts.csv",
        "external_id,company_external_id,name,email,phone\r\nP1,C1,=HYPERLINK(\"x\"),nina@northwind.example,+49 30 1234\r\nP3,C2,Sam Lee,sam@contoso.example,\r\n",
    );
    let r = desk.run(&[
        "import",
        companies.to_str().unwrap(),
        contacts.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let csv_out = desk.home.path().join("contacts.out.csv");
    let r = desk.run(&[
        "export",
        "--kind",
        "contacts",
        "--client",
        "northwind",
        "--out",
        csv_out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let text = std::fs::read_to_string(&csv_out).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "one client's contacts: {text}");
    // CSV keeps values exactly: a re-import reads the phone number back as it was.
    assert!(lines[1].contains("+49 30 1234"), "{text}");
    let xlsx_out = desk.home.path().join("contacts.xlsx");
    let r = desk.run(&[
        "export",
        "--kind",
        "contacts",
        "--out",
        xlsx_out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let mut book: Xlsx<_> = open_workbook(&xlsx_out).unwrap();
    let sheet = book.worksheet_range("contacts").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][3], Data::String("name".into()));
    // A name that looks like a formula is a text cell, never a formula.
    assert_eq!(rows[1][3], Data::String("=HYPERLINK(\"x\")".into()));
    assert!(book
        .worksheet_formula("contacts")
        .unwrap()
        .rows()
        .flatten()
        .all(|f| f.is_empty()));
    // Ids are numbers.
    assert_eq!(rows[1][0], Data::Float(1.0));
    // Every kind exports; a dated filter on an undated kind is refused with a way forward.
    for kind in [
        "tickets",
        "steps",
        "time-entries",
        "csat",
        "companies",
        "assets",
        "runbooks",
        "audit",
    ] {
        let out = desk.home.path().join(format!("{kind}.xlsx"));
        let r = desk.run(&["export", "--kind", kind, "--out", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{kind}: {}{}", r.stdout, r.stderr);
        assert!(out.is_file());
    }
    let r = desk.run(&[
        "export",
        "--kind",
        "contacts",
        "--from",
        "2026-01-01",
        "--out",
        "x.csv",
    ]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("error[INVALID_INPUT]"), "{}", r.stderr);
    let r = desk.run(&["export", "--kind", "contacts", "--out", "x.txt"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains(".csv or .xlsx"), "{}", r.stderr);
}

/// `--map` names a column of one file among several: it applies where the column is, and only a
/// column no file has is refused.
#[test]
fn a_map_for_one_of_several_files_applies_where_its_column_is() {
    let desk = CliDesk::new("Import IT");
    let companies = desk.write("companies.csv", COMPANIES);
    let contacts = desk.write("contacts.csv", CONTACTS);
    let (c, p) = (companies.to_str().unwrap(), contacts.to_str().unwrap());
    // `authorized` is only in the contacts file: the map leaves it out there, and the companies
    // file, which has no such column, is read as it is.
    let r = desk.run(&["import", c, p, "--map", "authorized=-", "--dry-run"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = desk.run(&["import", c, p, "--map", "no_such_column=-", "--dry-run"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stderr.contains("no column \"no_such_column\""),
        "{}",
        r.stderr
    );
}

#[test]
fn an_autotask_xls_export_imports_with_its_companies() {
    let desk = CliDesk::new("Import IT");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let companies = fixtures.join("autotask/companies.csv");
    let contacts = fixtures.join("autotask/contacts.xls");
    let r = desk.run(&[
        "import",
        companies.to_str().unwrap(),
        contacts.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Companies: 4 of 6 (an unknown tier, an unknown zone); contacts: 5 of 6 (a bad address);
    // the workbook's "Export Info" sheet is not read as a table.
    assert!(
        r.stdout
            .contains("import batch 1: 9 created, 0 updated, 0 skipped, 3 refused"),
        "{}",
        r.stdout
    );
    assert_eq!(desk.count("SELECT count(*) FROM contacts"), 5);
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM contacts p JOIN companies c ON c.id = p.company_id
             WHERE p.name = 'Jürgen Müller' AND c.name = 'Müller Maschinenbau GmbH'
               AND p.phone IS NULL AND p.authorized = 1"
        ),
        1
    );
    assert_eq!(
        desk.count("SELECT authorized FROM contacts WHERE name = 'Zoë Quinn'"),
        0,
        "the inactive row arrives not authorized"
    );
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM contacts WHERE
               (name = 'Sam Ortiz' AND terminated_on = '2026-03-15')
               OR (name = 'Lee Park' AND terminated_on = '2026-04-30')"
        ),
        2
    );
    // The number-typed Contact IDs are the external ids a re-import matches on: it changes
    // nothing.
    let again = desk.run(&["import", contacts.to_str().unwrap()]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(
        again
            .stdout
            .contains("import batch 2: 0 created, 0 updated, 5 skipped, 1 refused"),
        "{}",
        again.stdout
    );
}

/// The generic companies fixture: link columns, one that needs a `--map`, and hostile links.
fn linked_companies() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/generic/companies.csv")
}

#[test]
fn company_tool_links_come_in_with_a_map_and_go_out_in_the_export() {
    let desk = CliDesk::new("Import IT");
    let file = linked_companies();
    let file = file.to_str().unwrap();
    let map = ["--map", "RMM Site URL=tool_rmm"];
    let r = desk.run(&[&["import", file, "--dry-run"][..], &map].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("tool links: 5 added, 0 changed, 0 unchanged (would be)"),
        "{}",
        r.stdout
    );
    // The javascript: link and the link with a password refuse their rows, saying which column.
    let refusals: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("IMPORT_TOOL_URL_INVALID"))
        .collect();
    assert_eq!(refusals.len(), 2, "{}", r.stdout);
    assert!(
        refusals[0].contains(":3:") && refusals[0].contains("PSA URL"),
        "{refusals:?}"
    );
    assert!(
        refusals[1].contains(":4:") && refusals[1].contains("Remote Access URL"),
        "{refusals:?}"
    );
    assert_eq!(desk.count("SELECT count(*) FROM company_tools"), 0);
    let r = desk.run(&[&["import", file][..], &map].concat());
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("tool links: 5 added"), "{}", r.stdout);
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM company_tools t JOIN companies c ON c.id = t.company_id
             WHERE c.name = 'Plain Client' AND t.kind = 'rmm'
               AND t.url_template = 'https://rmm.msp.example/sites/plain'"
        ),
        1
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM companies WHERE name IN ('Evil Corp', 'Creds Inc')"),
        0
    );
    // Without the map the column is left out (and listed), not guessed.
    let r = desk.run(&["import", file, "--dry-run"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("RMM Site URL"), "{}", r.stderr);
    // The export writes one column per kind of tool, named as the import's fields.
    let out = desk.home.path().join("companies-out.csv");
    let r = desk.run(&[
        "export",
        "--kind",
        "companies",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let mut read = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = read.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let acme: Vec<String> = read
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .find(|r| r[col("name")] == "Acme Dental, LLC")
        .unwrap();
    assert_eq!(
        acme[col("tool_rmm")],
        "https://rmm.msp.example/sites/acme/devices?q={hostname}"
    );
    assert_eq!(
        acme[col("tool_psa")],
        "https://psa.msp.example/tickets/{psa_ticket}"
    );
    assert_eq!(acme[col("tool_edr")], "");
}
