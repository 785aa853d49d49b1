import { describe, expect, it } from "vitest";
import type { Qbr, QbrTicket } from "../../../ipc";
import {
  change,
  chartIsEmpty,
  charts,
  filterTitle,
  formatValue,
  kpis,
  matches,
  packFileName,
  ticketsBehind,
  type TicketFilter,
} from "./qbr";

function ticket(t: Partial<QbrTicket> & { number: string }): QbrTicket {
  return {
    client: "Acme",
    status: "closed",
    priority: "P3",
    opened_at: "2026-08-01T09:00:00Z",
    closed_at: "2026-08-02T09:00:00Z",
    opened_in_period: true,
    closed_in_period: true,
    resolution_code: null,
    escalated: false,
    failed_verifications: 0,
    first_response_secs: null,
    resolution_secs: null,
    first_response_met: null,
    resolution_met: null,
    csat_rating: null,
    billable_minutes: 0,
    non_billable_minutes: 0,
    assets: [],
    record_hash: null,
    ...t,
  };
}

function qbr(over: Partial<Qbr> = {}): Qbr {
  const summary = { surveyed: 0, responded: 0, response_rate_pct: null, average: null, distribution: [0, 0, 0, 0, 0] };
  return {
    client: { id: 1, name: "Acme", time_zone: "Europe/Berlin" },
    from: "2026-07-01",
    to: "2026-09-30",
    computed_at: "2026-12-06T10:00:00Z",
    volume: {
      opened: 0,
      closed: 0,
      still_open: 0,
      opened_by_priority: ["P1", "P2", "P3", "P4"].map((key) => ({ key, tickets: 0 })),
      closed_by_priority: ["P1", "P2", "P3", "P4"].map((key) => ({ key, tickets: 0 })),
      closed_by_resolution_code: [],
    },
    sla: {
      first_response_measured: 0,
      first_response_met: 0,
      first_response_met_pct: null,
      resolution_measured: 0,
      resolution_met: 0,
      resolution_met_pct: null,
      breaches: [],
    },
    times: {
      first_response_count: 0,
      first_response_mean_secs: null,
      first_response_median_secs: null,
      resolution_count: 0,
      resolution_mean_secs: null,
      resolution_median_secs: null,
    },
    quality: {
      reopened: 0,
      reopen_rate_pct: null,
      failed_verifications: 0,
      first_touch_resolved: 0,
      first_touch_rate_pct: null,
      escalated: 0,
      escalation_rate_pct: null,
    },
    csat: { overall: summary, by_technician: [], by_month: [] },
    hours: { billable_minutes: 0, non_billable_minutes: 0, by_technician: [], by_month: [] },
    assets: { endpoints: 0, endpoints_with_tickets: 0, tickets_per_endpoint: null, tickets_by_asset: [] },
    recurring: { resolution_codes: [], runbooks: [] },
    tickets: [],
    ...over,
  };
}

describe("change against the previous period", () => {
  it("says which way a count moved, without calling the volume of work good or bad", () => {
    expect(change(12, 9, "count", "neither")).toEqual({ text: "+3", direction: "up", good: null });
    expect(change(9, 12, "count", "neither")).toEqual({ text: "−3", direction: "down", good: null });
    expect(change(4, 4, "count", "neither")).toEqual({ text: "no change", direction: "same", good: null });
  });

  it("calls a rise good or bad by the figure's meaning", () => {
    expect(change(90, 85.5, "pct", "up")).toEqual({ text: "+4.5 pts", direction: "up", good: true });
    expect(change(10, 5, "pct", "down")).toEqual({ text: "+5.0 pts", direction: "up", good: false });
    // Faster responses are good news: a shorter time is a fall.
    expect(change(3_600, 5_400, "duration", "down")).toEqual({ text: "−30m", direction: "down", good: true });
  });

  it("shows no change where the figure's precision shows none, and none without a figure", () => {
    expect(change(85.02, 85, "pct", "up").direction).toBe("same");
    expect(change(3_630, 3_600, "duration", "down").direction).toBe("same");
    expect(change(4.501, 4.5, "rating", "up").direction).toBe("same");
    expect(change(125, 121, "hours", "up").direction).toBe("same");
    expect(change(126, 120, "hours", "up")).toEqual({ text: "+0.1 h", direction: "up", good: true });
    expect(change(null, 80, "pct", "up")).toEqual({ text: "–", direction: "none", good: null });
    expect(change(80, null, "pct", "up")).toEqual({ text: "no earlier figure", direction: "none", good: null });
  });
});

describe("formatting a figure", () => {
  it("reads each unit as people write it", () => {
    expect(formatValue(7, "count")).toBe("7");
    expect(formatValue(83.333, "pct")).toBe("83.3%");
    expect(formatValue(4_500, "duration")).toBe("1h 15m");
    expect(formatValue(90, "hours")).toBe("1.5 h");
    expect(formatValue(4.25, "rating")).toBe("4.25 / 5");
    expect(formatValue(null, "pct")).toBe("–");
  });
});

describe("KPI tiles", () => {
  const now = qbr({
    volume: { ...qbr().volume, opened: 12, closed: 10, still_open: 2 },
    sla: { ...qbr().sla, first_response_measured: 10, first_response_met: 9, first_response_met_pct: 90 },
    times: { ...qbr().times, first_response_mean_secs: 3_600, first_response_median_secs: 1_800 },
    csat: { ...qbr().csat, overall: { surveyed: 10, responded: 5, response_rate_pct: 50, average: 4.4, distribution: [0, 0, 1, 1, 3] } },
    hours: { ...qbr().hours, billable_minutes: 600, non_billable_minutes: 90 },
  });
  const before = qbr({
    volume: { ...qbr().volume, opened: 8, closed: 10, still_open: 1 },
    sla: { ...qbr().sla, first_response_measured: 8, first_response_met: 6, first_response_met_pct: 75 },
    times: { ...qbr().times, first_response_mean_secs: 5_400, first_response_median_secs: 1_800 },
  });
  const tiles = kpis(now, before);
  const tile = (key: string) => {
    const t = tiles.find((k) => k.key === key);
    if (t === undefined) throw new Error(`no tile ${key}`);
    return t;
  };

  it("lists every figure the review asks for, once", () => {
    expect(tiles.map((t) => t.key)).toEqual([
      "opened",
      "closed",
      "sla_first_response",
      "sla_resolution",
      "first_response_time",
      "resolution_time",
      "reopen_rate",
      "first_touch",
      "escalations",
      "csat",
      "billable",
      "non_billable",
    ]);
  });

  it("shows each figure with its change and its smaller figure", () => {
    expect(tile("opened")).toMatchObject({ value: "12", change: { text: "+4", good: null } });
    expect(tile("opened").detail).toMatchObject({ label: "still open", value: "2", change: { text: "+1" } });
    expect(tile("closed").change.direction).toBe("same");
    expect(tile("sla_first_response")).toMatchObject({ value: "90.0%", change: { text: "+15.0 pts", good: true } });
    expect(tile("sla_first_response").detail?.value).toBe("9 of 10");
    expect(tile("first_response_time")).toMatchObject({ value: "1h", change: { text: "−30m", good: true } });
    expect(tile("first_response_time").detail).toMatchObject({ label: "median", value: "30m", change: { direction: "same" } });
    // No rating before: the change is unknown, not zero.
    expect(tile("csat")).toMatchObject({ value: "4.40 / 5", change: { direction: "none" } });
    expect(tile("csat").detail).toMatchObject({ label: "response rate", value: "50.0%" });
    expect(tile("billable")).toMatchObject({ value: "10.0 h", change: { text: "+10.0 h", good: true } });
    expect(tile("non_billable")).toMatchObject({ value: "1.5 h", change: { text: "+1.5 h", good: false } });
  });
});

describe("the tickets behind a figure", () => {
  const tickets = [
    ticket({ number: "T-1", priority: "P1", first_response_met: true, first_response_secs: 600, csat_rating: 5, resolution_code: "printer" }),
    ticket({ number: "T-2", escalated: true, failed_verifications: 2, first_response_met: false, resolution_code: "printer", assets: ["PC-1"] }),
    ticket({ number: "T-3", status: "open", priority: null, closed_at: null, closed_in_period: false, escalated: true, billable_minutes: 30, assets: ["PC-1", "PC-2"] }),
    ticket({ number: "T-4", opened_in_period: false, non_billable_minutes: 15, csat_rating: 2 }),
  ];
  const q = qbr({ tickets });
  const numbers = (f: TicketFilter) => ticketsBehind(q, f).map((t) => t.number);

  it("picks the tickets each tile counts", () => {
    expect(numbers({ kind: "opened" })).toEqual(["T-1", "T-2", "T-3"]);
    expect(numbers({ kind: "closed" })).toEqual(["T-1", "T-2", "T-4"]);
    expect(numbers({ kind: "first_response_measured" })).toEqual(["T-1", "T-2"]);
    expect(numbers({ kind: "first_response_timed" })).toEqual(["T-1"]);
    expect(numbers({ kind: "reopened" })).toEqual(["T-2"]);
    expect(numbers({ kind: "first_touch" })).toEqual(["T-1", "T-4"]);
    // Escalations count opened tickets, closed or not.
    expect(numbers({ kind: "escalated" })).toEqual(["T-2", "T-3"]);
    expect(numbers({ kind: "rated" })).toEqual(["T-1", "T-4"]);
    expect(numbers({ kind: "billable" })).toEqual(["T-3"]);
    expect(numbers({ kind: "non_billable" })).toEqual(["T-4"]);
    expect(numbers({ kind: "time_logged" })).toEqual(["T-3", "T-4"]);
  });

  it("picks the tickets behind a bar", () => {
    expect(numbers({ kind: "opened_priority", priority: "P1" })).toEqual(["T-1"]);
    expect(numbers({ kind: "opened_priority", priority: "none" })).toEqual(["T-3"]);
    expect(numbers({ kind: "closed_priority", priority: "P3" })).toEqual(["T-2", "T-4"]);
    expect(numbers({ kind: "resolution_code", code: "printer" })).toEqual(["T-1", "T-2"]);
    expect(numbers({ kind: "rating", rating: 2 })).toEqual(["T-4"]);
    expect(numbers({ kind: "asset", hostname: "PC-1" })).toEqual(["T-2", "T-3"]);
    expect(matches(tickets[0], { kind: "asset", hostname: "PC-1" })).toBe(false);
  });

  it("heads each list with what it holds", () => {
    expect(filterTitle({ kind: "opened_priority", priority: "none" })).toBe("Tickets opened in the period at no priority");
    expect(filterTitle({ kind: "resolution_code", code: "<b>x</b>" })).toBe("Closed tickets with resolution code “<b>x</b>”");
  });
});

describe("charts", () => {
  it("draws opened and closed side by side for each priority, with a bar for none only when used", () => {
    const q = qbr({
      volume: {
        ...qbr().volume,
        opened_by_priority: [
          { key: "P1", tickets: 1 },
          { key: "P2", tickets: 0 },
          { key: "P3", tickets: 4 },
          { key: "P4", tickets: 0 },
          { key: "none", tickets: 2 },
        ],
        closed_by_priority: ["P1", "P2", "P3", "P4"].map((key) => ({ key, tickets: key === "P3" ? 3 : 0 })),
      },
    });
    const [priority] = charts(q);
    expect(priority.categories).toEqual(["P1", "P2", "P3", "P4", "none"]);
    expect(priority.series.map((s) => s.values)).toEqual([
      [1, 0, 4, 0, 2],
      [0, 0, 3, 0, 0],
    ]);
    expect(priority.series[1].filters[2]).toEqual({ kind: "closed_priority", priority: "P3" });
    expect(charts(qbr())[0].categories).toEqual(["P1", "P2", "P3", "P4"]);
  });

  it("says a chart is empty when it has nothing to draw", () => {
    const all = charts(qbr());
    expect(all.map((c) => c.key)).toEqual(["priority", "resolution_code", "csat", "hours_month", "hours_technician", "assets"]);
    expect(all.every(chartIsEmpty)).toBe(true);
    const rated = charts(qbr({ csat: { ...qbr().csat, overall: { ...qbr().csat.overall, distribution: [0, 0, 0, 1, 2] } } }));
    const csat = rated.find((c) => c.key === "csat");
    expect(csat && chartIsEmpty(csat)).toBe(false);
    expect(csat?.series[0].values).toEqual([0, 0, 0, 1, 2]);
  });

  it("shows hours, not minutes, and says why an hours bar opens every such ticket", () => {
    const q = qbr({
      hours: {
        billable_minutes: 150,
        non_billable_minutes: 30,
        by_technician: [{ key: "Avery", billable_minutes: 150, non_billable_minutes: 30 }],
        by_month: [{ key: "2026-08", billable_minutes: 150, non_billable_minutes: 30 }],
      },
    });
    const month = charts(q).find((c) => c.key === "hours_month");
    expect(month?.series.map((s) => s.values)).toEqual([[2.5], [0.5]]);
    expect(month?.note).toContain("does not split by month");
  });
});

describe("the pack's proposed file name", () => {
  it("keeps letters and digits of the client's name and names the period", () => {
    expect(packFileName("Acme Dental, Inc.", "2026-07-01", "2026-09-30")).toBe("QBR_Acme_Dental_Inc_2026-07-01_to_2026-09-30.pdf");
    expect(packFileName(null, "2026-10-01", "2026-12-06")).toBe("QBR_All_clients_2026-10-01_to_2026-12-06.pdf");
    expect(packFileName("../../etc/passwd", "2026-01-01", "2026-03-31")).toBe("QBR_etc_passwd_2026-01-01_to_2026-03-31.pdf");
    expect(packFileName("***", "2026-01-01", "2026-03-31")).toBe("QBR_client_2026-01-01_to_2026-03-31.pdf");
  });
});
