// @vitest-environment jsdom
import { flushSync, mount, tick, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutboxEntry, TicketMail, TicketView } from "../../ipc/bindings";

class FakeIpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ipc = vi.hoisted(() => ({
  getTicketMail: vi.fn(),
  openMailDraft: vi.fn(),
  queueTicketMail: vi.fn(),
  readdressMail: vi.fn(),
  retryMail: vi.fn(),
}));

vi.mock("../../ipc", () => ({ ...ipc, IpcError: FakeIpcError }));

const { default: OutboxPanel } = await import("./OutboxPanel.svelte");

const HOSTILE = '<img src=x onerror="window.pwned=1">';

function message(over: Partial<OutboxEntry>): OutboxEntry {
  return {
    id: 7,
    ticket_id: 42,
    ticket_number: "T-000042",
    kind: "summary",
    message_id: "<T-000042.summary.ab@northwind.example>",
    recipient: "dana@contoso.example",
    subject: "[T-000042] Resolution summary",
    survey: "no survey link: the company has no survey URL",
    state: "queued",
    attempts: 0,
    next_attempt_at: "2026-12-06T10:00:00Z",
    last_answer: null,
    last_code: null,
    queued_at: "2026-12-06T10:00:00Z",
    sent_at: null,
    bytes: 900,
    ...over,
  };
}

/** A ticket with `stepsDone` recorded, whose template version numbers the resolution summary
 *  `summaryNumber` (16 in the built-in template). */
function view(stepsDone: number[], summaryNumber = 16): TicketView {
  return {
    ticket: { id: 42, steps: stepsDone.map((step) => ({ step })) },
    phases: [{ key: "closure", steps: [{ key: "resolution_summary", number: summaryNumber }] }],
    time_zone: "UTC",
  } as unknown as TicketView;
}

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;

async function show(mail: TicketMail, done: number[] = [16], summaryNumber = 16): Promise<void> {
  ipc.getTicketMail.mockResolvedValue(mail);
  component = mount(OutboxPanel, { target, props: { view: view(done, summaryNumber) } });
  flushSync();
  await vi.waitFor(() => expect(target.querySelector('[data-testid="outbox"] p.muted, ul')).not.toBeNull());
  await tick();
}

const q = (id: string) => target.querySelector<HTMLElement>(`[data-testid="${id}"]`);

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
  for (const f of Object.values(ipc)) f.mockReset();
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

describe("the ticket's outbox", () => {
  it("shows the server's answer and the address as text, never as markup", async () => {
    await show({
      account: true,
      missing: [],
      messages: [
        message({ state: "failed", attempts: 3, recipient: `x${HOSTILE}@y.example`, last_answer: `550 ${HOSTILE}`, last_code: "MAIL_RECIPIENT_REFUSED" }),
      ],
    });
    expect(target.querySelector("img")).toBeNull();
    expect(q("outbox-to")?.textContent).toBe(`x${HOSTILE}@y.example`);
    expect(q("outbox-answer")?.textContent).toContain(`550 ${HOSTILE}`);
    expect(q("outbox-state")?.textContent).toBe("Failed");
    expect(q("outbox-attempts")?.textContent).toBe("3");
    expect(target.textContent).toContain("correct it with Re-address");
  });

  it("offers Retry and Re-address for a failed message only", async () => {
    await show({
      account: true,
      missing: [],
      messages: [message({ id: 8, state: "sent", sent_at: "2026-12-06T10:01:00Z" }), message({ id: 9, kind: "report", state: "failed" })],
    });
    const items = target.querySelectorAll('[data-testid="outbox-message"]');
    expect(items).toHaveLength(2);
    expect(items[0]?.querySelector('[data-testid="outbox-retry"]')).toBeNull();
    expect(items[0]?.querySelector('[data-testid="outbox-sent-at"]')).not.toBeNull();
    ipc.retryMail.mockResolvedValue(message({ id: 9, state: "queued" }));
    items[1]?.querySelector<HTMLButtonElement>('[data-testid="outbox-retry"]')?.click();
    await vi.waitFor(() => expect(ipc.retryMail).toHaveBeenCalledWith(9));
    // The panel reloads after the retry; its buttons are enabled again once it has.
    await vi.waitFor(() => expect(ipc.getTicketMail).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(q("outbox-readdress")?.hasAttribute("disabled")).toBe(false));
    q("outbox-readdress")?.click();
    flushSync();
    const input = q("outbox-readdress-to") as HTMLInputElement;
    input.value = "dana.private@contoso.example";
    input.dispatchEvent(new Event("input"));
    ipc.readdressMail.mockRejectedValue(new FakeIpcError("MAIL_ADDRESS_INVALID", "not an address"));
    q("outbox-readdress-send")?.click();
    await vi.waitFor(() => expect(q("outbox-error")).not.toBeNull());
    expect(ipc.readdressMail).toHaveBeenCalledWith(9, "dana.private@contoso.example");
    expect(q("outbox-error")?.querySelector('[data-code="MAIL_ADDRESS_INVALID"]')).not.toBeNull();
  });

  it("says why a summary is not queued, and queues it on request", async () => {
    await show({
      account: true,
      messages: [],
      missing: [{ kind: "summary", problem: { code: "MAIL_NO_RECIPIENT", message: "Dana has no email address" } }],
    });
    expect(q("outbox-missing")?.querySelector('[data-code="MAIL_NO_RECIPIENT"]')).not.toBeNull();
    expect(q("outbox-draft")).toBeNull();
    ipc.queueTicketMail.mockResolvedValue({ account: true, missing: [], messages: [message({})] });
    expect(q("outbox-psa")).toBeNull();
    q("outbox-queue")?.click();
    await vi.waitFor(() => expect(ipc.queueTicketMail).toHaveBeenCalledWith(42, null));
  });

  it("asks for the PSA's number when the company's survey link needs it", async () => {
    await show({
      account: true,
      messages: [],
      missing: [{ kind: "summary", problem: { code: "INVALID_INPUT", message: "invalid psa_ticket: enter the PSA's number" } }],
    });
    const input = q("outbox-psa") as HTMLInputElement;
    input.value = " 4711 ";
    input.dispatchEvent(new Event("input"));
    ipc.queueTicketMail.mockResolvedValue({ account: true, missing: [], messages: [message({})] });
    q("outbox-queue")?.click();
    await vi.waitFor(() => expect(ipc.queueTicketMail).toHaveBeenCalledWith(42, "4711"));
  });

  it("offers the draft when the desk has no account", async () => {
    await show({
      account: false,
      messages: [],
      missing: [{ kind: "summary", problem: { code: "MAIL_NO_ACCOUNT", message: "no account" } }],
    });
    expect(q("outbox-queue")).toBeNull();
    ipc.openMailDraft.mockResolvedValue("/tmp/drafts/T-000042-summary.eml");
    q("outbox-draft")?.click();
    await vi.waitFor(() => expect(q("outbox-draft-status")?.textContent).toContain("T-000042-summary.eml"));
  });

  it("offers no draft before step 16", async () => {
    await show({ account: false, messages: [], missing: [] }, [1, 2]);
    expect(q("outbox-empty")).not.toBeNull();
    expect(q("outbox-draft")).toBeNull();
  });

  it("finds the summary step by key in a template version that numbers it otherwise", async () => {
    // Here the summary is step 12 and step 16 is another step: 16 done is not the summary done.
    await show({ account: false, messages: [], missing: [] }, [1, 16], 12);
    expect(q("outbox-draft")).toBeNull();
    component && unmount(component);
    component = null;
    target.replaceChildren();
    await show({ account: false, messages: [], missing: [] }, [1, 12], 12);
    expect(q("outbox-draft")).not.toBeNull();
  });
});
