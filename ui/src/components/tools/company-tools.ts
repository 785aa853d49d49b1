// A company's tool links (issue 15) as the Directory's company form edits them: the kinds in
// the form's order with an example product and link each, the placeholders' meanings, and the
// core's refusal put under the field it is about. Checking and filling links stay in the core
// (`directory/tools.rs`): this module holds words, not rules.

import type { CompanyTool, ToolKind } from "../../ipc";
import type { ShownError } from "../../lib/errors";

export interface ToolKindInfo {
  kind: ToolKind;
  title: string;
  /** A product a desk would name here, for the label's placeholder. */
  product: string;
  example: string;
}

/** Every kind, in the core's order (`TOOL_KINDS`). */
export const TOOL_KINDS: ToolKindInfo[] = [
  { kind: "psa", title: "PSA ticket", product: "ConnectWise", example: "https://psa.example.com/tickets?search={ticket}" },
  {
    kind: "remote_session",
    title: "Remote session",
    product: "ScreenConnect",
    example: "https://acme.screenconnect.com/Host#Access/All%20Machines//{hostname}",
  },
  { kind: "rmm", title: "RMM device", product: "NinjaOne", example: "https://rmm.example.com/devices?search={hostname}" },
  { kind: "edr", title: "EDR host", product: "CrowdStrike", example: "https://edr.example.com/hosts?hostname={hostname}" },
  { kind: "documentation", title: "Documentation", product: "IT Glue", example: "https://docs.example.com/search?q={company}" },
  { kind: "noc", title: "NOC dashboard", product: "Auvik", example: "https://noc.example.com/dashboard" },
  { kind: "vendor_status", title: "Vendor status", product: "Vendor status", example: "https://status.example.com/" },
];

/** What each placeholder becomes; the core percent-encodes every value it fills in. */
export const TOOL_PLACEHOLDERS: { name: string; means: string }[] = [
  { name: "{hostname}", means: "the linked asset's hostname (one button per asset)" },
  { name: "{upn}", means: "the asset's assigned user's UPN, else the caller's" },
  { name: "{ticket}", means: "Ticketflow's ticket number" },
  { name: "{psa_ticket}", means: "the PSA's ticket number: Ticketflow keeps none yet, so a link naming it cannot open" },
  { name: "{company}", means: "the client's name" },
];

/** One row of the form: what is stored (null: nothing) and what is typed. */
export interface ToolRow {
  info: ToolKindInfo;
  stored: CompanyTool | null;
  label: string;
  url: string;
}

export function toolRows(stored: CompanyTool[]): ToolRow[] {
  return TOOL_KINDS.map((info) => {
    const tool = stored.find((t) => t.kind === info.kind) ?? null;
    return { info, stored: tool, label: tool?.label ?? "", url: tool?.url_template ?? "" };
  });
}

/** Whether Save has something to write (a blank link is removed with Remove, not saved). */
export function rowChanged(row: ToolRow): boolean {
  if (row.url.trim() === "") return false;
  return row.stored === null || row.stored.url_template !== row.url.trim() || row.stored.label !== row.label.trim();
}

/** Which field a refusal is about: the link, the label, or neither (shown for the row). */
export function toolErrorField(error: ShownError): "url" | "label" | null {
  if (error.code === "TOOL_URL_INVALID") return "url";
  if (error.code === "INVALID_INPUT" && error.message.startsWith("invalid tool label: ")) return "label";
  return null;
}
