// Paragraph autosave: nothing a technician types may be lost.
//
// Each keystroke goes to a local journal (localStorage) at once, and to the desktop app after a
// pause in typing (`saveDraft`, debounced). Blur and window close flush at once. The journal
// covers the last half-second when the window closes before the flush's IPC call lands: on the
// next start `recovered` hands its text back and it is saved again.

export interface DraftKey {
  ticketId: number;
  step: number;
  field: string;
}

export type SaveState =
  | { state: "pending" }
  | { state: "saving" }
  | { state: "saved" }
  | { state: "failed"; error: unknown };

/** The subset of `Storage` the journal needs. */
export interface DraftJournal {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface AutosaveOptions {
  delayMs: number;
  save(key: DraftKey, text: string): Promise<void>;
  journal?: DraftJournal | null;
  onState?(key: DraftKey, state: SaveState): void;
}

interface Entry {
  key: DraftKey;
  /** Latest text typed, not yet handed to `save`; null when there is none. */
  unsent: string | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** The save in progress, if any: saves of one field run one after another, in order. */
  chain: Promise<void>;
}

export function draftId(key: DraftKey): string {
  return `${key.ticketId}/${key.step}/${key.field}`;
}

const JOURNAL_PREFIX = "ticketflow.draft.";

export class Autosaver {
  private readonly options: AutosaveOptions;
  private readonly entries = new Map<string, Entry>();

  constructor(options: AutosaveOptions) {
    this.options = options;
  }

  /** Text typed: journalled now, saved after `delayMs` without further typing. */
  input(key: DraftKey, text: string): void {
    const entry = this.entry(key);
    entry.unsent = text;
    this.journalWrite(key, text);
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void this.send(entry), this.options.delayMs);
    this.options.onState?.(key, { state: "pending" });
  }

  /** Saves `key`'s unsent text now (the field lost focus). Resolves once every save of it landed. */
  flush(key: DraftKey): Promise<void> {
    const entry = this.entries.get(draftId(key));
    return entry === undefined ? Promise.resolve() : this.send(entry);
  }

  /** Saves every field's unsent text now (the window is closing or hidden). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => this.send(entry)));
  }

  /**
   * Text the journal holds for `key` that differs from what the desktop app returned, i.e. typed
   * but possibly never saved. It is saved again at once; the caller shows it in the field.
   */
  recovered(key: DraftKey, savedText: string): string | null {
    const text = this.options.journal?.getItem(JOURNAL_PREFIX + draftId(key)) ?? null;
    if (text === null) return null;
    if (text === savedText) {
      this.journalClear(key, text);
      return null;
    }
    const entry = this.entry(key);
    entry.unsent = text;
    void this.send(entry);
    return text;
  }

  /** The step was completed: its drafts are part of the record now. */
  forget(key: DraftKey): void {
    const id = draftId(key);
    const entry = this.entries.get(id);
    if (entry?.timer != null) clearTimeout(entry.timer);
    this.entries.delete(id);
    this.options.journal?.removeItem(JOURNAL_PREFIX + id);
  }

  private entry(key: DraftKey): Entry {
    const id = draftId(key);
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { key, unsent: null, timer: null, chain: Promise.resolve() };
      this.entries.set(id, entry);
    }
    return entry;
  }

  private send(entry: Entry): Promise<void> {
    if (entry.timer !== null) {
      clearTimeout(entry.timer);
      entry.timer = null;
    }
    const text = entry.unsent;
    if (text === null) return entry.chain;
    entry.unsent = null;
    const { key } = entry;
    entry.chain = entry.chain.then(async () => {
      this.options.onState?.(key, { state: "saving" });
      try {
        await this.options.save(key, text);
      } catch (error) {
        // Keep the text for the next flush unless newer text has replaced it meanwhile.
        entry.unsent ??= text;
        this.options.onState?.(key, { state: "failed", error });
        return;
      }
      this.journalClear(key, text);
      this.options.onState?.(key, entry.unsent === null ? { state: "saved" } : { state: "pending" });
    });
    return entry.chain;
  }

  private journalWrite(key: DraftKey, text: string): void {
    try {
      this.options.journal?.setItem(JOURNAL_PREFIX + draftId(key), text);
    } catch {
      // A full or disabled localStorage only loses the fallback; the IPC save still runs.
    }
  }

  /** Drops the journal entry if it holds exactly `text` (newer typing keeps it). */
  private journalClear(key: DraftKey, text: string): void {
    const journal = this.options.journal;
    const id = JOURNAL_PREFIX + draftId(key);
    if (journal?.getItem(id) === text) journal.removeItem(id);
  }
}
