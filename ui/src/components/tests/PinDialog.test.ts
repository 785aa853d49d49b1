// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PinStatus } from "../../ipc/bindings";

const ipc = vi.hoisted(() => ({ getPinStatus: vi.fn() }));
vi.mock("../../ipc", () => ipc);

const { default: PinDialog } = await import("../technicians/PinDialog.svelte");

const $ = <T extends Element = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`);

function status(locked: boolean): PinStatus {
  return { technician: "Sam Lee", set: true, locked, needs_change: false, misses: locked ? 10 : 0, min_digits: 6, hard_cap: 10 };
}

let app: Record<string, unknown> | null = null;

function open(onsubmit: (pin: string) => Promise<{ code: string; message: string } | null>) {
  app = mount(PinDialog, {
    target: document.body,
    props: {
      title: "Switch to Sam Lee",
      text: "Sam, enter your PIN.",
      label: "Sam Lee's PIN",
      submitLabel: "Switch",
      pinTestId: "switch-pin",
      submitTestId: "switch-submit",
      technician: "Sam Lee",
      onsubmit,
      oncancel: () => {},
    },
  });
}

const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = "";
  vi.clearAllMocks();
});

describe("PinDialog", () => {
  it("says up front that a locked PIN needs another technician, and does not ask for it", async () => {
    ipc.getPinStatus.mockResolvedValue(status(true));
    const onsubmit = vi.fn();
    open(onsubmit);
    await settle();
    expect(ipc.getPinStatus).toHaveBeenCalledWith("Sam Lee");
    expect(document.body.textContent).toMatch(/locked after 10 wrong PINs: another active technician must unlock it/);
    const submit = $<HTMLButtonElement>("switch-submit")!;
    expect(submit.disabled).toBe(true);
    expect(submit.dataset.locked).toBe("true");
    expect(onsubmit).not.toHaveBeenCalled();
  });

  it("asks for an unlocked PIN, and a PIN_LOCKED refusal locks the dialog with the core's words", async () => {
    ipc.getPinStatus.mockResolvedValue(status(false));
    const message = "Sam Lee's PIN is locked after 10 wrong PINs in a row: another active technician must unlock it";
    const onsubmit = vi.fn().mockResolvedValue({ code: "PIN_LOCKED", message });
    open(onsubmit);
    await settle();
    const submit = $<HTMLButtonElement>("switch-submit")!;
    expect(submit.disabled).toBe(false);
    const input = $<HTMLInputElement>("switch-pin")!;
    input.value = "000000";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    submit.click();
    await settle();
    expect(onsubmit).toHaveBeenCalledWith("000000");
    expect(document.body.textContent).toContain(message);
    expect(submit.disabled).toBe(true);
  });
});
