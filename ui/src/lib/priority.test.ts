import { describe, expect, it } from "vitest";
import { IMPACTS, URGENCIES, matrixPriority, previewPriority } from "./priority";

describe("matrixPriority", () => {
  it("follows the default matrix cell by cell", () => {
    const table = IMPACTS.map((i) => URGENCIES.map((u) => matrixPriority(i, u)));
    expect(table).toEqual([
      ["P1", "P2", "P3"],
      ["P2", "P3", "P4"],
      ["P2", "P3", "P4"],
    ]);
  });

  it("has no answer until both impact and urgency are chosen", () => {
    expect(matrixPriority("user", null)).toBeNull();
    expect(matrixPriority(null, "blocked")).toBeNull();
  });
});

describe("previewPriority", () => {
  it("takes the matrix's priority when the technician has not chosen", () => {
    expect(previewPriority("organization", "blocked", null)).toEqual({
      computed: "P1",
      effective: "P1",
      overridden: false,
    });
  });

  it("flags a different choice as an override that needs a reason", () => {
    expect(previewPriority("user", "request", "P2")).toEqual({
      computed: "P4",
      effective: "P2",
      overridden: true,
    });
  });

  it("choosing the matrix's own answer is no override", () => {
    expect(previewPriority("user", "blocked", "P2").overridden).toBe(false);
  });

  it("a choice made before the matrix has an answer is not yet an override", () => {
    expect(previewPriority(null, "blocked", "P3")).toEqual({
      computed: null,
      effective: "P3",
      overridden: false,
    });
  });
});
