// One run of "Export every client's QBR…": the folder asked for, the progress heard, and how it
// ended. Kept apart from the screen so that the button (in the pickers) and the panel (under
// them) read the same run.
import {
  cancelBatchExport,
  chooseFolder,
  exportQbrBatch,
  type BatchProgress,
  type BatchSummary,
  type QbrPeriod,
} from "../../../ipc";
import { shownError, type ShownError } from "../../../lib/errors";

export class QbrBatchRun {
  /** The period and folder of the run shown (the last one started). */
  period = $state<QbrPeriod | null>(null);
  folder = $state<string | null>(null);
  running = $state(false);
  cancelling = $state(false);
  progress = $state<BatchProgress | null>(null);
  summary = $state<BatchSummary | null>(null);
  error = $state<ShownError | null>(null);

  /** Asks for a folder, then writes every client's pack of `period` into it. */
  async start(period: QbrPeriod): Promise<void> {
    if (this.running) return;
    let folder: string | null;
    try {
      folder = await chooseFolder("Export every client's QBR into");
    } catch (e) {
      this.error = shownError(e);
      return;
    }
    if (folder === null) return;
    this.period = { from: period.from, to: period.to };
    this.folder = folder;
    this.running = true;
    this.cancelling = false;
    this.progress = null;
    this.summary = null;
    this.error = null;
    try {
      this.summary = await exportQbrBatch(period.from, period.to, folder, (p) => {
        // Messages arrive in order; a stale one never moves the count back.
        if (this.progress === null || p.done > this.progress.done) this.progress = p;
      });
    } catch (e) {
      this.error = shownError(e);
    } finally {
      this.running = false;
    }
  }

  /** Stops the run after the packs in hand. */
  async cancel(): Promise<void> {
    if (!this.running) return;
    this.cancelling = true;
    try {
      await cancelBatchExport();
    } catch (e) {
      this.error = shownError(e);
    }
  }

  /** Hides the outcome of a finished run. */
  dismiss(): void {
    if (this.running) return;
    this.progress = null;
    this.summary = null;
    this.error = null;
    this.period = null;
  }
}

/** The screen's run, kept while the app runs: leaving the QBR screen while packs are written and
 *  coming back shows the same run, as the batch goes on in the shell meanwhile. */
export const qbrBatch = new QbrBatchRun();
