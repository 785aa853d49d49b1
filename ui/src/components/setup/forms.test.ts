import { describe, expect, it } from "vitest";
import {
  emailError,
  filterZones,
  newTechnician,
  pinError,
  pinRepeatError,
  setupErrors,
  technicianErrors,
  witnessPinError,
  type SetupInput,
} from "./forms";

const ZONES = ["America/New_York", "Europe/Berlin", "Europe/London", "UTC"];

function setup(overrides: Partial<SetupInput> = {}): SetupInput {
  return {
    deskName: "Northwind IT",
    timeZone: "Europe/Berlin",
    name: "Alex Morgan",
    tier: "tier1",
    email: "",
    onCall: false,
    pin: "246810",
    pinRepeat: "246810",
    ...overrides,
  };
}

describe("setup form", () => {
  it("accepts a complete setup", () => {
    expect(setupErrors(setup(), ZONES)).toEqual({});
  });

  it("names every wrong field, in the form's order", () => {
    const errors = setupErrors(
      setup({ deskName: " ", timeZone: "Mars/Olympus", name: "", email: "alex", pin: "12" }),
      ZONES,
    );
    expect(Object.keys(errors)).toEqual(["deskName", "timeZone", "name", "email", "pin"]);
    for (const message of Object.values(errors)) expect(message).not.toBe("");
  });

  it("asks for the same PIN twice", () => {
    const errors = setupErrors(setup({ pinRepeat: "246811" }), ZONES);
    expect(Object.keys(errors)).toEqual(["pinRepeat"]);
    expect(errors.pinRepeat).toMatch(/differ/);
  });
});

describe("field rules", () => {
  it("a new PIN is 6 to 12 digits; a witness's older 4-digit PIN still counts", () => {
    expect(pinError("123456")).toBeNull();
    expect(pinError("123456789012")).toBeNull();
    for (const bad of ["", "123", "1234", "12345", "1234567890123", "12a456", "123 456"]) {
      expect(pinError(bad)).not.toBeNull();
    }
    expect(pinError("12345")).toMatch(/6 to 12 digits/);
    expect(pinRepeatError("123456", "")).not.toBeNull();
    expect(witnessPinError("")).not.toBeNull();
    expect(witnessPinError("1234")).toBeNull();
    expect(witnessPinError("123456")).toBeNull();
  });

  it("an e-mail address is optional but plausible when given", () => {
    expect(emailError("")).toBeNull();
    expect(emailError("kim@example.com")).toBeNull();
    for (const bad of ["kim", "@example.com", "kim@localhost", "kim lee@example.com"]) {
      expect(emailError(bad)).not.toBeNull();
    }
  });

  it("a technician needs a name", () => {
    const errors = technicianErrors({
      name: "  ",
      tier: "tier2",
      email: "",
      onCall: true,
      pin: "135790",
      pinRepeat: "135790",
    });
    expect(Object.keys(errors)).toEqual(["name"]);
  });
});

describe("the technician sent to the core", () => {
  it("trims the name and e-mail and sends no e-mail as null", () => {
    expect(newTechnician(setup({ name: "  Sam Lee ", email: " sam@example.com ", onCall: true }))).toEqual({
      name: "Sam Lee",
      tier: "tier1",
      email: "sam@example.com",
      on_call: true,
    });
    expect(newTechnician(setup({ email: "   " })).email).toBeNull();
  });
});

describe("zone search", () => {
  it("matches words anywhere, ignoring case, slashes and underscores", () => {
    expect(filterZones(ZONES, "new york")).toEqual(["America/New_York"]);
    expect(filterZones(ZONES, "EUROPE")).toEqual(["Europe/Berlin", "Europe/London"]);
    expect(filterZones(ZONES, "")).toEqual(ZONES);
    expect(filterZones(ZONES, "mars")).toEqual([]);
  });
});
