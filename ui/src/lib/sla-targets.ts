// Settings › SLA targets: the card's rows as typed, to and from the core's table. Whether a table
// can be saved is the core's answer alone (`checkSlaTargets`, and the save itself): this module
// only reads what was typed as numbers and files the core's problems under their cells.

import type { Priority, SlaPolicy, SlaTargetInput, SlaTargetProblem, Tier } from "../ipc";

export type TargetField = "first_response_minutes" | "resolution_minutes";

/** One tier × priority row as the technician typed it (minutes, as text). */
export interface TargetRow {
  tier: Tier;
  priority: Priority;
  first_response_minutes: string;
  resolution_minutes: string;
}

export function targetRows(table: readonly SlaPolicy[]): TargetRow[] {
  return table.map((p) => ({
    tier: p.tier,
    priority: p.priority,
    first_response_minutes: String(p.first_response_minutes),
    resolution_minutes: String(p.resolution_minutes),
  }));
}

/** The key a cell's messages are filed under. */
export function cellKey(tier: Tier, priority: Priority, field: TargetField | "cell"): string {
  return `${tier}-${priority}-${field}`;
}

/** What was typed, as the core takes it; a box that holds no number is listed, not sent. */
export function readTargets(rows: readonly TargetRow[]): {
  cells: SlaTargetInput[];
  unreadable: string[];
} {
  const cells: SlaTargetInput[] = [];
  const unreadable: string[] = [];
  for (const row of rows) {
    const read = (field: TargetField): number | null => {
      const text = row[field].trim();
      const n = text === "" ? NaN : Number(text);
      if (Number.isFinite(n)) return n;
      unreadable.push(cellKey(row.tier, row.priority, field));
      return null;
    };
    const fr = read("first_response_minutes");
    const res = read("resolution_minutes");
    if (fr !== null && res !== null) {
      cells.push({ tier: row.tier, priority: row.priority, first_response_minutes: fr, resolution_minutes: res });
    }
  }
  return { cells, unreadable };
}

/** The core's problems by cell key, in its words. */
export function problemsByCell(problems: readonly SlaTargetProblem[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems) {
    const field = p.field === "first_response_minutes" || p.field === "resolution_minutes" ? p.field : "cell";
    const key = cellKey(p.tier, p.priority, field);
    out.set(key, [...(out.get(key) ?? []), p.message]);
  }
  return out;
}

/** True when the rows say something other than the saved table. */
export function targetsChanged(rows: readonly TargetRow[], table: readonly SlaPolicy[]): boolean {
  const saved = targetRows(table);
  return (
    rows.length !== saved.length ||
    rows.some(
      (r, i) =>
        r.tier !== saved[i]?.tier ||
        r.priority !== saved[i]?.priority ||
        Number(r.first_response_minutes) !== Number(saved[i]?.first_response_minutes) ||
        Number(r.resolution_minutes) !== Number(saved[i]?.resolution_minutes) ||
        r.first_response_minutes.trim() === "" ||
        r.resolution_minutes.trim() === "",
    )
  );
}

/** Working minutes as hours and minutes ("16 h", "1 h 30 min", "45 min"); "" for no number. */
export function workingTime(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes < 0 || !Number.isInteger(minutes)) return "";
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h.toLocaleString("en")} h` : `${h.toLocaleString("en")} h ${m} min`;
}
