// Human-readable labels and times. Pure functions: no DOM, no IPC.

import type {
  ClockBreaks,
  Impact,
  Priority,
  SlaState,
  TechTier,
  TicketStatus,
  Tier,
  Urgency,
} from "../ipc";

export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: "New",
  open: "Open",
  escalated: "Escalated",
  waiting_on_customer: "Waiting on customer",
  resolved: "Resolved",
  closed: "Closed",
};

/** What fits a table cell. */
export const STATUS_SHORT_LABELS: Record<TicketStatus, string> = {
  ...STATUS_LABELS,
  waiting_on_customer: "Waiting",
};

export const SLA_LABELS: Record<SlaState, string> = {
  running: "On track",
  at_risk: "At risk",
  paused: "Paused",
  breached: "Breached",
  met: "Met",
};

/** The workflow template's meaning of each priority (spec, step 3). */
export const PRIORITY_LABELS: Record<Priority, string> = {
  P1: "P1: site-wide outage or revenue-blocking",
  P2: "P2: a single user blocked from work",
  P3: "P3: degraded but workable",
  P4: "P4: a request",
};

export const IMPACT_LABELS: Record<Impact, string> = {
  organization: "Organization",
  department: "Department",
  user: "One user",
};

export const IMPACT_HINTS: Record<Impact, string> = {
  organization: "a whole site, a business-critical service, or revenue",
  department: "a department or a group of users",
  user: "a single user",
};

export const URGENCY_LABELS: Record<Urgency, string> = {
  blocked: "Blocked",
  degraded: "Degraded",
  request: "Request",
};

export const URGENCY_HINTS: Record<Urgency, string> = {
  blocked: "work has stopped",
  degraded: "work continues, degraded",
  request: "nothing is broken",
};

export const TIER_LABELS: Record<Tier, string> = {
  platinum: "Platinum",
  gold: "Gold",
  silver: "Silver",
  bronze: "Bronze",
};

export const TECH_TIER_LABELS: Record<TechTier, string> = {
  tier1: "Tier 1",
  tier2: "Tier 2",
};

/** "2d 3h", "14h", "4h 05m", "2h", "12m", "<1m" — coarse on purpose: for figures that do not tick. */
export function formatDuration(totalSecs: number): string {
  const secs = Math.max(0, Math.floor(Math.abs(totalSecs)));
  const days = Math.floor(secs / 86_400);
  const hours = Math.floor((secs % 86_400) / 3_600);
  const minutes = Math.floor((secs % 3_600) / 60);
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours >= 10 || (hours > 0 && minutes === 0)) return `${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m`;
  return "<1m";
}

/** Minutes as "1h 30m" / "45m" / "2h", for time entries. */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h ${String(m).padStart(2, "0")}m`;
}

// Times. Every time is shown in the client's time zone (the ticket view's `time_zone`, an IANA
// name from the core) with the zone's name, in one locale-aware format: "6 Dec 2026, 14:05 CET"
// (en-GB), "Dec 6, 2026, 2:05 PM GMT+1" (en-US). Tooltips add the UTC offset. Without a zone a
// time is shown in the machine's zone, still named, so it is never ambiguous.

const formats = new Map<string, { time: Intl.DateTimeFormat; offset: Intl.DateTimeFormat }>();

function formatsFor(zone: string | undefined): { time: Intl.DateTimeFormat; offset: Intl.DateTimeFormat } {
  const key = zone ?? "";
  let f = formats.get(key);
  if (f === undefined) {
    const make = (timeZone: string | undefined) => ({
      time: new Intl.DateTimeFormat(undefined, {
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZoneName: "short",
        timeZone,
      }),
      offset: new Intl.DateTimeFormat("en-GB", { timeZoneName: "longOffset", timeZone }),
    });
    try {
      f = make(zone);
    } catch {
      // An unknown zone name: UTC, named as such, rather than a wrong local time.
      f = make("UTC");
    }
    formats.set(key, f);
  }
  return f;
}

function parseTime(iso: string | null): Date | null {
  if (iso === null) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "UTC+01:00" for `date` in `zone` ("UTC" itself reads "UTC+00:00"). */
export function formatUtcOffset(date: Date, zone?: string): string {
  const name = formatsFor(zone)
    .offset.formatToParts(date)
    .find((p) => p.type === "timeZoneName")?.value;
  const offset = name?.replace(/^GMT/, "") ?? "";
  return `UTC${offset === "" ? "+00:00" : offset}`;
}

/** An RFC 3339 instant in `zone` ("6 Dec 2026, 14:05 CET"), or null when absent or unreadable. */
export function formatTime(iso: string | null, zone?: string): string | null {
  const date = parseTime(iso);
  return date === null ? null : formatsFor(zone).time.format(date);
}

/** The time as shown in lists and cards: the one format, see `formatTime`. */
export function formatShortTime(iso: string | null, zone?: string): string | null {
  return formatTime(iso, zone);
}

/** The time for tooltips: the one format and the UTC offset ("6 Dec 2026, 14:05 CET (UTC+01:00)"). */
export function formatFullTime(iso: string | null, zone?: string): string | null {
  const date = parseTime(iso);
  if (date === null) return null;
  return `${formatsFor(zone).time.format(date)} (${formatUtcOffset(date, zone)})`;
}

/** Why an SLA clock stood still, from the core's figures ("paused outside business hours 14h ·
 *  waiting on customer 1h 35m"), or null when it never did (or by less than a minute). */
export function formatClockBreaks(breaks: ClockBreaks | null | undefined): string | null {
  if (breaks === null || breaks === undefined) return null;
  const parts: string[] = [];
  // A duration never breaks across lines ("1h" / "19m"): its spaces are non-breaking.
  const span = (secs: number) => formatDuration(secs).replace(/ /g, "\u00a0");
  if (breaks.outside_hours_secs >= 60) {
    parts.push(`paused outside business hours ${span(breaks.outside_hours_secs)}`);
  }
  if (breaks.waiting_secs >= 60) {
    parts.push(`paused waiting on customer ${span(breaks.waiting_secs)}`);
  }
  return parts.length === 0 ? null : parts.join(" · ");
}
