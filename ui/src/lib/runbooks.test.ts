import { describe, expect, it } from "vitest";
import { RUNBOOK_BODY_MAX, RUNBOOK_TITLE_MAX, runbookFieldFor, runbookProblems, withLink } from "./runbooks";

const entry = { company_id: 3, title: "VPN", body: "split tunnel" };

describe("runbookProblems", () => {
  it("asks for a title", () => {
    expect(runbookProblems({ ...entry, title: "  " }, null)).toHaveProperty("title");
  });

  it("refuses a title or a text over the core's limits, and takes them at the limit", () => {
    expect(runbookProblems({ ...entry, title: "t".repeat(RUNBOOK_TITLE_MAX + 1) }, null)).toHaveProperty("title");
    expect(runbookProblems({ ...entry, body: "é".repeat(RUNBOOK_BODY_MAX + 1) }, null)).toHaveProperty("body");
    expect(
      runbookProblems({ ...entry, title: "t".repeat(RUNBOOK_TITLE_MAX), body: "é".repeat(RUNBOOK_BODY_MAX) }, null),
    ).toEqual({});
  });

  it("says when an edit changes nothing", () => {
    expect(runbookProblems(entry, entry)).toHaveProperty("body");
    expect(runbookProblems({ ...entry, company_id: null }, entry)).toEqual({});
  });
});

describe("runbookFieldFor", () => {
  it("puts the core's refusals at their field", () => {
    expect(runbookFieldFor("RUNBOOK_TITLE_INVALID")).toBe("title");
    expect(runbookFieldFor("RUNBOOK_BODY_TOO_LONG")).toBe("body");
    expect(runbookFieldFor("RUNBOOK_OTHER_CLIENT")).toBe("company");
    expect(runbookFieldFor("STORE_ERROR")).toBeNull();
  });
});

describe("withLink", () => {
  it("adds the entry once to what the field held", () => {
    expect(withLink(undefined, 4)).toEqual([4]);
    expect(withLink([1, 4], 4)).toEqual([1, 4]);
    expect(withLink([1], 4)).toEqual([1, 4]);
  });
});
