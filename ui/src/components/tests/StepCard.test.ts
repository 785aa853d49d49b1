// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StepView, TicketView } from "../../ipc/bindings";
import { ESCALATE } from "../../lib/step-values";

// The card only reads here; nothing is sent to the core.
vi.mock("../../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../ipc")>()),
  completeStep: vi.fn(),
}));

const { default: StepCard } = await import("../StepCard.svelte");

/** An available step whose decision draft is "Escalate to Tier 2", numbered `number`. */
function decisionStep(key: string, number: number): StepView {
  return {
    number,
    key,
    title: "Decide whether to escalate to Tier 2",
    guidance: "",
    fields: [
      {
        key: "decision",
        label: "Decision",
        kind: { type: "list", options: ["Resolve at Tier 1", ESCALATE], multiple: false },
        required: true,
      },
    ],
    state: { state: "available" },
    completion: null,
    drafts: { decision: ESCALATE },
    needs: [],
    prefill: {},
    tools: [],
  } as unknown as StepView;
}

function view(step: StepView): TicketView {
  return {
    ticket: { id: 7, number: "T-000007", status: "open", steps: [] },
    phases: [{ key: "diagnosis", title: "Diagnosis", done: 0, total: 1, steps: [step] }],
    time_zone: "UTC",
    assets: [],
    runbooks: [],
  } as unknown as TicketView;
}

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

function show(step: StepView): void {
  component = mount(StepCard, { target, props: { step, view: view(step), onchange: () => {} } });
  flushSync();
}

describe("StepCard", () => {
  it("asks to whom an escalation goes at the escalation decision, found by key not number", () => {
    // A desk's template version numbers the decision 12; the built-in number 10 is another step.
    show(decisionStep("escalation_decision", 12));
    expect(target.querySelector('[data-testid="escalate-to"]')).not.toBeNull();
  });

  it("does not ask it at another step that has the built-in number", () => {
    show(decisionStep("desk_review", 10));
    expect(target.querySelector('[data-testid="escalate-to"]')).toBeNull();
  });
});
