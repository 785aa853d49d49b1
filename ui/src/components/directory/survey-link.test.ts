// The core's own words, read from its source: a rewording there that breaks the field's message
// fails here.
import compose from "../../../../src-tauri/core/src/mail/compose.rs?raw";
import { describe, expect, it } from "vitest";
import {
  SURVEY_EXAMPLE,
  SURVEY_PLACEHOLDERS,
  surveyLinkChanged,
  surveyLinkError,
  surveyLinkValue,
} from "./survey-link";

describe("the survey link field", () => {
  it("lists exactly the placeholders the core fills in, and its example uses only those", () => {
    const list = compose.match(/SURVEY_PLACEHOLDERS: \[&str; \d+\] =\s*\[([^\]]*)\]/);
    expect(list).not.toBeNull();
    const core = [...(list?.[1] ?? "").matchAll(/"(\{\w+\})"/g)].map((m) => m[1]);
    expect(core.length).toBeGreaterThan(0);
    expect(SURVEY_PLACEHOLDERS.map((p) => p.name)).toEqual(core);
    const used = [...SURVEY_EXAMPLE.matchAll(/\{\w+\}/g)].map((m) => m[0]);
    expect(used.length).toBeGreaterThan(0);
    for (const p of used) expect(core).toContain(p);
    expect(SURVEY_EXAMPLE.startsWith("https://")).toBe(true);
  });

  it("saves a trimmed link, a blank one as none, and only when it changed", () => {
    expect(surveyLinkValue("  https://s.example/{ticket}\t")).toBe("https://s.example/{ticket}");
    expect(surveyLinkValue("   ")).toBeNull();
    expect(surveyLinkChanged(null, "")).toBe(false);
    expect(surveyLinkChanged(null, "  ")).toBe(false);
    expect(surveyLinkChanged("https://s.example/{ticket}", " https://s.example/{ticket} ")).toBe(false);
    expect(surveyLinkChanged("https://s.example/{ticket}", "")).toBe(true);
    expect(surveyLinkChanged(null, "https://s.example/{ticket}")).toBe(true);
  });

  it("puts the core's refusal of the link under the field, with its code", () => {
    expect(compose).toContain('Error::invalid("csat_survey_url", why)');
    const shown = surveyLinkError({
      code: "INVALID_INPUT",
      message: "invalid csat_survey_url: unknown placeholder {id}: use {ticket}, {psa_ticket}, {contact_email}",
    });
    expect(shown).toBe(
      "Survey link: unknown placeholder {id}: use {ticket}, {psa_ticket}, {contact_email} (INVALID_INPUT)",
    );
    // Other refusals are not the link's: the form shows them with its other errors.
    expect(surveyLinkError({ code: "INVALID_INPUT", message: "invalid name: type the name" })).toBeNull();
    expect(surveyLinkError({ code: "HANDOVER_ACTIVE", message: "invalid csat_survey_url: x" })).toBeNull();
  });
});
