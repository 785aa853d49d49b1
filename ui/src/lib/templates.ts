// The template editor's pure logic: new steps and fields with unique keys, moving steps and
// phases, which steps a step may need first, and where the core's problems belong.
//
// The core owns the rules (template/validate.rs): everything here only shapes the draft the
// technician edits; the core checks every save and answers with problems, each with a `path`
// into the template that was sent ("phases[1].steps[3].fields[0].options").

import type { Field, FieldKind, Phase, ProtectedStep, Step, Template } from "../ipc";

/** Longest key the editor makes from a title (the core's own limit may be tighter). */
export const KEY_MAX = 40;

/**
 * A key for `title` (lowercase letters, digits and "_", like the built-in keys) that is not in
 * `taken`: "Check backup status" -> "check_backup_status", then "check_backup_status_2" …
 */
export function slugKey(title: string, taken: Iterable<string>, fallback = "step"): string {
  const used = new Set(taken);
  const base =
    title
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, KEY_MAX)
      .replace(/_+$/, "") || fallback;
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const key = `${base.slice(0, KEY_MAX - suffix.length).replace(/_+$/, "")}${suffix}`;
    if (!used.has(key)) return key;
  }
}

/** Every step key of the template, in order. */
export function stepKeys(template: Template): string[] {
  return template.phases.flatMap((p) => p.steps.map((s) => s.key));
}

/** Numbers the steps 1, 2, 3 … in the order the phases list them (as the core does). */
export function renumber(template: Template): Template {
  let n = 0;
  return {
    ...template,
    phases: template.phases.map((p) => ({
      ...p,
      steps: p.steps.map((s) => ({ ...s, number: ++n })),
    })),
  };
}

/** A desk's own step titled `title`, with a key made from it: required, no fields yet. */
export function newCustomStep(template: Template, title: string): Step {
  return {
    number: 0,
    key: slugKey(title, stepKeys(template)),
    title: title.trim(),
    guidance: "",
    fields: [],
    condition: "always",
    gate: "custom",
    requires: [],
    resets: [],
    required: true,
    tools: [],
  };
}

/** Appends a new custom step at the end of phase `phase`. */
export function addStep(template: Template, phase: number, title: string): Template {
  const step = newCustomStep(template, title);
  return renumber({
    ...template,
    phases: template.phases.map((p, i) => (i === phase ? { ...p, steps: [...p.steps, step] } : p)),
  });
}

/** Where a step is: its phase's and its own index. */
export interface StepAt {
  phase: number;
  step: number;
}

export function findStep(template: Template, key: string): StepAt | null {
  for (let phase = 0; phase < template.phases.length; phase++) {
    const step = template.phases[phase]!.steps.findIndex((s) => s.key === key);
    if (step >= 0) return { phase, step };
  }
  return null;
}

/**
 * Moves the step `key` one place up (delta -1) or down (+1). At the edge of its phase a desk's
 * own step crosses into the neighbouring phase (last of the phase above, first of the phase
 * below); a built-in step stays in its phase (its rule is tied to it: the core refuses it
 * elsewhere). Answers the template unchanged when nothing moves.
 */
export function moveStep(template: Template, key: string, delta: -1 | 1): Template {
  if (!canMoveStep(template, key, delta)) return template;
  const at = findStep(template, key)!;
  const phases: Phase[] = template.phases.map((p) => ({ ...p, steps: [...p.steps] }));
  const steps = phases[at.phase]!.steps;
  const target = at.step + delta;
  if (target >= 0 && target < steps.length) {
    [steps[at.step], steps[target]] = [steps[target]!, steps[at.step]!];
  } else {
    const next = at.phase + delta;
    const [moved] = steps.splice(at.step, 1);
    if (delta < 0) phases[next]!.steps.push(moved!);
    else phases[next]!.steps.unshift(moved!);
  }
  return renumber({ ...template, phases });
}

/** Whether `moveStep(template, key, delta)` would move anything. */
export function canMoveStep(template: Template, key: string, delta: -1 | 1): boolean {
  const at = findStep(template, key);
  if (at === null) return false;
  const target = at.step + delta;
  if (target >= 0 && target < template.phases[at.phase]!.steps.length) return true;
  const next = at.phase + delta;
  const custom = template.phases[at.phase]!.steps[at.step]!.gate === "custom";
  return custom && next >= 0 && next < template.phases.length;
}

/**
 * Removes the step `key` and drops it from every other step's `requires` and `resets` (nothing is
 * left needing a step that is gone). Protected steps are never removed: the caller checks first.
 */
export function removeStep(template: Template, key: string): Template {
  return renumber({
    ...template,
    phases: template.phases.map((p) => ({
      ...p,
      steps: p.steps
        .filter((s) => s.key !== key)
        .map((s) => ({
          ...s,
          requires: s.requires.filter((k) => k !== key),
          resets: s.resets.filter((k) => k !== key),
        })),
    })),
  });
}

/** Replaces the step `key` with `change(step)`. */
export function updateStep(template: Template, key: string, change: (step: Step) => Step): Template {
  return {
    ...template,
    phases: template.phases.map((p) => ({
      ...p,
      steps: p.steps.map((s) => (s.key === key ? change(s) : s)),
    })),
  };
}

/** The steps `key` may need first: those before it in the template, not yet among its needs. */
export function requiresChoices(template: Template, key: string): Step[] {
  const all = template.phases.flatMap((p) => p.steps);
  const index = all.findIndex((s) => s.key === key);
  if (index < 0) return [];
  const step = all[index]!;
  return all.slice(0, index).filter((s) => !step.requires.includes(s.key));
}

/** Prerequisites that come after the step in the template (a move put them there): the chip says so. */
export function laterRequires(template: Template, key: string): string[] {
  const order = stepKeys(template);
  const index = order.indexOf(key);
  const step = template.phases.flatMap((p) => p.steps)[index];
  if (step === undefined) return [];
  return step.requires.filter((k) => {
    const at = order.indexOf(k);
    return at < 0 || at > index;
  });
}

/** The kinds of field a desk's own step can have. */
export type CustomKind = "list" | "paragraph" | "yes_no" | "number" | "date";

export const CUSTOM_KINDS: { kind: CustomKind; label: string }[] = [
  { kind: "list", label: "List of options" },
  { kind: "paragraph", label: "Paragraph" },
  { kind: "yes_no", label: "Yes / no" },
  { kind: "number", label: "Number" },
  { kind: "date", label: "Date" },
];

/** A paragraph's default limit, in characters (the built-in steps allow 20 000). */
export const PARAGRAPH_DEFAULT = 2000;

export function defaultKind(kind: CustomKind): FieldKind {
  switch (kind) {
    case "list":
      return { type: "list", options: [], multiple: false };
    case "paragraph":
      return { type: "paragraph", max_chars: PARAGRAPH_DEFAULT };
    case "yes_no":
      return { type: "yes_no" };
    case "number":
      return { type: "number", min: null, max: null, decimals: 0 };
    case "date":
      return { type: "date" };
  }
}

/** A new field labelled `label` with a key made from it, unique within the step. */
export function newField(step: Step, label: string, kind: CustomKind): Field {
  return {
    key: slugKey(label, step.fields.map((f) => f.key), "field"),
    label: label.trim(),
    kind: defaultKind(kind),
    required: true,
  };
}

/** Options typed one per line: trimmed, blank lines dropped (duplicates are the core's to refuse). */
export function parseOptions(text: string): string[] {
  return text
    .split("\n")
    .map((o) => o.trim())
    .filter((o) => o !== "");
}

/** Moves item `index` of `list` one place up or down; out of range leaves it as it is. */
export function moveItem<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const target = index + delta;
  const copy = [...list];
  if (index < 0 || index >= copy.length || target < 0 || target >= copy.length) return copy;
  [copy[index], copy[target]] = [copy[target]!, copy[index]!];
  return copy;
}

// Problems: the core's answer names a place in the template that was SENT. The editor may have
// moved things since, so each problem is resolved against that snapshot to the step's and the
// field's keys, which do not change when they move.

export interface ProblemPath {
  phase: number | null;
  step: number | null;
  field: number | null;
  /** What is left of the path after the step or field ("options", "requires[0]", "title"). */
  rest: string;
}

const SEGMENT = /^(phases|steps|fields)\[(\d+)\]$/;

/** Splits "phases[1].steps[3].fields[0].options" into its indices and the rest. */
export function parseProblemPath(path: string): ProblemPath {
  const out: ProblemPath = { phase: null, step: null, field: null, rest: "" };
  const parts = path.split(".");
  let i = 0;
  for (; i < parts.length; i++) {
    const m = SEGMENT.exec(parts[i]!);
    if (m === null) break;
    const n = Number(m[2]);
    if (m[1] === "phases" && out.phase === null && out.step === null) out.phase = n;
    else if (m[1] === "steps" && out.phase !== null && out.step === null) out.step = n;
    else if (m[1] === "fields" && out.step !== null && out.field === null) out.field = n;
    else break;
  }
  out.rest = parts.slice(i).join(".");
  return out;
}

export interface TemplateProblemLike {
  path: string;
  code: string;
  message: string;
}

/** Where a problem is shown: a step (by key) and maybe one of its fields, a phase, or the template. */
export type ProblemPlace =
  | { at: "field"; step: string; field: string; rest: string }
  | { at: "step"; step: string; rest: string }
  | { at: "phase"; phase: string; rest: string }
  | { at: "template"; rest: string };

export function placeOf(sent: Template, path: string): ProblemPlace {
  const p = parseProblemPath(path);
  const phase = p.phase === null ? undefined : sent.phases[p.phase];
  if (phase === undefined) return { at: "template", rest: path };
  const step = p.step === null ? undefined : phase.steps[p.step];
  if (step === undefined) return { at: "phase", phase: phase.key, rest: p.rest };
  const field = p.field === null ? undefined : step.fields[p.field];
  if (field === undefined) return { at: "step", step: step.key, rest: p.rest };
  return { at: "field", step: step.key, field: field.key, rest: p.rest };
}

/** Problems gathered by where the editor shows them. */
export interface PlacedProblems<P extends TemplateProblemLike = TemplateProblemLike> {
  template: P[];
  /** By phase key. */
  phases: Map<string, P[]>;
  /** By step key: the step's own problems. */
  steps: Map<string, P[]>;
  /** By "stepKey/fieldKey". */
  fields: Map<string, P[]>;
}

export function placeProblems<P extends TemplateProblemLike>(sent: Template, problems: readonly P[]): PlacedProblems<P> {
  const out: PlacedProblems<P> = { template: [], phases: new Map(), steps: new Map(), fields: new Map() };
  const push = (map: Map<string, P[]>, key: string, p: P) => map.set(key, [...(map.get(key) ?? []), p]);
  for (const problem of problems) {
    const place = placeOf(sent, problem.path);
    if (place.at === "field") push(out.fields, `${place.step}/${place.field}`, problem);
    else if (place.at === "step") push(out.steps, place.step, problem);
    else if (place.at === "phase") push(out.phases, place.phase, problem);
    else out.template.push(problem);
  }
  return out;
}

/** How many problems a step has, its fields' included. */
export function stepProblemCount(placed: PlacedProblems, key: string): number {
  let n = placed.steps.get(key)?.length ?? 0;
  for (const [k, list] of placed.fields) if (k.startsWith(`${key}/`)) n += list.length;
  return n;
}

/** A field kind in words, for the step's summary line. */
export function kindLabel(kind: FieldKind): string {
  switch (kind.type) {
    case "list":
      return kind.multiple ? "list, several choices" : "list, one choice";
    case "paragraph":
      return `paragraph, up to ${kind.max_chars.toLocaleString()} characters`;
    default: {
      const found = CUSTOM_KINDS.find((k) => k.kind === kind.type);
      return found ? found.label.toLowerCase() : kind.type.replace(/_/g, " ");
    }
  }
}

/** Whether the field can be edited in the editor (the desk's own kinds); the built-in kinds
 *  (contact, assets, signature …) belong to their protective steps and are shown read-only. */
export function isCustomKind(kind: FieldKind): boolean {
  return CUSTOM_KINDS.some((k) => k.kind === kind.type);
}

/** Each kind of change the core reports, as a short label and a tone. */
const CHANGE_LABELS: Record<string, { text: string; tone: "ok" | "danger" | "info" | "" }> = {
  name_changed: { text: "Renamed", tone: "" },
  description_changed: { text: "Description", tone: "" },
  phase_retitled: { text: "Phase", tone: "" },
  step_added: { text: "Added", tone: "ok" },
  step_removed: { text: "Removed", tone: "danger" },
  step_moved: { text: "Moved", tone: "info" },
  step_retitled: { text: "Re-titled", tone: "" },
  guidance_changed: { text: "Guidance", tone: "" },
  field_added: { text: "Field added", tone: "ok" },
  field_removed: { text: "Field removed", tone: "danger" },
  field_changed: { text: "Field", tone: "" },
  required_changed: { text: "Required", tone: "" },
  requires_changed: { text: "Needs first", tone: "info" },
  resets_changed: { text: "Sets aside", tone: "" },
  tools_changed: { text: "Tools", tone: "" },
};

/** A change's kind as a short label and a tone (a kind this window does not know yet is spelled out). */
export function changeLabel(kind: string): { text: string; tone: "ok" | "danger" | "info" | "" } {
  const known = CHANGE_LABELS[kind];
  if (known) return known;
  const words = kind.replace(/_/g, " ");
  return { text: words.charAt(0).toUpperCase() + words.slice(1), tone: "" };
}

/**
 * Which steps of `template` the editor must not offer to remove, with the core's reason for each
 * (null: the step may be removed). The list comes with the draft from the core; none is kept here.
 */
export function protections(template: Template, guarded: readonly ProtectedStep[]): Map<string, string | null> {
  const reasons = new Map(guarded.map((p) => [p.key, p.reason]));
  return new Map(stepKeys(template).map((key) => [key, reasons.get(key) ?? null]));
}
