// What the queue looked like when the technician left it for a ticket: filters, highlighted row
// and scroll position, so coming back lands where they were.

import type { Priority, TicketStatus } from "../ipc";

export const queueMemory = $state({
  search: "",
  status: "" as TicketStatus | "",
  priority: "" as Priority | "",
  companyId: "" as number | "",
  mine: false,
  atRisk: false,
  active: -1,
  scrollTop: 0,
});
