// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { QueueRow } from "../../ipc";
import QueueRowView from "../QueueRowView.svelte";

describe("QueueRowView", () => {
  let app: Record<string, unknown> | undefined;
  afterEach(() => {
    if (app) unmount(app);
    document.body.innerHTML = "";
  });

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
});
