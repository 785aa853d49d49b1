// Answers to a question asked again and again (the intake's dry run after each change) can arrive
// out of order: only the newest question's answer (or failure) counts, an older one is STALE.

export const STALE: unique symbol = Symbol("stale");

export function latestOnly<A extends unknown[], T>(
  ask: (...args: A) => Promise<T>,
): (...args: A) => Promise<T | typeof STALE> {
  let newest = 0;
  return async (...args: A) => {
    const mine = ++newest;
    try {
      const answer = await ask(...args);
      return mine === newest ? answer : STALE;
    } catch (e) {
      if (mine === newest) throw e;
      return STALE;
    }
  };
}
