import { describe, expect, it } from "vitest";
import type { SlaPolicy, SlaTargetProblem } from "../ipc";
import { cellKey, problemsByCell, readTargets, targetRows, targetsChanged, workingTime } from "./sla-targets";

const table: SlaPolicy[] = [
  { tier: "gold", priority: "P1", first_response_minutes: 30, resolution_minutes: 480 },
  { tier: "gold", priority: "P2", first_response_minutes: 60, resolution_minutes: 960 },
];

describe("SLA targets card", () => {
  it("reads typed minutes as numbers, fractions and negatives included, for the core to judge", () => {
    const rows = targetRows(table);
    rows[0]!.first_response_minutes = " 12.5 ";
    rows[1]!.resolution_minutes = "-3";
    expect(readTargets(rows)).toEqual({
      cells: [
        { tier: "gold", priority: "P1", first_response_minutes: 12.5, resolution_minutes: 480 },
        { tier: "gold", priority: "P2", first_response_minutes: 60, resolution_minutes: -3 },
      ],
      unreadable: [],
    });
  });

  it("lists a box without a number instead of sending it", () => {
    const rows = targetRows(table);
    rows[1]!.first_response_minutes = "";
    rows[0]!.resolution_minutes = "1h";
    const { cells, unreadable } = readTargets(rows);
    expect(cells).toEqual([]);
    expect(unreadable).toEqual([cellKey("gold", "P1", "resolution_minutes"), cellKey("gold", "P2", "first_response_minutes")]);
  });

  it("files the core's problems under their cells in its words", () => {
    const problems: SlaTargetProblem[] = [
      { tier: "gold", priority: "P2", field: "resolution_minutes", message: "Gold P2: resolution (5 min) is shorter" },
      { tier: "gold", priority: "P2", field: "first_response_minutes", message: "Gold P2: first response 0 minutes" },
      { tier: "silver", priority: "P4", field: "cell", message: "Silver P4: no targets given" },
    ];
    const by = problemsByCell(problems);
    expect(by.get("gold-P2-resolution_minutes")).toEqual(["Gold P2: resolution (5 min) is shorter"]);
    expect(by.get("gold-P2-first_response_minutes")).toEqual(["Gold P2: first response 0 minutes"]);
    expect(by.get("silver-P4-cell")).toEqual(["Silver P4: no targets given"]);
    expect(by.size).toBe(3);
  });

  it("says whether the rows differ from the saved table", () => {
    const rows = targetRows(table);
    expect(targetsChanged(rows, table)).toBe(false);
    rows[0]!.first_response_minutes = "30.0";
    expect(targetsChanged(rows, table)).toBe(false);
    rows[0]!.first_response_minutes = "31";
    expect(targetsChanged(rows, table)).toBe(true);
    rows[0]!.first_response_minutes = "";
    expect(targetsChanged(rows, table)).toBe(true);
  });

  it("shows working minutes as hours and minutes", () => {
    expect(workingTime(45)).toBe("45 min");
    expect(workingTime(960)).toBe("16 h");
    expect(workingTime(90)).toBe("1 h 30 min");
    expect(workingTime(525600)).toBe("8,760 h");
    expect(workingTime(12.5)).toBe("");
    expect(workingTime(-1)).toBe("");
  });
});
