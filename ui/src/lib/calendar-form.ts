// The company calendar editor's form, to and from the core's `Calendar`.

import type { Calendar } from "../ipc";

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export interface CalendarForm {
  kind: "always_on" | "business_hours";
  timeZone: string;
  workingDays: string[];
  /** `<input type="time">` values, "09:00". */
  opens: string;
  closes: string;
  /** "2026-12-25", sorted. */
  holidays: string[];
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** IANA zone names the picker offers (the platform's list where it has one). */
export function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.("timeZone") ?? [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

export function calendarForm(calendar: Calendar | null): CalendarForm {
  if (calendar === null || calendar.kind === "always_on") {
    return {
      kind: calendar === null ? "business_hours" : "always_on",
      timeZone: localTimeZone(),
      workingDays: ["Mon", "Tue", "Wed", "Thu", "Fri"],
      opens: "09:00",
      closes: "17:00",
      holidays: [],
    };
  }
  return {
    kind: "business_hours",
    timeZone: calendar.time_zone,
    workingDays: [...calendar.working_days],
    opens: calendar.opens.slice(0, 5),
    closes: calendar.closes.slice(0, 5),
    holidays: [...calendar.holidays].sort(),
  };
}

/** The holiday list with `day` (ISO) added: sorted, each day once. */
export function withHoliday(holidays: string[], day: string): string[] {
  return holidays.includes(day) ? holidays : [...holidays, day].sort();
}

function withSeconds(time: string): string {
  return /^\d\d:\d\d$/.test(time) ? `${time}:00` : time;
}

export function calendarFromForm(form: CalendarForm): Calendar {
  if (form.kind === "always_on") return { kind: "always_on" };
  return {
    kind: "business_hours",
    time_zone: form.timeZone,
    working_days: WEEKDAYS.filter((d) => form.workingDays.includes(d)),
    opens: withSeconds(form.opens),
    closes: withSeconds(form.closes),
    holidays: [...new Set(form.holidays)].sort(),
  };
}

/** What the form gets wrong before the core is asked (it checks again). */
export function calendarProblems(form: CalendarForm): string[] {
  if (form.kind === "always_on") return [];
  const problems: string[] = [];
  if (form.workingDays.length === 0) problems.push("choose at least one working day");
  if (form.opens >= form.closes) problems.push("closing time must be after opening time");
  return problems;
}
