// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Company } from "../../ipc/bindings";

const ipc = vi.hoisted(() => {
  class IpcError extends Error {
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
  }
  return {
    IpcError,
    getCompanySurveyUrl: vi.fn(),
    checkCompanySurveyUrl: vi.fn(),
    setCompanySurveyUrl: vi.fn(),
    saveCompany: vi.fn(),
    // The Tools section (components/tools) loads the company's links; it has its own tests.
    getCompanyTools: vi.fn(async () => []),
    setCompanyTool: vi.fn(),
    removeCompanyTool: vi.fn(),
  };
});
vi.mock("../../ipc", () => ipc);

const { default: CompanyForm } = await import("./CompanyForm.svelte");

const STORED = "https://survey.example/csat?t={ticket}";
const COMPANY = {
  id: 7,
  name: "Contoso",
  tier: "gold",
  calendar: { kind: "always_on" },
} as unknown as Company;

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;
let saved: Company[] = [];

const settle = async (): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};
const input = () => target.querySelector<HTMLInputElement>('[data-testid="company-survey-url"]')!;
const fieldError = () => target.querySelector('[data-testid="field-error"][data-field="csat_survey_url"]');

async function open(stored: string | null): Promise<void> {
  ipc.getCompanySurveyUrl.mockResolvedValue(stored);
  component = mount(CompanyForm, { target, props: { company: COMPANY, onsaved: (c: Company) => saved.push(c) } });
  flushSync();
  await vi.waitFor(() => expect(ipc.getCompanySurveyUrl).toHaveBeenCalledWith(7));
  await settle();
}

async function type(value: string): Promise<void> {
  input().value = value;
  input().dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}

async function save(): Promise<void> {
  target.querySelector<HTMLButtonElement>('[data-testid="company-save"]')!.click();
  await settle();
  await settle();
}

beforeEach(() => {
  target = document.createElement("div");
  document.body.append(target);
  for (const f of [ipc.getCompanySurveyUrl, ipc.checkCompanySurveyUrl, ipc.setCompanySurveyUrl, ipc.saveCompany]) {
    f.mockReset();
  }
  ipc.saveCompany.mockResolvedValue(COMPANY);
  saved = [];
});

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target.remove();
});

describe("the company form's survey link", () => {
  it("shows the stored link, and the placeholders with an example", async () => {
    await open(STORED);
    expect(input().value).toBe(STORED);
    expect(input().disabled).toBe(false);
    const hint = target.querySelector('[data-testid="company-survey-hint"]')?.textContent ?? "";
    for (const p of ["{ticket}", "{psa_ticket}", "{contact_email}", "For example https://"]) expect(hint).toContain(p);
  });

  it("puts the core's refusal under the field, with its code, and saves nothing", async () => {
    await open(STORED);
    ipc.checkCompanySurveyUrl.mockRejectedValue(
      new ipc.IpcError("INVALID_INPUT", "invalid csat_survey_url: must start with https:// (or http://)"),
    );
    await type("ftp://survey.example/{ticket}");
    await save();
    expect(ipc.checkCompanySurveyUrl).toHaveBeenCalledWith("ftp://survey.example/{ticket}");
    expect(fieldError()?.textContent).toBe("Survey link: must start with https:// (or http://) (INVALID_INPUT)");
    expect(input().getAttribute("aria-invalid")).toBe("true");
    expect(ipc.saveCompany).not.toHaveBeenCalled();
    expect(ipc.setCompanySurveyUrl).not.toHaveBeenCalled();
    expect(saved).toEqual([]);
    // Typing clears the message.
    await type("https://survey.example/{ticket}");
    expect(fieldError()).toBeNull();
  });

  it("saves a changed link after the company, trimmed; a blank one removes it", async () => {
    await open(STORED);
    ipc.checkCompanySurveyUrl.mockImplementation(async (u: string | null) => u);
    ipc.setCompanySurveyUrl.mockImplementation(async (_id: number, u: string | null) => u);
    await type("  https://survey.example/r?e={contact_email} ");
    await save();
    expect(ipc.saveCompany).toHaveBeenCalledTimes(1);
    expect(ipc.setCompanySurveyUrl).toHaveBeenCalledWith(7, "https://survey.example/r?e={contact_email}");
    expect(saved).toEqual([COMPANY]);
    expect(input().value).toBe("https://survey.example/r?e={contact_email}");
    await type("   ");
    await save();
    expect(ipc.setCompanySurveyUrl).toHaveBeenLastCalledWith(7, null);
  });

  it("leaves an unchanged link alone, and never blanks one it could not read", async () => {
    await open(STORED);
    await save();
    expect(ipc.saveCompany).toHaveBeenCalledTimes(1);
    expect(ipc.checkCompanySurveyUrl).not.toHaveBeenCalled();
    expect(ipc.setCompanySurveyUrl).not.toHaveBeenCalled();
    unmount(component!);
    component = null;
    ipc.getCompanySurveyUrl.mockRejectedValue(new ipc.IpcError("STORE_ERROR", "busy"));
    component = mount(CompanyForm, { target, props: { company: COMPANY, onsaved: () => {} } });
    await settle();
    expect(input().disabled).toBe(true);
    await save();
    expect(ipc.setCompanySurveyUrl).not.toHaveBeenCalled();
  });
});
