// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Company } from "../../ipc/bindings";

const ipc = vi.hoisted(() => {
  class IpcError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
  }
  return { IpcError, setCompanyActive: vi.fn() };
});
vi.mock("../../ipc", () => ipc);

const { default: CompanyStanding } = await import("./CompanyStanding.svelte");

// The core leaves `active` out for an active client.
const ACTIVE = { id: 7, name: "Contoso", tier: "gold", calendar: { kind: "always_on" } } as unknown as Company;
const INACTIVE = { ...ACTIVE, active: false } as Company;

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;
let changed: Company[] = [];

const settle = async (): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};
const byId = (id: string) => target.querySelector<HTMLElement>(`[data-testid="${id}"]`);

function show(company: Company): void {
  component = mount(CompanyStanding, { target, props: { company, onchanged: (c: Company) => changed.push(c) } });
  flushSync();
}

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
  changed = [];
  ipc.setCompanyActive.mockReset();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

describe("a client's standing", () => {
  it("shows an active client without the badge and deactivates it through the core", async () => {
    show(ACTIVE);
    expect(byId("company-standing")?.dataset.active).toBe("true");
    expect(byId("company-inactive")).toBeNull();
    ipc.setCompanyActive.mockResolvedValue(INACTIVE);
    byId("company-deactivate")!.click();
    await settle();
    expect(ipc.setCompanyActive).toHaveBeenCalledWith(7, false);
    expect(changed).toEqual([INACTIVE]);
  });

  it("shows an inactive client with its badge and what that means, and reactivates it", async () => {
    show(INACTIVE);
    expect(byId("company-standing")?.dataset.active).toBe("false");
    expect(byId("company-inactive")?.textContent).toBe("Inactive");
    expect(byId("company-standing")?.textContent).toContain("refused at intake");
    ipc.setCompanyActive.mockResolvedValue(ACTIVE);
    byId("company-reactivate")!.click();
    await settle();
    expect(ipc.setCompanyActive).toHaveBeenCalledWith(7, true);
    expect(changed).toEqual([ACTIVE]);
  });

  it("shows the core's refusal and changes nothing", async () => {
    show(ACTIVE);
    ipc.setCompanyActive.mockRejectedValue(new ipc.IpcError("NOT_FOUND", "company 7 was not found"));
    byId("company-deactivate")!.click();
    await settle();
    const error = byId("error-message");
    expect(error?.dataset.code).toBe("NOT_FOUND");
    expect(error?.textContent).toContain("company 7 was not found");
    expect(changed).toEqual([]);
    expect((byId("company-deactivate") as HTMLButtonElement).disabled).toBe(false);
  });
});
