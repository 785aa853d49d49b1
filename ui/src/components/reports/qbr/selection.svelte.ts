// What the Reports screen shows and the QBR picked, kept while the app runs: opening a ticket
// from a QBR and coming back finds the same client, period and tables.

export type ReportsTab = "closure" | "qbr";
export type PeriodChoice = "this_quarter" | "last_quarter" | "custom";

export const reportsView = $state<{ tab: ReportsTab }>({ tab: "closure" });

export const qbrSelection = $state<{
  /** null: every client. */
  companyId: number | null;
  choice: PeriodChoice;
  /** The custom period's days (YYYY-MM-DD), as typed. */
  from: string | null;
  to: string | null;
  /** Charts shown as tables, by chart key. */
  tables: Record<string, boolean>;
}>({
  companyId: null,
  // A review looks back at a quarter that is over.
  choice: "last_quarter",
  from: null,
  to: null,
  tables: {},
});
