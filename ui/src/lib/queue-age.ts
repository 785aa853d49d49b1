// How long ago a ticket was opened, as the queue's Age column shows it: short ("3 h", "2 d") so
// it fits a narrow column, with a sentence for the tooltip and screen readers.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The age from `createdAt` (ISO 8601) to `now` (ms): "12 min", "3 h", "2 d". A time after
 *  `now` (a clock a little behind the core's) counts as just opened. */
export function formatAge(createdAt: string, now: number): string {
  const age = Math.max(0, now - Date.parse(createdAt));
  if (Number.isNaN(age)) return "—";
  if (age < HOUR) return `${Math.max(1, Math.floor(age / MINUTE))} min`;
  if (age < DAY) return `${Math.floor(age / HOUR)} h`;
  return `${Math.floor(age / DAY)} d`;
}

/** The same age as words: "Opened 3 hours ago". */
export function describeAge(createdAt: string, now: number): string {
  const short = formatAge(createdAt, now);
  const [count, unit] = short.split(" ");
  if (unit === undefined) return "Opening time unknown";
  const n = Number(count);
  const word = unit === "min" ? "minute" : unit === "h" ? "hour" : "day";
  return `Opened ${n} ${word}${n === 1 ? "" : "s"} ago`;
}
