import { describe, expect, it } from "vitest";
import { queueKey, type QueueCursor } from "./queue-keys";

const cursor = (active: number, count = 100, pageRows = 10): QueueCursor => ({
  active,
  count,
  pageRows,
});

describe("queueKey", () => {
  it("moves with the arrows and stops at the ends", () => {
    expect(queueKey(cursor(5), { key: "ArrowDown" })).toEqual({ kind: "move", active: 6 });
    expect(queueKey(cursor(5), { key: "ArrowUp" })).toEqual({ kind: "move", active: 4 });
    expect(queueKey(cursor(0), { key: "ArrowUp" })).toEqual({ kind: "move", active: 0 });
    expect(queueKey(cursor(99), { key: "ArrowDown" })).toEqual({ kind: "move", active: 99 });
  });

  it("starts at the first row when none is highlighted", () => {
    expect(queueKey(cursor(-1), { key: "ArrowDown" })).toEqual({ kind: "move", active: 0 });
    expect(queueKey(cursor(-1), { key: "ArrowUp" })).toEqual({ kind: "move", active: 0 });
  });

  it("pages by a screenful less one row, and jumps with Home and End", () => {
    expect(queueKey(cursor(5), { key: "PageDown" })).toEqual({ kind: "move", active: 14 });
    expect(queueKey(cursor(5), { key: "PageUp" })).toEqual({ kind: "move", active: 0 });
    expect(queueKey(cursor(50), { key: "Home" })).toEqual({ kind: "move", active: 0 });
    expect(queueKey(cursor(50), { key: "End" })).toEqual({ kind: "move", active: 99 });
  });

  it("opens the highlighted row with Enter, and nothing without one", () => {
    expect(queueKey(cursor(7), { key: "Enter" })).toEqual({ kind: "open", index: 7 });
    expect(queueKey(cursor(-1), { key: "Enter" })).toEqual({ kind: "none" });
  });

  it("binds / to search and n to a new ticket", () => {
    expect(queueKey(cursor(0), { key: "/" })).toEqual({ kind: "focus-search" });
    expect(queueKey(cursor(0), { key: "n" })).toEqual({ kind: "new-ticket" });
  });

  it("leaves typing in the search box alone, except Escape and ArrowDown", () => {
    expect(queueKey(cursor(0), { key: "n", inTextField: true })).toEqual({ kind: "none" });
    expect(queueKey(cursor(0), { key: "/", inTextField: true })).toEqual({ kind: "none" });
    expect(queueKey(cursor(0), { key: "Escape", inTextField: true })).toEqual({
      kind: "leave-search",
    });
    expect(queueKey(cursor(0), { key: "ArrowDown", inTextField: true })).toEqual({
      kind: "leave-search",
    });
  });

  it("ignores shortcuts held with a modifier", () => {
    expect(queueKey(cursor(0), { key: "n", ctrlKey: true })).toEqual({ kind: "none" });
    expect(queueKey(cursor(0), { key: "ArrowDown", altKey: true })).toEqual({ kind: "none" });
  });

  it("does not move in an empty queue", () => {
    expect(queueKey(cursor(-1, 0), { key: "ArrowDown" })).toEqual({ kind: "none" });
  });
});
