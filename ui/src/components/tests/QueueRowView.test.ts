// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { QueueRow, SlaStatus } from "../../ipc";
import QueueRowView from "../QueueRowView.svelte";

describe("QueueRowView", () => {
  let app: Record<string, unknown> | undefined;
  afterEach(() => {
    if (app) unmount(app);
    app = undefined;
    document.body.innerHTML = "";
    vi.useRealTimers();
  });
  /** Moves the fake clock to `ms` after NOW, firing the hands' timers on the way. */
  const at = (ms: number) => {
    vi.advanceTimersByTime(NOW + ms - Date.now());
    flushSync();
  };

  it("shows hidden characters in names and the problem as markers, in tooltips too", () => {
    const row: QueueRow = {
      id: 1,
      number: "T-000001",
      company: "Contoso\u200B Legal",
      contact: "invoice_\u202Efdp.exe",
      priority: "P2",
      status: "new",
      assignee: null,
      problem: "printer \u2066offline\u2069",
      created_at: new Date().toISOString(),
      first_response: null,
      resolution: null,
      time_zone: "Europe/Berlin",
    };
    app = mount(QueueRowView, {
      target: document.body,
      props: { row, index: 0, active: false, onopen: () => {} },
    });
    flushSync();
    const contact = document.querySelector<HTMLElement>(".contact")!;
    expect(contact.textContent).toBe("invoice_⟦U+202E⟧fdp.exe");
    expect(contact.title).toBe("invoice_⟦U+202E⟧fdp.exe");
    expect(contact.querySelector("bdi")).not.toBeNull();
    expect(document.querySelector<HTMLElement>(".client")!.textContent).toBe("Contoso⟦U+200B⟧ Legal");
    expect(document.querySelector<HTMLElement>(".problem")!.textContent!.trim()).toBe(
      "printer ⟦U+2066⟧offline⟦U+2069⟧",
    );
    const row0 = document.querySelector<HTMLElement>('[data-testid="queue-row"]')!;
    for (const hidden of ["\u202E", "\u200B", "\u2066", "\u2069"]) {
      expect(row0.textContent).not.toContain(hidden);
      expect(row0.innerHTML).not.toContain(hidden);
    }
    expect(document.querySelectorAll('[data-testid="hidden-char"]').length).toBe(4);
  });

  const NOW = Date.parse("2026-03-02T10:00:00Z");
  const due = (secs: number): SlaStatus => ({
    state: "running",
    due_at: new Date(NOW + secs * 1000).toISOString(),
    elapsed_secs: 0,
    remaining_secs: secs,
    paused_secs: 0,
    target_secs: 14_400,
  });
  const showRow = (first: SlaStatus, resolution: SlaStatus) => {
    const row: QueueRow = {
      id: 2,
      number: "T-000002",
      company: "Contoso",
      contact: "Ada",
      priority: "P2",
      status: "open",
      assignee: null,
      problem: "VPN drops",
      created_at: new Date(NOW - 600_000).toISOString(),
      first_response: first,
      resolution,
      time_zone: "Europe/Berlin",
    };
    app = mount(QueueRowView, {
      target: document.body,
      props: { row, index: 0, active: false, onopen: () => {} },
    });
    flushSync();
  };
  const figures = () => [...document.querySelectorAll(".figure")].map((f) => f.textContent);

  it("leaves the row's DOM alone while its countdowns' minutes stand, and updates it when one turns", async () => {
    vi.useFakeTimers({ now: NOW });
    showRow(due(45 * 60 + 30), due(90 * 60 + 30));
    expect(figures()).toEqual(["45m", "1h 30m"]);

    const changes: MutationRecord[] = [];
    const watch = new MutationObserver((records) => changes.push(...records));
    watch.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    for (let s = 1; s <= 59; s++) at(s * 1000);
    await Promise.resolve();
    expect(changes).toEqual([]);
    // Far from their deadlines the rows keep only the minute hand: no timer fires each second.
    expect(vi.getTimerCount()).toBe(1);

    at(61_000);
    await Promise.resolve();
    expect(figures()).toEqual(["44m", "1h 29m"]);
    expect(changes.length).toBeGreaterThan(0);
    watch.disconnect();
  });

  it("counts seconds near a deadline and shows the breach the second it happens", () => {
    vi.useFakeTimers({ now: NOW });
    showRow(due(90), due(90 * 60));
    expect(figures()).toEqual(["1m", "1h 30m"]);
    at(31_000);
    expect(figures()).toEqual(["59s", "1h 30m"]);
    at(32_000);
    expect(figures()).toEqual(["58s", "1h 30m"]);
    at(91_000);
    expect(figures()[0]).toBe("+1s");
    expect(document.querySelector(".sla")!.getAttribute("data-state")).toBe("breached");
  });
});
