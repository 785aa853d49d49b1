//! The built-in "MSP support ticket" template, version 1: the user's 21-step workflow.
//!
//! Titles follow the user's template word for word; the guidance is ours.

use super::{
    Condition, Field, FieldKind, Gate, Phase, SignerRole, Step, Template, ToolKind, RULES_SCHEMA,
};

pub const BUILTIN_KEY: &str = "msp-support-ticket";
pub const BUILTIN_VERSION: u32 = 1;

/// Longest paragraph accepted, in characters: a long diagnostic log pasted whole still fits.
pub const PARAGRAPH_MAX: u32 = 20_000;

// Keys of the steps other parts of the core look up. Numbers differ between template versions
// (a desk's version may move steps and insert its own), so nothing outside one ticket's template
// addresses a step by number.

/// The caller is verified here: until then a new ticket is a draft.
pub const VERIFY_CALLER: &str = "verify_caller";
/// Opening the ticket: its problem statement is the client's "Your request".
pub const OPEN_TICKET: &str = "open_ticket";
/// Diagnosis notes the Tier 2 hand-off starts from.
pub const REPRODUCE: &str = "reproduce";
pub const CHANGE_HISTORY: &str = "change_history";
pub const EDR_ALERTS: &str = "edr_alerts";
/// Runbook entries that helped (linked during diagnosis).
pub const RUNBOOK_SEARCH: &str = "runbook_search";
/// Escalate to Tier 2, or resolve at Tier 1.
pub const ESCALATION_DECISION: &str = "escalation_decision";
/// The Tier 2 hand-off notes.
pub const TIER2_HANDOFF: &str = "tier2_handoff";
/// The fix, whose notes a failed attempt names.
pub const APPLY_FIX: &str = "apply_fix";
/// The end user verifies the fix and signs the hand-over summary here.
pub const VERIFY_FIX: &str = "verify_fix";
/// Root cause, changes and references.
pub const DOCUMENT_RESOLUTION: &str = "document_resolution";
/// The summary sent to the requester: it must be the text the end user signed.
pub const SUMMARY: &str = "resolution_summary";
/// A failed verification sends the ticket back: one completion per failed attempt.
pub const REOPEN_REASSIGN: &str = "reopen_reassign";
/// The CSAT rating, which the end user may give on the hand-over screen.
pub const CSAT: &str = "csat";
/// Time entries reconciled against the SLA, with the breach note.
pub const TIME_RECONCILE: &str = "time_reconcile";
/// Runbook entries created or updated from the ticket.
pub const RUNBOOK_UPDATE: &str = "runbook_update";
pub const CLOSE: &str = "close";

/// The steps that protect the desk: a desk's template may re-title, re-word and move them, never
/// remove them, and their rules (gate, condition, prerequisites among themselves) stay.
pub const PROTECTED_STEPS: &[&str] = &[
    "verify_caller",
    "scope_assets",
    "set_priority",
    "open_ticket",
    "escalation_decision",
    "tier2_handoff",
    "apply_fix",
    "verify_fix",
    "resolution_summary",
    "reopen_reassign",
    "csat",
    "time_reconcile",
    "runbook_update",
    "close",
];

/// Prerequisites of the built-in steps, by key (the rules the workflow had in code before).
const REQUIRES: &[(&str, &[&str])] = &[
    ("scope_assets", &["verify_caller"]),
    ("set_priority", &["verify_caller"]),
    ("check_noc", &["verify_caller"]),
    (
        "open_ticket",
        &["verify_caller", "scope_assets", "set_priority", "check_noc"],
    ),
    (
        "escalation_decision",
        &[
            "reproduce",
            "change_history",
            "edr_alerts",
            "runbook_search",
        ],
    ),
    ("tier2_handoff", &["escalation_decision"]),
    ("apply_fix", &["escalation_decision", "tier2_handoff"]),
    ("verify_fix", &["apply_fix"]),
];

/// A reopen sets aside the decision, the hand-off, the fix and its verification (routing straight
/// to Tier 2 keeps the decision: that rule is the reopen's own).
const RESETS: &[(&str, &[&str])] = &[(
    "reopen_reassign",
    &[
        "escalation_decision",
        "tier2_handoff",
        "apply_fix",
        "verify_fix",
    ],
)];

/// Which of the desk's tools each built-in step shows.
const TOOLS: &[(&str, &[ToolKind])] = &[
    ("verify_caller", &[ToolKind::Psa]),
    ("scope_assets", &[ToolKind::Rmm]),
    ("check_noc", &[ToolKind::Noc, ToolKind::VendorStatus]),
    ("reproduce", &[ToolKind::RemoteSession]),
    ("change_history", &[ToolKind::Rmm]),
    ("edr_alerts", &[ToolKind::Edr]),
    ("runbook_search", &[ToolKind::Documentation]),
    ("apply_fix", &[ToolKind::RemoteSession]),
    ("monitoring_check", &[ToolKind::Rmm, ToolKind::Noc]),
    ("document_resolution", &[ToolKind::Psa]),
    ("resolution_summary", &[ToolKind::Psa]),
    ("time_reconcile", &[ToolKind::Psa]),
    ("runbook_update", &[ToolKind::Documentation]),
];

fn keys_for<T: Clone>(table: &[(&str, &[T])], key: &str) -> Vec<T> {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_vec())
        .unwrap_or_default()
}

pub const AUTHORIZED: &str = "Authorized";
pub const OVERRIDE: &str = "Override";
pub const ESCALATE: &str = "Escalate to Tier 2";
pub const RESOLVE_TIER1: &str = "Resolve at Tier 1";
pub const VERIFIED: &str = "Verified";
pub const STILL_FAILING: &str = "Still failing";
pub const SHARED_INFRA: &str = "Shared infrastructure touched";
pub const NO_SHARED_INFRA: &str = "Endpoint only";
pub const ROUTE_DIAGNOSIS: &str = "Back to diagnosis";
pub const ROUTE_TIER2: &str = "Reassign to Tier 2";
pub const RUNBOOK_CREATED: &str = "Entry created";
pub const RUNBOOK_UPDATED: &str = "Entry updated";
pub const RUNBOOK_NOTHING_NEW: &str = "Nothing new";

/// Resolution codes for QBR trending.
pub const RESOLUTION_CODES: &[&str] = &[
    "Fixed - configuration change",
    "Fixed - software reinstalled or updated",
    "Fixed - hardware replaced",
    "Fixed - permissions or account change",
    "Resolved by vendor",
    "User training or how-to",
    "Workaround provided",
];

fn list(key: &str, label: &str, options: &[&str], required: bool) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        kind: FieldKind::List {
            options: options.iter().map(|o| o.to_string()).collect(),
            multiple: false,
        },
        required,
    }
}

fn paragraph(key: &str, label: &str, required: bool) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        kind: FieldKind::Paragraph {
            max_chars: PARAGRAPH_MAX,
        },
        required,
    }
}

fn typed(key: &str, label: &str, kind: FieldKind, required: bool) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        kind,
        required,
    }
}

fn step(
    number: u8,
    key: &str,
    title: &str,
    guidance: &str,
    fields: Vec<Field>,
    gate: Gate,
) -> Step {
    Step {
        number,
        key: key.into(),
        title: title.into(),
        guidance: guidance.into(),
        fields,
        condition: Condition::Always,
        gate,
        requires: keys_for(REQUIRES, key)
            .into_iter()
            .map(str::to_string)
            .collect(),
        resets: keys_for(RESETS, key)
            .into_iter()
            .map(str::to_string)
            .collect(),
        required: true,
        tools: keys_for(TOOLS, key),
    }
}

fn notes(number: u8, key: &str, title: &str, guidance: &str) -> Step {
    step(
        number,
        key,
        title,
        guidance,
        vec![paragraph("notes", "Findings", true)],
        Gate::Diagnosis,
    )
}

pub fn msp_support_ticket() -> Template {
    let intake = vec![
        step(1, "verify_caller", "Verify the caller against the PSA contact record",
            "Find the caller in the directory and make sure they are a current, authorized contact. \
             Callers who left the company but still know their old details are a favourite \
             social-engineering route. The client's tier, and with it the SLA, comes from their company.",
            vec![
                typed("contact", "Caller", FieldKind::Contact, true),
                list("authorization", "Authorization", &[AUTHORIZED, OVERRIDE], true),
                paragraph("override_reason", "Override reason", false),
            ],
            Gate::VerifyCaller),
        step(2, "scope_assets", "Capture scope and affected assets",
            "Link every affected device from the asset inventory (hostname, user UPN). Reporting at the \
             QBR depends on the link, and the ticket cannot be opened without one.",
            vec![
                typed("assets", "Affected assets", FieldKind::Assets, true),
                paragraph("scope", "Scope", false),
            ],
            Gate::LinkAssets),
        step(3, "set_priority", "Set priority against the SLA matrix",
            "Rate impact and urgency; the matrix gives the priority. P1: site down or revenue blocked. \
             P2: one person cannot work. P3: degraded but workable. P4: a request. Choosing another \
             priority than the matrix's needs a written reason.",
            vec![
                typed("impact", "Impact", FieldKind::Impact, true),
                typed("urgency", "Urgency", FieldKind::Urgency, true),
                list("priority", "Priority", &["P1", "P2", "P3", "P4"], true),
                paragraph("override_reason", "Reason for overriding the matrix", false),
            ],
            Gate::SetPriority),
        step(4, "check_noc", "Check the NOC dashboard for active incidents",
            "Look at the monitoring dashboards and vendor status pages before starting a new line of \
             diagnosis. If the symptom belongs to a known incident, link this ticket under it.",
            vec![
                typed("parent_incident", "Parent incident", FieldKind::ParentIncident, false),
                paragraph("notes", "What the dashboards showed", false),
            ],
            Gate::ParentIncident),
        step(5, "open_ticket", "Open the ticket with asset linkage",
            "Write a short problem statement and open the ticket. Opening starts the first-response \
             SLA timer.",
            vec![paragraph("problem_statement", "Problem statement", true)],
            Gate::OpenTicket),
    ];
    let diagnosis = vec![
        notes(6, "reproduce", "Reproduce the issue on the affected endpoint",
            "Connect to the user's machine and watch it fail on their profile, network and \
             permissions. A problem you have not seen fail is not yet diagnosed."),
        notes(7, "change_history", "Pull recent change history from the RMM",
            "Check the device's last two weeks: patches, installs, policy and profile changes. Sudden \
             problems usually follow a patch night or a policy push."),
        notes(8, "edr_alerts", "Review EDR and Defender alerts for the device",
            "Look for blocks, quarantines and detections on the host; a blocked library often hides \
             behind \"the app won't open\"."),
        step(9, "runbook_search", "Search IT Glue for the client-specific runbook",
            "Search the client's runbooks for their configurations, exceptions and earlier tickets \
             with the same symptom, and link what helped.",
            vec![
                paragraph("notes", "Findings", true),
                typed("runbooks", "Runbook entries", FieldKind::RunbookLinks, false),
            ],
            Gate::Diagnosis),
        step(10, "escalation_decision", "Decide whether to escalate to Tier 2",
            "Escalate when the fix needs production change rights, directory or firewall expertise, or \
             a vendor. Tier 1 does not touch domain controllers or core firewall rules.",
            vec![
                list("decision", "Decision", &[RESOLVE_TIER1, ESCALATE], true),
                paragraph("reason", "Why", false),
            ],
            Gate::EscalationDecision),
    ];
    let mut handoff = step(11, "tier2_handoff", "Hand off to Tier 2 with diagnostic notes",
        "Give Tier 2 everything they need so they do not repeat your work: the symptom, how to \
         reproduce it, what you ran, and what you ruled out. P1 and P2 tickets whose SLA is at risk \
         page the on-call engineer.",
        vec![
            paragraph("symptom", "Symptom", true),
            paragraph("repro_steps", "Reproduction steps", true),
            paragraph("diagnostics_run", "Diagnostics already run", true),
            paragraph("ruled_out", "Ruled-out causes", true),
        ],
        Gate::TierTwoHandOff);
    handoff.condition = Condition::WhenEscalated;
    let resolution = vec![
        handoff,
        step(12, "apply_fix", "Apply the fix via remote session",
            "Apply the fix in a remote session, with the user present where possible. A change to \
             shared infrastructure (policies, firewall, mail flow) needs its change-management \
             reference first.",
            vec![
                paragraph("notes", "What was done", true),
                list("infrastructure", "Scope of change", &[NO_SHARED_INFRA, SHARED_INFRA], true),
                paragraph("change_reference", "Change-management reference", false),
            ],
            Gate::ApplyFix),
        step(13, "verify_fix", "Verify the fix with the end user",
            "Have the user repeat the action that failed while you watch it succeed end to end. A \
             verified fix is signed by the user; a failing one goes to reopen and reassign, never to \
             closure.",
            vec![
                list("outcome", "Outcome", &[VERIFIED, STILL_FAILING], true),
                typed("signature", "End-user signature",
                    FieldKind::Signature { role: SignerRole::EndUser, meaning: "fix verified".into() }, false),
            ],
            Gate::VerifyFix),
        step(14, "monitoring_check", "Confirm no regression in monitoring",
            "Check the device and the services that depend on it; restarts can raise alerts \
             downstream for a few minutes.",
            vec![paragraph("notes", "Monitoring state", true)],
            Gate::AfterVerification),
        step(15, "document_resolution", "Document the resolution in the PSA ticket",
            "Write it for the next technician: the root cause, the exact changes, and the KB articles \
             or advisories used.",
            vec![
                paragraph("root_cause", "Root cause", true),
                paragraph("changes", "Exact changes made", true),
                paragraph("references", "KB and vendor references", false),
            ],
            Gate::AfterVerification),
    ];
    let mut reopen = step(17, "reopen_reassign", "Reopen and reassign for further diagnosis",
        "The fix did not hold: record what did not work and send the ticket back to diagnosis or to \
         Tier 2. The ticket stays open through the second attempt.",
        vec![
            paragraph("what_failed", "What did not work", true),
            list("route", "Route to", &[ROUTE_DIAGNOSIS, ROUTE_TIER2], true),
        ],
        Gate::ReopenReassign);
    reopen.condition = Condition::AfterFailedVerification;
    let closure = vec![
        step(16, "resolution_summary", "Send the resolution summary to the requester",
            "Tell the requester in plain words what was wrong and what was done; keep the technical \
             detail for the internal notes.",
            vec![paragraph("summary", "Summary for the requester", true)],
            Gate::Closure),
        reopen,
        step(18, "csat", "Send the CSAT survey",
            "Send the survey on every ticket, easy ones included: skipping them skews the results \
             toward hard tickets.",
            vec![
                typed("rating", "Rating (1-5) or sent", FieldKind::Rating, true),
                paragraph("comment", "Comment", false),
            ],
            Gate::Closure),
        step(19, "time_reconcile", "Reconcile time entries against the SLA",
            "Check each time entry is billable or not per the contract, and flag any SLA breach to the \
             service coordinator.",
            vec![paragraph("breach_note", "SLA breach note for the service coordinator", false)],
            Gate::ReconcileTime),
        step(20, "runbook_update", "Update IT Glue with new findings",
            "If this ticket revealed an undocumented configuration, exception or recurring symptom, \
             write it into the client's runbook.",
            vec![
                list("outcome", "Runbook", &[RUNBOOK_CREATED, RUNBOOK_UPDATED, RUNBOOK_NOTHING_NEW], true),
                typed("runbooks", "Runbook entries", FieldKind::RunbookLinks, false),
            ],
            Gate::RunbookUpdate),
        step(21, "close", "Close the ticket with sign-off",
            "Choose the resolution code, note any follow-on work to track separately, and sign off. \
             Closing seals the ticket.",
            vec![
                list("resolution_code", "Resolution code", RESOLUTION_CODES, true),
                paragraph("closure_notes", "Closure notes", true),
                typed("signature", "Technician sign-off",
                    FieldKind::Signature { role: SignerRole::Technician, meaning: "closure sign-off".into() }, true),
            ],
            Gate::Close),
    ];
    Template {
        key: BUILTIN_KEY.into(),
        version: BUILTIN_VERSION,
        name: "MSP support ticket".into(),
        description: "Triage-to-closure workflow for an inbound support ticket at an MSP service \
                      desk or in-house IT helpdesk."
            .into(),
        phases: vec![
            Phase {
                key: "intake".into(),
                title: "Ticket Intake and Triage".into(),
                steps: intake,
            },
            Phase {
                key: "diagnosis".into(),
                title: "Diagnosis and Investigation".into(),
                steps: diagnosis,
            },
            Phase {
                key: "resolution".into(),
                title: "Resolution".into(),
                steps: resolution,
            },
            Phase {
                key: "closure".into(),
                title: "Closure and Follow-Up".into(),
                steps: closure,
            },
        ],
        rules_schema: RULES_SCHEMA,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_all_21_steps_in_four_phases_with_the_spec_titles() {
        let t = msp_support_ticket();
        assert_eq!(t.phases.len(), 4);
        let spec = include_str!("spec_titles.txt");
        let titles: Vec<&str> = t.steps().map(|s| s.title.as_str()).collect();
        let expected: Vec<&str> = spec.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(titles, expected);
        let numbers: Vec<u8> = t.steps().map(|s| s.number).collect();
        let mut sorted = numbers.clone();
        sorted.sort();
        assert_eq!(sorted, (1..=21).collect::<Vec<u8>>());
    }

    #[test]
    fn step_and_field_keys_are_unique() {
        let t = msp_support_ticket();
        let mut keys: Vec<&str> = t.steps().map(|s| s.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), 21);
        for s in t.steps() {
            let mut f: Vec<&str> = s.fields.iter().map(|f| f.key.as_str()).collect();
            f.sort();
            f.dedup();
            assert_eq!(
                f.len(),
                s.fields.len(),
                "duplicate field in step {}",
                s.number
            );
        }
    }

    #[test]
    fn conditional_steps_are_hand_off_and_reopen() {
        let t = msp_support_ticket();
        assert_eq!(t.step(11).unwrap().condition, Condition::WhenEscalated);
        assert_eq!(
            t.step(17).unwrap().condition,
            Condition::AfterFailedVerification
        );
        let others = t
            .steps()
            .filter(|s| s.condition == Condition::Always)
            .count();
        assert_eq!(others, 19);
    }
}
