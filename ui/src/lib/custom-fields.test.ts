import { describe, expect, it } from "vitest";
import { fieldMessage, formatDay, numberHint, numberText, yesNo } from "./custom-fields";

describe("numberHint", () => {
  it("says the template's bounds and decimals", () => {
    expect(numberHint(0, 24, 1)).toBe("From 0 to 24, up to 1 decimal.");
    expect(numberHint(0.5, null, 2)).toBe("0.5 or more, up to 2 decimals.");
    expect(numberHint(null, 100, 0)).toBe("100 or less, a whole number.");
    expect(numberHint(null, null, 0)).toBe("Any number, a whole number.");
  });
});

describe("numberText", () => {
  it("shows a stored number, keeps typed text and shows nothing for no value", () => {
    expect(numberText(7.5)).toBe("7.5");
    expect(numberText("12,5")).toBe("12,5");
    expect(numberText(undefined)).toBe("");
    expect(numberText(null)).toBe("");
  });
});

describe("fieldMessage", () => {
  it("drops the field's own name from the core's message and makes it a sentence", () => {
    expect(fieldMessage("invalid hours: must be from 0 to 24", "hours")).toBe("Must be from 0 to 24.");
    expect(fieldMessage("invalid hours: type a number, such as 12.5", "hours")).toBe(
      "Type a number, such as 12.5.",
    );
  });

  it("keeps a message about something else whole", () => {
    expect(fieldMessage("invalid minutes: at most 15 digits", "hours")).toBe(
      "Invalid minutes: at most 15 digits.",
    );
    expect(fieldMessage("Ticketflow's window is not connected to the desktop app.", "hours")).toBe(
      "Ticketflow's window is not connected to the desktop app.",
    );
  });
});

describe("formatDay", () => {
  it("writes a calendar day without moving it, whatever the machine's zone", () => {
    expect(formatDay("2026-12-06", "en-GB")).toBe("6 Dec 2026");
    expect(formatDay("2026-01-01", "en-GB")).toBe("1 Jan 2026");
    expect(formatDay("2026-12-31", "en-US")).toBe("Dec 31, 2026");
  });

  it("shows text that is not a day as it is", () => {
    expect(formatDay("2026-02-30", "en-GB")).toBe("2026-02-30");
    expect(formatDay("next week", "en-GB")).toBe("next week");
  });
});

describe("yesNo", () => {
  it("words both answers", () => {
    expect(yesNo(true)).toBe("Yes");
    expect(yesNo(false)).toBe("No");
  });
});
