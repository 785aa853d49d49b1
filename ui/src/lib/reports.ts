// What the closure-report screens show: file names, date ranges, progress and summaries.
// Pure functions: no DOM, no IPC.

import type { BatchProgress, BatchSummary } from "../ipc";

/** A ticket number as a file name: letters, digits, '-' and '_' only (as the core names them). */
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** What the save dialog proposes for a ticket's report. */
export function reportFileName(ticketNumber: string): string {
  return `${safeName(ticketNumber)} closure report.pdf`;
}

/** The root certificate's proposed file name, after the MSP. */
export function rootCertFileName(mspName: string): string {
  const name = mspName.trim().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/\s+/g, " ").trim();
  return `${name === "" ? "Ticketflow" : name} report root.pem`;
}

/**
 * The path the save dialog returned, with `extension` added when the technician typed a name
 * without it (some platforms' dialogs do not add it from the filter).
 */
export function withExtension(path: string, extension: string): string {
  return path.toLowerCase().endsWith(`.${extension.toLowerCase()}`) ? path : `${path}.${extension}`;
}

function isoDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The last full calendar month before `today` (a QBR or monthly client pack), local dates. */
export function lastMonth(today: Date): { from: string; to: string } {
  const first = new Date(today.getFullYear(), today.getMonth() - 1, 1);
  const last = new Date(today.getFullYear(), today.getMonth(), 0);
  return { from: isoDate(first), to: isoDate(last) };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Why a date range cannot be exported, or null when it can. `typing` carries the date fields'
 *  own message while the text typed into one is not a date yet: its last good value must not be
 *  exported behind the technician's back, so that message comes first. */
export function rangeProblem(
  from: string | null,
  to: string | null,
  typing: { from?: string | null; to?: string | null } = {},
): string | null {
  if (typing.from) return `First day: ${typing.from}`;
  if (typing.to) return `Last day: ${typing.to}`;
  if (from === null || !validDate(from)) return "Type the first day of the range.";
  if (to === null || !validDate(to)) return "Type the last day of the range.";
  if (from > to) return "The range ends before it starts.";
  return null;
}

/** Whole percent done, 0–100. */
export function progressPercent(p: BatchProgress | null): number {
  if (p === null || p.total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((100 * p.done) / p.total)));
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "12 of 40 reports · 1 failed" */
export function progressLabel(p: BatchProgress): string {
  const failed = p.failed > 0 ? ` · ${p.failed} failed` : "";
  return `${p.done} of ${plural(p.total, "report", "reports")}${failed}`;
}

/** "23 KB", "3.4 MB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** One line on how a batch ended. */
export function summaryText(s: BatchSummary): string {
  if (s.total === 0) return "No tickets of this client were closed in that range.";
  const exported = `${plural(s.exported, "report", "reports")} exported (${formatBytes(s.bytes)})`;
  const failed = s.failed.length > 0 ? `, ${s.failed.length} failed` : "";
  if (s.cancelled) {
    const tried = s.exported + s.failed.length;
    return `Cancelled after ${tried} of ${s.total}: ${exported}${failed}.`;
  }
  return `${exported[0].toUpperCase()}${exported.slice(1)}${failed}.`;
}

/** What the technician can do about a report error the core names by code. */
export function reportErrorHint(code: string): string | null {
  switch (code) {
    case "KEYCHAIN_UNAVAILABLE":
      return "Reports are signed with a key kept in the system keychain. Unlock the keychain (or sign in to a desktop session) and try again; on a Linux machine without one, start Ticketflow with TICKETFLOW_KEYSTORE=keyutils.";
    case "SIGNING_KEY_MISSING":
      return "This installation's signing key is not in this keychain. Use the keychain that created it; reports cannot be signed until then.";
    case "NO_TECHNICIAN":
      return "Choose who you are (top right) first.";
    default:
      return null;
  }
}
