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
  ImportToolLink,
  ToolLinkCounts,
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
  tool_psa: "Tool link: PSA ticket",
  tool_remote_session: "Tool link: remote session",
  tool_rmm: "Tool link: RMM",
  tool_edr: "Tool link: EDR",
  tool_documentation: "Tool link: documentation",
  tool_noc: "Tool link: NOC dashboard",
  tool_vendor_status: "Tool link: vendor status",
  tool_psa_label: "Tool label: PSA ticket",
  tool_remote_session_label: "Tool label: remote session",
  tool_rmm_label: "Tool label: RMM",
  tool_edr_label: "Tool label: EDR",
  tool_documentation_label: "Tool label: documentation",
  tool_noc_label: "Tool label: NOC dashboard",
  tool_vendor_status_label: "Tool label: vendor status",
  created_at: "Created (date)",
  updated_at: "Last updated (date)",
};

/** A company's tool-link fields, in the company form's order. */
export const TOOL_FIELDS: ImportField[] = [
  "tool_psa",
  "tool_remote_session",
  "tool_rmm",
  "tool_edr",
  "tool_documentation",
  "tool_noc",
  "tool_vendor_status",
];

/** The button labels of those links (`tool_<kind>_label`, as the export writes them), same order. */
export const TOOL_LABEL_FIELDS: ImportField[] = [
  "tool_psa_label",
  "tool_remote_session_label",
  "tool_rmm_label",
  "tool_edr_label",
  "tool_documentation_label",
  "tool_noc_label",
  "tool_vendor_status_label",
];

/** The fields a table of each kind can fill, in the order the select lists them. */
export const KIND_FIELDS: Record<ImportKind, ImportField[]> = {
  companies: [
    "external_id",
    "name",
    "phone",
    "tier",
    "time_zone",
    "active",
    "inactive",
    ...TOOL_FIELDS,
    ...TOOL_LABEL_FIELDS,
  ],
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
  runbooks: [
    "external_id",
    "company_external_id",
    "company_name",
    "title",
    "body",
    "created_at",
    "updated_at",
  ],
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

/**
 * A company's links in the preview: "rmm (NinjaOne): https://…; documentation: https://…"; the
 * label in brackets only where the file gives one.
 */
export function toolLinksText(tools: ImportToolLink[]): string {
  return tools
    .map((l) => `${l.kind}${l.label ? ` (${l.label})` : ""}: ${l.url_template}`)
    .join("; ");
}

/** A yes/no the file gives; `null` when it does not say (new records: yes; others: unchanged). */
function yesNo(v: boolean | null): string {
  return v === null ? "not given" : v ? "yes" : "no";
}

/** The preview table's columns for each kind: what the desk stores, in the order shown. */
export const PREVIEW_COLUMNS: Record<ImportKind, string[]> = {
  companies: ["Name", "ID in the source", "Tier", "Time zone", "Phone", "Active", "Tool links"],
  contacts: ["Name", "Company", "E-mail", "Phone", "Authorized", "Terminated on"],
  assets: ["Hostname", "Company", "Kind", "Serial", "RMM link"],
  runbooks: ["Title", "Company", "Text", "Last updated"],
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
      return [
        r.name,
        t(r.external_id),
        t(r.tier),
        t(r.time_zone),
        t(r.phone),
        yesNo(r.active),
        // A row of another table can meet this kind for a moment while the tab switches (the
        // preview is fetched again): it has no links then, and must not break the screen.
        toolLinksText(r.tools ?? []),
      ];
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
      // The day (UTC) the entry keeps; empty: dated by the import itself.
      const updated = (r.updated_at ?? r.created_at ?? "").slice(0, 10);
      return [r.title, company, body, updated];
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

/** The core's code for a run the technician cancelled: their choice, not a failure. */
export const IMPORT_CANCELLED = "IMPORT_CANCELLED";

/** A cancelled dry run or import, as its notice tells it. */
export interface CancelledRun {
  dryRun: boolean;
  /** Rows read before the cancel, from the last progress report (null when none came). */
  rowsRead: number | null;
  rowsTotalEstimate: number | null;
}

/**
 * The notice for a failed run when the failure is a cancel (switching on the code, never the
 * message), else null: a real failure stays an error.
 */
export function cancelledRun(
  code: string,
  dryRun: boolean,
  last: ImportProgress | null,
): CancelledRun | null {
  if (code !== IMPORT_CANCELLED) return null;
  return {
    dryRun,
    rowsRead: last === null || last.rows_done === 0 ? null : last.rows_done,
    rowsTotalEstimate: last?.rows_total_estimate ?? null,
  };
}

/** "Import cancelled: nothing was written. 2,000 of about 200,000 rows had been read; none were kept." */
export function cancelledText(c: CancelledRun): string {
  const head = c.dryRun ? "Dry run cancelled: nothing was written." : "Import cancelled: nothing was written.";
  if (c.rowsRead === null) return `${head} The desk is as it was.`;
  const read =
    c.rowsTotalEstimate !== null
      ? `${whole.format(c.rowsRead)} of about ${whole.format(c.rowsTotalEstimate)} rows`
      : `${whole.format(c.rowsRead)} row${c.rowsRead === 1 ? "" : "s"}`;
  return c.dryRun
    ? `${head} ${read} had been checked.`
    : `${head} ${read} had been read; none were kept, the desk is as it was.`;
}

/**
 * What a batch did (or, a dry run, would do) to companies' tool links, in one line; null when
 * the files carried none.
 */
export function toolLinksSummary(c: ToolLinkCounts, dryRun: boolean): string | null {
  if (c.added + c.changed + c.unchanged === 0) return null;
  return dryRun
    ? `Tool links: ${c.added} to add, ${c.changed} to change, ${c.unchanged} unchanged.`
    : `Tool links: ${c.added} added, ${c.changed} changed, ${c.unchanged} unchanged.`;
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
