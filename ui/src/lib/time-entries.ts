// Time entry forms and the running timer, without the DOM.

import type { NewTimeEntry, TimeEntry } from "../ipc";
import { parseTime } from "./dates";
import { minutesError, type FieldErrors } from "./form-check";
import { instantFromWallClock, wallClockIn } from "./zone-time";

export const WORK_TYPES = ["Remote support", "Phone", "On-site", "Research", "Administration"] as const;

export interface EntryForm {
  /** The day it started, ISO ("2026-03-02"), in the client's time zone (the computer's when no
   *  zone is given); null until typed. */
  startedDate: string | null;
  /** The time of day it started, as typed ("09:05"), in the same zone. */
  startedTime: string;
  /** What the number field holds: a number, or empty (null / "") while nothing is typed. */
  minutes: number | string | null;
  workType: string;
  billable: boolean;
  note: string;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** An instant as the form's date and time: in `zone` (the client's, as the ticket shows its
 *  times), or the computer's zone when none is given. */
export function toLocalParts(iso: string, zone?: string): { date: string; time: string } {
  if (zone !== undefined) return wallClockIn(iso, zone);
  const d = new Date(iso);
  return {
    date: `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`,
    time: `${two(d.getHours())}:${two(d.getMinutes())}`,
  };
}

/** A date ("2026-03-02") and time ("09:05") in `zone` (or the computer's) back to an RFC 3339
 *  instant. */
export function fromLocalParts(date: string, time: string, zone?: string): string {
  if (zone !== undefined) return instantFromWallClock(date, time, zone);
  const [y, m, d] = date.split("-").map(Number);
  const [h, min] = time.split(":").map(Number);
  return new Date(y, m - 1, d, h, min).toISOString();
}

export function formFromEntry(entry: TimeEntry | null, now: Date = new Date(), zone?: string): EntryForm {
  if (entry === null) {
    const start = toLocalParts(now.toISOString(), zone);
    return {
      startedDate: start.date,
      startedTime: start.time,
      minutes: 15,
      workType: WORK_TYPES[0],
      billable: true,
      note: "",
    };
  }
  const start = toLocalParts(entry.started_at, zone);
  return {
    startedDate: start.date,
    startedTime: start.time,
    minutes: entry.minutes,
    workType: entry.work_type,
    billable: entry.billable,
    note: entry.note,
  };
}

/** Why the form cannot be saved, by field (`started_date` may also come from the date field's
 *  own parse error, passed in as `dateError`). Empty when it can. */
export function checkEntryForm(form: EntryForm, dateError: string | null = null): FieldErrors {
  const errors: FieldErrors = {};
  if (dateError !== null) errors.started_date = dateError;
  else if (form.startedDate === null) errors.started_date = "Type the day the work started.";
  const time = parseTime(form.startedTime);
  if (!time.ok) errors.started_time = time.message;
  const minutes = minutesError(form.minutes);
  if (minutes !== null) errors.minutes = minutes;
  return errors;
}

/** The entry to send, its start read in `zone` as the form showed it; call only when
 *  [`checkEntryForm`] found nothing. */
export function entryFromForm(form: EntryForm, technician: string, zone?: string): NewTimeEntry {
  const time = parseTime(form.startedTime);
  return {
    technician,
    started_at: fromLocalParts(form.startedDate ?? "", time.ok ? time.hhmm : form.startedTime, zone),
    minutes: Math.round(Number(form.minutes)),
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
