// Generated from the Rust types of ticketflow-core by src-tauri/core/tests/ts_bindings.rs.
// Do not edit: change the Rust type and run
// UPDATE_BINDINGS=1 cargo test -p ticketflow-core --test ts_bindings

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type ErrorPayload = { code: string, message: string, };

export type Priority = "P1" | "P2" | "P3" | "P4";

export type Impact = "organization" | "department" | "user";

export type Urgency = "blocked" | "degraded" | "request";

export type PriorityMatrix = { 
/**
 * Rows by impact (organization, department, user), columns by urgency (blocked, degraded, request).
 */
cells: [[Priority, Priority, Priority], [Priority, Priority, Priority], [Priority, Priority, Priority]], };

export type Tier = "platinum" | "gold" | "silver" | "bronze";

export type TechTier = "tier1" | "tier2";

export type Company = { id: number, name: string, tier: Tier, 
/**
 * How this client's SLA clock counts time.
 */
calendar: Calendar, };

export type NewCompany = { name: string, tier: Tier, calendar: Calendar, };

export type Contact = { id: number, company_id: number, name: string, email: string | null, phone: string | null, upn: string | null, authorized: boolean, terminated_on: string | null, };

export type NewContact = { company_id: number, name: string, email: string | null, phone: string | null, upn: string | null, authorized: boolean, terminated_on: string | null, };

export type Asset = { id: number, company_id: number, hostname: string, kind: string, serial: string | null, assigned_upn: string | null, rmm_id: string | null, rmm_url: string | null, };

export type NewAsset = { company_id: number, hostname: string, kind: string, serial: string | null, assigned_upn: string | null, rmm_id: string | null, rmm_url: string | null, };

export type Technician = { id: number, name: string, tier: TechTier, };

export type Incident = { id: number, title: string, source: string, started_at: string, resolved_at: string | null, };

export type Calendar = { "kind": "always_on" } | { "kind": "business_hours" } & BusinessHours;

export type BusinessHours = { 
/**
 * IANA zone name, e.g. "Europe/Berlin".
 */
time_zone: string, working_days: Array<string>, 
/**
 * Local opening time on each working day.
 */
opens: string, 
/**
 * Local closing time; must be after `opens` (no overnight shifts).
 */
closes: string, 
/**
 * Local dates with no working time.
 */
holidays: Array<string>, };

export type SlaState = "running" | "at_risk" | "paused" | "breached" | "met";

export type SlaStatus = { state: SlaState, 
/**
 * When running: the deadline if the clock is not paused again. When breached: the instant
 * of the breach. `None` when paused or met.
 */
due_at: string | null, 
/**
 * Working time counted, in whole seconds (rounded down).
 */
elapsed_secs: number, 
/**
 * Target minus elapsed, rounded down: negative exactly when the target is exceeded.
 */
remaining_secs: number, 
/**
 * Working time spent inside pauses.
 */
paused_secs: number, target_secs: number, };

export type Pause = { from: string, 
/**
 * `None` while the pause is still open.
 */
to: string | null, };

export type FieldKind = { "type": "list", options: Array<string>, multiple: boolean, } | { "type": "paragraph", max_chars: number, } | { "type": "signature", role: SignerRole, meaning: string, } | { "type": "contact" } | { "type": "assets" } | { "type": "impact" } | { "type": "urgency" } | { "type": "parent_incident" } | { "type": "runbook_links" } | { "type": "rating" };

export type Field = { key: string, label: string, kind: FieldKind, required: boolean, };

export type SignerRole = "end_user" | "technician";

export type TicketStatus = "new" | "open" | "escalated" | "waiting_on_customer" | "resolved" | "closed";

export type StepRecord = { 
/**
 * Database id; `None` until stored.
 */
id: number | null, step: number, completed_by: string, completed_at: string, values: { [key in string]: JsonValue }, superseded: boolean, };

export type Ticket = { id: number, number: string, template_key: string, template_version: number, status: TicketStatus, 
/**
 * Where a ticket goes back to when the customer answers.
 */
resume_status: TicketStatus | null, company_id: number | null, contact_id: number | null, caller_override_reason: string | null, asset_ids: Array<number>, impact: Impact | null, urgency: Urgency | null, priority: Priority | null, priority_computed: Priority | null, priority_override_reason: string | null, parent_incident_id: number | null, problem: string, assignee: string | null, escalated: boolean, page_on_call: boolean, 
/**
 * Set by a failed verification until the ticket is reopened and reassigned (step 17).
 */
verification_failed: boolean, created_at: string, opened_at: string | null, first_response_at: string | null, resolved_at: string | null, closed_at: string | null, resolution_code: string | null, record_hash: string | null, pauses: Array<Pause>, steps: Array<StepRecord>, };

export type Point = { x: number, y: number, 
/**
 * Pen pressure 0..1 (0.5 for a mouse).
 */
pressure: number, 
/**
 * Milliseconds since the stroke began.
 */
t: number, };

export type PadOptions = { min_width: number, max_width: number, dot_size: number, velocity_filter_weight: number, min_distance: number, throttle: number, };

export type Signature = { signer_name: string, role: SignerRole, meaning: string, 
/**
 * When it was signed, with the signer's UTC offset.
 */
signed_at: string, 
/**
 * Canvas size in CSS pixels, the frame the points are in.
 */
width: number, height: number, strokes: Array<Array<Point>>, 
/**
 * `window.devicePixelRatio` of the screen it was drawn on (signatures stored before this
 * field existed read as 1).
 */
device_pixel_ratio: number, pad: PadOptions, 
/**
 * The exact text shown to the signer: what the signature attests to.
 */
content: string, 
/**
 * SHA-256 (hex) of `content`'s UTF-8 bytes; computed by the core, never taken from the caller.
 */
content_sha256: string, 
/**
 * `data:image/png;base64,…` for quick display only; the strokes are the signature.
 */
preview_png?: string, };

export type StepState = { "state": "done" } | { "state": "available" } | { "state": "blocked", "reason": string } | { "state": "not_applicable", "reason": string };

export type QueueQuery = { status?: TicketStatus, priority?: Priority, company_id?: number, 
/**
 * Only tickets assigned to the current technician.
 */
mine?: boolean, 
/**
 * Only tickets whose running SLA deadline is at risk or breached.
 */
at_risk?: boolean, 
/**
 * Plain words matched against the ticket number, client, contact and problem statement.
 */
search?: string, limit?: number, offset?: number, };

export type QueueRow = { id: number, number: string, company: string, contact: string | null, priority: Priority | null, status: TicketStatus, assignee: string | null, problem: string, created_at: string, first_response: SlaStatus | null, resolution: SlaStatus | null, };

export type DocumentKind = "ticket" | "runbook";

export type DocumentHit = { kind: DocumentKind, 
/**
 * The ticket's or the runbook entry's id.
 */
id: number, 
/**
 * The ticket number ("T-000042"); `None` for runbooks.
 */
number: string | null, 
/**
 * The problem statement of a ticket, the title of a runbook entry.
 */
title: string, 
/**
 * A short excerpt of the text around the match, plain text on one line.
 */
snippet: string, };

export type TimeEntry = { id: number, ticket_id: number, technician: string, started_at: string, minutes: number, billable: boolean, work_type: string, note: string, };

export type NewTimeEntry = { technician: string, started_at: string, minutes: number, billable: boolean, work_type: string, note: string, };

export type RunbookHit = { id: number, title: string, 
/**
 * A short excerpt around the match, plain text.
 */
snippet: string, };

export type AuditEvent = { id: number, ticket_id: number | null, actor: string, 
/**
 * RFC 3339 text exactly as stored and hashed.
 */
at: string, action: string, before: JsonValue, after: JsonValue, prev_hash: string, hash: string, };

export type TicketView = { ticket: Ticket, company: Company | null, contact: Contact | null, assets: Array<Asset>, incident: Incident | null, first_response: SlaStatus | null, resolution: SlaStatus | null, phases: Array<PhaseView>, close_blockers: Array<string>, 
/**
 * Why the end user's signature (step 13) must be taken again, if it must.
 */
signature_invalidated: string | null, 
/**
 * Newest first.
 */
audit: Array<AuditEvent>, time_entries: Array<TimeEntry>, runbooks: Array<RunbookHit>, };

export type PhaseView = { key: string, title: string, 
/**
 * Steps done out of those that apply.
 */
done: number, total: number, steps: Array<StepView>, };

export type StepView = { number: number, key: string, title: string, guidance: string, fields: Array<Field>, state: StepState, completion: StepRecord | null, drafts: { [key in string]: string }, };

export type ContactHit = { contact: Contact, company: string, tier: Tier, 
/**
 * Why this caller may not proceed without an override, if anything.
 */
refusal: string | null, };

export type PaperSize = "a4" | "letter";

export type ReportSettings = { paper: PaperSize, 
/**
 * The MSP (or IT department) named in the header.
 */
msp_name: string, };

export type SavedReport = { 
/**
 * Ticket number, e.g. "T-000042".
 */
ticket: string, path: string, bytes: number, 
/**
 * SHA-256 of the sealed record the report carries.
 */
record_hash: string, };

export type BatchProgress = { 
/**
 * Tickets finished so far, exported or failed.
 */
done: number, total: number, exported: number, failed: number, 
/**
 * The ticket just finished.
 */
ticket: string, };

export type BatchFailure = { ticket: string, error: ErrorPayload, };

export type BatchSummary = { 
/**
 * Tickets the batch was asked to export.
 */
total: number, exported: number, bytes: number, failed: Array<BatchFailure>, 
/**
 * Stopped on request before every ticket was tried.
 */
cancelled: boolean, };
