//! Workflow templates as data: phases -> steps -> fields.
//!
//! A template is versioned and stored; each ticket pins the version it started with, so editing
//! a template never rewrites the history of tickets already under way.

pub mod builtin;
pub mod diff;
pub mod exchange;
pub mod validate;
pub mod versions;

pub use builtin::{msp_support_ticket, BUILTIN_KEY, BUILTIN_VERSION, PROTECTED_STEPS};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Template {
    pub key: String,
    pub version: u32,
    pub name: String,
    pub description: String,
    pub phases: Vec<Phase>,
    /// 0: stored before the rules were data (their prerequisites lived in code and are filled in
    /// from the built-in template on load); 1: every step carries its own rules.
    #[serde(default)]
    pub rules_schema: u32,
}

/// The schema of templates whose steps carry their prerequisites, resets and tools.
pub const RULES_SCHEMA: u32 = 1;

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
    /// Keys of the steps that must be done first. A listed step that does not apply to the
    /// ticket (a hand-off on a ticket never escalated) is passed over.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Keys of the steps whose completions stop counting when this one is completed: a reopen
    /// sends the fix and its verification back to be done again.
    #[serde(default)]
    pub resets: Vec<String>,
    /// Whether the ticket can close without it. Every step of the built-in template is required;
    /// a desk's own step may not be.
    #[serde(default = "required_by_default")]
    pub required: bool,
    /// The desk's tools this step shows a button for, filled in for the ticket's asset.
    #[serde(default)]
    pub tools: Vec<ToolKind>,
}

fn required_by_default() -> bool {
    true
}

/// A system a technician opens from a step; each company configures its URL template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ToolKind {
    /// The ticket in the PSA (ConnectWise, Autotask, HaloPSA).
    Psa,
    /// A remote session to the device (ScreenConnect, Splashtop).
    RemoteSession,
    /// The device's page in the RMM (Datto RMM, NinjaOne, Automate).
    Rmm,
    /// The host's page in the EDR (CrowdStrike, SentinelOne, Defender).
    Edr,
    /// The client's documentation (IT Glue, Hudu).
    Documentation,
    /// The NOC dashboard (Auvik, PRTG, Datadog, LogicMonitor).
    Noc,
    /// The vendors' status pages.
    VendorStatus,
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
    /// An answer of yes or no (a JSON bool); nothing is chosen until the technician chooses.
    YesNo,
    /// A number within the bounds, with at most `decimals` digits after the point (0: whole
    /// numbers). Decimals rather than integers only: desks count hours, costs and sizes.
    Number {
        min: Option<f64>,
        max: Option<f64>,
        decimals: u8,
    },
    /// A calendar day, ISO `YYYY-MM-DD`: a day, not an instant, so no time zone moves it.
    Date,
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
    /// A step the desk added: its fields and prerequisites are its only rules, and its phase says
    /// when it may be worked on ([`custom_stage_of`]).
    Custom,
}

/// When a desk's own step may be worked on, by the phase it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomStage {
    /// Intake: while the ticket is new, so before "Open the ticket".
    BeforeOpening,
    /// Diagnosis and Resolution: while the ticket is worked on, so before the fix is verified.
    BeforeVerification,
    /// Closure: once the fix is verified.
    AfterVerification,
}

pub fn custom_stage_of(phase_key: &str) -> CustomStage {
    match phase_key {
        "intake" => CustomStage::BeforeOpening,
        "diagnosis" | "resolution" => CustomStage::BeforeVerification,
        _ => CustomStage::AfterVerification,
    }
}

impl Template {
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.phases.iter().flat_map(|p| p.steps.iter())
    }

    pub fn step(&self, number: u8) -> Option<&Step> {
        self.steps().find(|s| s.number == number)
    }

    /// The step with this key: rules address steps by key, never by number.
    pub fn by_key(&self, key: &str) -> Option<&Step> {
        self.steps().find(|s| s.key == key)
    }

    /// The number this template gives the step with `key`.
    pub fn number_of(&self, key: &str) -> Option<u8> {
        self.by_key(key).map(|s| s.number)
    }

    /// The first step that enforces `gate` (each protective gate has one step).
    pub fn gate_step(&self, gate: Gate) -> Option<&Step> {
        self.steps().find(|s| s.gate == gate)
    }

    /// Numbers the steps 1, 2, 3 … in the order the phases list them.
    pub fn renumber(&mut self) {
        let mut n = 0u8;
        for p in &mut self.phases {
            for s in &mut p.steps {
                n = n.saturating_add(1);
                s.number = n;
            }
        }
    }

    /// A template stored before its rules were data gets the built-in steps' rules by key; a
    /// step the built-in template does not know keeps what it has.
    pub fn with_rules(mut self) -> Template {
        if self.rules_schema >= RULES_SCHEMA {
            return self;
        }
        let builtin = msp_support_ticket();
        for s in self.phases.iter_mut().flat_map(|p| p.steps.iter_mut()) {
            if let Some(b) = builtin.by_key(&s.key) {
                s.requires = b.requires.clone();
                s.resets = b.resets.clone();
                s.tools = b.tools.clone();
                s.required = b.required;
            }
        }
        self.rules_schema = RULES_SCHEMA;
        self
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
