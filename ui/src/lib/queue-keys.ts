// Keyboard navigation of the queue as a pure reducer: the component feeds it key presses and
// acts on the result, so every binding is testable without a DOM.

export interface QueueCursor {
  /** Index of the highlighted row, or -1 when none is. */
  active: number;
  /** Rows matching the filters (not only those loaded). */
  count: number;
  /** Rows that fit the viewport: the PageUp / PageDown step. */
  pageRows: number;
}

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  /** The key went to a text field, where typing must stay typing. */
  inTextField?: boolean;
}

export type QueueAction =
  | { kind: "move"; active: number }
  | { kind: "open"; index: number }
  | { kind: "focus-search" }
  | { kind: "leave-search" }
  | { kind: "new-ticket" }
  | { kind: "none" };

const NONE: QueueAction = { kind: "none" };

function clamp(index: number, count: number): number {
  return Math.min(Math.max(index, 0), count - 1);
}

export function queueKey(cursor: QueueCursor, press: KeyPress): QueueAction {
  if (press.ctrlKey || press.altKey || press.metaKey) return NONE;
  if (press.inTextField) {
    // From the search box, Escape and ArrowDown hand the keyboard back to the list.
    if (press.key === "Escape" || press.key === "ArrowDown") return { kind: "leave-search" };
    return NONE;
  }
  const { active, count } = cursor;
  const step = Math.max(1, cursor.pageRows - 1);
  const move = (to: number): QueueAction =>
    count === 0 ? NONE : { kind: "move", active: clamp(to, count) };
  switch (press.key) {
    case "ArrowDown":
      return move(active < 0 ? 0 : active + 1);
    case "ArrowUp":
      return move(active < 0 ? 0 : active - 1);
    case "PageDown":
      return move(Math.max(active, 0) + step);
    case "PageUp":
      return move(Math.max(active, 0) - step);
    case "Home":
      return move(0);
    case "End":
      return move(count - 1);
    case "Enter":
      return active >= 0 && active < count ? { kind: "open", index: active } : NONE;
    case "/":
      return { kind: "focus-search" };
    case "n":
    case "N":
      return { kind: "new-ticket" };
    default:
      return NONE;
  }
}
