import { describe, expect, it } from "vitest";
import { auditDetail, auditTitle } from "./audit";

describe("auditTitle", () => {
  const titles = new Map([[6, "Reproduce the issue on the affected endpoint"]]);

  it("names the step of a step event", () => {
    expect(auditTitle("step_6_completed", titles)).toBe(
      "Step 6 completed: Reproduce the issue on the affected endpoint",
    );
    expect(auditTitle("step_9_completed", titles)).toBe("Step 9 completed");
  });

  it("turns other actions into words", () => {
    expect(auditTitle("caller_override", titles)).toBe("Caller override");
    expect(auditTitle("waiting_on_customer", titles)).toBe("Waiting on customer");
  });
});

describe("auditDetail", () => {
  it("keeps markup as plain text", () => {
    expect(auditDetail({ problem: "<img src=x onerror=alert(1)>" })).toContain(
      '"<img src=x onerror=alert(1)>"',
    );
    expect(auditDetail(null)).toBe("—");
  });
});
