//! The UI's IPC types are generated from the Rust types; this test fails when the checked-in
//! file is stale. Regenerate with `UPDATE_BINDINGS=1 cargo test -p ticketflow-core --test ts_bindings`.

use ts_rs::{Config, TS};

macro_rules! declarations {
    ($cfg:expr; $($t:ty),+ $(,)?) => {
        vec![$(format!("export {}", <$t as TS>::decl($cfg))),+]
    };
}

fn generate() -> String {
    use ticketflow_core::*;
    // i64 ids and seconds stay far below 2^53, and serde_json sends them as plain numbers.
    let cfg = &Config::new().with_large_int("number");
    let decls = declarations![cfg;
        serde_json::Value,
        error::ErrorPayload,
        priority::Priority, priority::Impact, priority::Urgency, priority::PriorityMatrix,
        directory::Tier, directory::TechTier, directory::Company, directory::NewCompany,
        directory::Contact, directory::NewContact, directory::Asset, directory::NewAsset,
        directory::Technician, directory::NewTechnician, directory::Incident,
        directory::tools::CompanyTool, directory::tools::ToolButton,
        store::DeskStatus, store::DeskSetup, store::CheckpointStatus,
        store::HandoverSession, store::HandoverStage,
        store::SigningNonce, store::PinStatus, template::versions::ProtectedStep,
        sla::Calendar, sla::BusinessHours, sla::SlaState, sla::SlaStatus, sla::Pause,
        sla::SlaPolicy, sla::SlaTargetInput, sla::SlaTargetProblem,
        template::FieldKind, template::Field, template::SignerRole,
        template::Template, template::Phase, template::Step, template::Condition, template::Gate, template::ToolKind,
        template::validate::TemplateProblem, template::diff::ChangeKind, template::diff::TemplateChange,
        template::versions::TemplateVersionInfo, template::versions::TemplateDraft, template::versions::TemplateOverview,
        ticket::TicketStatus, ticket::StepRecord, ticket::Ticket,
        signature::Point, signature::PadOptions, signature::Signature,
        workflow::StepState, workflow::Need, workflow::NeedCode, workflow::FailedAttempt,
        workflow::EscalateTo, workflow::WaitRequest, store::Waiting,
        workflow::IntakeStep, workflow::IntakeGap, workflow::IntakePreview,
        store::QueueQuery, store::QueueSort, store::QueueRow, store::DocumentKind, store::DocumentHit, store::DocumentResults, store::TextPart, store::TimeEntry, store::NewTimeEntry, store::RunbookHit,
        store::RunbookEntry, store::RunbookInput, store::RunbookRow, store::RunbookQuery, store::RunbookPage,
        audit::AuditEvent,
        view::TicketView, view::SealedInfo, view::PhaseView, view::StepView, view::ContactHit,
        report::PaperSize, report::ReportSettings, report::SavedReport,
        report::LogoFormat, report::ReportLogo, sla::ClockBreaks,
        report::BatchProgress, report::BatchFailure, report::BatchSummary,
        qbr::Qbr, qbr::QbrClient, qbr::Count, qbr::Volume, qbr::SlaClock, qbr::SlaFigures,
        qbr::Breach, qbr::ResponseTimes, qbr::Quality, qbr::CsatFigures, qbr::CsatSummary,
        qbr::CsatGroup, qbr::HoursFigures, qbr::HoursGroup, qbr::AssetFigures, qbr::AssetCount,
        qbr::Recurring, qbr::RunbookCount, qbr::QbrTicket,
        qbr::QbrPeriod, qbr::QbrPresets, qbr::QbrComparison, qbr::pdf::SavedQbr,
        mail::Security, mail::MailAccount, mail::MailAccountInput, store::MailKind,
        store::MailState, store::OutboxEntry, mail::MissingMail, mail::TicketMail,
        import::Source, import::Kind, import::Field, import::ColumnMap, import::DateOrder,
        import::Plan, import::RowProblem, import::CompanyIn, import::ContactIn, import::AssetIn,
        import::RunbookIn, import::Record, import::PreviewRow, import::ToolLinkIn,
        store::RecordKind, store::ImportMode, store::ImportCounts, store::KindCounts,
        store::ToolLinkCounts,
        store::RefusedRow, store::ImportReport, store::ImportProgress, store::KeptRecord,
        store::UndoReport, store::ImportFile, store::ImportBatch, store::RowProblem,
        export::ExportKind, export::ExportFilter, export::ExportFormat, export::ExportSummary,
    ];
    let mut out = String::from(
        "// Generated from the Rust types of ticketflow-core by src-tauri/core/tests/ts_bindings.rs.\n\
         // Do not edit: change the Rust type and run\n\
         // UPDATE_BINDINGS=1 cargo test -p ticketflow-core --test ts_bindings\n\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn ui_bindings_are_up_to_date() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/ipc/bindings.ts");
    let fresh = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).expect("write bindings");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "ui/src/ipc/bindings.ts is stale: run UPDATE_BINDINGS=1 cargo test -p ticketflow-core --test ts_bindings"
    );
}
