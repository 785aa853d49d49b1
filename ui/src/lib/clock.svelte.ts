// One shared clock for every SLA countdown and age on screen: a single timer, not one per row.
// `now` moves every second; `minute` only when the minute turns. What reads only `minute` is not
// recomputed in between: an idle queue whose countdowns read minutes did not just skip its DOM
// writes but made WebKit draw a frame every second (~17 ms of CPU a second, docs/PERFORMANCE.md).

const MINUTE = 60_000;

export const clock = $state({ now: Date.now(), minute: Date.now() });

let timer: ReturnType<typeof setInterval> | undefined;

/** Moves the clock to `ms`; `minute` follows only when the minute has turned. */
export function setClock(ms: number): void {
  clock.now = ms;
  if (Math.floor(ms / MINUTE) !== Math.floor(clock.minute / MINUTE)) clock.minute = ms;
}

export function startClock(): () => void {
  if (timer === undefined) {
    timer = setInterval(() => setClock(Date.now()), 1000);
  }
  return () => {
    clearInterval(timer);
    timer = undefined;
  };
}
