// One typed date format for every date field, in the order the technician's locale writes dates
// (day.month.year in Germany, month/day/year in the US, year-month-day in Sweden), so typed digits
// mean what the person meant; the value sent to the core is always ISO ("2026-03-02").

export type DatePart = "day" | "month" | "year";

export interface DateFormat {
  /** The parts in the locale's order. */
  order: DatePart[];
  /** The locale's separator between parts. */
  separator: string;
  /** What an empty field shows: "DD.MM.YYYY", "MM/DD/YYYY", … */
  placeholder: string;
}

const LETTERS: Record<DatePart, string> = { day: "DD", month: "MM", year: "YYYY" };

/** The date format of `locale` (the window's language when not given). */
export function dateFormat(locale?: string): DateFormat {
  const parts = new Intl.DateTimeFormat(locale, {
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
  }).formatToParts(new Date(2026, 10, 23));
  const order = parts
    .map((p) => p.type)
    .filter((t): t is DatePart => t === "day" || t === "month" || t === "year");
  const separator = parts.find((p) => p.type === "literal")?.value.trim() || "-";
  const known = order.length === 3 ? order : (["year", "month", "day"] as DatePart[]);
  return {
    order: known,
    separator,
    placeholder: known.map((p) => LETTERS[p]).join(separator),
  };
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** An ISO date ("2026-03-02") as the format writes it ("02.03.2026"); "" for none. */
export function formatDate(iso: string | null, format: DateFormat): string {
  if (iso === null || iso === "") return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (m === null) return iso;
  const values: Record<DatePart, string> = { year: m[1], month: m[2], day: m[3] };
  return format.order.map((p) => values[p]).join(format.separator);
}

export type ParsedDate = { ok: true; iso: string | null } | { ok: false; message: string };

/** Typed text to an ISO date: empty is no date; anything else must be a real calendar date in
 *  the format's order (any of . / - or spaces between the parts; a two-digit year is 20xx). */
export function parseDate(text: string, format: DateFormat): ParsedDate {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, iso: null };
  const bad: ParsedDate = {
    ok: false,
    message: `Type the whole date as ${format.placeholder}, or leave it empty.`,
  };
  // ISO is always understood, whatever the locale: it is what a pasted date often is.
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const pieces = iso ? [iso[1], iso[2], iso[3]] : trimmed.split(/[./\-\s]+/);
  const order: DatePart[] = iso ? ["year", "month", "day"] : format.order;
  if (pieces.length !== 3 || pieces.some((p) => !/^\d+$/.test(p))) return bad;
  const v: Record<DatePart, number> = { day: 0, month: 0, year: 0 };
  order.forEach((part, i) => (v[part] = Number(pieces[i])));
  const yearText = pieces[order.indexOf("year")];
  if (yearText.length === 2) v.year += 2000;
  else if (yearText.length !== 4) return bad;
  const d = new Date(Date.UTC(v.year, v.month - 1, v.day));
  if (d.getUTCFullYear() !== v.year || d.getUTCMonth() !== v.month - 1 || d.getUTCDate() !== v.day) {
    return { ok: false, message: `${trimmed} is not a date in the calendar (${format.placeholder}).` };
  }
  return { ok: true, iso: `${v.year}-${two(v.month)}-${two(v.day)}` };
}

/** Typed "HH:MM" (24-hour; "9:5" and "0930" too) to "HH:MM", or why not. */
export function parseTime(text: string): { ok: true; hhmm: string } | { ok: false; message: string } {
  const m = /^(\d{1,2})(?::|\.|h)?(\d{2})$/.exec(text.trim()) ?? /^(\d{1,2}):(\d{1,2})$/.exec(text.trim());
  if (m === null) return { ok: false, message: "Type the time as HH:MM (24-hour)." };
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return { ok: false, message: `${text.trim()} is not a time of day (HH:MM).` };
  return { ok: true, hhmm: `${two(h)}:${two(min)}` };
}
