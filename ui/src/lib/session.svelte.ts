// Who is at the keyboard: the current technician, shown in the header and used by "Mine".

import type { Technician } from "../ipc";

export const session = $state({
  technician: null as string | null,
  technicians: [] as Technician[],
});
