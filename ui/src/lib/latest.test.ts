import { describe, expect, it } from "vitest";
import { STALE, latestOnly } from "./latest";

/** A question whose answer the test releases when it wants. */
function controlled() {
  const pending: { resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
  const ask = (_q: string) =>
    new Promise<string>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  return { ask, pending };
}

describe("latestOnly", () => {
  it("drops an older answer that arrives after the newer one", async () => {
    const { ask, pending } = controlled();
    const latest = latestOnly(ask);
    const first = latest("impact: user");
    const second = latest("impact: user, urgency: blocked");
    pending[1]!.resolve("P2");
    pending[0]!.resolve("none");
    expect(await second).toBe("P2");
    expect(await first).toBe(STALE);
  });

  it("delivers the answer when no newer question was asked", async () => {
    const { ask, pending } = controlled();
    const latest = latestOnly(ask);
    const only = latest("q");
    pending[0]!.resolve("P3");
    expect(await only).toBe("P3");
  });

  it("reports the newest question's failure and swallows an older one's", async () => {
    const { ask, pending } = controlled();
    const latest = latestOnly(ask);
    const first = latest("a");
    const second = latest("b");
    pending[0]!.reject(new Error("old"));
    pending[1]!.reject(new Error("new"));
    expect(await first).toBe(STALE);
    await expect(second).rejects.toThrow("new");
  });
});
