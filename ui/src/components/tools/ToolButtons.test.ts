// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StepView, ToolButton } from "../../ipc/bindings";

const ipc = vi.hoisted(() => {
  class IpcError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
  }
  return { IpcError, openTool: vi.fn() };
});
vi.mock("../../ipc", () => ipc);

const { default: ToolButtons } = await import("./ToolButtons.svelte");

const URL = "https://acme.screenconnect.com/Host#Access/All%20Machines//PC-042";

function step(tools: ToolButton[]): StepView {
  return { number: 6, key: "reproduce", title: "Reproduce the issue", tools } as unknown as StepView;
}

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;

const settle = async (): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};
const buttons = () => [...target.querySelectorAll<HTMLButtonElement>('[data-testid="step-tool"]')];

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
  ipc.openTool.mockReset();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

describe("a step's tool buttons", () => {
  it("open the button the core filled in, sending which button and never the link", async () => {
    ipc.openTool.mockResolvedValue(URL);
    component = mount(ToolButtons, {
      target,
      props: {
        ticketId: 42,
        step: step([{ kind: "remote_session", label: "ScreenConnect", asset_id: 9, url: URL, unavailable: null }]),
      },
    });
    flushSync();
    const [b] = buttons();
    expect(b.textContent).toContain("ScreenConnect");
    expect(b.disabled).toBe(false);
    b.click();
    await settle();
    expect(ipc.openTool).toHaveBeenCalledWith(42, "reproduce", "remote_session", 9);
    expect(JSON.stringify(ipc.openTool.mock.calls)).not.toContain("https://");
    expect(target.querySelector('[data-testid="step-tool-opened"]')?.textContent).toContain("ScreenConnect");
  });

  it("disable a button that cannot open and say why", async () => {
    const why = "link an asset to the ticket first: the link needs its hostname";
    component = mount(ToolButtons, {
      target,
      props: {
        ticketId: 42,
        step: step([{ kind: "remote_session", label: "ScreenConnect", asset_id: null, url: null, unavailable: why }]),
      },
    });
    flushSync();
    const [b] = buttons();
    expect(b.disabled).toBe(true);
    const reason = target.querySelector('[data-testid="step-tool-reason"]')!;
    expect(reason.textContent).toContain(why);
    expect(b.getAttribute("aria-describedby")).toBe(reason.id);
  });

  it("show the core's refusal when opening fails", async () => {
    ipc.openTool.mockRejectedValue(new ipc.IpcError("TOOL_UNAVAILABLE", "this tool cannot be opened: no UPN"));
    component = mount(ToolButtons, {
      target,
      props: {
        ticketId: 1,
        step: step([{ kind: "edr", label: "CrowdStrike", asset_id: 3, url: "https://x.example/", unavailable: null }]),
      },
    });
    flushSync();
    buttons()[0].click();
    await settle();
    const error = target.querySelector('[data-testid="error-message"]')!;
    expect(error.getAttribute("data-code")).toBe("TOOL_UNAVAILABLE");
  });

  it("draw nothing for a step that names no tool", () => {
    component = mount(ToolButtons, { target, props: { ticketId: 1, step: step([]) } });
    flushSync();
    expect(target.querySelector('[data-testid="step-6-tools"]')).toBeNull();
  });
});
