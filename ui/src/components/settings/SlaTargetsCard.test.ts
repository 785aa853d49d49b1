// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SlaPolicy, SlaTargetInput } from "../../ipc/bindings";

const ipc = vi.hoisted(() => {
  class IpcError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
  }
  return { IpcError, getSlaTargets: vi.fn(), checkSlaTargets: vi.fn(), setSlaTargets: vi.fn() };
});
vi.mock("../../ipc", () => ipc);

const { default: SlaTargetsCard } = await import("./SlaTargetsCard.svelte");

const TABLE: SlaPolicy[] = [
  { tier: "gold", priority: "P1", first_response_minutes: 30, resolution_minutes: 480 },
  { tier: "gold", priority: "P2", first_response_minutes: 60, resolution_minutes: 960 },
];
const SAID = "Gold P2: resolution (5 min) is shorter than first response (60 min)";

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;

const settle = async (): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};
const box = (id: string) => target.querySelector<HTMLInputElement>(`[data-testid="sla-target-${id}"]`)!;
const saveButton = () => target.querySelector<HTMLButtonElement>('[data-testid="sla-targets-save"]')!;
const problems = () => [...target.querySelectorAll('[data-testid="sla-target-problem"]')].map((p) => p.textContent);

async function type(id: string, value: string): Promise<void> {
  box(id).value = value;
  box(id).dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
  await settle();
}

beforeEach(async () => {
  target = document.createElement("div");
  document.body.append(target);
  for (const f of [ipc.getSlaTargets, ipc.checkSlaTargets, ipc.setSlaTargets]) f.mockReset();
  ipc.getSlaTargets.mockResolvedValue(TABLE);
  // The core's answer, as the real one gives it for this table.
  ipc.checkSlaTargets.mockImplementation(async (cells: SlaTargetInput[]) =>
    cells
      .filter((c) => c.first_response_minutes > c.resolution_minutes)
      .map((c) => ({ tier: c.tier, priority: c.priority, field: "resolution_minutes", message: SAID })),
  );
  component = mount(SlaTargetsCard, { target });
  flushSync();
  await vi.waitFor(() => expect(box("gold-P2-res")).toBeTruthy());
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

describe("the SLA targets card", () => {
  it("says edits apply to tickets opened from now on, and has nothing to save at first", () => {
    expect(target.querySelector('[data-testid="sla-targets-note"]')?.textContent).toContain("opened from now on");
    expect(box("gold-P2-fr").value).toBe("60");
    expect(saveButton().disabled).toBe(true);
  });

  it("shows the core's message under the row and keeps Save off until the core is satisfied", async () => {
    await type("gold-P2-res", "5");
    expect(ipc.checkSlaTargets).toHaveBeenLastCalledWith([
      { tier: "gold", priority: "P1", first_response_minutes: 30, resolution_minutes: 480 },
      { tier: "gold", priority: "P2", first_response_minutes: 60, resolution_minutes: 5 },
    ]);
    expect(problems()).toEqual([SAID]);
    expect(box("gold-P2-res").getAttribute("aria-invalid")).toBe("true");
    expect(saveButton().disabled).toBe(true);

    await type("gold-P2-fr", "3");
    expect(problems()).toEqual([]);
    expect(saveButton().disabled).toBe(false);
  });

  it("asks for a number where none was typed, without sending that cell", async () => {
    await type("gold-P1-fr", "");
    expect(problems()).toEqual(["Gold P1: type the first response in whole minutes"]);
    expect(ipc.checkSlaTargets).toHaveBeenLastCalledWith([TABLE[1]]);
    expect(saveButton().disabled).toBe(true);
  });

  it("saves the table as typed and shows what the core stored", async () => {
    const stored = [TABLE[0]!, { ...TABLE[1]!, first_response_minutes: 3, resolution_minutes: 5 }];
    ipc.setSlaTargets.mockResolvedValue(stored);
    await type("gold-P2-res", "5");
    await type("gold-P2-fr", "3");
    saveButton().click();
    await settle();
    await settle();
    expect(ipc.setSlaTargets).toHaveBeenCalledWith([TABLE[0], stored[1]]);
    expect(target.querySelector('[data-testid="sla-targets-saved"]')).not.toBeNull();
    expect(saveButton().disabled).toBe(true);
  });

  it("shows a refused save with the core's message and code", async () => {
    ipc.setSlaTargets.mockRejectedValue(new ipc.IpcError("INVALID_INPUT", "invalid sla_targets: Silver P4: no targets given"));
    await type("gold-P2-fr", "45");
    saveButton().click();
    await settle();
    await settle();
    const error = target.querySelector('[data-testid="error-message"]');
    expect(error?.getAttribute("data-code")).toBe("INVALID_INPUT");
    expect(error?.textContent).toContain("Silver P4: no targets given");
  });
});
