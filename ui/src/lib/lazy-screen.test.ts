import { describe, expect, it } from "vitest";
import { lazyScreen } from "./lazy-screen.svelte";

describe("lazyScreen", () => {
  it("fetches the code once, however often it is asked for", async () => {
    let fetches = 0;
    const screen = lazyScreen(async () => {
      fetches++;
      return { default: "TicketView" };
    });
    expect(screen.component).toBeNull();
    await Promise.all([screen.load(), screen.load()]);
    await screen.load();
    expect(screen.component).toBe("TicketView");
    expect(fetches).toBe(1);
  });

  it("keeps a failed fetch as an error and fetches again on the next load", async () => {
    let fail = true;
    const screen = lazyScreen(async () => {
      if (fail) throw new Error("chunk missing");
      return { default: "Reports" };
    });
    await screen.load();
    expect(screen.component).toBeNull();
    expect(screen.error?.message).toBe("chunk missing");
    fail = false;
    await screen.load();
    expect(screen.component).toBe("Reports");
    expect(screen.error).toBeNull();
  });
});
