// Which rows of a fixed-row-height list are on screen, and which pages of the queue they need.
// Only those rows are in the DOM, so 100,000 tickets cost what 30 do.

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Rows drawn beyond each edge so a fast scroll does not show blank space first. */
  overscan: number;
}

export interface RowWindow {
  /** First row drawn (inclusive). */
  start: number;
  /** Row after the last one drawn (exclusive). */
  end: number;
  /** Where the first drawn row sits inside the scrolled content. */
  offsetY: number;
  /** Height of the whole list: what gives the scrollbar its size. */
  totalHeight: number;
}

export function rowWindow(input: WindowInput): RowWindow {
  const { rowHeight, count, overscan } = input;
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offsetY: 0, totalHeight };
  const maxTop = Math.max(0, totalHeight - input.viewportHeight);
  const top = Math.min(Math.max(0, input.scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, input.viewportHeight)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, last + overscan);
  return { start, end, offsetY: start * rowHeight, totalHeight };
}

/** Page numbers (of `pageSize` rows each) covering rows [start, end). */
export function pagesCovering(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) {
    pages.push(p);
  }
  return pages;
}

/** The scroll position that brings row `index` fully into view, moving as little as possible. */
export function revealRow(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
