import { describe, expect, it } from "vitest";
import { dateFormat, formatDate, parseDate, parseTime } from "./dates";

describe("locale date format", () => {
  it("follows the locale's order and separator", () => {
    expect(dateFormat("de-DE").placeholder).toBe("DD.MM.YYYY");
    expect(dateFormat("en-US").placeholder).toBe("MM/DD/YYYY");
    expect(dateFormat("sv-SE").placeholder).toBe("YYYY-MM-DD");
  });

  it("parses typed digits in that order, and ISO always", () => {
    const de = dateFormat("de-DE");
    const us = dateFormat("en-US");
    expect(parseDate("02.03.2026", de)).toEqual({ ok: true, iso: "2026-03-02" });
    expect(parseDate("2/3/26", de)).toEqual({ ok: true, iso: "2026-03-02" });
    expect(parseDate("03/02/2026", us)).toEqual({ ok: true, iso: "2026-03-02" });
    expect(parseDate("2026-03-02", us)).toEqual({ ok: true, iso: "2026-03-02" });
    expect(parseDate("   ", de)).toEqual({ ok: true, iso: null });
  });

  it("refuses a half-typed or impossible date with a message naming the format", () => {
    const de = dateFormat("de-DE");
    const half = parseDate("31.0", de);
    expect(half.ok).toBe(false);
    if (!half.ok) expect(half.message).toContain("DD.MM.YYYY");
    expect(parseDate("31.02.2026", de).ok).toBe(false);
    expect(parseDate("1.1.202", de).ok).toBe(false);
  });

  it("writes an ISO date back in the format, and nothing for none", () => {
    expect(formatDate("2026-03-02", dateFormat("de-DE"))).toBe("02.03.2026");
    expect(formatDate(null, dateFormat("de-DE"))).toBe("");
  });

  it("parses typed times", () => {
    expect(parseTime("9:05")).toEqual({ ok: true, hhmm: "09:05" });
    expect(parseTime("0930")).toEqual({ ok: true, hhmm: "09:30" });
    expect(parseTime("24:00").ok).toBe(false);
    expect(parseTime("").ok).toBe(false);
  });
});
