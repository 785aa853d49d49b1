// The Import screen's logic, apart from the screen: which fields a column of each kind can fill,
// how a mapping edit becomes the overrides the core re-reads the file with, a preview row as the
// text it will be stored as, and the progress line (rows/s, ETA). The core decides everything
// that matters (what a column maps to, what is missing, what a row becomes); this only shows it.

import type {
  ExportFormat,
  ExportKind,
  ImportAsset,
  ImportColumnMap,
  ImportCompany,
  ImportContact,
  ImportField,
  ImportKind,
  ImportPlan,
  ImportProgress,
  ImportRecord,
  ImportRunbook,
  ImportSource,
  UndoReport,
} from "../ipc/bindings";

/** What each field is called on the screen. */
export const FIELD_LABELS: Record<ImportField, string> = {
  external_id: "ID in the source",
  name: "Name",
  first_name: "First name",
  last_name: "Last name",
  company_external_id: "Company's ID",
  company_name: "Company name",
  email: "E-mail",
  phone: "Phone",
  upn: "Sign-in name (UPN)",
  active: "Active (yes/no)",
  inactive: "Inactive (yes/no)",
  authorized: "Authorized (yes/no)",
  terminated_on: "Terminated on",
  tier: "Tier",
  time_zone: "Time zone",
  hostname: "Hostname",
  asset_kind: "Asset kind",
  serial: "Serial number",
  assigned_upn: "Assigned user (UPN)",
  rmm_id: "RMM device ID",
  rmm_url: "RMM link",
  title: "Title",
  body: "Text",
};

/** The fields a table of each kind can fill, in the order the select lists them. */
export const KIND_FIELDS: Record<ImportKind, ImportField[]> = {
  companies: ["external_id", "name", "phone", "tier", "time_zone", "active", "inactive"],
  contacts: [
    "external_id",
    "name",
    "first_name",
    "last_name",
    "company_external_id",
    "company_name",
    "email",
    "phone",
    "upn",
    "active",
    "inactive",
    "authorized",
    "terminated_on",
  ],
  assets: [
    "external_id",
    "name",
    "company_external_id",
    "company_name",
    "hostname",
    "asset_kind",
    "serial",
    "assigned_upn",
    "rmm_id",
    "rmm_url",
  ],
  runbooks: ["external_id", "company_external_id", "company_name", "title", "body"],
};

/** The systems the core recognizes, as people name them. */
export const SOURCE_LABELS: Record<ImportSource, string> = {
  autotask: "Autotask",
  connectwise: "ConnectWise",
  halo: "Halo",
  itglue: "IT Glue",
  hudu: "Hudu",
  ninjaone: "NinjaOne",
  datto: "Datto",
  csv: "a plain CSV",
};

export const KIND_LABELS: Record<ImportKind, string> = {
  companies: "Companies",
  contacts: "Contacts",
  assets: "Assets",
  runbooks: "Runbook entries",
};

/** The fields a column of `kind` may be set to; a field the core chose is always among them. */
export function fieldChoices(kind: ImportKind, current: ImportField | null): ImportField[] {
  const fields = KIND_FIELDS[kind];
  return current !== null && !fields.includes(current) ? [...fields, current] : fields;
}

/**
 * The plan's mapping with `column` set to `field` (null: left out), as the overrides the core
 * re-reads the file with. Every column is sent, so the core's answer is exactly the table shown.
 */
export function remapped(
  plan: ImportPlan,
  column: string,
  field: ImportField | null,
): ImportColumnMap[] {
  return plan.columns.map((c) => (c.column === column ? { column, field } : { ...c }));
}

/** Whether the table can be imported as mapped: the core names what is missing. */
export function readyToImport(plan: ImportPlan): boolean {
  return plan.missing_required.length === 0;
}

function yesNo(v: boolean): string {
  return v ? "yes" : "no";
}

/** The preview table's columns for each kind: what the desk stores, in the order shown. */
export const PREVIEW_COLUMNS: Record<ImportKind, string[]> = {
  companies: ["Name", "ID in the source", "Tier", "Time zone", "Phone", "Active"],
  contacts: ["Name", "Company", "E-mail", "Phone", "Authorized", "Terminated on"],
  assets: ["Hostname", "Company", "Kind", "Serial", "RMM link"],
  runbooks: ["Title", "Company", "Text"],
};

/** The longest text of a runbook body the preview shows. */
const BODY_SHOWN = 120;

/**
 * A preview row as the texts it will be stored as, cell for cell with `PREVIEW_COLUMNS`. Goes by
 * the table's kind, not the record's `kind` tag: an asset's own `kind` field (workstation, …)
 * shares that JSON key and overwrites the tag.
 */
export function storedRow(kind: ImportKind, record: ImportRecord): string[] {
  const t = (v: string | null | undefined): string => v ?? "";
  switch (kind) {
    case "companies": {
      const r = record as unknown as ImportCompany;
      return [r.name, t(r.external_id), t(r.tier), t(r.time_zone), t(r.phone), yesNo(r.active)];
    }
    case "contacts": {
      const r = record as unknown as ImportContact;
      return [
        r.name,
        t(r.company_name ?? r.company_external_id),
        t(r.email),
        t(r.phone),
        yesNo(r.authorized),
        t(r.terminated_on),
      ];
    }
    case "assets": {
      const r = record as unknown as ImportAsset;
      return [
        r.hostname,
        t(r.company_name ?? r.company_external_id),
        t(r.kind),
        t(r.serial),
        t(r.rmm_url),
      ];
    }
    case "runbooks": {
      const r = record as unknown as ImportRunbook;
      const company = r.company_name ?? r.company_external_id ?? "desk-wide";
      const body = r.body.length > BODY_SHOWN ? `${r.body.slice(0, BODY_SHOWN)}…` : r.body;
      return [r.title, company, body];
    }
  }
}

const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** "2 min 5 s", "40 s", "under a second". */
export function duration(secs: number): string {
  if (!Number.isFinite(secs) || secs < 0) return "";
  if (secs < 1) return "under a second";
  const s = Math.round(secs);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * The progress line: "1,000 of about 5,000 rows · 2,345 rows/s · about 2 s left" while running;
 * once done the estimate and the time left are moot: "13 rows · 7,015 rows/s".
 */
export function progressText(p: ImportProgress, running = true): string {
  const parts = [
    running && p.rows_total_estimate !== null
      ? `${whole.format(p.rows_done)} of about ${whole.format(p.rows_total_estimate)} rows`
      : `${whole.format(p.rows_done)} rows`,
    `${whole.format(p.rows_per_sec)} rows/s`,
  ];
  if (running && p.eta_secs !== null && Number.isFinite(p.eta_secs) && p.eta_secs >= 0) {
    parts.push(p.eta_secs < 1 ? "less than a second left" : `about ${duration(p.eta_secs)} left`);
  }
  return parts.join(" · ");
}

/** How full the bar is, 0..1; null when the total is not known (the bar then says so). */
export function progressFraction(p: ImportProgress): number | null {
  if (p.rows_total_estimate === null || p.rows_total_estimate <= 0) return null;
  return Math.min(1, Math.max(0, p.rows_done / p.rows_total_estimate));
}

/** What "Undo this import" did, in one sentence. */
export function undoSummary(r: UndoReport): string {
  const kept = r.kept.length;
  return (
    `Import ${r.batch_id} undone: ${r.removed} record${r.removed === 1 ? "" : "s"} removed, ` +
    `${r.restored} restored` +
    (kept === 0 ? "." : `, ${kept} kept because they are in use since:`)
  );
}

/** The kinds of record the Export… form offers, with their labels. */
export const EXPORT_KINDS: [ExportKind, string][] = [
  ["tickets", "Tickets"],
  ["steps", "Workflow steps"],
  ["time_entries", "Time entries"],
  ["csat", "Satisfaction ratings"],
  ["companies", "Companies"],
  ["contacts", "Contacts"],
  ["assets", "Assets"],
  ["runbooks", "Runbook entries"],
  ["audit", "Audit log"],
];

/** The name the save dialog proposes: "contacts-2026-12-06.xlsx". */
export function exportFileName(kind: ExportKind, format: ExportFormat, today: string): string {
  return `${kind.replace("_", "-")}-${today}.${format}`;
}

/** Whether an export's day span is usable: both empty, one of them, or from ≤ to. */
export function exportSpanProblem(from: string, to: string): string | null {
  if (from !== "" && to !== "" && to < from) return "The last day is before the first.";
  return null;
}
