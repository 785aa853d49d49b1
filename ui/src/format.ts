// Human-readable labels for the queue. Pure functions: no DOM, no IPC.

import type { Priority, SlaState, SlaStatus, TicketStatus } from "./ipc";

/** Full names, for tooltips and filters. */
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

/** "2d 3h", "14h", "4h 05m", "2h", "12m", "<1m" — coarse on purpose: a queue is scanned, not read. */
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

const dueFormat = new Intl.DateTimeFormat(undefined, {
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

/** Local wall-clock time of an RFC 3339 instant, or null when absent or unreadable. */
export function formatDue(iso: string | null): string | null {
  const date = parseTime(iso);
  return date === null ? null : dueFormat.format(date);
}

/** The long form for tooltips. */
export function formatFullTime(iso: string | null): string | null {
  const date = parseTime(iso);
  return date === null ? null : fullFormat.format(date);
}

/**
 * The figure next to the state: time left (running, at risk, paused), time over the target
 * (breached; the core's `remaining_secs` is negative then) or time taken (met).
 */
export function slaFigure(sla: SlaStatus): string {
  switch (sla.state) {
    case "met":
      return formatDuration(sla.elapsed_secs);
    case "breached":
      return formatDuration(Math.max(0, -sla.remaining_secs));
    case "paused":
    case "running":
    case "at_risk":
      return formatDuration(Math.max(0, sla.remaining_secs));
  }
}

/** The tooltip of an SLA cell, spelling out what the compact cell shows. */
export function slaExplanation(sla: SlaStatus): string {
  const figure = slaFigure(sla);
  const target = formatDuration(sla.target_secs);
  const at = formatFullTime(sla.due_at);
  switch (sla.state) {
    case "running":
    case "at_risk":
      return `${SLA_LABELS[sla.state]}: ${figure} of working time left of ${target}` +
        (at === null ? "" : `; due ${at}`);
    case "breached":
      return `Breached: ${figure} over the ${target} target` + (at === null ? "" : `; since ${at}`);
    case "paused":
      return `Paused while waiting on the customer: ${figure} left of ${target}`;
    case "met":
      return `Met in ${figure} of working time (target ${target})`;
  }
}

/** The second line of an SLA cell: when it is due, when it was breached, or why there is no time. */
export function slaWhen(sla: SlaStatus): string {
  const at = formatDue(sla.due_at);
  switch (sla.state) {
    case "running":
    case "at_risk":
      return at === null ? "no due time" : `due ${at}`;
    case "breached":
      return at ?? "target missed";
    case "paused":
      return "clock paused";
    case "met":
      return `target ${formatDuration(sla.target_secs)}`;
  }
}
