// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TicketMail, TicketView } from "../../ipc/bindings";

const ipc = vi.hoisted(() => ({ getTicketMail: vi.fn() }));
vi.mock("../../ipc", () => ({ ...ipc, IpcError: Error }));

const { default: MailNotice } = await import("./MailNotice.svelte");

const VIEW = { ticket: { id: 42, steps: [] }, time_zone: "UTC" } as unknown as TicketView;

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;
let opened = 0;

async function show(mail: TicketMail): Promise<void> {
  ipc.getTicketMail.mockResolvedValue(mail);
  component = mount(MailNotice, { target, props: { view: VIEW, onopen: () => (opened += 1) } });
  flushSync();
  await vi.waitFor(() => expect(ipc.getTicketMail).toHaveBeenCalledWith(42));
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

const codes = () =>
  [...target.querySelectorAll('[data-testid="error-message"]')].map((e) => e.getAttribute("data-code"));

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
  ipc.getTicketMail.mockReset();
  opened = 0;
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

describe("the mail notice above the steps", () => {
  it("shows a summary that cannot be queued, with its code, and opens the Mail tab", async () => {
    await show({
      account: true,
      messages: [],
      missing: [{ kind: "summary", problem: { code: "MAIL_NO_RECIPIENT", message: "Dana has no email address" } }],
    });
    expect(codes()).toEqual(["MAIL_NO_RECIPIENT"]);
    expect(target.textContent).toContain("Resolution summary not queued");
    target.querySelector<HTMLButtonElement>('[data-testid="mail-notice-open"]')?.click();
    expect(opened).toBe(1);
  });

  it("is silent for a desk without an account and for mail on its way", async () => {
    await show({
      account: false,
      messages: [],
      missing: [{ kind: "summary", problem: { code: "MAIL_NO_ACCOUNT", message: "no account" } }],
    });
    expect(target.querySelector('[data-testid="mail-notice"]')).toBeNull();
  });

  it("shows a message the server refused for good", async () => {
    await show({
      account: true,
      missing: [],
      messages: [
        {
          id: 3, ticket_id: 42, ticket_number: "T-000042", kind: "report", message_id: "<m@x>",
          recipient: "dana@contoso.example", subject: "s", survey: "", state: "failed", attempts: 1,
          next_attempt_at: "2026-12-06T10:00:00Z", last_answer: "550 no such user",
          last_code: "MAIL_RECIPIENT_REFUSED", queued_at: "2026-12-06T10:00:00Z", sent_at: null,
          bytes: 10,
        },
      ],
    });
    expect(codes()).toEqual(["MAIL_RECIPIENT_REFUSED"]);
    expect(target.textContent).toContain("Signed closure report to dana@contoso.example failed");
  });
});
