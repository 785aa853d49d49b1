// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CompanyTool } from "../../ipc/bindings";

const ipc = vi.hoisted(() => {
  class IpcError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
  }
  return { IpcError, getCompanyTools: vi.fn(), setCompanyTool: vi.fn(), removeCompanyTool: vi.fn() };
});
vi.mock("../../ipc", () => ipc);

const { default: CompanyTools } = await import("./CompanyTools.svelte");

const SC = "https://acme.screenconnect.com/Host#Access/All%20Machines//{hostname}";

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;

const settle = async (): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};
const row = (kind: string) => target.querySelector<HTMLElement>(`[data-testid="company-tool"][data-kind="${kind}"]`)!;
const q = <T extends HTMLElement>(kind: string, testid: string) =>
  row(kind).querySelector<T>(`[data-testid="${testid}"]`);

function type(el: HTMLInputElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

async function open(stored: CompanyTool[]): Promise<void> {
  ipc.getCompanyTools.mockResolvedValue(stored);
  component = mount(CompanyTools, { target, props: { companyId: 7 } });
  flushSync();
  await vi.waitFor(() => expect(ipc.getCompanyTools).toHaveBeenCalledWith(7));
  await settle();
}

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
  for (const f of [ipc.getCompanyTools, ipc.setCompanyTool, ipc.removeCompanyTool]) f.mockReset();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

describe("the company's Tools section", () => {
  it("lists every kind with the placeholders, and saves a row", async () => {
    await open([]);
    expect(target.querySelectorAll('[data-testid="company-tool"]').length).toBe(7);
    const hint = target.querySelector('[data-testid="company-tools-placeholders"]')!.textContent!;
    for (const p of ["{hostname}", "{upn}", "{ticket}", "{psa_ticket}", "{company}"]) expect(hint).toContain(p);
    const save = q<HTMLButtonElement>("remote_session", "company-tool-save")!;
    expect(save.disabled).toBe(true);
    type(q<HTMLInputElement>("remote_session", "company-tool-label")!, "ScreenConnect");
    type(q<HTMLInputElement>("remote_session", "company-tool-url")!, SC);
    ipc.setCompanyTool.mockResolvedValue({ kind: "remote_session", label: "ScreenConnect", url_template: SC });
    save.click();
    await settle();
    expect(ipc.setCompanyTool).toHaveBeenCalledWith(7, { kind: "remote_session", label: "ScreenConnect", url_template: SC });
    expect(row("remote_session").textContent).toContain("Saved.");
    expect(q("remote_session", "company-tool-remove")).not.toBeNull();
  });

  it("shows the core's refusal of a link under its field", async () => {
    await open([]);
    type(q<HTMLInputElement>("remote_session", "company-tool-url")!, "javascript:alert(1)");
    ipc.setCompanyTool.mockRejectedValue(
      new ipc.IpcError("TOOL_URL_INVALID", "this tool link cannot be used: only https:// and http:// links can be opened"),
    );
    q<HTMLButtonElement>("remote_session", "company-tool-save")!.click();
    await settle();
    const error = q("remote_session", "field-error")!;
    expect(error.getAttribute("data-field")).toBe("tool_url");
    expect(error.textContent).toContain("only https:// and http://");
    expect(error.textContent).toContain("TOOL_URL_INVALID");
    expect(q<HTMLInputElement>("remote_session", "company-tool-url")!.getAttribute("aria-invalid")).toBe("true");
    // Typing again clears it.
    type(q<HTMLInputElement>("remote_session", "company-tool-url")!, SC);
    expect(q("remote_session", "field-error")).toBeNull();
  });

  it("removes a stored link", async () => {
    await open([{ kind: "rmm", label: "NinjaOne", url_template: "https://rmm.example/d/{hostname}" }]);
    expect(q<HTMLInputElement>("rmm", "company-tool-label")!.value).toBe("NinjaOne");
    ipc.removeCompanyTool.mockResolvedValue(true);
    q<HTMLButtonElement>("rmm", "company-tool-remove")!.click();
    await settle();
    expect(ipc.removeCompanyTool).toHaveBeenCalledWith(7, "rmm");
    expect(q<HTMLInputElement>("rmm", "company-tool-url")!.value).toBe("");
    expect(q("rmm", "company-tool-remove")).toBeNull();
  });
});
