// A screen whose code is fetched the first time it is needed, so the window's first frame parses
// and runs only the queue's code (the bundle the page starts with was 315 KB with every screen in
// it). `load()` starts the fetch once and is safe to call again; a failed fetch is kept as an
// error the screen slot shows, and `load()` tries again.

export interface LazyScreen<C> {
  /** The component once its code has arrived, else null. */
  readonly component: C | null;
  /** Why the code could not be fetched, or null. */
  readonly error: Error | null;
  load(): Promise<void>;
}

export function lazyScreen<C>(fetch: () => Promise<{ default: C }>): LazyScreen<C> {
  let component = $state.raw<C | null>(null);
  let error = $state.raw<Error | null>(null);
  let pending: Promise<void> | null = null;
  return {
    get component() {
      return component;
    },
    get error() {
      return error;
    },
    load() {
      if (component !== null) return Promise.resolve();
      pending ??= fetch().then(
        (module) => {
          component = module.default;
          error = null;
        },
        (e: unknown) => {
          pending = null;
          error = e instanceof Error ? e : new Error(String(e));
        },
      );
      return pending;
    },
  };
}
