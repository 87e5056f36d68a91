import { sleep } from '../sleep.ts';

interface PendingSleep {
  /** When it resolves (epoch ms). */
  until: number;
  done: Promise<void>;
}

const pending = new WeakMap<AbortSignal, PendingSleep>();

/**
 * Waits about `ms`, or less when `signal` aborts first, sharing one timer and one abort listener
 * with every other caller waiting on the same signal. Callers held by an open breaker all wait on
 * their worker's one stop signal: with a sleep each, every held batch added its own listener to it,
 * and more than ten at once made Node print `MaxListenersExceededWarning` (seen in a carrier
 * outage). A caller joins a sleep already under way when it ends no later than it asked for, so
 * it may wake sooner than `ms` (held callers check the breaker again and wait once more), never later.
 *
 * @example
 * while (breaker.state() === 'open') await sharedSleep(1000, signal);
 */
export function sharedSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  const until = Date.now() + ms;
  const current = pending.get(signal);
  if (current && current.until <= until && current.until > Date.now()) return current.done;
  const entry: PendingSleep = {
    until,
    done: sleep(ms, signal).finally(() => {
      if (pending.get(signal) === entry) pending.delete(signal);
    }),
  };
  pending.set(signal, entry);
  return entry.done;
}
