//! Which tool wrote a file, and what its columns mean: one preset per (source, kind), from the
//! columns each tool documents for its exports and import templates.
//!
//! A preset lists, per desk field, the column names that fill it, best first (compared loosely:
//! case, `_`, `-` and repeated spaces do not matter), and a few *signature* columns, spelled
//! exactly as that tool writes them, that tell the tools apart (ConnectWise's "Company
//! Identifier", IT Glue's snake_case `organization_id`, Datto's "Site UID").

use super::{Field, Kind, Source};

/// The columns of one (source, kind).
pub(crate) struct Preset {
    pub source: Source,
    pub kind: Kind,
    /// Per field, the column names that fill it, best first (loose spelling, see [`loose`]).
    pub columns: &'static [(Field, &'static [&'static str])],
    /// Headers (exact, trimmed) only this source writes.
    pub signature: &'static [&'static str],
}

use Field::*;

const AUTOTASK_COMPANIES: Preset = Preset {
    source: Source::Autotask,
    kind: Kind::Companies,
    columns: &[
        (
            ExternalId,
            &[
                "organization id",
                "company id",
                "id",
                "external id",
                "number",
            ],
        ),
        (Name, &["name", "organization name", "company name"]),
        (Phone, &["phone"]),
        (Tier, &["classification", "tier"]),
        (TimeZone, &["time zone"]),
        (Active, &["active"]),
    ],
    signature: &["Number", "Address 1", "Classification", "Organization Type"],
};

const AUTOTASK_CONTACTS: Preset = Preset {
    source: Source::Autotask,
    kind: Kind::Contacts,
    columns: &[
        (ExternalId, &["contact id", "id", "external id"]),
        (FirstName, &["first name"]),
        (LastName, &["last name"]),
        (Name, &["name", "full name"]),
        (CompanyExternalId, &["organization id", "company id"]),
        (
            CompanyName,
            &[
                "organization name",
                "organization",
                "company name",
                "company",
            ],
        ),
        (Email, &["email address", "email", "e mail"]),
        (Phone, &["phone", "mobile phone"]),
        (Upn, &["upn", "user principal name"]),
        (Active, &["active"]),
        (
            TerminatedOn,
            &["termination date", "terminated on", "end date"],
        ),
    ],
    signature: &[
        "Organization ID",
        "Organization Name",
        "Contact ID",
        "Email Address",
        "Address 1",
    ],
};

const CONNECTWISE_COMPANIES: Preset = Preset {
    source: Source::ConnectWise,
    kind: Kind::Companies,
    columns: &[
        (ExternalId, &["company identifier", "company id", "id"]),
        (Name, &["company", "company name", "name"]),
        (Phone, &["phone", "phone number"]),
        (Active, &["status"]),
        (Tier, &["tier", "classification"]),
        (TimeZone, &["time zone"]),
    ],
    signature: &["Company Identifier", "Company RecID", "Territory"],
};

const CONNECTWISE_CONTACTS: Preset = Preset {
    source: Source::ConnectWise,
    kind: Kind::Contacts,
    columns: &[
        (ExternalId, &["contact id", "contact recid", "id"]),
        (FirstName, &["first name"]),
        (LastName, &["last name"]),
        (CompanyExternalId, &["company identifier", "company id"]),
        (CompanyName, &["company", "company name"]),
        (Email, &["default email", "email", "email address"]),
        (Phone, &["default phone", "phone", "direct phone"]),
        (Inactive, &["inactive flag", "inactive"]),
        (TerminatedOn, &["termination date"]),
    ],
    signature: &["Company Identifier", "Default Email", "Inactive Flag"],
};

const CONNECTWISE_ASSETS: Preset = Preset {
    source: Source::ConnectWise,
    kind: Kind::Assets,
    columns: &[
        (
            ExternalId,
            &[
                "configuration id",
                "configuration recid",
                "id",
                "tag number",
            ],
        ),
        (Hostname, &["configuration name", "name"]),
        (AssetKind, &["configuration type", "type"]),
        (Serial, &["serial number"]),
        (CompanyExternalId, &["company identifier", "company id"]),
        (CompanyName, &["company", "company name"]),
        (RmmId, &["device identifier"]),
    ],
    signature: &[
        "Tag Number",
        "Configuration Type",
        "Company Identifier",
        "Device Identifier",
    ],
};

const HALO_COMPANIES: Preset = Preset {
    source: Source::Halo,
    kind: Kind::Companies,
    columns: &[
        (ExternalId, &["client id", "id"]),
        (Name, &["client name", "name"]),
        (Phone, &["main phone", "phone number", "phone"]),
        (Inactive, &["inactive"]),
        (Tier, &["service level", "tier"]),
        (TimeZone, &["time zone", "timezone"]),
    ],
    signature: &["Client Name", "Client ID"],
};

const HALO_CONTACTS: Preset = Preset {
    source: Source::Halo,
    kind: Kind::Contacts,
    columns: &[
        (ExternalId, &["user id", "id"]),
        (Name, &["name", "user name"]),
        (FirstName, &["first name", "firstname"]),
        (LastName, &["last name", "surname"]),
        (CompanyExternalId, &["client id"]),
        (CompanyName, &["client name", "client"]),
        (Email, &["email address", "email"]),
        (Phone, &["phone number", "phone", "mobile number"]),
        (Upn, &["user principal name", "upn", "network login"]),
        (Inactive, &["inactive"]),
        (TerminatedOn, &["leaver date", "termination date"]),
    ],
    signature: &["Client Name", "Network Login", "Inactive", "Site Name"],
};

const HALO_ASSETS: Preset = Preset {
    source: Source::Halo,
    kind: Kind::Assets,
    columns: &[
        (ExternalId, &["asset id", "id", "inventory number"]),
        (Hostname, &["key field", "device name", "hostname"]),
        (AssetKind, &["asset type", "type"]),
        (Serial, &["serial number"]),
        (CompanyExternalId, &["client id"]),
        (CompanyName, &["client name", "client"]),
        (AssignedUpn, &["user principal name", "user"]),
    ],
    signature: &["Key Field", "Inventory Number", "Client Name"],
};

const ITGLUE_COMPANIES: Preset = Preset {
    source: Source::ItGlue,
    kind: Kind::Companies,
    columns: &[
        (ExternalId, &["id"]),
        (Name, &["name"]),
        (Active, &["organization status name", "organization status"]),
        (Phone, &["primary phone", "phone"]),
    ],
    signature: &[
        "organization_type_name",
        "organization_status_name",
        "short_name",
    ],
};

const ITGLUE_CONTACTS: Preset = Preset {
    source: Source::ItGlue,
    kind: Kind::Contacts,
    columns: &[
        (ExternalId, &["id"]),
        (FirstName, &["first name"]),
        (LastName, &["last name"]),
        (Name, &["name"]),
        (CompanyExternalId, &["organization id"]),
        (CompanyName, &["organization name", "organization"]),
        (
            Email,
            &["primary email", "contact emails", "emails", "email"],
        ),
        (
            Phone,
            &["primary phone", "contact phones", "phones", "phone"],
        ),
    ],
    signature: &[
        "organization_id",
        "organization_name",
        "contact_type_name",
        "contact_emails",
    ],
};

const ITGLUE_ASSETS: Preset = Preset {
    source: Source::ItGlue,
    kind: Kind::Assets,
    columns: &[
        (ExternalId, &["id"]),
        (Hostname, &["hostname", "name"]),
        (
            AssetKind,
            &["configuration type name", "configuration type"],
        ),
        (Serial, &["serial number"]),
        (CompanyExternalId, &["organization id"]),
        (CompanyName, &["organization name", "organization"]),
        (RmmId, &["asset tag"]),
    ],
    signature: &[
        "configuration_type_name",
        "organization_id",
        "serial_number",
    ],
};

const HUDU_COMPANIES: Preset = Preset {
    source: Source::Hudu,
    kind: Kind::Companies,
    columns: &[
        (ExternalId, &["id", "id number"]),
        (Name, &["name"]),
        (Phone, &["phone number"]),
        (Inactive, &["archived"]),
        // The company's own page in Hudu, i.e. its documentation. "website" is the client's
        // public site, not a tool of the desk, and stays unmapped.
        (ToolDocumentation, &["full url"]),
    ],
    signature: &["id_number", "company_type", "nickname"],
};

const HUDU_ASSETS: Preset = Preset {
    source: Source::Hudu,
    kind: Kind::Assets,
    columns: &[
        (ExternalId, &["id"]),
        (Hostname, &["name"]),
        (AssetKind, &["asset layout", "asset type"]),
        (Serial, &["primary serial", "serial number"]),
        (CompanyExternalId, &["company id"]),
        (CompanyName, &["company name"]),
    ],
    signature: &["asset_layout", "primary_serial", "company_name"],
};

const NINJAONE_ASSETS: Preset = Preset {
    source: Source::NinjaOne,
    kind: Kind::Assets,
    columns: &[
        (RmmId, &["id", "device id"]),
        (Hostname, &["system name", "display name", "name"]),
        (AssetKind, &["role", "device type", "node class"]),
        (Serial, &["serial number"]),
        (CompanyExternalId, &["organization id"]),
        (CompanyName, &["organization", "organization name"]),
        (RmmUrl, &["device link", "url"]),
    ],
    signature: &[
        "System Name",
        "Display Name",
        "Last LoggedIn User",
        "Node Class",
    ],
};

const DATTO_ASSETS: Preset = Preset {
    source: Source::Datto,
    kind: Kind::Assets,
    columns: &[
        (RmmId, &["device uid", "uid"]),
        (Hostname, &["hostname", "device hostname"]),
        (AssetKind, &["device type", "type"]),
        (Serial, &["serial number"]),
        (CompanyExternalId, &["site uid", "site id"]),
        (CompanyName, &["site name", "site"]),
        (RmmUrl, &["web remote url", "portal url"]),
    ],
    signature: &["Site UID", "Device UID", "Site Name", "Device Type"],
};

const CSV_COMPANIES: Preset = Preset {
    source: Source::Csv,
    kind: Kind::Companies,
    columns: &[
        (
            ExternalId,
            &["external id", "id", "company id", "account id"],
        ),
        (
            Name,
            &[
                "name",
                "company",
                "company name",
                "client",
                "client name",
                "organization",
            ],
        ),
        (Phone, &["phone", "phone number"]),
        (Tier, &["tier", "service tier", "sla tier"]),
        (TimeZone, &["time zone", "timezone", "tz"]),
        (Active, &["active", "status"]),
        (Inactive, &["inactive"]),
        // First the names Ticketflow's own export writes (`tool_rmm`, ...), then how a
        // spreadsheet kept by hand names such a link.
        (
            ToolPsa,
            &["tool psa", "psa url", "psa link", "psa ticket url"],
        ),
        (
            ToolRemoteSession,
            &[
                "tool remote session",
                "remote session url",
                "remote access url",
                "remote session link",
                "remote access link",
            ],
        ),
        (ToolRmm, &["tool rmm", "rmm url", "rmm link"]),
        (ToolEdr, &["tool edr", "edr url", "edr link"]),
        (
            ToolDocumentation,
            &[
                "tool documentation",
                "documentation url",
                "documentation link",
                "docs url",
            ],
        ),
        (
            ToolNoc,
            &["tool noc", "noc url", "noc dashboard url", "noc link"],
        ),
        (
            ToolVendorStatus,
            &["tool vendor status", "vendor status url", "status page url"],
        ),
        // The button labels, as Ticketflow's own export names them (`tool_rmm_label`, ...).
        (ToolPsaLabel, &["tool psa label"]),
        (ToolRemoteSessionLabel, &["tool remote session label"]),
        (ToolRmmLabel, &["tool rmm label"]),
        (ToolEdrLabel, &["tool edr label"]),
        (ToolDocumentationLabel, &["tool documentation label"]),
        (ToolNocLabel, &["tool noc label"]),
        (ToolVendorStatusLabel, &["tool vendor status label"]),
    ],
    signature: &[],
};

const CSV_CONTACTS: Preset = Preset {
    source: Source::Csv,
    kind: Kind::Contacts,
    columns: &[
        (ExternalId, &["external id", "id", "contact id"]),
        (Name, &["name", "full name", "display name"]),
        (FirstName, &["first name", "given name"]),
        (LastName, &["last name", "surname", "family name"]),
        (CompanyExternalId, &["company external id", "company id"]),
        (
            CompanyName,
            &["company name", "company", "client", "organization"],
        ),
        (Email, &["email", "e mail", "email address", "mail"]),
        (Phone, &["phone", "phone number", "telephone"]),
        (Upn, &["upn", "user principal name", "login"]),
        (Authorized, &["authorized", "authorised"]),
        (Active, &["active", "status"]),
        (Inactive, &["inactive"]),
        (
            TerminatedOn,
            &[
                "terminated on",
                "termination date",
                "terminated",
                "leaver date",
            ],
        ),
    ],
    signature: &[],
};

const CSV_ASSETS: Preset = Preset {
    source: Source::Csv,
    kind: Kind::Assets,
    columns: &[
        (ExternalId, &["external id", "id", "asset id"]),
        (
            Hostname,
            &[
                "hostname",
                "host name",
                "computer name",
                "device name",
                "name",
            ],
        ),
        (AssetKind, &["asset kind", "kind", "type", "device type"]),
        (Serial, &["serial", "serial number"]),
        (CompanyExternalId, &["company external id", "company id"]),
        (
            CompanyName,
            &["company name", "company", "client", "organization", "site"],
        ),
        (AssignedUpn, &["assigned upn", "user", "assigned to"]),
        (RmmId, &["rmm id", "device id"]),
        (RmmUrl, &["rmm url", "url", "link"]),
    ],
    signature: &[],
};

const CSV_RUNBOOKS: Preset = Preset {
    source: Source::Csv,
    kind: Kind::Runbooks,
    columns: &[
        (ExternalId, &["external id", "id"]),
        (Title, &["title", "name", "subject"]),
        (Body, &["body", "text", "content", "article"]),
        (CompanyExternalId, &["company external id", "company id"]),
        (
            CompanyName,
            &["company name", "company", "client", "organization"],
        ),
        // Ticketflow's own export writes created_at/updated_at; a knowledge base kept in a
        // spreadsheet names them as people do.
        (
            CreatedAt,
            &[
                "created at",
                "created",
                "created on",
                "date created",
                "creation date",
            ],
        ),
        (
            UpdatedAt,
            &[
                "updated at",
                "updated",
                "updated on",
                "last updated",
                "last modified",
                "modified",
                "date modified",
            ],
        ),
    ],
    signature: &[],
};

/// The IT Glue documents "table": one row per HTML document (built by `itglue.rs`).
const ITGLUE_RUNBOOKS: Preset = Preset {
    source: Source::ItGlue,
    kind: Kind::Runbooks,
    columns: &[
        (ExternalId, &["path"]),
        (CompanyName, &["organization"]),
        (Title, &["title"]),
        (Body, &["body"]),
    ],
    signature: &[],
};

const PRESETS: &[Preset] = &[
    AUTOTASK_COMPANIES,
    AUTOTASK_CONTACTS,
    CONNECTWISE_COMPANIES,
    CONNECTWISE_CONTACTS,
    CONNECTWISE_ASSETS,
    HALO_COMPANIES,
    HALO_CONTACTS,
    HALO_ASSETS,
    ITGLUE_COMPANIES,
    ITGLUE_CONTACTS,
    ITGLUE_ASSETS,
    ITGLUE_RUNBOOKS,
    HUDU_COMPANIES,
    HUDU_ASSETS,
    NINJAONE_ASSETS,
    DATTO_ASSETS,
    CSV_COMPANIES,
    CSV_CONTACTS,
    CSV_ASSETS,
    CSV_RUNBOOKS,
];

/// The preset of (source, kind); a source without one for that kind reads it as a generic CSV
/// of that kind (same field names), so `--source hudu --kind contacts` still works.
pub(crate) fn preset(source: Source, kind: Kind) -> &'static Preset {
    PRESETS
        .iter()
        .find(|p| p.source == source && p.kind == kind)
        .or_else(|| {
            PRESETS
                .iter()
                .find(|p| p.source == Source::Csv && p.kind == kind)
        })
        .unwrap_or(&CSV_COMPANIES)
}

/// A header compared loosely: lower case, `_` and `-` as spaces, runs of spaces as one.
pub(crate) fn loose(header: &str) -> String {
    let lowered = header
        .trim()
        .trim_end_matches(':')
        .to_lowercase()
        .replace(['_', '-', '.'], " ");
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The kind a file's name suggests ("contacts.csv", "Configurations export.xlsx").
fn kind_from_name(file_name: &str) -> Option<Kind> {
    let name = file_name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["contact", "user", "people", "person"]) {
        Some(Kind::Contacts)
    } else if has(&["config", "asset", "device", "computer"]) {
        Some(Kind::Assets)
    } else if has(&["document", "runbook", "article", "knowledge"]) {
        Some(Kind::Runbooks)
    } else if has(&["compan", "organi", "client", "account", "customer"]) {
        Some(Kind::Companies)
    } else {
        None
    }
}

/// How well a preset fits the headers: each column it would fill counts 2 (its first-choice
/// name 1 more), each signature column 3, the file's (or sheet's) name agreeing on the kind 2;
/// no column for the kind's name (company name, contact name, hostname, title) costs 4.
fn score(
    preset: &Preset,
    headers: &[String],
    loose_headers: &[String],
    name_kind: Option<Kind>,
) -> (usize, usize) {
    let mut total: usize = 0;
    let mut matched = Vec::new();
    for (field, names) in preset.columns {
        if let Some(rank) = names
            .iter()
            .position(|n| loose_headers.iter().any(|h| h == n))
        {
            total += if rank == 0 { 3 } else { 2 };
            matched.push(*field);
        }
    }
    // A kind whose name-like column is not there is an unlikely reading of the file.
    let has = |fields: &[Field]| fields.iter().any(|f| matched.contains(f));
    let named = match preset.kind {
        Kind::Companies => has(&[Name]),
        Kind::Contacts => has(&[Name, FirstName, LastName]),
        Kind::Assets => has(&[Hostname]),
        Kind::Runbooks => has(&[Title]),
    };
    if !named {
        total = total.saturating_sub(4);
    }
    let signatures = preset
        .signature
        .iter()
        .filter(|s| headers.iter().any(|h| h == *s))
        .count();
    total += 3 * signatures;
    if name_kind == Some(preset.kind) {
        total += 2;
    }
    (total, signatures)
}

/// The source and kind of a table from its headers (and `name`: the file's name, with the
/// sheet's or entry's name after it), within what the
/// caller fixed. A tool is only chosen when at least one of its signature columns is there;
/// otherwise the file is a generic CSV.
pub(crate) fn detect(
    headers: &[String],
    file_name: &str,
    source: Option<Source>,
    kind: Option<Kind>,
) -> (Source, Kind) {
    let loose_headers: Vec<String> = headers.iter().map(|h| loose(h)).collect();
    let name_kind = kind_from_name(file_name);
    let best = PRESETS
        .iter()
        .filter(|p| source.is_none_or(|s| s == p.source) && kind.is_none_or(|k| k == p.kind))
        .map(|p| (p, score(p, headers, &loose_headers, name_kind)))
        .filter(|(p, (_, signatures))| {
            p.source == Source::Csv || *signatures > 0 || source == Some(p.source)
        })
        .max_by_key(|(p, (total, _))| (*total, usize::from(p.source != Source::Csv)));
    match best {
        Some((p, _)) => (p.source, p.kind),
        None => (
            source.unwrap_or(Source::Csv),
            kind.or(name_kind).unwrap_or(Kind::Companies),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn loose_spelling_ignores_case_underscores_and_spaces() {
        assert_eq!(loose(" Organization_ID "), "organization id");
        assert_eq!(loose("E-Mail  Address:"), "e mail address");
    }

    #[test]
    fn each_tool_is_recognized_by_its_own_columns() {
        let cases: &[(&[&str], Source, Kind)] = &[
            (
                &[
                    "Contact ID",
                    "First Name",
                    "Last Name",
                    "Organization ID",
                    "Organization Name",
                    "Email Address",
                    "Active",
                ],
                Source::Autotask,
                Kind::Contacts,
            ),
            (
                &["Name", "Number", "Phone", "Address 1", "Classification"],
                Source::Autotask,
                Kind::Companies,
            ),
            (
                &["Company Identifier", "Company", "Status", "Phone"],
                Source::ConnectWise,
                Kind::Companies,
            ),
            (
                &[
                    "Configuration Name",
                    "Configuration Type",
                    "Company Identifier",
                    "Serial Number",
                    "Tag Number",
                ],
                Source::ConnectWise,
                Kind::Assets,
            ),
            (
                &[
                    "ID",
                    "Name",
                    "Client Name",
                    "Email Address",
                    "Network Login",
                    "Inactive",
                ],
                Source::Halo,
                Kind::Contacts,
            ),
            (
                &[
                    "id",
                    "first_name",
                    "last_name",
                    "organization_id",
                    "organization_name",
                    "contact_emails",
                ],
                Source::ItGlue,
                Kind::Contacts,
            ),
            (
                &[
                    "Hostname",
                    "Site Name",
                    "Site UID",
                    "Device UID",
                    "Device Type",
                    "Serial Number",
                ],
                Source::Datto,
                Kind::Assets,
            ),
            (
                &[
                    "ID",
                    "System Name",
                    "Display Name",
                    "Organization",
                    "Role",
                    "Serial Number",
                ],
                Source::NinjaOne,
                Kind::Assets,
            ),
            (
                &[
                    "id",
                    "name",
                    "company_name",
                    "asset_layout",
                    "primary_serial",
                ],
                Source::Hudu,
                Kind::Assets,
            ),
        ];
        for (list, source, kind) in cases {
            assert_eq!(
                detect(&headers(list), "export.csv", None, None),
                (*source, *kind),
                "{list:?}"
            );
        }
    }

    #[test]
    fn without_a_signature_column_a_file_is_a_generic_csv() {
        let got = detect(
            &headers(&["name", "email", "company", "phone"]),
            "people.csv",
            None,
            None,
        );
        assert_eq!(got, (Source::Csv, Kind::Contacts));
    }

    #[test]
    fn link_columns_tell_companies_from_assets() {
        // An RMM link beside a hostname is the device's; beside a client name and other tool
        // links it is the client's RMM site.
        assert_eq!(
            detect(
                &headers(&["hostname", "company", "rmm url"]),
                "x.csv",
                None,
                None
            ),
            (Source::Csv, Kind::Assets)
        );
        assert_eq!(
            detect(
                &headers(&["Name", "RMM URL", "Documentation URL", "PSA URL"]),
                "x.csv",
                None,
                None
            ),
            (Source::Csv, Kind::Companies)
        );
    }

    #[test]
    fn the_caller_can_fix_source_and_kind() {
        let h = headers(&["Name", "Phone"]);
        assert_eq!(
            detect(&h, "x.csv", Some(Source::Halo), Some(Kind::Companies)),
            (Source::Halo, Kind::Companies)
        );
        assert_eq!(
            detect(&h, "x.csv", None, Some(Kind::Contacts)).1,
            Kind::Contacts
        );
    }
}
