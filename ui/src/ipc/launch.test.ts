import { describe, expect, it } from "vitest";
import type { QueueRow } from "./bindings";
import { LaunchAnswers, takeLaunchData, type LaunchData } from "./launch";

const row = (n: number) => ({ id: n, number: `T-${n}` }) as unknown as QueueRow;
const data = (): LaunchData => ({ limit: 200, rows: [row(1), row(2)], count: 1234, handover: null });

describe("LaunchAnswers", () => {
  it("answers the unfiltered first page and count once each", () => {
    const launch = new LaunchAnswers(data());
    expect(launch.page({ offset: 0, limit: 200 })).toEqual([row(1), row(2)]);
    expect(launch.count({})).toBe(1234);
    expect(launch.page({ offset: 0, limit: 200 })).toBeUndefined();
    expect(launch.count({})).toBeUndefined();
  });

  it("leaves every other query to the shell", () => {
    const launch = new LaunchAnswers(data());
    expect(launch.page({ offset: 200, limit: 200 })).toBeUndefined();
    expect(launch.page({ offset: 0, limit: 50 })).toBeUndefined();
    expect(launch.page({ offset: 0, limit: 200, status: "open" })).toBeUndefined();
    expect(launch.page({ offset: 0, limit: 200, search: "printer" })).toBeUndefined();
    expect(launch.count({ mine: true })).toBeUndefined();
    // Still there for the query it was made for.
    expect(launch.page({ limit: 200 })).toEqual([row(1), row(2)]);
    expect(launch.count({})).toBe(1234);
  });

  it("answers a page only in the default order, and the count whatever the order", () => {
    const launch = new LaunchAnswers(data());
    expect(launch.page({ offset: 0, limit: 200, sort: "age" })).toBeUndefined();
    expect(launch.page({ offset: 0, limit: 200, sort: "priority", descending: true })).toBeUndefined();
    expect(launch.count({ sort: "age", descending: true })).toBe(1234);
    expect(launch.page({ offset: 0, limit: 200 })).toEqual([row(1), row(2)]);
  });

  it("answers nothing without launch data", () => {
    const launch = new LaunchAnswers(undefined);
    expect(launch.page({ offset: 0, limit: 200 })).toBeUndefined();
    expect(launch.count({})).toBeUndefined();
  });
});

describe("takeLaunchData", () => {
  it("takes the data out of the window on a first load", () => {
    const win: Record<string, unknown> = { __TICKETFLOW_LAUNCH__: data() };
    expect(takeLaunchData(win, "navigate")).toEqual(data());
    expect("__TICKETFLOW_LAUNCH__" in win).toBe(false);
  });

  it("ignores the launch's data on a reload, or when the load type is unknown", () => {
    const reloaded: Record<string, unknown> = { __TICKETFLOW_LAUNCH__: data() };
    expect(takeLaunchData(reloaded, "reload")).toBeUndefined();
    expect("__TICKETFLOW_LAUNCH__" in reloaded).toBe(false);
    expect(takeLaunchData({ __TICKETFLOW_LAUNCH__: data() }, undefined)).toBeUndefined();
  });
});
