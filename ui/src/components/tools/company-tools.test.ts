import { describe, expect, it } from "vitest";
import type { CompanyTool } from "../../ipc";
import { rowChanged, TOOL_KINDS, toolErrorField, toolRows } from "./company-tools";

const sc: CompanyTool = {
  kind: "remote_session",
  label: "ScreenConnect",
  url_template: "https://acme.screenconnect.com/Host#Access/All%20Machines//{hostname}",
};

describe("company tool rows", () => {
  it("lists every kind once, in the core's order, with what is stored", () => {
    const rows = toolRows([sc]);
    expect(rows.map((r) => r.info.kind)).toEqual([
      "psa",
      "remote_session",
      "rmm",
      "edr",
      "documentation",
      "noc",
      "vendor_status",
    ]);
    expect(new Set(TOOL_KINDS.map((k) => k.kind)).size).toBe(TOOL_KINDS.length);
    expect(rows[1]).toMatchObject({ stored: sc, label: "ScreenConnect", url: sc.url_template });
    expect(rows[0]).toMatchObject({ stored: null, label: "", url: "" });
  });

  it("has something to save only when the typed link or label differs", () => {
    const [psa, remote] = toolRows([sc]);
    expect(rowChanged(remote)).toBe(false);
    expect(rowChanged({ ...remote, url: `  ${sc.url_template} ` })).toBe(false);
    expect(rowChanged({ ...remote, label: "Splashtop" })).toBe(true);
    expect(rowChanged({ ...remote, url: "" })).toBe(false);
    expect(rowChanged(psa)).toBe(false);
    expect(rowChanged({ ...psa, url: "https://psa.example/{ticket}" })).toBe(true);
  });

  it("puts the core's refusal under the field it is about", () => {
    expect(toolErrorField({ code: "TOOL_URL_INVALID", message: "this tool link cannot be used: x" })).toBe("url");
    expect(toolErrorField({ code: "INVALID_INPUT", message: "invalid tool label: at most 60 characters" })).toBe("label");
    expect(toolErrorField({ code: "INVALID_INPUT", message: "invalid actor: who" })).toBeNull();
    expect(toolErrorField({ code: "STORE_ERROR", message: "disk full" })).toBeNull();
  });
});
