// A form that cannot save says why at each field and puts the cursor in the first one: the
// checks here are only what the window must settle before it can even build the request (a
// required field left empty, a date or number typed halfway); every rule stays in the core.

import { tick } from "svelte";

/** Why each field cannot be saved, by field name (the `data-field` of its message). */
export type FieldErrors = Record<string, string>;

/** Focuses the first field with an error; `ids` maps field names to input ids, in form order. */
export async function focusFirstError(errors: FieldErrors, ids: [field: string, id: string][]): Promise<void> {
  await tick();
  const first = ids.find(([field]) => errors[field] !== undefined);
  if (first === undefined) return;
  const el = document.getElementById(first[1]);
  if (el !== null) focusInView(el);
}

/** Focuses a field and scrolls only its own scrolling panel to it (the browser's own scrolling
 *  also moves the window's fixed layout, leaving the header off screen). */
export function focusInView(el: HTMLElement): void {
  el.focus({ preventScroll: true });
  let box = el.parentElement;
  while (box !== null && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
  if (box === null) return;
  const r = el.getBoundingClientRect();
  const b = box.getBoundingClientRect();
  if (r.top < b.top + 8) box.scrollTop -= b.top + 8 - r.top;
  else if (r.bottom > b.bottom - 8) box.scrollTop += r.bottom - (b.bottom - 8);
}

/** Whole minutes from 1 to 1440 typed into a number field (which gives "" or a number). */
export function minutesError(value: unknown): string | null {
  if (value === "" || value === null || value === undefined || Number.isNaN(value)) {
    return "Type the minutes worked (1 to 1440).";
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1440) return "Minutes are a whole number from 1 to 1440.";
  return null;
}
