// Bringing an element into view inside one scrolling panel. `scrollIntoView` would also scroll
// every clipped ancestor (the app shell included), shifting the whole window out of place.

/** Scrolls `container` alone, as little as needed, so that `element` is visible in it. */
export function revealIn(container: HTMLElement, element: HTMLElement, margin = 12): void {
  const box = container.getBoundingClientRect();
  const rect = element.getBoundingClientRect();
  if (rect.top < box.top + margin) {
    container.scrollTop += rect.top - box.top - margin;
  } else if (rect.bottom > box.bottom - margin) {
    // A tall element shows its top rather than its bottom.
    container.scrollTop += Math.min(rect.bottom - box.bottom + margin, rect.top - box.top - margin);
  }
}
