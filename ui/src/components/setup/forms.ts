// What the setup and technician forms check before they ask the core, so each refusal is shown
// at its field the moment Save is pressed. The core checks the same again and stays the authority
// (its refusals appear under the form).

import type { NewTechnician, TechTier } from "../../ipc";
import type { FieldErrors } from "../../lib/form-check";


const DESK_NAME_MAX = 120;
const NAME_MAX = 200;

function oneLine(value: string, label: string, max: number): string | null {
  const v = value.trim();
  if (v === "") return `Enter ${label}.`;
  if ([...v].length > max) return `Keep ${label} to ${max} characters.`;
  const control = [...v].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);
  if (control) return `Keep ${label} on one line.`;
  return null;
}

/** The core's rule for a new PIN (`PIN_MIN_DIGITS`..`PIN_MAX_DIGITS` in store/pins.rs): checked
 *  here only to point at the field at once; the core refuses anything else with PIN_POLICY. */
export const PIN_MIN_DIGITS = 6;
export const PIN_MAX_DIGITS = 12;
const NEW_PIN = new RegExp(`^[0-9]{${PIN_MIN_DIGITS},${PIN_MAX_DIGITS}}$`);

export function pinError(pin: string): string | null {
  if (pin === "") return `Choose a PIN of ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits.`;
  return NEW_PIN.test(pin) ? null : `A PIN is ${PIN_MIN_DIGITS} to ${PIN_MAX_DIGITS} digits (0–9), nothing else.`;
}

export function pinRepeatError(pin: string, repeat: string): string | null {
  if (repeat === "") return "Type the PIN again.";
  return repeat === pin ? null : "The two PINs differ: type the same PIN twice.";
}

export function emailError(email: string): string | null {
  const e = email.trim();
  if (e === "") return null;
  const at = e.indexOf("@");
  const ok =
    e.length <= 254 && !/\s/.test(e) && at > 0 && e.slice(at + 1).includes(".");
  return ok ? null : "Enter an address like name@example.com, or leave it empty.";
}

export function zoneError(zone: string, zones: readonly string[]): string | null {
  if (zone.trim() === "") return "Choose the desk's time zone.";
  return zones.length === 0 || zones.includes(zone) ? null : "Choose a time zone from the list.";
}

/** Zones whose name contains every word of `query` ("new york", "berlin", "America/"). */
export function filterZones(zones: readonly string[], query: string): string[] {
  const words = query.toLowerCase().replace(/[_/]/g, " ").split(/\s+/).filter((w) => w !== "");
  if (words.length === 0) return [...zones];
  return zones.filter((z) => {
    const name = z.toLowerCase().replace(/[_/]/g, " ");
    return words.every((w) => name.includes(w));
  });
}

export interface TechnicianInput {
  name: string;
  tier: TechTier;
  email: string;
  onCall: boolean;
  pin: string;
  pinRepeat: string;
}

/** The technician the core is asked to add: name and e-mail trimmed, no e-mail as null. */
export function newTechnician(t: TechnicianInput): NewTechnician {
  const email = t.email.trim();
  return { name: t.name.trim(), tier: t.tier, email: email === "" ? null : email, on_call: t.onCall };
}

/** Why each field cannot be saved (keys in the form's order: the first one gets the focus). */
export function technicianErrors(t: TechnicianInput): FieldErrors {
  const errors: FieldErrors = {};
  const put = (field: string, message: string | null) => {
    if (message !== null) errors[field] = message;
  };
  put("name", oneLine(t.name, "the technician's name", NAME_MAX));
  put("email", emailError(t.email));
  put("pin", pinError(t.pin));
  put("pinRepeat", pinError(t.pin) === null ? pinRepeatError(t.pin, t.pinRepeat) : null);
  return errors;
}

export interface SetupInput extends TechnicianInput {
  deskName: string;
  timeZone: string;
}

export function setupErrors(s: SetupInput, zones: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  const desk = oneLine(s.deskName, "the desk's name", DESK_NAME_MAX);
  if (desk !== null) errors.deskName = desk;
  const zone = zoneError(s.timeZone, zones);
  if (zone !== null) errors.timeZone = zone;
  return { ...errors, ...technicianErrors(s) };
}

/** The witness's PIN: entered, and shaped like a PIN (4 digits still: a PIN set before the
 *  six-digit rule keeps working until its owner changes it). */
export function witnessPinError(pin: string): string | null {
  if (pin === "") return "Enter your own PIN to confirm.";
  return /^[0-9]{4,12}$/.test(pin) ? null : "A PIN is 4 to 12 digits.";
}
