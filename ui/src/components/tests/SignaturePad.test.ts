// @vitest-environment jsdom
import "vitest-canvas-mock";
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PadCapture } from "../../lib/signature";
import SignaturePad from "../signature/SignaturePad.svelte";

type PadExports = { undo(): void; clear(): void; capture(): PadCapture | { problem: string } };

/** The pad's box on screen; tests change it to play a resize. */
let box = { width: 400, height: 150 };
let resized: (() => void)[] = [];

class FakeResizeObserver {
  constructor(private readonly callback: () => void) {
    resized.push(() => this.callback());
  }
  observe(): void {}
  disconnect(): void {}
}

function rect(): DOMRect {
  return { x: 0, y: 0, left: 0, top: 0, right: box.width, bottom: box.height, ...box, toJSON: () => ({}) } as DOMRect;
}

/** Draws one stroke through these points, 20 ms apart (the pad throttles to one per 16 ms). */
function stroke(canvas: HTMLCanvasElement, points: [number, number][]): void {
  const usePointer = typeof window.PointerEvent === "function";
  const make = (type: string, [x, y]: [number, number], buttons: number) => {
    const init = { clientX: x, clientY: y, buttons, button: 0, bubbles: true, cancelable: true };
    return usePointer
      ? new PointerEvent(`pointer${type}`, { ...init, pointerId: 1, isPrimary: true, pointerType: "pen" })
      : new MouseEvent(`mouse${type}`, init);
  };
  canvas.dispatchEvent(make("down", points[0], 1));
  for (const p of points.slice(1)) {
    vi.advanceTimersByTime(20);
    canvas.dispatchEvent(make("move", p, 1));
  }
  vi.advanceTimersByTime(20);
  canvas.dispatchEvent(make("up", points[points.length - 1], 0));
}

function line(x0: number, y0: number, x1: number, y1: number, n = 12): [number, number][] {
  return Array.from({ length: n }, (_, i) => [x0 + ((x1 - x0) * i) / (n - 1), y0 + ((y1 - y0) * i) / (n - 1)]);
}

describe("SignaturePad", () => {
  let app: PadExports | undefined;
  let ink: number[];

  beforeEach(() => {
    vi.useFakeTimers();
    box = { width: 400, height: 150 };
    resized = [];
    ink = [];
    vi.stubGlobal("ResizeObserver", FakeResizeObserver);
    vi.spyOn(HTMLCanvasElement.prototype, "getBoundingClientRect").mockImplementation(rect);
    Object.defineProperty(window, "devicePixelRatio", { value: 2, configurable: true });
  });

  afterEach(() => {
    if (app) unmount(app);
    app = undefined;
    document.body.innerHTML = "";
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  function pad(): HTMLCanvasElement {
    app = mount(SignaturePad, { target: document.body, props: { onink: (n: number) => ink.push(n) } }) as PadExports;
    flushSync();
    return document.querySelector<HTMLCanvasElement>('[data-testid="signature-pad"]')!;
  }

  it("sizes the backing store for the device pixel ratio", () => {
    const canvas = pad();
    expect(canvas.width).toBe(800);
    expect(canvas.height).toBe(300);
  });

  it("rejects an empty pad and a dot with a message, and keeps a real signature", () => {
    const canvas = pad();
    expect(app!.capture()).toEqual({ problem: "Please sign in the box." });
    stroke(canvas, line(100, 50, 104, 52, 12));
    expect(app!.capture()).toHaveProperty("problem", expect.stringContaining("too small"));
    stroke(canvas, line(20, 120, 300, 30));
    const captured = app!.capture();
    expect(captured).not.toHaveProperty("problem");
    const sig = captured as PadCapture;
    expect(sig.strokes).toHaveLength(2);
    expect(sig.device_pixel_ratio).toBe(2);
    expect(sig.width).toBe(400);
    expect(sig.height).toBe(150);
    expect(sig.strokes[1][0]).toMatchObject({ x: 20, y: 120, t: 0 });
    expect(sig.strokes[1].at(-1)!.t).toBeGreaterThan(0);
    expect(sig.preview_png).toMatch(/^data:image\/png/);
  });

  it("keeps every stroke through a resize (redrawn, never cleared)", () => {
    const canvas = pad();
    stroke(canvas, line(20, 120, 300, 30));
    stroke(canvas, line(40, 40, 380, 140));
    const before = (app!.capture() as PadCapture).strokes;
    box = { width: 600, height: 200 };
    resized.forEach((r) => r());
    expect(canvas.width).toBe(1200);
    const after = app!.capture() as PadCapture;
    expect(after.strokes).toEqual(before);
    expect(after.width).toBe(600);
    // Smaller than the ink: the stored frame still holds every point.
    box = { width: 200, height: 100 };
    resized.forEach((r) => r());
    const shrunk = app!.capture() as PadCapture;
    expect(shrunk.strokes).toHaveLength(2);
    expect(shrunk.width).toBeGreaterThanOrEqual(300);
  });

  it("a resize during a stroke waits for the stroke's end, and the stroke is kept whole", () => {
    const canvas = pad();
    const points = line(20, 120, 300, 30);
    const make = (type: string, [x, y]: [number, number], buttons: number) =>
      typeof window.PointerEvent === "function"
        ? new PointerEvent(`pointer${type}`, { clientX: x, clientY: y, buttons, button: 0, bubbles: true, pointerId: 1, isPrimary: true, pointerType: "touch" })
        : new MouseEvent(`mouse${type}`, { clientX: x, clientY: y, buttons, button: 0, bubbles: true });
    canvas.dispatchEvent(make("down", points[0], 1));
    for (const [i, p] of points.slice(1).entries()) {
      vi.advanceTimersByTime(20);
      if (i === 3) {
        // An error above the pad goes away mid-stroke: the pad grows.
        box = { width: 400, height: 210 };
        resized.forEach((r) => r());
        expect(canvas.height).toBe(300);
      }
      canvas.dispatchEvent(make("move", p, 1));
    }
    vi.advanceTimersByTime(20);
    canvas.dispatchEvent(make("up", points[points.length - 1], 0));
    expect(canvas.height).toBe(420);
    const sig = app!.capture() as PadCapture;
    expect(sig.strokes).toHaveLength(1);
    expect(sig.strokes[0]).toHaveLength(points.length);
    expect(ink).toEqual([1]);
  });

  it("undo takes back the last stroke and clear empties the pad", () => {
    const canvas = pad();
    stroke(canvas, line(20, 120, 300, 30));
    stroke(canvas, line(40, 40, 380, 140));
    app!.undo();
    expect((app!.capture() as PadCapture).strokes).toHaveLength(1);
    app!.clear();
    expect(app!.capture()).toHaveProperty("problem");
    expect(ink).toEqual([1, 2, 1, 0]);
  });

  it("replays stored strokes at their stored size and takes no ink", () => {
    const strokes = [line(20, 120, 300, 30).map(([x, y], i) => ({ x, y, pressure: 0.5, t: i * 20 }))];
    mount(SignaturePad, {
      target: document.body,
      props: { replay: { strokes, width: 500, height: 180, pad: { min_width: 0.5, max_width: 2.5, dot_size: 0, velocity_filter_weight: 0.7, min_distance: 5, throttle: 16 } }, testid: "replay" },
    });
    flushSync();
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="replay"]')!;
    expect(canvas.width).toBe(1000);
    expect(canvas.height).toBe(360);
    expect(canvas.dataset.strokes).toBe("1");
    expect(canvas.style.touchAction).toBe("auto");
  });
});
