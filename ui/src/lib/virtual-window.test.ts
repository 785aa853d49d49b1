import { describe, expect, it } from "vitest";
import { pagesCovering, revealRow, rowWindow } from "./virtual-window";

const base = { rowHeight: 40, viewportHeight: 400, count: 100_000, overscan: 5 };

describe("rowWindow", () => {
  it("draws the rows in view plus the overscan", () => {
    expect(rowWindow({ ...base, scrollTop: 0 })).toEqual({
      start: 0,
      end: 15,
      offsetY: 0,
      totalHeight: 4_000_000,
    });
    const mid = rowWindow({ ...base, scrollTop: 40_020 });
    expect(mid.start).toBe(995);
    expect(mid.end).toBe(1016);
    expect(mid.offsetY).toBe(995 * 40);
  });

  it("keeps the DOM small whatever the list length", () => {
    const w = rowWindow({ ...base, scrollTop: 2_000_000 });
    expect(w.end - w.start).toBeLessThanOrEqual(400 / 40 + 1 + 2 * 5);
  });

  it("clamps a scroll position past the end (the list shrank under it)", () => {
    const w = rowWindow({ ...base, count: 20, scrollTop: 99_999 });
    expect(w).toEqual({ start: 5, end: 20, offsetY: 200, totalHeight: 800 });
  });

  it("draws everything of a short list and nothing of an empty one", () => {
    expect(rowWindow({ ...base, count: 3, scrollTop: 0 })).toMatchObject({ start: 0, end: 3 });
    expect(rowWindow({ ...base, count: 0, scrollTop: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetY: 0,
      totalHeight: 0,
    });
  });
});

describe("pagesCovering", () => {
  it("names each page a row range touches", () => {
    expect(pagesCovering(0, 15, 200)).toEqual([0]);
    expect(pagesCovering(190, 215, 200)).toEqual([0, 1]);
    expect(pagesCovering(400, 400, 200)).toEqual([]);
    expect(pagesCovering(99_990, 100_000, 200)).toEqual([499]);
  });
});

describe("revealRow", () => {
  it("scrolls only as far as needed to show the row", () => {
    expect(revealRow(5, 0, 400, 40)).toBe(0);
    expect(revealRow(10, 0, 400, 40)).toBe(40);
    expect(revealRow(2, 200, 400, 40)).toBe(80);
  });
});
