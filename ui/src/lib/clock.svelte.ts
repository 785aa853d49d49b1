// One shared second hand for every SLA countdown on screen: a single timer, not one per row.

export const clock = $state({ now: Date.now() });

let timer: ReturnType<typeof setInterval> | undefined;

export function startClock(): () => void {
  if (timer === undefined) {
    timer = setInterval(() => {
      clock.now = Date.now();
    }, 1000);
  }
  return () => {
    clearInterval(timer);
    timer = undefined;
  };
}
