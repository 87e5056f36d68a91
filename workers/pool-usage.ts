/**
 * Time-weighted use of a pool of `threads`: the share of thread time spent running tasks since
 * the previous reading, so a heartbeat every few seconds reports what happened in between rather
 * than whatever was running at the instant it looked.
 */
export interface PoolUsage {
  /** A task was handed to the pool. */
  started(): void;
  /** A task finished (done or failed). */
  finished(): void;
  /** Busy share of the pool's threads, 0..1, since the previous call (or since creation). */
  take(): number;
}

/**
 * @example
 * const usage = poolUsage(2); usage.started(); // ... one second later
 * usage.take() // 0.5: one of two threads busy the whole second
 */
export function poolUsage(threads: number, now: () => number = () => performance.now()): PoolUsage {
  let active = 0;
  let busy = 0;
  let changedAt = now();
  let takenAt = changedAt;
  const settle = (): void => {
    const t = now();
    // Tasks beyond the thread count wait in piscina's queue: they do not make the pool busier.
    busy += Math.min(active, threads) * (t - changedAt);
    changedAt = t;
  };
  return {
    started: () => {
      settle();
      active++;
    },
    finished: () => {
      settle();
      active = Math.max(0, active - 1);
    },
    take: () => {
      settle();
      const span = changedAt - takenAt;
      const share = span > 0 && threads > 0 ? busy / (threads * span) : 0;
      busy = 0;
      takenAt = changedAt;
      return Math.min(1, share);
    },
  };
}
