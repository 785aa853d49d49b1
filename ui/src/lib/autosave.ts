// Paragraph autosave: nothing a technician types may be lost.
//
// Every change is handed to the desktop app as it is typed (`save`), with at most one save per
// field in flight: text typed while a save runs waits behind it, and only the latest of it is
// sent when that save lands. So a field saves as fast as the store answers (a draft commit takes
// well under a millisecond) and never more often, and saves of one field land in the order typed.
//
// Each change also goes to a local journal (localStorage) at once. It covers a save that failed
// or never landed: on the next start `recovered` hands its text back and it is saved again. WebKit
// writes localStorage to disk up to a second late, so after a crash the journal can be older than
// the store: each entry keeps the text the store held when it was written (its base), and is
// recovered only while the store still holds that base, never over newer saved text.

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
  save(key: DraftKey, text: string): Promise<void>;
  journal?: DraftJournal | null;
  onState?(key: DraftKey, state: SaveState): void;
}

interface Entry {
  key: DraftKey;
  /** What the store holds for this field, as far as this window knows; undefined if unknown. */
  stored: string | undefined;
  /** This window wrote the field's journal entry: it is current, not a stale copy from disk. */
  journalled: boolean;
  /** Latest text not yet handed to `save`; null when there is none. */
  unsent: string | null;
  /** Until every unsent text has been handed to `save` and landed (or failed); null when idle. */
  sending: Promise<void> | null;
  /** The step was completed: nothing more is sent for this field. */
  forgotten: boolean;
}

export function draftId(key: DraftKey): string {
  return `${key.ticketId}/${key.step}/${key.field}`;
}

const JOURNAL_PREFIX = "ticketflow.draft.";

/** A journal entry: text typed, and what the store held then (null: not known). */
interface Journalled {
  text: string;
  base: string | null;
}

function parseJournalled(raw: string): Journalled {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === "object" && value !== null) {
      const { text, base } = value as Record<string, unknown>;
      if (typeof text === "string" && (typeof base === "string" || base === null)) {
        return { text, base };
      }
    }
  } catch {
    // Not JSON: an entry of the plain-text format.
  }
  return { text: raw, base: null };
}

export class Autosaver {
  private readonly options: AutosaveOptions;
  private readonly entries = new Map<string, Entry>();

  constructor(options: AutosaveOptions) {
    this.options = options;
  }

  /**
   * Text typed: journalled and sent now, or, while this field's previous save is in flight,
   * sent as soon as that one lands (replacing any text that was waiting).
   */
  input(key: DraftKey, text: string): void {
    const entry = this.entry(key);
    entry.unsent = text;
    this.journalWrite(entry, text);
    if (entry.sending === null) void this.send(entry);
    else this.options.onState?.(key, { state: "pending" });
  }

  /**
   * Sends `key`'s unsent text now (the field lost focus; after a failure this is the retry).
   * Resolves once every save of it landed or one failed.
   */
  flush(key: DraftKey): Promise<void> {
    const entry = this.entries.get(draftId(key));
    return entry === undefined ? Promise.resolve() : this.send(entry);
  }

  /** Sends every field's unsent text now (the window is closing or hidden). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => this.send(entry)));
  }

  /**
   * Text the journal holds for `key` that differs from `savedText`, what the desktop app returned:
   * typed but possibly never saved. It is saved again at once; the caller shows it in the field.
   * An entry left by an earlier run that was written before the store last changed (its base is
   * not `savedText`) is older than the store, and is dropped.
   */
  recovered(key: DraftKey, savedText: string): string | null {
    const entry = this.entry(key);
    entry.stored ??= savedText;
    const raw = this.options.journal?.getItem(JOURNAL_PREFIX + draftId(key)) ?? null;
    if (raw === null) return null;
    const { text, base } = parseJournalled(raw);
    const stale = !entry.journalled && base !== null && base !== savedText;
    if (text === savedText || stale) {
      this.journalClear(key, text);
      return null;
    }
    entry.unsent = text;
    this.journalWrite(entry, text);
    void this.send(entry);
    return text;
  }

  /** The step was completed: its drafts are part of the record now. */
  forget(key: DraftKey): void {
    const id = draftId(key);
    const entry = this.entries.get(id);
    if (entry !== undefined) {
      entry.forgotten = true;
      entry.unsent = null;
    }
    this.entries.delete(id);
    this.options.journal?.removeItem(JOURNAL_PREFIX + id);
  }

  private entry(key: DraftKey): Entry {
    const id = draftId(key);
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = {
        key,
        stored: undefined,
        journalled: false,
        unsent: null,
        sending: null,
        forgotten: false,
      };
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** Starts sending `entry`'s unsent text unless that is under way; resolves when it is done. */
  private send(entry: Entry): Promise<void> {
    if (entry.sending === null && entry.unsent !== null) entry.sending = this.drain(entry);
    return entry.sending ?? Promise.resolve();
  }

  /**
   * Saves the latest unsent text, one save at a time, until none is left or a save fails.
   * `entry.sending` goes back to null in the same turn as the last check for unsent text, so an
   * `input` never finds it busy with nothing left to pick its text up.
   */
  private async drain(entry: Entry): Promise<void> {
    const { key } = entry;
    // The caller stores this promise in `entry.sending` after the first await below.
    await Promise.resolve();
    for (;;) {
      const text = entry.unsent;
      if (text === null || entry.forgotten) {
        entry.sending = null;
        return;
      }
      entry.unsent = null;
      this.options.onState?.(key, { state: "saving" });
      try {
        await this.options.save(key, text);
      } catch (error) {
        // Keep the text for the next try unless newer text has replaced it meanwhile.
        entry.unsent ??= text;
        entry.sending = null;
        if (!entry.forgotten) this.options.onState?.(key, { state: "failed", error });
        return;
      }
      if (entry.forgotten) {
        entry.sending = null;
        return;
      }
      entry.stored = text;
      this.journalClear(key, text);
      if (entry.unsent === null) this.options.onState?.(key, { state: "saved" });
    }
  }

  private journalWrite(entry: Entry, text: string): void {
    const item: Journalled = { text, base: entry.stored ?? null };
    entry.journalled = true;
    try {
      this.options.journal?.setItem(JOURNAL_PREFIX + draftId(entry.key), JSON.stringify(item));
    } catch {
      // A full or disabled localStorage only loses the fallback; the IPC save still runs.
    }
  }

  /** Drops the journal entry if it holds exactly `text` (newer typing keeps it). */
  private journalClear(key: DraftKey, text: string): void {
    const journal = this.options.journal;
    const id = JOURNAL_PREFIX + draftId(key);
    const raw = journal?.getItem(id) ?? null;
    if (raw !== null && parseJournalled(raw).text === text) journal?.removeItem(id);
  }
}
