import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosaver, type DraftJournal, type DraftKey } from "./autosave";

const KEY: DraftKey = { ticketId: 7, step: 6, field: "notes" };
const JOURNAL_KEY = "ticketflow.draft.7/6/notes";

class MemoryJournal implements DraftJournal {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  /** The text journalled for `key`, and what the store held when it was. */
  entry(key: string = JOURNAL_KEY): { text: string; base: string | null } | null {
    const raw = this.getItem(key);
    return raw === null ? null : JSON.parse(raw);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

describe("Autosaver", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(save = vi.fn(async (_key: DraftKey, _text: string) => {})) {
    const journal = new MemoryJournal();
    const states: string[] = [];
    const saver = new Autosaver({
      save,
      journal,
      onState: (_key, s) => states.push(s.state),
    });
    return { saver, save, journal, states };
  }

  /** A save that lands only when the test says so: `pending[i](...)` settles the i-th call. */
  function heldSave() {
    const pending: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
    const save = vi.fn(
      (_key: DraftKey, _text: string) =>
        new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    );
    return { save, pending };
  }

  it("saves the first keystroke at once, without waiting for a pause in typing", async () => {
    const { saver, save, states } = setup();
    saver.input(KEY, "a");
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledExactlyOnceWith(KEY, "a");
    expect(states.at(-1)).toBe("saved");
  });

  it("saves every change as it is typed when each save lands before the next key", async () => {
    const { saver, save } = setup();
    for (const text of ["a", "ab", "abc"]) {
      saver.input(KEY, text);
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(save.mock.calls.map(([, text]) => text)).toEqual(["a", "ab", "abc"]);
  });

  it("keeps one save in flight and sends only the latest text typed behind it", async () => {
    const { save, pending } = heldSave();
    const { saver, states } = setup(save);
    saver.input(KEY, "a");
    await vi.advanceTimersByTimeAsync(0);
    saver.input(KEY, "ab");
    saver.input(KEY, "abc");
    saver.input(KEY, "abcd");
    await vi.advanceTimersByTimeAsync(1000);
    expect(save).toHaveBeenCalledOnce();
    expect(states.at(-1)).toBe("pending");
    pending[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledTimes(2);
    expect(save).toHaveBeenLastCalledWith(KEY, "abcd");
    expect(states.at(-1)).toBe("saving");
    pending[1].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledTimes(2);
    expect(states.at(-1)).toBe("saved");
  });

  it("says saved only once the latest text has landed", async () => {
    const { save, pending } = heldSave();
    const { saver, states } = setup(save);
    saver.input(KEY, "a");
    await vi.advanceTimersByTimeAsync(0);
    saver.input(KEY, "ab");
    pending[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(states).not.toContain("saved");
    pending[1].resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toBe("saved");
  });

  it("picks up text typed right as the last save lands", async () => {
    const { save, pending } = heldSave();
    const { saver } = setup(save);
    saver.input(KEY, "a");
    await vi.advanceTimersByTimeAsync(0);
    pending[0].resolve();
    saver.input(KEY, "ab");
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenLastCalledWith(KEY, "ab");
  });

  it("does not wait on one field's save to send another field", async () => {
    const { save } = heldSave();
    const { saver } = setup(save);
    const other = { ...KEY, field: "scope" };
    saver.input(KEY, "one");
    saver.input(other, "two");
    await vi.advanceTimersByTimeAsync(0);
    expect(save.mock.calls).toEqual([
      [KEY, "one"],
      [other, "two"],
    ]);
  });

  it("flush (blur, window close) resolves once the latest text has landed", async () => {
    const { save, pending } = heldSave();
    const { saver } = setup(save);
    saver.input(KEY, "typed");
    saver.input(KEY, "typed then closed");
    let done = false;
    const flushed = saver.flush(KEY).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    pending[0].resolve();
    await flushed;
    expect(save).toHaveBeenCalledExactlyOnceWith(KEY, "typed then closed");
    await saver.flush(KEY);
    expect(save).toHaveBeenCalledOnce();
  });

  it("flushAll saves every field with unsent text", async () => {
    const { saver, save } = setup();
    const other = { ...KEY, field: "scope" };
    saver.input(KEY, "one");
    saver.input(other, "two");
    await saver.flushAll();
    expect(save).toHaveBeenCalledTimes(2);
    await saver.flushAll();
    expect(save).toHaveBeenCalledTimes(2);
  });

  it("journals every keystroke and clears the journal once that text is saved", async () => {
    const { saver, journal } = setup();
    saver.input(KEY, "draft");
    expect(journal.entry()?.text).toBe("draft");
    await saver.flush(KEY);
    expect(journal.getItem(JOURNAL_KEY)).toBeNull();
  });

  it("runs saves of one field in order, so an old save never lands last", async () => {
    const order: string[] = [];
    let release!: () => void;
    const save = vi.fn(async (_key: DraftKey, text: string) => {
      if (text === "first") await new Promise<void>((r) => (release = r));
      order.push(text);
    });
    const { saver } = setup(save);
    saver.input(KEY, "first");
    const a = saver.flush(KEY);
    await vi.advanceTimersByTimeAsync(0);
    saver.input(KEY, "second");
    const b = saver.flush(KEY);
    await vi.advanceTimersByTimeAsync(0);
    release();
    await Promise.all([a, b]);
    expect(order).toEqual(["first", "second"]);
  });

  it("keeps failed text (and its journal entry) for the next flush", async () => {
    const save = vi.fn().mockRejectedValueOnce(new Error("store busy")).mockResolvedValue(undefined);
    const { saver, journal, states } = setup(save);
    saver.input(KEY, "precious");
    await saver.flush(KEY);
    expect(states.at(-1)).toBe("failed");
    expect(journal.entry()?.text).toBe("precious");
    await saver.flush(KEY);
    expect(save).toHaveBeenLastCalledWith(KEY, "precious");
    expect(states.at(-1)).toBe("saved");
  });

  it("retries a failed save with the next keystroke, one save at a time", async () => {
    const save = vi.fn().mockRejectedValueOnce(new Error("store busy")).mockResolvedValue(undefined);
    const { saver, states } = setup(save);
    saver.input(KEY, "a");
    await vi.advanceTimersByTimeAsync(1000);
    expect(states.at(-1)).toBe("failed");
    expect(save).toHaveBeenCalledOnce();
    saver.input(KEY, "ab");
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenLastCalledWith(KEY, "ab");
    expect(states.at(-1)).toBe("saved");
  });

  it("recovers journalled text the desktop app never received, and saves it again", async () => {
    const { saver, save, journal } = setup();
    journal.setItem(JOURNAL_KEY, "typed before the crash");
    expect(saver.recovered(KEY, "older")).toBe("typed before the crash");
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledWith(KEY, "typed before the crash");
  });

  it("journals what the store held with each text", async () => {
    const { save, pending } = heldSave();
    const { saver, journal } = setup(save);
    expect(saver.recovered(KEY, "saved before")).toBeNull();
    saver.input(KEY, "saved before, a");
    expect(journal.entry()).toEqual({ text: "saved before, a", base: "saved before" });
    await vi.advanceTimersByTimeAsync(0);
    pending[0].resolve();
    await vi.advanceTimersByTimeAsync(0);
    saver.input(KEY, "saved before, ab");
    expect(journal.entry()).toEqual({ text: "saved before, ab", base: "saved before, a" });
  });

  it("recovers a journal written on top of what the store still holds", async () => {
    const { saver, save, journal } = setup();
    journal.setItem(JOURNAL_KEY, JSON.stringify({ text: "abc", base: "ab" }));
    expect(saver.recovered(KEY, "ab")).toBe("abc");
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledExactlyOnceWith(KEY, "abc");
  });

  it("never recovers a journal older than the store over the newer saved text", async () => {
    // A crash: WebKit had put "ab" (typed while "a" was being saved) on disk, but "abc" was saved.
    const { saver, save, journal } = setup();
    journal.setItem(JOURNAL_KEY, JSON.stringify({ text: "ab", base: "a" }));
    expect(saver.recovered(KEY, "abc")).toBeNull();
    await vi.advanceTimersByTimeAsync(0);
    expect(save).not.toHaveBeenCalled();
    expect(journal.items.size).toBe(0);
  });

  it("recovers this window's own journal even when the store moved on", async () => {
    // The field is shown again while "abc" is still queued behind the save of "ab".
    const { save } = heldSave();
    const { saver } = setup(save);
    expect(saver.recovered(KEY, "a")).toBeNull();
    saver.input(KEY, "ab");
    await vi.advanceTimersByTimeAsync(0);
    saver.input(KEY, "abc");
    expect(saver.recovered(KEY, "ab")).toBe("abc");
  });

  it("has nothing to recover when the journal matches what was saved", () => {
    const { saver, journal } = setup();
    journal.setItem(JOURNAL_KEY, "same");
    expect(saver.recovered(KEY, "same")).toBeNull();
    expect(journal.items.size).toBe(0);
  });

  it("forget drops the text queued behind a save and the journal entry", async () => {
    const { save, pending } = heldSave();
    const { saver, journal, states } = setup(save);
    saver.input(KEY, "done");
    await vi.advanceTimersByTimeAsync(0);
    saver.input(KEY, "done, and more");
    saver.forget(KEY);
    pending[0].resolve();
    await vi.advanceTimersByTimeAsync(1000);
    expect(save).toHaveBeenCalledExactlyOnceWith(KEY, "done");
    expect(journal.items.size).toBe(0);
    expect(states).not.toContain("saved");
  });
});
