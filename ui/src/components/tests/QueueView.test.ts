// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { QueueRow } from "../../ipc";

const launch = vi.hoisted(() => ({
  queue: undefined as { rows: unknown[]; count: number } | undefined,
}));

vi.mock("../../ipc", async (original) => ({
  ...(await original<typeof import("../../ipc")>()),
  takeLaunchQueue: vi.fn(() => {
    const queue = launch.queue;
    launch.queue = undefined;
    return queue;
  }),
  listQueue: vi.fn(),
  queueCount: vi.fn(),
  listCompanies: vi.fn(() => Promise.resolve([])),
  reportPainted: vi.fn(() => Promise.resolve()),
}));

const ipc = await import("../../ipc");
const { default: QueueView } = await import("../QueueView.svelte");

const ticket = (n: number): QueueRow => ({
  id: n,
  number: `T-${String(n).padStart(6, "0")}`,
  company: "Contoso Legal",
  contact: "Dana Ahmed",
  priority: "P3",
  status: "open",
  assignee: null,
  problem: `Printer ${n} offline`,
  created_at: new Date().toISOString(),
  first_response: null,
  resolution: null,
  time_zone: "Europe/Berlin",
});
const rows = () => document.querySelectorAll('[data-testid="queue-row"]');

describe("QueueView's first pass", () => {
  beforeAll(() => {
    // jsdom has no ResizeObserver; the list's height binding only needs it to exist.
    globalThis.ResizeObserver ??= class {
      observe() {}
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver;
  });
  let app: Record<string, unknown> | undefined;
  afterEach(() => {
    if (app) unmount(app);
    app = undefined;
    document.body.innerHTML = "";
    vi.clearAllMocks();
  });

  it("draws the launch's rows in the pass that mounts the queue, asking the shell nothing", () => {
    launch.queue = { rows: Array.from({ length: 20 }, (_, i) => ticket(i + 1)), count: 20 };
    app = mount(QueueView, { target: document.body });
    flushSync();
    // No promise has settled yet: the rows came with the mount.
    expect(rows().length).toBeGreaterThan(0);
    expect(rows()[0].textContent).toContain("Printer 1 offline");
    expect(document.querySelector('[data-testid="queue-count"]')!.textContent).toContain(
      "20 tickets",
    );
    expect(ipc.listQueue).not.toHaveBeenCalled();
    expect(ipc.queueCount).not.toHaveBeenCalled();
  });

  it("without launch data, asks the shell and draws the rows when they come", async () => {
    vi.mocked(ipc.listQueue).mockResolvedValue([ticket(7)]);
    vi.mocked(ipc.queueCount).mockResolvedValue(1);
    app = mount(QueueView, { target: document.body });
    flushSync();
    expect(rows().length).toBe(0);
    expect(ipc.listQueue).toHaveBeenCalledWith(expect.objectContaining({ offset: 0, limit: 200 }));
    await vi.waitFor(() => expect(rows().length).toBe(1));
    expect(rows()[0].textContent).toContain("Printer 7 offline");
  });
});
