import { describe, expect, it } from "vitest";
import type { Field, StepView, TicketView } from "../ipc";
import { describeValue, initialValues, submission } from "./step-values";

const paragraph = (key: string): Field => ({
  key,
  label: key,
  kind: { type: "paragraph", max_chars: 20_000 },
  required: true,
});
const list: Field = {
  key: "decision",
  label: "Decision",
  kind: { type: "list", options: ["Resolve at Tier 1", "Escalate to Tier 2"], multiple: false },
  required: true,
};
const signature: Field = {
  key: "signature",
  label: "Signature",
  kind: { type: "signature", role: "technician", meaning: "closure sign-off" },
  required: true,
};

describe("initialValues", () => {
  it("starts from the last completion, with newer drafts on top", () => {
    const step = {
      completion: { values: { decision: "Escalate to Tier 2", reason: "old" } },
      drafts: { reason: "typed since" },
    } as unknown as StepView;
    expect(initialValues(step)).toEqual({ decision: "Escalate to Tier 2", reason: "typed since" });
  });

  it("starts step 11 from the core's prefill, which drafts and a completion replace", () => {
    const step = {
      completion: null,
      prefill: { symptom: "Outlook hangs", repro_steps: "Start Outlook" },
      drafts: { repro_steps: "typed since" },
    } as unknown as StepView;
    expect(initialValues(step)).toEqual({ symptom: "Outlook hangs", repro_steps: "typed since" });
  });
});

describe("submission", () => {
  it("keeps the step's own filled-in fields and leaves signatures to their feature", () => {
    const fields = [list, paragraph("reason"), signature];
    expect(
      submission(fields, { decision: "Escalate to Tier 2", reason: "  ", signature: "x", other: 1 }),
    ).toEqual({ decision: "Escalate to Tier 2" });
  });
});

describe("describeValue", () => {
  const view = {
    contact: { id: 5, name: "Dana Costa" },
    assets: [{ id: 31, hostname: "WS-031" }],
    incident: null,
    runbooks: [{ id: 2, title: "VPN exceptions", snippet: "" }],
  } as unknown as TicketView;
  const typed = (type: Field["kind"]["type"]): Field =>
    ({ key: "k", label: "k", kind: { type }, required: false }) as Field;

  it("names records the ticket view carries, and numbers the others", () => {
    expect(describeValue(typed("contact"), 5, view)).toBe("Dana Costa");
    expect(describeValue(typed("assets"), [31, 40], view)).toBe("WS-031, Asset #40");
    expect(describeValue(typed("runbook_links"), [2], view)).toBe("VPN exceptions");
    expect(describeValue(typed("parent_incident"), 7, view)).toBe("Incident #7");
  });

  it("reads enums and ratings in words", () => {
    expect(describeValue(typed("impact"), "department", view)).toBe("Department");
    expect(describeValue(typed("urgency"), "blocked", view)).toBe("Blocked");
    expect(describeValue(typed("rating"), 4, view)).toBe("4 out of 5");
    expect(describeValue(typed("rating"), "sent", view)).toBe("Survey sent, no answer yet");
    expect(describeValue(list, ["a", "b"], view)).toBe("a, b");
  });

  it("reads a desk's yes/no, number and day as the technician entered them", () => {
    expect(describeValue(typed("yes_no"), true, view)).toBe("Yes");
    expect(describeValue(typed("yes_no"), false, view)).toBe("No");
    expect(describeValue(typed("number"), 7.25, view)).toBe("7.25");
    expect(describeValue(typed("number"), -40, view)).toBe("-40");
    // The day in the window's own words, never shifted by a zone.
    const day = describeValue(typed("date"), "2026-12-06", view);
    expect(day).toMatch(/2026/);
    expect(day).toMatch(/\b6\b/);
    expect(day).not.toBe("2026-12-06");
  });
});
