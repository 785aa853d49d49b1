import { describe, expect, it } from "vitest";
import { describeAge, formatAge } from "./queue-age";

const now = Date.parse("2026-12-06T12:00:00Z");
const ago = (ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;

describe("formatAge", () => {
  it("says minutes under an hour, hours under a day, then days", () => {
    expect(formatAge(ago(10 * 1000), now)).toBe("1 min");
    expect(formatAge(ago(59 * MIN), now)).toBe("59 min");
    expect(formatAge(ago(60 * MIN), now)).toBe("1 h");
    expect(formatAge(ago(3 * 60 * MIN + 59 * MIN), now)).toBe("3 h");
    expect(formatAge(ago(24 * 60 * MIN - 1), now)).toBe("23 h");
    expect(formatAge(ago(2 * 24 * 60 * MIN + 5 * 60 * MIN), now)).toBe("2 d");
    expect(formatAge(ago(400 * 24 * 60 * MIN), now)).toBe("400 d");
  });

  it("counts a time just ahead of the local clock as just opened, and garbage as unknown", () => {
    expect(formatAge(ago(-5 * MIN), now)).toBe("1 min");
    expect(formatAge("not a time", now)).toBe("—");
  });

  it("has a sentence for tooltips and screen readers", () => {
    expect(describeAge(ago(3 * 60 * MIN), now)).toBe("Opened 3 hours ago");
    expect(describeAge(ago(24 * 60 * MIN), now)).toBe("Opened 1 day ago");
    expect(describeAge(ago(MIN), now)).toBe("Opened 1 minute ago");
    expect(describeAge("nope", now)).toBe("Opening time unknown");
  });
});
