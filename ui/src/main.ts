// The ticket queue window: asks the shell for a page of tickets and draws them as a table.
//
// Ticket text (problem statements, names) comes from clients and is untrusted: every value is
// put on the page with `textContent` on elements made by `createElement`, never parsed as HTML.

import "./styles.css";
import {
  IpcError,
  listQueue,
  reportPainted,
  type Priority,
  type QueueQuery,
  type QueueRow,
  type SlaStatus,
  type TicketStatus,
} from "./ipc";
import {
  PRIORITY_LABELS,
  SLA_LABELS,
  STATUS_LABELS,
  STATUS_SHORT_LABELS,
  formatFullTime,
  slaExplanation,
  slaFigure,
  slaWhen,
} from "./format";

const PAGE_SIZE = 200;
const SEARCH_DELAY_MS = 250;

function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing from index.html`);
  return element;
}

const ui = {
  filters: byId("filters", HTMLFormElement),
  search: byId("search", HTMLInputElement),
  status: byId("status", HTMLSelectElement),
  priority: byId("priority", HTMLSelectElement),
  refresh: byId("refresh", HTMLButtonElement),
  error: byId("error", HTMLDivElement),
  queue: byId("queue", HTMLElement),
  rows: byId("rows", HTMLTableSectionElement),
  empty: byId("empty", HTMLParagraphElement),
  summary: byId("summary", HTMLSpanElement),
  more: byId("more", HTMLButtonElement),
};

/** Rows on screen, and whether the last page came back full (so more may exist). */
let shown: QueueRow[] = [];
let mayHaveMore = false;
/** Only the newest request may draw: a slow old answer must not replace a newer one. */
let requestSeq = 0;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className !== undefined) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function muted(text = "—"): HTMLSpanElement {
  return el("span", "muted", text);
}

function textCell(value: string | null, className?: string): HTMLTableCellElement {
  const cell = el("td", className);
  if (value === null || value.trim() === "") {
    cell.append(muted());
  } else {
    cell.textContent = value;
    cell.title = value;
  }
  return cell;
}

function priorityCell(priority: Priority | null): HTMLTableCellElement {
  const cell = el("td");
  if (priority === null) {
    cell.append(muted("Unset"));
  } else {
    const badge = el("span", `badge priority-${priority.toLowerCase()}`, priority);
    badge.title = PRIORITY_LABELS[priority];
    cell.append(badge);
  }
  return cell;
}

function statusCell(status: TicketStatus): HTMLTableCellElement {
  const cell = el("td");
  const label = el("span", `status status-${status.replaceAll("_", "-")}`, STATUS_SHORT_LABELS[status]);
  label.title = STATUS_LABELS[status];
  cell.append(label);
  return cell;
}

function slaCell(sla: SlaStatus | null): HTMLTableCellElement {
  const cell = el("td", "sla");
  if (sla === null) {
    cell.append(muted("No SLA"));
    return cell;
  }
  const state = el("span", `sla-state sla-${sla.state.replace("_", "-")}`, SLA_LABELS[sla.state]);
  const figure = el("span", "sla-figure", slaFigure(sla));
  const line = el("div", "sla-line");
  line.append(state, figure);
  cell.append(line, el("div", "sla-when", slaWhen(sla)));
  cell.title = slaExplanation(sla);
  return cell;
}

function ticketRow(row: QueueRow): HTMLTableRowElement {
  const tr = el("tr");
  tr.dataset.ticketId = String(row.id);
  if (row.first_response?.state === "breached" || row.resolution?.state === "breached") {
    tr.classList.add("row-breached");
  }

  const number = textCell(row.number, "number");
  const opened = formatFullTime(row.created_at);
  if (opened !== null) number.title = `${row.number} — opened ${opened}`;

  const problem = el("td", "problem");
  const problemText = el("div", "problem-text", row.problem);
  problem.title = row.problem;
  problem.append(problemText);

  tr.append(
    number,
    textCell(row.company, "client"),
    textCell(row.contact),
    priorityCell(row.priority),
    statusCell(row.status),
    textCell(row.assignee),
    slaCell(row.first_response),
    slaCell(row.resolution),
    problem,
  );
  return tr;
}

function currentQuery(): QueueQuery {
  const query: QueueQuery = { limit: PAGE_SIZE };
  const search = ui.search.value.trim();
  if (search !== "") query.search = search;
  if (ui.status.value !== "") query.status = ui.status.value as TicketStatus;
  if (ui.priority.value !== "") query.priority = ui.priority.value as Priority;
  return query;
}

function isFiltered(query: QueueQuery): boolean {
  return query.search != null || query.status != null || query.priority != null;
}

function showError(error: IpcError | null): void {
  ui.error.replaceChildren();
  ui.error.hidden = error === null;
  if (error === null) return;
  ui.error.append(
    el("strong", "error-title", "The ticket queue could not be loaded."),
    el("code", "error-code", error.code),
    el("span", "error-message", error.message),
  );
  const retry = el("button", "error-retry", "Try again");
  retry.type = "button";
  retry.addEventListener("click", () => void load(false));
  ui.error.append(retry);
}

function draw(query: QueueQuery): void {
  ui.rows.replaceChildren(...shown.map(ticketRow));
  const count = shown.length;
  ui.empty.hidden = count > 0;
  ui.empty.textContent = isFiltered(query)
    ? "No tickets match these filters."
    : "The queue is empty.";
  const noun = count === 1 ? "ticket" : "tickets";
  ui.summary.textContent = mayHaveMore
    ? `Showing the first ${count} ${noun}`
    : `${count} ${noun}${isFiltered(query) ? " match" : ""}`;
  ui.more.hidden = !mayHaveMore;
}

/** `listQueue` only rejects with `IpcError`; anything else is a bug in this file. */
function asIpcError(raw: unknown): IpcError {
  return raw instanceof IpcError ? raw : new IpcError("UI_ERROR", String(raw));
}

let paintReported = false;

/** Loads the first page (`append` false) or the next one. */
async function load(append: boolean): Promise<void> {
  const seq = ++requestSeq;
  const query = currentQuery();
  if (append) query.offset = shown.length;
  ui.queue.setAttribute("aria-busy", "true");
  ui.more.disabled = true;
  try {
    const page = await listQueue(query);
    if (seq !== requestSeq) return;
    shown = append ? shown.concat(page) : page;
    mayHaveMore = page.length >= PAGE_SIZE;
    showError(null);
    draw(query);
    if (!paintReported) {
      paintReported = true;
      // After the next frame the rows are on screen, not just in the DOM.
      requestAnimationFrame(() => void reportPainted("queue", shown.length).catch(() => {}));
    }
  } catch (raw) {
    if (seq !== requestSeq) return;
    const error = asIpcError(raw);
    console.error(`list_queue failed: ${error.code}: ${error.message}`);
    showError(error);
    if (!append) {
      shown = [];
      mayHaveMore = false;
      ui.rows.replaceChildren();
      ui.empty.hidden = true;
      ui.more.hidden = true;
      ui.summary.textContent = "No tickets loaded";
    }
  } finally {
    if (seq === requestSeq) {
      ui.queue.setAttribute("aria-busy", "false");
      ui.more.disabled = false;
    }
  }
}

let searchTimer: number | undefined;
ui.search.addEventListener("input", () => {
  window.clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => void load(false), SEARCH_DELAY_MS);
});
ui.status.addEventListener("change", () => void load(false));
ui.priority.addEventListener("change", () => void load(false));
ui.refresh.addEventListener("click", () => void load(false));
ui.more.addEventListener("click", () => void load(true));
ui.filters.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(searchTimer);
  void load(false);
});

void load(false);
