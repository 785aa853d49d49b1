import { describe, expect, it } from "vitest";
import { formatClockBreaks, formatFullTime, formatTime, formatUtcOffset } from "./format";

const AT = "2026-12-06T13:05:00Z";

describe("times in the client's zone", () => {
  it("shows the wall clock of the zone, named, and the offset in tooltips", () => {
    const berlin = formatTime(AT, "Europe/Berlin") ?? "";
    const newYork = formatTime(AT, "America/New_York") ?? "";
    expect(berlin).toMatch(/14:05|2:05/);
    expect(newYork).toMatch(/08:05|8:05/);
    expect(berlin).not.toBe(newYork);
    expect(formatFullTime(AT, "Europe/Berlin")).toContain("(UTC+01:00)");
    expect(formatUtcOffset(new Date("2026-07-01T12:00:00Z"), "Europe/Berlin")).toBe("UTC+02:00");
    expect(formatUtcOffset(new Date(AT), "UTC")).toBe("UTC+00:00");
  });

  it("falls back to UTC for an unknown zone and to null for no time", () => {
    expect(formatTime(AT, "Not/AZone")).toBe(formatTime(AT, "UTC"));
    expect(formatTime(null, "Europe/Berlin")).toBeNull();
    expect(formatFullTime("not a time", "Europe/Berlin")).toBeNull();
  });
});

describe("formatClockBreaks", () => {
  it("says why the clock stood still", () => {
    expect(formatClockBreaks({ outside_hours_secs: 14 * 3600, waiting_secs: 0 })).toBe(
      "paused outside business hours 14h",
    );
    expect(formatClockBreaks({ outside_hours_secs: 14 * 3600, waiting_secs: 95 * 60 })).toBe(
      "paused outside business hours 14h · paused waiting on customer 1h\u00a035m",
    );
  });

  it("says nothing when it never stood still", () => {
    expect(formatClockBreaks({ outside_hours_secs: 30, waiting_secs: 0 })).toBeNull();
    expect(formatClockBreaks(null)).toBeNull();
  });
});
