// Human-readable labels and times. Pure functions: no DOM, no IPC.

import type {
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

const shortFormat = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  hour: "numeric",
  minute: "2-digit",
});

const fullFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "full",
  timeStyle: "long",
});

function parseTime(iso: string | null): Date | null {
  if (iso === null) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Local wall-clock time of an RFC 3339 instant ("3 Mar, 14:05"), or null when absent or unreadable. */
export function formatShortTime(iso: string | null): string | null {
  const date = parseTime(iso);
  return date === null ? null : shortFormat.format(date);
}

/** The long form for tooltips. */
export function formatFullTime(iso: string | null): string | null {
  const date = parseTime(iso);
  return date === null ? null : fullFormat.format(date);
}
