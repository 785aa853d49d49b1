import { describe, expect, it } from "vitest";
import type { JsonValue } from "../ipc";
import { auditDetail, auditTitle, describeAudit, lineText, type AuditContext } from "./audit";

const field = (key: string, label: string, kind: Record<string, unknown>) => ({ key, label, kind, required: true });

/** The ticket view pieces the timeline reads, for a ticket of Acme's with one caller and asset. */
const ctx = {
  phases: [
    {
      key: "intake",
      title: "Intake",
      done: 0,
      total: 0,
      steps: [
        { number: 3, title: "Assign priority", fields: [field("impact", "Impact", { type: "impact" }), field("urgency", "Urgency", { type: "urgency" })] },
        { number: 6, title: "Reproduce the issue on the affected endpoint", fields: [field("notes", "Notes", { type: "paragraph", max_chars: 100 })] },
        {
          number: 13,
          title: "Verify the fix with the user",
          fields: [
            field("outcome", "Outcome", { type: "list", options: ["Verified", "Still failing"], multiple: false }),
            field("signature", "End-user signature", { type: "signature", role: "end_user", meaning: "fix verified" }),
          ],
        },
        { number: 18, title: "Send the CSAT survey", fields: [field("rating", "Rating (1-5) or sent", { type: "rating" })] },
        { number: 20, title: "Update IT Glue", fields: [field("runbooks", "Runbook entries", { type: "runbook_links" })] },
      ],
    },
  ],
  contact: { id: 7, name: "Dana Ortiz" },
  company: { id: 2, name: "Acme GmbH" },
  assets: [{ id: 11, hostname: "ACME-LT-042" }],
  incident: null,
  runbooks: [{ id: 19, title: "VPN split tunnel", snippet: "" }],
} as unknown as AuditContext;

function lines(action: string, before: JsonValue, after: JsonValue): string[] {
  return describeAudit({ action, before, after }, ctx).lines.map(lineText);
}

const snap = (over: Record<string, JsonValue> = {}) => ({
  status: "open",
  contact_id: 7,
  company_id: 2,
  asset_ids: [11],
  priority: null,
  escalated: false,
  verification_failed: false,
  ...over,
});

describe("auditTitle", () => {
  const titles = new Map([[6, "Reproduce the issue on the affected endpoint"]]);

  it("names the step of a step event", () => {
    expect(auditTitle("step_6_completed", titles)).toBe("Step 6 completed: Reproduce the issue on the affected endpoint");
    expect(auditTitle("step_9_completed", titles)).toBe("Step 9 completed");
  });

  it("turns other actions into words", () => {
    expect(auditTitle("caller_override", titles)).toBe("Caller override");
    expect(auditTitle("waiting_on_customer", titles)).toBe("Waiting on customer");
    expect(auditTitle("something_new_from_the_core", titles)).toBe("Something new from the core");
  });
});

describe("describeAudit: ticket events", () => {
  it("ticket_created names the number and who it is assigned to", () => {
    expect(describeAudit({ action: "ticket_created", before: null, after: { number: "T-000042" } }, ctx)).toEqual({
      title: "Ticket created",
      lines: [{ label: "Number", before: null, after: "T-000042" }],
    });
    expect(lines("ticket_created", null, { number: "T-000042", assignee: "Dana Ortiz" })).toEqual([
      "Number: T-000042",
      "Assigned: Dana Ortiz",
    ]);
  });

  it("ticket_discarded names the draft and the time that went with it", () => {
    const before = { number: "T-000043", status: "new", assignee: "Dana Ortiz", time_entry_minutes: [30, 90] };
    expect(describeAudit({ action: "ticket_discarded", before, after: null }, ctx)).toEqual({
      title: "Draft discarded",
      lines: [
        { label: "Number", before: null, after: "T-000043" },
        { label: "Time entries removed with it", before: null, after: "30m, 1h 30m" },
      ],
    });
    expect(lines("ticket_discarded", { ...before, time_entry_minutes: [] }, null)).toEqual(["Number: T-000043"]);
  });

  it("step_N_completed lists what changed on the ticket, then the step's values by label", () => {
    expect(
      lines("step_3_completed", snap(), { ticket: snap({ priority: "P2" }), values: { impact: "user", urgency: "blocked" } }),
    ).toEqual(["Priority: — → P2", "Impact: One user", "Urgency: Blocked"]);
    expect(describeAudit({ action: "step_3_completed", before: snap(), after: { ticket: snap(), values: {} } }, ctx).title).toBe(
      "Step 3 completed: Assign priority",
    );
  });

  it("a step that moves the status says so in words", () => {
    expect(
      lines("step_21_completed", snap({ status: "resolved" }), {
        ticket: snap({ status: "closed" }),
        values: { resolution_code: "Workaround provided" },
      }),
    ).toEqual(["Status: resolved → closed", "Resolution code: Workaround provided"]);
    expect(lines("step_10_completed", snap(), { ticket: snap({ status: "escalated", escalated: true }), values: {} })).toEqual([
      "Status: open → escalated",
      "Escalated: no → yes",
    ]);
  });

  it("names the client, the caller and the assets a step set", () => {
    expect(
      lines("step_1_completed", snap({ status: "new", contact_id: null, company_id: null, asset_ids: [] }), {
        ticket: snap({ status: "new" }),
        values: {},
      }),
    ).toEqual(["Client: — → Acme GmbH", "Caller: — → Dana Ortiz", "Assets: — → ACME-LT-042"]);
    expect(lines("step_2_completed", snap({ asset_ids: [] }), { ticket: snap({ asset_ids: [11, 99] }), values: {} })).toEqual([
      "Assets: — → ACME-LT-042, Asset #99",
    ]);
  });

  it("a signature reads as who signed, never as its data; a failed fix is said", () => {
    const signature = { signer_name: "Dana Ortiz", role: "end_user", strokes_sha256: "ab12", content: "We fixed it" };
    expect(
      lines("step_13_completed", snap({ status: "escalated" }), {
        ticket: snap({ status: "resolved" }),
        values: { outcome: "Verified", signature },
      }),
    ).toEqual(["Status: escalated → resolved", "Outcome: Verified", "End-user signature: signed by Dana Ortiz"]);
    expect(lines("step_13_completed", snap(), { ticket: snap({ verification_failed: true }), values: { outcome: "Still failing" } })).toEqual([
      "Fix verification failed: no → yes",
      "Outcome: Still failing",
    ]);
  });

  it("ratings, runbook links and fields the template no longer has", () => {
    expect(lines("step_18_completed", snap(), { ticket: snap(), values: { rating: 4 } })).toEqual(["Rating (1-5) or sent: 4 out of 5"]);
    expect(lines("step_20_completed", snap(), { ticket: snap(), values: { runbooks: [19] } })).toEqual(["Runbook entries: VPN split tunnel"]);
    expect(lines("step_6_completed", snap(), { ticket: snap(), values: { notes: "Seen it", legacy_flag: true } })).toEqual([
      "Notes: Seen it",
      "Legacy flag: yes",
    ]);
  });

  it("assigned", () => {
    expect(lines("assigned", { assignee: null }, { assignee: "Dana Ortiz" })).toEqual(["Assigned: — → Dana Ortiz"]);
    expect(lines("assigned", { assignee: "Dana Ortiz" }, { assignee: null })).toEqual(["Assigned: Dana Ortiz → —"]);
    expect(describeAudit({ action: "assigned", before: { assignee: "Dana Ortiz" }, after: { assignee: null, escalation: true, to: "tier2_queue" } }, ctx)).toEqual({
      title: "Escalated",
      lines: [{ label: "Assigned", before: "Dana Ortiz", after: "Tier 2 queue" }],
    });
    expect(describeAudit({ action: "assigned", before: { assignee: "Dana Ortiz" }, after: { assignee: "Sam Lee", escalation: true, to: "technician" } }, ctx)).toEqual({
      title: "Escalated",
      lines: [{ label: "Assigned", before: "Dana Ortiz", after: "Sam Lee" }],
    });
  });

  it("waiting_on_customer and customer_replied, with anything else they carry", () => {
    expect(lines("waiting_on_customer", { status: "open" }, { status: "waiting_on_customer" })).toEqual([
      "Status: open → waiting on customer",
    ]);
    expect(
      lines("waiting_on_customer", { status: "escalated" }, { status: "waiting_on_customer", reason: "Needs the admin password", follow_up_on: "2026-03-05" }),
    ).toEqual(["Status: escalated → waiting on customer", "Reason: Needs the admin password", "Follow up on: 2026-03-05"]);
    expect(lines("customer_replied", { status: "waiting_on_customer" }, { status: "open" })).toEqual([
      "Status: waiting on customer → open",
    ]);
  });

  it("caller_override", () => {
    expect(lines("caller_override", { contact_id: 7, refusal: "terminated on 2026-01-31" }, { reason: "Manager approved" })).toEqual([
      "Caller: Dana Ortiz",
      "Refused because: terminated on 2026-01-31",
      "Reason for the override: Manager approved",
    ]);
  });

  it("page_on_call", () => {
    expect(lines("page_on_call", null, { priority: "P1", reason: "SLA response at risk" })).toEqual([
      "Priority: P1",
      "Why: SLA response at risk",
    ]);
  });

  it("signature_invalidated", () => {
    expect(
      lines("signature_invalidated", { step: 13, content_sha256: "ab" }, { reason: "the summary changed after it was signed" }),
    ).toEqual(["Signature: step 13", "Why: the summary changed after it was signed"]);
  });

  it("time_entry_added and time_entry_changed", () => {
    const entry = { id: 5, ticket_id: 1, technician: "Dana Ortiz", started_at: "2026-03-02T09:00:00Z", minutes: 90, billable: true, work_type: "remote", note: "" };
    expect(lines("time_entry_added", null, entry)).toEqual(["Time: 1h 30m, billable", "Technician: Dana Ortiz", "Work: remote"]);
    expect(lines("time_entry_changed", entry, { ...entry, minutes: 45, billable: false, note: "Phone call" })).toEqual([
      "Time: 1h 30m → 45m",
      "Billable: yes → no",
      "Note: — → Phone call",
    ]);
  });

  it("says recorded times in the client's zone, not as raw ISO text", () => {
    const berlin = { ...ctx, time_zone: "Europe/Berlin" } as AuditContext;
    const entry = { id: 5, ticket_id: 1, technician: "Dana Ortiz", started_at: "2026-03-02T09:00:00Z", minutes: 90, billable: true, work_type: "remote", note: "" };
    const moved = describeAudit(
      { action: "time_entry_changed", before: entry, after: { ...entry, started_at: "2026-03-02T13:05:00Z" } },
      berlin,
    ).lines;
    expect(moved).toHaveLength(1);
    expect(moved[0].label).toBe("Started at");
    expect(moved[0].before).toMatch(/10:00/);
    expect(moved[0].after).toMatch(/14:05|2:05/);
    expect(lineText(moved[0])).not.toContain("2026-03-02T");
    // A date alone is not a time of day: it stays as recorded.
    const waiting = describeAudit({ action: "waiting_on_customer", before: { status: "open" }, after: { status: "waiting_on_customer", follow_up_on: "2026-03-05" } }, berlin);
    expect(waiting.lines.map(lineText)).toContain("Follow up on: 2026-03-05");
  });

  it("runbook_linked names the entry", () => {
    expect(lines("runbook_linked", null, { runbook_id: 19 })).toEqual(["Runbook entry: VPN split tunnel"]);
    expect(lines("runbook_linked", null, { runbook_id: 3 })).toEqual(["Runbook entry: Runbook entry #3"]);
  });
});

describe("describeAudit: desk events", () => {
  it("runbook_entry_added and runbook_entries_imported", () => {
    expect(lines("runbook_entry_added", null, { id: 3, company_id: 2, title: "Printer queue" })).toEqual(["Company id: 2", "Title: Printer queue"]);
    expect(describeAudit({ action: "runbook_entries_imported", before: null, after: { count: 4, first_id: 1, last_id: 4 } }, ctx)).toEqual({
      title: "Runbook entries imported",
      lines: [{ label: "Entries", before: null, after: "4" }],
    });
  });

  it("pin_set and pin_rejected never show a PIN, only who and how often", () => {
    expect(lines("pin_set", null, { technician: "Dana Ortiz" })).toEqual(["Technician: Dana Ortiz"]);
    expect(lines("pin_rejected", null, { technician: "Dana Ortiz", failures: 2, locked_until: null })).toEqual([
      "Technician: Dana Ortiz",
      "Wrong PINs in a row: 2",
    ]);
    expect(lines("pin_rejected", null, { technician: "Dana Ortiz", failures: 5, locked_until: "2026-03-02T09:05:00Z" })).toContain(
      "Locked until: 2026-03-02T09:05:00Z",
    );
  });

  it("directory records: added lists the record, changed lists only what differs", () => {
    expect(lines("company_added", null, { id: 2, name: "Acme GmbH", tier: "gold", calendar: { kind: "always_on" } })).toEqual([
      "Name: Acme GmbH",
      "Tier: gold",
      'Calendar: {"kind":"always_on"}',
    ]);
    for (const action of ["contact_added", "asset_added", "technician_added", "incident_added"]) {
      expect(lines(action, null, { id: 1, name: "X", email: null })).toEqual(["Name: X"]);
    }
    expect(lines("company_changed", { id: 2, name: "Acme", tier: "gold" }, { id: 2, name: "Acme GmbH", tier: "gold" })).toEqual([
      "Name: Acme → Acme GmbH",
    ]);
    expect(lines("contact_changed", { id: 7, authorized: true }, { id: 7, authorized: false })).toEqual(["Authorized: yes → no"]);
    expect(lines("asset_changed", { id: 1, serial: null }, { id: 1, serial: "SN1" })).toEqual(["Serial: — → SN1"]);
  });

  it("setting_changed and priority_matrix_changed", () => {
    expect(lines("setting_changed", { key: "report.msp_name", value: null }, { key: "report.msp_name", value: "Northwind IT" })).toEqual([
      "Desk name on reports: — → Northwind IT",
    ]);
    expect(lines("setting_changed", { key: "report.paper_size", value: "a4" }, { key: "report.paper_size", value: "letter" })).toEqual([
      "Report paper size: a4 → letter",
    ]);
    expect(lines("setting_changed", { key: "report.logo", value: null }, { key: "report.logo", value: "iVBORw0KGgo…" })).toEqual([
      "Report logo: none → set",
    ]);
    expect(lines("setting_changed", { key: "desk.time_zone", value: null }, { key: "desk.time_zone", value: "Europe/Berlin" })).toEqual([
      "Time zone: — → Europe/Berlin",
    ]);
    const m = [
      ["P1", "P1", "P2"],
      ["P1", "P2", "P3"],
      ["P2", "P3", "P4"],
    ];
    const changed = m.map((r) => [...r]);
    changed[1][1] = "P1";
    expect(lines("priority_matrix_changed", { cells: m }, { cells: changed })).toEqual(["Department × Degraded: P2 → P1"]);
  });

  it("desk_set_up and runbook entries created or updated", () => {
    expect(describeAudit({ action: "desk_set_up", before: null, after: { desk_name: "Northwind IT", time_zone: "Europe/Berlin", technician: "Dana Ortiz" } }, ctx)).toEqual({
      title: "Desk set up",
      lines: [
        { label: "Desk name", before: null, after: "Northwind IT" },
        { label: "Time zone", before: null, after: "Europe/Berlin" },
        { label: "Technician", before: null, after: "Dana Ortiz" },
      ],
    });
    expect(describeAudit({ action: "runbook_entry_created", before: null, after: { id: 4, company_id: 2, title: "VPN", body: "Use split tunnel" } }, ctx)).toEqual({
      title: "Runbook entry created",
      lines: [
        { label: "Company id", before: null, after: "2" },
        { label: "Title", before: null, after: "VPN" },
        { label: "Body", before: null, after: "Use split tunnel" },
      ],
    });
    expect(lines("runbook_entry_updated", { id: 4, title: "VPN", body: "a" }, { id: 4, title: "VPN", body: "b" })).toEqual(["Body: a → b"]);
  });

  it("technicians: added, switched to, deactivated", () => {
    expect(describeAudit({ action: "technician_added", before: null, after: { id: 2, name: "Sam Lee", tier: "tier2", email: null, on_call: true, active: true } }, ctx)).toEqual({
      title: "Technician added",
      lines: [
        { label: "Name", before: null, after: "Sam Lee" },
        { label: "Tier", before: null, after: "tier2" },
        { label: "On call", before: null, after: "yes" },
        { label: "Active", before: null, after: "yes" },
      ],
    });
    expect(describeAudit({ action: "technician_switched", before: { technician: "Dana Ortiz" }, after: { technician: "Sam Lee" } }, ctx)).toEqual({
      title: "Current technician changed",
      lines: [{ label: "Current technician", before: "Dana Ortiz", after: "Sam Lee" }],
    });
    expect(lines("technician_switched", { technician: null }, { technician: "Sam Lee" })).toEqual(["Current technician: — → Sam Lee"]);
    expect(describeAudit({ action: "technician_deactivated", before: { id: 2, name: "Sam Lee", active: true }, after: { id: 2, name: "Sam Lee", active: false } }, ctx)).toEqual({
      title: "Technician deactivated",
      lines: [{ label: "Active", before: "yes", after: "no" }],
    });
  });

  it("an action it does not know still reads as a change list", () => {
    expect(lines("asset_retired", { retired: false }, { retired: true })).toEqual(["Retired: no → yes"]);
    expect(lines("something_recorded", null, "plain")).toEqual(["Value: plain"]);
  });
});

describe("auditDetail", () => {
  it("keeps markup as plain text", () => {
    expect(auditDetail({ problem: "<img src=x onerror=alert(1)>" })).toContain('"<img src=x onerror=alert(1)>"');
    expect(auditDetail(null)).toBe("—");
  });

  it("change lines carry ticket text as it is (the timeline renders text, not markup)", () => {
    expect(lines("step_6_completed", snap(), { ticket: snap(), values: { notes: "<b>x</b>" } })).toEqual(["Notes: <b>x</b>"]);
  });
});
