// The desk's own field kinds (yes/no, number, calendar day) in words. Whether a value is
// acceptable is the core's question (`checkFieldValue`); this only words what the template says
// and what the core answered.

/** What a number field takes, under it: "From 0 to 24, up to 1 decimal." (the template's own
 *  bounds, so the technician knows before typing). */
export function numberHint(min: number | null, max: number | null, decimals: number): string {
  const range =
    min !== null && max !== null
      ? `From ${min} to ${max}`
      : min !== null
        ? `${min} or more`
        : max !== null
          ? `${max} or less`
          : "Any number";
  const places =
    decimals === 0 ? "a whole number" : decimals === 1 ? "up to 1 decimal" : `up to ${decimals} decimals`;
  return `${range}, ${places}.`;
}

/** A value in a number field as text: a stored number as the core printed it, typed text as
 *  typed, nothing as "". */
export function numberText(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value;
  return "";
}

/** The core's refusal of one field ("invalid hours: must be from 0 to 24") as the words under
 *  that field ("Must be from 0 to 24."): the field is already named by where it is shown. */
export function fieldMessage(message: string, key: string): string {
  const prefix = `invalid ${key}: `;
  const words = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  if (words === "") return message;
  const sentence = words[0].toUpperCase() + words.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A calendar day ("2026-12-06") as the app writes days ("6 Dec 2026" in en-GB): a day has no
 *  zone, so it is formatted as the UTC day it names and never moves. Text that is not such a day
 *  is shown as it is. */
export function formatDay(iso: string, locale?: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (m === null) return iso;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (date.getUTCDate() !== Number(m[3])) return iso;
  const key = locale ?? "";
  let f = dayFormats.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    dayFormats.set(key, f);
  }
  return f.format(date);
}

/** A yes/no answer in words. */
export function yesNo(value: unknown): string {
  return value === true ? "Yes" : value === false ? "No" : String(value);
}
