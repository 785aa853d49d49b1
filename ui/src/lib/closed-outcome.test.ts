import { describe, expect, it } from "vitest";
import type { TicketView } from "../ipc";
import { closedOutcome } from "./closed-outcome";

function view(steps: Record<number, Record<string, unknown> | null>, ticket: Record<string, unknown> = {}): TicketView {
  return {
    ticket: { resolution_code: null, closed_at: null, ...ticket },
    phases: [
      {
        key: "closure",
        steps: Object.entries(steps).map(([n, values]) => ({
          number: Number(n),
          completion: values === null ? null : { values, completed_by: "Dana Ortiz", completed_at: "2026-03-02T10:00:00Z" },
        })),
      },
    ],
  } as unknown as TicketView;
}

describe("closedOutcome", () => {
  it("reads the code, root cause, rating with its label, comment and who closed it", () => {
    const o = closedOutcome(
      view(
        {
          15: { root_cause: "A stale cached sign-in." },
          18: { rating: 5, comment: "Quick and clear" },
          21: { resolution_code: "Fixed - configuration change", closure_notes: "Watch the next update" },
        },
        { resolution_code: "Fixed - configuration change", closed_at: "2026-03-02T10:00:05Z" },
      ),
    );
    expect(o).toEqual({
      resolutionCode: "Fixed - configuration change",
      rootCause: "A stale cached sign-in.",
      closureNotes: "Watch the next update",
      rating: { value: 5, label: "Very satisfied" },
      ratingNote: "No rating",
      comment: "Quick and clear",
      closedBy: "Dana Ortiz",
      closedAt: "2026-03-02T10:00:05Z",
    });
  });

  it("says why there is no rating", () => {
    expect(closedOutcome(view({ 18: { rating: "sent" } })).ratingNote).toBe("Survey sent, no answer");
    expect(closedOutcome(view({ 18: { rating: "sent" } })).rating).toBeNull();
    expect(closedOutcome(view({ 18: null })).ratingNote).toBe("No survey recorded");
  });

  it("falls back to step 21's values and time, and to nothing, without inventing", () => {
    const o = closedOutcome(view({ 21: { resolution_code: "Workaround provided", closure_notes: " " } }));
    expect(o.resolutionCode).toBe("Workaround provided");
    expect(o.closureNotes).toBeNull();
    expect(o.closedAt).toBe("2026-03-02T10:00:00Z");
    expect(o.rootCause).toBeNull();
    expect(closedOutcome(view({})).closedBy).toBeNull();
  });
});
