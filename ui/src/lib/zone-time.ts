// Wall-clock dates and times in a named time zone, both ways, for forms that take a time the way
// it is shown: in the client's zone (see `formatTime`), not the computer's. Intl knows the zones;
// no table of our own.

function two(n: number): string {
  return String(n).padStart(2, "0");
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let f = partFormats.get(zone);
  if (f === undefined) {
    const make = (timeZone: string) =>
      new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    try {
      f = make(zone);
    } catch {
      // An unknown zone reads as UTC, as `formatTime` shows it.
      f = make("UTC");
    }
    partFormats.set(zone, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallOf(ms: number, zone: string): Wall {
  const v: Record<string, number> = {};
  for (const p of partsFormat(zone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") v[p.type] = Number(p.value);
  }
  return { year: v.year, month: v.month, day: v.day, hour: v.hour % 24, minute: v.minute, second: v.second };
}

/** How far `zone`'s wall clock is ahead of UTC at the instant `ms`, in milliseconds. */
function offsetAt(ms: number, zone: string): number {
  const w = wallOf(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** An instant as `zone`'s wall-clock date ("2026-03-02") and time ("09:05"). */
export function wallClockIn(iso: string, zone: string): { date: string; time: string } {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return { date: "", time: "" };
  const w = wallOf(ms, zone);
  return {
    date: `${w.year}-${two(w.month)}-${two(w.day)}`,
    time: `${two(w.hour)}:${two(w.minute)}`,
  };
}

/** `zone`'s wall-clock date ("2026-03-02") and time ("09:05") as an RFC 3339 instant (UTC). A
 *  time the clocks skip (spring forward) is read with the offset before the change, so it lands
 *  an hour later; a time that happens twice (fall back) is the first of the two. */
export function instantFromWallClock(date: string, time: string, zone: string): string {
  const [y, m, d] = date.split("-").map(Number);
  const [h, min] = time.split(":").map(Number);
  const wall = Date.UTC(y, m - 1, d, h, min);
  // The offset just before the wall time, then once more at the instant that gives: two
  // readings settle every real zone, including around a change of offset.
  const before = offsetAt(wall - 86_400_000, zone);
  const first = wall - before;
  const at = offsetAt(first, zone);
  const candidate = wall - at;
  const ms = offsetAt(candidate, zone) === at ? candidate : first;
  return new Date(ms).toISOString();
}

const nameFormats = new Map<string, Intl.DateTimeFormat>();

/** `zone`'s short name on the day of `at`, as times are shown ("CET", "GMT+1" in some locales),
 *  for labelling a field that takes a time in that zone. */
export function zoneName(zone: string, at: Date = new Date()): string {
  let f = nameFormats.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat(undefined, { timeZone: zone, timeZoneName: "short" });
    } catch {
      f = new Intl.DateTimeFormat(undefined, { timeZone: "UTC", timeZoneName: "short" });
    }
    nameFormats.set(zone, f);
  }
  const when = Number.isNaN(at.getTime()) ? new Date() : at;
  return f.formatToParts(when).find((p) => p.type === "timeZoneName")?.value ?? zone;
}
