import { describe, expect, it } from "vitest";
import type { Asset, ContactHit, StepView, TicketView } from "../ipc";
import {
  emptyIntake,
  intakeSubmissions,
  unsentSubmissions,
  withCaller,
  type IntakeDraft,
} from "./intake";

function hit(id: number, companyId: number, refusal: string | null = null): ContactHit {
  return {
    contact: {
      id,
      company_id: companyId,
      name: `Contact ${id}`,
      email: null,
      phone: null,
      upn: null,
      authorized: refusal === null,
      terminated_on: null,
    },
    company: `Company ${companyId}`,
    tier: "gold",
    refusal,
  };
}

const asset: Asset = {
  id: 31,
  company_id: 1,
  hostname: "WS-031",
  kind: "laptop",
  serial: null,
  assigned_upn: null,
  rmm_id: null,
  rmm_url: null,
};

function complete(): IntakeDraft {
  return {
    ...withCaller(emptyIntake(), hit(5, 1)),
    assets: [asset],
    impact: "user",
    urgency: "blocked",
    problem: "Outlook will not start",
  };
}

describe("withCaller", () => {
  it("authorizes a caller without a refusal", () => {
    expect(withCaller(emptyIntake(), hit(5, 1)).authorization).toBe("Authorized");
  });

  it("leaves a refused caller unauthorized until an override is chosen", () => {
    const d = withCaller(emptyIntake(), hit(6, 1, "Contact 6 was terminated on 2026-01-31"));
    expect(d.authorization).toBeNull();
  });

  it("clears the assets when the caller belongs to another company", () => {
    const d = { ...withCaller(emptyIntake(), hit(5, 1)), assets: [asset] };
    expect(withCaller(d, hit(9, 1)).assets).toEqual([asset]);
    expect(withCaller(d, hit(8, 2)).assets).toEqual([]);
  });
});

describe("intakeSubmissions", () => {
  it("turns the form into the five steps' values by key, the priority with the core's matrix answer", () => {
    expect(intakeSubmissions(complete(), "P2")).toEqual([
      { key: "verify_caller", values: { contact: 5, authorization: "Authorized" } },
      { key: "scope_assets", values: { assets: [31] } },
      { key: "set_priority", values: { impact: "user", urgency: "blocked", priority: "P2" } },
      { key: "check_noc", values: {} },
      { key: "open_ticket", values: { problem_statement: "Outlook will not start" } },
    ]);
  });

  it("sends the override reasons only with an override", () => {
    const d: IntakeDraft = {
      ...complete(),
      authorization: "Override",
      overrideReason: "Manager confirmed by phone",
      priority: "P1",
      priorityReason: "CEO's laptop",
    };
    const [s1, , s3] = intakeSubmissions(d, "P2");
    expect(s1?.values).toEqual({
      contact: 5,
      authorization: "Override",
      override_reason: "Manager confirmed by phone",
    });
    expect(s3?.values).toEqual({
      impact: "user",
      urgency: "blocked",
      priority: "P1",
      override_reason: "CEO's laptop",
    });
  });
});

describe("intakeSubmissions for the preview", () => {
  it("leaves the priority out without a pick, so the core answers with its matrix", () => {
    expect(intakeSubmissions(complete(), null)[2]).toEqual({
      key: "set_priority",
      values: { impact: "user", urgency: "blocked" },
    });
  });

  it("follows whatever the core's matrix gave, not a copy kept here", () => {
    expect(intakeSubmissions(complete(), "P4")[2]?.values.priority).toBe("P4");
    expect(intakeSubmissions(complete(), "P1")[2]?.values.priority).toBe("P1");
  });

  it("keeps the technician's explicit pick and its reason", () => {
    const d: IntakeDraft = { ...complete(), priority: "P3", priorityReason: "VIP" };
    expect(intakeSubmissions(d, "P1")[2]?.values).toEqual({
      impact: "user",
      urgency: "blocked",
      priority: "P3",
      override_reason: "VIP",
    });
  });
});

const KEYS = ["verify_caller", "scope_assets", "set_priority", "check_noc", "open_ticket"];

/** A ticket at intake; `order` gives the keys in the template's order (numbered 1, 2, …). */
function view(done: Record<number, Record<string, unknown>>, order: string[] = KEYS): TicketView {
  const step = (n: number): StepView => ({
    number: n,
    key: order[n - 1] ?? `s${n}`,
    title: `Step ${n}`,
    guidance: "",
    fields: [],
    state: n in done ? { state: "done" } : { state: "available" },
    completion:
      n in done
        ? {
            id: n,
            step: n,
            completed_by: "amy",
            completed_at: "2026-03-02T10:00:00Z",
            values: done[n] as never,
            superseded: false,
          }
        : null,
    drafts: {},
    needs: [],
    prefill: {},
    tools: [],
  });
  return {
    phases: [{ key: "intake", title: "Intake", done: 0, total: order.length, steps: order.map((_, i) => step(i + 1)) }],
  } as unknown as TicketView;
}

describe("unsentSubmissions", () => {
  it("skips steps already done with the same values", () => {
    const all = intakeSubmissions(complete(), "P2");
    const v = view({ 1: { authorization: "Authorized", contact: 5 }, 2: { assets: [31] } });
    expect(unsentSubmissions(v, all).map((s) => s.step)).toEqual([3, 4, 5]);
  });

  it("sends a changed step and every step after it", () => {
    const all = intakeSubmissions(complete(), "P2");
    const v = view({ 1: { contact: 4, authorization: "Authorized" }, 2: { assets: [31] } });
    expect(unsentSubmissions(v, all).map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("a desk's own template", () => {
  it("numbers the steps as this ticket's template does, in its order", () => {
    const order = ["verify_caller", "check_noc", "set_priority", "scope_assets", "open_ticket"];
    const sent = unsentSubmissions(view({}, order), intakeSubmissions(complete(), "P2"));
    expect(sent.map((s) => [s.key, s.step])).toEqual([
      ["verify_caller", 1],
      ["check_noc", 2],
      ["set_priority", 3],
      ["scope_assets", 4],
      ["open_ticket", 5],
    ]);
  });

  it("leaves out a step the desk removed and sends the desk's own steps", () => {
    const order = ["verify_caller", "scope_assets", "set_priority", "site_access", "open_ticket"];
    const d: IntakeDraft = { ...complete(), custom: { site_access: { badge: "yes" } } };
    const sent = unsentSubmissions(view({}, order), intakeSubmissions(d, "P2"));
    expect(sent.map((s) => s.key)).toEqual(["verify_caller", "scope_assets", "set_priority", "site_access", "open_ticket"]);
    expect(sent[3]).toEqual({ key: "site_access", step: 4, values: { badge: "yes" } });
  });

  it("does not send a desk's own step left empty", () => {
    const d: IntakeDraft = { ...complete(), custom: { site_access: {}, call_channel: { channel: "" } } };
    expect(intakeSubmissions(d, "P2").map((s) => s.key)).not.toContain("site_access");
    expect(intakeSubmissions(d, "P2").map((s) => s.key)).not.toContain("call_channel");
  });
});
