import { describe, expect, it } from "vitest";
import { validLocale, withValidLanguage } from "./locale";

/** A navigator whose language comes from its prototype, as the browser's does. */
function navigatorSaying(language: string): { readonly language: string } {
  return Object.create({
    get language() {
      return language;
    },
  }) as { readonly language: string };
}

describe("loading the chart library under any locale", () => {
  it("knows a language tag from a POSIX locale name", () => {
    expect(validLocale("en-GB")).toBe(true);
    expect(validLocale("C")).toBe(false);
  });

  it("shows a valid language while loading under LANG=C, and gives the real one back", async () => {
    const nav = navigatorSaying("C");
    const seen = await withValidLanguage(nav, async () => {
      // What uPlot does as it loads.
      return new Intl.NumberFormat(nav.language).resolvedOptions().locale;
    });
    expect(validLocale(seen)).toBe(true);
    expect(nav.language).toBe("C");
  });

  it("gives the real language back when the load fails", async () => {
    const nav = navigatorSaying("C");
    await expect(withValidLanguage(nav, () => Promise.reject(new Error("offline")))).rejects.toThrow("offline");
    expect(nav.language).toBe("C");
  });

  it("leaves a valid language alone", async () => {
    const nav = navigatorSaying("de-DE");
    expect(await withValidLanguage(nav, async () => nav.language)).toBe("de-DE");
  });
});
