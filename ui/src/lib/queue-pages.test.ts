import { describe, expect, it, vi } from "vitest";
import { QueuePages } from "./queue-pages";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("QueuePages", () => {
  it("fetches each wanted page once, by offset", async () => {
    const fetch = vi.fn(async (offset: number, limit: number) =>
      Array.from({ length: limit }, (_, i) => offset + i),
    );
    const loaded = vi.fn();
    const pages = new QueuePages(200, fetch, { loaded, failed: vi.fn() });
    pages.ensure([0, 1]);
    pages.ensure([1]);
    await tick();
    expect(fetch.mock.calls).toEqual([
      [0, 200],
      [200, 200],
    ]);
    expect(pages.row(0)).toBe(0);
    expect(pages.row(399)).toBe(399);
    expect(pages.row(400)).toBeUndefined();
    expect(loaded).toHaveBeenCalledTimes(2);
  });

  it("drops answers to a query that was replaced meanwhile", async () => {
    const slow = deferred<number[]>();
    const fetch = vi.fn().mockReturnValueOnce(slow.promise).mockResolvedValueOnce([42]);
    const pages = new QueuePages(200, fetch, { loaded: vi.fn(), failed: vi.fn() });
    pages.ensure([0]);
    pages.reset();
    pages.ensure([0]);
    await tick();
    slow.resolve([1]);
    await tick();
    expect(pages.row(0)).toBe(42);
  });

  it("reports failures, and tries again next time the page is wanted", async () => {
    const failed = vi.fn();
    const fetch = vi.fn().mockRejectedValueOnce(new Error("down")).mockResolvedValueOnce([7]);
    const pages = new QueuePages(200, fetch, { loaded: vi.fn(), failed });
    pages.ensure([0]);
    await tick();
    expect(failed).toHaveBeenCalledOnce();
    pages.ensure([0]);
    await tick();
    expect(pages.row(0)).toBe(7);
  });

  it("refresh keeps old rows until the new ones arrive", async () => {
    const next = deferred<number[]>();
    const fetch = vi.fn().mockResolvedValueOnce([1]).mockReturnValueOnce(next.promise);
    const pages = new QueuePages(200, fetch, { loaded: vi.fn(), failed: vi.fn() });
    pages.ensure([0]);
    await tick();
    pages.refresh([0]);
    expect(pages.row(0)).toBe(1);
    next.resolve([2]);
    await tick();
    expect(pages.row(0)).toBe(2);
  });
});
