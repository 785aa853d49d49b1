import { describe, expect, it } from "vitest";
import {
  checkEntryForm,
  entryFromForm,
  formFromEntry,
  fromLocalParts,
  timerMinutes,
  toLocalParts,
} from "./time-entries";

describe("time entries", () => {
  it("round-trips an instant through the form's local date and time", () => {
    const iso = "2026-03-02T09:05:00.000Z";
    const { date, time } = toLocalParts(iso);
    expect(fromLocalParts(date, time)).toBe(iso);
  });

  it("edits an entry and gives back what updateTimeEntry takes", () => {
    const form = formFromEntry({
      id: 3,
      ticket_id: 9,
      technician: "amy",
      started_at: "2026-03-02T09:05:00.000Z",
      minutes: 25,
      billable: false,
      work_type: "Phone",
      note: "called back",
    });
    expect(checkEntryForm(form)).toEqual({});
    expect(entryFromForm({ ...form, note: "  called back twice " }, "amy")).toEqual({
      technician: "amy",
      started_at: "2026-03-02T09:05:00.000Z",
      minutes: 25,
      billable: false,
      work_type: "Phone",
      note: "called back twice",
    });
  });

  it("a new entry defaults to 15 billable minutes now", () => {
    const form = formFromEntry(null, new Date("2026-03-02T09:05:00Z"));
    expect(form).toMatchObject({ minutes: 15, billable: true });
    expect(fromLocalParts(form.startedDate ?? "", form.startedTime)).toBe("2026-03-02T09:05:00.000Z");
  });

  it("says why an entry cannot be saved, by field (empty minutes, a half-typed date or time)", () => {
    const form = formFromEntry(null, new Date("2026-03-02T09:05:00Z"));
    expect(checkEntryForm({ ...form, minutes: null })).toHaveProperty("minutes");
    expect(checkEntryForm({ ...form, minutes: "" })).toHaveProperty("minutes");
    expect(checkEntryForm({ ...form, minutes: 0 })).toHaveProperty("minutes");
    expect(checkEntryForm({ ...form, minutes: 1441 })).toHaveProperty("minutes");
    expect(checkEntryForm({ ...form, startedTime: "9:" })).toHaveProperty("started_time");
    expect(checkEntryForm({ ...form, startedDate: null })).toHaveProperty("started_date");
    expect(checkEntryForm(form, "Type the whole date")).toEqual({ started_date: "Type the whole date" });
  });

  it("rounds a timer up to whole minutes, at least one", () => {
    const start = "2026-03-02T09:00:00Z";
    const at = (secs: number) => Date.parse(start) + secs * 1000;
    expect(timerMinutes(start, at(5))).toBe(1);
    expect(timerMinutes(start, at(60))).toBe(1);
    expect(timerMinutes(start, at(61))).toBe(2);
    expect(timerMinutes(start, at(0))).toBe(1);
  });
});
