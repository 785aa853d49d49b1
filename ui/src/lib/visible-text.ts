// Hidden characters in untrusted text made visible: a right-to-left override, zero-width or
// other format character, or a control character is shown as a marker (⟦U+202E⟧), never applied.
// The list and the marker come from the core (src-tauri/core/src/text/visible.rs), which writes
// hidden-chars.json and fails its test when the file differs from its table; visible-text.test.ts
// replays the core's worked examples through this module, so the two sides cannot drift.
import hiddenChars from "./hidden-chars.json";

export type VisiblePart = { text: string } | { hidden: number };

type Range = { first: number; last: number; name: string };

const RANGES: readonly Range[] = hiddenChars.ranges;
export const MARK_OPEN: string = hiddenChars.open;
export const MARK_CLOSE: string = hiddenChars.close;

/** What code point `cp` is when it is a hidden character, else null (the ranges are sorted). */
export function hiddenName(cp: number): string | null {
  let lo = 0;
  let hi = RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = RANGES[mid]!;
    if (r.last < cp) lo = mid + 1;
    else if (r.first > cp) hi = mid - 1;
    else return r.name;
  }
  return null;
}

/** The marker for code point `cp`: ⟦U+202E⟧ (at least four hex digits, upper case). */
export function marker(cp: number): string {
  return `${MARK_OPEN}U+${cp.toString(16).toUpperCase().padStart(4, "0")}${MARK_CLOSE}`;
}

/** The tooltip of a marker: what the character is and that it is not applied. */
export function hiddenTitle(cp: number): string {
  return `${hiddenName(cp) ?? "character"}: a hidden character, shown instead of applied`;
}

/** `text` split into text shown as it is and the hidden characters between. */
export function visibleParts(text: string): VisiblePart[] {
  const parts: VisiblePart[] = [];
  let run = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (hiddenName(cp) === null) {
      run += ch;
      continue;
    }
    if (run !== "") parts.push({ text: run });
    run = "";
    parts.push({ hidden: cp });
  }
  if (run !== "") parts.push({ text: run });
  return parts;
}

/** `text` with every hidden character replaced by its marker (for tooltips and plain text). */
export function marked(text: string): string {
  return visibleParts(text)
    .map((p) => ("hidden" in p ? marker(p.hidden) : p.text))
    .join("");
}
