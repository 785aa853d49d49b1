import { describe, expect, it } from "vitest";
import type { BatchSummary } from "../ipc";
import {
  formatBytes,
  lastMonth,
  progressLabel,
  progressPercent,
  rangeProblem,
  reportErrorHint,
  reportFileName,
  rootCertFileName,
  summaryText,
  withExtension,
} from "./reports";

const summary = (s: Partial<BatchSummary>): BatchSummary => ({
  total: 0,
  exported: 0,
  bytes: 0,
  failed: [],
  cancelled: false,
  ...s,
});

describe("file names", () => {
  it("names a report after its ticket, with nothing that leaves the folder", () => {
    expect(reportFileName("T-000042")).toBe("T-000042 closure report.pdf");
    expect(reportFileName("../x/y")).toBe("___x_y closure report.pdf");
  });

  it("names the root after the MSP, keeping letters of any script", () => {
    expect(rootCertFileName("Northwind IT")).toBe("Northwind IT report root.pem");
    expect(rootCertFileName("Zoë's  IT/Desk")).toBe("Zoës ITDesk report root.pem");
    expect(rootCertFileName("  ")).toBe("Ticketflow report root.pem");
  });

  it("adds the extension only when it is missing", () => {
    expect(withExtension("/home/a/r", "pdf")).toBe("/home/a/r.pdf");
    expect(withExtension("/home/a/r.PDF", "pdf")).toBe("/home/a/r.PDF");
    expect(withExtension("/home/a/r.pdf.txt", "pdf")).toBe("/home/a/r.pdf.txt.pdf");
  });
});

describe("date ranges", () => {
  it("proposes the last full month", () => {
    expect(lastMonth(new Date(2026, 2, 15))).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(lastMonth(new Date(2026, 0, 1))).toEqual({ from: "2025-12-01", to: "2025-12-31" });
  });

  it("refuses missing, impossible and backwards ranges", () => {
    expect(rangeProblem("2026-03-01", "2026-03-31")).toBeNull();
    expect(rangeProblem("2026-03-01", "2026-03-01")).toBeNull();
    expect(rangeProblem("", "2026-03-31")).toMatch(/first day/);
    expect(rangeProblem("2026-02-01", "2026-02-30")).toMatch(/last day/);
    expect(rangeProblem("2026-04-01", "2026-03-31")).toMatch(/ends before/);
    expect(rangeProblem(null, "2026-03-31")).toMatch(/first day/);
    expect(rangeProblem("2026-03-01", null)).toMatch(/last day/);
  });

  it("refuses while a field's typed text is not a date, whatever its last good value", () => {
    const typing = "Type the whole date as DD.MM.YYYY, or leave it empty.";
    expect(rangeProblem("2026-03-01", "2026-03-31", { from: typing })).toBe(`First day: ${typing}`);
    expect(rangeProblem("2026-03-01", "2026-03-31", { to: typing })).toBe(`Last day: ${typing}`);
    expect(rangeProblem("2026-03-01", "2026-03-31", { from: null, to: null })).toBeNull();
  });
});

describe("progress", () => {
  const p = { done: 12, total: 40, exported: 11, failed: 1, ticket: "T-1" };

  it("is a whole percent, never past 100", () => {
    expect(progressPercent(null)).toBe(0);
    expect(progressPercent({ ...p, total: 0, done: 0 })).toBe(0);
    expect(progressPercent(p)).toBe(30);
    expect(progressPercent({ ...p, done: 39 })).toBe(97);
    expect(progressPercent({ ...p, done: 50 })).toBe(100);
  });

  it("says how far and what failed", () => {
    expect(progressLabel(p)).toBe("12 of 40 reports · 1 failed");
    expect(progressLabel({ ...p, done: 1, total: 1, failed: 0 })).toBe("1 of 1 report");
  });
});

describe("summaries", () => {
  it("formats sizes", () => {
    expect(formatBytes(900)).toBe("900 B");
    expect(formatBytes(23 * 1024)).toBe("23 KB");
    expect(formatBytes(3.45 * 1024 * 1024)).toBe("3.5 MB");
  });

  it("tells a finished, a failed, a cancelled and an empty batch apart", () => {
    expect(summaryText(summary({}))).toMatch(/No tickets/);
    expect(summaryText(summary({ total: 2, exported: 2, bytes: 2048 }))).toBe(
      "2 reports exported (2 KB).",
    );
    const failure = { ticket: "T-9", error: { code: "RECORD_MISMATCH", message: "x" } };
    expect(summaryText(summary({ total: 3, exported: 2, bytes: 2048, failed: [failure] }))).toBe(
      "2 reports exported (2 KB), 1 failed.",
    );
    expect(summaryText(summary({ total: 40, exported: 1, bytes: 1024, cancelled: true }))).toBe(
      "Cancelled after 1 of 40: 1 report exported (1 KB).",
    );
  });
});

describe("error hints", () => {
  it("explains the keychain errors and nothing else", () => {
    expect(reportErrorHint("KEYCHAIN_UNAVAILABLE")).toMatch(/keychain/);
    expect(reportErrorHint("SIGNING_KEY_MISSING")).toMatch(/keychain/);
    expect(reportErrorHint("NOT_CLOSED")).toBeNull();
  });
});
