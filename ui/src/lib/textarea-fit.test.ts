import { describe, expect, it } from "vitest";
import { fitToText } from "./textarea-fit";

/** A box whose text needs `scrollHeight` px inside a 2 px border (top + bottom). */
function box(scrollHeight: number) {
  return { scrollHeight, offsetHeight: 102, clientHeight: 100, style: { height: "", overflowY: "" } };
}

describe("fitToText", () => {
  it("grows the box to its text, border included, without a scrollbar", () => {
    const b = box(240);
    fitToText(b, 1000);
    expect(b.style).toEqual({ height: "242px", overflowY: "hidden" });
  });

  it("stops at 60% of the window and scrolls past it", () => {
    const b = box(900);
    fitToText(b, 1000);
    expect(b.style).toEqual({ height: "600px", overflowY: "auto" });
  });

  it("does nothing before the box exists", () => {
    expect(() => fitToText(undefined, 1000)).not.toThrow();
  });
});
