// @vitest-environment jsdom
import { flushSync, mount, unmount } from "svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ImportPlan } from "../../ipc/bindings";
import MappingTable from "./MappingTable.svelte";

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

const plan = (p: Partial<ImportPlan> = {}): ImportPlan => ({
  source: "csv",
  kind: "assets",
  file_name: "assets.csv",
  part: null,
  encoding: "UTF-8",
  headers: ["Serial", HOSTILE],
  columns: [
    { column: "Serial", field: "serial" },
    { column: HOSTILE, field: null },
  ],
  unknown: [HOSTILE],
  missing_required: ["hostname", "company_name"],
  date_order: "month_first",
  default_tier: null,
  ...p,
});

let shown: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (shown) unmount(shown);
  shown = null;
  document.body.innerHTML = "";
});

function show(p: ImportPlan, onchange = vi.fn()) {
  shown = mount(MappingTable, { target: document.body, props: { plan: p, onchange } });
  flushSync();
  return onchange;
}

const q = (id: string) => [...document.querySelectorAll(`[data-testid="${id}"]`)];

describe("MappingTable", () => {
  it("flags each required field no column fills", () => {
    show(plan());
    const missing = q("import-missing")[0].querySelectorAll("li");
    expect([...missing].map((li) => li.getAttribute("data-field"))).toEqual(["hostname", "company_name"]);
  });

  it("lists the columns that fill nothing, as text", () => {
    show(plan());
    expect(q("import-unknown-column").map((c) => c.textContent)).toEqual([HOSTILE]);
    expect(document.querySelector("img")).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("offers a companies table its tool links and maps a link column to one", () => {
    const onchange = show(
      plan({
        kind: "companies",
        headers: ["Name", "RMM Site URL"],
        columns: [
          { column: "Name", field: "name" },
          { column: "RMM Site URL", field: null },
        ],
        unknown: ["RMM Site URL"],
        missing_required: [],
      }),
    );
    const selects = q("import-map-field") as HTMLSelectElement[];
    const offered = [...selects[1].options].map((o) => [o.value, o.textContent]);
    expect(offered).toContainEqual(["tool_rmm", "Tool link: RMM"]);
    expect(offered).toContainEqual(["tool_documentation", "Tool link: documentation"]);
    expect(offered.map(([v]) => v)).not.toContain("rmm_url");
    selects[1].value = "tool_rmm";
    selects[1].dispatchEvent(new Event("change", { bubbles: true }));
    expect(onchange).toHaveBeenCalledWith("RMM Site URL", "tool_rmm");
  });

  it("shows each column's field and reports an edit as column and field", () => {
    const onchange = show(plan({ missing_required: [] }));
    const selects = q("import-map-field") as HTMLSelectElement[];
    expect(selects.map((s) => s.value)).toEqual(["serial", ""]);
    // An assets table offers asset fields only.
    const offered = [...selects[0].options].map((o) => o.value);
    expect(offered).toContain("hostname");
    expect(offered).not.toContain("email");
    selects[0].value = "";
    selects[0].dispatchEvent(new Event("change", { bubbles: true }));
    expect(onchange).toHaveBeenCalledWith("Serial", null);
    selects[1].value = "hostname";
    selects[1].dispatchEvent(new Event("change", { bubbles: true }));
    expect(onchange).toHaveBeenCalledWith(HOSTILE, "hostname");
    expect(q("import-missing")).toHaveLength(0);
  });
});
