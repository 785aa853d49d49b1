import { describe, expect, it } from "vitest";
import type { ImportPlan, ImportRecord } from "../ipc/bindings";
import {
  cancelledRun,
  cancelledText,
  duration,
  exportFileName,
  exportSpanProblem,
  fieldChoices,
  KIND_FIELDS,
  PREVIEW_COLUMNS,
  progressFraction,
  progressText,
  readyToImport,
  remapped,
  storedRow,
  TOOL_FIELDS,
  TOOL_LABEL_FIELDS,
  toolLinksSummary,
  undoSummary,
} from "./import";

const plan = (p: Partial<ImportPlan> = {}): ImportPlan => ({
  source: "autotask",
  kind: "contacts",
  file_name: "contacts.csv",
  part: null,
  encoding: "UTF-8",
  headers: ["First Name", "Phone", "Address 1"],
  columns: [
    { column: "First Name", field: "first_name" },
    { column: "Phone", field: "phone" },
    { column: "Address 1", field: null },
  ],
  unknown: ["Address 1"],
  missing_required: [],
  date_order: "month_first",
  default_tier: null,
  ...p,
});

describe("mapping", () => {
  it("sends every column, with only the edited one changed", () => {
    const p = plan();
    const out = remapped(p, "Phone", null);
    expect(out).toEqual([
      { column: "First Name", field: "first_name" },
      { column: "Phone", field: null },
      { column: "Address 1", field: null },
    ]);
    // The plan on screen is not changed: the core's answer replaces it.
    expect(p.columns[1].field).toBe("phone");
    expect(remapped(p, "Address 1", "upn")[2]).toEqual({ column: "Address 1", field: "upn" });
  });

  it("offers a kind's fields, and keeps a field the core chose outside them", () => {
    expect(fieldChoices("companies", null)).toEqual(KIND_FIELDS.companies);
    expect(fieldChoices("companies", "hostname")).toContain("hostname");
    expect(fieldChoices("contacts", "email")).toEqual(KIND_FIELDS.contacts);
    expect(KIND_FIELDS.contacts).not.toContain("hostname");
  });

  it("offers a company's tool links, and only for companies", () => {
    for (const f of [...TOOL_FIELDS, ...TOOL_LABEL_FIELDS]) {
      expect(fieldChoices("companies", null)).toContain(f);
      expect(KIND_FIELDS.contacts).not.toContain(f);
      expect(KIND_FIELDS.assets).not.toContain(f);
    }
    expect(TOOL_FIELDS).toHaveLength(7);
    // One label field per link field, named after it as the export names its columns.
    expect(TOOL_LABEL_FIELDS).toEqual(TOOL_FIELDS.map((f) => `${f}_label`));
  });

  it("is ready only when the core names nothing missing", () => {
    expect(readyToImport(plan())).toBe(true);
    expect(readyToImport(plan({ missing_required: ["name"] }))).toBe(false);
  });
});

describe("preview rows", () => {
  it("shows a contact as stored, cell for cell with the columns", () => {
    const record = {
      record: "contact",
      source: "autotask",
      external_id: "203",
      company_external_id: "AT-1001",
      company_name: null,
      name: "Lee Park",
      email: "lee.park@acmedental.example",
      phone: null,
      upn: null,
      authorized: false,
      terminated_on: null,
    } as ImportRecord;
    const row = storedRow("contacts", record);
    expect(row).toHaveLength(PREVIEW_COLUMNS.contacts.length);
    expect(row).toEqual(["Lee Park", "AT-1001", "lee.park@acmedental.example", "", "no", ""]);
  });

  it("shows a company's tool links as stored, as text", () => {
    const record = {
      record: "company",
      source: "csv",
      external_id: "ACME",
      name: "Acme",
      phone: null,
      tier: "gold",
      time_zone: null,
      active: true,
      tools: [
        { kind: "psa", url_template: "https://psa.example/t/{psa_ticket}", label: null },
        { kind: "rmm", url_template: "https://rmm.example/s/acme", label: "NinjaOne" },
      ],
    } as ImportRecord;
    const row = storedRow("companies", record);
    expect(row).toHaveLength(PREVIEW_COLUMNS.companies.length);
    expect(row[row.length - 1]).toBe(
      "psa: https://psa.example/t/{psa_ticket}; rmm (NinjaOne): https://rmm.example/s/acme",
    );
    expect(storedRow("companies", { ...record, tools: [] } as ImportRecord).at(-1)).toBe("");
    // While the tab switches, the previous table's rows meet the new kind for a moment.
    const contact = { record: "contact", name: "Lee Park" } as unknown as ImportRecord;
    expect(storedRow("companies", contact)).toHaveLength(PREVIEW_COLUMNS.companies.length);
  });

  it("goes by the table's kind: an asset's own kind overwrites the record's tag", () => {
    // What the core sends for an asset: tagged `record`, its own `kind` the device type.
    const record = {
      record: "asset",
      kind: "workstation",
      source: "csv",
      external_id: null,
      company_external_id: null,
      company_name: "Acme",
      hostname: "FRONTDESK-01",
      serial: "5CD",
      assigned_upn: null,
      rmm_id: null,
      rmm_url: null,
    } as unknown as ImportRecord;
    expect(storedRow("assets", record)).toEqual(["FRONTDESK-01", "Acme", "workstation", "5CD", ""]);
  });

  it("shortens a long runbook text and names a desk-wide entry", () => {
    const record = {
      record: "runbook",
      source: "itglue",
      external_id: null,
      company_external_id: null,
      company_name: null,
      title: "VPN",
      body: "x".repeat(500),
      created_at: null,
      updated_at: null,
    } as ImportRecord;
    const [title, company, body, updated] = storedRow("runbooks", record);
    expect(title).toBe("VPN");
    expect(company).toBe("desk-wide");
    expect(body.length).toBe(121);
    expect(body.endsWith("…")).toBe(true);
    expect(updated).toBe("");
  });

  it("shows the day a runbook entry keeps: its update, else its creation", () => {
    const entry = (created_at: string | null, updated_at: string | null) =>
      ({
        record: "runbook",
        source: "csv",
        external_id: "7",
        company_external_id: null,
        company_name: "Acme",
        title: "Printers",
        body: "Reset the spooler",
        created_at,
        updated_at,
      }) as ImportRecord;
    expect(storedRow("runbooks", entry("2025-11-03T08:15:00.250Z", "2026-01-20T16:40:12.123456Z"))[3]).toBe(
      "2026-01-20",
    );
    expect(storedRow("runbooks", entry("2025-11-03T08:15:00.250Z", null))[3]).toBe("2025-11-03");
  });
});

describe("progress", () => {
  it("says rows, rate and time left", () => {
    expect(
      progressText({ rows_done: 1000, rows_total_estimate: 5000, rows_per_sec: 2345.6, eta_secs: 1.7 }),
    ).toBe("1,000 of about 5,000 rows · 2,346 rows/s · about 2 s left");
    expect(progressText({ rows_done: 3000, rows_total_estimate: null, rows_per_sec: 10, eta_secs: null })).toBe(
      "3,000 rows · 10 rows/s",
    );
    expect(progressText({ rows_done: 10, rows_total_estimate: 20, rows_per_sec: 9, eta_secs: 0.4 })).toBe(
      "10 of about 20 rows · 9 rows/s · less than a second left",
    );
    // Done: neither the estimate nor the time left.
    expect(
      progressText({ rows_done: 13, rows_total_estimate: 14, rows_per_sec: 7015, eta_secs: 0.1 }, false),
    ).toBe("13 rows · 7,015 rows/s");
  });

  it("fills the bar by the estimate, never past full, and not at all without one", () => {
    const p = { rows_per_sec: 1, eta_secs: null };
    expect(progressFraction({ ...p, rows_done: 250, rows_total_estimate: 1000 })).toBe(0.25);
    expect(progressFraction({ ...p, rows_done: 1200, rows_total_estimate: 1000 })).toBe(1);
    expect(progressFraction({ ...p, rows_done: 5, rows_total_estimate: null })).toBeNull();
    expect(progressFraction({ ...p, rows_done: 5, rows_total_estimate: 0 })).toBeNull();
  });

  it("writes durations people read", () => {
    expect(duration(0.2)).toBe("under a second");
    expect(duration(40)).toBe("40 s");
    expect(duration(125)).toBe("2 min 5 s");
    expect(duration(3 * 3600 + 120)).toBe("3 h 2 min");
    expect(duration(Number.NaN)).toBe("");
  });
});

describe("undo and export", () => {
  it("says what the undo removed, restored and kept", () => {
    expect(undoSummary({ batch_id: 3, removed: 1, restored: 0, kept: [] })).toBe(
      "Import 3 undone: 1 record removed, 0 restored.",
    );
    expect(
      undoSummary({
        batch_id: 4,
        removed: 5,
        restored: 2,
        kept: [{ kind: "contact", record_id: 9, reason: "has tickets" }],
      }),
    ).toBe("Import 4 undone: 5 records removed, 2 restored, 1 kept because they are in use since:");
  });

  it("counts tool links apart, and says nothing when the files had none", () => {
    expect(toolLinksSummary({ added: 0, changed: 0, unchanged: 0 }, true)).toBeNull();
    expect(toolLinksSummary({ added: 3, changed: 1, unchanged: 0 }, true)).toBe(
      "Tool links: 3 to add, 1 to change, 0 unchanged.",
    );
    expect(toolLinksSummary({ added: 3, changed: 1, unchanged: 2 }, false)).toBe(
      "Tool links: 3 added, 1 changed, 2 unchanged.",
    );
  });

  it("names the export after its kind, day and format", () => {
    expect(exportFileName("time_entries", "xlsx", "2026-12-06")).toBe("time-entries-2026-12-06.xlsx");
    expect(exportFileName("contacts", "csv", "2026-12-06")).toBe("contacts-2026-12-06.csv");
  });

  it("refuses a span whose last day is before its first", () => {
    expect(exportSpanProblem("", "")).toBeNull();
    expect(exportSpanProblem("2026-01-01", "")).toBeNull();
    expect(exportSpanProblem("2026-01-02", "2026-01-01")).not.toBeNull();
    expect(exportSpanProblem("2026-01-01", "2026-01-01")).toBeNull();
  });
});

describe("a cancelled run", () => {
  const at = (rows_done: number, rows_total_estimate: number | null) => ({
    rows_done,
    rows_total_estimate,
    rows_per_sec: 1000,
    eta_secs: null,
  });

  it("is told apart from a failure by its code, not its message", () => {
    expect(cancelledRun("IMPORT_CANCELLED", false, at(2000, 200_000))).toEqual({
      dryRun: false,
      rowsRead: 2000,
      rowsTotalEstimate: 200_000,
    });
    // A real failure whose message talks about cancelling is still an error.
    expect(cancelledRun("STORE_ERROR", false, at(2000, null))).toBeNull();
    expect(cancelledRun("IMPORT_RUNNING", true, null)).toBeNull();
  });

  it("says nothing was written, with the rows read when a report came", () => {
    const c = cancelledRun("IMPORT_CANCELLED", false, at(2000, 200_000))!;
    expect(cancelledText(c)).toBe(
      "Import cancelled: nothing was written. 2,000 of about 200,000 rows had been read; none were kept, the desk is as it was.",
    );
    expect(cancelledText(cancelledRun("IMPORT_CANCELLED", false, at(1, null))!)).toBe(
      "Import cancelled: nothing was written. 1 row had been read; none were kept, the desk is as it was.",
    );
    // No report yet (or only the first, empty one): no count is made up.
    expect(cancelledText(cancelledRun("IMPORT_CANCELLED", false, at(0, 5))!)).toBe(
      "Import cancelled: nothing was written. The desk is as it was.",
    );
    expect(cancelledText(cancelledRun("IMPORT_CANCELLED", true, at(3000, null))!)).toBe(
      "Dry run cancelled: nothing was written. 3,000 rows had been checked.",
    );
  });
});
