// Audit events in words: a title and a change list ("Status: resolved → closed", "Assigned: — →
// Dana Ortiz"), from the before/after the core recorded. The action names are the core's
// (`Change::new` in src-tauri/core/src: `step_6_completed`, `caller_override`, …); an action this
// file does not know still reads as a list of the fields that changed. Everything returned is
// plain text: the timeline renders it as text, never as markup.

import type { AuditEvent, Field, JsonValue, TicketView } from "../ipc";
import { IMPACT_LABELS, STATUS_LABELS, URGENCY_LABELS, formatMinutes, formatShortTime } from "./format";
import { describeValue } from "./step-values";

const STEP_ACTION = /^step_(\d+)_(\w+)$/;

/** One line of the change list: `label: before → after`, or `label: after` when nothing was
 *  there before (before is then null). */
export interface AuditLine {
  label: string;
  before: string | null;
  after: string;
}

export interface AuditSummary {
  title: string;
  lines: AuditLine[];
}

/** What the timeline knows to put names on ids and labels on step fields. */
export type AuditContext = Pick<TicketView, "phases" | "contact" | "company" | "assets" | "incident" | "runbooks"> &
  Partial<Pick<TicketView, "time_zone">>;

type Obj = { [key: string]: JsonValue };

const NONE = "—";

function isObj(v: JsonValue | undefined): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function field(v: JsonValue, key: string): JsonValue {
  return isObj(v) ? (v[key] ?? null) : null;
}

/** "waiting_on_customer" → "Waiting on customer". */
export function humanize(key: string): string {
  const words = key.replaceAll("_", " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A value in a few words: text as is, nothing as "—", yes/no, lists joined; anything else as
 *  compact JSON (the raw record behind the toggle has the full form). */
export function plain(v: JsonValue | undefined): string {
  if (v === undefined || v === null || v === "") return NONE;
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return v.length === 0 ? NONE : v.map((x) => plain(x)).join(", ");
  return JSON.stringify(v);
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `plain`, except that an instant (RFC 3339, as the core records times) reads as every time on a
 *  ticket does: in the client's `zone`, named, never as raw ISO text. */
function shown(v: JsonValue | undefined, zone: string | undefined): string {
  return typeof v === "string" && INSTANT.test(v) ? (formatShortTime(v, zone) ?? v) : plain(v);
}

function status(v: JsonValue): string {
  return typeof v === "string" && v in STATUS_LABELS
    ? STATUS_LABELS[v as keyof typeof STATUS_LABELS].toLowerCase()
    : plain(v);
}

function named(v: JsonValue, lookup: ReadonlyMap<number, string>, noun: string): string {
  if (v === null) return NONE;
  const one = (x: JsonValue) => (typeof x === "number" ? (lookup.get(x) ?? `${noun} #${x}`) : plain(x));
  return Array.isArray(v) ? (v.length === 0 ? NONE : v.map(one).join(", ")) : one(v);
}

function line(label: string, before: string | null, after: string): AuditLine {
  return { label, before, after };
}

/** The line as one string, as the timeline shows it. */
export function lineText(l: AuditLine): string {
  return l.before === null ? `${l.label}: ${l.after}` : `${l.label}: ${l.before} → ${l.after}`;
}

class Names {
  readonly contacts: Map<number, string>;
  readonly companies: Map<number, string>;
  readonly assets: Map<number, string>;
  readonly runbooks: Map<number, string>;
  readonly steps: Map<number, { title: string; fields: Field[] }>;

  constructor(readonly ctx: AuditContext) {
    this.contacts = new Map(ctx.contact ? [[ctx.contact.id, ctx.contact.name]] : []);
    this.companies = new Map(ctx.company ? [[ctx.company.id, ctx.company.name]] : []);
    this.assets = new Map(ctx.assets.map((a) => [a.id, a.hostname]));
    this.runbooks = new Map(ctx.runbooks.map((r) => [r.id, r.title]));
    this.steps = new Map(ctx.phases.flatMap((p) => p.steps).map((s) => [s.number, { title: s.title, fields: s.fields }]));
  }
}

/** The ticket's own state as step events record it (`snapshot` in workflow/rules.rs), in words. */
const SNAPSHOT: { key: string; label: string; text: (v: JsonValue, n: Names) => string }[] = [
  { key: "status", label: "Status", text: status },
  { key: "company_id", label: "Client", text: (v, n) => named(v, n.companies, "Client") },
  { key: "contact_id", label: "Caller", text: (v, n) => named(v, n.contacts, "Contact") },
  { key: "asset_ids", label: "Assets", text: (v, n) => named(v, n.assets, "Asset") },
  { key: "priority", label: "Priority", text: plain },
  { key: "escalated", label: "Escalated", text: plain },
  { key: "verification_failed", label: "Fix verification failed", text: plain },
];

function snapshotLines(before: JsonValue, after: JsonValue, n: Names): AuditLine[] {
  const lines: AuditLine[] = [];
  for (const s of SNAPSHOT) {
    const b = field(before, s.key);
    const a = field(after, s.key);
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    lines.push(line(s.label, s.text(b, n), s.text(a, n)));
  }
  return lines;
}

/** A step's values, labelled as the step's fields are. */
function valueLines(step: number, values: JsonValue, n: Names): AuditLine[] {
  if (!isObj(values)) return [];
  const fields = n.steps.get(step)?.fields ?? [];
  const view = n.ctx as TicketView;
  return Object.entries(values).map(([key, value]) => {
    const f = fields.find((x) => x.key === key);
    if (isObj(value) && ("strokes" in value || "strokes_sha256" in value)) {
      const who = plain(value.signer_name ?? null);
      return line(f?.label ?? "Signature", null, who === NONE ? "signed" : `signed by ${who}`);
    }
    if (f === undefined) return line(humanize(key), null, plain(value));
    return line(f.label, null, describeValue(f, value, view));
  });
}

/** Fields that differ between two records (directory rows, time entries, settings). */
function diffLines(before: JsonValue, after: JsonValue, zone: string | undefined, skip: readonly string[] = ["id"]): AuditLine[] {
  const b = isObj(before) ? before : {};
  const a = isObj(after) ? after : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !skip.includes(k));
  return keys
    .filter((k) => JSON.stringify(b[k] ?? null) !== JSON.stringify(a[k] ?? null))
    .map((k) => line(humanize(k), isObj(before) ? shown(b[k], zone) : null, shown(a[k], zone)));
}

/** A new record: its fields that say something, each as `Field: value`. */
function recordLines(after: JsonValue, zone: string | undefined, skip: readonly string[] = ["id"]): AuditLine[] {
  if (!isObj(after)) return after === null ? [] : [line("Value", null, plain(after))];
  return Object.entries(after)
    .filter(([k, v]) => !skip.includes(k) && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => line(humanize(k), null, shown(v, zone)));
}

function timeEntryLines(entry: JsonValue): AuditLine[] {
  const minutes = field(entry, "minutes");
  const lines = [
    line("Time", null, `${typeof minutes === "number" ? formatMinutes(minutes) : plain(minutes)}${field(entry, "billable") === true ? ", billable" : ", not billable"}`),
    line("Technician", null, plain(field(entry, "technician"))),
  ];
  const work = field(entry, "work_type");
  if (work !== null && work !== "") lines.push(line("Work", null, plain(work)));
  const note = field(entry, "note");
  if (note !== null && note !== "") lines.push(line("Note", null, plain(note)));
  return lines;
}

function timeEntryDiff(before: JsonValue, after: JsonValue, zone: string | undefined): AuditLine[] {
  const minutes = (v: JsonValue) => (typeof v === "number" ? formatMinutes(v) : plain(v));
  return diffLines(before, after, zone, ["id", "ticket_id"]).map((l) =>
    l.label === "Minutes"
      ? line("Time", minutes(field(before, "minutes")), minutes(field(after, "minutes")))
      : l,
  );
}

/** "Step 6 completed: Reproduce the issue…", "Caller override", "Waiting on customer". */
export function auditTitle(action: string, stepTitles: ReadonlyMap<number, string>): string {
  const match = STEP_ACTION.exec(action);
  if (match) {
    const number = Number(match[1]);
    const verb = (match[2] ?? "").replaceAll("_", " ");
    const title = stepTitles.get(number);
    return `Step ${number} ${verb}` + (title === undefined ? "" : `: ${title}`);
  }
  return TITLES[action] ?? humanize(action);
}

const TITLES: Record<string, string> = {
  ticket_created: "Ticket created",
  ticket_discarded: "Draft discarded",
  assigned: "Assignment changed",
  waiting_on_customer: "Waiting on customer",
  customer_replied: "Customer replied",
  caller_override: "Caller override",
  page_on_call: "On-call technician paged",
  signature_invalidated: "End-user signature no longer valid",
  time_entry_added: "Time entry added",
  time_entry_changed: "Time entry changed",
  runbook_linked: "Runbook entry linked",
  runbook_entry_added: "Runbook entry added",
  runbook_entries_imported: "Runbook entries imported",
  runbook_entry_created: "Runbook entry created",
  runbook_entry_updated: "Runbook entry updated",
  desk_set_up: "Desk set up",
  technician_added: "Technician added",
  technician_switched: "Current technician changed",
  technician_deactivated: "Technician deactivated",
  pin_set: "PIN set",
  pin_rejected: "Wrong PIN entered",
  setting_changed: "Setting changed",
  priority_matrix_changed: "Priority matrix changed",
};

/** Settings by their stored key (store/settings.rs). */
const SETTINGS: Record<string, string> = {
  "report.msp_name": "Desk name on reports",
  "report.paper_size": "Report paper size",
  "report.include_appendix": "Technical appendix in reports",
  "report.logo": "Report logo",
};

/** Settings whose value is a file (an image), said as set or removed rather than shown. */
const FILE_SETTINGS = new Set(["report.logo"]);

/** The event as a title and a change list. */
export function describeAudit(event: Pick<AuditEvent, "action" | "before" | "after">, ctx: AuditContext): AuditSummary {
  const n = new Names(ctx);
  const titles = new Map([...n.steps].map(([k, s]) => [k, s.title]));
  const escalation = event.action === "assigned" && field(event.after, "escalation") === true;
  const title = escalation ? "Escalated" : auditTitle(event.action, titles);
  return { title, lines: auditLines(event, n) };
}

function auditLines({ action, before, after }: Pick<AuditEvent, "action" | "before" | "after">, n: Names): AuditLine[] {
  const zone = n.ctx.time_zone;
  const step = STEP_ACTION.exec(action);
  if (step) {
    const number = Number(step[1]);
    return [
      ...snapshotLines(before, field(after, "ticket"), n),
      ...valueLines(number, field(after, "values"), n),
    ];
  }
  switch (action) {
    case "ticket_created": {
      const assignee = field(after, "assignee");
      return [
        line("Number", null, plain(field(after, "number"))),
        ...(assignee === null ? [] : [line("Assigned", null, plain(assignee))]),
      ];
    }
    case "ticket_discarded": {
      const minutes = field(before, "time_entry_minutes");
      const logged = Array.isArray(minutes) ? minutes.filter((m): m is number => typeof m === "number") : [];
      return [
        line("Number", null, plain(field(before, "number"))),
        ...(logged.length === 0 ? [] : [line("Time entries removed with it", null, logged.map(formatMinutes).join(", "))]),
      ];
    }
    case "technician_switched":
      return [line("Current technician", plain(field(before, "technician")), plain(field(after, "technician")))];
    case "assigned": {
      // An escalation may hand the ticket to the Tier 2 queue rather than to a person.
      const to = field(after, "assignee") === null && field(after, "to") === "tier2_queue" ? "Tier 2 queue" : plain(field(after, "assignee"));
      return [line("Assigned", plain(field(before, "assignee")), to)];
    }
    case "waiting_on_customer":
    case "customer_replied":
      return [
        line("Status", status(field(before, "status")), status(field(after, "status"))),
        ...recordLines(after, zone, ["status"]),
      ];
    case "caller_override":
      return [
        line("Caller", null, named(field(before, "contact_id"), n.contacts, "Contact")),
        line("Refused because", null, plain(field(before, "refusal"))),
        line("Reason for the override", null, plain(field(after, "reason"))),
      ];
    case "page_on_call":
      return [
        line("Priority", null, plain(field(after, "priority"))),
        line("Why", null, plain(field(after, "reason"))),
      ];
    case "signature_invalidated":
      return [
        line("Signature", null, `step ${plain(field(before, "step"))}`),
        line("Why", null, plain(field(after, "reason"))),
      ];
    case "time_entry_added":
      return timeEntryLines(after);
    case "time_entry_changed":
      return timeEntryDiff(before, after, zone);
    case "runbook_linked":
      return [line("Runbook entry", null, named(field(after, "runbook_id"), n.runbooks, "Runbook entry"))];
    case "runbook_entries_imported":
      return [line("Entries", null, plain(field(after, "count")))];
    case "pin_set":
      return [line("Technician", null, plain(field(after, "technician")))];
    case "pin_rejected":
      return [
        line("Technician", null, plain(field(after, "technician"))),
        line("Wrong PINs in a row", null, plain(field(after, "failures"))),
        ...(field(after, "locked_until") === null ? [] : [line("Locked until", null, plain(field(after, "locked_until")))]),
      ];
    case "setting_changed": {
      const key = plain(field(after, "key"));
      if (FILE_SETTINGS.has(key)) {
        const set = (v: JsonValue) => (v === null || v === "" ? "none" : "set");
        return [line(SETTINGS[key] ?? humanize(key), set(field(before, "value")), set(field(after, "value")))];
      }
      return [line(SETTINGS[key] ?? humanize(key.replace(/^.*\./, "")), plain(field(before, "value")), plain(field(after, "value")))];
    }
    case "priority_matrix_changed":
      return matrixLines(before, after);
  }
  // Directory records and anything newer than this file: what changed, field by field.
  if (action.endsWith("_added") || before === null) return recordLines(after, zone);
  return diffLines(before, after, zone);
}

const IMPACT_KEYS = Object.keys(IMPACT_LABELS) as (keyof typeof IMPACT_LABELS)[];
const URGENCY_KEYS = Object.keys(URGENCY_LABELS) as (keyof typeof URGENCY_LABELS)[];

/** "Department × Blocked: P2 → P1" for each cell that changed. */
function matrixLines(before: JsonValue, after: JsonValue): AuditLine[] {
  const cells = (v: JsonValue) => field(v, "cells");
  const b = cells(before);
  const a = cells(after);
  const lines: AuditLine[] = [];
  IMPACT_KEYS.forEach((impact, i) =>
    URGENCY_KEYS.forEach((urgency, j) => {
      const was = Array.isArray(b) && Array.isArray(b[i]) ? (b[i] as JsonValue[])[j] : null;
      const now = Array.isArray(a) && Array.isArray(a[i]) ? (a[i] as JsonValue[])[j] : null;
      if (JSON.stringify(was ?? null) !== JSON.stringify(now ?? null)) {
        lines.push(line(`${IMPACT_LABELS[impact]} × ${URGENCY_LABELS[urgency]}`, plain(was ?? null), plain(now ?? null)));
      }
    }),
  );
  return lines;
}

/** Before/after as indented JSON text, for the event's raw record (always rendered as text). */
export function auditDetail(value: JsonValue): string {
  return value === null ? "—" : JSON.stringify(value, null, 2);
}
