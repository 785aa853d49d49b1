import { beforeEach, describe, expect, it, vi } from "vitest";
import type { BatchProgress, BatchSummary } from "../../../ipc/bindings";

class FakeIpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ipc = vi.hoisted(() => ({
  chooseFolder: vi.fn(),
  exportQbrBatch: vi.fn(),
  cancelBatchExport: vi.fn(),
}));

vi.mock("../../../ipc", () => ({ ...ipc, IpcError: FakeIpcError }));

const { batchProgressText, batchSummaryText } = await import("./batch");
const { QbrBatchRun } = await import("./batch.svelte");

const Q3 = { from: "2026-07-01", to: "2026-09-30" };

function progress(done: number, total: number, ticket: string, failed = 0): BatchProgress {
  return { done, total, exported: done - failed, failed, ticket };
}

function summary(over: Partial<BatchSummary>): BatchSummary {
  return { total: 3, exported: 3, bytes: 3 * 200 * 1024, failed: [], cancelled: false, ...over };
}

describe("what the QBR batch says", () => {
  it("names the client just done, i of n, and the failures so far", () => {
    expect(batchProgressText(progress(2, 12, "Alpine Dental"))).toBe("Client 2 of 12 done: Alpine Dental");
    expect(batchProgressText(progress(5, 12, "Borealis", 1))).toBe("Client 5 of 12 done: Borealis · 1 failed");
    expect(batchProgressText(null)).toMatch(/Choosing the clients/);
  });

  it("sums up packs written, failed and cancelled", () => {
    expect(batchSummaryText(summary({}), "/tmp/q3")).toBe("3 clients: 3 packs written (600 KB) into /tmp/q3.");
    const failed = summary({
      exported: 2,
      bytes: 400 * 1024,
      failed: [{ ticket: "Contoso", error: { code: "IO_ERROR", message: "disk full" } }],
    });
    expect(batchSummaryText(failed, "/q")).toBe("3 clients: 2 packs written (400 KB) into /q; 1 failed, listed below.");
    const cancelled = summary({ total: 12, exported: 1, bytes: 1024, cancelled: true });
    expect(batchSummaryText(cancelled, "/q")).toBe("Cancelled after 1 of 12 clients: 1 pack written (1 KB) into /q.");
    expect(batchSummaryText(summary({ total: 0, exported: 0, bytes: 0 }), "/q")).toMatch(/No client has a ticket/);
  });
});

describe("a run of the QBR batch", () => {
  beforeEach(() => {
    vi.resetAllMocks();
  });

  it("asks for a folder, then exports the period into it, keeping the newest progress", async () => {
    ipc.chooseFolder.mockResolvedValue("/home/tech/Q3");
    let finish: (s: BatchSummary) => void = () => {};
    ipc.exportQbrBatch.mockImplementation(
      (_from: string, _to: string, _folder: string, onProgress: (p: BatchProgress) => void) => {
        onProgress(progress(1, 3, "Alpine"));
        onProgress(progress(2, 3, "Borealis"));
        // A late message never moves the count back.
        onProgress(progress(1, 3, "Alpine"));
        return new Promise<BatchSummary>((resolve) => (finish = resolve));
      },
    );
    const run = new QbrBatchRun();
    const started = run.start(Q3);
    await vi.waitFor(() => expect(ipc.exportQbrBatch).toHaveBeenCalled());
    expect(ipc.exportQbrBatch.mock.calls[0].slice(0, 3)).toEqual(["2026-07-01", "2026-09-30", "/home/tech/Q3"]);
    expect(run.running).toBe(true);
    expect(run.progress?.done).toBe(2);
    expect(run.progress?.ticket).toBe("Borealis");

    ipc.cancelBatchExport.mockResolvedValue(true);
    await run.cancel();
    expect(ipc.cancelBatchExport).toHaveBeenCalledOnce();
    expect(run.cancelling).toBe(true);

    finish(summary({ exported: 2, cancelled: true }));
    await started;
    expect(run.running).toBe(false);
    expect(run.summary?.cancelled).toBe(true);
    expect(run.folder).toBe("/home/tech/Q3");
    expect(run.period).toEqual(Q3);
  });

  it("does nothing when the folder dialog is cancelled", async () => {
    ipc.chooseFolder.mockResolvedValue(null);
    const run = new QbrBatchRun();
    await run.start(Q3);
    expect(ipc.exportQbrBatch).not.toHaveBeenCalled();
    expect(run.running).toBe(false);
    expect(run.summary).toBeNull();
  });

  it("shows a refusal with its code and leaves no run going", async () => {
    ipc.chooseFolder.mockResolvedValue("/q");
    ipc.exportQbrBatch.mockRejectedValue(new FakeIpcError("KEYCHAIN_UNAVAILABLE", "no keychain"));
    const run = new QbrBatchRun();
    await run.start(Q3);
    expect(run.error).toEqual({ code: "KEYCHAIN_UNAVAILABLE", message: "no keychain" });
    expect(run.running).toBe(false);
    // Cancel with nothing running asks nothing of the shell.
    await run.cancel();
    expect(ipc.cancelBatchExport).not.toHaveBeenCalled();
  });
});
