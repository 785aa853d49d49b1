import { describe, expect, it } from "vitest";
import { ariaSort, DEFAULT_SORT, nextSort, sortDescription, sortQuery } from "./queue-sort";

describe("queue sort", () => {
  it("asks for no sort in the default order, so the launch preload answers it", () => {
    expect(sortQuery(DEFAULT_SORT)).toEqual({});
    expect(sortQuery({ sort: "priority", descending: true })).toEqual({
      sort: "priority",
      descending: true,
    });
    expect(sortQuery({ sort: "age", descending: false })).toEqual({ sort: "age" });
  });

  it("reverses a column clicked again and starts another ascending", () => {
    const byAge = nextSort(DEFAULT_SORT, "age");
    expect(byAge).toEqual({ sort: "age", descending: false });
    expect(nextSort(byAge, "age")).toEqual({ sort: "age", descending: true });
    expect(nextSort(nextSort(byAge, "age"), "age")).toEqual({ sort: "age", descending: false });
    expect(nextSort({ sort: "age", descending: true }, "client")).toEqual({
      sort: "client",
      descending: false,
    });
    expect(nextSort(DEFAULT_SORT, "priority")).toEqual({ sort: "priority", descending: true });
  });

  it("marks only the sorted column for assistive technology", () => {
    const state = { sort: "sla_due", descending: true } as const;
    expect(ariaSort(state, "sla_due")).toBe("descending");
    expect(ariaSort(state, "priority")).toBe("none");
    expect(ariaSort(DEFAULT_SORT, "priority")).toBe("ascending");
    expect(sortDescription(DEFAULT_SORT)).toBe("P1 first, then the soonest SLA deadline");
  });
});
