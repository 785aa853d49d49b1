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
calendar: Calendar, 
/**
 * A client the desk no longer serves (the source system's inactive flag, or set in
 * Directory): its callers are refused like non-authorized contacts until it is reactivated.
 *
 * Written only when false: a sealed closure record holds its company as serialized here and
 * is checked by serializing it again, so an active client must keep the form records sealed
 * before the flag existed have (and reading one without it means active).
 */
active?: boolean, };

export type NewCompany = { name: string, tier: Tier, calendar: Calendar, };

export type Contact = { id: number, company_id: number, name: string, email: string | null, phone: string | null, upn: string | null, authorized: boolean, terminated_on: string | null, };

export type NewContact = { company_id: number, name: string, email: string | null, phone: string | null, upn: string | null, authorized: boolean, terminated_on: string | null, };

export type Asset = { id: number, company_id: number, hostname: string, kind: string, serial: string | null, assigned_upn: string | null, rmm_id: string | null, rmm_url: string | null, };

export type NewAsset = { company_id: number, hostname: string, kind: string, serial: string | null, assigned_upn: string | null, rmm_id: string | null, rmm_url: string | null, };

export type Technician = { id: number, name: string, tier: TechTier, email: string | null, 
/**
 * Reachable out of hours.
 */
on_call: boolean, 
/**
 * A deactivated technician stays in the history but cannot act, sign or be assigned.
 */
active: boolean, };

export type NewTechnician = { name: string, tier: TechTier, email: string | null, on_call: boolean, };

export type Incident = { id: number, title: string, source: string, started_at: string, resolved_at: string | null, };

export type CompanyTool = { kind: ToolKind, 
/**
 * The button's label (the product's name); blank takes the kind's title.
 */
label: string, url_template: string, };

export type ToolButton = { kind: ToolKind, 
/**
 * The company's label, with the asset's hostname when the ticket has several assets.
 */
label: string, 
/**
 * The asset it is filled in for (`None`: the link names no asset's value).
 */
asset_id: number | null, 
/**
 * The filled link, when it can be opened.
 */
url: string | null, 
/**
 * Why it cannot be opened (not set up for this company, a value missing).
 */
unavailable: string | null, };

export type DeskStatus = { 
/**
 * False on an empty desk: the app opens its setup.
 */
set_up: boolean, 
/**
 * The desk's name (the MSP name on reports), if one was given.
 */
desk_name: string | null, 
/**
 * The desk's default time zone (IANA name), if one was given.
 */
time_zone: string | null, companies: number, contacts: number, assets: number, 
/**
 * Tickets past their draft (step 1 done); a blank or discarded "+ New ticket" is not counted.
 */
tickets: number, runbook_entries: number, };

export type DeskSetup = { desk_name: string, 
/**
 * IANA name, e.g. "Europe/Berlin".
 */
time_zone: string, technician: NewTechnician, };

export type CheckpointStatus = { events: number, checkpoints: number, 
/**
 * The last event a checkpoint covers (0: none yet).
 */
checkpointed_through: number, 
/**
 * Events after the last checkpoint.
 */
unsigned_events: number, 
/**
 * Why the store could not take its last due checkpoint (no key: the keychain is not
 * reachable; or the write failed), when it could not.
 */
problem: string | null, };

export type HandoverSession = { ticket_id: number, ticket_number: string, 
/**
 * The ticket's problem statement, so the signer knows which ticket this is.
 */
problem: string, 
/**
 * The exact text the end user reads and signs.
 */
summary: string, 
/**
 * SHA-256 (hex, all 64 digits) of `summary`'s UTF-8 bytes.
 */
summary_sha256: string, 
/**
 * Who is expected to sign (the caller); the signer can change it.
 */
signer_name: string, 
/**
 * The meaning the template gives the end user's signature.
 */
meaning: string, 
/**
 * Only the signature is taken again (the summary changed after the first one).
 */
resign: boolean, 
/**
 * Whether the CSAT rating is asked (not yet given, and not a re-signing).
 */
ask_rating: boolean, 
/**
 * The technician who handed the device over.
 */
technician: string, 
/**
 * The desk's name as its reports print it.
 */
desk_name: string, started_at: string, stage: HandoverStage, 
/**
 * Wrong PINs typed on the hand-over screen so far.
 */
pin_misses: number, };

export type HandoverStage = "verify" | "rate" | "done";

export type SigningNonce = { 
/**
 * 64 hex digits; the signature carries it back as `nonce`.
 */
nonce: string, ticket_id: number, step: number, role: SignerRole, 
/**
 * The full SHA-256 (64 hex digits) of the text shown: the signature's `content_sha256`.
 */
content_sha256: string, issued_at: string, };

export type PinStatus = { technician: string, set: boolean, 
/**
 * Locked after [`PIN_HARD_CAP`] misses: another technician must unlock it.
 */
locked: boolean, 
/**
 * A PIN shorter than the rule, set before it: it works, and should be changed now.
 */
needs_change: boolean, 
/**
 * Misses in a row so far.
 */
misses: number, min_digits: number, hard_cap: number, };

export type ProtectedStep = { key: string, reason: string, };

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

export type SlaPolicy = { tier: Tier, priority: Priority, 
/**
 * Working minutes until a technician must first respond.
 */
first_response_minutes: number, 
/**
 * Working minutes until the ticket must be resolved.
 */
resolution_minutes: number, };

export type SlaTargetInput = { tier: Tier, priority: Priority, first_response_minutes: number, resolution_minutes: number, };

export type SlaTargetProblem = { tier: Tier, priority: Priority, 
/**
 * `first_response_minutes`, `resolution_minutes`, or `cell` (missing or given twice).
 */
field: string, 
/**
 * A sentence for the person editing, naming the cell and the way forward.
 */
message: string, };

export type FieldKind = { "type": "list", options: Array<string>, multiple: boolean, } | { "type": "paragraph", max_chars: number, } | { "type": "yes_no" } | { "type": "number", min: number | null, max: number | null, decimals: number, } | { "type": "date" } | { "type": "signature", role: SignerRole, meaning: string, } | { "type": "contact" } | { "type": "assets" } | { "type": "impact" } | { "type": "urgency" } | { "type": "parent_incident" } | { "type": "runbook_links" } | { "type": "rating" };

export type Field = { key: string, label: string, kind: FieldKind, required: boolean, };

export type SignerRole = "end_user" | "technician";

export type Template = { key: string, version: number, name: string, description: string, phases: Array<Phase>, 
/**
 * 0: stored before the rules were data (their prerequisites lived in code and are filled in
 * from the built-in template on load); 1: every step carries its own rules.
 */
rules_schema: number, };

export type Phase = { key: string, title: string, steps: Array<Step>, };

export type Step = { 
/**
 * 1-based position in the whole template; stable within a template version.
 */
number: number, key: string, title: string, guidance: string, fields: Array<Field>, 
/**
 * When the step applies at all; a step that does not apply is neither required nor allowed.
 */
condition: Condition, 
/**
 * The rule the step enforces when it is completed.
 */
gate: Gate, 
/**
 * Keys of the steps that must be done first. A listed step that does not apply to the
 * ticket (a hand-off on a ticket never escalated) is passed over.
 */
requires: Array<string>, 
/**
 * Keys of the steps whose completions stop counting when this one is completed: a reopen
 * sends the fix and its verification back to be done again.
 */
resets: Array<string>, 
/**
 * Whether the ticket can close without it. Every step of the built-in template is required;
 * a desk's own step may not be.
 */
required: boolean, 
/**
 * The desk's tools this step shows a button for, filled in for the ticket's asset.
 */
tools: Array<ToolKind>, };

export type Condition = "always" | "when_escalated" | "after_failed_verification";

export type Gate = "verify_caller" | "link_assets" | "set_priority" | "parent_incident" | "open_ticket" | "diagnosis" | "escalation_decision" | "tier_two_hand_off" | "apply_fix" | "verify_fix" | "after_verification" | "reopen_reassign" | "closure" | "reconcile_time" | "runbook_update" | "close" | "custom";

export type ToolKind = "psa" | "remote_session" | "rmm" | "edr" | "documentation" | "noc" | "vendor_status";

export type TemplateProblem = { 
/**
 * Where, as a path into the template's JSON: `phases[1].steps[3].fields[0].kind.options`.
 * Empty for the file as a whole.
 */
path: string, 
/**
 * Stable code (see [`code`]), for the UI and for tests.
 */
code: string, 
/**
 * Why it is refused and the way forward, for the person editing the template.
 */
message: string, };

export type ChangeKind = "name_changed" | "description_changed" | "phase_retitled" | "step_added" | "step_removed" | "step_moved" | "step_retitled" | "guidance_changed" | "field_added" | "field_removed" | "field_changed" | "required_changed" | "requires_changed" | "resets_changed" | "tools_changed";

export type TemplateChange = { kind: ChangeKind, 
/**
 * Key of the step concerned, if any.
 */
step: string | null, 
/**
 * One line for a person: `Added "Check backup status" to Diagnosis …`.
 */
text: string, };

export type TemplateVersionInfo = { version: number, 
/**
 * The technician who published it; "built-in" for the template Ticketflow ships.
 */
published_by: string, published_at: string, note: string, 
/**
 * The version it was edited from, or the one it restores; `None` for the built-in one.
 */
based_on: number | null, steps: number, 
/**
 * Tickets pinned to this version (open or closed).
 */
tickets: number, };

export type TemplateDraft = { 
/**
 * The published version the draft was started from.
 */
base_version: number, 
/**
 * Steps numbered 1, 2, 3 … in phase order as saved.
 */
template: Template, saved_by: string, saved_at: string, 
/**
 * What publishing would refuse, each with its path in the template.
 */
problems: Array<TemplateProblem>, 
/**
 * The steps the editor must not offer to remove, each with what it protects.
 */
protected: Array<ProtectedStep>, };

export type TemplateOverview = { key: string, 
/**
 * The published version's name.
 */
name: string, 
/**
 * The version new tickets start on (the newest).
 */
published: TemplateVersionInfo, 
/**
 * Every published version, newest first.
 */
versions: Array<TemplateVersionInfo>, draft: TemplateDraft | null, };

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
 * SHA-256 (hex, all 64 digits) of `content`'s UTF-8 bytes. The caller sends the hash of the
 * text it showed (the one its signing nonce was issued for); the core recomputes it and
 * refuses a signature whose hash and text disagree.
 */
content_sha256: string, 
/**
 * The single-use nonce the core issued for this signing (see `Store::issue_signing_nonce`),
 * bound to the ticket, the step, the signer's role and `content_sha256`. Empty only in
 * signatures stored before nonces existed.
 */
nonce: string, 
/**
 * `data:image/png;base64,…` for quick display only; the strokes are the signature.
 */
preview_png?: string, };

export type StepState = { "state": "done" } | { "state": "available" } | { "state": "blocked", "reason": string } | { "state": "not_applicable", "reason": string };

export type Need = { code: NeedCode, 
/**
 * Shown to the technician as is.
 */
message: string, 
/**
 * The step that provides it, when it is another step.
 */
step: number | null, 
/**
 * The field of this step that provides it, when it is one.
 */
field: string | null, 
/**
 * Whether the step cannot be worked on until it is provided (a field of the step itself does
 * not block: it is filled in the step's form).
 */
blocking: boolean, };

export type NeedCode = "step_not_done" | "asset_required" | "waiting_on_customer" | "wrong_status" | "time_entry_required" | "breach_note" | "signature_invalidated" | "ticket_closed";

export type FailedAttempt = { 
/**
 * 1 for the first attempt that failed.
 */
number: number, 
/**
 * What did not work, as written at the reopen.
 */
what_failed: string, 
/**
 * The fix that was tried (the fix step's notes of that attempt), if recorded.
 */
fix: string | null, 
/**
 * Where the ticket went: back to diagnosis or to Tier 2.
 */
route: string | null, recorded_by: string, recorded_at: string, };

export type EscalateTo = { "to": "tier2_queue" } | { "to": "technician", "name": string };

export type WaitRequest = { reason: string, 
/**
 * A calendar date, no time: the day to follow up if the customer has not answered.
 */
follow_up_on: string | null, };

export type Waiting = { reason: string, 
/**
 * `None` only for a wait recorded before follow-up dates were asked for.
 */
follow_up_on: string | null, since: string, by: string, };

export type IntakeStep = { key: string, values: { [key in string]: JsonValue }, };

export type IntakeGap = { 
/**
 * The step's number in the ticket's template, and its key.
 */
step: number, key: string, 
/**
 * The error code the step would answer with (`GATE_BLOCKED` for a missing value).
 */
code: string, 
/**
 * The field at fault, when the rule names one.
 */
field: string | null, message: string, };

export type IntakePreview = { 
/**
 * The matrix's answer, once impact and urgency are both given.
 */
priority_computed: Priority | null, 
/**
 * What step 3 would store: the technician's choice, else the matrix's.
 */
priority: Priority | null, 
/**
 * The choice differs from the matrix: step 3 wants a written reason.
 */
overridden: boolean, 
/**
 * Everything still refused, step by step; empty when "Open ticket" would succeed.
 */
missing: Array<IntakeGap>, };

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
search?: string, 
/**
 * The column to sort by; `None` is [`QueueSort::Priority`], the queue's default order.
 */
sort?: QueueSort, 
/**
 * Reverses the sort's order (every key of it, ties included).
 */
descending?: boolean, limit?: number, offset?: number, };

export type QueueSort = "priority" | "number" | "client" | "status" | "sla_due" | "age";

export type QueueRow = { id: number, number: string, company: string, contact: string | null, priority: Priority | null, status: TicketStatus, assignee: string | null, problem: string, created_at: string, first_response: SlaStatus | null, resolution: SlaStatus | null, 
/**
 * The client's time zone (tz database name) the row's times are shown in, by the same rule
 * as the ticket view's (`client_time_zone`).
 */
time_zone: string, };

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
snippet: string, 
/**
 * `title` cut into parts, the words the query matched marked (for highlighting as text).
 */
title_marked: Array<TextPart>, 
/**
 * `snippet` cut the same way.
 */
snippet_marked: Array<TextPart>, };

export type DocumentResults = { hits: Array<DocumentHit>, 
/**
 * How many documents match; a lower bound when `more` is set.
 */
total: number, 
/**
 * More than `total` documents match (counting stops at [`SEARCH_TOTAL_CAP`]).
 */
more: boolean, };

export type TextPart = { text: string, mark: boolean, };

export type TimeEntry = { id: number, ticket_id: number, technician: string, started_at: string, minutes: number, billable: boolean, work_type: string, note: string, };

export type NewTimeEntry = { technician: string, started_at: string, minutes: number, billable: boolean, work_type: string, note: string, };

export type RunbookHit = { id: number, title: string, 
/**
 * A short excerpt around the match, plain text.
 */
snippet: string, };

export type RunbookEntry = { id: number, 
/**
 * `None`: a desk-wide entry, offered to every client's tickets.
 */
company_id: number | null, 
/**
 * The client's name, for display; `None` for a desk-wide entry.
 */
company: string | null, title: string, 
/**
 * Plain text.
 */
body: string, created_at: string, updated_at: string, };

export type RunbookInput = { 
/**
 * `None` for a desk-wide entry.
 */
company_id: number | null, title: string, body: string, };

export type RunbookRow = { id: number, company_id: number | null, company: string | null, title: string, 
/**
 * The start of the body (a list) or the text around the match (a search), on one line.
 */
excerpt: string, updated_at: string, };

export type RunbookQuery = { 
/**
 * Only this client's entries; `None` for every entry.
 */
company_id: number | null, offset: number, 
/**
 * 1 to [`RUNBOOK_PAGE_MAX`].
 */
limit: number, };

export type RunbookPage = { 
/**
 * Most recently updated first.
 */
rows: Array<RunbookRow>, 
/**
 * How many entries match the query in all.
 */
total: number, };

export type AuditEvent = { id: number, ticket_id: number | null, actor: string, 
/**
 * RFC 3339 text exactly as stored and hashed.
 */
at: string, action: string, before: JsonValue, after: JsonValue, prev_hash: string, hash: string, };

export type TicketView = { ticket: Ticket, 
/**
 * The name of the template version the ticket follows (it keeps the one it started on).
 */
template_name: string, company: Company | null, contact: Contact | null, assets: Array<Asset>, incident: Incident | null, first_response: SlaStatus | null, resolution: SlaStatus | null, 
/**
 * Why each clock stood still (outside business hours, waiting on the customer).
 */
first_response_breaks: ClockBreaks | null, resolution_breaks: ClockBreaks | null, 
/**
 * The client's tz database name: every time of this ticket is shown in it.
 */
time_zone: string, phases: Array<PhaseView>, close_blockers: Array<string>, 
/**
 * Why the end user's signature (step 13) must be taken again, if it must.
 */
signature_invalidated: string | null, 
/**
 * Newest first.
 */
audit: Array<AuditEvent>, time_entries: Array<TimeEntry>, runbooks: Array<RunbookHit>, 
/**
 * A draft (step 1 not done) can be discarded.
 */
is_draft: boolean, 
/**
 * Fix attempts that failed verification, oldest first.
 */
attempts: Array<FailedAttempt>, 
/**
 * Why the ticket waits on the customer and until when, while it does.
 */
waiting: Waiting | null, 
/**
 * Set when the view shows the ticket's sealed record (a closed ticket), not live rows.
 */
sealed: SealedInfo | null, };

export type SealedInfo = { 
/**
 * SHA-256 (hex) of the record's canonical JSON: the hash on the closure report.
 */
record_hash: string, };

export type PhaseView = { key: string, title: string, 
/**
 * Steps done out of those that apply.
 */
done: number, total: number, steps: Array<StepView>, };

export type StepView = { number: number, key: string, title: string, guidance: string, fields: Array<Field>, state: StepState, completion: StepRecord | null, drafts: { [key in string]: string }, 
/**
 * What the step still needs, with codes the window maps to the action that provides each.
 */
needs: Array<Need>, 
/**
 * Suggested starting text for paragraphs (step 11 from diagnosis), by field key.
 */
prefill: { [key in string]: string }, 
/**
 * The desk's tools this step opens, filled in for the ticket (or why each cannot open).
 */
tools: Array<ToolButton>, };

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
msp_name: string, 
/**
 * Whether the full technical record follows the client's pages as an appendix. Either way
 * the same sealed record is attached, hashed and signed.
 */
include_appendix: boolean, 
/**
 * Whether a logo is set (the image itself: `get_report_logo`).
 */
has_logo: boolean, };

export type SavedReport = { 
/**
 * Ticket number, e.g. "T-000042".
 */
ticket: string, path: string, bytes: number, 
/**
 * SHA-256 of the sealed record the report carries.
 */
record_hash: string, };

export type LogoFormat = "png" | "jpeg";

export type ReportLogo = { format: LogoFormat, 
/**
 * "image/png" or "image/jpeg", for a data: URL.
 */
mime: string, width: number, height: number, bytes: number, data_base64: string, };

export type ClockBreaks = { 
/**
 * Outside the client's business hours (nights, weekends, holidays), waiting or not.
 */
outside_hours_secs: number, 
/**
 * Inside business hours while the ticket waited on the customer.
 */
waiting_secs: number, };

export type BatchProgress = { 
/**
 * Tickets finished so far, exported or failed.
 */
done: number, total: number, exported: number, failed: number, 
/**
 * The item just finished: a ticket number, or a client's name in a batch of QBR packs.
 */
ticket: string, };

export type BatchFailure = { 
/**
 * The ticket number, or the client's name in a batch of QBR packs.
 */
ticket: string, error: ErrorPayload, };

export type BatchSummary = { 
/**
 * Tickets the batch was asked to export.
 */
total: number, exported: number, bytes: number, failed: Array<BatchFailure>, 
/**
 * Stopped on request before every ticket was tried.
 */
cancelled: boolean, };

export type Qbr = { 
/**
 * The client reported on; none when the figures cover every client.
 */
client: QbrClient | null, 
/**
 * The first day of the period, in the client's own time zone.
 */
from: string, 
/**
 * The last day of the period, included, in the client's own time zone.
 */
to: string, 
/**
 * When the figures were computed; the SLA clocks of open tickets are read at this instant.
 */
computed_at: string, volume: Volume, sla: SlaFigures, times: ResponseTimes, quality: Quality, csat: CsatFigures, hours: HoursFigures, assets: AssetFigures, recurring: Recurring, 
/**
 * Every ticket behind the figures: opened or closed in the period, or with time logged in
 * it, by ticket number.
 */
tickets: Array<QbrTicket>, };

export type QbrClient = { id: number, name: string, 
/**
 * The time zone the period's days are read in: the zone of the client's business hours,
 * or the desk's zone for a client served around the clock.
 */
time_zone: string, };

export type Count = { key: string, tickets: number, };

export type Volume = { 
/**
 * Tickets opened on a day of the period: opening is step 5, which starts the SLA clock, so
 * a ticket still in intake is not counted. Days are read in the client's time zone.
 */
opened: number, 
/**
 * Tickets closed on a day of the period, read from their sealed records.
 */
closed: number, 
/**
 * Tickets opened in the period that are not closed now.
 */
still_open: number, 
/**
 * Tickets opened in the period by priority (P1 to P4, every priority listed even at zero;
 * "none" for a ticket without one).
 */
opened_by_priority: Array<Count>, 
/**
 * Tickets closed in the period by the priority their sealed record holds.
 */
closed_by_priority: Array<Count>, 
/**
 * Tickets closed in the period by the resolution code chosen at closure, most used first.
 */
closed_by_resolution_code: Array<Count>, };

export type SlaClock = "first_response" | "resolution";

export type SlaFigures = { 
/**
 * Tickets closed in the period whose sealed record has a first-response clock (an SLA
 * policy applied to their client's tier and priority).
 */
first_response_measured: number, 
/**
 * Of those, the tickets whose first response came within the target: the working time
 * counted from opening to the first technician work, less waiting on the customer, did not
 * pass the target.
 */
first_response_met: number, 
/**
 * The first-response tickets met as a percentage of those measured; none when none were
 * measured.
 */
first_response_met_pct: number | null, 
/**
 * Tickets closed in the period whose sealed record has a resolution clock.
 */
resolution_measured: number, 
/**
 * Of those, the tickets resolved within the target: the working time counted from opening
 * to the end user's verification of the fix, less waiting on the customer, did not pass
 * the target.
 */
resolution_met: number, 
/**
 * The resolution tickets met as a percentage of those measured; none when none were
 * measured.
 */
resolution_met_pct: number | null, 
/**
 * Every breached clock of a ticket closed in the period, as its sealed record holds it;
 * then every clock already past its target now of a ticket behind the figures that is not
 * closed. Each part by ticket number, first response before resolution.
 */
breaches: Array<Breach>, };

export type Breach = { ticket: string, client: string, clock: SlaClock, priority: Priority | null, 
/**
 * The target, in working seconds of the client's calendar.
 */
target_secs: number, 
/**
 * The working time the clock counted, less waiting on the customer, in seconds.
 */
actual_secs: number, 
/**
 * The working time spent waiting on the customer, which did not count, in seconds.
 */
paused_secs: number, 
/**
 * The instant the clock passed its target.
 */
breached_at: string | null, 
/**
 * The breach note recorded for the service coordinator when time was reconciled against
 * the SLA (step 19); none for a ticket not yet reconciled.
 */
reason: string | null, 
/**
 * True when the ticket is closed and the breach was read from its sealed record; false for
 * a ticket still open, whose clock was read now.
 */
sealed: boolean, };

export type ResponseTimes = { 
/**
 * Tickets closed in the period with a first response: the ones the first-response times
 * are taken over.
 */
first_response_count: number, 
/**
 * The mean time from opening to the first technician work, in business time: working time
 * of the client's calendar (its opening hours, working days and holidays, in its time
 * zone) less waiting on the customer, as the SLA clock counts it. Rounded down to the
 * second.
 */
first_response_mean_secs: number | null, 
/**
 * The median of the same times: the middle one, or with an even count the mean of the two
 * middle ones rounded down to the second.
 */
first_response_median_secs: number | null, 
/**
 * Tickets closed in the period with a resolution: the ones the resolution times are taken
 * over.
 */
resolution_count: number, 
/**
 * The mean time from opening to the end user's verification of the fix, in business time
 * as above, rounded down to the second.
 */
resolution_mean_secs: number | null, 
/**
 * The median of the same times, as for first responses.
 */
resolution_median_secs: number | null, };

export type Quality = { 
/**
 * Tickets closed in the period that failed verification at least once: the end user saw
 * the fix still failing and the ticket was reopened at step 17.
 */
reopened: number, 
/**
 * The reopened tickets as a percentage of the tickets closed in the period.
 */
reopen_rate_pct: number | null, 
/**
 * Failed verifications of the tickets closed in the period, every attempt counted.
 */
failed_verifications: number, 
/**
 * Tickets closed in the period that were never escalated to Tier 2.
 */
first_touch_resolved: number, 
/**
 * The first-touch resolutions as a percentage of the tickets closed in the period.
 */
first_touch_rate_pct: number | null, 
/**
 * Tickets opened in the period that were escalated to Tier 2 at least once (at step 10, or
 * reassigned to Tier 2 after a failed verification), closed or not.
 */
escalated: number, 
/**
 * The escalated tickets as a percentage of the tickets opened in the period.
 */
escalation_rate_pct: number | null, };

export type CsatFigures = { overall: CsatSummary, 
/**
 * The same figures for each technician credited with a ticket: the ticket's assignee when
 * it closed, or the technician who signed it off when it had none. By name.
 */
by_technician: Array<CsatGroup>, 
/**
 * The same figures for each month (YYYY-MM, in the client's time zone) a ticket closed in.
 */
by_month: Array<CsatGroup>, };

export type CsatSummary = { 
/**
 * Tickets closed in the period whose survey was sent (step 18 done), as the sealed records
 * hold them.
 */
surveyed: number, 
/**
 * Of those, the surveys answered with a rating.
 */
responded: number, 
/**
 * The answered surveys as a percentage of those sent.
 */
response_rate_pct: number | null, 
/**
 * The mean rating (1 to 5) of the answered surveys.
 */
average: number | null, 
/**
 * The answered surveys for each rating: the first number counts the ratings of 1, the
 * fifth the ratings of 5.
 */
distribution: Array<number>, };

export type CsatGroup = { key: string, summary: CsatSummary, };

export type HoursFigures = { 
/**
 * Minutes of the time entries started on a day of the period (in the client's time zone)
 * and marked billable; a closed ticket's entries are read from its sealed record.
 */
billable_minutes: number, 
/**
 * Minutes of the same time entries marked not billable: work the contract does not pay for.
 */
non_billable_minutes: number, 
/**
 * The same minutes for each technician who logged time, by name.
 */
by_technician: Array<HoursGroup>, 
/**
 * The same minutes for each month (YYYY-MM, in the client's time zone) the entries
 * started in.
 */
by_month: Array<HoursGroup>, };

export type HoursGroup = { key: string, billable_minutes: number, non_billable_minutes: number, };

export type AssetFigures = { 
/**
 * The assets (endpoints) the client has in the directory now.
 */
endpoints: number, 
/**
 * The distinct assets linked to a ticket opened in the period.
 */
endpoints_with_tickets: number, 
/**
 * The tickets opened in the period divided by the client's assets in the directory; none
 * when the client has no assets.
 */
tickets_per_endpoint: number | null, 
/**
 * Every asset linked to a ticket opened in the period, with the number of those tickets,
 * most tickets first (then by host name): the first ones are the assets with the most
 * tickets. A ticket linked to two assets counts for each.
 */
tickets_by_asset: Array<AssetCount>, };

export type AssetCount = { asset_id: number, hostname: string, client: string, tickets: number, };

export type Recurring = { 
/**
 * The resolution codes chosen on at least two tickets closed in the period, most used
 * first.
 */
resolution_codes: Array<Count>, 
/**
 * The runbook entries linked to tickets closed in the period (while searching the runbook
 * at step 9 or updating it at step 20), with how many tickets linked each, most first.
 */
runbooks: Array<RunbookCount>, };

export type RunbookCount = { runbook_id: number, 
/**
 * The entry's title now; none if the entry no longer exists.
 */
title: string | null, tickets: number, };

export type QbrTicket = { number: string, client: string, status: TicketStatus, priority: Priority | null, opened_at: string | null, closed_at: string | null, opened_in_period: boolean, closed_in_period: boolean, resolution_code: string | null, 
/**
 * Escalated to Tier 2 at least once.
 */
escalated: boolean, failed_verifications: number, 
/**
 * Business time to the first response, in seconds, once there was one.
 */
first_response_secs: number | null, 
/**
 * Business time to the resolution, in seconds, once there was one.
 */
resolution_secs: number | null, 
/**
 * Whether the first-response target was met: false as soon as it is passed, none while
 * the clock still runs within it or without a policy.
 */
first_response_met: boolean | null, 
/**
 * Whether the resolution target was met: false as soon as it is passed, none while the
 * clock still runs within it or without a policy.
 */
resolution_met: boolean | null, csat_rating: number | null, 
/**
 * Billable minutes of the ticket's time entries started in the period.
 */
billable_minutes: number, 
/**
 * Non-billable minutes of the ticket's time entries started in the period.
 */
non_billable_minutes: number, 
/**
 * Host names of the linked assets.
 */
assets: Array<string>, 
/**
 * The SHA-256 of the sealed record a closed ticket's figures were read from.
 */
record_hash: string | null, };

export type QbrPeriod = { from: string, to: string, };

export type QbrPresets = { 
/**
 * The time zone the days are read in: the client's (that of its business hours), or the
 * desk's for a client served around the clock and for every client together.
 */
time_zone: string, 
/**
 * Today in that zone.
 */
today: string, 
/**
 * From the first day of today's quarter to today: a quarter's figures so far, as none of
 * its later days has happened yet.
 */
this_quarter: QbrPeriod, 
/**
 * The whole quarter before today's (January to March, April to June, July to September or
 * October to December).
 */
last_quarter: QbrPeriod, };

export type QbrComparison = { current: Qbr, 
/**
 * The figures of the period just before, of the same number of days (see [`previous`]).
 * Its list of tickets is left empty: only the current period's tickets are shown.
 */
previous: Qbr, };

export type SavedQbr = { 
/**
 * The client's name; none for a pack of every client.
 */
client: string | null, from: string, to: string, path: string, bytes: number, 
/**
 * SHA-256 of the figures (canonical JSON) the pack carries and prints in its footers.
 */
figures_hash: string, 
/**
 * Tickets behind the figures, each listed with its record hash in the appendix.
 */
tickets: number, };

export type Security = "implicit_tls" | "start_tls";

export type MailAccount = { host: string, port: number, security: Security, 
/**
 * Empty when the server takes mail without signing in.
 */
user: string, 
/**
 * The From address, e.g. `Contoso IT <helpdesk@contoso.example>`.
 */
from: string, 
/**
 * A certificate (PEM) trusted for this server besides the system's roots.
 */
tls_root_pem: string | null, password_set: boolean, };

export type MailAccountInput = { host: string, port: number, security: Security, user: string, from: string, tls_root_pem: string | null, password: string | null, };

export type MailKind = "summary" | "report";

export type MailState = "queued" | "sending" | "sent" | "failed";

export type OutboxEntry = { id: number, ticket_id: number, ticket_number: string, kind: MailKind, message_id: string, recipient: string, subject: string, 
/**
 * What the message says about the CSAT survey, in words ("link sent", "rated 5/5 at
 * hand-over: no survey", ...).
 */
survey: string, state: MailState, attempts: number, next_attempt_at: string, 
/**
 * The server's last answer (or why it could not be reached).
 */
last_answer: string | null, 
/**
 * The coded outcome of the last attempt (`MAIL_TEMPORARY`, `MAIL_RECIPIENT_REFUSED`, ...).
 */
last_code: string | null, queued_at: string, sent_at: string | null, 
/**
 * Size of the formatted message in bytes.
 */
bytes: number, };

export type MissingMail = { kind: MailKind, 
/**
 * Why it cannot be queued now (coded, with the fix); `None` when queuing it would work
 * (the report: as far as can be told without the signing key).
 */
problem: ErrorPayload | null, };

export type TicketMail = { 
/**
 * Whether the desk has a mail account; without one the summary is opened as a draft.
 */
account: boolean, 
/**
 * Newest first.
 */
messages: Array<OutboxEntry>, missing: Array<MissingMail>, };

export type ImportSource = "autotask" | "connectwise" | "halo" | "itglue" | "hudu" | "ninjaone" | "datto" | "csv";

export type ImportKind = "companies" | "contacts" | "assets" | "runbooks";

export type ImportField = "external_id" | "name" | "first_name" | "last_name" | "company_external_id" | "company_name" | "email" | "phone" | "upn" | "active" | "inactive" | "authorized" | "terminated_on" | "tier" | "time_zone" | "hostname" | "asset_kind" | "serial" | "assigned_upn" | "rmm_id" | "rmm_url" | "title" | "body" | "tool_psa" | "tool_remote_session" | "tool_rmm" | "tool_edr" | "tool_documentation" | "tool_noc" | "tool_vendor_status" | "tool_psa_label" | "tool_remote_session_label" | "tool_rmm_label" | "tool_edr_label" | "tool_documentation_label" | "tool_noc_label" | "tool_vendor_status_label" | "created_at" | "updated_at";

export type ImportColumnMap = { 
/**
 * The header as the file spells it.
 */
column: string, field: ImportField | null, };

export type ImportDateOrder = "month_first" | "day_first";

export type ImportPlan = { source: ImportSource, kind: ImportKind, 
/**
 * The file's name (no directories), for messages and the audit.
 */
file_name: string, 
/**
 * The table inside the file: the ZIP entry (IT Glue), the worksheet (XLSX/XLS), or `None`
 * for a plain CSV. For IT Glue documents it is the folder, `documents/`.
 */
part: string | null, 
/**
 * How the text was decoded: "UTF-8", "windows-1252", "UTF-16LE", "UTF-16BE", or "xlsx"/"xls"
 * for workbooks (their strings carry their own encoding).
 */
encoding: string, 
/**
 * The header row, in file order.
 */
headers: Array<string>, 
/**
 * One entry per header, same order: the field each column fills.
 */
columns: Array<ImportColumnMap>, 
/**
 * Headers that fill no field (listed so that nothing is dropped unseen).
 */
unknown: Array<string>, 
/**
 * Fields this kind needs that no column fills: [`rows`] refuses until they are mapped.
 */
missing_required: Array<ImportField>, 
/**
 * How dates such as 03/04/2026 are read; guessed from the file's own dates (a day above
 * 12 decides), month first when nothing decides (US exports).
 */
date_order: ImportDateOrder, 
/**
 * The tier for companies whose tier column is empty or absent; `None` leaves it to the desk.
 */
default_tier: Tier | null, };

export type ImportRowProblem = { code: string, 
/**
 * Says which column and what to do.
 */
message: string, };

export type ImportCompany = { source: ImportSource, external_id: string | null, name: string, phone: string | null, 
/**
 * From the tier column, else the plan's default tier.
 */
tier: Tier | null, 
/**
 * A tz database name, validated (Windows names translated); the company's business-hours
 * calendar is built in this zone by the write side.
 */
time_zone: string | null, 
/**
 * False when the source marks the company inactive; `None` when the file does not say (a
 * new company is active, an existing one keeps its flag).
 */
active: boolean | null, 
/**
 * The company's tool links the file gives, each checked as the company form checks it
 * (a row with a bad link is refused whole); kinds the file has no link for are left out.
 */
tools: Array<ImportToolLink>, };

export type ImportContact = { source: ImportSource, external_id: string | null, company_external_id: string | null, company_name: string | null, name: string, email: string | null, phone: string | null, upn: string | null, 
/**
 * False when the source says inactive, disabled, terminated or not authorized; `None` when
 * the file does not say (a new contact is authorized, an existing one keeps its standing).
 */
authorized: boolean | null, terminated_on: string | null, };

export type ImportAsset = { source: ImportSource, external_id: string | null, company_external_id: string | null, company_name: string | null, hostname: string, 
/**
 * "workstation", "server", ... as the source names it (lower case); empty when not given.
 */
kind: string, serial: string | null, assigned_upn: string | null, rmm_id: string | null, rmm_url: string | null, };

export type ImportRunbook = { source: ImportSource, external_id: string | null, 
/**
 * Neither: a desk-wide entry.
 */
company_external_id: string | null, company_name: string | null, title: string, body: string, 
/**
 * From the created/updated columns (never later than the import's time): an exported
 * desk's entries keep their dates when imported into another desk. `None`: not given.
 */
created_at: string | null, updated_at: string | null, };

export type ImportRecord = { "record": "company" } & ImportCompany | { "record": "contact" } & ImportContact | { "record": "asset" } & ImportAsset | { "record": "runbook" } & ImportRunbook;

export type ImportPreviewRow = { line: number, raw: Array<string>, record: ImportRecord | null, problem: ImportRowProblem | null, };

export type ImportToolLink = { kind: ToolKind, url_template: string, 
/**
 * The label checked and trimmed; `None` when the file gives none (a new link takes the
 * kind's title, an existing one keeps its own label).
 */
label: string | null, };

export type RecordKind = "company" | "contact" | "asset" | "runbook";

export type ImportMode = "create" | "update" | "both";

export type ImportCounts = { created: number, updated: number, 
/**
 * Rows written nowhere: matched in create mode, new in update mode, or equal to the record.
 */
skipped: number, refused: number, };

export type KindCounts = { kind: RecordKind, counts: ImportCounts, };

export type ToolLinkCounts = { added: number, changed: number, 
/**
 * Links the file gives exactly as the desk has them.
 */
unchanged: number, };

export type RefusedRow = { file: number, line: number, kind: RecordKind | null, code: string, message: string, raw: Array<string>, };

export type ImportReport = { 
/**
 * `None` for a dry run.
 */
batch_id: number | null, counts: ImportCounts, by_kind: Array<KindCounts>, refused: Array<RefusedRow>, 
/**
 * SHA-256 over the files' names and digests: the batch's fingerprint in the audit chain.
 */
digest: string, 
/**
 * Companies' tool links added, changed and given unchanged (rows written, not refused).
 */
tool_links: ToolLinkCounts, };

export type ImportProgress = { rows_done: number, rows_total_estimate: number | null, rows_per_sec: number, eta_secs: number | null, };

export type KeptRecord = { kind: RecordKind, record_id: number, reason: string, };

export type UndoReport = { batch_id: number, removed: number, restored: number, kept: Array<KeptRecord>, };

export type ImportFile = { name: string, sha256: string, };

export type ImportBatch = { id: number, actor: string, imported_at: string, files: Array<ImportFile>, digest: string, source: string, kinds: Array<RecordKind>, mode: ImportMode, counts: ImportCounts, undone_at: string | null, undone_by: string | null, };

export type RowProblem = { code: string, message: string, };

export type ExportKind = "tickets" | "steps" | "time_entries" | "csat" | "companies" | "contacts" | "assets" | "runbooks" | "audit";

export type ExportFilter = { company_id: number | null, from: string | null, to: string | null, };

export type ExportFormat = "csv" | "xlsx";

export type ExportSummary = { kind: ExportKind, format: ExportFormat, rows: number, bytes: number, };
