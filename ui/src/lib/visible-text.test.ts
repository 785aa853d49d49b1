import { describe, expect, it } from "vitest";
import hiddenChars from "./hidden-chars.json";
import { hiddenName, marked, marker, visibleParts } from "./visible-text";

describe("visible text", () => {
  // The core writes these examples with its own marking (src-tauri/core/src/text/visible.rs,
  // test the_ui_list_is_this_list); a UI that marks differently fails here.
  it("marks exactly as the core does", () => {
    expect(hiddenChars.cases.length).toBeGreaterThan(5);
    for (const c of hiddenChars.cases) {
      expect(marked(c.text), JSON.stringify(c.text)).toBe(c.marked);
      expect(visibleParts(c.text), JSON.stringify(c.text)).toEqual(c.parts);
    }
  });

  it("knows every range of the core's list, and nothing next to them", () => {
    for (const r of hiddenChars.ranges) {
      expect(hiddenName(r.first)).toBe(r.name);
      expect(hiddenName(r.last)).toBe(r.name);
      const after = r.last + 1;
      if (!hiddenChars.ranges.some((o) => o.first === after)) expect(hiddenName(after)).toBeNull();
    }
  });

  it("shows a right-to-left override instead of applying it", () => {
    expect(marked("invoice_\u202Efdp.exe")).toBe("invoice_⟦U+202E⟧fdp.exe");
    expect(marker(0x1f600)).toBe("⟦U+1F600⟧");
    expect(marked("山田 太郎\tשלום\n")).toBe("山田 太郎\tשלום\n");
    expect(visibleParts("\u200B")).toEqual([{ hidden: 0x200b }]);
  });
});
