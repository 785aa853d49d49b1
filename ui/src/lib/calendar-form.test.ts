import { describe, expect, it } from "vitest";
import { calendarForm, calendarFromForm, calendarProblems, withHoliday } from "./calendar-form";

describe("calendar form", () => {
  it("round-trips business hours, with seconds on the times and days in week order", () => {
    const calendar = {
      kind: "business_hours" as const,
      time_zone: "Europe/Berlin",
      working_days: ["Mon", "Tue", "Wed", "Thu", "Fri"],
      opens: "08:30:00",
      closes: "17:00:00",
      holidays: ["2026-12-25", "2026-01-01"],
    };
    const form = calendarForm(calendar);
    expect(form.opens).toBe("08:30");
    expect(calendarFromForm({ ...form, workingDays: ["Fri", "Mon"] })).toEqual({
      ...calendar,
      working_days: ["Mon", "Fri"],
      holidays: ["2026-01-01", "2026-12-25"],
    });
  });

  it("24x7 needs nothing else", () => {
    expect(calendarFromForm(calendarForm({ kind: "always_on" }))).toEqual({ kind: "always_on" });
  });

  it("a new company starts on weekday business hours", () => {
    expect(calendarForm(null)).toMatchObject({
      kind: "business_hours",
      workingDays: ["Mon", "Tue", "Wed", "Thu", "Fri"],
      opens: "09:00",
      closes: "17:00",
    });
  });

  it("flags an empty week and hours that close before they open", () => {
    const form = { ...calendarForm(null), workingDays: [], opens: "18:00" };
    expect(calendarProblems(form)).toEqual([
      "choose at least one working day",
      "closing time must be after opening time",
    ]);
  });
});

describe("holidays", () => {
  it("are added in date order, each day once", () => {
    const days = withHoliday(withHoliday([], "2026-12-25"), "2026-01-01");
    expect(days).toEqual(["2026-01-01", "2026-12-25"]);
    expect(withHoliday(days, "2026-12-25")).toEqual(days);
    expect(withHoliday(days, "2026-05-01")).toEqual(["2026-01-01", "2026-05-01", "2026-12-25"]);
  });
});
