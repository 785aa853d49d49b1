import { describe, expect, it } from "vitest";
import type { SlaStatus } from "../ipc";
import { formatCountdown, liveSla } from "./sla";

const NOW = Date.parse("2026-03-02T10:00:00Z");

function sla(partial: Partial<SlaStatus>): SlaStatus {
  return {
    state: "running",
    due_at: null,
    elapsed_secs: 0,
    remaining_secs: 3600,
    paused_secs: 0,
    target_secs: 14_400,
    ...partial,
  };
}

describe("formatCountdown", () => {
  it.each([
    [0, "0s"],
    [9.9, "9s"],
    [65, "1m 05s"],
    [3_600, "1h 00m 00s"],
    [3 * 3600 + 4 * 60 + 9, "3h 04m 09s"],
    [86_400 + 4 * 3600 + 5 * 60 + 59, "1d 04h 05m"],
    [-30, "0s"],
  ])("%d s reads %s", (secs, text) => {
    expect(formatCountdown(secs)).toBe(text);
  });
});

describe("formatCountdown in minutes", () => {
  it.each([
    [0, "0s"],
    [59.9, "59s"],
    [60, "1m"],
    [65, "1m"],
    [3_600, "1h 00m"],
    [3 * 3600 + 4 * 60 + 59, "3h 04m"],
    [86_400 + 4 * 3600 + 5 * 60 + 59, "1d 04h 05m"],
  ])("%d s reads %s", (secs, text) => {
    expect(formatCountdown(secs, "minutes")).toBe(text);
  });
});

describe("a queue row's countdown (minutes)", () => {
  const s = sla({ due_at: "2026-03-02T11:30:15Z" });

  it("reads the same for every second of a minute, so the row is not redrawn", () => {
    const figures = new Set<string>();
    for (let t = 15; t < 75; t++) figures.add(liveSla(s, NOW + t * 1000, undefined, "minutes").figure);
    expect([...figures]).toEqual(["1h 30m", "1h 29m"]);
    expect(liveSla(s, NOW + 15_000, undefined, "minutes").figure).toBe("1h 30m");
    expect(liveSla(s, NOW + 16_000, undefined, "minutes").figure).toBe("1h 29m");
    // The tooltip's words change no more often than the figure.
    expect(liveSla(s, NOW + 16_000, undefined, "minutes").explanation).toBe(
      liveSla(s, NOW + 74_000, undefined, "minutes").explanation,
    );
  });

  it("counts seconds in the minute before the deadline and the minute after, and breaches on time", () => {
    const due = Date.parse("2026-03-02T11:30:15Z");
    expect(liveSla(s, due - 9_000, undefined, "minutes").figure).toBe("9s");
    expect(liveSla(s, due - 1_000, undefined, "minutes").state).toBe("running");
    const just = liveSla(s, due + 1_000, undefined, "minutes");
    expect(just.state).toBe("breached");
    expect(just.figure).toBe("+1s");
    expect(liveSla(s, due + 125_000, undefined, "minutes").figure).toBe("+2m");
  });

  it("leaves a ticket's own timer counting seconds", () => {
    expect(liveSla(s, NOW).figure).toBe("1h 30m 15s");
  });
});

describe("liveSla", () => {
  it("counts down to due_at every second", () => {
    const s = sla({ due_at: "2026-03-02T11:30:15Z" });
    expect(liveSla(s, NOW).figure).toBe("1h 30m 15s");
    expect(liveSla(s, NOW + 1000).figure).toBe("1h 30m 14s");
    expect(liveSla(s, NOW).state).toBe("running");
  });

  it("keeps the core's at-risk state while time is left", () => {
    const s = sla({ state: "at_risk", due_at: "2026-03-02T10:05:00Z" });
    const live = liveSla(s, NOW);
    expect(live.state).toBe("at_risk");
    expect(live.label).toBe("At risk");
    expect(live.figure).toBe("5m 00s");
  });

  it("turns breached the moment the deadline passes, and counts the time over", () => {
    const s = sla({ state: "at_risk", due_at: "2026-03-02T10:00:00Z" });
    expect(liveSla(s, NOW - 1000).state).toBe("at_risk");
    const over = liveSla(s, NOW + 75_000);
    expect(over.state).toBe("breached");
    expect(over.label).toBe("Breached");
    expect(over.figure).toBe("+1m 15s");
  });

  it("counts up from the breach instant of a breached clock", () => {
    const s = sla({ state: "breached", due_at: "2026-03-02T09:00:00Z", remaining_secs: -10 });
    expect(liveSla(s, NOW).figure).toBe("+1h 00m 00s");
  });

  it("uses remaining_secs for a breached clock without a due time", () => {
    expect(liveSla(sla({ state: "breached", remaining_secs: -125 }), NOW).figure).toBe("+2m 05s");
  });

  it("does not tick while paused or met", () => {
    const paused = sla({ state: "paused", remaining_secs: 7200 });
    expect(liveSla(paused, NOW).figure).toBe("2h");
    expect(liveSla(paused, NOW + 60_000).figure).toBe("2h");
    const met = liveSla(sla({ state: "met", elapsed_secs: 2700 }), NOW);
    expect(met.state).toBe("met");
    expect(met.figure).toBe("45m");
  });

  it("explains the figure in words", () => {
    const s = sla({ due_at: "2026-03-02T10:10:00Z" });
    expect(liveSla(s, NOW).explanation).toMatch(/^On track: 10m 00s left of 4h; due /);
  });
});
