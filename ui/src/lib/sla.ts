// Live SLA timers. The core computes each clock's state when a row or ticket is fetched; between
// fetches the window counts down to `due_at` once a second, so the figure a technician reads is
// never stale. Once the deadline passes the timer shows as breached straight away (a fact, not a
// rule to re-implement); "at risk" is the core's call and arrives with the next refresh.

import type { SlaState, SlaStatus } from "../ipc";
import { SLA_LABELS, formatDuration, formatFullTime } from "./format";

export interface LiveSla {
  state: SlaState;
  label: string;
  /** Time left, time over the deadline ("+12m 05s"), or time taken ("met"). */
  figure: string;
  /** Spells out what the figure means, for tooltips and screen readers. */
  explanation: string;
}

/**
 * How finely a countdown reads. A ticket's own timers count "seconds"; a queue row, read at a
 * glance among many, counts "minutes" and shows seconds only in the minute before and the minute
 * after its deadline, when they matter. Rows that tick every second are motion at the edge of
 * the eye (WCAG 2.2.2); a row that reads minutes can follow the clock's minute hand, so an idle
 * queue is not recomputed every second (lib/clock.svelte.ts).
 */
export type Precision = "seconds" | "minutes";

/**
 * "1d 04h 05m", "3h 04m 09s", "4m 09s", "9s": seconds tick below a day. In "minutes" precision
 * "3h 04m" and "4m", and seconds again below a minute ("9s").
 */
export function formatCountdown(totalSecs: number, precision: Precision = "seconds"): string {
  const secs = Math.max(0, Math.floor(totalSecs));
  const days = Math.floor(secs / 86_400);
  const hours = Math.floor((secs % 86_400) / 3_600);
  const minutes = Math.floor((secs % 3_600) / 60);
  const seconds = secs % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  if (days > 0) return `${days}d ${two(hours)}h ${two(minutes)}m`;
  if (precision === "minutes") {
    if (hours > 0) return `${hours}h ${two(minutes)}m`;
    if (minutes > 0) return `${minutes}m`;
    return `${seconds}s`;
  }
  if (hours > 0) return `${hours}h ${two(minutes)}m ${two(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${two(seconds)}s`;
  return `${seconds}s`;
}

/** The deadline in ms since the epoch, or null when there is none (or it does not parse). */
export function dueMs(sla: SlaStatus): number | null {
  if (sla.due_at === null) return null;
  const ms = Date.parse(sla.due_at);
  return Number.isNaN(ms) ? null : ms;
}

/** The timer as it stands at `nowMs`; times in `zone` (the client's) when given. */
export function liveSla(
  sla: SlaStatus,
  nowMs: number,
  zone?: string,
  precision: Precision = "seconds",
): LiveSla {
  const due = dueMs(sla);
  const target = formatDuration(sla.target_secs);
  const dueText = formatFullTime(sla.due_at, zone);
  const live = (state: SlaState, figure: string, explanation: string): LiveSla => ({
    state,
    label: SLA_LABELS[state],
    figure,
    explanation,
  });

  switch (sla.state) {
    case "running":
    case "at_risk": {
      if (due === null) {
        const left = formatDuration(Math.max(0, sla.remaining_secs));
        return live(sla.state, left, `${SLA_LABELS[sla.state]}: ${left} left of ${target}`);
      }
      const leftSecs = (due - nowMs) / 1000;
      if (leftSecs <= 0) {
        const over = formatCountdown(-leftSecs, precision);
        return live("breached", `+${over}`, `Breached ${over} ago (target ${target}); was due ${dueText}`);
      }
      const left = formatCountdown(leftSecs, precision);
      return live(sla.state, left, `${SLA_LABELS[sla.state]}: ${left} left of ${target}; due ${dueText}`);
    }
    case "breached": {
      const overSecs = due === null ? -sla.remaining_secs : (nowMs - due) / 1000;
      const over = formatCountdown(Math.max(0, overSecs), precision);
      return live(
        "breached",
        `+${over}`,
        `Breached ${over} ago (target ${target})` + (dueText === null ? "" : `; due ${dueText}`),
      );
    }
    case "paused": {
      const left = formatDuration(Math.max(0, sla.remaining_secs));
      return live("paused", left, `Paused while waiting on the customer: ${left} left of ${target}`);
    }
    case "met": {
      const took = formatDuration(sla.elapsed_secs);
      return live("met", took, `Met in ${took} of working time (target ${target})`);
    }
  }
}
