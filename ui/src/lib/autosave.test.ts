import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosaver, type DraftJournal, type DraftKey } from "./autosave";

const KEY: DraftKey = { ticketId: 7, step: 6, field: "notes" };

class MemoryJournal implements DraftJournal {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
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

  function setup(save = vi.fn(async () => {})) {
    const journal = new MemoryJournal();
    const states: string[] = [];
    const saver = new Autosaver({
      delayMs: 500,
      save,
      journal,
      onState: (_key, s) => states.push(s.state),
    });
    return { saver, save, journal, states };
  }

  it("saves once, 500 ms after the last keystroke", async () => {
    const { saver, save } = setup();
    saver.input(KEY, "a");
    await vi.advanceTimersByTimeAsync(300);
    saver.input(KEY, "ab");
    await vi.advanceTimersByTimeAsync(499);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(save).toHaveBeenCalledExactlyOnceWith(KEY, "ab");
  });

  it("flush (blur, window close) saves at once and cancels the timer", async () => {
    const { saver, save } = setup();
    saver.input(KEY, "typed then closed");
    await saver.flush(KEY);
    expect(save).toHaveBeenCalledExactlyOnceWith(KEY, "typed then closed");
    await vi.advanceTimersByTimeAsync(1000);
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
    expect(journal.getItem("ticketflow.draft.7/6/notes")).toBe("draft");
    await saver.flush(KEY);
    expect(journal.getItem("ticketflow.draft.7/6/notes")).toBeNull();
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
    expect(journal.getItem("ticketflow.draft.7/6/notes")).toBe("precious");
    await saver.flush(KEY);
    expect(save).toHaveBeenLastCalledWith(KEY, "precious");
    expect(states.at(-1)).toBe("saved");
  });

  it("recovers journalled text the desktop app never received, and saves it again", async () => {
    const { saver, save, journal } = setup();
    journal.setItem("ticketflow.draft.7/6/notes", "typed before the crash");
    expect(saver.recovered(KEY, "older")).toBe("typed before the crash");
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledWith(KEY, "typed before the crash");
  });

  it("has nothing to recover when the journal matches what was saved", () => {
    const { saver, journal } = setup();
    journal.setItem("ticketflow.draft.7/6/notes", "same");
    expect(saver.recovered(KEY, "same")).toBeNull();
    expect(journal.items.size).toBe(0);
  });

  it("forget drops the pending save and the journal entry", async () => {
    const { saver, save, journal } = setup();
    saver.input(KEY, "done");
    saver.forget(KEY);
    await vi.advanceTimersByTimeAsync(1000);
    expect(save).not.toHaveBeenCalled();
    expect(journal.items.size).toBe(0);
  });
});
