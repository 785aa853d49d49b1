// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import TypeAheadHarness from "./TypeAheadHarness.svelte";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe("TypeAhead", () => {
  let app: Record<string, unknown> | undefined;
  afterEach(() => {
    if (app) unmount(app);
    document.body.innerHTML = "";
  });

  it("lists matches as you type and picks one with Enter", async () => {
    const picked = vi.fn();
    const search = vi.fn(async (q: string) => [
      { id: 1, name: `${q} one` },
      { id: 2, name: `${q} two` },
    ]);
    app = mount(TypeAheadHarness, { target: document.body, props: { search, onpick: picked } });
    const input = document.querySelector<HTMLInputElement>('[data-testid="caller-search"]')!;
    input.value = "ann";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await tick(250);
    flushSync();
    expect(search).toHaveBeenCalledWith("ann");
    expect(document.querySelectorAll('[data-testid="caller-option"]')).toHaveLength(2);
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    flushSync();
    expect(picked).toHaveBeenCalledWith({ id: 2, name: "ann two" });
    expect(input.value).toBe("");
    expect(document.querySelectorAll('[data-testid="caller-option"]')).toHaveLength(0);
  });

  it("Enter while a newer search is on its way picks that search's top match", async () => {
    const picked = vi.fn();
    const search = vi.fn(async (q: string) => [{ id: q.length, name: q }]);
    app = mount(TypeAheadHarness, { target: document.body, props: { search, onpick: picked } });
    const input = document.querySelector<HTMLInputElement>('[data-testid="caller-search"]')!;
    const type = (text: string) => {
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    };
    type("zo");
    await tick(250);
    type("zoe schmidt");
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(picked).not.toHaveBeenCalled();
    await tick(250);
    expect(picked).toHaveBeenCalledExactlyOnceWith({ id: 11, name: "zoe schmidt" });
  });
});
