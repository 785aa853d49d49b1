import { describe, expect, it } from "vitest";
import { HANDOVER_CODES, handoverSentence, type HandoverAction } from "./errors";

const ACTIONS: HandoverAction[] = ["answer", "sign", "rate", "unlock"];
const GENERIC = handoverSentence("A_CODE_NOBODY_RAISES", "sign");

describe("handoverSentence", () => {
  it("gives every code the hand-over can meet a sentence, never the code itself", () => {
    for (const code of HANDOVER_CODES) {
      for (const action of ACTIONS) {
        const said = handoverSentence(code, action);
        expect(said, `${code} (${action})`).toMatch(/^[A-Z].*[.!]$/);
        // No machine words: no CODE_LIKE token, no "step 13", no "INVALID".
        expect(said, `${code} (${action})`).not.toMatch(/[A-Z]{2,}_|_[A-Z]{2,}|\bstep \d/);
      }
    }
  });

  it("says something specific for the codes a signer or technician can fix themselves", () => {
    const specific = ["SIGNATURE_EMPTY", "SIGNATURE_TOO_SMALL", "NAME_REQUIRED", "PIN_WRONG", "PIN_THROTTLED", "PIN_REQUIRED", "PIN_NOT_SET", "INVALID_INPUT", "TICKET_CLOSED", "STORE_ERROR", "DESK_BUSY", "IMPORT_RUNNING"];
    for (const code of specific) expect(handoverSentence(code, "sign"), code).not.toBe(GENERIC);
    expect(handoverSentence("SIGNATURE_TOO_SMALL", "sign")).toMatch(/sign your name across the box/);
    expect(handoverSentence("PIN_WRONG", "unlock")).toBe("That PIN is not right. Please try again.");
    expect(handoverSentence("PIN_THROTTLED", "unlock")).toMatch(/wait/);
    // A desk busy with an import: wait and try again, not "a problem on this device".
    expect(handoverSentence("IMPORT_RUNNING", "sign")).toMatch(/busy.*try again/);
    expect(handoverSentence("DESK_BUSY", "sign")).toMatch(/busy.*try again/);
  });

  it("fits the same code to what the person was doing", () => {
    expect(handoverSentence("INVALID_INPUT", "sign")).toMatch(/signature/);
    expect(handoverSentence("INVALID_INPUT", "rate")).toMatch(/rating/);
    expect(handoverSentence("INVALID_INPUT", "unlock")).toMatch(/PIN/);
    expect(handoverSentence("NO_TECHNICIAN", "unlock")).not.toBe(handoverSentence("NO_TECHNICIAN", "sign"));
  });

  it("tells the signer to hand back the device when only the technician can go on", () => {
    for (const code of ["GATE_BLOCKED", "TICKET_CLOSED", "NOT_FOUND", "STORE_ERROR", "NO_BACKEND"]) {
      expect(handoverSentence(code, "sign"), code).toMatch(/hand the device back to your technician/);
    }
  });
});
