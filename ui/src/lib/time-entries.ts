// Time entry forms and the running timer, without the DOM.

import type { NewTimeEntry, TimeEntry } from "../ipc";

export const WORK_TYPES = ["Remote support", "Phone", "On-site", "Research", "Administration"] as const;

export interface EntryForm {
  /** `<input type="datetime-local">` value, in the computer's time zone. */
  startedLocal: string;
  minutes: number;
  workType: string;
  billable: boolean;
  note: string;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** An instant as a datetime-local value ("2026-03-02T09:05"), local time. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A datetime-local value back to an RFC 3339 instant. */
export function fromLocalInput(local: string): string {
  return new Date(local).toISOString();
}

export function formFromEntry(entry: TimeEntry | null, now: Date = new Date()): EntryForm {
  if (entry === null) {
    return {
      startedLocal: toLocalInput(now.toISOString()),
      minutes: 15,
      workType: WORK_TYPES[0],
      billable: true,
      note: "",
    };
  }
  return {
    startedLocal: toLocalInput(entry.started_at),
    minutes: entry.minutes,
    workType: entry.work_type,
    billable: entry.billable,
    note: entry.note,
  };
}

export function entryFromForm(form: EntryForm, technician: string): NewTimeEntry {
  return {
    technician,
    started_at: fromLocalInput(form.startedLocal),
    minutes: Math.round(form.minutes),
    billable: form.billable,
    work_type: form.workType,
    note: form.note.trim(),
  };
}

/** Whole minutes a timer ran, rounded up (a started minute is worked), at least one. */
export function timerMinutes(startedIso: string, nowMs: number): number {
  const ms = nowMs - Date.parse(startedIso);
  return Math.max(1, Math.ceil(ms / 60_000));
}
