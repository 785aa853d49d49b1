import { describe, expect, it } from "vitest";
import type { Step, Template } from "../ipc";
import {
  KEY_MAX,
  addStep,
  protections,
  canMoveStep,
  changeLabel,
  laterRequires,
  moveItem,
  moveStep,
  newField,
  parseOptions,
  parseProblemPath,
  placeOf,
  placeProblems,
  removeStep,
  requiresChoices,
  slugKey,
  stepKeys,
  stepProblemCount,
} from "./templates";

function step(key: string, requires: string[] = [], gate: Step["gate"] = "diagnosis"): Step {
  return {
    number: 0,
    key,
    title: key,
    guidance: "",
    fields: [],
    condition: "always",
    gate,
    requires,
    resets: [],
    required: true,
    tools: [],
  };
}

function template(): Template {
  return {
    key: "t",
    version: 1,
    name: "T",
    description: "",
    rules_schema: 1,
    phases: [
      { key: "intake", title: "Intake", steps: [step("verify_caller", [], "verify_caller"), step("open_ticket", ["verify_caller"], "open_ticket")] },
      { key: "diagnosis", title: "Diagnosis", steps: [step("reproduce"), step("escalation_decision", ["reproduce"], "escalation_decision")] },
      { key: "closure", title: "Closure", steps: [step("close", [], "close")] },
    ],
  };
}

describe("slugKey", () => {
  it("makes a key like the built-in ones from a title", () => {
    expect(slugKey("Check backup status", [])).toBe("check_backup_status");
    expect(slugKey("  Café: re-check (NAS)!  ", [])).toBe("cafe_re_check_nas");
  });

  it("never answers a key already taken", () => {
    expect(slugKey("Check backup status", ["check_backup_status"])).toBe("check_backup_status_2");
    expect(slugKey("Check backup status", ["check_backup_status", "check_backup_status_2"])).toBe(
      "check_backup_status_3",
    );
  });

  it("falls back for a title with no letters and keeps to the length limit, suffix included", () => {
    expect(slugKey("!!!", [])).toBe("step");
    expect(slugKey("—", [], "field")).toBe("field");
    const long = "a".repeat(100);
    expect(slugKey(long, [])).toHaveLength(KEY_MAX);
    const second = slugKey(long, ["a".repeat(KEY_MAX)]);
    expect(second).toHaveLength(KEY_MAX);
    expect(second.endsWith("_2")).toBe(true);
  });

  it("gives a new step a key no other step has", () => {
    let t = addStep(template(), 1, "Reproduce");
    expect(t.phases[1]!.steps.at(-1)!.key).toBe("reproduce_2");
    t = addStep(t, 1, "Reproduce");
    expect(t.phases[1]!.steps.at(-1)!.key).toBe("reproduce_3");
    expect(new Set(stepKeys(t)).size).toBe(stepKeys(t).length);
  });
});

describe("addStep", () => {
  it("appends a required custom step at the end of the phase and renumbers", () => {
    const t = addStep(template(), 1, "Check backup status");
    const added = t.phases[1]!.steps.at(-1)!;
    expect(added).toMatchObject({ key: "check_backup_status", gate: "custom", required: true, number: 5 });
    expect(t.phases[2]!.steps[0]!.number).toBe(6);
  });
});

describe("moveStep", () => {
  it("swaps a step with its neighbour within the phase and renumbers", () => {
    const t = moveStep(addStep(template(), 1, "Check backup status"), "check_backup_status", -1);
    expect(t.phases[1]!.steps.map((s) => s.key)).toEqual(["reproduce", "check_backup_status", "escalation_decision"]);
    expect(t.phases[1]!.steps.map((s) => s.number)).toEqual([3, 4, 5]);
  });

  it("crosses a desk's own step into the neighbouring phase at the phase's edge", () => {
    const t = moveStep(moveStep(addStep(template(), 1, "Backup"), "backup", -1), "backup", -1);
    expect(t.phases[1]!.steps.map((s) => s.key)).toEqual(["backup", "reproduce", "escalation_decision"]);
    const up = moveStep(t, "backup", -1);
    expect(up.phases[0]!.steps.map((s) => s.key)).toEqual(["verify_caller", "open_ticket", "backup"]);
    expect(up.phases[1]!.steps.map((s) => s.key)).toEqual(["reproduce", "escalation_decision"]);
    expect(moveStep(up, "backup", 1).phases[1]!.steps[0]!.key).toBe("backup");
    // A built-in step at its phase's edge stays.
    expect(moveStep(template(), "reproduce", -1)).toEqual(template());
    expect(canMoveStep(template(), "reproduce", -1)).toBe(false);
  });

  it("leaves the very first and very last step where they are", () => {
    const t = template();
    expect(moveStep(t, "verify_caller", -1)).toBe(t);
    expect(moveStep(t, "close", 1)).toBe(t);
    expect(canMoveStep(t, "verify_caller", -1)).toBe(false);
    expect(canMoveStep(t, "close", 1)).toBe(false);
    expect(canMoveStep(t, "escalation_decision", -1)).toBe(true);
    expect(moveStep(t, "missing", 1)).toBe(t);
  });

  it("moves only the desk's own steps across phases (a built-in step stays in its phase)", () => {
    const t = addStep(template(), 1, "Backup");
    expect(canMoveStep(t, "backup", 1)).toBe(true);
    const down = moveStep(t, "backup", 1);
    expect(down.phases[2]!.steps.map((s) => s.key)).toEqual(["backup", "close"]);
    expect(canMoveStep(t, "escalation_decision", 1)).toBe(true);
    const moved = moveStep(t, "escalation_decision", 1);
    expect(canMoveStep(moved, "escalation_decision", 1)).toBe(false);
    expect(moveStep(moved, "escalation_decision", 1)).toBe(moved);
  });
});

describe("requiresChoices", () => {
  it("offers only the steps before it, without those it already needs", () => {
    const t = moveStep(addStep(template(), 1, "Check backup status"), "check_backup_status", -1);
    const choices = requiresChoices(t, "escalation_decision").map((s) => s.key);
    expect(choices).toEqual(["verify_caller", "open_ticket", "check_backup_status"]);
    expect(choices).not.toContain("close");
    expect(choices).not.toContain("escalation_decision");
    expect(requiresChoices(t, "verify_caller")).toEqual([]);
  });

  it("names a prerequisite a move has put after the step", () => {
    let t = addStep(template(), 1, "Backup");
    t = { ...t, phases: t.phases.map((p) => ({ ...p, steps: p.steps.map((s) => (s.key === "escalation_decision" ? { ...s, requires: [...s.requires, "backup"] } : s)) })) };
    expect(laterRequires(t, "escalation_decision")).toEqual(["backup"]);
    expect(laterRequires(moveStep(t, "backup", -1), "escalation_decision")).toEqual([]);
  });
});

describe("removeStep", () => {
  it("takes the step out of every other step's needs", () => {
    let t = moveStep(addStep(template(), 1, "Backup"), "backup", -1);
    t = { ...t, phases: t.phases.map((p) => ({ ...p, steps: p.steps.map((s) => (s.key === "escalation_decision" ? { ...s, requires: ["reproduce", "backup"] } : s)) })) };
    const removed = removeStep(t, "backup");
    expect(stepKeys(removed)).not.toContain("backup");
    expect(removed.phases[1]!.steps.find((s) => s.key === "escalation_decision")!.requires).toEqual(["reproduce"]);
  });
});

describe("fields", () => {
  it("gives a new field a key unique within its step", () => {
    const s = step("backup", [], "custom");
    const a = newField(s, "Status", "list");
    const b = newField({ ...s, fields: [a] }, "Status", "yes_no");
    expect([a.key, b.key]).toEqual(["status", "status_2"]);
    expect(a.kind).toEqual({ type: "list", options: [], multiple: false });
    expect(b.kind).toEqual({ type: "yes_no" });
  });

  it("reads options one per line", () => {
    expect(parseOptions(" ok \n\nfailing\nnot applicable\n")).toEqual(["ok", "failing", "not applicable"]);
  });

  it("moves list items within bounds", () => {
    expect(moveItem(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moveItem(["a", "b"], 0, -1)).toEqual(["a", "b"]);
  });
});

describe("problems", () => {
  it("parses a path into indices and the rest", () => {
    expect(parseProblemPath("phases[1].steps[3].fields[0].options")).toEqual({ phase: 1, step: 3, field: 0, rest: "options" });
    expect(parseProblemPath("phases[2].steps[0].requires[1]")).toEqual({ phase: 2, step: 0, field: null, rest: "requires[1]" });
    expect(parseProblemPath("phases[0].title")).toEqual({ phase: 0, step: null, field: null, rest: "title" });
    expect(parseProblemPath("name")).toEqual({ phase: null, step: null, field: null, rest: "name" });
    // A malformed path is the template's, whole.
    expect(parseProblemPath("steps[1]")).toEqual({ phase: null, step: null, field: null, rest: "steps[1]" });
  });

  it("places a problem at the step and field of the template that was sent, by key", () => {
    let sent = moveStep(addStep(template(), 1, "Backup"), "backup", -1);
    sent = { ...sent, phases: sent.phases.map((p) => ({ ...p, steps: p.steps.map((s) => (s.key === "backup" ? { ...s, fields: [newField(s, "Status", "list")] } : s)) })) };
    expect(placeOf(sent, "phases[1].steps[1].fields[0].options")).toEqual({ at: "field", step: "backup", field: "status", rest: "options" });
    expect(placeOf(sent, "phases[1].steps[2].requires[0]")).toEqual({ at: "step", step: "escalation_decision", rest: "requires[0]" });
    expect(placeOf(sent, "phases[2].title")).toEqual({ at: "phase", phase: "closure", rest: "title" });
    expect(placeOf(sent, "phases[9].steps[0]")).toEqual({ at: "template", rest: "phases[9].steps[0]" });
    expect(placeOf(sent, "phases[1].steps[7]")).toEqual({ at: "phase", phase: "diagnosis", rest: "" });

    const placed = placeProblems(sent, [
      { path: "phases[1].steps[1].fields[0].options", code: "LIST_WITHOUT_OPTIONS", message: "A list needs options." },
      { path: "phases[1].steps[1].title", code: "TITLE_EMPTY", message: "Type a title." },
      { path: "name", code: "NAME_EMPTY", message: "Name it." },
    ]);
    expect(placed.fields.get("backup/status")!.map((p) => p.code)).toEqual(["LIST_WITHOUT_OPTIONS"]);
    expect(placed.steps.get("backup")!.map((p) => p.code)).toEqual(["TITLE_EMPTY"]);
    expect(placed.template.map((p) => p.code)).toEqual(["NAME_EMPTY"]);
    expect(stepProblemCount(placed, "backup")).toBe(2);
    expect(stepProblemCount(placed, "reproduce")).toBe(0);
    // After the step moved in the editor, the problem still belongs to it (by key, not place).
    const moved = moveStep(sent, "backup", 1);
    expect(findKeyAt(moved, 1, 1)).toBe("escalation_decision");
    expect(placed.steps.has("backup")).toBe(true);
  });
});

function findKeyAt(t: Template, phase: number, index: number): string | undefined {
  return t.phases[phase]?.steps[index]?.key;
}

describe("protections", () => {
  const guarded = [
    { key: "verify_caller", reason: "This step keeps unauthorized callers out: it can be re-titled, re-worded or moved, not removed." },
    { key: "close", reason: "This step seals the ticket with the technician's sign-off: it can be re-titled, re-worded or moved, not removed." },
  ];

  it("locks the steps the core names, with its reason, and leaves every other step removable", () => {
    const t = addStep(template(), 1, "Backup");
    const locks = protections(t, guarded);
    expect(locks.get("verify_caller")).toContain("unauthorized callers");
    expect(locks.get("close")).toContain("seals the ticket");
    expect(locks.get("reproduce")).toBeNull();
    expect(locks.get("backup")).toBeNull();
    expect([...locks.keys()]).toEqual(stepKeys(t));
  });
});

describe("changeLabel", () => {
  it("labels the core's kinds and spells out one it does not know", () => {
    expect(changeLabel("step_added")).toEqual({ text: "Added", tone: "ok" });
    expect(changeLabel("step_removed").tone).toBe("danger");
    expect(changeLabel("brand_new_kind")).toEqual({ text: "Brand new kind", tone: "" });
  });
});
