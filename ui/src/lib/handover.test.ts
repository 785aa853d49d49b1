import { describe, expect, it } from "vitest";
import { RATING_SCALE, shortProblem } from "./handover.svelte";

describe("shortProblem", () => {
  it("keeps a short problem whole and takes only its first line", () => {
    expect(shortProblem("Outlook keeps asking for the password")).toBe("Outlook keeps asking for the password");
    expect(shortProblem("  Printer offline\nsince Monday, all floors ")).toBe("Printer offline");
    expect(shortProblem(undefined)).toBe("");
  });

  it("shortens a long one at a word, within the limit", () => {
    const long = "The laptop in the meeting room cannot reach the projector over the wireless display adapter any more";
    const short = shortProblem(long, 40);
    expect(short.length).toBeLessThanOrEqual(41);
    expect(short.endsWith("…")).toBe(true);
    expect(long.startsWith(short.slice(0, -1))).toBe(true);
    expect(short).not.toMatch(/ …$/);
    expect(shortProblem("x".repeat(100), 10)).toBe(`${"x".repeat(10)}…`);
  });
});

describe("RATING_SCALE", () => {
  it("labels every point from 1 (very dissatisfied) to 5 (very satisfied)", () => {
    expect(RATING_SCALE.map((p) => p.value)).toEqual([1, 2, 3, 4, 5]);
    expect(RATING_SCALE[0].label).toBe("Very dissatisfied");
    expect(RATING_SCALE[4].label).toBe("Very satisfied");
    expect(new Set(RATING_SCALE.map((p) => p.label)).size).toBe(5);
  });
});
