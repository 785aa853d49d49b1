import { describe, expect, it } from "vitest";
import type { TicketView } from "../ipc";
import { closedOutcome } from "./closed-outcome";

/** The built-in template's numbers of the steps the outcome reads. */
const BUILTIN: Record<string, number> = { document_resolution: 15, csat: 18, close: 21 };

/** A view whose steps, by key, hold `steps`' values; `numbers` numbers them (a desk's template
 *  version numbers them its own way). */
function view(
  steps: Record<string, Record<string, unknown> | null>,
  ticket: Record<string, unknown> = {},
  numbers: Record<string, number> = BUILTIN,
): TicketView {
  return {
    ticket: { resolution_code: null, closed_at: null, ...ticket },
    phases: [
      {
        key: "closure",
        steps: Object.entries(steps).map(([key, values]) => ({
          key,
          number: numbers[key],
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
          document_resolution: { root_cause: "A stale cached sign-in." },
          csat: { rating: 5, comment: "Quick and clear" },
          close: { resolution_code: "Fixed - configuration change", closure_notes: "Watch the next update" },
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
    expect(closedOutcome(view({ csat: { rating: "sent" } })).ratingNote).toBe("Survey sent, no answer");
    expect(closedOutcome(view({ csat: { rating: "sent" } })).rating).toBeNull();
    expect(closedOutcome(view({ csat: null })).ratingNote).toBe("No survey recorded");
  });

  it("falls back to the close's values and time, and to nothing, without inventing", () => {
    const o = closedOutcome(view({ close: { resolution_code: "Workaround provided", closure_notes: " " } }));
    expect(o.resolutionCode).toBe("Workaround provided");
    expect(o.closureNotes).toBeNull();
    expect(o.closedAt).toBe("2026-03-02T10:00:00Z");
    expect(o.rootCause).toBeNull();
    expect(closedOutcome(view({})).closedBy).toBeNull();
  });

  it("finds the steps by key when a template version numbers them otherwise", () => {
    // A desk's version: a step of its own first, the closure steps moved up.
    const numbers = { document_resolution: 17, csat: 15, close: 22, desk_check: 18 };
    const o = closedOutcome(
      view(
        {
          desk_check: { rating: 1, comment: "not the survey", root_cause: "not the cause" },
          csat: { rating: 4, comment: "Fine" },
          document_resolution: { root_cause: "Expired token" },
          close: { resolution_code: "Workaround provided", closure_notes: "Done" },
        },
        {},
        numbers,
      ),
    );
    expect(o.rating).toEqual({ value: 4, label: expect.any(String) });
    expect(o.comment).toBe("Fine");
    expect(o.rootCause).toBe("Expired token");
    expect(o.resolutionCode).toBe("Workaround provided");
    expect(o.closureNotes).toBe("Done");
  });
});
