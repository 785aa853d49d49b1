import { describe, expect, it } from "vitest";
import type { Need, NeedCode } from "../ipc";
import { needAction, shownNeeds } from "./step-needs";

const need = (code: NeedCode, extra: Partial<Need> = {}): Need => ({
  code,
  message: code,
  step: null,
  field: null,
  blocking: code !== "breach_note",
  ...extra,
});

describe("needAction", () => {
  it("step 19's missing time entry is an 'Add time entry' button", () => {
    expect(needAction(need("time_entry_required"))).toEqual({ kind: "add_time_entry", label: "Add time entry" });
  });

  it("a missing step goes to that step", () => {
    expect(needAction(need("step_not_done", { step: 5 }))).toEqual({ kind: "go_to_step", step: 5, label: "Go to step 5" });
    expect(needAction(need("asset_required", { step: 2 }))?.kind).toBe("go_to_step");
  });

  it("a ticket on hold is released by the customer's reply, a breach note by its field", () => {
    expect(needAction(need("waiting_on_customer"))?.kind).toBe("customer_replied");
    expect(needAction(need("breach_note", { field: "breach_note" }))).toMatchObject({ kind: "focus_field", field: "breach_note" });
  });

  it("a state nothing in the window changes has no button", () => {
    expect(needAction(need("wrong_status"))).toBeNull();
    expect(needAction(need("ticket_closed"))).toBeNull();
  });
});

describe("shownNeeds", () => {
  it("lists each need once", () => {
    const a = need("step_not_done", { step: 5 });
    expect(shownNeeds([a, { ...a }, need("time_entry_required")])).toHaveLength(2);
  });
});
