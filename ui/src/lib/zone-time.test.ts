import { describe, expect, it } from "vitest";
import { instantFromWallClock, wallClockIn, zoneName } from "./zone-time";
import { entryFromForm, formFromEntry } from "./time-entries";

describe("wall clocks in a named zone", () => {
  it("reads an instant on the zone's clock, not the computer's", () => {
    expect(wallClockIn("2026-12-06T13:05:00Z", "Europe/Berlin")).toEqual({ date: "2026-12-06", time: "14:05" });
    expect(wallClockIn("2026-07-01T13:05:00Z", "Europe/Berlin")).toEqual({ date: "2026-07-01", time: "15:05" });
    expect(wallClockIn("2026-12-06T03:00:00Z", "America/New_York")).toEqual({ date: "2026-12-05", time: "22:00" });
    expect(wallClockIn("not a time", "Europe/Berlin")).toEqual({ date: "", time: "" });
  });

  it("turns the zone's wall clock back into the instant, both sides of a change of offset", () => {
    expect(instantFromWallClock("2026-12-06", "14:05", "Europe/Berlin")).toBe("2026-12-06T13:05:00.000Z");
    expect(instantFromWallClock("2026-07-01", "15:05", "Europe/Berlin")).toBe("2026-07-01T13:05:00.000Z");
    expect(instantFromWallClock("2026-12-05", "22:00", "America/New_York")).toBe("2026-12-06T03:00:00.000Z");
    // The day Berlin springs forward (02:00 CET → 03:00 CEST, 29 Mar 2026).
    expect(instantFromWallClock("2026-03-29", "01:30", "Europe/Berlin")).toBe("2026-03-29T00:30:00.000Z");
    expect(instantFromWallClock("2026-03-29", "12:00", "Europe/Berlin")).toBe("2026-03-29T10:00:00.000Z");
    // 02:30 does not exist that night: read with the old offset, it is 03:30 CEST.
    expect(instantFromWallClock("2026-03-29", "02:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    // The day it falls back (03:00 CEST → 02:00 CET, 25 Oct 2026): 02:30 happens twice, the first counts.
    expect(instantFromWallClock("2026-10-25", "02:30", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
    expect(instantFromWallClock("2026-10-25", "12:00", "Europe/Berlin")).toBe("2026-10-25T11:00:00.000Z");
  });

  it("names the zone as on that day", () => {
    const winter = zoneName("Europe/Berlin", new Date("2026-12-06T12:00:00Z"));
    const summer = zoneName("Europe/Berlin", new Date("2026-07-01T12:00:00Z"));
    expect(winter).not.toBe(summer);
    expect(zoneName("UTC")).toMatch(/UTC/);
    expect(zoneName("Europe/Berlin", new Date("nonsense"))).not.toBe("");
  });
});

describe("a time entry form in the client's zone", () => {
  it("shows and saves the start on the client's clock", () => {
    const entry = {
      id: 1,
      ticket_id: 7,
      technician: "amy",
      started_at: "2026-12-06T13:05:00Z",
      minutes: 30,
      billable: true,
      work_type: "Phone",
      note: "",
    };
    const form = formFromEntry(entry, new Date(), "America/New_York");
    expect([form.startedDate, form.startedTime]).toEqual(["2026-12-06", "08:05"]);
    expect(entryFromForm(form, "amy", "America/New_York").started_at).toBe("2026-12-06T13:05:00.000Z");
    // Typed as 09:00 New York time: 14:00 UTC, whatever the computer's zone.
    expect(entryFromForm({ ...form, startedTime: "09:00" }, "amy", "America/New_York").started_at).toBe(
      "2026-12-06T14:00:00.000Z",
    );
  });
});
