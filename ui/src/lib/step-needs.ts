// What a step still needs (the core's list, with codes) and the button that provides each: the
// window never offers a step only to refuse it, and never names a need without a way to meet it
// where one exists.

import type { Need } from "../ipc";

/** What the window does for a need. */
export type NeedAction =
  | { kind: "go_to_step"; step: number; label: string }
  | { kind: "add_time_entry"; label: string }
  | { kind: "customer_replied"; label: string }
  | { kind: "focus_field"; field: string; label: string };

/** The button for a need; null when nothing in the window provides it (the message says why). */
export function needAction(need: Need): NeedAction | null {
  switch (need.code) {
    case "step_not_done":
    case "asset_required":
    case "signature_invalidated":
      return need.step === null ? null : { kind: "go_to_step", step: need.step, label: `Go to step ${need.step}` };
    case "time_entry_required":
      return { kind: "add_time_entry", label: "Add time entry" };
    case "waiting_on_customer":
      return { kind: "customer_replied", label: "Customer replied" };
    case "breach_note":
      return need.field === null ? null : { kind: "focus_field", field: need.field, label: "Write the breach note" };
    case "wrong_status":
    case "ticket_closed":
      return null;
  }
}

/** Needs to show: each missing step once (a step listed for several reasons is one button). */
export function shownNeeds(needs: Need[]): Need[] {
  const seen = new Set<string>();
  return needs.filter((n) => {
    const key = `${n.code}:${n.step ?? ""}:${n.field ?? ""}:${n.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
