// Text boxes that grow with their text, so what was written is read without a scrollbar: the
// ticket's paragraph fields and the runbook editor's text.

/** The part of a text box `fitToText` reads and sets (a `<textarea>` in the app). */
type Box = Pick<HTMLTextAreaElement, "scrollHeight" | "offsetHeight" | "clientHeight"> & {
  style: Pick<CSSStyleDeclaration, "height" | "overflowY">;
};

/** Fits the box to its text: never shorter than its rows, never taller than 60% of the window
 *  (past that it scrolls). Call it whenever the text changes, typed or set from outside. */
export function fitToText(box: Box | undefined, windowHeight = window.innerHeight): void {
  if (box === undefined) return;
  box.style.height = "auto";
  const max = Math.round(windowHeight * 0.6);
  const needed = box.scrollHeight + (box.offsetHeight - box.clientHeight);
  box.style.height = `${Math.min(needed, max)}px`;
  box.style.overflowY = needed > max ? "auto" : "hidden";
}
