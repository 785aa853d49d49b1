// The queue's rows, fetched a page at a time by offset as the list scrolls to them.
//
// Pages answer out of order and filters change while requests are in flight; a generation number
// drops every answer to a query that is no longer the current one.

export type FetchPage<Row> = (offset: number, limit: number) => Promise<Row[]>;

export interface QueuePagesEvents {
  /** New rows arrived: redraw. */
  loaded(): void;
  failed(error: unknown): void;
}

export class QueuePages<Row> {
  readonly pageSize: number;
  private readonly fetchPage: FetchPage<Row>;
  private readonly events: QueuePagesEvents;
  private pages = new Map<number, Row[]>();
  private inFlight = new Set<number>();
  private generation = 0;

  constructor(pageSize: number, fetchPage: FetchPage<Row>, events: QueuePagesEvents) {
    this.pageSize = pageSize;
    this.fetchPage = fetchPage;
    this.events = events;
  }

  /** The row at `index`, or undefined while its page is not loaded. */
  row(index: number): Row | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Fetches the pages among `wanted` that are neither loaded nor on their way. */
  ensure(wanted: number[]): void {
    for (const page of wanted) {
      if (!this.pages.has(page) && !this.inFlight.has(page)) void this.load(page);
    }
  }

  /** Fetches `wanted` again (live SLA states), keeping the old rows on screen until then. */
  refresh(wanted: number[]): void {
    for (const page of wanted) {
      if (!this.inFlight.has(page)) void this.load(page);
    }
  }

  /** Forgets every row: the query changed. */
  reset(): void {
    this.generation++;
    this.pages.clear();
    this.inFlight.clear();
  }

  private async load(page: number): Promise<void> {
    const generation = this.generation;
    this.inFlight.add(page);
    try {
      const rows = await this.fetchPage(page * this.pageSize, this.pageSize);
      if (generation !== this.generation) return;
      this.pages.set(page, rows);
      this.events.loaded();
    } catch (error) {
      if (generation !== this.generation) return;
      this.events.failed(error);
    } finally {
      if (generation === this.generation) this.inFlight.delete(page);
    }
  }
}
