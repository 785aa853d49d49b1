// @vitest-environment jsdom
import "vitest-canvas-mock";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

class FakeIpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ipc = vi.hoisted(() => ({
  handoverVerify: vi.fn(),
  handoverSigningNonce: vi.fn(),
  handoverRate: vi.fn(),
  unlockHandover: vi.fn(),
  onCloseRefused: vi.fn(),
  setFullscreen: vi.fn(),
  getHandover: vi.fn(),
  onHandoverRefusal: vi.fn(),
}));

vi.mock("../../ipc", () => ({ ...ipc, IpcError: FakeIpcError }));

const { default: HandoverMode } = await import("../handover/HandoverMode.svelte");
const { handover } = await import("../../lib/handover.svelte");
import type { HandoverSession } from "../../ipc/bindings";

/** The shell's "close refused" event, as the component subscribed to it. */
let closeRefused: () => void = () => {};

const SESSION: HandoverSession = {
  ticket_id: 42,
  ticket_number: "T-000042",
  problem: "Outlook keeps asking for the password\nsince the update",
  summary: "We removed an old saved sign-in.",
  summary_sha256: "0".repeat(64),
  signer_name: "Dana Ortiz",
  meaning: "fix verified",
  resign: false,
  ask_rating: true,
  technician: "Alex Morgan",
  desk_name: "Northwind IT",
  started_at: "2026-12-06T10:00:00Z",
  stage: "verify",
  pin_misses: 0,
};

class FakeResizeObserver {
  observe(): void {}
  disconnect(): void {}
}

const $ = <T extends Element = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid="${id}"]`);
const settle = async () => {
  await vi.advanceTimersByTimeAsync(0);
  flushSync();
};

function click(id: string): void {
  const el = $<HTMLButtonElement>(id);
  if (el === null) throw new Error(`no ${id}`);
  el.click();
  flushSync();
}

/** jsdom has no PointerEvent: signature_pad then listens to mouse events. */
function penEvent(type: string, [x, y]: [number, number], buttons: number): Event {
  const init = { clientX: x, clientY: y, buttons, button: 0, bubbles: true, cancelable: true };
  return typeof window.PointerEvent === "function"
    ? new PointerEvent(`pointer${type}`, { ...init, pointerId: 1, isPrimary: true, pointerType: "pen" })
    : new MouseEvent(`mouse${type}`, init);
}

/** One pen stroke across the pad, 20 ms between points (the pad throttles to 16 ms). */
function stroke(canvas: HTMLCanvasElement, points: [number, number][]): void {
  const make = (type: string, at: [number, number], buttons: number) => penEvent(type, at, buttons);
  canvas.dispatchEvent(make("down", points[0], 1));
  for (const p of points.slice(1)) {
    vi.advanceTimersByTime(20);
    canvas.dispatchEvent(make("move", p, 1));
  }
  vi.advanceTimersByTime(20);
  canvas.dispatchEvent(make("up", points[points.length - 1], 0));
  flushSync();
}

const line = (x0: number, y0: number, x1: number, y1: number, n = 12): [number, number][] =>
  Array.from({ length: n }, (_, i) => [x0 + ((x1 - x0) * i) / (n - 1), y0 + ((y1 - y0) * i) / (n - 1)]);

describe("HandoverMode", () => {
  let app: Record<string, unknown> | undefined;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("ResizeObserver", FakeResizeObserver);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(HTMLCanvasElement.prototype, "getBoundingClientRect").mockImplementation(
      () => ({ x: 0, y: 0, left: 0, top: 0, right: 400, bottom: 150, width: 400, height: 150, toJSON: () => ({}) }) as DOMRect,
    );
    ipc.setFullscreen.mockResolvedValue(undefined);
    ipc.onCloseRefused.mockImplementation(async (refused: () => void) => {
      closeRefused = refused;
      return () => {};
    });
    ipc.handoverVerify.mockResolvedValue({ ...SESSION, stage: "rate" });
    ipc.handoverSigningNonce.mockResolvedValue("ab".repeat(32));
    ipc.handoverRate.mockResolvedValue({ ...SESSION, stage: "done" });
    ipc.unlockHandover.mockResolvedValue(undefined);
  });

  afterEach(() => {
    if (app) unmount(app);
    app = undefined;
    document.body.innerHTML = "";
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    Object.values(ipc).forEach((f) => f.mockReset());
  });

  async function start(session = SESSION): Promise<void> {
    app = mount(HandoverMode, { target: document.body, props: { session } });
    await settle();
  }

  it("names the desk and the ticket at the top", async () => {
    await start();
    expect($("handover-desk")?.textContent).toBe("Northwind IT");
    expect($("handover-ticket")?.textContent).toContain("T-000042");
    expect($("handover-ticket")?.textContent).toContain("Outlook keeps asking for the password");
    expect($("handover-ticket")?.textContent).not.toContain("since the update");
  });

  it("keeps Sign disabled until there is ink, and says a failure in a sentence next to the pad", async () => {
    await start();
    click("handover-verified");
    const sign = $<HTMLButtonElement>("handover-sign")!;
    expect(sign.disabled).toBe(true);
    const pad = $<HTMLCanvasElement>("handover-pad")!;
    // A dot: ink, but too small to be a signature.
    stroke(pad, line(100, 50, 104, 52));
    expect(sign.disabled).toBe(false);
    click("handover-sign");
    const shown = $("handover-error")!;
    expect(shown.textContent).toMatch(/too small to be a signature/);
    expect(shown.textContent).not.toMatch(/SIGNATURE_TOO_SMALL/);
    expect(shown.querySelector("[data-code]")?.getAttribute("data-code")).toBe("SIGNATURE_TOO_SMALL");
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining("SIGNATURE_TOO_SMALL"));
    // The error sits between the pad and the Sign button.
    const sign2 = $("handover-sign")!;
    expect(pad.compareDocumentPosition(shown) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(shown.compareDocumentPosition(sign2) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // The first new stroke clears it: out of sight as the pen goes down (its place kept, so the
    // pad does not resize under the pen), gone when the stroke ends.
    pad.dispatchEvent(penEvent("down", [20, 120], 1));
    flushSync();
    expect($("handover-error")?.classList.contains("hidden")).toBe(true);
    for (const p of line(20, 120, 300, 30).slice(1)) {
      vi.advanceTimersByTime(20);
      pad.dispatchEvent(penEvent("move", p, 1));
    }
    vi.advanceTimersByTime(20);
    pad.dispatchEvent(penEvent("up", [300, 30], 0));
    flushSync();
    expect($("handover-error")).toBeNull();
  });

  it("turns a refusal from the core into words for the signer", async () => {
    ipc.handoverVerify.mockRejectedValueOnce(new FakeIpcError("TICKET_CLOSED", "ticket T-000042 is closed and sealed; it cannot change"));
    await start();
    click("handover-verified");
    stroke($<HTMLCanvasElement>("handover-pad")!, line(20, 120, 300, 30));
    click("handover-sign");
    await settle();
    const shown = $("handover-error")!.textContent ?? "";
    expect(shown).toMatch(/already closed/);
    expect(shown).not.toMatch(/TICKET_CLOSED|sealed/);
    expect(document.body.textContent).not.toMatch(/[A-Z]{3,}_[A-Z]+/);
  });

  it("takes the rating on a labelled scale", async () => {
    await start();
    click("handover-verified");
    stroke($<HTMLCanvasElement>("handover-pad")!, line(20, 120, 300, 30));
    click("handover-sign");
    await settle();
    expect($("handover")?.getAttribute("data-stage")).toBe("rate");
    expect($("handover-rating-label-1")?.textContent).toBe("Very dissatisfied");
    expect($("handover-rating-label-5")?.textContent).toBe("Very satisfied");
    expect($<HTMLButtonElement>("handover-send-rating")!.disabled).toBe(true);
    click("handover-rating-4");
    expect($("handover-rating-4")?.getAttribute("aria-checked")).toBe("true");
    click("handover-send-rating");
    await settle();
    expect(ipc.handoverRate).toHaveBeenLastCalledWith(4, null);
  });

  it("takes the technician's PIN on the keypad, and from a keyboard", async () => {
    ipc.unlockHandover.mockRejectedValueOnce(
      new FakeIpcError("HANDOVER_PIN_WRONG", "wrong PIN (1 wrong so far on this hand-over; the next try waits 0 s)"),
    );
    await start();
    handover.active = SESSION;
    click("handover-exit");
    for (const key of ["keypad-1", "keypad-3", "keypad-5", "keypad-7", "keypad-back", "keypad-9"]) click(key);
    expect($<HTMLInputElement>("handover-pin")!.value).toBe("1359");
    click("keypad-ok");
    await settle();
    expect(ipc.unlockHandover).toHaveBeenCalledWith("1359");
    expect($("handover-error")?.textContent).toMatch(/That PIN is not right/);
    expect($<HTMLInputElement>("handover-pin")!.value).toBe("");
    // A new digit clears the refusal.
    click("keypad-2");
    expect($("handover-error")).toBeNull();
    // Typing works too.
    const field = $<HTMLInputElement>("handover-pin")!;
    field.value = "2468";
    field.dispatchEvent(new Event("input", { bubbles: true }));
    flushSync();
    click("handover-unlock");
    await settle();
    expect(ipc.unlockHandover).toHaveBeenLastCalledWith("2468");
    expect(handover.active).toBeNull();
  });
  it("opens where the core says the end user is, after a reload too", async () => {
    await start({ ...SESSION, stage: "rate" });
    expect($("handover")?.getAttribute("data-stage")).toBe("rate");
    unmount(app!);
    await start({ ...SESSION, stage: "done" });
    expect($("handover")?.getAttribute("data-stage")).toBe("done");
    unmount(app!);
    await start({ ...SESSION, resign: true });
    expect($("handover")?.getAttribute("data-stage")).toBe("sign");
  });

  it("sends the ink and the name, never the text: the core binds the signature to what it stored", async () => {
    await start();
    click("handover-verified");
    stroke($<HTMLCanvasElement>("handover-pad")!, line(20, 120, 300, 30));
    click("handover-sign");
    await settle();
    const [outcome, signature] = ipc.handoverVerify.mock.calls[0] as [string, Record<string, unknown>];
    expect(outcome).toBe("Verified");
    expect(signature.signer_name).toBe("Dana Ortiz");
    expect(signature).not.toHaveProperty("content");
    expect(signature.nonce).toBe("ab".repeat(32));
    expect(Array.isArray(signature.strokes)).toBe(true);
  });

  it("answers a refused window close with the PIN form and a reason", async () => {
    await start();
    expect($("handover-pin-form")).toBeNull();
    closeRefused();
    flushSync();
    expect($("handover-pin-form")).not.toBeNull();
    expect($("handover-close-refused")?.textContent).toMatch(/stays open during a hand-over/);
  });
  it("asks the core for the signature's nonce as the pad opens, and for a new one after a refusal", async () => {
    await start();
    expect(ipc.handoverSigningNonce).not.toHaveBeenCalled();
    click("handover-verified");
    await settle();
    expect(ipc.handoverSigningNonce).toHaveBeenCalledTimes(1);
    ipc.handoverVerify.mockRejectedValueOnce(new FakeIpcError("SIGNATURE_REPLAYED", "this signature was already used"));
    stroke($<HTMLCanvasElement>("handover-pad")!, line(20, 120, 300, 30));
    click("handover-sign");
    await settle();
    expect($("handover-error")?.textContent).toMatch(/sign again/);
    expect(ipc.handoverSigningNonce).toHaveBeenCalledTimes(2);
  });
});
