//! Workflow templates as data: phases -> steps -> fields.
//!
//! A template is versioned and stored; each ticket pins the version it started with, so editing
//! a template never rewrites the history of tickets already under way.

pub mod builtin;

pub use builtin::{msp_support_ticket, BUILTIN_KEY, BUILTIN_VERSION};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Template {
    pub key: String,
    pub version: u32,
    pub name: String,
    pub description: String,
    pub phases: Vec<Phase>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Phase {
    pub key: String,
    pub title: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Step {
    /// 1-based position in the whole template; stable within a template version.
    pub number: u8,
    pub key: String,
    pub title: String,
    pub guidance: String,
    pub fields: Vec<Field>,
    /// When the step applies at all; a step that does not apply is neither required nor allowed.
    pub condition: Condition,
    /// The rule the step enforces when it is completed.
    pub gate: Gate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
}

/// What a field collects. Lists choose from the template's options; typed fields hold references
/// into the directory so reports can join them back to the PSA/RMM records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    List {
        options: Vec<String>,
        multiple: bool,
    },
    Paragraph {
        max_chars: u32,
    },
    Signature {
        role: SignerRole,
        meaning: String,
    },
    Contact,
    Assets,
    Impact,
    Urgency,
    ParentIncident,
    RunbookLinks,
    /// A CSAT rating 1–5, or the literal "sent" when the survey went out unanswered.
    Rating,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    EndUser,
    Technician,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Always,
    /// Only once the ticket has been escalated to Tier 2.
    WhenEscalated,
    /// Only after the end user reported the fix as still failing.
    AfterFailedVerification,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    VerifyCaller,
    LinkAssets,
    SetPriority,
    ParentIncident,
    OpenTicket,
    Diagnosis,
    EscalationDecision,
    TierTwoHandOff,
    ApplyFix,
    VerifyFix,
    AfterVerification,
    ReopenReassign,
    Closure,
    ReconcileTime,
    RunbookUpdate,
    Close,
}

impl Template {
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.phases.iter().flat_map(|p| p.steps.iter())
    }

    pub fn step(&self, number: u8) -> Option<&Step> {
        self.steps().find(|s| s.number == number)
    }

    pub fn phase_of(&self, number: u8) -> Option<&Phase> {
        self.phases
            .iter()
            .find(|p| p.steps.iter().any(|s| s.number == number))
    }
}

impl Step {
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}
