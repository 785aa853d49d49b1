// The desk's status, asked once at start (is it set up?) and again whenever the "get started"
// checklist is shown, so its ticks follow what was added.

import { getDeskStatus, type DeskStatus } from "../../ipc";
import { shownError, type ShownError } from "../../lib/errors";

export const desk = $state({
  status: null as DeskStatus | null,
  error: null as ShownError | null,
});

export async function refreshDesk(): Promise<void> {
  try {
    desk.status = await getDeskStatus();
    desk.error = null;
  } catch (e) {
    desk.error = shownError(e);
  }
}
