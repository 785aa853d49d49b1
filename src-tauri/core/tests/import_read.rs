//! The read side of imports (issue 16): every fixture in tests/fixtures/import/ gives the
//! expected plans, and its rows the expected records and problems; hostile files give coded
//! errors or row problems, never a panic.

use std::io::Write;
use std::path::{Path, PathBuf};
use ticketflow_core::directory::tools::{kind_str, TOOL_KINDS};
use ticketflow_core::directory::Tier;
use ticketflow_core::import::{
    codes, inspect, parse_override, preview, rows, AssetIn, CompanyIn, ContactIn, Field, Kind,
    Plan, Record, RowOutcome, RunbookIn, Source,
};
use ticketflow_core::template::ToolKind;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(path)
}

fn one_plan(path: &Path) -> Plan {
    let mut plans = inspect(path, None, None, &[]).unwrap();
    assert_eq!(plans.len(), 1, "{plans:?}");
    plans.remove(0)
}

fn all(path: &Path, plan: &Plan) -> Vec<RowOutcome> {
    rows(path, plan).unwrap().collect()
}

fn company(row: &RowOutcome) -> &CompanyIn {
    match &row.record {
        Ok(Record::Company(c)) => c,
        other => panic!("line {}: {other:?}", row.line),
    }
}

fn contact(row: &RowOutcome) -> &ContactIn {
    match &row.record {
        Ok(Record::Contact(c)) => c,
        other => panic!("line {}: {other:?}", row.line),
    }
}

fn asset(row: &RowOutcome) -> &AssetIn {
    match &row.record {
        Ok(Record::Asset(a)) => a,
        other => panic!("line {}: {other:?}", row.line),
    }
}

fn runbook(row: &RowOutcome) -> &RunbookIn {
    match &row.record {
        Ok(Record::Runbook(r)) => r,
        other => panic!("line {}: {other:?}", row.line),
    }
}

fn problem(row: &RowOutcome) -> (&str, &str) {
    match &row.record {
        Err(p) => (p.code.as_str(), p.message.as_str()),
        other => panic!("line {}: expected a problem, got {other:?}", row.line),
    }
}

fn field_of(plan: &Plan, column: &str) -> Option<Field> {
    plan.columns
        .iter()
        .find(|c| c.column == column)
        .unwrap()
        .field
}

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn autotask_companies_utf8_bom_crlf() {
    let path = fixture("autotask/companies.csv");
    let plan = one_plan(&path);
    assert_eq!(
        (plan.source, plan.kind),
        (Source::Autotask, Kind::Companies)
    );
    assert_eq!(plan.encoding, "UTF-8");
    // The BOM is not part of the first header.
    assert_eq!(plan.headers[0], "Name");
    assert_eq!(field_of(&plan, "Name"), Some(Field::Name));
    assert_eq!(field_of(&plan, "Classification"), Some(Field::Tier));
    assert_eq!(field_of(&plan, "External ID"), Some(Field::ExternalId));
    assert_eq!(
        plan.unknown,
        ["Number", "Address 1", "City", "Postal Code", "Country"]
    );
    assert!(plan.missing_required.is_empty());

    let rows = all(&path, &plan);
    assert_eq!(
        rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 3, 4, 5, 6, 7]
    );
    let acme = company(&rows[0]);
    assert_eq!(acme.name, "Acme Dental, LLC");
    assert_eq!(acme.external_id.as_deref(), Some("AT-1001"));
    assert_eq!(
        (acme.tier, acme.time_zone.as_deref()),
        (Some(Tier::Gold), Some("America/New_York"))
    );
    // A Windows zone name and a "(UTC-06:00) ..." display name become tz database names.
    assert_eq!(
        company(&rows[1]).time_zone.as_deref(),
        Some("Europe/Berlin")
    );
    assert_eq!(company(&rows[1]).name, "Müller Maschinenbau GmbH");
    assert_eq!(
        company(&rows[2]).time_zone.as_deref(),
        Some("America/Chicago")
    );
    assert_eq!(company(&rows[2]).active, Some(false));
    assert_eq!(problem(&rows[3]).0, codes::TIER_UNKNOWN);
    assert!(problem(&rows[3]).1.contains("Diamond"));
    assert_eq!(problem(&rows[4]).0, codes::TIME_ZONE_UNKNOWN);
    assert_eq!(company(&rows[5]).tier, None);
}

#[test]
fn a_chosen_default_tier_fills_empty_tier_cells_only() {
    let path = fixture("autotask/companies.csv");
    let mut plan = one_plan(&path);
    plan.default_tier = Some(Tier::Bronze);
    let rows = all(&path, &plan);
    assert_eq!(company(&rows[5]).tier, Some(Tier::Bronze));
    assert_eq!(company(&rows[0]).tier, Some(Tier::Gold));
}

#[test]
fn autotask_contacts_windows_1252_with_the_ugly_parts() {
    let path = fixture("autotask/contacts.csv");
    // The file really is Windows-1252: "ü" is the single byte 0xFC.
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.windows(3).any(|w| w == b"M\xFCl"));
    let plan = one_plan(&path);
    assert_eq!((plan.source, plan.kind), (Source::Autotask, Kind::Contacts));
    assert_eq!(plan.encoding, "windows-1252");
    assert_eq!(field_of(&plan, "Contact ID"), Some(Field::ExternalId));
    assert_eq!(
        field_of(&plan, "Organization ID"),
        Some(Field::CompanyExternalId)
    );
    assert_eq!(
        field_of(&plan, "Termination Date"),
        Some(Field::TerminatedOn)
    );
    assert_eq!(plan.unknown, ["External ID", "Address 1"]);

    let rows = all(&path, &plan);
    // The quoted newline in Dana's address keeps it in one cell and makes the row two lines.
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].raw[8], "12 Main St\r\nSuite 4");
    assert_eq!(rows[1].line, 4);
    let dana = contact(&rows[0]);
    assert_eq!(
        (dana.name.as_str(), dana.authorized),
        ("Dana Reyes", Some(true))
    );
    assert_eq!(dana.company_external_id.as_deref(), Some("AT-1001"));
    let juergen = contact(&rows[1]);
    assert_eq!(juergen.name, "Jürgen Müller");
    assert_eq!(
        juergen.company_name.as_deref(),
        Some("Müller Maschinenbau GmbH")
    );
    // Active = False: not authorized.
    assert_eq!(contact(&rows[2]).authorized, Some(false));
    // A termination date, month first as US exports write it.
    assert_eq!(contact(&rows[3]).terminated_on, Some(day(2026, 3, 15)));
    assert_eq!(contact(&rows[3]).authorized, Some(true));
    // The duplicate Contact ID and the unknown organization are read as they are: matching them
    // against the desk (and each other) is the write side's job.
    assert_eq!(contact(&rows[4]).external_id.as_deref(), Some("202"));
    assert_eq!(
        contact(&rows[5]).company_external_id.as_deref(),
        Some("AT-9999")
    );
    let (code, message) = problem(&rows[6]);
    assert_eq!((code, rows[6].line), (codes::EMAIL_INVALID, 9));
    assert!(message.contains("Email Address"), "{message}");
    // An active contact of the company the companies file marks inactive: her own flag is read
    // as it is (the write side and the rules make her client's standing count).
    let olga = contact(&rows[7]);
    assert_eq!(
        (olga.name.as_str(), olga.authorized),
        ("Olga Berg", Some(true))
    );
    assert_eq!(olga.company_external_id.as_deref(), Some("AT-1003"));
    assert_eq!(rows.len(), 8);
}

#[test]
fn connectwise_companies_status_and_windows_time_zones() {
    let path = fixture("connectwise/companies.csv");
    let plan = one_plan(&path);
    assert_eq!(
        (plan.source, plan.kind),
        (Source::ConnectWise, Kind::Companies)
    );
    assert_eq!(
        field_of(&plan, "Company Identifier"),
        Some(Field::ExternalId)
    );
    assert_eq!(field_of(&plan, "Company"), Some(Field::Name));
    assert_eq!(plan.unknown, ["Type", "Territory"]);
    let rows = all(&path, &plan);
    assert_eq!(
        company(&rows[0]).time_zone.as_deref(),
        Some("America/New_York")
    );
    let contoso = company(&rows[1]);
    assert_eq!(contoso.active, Some(false));
    assert_eq!(contoso.time_zone.as_deref(), Some("America/Los_Angeles"));
}

#[test]
fn connectwise_configurations_lack_the_hostname_until_it_is_mapped() {
    let path = fixture("connectwise/configurations.csv");
    let plan = one_plan(&path);
    assert_eq!(
        (plan.source, plan.kind),
        (Source::ConnectWise, Kind::Assets)
    );
    assert_eq!(plan.missing_required, [Field::Hostname]);
    assert!(plan.unknown.contains(&"Config Name".to_string()));
    let err = rows(&path, &plan)
        .err()
        .expect("rows refuse a plan with a missing column");
    assert_eq!(err.code(), codes::COLUMN_MISSING);
    assert!(err.to_string().contains("--map"), "{err}");
    // The preview still shows the rows, each with what is missing.
    let shown = preview(&path, &plan, 2).unwrap();
    assert_eq!(shown.len(), 2);
    assert_eq!(problem(&shown[0]).0, codes::VALUE_MISSING);

    let overrides = [parse_override("Config Name=hostname").unwrap()];
    let plan = inspect(&path, None, None, &overrides).unwrap().remove(0);
    assert!(plan.missing_required.is_empty());
    let rows = all(&path, &plan);
    let fs01 = asset(&rows[0]);
    assert_eq!(
        (fs01.hostname.as_str(), fs01.kind.as_str()),
        ("ACME-FS01", "server")
    );
    assert_eq!(fs01.serial.as_deref(), Some("SN-8842"));
    assert_eq!(fs01.company_external_id.as_deref(), Some("AcmeDental"));
    assert_eq!(asset(&rows[2]).company_name.as_deref(), Some("Contoso Ltd"));
}

#[test]
fn a_map_naming_no_column_or_no_field_is_refused() {
    let path = fixture("connectwise/configurations.csv");
    let err = inspect(&path, None, None, &[("Nope".into(), "hostname".into())]).unwrap_err();
    assert_eq!(err.code(), codes::MAP_INVALID);
    let err = inspect(&path, None, None, &[("Status".into(), "colour".into())]).unwrap_err();
    assert_eq!(err.code(), codes::MAP_INVALID);
}

#[test]
fn halo_users_xlsx_inactive_and_excel_dates() {
    let path = fixture("halo/users.xlsx");
    let plan = one_plan(&path);
    assert_eq!((plan.source, plan.kind), (Source::Halo, Kind::Contacts));
    assert_eq!(plan.part.as_deref(), Some("Users"));
    assert_eq!(field_of(&plan, "Inactive"), Some(Field::Inactive));
    assert_eq!(field_of(&plan, "Network Login"), Some(Field::Upn));
    assert_eq!(plan.unknown, ["Site Name", "Job Title"]);
    let rows = all(&path, &plan);
    assert_eq!(
        rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
    let alex = contact(&rows[0]);
    // A numeric id comes back as "1", not "1.0".
    assert_eq!(alex.external_id.as_deref(), Some("1"));
    assert_eq!(alex.authorized, Some(true));
    let bea = contact(&rows[1]);
    assert_eq!(
        bea.company_name.as_deref(),
        Some("Müller Maschinenbau GmbH")
    );
    assert_eq!(
        bea.authorized,
        Some(false),
        "Inactive = TRUE must arrive not authorized"
    );
    assert_eq!(contact(&rows[2]).terminated_on, Some(day(2026, 2, 28)));
    assert_eq!(problem(&rows[3]).0, codes::VALUE_MISSING);
}

#[test]
fn itglue_zip_gives_one_plan_per_table_and_never_reads_passwords() {
    let path = fixture("itglue/export.zip");
    let plans = inspect(&path, None, None, &[]).unwrap();
    let parts: Vec<(Option<&str>, Kind)> =
        plans.iter().map(|p| (p.part.as_deref(), p.kind)).collect();
    assert_eq!(
        parts,
        [
            (Some("organizations.csv"), Kind::Companies),
            (Some("contacts.csv"), Kind::Contacts),
            (Some("configurations.csv"), Kind::Assets),
            (Some("documents/"), Kind::Runbooks),
        ]
    );
    assert!(plans.iter().all(|p| p.source == Source::ItGlue));

    let orgs = all(&path, &plans[0]);
    assert_eq!(company(&orgs[0]).external_id.as_deref(), Some("1001"));
    assert_eq!(company(&orgs[1]).active, Some(false));

    let contacts = all(&path, &plans[1]);
    // IT Glue lists several addresses in one cell: the first is kept.
    assert_eq!(
        contact(&contacts[0]).email.as_deref(),
        Some("dana@acmedental.example")
    );
    assert_eq!(
        contact(&contacts[1]).company_external_id.as_deref(),
        Some("9999")
    );

    let configs = all(&path, &plans[2]);
    assert_eq!(asset(&configs[0]).hostname, "ACME-WS01");
    assert_eq!(field_of(&plans[2], "name"), None);

    let docs = all(&path, &plans[3]);
    assert_eq!(docs.len(), 2);
    let vpn = runbook(&docs[0]);
    assert_eq!(vpn.title, "VPN setup");
    assert_eq!(vpn.company_name.as_deref(), Some("Acme Dental LLC"));
    assert!(
        vpn.body
            .contains("Install the client from the portal, then sign in as DOMAIN\\user."),
        "{}",
        vpn.body
    );
    assert!(vpn.body.contains("- Connect → \"Acme\""), "{}", vpn.body);
    assert!(vpn.body.contains("vpn.acme.example | 443"), "{}", vpn.body);
    for hidden in [
        "document.cookie",
        "font:",
        "onerror",
        "https://vpn.example",
        "<",
    ] {
        assert!(
            !vpn.body.contains(hidden),
            "{hidden:?} leaked into {}",
            vpn.body
        );
    }
    let printer = runbook(&docs[1]);
    assert_eq!(
        (printer.title.as_str(), printer.company_name.as_deref()),
        ("Printer guide", None)
    );

    // No plan, preview or row anywhere holds the password.
    for plan in &plans {
        for row in all(&path, plan) {
            assert!(row.raw.iter().all(|cell| !cell.contains("Hunter2")));
        }
    }
    // --kind picks one table out of the export.
    let only = inspect(&path, None, Some(Kind::Assets), &[]).unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].part.as_deref(), Some("configurations.csv"));
}

#[test]
fn utf16le_tab_separated_unicode_text() {
    let path = fixture("utf16/contacts.csv");
    let plan = one_plan(&path);
    assert_eq!(plan.encoding, "UTF-16LE");
    assert_eq!((plan.source, plan.kind), (Source::Csv, Kind::Contacts));
    assert_eq!(plan.headers, ["Name", "Email", "Company", "Phone"]);
    let rows = all(&path, &plan);
    assert_eq!(contact(&rows[0]).name, "Zoë Faure");
    assert_eq!(
        contact(&rows[0]).company_name.as_deref(),
        Some("Ångström AB")
    );
    assert_eq!(contact(&rows[1]).name, "Øyvind Berg");
}

#[test]
fn generic_csv_assets() {
    let path = fixture("generic/assets.csv");
    let plan = one_plan(&path);
    assert_eq!((plan.source, plan.kind), (Source::Csv, Kind::Assets));
    assert_eq!(plan.unknown, ["notes"]);
    let rows = all(&path, &plan);
    let pc = asset(&rows[0]);
    assert_eq!(pc.rmm_url.as_deref(), Some("https://rmm.example/device/17"));
    assert_eq!(
        pc.assigned_upn.as_deref(),
        Some("dana.reyes@acmedental.example")
    );
    assert_eq!((problem(&rows[1]).0, rows[1].line), (codes::URL_INVALID, 3));
    assert_eq!(
        (problem(&rows[2]).0, rows[2].line),
        (codes::VALUE_MISSING, 4)
    );
}

// --- companies' tool links (issue 15) -------------------------------------------------------

fn links(c: &CompanyIn) -> Vec<(ToolKind, &str)> {
    c.tools
        .iter()
        .map(|t| (t.kind, t.url_template.as_str()))
        .collect()
}

#[test]
fn generic_companies_carry_their_tool_links_and_hostile_links_refuse_the_row() {
    let path = fixture("generic/companies.csv");
    let plan = one_plan(&path);
    assert_eq!((plan.source, plan.kind), (Source::Csv, Kind::Companies));
    assert_eq!(field_of(&plan, "PSA URL"), Some(Field::ToolPsa));
    assert_eq!(
        field_of(&plan, "Remote Access URL"),
        Some(Field::ToolRemoteSession)
    );
    assert_eq!(
        field_of(&plan, "Documentation URL"),
        Some(Field::ToolDocumentation)
    );
    // The client's website is no tool of the desk; the RMM column's name is not one the preset
    // knows: both are listed, nothing is dropped unseen.
    assert_eq!(plan.unknown, ["RMM Site URL", "Website"]);
    let rows = all(&path, &plan);
    assert_eq!(rows.len(), 4);
    assert_eq!(
        links(company(&rows[0])),
        [
            (
                ToolKind::Psa,
                "https://psa.msp.example/tickets/{psa_ticket}"
            ),
            (
                ToolKind::RemoteSession,
                "https://acme.screenconnect.example/Host#Access/All%20Machines//{hostname}"
            ),
            (
                ToolKind::Documentation,
                "https://docs.msp.example/a/acme-dental"
            ),
        ]
    );
    // A javascript: link (in any letter case) and a link with credentials refuse their rows,
    // naming the column and what is wrong.
    let (code, message) = problem(&rows[1]);
    assert_eq!((code, rows[1].line), (codes::TOOL_URL_INVALID, 3));
    assert!(message.contains("\"PSA URL\""), "{message}");
    assert!(message.contains("https://"), "{message}");
    let (code, message) = problem(&rows[2]);
    assert_eq!((code, rows[2].line), (codes::TOOL_URL_INVALID, 4));
    assert!(message.contains("\"Remote Access URL\""), "{message}");
    assert!(message.contains("password"), "{message}");
    assert!(company(&rows[3]).tools.is_empty());
}

#[test]
fn a_map_puts_a_link_column_on_a_tool() {
    let path = fixture("generic/companies.csv");
    let map = vec![parse_override("RMM Site URL=tool_rmm").unwrap()];
    let plan = inspect(&path, None, None, &map).unwrap().remove(0);
    assert_eq!(field_of(&plan, "RMM Site URL"), Some(Field::ToolRmm));
    assert_eq!(plan.unknown, ["Website"]);
    let rows = all(&path, &plan);
    assert!(links(company(&rows[0])).contains(&(
        ToolKind::Rmm,
        "https://rmm.msp.example/sites/acme/devices?q={hostname}"
    )));
    assert_eq!(
        links(company(&rows[3])),
        [(ToolKind::Rmm, "https://rmm.msp.example/sites/plain")]
    );
    // Each tool field is spelled `tool_` and the kind as the desk stores it (the export's
    // column names), and every one of them is a field `--map` takes.
    for kind in TOOL_KINDS {
        let field = Field::for_tool(kind);
        assert_eq!(field.as_str(), format!("tool_{}", kind_str(kind)));
        assert_eq!(field.tool_kind(), Some(kind));
        assert!(Field::ALL.contains(&field));
    }
    assert_eq!(Field::Name.tool_kind(), None);
}

#[test]
fn a_link_label_column_names_the_button_and_needs_its_link() {
    // The columns as Ticketflow's export writes them: each label next to its link.
    let long = "x".repeat(61);
    let hidden = "Ninja\u{200B}One";
    let csv = format!(
        "name,tool_rmm,tool_rmm_label,tool_psa,tool_psa_label\n\
         Acme,https://rmm.example/d/{{hostname}}, NinjaOne ,https://psa.example/t/{{psa_ticket}},\n\
         Label Only,,NinjaOne,,\n\
         Long Label,https://rmm.example/d/{{hostname}},{long},,\n\
         Hidden,https://rmm.example/d/{{hostname}},{hidden},,\n"
    );
    let (_dir, path) = temp_file("companies.csv", csv.as_bytes());
    let plan = inspect(&path, Some(Source::Csv), Some(Kind::Companies), &[])
        .unwrap()
        .remove(0);
    assert_eq!(field_of(&plan, "tool_rmm_label"), Some(Field::ToolRmmLabel));
    assert_eq!(field_of(&plan, "tool_psa_label"), Some(Field::ToolPsaLabel));
    assert!(plan.unknown.is_empty(), "{plan:?}");
    let rows = all(&path, &plan);
    // The label is trimmed; an empty label cell gives none (the write side keeps today's).
    let labels: Vec<(ToolKind, Option<&str>)> = company(&rows[0])
        .tools
        .iter()
        .map(|t| (t.kind, t.label.as_deref()))
        .collect();
    assert_eq!(
        labels,
        [(ToolKind::Psa, None), (ToolKind::Rmm, Some("NinjaOne"))]
    );
    // A label without its link refuses the row, naming the label's column and the link's.
    let (code, message) = problem(&rows[1]);
    assert_eq!((code, rows[1].line), (codes::TOOL_LABEL_WITHOUT_URL, 3));
    assert!(message.contains("\"tool_rmm_label\""), "{message}");
    assert!(message.contains("\"tool_rmm\""), "{message}");
    // Checked as the company form checks labels: too long, or a hidden character.
    let (code, message) = problem(&rows[2]);
    assert_eq!((code, rows[2].line), (codes::TOOL_LABEL_INVALID, 4));
    assert!(message.contains("60"), "{message}");
    let (code, message) = problem(&rows[3]);
    assert_eq!((code, rows[3].line), (codes::TOOL_LABEL_INVALID, 5));
    assert!(message.contains("U+200B"), "{message}");
    // Every label field is spelled as the export's column and is a field `--map` takes.
    for kind in TOOL_KINDS {
        let field = Field::for_tool_label(kind);
        assert_eq!(field.as_str(), format!("tool_{}_label", kind_str(kind)));
        assert_eq!(field.tool_label_kind(), Some(kind));
        assert_eq!(field.tool_kind(), None);
        assert!(Field::ALL.contains(&field));
    }
}

#[test]
fn hudu_companies_link_their_documentation_page_not_their_website() {
    let path = fixture("hudu/companies.csv");
    let plan = one_plan(&path);
    assert_eq!((plan.source, plan.kind), (Source::Hudu, Kind::Companies));
    assert_eq!(field_of(&plan, "full_url"), Some(Field::ToolDocumentation));
    assert_eq!(field_of(&plan, "website"), None);
    let rows = all(&path, &plan);
    assert_eq!(
        links(company(&rows[0])),
        [(
            ToolKind::Documentation,
            "https://docs.msp.example/c/acme-dental-llc"
        )]
    );
    assert_eq!(company(&rows[1]).active, Some(false));
    assert!(company(&rows[2]).tools.is_empty());
}

#[test]
fn source_and_kind_can_be_forced() {
    let path = fixture("generic/assets.csv");
    let plan = inspect(&path, Some(Source::Datto), Some(Kind::Assets), &[])
        .unwrap()
        .remove(0);
    assert_eq!((plan.source, plan.kind), (Source::Datto, Kind::Assets));
    assert_eq!(field_of(&plan, "hostname"), Some(Field::Hostname));
}

#[test]
fn preview_shows_the_first_rows_only() {
    let path = fixture("autotask/contacts.csv");
    let plan = one_plan(&path);
    let shown = preview(&path, &plan, 3).unwrap();
    assert_eq!(shown.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4, 5]);
}

// --- hostile files -------------------------------------------------------------------------

fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn binary_junk_is_a_coded_error() {
    let junk: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (_dir, path) = temp_file("junk.csv", &junk);
    // Whatever the junk decodes to, reading it never panics and ends in codes.
    match inspect(&path, None, None, &[]) {
        Err(e) => assert!(e.code().starts_with("IMPORT_"), "{}", e.code()),
        Ok(plans) => {
            for plan in plans {
                let _ = preview(&path, &plan, 50).unwrap();
            }
        }
    }
    let (_dir, path) = temp_file(
        "png.csv",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0",
    );
    assert_eq!(
        inspect(&path, None, None, &[]).unwrap_err().code(),
        codes::FORMAT_UNKNOWN
    );
    let (_dir, path) = temp_file("empty.csv", b"");
    assert_eq!(
        inspect(&path, None, None, &[]).unwrap_err().code(),
        codes::EMPTY
    );
}

#[test]
fn a_ten_megabyte_cell_is_a_row_problem_and_the_other_rows_still_read() {
    let mut text = b"name,phone\n\"".to_vec();
    text.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    text.extend_from_slice(b"\",1\nAcme,2\n");
    let (_dir, path) = temp_file("companies.csv", &text);
    let plan = one_plan(&path);
    let rows = all(&path, &plan);
    assert_eq!(rows.len(), 2);
    assert_eq!(problem(&rows[0]).0, codes::VALUE_TOO_LONG);
    assert_eq!(company(&rows[1]).name, "Acme");
}

#[test]
fn zip_bombs_are_refused_before_they_inflate() {
    // Too many entries.
    let names: Vec<String> = (0..20_001).map(|i| format!("documents/{i}.html")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let (_dir, path) = temp_file("many.zip", &zip_bytes(&entries));
    assert_eq!(
        inspect(&path, None, None, &[]).unwrap_err().code(),
        codes::TOO_LARGE
    );

    // A directory that declares more than the limit (here: organizations.csv's declared size
    // patched to 4 GB in the central directory).
    let mut bytes = zip_bytes(&[("organizations.csv", b"id,name\n1,Acme\n")]);
    let central = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let (_dir, path) = temp_file("bomb.zip", &bytes);
    assert_eq!(
        inspect(&path, None, None, &[]).unwrap_err().code(),
        codes::TOO_LARGE
    );

    // An entry that inflates past the size it declares (a lying bomb) stops at the declared size.
    let big = b"id,name\n"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'a', 5_000_000))
        .collect::<Vec<u8>>();
    let mut bytes = zip_bytes(&[("organizations.csv", &big)]);
    let central = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&100u32.to_le_bytes());
    let local = bytes.windows(4).position(|w| w == b"PK\x03\x04").unwrap();
    bytes[local + 22..local + 26].copy_from_slice(&100u32.to_le_bytes());
    let (_dir, path) = temp_file("liar.zip", &bytes);
    let err = inspect(&path, None, None, &[]).unwrap_err();
    assert_eq!(err.code(), codes::FILE_DAMAGED, "{err}");
}

#[test]
fn a_malformed_xlsx_is_file_damaged() {
    let bytes = zip_bytes(&[
        ("[Content_Types].xml", b"<Types"),
        (
            "xl/workbook.xml",
            b"<workbook><sheets><sheet name=\"S\" r:id=\"rId1\"",
        ),
        ("xl/_rels/workbook.xml.rels", b"\x00\x01garbage"),
    ]);
    let (_dir, path) = temp_file("broken.xlsx", &bytes);
    let err = inspect(&path, None, None, &[]).unwrap_err();
    assert!(
        [codes::FILE_DAMAGED, codes::EMPTY].contains(&err.code()),
        "{}: {err}",
        err.code()
    );
}

#[test]
fn a_zip_that_is_neither_workbook_nor_itglue_export_says_so() {
    let (_dir, path) = temp_file("photos.zip", &zip_bytes(&[("a.jpg", b"\xFF\xD8\xFF")]));
    assert_eq!(
        inspect(&path, None, None, &[]).unwrap_err().code(),
        codes::FORMAT_UNKNOWN
    );
}

#[test]
fn sources_and_kinds_are_spelled_as_the_cli_spells_them() {
    for source in Source::ALL {
        let json = serde_json::to_string(&source).unwrap();
        assert_eq!(json, format!("\"{}\"", source.as_str()));
        assert_eq!(source.as_str().parse::<Source>().unwrap(), source);
    }
    assert_eq!(
        "ConnectWise".parse::<Source>().unwrap(),
        Source::ConnectWise
    );
    assert_eq!(
        "salesforce".parse::<Source>().unwrap_err().code(),
        codes::SOURCE_MISMATCH
    );
    assert_eq!("runbooks".parse::<Kind>().unwrap(), Kind::Runbooks);
    let err = inspect(&fixture("itglue/export.zip"), Some(Source::Halo), None, &[]).unwrap_err();
    assert_eq!(err.code(), codes::SOURCE_MISMATCH);
}

#[test]
fn a_workbook_gives_one_plan_per_sheet_and_values_past_the_last_header_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let clients = book.add_worksheet();
    clients.set_name("Clients").unwrap();
    for (c, h) in ["Client ID", "Client Name", "Inactive"].iter().enumerate() {
        clients.write_string(0, c as u16, *h).unwrap();
    }
    clients.write_number(1, 0, 7).unwrap();
    clients.write_string(1, 1, "Acme").unwrap();
    clients.write_string(1, 2, "No").unwrap();
    // Row 3 is blank; row 4 has a value right of the last named column (column 9999).
    clients.write_number(3, 0, 8).unwrap();
    clients.write_string(3, 1, "Beta").unwrap();
    clients.write_string(3, 9_999, "stray").unwrap();
    clients.write_number(4, 0, 9).unwrap();
    clients.write_string(4, 1, "Gamma").unwrap();
    clients.write_boolean(4, 2, true).unwrap();
    book.add_worksheet().set_name("Empty").unwrap();
    book.save(&path).unwrap();

    let plans = inspect(&path, None, None, &[]).unwrap();
    assert_eq!(plans.len(), 1, "the empty sheet gives no plan");
    let plan = &plans[0];
    assert_eq!(
        (plan.source, plan.kind, plan.part.as_deref()),
        (Source::Halo, Kind::Companies, Some("Clients"))
    );
    let rows = all(&path, plan);
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4, 5]);
    assert_eq!(company(&rows[0]).external_id.as_deref(), Some("7"));
    assert_eq!(company(&rows[0]).active, Some(true));
    assert_eq!(problem(&rows[1]).0, codes::ROW_SHAPE);
    assert_eq!(company(&rows[2]).active, Some(false));
}

/// Reads everything `inspect` finds in `path`; what matters is that nothing panics and every
/// error is one of the import's coded errors (or an I/O error).
fn read_everything(path: &Path) {
    match inspect(path, None, None, &[]) {
        Ok(plans) => {
            for plan in plans {
                let _ = preview(path, &plan, 5).unwrap();
                if let Ok(rows) = rows(path, &plan) {
                    for row in rows {
                        if let Err(p) = &row.record {
                            assert!(p.code.starts_with("IMPORT_"), "{p:?}");
                        }
                    }
                }
            }
        }
        Err(e) => assert!(
            e.code().starts_with("IMPORT_") || e.code() == "IO_ERROR",
            "{}: {e}",
            e.code()
        ),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096)) {
        let (_dir, path) = temp_file("any.csv", &bytes);
        read_everything(&path);
    }

    #[test]
    fn damaged_itglue_and_xlsx_files_never_panic(
        which in 0usize..3,
        flips in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..8),
    ) {
        let name = ["itglue/export.zip", "halo/users.xlsx", "autotask/contacts.xls"][which];
        let mut bytes = std::fs::read(fixture(name)).unwrap();
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        let (_dir, path) = temp_file(name.rsplit('/').next().unwrap(), &bytes);
        read_everything(&path);
    }
}

#[test]
fn autotask_contacts_xls_numbers_dates_and_a_second_sheet() {
    // Written by tests/fixtures/import/make_xls.py (xlwt): a real BIFF8 workbook.
    let path = fixture("autotask/contacts.xls");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]), "an OLE2 file");
    // The "Export Info" sheet is report details, not a table: it gives no plan.
    let plan = one_plan(&path);
    assert_eq!((plan.source, plan.kind), (Source::Autotask, Kind::Contacts));
    assert_eq!(plan.encoding, "xls");
    assert_eq!(plan.part.as_deref(), Some("Contacts"));
    assert_eq!(field_of(&plan, "Contact ID"), Some(Field::ExternalId));
    assert_eq!(
        field_of(&plan, "Organization ID"),
        Some(Field::CompanyExternalId)
    );
    assert_eq!(
        field_of(&plan, "Termination Date"),
        Some(Field::TerminatedOn)
    );
    assert_eq!(plan.unknown, ["Address 1"]);
    assert!(plan.missing_required.is_empty());

    let rows = all(&path, &plan);
    assert_eq!(
        rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 3, 4, 5, 6, 7]
    );
    // Number cells: 1001.0 is the id "1001", a large one is not written in exponent form.
    let dana = contact(&rows[0]);
    assert_eq!(rows[0].raw[0], "1001");
    assert_eq!(dana.external_id.as_deref(), Some("1001"));
    assert_eq!(dana.company_external_id.as_deref(), Some("AT-1001"));
    assert_eq!(
        (dana.name.as_str(), dana.authorized),
        ("Dana Reyes", Some(true))
    );
    assert_eq!(dana.terminated_on, None);
    // Non-ASCII text and an empty cell.
    let juergen = contact(&rows[1]);
    assert_eq!(juergen.name, "Jürgen Müller");
    assert_eq!(
        juergen.company_name.as_deref(),
        Some("Müller Maschinenbau GmbH")
    );
    assert_eq!(rows[1].raw[7], "Hauptstraße 5");
    assert_eq!(juergen.phone, None);
    // Active is a boolean cell FALSE: the contact arrives not authorized.
    let zoe = contact(&rows[2]);
    assert_eq!(zoe.name, "Zoë Quinn");
    assert_eq!(zoe.authorized, Some(false));
    // Date cells are dates, with or without a time of day.
    assert_eq!(contact(&rows[3]).terminated_on, Some(day(2026, 3, 15)));
    let lee = contact(&rows[4]);
    assert_eq!(lee.external_id.as_deref(), Some("29682885"));
    assert_eq!(lee.terminated_on, Some(day(2026, 4, 30)));
    let (code, message) = problem(&rows[5]);
    assert_eq!(code, codes::EMAIL_INVALID);
    assert!(message.contains("Email Address"), "{message}");
}

#[test]
fn a_truncated_xls_is_refused_with_a_code_never_a_panic() {
    let whole = std::fs::read(fixture("autotask/contacts.xls")).unwrap();
    let outcome = |path: &Path| -> Vec<(u64, Vec<String>)> {
        let plan = one_plan(path);
        all(path, &plan)
            .into_iter()
            .map(|r| (r.line, r.raw))
            .collect()
    };
    let expected = outcome(&fixture("autotask/contacts.xls"));
    // Cut anywhere from the OLE2 signature on (inside the header, the sector table, the
    // directory, the workbook stream, at a sector boundary or not): refused as damaged before
    // the workbook parser runs, with what to do; unless all that is missing is the padding of
    // the last sector (some writers leave it out), and then every row reads as from the whole.
    let cuts = (8..whole.len())
        .step_by(61)
        .chain([512, 1024, whole.len() - 512, whole.len() - 1]);
    let mut refused = 0;
    for cut in cuts {
        let (_dir, path) = temp_file("contacts.xls", &whole[..cut]);
        match inspect(&path, None, None, &[]) {
            Err(err) => {
                assert_eq!(err.code(), codes::FILE_DAMAGED, "cut at {cut}: {err}");
                let message = err.to_string();
                assert!(message.contains("cut short"), "cut at {cut}: {message}");
                assert!(message.contains("export it as CSV"), "{message}");
                refused += 1;
            }
            Ok(_) => assert_eq!(outcome(&path), expected, "cut at {cut}"),
        }
    }
    assert!(refused > 80, "{refused} cuts refused");
}

#[test]
fn runbook_dates_are_read_and_bad_or_future_ones_refuse_the_row() {
    let soon = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let text = format!(
        "title,body,created_at,updated_at\n\
         Printers,Reset the spooler,2025-11-03T08:15:00.250000Z,2026-01-20T16:40:12.123456Z\n\
         VPN,Split tunnel,03/04/2026,\n\
         Wi-Fi,Guest network,,2026-02-01 10:30\n\
         Backups,Nightly,someday,\n\
         Mail,Relay,,2999-01-01\n\
         Clock skew,Two hours ahead,,{soon}\n\
         Reversed,Updated before created,2026-02-01,2026-01-01\n\
         Undated,No dates,,\n"
    );
    let (_dir, path) = temp_file("runbooks.csv", text.as_bytes());
    let plan = one_plan(&path);
    assert_eq!((plan.source, plan.kind), (Source::Csv, Kind::Runbooks));
    assert_eq!(field_of(&plan, "created_at"), Some(Field::CreatedAt));
    assert_eq!(field_of(&plan, "updated_at"), Some(Field::UpdatedAt));
    let rows = all(&path, &plan);
    let at = |s: &str| -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().into()
    };
    // Ticketflow's own export: to the microsecond.
    let printers = runbook(&rows[0]);
    assert_eq!(
        (printers.created_at, printers.updated_at),
        (
            Some(at("2025-11-03T08:15:00.25Z")),
            Some(at("2026-01-20T16:40:12.123456Z"))
        )
    );
    // A date alone is midnight UTC (month first: nothing in the file says otherwise); a date and
    // time without a zone is UTC.
    assert_eq!(
        runbook(&rows[1]).created_at,
        Some(at("2026-03-04T00:00:00Z"))
    );
    assert_eq!(runbook(&rows[1]).updated_at, None);
    assert_eq!(
        runbook(&rows[2]).updated_at,
        Some(at("2026-02-01T10:30:00Z"))
    );
    let (code, message) = problem(&rows[3]);
    assert_eq!(code, codes::DATE_INVALID);
    assert!(
        message.contains("\"created_at\"") && message.contains("someday"),
        "{message}"
    );
    let (code, message) = problem(&rows[4]);
    assert_eq!(code, codes::DATE_INVALID);
    assert!(message.contains("in the future"), "{message}");
    // Within a day ahead (a zone, a skewed clock): taken as the import's time, never later.
    let skewed = runbook(&rows[5]).updated_at.unwrap();
    assert!(skewed <= chrono::Utc::now(), "{skewed}");
    assert!(
        skewed > chrono::Utc::now() - chrono::Duration::minutes(5),
        "{skewed}"
    );
    let (code, message) = problem(&rows[6]);
    assert_eq!(code, codes::DATE_INVALID);
    assert!(
        message.contains("before the entry was created"),
        "{message}"
    );
    assert_eq!(
        (runbook(&rows[7]).created_at, runbook(&rows[7]).updated_at),
        (None, None)
    );
    assert_eq!(rows.len(), 8);
}

#[test]
fn a_workbook_with_an_oversized_shared_string_table_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Client Name").unwrap();
    sheet.write_string(1, 0, "Acme").unwrap();
    book.save(&path).unwrap();
    assert_eq!(one_plan(&path).headers, ["Client Name"]);
    // The table declares 200 MB (the whole archive stays under the ZIP limit): the whole table
    // would be held in memory, so the workbook is refused and CSV suggested.
    let mut bytes = std::fs::read(&path).unwrap();
    let name = b"xl/sharedStrings.xml";
    let central = (0..bytes.len() - 46)
        .find(|&i| bytes[i..].starts_with(b"PK\x01\x02") && bytes[i + 46..].starts_with(name))
        .unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&(200u32 << 20).to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let err = inspect(&path, None, None, &[]).unwrap_err();
    assert_eq!(err.code(), codes::TOO_LARGE, "{err}");
    assert!(err.to_string().contains("export it as CSV"), "{err}");
}
