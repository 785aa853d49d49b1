// What the QBR batch says while it runs and when it ends. The core chooses the clients, writes
// and signs the packs; these only word the counts it reports (the item a progress message or a
// failure names is the client's name).
import type { BatchProgress, BatchSummary } from "../../../ipc";
import { formatBytes } from "../../../lib/reports";

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Client 3 of 12 done: Alpine Dental · 1 failed"; before the first client, what is happening. */
export function batchProgressText(p: BatchProgress | null): string {
  if (p === null) return "Choosing the clients and signing the desk's history…";
  const failed = p.failed > 0 ? ` · ${p.failed} failed` : "";
  return `Client ${p.done} of ${p.total} done: ${p.ticket}${failed}`;
}

/** One line on how the batch ended. */
export function batchSummaryText(s: BatchSummary, folder: string): string {
  if (s.total === 0) return "No client has a ticket in this period: no pack was written.";
  const written = `${plural(s.exported, "pack", "packs")} written (${formatBytes(s.bytes)}) into ${folder}`;
  const failed = s.failed.length > 0 ? `; ${s.failed.length} failed, listed below` : "";
  if (s.cancelled) {
    const tried = s.exported + s.failed.length;
    return `Cancelled after ${tried} of ${plural(s.total, "client", "clients")}: ${written}${failed}.`;
  }
  return `${plural(s.total, "client", "clients")}: ${written}${failed}.`;
}
