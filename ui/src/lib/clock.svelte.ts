// The clock every SLA countdown and age on screen reads. `clock.now` moves every second and
// `clock.minute` when the minute turns, each through one shared timer that runs only while
// something on screen reads that hand: an idle queue whose rows read minutes has no one-second
// timer at all. A one-second tick that rows merely recomputed on (no DOM write) made WebKit draw a
// frame every second, ~17 ms of CPU a second (docs/PERFORMANCE.md).

import { createSubscriber } from "svelte/reactivity";

/** A hand that moves every `period` ms, on the period's boundaries, while it is read in an effect. */
function hand(period: number): () => number {
  const subscribe = createSubscriber((update) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      timer = setTimeout(
        () => {
          update();
          arm();
        },
        period - (Date.now() % period),
      );
    };
    arm();
    return () => clearTimeout(timer);
  });
  return () => {
    subscribe();
    return Date.now();
  };
}

const second = hand(1000);
const minute = hand(60_000);

export const clock = {
  /** Now, to the second. */
  get now(): number {
    return second();
  },
  /** Now, re-read when the minute turns. */
  get minute(): number {
    return minute();
  },
};
