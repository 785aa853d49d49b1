// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import VisibleText from "../VisibleText.svelte";

describe("VisibleText", () => {
  let app: Record<string, unknown> | undefined;
  afterEach(() => {
    if (app) unmount(app);
    document.body.innerHTML = "";
  });

  function show(text: string): HTMLElement {
    app = mount(VisibleText, { target: document.body, props: { text } });
    flushSync();
    return document.body;
  }

  it("shows a right-to-left override as a marked chip and never applies it", () => {
    const body = show("invoice_\u202Efdp.exe");
    const bdi = body.querySelector("bdi.visible-text");
    expect(bdi).not.toBeNull();
    expect(body.textContent).toBe("invoice_⟦U+202E⟧fdp.exe");
    expect(body.textContent).not.toContain("\u202E");
    const chips = [...body.querySelectorAll<HTMLElement>('[data-testid="hidden-char"]')];
    expect(chips.map((c) => c.textContent)).toEqual(["⟦U+202E⟧"]);
    expect(chips[0]!.title).toContain("right-to-left override");
    expect(chips[0]!.getAttribute("dir")).toBe("ltr");
  });

  it("marks every hidden character, keeps other scripts as they are", () => {
    const body = show("山田\u200B太郎 שלום\u2066x\u2069 شركة\u00AD");
    const chips = [...body.querySelectorAll('[data-testid="hidden-char"]')].map((c) => c.textContent);
    expect(chips).toEqual(["⟦U+200B⟧", "⟦U+2066⟧", "⟦U+2069⟧", "⟦U+00AD⟧"]);
    expect(body.textContent).toBe("山田⟦U+200B⟧太郎 שלום⟦U+2066⟧x⟦U+2069⟧ شركة⟦U+00AD⟧");
  });

  it("renders markup in the text as text", () => {
    (window as unknown as { pwned: boolean }).pwned = false;
    const evil = '<img src=x onerror="window.pwned=true">\u202E<b>b</b>';
    const body = show(evil);
    expect(body.querySelector("img")).toBeNull();
    expect(body.querySelector("b")).toBeNull();
    expect(body.textContent).toBe('<img src=x onerror="window.pwned=true">⟦U+202E⟧<b>b</b>');
    expect((window as unknown as { pwned: boolean }).pwned).toBe(false);
  });
});
