// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import HiddenCharsWarning from "../fields/HiddenCharsWarning.svelte";

describe("HiddenCharsWarning", () => {
  let app: Record<string, unknown> | undefined;
  afterEach(() => {
    if (app) unmount(app);
    app = undefined;
    document.body.innerHTML = "";
  });

  function show(value: string | null): HTMLElement {
    app = mount(HiddenCharsWarning, { target: document.body, props: { value } });
    flushSync();
    return document.body;
  }

  it("names each hidden character in an input's value once, as a marker", () => {
    const body = show("invoice_\u202Efdp\u200B.exe\u202E");
    const line = body.querySelector('[data-testid="hidden-char-warning"]');
    expect(line).not.toBeNull();
    expect(line!.textContent).toContain("hidden characters");
    const chips = [...body.querySelectorAll<HTMLElement>('[data-testid="hidden-char"]')];
    expect(chips.map((c) => c.textContent)).toEqual(["⟦U+202E⟧", "⟦U+200B⟧"]);
    expect(chips[0]!.title).toContain("right-to-left override");
    expect(body.textContent).not.toContain("\u202E");
  });

  it("says nothing for a value without hidden characters", () => {
    expect(show("山田 太郎 שלום").querySelector('[data-testid="hidden-char-warning"]')).toBeNull();
    unmount(app!);
    app = undefined;
    expect(show(null).querySelector('[data-testid="hidden-char-warning"]')).toBeNull();
  });
});
