// The app's one autosaver for paragraphs, wired to `saveDraft` (every change is saved as it is
// typed, one save per field in flight), to localStorage as its journal, and to the window's
// close: the shell's close handshake, pagehide / beforeunload and visibilitychange flush every
// unsent field.

import { SvelteMap } from "svelte/reactivity";
import { Autosaver, draftId, type DraftKey, type SaveState } from "./autosave";
import { onWindowClose, saveDraft } from "../ipc";

/** Each field's save state, by `draftId`, for the "Saved" / "Not saved" line under it. */
export const saveStates = new SvelteMap<string, SaveState>();

function journal(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export const drafts = new Autosaver({
  save: (key: DraftKey, text: string) => saveDraft(key.ticketId, key.step, key.field, text),
  journal: journal(),
  onState: (key, state) => saveStates.set(draftId(key), state),
});

function flush(): void {
  void drafts.flushAll();
}

window.addEventListener("pagehide", flush);
window.addEventListener("beforeunload", flush);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") flush();
});
void onWindowClose(() => drafts.flushAll());
