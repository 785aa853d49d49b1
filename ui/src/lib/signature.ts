// Between signature_pad's point groups and the core's `Signature`: the vector strokes, the canvas
// CSS size, the device pixel ratio and the pad options are what is stored; a replay feeds the same
// points, times and options back to signature_pad, so it draws the same curves.

import type { PointGroup } from "signature_pad";
import type { PadOptions, Point, Signature, SignerRole } from "../ipc";
import { formatFullTime } from "./format";

/** The pad options the app draws with (signature_pad's defaults, spelled out so they are stored). */
export const PAD_OPTIONS: PadOptions = {
  min_width: 0.5,
  max_width: 2.5,
  dot_size: 0,
  velocity_filter_weight: 0.7,
  min_distance: 5,
  throttle: 16,
};

/** The same limits the core applies; checked here first so the signer hears at once. */
export const MIN_POINTS = 10;
export const MIN_EXTENT = 24;

/** signature_pad treats a time of 0 as "now", so replayed times start above it. */
const REPLAY_EPOCH = 1;

export type PadCapture = Pick<
  Signature,
  "strokes" | "width" | "height" | "device_pixel_ratio" | "pad" | "preview_png"
>;

/** Stroke points in CSS pixels (ink dragged past the top or left edge pinned to it), times
 *  relative to each stroke's start. */
export function toStrokes(groups: PointGroup[]): Point[][] {
  return groups
    .filter((g) => g.points.length > 0)
    .map((g) => {
      const start = g.points[0].time;
      return g.points.map((p) => ({
        x: Math.max(0, p.x),
        y: Math.max(0, p.y),
        pressure: clamp(Number.isFinite(p.pressure) ? p.pressure : 0.5, 0, 1),
        t: Math.max(0, p.time - start),
      }));
    });
}

/** The point groups signature_pad redraws a stored signature from. */
export function toPointGroups(strokes: Point[][], pad: PadOptions, penColor: string): PointGroup[] {
  return strokes.map((stroke) => ({
    penColor,
    dotSize: pad.dot_size,
    minWidth: pad.min_width,
    maxWidth: pad.max_width,
    velocityFilterWeight: pad.velocity_filter_weight,
    compositeOperation: "source-over",
    points: stroke.map((p) => ({ x: p.x, y: p.y, pressure: p.pressure, time: p.t + REPLAY_EPOCH })),
  }));
}

/** Why this ink is not a signature yet, or null when it will do. */
export function inkProblem(strokes: Point[][]): string | null {
  const points = strokes.flat();
  if (points.length === 0) return "Please sign in the box.";
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  if (points.length < MIN_POINTS || extent < MIN_EXTENT) {
    return "That is too small to be a signature. Please sign with your name across the box.";
  }
  return null;
}

/** The frame stored with the strokes: the pad's size, grown to any ink drawn before a resize. */
export function frameOf(strokes: Point[][], width: number, height: number): { width: number; height: number } {
  const points = strokes.flat();
  return {
    width: Math.max(width, ...points.map((p) => p.x)),
    height: Math.max(height, ...points.map((p) => p.y)),
  };
}

export function roleLabel(role: SignerRole): string {
  return role === "end_user" ? "End user" : "Technician";
}

/** "27 Nov 2026, 14:05 (UTC+01:00)": the time as signed, with the signer's own offset. */
export function signedAtText(rfc3339: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(rfc3339);
  if (m === null) return rfc3339;
  const [, y, mo, d, h, mi, off] = m;
  const month = MONTHS[Number(mo) - 1] ?? mo;
  return `${Number(d)} ${month} ${y}, ${h}:${mi} (UTC${off === "Z" ? "+00:00" : off})`;
}

/** When it was signed, as every time on a ticket: in the client's `zone` with its offset
 *  (`formatFullTime`). Without a zone, or if the stored text is not a time, the signer's own
 *  wall clock and offset as stored (`signedAtText`), so nothing is ever shown unnamed. */
export function signedAtInZone(rfc3339: string, zone: string | undefined): string {
  if (zone === undefined) return signedAtText(rfc3339);
  return formatFullTime(rfc3339, zone) ?? signedAtText(rfc3339);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Now, as RFC 3339 with this machine's UTC offset (what the core stores as `signed_at`). */
export function nowWithOffset(date: Date = new Date()): string {
  const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
