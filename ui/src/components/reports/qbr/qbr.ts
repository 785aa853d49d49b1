// What the QBR screen shows, as pure functions of the core's figures: the KPI tiles with their
// change against the period before, the charts' numbers, and which of the listed tickets stand
// behind a figure. The core owns every definition and every date rule (which days a period holds,
// the client's zone); this module only picks, formats and filters what the core computed.

import type { Count, Priority, Qbr, QbrTicket } from "../../../ipc";
import { formatDuration } from "../../../lib/format";

/** Which of the period's tickets a figure counts. */
export type TicketFilter =
  | { kind: "opened" }
  | { kind: "closed" }
  | { kind: "first_response_measured" }
  | { kind: "resolution_measured" }
  | { kind: "first_response_timed" }
  | { kind: "resolution_timed" }
  | { kind: "reopened" }
  | { kind: "first_touch" }
  | { kind: "escalated" }
  | { kind: "rated" }
  | { kind: "billable" }
  | { kind: "non_billable" }
  | { kind: "time_logged" }
  | { kind: "opened_priority"; priority: string }
  | { kind: "closed_priority"; priority: string }
  | { kind: "resolution_code"; code: string }
  | { kind: "rating"; rating: number }
  | { kind: "asset"; hostname: string };

function priorityKey(p: Priority | null): string {
  return p ?? "none";
}

/** Whether `t` is one of the tickets behind the figure `f` counts. */
export function matches(t: QbrTicket, f: TicketFilter): boolean {
  const closed = t.closed_in_period;
  switch (f.kind) {
    case "opened":
      return t.opened_in_period;
    case "closed":
      return closed;
    case "first_response_measured":
      return closed && t.first_response_met !== null;
    case "resolution_measured":
      return closed && t.resolution_met !== null;
    case "first_response_timed":
      return closed && t.first_response_secs !== null;
    case "resolution_timed":
      return closed && t.resolution_secs !== null;
    case "reopened":
      return closed && t.failed_verifications > 0;
    case "first_touch":
      return closed && !t.escalated;
    case "escalated":
      return t.opened_in_period && t.escalated;
    case "rated":
      return closed && t.csat_rating !== null;
    case "billable":
      return t.billable_minutes > 0;
    case "non_billable":
      return t.non_billable_minutes > 0;
    case "time_logged":
      return t.billable_minutes + t.non_billable_minutes > 0;
    case "opened_priority":
      return t.opened_in_period && priorityKey(t.priority) === f.priority;
    case "closed_priority":
      return closed && priorityKey(t.priority) === f.priority;
    case "resolution_code":
      return closed && t.resolution_code === f.code;
    case "rating":
      return closed && t.csat_rating === f.rating;
    case "asset":
      return t.opened_in_period && t.assets.includes(f.hostname);
  }
}

export function ticketsBehind(q: Qbr, f: TicketFilter): QbrTicket[] {
  return q.tickets.filter((t) => matches(t, f));
}

/** How a figure reads. */
export type Unit = "count" | "pct" | "duration" | "hours" | "rating";

/** Whether a rise is good news (up), bad news (down), or neither (the volume of work). */
export type Better = "up" | "down" | "neither";

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return "–";
  switch (unit) {
    case "count":
      return String(value);
    case "pct":
      return `${value.toFixed(1)}%`;
    case "duration":
      return formatDuration(value);
    case "hours":
      return `${(value / 60).toFixed(1)} h`;
    case "rating":
      return `${value.toFixed(2)} / 5`;
  }
}

export interface Change {
  /** "+3", "−4.2 pts", "+1h 05m"; "no change"; "no earlier figure" when the period before has
   *  none (nothing measured then); "–" when this period has none. */
  text: string;
  direction: "up" | "down" | "same" | "none";
  /** Whether the change is good news: null when it is neither or there is none. */
  good: boolean | null;
}

function signed(delta: number, unit: Unit): string {
  const sign = delta > 0 ? "+" : "−";
  const size = Math.abs(delta);
  switch (unit) {
    case "count":
      return `${sign}${size}`;
    case "pct":
      return `${sign}${size.toFixed(1)} pts`;
    case "duration":
      return `${sign}${formatDuration(size)}`;
    case "hours":
      return `${sign}${(size / 60).toFixed(1)} h`;
    case "rating":
      return `${sign}${size.toFixed(2)}`;
  }
}

/** The change from `previous` to `current`; rounding that shows no change is no change. */
export function change(current: number | null, previous: number | null, unit: Unit, better: Better): Change {
  if (current === null) return { text: "–", direction: "none", good: null };
  if (previous === null) return { text: "no earlier figure", direction: "none", good: null };
  const delta = current - previous;
  // A change too small to show at the figure's precision is no change.
  const least: Record<Unit, number> = { count: 1, pct: 0.05, duration: 60, hours: 6, rating: 0.005 };
  if (Math.abs(delta) < least[unit]) return { text: "no change", direction: "same", good: null };
  const good = better === "neither" ? null : (better === "up") === delta > 0;
  return { text: signed(delta, unit), direction: delta > 0 ? "up" : "down", good };
}

/** A smaller figure under a tile's main one, with its own change. */
export interface KpiDetail {
  label: string;
  value: string;
  change: Change;
}

export interface Kpi {
  key: string;
  label: string;
  value: string;
  change: Change;
  /** What the main figure counts, as a sentence for the tile's tooltip. */
  meaning: string;
  detail: KpiDetail | null;
  filter: TicketFilter;
}

interface KpiSpec {
  key: string;
  label: string;
  unit: Unit;
  better: Better;
  meaning: string;
  value: (q: Qbr) => number | null;
  filter: TicketFilter;
  detail?: { label: string; unit: Unit; better: Better; value: (q: Qbr) => number | null; text?: (q: Qbr) => string };
}

const SPECS: KpiSpec[] = [
  {
    key: "opened",
    label: "Opened",
    unit: "count",
    better: "neither",
    meaning: "Tickets opened (step 5) on a day of the period.",
    value: (q) => q.volume.opened,
    filter: { kind: "opened" },
    detail: { label: "still open", unit: "count", better: "neither", value: (q) => q.volume.still_open },
  },
  {
    key: "closed",
    label: "Closed",
    unit: "count",
    better: "neither",
    meaning: "Tickets closed on a day of the period, from their sealed records.",
    value: (q) => q.volume.closed,
    filter: { kind: "closed" },
  },
  {
    key: "sla_first_response",
    label: "SLA met: first response",
    unit: "pct",
    better: "up",
    meaning: "Closed tickets whose first response came within the SLA target, of those with a target.",
    value: (q) => q.sla.first_response_met_pct,
    filter: { kind: "first_response_measured" },
    detail: {
      label: "met",
      unit: "count",
      better: "up",
      value: (q) => q.sla.first_response_met,
      text: (q) => `${q.sla.first_response_met} of ${q.sla.first_response_measured}`,
    },
  },
  {
    key: "sla_resolution",
    label: "SLA met: resolution",
    unit: "pct",
    better: "up",
    meaning: "Closed tickets resolved within the SLA target, of those with a target.",
    value: (q) => q.sla.resolution_met_pct,
    filter: { kind: "resolution_measured" },
    detail: {
      label: "met",
      unit: "count",
      better: "up",
      value: (q) => q.sla.resolution_met,
      text: (q) => `${q.sla.resolution_met} of ${q.sla.resolution_measured}`,
    },
  },
  {
    key: "first_response_time",
    label: "First response, mean",
    unit: "duration",
    better: "down",
    meaning: "Mean business time from opening to the first technician work, over the closed tickets.",
    value: (q) => q.times.first_response_mean_secs,
    filter: { kind: "first_response_timed" },
    detail: { label: "median", unit: "duration", better: "down", value: (q) => q.times.first_response_median_secs },
  },
  {
    key: "resolution_time",
    label: "Resolution, mean",
    unit: "duration",
    better: "down",
    meaning: "Mean business time from opening to the end user's verification, over the closed tickets.",
    value: (q) => q.times.resolution_mean_secs,
    filter: { kind: "resolution_timed" },
    detail: { label: "median", unit: "duration", better: "down", value: (q) => q.times.resolution_median_secs },
  },
  {
    key: "reopen_rate",
    label: "Reopen rate",
    unit: "pct",
    better: "down",
    meaning: "Closed tickets that failed verification at least once, of the tickets closed.",
    value: (q) => q.quality.reopen_rate_pct,
    filter: { kind: "reopened" },
    detail: { label: "reopened", unit: "count", better: "down", value: (q) => q.quality.reopened },
  },
  {
    key: "first_touch",
    label: "First-touch resolution",
    unit: "pct",
    better: "up",
    meaning: "Closed tickets never escalated to Tier 2, of the tickets closed.",
    value: (q) => q.quality.first_touch_rate_pct,
    filter: { kind: "first_touch" },
    detail: { label: "tickets", unit: "count", better: "up", value: (q) => q.quality.first_touch_resolved },
  },
  {
    key: "escalations",
    label: "Escalations to Tier 2",
    unit: "count",
    better: "down",
    meaning: "Tickets opened in the period that were escalated to Tier 2 at least once.",
    value: (q) => q.quality.escalated,
    filter: { kind: "escalated" },
    detail: { label: "of opened", unit: "pct", better: "down", value: (q) => q.quality.escalation_rate_pct },
  },
  {
    key: "csat",
    label: "CSAT average",
    unit: "rating",
    better: "up",
    meaning: "Mean rating (1 to 5) of the answered surveys of the closed tickets.",
    value: (q) => q.csat.overall.average,
    filter: { kind: "rated" },
    detail: { label: "response rate", unit: "pct", better: "up", value: (q) => q.csat.overall.response_rate_pct },
  },
  {
    key: "billable",
    label: "Billable hours",
    unit: "hours",
    better: "up",
    meaning: "Hours of the time entries started in the period and marked billable.",
    value: (q) => q.hours.billable_minutes,
    filter: { kind: "billable" },
  },
  {
    key: "non_billable",
    label: "Non-billable hours",
    unit: "hours",
    better: "down",
    meaning: "Hours of the time entries started in the period and not billable: work the contract does not pay for.",
    value: (q) => q.hours.non_billable_minutes,
    filter: { kind: "non_billable" },
  },
];

/** The tiles, in the order shown, each with its change against `previous`. */
export function kpis(current: Qbr, previous: Qbr): Kpi[] {
  return SPECS.map((s) => {
    const now = s.value(current);
    const d = s.detail;
    return {
      key: s.key,
      label: s.label,
      value: formatValue(now, s.unit),
      change: change(now, s.value(previous), s.unit, s.better),
      meaning: s.meaning,
      detail:
        d === undefined
          ? null
          : {
              label: d.label,
              value: d.text ? d.text(current) : formatValue(d.value(current), d.unit),
              change: change(d.value(current), d.value(previous), d.unit, d.better),
            },
      filter: s.filter,
    };
  });
}

/** One chart: categories along the bottom, one bar per series in each. */
export interface ChartData {
  key: string;
  title: string;
  /** What a bar's height counts, for the table's heading and the axis. */
  unit: "tickets" | "hours" | "ratings";
  categories: string[];
  series: { label: string; values: number[]; filters: (TicketFilter | null)[] }[];
  /** Why a bar opens the tickets it does, when it cannot open its own share of them. */
  note: string | null;
}

function countsByKey(list: Count[]): Map<string, number> {
  return new Map(list.map((c) => [c.key, c.tickets]));
}

/** The most listed categories a chart shows; the table lists the same. */
export const MAX_BARS = 12;

export function charts(q: Qbr): ChartData[] {
  const out: ChartData[] = [];

  // Priorities: P1-P4 always, "none" only when some ticket had none.
  const opened = countsByKey(q.volume.opened_by_priority);
  const closed = countsByKey(q.volume.closed_by_priority);
  const shownPriorities = [...new Set([...opened.keys(), ...closed.keys()])].filter(
    (k) => ["P1", "P2", "P3", "P4"].includes(k) || (opened.get(k) ?? 0) + (closed.get(k) ?? 0) > 0,
  );
  out.push({
    key: "priority",
    title: "Tickets by priority",
    unit: "tickets",
    categories: shownPriorities,
    series: [
      {
        label: "Opened",
        values: shownPriorities.map((k) => opened.get(k) ?? 0),
        filters: shownPriorities.map((k) => ({ kind: "opened_priority", priority: k })),
      },
      {
        label: "Closed",
        values: shownPriorities.map((k) => closed.get(k) ?? 0),
        filters: shownPriorities.map((k) => ({ kind: "closed_priority", priority: k })),
      },
    ],
    note: null,
  });

  const codes = q.volume.closed_by_resolution_code.slice(0, MAX_BARS);
  out.push({
    key: "resolution_code",
    title: "Closed by resolution code",
    unit: "tickets",
    categories: codes.map((c) => c.key),
    series: [
      {
        label: "Closed",
        values: codes.map((c) => c.tickets),
        filters: codes.map((c) => ({ kind: "resolution_code", code: c.key })),
      },
    ],
    note: null,
  });

  const ratings = [1, 2, 3, 4, 5];
  out.push({
    key: "csat",
    title: "CSAT ratings",
    unit: "ratings",
    categories: ratings.map(String),
    series: [
      {
        label: "Answered surveys",
        values: ratings.map((r) => q.csat.overall.distribution[r - 1] ?? 0),
        filters: ratings.map((rating) => ({ kind: "rating", rating })),
      },
    ],
    note: null,
  });

  const byMonth = q.hours.by_month.slice(0, MAX_BARS);
  out.push({
    key: "hours_month",
    title: "Hours by month",
    unit: "hours",
    categories: byMonth.map((h) => h.key),
    series: [
      {
        label: "Billable",
        values: byMonth.map((h) => h.billable_minutes / 60),
        filters: byMonth.map(() => ({ kind: "billable" })),
      },
      {
        label: "Non-billable",
        values: byMonth.map((h) => h.non_billable_minutes / 60),
        filters: byMonth.map(() => ({ kind: "non_billable" })),
      },
    ],
    note: "A bar opens every ticket with such hours in the period: the ticket list does not split by month.",
  });

  const byTech = q.hours.by_technician.slice(0, MAX_BARS);
  out.push({
    key: "hours_technician",
    title: "Hours by technician",
    unit: "hours",
    categories: byTech.map((h) => h.key),
    series: [
      {
        label: "Billable",
        values: byTech.map((h) => h.billable_minutes / 60),
        filters: byTech.map(() => ({ kind: "billable" })),
      },
      {
        label: "Non-billable",
        values: byTech.map((h) => h.non_billable_minutes / 60),
        filters: byTech.map(() => ({ kind: "non_billable" })),
      },
    ],
    note: "A bar opens every ticket with such hours in the period: the ticket list does not split by technician.",
  });

  const assets = q.assets.tickets_by_asset.slice(0, MAX_BARS);
  out.push({
    key: "assets",
    title: "Assets with the most tickets",
    unit: "tickets",
    categories: assets.map((a) => a.hostname),
    series: [
      {
        label: "Opened",
        values: assets.map((a) => a.tickets),
        filters: assets.map((a) => ({ kind: "asset", hostname: a.hostname })),
      },
    ],
    note: null,
  });
  return out;
}

/** A chart with nothing to draw says so instead of showing empty axes. */
export function chartIsEmpty(c: ChartData): boolean {
  return c.categories.length === 0 || c.series.every((s) => s.values.every((v) => v === 0));
}

/** A table cell's or a bar's number as it reads. */
export function formatChartValue(value: number, unit: ChartData["unit"]): string {
  return unit === "hours" ? value.toFixed(1) : String(value);
}

/** What the list of tickets behind a figure is headed with. */
export function filterTitle(f: TicketFilter): string {
  switch (f.kind) {
    case "opened":
      return "Tickets opened in the period";
    case "closed":
      return "Tickets closed in the period";
    case "first_response_measured":
      return "Closed tickets with a first-response target";
    case "resolution_measured":
      return "Closed tickets with a resolution target";
    case "first_response_timed":
      return "Closed tickets with a first response";
    case "resolution_timed":
      return "Closed tickets with a resolution";
    case "reopened":
      return "Closed tickets that failed verification";
    case "first_touch":
      return "Closed tickets never escalated";
    case "escalated":
      return "Opened tickets escalated to Tier 2";
    case "rated":
      return "Closed tickets with a CSAT rating";
    case "billable":
      return "Tickets with billable hours in the period";
    case "non_billable":
      return "Tickets with non-billable hours in the period";
    case "time_logged":
      return "Tickets with hours in the period";
    case "opened_priority":
      return `Tickets opened in the period at ${f.priority === "none" ? "no priority" : f.priority}`;
    case "closed_priority":
      return `Tickets closed in the period at ${f.priority === "none" ? "no priority" : f.priority}`;
    case "resolution_code":
      return `Closed tickets with resolution code “${f.code}”`;
    case "rating":
      return `Closed tickets rated ${f.rating}`;
    case "asset":
      return `Tickets opened in the period on ${f.hostname}`;
  }
}

/** What the save dialog proposes for a QBR pack: "QBR_Acme_Dental_2026-07-01_to_2026-09-30.pdf"
 *  (letters, digits, '-' and '_' only, as the core names a batch's packs). */
export function packFileName(client: string | null, from: string, to: string): string {
  const name = (client ?? "All clients").trim().replace(/[^\p{L}\p{N}_-]+/gu, "_").replace(/^_+|_+$/g, "");
  return `QBR_${name === "" ? "client" : name}_${from}_to_${to}.pdf`;
}
