import { errorText } from './error-text.ts';
import { sleep } from './sleep.ts';

/** A sweep's round: `'again'` when it stopped at a full page and the next should follow at once. */
export type SweepRound = (signal: AbortSignal) => Promise<void | 'again'>;

/**
 * Runs `round` every `intervalMs` until stopped: the loop every sweep of a worker process
 * shares (interceptions, pick cancels, the shipped feed, invoices). A round that throws is
 * logged as `NAME: error; trying again` and the next one comes on time, so a sweep outlives any
 * outage of the database or the service it asks; `stop` aborts the wait and the round's signal,
 * and resolves once the round under way has ended.
 *
 * @example
 * return startSweepLoop('pick sweep', 1000, log, async (signal) => { ... });
 */
export function startSweepLoop(name: string, intervalMs: number, log: (line: string) => void, round: SweepRound): { stop(): Promise<void> } {
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      let again = false;
      try {
        again = (await round(abort.signal)) === 'again';
      } catch (error) {
        log(`${name}: ${errorText(error)}; trying again`);
      }
      if (!again) await sleep(intervalMs, abort.signal);
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await loop;
    },
  };
}
