//! The desk's tools, one click away: per company, a URL template for each kind of system a
//! technician opens from a step (the PSA ticket, a remote session, the RMM device page, the EDR
//! host page, the client's documentation, the NOC dashboard, vendor status pages), filled in for
//! the ticket's asset.
//!
//! The URL a button opens is handed to the system browser, so it is the one place where desk
//! data becomes something the OS acts on. Hence: a template is checked when it is saved (http or
//! https, a host, no credentials, placeholders only after the host and only from the known set),
//! every value is percent-encoded as it is filled in, and the filled URL is checked again: it
//! must keep the template's scheme, host, port and number of path segments, so no hostname or
//! UPN can turn the link into another site, another scheme or a `..` walk up the path. A value
//! that is missing (no asset linked, no UPN) makes the button say so instead of opening a
//! broken URL. Pure: no database.

use super::{Asset, Company, Contact};
use crate::error::{Error, Result};
use crate::template::ToolKind;
use crate::text::visible::hidden_name;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use url::Url;

/// Longest URL template accepted.
pub const TOOL_URL_MAX: usize = 2_000;
/// Longest button label accepted.
pub const TOOL_LABEL_MAX: usize = 60;

/// Every kind of tool, in the order the company form lists them.
pub const TOOL_KINDS: [ToolKind; 7] = [
    ToolKind::Psa,
    ToolKind::RemoteSession,
    ToolKind::Rmm,
    ToolKind::Edr,
    ToolKind::Documentation,
    ToolKind::Noc,
    ToolKind::VendorStatus,
];

/// A value a URL template can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// The asset's hostname.
    Hostname,
    /// The asset's assigned user's UPN, else the caller's.
    Upn,
    /// Ticketflow's ticket number (T-000042).
    Ticket,
    /// The PSA's own number for the ticket. Ticketflow keeps none (tickets have no external
    /// number field yet; mail asks for it when a summary is queued), so a template naming it
    /// cannot be filled and its button says so.
    PsaTicket,
    /// The client's name.
    Company,
}

impl Placeholder {
    pub const ALL: [Placeholder; 5] = [
        Placeholder::Hostname,
        Placeholder::Upn,
        Placeholder::Ticket,
        Placeholder::PsaTicket,
        Placeholder::Company,
    ];

    /// The name between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::Hostname => "hostname",
            Placeholder::Upn => "upn",
            Placeholder::Ticket => "ticket",
            Placeholder::PsaTicket => "psa_ticket",
            Placeholder::Company => "company",
        }
    }

    fn from_name(name: &str) -> Option<Placeholder> {
        Placeholder::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether the value comes from one linked asset (one button per asset).
    fn per_asset(self) -> bool {
        matches!(self, Placeholder::Hostname | Placeholder::Upn)
    }
}

/// Every placeholder with its braces, for messages and the company form.
pub fn placeholder_list() -> String {
    Placeholder::ALL
        .iter()
        .map(|p| format!("{{{}}}", p.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a kind of tool is stored and sent (the serde spelling).
pub fn kind_str(kind: ToolKind) -> &'static str {
    match kind {
        ToolKind::Psa => "psa",
        ToolKind::RemoteSession => "remote_session",
        ToolKind::Rmm => "rmm",
        ToolKind::Edr => "edr",
        ToolKind::Documentation => "documentation",
        ToolKind::Noc => "noc",
        ToolKind::VendorStatus => "vendor_status",
    }
}

/// The kind stored as `text`.
pub fn parse_kind(text: &str) -> Result<ToolKind> {
    TOOL_KINDS
        .into_iter()
        .find(|k| kind_str(*k) == text)
        .ok_or_else(|| Error::invalid("tool kind", format!("unknown kind of tool {text:?}")))
}

/// What a kind of tool is called when a company has not named its own.
pub fn kind_title(kind: ToolKind) -> &'static str {
    match kind {
        ToolKind::Psa => "PSA ticket",
        ToolKind::RemoteSession => "Remote session",
        ToolKind::Rmm => "RMM device",
        ToolKind::Edr => "EDR host",
        ToolKind::Documentation => "Documentation",
        ToolKind::Noc => "NOC dashboard",
        ToolKind::VendorStatus => "Vendor status",
    }
}

/// How a sentence names a kind of tool ("no RMM link is set up for …").
pub fn kind_noun(kind: ToolKind) -> &'static str {
    match kind {
        ToolKind::Psa => "PSA",
        ToolKind::RemoteSession => "remote session",
        ToolKind::Rmm => "RMM",
        ToolKind::Edr => "EDR",
        ToolKind::Documentation => "documentation",
        ToolKind::Noc => "NOC dashboard",
        ToolKind::VendorStatus => "vendor status",
    }
}

/// One company's link into one of its tools: "ScreenConnect",
/// `https://acme.screenconnect.com/Host#Access/All%20Machines//{hostname}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CompanyTool {
    pub kind: ToolKind,
    /// The button's label (the product's name); blank takes the kind's title.
    pub label: String,
    pub url_template: String,
}

/// What fills a template's placeholders; `None` where the ticket has no such value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolContext {
    pub hostname: Option<String>,
    pub upn: Option<String>,
    pub ticket: Option<String>,
    pub psa_ticket: Option<String>,
    pub company: Option<String>,
}

impl ToolContext {
    fn value(&self, p: Placeholder) -> Option<&str> {
        let v = match p {
            Placeholder::Hostname => &self.hostname,
            Placeholder::Upn => &self.upn,
            Placeholder::Ticket => &self.ticket,
            Placeholder::PsaTicket => &self.psa_ticket,
            Placeholder::Company => &self.company,
        };
        v.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
}

fn invalid(why: impl Into<String>) -> Error {
    Error::ToolUrlInvalid(why.into())
}

/// Where in the URL a placeholder stands: what may safely be put there differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Path,
    Query,
    Fragment,
}

/// A template cut into literal text and placeholders.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Text(&'a str),
    Value(Placeholder, Part),
}

/// RFC 3986's unreserved characters stay; everything else is percent-encoded (UTF-8 bytes), so a
/// value can never add a path segment, a query parameter or a fragment: `/`, `?`, `#`, `&`, `=`,
/// `@`, `%` and spaces all become `%XX`. The same set is right in a path, a query and a fragment;
/// what the position changes is the dot-segment check in [`fill`].
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Splits a template (already known to start with `scheme://`) into pieces, refusing unknown
/// placeholders, unbalanced braces and placeholders before the path.
fn pieces(template: &str) -> Result<Vec<Piece<'_>>> {
    let after_scheme = template.find("://").map(|i| i + 3).unwrap_or(0);
    let authority_end = template[after_scheme..]
        .find(['/', '?', '#'])
        .map(|i| i + after_scheme)
        .unwrap_or(template.len());
    let mut out = Vec::new();
    let mut part = Part::Path;
    let mut rest_start = 0;
    let mut i = 0;
    let bytes = template.as_bytes();
    while i < bytes.len() {
        match bytes[i] {
            b'?' if part == Part::Path => part = Part::Query,
            b'#' if part != Part::Fragment => part = Part::Fragment,
            b'}' => {
                return Err(invalid(format!(
                    "a }} without its {{ at character {}: placeholders are written {{name}}",
                    i + 1
                )))
            }
            b'{' => {
                let Some(len) = template[i + 1..].find('}') else {
                    return Err(invalid(
                        "a { without its }: placeholders are written {name}",
                    ));
                };
                let name = &template[i + 1..i + 1 + len];
                let Some(p) = Placeholder::from_name(name) else {
                    return Err(invalid(format!(
                        "unknown placeholder {{{name}}}: use {}",
                        placeholder_list()
                    )));
                };
                if i < authority_end {
                    return Err(invalid(format!(
                        "{{{name}}} stands before the path: placeholders go after the host \
                         (https://host/…/{{{name}}}), so a value can never change which site opens"
                    )));
                }
                if rest_start < i {
                    out.push(Piece::Text(&template[rest_start..i]));
                }
                out.push(Piece::Value(p, part));
                i += len + 2;
                rest_start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if rest_start < template.len() {
        out.push(Piece::Text(&template[rest_start..]));
    }
    Ok(out)
}

/// The template with every placeholder replaced by a harmless sample, to parse what it becomes.
fn with_samples(pieces: &[Piece<'_>]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => *t,
            Piece::Value(..) => "x",
        })
        .collect()
}

/// Parses an http(s) URL and checks what no link of the desk may carry.
fn parse_web(url: &str) -> Result<Url> {
    let parsed = Url::parse(url).map_err(|e| invalid(format!("not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(invalid("only https:// and http:// links can be opened"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the link has no host: write https://host/…"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "the link carries a user name or password: leave them out (the tool asks when it opens)",
        ));
    }
    Ok(parsed)
}

/// Checks a URL template and returns it as stored: trimmed, scheme in lower case.
///
/// Refused, each with `TOOL_URL_INVALID`: any scheme but https and http (`javascript:`, `file:`,
/// `data:`, in any case), a link without `//` (scheme-relative, or `https:host`), spaces, control
/// and hidden characters (a tab inside `java\tscript:` would be dropped by URL parsers), a
/// backslash (browsers read it as `/`), credentials, no host, unknown placeholders, unbalanced
/// braces, and placeholders before the path.
pub fn validate_url_template(template: &str) -> Result<String> {
    let t = template.trim();
    if t.is_empty() {
        return Err(invalid(
            "the link is empty: paste the tool's address, e.g. https://acme.screenconnect.com/Host#Access/All%20Machines//{hostname}",
        ));
    }
    if t.chars().count() > TOOL_URL_MAX {
        return Err(invalid(format!(
            "the link is longer than {TOOL_URL_MAX} characters"
        )));
    }
    if let Some(c) = t.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(format!(
            "the link holds a space or control character (U+{:04X}): paste it as one line, with spaces written %20",
            c as u32
        )));
    }
    if let Some((c, name)) = t.chars().find_map(|c| hidden_name(c).map(|n| (c, n))) {
        return Err(invalid(format!(
            "the link holds a hidden character (U+{:04X}, {name}): type it again",
            c as u32
        )));
    }
    if t.contains('\\') {
        return Err(invalid(
            "the link holds a backslash: browsers read it as /, write / instead",
        ));
    }
    let lower = t.to_ascii_lowercase();
    let scheme_len = if lower.starts_with("https://") {
        5
    } else if lower.starts_with("http://") {
        4
    } else {
        return Err(invalid(
            "only https:// and http:// links can be opened: start the link with https://",
        ));
    };
    let stored = format!("{}{}", &lower[..scheme_len], &t[scheme_len..]);
    let authority = stored[scheme_len + 3..]
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    if authority.is_empty() {
        return Err(invalid("the link has no host: write https://host/…"));
    }
    if authority.contains('@') {
        return Err(invalid(
            "the link carries a user name or password (an @ before the host): leave them out, \
             the tool asks when it opens",
        ));
    }
    let pieces = pieces(&stored)?;
    parse_web(&with_samples(&pieces))?;
    Ok(stored)
}

/// Checks a button label and returns it trimmed; blank takes the kind's title.
pub fn validate_label(kind: ToolKind, label: &str) -> Result<String> {
    let label = label.trim();
    if label.is_empty() {
        return Ok(kind_title(kind).to_string());
    }
    if label.chars().count() > TOOL_LABEL_MAX {
        return Err(Error::invalid(
            "tool label",
            format!("at most {TOOL_LABEL_MAX} characters, the product's name is enough"),
        ));
    }
    if let Some(c) = label
        .chars()
        .find(|c| c.is_control() || hidden_name(*c).is_some())
    {
        return Err(Error::invalid(
            "tool label",
            format!(
                "it holds a hidden character (U+{:04X}): type it again",
                c as u32
            ),
        ));
    }
    Ok(label.to_string())
}

/// A company tool as it may be stored: label and template checked.
pub fn validate_tool(tool: &CompanyTool) -> Result<CompanyTool> {
    Ok(CompanyTool {
        kind: tool.kind,
        label: validate_label(tool.kind, &tool.label)?,
        url_template: validate_url_template(&tool.url_template)?,
    })
}

/// Why a value is missing, in words that say what to do.
fn missing(p: Placeholder) -> String {
    match p {
        Placeholder::Hostname => {
            "link an asset to the ticket first: the link needs its hostname".into()
        }
        Placeholder::Upn => "no UPN: the asset has no assigned user and the caller's contact \
             record has no UPN; add one in the Directory"
            .into(),
        Placeholder::Ticket => "the ticket has no number yet".into(),
        Placeholder::PsaTicket => "Ticketflow keeps no PSA ticket number: use {ticket} \
             (Ticketflow's number) in this company's link instead of {psa_ticket}"
            .into(),
        Placeholder::Company => "no client yet: verify the caller first".into(),
    }
}

/// The link for one ticket: each placeholder replaced by its percent-encoded value, then checked
/// again. `Err(reason)` says why it cannot be opened (a value is missing, or would change where
/// the link goes); the reason is for the button, not an error of the request.
pub fn fill(template: &str, ctx: &ToolContext) -> std::result::Result<String, String> {
    let pieces = pieces(template).map_err(|e| e.to_string())?;
    let expected = parse_web(&with_samples(&pieces)).map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(template.len() + 32);
    for piece in &pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Value(p, part) => {
                let value = ctx.value(*p).ok_or_else(|| missing(*p))?;
                // Dots are unreserved and `%2E` is read as a dot too: a value of dots alone in
                // the path would be a `.` or `..` segment, which moves the link up its path.
                if *part == Part::Path && value.chars().all(|c| c == '.') {
                    return Err(format!(
                        "the {} \"{value}\" cannot stand in the link's path: correct it in the \
                         Directory",
                        p.name()
                    ));
                }
                out.extend(utf8_percent_encode(value, VALUE));
            }
        }
    }
    let filled = parse_web(&out).map_err(|e| e.to_string())?;
    let segments = |u: &Url| u.path_segments().map(|s| s.count()).unwrap_or(0);
    if filled.scheme() != expected.scheme()
        || filled.host_str() != expected.host_str()
        || filled.port_or_known_default() != expected.port_or_known_default()
        || segments(&filled) != segments(&expected)
    {
        return Err(format!(
            "the ticket's values would change where the link goes ({}): check the asset's \
             hostname and UPN in the Directory",
            filled.as_str()
        ));
    }
    Ok(filled.into())
}

/// The placeholders a template names, in order.
fn named(template: &str) -> Vec<Placeholder> {
    pieces(template)
        .map(|ps| {
            ps.into_iter()
                .filter_map(|p| match p {
                    Piece::Value(p, _) => Some(p),
                    Piece::Text(_) => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A button a step shows: what it opens, or why it cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ToolButton {
    pub kind: ToolKind,
    /// The company's label, with the asset's hostname when the ticket has several assets.
    pub label: String,
    /// The asset it is filled in for (`None`: the link names no asset's value).
    pub asset_id: Option<i64>,
    /// The filled link, when it can be opened.
    pub url: Option<String>,
    /// Why it cannot be opened (not set up for this company, a value missing).
    pub unavailable: Option<String>,
}

/// A linked asset as the buttons need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolAsset {
    pub id: i64,
    pub hostname: String,
    pub assigned_upn: Option<String>,
}

/// What a ticket offers the buttons: its number, client, caller's UPN and linked assets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketTools {
    pub ticket: String,
    /// The client's name; `None` before the caller is verified.
    pub company: Option<String>,
    pub caller_upn: Option<String>,
    pub assets: Vec<ToolAsset>,
}

impl TicketTools {
    /// What a ticket's number, client, caller and linked assets offer the buttons.
    pub fn of(
        ticket: &str,
        company: Option<&Company>,
        contact: Option<&Contact>,
        assets: &[Asset],
    ) -> TicketTools {
        TicketTools {
            ticket: ticket.to_string(),
            company: company.map(|c| c.name.clone()),
            caller_upn: contact.and_then(|c| c.upn.clone()),
            assets: assets
                .iter()
                .map(|a| ToolAsset {
                    id: a.id,
                    hostname: a.hostname.clone(),
                    assigned_upn: a.assigned_upn.clone(),
                })
                .collect(),
        }
    }

    fn context(&self, asset: Option<&ToolAsset>) -> ToolContext {
        ToolContext {
            hostname: asset.map(|a| a.hostname.clone()),
            upn: asset
                .and_then(|a| a.assigned_upn.clone())
                .filter(|u| !u.trim().is_empty())
                .or_else(|| self.caller_upn.clone()),
            ticket: Some(self.ticket.clone()),
            psa_ticket: None,
            company: self.company.clone(),
        }
    }
}

/// The buttons of a step that names `kinds`, from the company's `tools`: one per kind, or one per
/// linked asset when the link names the asset's hostname or UPN and the ticket has several.
pub fn buttons(kinds: &[ToolKind], tools: &[CompanyTool], t: &TicketTools) -> Vec<ToolButton> {
    let mut out = Vec::new();
    for &kind in kinds {
        let Some(tool) = tools.iter().find(|tool| tool.kind == kind) else {
            let unavailable = match &t.company {
                Some(company) => format!(
                    "no {} link is set up for {company}: add it under Directory › {company} › Tools",
                    kind_noun(kind)
                ),
                None => missing(Placeholder::Company),
            };
            out.push(ToolButton {
                kind,
                label: kind_title(kind).to_string(),
                asset_id: None,
                url: None,
                unavailable: Some(unavailable),
            });
            continue;
        };
        let per_asset = named(&tool.url_template)
            .into_iter()
            .any(Placeholder::per_asset);
        let assets: Vec<Option<&ToolAsset>> = if per_asset && !t.assets.is_empty() {
            t.assets.iter().map(Some).collect()
        } else {
            vec![None]
        };
        for asset in &assets {
            let (url, unavailable) = match fill(&tool.url_template, &t.context(*asset)) {
                Ok(url) => (Some(url), None),
                Err(why) => (None, Some(why)),
            };
            let label = match asset {
                Some(a) if assets.len() > 1 => format!("{} · {}", tool.label, a.hostname),
                _ => tool.label.clone(),
            };
            out.push(ToolButton {
                kind,
                label,
                asset_id: asset.map(|a| a.id),
                url,
                unavailable,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SC: &str = "https://acme.screenconnect.com/Host#Access/All%20Machines//{hostname}";

    fn ctx(hostname: &str, upn: &str) -> ToolContext {
        ToolContext {
            hostname: Some(hostname.into()),
            upn: Some(upn.into()),
            ticket: Some("T-000042".into()),
            psa_ticket: None,
            company: Some("Contoso Legal".into()),
        }
    }

    fn refused(template: &str) -> String {
        let e = validate_url_template(template).expect_err(template);
        assert_eq!(e.code(), "TOOL_URL_INVALID", "{template}: {e}");
        e.to_string()
    }

    #[test]
    fn only_http_and_https_templates_are_accepted() {
        for hostile in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "JavaScript://example.com/%0Aalert(1)",
            "file:///etc/passwd",
            "FILE:///C:/Windows/System32/calc.exe",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "ftp://files.example.com/{hostname}",
            "//evil.example/{hostname}",
            "/Host/{hostname}",
            "https:evil.example/{hostname}",
            "https:/evil.example/{hostname}",
            "ms-settings:",
            "smb://server/share",
        ] {
            let message = refused(hostile);
            assert!(message.contains("https://"), "{hostile}: {message}");
        }
        assert_eq!(
            validate_url_template("  HTTPS://Acme.Example.com/Host/{hostname}  ").unwrap(),
            "https://Acme.Example.com/Host/{hostname}"
        );
        assert!(validate_url_template("http://prtg.local:8080/devices.htm").is_ok());
    }

    #[test]
    fn whitespace_and_hidden_character_tricks_are_refused() {
        for hostile in [
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{0000}javascript:alert(1)",
            " javascript:alert(1)",
            "https://example.com/a b/{hostname}",
            "https://example.com/\u{00A0}{hostname}",
            "https://example.com/\u{202E}{hostname}",
            "https://exa\u{200B}mple.com/{hostname}",
            "https://example.com\\@evil.example/{hostname}",
        ] {
            refused(hostile);
        }
    }

    #[test]
    fn hosts_credentials_and_placeholder_positions_are_checked() {
        refused("https:///{hostname}");
        refused("https://");
        refused("https://admin:hunter2@rmm.example.com/{hostname}");
        refused("https://trusted.example@evil.example/{hostname}");
        // A value may never choose the site.
        let m = refused("https://{hostname}.example.com/");
        assert!(m.contains("after the host"), "{m}");
        refused("https://example.com:{ticket}/");
        refused("https://{company}/");
    }

    #[test]
    fn placeholders_are_known_and_braces_balanced() {
        let m = refused("https://x.example/{host}");
        assert!(
            m.contains("{hostname}, {upn}, {ticket}, {psa_ticket}, {company}"),
            "{m}"
        );
        refused("https://x.example/{hostname");
        refused("https://x.example/hostname}");
        refused("https://x.example/{{hostname}}");
        refused("https://x.example/{}");
        refused("https://x.example/{HOSTNAME}");
        for ok in [
            "https://x.example/d/{hostname}?u={upn}&t={ticket}&p={psa_ticket}&c={company}",
            SC,
            "https://x.example/{hostname}{upn}",
        ] {
            assert_eq!(validate_url_template(ok).unwrap(), ok);
        }
    }

    #[test]
    fn a_filled_link_has_the_hostname_in_place() {
        assert_eq!(
            fill(SC, &ctx("PC-042", "ann@contoso.example")).unwrap(),
            "https://acme.screenconnect.com/Host#Access/All%20Machines//PC-042"
        );
        assert_eq!(
            fill(
                "https://rmm.example/device/{hostname}?user={upn}&ref={ticket}&c={company}",
                &ctx("PC-042", "ann.lee@contoso.example")
            )
            .unwrap(),
            "https://rmm.example/device/PC-042?user=ann.lee%40contoso.example&ref=T-000042&c=Contoso%20Legal"
        );
    }

    #[test]
    fn values_are_percent_encoded_and_cannot_escape_their_place() {
        let t = "https://rmm.example/device/{hostname}/view?u={upn}#{ticket}";
        let url = fill(
            t,
            &ctx("PC 042&x=1#y/../z?q", "ann+it@contoso.example&admin=1"),
        )
        .unwrap();
        assert_eq!(
            url,
            "https://rmm.example/device/PC%20042%26x%3D1%23y%2F..%2Fz%3Fq/view?u=ann%2Bit%40contoso.example%26admin%3D1#T-000042"
        );
        let parsed = Url::parse(&url).unwrap();
        assert_eq!(parsed.query_pairs().count(), 1, "{url}");
        assert_eq!(parsed.path_segments().unwrap().count(), 3, "{url}");
        // Unicode: UTF-8 bytes, percent-encoded.
        assert_eq!(
            fill(
                "https://x.example/h/{hostname}?u={upn}",
                &ctx("Büro-PC", "zoë@例え.jp")
            )
            .unwrap(),
            "https://x.example/h/B%C3%BCro-PC?u=zo%C3%AB%40%E4%BE%8B%E3%81%88.jp"
        );
        // A value cannot turn into another host or scheme.
        let url = fill("https://x.example/{hostname}", &ctx("@evil.example", "u")).unwrap();
        assert_eq!(Url::parse(&url).unwrap().host_str(), Some("x.example"));
        let url = fill(
            "https://x.example/go?{hostname}",
            &ctx("javascript:alert(1)", "u"),
        )
        .unwrap();
        assert_eq!(url, "https://x.example/go?javascript%3Aalert%281%29");
    }

    #[test]
    fn a_dot_segment_value_cannot_walk_up_the_path() {
        let t = "https://x.example/clients/7/host/{hostname}";
        for dots in ["..", ".", "..."] {
            let why = fill(t, &ctx(dots, "u")).expect_err(dots);
            assert!(
                why.contains("cannot stand in the link's path"),
                "{dots}: {why}"
            );
        }
        // Dots in a name are only text.
        assert_eq!(
            fill(t, &ctx("pc-7.corp.local", "u")).unwrap(),
            "https://x.example/clients/7/host/pc-7.corp.local"
        );
        // `%` itself is encoded, so "%2e%2e" arrives as the harmless "%252e%252e".
        assert_eq!(
            fill(t, &ctx("%2e%2e", "u")).unwrap(),
            "https://x.example/clients/7/host/%252e%252e"
        );
        // In a query or fragment dots are only text.
        assert_eq!(
            fill("https://x.example/h?name={hostname}", &ctx("..", "u")).unwrap(),
            "https://x.example/h?name=.."
        );
    }

    proptest::proptest! {
        /// Whatever a hostname or UPN holds, the link opens the template's site, scheme, port
        /// and path with the value as one segment and one query parameter; only an empty value
        /// or one of dots alone is refused, with its reason.
        #[test]
        fn no_value_moves_the_link(hostname in "\\PC{0,24}", upn in "\\PC{0,24}") {
            let t = "https://rmm.example.com:8443/clients/7/device/{hostname}/view?u={upn}#top";
            let (h, u) = (hostname.trim(), upn.trim());
            let refusable = h.is_empty() || u.is_empty() || h.chars().all(|c| c == '.');
            match fill(t, &ctx(&hostname, &upn)) {
                Err(why) => proptest::prop_assert!(refusable, "{h:?} {u:?} refused: {why}"),
                Ok(url) => {
                    proptest::prop_assert!(!refusable, "{h:?} {u:?} filled: {url}");
                    let parsed = Url::parse(&url).unwrap();
                    proptest::prop_assert_eq!(parsed.scheme(), "https");
                    proptest::prop_assert_eq!(parsed.host_str(), Some("rmm.example.com"));
                    proptest::prop_assert_eq!(parsed.port(), Some(8443));
                    let segments: Vec<_> = parsed.path_segments().unwrap().collect();
                    proptest::prop_assert_eq!(segments.len(), 5, "{}", url);
                    proptest::prop_assert_eq!(&segments[..3], &["clients", "7", "device"]);
                    let segment = percent_encoding::percent_decode_str(segments[3]).decode_utf8();
                    proptest::prop_assert_eq!(segment.unwrap(), h);
                    proptest::prop_assert_eq!(segments[4], "view");
                    let pairs: Vec<_> = parsed.query_pairs().collect();
                    proptest::prop_assert_eq!(pairs.len(), 1, "{}", url);
                    proptest::prop_assert_eq!(pairs[0].1.as_ref(), u);
                    proptest::prop_assert_eq!(parsed.fragment(), Some("top"));
                }
            }
        }
    }

    #[test]
    fn a_missing_value_says_what_to_do_instead_of_a_broken_link() {
        let none = ToolContext {
            ticket: Some("T-000001".into()),
            ..Default::default()
        };
        assert!(fill(SC, &none)
            .unwrap_err()
            .contains("link an asset to the ticket first"));
        let mut no_upn = ctx("PC-042", "");
        no_upn.upn = Some("   ".into());
        assert!(fill("https://x.example/u/{upn}", &no_upn)
            .unwrap_err()
            .contains("no UPN"));
        assert!(fill("https://psa.example/t/{psa_ticket}", &ctx("a", "b"))
            .unwrap_err()
            .contains("use {ticket}"));
    }

    #[test]
    fn labels_default_to_the_kind_and_refuse_hidden_characters() {
        assert_eq!(validate_label(ToolKind::Edr, "  ").unwrap(), "EDR host");
        assert_eq!(
            validate_label(ToolKind::Edr, " CrowdStrike ").unwrap(),
            "CrowdStrike"
        );
        assert_eq!(
            validate_label(ToolKind::Edr, "Crowd\u{202E}Strike")
                .unwrap_err()
                .code(),
            "INVALID_INPUT"
        );
        assert!(validate_label(ToolKind::Edr, &"x".repeat(61)).is_err());
    }

    #[test]
    fn kinds_round_trip_through_their_stored_spelling() {
        for kind in TOOL_KINDS {
            assert_eq!(parse_kind(kind_str(kind)).unwrap(), kind);
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::json!(kind_str(kind))
            );
        }
        assert_eq!(parse_kind("shell").unwrap_err().code(), "INVALID_INPUT");
    }

    fn ticket(assets: &[(i64, &str, Option<&str>)]) -> TicketTools {
        TicketTools {
            ticket: "T-000042".into(),
            company: Some("Contoso Legal".into()),
            caller_upn: Some("ann@contoso.example".into()),
            assets: assets
                .iter()
                .map(|(id, h, u)| ToolAsset {
                    id: *id,
                    hostname: h.to_string(),
                    assigned_upn: u.map(str::to_string),
                })
                .collect(),
        }
    }

    fn tool(kind: ToolKind, label: &str, url: &str) -> CompanyTool {
        CompanyTool {
            kind,
            label: label.into(),
            url_template: url.into(),
        }
    }

    #[test]
    fn a_step_shows_one_button_per_kind_and_per_asset_when_the_link_names_the_asset() {
        let tools = [
            tool(ToolKind::RemoteSession, "ScreenConnect", SC),
            tool(
                ToolKind::Documentation,
                "IT Glue",
                "https://itglue.example/org?c={company}",
            ),
            tool(
                ToolKind::Edr,
                "CrowdStrike",
                "https://falcon.example/hosts?upn={upn}",
            ),
        ];
        let two = ticket(&[
            (1, "PC-042", None),
            (2, "LAPTOP-7", Some("bo@contoso.example")),
        ]);
        let b = buttons(
            &[ToolKind::RemoteSession, ToolKind::Documentation],
            &tools,
            &two,
        );
        let labels: Vec<_> = b.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "ScreenConnect · PC-042",
                "ScreenConnect · LAPTOP-7",
                "IT Glue"
            ]
        );
        assert_eq!(b[1].asset_id, Some(2));
        assert!(b[1].url.as_deref().unwrap().ends_with("//LAPTOP-7"));
        assert_eq!(b[2].asset_id, None);
        assert_eq!(
            b[2].url.as_deref(),
            Some("https://itglue.example/org?c=Contoso%20Legal")
        );
        // The asset's assigned user first, else the caller.
        let edr = buttons(&[ToolKind::Edr], &tools, &two);
        assert!(edr[0]
            .url
            .as_deref()
            .unwrap()
            .ends_with("upn=ann%40contoso.example"));
        assert!(edr[1]
            .url
            .as_deref()
            .unwrap()
            .ends_with("upn=bo%40contoso.example"));

        // One asset: the company's label alone.
        let one = buttons(
            &[ToolKind::RemoteSession],
            &tools,
            &ticket(&[(1, "PC-042", None)]),
        );
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].label, "ScreenConnect");
        assert_eq!(one[0].asset_id, Some(1));

        // No asset: the button says why it cannot open.
        let none = buttons(&[ToolKind::RemoteSession], &tools, &ticket(&[]));
        assert_eq!(none[0].url, None);
        assert!(none[0]
            .unavailable
            .as_deref()
            .unwrap()
            .contains("link an asset to the ticket first"));

        // A kind the company has not set up: disabled, with where to set it up.
        let rmm = buttons(&[ToolKind::Rmm], &tools, &two);
        assert_eq!(rmm.len(), 1);
        assert_eq!(rmm[0].url, None);
        assert!(rmm[0]
            .unavailable
            .as_deref()
            .unwrap()
            .contains("Directory › Contoso Legal › Tools"));
    }
}
