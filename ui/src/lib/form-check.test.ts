import { describe, expect, it } from "vitest";
import { minutesError } from "./form-check";

describe("form checks", () => {
  it("an empty or out-of-range Minutes is named, a whole number in range is not", () => {
    for (const bad of ["", null, undefined, Number.NaN, 0, 1.5, 1441, -3]) {
      expect(minutesError(bad), String(bad)).not.toBeNull();
    }
    expect(minutesError(1)).toBeNull();
    expect(minutesError(1440)).toBeNull();
  });
});
