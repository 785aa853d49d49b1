import { describe, expect, it } from "vitest";
import { frameOf, inkProblem, nowWithOffset, PAD_OPTIONS, signedAtInZone, signedAtText, toPointGroups, toStrokes } from "./signature";

const pt = (x: number, y: number, time: number) => ({ x, y, pressure: 0.5, time });

describe("signature strokes", () => {
  it("stores times relative to each stroke and replays them above zero", () => {
    const groups = toPointGroups(
      toStrokes([
        {
          penColor: "#000",
          dotSize: 0,
          minWidth: 0.5,
          maxWidth: 2.5,
          velocityFilterWeight: 0.7,
          compositeOperation: "source-over",
          points: [pt(-3, 10, 1_700_000_000_000), pt(50, 12, 1_700_000_000_016)],
        },
      ]),
      PAD_OPTIONS,
      "#111",
    );
    expect(groups[0].points).toEqual([
      { x: 0, y: 10, pressure: 0.5, time: 1 },
      { x: 50, y: 12, pressure: 0.5, time: 17 },
    ]);
    expect(groups[0]).toMatchObject({ minWidth: 0.5, maxWidth: 2.5, velocityFilterWeight: 0.7, penColor: "#111" });
  });

  it("calls empty, few-point and tiny ink not a signature", () => {
    const at = (x: number, y: number) => ({ x, y, pressure: 0.5, t: 0 });
    expect(inkProblem([])).toMatch(/sign in the box/);
    expect(inkProblem([[at(0, 0), at(100, 0)]])).toMatch(/too small/);
    expect(inkProblem([Array.from({ length: 20 }, (_, i) => at(10 + i, 10))])).toMatch(/too small/);
    expect(inkProblem([Array.from({ length: 20 }, (_, i) => at(10 + i * 5, 10))])).toBeNull();
  });

  it("grows the stored frame to ink drawn before the pad shrank", () => {
    expect(frameOf([[{ x: 320, y: 40, pressure: 0.5, t: 0 }]], 200, 100)).toEqual({ width: 320, height: 100 });
  });
});

describe("signature times", () => {
  it("shows the signer's own UTC offset", () => {
    expect(signedAtText("2026-11-27T14:05:09+01:00")).toBe("27 Nov 2026, 14:05 (UTC+01:00)");
    expect(signedAtText("2026-03-02T09:00:00Z")).toBe("2 Mar 2026, 09:00 (UTC+00:00)");
    expect(signedAtText("yesterday")).toBe("yesterday");
  });

  it("shows a signature in the client's zone, whatever the signer's offset", () => {
    // Signed on a New York laptop at 08:05 local; the Berlin client reads 14:05, UTC+01:00.
    const shown = signedAtInZone("2026-12-06T08:05:00-05:00", "Europe/Berlin");
    expect(shown).toMatch(/14:05|2:05/);
    expect(shown).toContain("(UTC+01:00)");
    expect(shown).toBe(signedAtInZone("2026-12-06T13:05:00Z", "Europe/Berlin"));
    // No zone, or not a time: the stored wall clock and offset, as before.
    expect(signedAtInZone("2026-11-27T14:05:09+01:00", undefined)).toBe("27 Nov 2026, 14:05 (UTC+01:00)");
    expect(signedAtInZone("yesterday", "Europe/Berlin")).toBe("yesterday");
  });

  it("writes now as RFC 3339 with this machine's offset", () => {
    expect(nowWithOffset()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  });
});
