// The queue's first frame draws no blurred shadow: without a GPU, WebKit's Skia compiles its blur
// shaders through Mesa's llvmpipe at every launch (100-190 ms of CPU, issue 19). The card shadow
// token and the styles of the components on that frame keep to hard-edged shadows.
import { describe, expect, it } from "vitest";
import app from "./App.svelte?raw";
import priorityBadge from "./components/PriorityBadge.svelte?raw";
import queueRow from "./components/QueueRowView.svelte?raw";
import queue from "./components/QueueView.svelte?raw";
import slaTimer from "./components/SlaTimer.svelte?raw";
import statusPill from "./components/StatusPill.svelte?raw";

// Vitest hands a stylesheet's ?raw import over empty, so app.css is read from disk (through a
// specifier TypeScript does not resolve: the UI's types have no Node modules).
const fsModule = "node:fs";
const { readFileSync } = (await import(/* @vite-ignore */ fsModule)) as {
  readFileSync(path: URL, encoding: "utf8"): string;
};
const appCss = readFileSync(new URL("./app.css", import.meta.url), "utf8");

const FIRST_FRAME: Record<string, string> = {
  "app.css": appCss,
  "App.svelte": app,
  "QueueView.svelte": queue,
  "QueueRowView.svelte": queueRow,
  "PriorityBadge.svelte": priorityBadge,
  "StatusPill.svelte": statusPill,
  "SlaTimer.svelte": slaTimer,
};

/** Splits a shadow list at the commas between layers (not those inside rgb(...) and the like). */
function layers(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of value) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  out.push(current.trim());
  return out.filter((layer) => layer !== "");
}

/** A layer's blur radius: the third length (offset x, offset y, blur, spread); 0 when absent. */
function blurOf(layer: string): number {
  const withoutColours = layer.replace(/\b(rgb|rgba|hsl|hsla|color-mix|var)\([^()]*(\([^()]*\)[^()]*)*\)/g, "");
  const lengths = withoutColours.match(/-?\d*\.?\d+(px|em|rem)?\b/g) ?? [];
  return lengths.length >= 3 ? parseFloat(lengths[2]) : 0;
}

/** Every `--shadow:` and `box-shadow:` value in a file (values may span lines). */
function shadowValues(text: string): string[] {
  return [...text.matchAll(/(?:--shadow|box-shadow)\s*:\s*([^;}]+)/g)].map((m) => m[1]);
}

describe("the queue's first frame", () => {
  it("reads a blur as a blur and a hard shadow as none", () => {
    expect(layers("0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 8%)").map(blurOf)).toEqual([2, 3]);
    expect(layers("inset 3px 0 0 var(--accent)").map(blurOf)).toEqual([0]);
    expect(layers("0 1px 0 2px rgb(0 0 0 / 4%)").map(blurOf)).toEqual([0]);
    expect(layers("none").map(blurOf)).toEqual([0]);
  });

  for (const [file, text] of Object.entries(FIRST_FRAME)) {
    it(`draws no blurred shadow (${file})`, () => {
      expect(text.trim(), `${file} was read`).not.toBe("");
      for (const value of shadowValues(text)) {
        for (const layer of layers(value)) {
          expect(blurOf(layer), `${file}: ${layer}`).toBe(0);
        }
      }
    });
  }

  it("finds the card shadow token it checks", () => {
    expect(shadowValues(appCss).length).toBeGreaterThanOrEqual(2);
  });
});
