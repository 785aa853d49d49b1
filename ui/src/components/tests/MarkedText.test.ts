// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import MarkedText from "../MarkedText.svelte";

describe("MarkedText", () => {
  let app: Record<string, unknown> | undefined;
  afterEach(() => {
    if (app) unmount(app);
    document.body.innerHTML = "";
  });

  it("marks the matched words and renders markup in ticket text as text", () => {
    (window as unknown as { pwned: boolean }).pwned = false;
    const evil = '<img src=x onerror="window.pwned=true"> and <b>bold</b> ';
    app = mount(MarkedText, {
      target: document.body,
      props: {
        parts: [
          { text: "Printer", mark: true },
          { text: ` offline ${evil}`, mark: false },
          { text: "<script>alert(1)</script>", mark: true },
        ],
      },
    });
    flushSync();
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector("b")).toBeNull();
    expect(document.querySelector("script")).toBeNull();
    expect(document.body.textContent).toBe(`Printer offline ${evil}<script>alert(1)</script>`);
    const marks = [...document.querySelectorAll("mark")].map((m) => m.textContent);
    expect(marks).toEqual(["Printer", "<script>alert(1)</script>"]);
    expect((window as unknown as { pwned: boolean }).pwned).toBe(false);
  });

  it("shows a hidden character inside a highlight as a marker and keeps the highlight", () => {
    app = mount(MarkedText, {
      target: document.body,
      props: {
        parts: [
          { text: "invoice_\u202Efdp", mark: true },
          { text: ".exe \u200Bnote", mark: false },
        ],
      },
    });
    flushSync();
    expect(document.body.textContent).toBe("invoice_⟦U+202E⟧fdp.exe ⟦U+200B⟧note");
    expect(document.body.textContent).not.toContain("\u202E");
    const marks = [...document.querySelectorAll("mark")];
    expect(marks.map((m) => m.textContent)).toEqual(["invoice_⟦U+202E⟧fdp"]);
    // The marker sits inside the highlight; the one after it is outside.
    const chips = [...document.querySelectorAll<HTMLElement>('[data-testid="hidden-char"]')];
    expect(chips.map((c) => c.textContent)).toEqual(["⟦U+202E⟧", "⟦U+200B⟧"]);
    expect(chips[0]!.closest("mark")).toBe(marks[0]);
    expect(chips[1]!.closest("mark")).toBeNull();
    expect(chips[0]!.title).toContain("right-to-left override");
  });
});
